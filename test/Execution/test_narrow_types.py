#!/usr/bin/env python3
"""Narrow element types: float8 (e4m3fn, e4m3fnuz, e5m2, e5m2fnuz, e8m0),
float4e2m1, int4/uint4, int2/uint2. dsc holds them one element per byte (as
ml_dtypes and the runner's .npy files do) and converts with
dsc.decode_narrow / dsc.encode_narrow.

Casts are checked bit for bit against ONNX's reference (onnx.reference, which
casts with ml_dtypes): every one of the 256 (16, 4) codes decoded, and
encodings of values chosen to hit every rounding and overflow case (ties to
even, subnormals, the largest finite value and just past it, infinities, NaN,
signed zeros) plus random ones. Quantization to and from the narrow types is
checked against the reference too, an int4 weight-only MatMul (packed int4
initializer) against ONNX Runtime.

    python test/Execution/test_narrow_types.py [--dsc PATH] [-k SUBSTR]
"""

from __future__ import annotations

import sys
from pathlib import Path

import ml_dtypes
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, str(Path(__file__).resolve().parent))
import dsc_testing as T  # noqa: E402

# ONNX type -> ml_dtypes type, code count
NARROW = {
    TensorProto.FLOAT8E4M3FN: (ml_dtypes.float8_e4m3fn, 256),
    TensorProto.FLOAT8E4M3FNUZ: (ml_dtypes.float8_e4m3fnuz, 256),
    TensorProto.FLOAT8E5M2: (ml_dtypes.float8_e5m2, 256),
    TensorProto.FLOAT8E5M2FNUZ: (ml_dtypes.float8_e5m2fnuz, 256),
    TensorProto.FLOAT8E8M0: (ml_dtypes.float8_e8m0fnu, 256),
    TensorProto.FLOAT4E2M1: (ml_dtypes.float4_e2m1fn, 16),
    TensorProto.INT4: (ml_dtypes.int4, 16),
    TensorProto.UINT4: (ml_dtypes.uint4, 16),
    TensorProto.INT2: (ml_dtypes.int2, 4),
    TensorProto.UINT2: (ml_dtypes.uint2, 4),
}
NAMES = {t: TensorProto.DataType.Name(t).lower() for t in NARROW}
FLOAT8 = [TensorProto.FLOAT8E4M3FN, TensorProto.FLOAT8E4M3FNUZ, TensorProto.FLOAT8E5M2,
          TensorProto.FLOAT8E5M2FNUZ]


