#!/usr/bin/env bash
# `framewise serve` under open-loop load vs `framewise run` on the same videos, in one command:
#   [SERVE_ARGS='--engine-idle ...'] [ARRIVALS=uniform] bench/serve_load.sh [VIDEOS=40] [REPEATS=3]
# 1. `framewise run` on N copies of one clip at 4 in flight (its engine wall): the reference throughput.
# 2. `framewise serve` (same 4 in flight, SQLite store) fed by `framewise load` with all N jobs at once
#    (--rate 1000): throughput through the server (submission to last result), REPEATS times.
# 3. Light load (10% of that capacity) and 70% of it, open loop (Poisson, or ARRIVALS=uniform: evenly
#    spaced as wrk2 offers them), 30 s each: per-video
#    latency p50/p99 from submission to result, and the API's own request times.
# Prints a summary (medians) and writes the JSON reports to .build/bench/serve/. Records `uptime`
# before and after: figures taken on a busy machine (load > 2) say so. Ends with bench/queue_bound.py:
# the same loads on an ideal server at the measured capacity (what queueing alone costs the tail).
set -euo pipefail
cd "$(dirname "$0")/.."
B=${B:-.build/release/framewise}
N=${1:-40}
REPEATS=${2:-3}
DURATION=${DURATION:-30}
ARRIVALS=${ARRIVALS:-poisson}
OPEN_REPEATS=${OPEN_REPEATS:-1}  # light + 70% pairs (each on a fresh server); the summary takes medians
PIPELINE=${PIPELINE:-examples/moderation/pipeline.yaml}
CLIP=${CLIP:-assets/videos/carphone_pristine.mp4}
OUT=.build/bench/serve
mkdir -p "$OUT"
rm -f "$OUT"/*.json  # a run with fewer REPEATS must not take an earlier run's files into its medians
source bench/serve_common.sh
copy_clips "$N"
echo "uptime before: $(uptime)"
LOAD1=$(cut -d' ' -f1 /proc/loadavg)
if python3 -c "import sys; sys.exit(0 if float('$LOAD1') > 2 else 1)"; then
  echo "WARNING: load average $LOAD1 > 2: the machine is busy; record the load beside these figures"
fi

echo "## framewise run, $N videos, 4 in flight"
for i in $(seq 1 "$REPEATS"); do
  "$B" run "$PIPELINE" "$WORK/media" --max-in-flight 4 --quiet -o /dev/null --json "$OUT/run-$i.json"
done


echo "## framewise serve, $N one-video jobs at once (capacity)"
for i in $(seq 1 "$REPEATS"); do
  start_server ${SERVE_ARGS:-}
  "$B" load "$URL" --rate 1000 --jobs "$N" --videos "$WORK/media" --json >"$OUT/serve-capacity-$i.json"
  stop_server
done
CAP=$(python3 -c "import json,statistics,sys; print(statistics.median(json.load(open(f))['throughput'] for f in sys.argv[1:]))" "$OUT"/serve-capacity-*.json)
LIGHT=$(python3 -c "print(round($CAP * 0.1, 3))")
SEVENTY=$(python3 -c "print(round($CAP * 0.7, 3))")
echo "## open loop ($ARRIVALS): light ($LIGHT/s) and 70% of capacity ($SEVENTY/s), $DURATION s each"
for i in $(seq 1 "$OPEN_REPEATS"); do
  start_server ${SERVE_ARGS:-}
  "$B" load "$URL" --rate "$LIGHT" --duration "$DURATION" --arrivals "$ARRIVALS" --videos "$WORK/media" --json >"$OUT/serve-light-$i.json"
  "$B" load "$URL" --rate "$SEVENTY" --duration "$DURATION" --arrivals "$ARRIVALS" --videos "$WORK/media" --json >"$OUT/serve-70-$i.json"
  stop_server
done
echo "uptime after: $(uptime)"
python3 - "$OUT" "$REPEATS" "$OPEN_REPEATS" <<'PY'
import json, statistics, sys
out, repeats, open_repeats = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
runs = [json.load(open(f"{out}/run-{i}.json")) for i in range(1, repeats + 1)]
def run_rate(r):
    return r.get("videos_per_second") or r["videos"] / r["wall_seconds"]
caps = [json.load(open(f"{out}/serve-capacity-{i}.json")) for i in range(1, repeats + 1)]
run_med = statistics.median(run_rate(r) for r in runs)
cap_med = statistics.median(c["throughput"] for c in caps)
run_list = ", ".join("%.2f" % run_rate(r) for r in runs)
cap_list = ", ".join("%.2f" % c["throughput"] for c in caps)
print(f"run:   {run_list} videos/s (median {run_med:.2f})")
print(f"serve: {cap_list} videos/s (median {cap_med:.2f}) = {100 * cap_med / run_med:.1f}% of run")
ratios = []
for i in range(1, open_repeats + 1):
  p99 = {}
  for name in ("light", "70"):
    r = json.load(open(f"{out}/serve-{name}-{i}.json"))
    lat, req = r["latency_seconds"], r["request_ms"]
    p99[name] = lat["p99"]
    print(f"{name:>5} #{i}: offered {r['offered_rate']:.2f}/s, completed {r['completed']} of {r['submitted']}, 429 {r['rejected_429']}, "
          f"latency p50 {lat['p50']:.3f}s p99 {lat['p99']:.3f}s; api ms p50/p99: "
          + ", ".join(f"{k} {v['p50']:.2f}/{v['p99']:.2f}" for k, v in sorted(req.items())))
  ratios.append(p99["70"] / p99["light"])
print("p99 at 70% / p99 at light load: " + ", ".join(f"{x:.2f}x" for x in ratios) + f" (median {statistics.median(ratios):.2f}x)")
PY
# The same loads on an ideal server at the measured capacity: how much of the tail queueing alone costs.
read -r LIGHT_P99 LOAD_P99 < <(python3 -c "import glob, json, statistics; print(*(statistics.median(json.load(open(f))['latency_seconds']['p99'] for f in glob.glob(f'$OUT/serve-{n}-*.json')) for n in ('light', '70')))")
ARRIVALS="$ARRIVALS" python3 bench/queue_bound.py "$CAP" "$LIGHT" "$SEVENTY" "$DURATION" "$LIGHT_P99" "$LOAD_P99"
