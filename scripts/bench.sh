#!/usr/bin/env bash
# Measures what bench/RESULTS.md records: decode fps per sampling policy, inference ms per batch
# size of each example model, and videos/s of each example (3 runs each). Release build.
set -euo pipefail
cd "$(dirname "$0")/.."
B=.build/release/framewise
V=assets/videos
echo "## decode"
for v in bikes.mp4 bigbuckbunny.mp4 vtest.avi; do echo "### $v"; "$B" decode "$V/$v" --repeats 3; done
echo "## inference"
"$B" profile examples/moderation/pipeline.yaml --batches 1 2 4 8 --iterations 10
"$B" profile examples/ocr/pipeline.yaml --batches 1 2 4 8 --iterations 5
echo "## examples"
for i in 1 2 3; do
  "$B" run examples/moderation/pipeline.yaml "$V/carphone_pristine.mp4" "$V/bikes.mp4" "$V/bigbuckbunny.mp4" "$V/vtest.avi" -o /dev/null --quiet
  "$B" run examples/moderation/pipeline.yaml "$V/carphone_pristine.mp4" "$V/bikes.mp4" "$V/bigbuckbunny.mp4" "$V/vtest.avi" -o /tmp/fw-bench.jsonl | sed -n 1,2p
done
for i in 1 2 3; do "$B" run examples/ocr/pipeline.yaml "$V/ocr_text.mp4" -o /tmp/fw-bench.jsonl | sed -n 1,2p; done
