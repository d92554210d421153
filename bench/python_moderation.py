"""The fair Python peer of `framewise bench` on the moderation example (open-nsfw + CenterFace).

What a good Python engineer writes for this job, tuned on the project's 2-core machine
(bench/python_peer_notes.md has the runs). The defaults are the best combination found there:
1 decode thread, 1 intra-op thread per session, batches of up to 4 within 10 ms, 1 FFmpeg decoder
thread per capture, 1 OpenCV thread, 4 videos in flight. Every part of it is a flag:

* Admission: ``--in-flight N`` videos at once (closed loop: all videos arrive at t=0 and the next one
  is admitted when one finishes, i.e. both models are done on all its frames), or ``--rate R``
  open-loop Poisson arrivals (videos/s, ``--seed``) under the same in-flight cap.
* Decoding: a ThreadPoolExecutor of ``--decode-threads`` workers, one task per admitted video.
  OpenCV (cv2.VideoCapture, FFmpeg backend, ``--codec-threads`` decoder threads per capture)
  ``grab()``s every frame and ``retrieve()``s only the sampled ones. Sampling is the engine's
  ``fps: N`` (FrameSampler.swift): tick k lies at k/N s from the stream start (CAP_PROP_POS_MSEC,
  first frame at 0); a frame is kept when its time reaches the next tick, and the next tick then
  becomes the first one after that frame's time (ticks a frame covers are skipped).
* Preprocessing on the decode threads, as the models' authors do it:
  open-nsfw: stretch to 256x256 (cv2 INTER_LINEAR), centre crop 224x224, BGR, minus mean
  (104, 117, 123), NHWC float32; CenterFace: letterbox top-left into 320x256 (scale
  min(320/w, 256/h), pad 0 right/bottom), RGB, raw 0..255, NCHW float32.
* Inference: one thread per model pulling from its own queue, forming batches across videos of up
  to ``--batch`` frames or ``--max-delay-ms`` after the first queued frame arrived (a batch whose
  first frame waited longer takes what is queued and runs at once). ONNX Runtime CPU sessions with
  ``--intra-threads`` intra-op threads, 1 inter-op thread, sequential execution, graph
  optimisation ALL and thread spinning off. Each session is warmed up before the clock starts.
* Postprocessing equal to the engine's: nsfw score = output[:, 1]; CenterFace heatmap peaks above
  0.5 decoded into boxes (exp(scale)*4, offset, 5 landmarks) and mapped back to frame pixels, NMS
  at IoU 0.3 (numpy), faces counted per frame. Per video: max_nsfw, mean_nsfw, frames_with_faces,
  max_faces_in_a_frame (``--per-video`` prints them, ``--json`` keeps them).

Prints videos/s, frames/s, per-video latency p50/p99 (nearest rank) from admission and from
arrival, wall time, mean batch per model and the process's CPU seconds per video (all threads: a
figure that other load on the machine disturbs less than wall time); ``--json FILE`` writes the
same figures, the load average at the end and one record per video.

Needs the project's .venv (scripts/setup.sh) plus OpenCV from bench/requirements.txt, which
bench/python_peer.sh (and scripts/bench.sh through it) installs once per change of that file before
running this script with the arguments given. E.g. the 20-video comparison at 4 in flight, from the
repository root:

    scripts/setup.sh
    bench/python_peer.sh assets/videos/{carphone_pristine,bikes,bigbuckbunny}.mp4 \
        assets/videos/vtest.avi assets/videos/ocr_text.mp4 --videos 20 --in-flight 4 --json out.json

or, with OpenCV already installed (.venv/bin/python -m pip install -r bench/requirements.txt):

    .venv/bin/python bench/python_moderation.py assets/videos/{carphone_pristine,bikes,bigbuckbunny}.mp4 \\
        assets/videos/vtest.avi assets/videos/ocr_text.mp4 --videos 20 --in-flight 4 --json out.json

The issue's configuration (2 decode threads, 2 intra-op threads, batches of 8, OpenCV's own
thread defaults) is ``--decode-threads 2 --intra-threads 2 --batch 8 --max-delay-ms 10 --in-flight 4
--codec-threads 0 --cv-threads 0``.
"""
import argparse
import json
import math
import os
import queue
import random
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import cv2
import numpy as np
import onnxruntime as ort

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VIDEO_EXTENSIONS = {".mp4", ".avi", ".mkv", ".mov", ".webm", ".m4v", ".mpg", ".mpeg", ".ts"}
EPSILON = 1e-6  # FrameSampler.epsilon: timestamps are rounded to the time base
NSFW_MEAN = np.array([104, 117, 123], np.float32)  # B, G, R
FACE_W, FACE_H = 320, 256
FACE_THRESHOLD, FACE_NMS, FACE_MAX_BOXES = 0.5, 0.3, 100


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("inputs", nargs="+", help="video files or folders of videos")
    ap.add_argument("--videos", type=int, default=0, help="cycle the inputs to this many videos (default: each once)")
    ap.add_argument("--fps", type=float, default=1.0, help="sampling rate, frames per second of video (default 1)")
    ap.add_argument("--in-flight", type=int, default=4, help="videos admitted at once (default 4)")
    ap.add_argument("--rate", type=float, default=0.0, help="open-loop Poisson arrivals, videos/s (default: closed loop)")
    ap.add_argument("--seed", type=int, default=1, help="seed of the arrival process (default 1)")
    ap.add_argument("--decode-threads", type=int, default=1, help="decode/preprocess pool size (default 1)")
    ap.add_argument("--codec-threads", type=int, default=1,
                    help="FFmpeg decoder threads per capture, 0 = OpenCV's default (default 1)")
    ap.add_argument("--cv-threads", type=int, default=1,
                    help="cv2.setNumThreads for resize, 0 = leave OpenCV's default (default 1)")
    ap.add_argument("--intra-threads", type=int, default=1, help="ONNX Runtime intra-op threads per session (default 1)")
    ap.add_argument("--batch", type=int, default=4, help="largest batch per model (default 4)")
    ap.add_argument("--max-delay-ms", type=float, default=10.0,
                    help="longest wait for a batch to fill after its first frame arrived (default 10)")
    ap.add_argument("--nsfw-model", default=os.path.join(ROOT, "assets/models/open-nsfw.onnx"))
    ap.add_argument("--face-model", default=os.path.join(ROOT, "assets/models/centerface.onnx"))
    ap.add_argument("--per-video", action="store_true", help="print one line per video")
    ap.add_argument("--json", metavar="FILE", help="write the figures as JSON")
    args = ap.parse_args(argv)
    if args.fps <= 0 or not math.isfinite(args.fps):
        ap.error("--fps must be positive")
    for name in ("in_flight", "decode_threads", "intra_threads", "batch"):
        if getattr(args, name) < 1:
            ap.error(f"--{name.replace('_', '-')} must be at least 1")
    if args.rate < 0 or args.max_delay_ms < 0 or args.codec_threads < 0 or args.cv_threads < 0:
        ap.error("--rate, --max-delay-ms, --codec-threads and --cv-threads must not be negative")
    return args


