#!/usr/bin/env bash
# The index figures of bench/RESULTS.md ("Index and query"): index-eval of the example index
# pipelines on the example videos (K x T sweep, recall/precision, ingest and query cost), the same at
# 224x224 (resolution's share), (K, T) calibrated on a different frame sample (one frame in 7), and
# end to end: GT on every frame (`run`) against `index` then `query` per class, at 1x, 2x and 4x the videos.
# Usage: bench/index_eval.sh [framewise binary] (default .build/release/framewise). Writes .build/index-bench/.
set -euo pipefail
cd "$(dirname "$0")/.."
B=${1:-.build/release/framewise}
OUT=.build/index-bench
rm -rf "$OUT"; mkdir -p "$OUT"
V=assets/videos
T=2
KS=1,3,5,10,20
TS=0,0.1,0.15,0.2,0.25,0.3,0.4
# Variants of the example pipelines, written beside them so their relative paths hold.
variant() { sed -e "$2" "examples/index/$1.yaml" >"examples/index/.bench-$3.yaml"; echo "examples/index/.bench-$3.yaml"; }
trap 'rm -f examples/index/.bench-*.yaml' EXIT
CHEAP224=$(variant cheap 's/size: \[160, 160\]/size: [224, 224]/' cheap224)
CHEAP7=$(variant cheap 's/sampling: {every: 5}/sampling: {every: 7}/' cheap7)
GT7=$(variant gt 's/sampling: {every: 5}/sampling: {every: 7}/' gt7)

echo "## index-eval: Lite0 at 160 vs Lite2 at 260, one frame in 5"
"$B" index-eval examples/index/cheap.yaml examples/index/gt.yaml $V --k $KS --t $TS --min-frames 10 --worker-threads $T --json "$OUT/eval160.json"
echo "## index-eval: Lite0 at 224"
"$B" index-eval "$CHEAP224" examples/index/gt.yaml $V --k $KS --t $TS --min-frames 10 --worker-threads $T --json "$OUT/eval224.json" | sed -n 1,2p
echo "## index-eval: Lite0 at 160, int8 (framewise optimize)"
"$B" optimize examples/index/cheap.yaml --calibrate $V/bikes.mp4 $V/vtest.avi $V/carphone_pristine.mp4 --variants int8 --batch 8 --no-register | tail -3
INT8=$(variant cheap 's#efficientnet-lite0.onnx#efficientnet-lite0.int8.onnx#' int8)
"$B" index-eval "$INT8" examples/index/gt.yaml $V --k $KS --t $TS --min-frames 10 --worker-threads $T --json "$OUT/eval-int8.json" | grep -A5 "ingest\|^cheapest\|^no (K"
echo "## calibration sample: one frame in 7"
"$B" index-eval "$CHEAP7" "$GT7" $V --k $KS --t $TS --min-frames 7 --worker-threads $T --json "$OUT/eval7.json" | grep -A8 "^cheapest\|^no (K"

echo "## end to end (wall seconds, $T worker threads)"
mkdir -p "$OUT/videos2x" "$OUT/videos4x"
for f in $V/*.mp4 $V/*.avi; do
  b=$(basename "$f")
  for p in a b; do ln -sf "$PWD/$f" "$OUT/videos2x/${p}_$b"; done
  for p in a b c d; do ln -sf "$PWD/$f" "$OUT/videos4x/${p}_$b"; done
done
for scale in 1x 2x 4x; do
  in=$V; [[ $scale != 1x ]] && in=$OUT/videos$scale
  for i in 1 2 3; do
    s=$(date +%s.%N); "$B" run examples/index/gt.yaml "$in" -o "$OUT/gt.jsonl" --worker-threads $T --quiet; e=$(date +%s.%N)
    echo "$scale run $i: GT on every frame $(echo "$e - $s" | bc) s"
    rm -rf "$OUT/index"
    s=$(date +%s.%N)
    "$B" index examples/index/cheap.yaml "$in" --index "$OUT/index" --labels assets/models/imagenet_classes.txt --top-k 20 --threshold 0.2 --worker-threads $T
    e=$(date +%s.%N); echo "$scale run $i: index $(echo "$e - $s" | bc) s"
    for c in "mobile home" pole suit streetcar; do
      s=$(date +%s.%N)
      "$B" query --index "$OUT/index" --class "$c" --gt examples/index/gt.yaml --worker-threads $T -o "$OUT/q.jsonl"
      e=$(date +%s.%N); echo "$scale run $i: query '$c' $(echo "$e - $s" | bc) s, $(wc -l <"$OUT/q.jsonl") frames"
    done
  done
done
