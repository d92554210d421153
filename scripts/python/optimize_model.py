#!/usr/bin/env python3
"""Make variants of an ONNX model for `framewise optimize` (issue 12).

Usage:
  optimize_model.py MODEL OUTDIR [--variants clean,fp32-opt,int8,fp16] [--calibration DIR]
  optimize_model.py --inspect MODEL...

Variants, written as OUTDIR/<stem>.<variant>.onnx:
- clean:    initializers removed from the graph inputs, unused initializers dropped, opset raised
            to 13 where it is lower (onnx version converter; kept as is if the conversion fails).
            ONNX Runtime treats initializers listed as inputs as overridable and skips constant
            folding and fusions (CenterFace's old export ran ~2.8x slower).
- fp32-opt: the clean model after ONNX Runtime's offline graph optimization (extended level),
            saved with SessionOptions.optimized_model_filepath so start-up does not redo it.
- int8:     static QDQ quantization, per channel (onnxruntime.quantization.quantize_static) of the
            clean model, calibrated on DIR/input<i>.npy: one float32 array per model input (in
            model order), all calibration frames stacked on axis 0.
- fp16:     the clean model's weights and arithmetic in float16 (onnxruntime.transformers.float16,
            inputs and outputs kept float32), for GPU execution providers. Checked for correctness
            on CPU; ONNX Runtime's CPU kernels mostly lack float16, so it is not faster there.

Prints one JSON object on stdout: {"variants": {name: {"file", ...}}, "clean": {...}}.
`--inspect` prints what `clean` would change in each model ({path: report}), writing nothing.
"""
import argparse
import json
import os
import sys
import tempfile

import numpy as np
import onnx

MIN_OPSET = 13  # per-channel QDQ quantization needs opset >= 13


def default_opset(model):
    for op in model.opset_import:
        if op.domain in ("", "ai.onnx"):
            return op.version
    return None


def used_names(graph):
    """Every tensor name consumed by a node, in any nested subgraph, or by a graph output."""
    names = set(o.name for o in graph.output)
    stack = [graph]
    while stack:
        g = stack.pop()
        for node in g.node:
            names.update(node.input)
            for attr in node.attribute:
                if attr.type == onnx.AttributeProto.GRAPH:
                    stack.append(attr.g)
                elif attr.type == onnx.AttributeProto.GRAPHS:
                    stack.extend(attr.graphs)
    return names


def inspect(model):
    graph = model.graph
    init_names = {t.name for t in graph.initializer}
    used = used_names(graph)
    return {
        "initializers_as_inputs": sum(1 for i in graph.input if i.name in init_names),
        "unused_initializers": sum(1 for t in graph.initializer if t.name not in used),
        "opset": default_opset(model),
    }


def clean(model):
    """Returns (model, report). Never changes what the model computes."""
    graph = model.graph
    report = inspect(model)
    init_names = {t.name for t in graph.initializer}
    kept_inputs = [i for i in graph.input if i.name not in init_names]
    del graph.input[:]
    graph.input.extend(kept_inputs)
    used = used_names(graph)
    kept_inits = [t for t in graph.initializer if t.name in used]
    del graph.initializer[:]
    graph.initializer.extend(kept_inits)
    if model.ir_version < 4:
        model.ir_version = 4  # IR >= 4 lets initializers stay out of graph.input
    opset = default_opset(model)
    report["opset_from"] = opset
    report["opset_to"] = opset
    if opset is not None and opset < MIN_OPSET:
        try:
            from onnx import version_converter
            converted = version_converter.convert_version(model, MIN_OPSET)
            onnx.checker.check_model(converted)
            model = converted
            report["opset_to"] = MIN_OPSET
        except Exception as error:  # the converter lacks adapters for some ops: keep the opset
            report["opset_note"] = f"opset kept at {opset}: {error}".splitlines()[0][:200]
    return model, report


def fp32_opt(clean_path, out_path):
    import onnxruntime as ort
    options = ort.SessionOptions()
    # EXTENDED, not ALL: ALL adds layout changes (NCHWc) tied to this CPU; they are redone at load.
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED
    options.optimized_model_filepath = out_path
    ort.InferenceSession(clean_path, options, providers=["CPUExecutionProvider"])


