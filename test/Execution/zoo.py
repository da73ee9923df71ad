#!/usr/bin/env python3
"""Builders of standard network architectures with seeded random weights, for
execution tests and benchmarks: ResNet-18, ResNet-50, MobileNetV2,
MobileNetV3-Small, EfficientNet-B0, SqueezeNet 1.1, DenseNet-121 (or a
reduced-depth DenseNet), ShuffleNetV2 x1.0 (torchvision layouts, BN kept as
separate BatchNormalization nodes as in an unfolded export), a
BERT-style encoder (optionally with LayerNorm and Softmax decomposed into
primitive ops) and a GPT-style pre-LN decoder written the way exporters emit
it (decomposed LayerNorm, constant causal mask, tanh-form GELU). Each builder
returns an ``onnx.ModelProto`` (opset 17, IR version 8) that passes
``onnx.checker.check_model(full_check=True)``; the size parameters default
to the full-size architectures and can be shrunk for tests. Weights use He
(convolutions) or Xavier (fully connected) scaling and BatchNormalization
gets positive variances, so activations stay O(1) through the whole network.
The matching ``*_inputs`` functions make seeded inputs.

    python test/Execution/zoo.py resnet18 -o r18.onnx [--size 64] [--batch 1] [--stats]
    python test/Execution/zoo.py mobilenetv2 -o mnv2.onnx
    python test/Execution/zoo.py resnet50 -o r50.onnx [--size 224] [--batch 1]
    python test/Execution/zoo.py mobilenetv3_small -o mnv3s.onnx   (also efficientnet_b0,
        squeezenet1_1, shufflenet_v2_x1_0; densenet121 [--dense-blocks 6,12,24,16])
    python test/Execution/zoo.py bert -o enc.onnx [--layers 4 --d-model 256 --seq 128 ...]
    python test/Execution/zoo.py bert-decomposed -o enc_dec.onnx [same options as bert]
    python test/Execution/zoo.py gpt -o dec.onnx [--layers 2 --d-model 256 --heads 4 --seq 64]

No model is committed: they are regenerated from the seeds.
"""

from __future__ import annotations

import argparse
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 17
IR_VERSION = 8


class Builder:
    """Appends nodes and seeded random initializers; names are unique and
    readable (`layer2.0.conv1`, ...)."""

    def __init__(self, seed: int):
        self.rng = np.random.default_rng(seed)
        self.nodes: list[onnx.NodeProto] = []
        self.inits: list[onnx.TensorProto] = []
        self.names: set[str] = set()
        # shared constants (scalar / axes initializers), created on first use
        self.consts: dict[tuple, str] = {}

    def unique(self, name: str) -> str:
        base, i = name, 1
        while name in self.names:
            i += 1
            name = f"{base}_{i}"
        self.names.add(name)
        return name

    def param(self, name: str, array, dtype=np.float32) -> str:
        name = self.unique(name)
        self.inits.append(numpy_helper.from_array(np.asarray(array, dtype=dtype), name))
        return name

    def node(self, op: str, inputs: list[str], name: str, output: str | None = None,
             **attrs) -> str:
        name = self.unique(name)
        out = output or name + "_out"
        self.nodes.append(helper.make_node(op, inputs, [out], name=name, **attrs))
        return out

    # ---- layers ----------------------------------------------------------

    def conv(self, x: str, cin: int, cout: int, k: int, name: str, stride: int = 1,
             pad: int | None = None, group: int = 1, bias: bool = False,
             gain: float = 2.0) -> str:
        """He-initialized Conv (std sqrt(gain / fan_in))."""
        pad = k // 2 if pad is None else pad
        fan_in = cin // group * k * k
        w = self.rng.standard_normal((cout, cin // group, k, k)) * np.sqrt(gain / fan_in)
        ins = [x, self.param(name + ".weight", w)]
        if bias:
            ins.append(self.param(name + ".bias", self.rng.standard_normal(cout) * 0.05))
        return self.node("Conv", ins, name, kernel_shape=[k, k], strides=[stride, stride],
                         pads=[pad] * 4, group=group, dilations=[1, 1])

    def bn(self, x: str, c: int, name: str, gamma: tuple[float, float] = (0.8, 1.2)) -> str:
        """Inference BatchNormalization with plausible running statistics:
        small means, variances around 1 (strictly positive)."""
        r = self.rng
        return self.node("BatchNormalization", [
            x,
            self.param(name + ".weight", r.uniform(*gamma, c)),
            self.param(name + ".bias", r.standard_normal(c) * 0.05),
            self.param(name + ".running_mean", r.standard_normal(c) * 0.05),
            self.param(name + ".running_var", r.uniform(0.8, 1.2, c)),
        ], name, epsilon=1e-5, momentum=0.9)

    def relu(self, x: str, name: str) -> str:
        return self.node("Relu", [x], name)

    def gemm(self, x: str, fin: int, fout: int, name: str, output: str | None = None) -> str:
        """Fully connected layer as exported by PyTorch: Gemm with transB=1,
        Xavier-uniform-like weights."""
        w = self.rng.standard_normal((fout, fin)) * np.sqrt(1.0 / fin)
        b = self.rng.standard_normal(fout) * 0.05
        return self.node("Gemm", [x, self.param(name + ".weight", w),
                                  self.param(name + ".bias", b)], name, output=output,
                         alpha=1.0, beta=1.0, transB=1)

    def linear(self, x: str, fin: int, fout: int, name: str, gain: float = 1.0) -> str:
        """MatMul with a [fin, fout] weight plus an Add of the bias (the
        transformer export pattern)."""
        w = self.rng.standard_normal((fin, fout)) * np.sqrt(gain / fin)
        b = self.rng.standard_normal(fout) * 0.02
        y = self.node("MatMul", [x, self.param(name + ".weight", w)], name + ".matmul")
        return self.node("Add", [y, self.param(name + ".bias", b)], name + ".add")

    def layer_norm(self, x: str, d: int, name: str, epsilon: float, bias: bool = True,
                   output: str | None = None) -> str:
        r = self.rng
        ins = [x, self.param(name + ".weight", r.uniform(0.8, 1.2, d))]
        if bias:
            ins.append(self.param(name + ".bias", r.standard_normal(d) * 0.05))
        return self.node("LayerNormalization", ins, name, output=output, axis=-1,
                         epsilon=epsilon)

    def scalar(self, name: str, value: float) -> str:
        """A shared float32 scalar initializer (created on first use; draws no
        random numbers, so it does not perturb the seeded weights)."""
        key = (name, float(value))
        if key not in self.consts:
            self.consts[key] = self.param(name, np.array(value))
        return self.consts[key]

    def axes(self, name: str, axes: list[int]) -> str:
        """A shared int64 axes initializer (ReduceSum-13's `axes` input)."""
        key = (name, tuple(axes))
        if key not in self.consts:
            self.consts[key] = self.param(name, axes, np.int64)
        return self.consts[key]

    def layer_norm_decomposed(self, x: str, d: int, name: str, epsilon: float,
                              bias: bool = True, output: str | None = None) -> str:
        """LayerNormalization over the last axis as exporters emit it below
        opset 17: ReduceMean, Sub, Pow(., 2), ReduceMean, Add(eps), Sqrt, Div,
        Mul(gamma), Add(beta). Draws gamma and beta exactly like layer_norm, so
        a model built either way from the same seed computes the same function."""
        r = self.rng
        gamma = self.param(name + ".weight", r.uniform(0.8, 1.2, d))
        beta = self.param(name + ".bias", r.standard_normal(d) * 0.05) if bias else None
        mean = self.node("ReduceMean", [x], name + ".mean", axes=[-1], keepdims=1)
        dev = self.node("Sub", [x, mean], name + ".sub")
        sq = self.node("Pow", [dev, self.scalar("layer_norm.two", 2.0)], name + ".pow")
        var = self.node("ReduceMean", [sq], name + ".var", axes=[-1], keepdims=1)
        var = self.node("Add", [var, self.scalar("layer_norm.epsilon", epsilon)],
                        name + ".add_eps")
        std = self.node("Sqrt", [var], name + ".sqrt")
        y = self.node("Div", [dev, std], name + ".div")
        y = self.node("Mul", [y, gamma], name + ".mul_gamma",
                      output=None if beta is not None else output)
        if beta is not None:
            y = self.node("Add", [y, beta], name + ".add_beta", output=output)
        return y

    def softmax_decomposed(self, x: str, name: str) -> str:
        """Softmax over the last axis as Exp(x - ReduceMax(x)) / ReduceSum(...)
        (keepdims=1; ReduceMax-13's axes attribute, ReduceSum-13's axes input)."""
        m = self.node("ReduceMax", [x], name + ".max", axes=[-1], keepdims=1)
        e = self.node("Exp", [self.node("Sub", [x, m], name + ".sub")], name + ".exp")
        s = self.node("ReduceSum", [e, self.axes("softmax.axes", [-1])], name + ".sum",
                      keepdims=1)
        return self.node("Div", [e, s], name + ".div")

    def model(self, inputs, outputs, graph_name: str, doc: str = "") -> onnx.ModelProto:
        graph = helper.make_graph(self.nodes, graph_name, inputs, outputs, self.inits)
        m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                              producer_name="dsc-tests-zoo", doc_string=doc)
        m.ir_version = IR_VERSION
        onnx.checker.check_model(m, full_check=True)
        return m


def _info(name: str, shape) -> onnx.ValueInfoProto:
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, list(shape))


