#!/usr/bin/env bash
# `framewise index --specialize` against the generic index, end to end on the example videos:
#   bench/index_specialize.sh [framewise binary]
# GT on every sampled frame (`run gt.yaml`) is the truth. Both indexes: Lite0 at 160x160, one frame in 5,
# --top-k K --threshold T; the specialised one trains a 10-class head on every 5th frame's GT label. Then
# `query --gt` for each class the GT finds on 10 or more frames, on both: recall and precision of the frames
# returned against the truth, and the GT runs each query took. Writes .build/index-special/.
set -euo pipefail
cd "$(dirname "$0")/.."
B=${1:-.build/release/framewise}
K=${K:-5}
T=${T:-0.2}
OUT=.build/index-special
rm -rf "$OUT"; mkdir -p "$OUT"
V=assets/videos
L=assets/models/imagenet_classes.txt
"$B" run examples/index/gt.yaml $V -o "$OUT/gt.jsonl" --quiet
/usr/bin/time -f "%e s wall, %U s user" -o "$OUT/generic.time" \
  "$B" index examples/index/cheap.yaml $V --index "$OUT/generic" --top-k "$K" --threshold "$T" --labels $L --quiet
/usr/bin/time -f "%e s wall, %U s user" -o "$OUT/special.time" \
  "$B" index examples/index/cheap.yaml $V --index "$OUT/special" --top-k "$K" --threshold "$T" --labels $L \
  --specialize 10 --gt examples/index/gt.yaml --train-every 5 | tee "$OUT/special.txt"
CLASSES=$(python3 - "$OUT/gt.jsonl" <<'PY'
import collections, json, sys
c = collections.Counter()
for line in open(sys.argv[1]):
    r = json.loads(line)
    for f in r["frames"]:
        c[f["gt"]["top"][0]["label"]] += 1
print("\n".join(k for k, n in c.most_common() if n >= 10))
PY
)
while IFS= read -r cls; do
  for idx in generic special; do
    "$B" query --index "$OUT/$idx" --class "$cls" --gt examples/index/gt.yaml > "$OUT/$idx-$(echo "$cls" | tr ' ,' '__').jsonl" 2>> "$OUT/$idx-queries.txt"
  done
done <<< "$CLASSES"
echo "generic index: $(cat "$OUT/generic.time"); specialised index: $(cat "$OUT/special.time")"
python3 - "$OUT" <<'PY'
import glob, json, os, sys
out = sys.argv[1]
truth = {}
for line in open(f"{out}/gt.jsonl"):
    r = json.loads(line)
    for f in r["frames"]:
        truth.setdefault(f["gt"]["top"][0]["label"], set()).add((r["video"], f.get("source_frame", f["index"])))
print("| class | GT frames | generic recall / precision | specialised recall / precision |\n| --- | ---: | --- | --- |")
for path in sorted(glob.glob(f"{out}/generic-*.jsonl")):
    cls = os.path.basename(path)[len("generic-"):-len(".jsonl")].replace("_", " ")
    key = next((k for k in truth if k.replace(",", " ") == cls), None)
    if key is None:
        continue
    row = [key, str(len(truth[key]))]
    for idx in ("generic", "special"):
        got = {(j["video"], j.get("source_frame", j["frame"])) for j in map(json.loads, open(path.replace("generic-", f"{idx}-"))) if j}
        hit = len(got & truth[key])
        row.append(f"{hit / len(truth[key]):.3f} / {hit / len(got) if got else 1:.3f}")
    print("| " + " | ".join(row) + " |")
for idx in ("generic", "special"):
    print(f"{idx} queries:")
    print(open(f"{out}/{idx}-queries.txt").read().strip())
PY