def list_videos(inputs, count):
    files = []
    for p in inputs:
        if os.path.isdir(p):
            files += sorted(os.path.join(p, f) for f in os.listdir(p)
                            if os.path.splitext(f)[1].lower() in VIDEO_EXTENSIONS)
        elif os.path.isfile(p):
            files.append(p)
        else:
            sys.exit(f"no such video or folder: {p}")
    if not files:
        sys.exit("no videos found")
    return [files[i % len(files)] for i in range(count or len(files))]


def nearest_rank(values, p):
    if not values:
        return 0.0
    s = sorted(values)
    return s[max(0, math.ceil(p / 100 * len(s)) - 1)]


# --- sampling and preprocessing (decode threads) ---------------------------------------------

class FpsSampler:
    """FrameSampler's `.fps(n)`: keep the first frame at or after each tick k/n (times in seconds)."""

    def __init__(self, n):
        self.n, self.next_tick = n, 0

    def offer(self, t):
        n = self.n
        if t * n >= self.next_tick - EPSILON * n:
            self.next_tick = int(math.floor(t * n + EPSILON * n)) + 1
            return True
        return False


def pre_nsfw(bgr):
    x = cv2.resize(bgr, (256, 256), interpolation=cv2.INTER_LINEAR)[16:240, 16:240].astype(np.float32)
    x -= NSFW_MEAN
    return x  # HWC, BGR


