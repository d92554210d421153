#!/usr/bin/env bash
# Produces the figures in bench/RESULTS.md (release build): decode fps per sampling policy,
# inference ms per batch size, the examples' videos/s, the naive-vs-engine benchmark (3 runs
# each of the moderation example and the synthetic 3-model DAG, 40 videos), microbenchmarks and
# the fair Python peer (bench/python_moderation.py, 3 runs of the same 40 videos at 4 in flight).
# Writes JSON figures to .build/bench/. Takes about 20 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
B=.build/release/framewise
V=assets/videos
OUT=.build/bench
mkdir -p "$OUT"
# OpenCV for the Python peer, into .venv once per change of bench/requirements.txt (stamped).
bench/python_peer.sh --install-only
scripts/make-bench-videos.sh
echo "## decode"
for v in bikes.mp4 bigbuckbunny.mp4 vtest.avi; do echo "### $v"; "$B" decode "$V/$v" --repeats 3; done
echo "## inference"
"$B" profile examples/moderation/pipeline.yaml --batches 1 2 4 8 --iterations 10
"$B" profile examples/ocr/pipeline.yaml --batches 1 2 4 8 --iterations 5
echo "## microbenchmarks"
"$B" microbench
echo "## examples"
for i in 1 2 3; do
  "$B" run examples/moderation/pipeline.yaml "$V/carphone_pristine.mp4" "$V/bikes.mp4" "$V/bigbuckbunny.mp4" "$V/vtest.avi" -o "$OUT/moderation.jsonl" | sed -n 1,2p
  "$B" run examples/ocr/pipeline.yaml "$V/ocr_text.mp4" -o "$OUT/ocr.jsonl" | sed -n 1,2p
done
echo "## bench: synthetic 3-model DAG, 40 videos"
for i in 1 2 3; do "$B" bench examples/synthetic/pipeline.yaml "$V/bench" --json "$OUT/synthetic-$i.json"; done
echo "## bench: moderation, 40 videos"
for i in 1 2 3; do
  "$B" bench examples/moderation/pipeline.yaml "$V/carphone_pristine.mp4" "$V/bikes.mp4" "$V/bigbuckbunny.mp4" "$V/vtest.avi" "$V/ocr_text.mp4" \
      --videos 40 --json "$OUT/moderation-$i.json"
done
.venv/bin/python scripts/bench_medians.py "$OUT"/synthetic-*.json
.venv/bin/python scripts/bench_medians.py "$OUT"/moderation-*.json
echo "## python peer: moderation, 40 videos, 4 in flight"
FPS=$(sed -n 's/^sampling: {fps: \([0-9.]*\)}.*/\1/p' examples/moderation/pipeline.yaml)
for i in 1 2 3; do
  bench/python_peer.sh "$V/carphone_pristine.mp4" "$V/bikes.mp4" "$V/bigbuckbunny.mp4" "$V/vtest.avi" "$V/ocr_text.mp4" \
      --videos 40 --in-flight 4 --fps "${FPS:-1}" --json "$OUT/python-moderation-$i.json" | tail -n 2
done
