#!/usr/bin/env bash
# The cheapest ingest: the index's Lite0 as int8 (`framewise optimize`) at 96x96 against the shipped 160x160
# fp32, on the example videos (one frame in 5):
#   bench/index_cheap_ingest.sh [framewise binary] [ROUNDS=3]
# 1. index-eval of the int8 96x96 index, K up to 100, ROUNDS times (ingest: model seconds of the index pipeline
#    against the GT pipeline on every frame); the shipped 160x160 fp32 the same, for the ratio side by side.
# 2. K and T calibrated on another sample (one frame in 7, `--min-frames 7`), then that point read on the
#    one-in-5 sample: per-class recall and precision.
# 3. End to end at 1x and 4x the videos (wall seconds): GT `run` on every frame, `index` at the calibrated
#    point, `query --gt` for the four classes (later ones reuse cached centroid labels).
# Writes .build/index-cheap/.
set -euo pipefail
cd "$(dirname "$0")/.."
B=${1:-.build/release/framewise}
ROUNDS=${2:-3}
OUT=.build/index-cheap
rm -rf "$OUT"; mkdir -p "$OUT"
V=assets/videos
KS=5,10,20,50,100
TS=0,0.1,0.15,0.2
"$B" optimize examples/index/cheap.yaml --calibrate $V/bikes.mp4 $V/vtest.avi $V/carphone_pristine.mp4 --variants int8 --batch 8 \
    --no-register --output "$OUT" | tail -1
# Variants written beside the examples so their relative paths hold; the int8 model by absolute path.
variant() { sed -e "$2" "examples/index/$1.yaml" >"examples/index/.cheap-$3.yaml"; echo "examples/index/.cheap-$3.yaml"; }
trap 'rm -f examples/index/.cheap-*.yaml' EXIT
INT8=$(variant cheap "s/size: \[160, 160\]/size: [96, 96]/; s#../../assets/models/efficientnet-lite0.onnx#$PWD/$OUT/efficientnet-lite0.int8.onnx#" int8-96)
INT8_7=$(variant cheap "s/size: \[160, 160\]/size: [96, 96]/; s#../../assets/models/efficientnet-lite0.onnx#$PWD/$OUT/efficientnet-lite0.int8.onnx#; s/sampling: {every: 5}/sampling: {every: 7}/" int8-96-7)
GT7=$(variant gt 's/sampling: {every: 5}/sampling: {every: 7}/' gt7)

echo "## ingest, $ROUNDS rounds: int8 96x96 against the shipped fp32 160x160 (model seconds against GT on every frame)"
for i in $(seq 1 "$ROUNDS"); do
  "$B" index-eval "$INT8" examples/index/gt.yaml $V --k $KS --t $TS --min-frames 10 --worker-threads 2 --json "$OUT/int8-$i.json" | sed -n 1p | sed "s/^/int8 96 round $i: /"
  "$B" index-eval examples/index/cheap.yaml examples/index/gt.yaml $V --k 20 --t 0.2 --min-frames 10 --worker-threads 2 | sed -n 1p | sed "s/^/fp32 160 round $i: /"
done
echo "## K and T calibrated on one frame in 7"
"$B" index-eval "$INT8_7" "$GT7" $V --k $KS --t $TS --min-frames 7 --worker-threads 2 --json "$OUT/cal7.json" | grep "^cheapest"
read -r K T < <(python3 -c "import json; c=json.load(open('$OUT/cal7.json'))['chosen']; print(c['k'], c['threshold'])")
echo "## that point (K=$K, T=$T) on the one-in-5 sample, per class (recall, precision), and the sweep's table"
python3 - "$OUT/int8-1.json" "$K" "$T" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); k = int(sys.argv[2]); t = float(sys.argv[3])
p = next(p for p in d["points"] if p["k"] == k and abs(p["threshold"] - t) < 1e-9)
for c in p["classes"]:
    print(f"  {c['label']}: {c['truthFrames']} frames, recall {c['recall']:.3f}, precision {c['precision']:.3f}, {c['candidates']} centroids run")
print(f"  clusters {p['clusters']} of {d['frames']} frames; min recall {p['minRecall']:.3f}, mean precision {p['meanPrecision']:.3f}")
PY
"$B" index-eval "$INT8" examples/index/gt.yaml $V --k $KS --t $TS --min-frames 10 --worker-threads 2 | sed -n 3,23p

echo "## end to end (wall seconds, 2 worker threads), K=$K, T=$T"
mkdir -p "$OUT/videos4x"
for f in $V/*.mp4 $V/*.avi; do for p in a b c d; do ln -sf "$PWD/$f" "$OUT/videos4x/${p}_$(basename "$f")"; done; done
for scale in 1x 4x; do
  in=$V; [[ $scale == 4x ]] && in=$OUT/videos4x
  s=$(date +%s.%N); "$B" run examples/index/gt.yaml "$in" -o "$OUT/gt.jsonl" --worker-threads 2 --quiet; e=$(date +%s.%N)
  echo "$scale: GT on every frame $(echo "$e - $s" | bc) s"
  rm -rf "$OUT/index"
  s=$(date +%s.%N)
  "$B" index "$INT8" "$in" --index "$OUT/index" --labels assets/models/imagenet_classes.txt --top-k "$K" --threshold "$T" --worker-threads 2 | tail -1
  e=$(date +%s.%N); echo "$scale: index $(echo "$e - $s" | bc) s"
  for c in "mobile home" pole suit streetcar; do
    s=$(date +%s.%N)
    "$B" query --index "$OUT/index" --class "$c" --gt examples/index/gt.yaml --worker-threads 2 -o "$OUT/q.jsonl" | tail -1
    e=$(date +%s.%N); echo "$scale: query '$c' $(echo "$e - $s" | bc) s, $(wc -l <"$OUT/q.jsonl") frames"
  done
done
