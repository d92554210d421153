#!/usr/bin/env python3
"""Checks the fetched assets with Python ONNX Runtime and prints reference numbers that the Swift
pipeline should reproduce. Run from anywhere: .venv/bin/python scripts/assets/verify_assets.py

Only numpy, Pillow and onnxruntime (the .venv from scripts/setup.sh); frames come from ffmpeg.
The pre/post-processing here is deliberately simple (axis-aligned boxes, no OpenCV) so that it can
be ported one to one.
"""
import math
import os
import subprocess
import sys
import tempfile

import numpy as np
import onnxruntime as ort
from PIL import Image

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
MODELS = os.path.join(ROOT, "assets", "models")
VIDEOS = os.path.join(ROOT, "assets", "videos")

ort.set_default_logger_severity(3)
failures = []


def check(cond, what):
    print(("  ok   " if cond else "  FAIL ") + what)
    if not cond:
        failures.append(what)


def session(name):
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 2
    return ort.InferenceSession(os.path.join(MODELS, name), opts, providers=["CPUExecutionProvider"])


def describe(name, sess):
    print(f"{name}:")
    for i in sess.get_inputs():
        print(f"  input  {i.name!r} {i.shape} {i.type}")
    for o in sess.get_outputs():
        print(f"  output {o.name!r} {o.shape} {o.type}")


def frame(video, t):
    """RGB uint8 HxWx3 of the frame at t seconds (ffmpeg -> PNG -> Pillow)."""
    with tempfile.TemporaryDirectory() as d:
        png = os.path.join(d, "f.png")
        subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-ss", str(t), "-i",
                        os.path.join(VIDEOS, video), "-frames:v", "1", png], check=True)
        return np.asarray(Image.open(png).convert("RGB"))


def resize(rgb, w, h):
    return np.asarray(Image.fromarray(rgb).resize((w, h), Image.Resampling.BILINEAR))


# --- PP-OCR ------------------------------------------------------------------------------------
def ppocr_norm(rgb):
    """HxWx3 RGB uint8 -> 3xHxW float32: BGR, /255, (x-0.5)/0.5."""
    bgr = rgb[:, :, ::-1].astype(np.float32)
    return ((bgr / 255.0 - 0.5) / 0.5).transpose(2, 0, 1)


def components(mask):
    """4-connected components of a bool mask -> list of (y0, x0, y1, x1) inclusive, row-major order."""
    h, w = mask.shape
    seen = np.zeros_like(mask, dtype=bool)
    out = []
    for y in range(h):
        for x in range(w):
            if mask[y, x] and not seen[y, x]:
                stack = [(y, x)]
                seen[y, x] = True
                y0, x0, y1, x1 = y, x, y, x
                while stack:
                    cy, cx = stack.pop()
                    y0, x0, y1, x1 = min(y0, cy), min(x0, cx), max(y1, cy), max(x1, cx)
                    for ny, nx in ((cy - 1, cx), (cy + 1, cx), (cy, cx - 1), (cy, cx + 1)):
                        if 0 <= ny < h and 0 <= nx < w and mask[ny, nx] and not seen[ny, nx]:
                            seen[ny, nx] = True
                            stack.append((ny, nx))
                out.append((y0, x0, y1, x1))
    return out