# ==========================================================================
# ResNet-18
# ==========================================================================


def _basic_block(g: Builder, x: str, cin: int, cout: int, stride: int, name: str) -> str:
    y = g.relu(g.bn(g.conv(x, cin, cout, 3, name + ".conv1", stride=stride), cout,
                    name + ".bn1"), name + ".relu1")
    # The second BN of the residual branch gets smaller gammas (as with
    # zero-init-residual training): the residual sum then grows slowly
    # instead of doubling its variance at every block.
    y = g.bn(g.conv(y, cout, cout, 3, name + ".conv2"), cout, name + ".bn2", gamma=(0.3, 0.6))
    if stride != 1 or cin != cout:
        sc = g.bn(g.conv(x, cin, cout, 1, name + ".downsample.0", stride=stride, pad=0), cout,
                  name + ".downsample.1")
    else:
        sc = x
    return g.relu(g.node("Add", [y, sc], name + ".add"), name + ".relu2")


def resnet18(batch: int = 1, size: int = 224, num_classes: int = 1000,
             seed: int = 18) -> onnx.ModelProto:
    """torchvision ResNet-18: 7x7/2 conv, BN, ReLU, 3x3/2 max pool, 4 stages x 2
    BasicBlocks (64, 128, 256, 512 channels; 1x1/2 projection shortcuts at
    the first block of stages 2-4), global average pool, flatten, FC. Input
    `input` [batch, 3, size, size], output `logits` [batch, num_classes]."""
    g = Builder(seed)
    x = g.relu(g.bn(g.conv("input", 3, 64, 7, "conv1", stride=2, pad=3), 64, "bn1"), "relu")
    x = g.node("MaxPool", [x], "maxpool", kernel_shape=[3, 3], strides=[2, 2],
               pads=[1, 1, 1, 1])
    cin = 64
    for stage, cout in enumerate((64, 128, 256, 512), start=1):
        for blk in range(2):
            stride = 2 if (stage > 1 and blk == 0) else 1
            x = _basic_block(g, x, cin, cout, stride, f"layer{stage}.{blk}")
            cin = cout
    x = g.node("GlobalAveragePool", [x], "avgpool")
    x = g.node("Flatten", [x], "flatten", axis=1)
    g.gemm(x, 512, num_classes, "fc", output="logits")
    return g.model([_info("input", (batch, 3, size, size))],
                   [_info("logits", (batch, num_classes))], "resnet18",
                   f"ResNet-18, batch {batch}, {size}x{size}, seed {seed}")


# ==========================================================================
# ResNet-50
# ==========================================================================

RESNET50_STAGES = (3, 4, 6, 3)  # Bottleneck blocks per stage


def _bottleneck(g: Builder, x: str, cin: int, width: int, stride: int, name: str) -> str:
    """torchvision Bottleneck (v1.5: the stride sits on the 3x3 conv): 1x1
    conv to `width`, BN, ReLU, 3x3 conv, BN, ReLU, 1x1 conv to 4 * width, BN,
    Add of the shortcut (1x1 conv + BN projection when the shape changes),
    ReLU."""
    cout = 4 * width
    y = g.relu(g.bn(g.conv(x, cin, width, 1, name + ".conv1", pad=0), width, name + ".bn1"),
               name + ".relu1")
    y = g.relu(g.bn(g.conv(y, width, width, 3, name + ".conv2", stride=stride), width,
                    name + ".bn2"), name + ".relu2")
    # Small gammas on the last BN of the branch (zero-init-residual style)
    # keep the residual sum O(1) through 16 blocks.
    y = g.bn(g.conv(y, width, cout, 1, name + ".conv3", pad=0), cout, name + ".bn3",
             gamma=(0.2, 0.4))
    if stride != 1 or cin != cout:
        sc = g.bn(g.conv(x, cin, cout, 1, name + ".downsample.0", stride=stride, pad=0), cout,
                  name + ".downsample.1")
    else:
        sc = x
    return g.relu(g.node("Add", [y, sc], name + ".add"), name + ".relu3")


