#!/usr/bin/env bash
# Runs both examples with the release build on the fetched real videos, prints their summaries,
# writes an HTML report (with a trace) for each, then runs the moderation videos through `framewise serve`.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${BIN:-.build/release/framewise}"
OUT=.build/demo
mkdir -p "$OUT/moderation" "$OUT/ocr"
V=assets/videos
echo "== moderation: open-nsfw + CenterFace in parallel, per-video summary =="
"$BIN" run examples/moderation/pipeline.yaml "$V/carphone_pristine.mp4" "$V/bikes.mp4" "$V/bigbuckbunny.mp4" "$V/vtest.avi" \
    --output "$OUT/moderation/results.jsonl" --trace "$OUT/moderation/trace.jsonl" --report "$OUT/moderation/report.html"
.venv/bin/python scripts/print_summaries.py "$OUT/moderation/results.jsonl"
echo
echo "== ocr: PP-OCRv4 detection -> orientation -> recognition on crops =="
"$BIN" run examples/ocr/pipeline.yaml "$V/ocr_text.mp4" \
    --output "$OUT/ocr/results.jsonl" --trace "$OUT/ocr/trace.jsonl" --report "$OUT/ocr/report.html"
.venv/bin/python scripts/print_summaries.py "$OUT/ocr/results.jsonl"
echo "rendered words: $(tr '\n' ' ' < "$V/ocr_text.txt")"
echo
echo "== the same moderation videos through the service: framewise serve on loopback, a job over HTTP =="
.venv/bin/python scripts/serve_demo.py "$BIN" examples/moderation/pipeline.yaml --pipeline-name moderation \
    "$V/carphone_pristine.mp4" "$V/bikes.mp4" "$V/bigbuckbunny.mp4" "$V/vtest.avi"
echo
echo "reports (open in a browser; they work offline):"
echo "  $(pwd)/$OUT/moderation/report.html"
echo "  $(pwd)/$OUT/ocr/report.html"
