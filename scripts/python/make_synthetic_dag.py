"""Writes the synthetic 3-model DAG used by examples/synthetic and the benchmark.

m1 (NCHW [N,3,64,64] -> f1 [N,16]) and m2 (NHWC [N,64,64,3] -> f2 [N,16]) run in parallel on each
frame; the head runs on both outputs. m3_concat (features [N,32] -> probs [N,10]) is the head as
people export it: one input, the two feature vectors concatenated (the pipeline's `concat` join);
m3 (a [N,16], b [N,16] -> probs [N,10]) is the same head with two inputs (same weights, same
results). Small convolutions with fixed seeds, so that decoding, not inference, dominates: the case
where a data plane matters most.
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OUT = sys.argv[1] if len(sys.argv) > 1 else "assets/models/synthetic"
rng = np.random.default_rng(20261123)


def init(name, shape, scale=0.2):
    return numpy_helper.from_array((rng.standard_normal(shape) * scale).astype(np.float32), name)


def save(graph, name):
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="framewise")
    model.ir_version = 8
    onnx.checker.check_model(model)
    path = os.path.join(OUT, name)
    data = model.SerializeToString()
    if os.path.exists(path) and open(path, "rb").read() == data:
        return
    with open(path, "wb") as f:
        f.write(data)


os.makedirs(OUT, exist_ok=True)
# m1: NCHW features.
x = helper.make_tensor_value_info("image", TensorProto.FLOAT, ["N", 3, 64, 64])
f1 = helper.make_tensor_value_info("f1", TensorProto.FLOAT, ["N", 16])
nodes = [
    helper.make_node("Conv", ["image", "w1", "b1"], ["c1"], strides=[2, 2], pads=[1, 1, 1, 1]),
    helper.make_node("Relu", ["c1"], ["r1"]),
    helper.make_node("Conv", ["r1", "w2", "b2"], ["c2"], strides=[2, 2], pads=[1, 1, 1, 1]),
    helper.make_node("Relu", ["c2"], ["r2"]),
    helper.make_node("GlobalAveragePool", ["r2"], ["g"]),
    helper.make_node("Flatten", ["g"], ["f1"]),
]
save(helper.make_graph(nodes, "m1", [x], [f1], [init("w1", (8, 3, 3, 3)), init("b1", (8,)), init("w2", (16, 8, 3, 3)), init("b2", (16,))]), "m1.onnx")
# m2: NHWC features.
x = helper.make_tensor_value_info("image", TensorProto.FLOAT, ["N", 64, 64, 3])
f2 = helper.make_tensor_value_info("f2", TensorProto.FLOAT, ["N", 16])
nodes = [
    helper.make_node("Transpose", ["image"], ["t"], perm=[0, 3, 1, 2]),
    helper.make_node("Conv", ["t", "w1", "b1"], ["c1"], strides=[4, 4], pads=[2, 2, 2, 2]),
    helper.make_node("Relu", ["c1"], ["r1"]),
    helper.make_node("GlobalAveragePool", ["r1"], ["g"]),
    helper.make_node("Flatten", ["g"], ["fl"]),
    helper.make_node("Gemm", ["fl", "w2", "b2"], ["f2"], transB=1),
]
save(helper.make_graph(nodes, "m2", [x], [f2], [init("w1", (8, 3, 5, 5)), init("b1", (8,)), init("w2", (16, 8)), init("b2", (16,))]), "m2.onnx")
# m3: head on both.
a = helper.make_tensor_value_info("a", TensorProto.FLOAT, ["N", 16])
b = helper.make_tensor_value_info("b", TensorProto.FLOAT, ["N", 16])
probs = helper.make_tensor_value_info("probs", TensorProto.FLOAT, ["N", 10])
nodes = [
    helper.make_node("Concat", ["a", "b"], ["ab"], axis=1),
    helper.make_node("Gemm", ["ab", "w", "bias"], ["logits"], transB=1),
    helper.make_node("Softmax", ["logits"], ["probs"], axis=1),
]
head = [init("w", (10, 32), 1.0), init("bias", (10,))]
save(helper.make_graph(nodes, "m3", [a, b], [probs], head), "m3.onnx")
# m3_concat: the same head on one input, the concatenation [N,32] of f1 and f2.
features = helper.make_tensor_value_info("features", TensorProto.FLOAT, ["N", 32])
nodes = [
    helper.make_node("Gemm", ["features", "w", "bias"], ["logits"], transB=1),
    helper.make_node("Softmax", ["logits"], ["probs"], axis=1),
]
save(helper.make_graph(nodes, "m3_concat", [features], [probs], head), "m3_concat.onnx")
print(f"make_synthetic_dag.py: m1, m2, m3, m3_concat in {OUT}")