def onnx_reference(model: onnx.ModelProto, feeds: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    from onnx.reference import ReferenceEvaluator
    names = [o.name for o in model.graph.output]
    return dict(zip(names, ReferenceEvaluator(model).run(None, feeds)))


def same_bits(name: str, actual: np.ndarray, expected: np.ndarray) -> None:
    """Exact equality of the stored bytes (NaN payloads included, except that
    any NaN matches any NaN of a float type)."""
    if actual.shape != expected.shape:
        raise T.CaseFailure(f"{name}: shape {actual.shape}, expected {expected.shape}")
    if actual.dtype.itemsize != expected.dtype.itemsize:
        raise T.CaseFailure(f"{name}: dtype {actual.dtype}, expected {expected.dtype}")
    a = actual.view(expected.dtype) if actual.dtype != expected.dtype else actual
    bad = a.view(np.uint8 if a.dtype.itemsize == 1 else f"u{a.dtype.itemsize}") != \
        expected.view(np.uint8 if a.dtype.itemsize == 1 else f"u{a.dtype.itemsize}")
    if expected.dtype.kind == "V" or "float" in expected.dtype.name:
        with np.errstate(invalid="ignore"):
            both_nan = np.isnan(a.astype(np.float32)) & np.isnan(expected.astype(np.float32))
        bad &= ~both_nan
    if bad.any():
        i = int(np.argwhere(bad.ravel())[0][0])
        raise T.CaseFailure(
            f"{name}: {int(bad.sum())}/{bad.size} elements differ; first at {i}: got "
            f"{a.ravel()[i]!r} (byte {a.ravel()[i:i + 1].view(np.uint8)}), expected "
            f"{expected.ravel()[i]!r} (byte {expected.ravel()[i:i + 1].view(np.uint8)})")


def cast_case(name: str, x: np.ndarray, x_type: int, to: int, opset: int = 25, **attrs):
    def fn():
        node = helper.make_node("Cast", ["x"], ["y"], name="cast_0", to=to, **attrs)
        model = T.make_model([node], [T.tensor_info("x", x.shape, x_type)],
                             [T.tensor_info("y", x.shape, to)], opset=opset, check=False)
        expected = onnx_reference(model, {"x": x})
        compiled = T.compile_model(name, model)
        actual, _ = T.run_runner(compiled, {"x": x}, ["y"])
        same_bits("y", actual["y"], expected["y"])

    T.add_case(name, fn)


# Every code of every narrow type decoded to float32 (and the integer ones to
# int8 too).
for _t, (_dt, _n) in NARROW.items():
    _codes = np.arange(_n, dtype=np.uint8).view(_dt).reshape(-1, 4 if _n >= 4 else _n)
    cast_case(f"decode_{NAMES[_t]}_all_codes_to_float", _codes, _t, TensorProto.FLOAT)
    if _t in (TensorProto.INT4, TensorProto.UINT4, TensorProto.INT2, TensorProto.UINT2):
        cast_case(f"decode_{NAMES[_t]}_all_codes_to_int8", _codes, _t, TensorProto.INT8)
cast_case("decode_float8e5m2_all_codes_to_float16",
          np.arange(256, dtype=np.uint8).view(ml_dtypes.float8_e5m2).reshape(16, 16),
          TensorProto.FLOAT8E5M2, TensorProto.FLOAT16)


def _float_probes(dt) -> np.ndarray:
    """Values around every code of float type `dt`: each code, the midpoints
    between neighbours (ties), a little either side of them, beyond the
    largest finite value, tiny values, specials; both signs."""
    fin = ml_dtypes.finfo(dt)
    codes = np.arange(256 if np.dtype(dt).itemsize == 1 and dt != ml_dtypes.float4_e2m1fn
                      else 16, dtype=np.uint8).view(dt).astype(np.float32)
    v = np.unique(codes[np.isfinite(codes) & (codes >= 0)])
    mid = (v[:-1] + v[1:]) / 2
    eps = np.float32(1 + 2 ** -12)
    extra = np.array([float(fin.max) * 1.03, float(fin.max) * 1.07, float(fin.max) * 4, 1e30,
                      float(fin.smallest_subnormal) / 2, float(fin.smallest_subnormal) / 3,
                      1e-30, 1e-40, np.inf, np.nan], np.float32)
    pos = np.concatenate([v, mid, mid * eps, mid / eps, extra]).astype(np.float32)
    allv = np.concatenate([pos, -pos, [np.float32(-0.0)]]).astype(np.float32)
    n = (len(allv) + 7) // 8 * 8
    allv = np.concatenate([allv, np.zeros(n - len(allv), np.float32)])
    return allv.reshape(-1, 8)


for _t in FLOAT8 + [TensorProto.FLOAT4E2M1]:
    _x = _float_probes(NARROW[_t][0])
    cast_case(f"encode_float_to_{NAMES[_t]}_saturate", _x, TensorProto.FLOAT, _t)
    if _t in FLOAT8:
        cast_case(f"encode_float_to_{NAMES[_t]}_no_saturate", _x, TensorProto.FLOAT, _t,
                  saturate=0)
    cast_case(f"encode_float16_to_{NAMES[_t]}", _x.astype(np.float16), TensorProto.FLOAT16, _t)

_e8 = np.concatenate([2.0 ** np.arange(-127, 128, dtype=np.float64),
                      1.5 * 2.0 ** np.arange(-120, 120, 7), 1.25 * 2.0 ** np.arange(-120, 120, 9),
                      1.75 * 2.0 ** np.arange(-100, 100, 11), [3e38, np.inf, np.nan, 0.0, 1e-39]])
_e8 = np.concatenate([_e8, np.zeros((-len(_e8)) % 8)]).astype(np.float32).reshape(-1, 8)
for _mode in ("up", "down", "nearest"):
    cast_case(f"encode_float_to_float8e8m0_{_mode}", _e8, TensorProto.FLOAT,
              TensorProto.FLOAT8E8M0, round_mode=_mode)
    cast_case(f"encode_float_to_float8e8m0_{_mode}_no_saturate", _e8, TensorProto.FLOAT,
              TensorProto.FLOAT8E8M0, round_mode=_mode, saturate=0)

_ints = np.array([-9, -8.5, -8, -7.9, -3.5, -2.5, -2, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2, 3,
                  3.99, 4, 7, 7.5, 8, 15, 15.9, 16, 100, np.nan, np.inf, -np.inf], np.float32)
for _t in (TensorProto.INT4, TensorProto.UINT4, TensorProto.INT2, TensorProto.UINT2):
    cast_case(f"encode_float_to_{NAMES[_t]}", _ints.reshape(4, 7), TensorProto.FLOAT, _t)
cast_case("float8e4m3fn_to_float8e5m2",
          np.arange(256, dtype=np.uint8).view(ml_dtypes.float8_e4m3fn).reshape(16, 16),
          TensorProto.FLOAT8E4M3FN, TensorProto.FLOAT8E5M2)


@T.case("narrow_bytes_moved_by_data_movement")
def _data_movement():
    """Transpose, Reshape, Concat and Gather move float8/int4 bytes as they
    are (the result is the reference's, bit for bit)."""
    x = np.arange(24, dtype=np.uint8).view(ml_dtypes.float8_e4m3fn).reshape(2, 3, 4)
    q = (np.arange(24, dtype=np.uint8) % 16).view(ml_dtypes.int4).reshape(2, 3, 4)
    nodes = [
        helper.make_node("Transpose", ["x"], ["t"], perm=[2, 0, 1]),
        helper.make_node("Reshape", ["t", "shape"], ["r"]),
        helper.make_node("Concat", ["r", "r"], ["y"], axis=0),
        helper.make_node("Gather", ["q", "idx"], ["g"], axis=1),
    ]
    model = T.make_model(
        nodes,
        [T.tensor_info("x", x.shape, TensorProto.FLOAT8E4M3FN),
         T.tensor_info("q", q.shape, TensorProto.INT4)],
        [T.tensor_info("y", (16, 3), TensorProto.FLOAT8E4M3FN),
         T.tensor_info("g", (2, 2, 4), TensorProto.INT4)],
        [T.init("shape", np.array([8, 3], np.int64)), T.init("idx", np.array([2, 0], np.int64))],
        opset=21, check=False)
    feeds = {"x": x, "q": q}
    expected = onnx_reference(model, feeds)
    actual, _ = T.run_runner(T.compile_model("narrow_bytes_moved_by_data_movement", model),
                             feeds, ["y", "g"])
    for k in expected:
        same_bits(k, actual[k], expected[k])


def qdq_case(name: str, q_type: int, shape=(4, 6), axis=None, block_size=None, opset=21,
             zero_point=True, saturate=None):
    """QuantizeLinear to `q_type` then DequantizeLinear back, both outputs,
    against ONNX's reference (onnxruntime's Python API cannot return narrow
    tensors), the quantized one bit for bit."""
    def fn():
        rng = T.rng(abs(hash(name)) % 2 ** 32)
        x = (rng.standard_normal(shape) * 4).astype(np.float32)
        dt = NARROW[q_type][0]
        if block_size:
            sshape = list(shape)
            sshape[axis] = (shape[axis] + block_size - 1) // block_size
        elif axis is not None:
            sshape = [shape[axis]]
        else:
            sshape = []
        scale = rng.uniform(0.05, 0.5, sshape).astype(np.float32)
        inits = [T.init("s", scale)]
        ins = ["x", "s"]
        if zero_point:
            zp = np.zeros(sshape, np.float32) if q_type in FLOAT8 else \
                rng.integers(int(ml_dtypes.iinfo(dt).min), int(ml_dtypes.iinfo(dt).max) + 1,
                             sshape)
            inits.append(numpy_helper.from_array(np.asarray(zp).astype(dt), "zp"))
            ins.append("zp")
        attrs = {}
        if axis is not None:
            attrs["axis"] = axis
        if block_size:
            attrs["block_size"] = block_size
        qattrs = dict(attrs)
        if saturate is not None:
            qattrs["saturate"] = saturate
        if not zero_point:
            qattrs["output_dtype"] = q_type
        nodes = [helper.make_node("QuantizeLinear", ins, ["q"], **qattrs),
                 helper.make_node("DequantizeLinear", ["q", *ins[1:]], ["y"], **attrs)]
        model = T.make_model(nodes, [T.tensor_info("x", shape)],
                             [T.tensor_info("q", shape, q_type), T.tensor_info("y", shape)],
                             inits, opset=opset, check=False)
        expected = onnx_reference(model, {"x": x})
        actual, _ = T.run_runner(T.compile_model(name, model), {"x": x}, ["q", "y"])
        same_bits("q", actual["q"], expected["q"])
        T.assert_close("y", actual["y"], expected["y"], 1e-6, 0)

    T.add_case(name, fn)


qdq_case("qdq_int4_per_tensor", TensorProto.INT4)
qdq_case("qdq_uint4_per_axis", TensorProto.UINT4, axis=1)
qdq_case("qdq_int4_blocked", TensorProto.INT4, shape=(4, 8), axis=1, block_size=4)
qdq_case("qdq_int4_output_dtype", TensorProto.INT4, zero_point=False)
for _t in FLOAT8:
    qdq_case(f"qdq_{NAMES[_t]}", _t)
qdq_case("qdq_float8e4m3fn_no_saturate", TensorProto.FLOAT8E4M3FN, saturate=0)


@T.case("int4_weight_only_matmul")
def _int4_weight_only():
    """A weight-only int4 linear layer as exporters write it: a packed int4
    initializer (two values per byte), blocked DequantizeLinear with float
    scales and int4 zero points, MatMul; against ONNX Runtime."""
    rng = T.rng(404)
    k, n, block = 64, 24, 16
    w = rng.integers(-8, 8, (k, n)).astype(ml_dtypes.int4)
    scale = rng.uniform(0.01, 0.1, (k // block, n)).astype(np.float32)
    zp = rng.integers(-2, 3, (k // block, n)).astype(ml_dtypes.int4)
    nodes = [helper.make_node("DequantizeLinear", ["w", "s", "zp"], ["wf"], axis=0,
                              block_size=block),
             helper.make_node("MatMul", ["x", "wf"], ["y"])]
    model = T.make_model(nodes, [T.tensor_info("x", (3, k))], [T.tensor_info("y", (3, n))],
                         [numpy_helper.from_array(w, "w"), T.init("s", scale),
                          numpy_helper.from_array(zp, "zp")], opset=21, check=False)
    packed = [t for t in model.graph.initializer if t.name == "w"][0]
    if len(packed.raw_data) != k * n // 2:
        raise T.CaseFailure(f"the int4 initializer is not packed ({len(packed.raw_data)} bytes)")
    x = rng.standard_normal((3, k)).astype(np.float32)
    # ONNX Runtime's default graph optimizations replace DequantizeLinear +
    # MatMul by kernels that quantize x too (about 1% off the ONNX semantics
    # here); without them it computes the model as written, which dsc does.
    import onnxruntime as ort
    so = ort.SessionOptions()
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    expected = ort.InferenceSession(model.SerializeToString(), so,
                                    providers=["CPUExecutionProvider"]).run(None, {"x": x})[0]
    actual, _ = T.run_runner(T.compile_model("int4_weight_only_matmul", model), {"x": x}, ["y"])
    T.assert_close("y", actual["y"], expected, 1e-4, 1e-5)


@T.case("narrow_input_to_arithmetic_refused")
def _refused():
    """Arithmetic on float8 bytes would be wrong: refused at the node."""
    nodes = [helper.make_node("Add", ["x", "x"], ["y"], name="add_f8")]
    model = T.make_model(nodes, [T.tensor_info("x", (2,), TensorProto.FLOAT8E4M3FN)],
                         [T.tensor_info("y", (2,), TensorProto.FLOAT8E4M3FN)], opset=19,
                         check=False)
    T.expect_compile_error("narrow_input_to_arithmetic_refused", model,
                           ["add_f8", "float8e4m3fn",
                            "cast it to float first"])


if __name__ == "__main__":
    sys.exit(T.main(description=__doc__))
