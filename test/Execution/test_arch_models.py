#!/usr/bin/env python3
"""Execution tests of standard architectures built by zoo.py with seeded
random weights: ResNet-18, MobileNetV2 and a BERT-style encoder (LayerNorm,
GELU via Erf), in small configurations (batch 1 and batch 2), compiled with
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


def _n_params(model: onnx.ModelProto) -> int:
    """Trainable parameters as PyTorch counts them (BN running statistics and
    shape/scalar constants excluded)."""
    skip = ("running_mean", "running_var", "shape.", "relu6.", "gelu.", "attention.scale")
    return sum(int(np.prod(t.dims)) for t in model.graph.initializer
               if not any(s in t.name for s in skip))


def _full_size_builders():
    """The defaults are the full-size architectures: torchvision's parameter
    counts (ResNet-18 11,689,512; MobileNetV2 3,504,872), the BERT-like
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
            "bert_encoder": (enc, layers * per_layer, [[1, 128, d]])}
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