def pre_face(bgr):
    h, w = bgr.shape[:2]
    s = min(FACE_W / w, FACE_H / h)
    nw, nh = min(FACE_W, max(1, round(w * s))), min(FACE_H, max(1, round(h * s)))
    rgb = cv2.cvtColor(cv2.resize(bgr, (nw, nh), interpolation=cv2.INTER_LINEAR), cv2.COLOR_BGR2RGB)
    x = np.zeros((3, FACE_H, FACE_W), np.float32)
    x[:, :nh, :nw] = rgb.transpose(2, 0, 1)
    return x, s


# --- postprocessing (inference threads) ------------------------------------------------------

def nms(boxes, scores, threshold, limit):
    order = np.argsort(-scores, kind="stable")
    x1, y1, x2, y2 = boxes.T
    area = (x2 - x1) * (y2 - y1)
    keep = []
    while order.size and len(keep) < limit:
        i = order[0]
        keep.append(i)
        rest = order[1:]
        iw = np.maximum(0, np.minimum(x2[i], x2[rest]) - np.maximum(x1[i], x1[rest]))
        ih = np.maximum(0, np.minimum(y2[i], y2[rest]) - np.maximum(y1[i], y1[rest]))
        inter = iw * ih
        union = area[i] + area[rest] - inter
        iou = np.where(union > 0, inter / np.where(union > 0, union, 1), 0)
        order = rest[iou <= threshold]
    return keep


def centerface_decode(heat, scale, offset, landmarks, s):
    """One frame's maps (heat [1,h,w], scale/offset [2,h,w], landmarks [10,h,w]); boxes in frame pixels."""
    h, w = heat.shape[1:]
    rows, cols = np.nonzero(heat[0] > FACE_THRESHOLD)
    if rows.size == 0:
        return np.zeros((0, 4)), np.zeros((0, 10))
    score = heat[0, rows, cols]
    bh = np.exp(scale[0, rows, cols].astype(np.float64)) * 4
    bw = np.exp(scale[1, rows, cols].astype(np.float64)) * 4
    oy, ox = offset[0, rows, cols], offset[1, rows, cols]
    in_w, in_h = w * 4.0, h * 4.0
    x1 = np.clip((cols + ox + 0.5) * 4 - bw / 2, 0, in_w)
    y1 = np.clip((rows + oy + 0.5) * 4 - bh / 2, 0, in_h)
    x2, y2 = np.minimum(x1 + bw, in_w), np.minimum(y1 + bh, in_h)
    marks = np.empty((rows.size, 10))
    marks[:, 0::2] = landmarks[1::2, rows, cols].T * bw[:, None] + x1[:, None]
    marks[:, 1::2] = landmarks[0::2, rows, cols].T * bh[:, None] + y1[:, None]
    boxes = np.stack([x1, y1, x2, y2], axis=1) / s  # top-left letterbox: source = model / scale
    keep = nms(boxes, score, FACE_NMS, FACE_MAX_BOXES)
    return boxes[keep], marks[keep] / s


# --- per-video state -------------------------------------------------------------------------

class Video:
    def __init__(self, index, path, arrival):
        self.index, self.path, self.arrival = index, path, arrival
        self.admitted = self.finished = None
        self.frames = 0
        self.decoded = False
        self.error = None
        self.done = {"nsfw": 0, "centerface": 0}
        self.nsfw = []
        self.faces = []
        self.lock = threading.Lock()