def detect_text(det, rgb, thresh=0.3, box_thresh=0.5, unclip=1.6):
    h, w = rgb.shape[:2]
    # nearest multiple of 32, halves rounded UP (as Swift's .rounded() does; Python round() would give 256 for 272)
    dw, dh = max(32, int(math.floor(w / 32 + 0.5)) * 32), max(32, int(math.floor(h / 32 + 0.5)) * 32)
    x = ppocr_norm(resize(rgb, dw, dh))[None]
    prob = det.run(None, {"x": x})[0][0, 0]
    print(f"  det input [1,3,{dh},{dw}] (stretched from {w}x{h}); prob map {list(prob.shape)}, "
          f"max {prob.max():.4f}, pixels > {thresh}: {(prob > thresh).sum()}")
    boxes = []
    for (y0, x0, y1, x1) in components(prob > thresh):
        bw, bh = x1 - x0 + 1, y1 - y0 + 1
        if min(bw, bh) < 3:
            continue
        score = float(prob[y0:y1 + 1, x0:x1 + 1].mean())
        if score < box_thresh:
            continue
        d = bw * bh * unclip / (2 * (bw + bh))  # DB "unclip": offset = area * ratio / perimeter
        # map the expanded det-resolution rect back to the original frame
        sx, sy = w / dw, h / dh
        X0 = max(0, int(round((x0 - d) * sx)))
        Y0 = max(0, int(round((y0 - d) * sy)))
        X1 = min(w, int(round((x1 + 1 + d) * sx)))
        Y1 = min(h, int(round((y1 + 1 + d) * sy)))
        boxes.append(((X0, Y0, X1, Y1), score, (x0, y0, x1 + 1, y1 + 1), d))
    return boxes


def recognize(rec, chars, rgb, box):
    X0, Y0, X1, Y1 = box
    crop = rgb[Y0:Y1, X0:X1]
    ch, cw = crop.shape[:2]
    rw = int(math.ceil(48 * cw / ch))
    W = max(320, rw)
    W = int(math.ceil(W / 8) * 8)
    x = np.zeros((1, 3, 48, W), np.float32)  # 0 after normalisation = mid grey padding
    x[0, :, :, :rw] = ppocr_norm(resize(crop, rw, 48))
    logits = rec.run(None, {"x": x})[0][0]  # [W/8, 6625] (softmax probabilities)
    idx = logits.argmax(1)
    prob = logits.max(1)
    text, probs, prev = [], [], -1
    for t, i in enumerate(idx):
        if i != 0 and i != prev:
            text.append(chars[i])
            probs.append(prob[t])
        prev = i
    return "".join(text), float(np.mean(probs)) if probs else 0.0, (rw, W, logits.shape)


def verify_ocr():
    det, cls, rec = session("ppocr_det.onnx"), session("ppocr_cls.onnx"), session("ppocr_rec.onnx")
    describe("ppocr_det.onnx", det)
    describe("ppocr_cls.onnx", cls)
    describe("ppocr_rec.onnx", rec)
    meta = rec.get_modelmeta().custom_metadata_map
    print(f"  rec metadata keys: {sorted(meta)}")
    raw = meta.get("character", "")
    lines = raw.splitlines()
    print(f"  'character': {len(raw)} chars, separator '\\n', {len(lines)} entries; "
          f"first {lines[:12]!r}, last {lines[-3:]!r}")
    chars = ["blank"] + lines + [" "]  # CTC: index 0 blank, then the list, then a space
    print(f"  CTC classes = 1 (blank) + {len(lines)} + 1 (space) = {len(chars)}")
    check(len(chars) == rec.get_outputs()[0].shape[2] if isinstance(rec.get_outputs()[0].shape[2], int)
          else len(chars) == 6625, f"class count {len(chars)} matches rec output")

    words = [l.strip() for l in open(os.path.join(VIDEOS, "ocr_text.txt")) if l.strip()]
    rgb = frame("ocr_text.mp4", 1.0)
    print(f"ocr_text.mp4 frame at t=1.0 s: {rgb.shape[1]}x{rgb.shape[0]}; expect {words}")
    found = []
    for (box, score, dbox, d) in detect_text(det, rgb):
        text, conf, (rw, W, shape) = recognize(rec, chars, rgb, box)
        print(f"  box x0,y0,x1,y1={box} score={score:.4f} (det-res rect {dbox}, unclip d={d:.2f}) "
              f"-> rec input [1,3,48,{W}] (text {rw} wide), out {list(shape)}: {text!r} conf {conf:.4f}")
        found.append(text)
    for w in words:
        check(w in found, f"OCR read {w!r}")

    # orientation classifier on the first word crop: expect class 0 ('0 degrees')
    boxes = detect_text(det, rgb)
    if boxes:
        X0, Y0, X1, Y1 = boxes[0][0]
        crop = rgb[Y0:Y1, X0:X1]
        rw = min(192, int(math.ceil(48 * crop.shape[1] / crop.shape[0])))
        x = np.zeros((1, 3, 48, 192), np.float32)
        x[0, :, :, :rw] = ppocr_norm(resize(crop, rw, 48))
        p = cls.run(None, {"x": x})[0][0]
        print(f"  cls on first box: {p.tolist()} (0 deg, 180 deg)")
        check(p.argmax() == 0, "cls says upright")