def resnet50(batch: int = 1, size: int = 224, num_classes: int = 1000,
             seed: int = 50) -> onnx.ModelProto:
    """torchvision ResNet-50 as its ONNX export looks (Conv without bias +
    BatchNormalization + Relu; BN not folded): 7x7/2 conv, BN, ReLU, 3x3/2
    max pool, 4 stages of 3, 4, 6, 3 Bottleneck blocks (widths 64, 128, 256,
    512, outputs 4x that; projection shortcut at the first block of each
    stage, stride 2 from stage 2 on), global average pool, flatten, FC
    (25,557,032 parameters). Input `input` [batch, 3, size, size], output
    `logits` [batch, num_classes]."""
    g = Builder(seed)
    x = g.relu(g.bn(g.conv("input", 3, 64, 7, "conv1", stride=2, pad=3), 64, "bn1"), "relu")
    x = g.node("MaxPool", [x], "maxpool", kernel_shape=[3, 3], strides=[2, 2],
               pads=[1, 1, 1, 1])
    cin = 64
    for stage, (blocks, width) in enumerate(zip(RESNET50_STAGES, (64, 128, 256, 512)),
                                            start=1):
        for blk in range(blocks):
            stride = 2 if (stage > 1 and blk == 0) else 1
            x = _bottleneck(g, x, cin, width, stride, f"layer{stage}.{blk}")
            cin = 4 * width
    x = g.node("GlobalAveragePool", [x], "avgpool")
    x = g.node("Flatten", [x], "flatten", axis=1)
    g.gemm(x, cin, num_classes, "fc", output="logits")
    return g.model([_info("input", (batch, 3, size, size))],
                   [_info("logits", (batch, num_classes))], "resnet50",
                   f"ResNet-50, batch {batch}, {size}x{size}, seed {seed}")


def image_inputs(batch: int = 1, size: int = 224, seed: int = 0,
                 name: str = "input") -> dict[str, np.ndarray]:
    """A normalized-image-like input: N(0, 1), [batch, 3, size, size]."""
    x = np.random.default_rng(seed).standard_normal((batch, 3, size, size))
    return {name: x.astype(np.float32)}


# ==========================================================================
# MobileNetV2
# ==========================================================================

# (expand ratio t, output channels c, repeats n, first stride s), as in the paper
MOBILENETV2_SETTINGS = (
    (1, 16, 1, 1),
    (6, 24, 2, 2),
    (6, 32, 3, 2),
    (6, 64, 4, 2),
    (6, 96, 3, 1),
    (6, 160, 3, 2),
    (6, 320, 1, 1),
)


