#!/usr/bin/env bash
# A plan checked where it claims to hold, for an example pipeline as shipped (no hand-set threads):
# profile (models as the engine runs them, decode cost on the example videos), plan for 2 CPU
# workers with a 2 s SLO, then `run --plan`, which submits at 90% of the plan's rate (Poisson) with
# the plan's SLO and prints throughput vs the offered rate, per-frame p99 vs the plan's worst case
# and SLO attainment. 3 runs of N videos (default 40, the example videos cycled).
#   bench/plan_check.sh moderation|ocr [N]
# REUSE_PLAN=1 skips profile and plan when .build/bench/plan-EX/plan.json exists (rounds only).
set -euo pipefail
cd "$(dirname "$0")/.."
EX=${1:-moderation}
N=${2:-40}
B=.build/release/framewise
V=assets/videos
OUT=.build/bench/plan-$EX
mkdir -p "$OUT"
[ -x "$B" ] || swift build -c release --product framewise
case "$EX" in
  moderation) VIDEOS=("$V/carphone_pristine.mp4" "$V/bikes.mp4" "$V/bigbuckbunny.mp4" "$V/vtest.avi" "$V/ocr_text.mp4") ;;
  ocr) VIDEOS=("$V/ocr_text.mp4") ;;
  *) echo "usage: $0 moderation|ocr [N]" >&2; exit 2 ;;
esac
P=examples/$EX/pipeline.yaml
if [[ "${REUSE_PLAN:-0}" == 1 && -f "$OUT/plan.json" ]]; then
  echo "== reusing $OUT/plan.json"
else
  echo "== profile (load: $(cut -d' ' -f1-3 /proc/loadavg))"
  "$B" profile "$P" --decode-videos "${VIDEOS[@]}" --profiles "$OUT/profiles" --iterations 10 | grep -vE "^\s+saved"
  # Crops per frame of crop stages (OCR: one per text line), measured on the videos, not assumed.
  "$B" run "$P" "${VIDEOS[@]}" -o "$OUT/fanout.jsonl" --quiet
  FANOUT=($(.venv/bin/python - "$OUT/fanout.jsonl" <<'PY'
import json, sys
frames, crops = 0, {}
for line in open(sys.argv[1]):
    for f in json.loads(line).get("frames", []):
        frames += 1
        for stage, value in f.items():
            if isinstance(value, list):
                crops[stage] = crops.get(stage, 0) + len(value)
for stage, n in crops.items():
    print(f"--fanout {stage}={n / max(1, frames):.3g}")
PY
))
  echo "== plan ${FANOUT[*]:-(no crop stages)}"
  "$B" plan "$P" --devices 2 --slo 2s --profiles "$OUT/profiles" --json "$OUT/plan.json" "${FANOUT[@]}"
fi
for i in 1 2 3; do
  echo "== run --plan, round $i (load: $(cut -d' ' -f1-3 /proc/loadavg))"
  "$B" run --plan "$OUT/plan.json" "$P" "${VIDEOS[@]}" --videos "$N" --seed "$i" -o "$OUT/run-$i.jsonl" --json "$OUT/run-$i.json" 2>&1 \
    | grep -E "arrivals|plan vs|holds|MISSES|wall:|video latency|SLO"
done
