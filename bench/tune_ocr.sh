#!/usr/bin/env bash
# `framewise tune` on the OCR example, checked side by side:
#   bench/tune_ocr.sh [ROUNDS=3]
# 1. Renders 12 six-second clips of words (ffmpeg drawtext, DejaVu fonts, 2-3 lines changing mid-clip) over
#    the example videos' footage into $W/videos: 2 to calibrate int8 on (ocr_10, ocr_11), 10 for the tuner (ocr_00-09) (half search,
#    half held out by its seed).
# 2. `optimize` the OCR pipeline (int8 for the models fed whole frames), `tune` it for a 2 s per-frame
#    target at an agreement floor of 0.95 (CTC stages agree when the text is exactly equal).
# 3. Runs the shipped and the tuned pipeline alternately on the held-out clips (each listed 4 times), ROUNDS
#    rounds: videos/s, process CPU per video, and the exact text match of the tuned run against the shipped
#    one (per detected line, and per video's set of texts).
set -euo pipefail
cd "$(dirname "$0")/.."
B=${B:-.build/release/framewise}
ROUNDS=${1:-3}
W=${W:-/tmp/fw-tune-ocr}
V=$PWD/assets/videos
FONTS=/usr/share/fonts/truetype/dejavu
mkdir -p "$W/videos" "$W/models" "$W/out"
echo "uptime before: $(uptime)"

WORDS=(SERVING VIDEO FRAMEWISE BATCH ONNX RUNTIME LATENCY TRAFFIC CAMERA ARCHIVE MODEL CLUSTER QUEUE WORKER
       STREAM DECODE PLANNER TUNER INDEX QUERY BROKER REDIS PIXEL FRAME SAMPLE KERNEL MEMORY THREAD SPEED COST)
BGS=("$V/vtest.avi:0" "$V/vtest.avi:10" "$V/vtest.avi:20" "$V/vtest.avi:30" "$V/vtest.avi:40" "$V/vtest.avi:50"
     "$V/vtest.avi:60" "$V/bikes.mp4:0" "$V/bikes.mp4:3" "$V/bigbuckbunny.mp4:0" "$V/vtest.avi:70" "$V/bikes.mp4:1")
FONTLIST=(DejaVuSans-Bold.ttf DejaVuSans.ttf DejaVuSansCondensed-Bold.ttf)
for i in $(seq 0 11); do
  out="$W/videos/ocr_$(printf %02d "$i").mp4"
  [[ -s "$out" ]] && continue
  bg=${BGS[$i]%%:*}; at=${BGS[$i]##*:}
  font="$FONTS/${FONTLIST[$((i % 3))]}"; size=$((36 + (i % 4) * 8))
  style="fontfile=$font:fontsize=$size:fontcolor=black:box=1:boxcolor=white:boxborderw=10"
  w1=${WORDS[$(( (i * 5) % 30 ))]}; w2=${WORDS[$(( (i * 5 + 1) % 30 ))]}; w3=${WORDS[$(( (i * 5 + 2) % 30 ))]}
  w4=${WORDS[$(( (i * 5 + 3) % 30 ))]}; w5=${WORDS[$(( (i * 5 + 4) % 30 ))]}
  vf="drawtext=$style:text='$w1':x=30:y=30:enable='lt(t,3)',drawtext=$style:text='$w2 $((2020 + i))':x=(w-text_w)-30:y=h-text_h-30:enable='lt(t,3)'"
  vf="$vf,drawtext=$style:text='$w3':x=(w-text_w)/2:y=40:enable='gte(t,3)',drawtext=$style:text='$w4':x=30:y=h-text_h-40:enable='gte(t,3)'"
  vf="$vf,drawtext=$style:text='$w5':x=(w-text_w)-40:y=(h-text_h)/2:enable='gte(t,3)'"
  ffmpeg -nostdin -hide_banner -loglevel error -y -ss "$at" -i "$bg" -t 6 -an -vf "$vf" \
    -c:v libx264 -preset medium -crf 20 -pix_fmt yuv420p "$out"
done
CAL=("$W/videos/ocr_10.mp4" "$W/videos/ocr_11.mp4")
TUNE=("$W/videos"/ocr_0?.mp4)

sed "s#../../assets#$PWD/assets#g" examples/ocr/pipeline.yaml > "$W/ocr.yaml"
cp "$W/ocr.yaml" "$W/shipped.yaml"
"$B" optimize "$W/ocr.yaml" --calibrate "${CAL[@]}" --variants int8 --output "$W/models" --json "$W/optimize.json"
"$B" tune "$W/ocr.yaml" "${TUNE[@]}" --latency 2s --min-agreement 0.95 --seed 1 --price 0.05 --out "$W/tuned.yaml" --json > "$W/tune.json"
python3 bench/tune_summary.py "$W/tune.json"
B="$B" bench/tune_side_by_side.sh "$W" "$ROUNDS" 4 text