def _make_divisible(v: float, divisor: int = 8) -> int:
    new_v = max(divisor, int(v + divisor / 2) // divisor * divisor)
    if new_v < 0.9 * v:
        new_v += divisor
    return new_v


def mobilenetv2(batch: int = 1, size: int = 224, num_classes: int = 1000, width: float = 1.0,
                seed: int = 2) -> onnx.ModelProto:
    """torchvision MobileNetV2: 3x3/2 stem conv to 32 channels, inverted
    residual blocks (expand 1x1 conv + BN + ReLU6, depthwise 3x3 conv
    (group = channels) + BN + ReLU6, project 1x1 conv + BN, residual Add when
    the stride is 1 and the channel counts match), 1x1 conv to 1280 + BN +
    ReLU6, global average pool, flatten, FC. ReLU6 is Clip with min/max
    inputs (opset-13 form) from shared scalar initializers. Input `input`
    [batch, 3, size, size], output `logits` [batch, num_classes]."""
    g = Builder(seed)
    lo = g.param("relu6.min", np.array(0.0))
    hi = g.param("relu6.max", np.array(6.0))

    def relu6(x: str, name: str) -> str:
        return g.node("Clip", [x, lo, hi], name)

    def cbr(x, cin, cout, k, name, stride=1, group=1):
        y = g.conv(x, cin, cout, k, name + ".0", stride=stride, group=group)
        return relu6(g.bn(y, cout, name + ".1"), name + ".2")

    cin = _make_divisible(32 * width)
    last = _make_divisible(1280 * max(1.0, width))
    x = cbr("input", 3, cin, 3, "features.0", stride=2)
    idx = 1
    for t, c, n, s in MOBILENETV2_SETTINGS:
        cout = _make_divisible(c * width)
        for i in range(n):
            stride = s if i == 0 else 1
            name = f"features.{idx}.conv"
            hidden = cin * t
            y = x
            j = 0
            if t != 1:
                y = cbr(y, cin, hidden, 1, f"{name}.{j}")
                j += 1
            y = cbr(y, hidden, hidden, 3, f"{name}.{j}", stride=stride, group=hidden)
            # Linear bottleneck: 1x1 projection + BN, no activation. Smaller
            # BN gammas on blocks with a residual keep the sum O(1).
            use_res = stride == 1 and cin == cout
            y = g.conv(y, hidden, cout, 1, f"{name}.{j + 1}", gain=1.0)
            y = g.bn(y, cout, f"{name}.{j + 2}", gamma=(0.3, 0.6) if use_res else (0.8, 1.2))
            if use_res:
                y = g.node("Add", [x, y], f"features.{idx}.add")
            x = y
            cin = cout
            idx += 1
    x = cbr(x, cin, last, 1, f"features.{idx}")
    x = g.node("GlobalAveragePool", [x], "avgpool")
    x = g.node("Flatten", [x], "flatten", axis=1)
    g.gemm(x, last, num_classes, "classifier.1", output="logits")
    return g.model([_info("input", (batch, 3, size, size))],
                   [_info("logits", (batch, num_classes))], "mobilenetv2",
                   f"MobileNetV2 width {width}, batch {batch}, {size}x{size}, seed {seed}")


# ==========================================================================
# Squeeze-and-excitation (MobileNetV3, EfficientNet)
# ==========================================================================


def _squeeze_excite(g: Builder, x: str, c: int, squeeze: int, name: str, act, gate) -> str:
    """torchvision SqueezeExcitation: GlobalAveragePool, 1x1 conv `fc1` (with
    bias) to `squeeze` channels, `act`, 1x1 conv `fc2` back to `c`, `gate`
    (HardSigmoid or Sigmoid), Mul(scale, x) broadcast over H x W."""
    s = g.node("GlobalAveragePool", [x], name + ".avgpool")
    s = act(g.conv(s, c, squeeze, 1, name + ".fc1", pad=0, bias=True), name + ".activation")
    s = gate(g.conv(s, squeeze, c, 1, name + ".fc2", pad=0, bias=True, gain=1.0),
             name + ".scale_activation")
    return g.node("Mul", [s, x], name + ".mul")


# ==========================================================================
# MobileNetV3-Small
# ==========================================================================

# torchvision's mobilenet_v3_small bneck settings: (input channels, kernel,
# expanded channels, output channels, squeeze-excite, activation, stride)
MOBILENETV3_SMALL_SETTINGS = (
    (16, 3, 16, 16, True, "RE", 2),
    (16, 3, 72, 24, False, "RE", 2),
    (24, 3, 88, 24, False, "RE", 1),
    (24, 5, 96, 40, True, "HS", 2),
    (40, 5, 240, 40, True, "HS", 1),
    (40, 5, 240, 40, True, "HS", 1),
    (40, 5, 120, 48, True, "HS", 1),
    (48, 5, 144, 48, True, "HS", 1),
    (48, 5, 288, 96, True, "HS", 2),
    (96, 5, 576, 96, True, "HS", 1),
    (96, 5, 576, 96, True, "HS", 1),
)


def mobilenetv3_small(batch: int = 1, size: int = 224, num_classes: int = 1000,
                      seed: int = 3) -> onnx.ModelProto:
    """torchvision MobileNetV3-Small (2,542,856 parameters): 3x3/2 stem conv
    to 16 channels + BN + HardSwish; 11 inverted residual blocks (1x1 expand
    conv + BN + act when the expansion changes the width, depthwise kxk conv
    (k 3 or 5) + BN + act, optional squeeze-excitation (GlobalAveragePool,
    1x1 conv + ReLU, 1x1 conv + HardSigmoid(alpha 1/6, beta 0.5), Mul), 1x1
    projection conv + BN, residual Add when stride 1 and widths match; act is
    Relu or HardSwish); 1x1 conv to 576 + BN + HardSwish; global average
    pool, flatten, FC 576 -> 1024, HardSwish, FC 1024 -> num_classes
    (dropout omitted: identity at inference). Input `input` [batch, 3, size,
    size], output `logits` [batch, num_classes]."""
    g = Builder(seed)

    def hswish(x: str, name: str) -> str:
        return g.node("HardSwish", [x], name)

    def hsigmoid(x: str, name: str) -> str:
        return g.node("HardSigmoid", [x], name, alpha=1.0 / 6.0, beta=0.5)

    def cba(x, cin, cout, k, name, act, stride=1, group=1):
        y = g.bn(g.conv(x, cin, cout, k, name + ".0", stride=stride, group=group), cout,
                 name + ".1")
        return act(y, name + ".2")

    x = cba("input", 3, 16, 3, "features.0", hswish, stride=2)
    for idx, (cin, k, exp, cout, se, act_name, stride) in enumerate(
            MOBILENETV3_SMALL_SETTINGS, start=1):
        act = hswish if act_name == "HS" else g.relu
        name = f"features.{idx}.block"
        y, j = x, 0
        if exp != cin:
            y = cba(y, cin, exp, 1, f"{name}.{j}", act)
            j += 1
        y = cba(y, exp, exp, k, f"{name}.{j}", act, stride=stride, group=exp)
        j += 1
        if se:
            y = _squeeze_excite(g, y, exp, _make_divisible(exp // 4), f"{name}.{j}", g.relu,
                                hsigmoid)
            j += 1
        use_res = stride == 1 and cin == cout
        # Linear bottleneck; the projection's larger gain makes up for the
        # SE gates (about 0.5), smaller BN gammas on residual blocks keep
        # the sum O(1).
        y = g.conv(y, exp, cout, 1, f"{name}.{j}.0", gain=4.0 if se else 1.0)
        y = g.bn(y, cout, f"{name}.{j}.1", gamma=(0.3, 0.6) if use_res else (0.8, 1.2))
        if use_res:
            y = g.node("Add", [y, x], f"features.{idx}.add")
        x = y
    last_in = MOBILENETV3_SMALL_SETTINGS[-1][3]
    x = cba(x, last_in, 6 * last_in, 1, f"features.{len(MOBILENETV3_SMALL_SETTINGS) + 1}",
            hswish)
    x = g.node("GlobalAveragePool", [x], "avgpool")
    x = g.node("Flatten", [x], "flatten", axis=1)
    x = hswish(g.gemm(x, 6 * last_in, 1024, "classifier.0"), "classifier.1")
    g.gemm(x, 1024, num_classes, "classifier.3", output="logits")
    return g.model([_info("input", (batch, 3, size, size))],
                   [_info("logits", (batch, num_classes))], "mobilenetv3_small",
                   f"MobileNetV3-Small, batch {batch}, {size}x{size}, seed {seed}")


# ==========================================================================
# EfficientNet-B0
# ==========================================================================

# torchvision's efficientnet_b0 stages: (expand ratio, kernel, stride,
# input channels, output channels, layers)
EFFICIENTNET_B0_STAGES = (
    (1, 3, 1, 32, 16, 1),
    (6, 3, 2, 16, 24, 2),
    (6, 5, 2, 24, 40, 2),
    (6, 3, 2, 40, 80, 3),
    (6, 5, 1, 80, 112, 3),
    (6, 5, 2, 112, 192, 4),
    (6, 3, 1, 192, 320, 1),
)


def efficientnet_b0(batch: int = 1, size: int = 224, num_classes: int = 1000,
                    seed: int = 0) -> onnx.ModelProto:
    """torchvision EfficientNet-B0 (5,288,548 parameters): 3x3/2 stem conv to
    32 channels + BN + SiLU; 16 MBConv blocks in 7 stages (1x1 expand conv +
    BN + SiLU when the expand ratio is not 1, depthwise 3x3 or 5x5 conv + BN
    + SiLU, squeeze-excitation with input_channels / 4 squeeze channels
    (GlobalAveragePool, 1x1 conv + SiLU, 1x1 conv + Sigmoid, Mul), 1x1
    projection conv + BN, residual Add when stride 1 and widths match;
    stochastic depth is the identity at inference); 1x1 conv to 1280 + BN +
    SiLU; global average pool, flatten, FC (dropout omitted). SiLU is written
    as exporters emit it: Mul(x, Sigmoid(x)). Input `input` [batch, 3, size,
    size], output `logits` [batch, num_classes]."""
    g = Builder(seed)

    def silu(x: str, name: str) -> str:
        return g.node("Mul", [x, g.node("Sigmoid", [x], name + ".sigmoid")], name + ".mul")

    def sigmoid(x: str, name: str) -> str:
        return g.node("Sigmoid", [x], name)

    def cba(x, cin, cout, k, name, stride=1, group=1, act=True, gamma=(0.8, 1.2), gain=2.0):
        y = g.bn(g.conv(x, cin, cout, k, name + ".0", stride=stride, group=group, gain=gain),
                 cout, name + ".1", gamma=gamma)
        return silu(y, name + ".2") if act else y

    x = cba("input", 3, 32, 3, "features.0", stride=2)
    cin = 32
    for stage, (t, k, s, _, cout, n) in enumerate(EFFICIENTNET_B0_STAGES, start=1):
        for i in range(n):
            stride = s if i == 0 else 1
            name = f"features.{stage}.{i}.block"
            exp = _make_divisible(cin * t)
            y, j = x, 0
            if exp != cin:
                y = cba(y, cin, exp, 1, f"{name}.{j}")
                j += 1
            y = cba(y, exp, exp, k, f"{name}.{j}", stride=stride, group=exp)
            j += 1
            y = _squeeze_excite(g, y, exp, max(1, cin // 4), f"{name}.{j}", silu, sigmoid)
            j += 1
            use_res = stride == 1 and cin == cout
            # Projection gain 4 makes up for the SE gates (about 0.5).
            y = cba(y, exp, cout, 1, f"{name}.{j}", act=False, gain=4.0,
                    gamma=(0.3, 0.6) if use_res else (0.8, 1.2))
            if use_res:
                y = g.node("Add", [y, x], f"features.{stage}.{i}.add")
            x = y
            cin = cout
    x = cba(x, cin, 1280, 1, f"features.{len(EFFICIENTNET_B0_STAGES) + 1}")
    x = g.node("GlobalAveragePool", [x], "avgpool")
    x = g.node("Flatten", [x], "flatten", axis=1)
    g.gemm(x, 1280, num_classes, "classifier.1", output="logits")
    return g.model([_info("input", (batch, 3, size, size))],
                   [_info("logits", (batch, num_classes))], "efficientnet_b0",
                   f"EfficientNet-B0, batch {batch}, {size}x{size}, seed {seed}")


# ==========================================================================
# SqueezeNet 1.1
# ==========================================================================

# torchvision squeezenet1_1 Fire modules: (input, squeeze, expand1x1,
# expand3x3 channels); None is a 3x3/2 MaxPool with ceil_mode.
SQUEEZENET1_1_FEATURES = (
    None,
    (64, 16, 64, 64), (128, 16, 64, 64),
    None,
    (128, 32, 128, 128), (256, 32, 128, 128),
    None,
    (256, 48, 192, 192), (384, 48, 192, 192), (384, 64, 256, 256), (512, 64, 256, 256),
)


def squeezenet1_1(batch: int = 1, size: int = 224, num_classes: int = 1000,
                  seed: int = 11) -> onnx.ModelProto:
    """torchvision SqueezeNet 1.1 (1,235,496 parameters; no BatchNorm): 3x3/2
    conv (no padding, with bias) to 64 + ReLU; 3x3/2 MaxPool with
    ceil_mode=1 before Fire modules 1, 3 and 5; 8 Fire modules (1x1 squeeze
    conv + ReLU, then 1x1 and 3x3 expand convs + ReLU each, Concat on the
    channel axis); classifier 1x1 conv to num_classes + ReLU (dropout
    omitted), GlobalAveragePool, Flatten. Input `input` [batch, 3, size,
    size], output `logits` [batch, num_classes]."""
    g = Builder(seed)

    def conv_relu(x, cin, cout, k, name, pad=None, stride=1):
        return g.relu(g.conv(x, cin, cout, k, name, stride=stride, pad=pad, bias=True),
                      name + ".relu")

    x = conv_relu("input", 3, 64, 3, "features.0", pad=0, stride=2)
    for idx, fire in enumerate(SQUEEZENET1_1_FEATURES, start=2):
        if fire is None:
            x = g.node("MaxPool", [x], f"features.{idx}", kernel_shape=[3, 3],
                       strides=[2, 2], pads=[0, 0, 0, 0], ceil_mode=1)
            continue
        cin, sq, e1, e3 = fire
        name = f"features.{idx}"
        s = conv_relu(x, cin, sq, 1, name + ".squeeze", pad=0)
        a = conv_relu(s, sq, e1, 1, name + ".expand1x1", pad=0)
        b = conv_relu(s, sq, e3, 3, name + ".expand3x3", pad=1)
        x = g.node("Concat", [a, b], name + ".cat", axis=1)
    x = conv_relu(x, 512, num_classes, 1, "classifier.1", pad=0)
    x = g.node("GlobalAveragePool", [x], "classifier.3")
    g.node("Flatten", [x], "flatten", output="logits", axis=1)
    return g.model([_info("input", (batch, 3, size, size))],
                   [_info("logits", (batch, num_classes))], "squeezenet1_1",
                   f"SqueezeNet 1.1, batch {batch}, {size}x{size}, seed {seed}")


# ==========================================================================
# DenseNet-121
# ==========================================================================

DENSENET121_BLOCKS = (6, 12, 24, 16)  # dense layers per block


def densenet121(batch: int = 1, size: int = 224, num_classes: int = 1000,
                blocks: tuple[int, ...] = DENSENET121_BLOCKS, growth: int = 32,
                init_features: int = 64, bn_size: int = 4,
                seed: int = 121) -> onnx.ModelProto:
    """torchvision DenseNet-121 (7,978,856 parameters with the default
    `blocks` (6, 12, 24, 16); pass fewer layers per block for a reduced-depth
    DenseNet with the same structure): 7x7/2 conv (no bias) + BN + ReLU, 3x3/2
    MaxPool; dense blocks whose layer i takes the Concat of the block input
    and the i earlier layers' outputs (one Concat per layer, as the export of
    torch.cat(prev_features) looks) and computes BN + ReLU + 1x1 conv to
    bn_size * growth + BN + ReLU + 3x3 conv to `growth`; between blocks a
    transition (Concat, BN + ReLU + 1x1 conv halving the channels, 2x2/2
    AveragePool); after the last block Concat, BN, ReLU, global average pool,
    flatten, FC. Input `input` [batch, 3, size, size], output `logits`
    [batch, num_classes]."""
    g = Builder(seed)
    x = g.relu(g.bn(g.conv("input", 3, init_features, 7, "features.conv0", stride=2, pad=3),
                    init_features, "features.norm0"), "features.relu0")
    x = g.node("MaxPool", [x], "features.pool0", kernel_shape=[3, 3], strides=[2, 2],
               pads=[1, 1, 1, 1])
    c = init_features
    for b, layers in enumerate(blocks, start=1):
        feats = [x]
        for i in range(1, layers + 1):
            name = f"features.denseblock{b}.denselayer{i}"
            cin = c + (i - 1) * growth
            y = feats[0] if len(feats) == 1 else g.node("Concat", feats, name + ".cat", axis=1)
            y = g.relu(g.bn(y, cin, name + ".norm1"), name + ".relu1")
            y = g.conv(y, cin, bn_size * growth, 1, name + ".conv1", pad=0)
            y = g.relu(g.bn(y, bn_size * growth, name + ".norm2"), name + ".relu2")
            feats.append(g.conv(y, bn_size * growth, growth, 3, name + ".conv2"))
        c += layers * growth
        x = g.node("Concat", feats, f"features.denseblock{b}.cat", axis=1)
        if b != len(blocks):
            name = f"features.transition{b}"
            y = g.relu(g.bn(x, c, name + ".norm"), name + ".relu")
            y = g.conv(y, c, c // 2, 1, name + ".conv", pad=0)
            x = g.node("AveragePool", [y], name + ".pool", kernel_shape=[2, 2], strides=[2, 2])
            c //= 2
    x = g.relu(g.bn(x, c, "features.norm5"), "relu")
    x = g.node("GlobalAveragePool", [x], "avgpool")
    x = g.node("Flatten", [x], "flatten", axis=1)
    g.gemm(x, c, num_classes, "classifier", output="logits")
    depth = "121" if tuple(blocks) == DENSENET121_BLOCKS else "-" + "-".join(map(str, blocks))
    return g.model([_info("input", (batch, 3, size, size))],
                   [_info("logits", (batch, num_classes))], "densenet121",
                   f"DenseNet{depth}, growth {growth}, batch {batch}, {size}x{size}, "
                   f"seed {seed}")


# ==========================================================================
# ShuffleNetV2 x1.0
# ==========================================================================

SHUFFLENETV2_REPEATS = (4, 8, 4)
SHUFFLENETV2_X1_0_CHANNELS = (24, 116, 232, 464, 1024)


def shufflenet_v2_x1_0(batch: int = 1, size: int = 224, num_classes: int = 1000,
                       seed: int = 10) -> onnx.ModelProto:
    """torchvision ShuffleNetV2 x1.0 (2,278,604 parameters): 3x3/2 conv to
    24 + BN + ReLU, 3x3/2 MaxPool; stages of 4, 8, 4 units (116, 232, 464
    channels). A stride-2 unit concatenates two branches of the whole input
    (depthwise 3x3/2 + BN, 1x1 + BN + ReLU; and 1x1 + BN + ReLU, depthwise
    3x3/2 + BN, 1x1 + BN + ReLU); a stride-1 unit Splits the input into two
    halves (chunk -> Split), passes the first through and runs the second
    branch on the other, Concat. Every unit ends with the channel shuffle
    (groups 2) as exported: Reshape [b, 2, c/2, h, w], Transpose (0, 2, 1, 3,
    4), Reshape [b, -1, h, w]. Then 1x1 conv to 1024 + BN + ReLU,
    ReduceMean over H and W (keepdims 0, the export of x.mean([2, 3])), FC.
    Input `input` [batch, 3, size, size], output `logits` [batch,
    num_classes]."""
    g = Builder(seed)

    def cb(x, cin, cout, k, name, stride=1, group=1, relu=True, gamma=(0.8, 1.2)):
        y = g.bn(g.conv(x, cin, cout, k, name + ".conv", stride=stride, group=group,
                        gain=2.0 if relu else 1.0), cout, name + ".bn", gamma=gamma)
        return g.relu(y, name + ".relu") if relu else y

    def out_side(s: int, k: int = 3, stride: int = 2, pad: int = 1) -> int:
        return (s + 2 * pad - k) // stride + 1

    chans = SHUFFLENETV2_X1_0_CHANNELS
    x = cb("input", 3, chans[0], 3, "conv1", stride=2)
    side = out_side(size)
    x = g.node("MaxPool", [x], "maxpool", kernel_shape=[3, 3], strides=[2, 2],
               pads=[1, 1, 1, 1])
    side = out_side(side)
    cin = chans[0]
    for stage, (reps, cout) in enumerate(zip(SHUFFLENETV2_REPEATS, chans[1:4]), start=2):
        bf = cout // 2
        for i in range(reps):
            name = f"stage{stage}.{i}"
            if i == 0:
                side = out_side(side)
                b1 = cb(x, cin, cin, 3, name + ".branch1.0", stride=2, group=cin, relu=False)
                b1 = cb(b1, cin, bf, 1, name + ".branch1.2")
                b2_in, b2_cin, stride = x, cin, 2
                first = b1
            else:
                split = g.param(f"shape.{name}.split", [bf, bf], np.int64)
                halves = [g.unique(f"{name}.chunk_out{j}") for j in range(2)]
                g.nodes.append(helper.make_node("Split", [x, split], halves,
                                                name=g.unique(name + ".chunk"), axis=1))
                first, b2_in, b2_cin, stride = halves[0], halves[1], bf, 1
            y = cb(b2_in, b2_cin, bf, 1, name + ".branch2.0")
            y = cb(y, bf, bf, 3, name + ".branch2.3", stride=stride, group=bf, relu=False)
            y = cb(y, bf, bf, 1, name + ".branch2.5")
            y = g.node("Concat", [first, y], name + ".cat", axis=1)
            s1 = g.param(f"shape.{name}.shuffle1", [batch, 2, bf, side, side], np.int64)
            s2 = g.param(f"shape.{name}.shuffle2", [batch, -1, side, side], np.int64)
            y = g.node("Reshape", [y, s1], name + ".shuffle.reshape1")
            y = g.node("Transpose", [y], name + ".shuffle.transpose", perm=[0, 2, 1, 3, 4])
            x = g.node("Reshape", [y, s2], name + ".shuffle.reshape2")
            cin = cout
    x = cb(x, cin, chans[4], 1, "conv5")
    x = g.node("ReduceMean", [x], "mean", axes=[2, 3], keepdims=0)
    g.gemm(x, chans[4], num_classes, "fc", output="logits")
    return g.model([_info("input", (batch, 3, size, size))],
                   [_info("logits", (batch, num_classes))], "shufflenet_v2_x1_0",
                   f"ShuffleNetV2 x1.0, batch {batch}, {size}x{size}, seed {seed}")


# ==========================================================================
# BERT-style encoder
# ==========================================================================


def bert_encoder(layers: int = 4, d_model: int = 256, heads: int = 4, ffn: int = 1024,
                 seq: int = 128, batch: int = 1, ln_epsilon: float = 1e-12,
                 seed: int = 7, decomposed: bool = False) -> onnx.ModelProto:
    """A post-LN BERT encoder stack as PyTorch exports it (without the
    embedding lookup). Inputs: `embeddings` [batch, seq, d_model] and
    `attention_mask` [batch, 1, 1, seq] (0 to attend, -10000 to mask);
    output `last_hidden_state` [batch, seq, d_model]. Per layer: Q/K/V
    MatMul + Add, Reshape [b, s, h, d/h], Transpose to [b, h, s, d/h] (K to
    [b, h, d/h, s]), MatMul, Mul by 1/sqrt(d/h), Add mask, Softmax(-1),
    MatMul V, Transpose back, Reshape [b, s, d], output MatMul + Add, residual
    Add, LayerNormalization; FFN MatMul + Add, GELU as x * 0.5 * (1 + Erf(x /
    sqrt(2))) (Div, Erf, Add, Mul, Mul), MatMul + Add, residual Add,
    LayerNormalization.

    With `decomposed=True` (see bert_encoder_decomposed) LayerNormalization
    is written as ReduceMean, Sub, Pow, ReduceMean, Add, Sqrt, Div, Mul, Add
    and Softmax as ReduceMax, Sub, Exp, ReduceSum, Div, as older exporters
    emit them; the weights are the same as without it (same seed, same
    draws), so both forms compute the same function."""
    if d_model % heads:
        raise ValueError(f"d_model {d_model} is not a multiple of heads {heads}")
    hd = d_model // heads
    g = Builder(seed)
    split = g.param("shape.split_heads", [batch, seq, heads, hd], np.int64)
    merge = g.param("shape.merge_heads", [0, 0, d_model], np.int64)
    scale = g.param("attention.scale", np.array(1.0 / np.sqrt(hd)))
    sqrt2 = g.param("gelu.sqrt2", np.array(np.sqrt(2.0)))
    one = g.param("gelu.one", np.array(1.0))
    half = g.param("gelu.half", np.array(0.5))
    ln = g.layer_norm_decomposed if decomposed else g.layer_norm

    x = "embeddings"
    for i in range(layers):
        p = f"encoder.layer.{i}"

        def heads_of(name: str, perm: list[int]) -> str:
            y = g.linear(x, d_model, d_model, f"{p}.attention.self.{name}")
            y = g.node("Reshape", [y, split], f"{p}.attention.self.{name}.reshape")
            return g.node("Transpose", [y], f"{p}.attention.self.{name}.transpose", perm=perm)

        q = heads_of("query", [0, 2, 1, 3])
        k = heads_of("key", [0, 2, 3, 1])
        v = heads_of("value", [0, 2, 1, 3])
        s = g.node("MatMul", [q, k], f"{p}.attention.self.scores")
        s = g.node("Mul", [s, scale], f"{p}.attention.self.scale")
        s = g.node("Add", [s, "attention_mask"], f"{p}.attention.self.mask")
        if decomposed:
            a = g.softmax_decomposed(s, f"{p}.attention.self.softmax")
        else:
            a = g.node("Softmax", [s], f"{p}.attention.self.softmax", axis=-1)
        c = g.node("MatMul", [a, v], f"{p}.attention.self.context")
        c = g.node("Transpose", [c], f"{p}.attention.self.context.transpose", perm=[0, 2, 1, 3])
        c = g.node("Reshape", [c, merge], f"{p}.attention.self.context.reshape")
        o = g.linear(c, d_model, d_model, f"{p}.attention.output.dense")
        o = g.node("Add", [o, x], f"{p}.attention.output.residual")
        x = ln(o, d_model, f"{p}.attention.output.LayerNorm", ln_epsilon)

        h = g.linear(x, d_model, ffn, f"{p}.intermediate.dense", gain=2.0)
        e = g.node("Div", [h, sqrt2], f"{p}.intermediate.gelu.div")
        e = g.node("Erf", [e], f"{p}.intermediate.gelu.erf")
        e = g.node("Add", [e, one], f"{p}.intermediate.gelu.add")
        e = g.node("Mul", [h, e], f"{p}.intermediate.gelu.mul")
        h = g.node("Mul", [e, half], f"{p}.intermediate.gelu.mul_half")
        o = g.linear(h, ffn, d_model, f"{p}.output.dense")
        o = g.node("Add", [o, x], f"{p}.output.residual")
        x = ln(o, d_model, f"{p}.output.LayerNorm", ln_epsilon,
               output="last_hidden_state" if i == layers - 1 else None)
    if layers == 0:
        x = g.node("Identity", [x], "identity", output="last_hidden_state")
    return g.model([_info("embeddings", (batch, seq, d_model)),
                    _info("attention_mask", (batch, 1, 1, seq))],
                   [_info("last_hidden_state", (batch, seq, d_model))], "bert_encoder",
                   f"BERT-style encoder: {layers} layers, d_model {d_model}, {heads} heads, "
                   f"ffn {ffn}, seq {seq}, batch {batch}, seed {seed}"
                   + (", LayerNorm and Softmax decomposed" if decomposed else ""))


def bert_encoder_decomposed(layers: int = 4, d_model: int = 256, heads: int = 4,
                            ffn: int = 1024, seq: int = 128, batch: int = 1,
                            ln_epsilon: float = 1e-12, seed: int = 7) -> onnx.ModelProto:
    """bert_encoder(..., decomposed=True): the same encoder (same weights for
    the same seed) with LayerNorm and Softmax decomposed into primitive ops
    and GELU in its Erf form: what dsc's pattern fusion must recover."""
    return bert_encoder(layers, d_model, heads, ffn, seq, batch, ln_epsilon, seed,
                        decomposed=True)


def bert_inputs(d_model: int = 256, seq: int = 128, batch: int = 1,
                seed: int = 0) -> dict[str, np.ndarray]:
    """N(0, 1) embeddings and an additive attention mask: sequence i of the
    batch has its last i * seq // (2 * batch) positions masked (-10000)."""
    r = np.random.default_rng(seed)
    emb = r.standard_normal((batch, seq, d_model)).astype(np.float32)
    mask = np.zeros((batch, 1, 1, seq), np.float32)
    for b in range(batch):
        pad = b * seq // (2 * batch)
        if pad:
            mask[b, ..., seq - pad:] = -10000.0
    return {"embeddings": emb, "attention_mask": mask}


# ==========================================================================
# GPT-style decoder
# ==========================================================================


def causal_mask(seq: int, value: float = -1e9) -> np.ndarray:
    """[seq, seq] additive mask: 0 on and below the diagonal, `value` above."""
    return np.where(np.tril(np.ones((seq, seq), bool)), 0.0, value).astype(np.float32)


def gpt_decoder(layers: int = 2, d_model: int = 256, heads: int = 4, seq: int = 64,
                batch: int = 1, ffn: int | None = None, ln_epsilon: float = 1e-5,
                mask_value: float = -1e9, seed: int = 24) -> onnx.ModelProto:
    """A GPT-2-style stack of pre-LN decoder blocks (without the embedding
    lookup and the LM head), written the way exporters emit it below opset
    17. Input `embeddings` [batch, seq, d_model], output `last_hidden_state`
    [batch, seq, d_model]. Per block: LayerNorm DECOMPOSED (ReduceMean, Sub,
    Pow 2, ReduceMean, Add eps, Sqrt, Div, Mul gamma, Add beta); Q/K/V MatMul
    + Add, Reshape [b, s, h, d/h], Transpose (K to [b, h, d/h, s]); MatMul;
    Div by sqrt(d/h); Add of a constant causal mask [1, 1, seq, seq] (0 on
    and below the diagonal, `mask_value` above); Softmax(-1); MatMul V,
    Transpose, Reshape; output MatMul + Add; residual Add; decomposed
    LayerNorm; FFN MatMul + Add (d -> ffn, default 4 d); GELU in tanh form
    0.5 * x * (1 + tanh(0.7978845608 * (x + 0.044715 * Pow(x, 3)))) (Mul
    by 0.5 first, as GPT-2's NewGELU exports); MatMul + Add (ffn -> d);
    residual Add. A final decomposed LayerNorm (ln_f) gives the output."""
    if d_model % heads:
        raise ValueError(f"d_model {d_model} is not a multiple of heads {heads}")
    ffn = 4 * d_model if ffn is None else ffn
    hd = d_model // heads
    g = Builder(seed)
    split = g.param("shape.split_heads", [batch, seq, heads, hd], np.int64)
    merge = g.param("shape.merge_heads", [0, 0, d_model], np.int64)
    scale = g.param("attention.scale", np.array(np.sqrt(hd)))
    mask = g.param("attention.causal_mask", causal_mask(seq, mask_value)[None, None])
    three = g.param("gelu.three", np.array(3.0))
    coef = g.param("gelu.coef", np.array(0.044715))
    sqrt_2_pi = g.param("gelu.sqrt_2_over_pi", np.array(np.sqrt(2.0 / np.pi)))
    one = g.param("gelu.one", np.array(1.0))
    half = g.param("gelu.half", np.array(0.5))
    # GPT-2 scales the residual projections by 1/sqrt(2 * layers).
    proj_gain = 1.0 / (2 * max(layers, 1))

    x = "embeddings"
    for i in range(layers):
        p = f"h.{i}"
        h = g.layer_norm_decomposed(x, d_model, f"{p}.ln_1", ln_epsilon)

        def heads_of(name: str, perm: list[int]) -> str:
            y = g.linear(h, d_model, d_model, f"{p}.attn.{name}")
            y = g.node("Reshape", [y, split], f"{p}.attn.{name}.reshape")
            return g.node("Transpose", [y], f"{p}.attn.{name}.transpose", perm=perm)

        q = heads_of("q_proj", [0, 2, 1, 3])
        k = heads_of("k_proj", [0, 2, 3, 1])
        v = heads_of("v_proj", [0, 2, 1, 3])
        s = g.node("MatMul", [q, k], f"{p}.attn.scores")
        s = g.node("Div", [s, scale], f"{p}.attn.scale")
        s = g.node("Add", [s, mask], f"{p}.attn.causal_mask")
        a = g.node("Softmax", [s], f"{p}.attn.softmax", axis=-1)
        c = g.node("MatMul", [a, v], f"{p}.attn.context")
        c = g.node("Transpose", [c], f"{p}.attn.context.transpose", perm=[0, 2, 1, 3])
        c = g.node("Reshape", [c, merge], f"{p}.attn.context.reshape")
        o = g.linear(c, d_model, d_model, f"{p}.attn.c_proj", gain=proj_gain)
        x = g.node("Add", [x, o], f"{p}.attn.residual")

        h = g.layer_norm_decomposed(x, d_model, f"{p}.ln_2", ln_epsilon)
        m = g.linear(h, d_model, ffn, f"{p}.mlp.c_fc", gain=2.0)
        hx = g.node("Mul", [m, half], f"{p}.mlp.gelu.mul_half")
        t = g.node("Pow", [m, three], f"{p}.mlp.gelu.pow")
        t = g.node("Mul", [t, coef], f"{p}.mlp.gelu.mul_coef")
        t = g.node("Add", [m, t], f"{p}.mlp.gelu.add")
        t = g.node("Mul", [t, sqrt_2_pi], f"{p}.mlp.gelu.mul_sqrt")
        t = g.node("Tanh", [t], f"{p}.mlp.gelu.tanh")
        t = g.node("Add", [t, one], f"{p}.mlp.gelu.add_one")
        m = g.node("Mul", [hx, t], f"{p}.mlp.gelu.mul")
        m = g.linear(m, ffn, d_model, f"{p}.mlp.c_proj", gain=proj_gain)
        x = g.node("Add", [x, m], f"{p}.mlp.residual")
    g.layer_norm_decomposed(x, d_model, "ln_f", ln_epsilon, output="last_hidden_state")
    return g.model([_info("embeddings", (batch, seq, d_model))],
                   [_info("last_hidden_state", (batch, seq, d_model))], "gpt_decoder",
                   f"GPT-style pre-LN decoder: {layers} layers, d_model {d_model}, {heads} "
                   f"heads, ffn {ffn}, seq {seq}, batch {batch}, mask {mask_value}, seed {seed}")


def gpt_inputs(d_model: int = 256, seq: int = 64, batch: int = 1,
               seed: int = 0) -> dict[str, np.ndarray]:
    """N(0, 1) embeddings [batch, seq, d_model]."""
    emb = np.random.default_rng(seed).standard_normal((batch, seq, d_model))
    return {"embeddings": emb.astype(np.float32)}


# ==========================================================================
# command line: write a model, optionally print output statistics
# ==========================================================================


def _stats(model: onnx.ModelProto, inputs: dict[str, np.ndarray]) -> None:
    import onnxruntime as ort

    sess = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    for name, out in zip([o.name for o in sess.get_outputs()], sess.run(None, inputs)):
        print(f"{name}: shape {out.shape}, finite {bool(np.isfinite(out).all())}, "
              f"mean {out.mean():.4g}, std {out.std():.4g}, max |x| {np.abs(out).max():.4g}")


# The image classifiers: input `input` [batch, 3, size, size], output `logits`.
CNN_BUILDERS = {
    "resnet18": resnet18,
    "resnet50": resnet50,
    "mobilenetv2": mobilenetv2,
    "mobilenetv3_small": mobilenetv3_small,
    "efficientnet_b0": efficientnet_b0,
    "squeezenet1_1": squeezenet1_1,
    "densenet121": densenet121,
    "shufflenet_v2_x1_0": shufflenet_v2_x1_0,
}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("arch", choices=[*CNN_BUILDERS, "bert", "bert-decomposed", "gpt"])
    ap.add_argument("-o", "--output", help="write the model here (.onnx)")
    ap.add_argument("--batch", type=int, default=1)
    ap.add_argument("--size", type=int, default=224, help="image side (CNNs)")
    ap.add_argument("--layers", type=int, default=None,
                    help="transformer layers (default: 4 for bert, 2 for gpt)")
    ap.add_argument("--d-model", type=int, default=256)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--ffn", type=int, default=None,
                    help="FFN width (default: 1024 for bert, 4 x d_model for gpt)")
    ap.add_argument("--seq", type=int, default=None,
                    help="sequence length (default: 128 for bert, 64 for gpt)")
    ap.add_argument("--dense-blocks", default=None,
                    help="densenet121: layers per dense block (default 6,12,24,16)")
    ap.add_argument("--seed", type=int, default=None, help="weight seed (default: the builder's)")
    ap.add_argument("--inputs-dir", help="also write seeded inputs as NAME.npy here")
    ap.add_argument("--stats", action="store_true",
                    help="run onnxruntime on seeded inputs and print output statistics")
    a = ap.parse_args(argv)
    kw = {} if a.seed is None else {"seed": a.seed}
    if a.arch in ("bert", "bert-decomposed"):
        layers = 4 if a.layers is None else a.layers
        ffn = 1024 if a.ffn is None else a.ffn
        seq = 128 if a.seq is None else a.seq
        model = bert_encoder(layers, a.d_model, a.heads, ffn, seq, a.batch,
                             decomposed=a.arch == "bert-decomposed", **kw)
        inputs = bert_inputs(a.d_model, seq, a.batch)
    elif a.arch == "gpt":
        seq = 64 if a.seq is None else a.seq
        model = gpt_decoder(2 if a.layers is None else a.layers, a.d_model, a.heads, seq,
                            a.batch, ffn=a.ffn, **kw)
        inputs = gpt_inputs(a.d_model, seq, a.batch)
    else:
        if a.dense_blocks:
            if a.arch != "densenet121":
                ap.error("--dense-blocks is for densenet121")
            kw["blocks"] = tuple(int(v) for v in a.dense_blocks.split(","))
        model = CNN_BUILDERS[a.arch](batch=a.batch, size=a.size, **kw)
        inputs = image_inputs(a.batch, a.size)
    if a.output:
        onnx.save(model, a.output)
        print(f"wrote {a.output}")
    if a.inputs_dir:
        from pathlib import Path

        d = Path(a.inputs_dir)
        d.mkdir(parents=True, exist_ok=True)
        for name, arr in inputs.items():
            np.save(d / f"{name}.npy", arr)
            print(f"wrote {d / (name + '.npy')}")
    if a.stats:
        _stats(model, inputs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