class Runner:
    def __init__(self, args):
        self.args = args
        self.in_flight = 0
        self.cond = threading.Condition()
        self.completed = 0
        self.batches = {"nsfw": [], "centerface": []}
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = args.intra_threads
        opts.inter_op_num_threads = 1
        opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        opts.add_session_config_entry("session.inter_op.allow_spinning", "0")
        self.nsfw = ort.InferenceSession(args.nsfw_model, opts, providers=["CPUExecutionProvider"])
        self.face = ort.InferenceSession(args.face_model, opts, providers=["CPUExecutionProvider"])
        self.nsfw_in = self.nsfw.get_inputs()[0].name
        self.face_in = self.face.get_inputs()[0].name
        self.queues = {"nsfw": queue.Queue(), "centerface": queue.Queue()}

    def warm_up(self):
        for b in sorted({1, self.args.batch}):
            self.nsfw.run(None, {self.nsfw_in: np.zeros((b, 224, 224, 3), np.float32)})
            self.face.run(None, {self.face_in: np.zeros((b, 3, FACE_H, FACE_W), np.float32)})

    # decode thread: one task per admitted video
    def decode(self, v):
        try:
            params = [cv2.CAP_PROP_N_THREADS, self.args.codec_threads] if self.args.codec_threads else []
            cap = cv2.VideoCapture(v.path, cv2.CAP_FFMPEG, params)
            if not cap.isOpened():
                raise RuntimeError("cannot open")
            sampler = FpsSampler(self.args.fps)
            try:
                while cap.grab():
                    if not sampler.offer(cap.get(cv2.CAP_PROP_POS_MSEC) / 1000.0):
                        continue
                    ok, frame = cap.retrieve()
                    if not ok:
                        continue
                    x_nsfw = pre_nsfw(frame)
                    x_face, s = pre_face(frame)
                    with v.lock:
                        i = v.frames
                        v.frames += 1
                        v.nsfw.append(0.0)
                        v.faces.append(0)
                    t = time.perf_counter()
                    self.queues["nsfw"].put((t, v, i, x_nsfw, None))
                    self.queues["centerface"].put((t, v, i, x_face, s))
            finally:
                cap.release()
        except Exception as e:  # noqa: BLE001 - reported per video, the run goes on
            v.error = f"{type(e).__name__}: {e}"
        with v.lock:
            v.decoded = True
        self.maybe_finish(v)

    def maybe_finish(self, v):
        with v.lock:
            if v.finished is not None or not v.decoded or any(n < v.frames for n in v.done.values()):
                return
            v.finished = time.perf_counter()
        with self.cond:
            self.in_flight -= 1
            self.completed += 1
            self.cond.notify_all()

    # inference thread: one per model
    def infer_loop(self, model):
        q = self.queues[model]
        limit, delay = self.args.batch, self.args.max_delay_ms / 1000.0
        stop = False
        while not stop:
            first = q.get()
            if first is None:
                break
            batch = [first]
            deadline = first[0] + delay
            while len(batch) < limit:
                try:
                    item = q.get_nowait()
                except queue.Empty:
                    wait = deadline - time.perf_counter()
                    if wait <= 0:
                        break
                    try:
                        item = q.get(timeout=wait)
                    except queue.Empty:
                        break
                if item is None:
                    stop = True
                    break
                batch.append(item)
            x = np.stack([b[3] for b in batch])
            if model == "nsfw":
                scores = self.nsfw.run(None, {self.nsfw_in: x})[0][:, 1]
                results = [float(p) for p in scores]
            else:
                outs = self.face.run(None, {self.face_in: x})
                by_channels = {1: [], 2: [], 10: []}
                for o in outs:
                    by_channels[o.shape[1]].append(o)
                heat, (scale, offset), marks = by_channels[1][0], by_channels[2], by_channels[10][0]
                results = [len(centerface_decode(heat[j], scale[j], offset[j], marks[j], b[4])[0])
                           for j, b in enumerate(batch)]
            self.batches[model].append(len(batch))
            touched = {}
            for b, r in zip(batch, results):
                v, i = b[1], b[2]
                with v.lock:
                    if model == "nsfw":
                        v.nsfw[i] = r
                    else:
                        v.faces[i] = r
                    v.done[model] += 1
                touched[id(v)] = v
            for v in touched.values():
                self.maybe_finish(v)

    def run(self, videos):
        args = self.args
        workers = [threading.Thread(target=self.infer_loop, args=(m,), daemon=True) for m in self.queues]
        for w in workers:
            w.start()
        pool = ThreadPoolExecutor(max_workers=args.decode_threads, thread_name_prefix="decode")
        cpu0 = time.process_time()
        start = time.perf_counter()
        for v in videos:
            arrive_at = start + v.arrival
            now = time.perf_counter()
            if arrive_at > now:
                time.sleep(arrive_at - now)
            with self.cond:
                while self.in_flight >= args.in_flight:
                    self.cond.wait()
                self.in_flight += 1
            v.admitted = time.perf_counter()
            pool.submit(self.decode, v)
        with self.cond:
            while self.completed < len(videos):
                self.cond.wait()
        wall = time.perf_counter() - start
        self.cpu_seconds = time.process_time() - cpu0
        pool.shutdown()
        for q in self.queues.values():
            q.put(None)
        for w in workers:
            w.join()
        return start, wall


