#!/usr/bin/env bash
# The engine against the fair Python peer (bench/python_moderation.py), side by side in one run:
# the moderation example over N videos (default 20, the 5 real clips cycled), both at 4 videos in
# flight (closed loop), the engine decoding one video at a time in admission order (--decode-slots 1),
# alternating engine and Python, 3 rounds; then the medians and ratios.
# The engine runs through `framewise bench --skip-naive`, which also measures the machine's bound.
#   bench/fair_peer.sh [VIDEOS] [IN_FLIGHT]
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-20}
K=${2:-4}
B=.build/release/framewise
V=assets/videos
OUT=.build/bench/fair-peer
mkdir -p "$OUT"
[ -x "$B" ] || swift build -c release --product framewise
if [ -f bench/requirements.txt ]; then .venv/bin/python -m pip install -q --disable-pip-version-check -r bench/requirements.txt; fi
VIDEOS=("$V/carphone_pristine.mp4" "$V/bikes.mp4" "$V/bigbuckbunny.mp4" "$V/vtest.avi" "$V/ocr_text.mp4")
FPS=$(sed -n 's/^sampling: {fps: \([0-9.]*\)}.*/\1/p' examples/moderation/pipeline.yaml)
for i in 1 2 3; do
  echo "== round $i (load: $(cut -d' ' -f1-3 /proc/loadavg))"
  "$B" bench examples/moderation/pipeline.yaml "${VIDEOS[@]}" --videos "$N" --max-in-flight "$K" --decode-slots 1 --skip-naive --json "$OUT/engine-$i.json" \
    | grep -E "optimized|bound:|of the bound"
  .venv/bin/python bench/python_moderation.py "${VIDEOS[@]}" --videos "$N" --in-flight "$K" --fps "${FPS:-1}" --json "$OUT/python-$i.json" | tail -n 3
done
.venv/bin/python bench/fair_peer_medians.py "$OUT"
