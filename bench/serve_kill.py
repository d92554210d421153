#!/usr/bin/env python3
"""`kill -9` of `framewise serve` at random points of one job, then a restart, N times: every accepted
video must end with exactly one stored result (0 lost, 0 duplicated).

    bench/serve_kill.py [--bin .build/release/framewise] [--videos 100] [--kills 5] [--store sqlite|postgres] [--seed 1]

The job is the moderation example over copies of carphone_pristine.mp4. Kill points are drawn (seeded)
as numbers of stored results, uniformly over the job; after each kill the server restarts on the same
store and data folder. With --store postgres a throwaway PostgreSQL server is started (Debian's
postgresql, initdb in a temporary folder, a free port). Prints one line per kill and a summary.
"""
import argparse, json, os, random, re, shutil, signal, socket, sqlite3, subprocess, sys, tempfile, time, urllib.request, glob

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def http(method, url, body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"} if data else {})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read().decode() or "null") if (response.headers.get("Content-Type") or "").startswith("application/json") else response.read().decode()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Postgres:
    def __init__(self, work):
        binaries = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
        if not binaries:
            raise SystemExit("postgresql is not installed (scripts/setup.sh installs it)")
        self.bin = binaries[-1]
        self.dir = os.path.join(work, "pg")
        self.port = free_port()
        user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if user:
            os.makedirs(self.dir)
            shutil.chown(self.dir, "postgres")
            os.chmod(work, 0o755)
        subprocess.run(user + [f"{self.bin}/initdb", "-D", self.dir, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--no-locale", "--no-sync"], check=True, stdout=subprocess.DEVNULL)
        self.server = subprocess.Popen(user + [f"{self.bin}/postgres", "-D", self.dir, "-p", str(self.port), "-k", self.dir, "-c", "listen_addresses=127.0.0.1"],
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 30
        while time.time() < deadline:
            if subprocess.run([f"{self.bin}/pg_isready", "-h", "127.0.0.1", "-p", str(self.port)], stdout=subprocess.DEVNULL).returncode == 0:
                break
            time.sleep(0.2)
        subprocess.run([f"{self.bin}/createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "framewise"], check=True)
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/framewise"

    def count(self, sql):
        out = subprocess.run([f"{self.bin}/psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", "framewise", "-tAc", sql],
                             check=True, capture_output=True, text=True).stdout.strip()
        return [int(x) for x in out.split("|")]

    def stop(self):
        # The postmaster (a child of runuser when root): its pid is the first line of postmaster.pid.
        try:
            with open(os.path.join(self.dir, "postmaster.pid")) as f:
                os.kill(int(f.readline()), signal.SIGQUIT)
        except (OSError, ValueError):
            self.server.send_signal(signal.SIGQUIT)
        self.server.wait(timeout=30)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", default=os.path.join(ROOT, ".build/release/framewise"))
    parser.add_argument("--videos", type=int, default=100)
    parser.add_argument("--kills", type=int, default=5)
    parser.add_argument("--store", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="fw-serve-kill-")
    media = os.path.join(work, "media")
    os.makedirs(media)
    source = os.path.join(ROOT, "assets/videos/carphone_pristine.mp4")
    videos = []
    for i in range(args.videos):
        path = os.path.join(media, f"v{i:03d}.mp4")
        shutil.copyfile(source, path)
        videos.append(path)
    postgres = Postgres(work) if args.store == "postgres" else None
    store = ["--store", postgres.url] if postgres else ["--db", os.path.join(work, "jobs.sqlite")]
    command = [args.bin, "serve", os.path.join(ROOT, "examples/moderation/pipeline.yaml"), "--bind", "127.0.0.1:0", "--allow-root", media,
               "--data-dir", os.path.join(work, "data")] + store
    log = open(os.path.join(work, "serve.log"), "a")

    try:
        return run(args, videos, postgres, command, log, work)
    finally:
        if postgres:
            postgres.stop()
        shutil.rmtree(work, ignore_errors=True)


def run(args, videos, postgres, command, log, work):
    servers = []

    def start():
        server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=log, text=True)
        servers.append(server)
        line = server.stdout.readline()
        found = re.search(r"listening on (http://\S+)", line)
        if not found:
            raise SystemExit(f"serve did not start: {line}\n{open(os.path.join(work, 'serve.log')).read()[-2000:]}")
        return server, found.group(1)

    try:
        rng = random.Random(args.seed)
        points = sorted(rng.sample(range(1, args.videos), args.kills))
        server, base = start()
        job = http("POST", base + "/v1/jobs", {"pipeline": "moderation", "videos": videos})["id"]
        started = time.time()
        for n, point in enumerate(points, 1):
            while True:
                counts = http("GET", f"{base}/v1/jobs/{job}")["counts"]
                if counts["ok"] + counts["failed"] >= point:
                    break
                time.sleep(0.01)
            server.send_signal(signal.SIGKILL)
            server.wait()
            done = counts["ok"] + counts["failed"]
            server, base = start()
            print(f"kill {n}: SIGKILL after {done} results (point {point}); restarted")
        while True:
            status = http("GET", f"{base}/v1/jobs/{job}")
            if status["state"] in ("done", "failed", "cancelled"):
                break
            time.sleep(0.1)
        elapsed = time.time() - started
        lines = []
        while True:  # pages of at most 100 (the API's cap)
            page = http("GET", f"{base}/v1/jobs/{job}/results?offset={len(lines)}&limit=100").splitlines()
            lines += page
            if len(page) < 100:
                break
        results = [json.loads(l) for l in lines]
        names = [r["video"] for r in results]
        if postgres:
            rows, distinct = postgres.count("SELECT COUNT(*), COUNT(DISTINCT video_id) FROM results")
        else:
            db = sqlite3.connect(os.path.join(work, "jobs.sqlite"))
            rows, distinct = db.execute("SELECT COUNT(*), COUNT(DISTINCT video_id) FROM results").fetchone()
        server.send_signal(signal.SIGTERM)
        code = server.wait(timeout=60)
        lost = len(set(videos) - set(names))
        duplicated = rows - distinct + (len(names) - len(set(names)))
        ok = sum(1 for r in results if r["status"] == "ok")
        print(f"store {args.store}: {args.videos} videos, {args.kills} kills, job {status['state']} in {elapsed:.1f} s; "
              f"results {len(results)} ({ok} ok), stored rows {rows}; lost {lost}, duplicated {duplicated}; last serve exited {code} on SIGTERM")
        return 0 if lost == 0 and duplicated == 0 and code == 0 else 1
    finally:
        for server in servers:
            if server.poll() is None:
                server.kill()
                server.wait()


if __name__ == "__main__":
    sys.exit(main())