def main(argv=None):
    args = parse_args(argv)
    if args.cv_threads:
        cv2.setNumThreads(args.cv_threads)
    paths = list_videos(args.inputs, args.videos)
    if args.rate > 0:
        rng = random.Random(args.seed)
        arrivals, t = [], 0.0
        for _ in paths:
            arrivals.append(t)
            t += rng.expovariate(args.rate)
    else:
        arrivals = [0.0] * len(paths)
    videos = [Video(i, p, a) for i, (p, a) in enumerate(zip(paths, arrivals))]

    runner = Runner(args)
    runner.warm_up()
    start, wall = runner.run(videos)

    frames = sum(v.frames for v in videos)
    from_admission = [v.finished - v.admitted for v in videos]
    from_arrival = [v.finished - (start + v.arrival) for v in videos]
    mean_batch = {m: (sum(b) / len(b) if b else 0.0) for m, b in runner.batches.items()}
    per_video = [{"video": v.path, "frames": v.frames,
                  "max_nsfw": max(v.nsfw, default=0.0),
                  "mean_nsfw": sum(v.nsfw) / len(v.nsfw) if v.nsfw else 0.0,
                  "frames_with_faces": sum(1 for c in v.faces if c > 0),
                  "max_faces_in_a_frame": max(v.faces, default=0),
                  "latency": v.finished - v.admitted,
                  "latency_from_arrival": v.finished - (start + v.arrival),
                  **({"error": v.error} if v.error else {})} for v in videos]
    result = {
        "videos": len(videos), "frames": frames, "wall_seconds": wall,
        "videos_per_second": len(videos) / wall, "frames_per_second": frames / wall,
        "latency_from_admission": {"p50": nearest_rank(from_admission, 50), "p99": nearest_rank(from_admission, 99)},
        "latency_from_arrival": {"p50": nearest_rank(from_arrival, 50), "p99": nearest_rank(from_arrival, 99)},
        "in_flight": args.in_flight, "rate": args.rate or None, "seed": args.seed if args.rate else None,
        "fps": args.fps, "intra_threads": args.intra_threads, "decode_threads": args.decode_threads,
        "codec_threads": args.codec_threads, "cv_threads": args.cv_threads,
        "batch": args.batch, "max_delay_ms": args.max_delay_ms,
        "mean_batch": mean_batch, "batches": {m: len(b) for m, b in runner.batches.items()},
        "cpu_seconds": runner.cpu_seconds, "cpu_seconds_per_video": runner.cpu_seconds / len(videos),
        "load_average": list(os.getloadavg()),
        "per_video": per_video,
    }
    if args.per_video:
        for p in per_video:
            print(f"{os.path.basename(p['video'])}: {p['frames']} frames, max_nsfw {p['max_nsfw']:.4f}, "
                  f"frames_with_faces {p['frames_with_faces']}, max_faces {p['max_faces_in_a_frame']}, "
                  f"latency {p['latency']:.2f} s" + (f", ERROR {p['error']}" if "error" in p else ""))
    errors = [p for p in per_video if "error" in p]
    for p in errors:
        print(f"error: {p['video']}: {p['error']}", file=sys.stderr)
    mode = f"rate {args.rate}/s (seed {args.seed}), " if args.rate else "closed loop, "
    print(f"python peer ({mode}{args.in_flight} in flight, decode {args.decode_threads}, intra {args.intra_threads}, "
          f"batch {args.batch}/{args.max_delay_ms:g} ms): mean batch nsfw {mean_batch['nsfw']:.2f}, "
          f"centerface {mean_batch['centerface']:.2f}")
    print(f"python peer: {len(videos)} videos, {frames} frames in {wall:.2f} s: "
          f"{len(videos) / wall:.3f} videos/s, {frames / wall:.1f} frames/s; "
          f"{runner.cpu_seconds / len(videos):.3f} CPU s per video (all threads)")
    print(f"python peer: per-video latency from admission p50 {result['latency_from_admission']['p50']:.2f} s "
          f"p99 {result['latency_from_admission']['p99']:.2f} s; from arrival p50 "
          f"{result['latency_from_arrival']['p50']:.2f} s p99 {result['latency_from_arrival']['p99']:.2f} s")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=2)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
