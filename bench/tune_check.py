"""The shipped and the tuned pipeline side by side (bench/tune_ocr.sh's runs).

    python3 bench/tune_check.py OUT ROUNDS TEXT_STAGE|none

Reads OUT/{shipped,tuned}-R.{json,jsonl,time} for R = 1..ROUNDS: videos/s (`run --json`), process CPU
per video (`/usr/bin/time` user + system), and, on the first round's outputs, the tuned run's exact
text match against the shipped one: per detected line (a shipped frame's texts matched as a multiset
with the tuned frame of the same stream frame number) and per video (the `texts` summary as a set).
"""
import collections
import json
import statistics
import sys

out, rounds, stage = sys.argv[1], int(sys.argv[2]), sys.argv[3]


def figures(config):
    rows = []
    for r in range(1, rounds + 1):
        report = json.load(open(f"{out}/{config}-{r}.json"))
        user, system = map(float, open(f"{out}/{config}-{r}.time").read().split()[-2:])
        videos = report.get("videos") or report.get("videos_ok")
        vps = report.get("videos_per_second") or videos / report["wall_seconds"]
        rows.append((vps, (user + system) / videos))
    return rows


def results(config):
    return [json.loads(line) for line in open(f"{out}/{config}-1.jsonl") if line.strip()]


def texts(frame):
    value = frame.get(stage)
    items = value if isinstance(value, list) else [value] if value else []
    return [i.get("text", "") for i in items if isinstance(i, dict)]


shipped, tuned = figures("shipped"), figures("tuned")
med = statistics.median
s_vps, t_vps = med(v for v, _ in shipped), med(v for v, _ in tuned)
s_cpu, t_cpu = med(c for _, c in shipped), med(c for _, c in tuned)
print("| config | videos/s per round | median | process CPU core-s/video (median) |\n| --- | --- | ---: | ---: |")
print(f"| shipped | {', '.join(f'{v:.2f}' for v, _ in shipped)} | {s_vps:.2f} | {s_cpu:.3f} |")
print(f"| tuned | {', '.join(f'{v:.2f}' for v, _ in tuned)} | **{t_vps:.2f} ({t_vps / s_vps:.2f}x)** | {t_cpu:.3f} |")

if stage == "none":
    sys.exit(0)
a, b = results("shipped"), results("tuned")
lines = matched = frames_compared = 0
videos_equal = 0
for x, y in zip(a, b):
    by_source = {f.get("source_frame", f["index"]): f for f in y["frames"]}
    for f in x["frames"]:
        g = by_source.get(f.get("source_frame", f["index"]))
        if g is None:
            continue
        frames_compared += 1
        want, have = collections.Counter(texts(f)), collections.Counter(texts(g))
        lines += sum(want.values())
        matched += sum((want & have).values())
    if set(x["summary"].get("texts") or []) == set(y["summary"].get("texts") or []):
        videos_equal += 1
print(f"\nexact text match, tuned against shipped: {matched} of {lines} lines ({matched / max(1, lines):.1%}) "
      f"on {frames_compared} frames; `texts` summary equal on {videos_equal} of {len(a)} videos")
