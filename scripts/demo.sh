#!/usr/bin/env bash
# Runs both examples with the release build on the fetched real videos and prints their summaries.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.build/release/framewise
OUT=.build/demo
mkdir -p "$OUT"
V=assets/videos
echo "== moderation: open-nsfw + CenterFace in parallel, per-video summary =="
"$BIN" run examples/moderation/pipeline.yaml "$V/carphone_pristine.mp4" "$V/bikes.mp4" "$V/bigbuckbunny.mp4" "$V/vtest.avi" \
    --output "$OUT/moderation.jsonl"
.venv/bin/python scripts/print_summaries.py "$OUT/moderation.jsonl"
echo
echo "== ocr: PP-OCRv4 detection -> orientation -> recognition on crops =="
"$BIN" run examples/ocr/pipeline.yaml "$V/ocr_text.mp4" --output "$OUT/ocr.jsonl"
.venv/bin/python scripts/print_summaries.py "$OUT/ocr.jsonl"
echo "rendered words: $(tr '\n' ' ' < "$V/ocr_text.txt")"
