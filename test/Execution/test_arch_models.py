#!/usr/bin/env python3
"""Execution tests of standard architectures built by zoo.py with seeded
random weights: ResNet-18, ResNet-50, MobileNetV2, MobileNetV3-Small (HardSwish,
HardSigmoid, squeeze-excitation), EfficientNet-B0 (SiLU as Sigmoid + Mul,
squeeze-excitation, depthwise 5x5), SqueezeNet 1.1 (Fire modules' Concat,
MaxPool ceil_mode), DenseNet-121 (Concat-heavy, BN on concatenations),
ShuffleNetV2 (Split, channel shuffle Reshape-Transpose-Reshape) and a
BERT-style encoder (LayerNorm, GELU via Erf), in small configurations
(batch 1 and batch 2), compiled with
dsc and compared with onnxruntime at the default float32 tolerance
(rtol 1e-4, atol 1e-5). With --target aarch64 the same cases run under qemu.
One case checks the full-size default builders (topology, parameter counts,
output shapes) without compiling them.

    python test/Execution/test_arch_models.py [--dsc PATH] [-k SUBSTR] [-j N]
                                              [--target host|aarch64]
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import onnx

sys.path.insert(0, str(Path(__file__).resolve().parent))
import dsc_testing as T  # noqa: E402
import zoo  # noqa: E402

RTOL, ATOL = 1e-4, 1e-5


def check_magnitude(outputs: dict[str, np.ndarray]) -> None:
    """Guards the builders' initialization: outputs finite, std in [1e-2, 1e2]."""
    for name, out in outputs.items():
        if not np.isfinite(out).all():
            raise T.CaseFailure(f"output {name!r} has non-finite values")
        std = float(np.std(out))
        if not 1e-2 <= std <= 1e2:
            raise T.CaseFailure(f"output {name!r} has std {std:.4g}, outside [1e-2, 1e2]: "
                                f"the builder's initialization does not keep activations O(1)")


def arch_case(name: str, build, inputs, rtol: float = RTOL, atol: float = ATOL):
    def fn():
        model = build()
        out = T.run_case(name, model, inputs(), rtol=rtol, atol=atol)
        check_magnitude(out)

    T.add_case(name, fn)


# ResNet-18: 64x64 keeps every stage (spatial 32 -> 16 -> 16 -> 8 -> 4 -> 2);
# batch 2 at 32x32 (stage 4 at 1x1) is the cheap second configuration.
arch_case("resnet18_1x3x64x64", lambda: zoo.resnet18(batch=1, size=64),
          lambda: zoo.image_inputs(1, 64, seed=1))
arch_case("resnet18_2x3x32x32", lambda: zoo.resnet18(batch=2, size=32, seed=19),
          lambda: zoo.image_inputs(2, 32, seed=2))

# ResNet-50 at 64x64 (stages at 16, 8, 4, 2): its 14x14-stage maps of 1024
# f32 channels and 7x7-stage maps of 2048 (4 and 8 KB per position) and the
# stride-2 3x3 over 512 channels get padded rows (dsc-pad-row-strides).
arch_case("resnet50_1x3x64x64", lambda: zoo.resnet50(batch=1, size=64, seed=21),
          lambda: zoo.image_inputs(1, 64, seed=14))

# MobileNetV2: 64x64 (spatial 32 -> 16 -> 8 -> 4 -> 2); batch 2 at 32x32.
arch_case("mobilenetv2_1x3x64x64", lambda: zoo.mobilenetv2(batch=1, size=64),
          lambda: zoo.image_inputs(1, 64, seed=3))
arch_case("mobilenetv2_2x3x32x32", lambda: zoo.mobilenetv2(batch=2, size=32, seed=3),
          lambda: zoo.image_inputs(2, 32, seed=4))

# BERT-style encoder: 2 layers, d_model 64, 4 heads, ffn 256, seq 16; batch 2
# masks the last 4 positions of the second sequence.
arch_case("bert_encoder_l2_d64_h4_f256_s16",
          lambda: zoo.bert_encoder(layers=2, d_model=64, heads=4, ffn=256, seq=16, batch=1),
          lambda: zoo.bert_inputs(d_model=64, seq=16, batch=1, seed=5))
arch_case("bert_encoder_l2_d64_h4_f256_s16_batch2_masked",
          lambda: zoo.bert_encoder(layers=2, d_model=64, heads=4, ffn=256, seq=16, batch=2,
                                   seed=8),
          lambda: zoo.bert_inputs(d_model=64, seq=16, batch=2, seed=6))

# MobileNetV3-Small: 64x64 (spatial 32 -> 16 -> 8 -> 4 -> 2; SE on 1x1 maps
# broadcast back over H x W).
arch_case("mobilenetv3_small_1x3x64x64", lambda: zoo.mobilenetv3_small(batch=1, size=64),
          lambda: zoo.image_inputs(1, 64, seed=7))

