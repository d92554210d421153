#!/usr/bin/env bash
# Moderation example, videos/s: one process (in-process broker) against Redis Streams with 1, 2
# and 3 `framewise worker` processes, side by side in one run on the same videos, plus the Redis
# broker's messages/s. Uses the release build and a throw-away redis-server on a free port.
#   bench/cluster_moderation.sh [VIDEOS]      (default 20 videos from assets/videos/bench)
# Wall time is the run's own "wall:" figure (from submission to the last result; workers are
# started and their models loaded before the clock starts, as in a deployment).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-20}
B=.build/release/framewise
P=examples/moderation/pipeline.yaml
[ -x "$B" ] || swift build -c release --product framewise >/dev/null
scripts/make-bench-videos.sh >/dev/null
mapfile -t VIDEOS < <(ls assets/videos/bench/*.mp4 | head -n "$N")
CORES=$(nproc)
TMP=$(mktemp -d)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
redis-server --port "$PORT" --bind 127.0.0.1 --save "" --appendonly no --dir "$TMP" --daemonize yes --logfile "$TMP/redis.log"
URL="redis://127.0.0.1:$PORT"
WORKERS=()
cleanup() {
  for w in "${WORKERS[@]:-}"; do [ -n "$w" ] && kill "$w" 2>/dev/null || true; done
  redis-cli -p "$PORT" shutdown nosave >/dev/null 2>&1 || true
  rm -rf "$TMP"
}
trap cleanup EXIT

wall() { sed -n 's/^wall: \([0-9.]*\) s.*/\1/p' "$1"; }

echo "moderation, ${#VIDEOS[@]} videos, $CORES cores"
"$B" run "$P" "${VIDEOS[@]}" -o "$TMP/inproc.jsonl" > "$TMP/inproc.txt"
W0=$(wall "$TMP/inproc.txt")
printf "%-34s %8s s  %6.3f videos/s\n" "one process (in-process broker)" "$W0" "$(awk "BEGIN{print ${#VIDEOS[@]} / $W0}")"

for K in 1 2 3; do
  THREADS=$(( CORES / K )); [ "$THREADS" -ge 1 ] || THREADS=1
  WORKERS=()
  for i in $(seq 1 "$K"); do
    "$B" worker "$P" --broker "$URL" --frames-dir "$TMP/frames" --decoders 1 --worker-threads "$THREADS" 2>>"$TMP/workers.log" &
    WORKERS+=($!)
  done
  sleep 3
  "$B" run "$P" "${VIDEOS[@]}" --broker "$URL" --frames-dir "$TMP/frames" -o "$TMP/redis-$K.jsonl" > "$TMP/redis-$K.txt" 2>/dev/null
  W=$(wall "$TMP/redis-$K.txt")
  printf "%-34s %8s s  %6.3f videos/s  (%d worker threads each)\n" "redis, $K worker process(es)" "$W" "$(awk "BEGIN{print ${#VIDEOS[@]} / $W}")" "$THREADS"
  for w in "${WORKERS[@]}"; do kill "$w"; done
  wait 2>/dev/null || true
  WORKERS=()
  # Same results as one process (timings aside).
  python3 - "$TMP/inproc.jsonl" "$TMP/redis-$K.jsonl" <<'PY'
import json, sys
a = [json.loads(l) for l in open(sys.argv[1])]
b = [json.loads(l) for l in open(sys.argv[2])]
strip = lambda r: {k: v for k, v in r.items() if k != "stats"}
same = len(a) == len(b) and all(strip(x) == strip(y) for x, y in zip(a, b))
print("  results identical to one process:", same)
PY
done
echo "broker messages/s:"
"$B" microbench --requests 1000 --messages 1000 --repeats 3 --redis "$URL" | grep redis