# --- CenterFace --------------------------------------------------------------------------------
def verify_centerface():
    s = session("centerface.onnx")
    describe("centerface.onnx", s)
    x = np.random.default_rng(0).uniform(0, 255, (2, 3, 256, 320)).astype(np.float32)
    outs = s.run(None, {"input.1": x})
    print(f"  random [2,3,256,320] -> {[list(o.shape) for o in outs]}")
    check([list(o.shape) for o in outs] == [[2, 1, 64, 80], [2, 2, 64, 80], [2, 2, 64, 80], [2, 10, 64, 80]],
          "centerface dynamic shapes")

    rgb = frame("carphone_pristine.mp4", 1.0)
    h, w = rgb.shape[:2]
    nw, nh = int(math.ceil(w / 32) * 32), int(math.ceil(h / 32) * 32)
    x = resize(rgb, nw, nh).astype(np.float32).transpose(2, 0, 1)[None]  # RGB 0-255, stretched
    heat, scale, offset, lms = s.run(None, {"input.1": x})
    hm = heat[0, 0]
    print(f"carphone_pristine.mp4 frame at t=1.0 s {w}x{h} stretched to {nw}x{nh}: "
          f"heatmap {list(heat.shape)} max {hm.max():.4f} at (row,col) {tuple(int(i) for i in np.unravel_index(hm.argmax(), hm.shape))}")
    dets = []
    for r, c in zip(*np.where(hm > 0.5)):
        s0, s1 = math.exp(scale[0, 0, r, c]) * 4, math.exp(scale[0, 1, r, c]) * 4  # height, width
        o0, o1 = offset[0, 0, r, c], offset[0, 1, r, c]  # y, x
        x1 = max(0.0, (c + o1 + 0.5) * 4 - s1 / 2)
        y1 = max(0.0, (r + o0 + 0.5) * 4 - s0 / 2)
        x2, y2 = min(x1 + s1, nw), min(y1 + s0, nh)
        dets.append((float(hm[r, c]), x1 * w / nw, y1 * h / nh, x2 * w / nw, y2 * h / nh))
    dets.sort(reverse=True)
    print(f"  {len(dets)} cells > 0.5; best box in frame pixels (score, x1, y1, x2, y2): "
          f"{tuple(round(float(v), 2) for v in dets[0]) if dets else None}")
    check(len(dets) > 0, "centerface finds a face")


# --- open-nsfw ---------------------------------------------------------------------------------
def verify_opennsfw():
    s = session("open-nsfw.onnx")
    describe("open-nsfw.onnx", s)
    rgb = frame("bikes.mp4", 2.0)
    img = Image.fromarray(rgb).resize((256, 256), Image.Resampling.BILINEAR).crop((16, 16, 240, 240))
    x = (np.asarray(img, np.float32)[:, :, ::-1] - np.array([104, 117, 123], np.float32))[None]
    out = s.run(None, {s.get_inputs()[0].name: np.ascontiguousarray(x)})[0]
    print(f"bikes.mp4 frame at t=2.0 s (resize 256x256 bilinear, crop 224, BGR - [104,117,123]): "
          f"{s.get_outputs()[0].name} = {out[0].tolist()} (sfw, nsfw)")
    check(out[0, 1] < 0.2, "bikes frame is sfw")


if __name__ == "__main__":
    np.set_printoptions(precision=4, suppress=True)
    verify_ocr()
    verify_centerface()
    verify_opennsfw()
    print(f"verify_assets: {'all checks passed' if not failures else f'{len(failures)} FAILED: {failures}'}")
    sys.exit(1 if failures else 0)