# EfficientNet-B0: 64x64 (spatial 32 -> 16 -> 8 -> 4 -> 4 -> 2 -> 2).
arch_case("efficientnet_b0_1x3x64x64", lambda: zoo.efficientnet_b0(batch=1, size=64),
          lambda: zoo.image_inputs(1, 64, seed=8))

# SqueezeNet 1.1: 66x66 makes every ceil_mode MaxPool round up (the
# unpadded 3x3/2 stem gives 32x32; pools 32 -> 16 -> 8 -> 4 where floor
# mode gives 15, 7, 3). Batch 2 at 34x34: 16 -> 8 -> 4 -> 2.
arch_case("squeezenet1_1_1x3x66x66", lambda: zoo.squeezenet1_1(batch=1, size=66),
          lambda: zoo.image_inputs(1, 66, seed=9))
arch_case("squeezenet1_1_2x3x34x34", lambda: zoo.squeezenet1_1(batch=2, size=34, seed=12),
          lambda: zoo.image_inputs(2, 34, seed=10))

# DenseNet-121 at full depth (58 Concats, up to 1024 channels), 32x32: the
# blocks run at 8, 4, 2 and 1 pixels, so the case costs compile time only.
arch_case("densenet121_1x3x32x32", lambda: zoo.densenet121(batch=1, size=32),
          lambda: zoo.image_inputs(1, 32, seed=11))

# ShuffleNetV2 x1.0: 64x64 (stages at 8, 4, 2); batch 2 at 32x32 (the
# channel-shuffle reshapes carry the batch, stage 4 at 1x1).
arch_case("shufflenet_v2_x1_0_1x3x64x64", lambda: zoo.shufflenet_v2_x1_0(batch=1, size=64),
          lambda: zoo.image_inputs(1, 64, seed=12))
arch_case("shufflenet_v2_x1_0_2x3x32x32",
          lambda: zoo.shufflenet_v2_x1_0(batch=2, size=32, seed=13),
          lambda: zoo.image_inputs(2, 32, seed=13))


def _n_params(model: onnx.ModelProto) -> int:
    """Trainable parameters as PyTorch counts them (BN running statistics and
    shape/scalar constants excluded)."""
    skip = ("running_mean", "running_var", "shape.", "relu6.", "gelu.", "attention.scale")
    return sum(int(np.prod(t.dims)) for t in model.graph.initializer
               if not any(s in t.name for s in skip))


def _full_size_builders():
    """The defaults are the full-size architectures: torchvision's parameter
    counts (ResNet-18 11,689,512; MobileNetV2 3,504,872; MobileNetV3-Small
    2,542,856; EfficientNet-B0 5,288,548; SqueezeNet 1.1 1,235,496;
    DenseNet-121 7,978,856; ShuffleNetV2 x1.0 2,278,604), the BERT-like
    4 x d256 x s128 encoder, and their output shapes from shape inference."""
    def out_shape(m):
        m = onnx.shape_inference.infer_shapes(m, strict_mode=True)
        return [[d.dim_value for d in o.type.tensor_type.shape.dim] for o in m.graph.output]

    r18 = zoo.resnet18()
    mnv2 = zoo.mobilenetv2()
    d, ffn, layers = 256, 1024, 4
    enc = zoo.bert_encoder()
    per_layer = 4 * (d * d + d) + (d * ffn + ffn) + (ffn * d + d) + 2 * 2 * d
    want = {"resnet18": (r18, 11_689_512, [[1, 1000]]),
            "mobilenetv2": (mnv2, 3_504_872, [[1, 1000]]),
            "bert_encoder": (enc, layers * per_layer, [[1, 128, d]]),
            "mobilenetv3_small": (zoo.mobilenetv3_small(), 2_542_856, [[1, 1000]]),
            "efficientnet_b0": (zoo.efficientnet_b0(), 5_288_548, [[1, 1000]]),
            "squeezenet1_1": (zoo.squeezenet1_1(), 1_235_496, [[1, 1000]]),
            "densenet121": (zoo.densenet121(), 7_978_856, [[1, 1000]]),
            "shufflenet_v2_x1_0": (zoo.shufflenet_v2_x1_0(), 2_278_604, [[1, 1000]])}
    for name, (m, n, shapes) in want.items():
        got = _n_params(m)
        if got != n:
            raise T.CaseFailure(f"{name}: {got} parameters, expected {n}")
        if out_shape(m) != shapes:
            raise T.CaseFailure(f"{name}: output shapes {out_shape(m)}, expected {shapes}")
    inputs = [[d.dim_value for d in i.type.tensor_type.shape.dim] for i in r18.graph.input]
    if inputs != [[1, 3, 224, 224]]:
        raise T.CaseFailure(f"resnet18 default input {inputs}, expected [[1, 3, 224, 224]]")


T.add_case("zoo_full_size_defaults", _full_size_builders)

if __name__ == "__main__":
    sys.exit(T.main(description=__doc__))
