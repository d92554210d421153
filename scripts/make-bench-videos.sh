#!/usr/bin/env bash
# Renders the benchmark's videos (idempotent): 40 clips of 10 s, 640x360, 25 fps H.264 with x264's
# defaults (B-frames, GOP 250), from ffmpeg's synthetic sources with moving content.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=assets/videos/bench
mkdir -p "$OUT"
sources=(testsrc2 mandelbrot smptebars life cellauto rgbtestsrc)
made=0
for i in $(seq -w 1 40); do
    f="$OUT/clip$i.mp4"
    [[ -s "$f" ]] && continue
    src=${sources[$((10#$i % ${#sources[@]}))]}
    ffmpeg -nostdin -hide_banner -loglevel error -y -f lavfi -i "$src=size=640x360:rate=25" -t 10 \
        -vf "hue=h=$((10#$i * 9)),noise=alls=8:allf=t" -c:v libx264 -preset veryfast -pix_fmt yuv420p "$f.tmp.mp4"
    mv "$f.tmp.mp4" "$f"
    made=$((made + 1))
done
echo "make-bench-videos.sh: $made made, $(ls "$OUT" | wc -l) in $OUT"
