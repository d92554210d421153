#!/usr/bin/env python3
"""Starts `framewise serve` on loopback, submits videos over HTTP, waits for the job, prints each
video's summary from the results endpoint, and stops the server with SIGTERM (it must exit 0).

    serve_demo.py BIN PIPELINE --pipeline-name NAME VIDEO... [--ui-screenshot OUT.png]

With --ui-screenshot, headless Chromium (scripts/python/browser_probe.py) loads /ui while the job
runs and screenshots it once the page has received a live update.
"""
import argparse, json, os, re, signal, subprocess, sys, tempfile, time, urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))


def http(method, url, body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"} if data else {})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, response.read().decode()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("bin")
    parser.add_argument("pipeline")
    parser.add_argument("videos", nargs="+")
    parser.add_argument("--pipeline-name", required=True)
    parser.add_argument("--ui-screenshot")
    args = parser.parse_args()
    videos = [os.path.abspath(v) for v in args.videos]
    roots = sorted({os.path.dirname(v) for v in videos})
    work = tempfile.mkdtemp(prefix="fw-serve-demo-")
    command = [args.bin, "serve", args.pipeline, "--bind", "127.0.0.1:0", "--db", f"{work}/jobs.sqlite", "--data-dir", f"{work}/data"]
    for root in roots:
        command += ["--allow-root", root]
    log = open(f"{work}/serve.log", "w")
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=log, text=True)
    base = None
    try:
        line = server.stdout.readline()  # "framewise serve: listening on http://127.0.0.1:PORT"
        found = re.search(r"listening on (http://\S+)", line)
        if not found:
            server.wait(timeout=30)
            raise SystemExit(f"serve did not start: {line}{open(f'{work}/serve.log').read()}")
        base = found.group(1)
        print(f"serve listening on {base}; submitting {len(videos)} videos")
        status, body = http("POST", base + "/v1/jobs", {"pipeline": args.pipeline_name, "videos": videos})
        job = json.loads(body)["id"]
        print(f"POST /v1/jobs -> {status} job {job}")
        probe = None
        if args.ui_screenshot:
            probe = subprocess.Popen([sys.executable, os.path.join(HERE, "python", "browser_probe.py"), base + "/ui",
                                      # once half the job's videos are done, while it still runs (the charts have data)
                                      "--until", "(function () { var p = document.querySelector('tr.job progress');"
                                                 " return p !== null && Number(p.getAttribute('value')) >= 50 && Number(document.body.getAttribute('data-updates') || 0) >= 1; })()",
                                      "--screenshot", args.ui_screenshot, "--dom", os.devnull, "--height", "1500", "--timeout", "120"])
        start = time.time()
        while True:
            state = json.loads(http("GET", f"{base}/v1/jobs/{job}")[1])
            if state["state"] in ("done", "failed", "cancelled"):
                break
            if time.time() - start > 1800:
                raise SystemExit(f"job {job} did not finish: {state}")
            time.sleep(0.5)
        print(f"GET /v1/jobs/{job} -> {state['state']}, counts {state['counts']}, {time.time() - start:.1f} s")
        if probe and probe.wait(timeout=180) == 0:
            print(f"/ui screenshot: {args.ui_screenshot}")
        results = http("GET", f"{base}/v1/jobs/{job}/results")[1]
        for line in results.splitlines():
            r = json.loads(line)
            name = r["video"].rsplit("/", 1)[-1]
            if r["status"] != "ok":
                print(f"  {name}: FAILED: {r.get('error')}")
                continue
            summary = ", ".join(f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}" for k, v in r["summary"].items())
            print(f"  {name}: {r['stats']['sampled_frames']} frames: {summary}")
    finally:
        server.send_signal(signal.SIGTERM)
        code = server.wait(timeout=60)
        print(f"serve stopped (SIGTERM) with exit status {code}")
        subprocess.run(["rm", "-rf", work])
    return 0 if code == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
