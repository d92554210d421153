#!/usr/bin/env bash
# The API's own cost per request with the models faked, client and server side, in one command:
#   bench/api_overhead.sh [RATE=3.6] [DURATION=20] [REPEATS=3] [-- extra serve arguments, e.g. --engine-idle]
#   LOAD_ARGS="--connections 4" bench/api_overhead.sh ...   (extra `framewise load` arguments)
# Serves examples/synthetic/pipeline.yaml (three models of ~0.1 ms a frame) over a fresh SQLite
# store, drives it with `framewise load` open loop (Poisson, RATE jobs/s, one cached 4-frame clip
# per job) for DURATION seconds, REPEATS times with a fresh server each. Prints per repeat and as
# medians: submit / status / results p50 and p99 as the client saw them (loopback, the load
# generator on the same cores), and p99 inside the server from its /metrics histogram
# (framewise_http_request_duration_seconds: router in to last byte written). JSON in .build/bench/api/.
set -euo pipefail
cd "$(dirname "$0")/.."
B=${B:-.build/release/framewise}
RATE=${1:-3.6}
DURATION=${2:-20}
REPEATS=${3:-3}
shift $(( $# < 3 ? $# : 3 ))
[[ "${1:-}" == "--" ]] && shift
EXTRA=("$@")
PIPELINE=${PIPELINE:-examples/synthetic/pipeline.yaml}
CLIP=${CLIP:-assets/videos/carphone_pristine.mp4}
OUT=.build/bench/api
mkdir -p "$OUT"
source bench/serve_common.sh
copy_clips 40
echo "uptime before: $(uptime)"
for i in $(seq 1 "$REPEATS"); do
  start_server "${EXTRA[@]}"
  "$B" load "$URL" --rate "$RATE" --duration "$DURATION" --videos "$WORK/media" --seed "$i" ${LOAD_ARGS:-} --json >"$OUT/load-$i.json"
  curl -sf "$URL/metrics" >"$OUT/metrics-$i.txt"
  stop_server
  cp "$LOG" "$OUT/serve-$i.log"
done
echo "uptime after: $(uptime)"
python3 bench/api_summary.py "$OUT" "$REPEATS"
