#!/usr/bin/env bash
# `framewise tune` on the moderation example, checked side by side (the procedure of bench/RESULTS.md):
#   bench/tune_moderation.sh [ROUNDS=3]
# vtest.avi cut into eight 9 s H.264 clips, plus bigbuckbunny and carphone: int8 variants calibrated on
# bikes.mp4 and vtest_0 (never seen by the tuner), `tune` for a 2 s per-frame target at agreement 0.99 on the
# other nine (seed 1 splits them into search and held-out), then the shipped and the tuned pipeline run
# alternately on the held-out videos (each listed 5 times), ROUNDS rounds: videos/s and process CPU per video.
set -euo pipefail
cd "$(dirname "$0")/.."
B=${B:-.build/release/framewise}
ROUNDS=${1:-3}
W=${W:-/tmp/fw-tune-moderation}
V=$PWD/assets/videos
mkdir -p "$W/videos" "$W/models" "$W/out"
echo "uptime before: $(uptime)"
for i in 0 1 2 3 4 5 6 7; do
  [[ -s "$W/videos/vtest_$i.mp4" ]] || ffmpeg -nostdin -hide_banner -loglevel error -y -ss $((i * 10)) -t 9 -i "$V/vtest.avi" \
    -c:v libx264 -preset ultrafast -g 50 -an "$W/videos/vtest_$i.mp4"
done
sed "s#../../assets#$PWD/assets#g" examples/moderation/pipeline.yaml > "$W/moderation.yaml"
cp "$W/moderation.yaml" "$W/shipped.yaml"
"$B" optimize "$W/moderation.yaml" --calibrate "$V/bikes.mp4" "$W/videos/vtest_0.mp4" --variants int8 --output "$W/models" --json "$W/optimize.json"
"$B" tune "$W/moderation.yaml" "$W"/videos/vtest_{1..7}.mp4 "$V/bigbuckbunny.mp4" "$V/carphone_pristine.mp4" \
  --latency 2s --min-agreement 0.99 --seed 1 --price 0.05 --out "$W/tuned.yaml" --json > "$W/tune.json"
python3 bench/tune_summary.py "$W/tune.json"
B="$B" bench/tune_side_by_side.sh "$W" "$ROUNDS" 5 none
