#!/usr/bin/env python3
"""Execution tests of dsc's graph phase: BatchNormalization folding, dsc.kernel
formation and pattern fusion into named ops (gelu, layer_norm, softmax,
attention). Every case is a small seeded model compiled with dsc (graph
passes on, the default), run, and compared with ONNX Runtime at rtol 1e-4,
atol 1e-5; the case ALSO reads the compile's `--report-json` (and, for op
attributes, the `--compile-to=dsc` MLIR) and checks that the expected fusion
happened -- or, for the "must not fuse" cases, that it did not.

Families (--family NAME):

  kernels        BN folding into Conv/Gemm, conv/matmul/gemm roots taking
                 their elementwise consumers, elementwise chains
  patterns       GELU (erf and tanh forms), LayerNorm, Softmax and attention
                 written out in primitive ops, as exporters emit them
  must-not-fuse  look-alikes that must stay unfused (a value with a second
                 use, runtime BN statistics, a conv that is a graph output,
                 patterns on the wrong axes or with wrong constants, ...) and
                 still compute correctly
  models         small zoo networks (ResNet-50, GPT-style decoder, BERT-style
                 encoder with LayerNorm/Softmax decomposed) end to end, with
                 the fusions they must get
  kernel-counts  zoo models (ResNet-50, MobileNetV2, BERT-style encoder,
                 the same with LayerNorm/Softmax decomposed, GPT-style
                 decoder) through the graph phase only (--compile-to=dsc):
                 ONNX nodes, kernels and fusions must equal KERNEL_COUNTS
                 below

    python test/Execution/test_fusion.py [--dsc PATH] [-k SUBSTR] [-j N]
                                         [--target host|aarch64] [--family F]
    python test/Execution/test_fusion.py --print-kernel-counts [--dsc PATH]

`--print-kernel-counts` runs the kernel-counts cases without checking and
prints a KERNEL_COUNTS dict to paste over the one below, for when a change of
the graph passes changes the counts on purpose.
"""

from __future__ import annotations

import json
import math
import os
import re
import struct
import sys
import threading
from pathlib import Path
from typing import Callable

import numpy as np
import onnx
from onnx import TensorProto, helper

sys.path.insert(0, str(Path(__file__).resolve().parent))
import dsc_testing as T  # noqa: E402
import zoo  # noqa: E402

RTOL, ATOL = 1e-4, 1e-5
OPSET = 17

# --------------------------------------------------------------------------
# Kernel-count regression data, recorded with BN folding, kernel formation
# and the first version of the pattern pass (gelu, layer_norm, softmax,
# attention). When a change of the graph passes changes these
# ON PURPOSE, regenerate with
#     .venv/bin/python test/Execution/test_fusion.py --print-kernel-counts
# and paste the printed dict here (say why in the commit message).
# "ops" lists the op counts after the graph phase (inside kernels included).
# --------------------------------------------------------------------------
KERNEL_COUNTS: dict[str, dict] = {
    "resnet50": {
        "onnx_nodes": 175,
        "kernels": 56,
        "fusions": {"conv+add+relu": 16, "conv+relu": 33},
        "ops": {
            "add": 16,
            "conv": 53,
            "gemm": 1,
            "global_avg_pool": 1,
            "max_pool": 1,
            "relu": 49,
            "reshape": 1,
        },
    },
    "mobilenetv2": {
        "onnx_nodes": 152,
        "kernels": 54,
        "fusions": {"conv+add": 10, "conv+clip": 35},
        "ops": {"add": 10, "clip": 35, "conv": 52, "gemm": 1, "global_avg_pool": 1, "reshape": 1},
    },
    "bert_encoder": {
        "onnx_nodes": 136,
        "kernels": 52,
        "fusions": {"matmul+add": 12, "matmul+add+add": 8, "matmul+add+gelu": 4},
        "ops": {
            "add": 32,
            "attention": 4,
            "gelu": 4,
            "layer_norm": 8,
            "matmul": 24,
            "reshape": 16,
            "transpose": 16,
        },
    },
    "bert_encoder_decomposed": {
        "onnx_nodes": 216,
        "kernels": 52,
        "fusions": {"matmul+add": 12, "matmul+add+add": 8, "matmul+add+gelu": 4},
        "ops": {
            "add": 32,
            "attention": 4,
            "gelu": 4,
            "layer_norm": 8,
            "matmul": 24,
            "reshape": 16,
            "transpose": 16,
        },
    },
    "gpt_decoder": {
        "onnx_nodes": 115,
        "kernels": 27,
        "fusions": {"matmul+add": 6, "matmul+add+add": 4, "matmul+add+gelu": 2},
        "ops": {
            "add": 16,
            "attention": 2,
            "gelu": 2,
            "layer_norm": 5,
            "matmul": 12,
            "reshape": 8,
            "transpose": 8,
        },
    },
}

# --------------------------------------------------------------------------
# small seeded graphs
# --------------------------------------------------------------------------


