#!/usr/bin/env python3
"""Whole-network execution tests: small generated networks with seeded random
weights (MLP, CNN, ResNet-style residual blocks, a depthwise-separable block,
an attention block, random DAGs that stress buffer reuse, multi-threaded
runs, and the committed digits demo model) plus graph-structure edge cases
(unused inputs, dead nodes, initializers listed as inputs, inputs or
initializers that are outputs, ...), compiled with dsc and compared with
onnxruntime.

    python test/Execution/test_models.py [--dsc PATH] [-k SUBSTR] [-j N]
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper

sys.path.insert(0, str(Path(__file__).resolve().parent))
import dsc_testing as T  # noqa: E402

# The default float32 tolerance holds for every network here.
RTOL, ATOL = 1e-4, 1e-5


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


def random_dag(seed: int, n_nodes: int = 28):
    """A seeded random DAG over [1,8,6,6] tensors with long-lived skip
    connections, fan-out and several graph outputs taken from the middle:
    stresses liveness analysis and arena buffer reuse."""
    g = GraphBuilder(seed)
    r = g.rng
    c, hw = 8, 6
    values = ["x"]
    for _ in range(n_nodes):
        a = values[-1] if r.random() < 0.5 else values[int(r.integers(len(values)))]
        b = values[int(r.integers(len(values)))]
        kind = r.choice(["add", "sub", "gate", "relu", "tanh", "conv", "bn", "concat", "pool"])
        if kind == "add":
            out = g.node("Add", [a, b])
        elif kind == "sub":
            out = g.node("Sub", [a, b])
        elif kind == "gate":
            out = g.node("Mul", [a, g.node("Sigmoid", [b])])
        elif kind == "relu":
            out = g.relu(a)
        elif kind == "tanh":
            out = g.node("Tanh", [a])
        elif kind == "conv":
            out = g.conv(a, c, c, int(r.choice([1, 3])))
        elif kind == "bn":
            out = g.bn(a, c)
        elif kind == "concat":
            cat = g.node("Concat", [a, b], axis=1)
            out = g.conv(cat, 2 * c, c, 1)
        else:
            out = g.node("MaxPool", [a], kernel_shape=[3, 3], pads=[1, 1, 1, 1])
        # keep magnitudes bounded
        if r.random() < 0.3:
            out = g.node("Tanh", [out])
        values.append(out)
    picks = sorted({len(values) - 1, *(int(i) for i in r.integers(1, len(values), 3))})
    outputs = []
    for k, i in enumerate(picks):
        outputs.append(g.node("Identity", [values[i]], name=f"result{k}"))
    shape = (1, c, hw, hw)
    model = g.model([T.tensor_info("x", shape)], [T.tensor_info(o, shape) for o in outputs],
                    opset=13)
    return model, {"x": T.randn(seed + 1, *shape)}


for _seed in (100, 101, 102, 103):
    def _dag_case(seed=_seed):
        name = f"random_dag_seed{seed}"
        model, inputs = random_dag(seed)
        T.run_case(name, model, inputs, rtol=RTOL, atol=ATOL)

    T.add_case(f"random_dag_seed{_seed}", _dag_case)


def _resnet_threads():
    model, inputs = _resnet_tiny()
    T.run_case("resnet_tiny_runner_threads3", model, inputs, rtol=RTOL, atol=ATOL,
               runner_args=["--threads", "3"])


T.add_case("resnet_tiny_runner_threads3", _resnet_threads)


def _wide_batch_cnn():
    """Larger batch and channel counts so the kernels' parallel and tiled
    paths run, with 4 threads."""
    g = GraphBuilder(80)
    x = g.relu(g.bn(g.conv("x", 16, 32, 3, bias=False), 32))
    x = g.conv(x, 32, 32, 3, group=32)
    x = g.relu(g.conv(x, 32, 24, 1, pad=0))
    x = g.node("AveragePool", [x], kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1])
    x = g.node("Flatten", [x])
    g.gemm(x, 24 * 10 * 10, 33)
    g.rename_last_output("y")
    model = g.model([T.tensor_info("x", (8, 16, 20, 20))], [T.tensor_info("y", (8, 33))])
    T.run_case("cnn_wide_batch8_threads4", model, {"x": T.randn(81, 8, 16, 20, 20)},
               rtol=RTOL, atol=ATOL, runner_args=["--threads", "4"])


T.add_case("cnn_wide_batch8_threads4", _wide_batch_cnn)


# --------------------------------------------------------------------------
# graph-structure edge cases (valid ONNX that exporters produce)
# --------------------------------------------------------------------------


def graph_case(name: str):
    """Decorator for a builder returning (model, inputs); compared with onnxruntime."""

    def deco(build):
        T.add_case(name, lambda: T.run_case(name, *build()))
        return build

    return deco


def _model(nodes, inputs, outputs, inits=(), opset=13, ir_version=8):
    g = helper.make_graph(nodes, "g", inputs, outputs, list(inits))
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)])
    m.ir_version = ir_version
    onnx.checker.check_model(m, full_check=True)
    return m


@graph_case("graph_unused_input_initializer_dead_node")
def _unused():
    m = _model([helper.make_node("Relu", ["x"], ["y"], name="relu0"),
                helper.make_node("Sigmoid", ["x"], ["dead"], name="dead_node")],
               [T.tensor_info("x", (2, 3)), T.tensor_info("unused", (4,))],
               [T.tensor_info("y", (2, 3))], [T.init("unused_w", T.randn(5, 7))])
    return m, {"x": T.randn(200, 2, 3), "unused": T.randn(201, 4)}


@graph_case("graph_unnamed_nodes")
def _unnamed():
    m = _model([helper.make_node("Relu", ["x"], ["a"]), helper.make_node("Tanh", ["a"], ["y"])],
               [T.tensor_info("x", (2, 3))], [T.tensor_info("y", (2, 3))])
    return m, {"x": T.randn(202, 2, 3)}


@graph_case("graph_float_data_and_int64_data_initializers")
def _typed_data():
    w = T.randn(203, 3, 4)
    m = _model([helper.make_node("Reshape", ["x", "s"], ["r"], name="reshape0"),
                helper.make_node("Add", ["r", "w"], ["y"], name="add0")],
               [T.tensor_info("x", (2, 6))], [T.tensor_info("y", (3, 4))],
               [helper.make_tensor("w", TensorProto.FLOAT, [3, 4], w.reshape(-1).tolist()),
                helper.make_tensor("s", TensorProto.INT64, [2], [3, 4])])
    return m, {"x": T.randn(204, 2, 6)}


@graph_case("graph_initializers_listed_as_inputs_ir3")
def _ir3():
    """Old exporters list every initializer among the graph inputs."""
    m = _model([helper.make_node("Add", ["x", "w"], ["y"], name="add0")],
               [T.tensor_info("x", (2, 3)), T.tensor_info("w", (2, 3))],
               [T.tensor_info("y", (2, 3))], [T.init("w", T.randn(205, 2, 3))],
               opset=9, ir_version=3)
    return m, {"x": T.randn(206, 2, 3)}


@graph_case("graph_input_is_also_output")
def _input_output():
    m = _model([helper.make_node("Relu", ["x"], ["y"], name="relu0")],
               [T.tensor_info("x", (2, 3))], [T.tensor_info("y", (2, 3)), T.tensor_info("x", (2, 3))])
    return m, {"x": T.randn(207, 2, 3)}


@graph_case("graph_initializer_is_output")
def _init_output():
    m = _model([helper.make_node("Relu", ["x"], ["y"], name="relu0")],
               [T.tensor_info("x", (2, 3))], [T.tensor_info("y", (2, 3)), T.tensor_info("w", (4,))],
               [T.init("w", T.randn(208, 4))])
    return m, {"x": T.randn(209, 2, 3)}


@graph_case("graph_same_value_in_two_outputs")
def _two_outputs_same():
    m = _model([helper.make_node("Relu", ["x"], ["y"], name="relu0"),
                helper.make_node("Identity", ["y"], ["y2"], name="id0")],
               [T.tensor_info("x", (2, 3))], [T.tensor_info("y", (2, 3)), T.tensor_info("y2", (2, 3))])
    return m, {"x": T.randn(210, 2, 3)}


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
