#!/usr/bin/env python3
"""Whole-network execution tests: small generated networks with seeded random
weights (MLP, CNN, ResNet-style residual blocks, a depthwise-separable block,
an attention block, and the committed digits demo model), compiled with dsc
and compared with onnxruntime.

    python test/Execution/test_models.py [--dsc PATH] [-k SUBSTR] [-j N]
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import onnx
from onnx import helper

sys.path.insert(0, str(Path(__file__).resolve().parent))
import dsc_testing as T  # noqa: E402

RTOL, ATOL = 1e-3, 1e-4


class GraphBuilder:
    """Appends nodes and seeded random initializers; names are unique."""

    def __init__(self, seed: int):
        self.rng = np.random.default_rng(seed)
        self.nodes: list[onnx.NodeProto] = []
        self.inits: list[onnx.TensorProto] = []
        self.count = 0

    def _name(self, prefix: str) -> str:
        self.count += 1
        return f"{prefix}{self.count}"

    def param(self, prefix: str, array, dtype=np.float32) -> str:
        name = self._name(prefix)
        self.inits.append(T.init(name, np.asarray(array, dtype=dtype)))
        return name

    def node(self, op: str, inputs: list[str], name: str | None = None, **attrs) -> str:
        name = name or self._name(op.lower())
        out = name + "_out"
        self.nodes.append(helper.make_node(op, inputs, [out], name=name, **attrs))
        return out

    def conv(self, x: str, cin: int, cout: int, k: int, stride: int = 1, pad: int | None = None,
             group: int = 1, bias: bool = True) -> str:
        pad = k // 2 if pad is None else pad
        fan_in = cin // group * k * k
        w = self.rng.standard_normal((cout, cin // group, k, k)) * np.sqrt(2.0 / fan_in)
        ins = [x, self.param("w", w)]
        if bias:
            ins.append(self.param("b", self.rng.standard_normal(cout) * 0.1))
        return self.node("Conv", ins, kernel_shape=[k, k], strides=[stride, stride],
                         pads=[pad] * 4, group=group)

    def bn(self, x: str, c: int) -> str:
        r = self.rng
        return self.node("BatchNormalization", [
            x,
            self.param("gamma", r.uniform(0.5, 1.5, c)),
            self.param("beta", r.standard_normal(c) * 0.1),
            self.param("mean", r.standard_normal(c) * 0.1),
            self.param("var", r.uniform(0.5, 1.5, c)),
        ], epsilon=1e-5)

    def gemm(self, x: str, fin: int, fout: int) -> str:
        w = self.rng.standard_normal((fout, fin)) * np.sqrt(2.0 / fin)
        b = self.rng.standard_normal(fout) * 0.1
        return self.node("Gemm", [x, self.param("fc_w", w), self.param("fc_b", b)], transB=1)

    def relu(self, x: str) -> str:
        return self.node("Relu", [x])

    def model(self, inputs, outputs, opset=13) -> onnx.ModelProto:
        return T.make_model(self.nodes, inputs, outputs, self.inits, opset=opset)

    def rename_last_output(self, new: str) -> str:
        self.nodes[-1].output[0] = new
        return new


def model_case(name: str):
    """Decorator for a builder returning (model, inputs)."""

    def deco(build):
        def fn():
            model, inputs = build()
            T.run_case(name, model, inputs, rtol=RTOL, atol=ATOL)

        T.add_case(name, fn)
        return build

    return deco


def _mlp(opset: int, seed: int):
    batch, dims = 4, [20, 32, 24, 10]
    g = GraphBuilder(seed)
    x = "features"
    for i in range(3):
        x = g.relu(g.gemm(x, dims[i], dims[i + 1]))
    g.node("Softmax", [x], name="softmax", axis=1)
    g.rename_last_output("probs")
    model = g.model([T.tensor_info("features", (batch, dims[0]))],
                    [T.tensor_info("probs", (batch, dims[-1]))], opset=opset)
    return model, {"features": T.randn(seed + 1, batch, dims[0])}


@model_case("mlp_gemm_relu_x3_softmax")
def _mlp13():
    return _mlp(13, 10)


@model_case("mlp_gemm_relu_x3_softmax_opset11")
def _mlp11():
    return _mlp(11, 11)


@model_case("cnn_conv_bn_relu_pool_gap_gemm")
def _cnn():
    g = GraphBuilder(20)
    x = g.relu(g.bn(g.conv("image", 3, 8, 3, bias=True), 8))
    x = g.node("MaxPool", [x], kernel_shape=[2, 2], strides=[2, 2])
    x = g.relu(g.bn(g.conv(x, 8, 16, 3, bias=False), 16))
    x = g.node("GlobalAveragePool", [x])
    x = g.node("Flatten", [x], axis=1)
    g.gemm(x, 16, 10)
    g.rename_last_output("logits")
    model = g.model([T.tensor_info("image", (2, 3, 16, 16))], [T.tensor_info("logits", (2, 10))])
    return model, {"image": T.randn(21, 2, 3, 16, 16)}


def residual_block(g: GraphBuilder, x: str, cin: int, cout: int, stride: int) -> str:
    y = g.relu(g.bn(g.conv(x, cin, cout, 3, stride=stride, bias=False), cout))
    y = g.bn(g.conv(y, cout, cout, 3, bias=False), cout)
    if stride != 1 or cin != cout:
        shortcut = g.bn(g.conv(x, cin, cout, 1, stride=stride, pad=0, bias=False), cout)
    else:
        shortcut = x
    return g.relu(g.node("Add", [y, shortcut]))


@model_case("resblock_identity_shortcut")
def _res_identity():
    g = GraphBuilder(30)
    residual_block(g, "x", 8, 8, 1)
    g.rename_last_output("y")
    model = g.model([T.tensor_info("x", (1, 8, 8, 8))], [T.tensor_info("y", (1, 8, 8, 8))])
    return model, {"x": T.randn(31, 1, 8, 8, 8)}


@model_case("resblock_projection_shortcut_stride2")
def _res_projection():
    g = GraphBuilder(40)
    residual_block(g, "x", 8, 16, 2)
    g.rename_last_output("y")
    model = g.model([T.tensor_info("x", (2, 8, 8, 8))], [T.tensor_info("y", (2, 16, 4, 4))],
                    opset=15)
    return model, {"x": T.randn(41, 2, 8, 8, 8)}


@model_case("resnet_tiny_stem_3_blocks")
def _resnet_tiny():
    g = GraphBuilder(50)
    x = g.relu(g.bn(g.conv("input", 3, 8, 3, bias=False), 8))
    x = g.node("MaxPool", [x], kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1])
    x = residual_block(g, x, 8, 8, 1)
    x = residual_block(g, x, 8, 16, 2)
    x = residual_block(g, x, 16, 16, 1)
    x = g.node("GlobalAveragePool", [x])
    x = g.node("Flatten", [x])
    g.gemm(x, 16, 5)
    g.rename_last_output("output")
    model = g.model([T.tensor_info("input", (2, 3, 16, 16))], [T.tensor_info("output", (2, 5))],
                    opset=17)
    return model, {"input": T.randn(51, 2, 3, 16, 16)}


@model_case("mobilenet_depthwise_separable_relu6")
def _mobilenet():
    g = GraphBuilder(60)
    lo = g.param("relu6_min", np.array(0.0))
    hi = g.param("relu6_max", np.array(6.0))
    x = g.node("Clip", [g.bn(g.conv("x", 4, 16, 1, pad=0, bias=False), 16), lo, hi])  # expand
    x = g.node("Clip", [g.bn(g.conv(x, 16, 16, 3, stride=2, group=16, bias=False), 16), lo, hi])
    x = g.bn(g.conv(x, 16, 8, 1, pad=0, bias=False), 8)  # project
    x = g.node("AveragePool", [x], kernel_shape=[2, 2], strides=[2, 2])
    g.rename_last_output("y")
    model = g.model([T.tensor_info("x", (1, 4, 12, 12))], [T.tensor_info("y", (1, 8, 3, 3))],
                    opset=13)
    return model, {"x": T.randn(61, 1, 4, 12, 12, scale=2.0)}


@model_case("attention_block_matmul_softmax")
def _attention():
    batch, seq, dim, heads = 2, 6, 16, 2
    hd = dim // heads
    g = GraphBuilder(70)

    def proj(x):
        w = g.param("proj_w", g.rng.standard_normal((dim, dim)) / np.sqrt(dim))
        b = g.param("proj_b", g.rng.standard_normal(dim) * 0.1)
        return g.node("Add", [g.node("MatMul", [x, w]), b])

    def split_heads(x):
        shape = g.param("shape", [batch, seq, heads, hd], np.int64)
        return g.node("Transpose", [g.node("Reshape", [x, shape])], perm=[0, 2, 1, 3])

    q, k, v = (split_heads(proj("tokens")) for _ in range(3))
    kt = g.node("Transpose", [k], perm=[0, 1, 3, 2])
    scale = g.param("scale", np.array(1.0 / np.sqrt(hd)))
    scores = g.node("Mul", [g.node("MatMul", [q, kt]), scale])
    attn = g.node("Softmax", [scores], axis=-1)
    ctx = g.node("Transpose", [g.node("MatMul", [attn, v])], perm=[0, 2, 1, 3])
    merge = g.param("merge_shape", [0, 0, -1], np.int64)
    out = g.node("Reshape", [ctx, merge])
    g.node("Add", [proj(out), "tokens"])  # residual
    g.rename_last_output("out")
    model = g.model([T.tensor_info("tokens", (batch, seq, dim))],
                    [T.tensor_info("out", (batch, seq, dim))], opset=14)
    return model, {"tokens": T.randn(71, batch, seq, dim)}


DIGITS = T.REPO_ROOT / "models" / "digits"


def _digits():
    model = onnx.load(str(DIGITS / "digits.onnx"))
    images = np.load(DIGITS / "test_images.npy")
    labels = np.load(DIGITS / "test_labels.npy")
    out = T.run_case("digits_demo_model", model, {"image": images}, rtol=RTOL, atol=ATOL)
    acc = float((out["logits"].argmax(1) == labels).mean())
    if acc < 0.95:
        raise T.CaseFailure(f"digits accuracy {acc:.4f} < 0.95")


if (DIGITS / "digits.onnx").is_file():
    T.add_case("digits_demo_model", _digits)

if __name__ == "__main__":
    sys.exit(T.main(description=__doc__))
