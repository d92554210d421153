#!/usr/bin/env bash
# Runs both examples with --report, then takes a 1280-pixel-wide screenshot of each report with
# headless Chromium into bench/screenshots/ (committed, so a reader can look without running anything).
# BIN=.build/debug/framewise uses another build.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${BIN:-.build/release/framewise}"
OUT=.build/report-screenshots
SHOTS=bench/screenshots
mkdir -p "$OUT" "$SHOTS"
V=assets/videos
"$BIN" run examples/moderation/pipeline.yaml "$V/carphone_pristine.mp4" "$V/bikes.mp4" "$V/bigbuckbunny.mp4" "$V/vtest.avi" \
    --output "$OUT/moderation.jsonl" --trace "$OUT/moderation.trace.jsonl" --report "$OUT/moderation.html" --quiet
"$BIN" run examples/ocr/pipeline.yaml "$V/ocr_text.mp4" \
    --output "$OUT/ocr.jsonl" --trace "$OUT/ocr.trace.jsonl" --report "$OUT/ocr.html" --quiet
shoot() {  # page.html out.png height
    local profile
    profile="$(mktemp -d)"
    # Root needs --no-sandbox; a throwaway profile; killed if it hangs.
    timeout -k 5 120 chromium --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run \
        --user-data-dir="$profile" --hide-scrollbars --window-size="1280,$3" --virtual-time-budget=5000 \
        --screenshot="$profile/shot.png" "file://$(pwd)/$1" >/dev/null 2>&1
    # 128 colours (FFmpeg's palettegen/paletteuse): a third of the size, charts and text unchanged.
    ffmpeg -v error -y -i "$profile/shot.png" -vf "split[a][b];[a]palettegen=max_colors=128[p];[b][p]paletteuse=dither=none" "$2"
    rm -rf "$profile"
    echo "screenshot: $2"
}
shoot "$OUT/moderation.html" "$SHOTS/moderation-report.png" 2600
shoot "$OUT/ocr.html" "$SHOTS/ocr-report.png" 2000
# /ui, the server's live page, while a job of the moderation videos runs (Chromium over the DevTools protocol).
.venv/bin/python scripts/serve_demo.py "$BIN" examples/moderation/pipeline.yaml --pipeline-name moderation \
    "$V/carphone_pristine.mp4" "$V/bikes.mp4" "$V/bigbuckbunny.mp4" "$V/vtest.avi" --ui-screenshot "$OUT/ui.png" >/dev/null
ffmpeg -v error -y -i "$OUT/ui.png" -vf "split[a][b];[a]palettegen=max_colors=128[p];[b][p]paletteuse=dither=none" "$SHOTS/ui-live.png"
echo "screenshot: $SHOTS/ui-live.png"
