"""A hand-tuned Python pipeline for the moderation example, to compare with `framewise bench`.

What a careful Python engineer writes: ffmpeg decodes and samples (fps filter) in a subprocess, a
reader thread turns its raw RGB output into numpy frames while the main thread preprocesses with
PIL/numpy and runs open-nsfw and CenterFace through onnxruntime in batches of 8; decoding of the next
frames overlaps inference. Videos run one after another. Prints videos/s and frames/s.

    .venv/bin/python bench/python_moderation.py --videos 40 VIDEO...
"""
import argparse
import json
import queue
import subprocess
import threading
import time

import numpy as np
import onnxruntime as ort
from PIL import Image

ap = argparse.ArgumentParser()
ap.add_argument("inputs", nargs="+")
ap.add_argument("--videos", type=int, default=0)
ap.add_argument("--fps", type=float, default=2.0)
ap.add_argument("--batch", type=int, default=8)
args = ap.parse_args()
videos = [args.inputs[i % len(args.inputs)] for i in range(args.videos or len(args.inputs))]

nsfw = ort.InferenceSession("assets/models/open-nsfw.onnx", providers=["CPUExecutionProvider"])
face = ort.InferenceSession("assets/models/centerface.onnx", providers=["CPUExecutionProvider"])
nsfw_in, face_in = nsfw.get_inputs()[0].name, face.get_inputs()[0].name


def size_of(path):
    out = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "stream=width,height",
                          "-of", "json", path], capture_output=True, text=True, check=True).stdout
    s = json.loads(out)["streams"][0]
    return s["width"], s["height"]


def frames(path):
    w, h = size_of(path)
    proc = subprocess.Popen(["ffmpeg", "-v", "error", "-i", path, "-vf", f"fps={args.fps}", "-f", "rawvideo",
                             "-pix_fmt", "rgb24", "-"], stdout=subprocess.PIPE)
    q = queue.Queue(maxsize=32)

    def reader():
        n = w * h * 3
        while True:
            buf = proc.stdout.read(n)
            if len(buf) < n:
                break
            q.put(np.frombuffer(buf, np.uint8).reshape(h, w, 3))
        q.put(None)

    threading.Thread(target=reader, daemon=True).start()
    while (f := q.get()) is not None:
        yield f
    proc.wait()


def pre_nsfw(rgb):
    img = Image.fromarray(rgb)
    scale = 256 / min(img.size)
    img = img.resize((max(224, round(img.width * scale)), max(224, round(img.height * scale))), Image.BILINEAR)
    left, top = (img.width - 224) // 2, (img.height - 224) // 2
    x = np.asarray(img.crop((left, top, left + 224, top + 224)), np.float32)[:, :, ::-1]
    return x - np.array([104, 117, 123], np.float32)


def pre_face(rgb):
    h, w = rgb.shape[:2]
    s = min(320 / w, 256 / h)
    img = Image.fromarray(rgb).resize((max(1, round(w * s)), max(1, round(h * s))), Image.BILINEAR)
    out = np.zeros((256, 320, 3), np.float32)
    out[:img.height, :img.width] = np.asarray(img, np.float32)
    return out.transpose(2, 0, 1)


def run(batch):
    nsfw.run(None, {nsfw_in: np.stack([pre_nsfw(f) for f in batch])})
    face.run(None, {face_in: np.stack([pre_face(f) for f in batch])})


start = time.perf_counter()
total = 0
for v in videos:
    batch = []
    for f in frames(v):
        batch.append(f)
        total += 1
        if len(batch) == args.batch:
            run(batch)
            batch = []
    if batch:
        run(batch)
wall = time.perf_counter() - start
print(f"python hand-tuned: {len(videos)} videos, {total} frames in {wall:.1f} s: "
      f"{len(videos) / wall:.3f} videos/s, {total / wall:.1f} frames/s")