class NpyReader:
    """CalibrationDataReader over DIR/input<i>.npy, one frame at a time."""

    def __init__(self, model_path, calibration_dir):
        import onnxruntime as ort
        session = ort.InferenceSession(model_path, providers=["CPUExecutionProvider"])
        self.arrays = {}
        for index, info in enumerate(session.get_inputs()):
            path = os.path.join(calibration_dir, f"input{index}.npy")
            if not os.path.exists(path):
                raise SystemExit(f"optimize_model: calibration file {path} is missing (input {info.name!r})")
            self.arrays[info.name] = np.load(path).astype(np.float32)
        counts = {len(a) for a in self.arrays.values()}
        if len(counts) != 1 or 0 in counts:
            raise SystemExit(f"optimize_model: calibration arrays in {calibration_dir} have frame counts {sorted(counts)}")
        self.count = counts.pop()
        self.index = 0

    def get_next(self):
        if self.index >= self.count:
            return None
        i = self.index
        self.index += 1
        return {name: a[i:i + 1] for name, a in self.arrays.items()}

    def rewind(self):
        self.index = 0


def int8(clean_path, out_path, calibration_dir, work_dir):
    from onnxruntime.quantization import QuantFormat, QuantType, quantize_static
    source = clean_path
    try:  # shape inference + fusions before quantizing, as ONNX Runtime recommends
        from onnxruntime.quantization.shape_inference import quant_pre_process
        prepared = os.path.join(work_dir, "prepared.onnx")
        quant_pre_process(clean_path, prepared, skip_symbolic_shape=True)
        source = prepared
    except Exception:
        source = clean_path
    reader = NpyReader(source, calibration_dir)
    quantize_static(
        source, out_path, reader,
        quant_format=QuantFormat.QDQ, per_channel=True,
        activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8,
    )
    return reader.count


def fp16(clean_path, out_path):
    from onnxruntime.transformers import float16
    model = onnx.load(clean_path)
    converted = float16.convert_float_to_float16(model, keep_io_types=True, disable_shape_infer=False)
    onnx.save(converted, out_path)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model")
    parser.add_argument("outdir", nargs="?")
    parser.add_argument("more", nargs="*", help=argparse.SUPPRESS)
    parser.add_argument("--variants", default="clean,fp32-opt,int8")
    parser.add_argument("--calibration")
    parser.add_argument("--inspect", action="store_true")
    args = parser.parse_args()

    if args.inspect:
        reports = {}
        for path in [args.model] + ([args.outdir] if args.outdir else []) + args.more:
            try:
                reports[path] = inspect(onnx.load(path, load_external_data=False))
            except Exception as error:
                reports[path] = {"error": str(error).splitlines()[0][:200] if str(error) else "unreadable"}
        print(json.dumps(reports))
        return
    try:
        model = onnx.load(args.model)
    except Exception as error:
        raise SystemExit(f"optimize_model: cannot read {args.model}: {error}")
    if not args.outdir:
        raise SystemExit("optimize_model: OUTDIR is required")
    variants = [v.strip() for v in args.variants.split(",") if v.strip()]
    unknown = [v for v in variants if v not in ("clean", "fp32-opt", "int8", "fp16")]
    if unknown:
        raise SystemExit(f"optimize_model: unknown variant(s) {unknown}; known: clean, fp32-opt, int8, fp16")
    if "int8" in variants and not args.calibration:
        raise SystemExit("optimize_model: int8 needs --calibration DIR")

    os.makedirs(args.outdir, exist_ok=True)
    stem = os.path.splitext(os.path.basename(args.model))[0]
    out = {"variants": {}}
    cleaned, report = clean(model)
    out["clean"] = report
    with tempfile.TemporaryDirectory() as work:
        clean_path = os.path.join(args.outdir, f"{stem}.clean.onnx")
        if "clean" not in variants:
            clean_path = os.path.join(work, "clean.onnx")
        onnx.save(cleaned, clean_path)
        if "clean" in variants:
            out["variants"]["clean"] = {"file": clean_path}
        if "fp32-opt" in variants:
            path = os.path.join(args.outdir, f"{stem}.fp32-opt.onnx")
            fp32_opt(clean_path, path)
            out["variants"]["fp32-opt"] = {"file": path}
        if "int8" in variants:
            path = os.path.join(args.outdir, f"{stem}.int8.onnx")
            frames = int8(clean_path, path, args.calibration, work)
            out["variants"]["int8"] = {"file": path, "calibration_frames": frames}
        if "fp16" in variants:
            path = os.path.join(args.outdir, f"{stem}.fp16.onnx")
            fp16(clean_path, path)
            out["variants"]["fp16"] = {"file": path}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