class G:
    """Appends nodes and seeded initializers; names are unique."""

    def __init__(self, seed: int):
        self.rng = np.random.default_rng(seed)
        self.nodes: list[onnx.NodeProto] = []
        self.inits: list[onnx.TensorProto] = []
        self.count = 0

    def _name(self, prefix: str) -> str:
        self.count += 1
        return f"{prefix}{self.count}"

    def param(self, array, prefix: str = "p", dtype=np.float32) -> str:
        name = self._name(prefix)
        self.inits.append(T.init(name, np.asarray(array, dtype=dtype)))
        return name

    def scalar(self, value: float) -> str:
        return self.param(np.array(value), "c")

    def node(self, op: str, inputs: list[str], out: str | None = None, **attrs) -> str:
        name = self._name(op.lower())
        out = out or name + "_out"
        self.nodes.append(helper.make_node(op, inputs, [out], name=name, **attrs))
        return out

    def randn(self, *shape: int, scale: float = 1.0) -> np.ndarray:
        return (self.rng.standard_normal(shape) * scale).astype(np.float32)

    def conv(self, x: str, cin: int, cout: int, k: int = 3, group: int = 1,
             bias: bool = False, out: str | None = None) -> str:
        w = self.randn(cout, cin // group, k, k, scale=math.sqrt(2.0 / (cin // group * k * k)))
        ins = [x, self.param(w, "w")]
        if bias:
            ins.append(self.param(self.randn(cout, scale=0.1), "b"))
        return self.node("Conv", ins, out, kernel_shape=[k, k], pads=[k // 2] * 4, group=group)

    def bn_params(self, c: int) -> list[str]:
        r = self.rng
        return [self.param(r.uniform(0.5, 1.5, c), "gamma"),
                self.param(r.standard_normal(c) * 0.1, "beta"),
                self.param(r.standard_normal(c) * 0.1, "mean"),
                self.param(r.uniform(0.5, 1.5, c), "var")]

    def bn(self, x: str, c: int, out: str | None = None) -> str:
        return self.node("BatchNormalization", [x, *self.bn_params(c)], out, epsilon=1e-5)

    def linear(self, x: str, fin: int, fout: int, gain: float = 2.0) -> str:
        """MatMul + Add bias (the transformer export pattern)."""
        y = self.node("MatMul", [x, self.param(self.randn(fin, fout,
                                                          scale=math.sqrt(gain / fin)), "w")])
        return self.node("Add", [y, self.param(self.randn(fout, scale=0.1), "b")])

    def model(self, inputs, outputs) -> onnx.ModelProto:
        return T.make_model(self.nodes, inputs, outputs, self.inits, opset=OPSET)


def info(name: str, shape) -> onnx.ValueInfoProto:
    return T.tensor_info(name, shape)


# --------------------------------------------------------------------------
# what the compile did: the report and the graph-phase MLIR
# --------------------------------------------------------------------------


class Graph:
    """The --report-json of the real compile and the --compile-to=dsc text."""

    def __init__(self, report: dict, mlir: str):
        self.report = report
        self.mlir = mlir
        self.opt = report["optimized"]

    def ops(self) -> dict[str, int]:
        return self.opt["ops"]

    def fusions(self) -> dict[str, int]:
        return self.opt["fusions"]

    def summary(self) -> str:
        return (f"  graph phase: {self.report.get('onnx_nodes')} ONNX nodes -> "
                f"{self.opt.get('kernels')} kernels\n"
                f"  fusions: {json.dumps(self.fusions(), sort_keys=True)}\n"
                f"  ops:     {json.dumps(self.ops(), sort_keys=True)}")

    def attrs(self, op: str) -> list[dict[str, object]]:
        """The attribute dicts of every `dsc.<op>` in the MLIR, values parsed:
        strings unquoted, numbers as float/int (hex float bit patterns too)."""
        found = []
        for m in re.finditer(r"dsc\." + re.escape(op) + r"\s[^\n{]*\{([^}\n]*)\}", self.mlir):
            d = {}
            for part in re.findall(r'(\w+)\s*=\s*("[^"]*"|[^,]+)', m.group(1)):
                d[part[0]] = _parse_attr(part[1].strip())
            found.append(d)
        return found


def _parse_attr(text: str):
    if text.startswith('"'):
        return text.strip('"')
    value, _, typ = text.partition(" : ")
    value = value.strip()
    typ = typ.strip()
    if value.lower().startswith("0x"):
        bits = int(value, 16)
        if typ == "f64":
            return struct.unpack(">d", bits.to_bytes(8, "big"))[0]
        if typ == "f32":
            return struct.unpack(">f", bits.to_bytes(4, "big"))[0]
        return bits
    try:
        return int(value)
    except ValueError:
        pass
    try:
        return float(value)
    except ValueError:
        return text


Check = Callable[[Graph], list[str]]


def ops(**counts: int) -> Check:
    """Exact counts of these ops after the graph phase (0: absent)."""
    def check(g: Graph) -> list[str]:
        return [f"expected {n} x {op}, found {g.ops().get(op, 0)}"
                for op, n in counts.items() if g.ops().get(op, 0) != n]
    return check


def no_ops(*names: str) -> Check:
    return ops(**{n: 0 for n in names})


def fusions(expected: dict[str, int]) -> Check:
    """The fusions dict equals `expected` exactly."""
    def check(g: Graph) -> list[str]:
        if g.fusions() != expected:
            return [f"expected fusions {json.dumps(expected, sort_keys=True)}, "
                    f"got {json.dumps(g.fusions(), sort_keys=True)}"]
        return []
    return check


def kernels(n: int) -> Check:
    def check(g: Graph) -> list[str]:
        got = g.opt["kernels"]
        return [] if got == n else [f"expected {n} kernels out, got {got}"]
    return check


def arena_below(limit: int) -> Check:
    """The planned arena is under `limit` bytes."""
    def check(g: Graph) -> list[str]:
        got = g.report["arena_bytes"]
        return [] if got < limit else [f"expected an arena under {limit} bytes, got {got}"]
    return check


def no_fusion_with(*fragments: str) -> Check:
    """No fusion name contains any of `fragments` (e.g. "conv+relu")."""
    def check(g: Graph) -> list[str]:
        return [f"fusion {name!r} (x{n}) must not form: it contains {frag!r}"
                for name, n in g.fusions().items() for frag in fragments if frag in name]
    return check


def attrs(op: str, **expected) -> Check:
    """Every dsc.<op> has these attributes (floats at rel 1e-6, infinities
    exactly)."""
    def check(g: Graph) -> list[str]:
        found = g.attrs(op)
        if not found:
            return [f"no dsc.{op} in the graph-phase MLIR to check {expected}"]
        errs = []
        for i, d in enumerate(found):
            for key, want in expected.items():
                got = d.get(key)
                if isinstance(want, float) and isinstance(got, (int, float)):
                    ok = (got == want) if math.isinf(want) else \
                        math.isclose(got, want, rel_tol=1e-6, abs_tol=1e-12)
                else:
                    ok = got == want
                if not ok:
                    errs.append(f"dsc.{op} #{i}: {key} = {got!r}, expected {want!r}")
        return errs
    return check


_print_counts_lock = threading.Lock()
PRINT_KERNEL_COUNTS = False
RECORDED_COUNTS: dict[str, dict] = {}


def graph_phase(d: Path, model_path: Path, mlir_out: str | os.PathLike) -> tuple[dict, T.Proc]:
    """`dsc compile --compile-to=dsc` (graph phase only) with --report-json."""
    report = d / "graph-report.json"
    proc = T.run_cmd([T.dsc_path(), "compile", model_path, "--compile-to=dsc", "-o", mlir_out,
                      f"--report-json={report}", *T.target_args()],
                     timeout=T.COMPILE_TIMEOUT_S)
    st = T.case_stats()
    st.compiles += 1
    st.compile_s += proc.seconds
    T.check_no_crash(proc, "dsc compile --compile-to=dsc")
    if proc.returncode != 0:
        raise T.CaseFailure(f"dsc compile --compile-to=dsc failed\n{proc.describe()}")
    return json.loads(report.read_text()), proc


def fusion_case(name: str, family: str, rtol: float = RTOL, atol: float = ATOL):
    """Decorator for a builder returning (model, inputs, [checks]): compiles
    the model (fusion on) with --report-json, compares the runner's outputs
    with onnxruntime, runs the graph phase again to get the MLIR, then applies
    the checks; every failure (numerics and fusion) is reported together."""

    def deco(build):
        def fn():
            model, inputs, checks = build()
            d = T.case_dir(name)
            report_path = d / "report.json"
            compiled = T.compile_model(name, model, workdir=d,
                                       extra_args=[f"--report-json={report_path}"])
            errors = []
            expected = T.reference(model, inputs)
            actual, _ = T.run_runner(compiled, inputs, [o.name for o in model.graph.output])
            try:
                T.compare_outputs(actual, expected, rtol, atol)
            except T.CaseFailure as e:
                errors.append("numerics: " + str(e))
            mlir_path = d / "graph.mlir"
            graph_phase(d, compiled.model_path, mlir_path)
            g = Graph(json.loads(report_path.read_text()), mlir_path.read_text())
            for chk in checks:
                errors += [("fusion: " + e) for e in chk(g)]
            if errors:
                raise T.CaseFailure("\n".join(errors) + "\n" + g.summary())

        T.add_case(name, fn, family)
        return build

    return deco


# ==========================================================================
# kernels: BN folding and kernel formation
# ==========================================================================


@fusion_case("conv_bn_relu", "kernels")
def _conv_bn_relu():
    g = G(1)
    g.node("Relu", [g.bn(g.conv("x", 3, 8), 8)], "y")
    m = g.model([info("x", (1, 3, 10, 10))], [info("y", (1, 8, 10, 10))])
    return m, {"x": T.randn(2, 1, 3, 10, 10)}, [
        ops(batch_norm=0, conv=1, relu=1), fusions({"conv+relu": 1}), kernels(1)]


@fusion_case("conv_bn_add_residual_relu", "kernels")
def _conv_bn_add_relu():
    g = G(3)
    y = g.bn(g.conv("x", 8, 8), 8)
    g.node("Relu", [g.node("Add", [y, "x"])], "y")
    m = g.model([info("x", (1, 8, 8, 8))], [info("y", (1, 8, 8, 8))])
    return m, {"x": T.randn(4, 1, 8, 8, 8)}, [
        ops(batch_norm=0, conv=1, add=1, relu=1), fusions({"conv+add+relu": 1}), kernels(1)]


@fusion_case("pointwise_conv_bn_add_residual_relu_planes", "kernels")
def _pointwise_conv_bn_add_relu():
    # A lone NCHW 1x1 on 12-wide rows: one contraction over the 144-position
    # planes, its bias, residual add and ReLU collapsed with it.
    g = G(4)
    y = g.bn(g.conv("x", 16, 16, k=1), 16)
    g.node("Relu", [g.node("Add", [y, "x"])], "y")
    m = g.model([info("x", (1, 16, 12, 12))], [info("y", (1, 16, 12, 12))])
    return m, {"x": T.randn(7, 1, 16, 12, 12)}, [
        ops(batch_norm=0, conv=1, add=1, relu=1), fusions({"conv+add+relu": 1}), kernels(1)]


def _bottleneck(g: G, r: str, c: int, out: str | None = None) -> str:
    """ResNet's bottleneck on `r` (c channels): 1x1 to c/4, 3x3, 1x1 back
    with batch norm, the residual add and ReLU."""
    a = g.node("Relu", [g.conv(r, c, c // 4, k=1, bias=True)])
    b = g.node("Relu", [g.conv(a, c // 4, c // 4, k=3, bias=True)])
    y = g.bn(g.conv(b, c // 4, c, k=1), c)
    return g.node("Relu", [g.node("Add", [y, r])], out)


def _stem_bottleneck_head(g: G) -> str:
    """x (1, 16, 14, 14) -> a 3x3 stem to 32 channels (r) -> a bottleneck on
    r -> a 1x1 head to 16 channels, "y". Returns r."""
    r = g.node("Relu", [g.conv("x", 16, 32, bias=True)])
    g.conv(_bottleneck(g, r, 32), 32, 16, k=1, bias=True, out="y")
    return r


@fusion_case("bottleneck_residual_accumulates", "kernels")
def _bottleneck_residual():
    # The residual r (a stem's output) is last read by the block's add: the
    # last 1x1 accumulates into r's buffer (dsc-accumulate-residuals), so r
    # and the block's output never take two buffers at once (a 32 x 14 x 14
    # map is 25,088 bytes; with two of them and the 3x3's output live at the
    # last 1x1 the arena was over 50,176).
    g = G(41)
    _stem_bottleneck_head(g)
    m = g.model([info("x", (1, 16, 14, 14))], [info("y", (1, 16, 14, 14))])
    return m, {"x": T.randn(42, 1, 16, 14, 14)}, [
        fusions({"conv+add+relu": 1, "conv+relu": 3}), arena_below(2 * 25088)]


@fusion_case("bottleneck_residual_read_after_add", "kernels")
def _bottleneck_residual_read_later():
    # r is read again after the block's add (a second output): it must keep
    # its values, so the last 1x1 writes a buffer of its own.
    g = G(43)
    r = _stem_bottleneck_head(g)
    g.node("Mul", [r, g.scalar(0.5)], "r_half")
    m = g.model([info("x", (1, 16, 14, 14))],
                [info("y", (1, 16, 14, 14)), info("r_half", (1, 32, 14, 14))])
    return m, {"x": T.randn(44, 1, 16, 14, 14)}, [fusions({"conv+add+relu": 1, "conv+relu": 3})]


@fusion_case("bottleneck_chain_downsample_residual", "kernels")
def _bottleneck_downsample():
    # A downsampling block (its residual a 1x1 convolution's output, with no
    # activation), then two plain blocks, each accumulating into the one
    # before's output; the last block's output feeds a 3x3 (zero-padded:
    # written into its padded buffer instead).
    g = G(45)
    x = g.node("Relu", [g.conv("x", 8, 16, bias=True)])
    ds = g.bn(g.conv(x, 16, 32, k=1), 32)
    a = g.node("Relu", [g.conv(x, 16, 8, k=1, bias=True)])
    b = g.node("Relu", [g.conv(a, 8, 8, k=3, bias=True)])
    z = g.node("Relu", [g.node("Add", [g.bn(g.conv(b, 8, 32, k=1), 32), ds])])
    z = _bottleneck(g, _bottleneck(g, z, 32), 32)
    g.conv(z, 32, 8, k=3, bias=True, out="y")
    m = g.model([info("x", (1, 8, 12, 12))], [info("y", (1, 8, 12, 12))])
    return m, {"x": T.randn(46, 1, 8, 12, 12)}, []


@fusion_case("linear_residual_accumulates", "kernels")
def _linear_residual():
    # A transformer's second linear layer with its residual (the first
    # layer's output, read last by that add) and no activation after it:
    # the matmul starts from the residual plus its bias, no epilogue left.
    g = G(47)
    r = g.linear("x", 24, 32)
    h = g.node("Relu", [g.linear(r, 32, 48)])
    z = g.node("Add", [g.linear(h, 48, 32), r])
    y = g.node("MatMul", [z, g.param(g.randn(32, 8, scale=0.3))], "y")
    m = g.model([info("x", (2, 6, 24))], [info("y", (2, 6, 8))])
    return m, {"x": T.randn(48, 2, 6, 24)}, []


@fusion_case("depthwise_conv_bn_relu6", "kernels")
def _dw_conv_bn_clip():
    g = G(5)
    y = g.bn(g.conv("x", 8, 8, group=8, bias=True), 8)
    g.node("Clip", [y, g.scalar(0.0), g.scalar(6.0)], "y")
    m = g.model([info("x", (1, 8, 9, 9))], [info("y", (1, 8, 9, 9))])
    # scale 3 so that some values reach the clip at 6
    return m, {"x": T.randn(6, 1, 8, 9, 9, scale=3.0)}, [
        ops(batch_norm=0, conv=1, clip=1), fusions({"conv+clip": 1}), kernels(1)]


@fusion_case("gemm_bn", "kernels")
def _gemm_bn():
    g = G(7)
    y = g.node("Gemm", ["x", g.param(g.randn(12, 16, scale=0.35)), g.param(g.randn(12))],
               transB=1)
    g.bn(y, 12, "y")
    m = g.model([info("x", (4, 16))], [info("y", (4, 12))])
    return m, {"x": T.randn(8, 4, 16)}, [ops(batch_norm=0, gemm=1), kernels(1)]


@fusion_case("gemm_bn_relu", "kernels")
def _gemm_bn_relu():
    g = G(8)
    y = g.node("Gemm", ["x", g.param(g.randn(16, 12, scale=0.35))], transA=0, alpha=0.5)
    g.node("Relu", [g.bn(y, 12)], "y")
    m = g.model([info("x", (5, 16))], [info("y", (5, 12))])
    return m, {"x": T.randn(9, 5, 16)}, [
        ops(batch_norm=0, gemm=1, relu=1), fusions({"gemm+relu": 1}), kernels(1)]


@fusion_case("matmul_bias_silu", "kernels")
def _matmul_silu():
    g = G(10)
    h = g.linear("x", 16, 24)
    g.node("Mul", [h, g.node("Sigmoid", [h])], "y")
    m = g.model([info("x", (2, 6, 16))], [info("y", (2, 6, 24))])
    return m, {"x": T.randn(11, 2, 6, 16)}, [
        fusions({"matmul+add+sigmoid+mul": 1}), kernels(1)]


@fusion_case("matmul_bias_hardswish", "kernels")
def _matmul_hardswish():
    g = G(12)
    g.node("HardSwish", [g.linear("x", 16, 24, gain=8.0)], "y")
    m = g.model([info("x", (2, 6, 16))], [info("y", (2, 6, 24))])
    return m, {"x": T.randn(13, 2, 6, 16)}, [
        fusions({"matmul+add+hard_swish": 1}), kernels(1)]


@fusion_case("matmul_bias_leakyrelu", "kernels")
def _matmul_leaky():
    g = G(14)
    g.node("LeakyRelu", [g.linear("x", 16, 24)], "y", alpha=0.1)
    m = g.model([info("x", (3, 16))], [info("y", (3, 24))])
    return m, {"x": T.randn(15, 3, 16)}, [
        fusions({"matmul+add+leaky_relu": 1}), kernels(1), attrs("leaky_relu", alpha=0.1)]


@fusion_case("elementwise_chain", "kernels")
def _elementwise_chain():
    g = G(16)
    y = g.node("Add", ["a", "b"])
    y = g.node("Mul", [y, g.scalar(0.7)])
    y = g.node("Tanh", [y])
    y = g.node("Sub", [y, g.param(g.randn(16))])
    y = g.node("Abs", [y])
    g.node("Sqrt", [y], "y")
    m = g.model([info("a", (2, 3, 16)), info("b", (2, 3, 16))], [info("y", (2, 3, 16))])
    return m, {"a": T.randn(17, 2, 3, 16), "b": T.randn(18, 2, 3, 16)}, [
        fusions({"add+mul+tanh+sub+abs+sqrt": 1}), kernels(1)]


# ==========================================================================
# patterns: GELU
# ==========================================================================

SQRT2 = float(np.sqrt(2.0))
SQRT_2_OVER_PI = float(np.sqrt(2.0 / np.pi))


def _gelu_erf(assoc: str, inner: str, seed: int, constant_nodes: bool = False):
    """x = MatMul + bias, then GELU erf form with the three products in the
    association `assoc`: "(x*h)*e", "(x*e)*h" or "x*(h*e)" (h = 0.5, e = 1 +
    erf(...)); the erf argument is x / sqrt(2) ("div"), x * 0.70710678
    ("mul") or x / 1.41421 ("div5", a 5-digit constant)."""
    g = G(seed)

    def const(v: float) -> str:
        if not constant_nodes:
            return g.scalar(v)
        return g.node("Constant", [], value=helper.make_tensor(
            g._name("k"), TensorProto.FLOAT, [], [v]))

    x = g.linear("x", 16, 32)
    if inner == "div":
        z = g.node("Div", [x, const(SQRT2)])
    elif inner == "div5":
        z = g.node("Div", [x, const(1.41421)])
    else:
        z = g.node("Mul", [const(1.0 / SQRT2), x])
    e = g.node("Add", [const(1.0), g.node("Erf", [z])])
    half = const(0.5)
    if assoc == "(x*h)*e":
        g.node("Mul", [g.node("Mul", [x, half]), e], "y")
    elif assoc == "(x*e)*h":
        g.node("Mul", [g.node("Mul", [x, e]), half], "y")
    else:
        g.node("Mul", [x, g.node("Mul", [half, e])], "y")
    m = g.model([info("x", (2, 5, 16))], [info("y", (2, 5, 32))])
    return m, {"x": T.randn(seed + 100, 2, 5, 16)}, [
        ops(gelu=1), no_ops("erf", "div", "mul"), attrs("gelu", approximate="none"),
        fusions({"matmul+add+gelu": 1}), kernels(1)]


fusion_case("gelu_erf_xhalf_first", "patterns")(
    lambda: _gelu_erf("(x*h)*e", "div", 20))
fusion_case("gelu_erf_xerf_first_mul_rsqrt2", "patterns")(
    lambda: _gelu_erf("(x*e)*h", "mul", 21))
fusion_case("gelu_erf_half_erf_first_div_1.41421_constant_nodes", "patterns")(
    lambda: _gelu_erf("x*(h*e)", "div5", 22, constant_nodes=True))


def _gelu_tanh(cube: str, seed: int):
    """0.5 * x * (1 + tanh(0.79788456 * (x + 0.044715 * x^3))), x^3 as
    Pow(x, 3) ("pow") or x * x * x ("mul"), after MatMul + bias."""
    g = G(seed)
    x = g.linear("x", 16, 32)
    if cube == "pow":
        c = g.node("Pow", [x, g.scalar(3.0)])
    else:
        c = g.node("Mul", [g.node("Mul", [x, x]), x])
    t = g.node("Add", [x, g.node("Mul", [g.scalar(0.044715), c])])
    t = g.node("Tanh", [g.node("Mul", [t, g.scalar(SQRT_2_OVER_PI)])])
    t = g.node("Add", [t, g.scalar(1.0)])
    g.node("Mul", [g.node("Mul", [g.scalar(0.5), x]), t], "y")
    m = g.model([info("x", (2, 5, 16))], [info("y", (2, 5, 32))])
    return m, {"x": T.randn(seed + 100, 2, 5, 16)}, [
        ops(gelu=1), no_ops("tanh", "pow", "mul"), attrs("gelu", approximate="tanh"),
        fusions({"matmul+add+gelu": 1}), kernels(1)]


fusion_case("gelu_tanh_pow3", "patterns")(lambda: _gelu_tanh("pow", 23))
fusion_case("gelu_tanh_x_x_x", "patterns")(lambda: _gelu_tanh("mul", 24))

# ==========================================================================
# patterns: LayerNorm
# ==========================================================================


def _layer_norm(shape, axes, var_form: str, affine: str, eps: float, seed: int):
    """mean = ReduceMean(x, axes, keepdims=1); d = x - mean; var =
    ReduceMean(Pow(d, 2) | Mul(d, d)); y = d / Sqrt(var + eps) [* gamma]
    [+ beta]; `affine` is "", "gamma" or "gamma+beta"."""
    g = G(seed)
    mean = g.node("ReduceMean", ["x"], axes=axes, keepdims=1)
    dev = g.node("Sub", ["x", mean])
    sq = g.node("Pow", [dev, g.scalar(2.0)]) if var_form == "pow" else g.node("Mul", [dev, dev])
    var = g.node("ReduceMean", [sq], axes=axes, keepdims=1)
    std = g.node("Sqrt", [g.node("Add", [var, g.scalar(eps)])])
    y = g.node("Div", [dev, std], None if affine else "y")
    trailing = shape[len(shape) - len(axes):]
    if affine:
        gamma = g.param(g.rng.uniform(0.5, 1.5, trailing))
        y = g.node("Mul", [y, gamma], None if "beta" in affine else "y")
    if "beta" in affine:
        g.node("Add", [y, g.param(g.randn(*trailing, scale=0.1))], "y")
    m = g.model([info("x", shape)], [info("y", shape)])
    # an offset mean and a non-unit spread, so the normalization matters
    x = T.randn(seed + 100, *shape, scale=2.0) + 0.5
    rank = len(shape)
    first = min(a % rank for a in axes)
    return m, {"x": x}, [
        ops(layer_norm=1), no_ops("reduce", "sub", "pow", "sqrt", "div", "mul", "add"),
        attrs("layer_norm", axis=first, epsilon=float(np.float32(eps)))]


fusion_case("layernorm_pow_gamma_beta", "patterns")(
    lambda: _layer_norm((2, 6, 32), [-1], "pow", "gamma+beta", 1e-5, 30))
fusion_case("layernorm_mul_plain", "patterns")(
    lambda: _layer_norm((3, 4, 16), [-1], "mul", "", 1e-6, 31))
fusion_case("layernorm_gamma_only_positive_axis", "patterns")(
    lambda: _layer_norm((4, 24), [1], "pow", "gamma", 1e-12, 32))
fusion_case("layernorm_two_trailing_axes", "patterns")(
    lambda: _layer_norm((2, 3, 5, 6), [-2, -1], "pow", "gamma+beta", 1e-5, 33))

# ==========================================================================
# patterns: Softmax
# ==========================================================================


def _softmax(shape, axis: int, seed: int):
    """Exp(x - ReduceMax(x)) / ReduceSum(that), keepdims=1, along `axis`."""
    g = G(seed)
    mx = g.node("ReduceMax", ["x"], axes=[axis], keepdims=1)
    e = g.node("Exp", [g.node("Sub", ["x", mx])])
    s = g.node("ReduceSum", [e, g.param([axis], "axes", np.int64)], keepdims=1)
    g.node("Div", [e, s], "y")
    m = g.model([info("x", shape)], [info("y", shape)])
    return m, {"x": T.randn(seed + 100, *shape, scale=3.0)}, [
        ops(softmax=1), no_ops("reduce", "exp", "sub", "div"),
        attrs("softmax", axis=axis % len(shape))]


fusion_case("softmax_axis_last", "patterns")(lambda: _softmax((2, 5, 7), -1, 40))
fusion_case("softmax_axis_1", "patterns")(lambda: _softmax((2, 5, 7), 1, 41))


@fusion_case("softmax_without_max_subtraction", "patterns")
def _softmax_no_max():
    """Exp(x) / ReduceSum(Exp(x)) (no ReduceMax): also a softmax (dsc.softmax
    subtracts the max itself, which only makes it more robust)."""
    g = G(42)
    e = g.node("Exp", ["x"])
    s = g.node("ReduceSum", [e, g.param([-1], "axes", np.int64)], keepdims=1)
    g.node("Div", [e, s], "y")
    m = g.model([info("x", (3, 4, 9))], [info("y", (3, 4, 9))])
    return m, {"x": T.randn(142, 3, 4, 9, scale=3.0)}, [
        ops(softmax=1), no_ops("reduce", "exp", "div"), attrs("softmax", axis=2)]

# ==========================================================================
# patterns: attention
# ==========================================================================

B, H, S, D = 1, 2, 8, 16


def causal(seq: int, value: float) -> np.ndarray:
    return zoo.causal_mask(seq, value)


def band(seq: int, width: int, value: float) -> np.ndarray:
    """0 where 0 <= i - j < width (key j at most width-1 behind query i)."""
    i, j = np.indices((seq, seq))
    return np.where((i - j >= 0) & (i - j < width), 0.0, value).astype(np.float32)


def _attention_graph(g: G, q: str, k: str, v: str, scale_op: str, scale: float,
                     mask: str | None, out: str | None = None,
                     softmax_axis: int = -1, probs_out: str | None = None) -> str:
    """MatMul(Q, Transpose(K)), Mul/Div by the scale, Add mask, Softmax, MatMul V."""
    kt = g.node("Transpose", [k], perm=[0, 1, 3, 2])
    s = g.node("MatMul", [q, kt])
    if scale_op == "div":
        s = g.node("Div", [s, g.scalar(1.0 / scale)])
    else:
        s = g.node("Mul", [s, g.scalar(scale)])
    if mask is not None:
        s = g.node("Add", [s, mask])
    p = g.node("Softmax", [s], probs_out, axis=softmax_axis)
    return g.node("MatMul", [p, v], out)


def _qkv_inputs(seed: int) -> dict[str, np.ndarray]:
    return {"q": T.randn(seed, B, H, S, D), "k": T.randn(seed + 1, B, H, S, D),
            "v": T.randn(seed + 2, B, H, S, D)}


QKV_INFO = [info("q", (B, H, S, D)), info("k", (B, H, S, D)), info("v", (B, H, S, D))]
OUT_INFO = [info("y", (B, H, S, D))]
# The K transpose stays (dsc.attention takes K^T, the product's right operand).
ATTN_FUSED = no_ops("softmax", "matmul", "mul", "div", "add")


def _attention(seed: int, scale_op: str, mask_src: str, **want):
    """One attention block; `mask_src`: "none", "input" (a graph input
    [B, 1, S, S]), "causal-1e9", "causal-inf" (constant [1, 1, S, S] / [S, S]),
    "window3" (a band of width 3), "random" (any other constant),
    "almost-causal" (causal but one entry below the diagonal masked too).
    `want`: the attributes the dsc.attention must have."""
    g = G(seed)
    inputs = _qkv_inputs(seed + 100)
    extra_inputs = []
    mask = None
    if mask_src == "input":
        mask = "mask"
        extra_inputs = [info("mask", (B, 1, S, S))]
        m = np.where(np.random.default_rng(seed).random((B, 1, S, S)) < 0.3, -10000.0, 0.0)
        m[..., 0] = 0.0
        inputs["mask"] = m.astype(np.float32)
    elif mask_src == "causal-1e9":
        mask = g.param(causal(S, -1e9)[None, None])
    elif mask_src == "causal-inf":
        mask = g.param(causal(S, -np.inf))
    elif mask_src == "window3":
        mask = g.param(band(S, 3, -1e9)[None, None])
    elif mask_src == "random":
        mask = g.param(g.randn(S, S))
    elif mask_src == "almost-causal":
        mc = causal(S, -1e9)
        mc[5, 2] = -1e9
        mask = g.param(mc[None, None])
    _attention_graph(g, "q", "k", "v", scale_op, 0.25 if scale_op == "div" else 0.3, mask,
                     out="y")
    m = g.model(QKV_INFO + extra_inputs, OUT_INFO)
    return m, inputs, [ops(attention=1), ATTN_FUSED, attrs("attention", **want)]


fusion_case("attention_nomask_scale_div", "patterns")(
    lambda: _attention(50, "div", "none", mask_kind="none", scale=0.25))
fusion_case("attention_nomask_scale_mul", "patterns")(
    lambda: _attention(51, "mul", "none", mask_kind="none", scale=float(np.float32(0.3))))
fusion_case("attention_runtime_mask_input", "patterns")(
    lambda: _attention(52, "mul", "input", mask_kind="none", scale=float(np.float32(0.3))))
fusion_case("attention_causal_1e9", "patterns")(
    lambda: _attention(53, "div", "causal-1e9", mask_kind="causal", scale=0.25,
                       mask_value=-1e9))
fusion_case("attention_causal_neg_inf", "patterns")(
    lambda: _attention(54, "mul", "causal-inf", mask_kind="causal",
                       scale=float(np.float32(0.3)), mask_value=-math.inf))
fusion_case("attention_sliding_window_3", "patterns")(
    lambda: _attention(55, "div", "window3", mask_kind="sliding_window", window=3,
                       scale=0.25, mask_value=-1e9))
fusion_case("attention_constant_random_mask", "patterns")(
    lambda: _attention(56, "div", "random", mask_kind="none", scale=0.25))
fusion_case("attention_almost_causal_mask", "patterns")(
    lambda: _attention(57, "div", "almost-causal", mask_kind="none", scale=0.25))


@fusion_case("attention_two_blocks", "patterns")
def _attention_two():
    """Two attention blocks in a row (the second one's query is the first
    one's output): two dsc.attention."""
    g = G(58)
    y = _attention_graph(g, "q", "k", "v", "div", 0.25, None)
    _attention_graph(g, y, "k", "v", "mul", 0.25, g.param(causal(S, -1e9)), out="y")
    m = g.model(QKV_INFO, OUT_INFO)
    return m, _qkv_inputs(158), [ops(attention=2), ATTN_FUSED]


# ==========================================================================
# must not fuse
# ==========================================================================


@fusion_case("nofuse_conv_result_second_use", "must-not-fuse")
def _nofuse_second_use():
    """Conv -> Relu, but the conv result also feeds a MaxPool: the conv result
    must be written, so relu stays out of the conv's kernel."""
    g = G(60)
    c = g.conv("x", 4, 8, bias=True)
    g.node("Relu", [c], "y")
    g.node("MaxPool", [c], "z", kernel_shape=[2, 2], strides=[2, 2])
    m = g.model([info("x", (1, 4, 8, 8))], [info("y", (1, 8, 8, 8)), info("z", (1, 8, 4, 4))])
    return m, {"x": T.randn(61, 1, 4, 8, 8)}, [
        ops(conv=1, relu=1, max_pool=1), no_fusion_with("conv+")]


@fusion_case("nofuse_silu_sigmoid_is_output", "must-not-fuse")
def _nofuse_silu():
    """x * sigmoid(x) where sigmoid(x) is also a graph output."""
    g = G(62)
    h = g.linear("x", 16, 24)
    s = g.node("Sigmoid", [h], "s")
    g.node("Mul", [h, s], "y")
    m = g.model([info("x", (2, 16))], [info("y", (2, 24)), info("s", (2, 24))])
    return m, {"x": T.randn(63, 2, 16)}, [ops(sigmoid=1, mul=1), no_fusion_with("sigmoid+mul")]


@fusion_case("nofuse_bn_runtime_statistics", "must-not-fuse")
def _nofuse_bn_inputs():
    """BatchNormalization whose mean and variance are graph inputs: nothing to
    fold at compile time."""
    g = G(64)
    c = g.conv("x", 4, 6, bias=True)
    gamma, beta = g.bn_params(6)[:2]
    y = g.node("BatchNormalization", [c, gamma, beta, "mean", "var"], epsilon=1e-5)
    g.node("Relu", [y], "y")
    m = g.model([info("x", (1, 4, 6, 6)), info("mean", (6,)), info("var", (6,))],
                [info("y", (1, 6, 6, 6))])
    r = np.random.default_rng(65)
    inputs = {"x": T.randn(66, 1, 4, 6, 6),
              "mean": (r.standard_normal(6) * 0.1).astype(np.float32),
              "var": r.uniform(0.5, 1.5, 6).astype(np.float32)}
    return m, inputs, [ops(batch_norm=1, conv=1)]


@fusion_case("nofuse_conv_is_graph_output", "must-not-fuse")
def _nofuse_conv_output():
    """Conv -> BN -> Relu where the conv result is a graph output too: the BN
    must not be folded into the conv (that would change the output `c`), and
    the conv takes no consumers into its kernel."""
    g = G(67)
    c = g.conv("x", 4, 6, out="c")
    g.node("Relu", [g.bn(c, 6)], "y")
    m = g.model([info("x", (1, 4, 6, 6))], [info("c", (1, 6, 6, 6)), info("y", (1, 6, 6, 6))])
    return m, {"x": T.randn(68, 1, 4, 6, 6)}, [
        ops(batch_norm=1, conv=1), no_fusion_with("conv+")]


@fusion_case("nofuse_gelu_erf_is_output", "must-not-fuse")
def _nofuse_gelu_shared():
    """GELU erf form whose Erf result is also a graph output: no gelu."""
    g = G(69)
    x = g.linear("x", 16, 32)
    e = g.node("Erf", [g.node("Div", [x, g.scalar(SQRT2)])], "erf")
    e = g.node("Add", [e, g.scalar(1.0)])
    g.node("Mul", [g.node("Mul", [x, e]), g.scalar(0.5)], "y")
    m = g.model([info("x", (2, 16))], [info("y", (2, 32)), info("erf", (2, 32))])
    return m, {"x": T.randn(70, 2, 16)}, [ops(gelu=0, erf=1)]


@fusion_case("nofuse_attention_probs_output", "must-not-fuse")
def _nofuse_attention_probs():
    """The softmax probabilities are a graph output too (output_attentions):
    no dsc.attention (it does not produce them)."""
    g = G(71)
    _attention_graph(g, "q", "k", "v", "div", 0.25, None, out="y", probs_out="probs")
    m = g.model(QKV_INFO, OUT_INFO + [info("probs", (B, H, S, S))])
    return m, _qkv_inputs(171), [ops(attention=0, softmax=1)]


@fusion_case("nofuse_attention_softmax_not_last_axis", "must-not-fuse")
def _nofuse_attention_axis():
    """Softmax over the query axis (2), not the key axis: not attention."""
    g = G(72)
    _attention_graph(g, "q", "k", "v", "div", 0.25, None, out="y", softmax_axis=2)
    m = g.model(QKV_INFO, OUT_INFO)
    return m, _qkv_inputs(172), [ops(attention=0, softmax=1)]


@fusion_case("nofuse_layernorm_leading_axis", "must-not-fuse")
def _nofuse_ln_axis():
    """The LayerNorm formula over axis 1 of [2, 6, 8] (not trailing): layer_norm
    normalizes trailing dimensions only, so it must not form."""
    g = G(73)
    mean = g.node("ReduceMean", ["x"], axes=[1], keepdims=1)
    dev = g.node("Sub", ["x", mean])
    var = g.node("ReduceMean", [g.node("Mul", [dev, dev])], axes=[1], keepdims=1)
    g.node("Div", [dev, g.node("Sqrt", [g.node("Add", [var, g.scalar(1e-5)])])], "y")
    m = g.model([info("x", (2, 6, 8))], [info("y", (2, 6, 8))])
    return m, {"x": T.randn(74, 2, 6, 8)}, [ops(layer_norm=0)]


@fusion_case("nofuse_softmax_two_axes", "must-not-fuse")
def _nofuse_softmax_two_axes():
    """Exp(x - ReduceMax) / ReduceSum over axes [1, 2]: a softmax over two
    axes at once, which dsc.softmax (one axis) is not."""
    g = G(75)
    mx = g.node("ReduceMax", ["x"], axes=[1, 2], keepdims=1)
    e = g.node("Exp", [g.node("Sub", ["x", mx])])
    s = g.node("ReduceSum", [e, g.param([1, 2], "axes", np.int64)], keepdims=1)
    g.node("Div", [e, s], "y")
    m = g.model([info("x", (2, 5, 7))], [info("y", (2, 5, 7))])
    return m, {"x": T.randn(76, 2, 5, 7)}, [ops(softmax=0, exp=1)]


@fusion_case("softmax_shift_on_other_axis", "must-not-fuse")
def _softmax_other_axis_shift():
    """ReduceMax over axis 2 but ReduceSum over axis 1. Not the softmax
    pattern of x, but Exp(t) / ReduceSum(Exp(t), axis 1) is softmax(t, axis 1)
    for t = x - max: the only softmax dsc may form here is along axis 1 (and
    the result must match)."""
    g = G(77)
    mx = g.node("ReduceMax", ["x"], axes=[2], keepdims=1)
    e = g.node("Exp", [g.node("Sub", ["x", mx])])
    s = g.node("ReduceSum", [e, g.param([1], "axes", np.int64)], keepdims=1)
    g.node("Div", [e, s], "y")
    m = g.model([info("x", (2, 5, 7))], [info("y", (2, 5, 7))])

    def softmax_axis_1_if_any(gr: Graph) -> list[str]:
        bad = [a for a in gr.attrs("softmax") if a.get("axis") != 1]
        return [f"dsc.softmax formed along axis {a.get('axis')}, only axis 1 is right"
                for a in bad]
    return m, {"x": T.randn(78, 2, 5, 7, scale=3.0)}, [softmax_axis_1_if_any]


@fusion_case("nofuse_gelu_erf_wrong_half", "must-not-fuse")
def _nofuse_gelu_wrong_half():
    """The erf form with 0.6 in place of 0.5: not a GELU."""
    g = G(79)
    x = g.linear("x", 16, 32)
    e = g.node("Add", [g.node("Erf", [g.node("Div", [x, g.scalar(SQRT2)])]), g.scalar(1.0)])
    g.node("Mul", [g.node("Mul", [x, e]), g.scalar(0.6)], "y")
    m = g.model([info("x", (2, 16))], [info("y", (2, 32))])
    return m, {"x": T.randn(80, 2, 16)}, [ops(gelu=0, erf=1)]


@fusion_case("nofuse_gelu_tanh_wrong_coefficient", "must-not-fuse")
def _nofuse_gelu_tanh_coef():
    """The tanh form with 0.05 in place of 0.044715: not a GELU."""
    g = G(81)
    x = g.linear("x", 16, 32)
    c = g.node("Pow", [x, g.scalar(3.0)])
    t = g.node("Add", [x, g.node("Mul", [g.scalar(0.05), c])])
    t = g.node("Tanh", [g.node("Mul", [t, g.scalar(SQRT_2_OVER_PI)])])
    t = g.node("Add", [t, g.scalar(1.0)])
    g.node("Mul", [g.node("Mul", [g.scalar(0.5), x]), t], "y")
    m = g.model([info("x", (2, 16))], [info("y", (2, 32))])
    return m, {"x": T.randn(82, 2, 16)}, [ops(gelu=0, tanh=1)]


# ==========================================================================
# models: small zoo networks end to end (every fusion above at once)
# ==========================================================================


@fusion_case("model_resnet50_1x3x32x32", "models")
def _model_resnet50():
    m = zoo.resnet50(size=32, seed=51)
    return m, zoo.image_inputs(1, 32, seed=52), [
        ops(batch_norm=0, conv=53), fusions({"conv+relu": 33, "conv+add+relu": 16})]


@fusion_case("model_gpt_decoder_l2_d64_h4_s16", "models")
def _model_gpt():
    m = zoo.gpt_decoder(layers=2, d_model=64, heads=4, seq=16, seed=25)
    return m, zoo.gpt_inputs(64, 16, seed=26), [
        ops(attention=2, layer_norm=5, gelu=2),
        no_ops("softmax", "reduce", "pow", "tanh", "sqrt", "sub"),
        attrs("attention", mask_kind="causal", mask_value=-1e9, scale=0.25),
        attrs("gelu", approximate="tanh")]


@fusion_case("model_gpt_decoder_l1_neg_inf_mask", "models")
def _model_gpt_inf():
    m = zoo.gpt_decoder(layers=1, d_model=32, heads=2, seq=12, mask_value=-math.inf, seed=27)
    return m, zoo.gpt_inputs(32, 12, seed=28), [
        ops(attention=1, layer_norm=3, gelu=1), no_ops("softmax", "reduce"),
        attrs("attention", mask_kind="causal", mask_value=-math.inf, scale=0.25)]


@fusion_case("model_bert_encoder_decomposed_l2_d64_s16_batch2_masked", "models")
def _model_bert_decomposed():
    m = zoo.bert_encoder_decomposed(layers=2, d_model=64, heads=4, ffn=256, seq=16, batch=2,
                                    seed=9)
    return m, zoo.bert_inputs(d_model=64, seq=16, batch=2, seed=10), [
        ops(attention=2, layer_norm=4, gelu=2),
        no_ops("softmax", "reduce", "pow", "erf", "exp", "sqrt", "sub"),
        attrs("attention", mask_kind="none", scale=0.25),
        attrs("gelu", approximate="none")]


# ==========================================================================
# kernel counts of zoo models (graph phase only)
# ==========================================================================

ZOO_MODELS: dict[str, Callable[[], onnx.ModelProto]] = {
    "resnet50": lambda: zoo.resnet50(),
    "mobilenetv2": lambda: zoo.mobilenetv2(),
    "bert_encoder": lambda: zoo.bert_encoder(),
    "bert_encoder_decomposed": lambda: zoo.bert_encoder_decomposed(),
    "gpt_decoder": lambda: zoo.gpt_decoder(),
}


def _kernel_counts(name: str):
    def fn():
        d = T.case_dir("kernel_counts_" + name)
        model_path = T.save_model(ZOO_MODELS[name](), d / f"{name}.onnx")
        report, _ = graph_phase(d, model_path, os.devnull)
        got = {"onnx_nodes": report["onnx_nodes"],
               "kernels": report["optimized"]["kernels"],
               "fusions": dict(sorted(report["optimized"]["fusions"].items())),
               "ops": dict(sorted(report["optimized"]["ops"].items()))}
        if PRINT_KERNEL_COUNTS:
            with _print_counts_lock:
                RECORDED_COUNTS[name] = got
            return
        want = KERNEL_COUNTS.get(name)
        how = ("if the change is intended, regenerate with `python test/Execution/"
               "test_fusion.py --print-kernel-counts` and paste the dict over "
               "KERNEL_COUNTS in test/Execution/test_fusion.py")
        if want is None:
            raise T.CaseFailure(f"no KERNEL_COUNTS entry for {name!r}; {how}")
        diffs = []
        for key in ("onnx_nodes", "kernels", "fusions", "ops"):
            if got[key] != want[key]:
                if isinstance(want[key], dict):
                    keys = sorted(set(got[key]) | set(want[key]))
                    delta = {k: f"{want[key].get(k, 0)} -> {got[key].get(k, 0)}"
                             for k in keys if want[key].get(k, 0) != got[key].get(k, 0)}
                    diffs.append(f"{key} (expected -> got): {delta}")
                else:
                    diffs.append(f"{key}: expected {want[key]}, got {got[key]}")
        if diffs:
            raise T.CaseFailure(f"{name}: the graph phase changed\n  " + "\n  ".join(diffs)
                                + f"\n{how}")

    T.add_case("kernel_counts_" + name, fn, "kernel-counts")


for _name in ZOO_MODELS:
    _kernel_counts(_name)

def format_kernel_counts(counts: dict[str, dict]) -> str:
    """KERNEL_COUNTS as Python source, one field per line."""
    lines = ["KERNEL_COUNTS: dict[str, dict] = {"]
    for name, fields in counts.items():
        lines.append(f"    {json.dumps(name)}: {{")
        for key, value in fields.items():
            if not isinstance(value, dict):
                lines.append(f"        {json.dumps(key)}: {value!r},")
                continue
            items = ", ".join(f"{json.dumps(k)}: {v!r}" for k, v in value.items())
            one = f"        {json.dumps(key)}: {{{items}"
            if len(one) + 3 <= 99:
                lines.append(one + "},")
            else:
                lines.append(f"        {json.dumps(key)}: {{")
                lines += [f"            {json.dumps(k)}: {v!r}," for k, v in value.items()]
                lines.append("        },")
        lines.append("    },")
    lines.append("}")
    return "\n".join(lines)


# The slowest cases (whole networks) first, so that -j N packs them well.
T.CASES.sort(key=lambda c: c.family not in ("models", "kernel-counts"))

FAMILIES = ("kernels", "patterns", "must-not-fuse", "models", "kernel-counts")


def _main(argv: list[str]) -> int:
    global PRINT_KERNEL_COUNTS
    if "--print-kernel-counts" in argv:
        argv = [a for a in argv if a != "--print-kernel-counts"]
        PRINT_KERNEL_COUNTS = True
        argv += ["--family", "kernel-counts"]
        rc = T.main(argv, families=FAMILIES, description=__doc__)
        if rc == 0:
            print("\n" + format_kernel_counts({k: RECORDED_COUNTS[k] for k in ZOO_MODELS
                                               if k in RECORDED_COUNTS}))
        return rc
    return T.main(argv, families=FAMILIES, description=__doc__)


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
