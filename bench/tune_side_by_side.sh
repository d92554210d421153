#!/usr/bin/env bash
# The shipped and the tuned pipeline alternately on a tuning's held-out videos (bench/tune_*.sh):
#   bench/tune_side_by_side.sh WORK ROUNDS REPEAT TEXT_STAGE|none
# WORK holds shipped.yaml, tuned.yaml and tune.json (`framewise tune --json`); each held-out video is listed
# REPEAT times per run; results, `run --json` reports and `/usr/bin/time` CPU go to WORK/out, then
# bench/tune_check.py prints videos/s, CPU per video and (with a text stage) the exact text match.
set -euo pipefail
cd "$(dirname "$0")/.."
B=${B:-.build/release/framewise}
W=$1 ROUNDS=$2 REPEAT=$3 STAGE=$4
mkdir -p "$W/out"
HELD=$(python3 -c "import json; print(' '.join(json.load(open('$W/tune.json'))['heldOutVideos']))")
LIST=""
for _ in $(seq 1 "$REPEAT"); do LIST="$LIST $HELD"; done
for r in $(seq 1 "$ROUNDS"); do
  for c in shipped tuned; do
    /usr/bin/time -f "%U %S" -o "$W/out/$c-$r.time" \
      "$B" run "$W/$c.yaml" $LIST -o "$W/out/$c-$r.jsonl" --json "$W/out/$c-$r.json" --quiet
  done
done
echo "uptime after: $(uptime)"
python3 bench/tune_check.py "$W/out" "$ROUNDS" "$STAGE"
