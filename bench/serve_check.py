#!/usr/bin/env python3
"""framewise serve under a small load, against `framewise run` on the same videos.

Measures (one process each, this machine, loopback, keep-alive):
  - per-request latency of GET /healthz, GET /v1/jobs/{id} and POST /v1/jobs (a one-video job), p50/p99;
  - one job of N videos through the server (submit -> done) vs `framewise run` on the same N videos:
    the cost of the server's path (store, dispatcher runs of --max-in-flight videos) on throughput.

  bench/serve_check.py [--binary .build/release/framewise] [--pipeline examples/moderation/pipeline.yaml]
                       [--videos N] [--requests N]
"""
import argparse, http.client, json, os, shutil, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default=os.path.join(ROOT, ".build/release/framewise"))
    ap.add_argument("--pipeline", default=os.path.join(ROOT, "examples/moderation/pipeline.yaml"))
    ap.add_argument("--video", default=os.path.join(ROOT, "assets/videos/carphone_pristine.mp4"))
    ap.add_argument("--videos", type=int, default=40)
    ap.add_argument("--requests", type=int, default=500)
    args = ap.parse_args()

    work = tempfile.mkdtemp(prefix="fw-serve-check-")
    server = None
    try:
        media = os.path.join(work, "media")
        os.makedirs(media)
        videos = []
        for i in range(args.videos):
            path = os.path.join(media, f"v{i:04d}{os.path.splitext(args.video)[1]}")
            shutil.copyfile(args.video, path)
            videos.append(path)
        name = None
        with open(args.pipeline) as f:
            for line in f:
                if line.startswith("name:"):
                    name = line.split(":", 1)[1].strip()
        server = subprocess.Popen([args.binary, "serve", args.pipeline, "--bind", "127.0.0.1:0", "--db", os.path.join(work, "db.sqlite"),
                                   "--allow-root", media, "--max-queued", "100000"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        line = server.stdout.readline()
        port = int(line.rsplit(":", 1)[1])
        conn = http.client.HTTPConnection("127.0.0.1", port)

        def call(method, path, body=None):
            start = time.perf_counter()
            conn.request(method, path, body=body, headers={"Content-Type": "application/json"} if body else {})
            reply = conn.getresponse()
            data = reply.read()
            return time.perf_counter() - start, reply.status, data

        # The job first, on an idle server: throughput through the server.
        start = time.perf_counter()
        _, status, data = call("POST", "/v1/jobs", json.dumps({"pipeline": name, "videos": videos}))
        assert status == 202, data
        job = json.loads(data)["id"]
        while True:
            _, _, data = call("GET", f"/v1/jobs/{job}")
            state = json.loads(data)
            if state["state"] in ("done", "failed"):
                break
            time.sleep(0.02)
        served = time.perf_counter() - start
        from datetime import datetime
        stamp = lambda text: datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
        inside = stamp(state["finished_at"]) - stamp(state["created_at"])
        print(f"job of {args.videos} videos through the server: {served:.2f} s from POST to seeing it done "
              f"({args.videos / served:.2f} videos/s); {inside:.2f} s from stored to its last result ({args.videos / inside:.2f} videos/s); "
              f"{state['counts']['ok']} ok")

        out, summary = os.path.join(work, "run.jsonl"), os.path.join(work, "run.json")
        start = time.perf_counter()
        subprocess.run([args.binary, "run", args.pipeline, *videos, "-o", out, "--quiet", "--json", summary], check=True)
        ran = time.perf_counter() - start
        with open(summary) as f:
            engine = json.load(f)["wall_seconds"]
        print(f"framewise run on the same videos: engine {engine:.2f} s ({args.videos / engine:.2f} videos/s); "
              f"with process start and model load {ran:.2f} s")

        # Request latency on the now idle server.
        for label, method, path, body in [("GET /healthz", "GET", "/healthz", None), ("GET /v1/jobs/{id}", "GET", f"/v1/jobs/{job}", None)]:
            times = [call(method, path, body)[0] for _ in range(args.requests)]
            print(f"{label}: p50 {1e3 * statistics.median(times):.3f} ms, p99 {1e3 * pct(times, 0.99):.3f} ms ({args.requests} requests)")
        submit = json.dumps({"pipeline": name, "videos": [videos[0]]})
        times = []
        for _ in range(min(100, args.requests)):
            t, status, data = call("POST", "/v1/jobs", submit)
            assert status == 202, data
            times.append(t)
        print(f"POST /v1/jobs (one video; the engine busy with the earlier ones): p50 {1e3 * statistics.median(times):.3f} ms, "
              f"p99 {1e3 * pct(times, 0.99):.3f} ms ({len(times)} requests)")
        server.terminate()
        print(f"SIGTERM: exit {server.wait(timeout=120)}")
    finally:
        # Never leave the server behind (e.g. when this script's output is cut short).
        if server is not None and server.poll() is None:
            server.kill()
            server.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
