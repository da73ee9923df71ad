#!/usr/bin/env python3
"""Per-op execution tests: every supported op, its attributes and the opset
versions whose semantics differ, compiled with dsc and compared with
onnxruntime.

    python test/Execution/test_ops.py [--dsc PATH] [--family F] [-k SUBSTR] [-j N]

Families: elementwise, activation, linear, conv, pool, norm, reduce, shape, control.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Sequence

import numpy as np
import onnx
from onnx import TensorProto, helper

sys.path.insert(0, str(Path(__file__).resolve().parent))
import dsc_testing as T  # noqa: E402

FAMILIES = ("elementwise", "activation", "linear", "conv", "pool", "norm", "reduce", "shape",
            "control")

_seed = [1000]


def next_seed() -> int:
    _seed[0] += 1
    return _seed[0]


def build_op_model(
    op: str,
    graph_inputs: dict[str, np.ndarray],
    initializers: dict[str, np.ndarray],
    node_inputs: Sequence[str],
    attrs: dict,
    opset: int,
    n_outputs: int = 1,
    pre_nodes: Sequence[onnx.NodeProto] = (),
    node_name: str | None = None,
    out_dtype: int = TensorProto.FLOAT,
) -> onnx.ModelProto:
    """A one-node model (plus optional pre_nodes, e.g. Constants) whose output
    shapes are filled in from an onnxruntime run, so every graph output has a
    static declared shape. Inputs keep their arrays' dtypes; outputs have
    `out_dtype`."""
    outs = [f"y{i}" if n_outputs > 1 else "y" for i in range(n_outputs)]
    node = helper.make_node(op, list(node_inputs), outs, name=node_name or op.lower() + "_0",
                            **attrs)
    ins = [T.tensor_info(n, a.shape, helper.np_dtype_to_tensor_dtype(a.dtype))
           for n, a in graph_inputs.items()]
    inits = [T.init(n, a) for n, a in initializers.items()]
    probe = T.make_model([*pre_nodes, node], ins,
                         [helper.make_tensor_value_info(o, out_dtype, None) for o in outs],
                         inits, opset=opset, check=False)
    ref = T.reference(probe, graph_inputs)
    out_infos = [T.tensor_info(o, ref[o].shape, out_dtype) for o in outs]
    return T.make_model([*pre_nodes, node], ins, out_infos, inits, opset=opset)


def op_case(name: str, family: str, op: str, graph_inputs: dict[str, np.ndarray],
            node_inputs: Sequence[str] | None = None,
            initializers: dict[str, np.ndarray] | None = None,
            attrs: dict | None = None, opset: int = 13, rtol: float = 1e-4,
            atol: float = 1e-5, pre_nodes: Sequence[onnx.NodeProto] = (),
            out_dtype: int = TensorProto.FLOAT) -> None:
    initializers = initializers or {}
    if node_inputs is None:
        node_inputs = [*graph_inputs, *initializers]

    def fn():
        model = build_op_model(op, graph_inputs, initializers, node_inputs, attrs or {}, opset,
                               pre_nodes=pre_nodes, out_dtype=out_dtype)
        T.run_case(name, model, graph_inputs, rtol=rtol, atol=atol)

    T.add_case(name, fn, family)


def rn(*shape: int, scale: float = 1.0) -> np.ndarray:
    return T.randn(next_seed(), *shape, scale=scale)


def away_from_zero(*shape: int) -> np.ndarray:
    """Values in +-[0.5, 2] (divisors)."""
    r = T.rng(next_seed())
    mag = r.uniform(0.5, 2.0, size=shape)
    sign = np.where(r.random(size=shape) < 0.5, -1.0, 1.0)
    return np.asarray(mag * sign, dtype=np.float32)


def scalar(v: float) -> np.ndarray:
    return np.array(v, dtype=np.float32)


# ==========================================================================
# elementwise: Add / Sub / Mul / Div with numpy broadcasting
# ==========================================================================
F = "elementwise"


def binary(name, op, sa, sb, opset=13, b_init=False, a_init=False, b=None):
    a_arr = rn(*sa)
    b_arr = b if b is not None else (away_from_zero(*sb) if op == "Div" else rn(*sb))
    gi, inits = {}, {}
    (inits if a_init else gi)["a"] = a_arr
    (inits if b_init else gi)["b"] = b_arr
    op_case(name, F, op, gi, node_inputs=["a", "b"], initializers=inits, opset=opset)


binary("add_same_shape_4d", "Add", (2, 3, 4, 5), (2, 3, 4, 5), opset=14)
binary("add_rank0_rhs", "Add", (2, 3), (), opset=13)
binary("add_row_broadcast_opset7", "Add", (3, 4), (4,), opset=7)
binary("add_col_broadcast", "Add", (3, 4), (3, 1), opset=13)
binary("add_both_broadcast", "Add", (2, 1, 4), (3, 1), opset=14)
binary("add_channel_bias_init", "Add", (1, 3, 4, 4), (3, 1, 1), b_init=True)
binary("add_lhs_lower_rank", "Add", (4,), (2, 3, 4), opset=13)
binary("add_5d_broadcast", "Add", (2, 1, 3, 1, 2), (1, 2, 1, 4, 1), opset=13)
binary("sub_broadcast_opset7", "Sub", (2, 3, 4), (3, 1), opset=7)
binary("sub_rank0_init_lhs", "Sub", (), (2, 5), a_init=True, opset=14)
binary("mul_broadcast_opset7", "Mul", (2, 3, 4), (1, 3, 1), opset=7)
binary("mul_broadcast_opset14", "Mul", (2, 3, 4), (1, 3, 1), opset=14)
binary("mul_init_scalar_1elem", "Mul", (3, 4), (1,), b_init=True)
binary("div_same_shape", "Div", (2, 3, 4), (2, 3, 4), opset=13)
binary("div_row_broadcast_opset7", "Div", (3, 4, 5), (5,), opset=7)
binary("div_init_lhs_broadcast", "Div", (4,), (3, 4), a_init=True, opset=14,
       b=away_from_zero(3, 4))
binary("add_outer_broadcast_1x5_4x1", "Add", (1, 5), (4, 1), opset=13)
binary("mul_all_ones_shape", "Mul", (1, 1, 1, 1), (1, 1, 1, 1), opset=13)
binary("sub_large_odd_broadcast", "Sub", (3, 37, 29), (37, 1), opset=14)


def _self_add():
    x = rn(3, 5)
    model = T.make_model([helper.make_node("Add", ["x", "x"], ["y"], name="add_self")],
                         [T.tensor_info("x", x.shape)], [T.tensor_info("y", x.shape)])
    T.run_case("add_same_operand_twice", model, {"x": x})


T.add_case("add_same_operand_twice", _self_add, F)


def _chain():
    x, y = rn(2, 3, 4), rn(3, 1)
    d = away_from_zero(4)
    nodes = [
        helper.make_node("Add", ["x", "y"], ["t0"], name="add0"),
        helper.make_node("Mul", ["t0", "x"], ["t1"], name="mul0"),
        helper.make_node("Sub", ["t1", "y"], ["t2"], name="sub0"),
        helper.make_node("Div", ["t2", "d"], ["out"], name="div0"),
    ]
    model = T.make_model(nodes, [T.tensor_info("x", x.shape), T.tensor_info("y", y.shape)],
                         [T.tensor_info("out", (2, 3, 4))], [T.init("d", d)], opset=14)
    T.run_case("chain_add_mul_sub_div", model, {"x": x, "y": y})


T.add_case("chain_add_mul_sub_div", _chain, F)


def _two_outputs():
    x, y = rn(2, 3), rn(2, 3)
    nodes = [helper.make_node("Add", ["x", "y"], ["sum"], name="add0"),
             helper.make_node("Mul", ["x", "y"], ["prod"], name="mul0"),
             helper.make_node("Sub", ["sum", "prod"], ["diff"], name="sub0")]
    model = T.make_model(nodes, [T.tensor_info("x", (2, 3)), T.tensor_info("y", (2, 3))],
                         [T.tensor_info("diff", (2, 3)), T.tensor_info("sum", (2, 3)),
                          T.tensor_info("prod", (2, 3))])
    T.run_case("intermediate_also_output", model, {"x": x, "y": y})


T.add_case("intermediate_also_output", _two_outputs, F)

# ==========================================================================
# activation: Relu, Sigmoid, Tanh, Clip, Softmax
# ==========================================================================
F = "activation"

op_case("relu_opset7", F, "Relu", {"x": rn(2, 3, 4, 5)}, opset=7)
op_case("relu_opset14", F, "Relu", {"x": rn(3, 7)}, opset=14)
op_case("relu_1d_odd_length", F, "Relu", {"x": rn(37)}, opset=13)
op_case("sigmoid_opset6", F, "Sigmoid", {"x": rn(2, 3, 4, scale=4.0)}, opset=7)
op_case("sigmoid_opset13_wide_range", F, "Sigmoid",
        {"x": np.linspace(-30, 30, 61, dtype=np.float32).reshape(1, 61)}, opset=13)
op_case("tanh_opset6", F, "Tanh", {"x": rn(2, 3, 4, scale=2.0)}, opset=7)
op_case("tanh_opset13_wide_range", F, "Tanh",
        {"x": np.linspace(-12, 12, 49, dtype=np.float32).reshape(7, 7)}, opset=13)

# Clip-6: min/max attributes (defaults: -FLT_MAX / FLT_MAX)
op_case("clip6_min_max_attrs", F, "Clip", {"x": rn(3, 4, 5)}, attrs={"min": -0.5, "max": 0.7},
        opset=7)
op_case("clip6_min_only_attr", F, "Clip", {"x": rn(3, 4, 5)}, attrs={"min": 0.1}, opset=7)
op_case("clip6_max_only_attr", F, "Clip", {"x": rn(3, 4, 5)}, attrs={"max": -0.1}, opset=10)
op_case("clip6_no_attrs", F, "Clip", {"x": rn(2, 6)}, opset=7)
# Clip-11+: min/max are optional inputs (scalars)
op_case("clip11_min_max_inputs", F, "Clip", {"x": rn(3, 4, 5)},
        initializers={"lo": scalar(-0.3), "hi": scalar(0.4)}, node_inputs=["x", "lo", "hi"],
        opset=11)
op_case("clip11_min_only_input", F, "Clip", {"x": rn(3, 4, 5)},
        initializers={"lo": scalar(0.2)}, node_inputs=["x", "lo"], opset=11)
op_case("clip11_max_only_input", F, "Clip", {"x": rn(3, 4, 5)},
        initializers={"hi": scalar(0.25)}, node_inputs=["x", "", "hi"], opset=11)
op_case("clip11_no_bounds", F, "Clip", {"x": rn(4, 4)}, node_inputs=["x"], opset=11)
op_case("clip12_min_max_inputs", F, "Clip", {"x": rn(2, 3, 4)},
        initializers={"lo": scalar(-1.0), "hi": scalar(0.0)}, node_inputs=["x", "lo", "hi"],
        opset=12)
op_case("clip13_bounds_from_constant_nodes", F, "Clip", {"x": rn(2, 3, 4)},
        node_inputs=["x", "lo", "hi"], opset=13,
        pre_nodes=[helper.make_node("Constant", [], ["lo"], name="c_lo", value=T.init("lo", scalar(-0.6))),
                   helper.make_node("Constant", [], ["hi"], name="c_hi", value=T.init("hi", scalar(0.6)))])
op_case("clip13_max_only_input", F, "Clip", {"x": rn(2, 3, 4)},
        initializers={"hi": scalar(6.0)}, node_inputs=["x", "", "hi"], opset=13)

# Softmax-1/11: coerce the input to 2-D at `axis` (default 1) and normalize
# over the flattened trailing dims. Softmax-13: normalize along `axis`
# (default -1) only.
op_case("softmax7_axis1_3d_coerce", F, "Softmax", {"x": rn(2, 3, 4)}, attrs={"axis": 1},
        opset=7)
op_case("softmax11_default_axis_4d_coerce", F, "Softmax", {"x": rn(2, 3, 2, 2)}, opset=11)
op_case("softmax11_axis2_4d_coerce", F, "Softmax", {"x": rn(2, 3, 2, 2)}, attrs={"axis": 2},
        opset=11)
op_case("softmax11_axis_last_3d", F, "Softmax", {"x": rn(2, 3, 4)}, attrs={"axis": -1},
        opset=11)
op_case("softmax11_axis0_coerce_all", F, "Softmax", {"x": rn(2, 3, 4)}, attrs={"axis": 0},
        opset=11)
op_case("softmax11_neg_axis_coerce", F, "Softmax", {"x": rn(2, 3, 4)}, attrs={"axis": -2},
        opset=11)
op_case("softmax13_default_axis_3d", F, "Softmax", {"x": rn(2, 3, 4)}, opset=13)
op_case("softmax13_axis1_3d", F, "Softmax", {"x": rn(2, 3, 4)}, attrs={"axis": 1}, opset=13)
op_case("softmax13_axis0_3d", F, "Softmax", {"x": rn(3, 2, 4)}, attrs={"axis": 0}, opset=13)
op_case("softmax13_axis2_4d", F, "Softmax", {"x": rn(2, 3, 4, 2)}, attrs={"axis": 2}, opset=13)
op_case("softmax13_2d_large_values", F, "Softmax", {"x": rn(4, 10, scale=60.0)}, opset=13)
op_case("softmax13_1d", F, "Softmax", {"x": rn(9)}, opset=13)

# Erf (opset 9; opset 13 adds bfloat16 only): odd, saturates to +-1 beyond
# |x| ~ 4; small arguments check the relative accuracy near 0 (erf x ~ 1.128 x).
op_case("erf9_4d", F, "Erf", {"x": rn(2, 3, 4, 5)}, opset=9)
op_case("erf13_wide_range", F, "Erf",
        {"x": np.linspace(-6, 6, 97, dtype=np.float32).reshape(1, 97)}, opset=13)
op_case("erf13_small_arguments", F, "Erf", {"x": rn(3, 17, scale=1e-3)}, opset=13)
op_case("erf13_gelu_range_odd_length", F, "Erf", {"x": rn(37, scale=2.0)}, opset=13)

# ==========================================================================
# linear: Gemm, MatMul
# ==========================================================================
F = "linear"
M, K, N = 3, 5, 4


def gemm(name, trans_a=0, trans_b=0, c_shape=(N,), alpha=None, beta=None, opset=13,
         b_input=False, c_input=False, m=M):
    a = rn(*((K, m) if trans_a else (m, K)))
    b = rn(*((N, K) if trans_b else (K, N)))
    gi, inits = {"a": a}, {}
    (gi if b_input else inits)["b"] = b
    node_inputs = ["a", "b"]
    if c_shape is not None:
        (gi if c_input else inits)["c"] = rn(*c_shape)
        node_inputs.append("c")
    attrs = {}
    if trans_a:
        attrs["transA"] = 1
    if trans_b:
        attrs["transB"] = 1
    if alpha is not None:
        attrs["alpha"] = alpha
    if beta is not None:
        attrs["beta"] = beta
    op_case(name, F, "Gemm", gi, node_inputs=node_inputs, initializers=inits, attrs=attrs,
            opset=opset)


gemm("gemm_nn_c_n")
gemm("gemm_tn_c_n", trans_a=1)
gemm("gemm_nt_c_n", trans_b=1)
gemm("gemm_tt_c_n", trans_a=1, trans_b=1)
gemm("gemm_c_rank0", c_shape=())
gemm("gemm_c_1", c_shape=(1,), opset=9)
gemm("gemm_c_m1", c_shape=(M, 1))
gemm("gemm_c_mn", c_shape=(M, N), trans_b=1)
gemm("gemm_c_1n", c_shape=(1, N), trans_a=1)
gemm("gemm_no_c_opset11", c_shape=None, opset=11)
gemm("gemm_no_c_tt_opset13", c_shape=None, trans_a=1, trans_b=1)
gemm("gemm_alpha_beta_c_mn", c_shape=(M, N), alpha=0.5, beta=-2.0)
gemm("gemm_alpha_no_c", c_shape=None, alpha=3.0, trans_b=1)
gemm("gemm_opset9_alpha_beta", c_shape=(N,), alpha=1.5, beta=0.25, opset=9)
gemm("gemm_opset7_c_mn", c_shape=(M, N), opset=7)
gemm("gemm_runtime_b_and_c", b_input=True, c_input=True, c_shape=(M, N), trans_b=1)
gemm("gemm_single_row", m=1, trans_b=1, c_shape=(N,), opset=11)


def matmul(name, sa, sb, opset=13, b_init=False):
    gi, inits = {"a": rn(*sa)}, {}
    (inits if b_init else gi)["b"] = rn(*sb)
    op_case(name, F, "MatMul", gi, node_inputs=["a", "b"], initializers=inits, opset=opset)


matmul("matmul_2d_2d", (3, 5), (5, 4))
matmul("matmul_2d_2d_opset9_weight_init", (4, 8), (8, 6), opset=9, b_init=True)
matmul("matmul_1d_2d", (5,), (5, 4))
matmul("matmul_2d_1d", (3, 5), (5,))
matmul("matmul_1d_1d", (6,), (6,))
matmul("matmul_3d_2d", (2, 3, 5), (5, 4))
matmul("matmul_2d_3d", (3, 5), (2, 5, 4))
matmul("matmul_3d_3d", (2, 3, 5), (2, 5, 4))
matmul("matmul_3d_1d", (2, 3, 5), (5,))
matmul("matmul_1d_3d", (5,), (2, 5, 4))
matmul("matmul_4d_broadcast", (2, 1, 3, 5), (1, 3, 5, 4))
matmul("matmul_4d_3d_broadcast", (2, 2, 3, 5), (2, 5, 4), opset=9)
matmul("matmul_larger_k", (4, 67), (67, 9), b_init=True)
matmul("matmul_odd_dims_33x65x17", (33, 65), (65, 17))
matmul("matmul_batched_odd_dims", (3, 17, 31), (3, 31, 13))


def _matmul_row_panels():
    # 2.4 MB of rows over 1.1 MB of constant weights: the row tiles go in
    # panels (three of 15 tiles, the last tile 12 rows, the last column block
    # 16 lanes). Scaled as gemm_long_k: a 1024-term sum's rounding depends on
    # its order, which differs from ONNX Runtime's.
    a, b = rn(600, 1024, scale=0.1), rn(1024, 272, scale=0.1)
    model = build_op_model("MatMul", {"a": a}, {"b": b}, ["a", "b"], {}, 13)
    T.run_case("matmul_row_panels_600x1024x272", model, {"a": a}, rtol=1e-4, atol=1e-5)


T.add_case("matmul_row_panels_600x1024x272", _matmul_row_panels, F)



def _matmul_where_bool_constant(name, s):
    # A constant bool mask selecting the scores of a batched MatMul (a causal
    # mask folded at import): the epilogue must not read the bools as a
    # bit-packed vector (each takes a byte in memory).
    mask = np.tril(np.ones((s, s), bool)).reshape(1, 1, s, s)
    pre = [helper.make_node("MatMul", ["a", "b"], ["scores"])]
    op_case(name, F, "Where", {"a": rn(1, 2, s, 8), "b": rn(1, 2, 8, s)},
            node_inputs=["mask", "scores", "fill"],
            initializers={"mask": mask, "fill": np.array(-1e4, np.float32)},
            pre_nodes=pre)


_matmul_where_bool_constant("matmul_where_bool_constant_4", 4)
_matmul_where_bool_constant("matmul_where_bool_constant_32", 32)


def _attention(name, q, k, v, opset=23, mask=None, past=None, n_outputs=1, rtol=1e-4,
               atol=1e-5, **attrs):
    # ONNX Attention (opset 23+): inputs Q, K, V, attn_mask, past_key,
    # past_value; outputs Y, present_key, present_value, qk_matmul_output.
    gi = {"q": q, "k": k, "v": v}
    node_inputs = ["q", "k", "v"]
    if mask is not None or past is not None:
        node_inputs.append("mask" if mask is not None else "")
        if mask is not None:
            gi["mask"] = mask
    if past is not None:
        gi["past_key"], gi["past_value"] = past
        node_inputs += ["past_key", "past_value"]

    def fn():
        out_dtype = helper.np_dtype_to_tensor_dtype(q.dtype)
        model = build_op_model("Attention", gi, {}, node_inputs, attrs, opset,
                               n_outputs=n_outputs, out_dtype=out_dtype)
        T.run_case(name, model, gi, rtol=rtol, atol=atol)

    T.add_case(name, fn, F)


_attention("attention23_4d", rn(2, 3, 5, 8), rn(2, 3, 6, 8), rn(2, 3, 6, 4))
_attention("attention23_3d_heads_causal", rn(1, 6, 16), rn(1, 6, 16), rn(1, 6, 16),
           q_num_heads=2, kv_num_heads=2, is_causal=1)
_attention("attention23_gqa_past_present", rn(1, 4, 3, 8), rn(1, 2, 3, 8), rn(1, 2, 3, 8),
           past=(rn(1, 2, 5, 8), rn(1, 2, 5, 8)), n_outputs=3, is_causal=1)
_attention("attention23_softcap_qk_softmax", rn(1, 2, 4, 8), rn(1, 2, 6, 8), rn(1, 2, 6, 8),
           mask=rn(4, 6), n_outputs=4, softcap=2.0, qk_matmul_output_mode=3)
# (ONNX Runtime refuses masks shorter than the keys, which dsc pads as the
# spec says; ONNX's own node tests cover those.)
_attention("attention23_bool_mask_past", rn(1, 2, 3, 8), rn(1, 2, 2, 8), rn(1, 2, 2, 8),
           mask=np.array([[True, False, True, True, False], [True, True, True, False, True],
                          [False, True, True, True, True]]),
           past=(rn(1, 2, 3, 8), rn(1, 2, 3, 8)), n_outputs=3)
_attention("attention23_fp16", rn(1, 2, 4, 8).astype(np.float16),
           rn(1, 2, 4, 8).astype(np.float16), rn(1, 2, 4, 8).astype(np.float16),
           rtol=2e-3, atol=2e-3, is_causal=1)

# Long reductions (K = 1000, or 153-288 terms in the wide convolutions below)
# are summed in a different order than ONNX Runtime's blocked kernels; float32
# rounding then differs by a few ulps of the partial sums, so these cases use
# atol 1e-4 (rtol 2e-4) instead of the default 1e-5 (1e-4).
def _gemm_long_k():
    a, b, c = rn(5, 1000, scale=0.1), rn(7, 1000, scale=0.1), rn(7)
    model = build_op_model("Gemm", {"a": a}, {"b": b, "c": c}, ["a", "b", "c"], {"transB": 1}, 13)
    T.run_case("gemm_long_k_1000", model, {"a": a}, rtol=1e-4, atol=1e-4)


T.add_case("gemm_long_k_1000", _gemm_long_k, F)


# ==========================================================================
# conv: Conv 1-D / 2-D / 3-D, groups, strides, pads, dilations, auto_pad
# ==========================================================================
F = "conv"


def conv(name, x_shape, w_shape, bias=True, opset=11, w_input=False, rtol=1e-4, atol=1e-5,
         **attrs):
    gi, inits = {"x": rn(*x_shape)}, {}
    (gi if w_input else inits)["w"] = rn(*w_shape, scale=0.5)
    node_inputs = ["x", "w"]
    if bias:
        inits["bias"] = rn(w_shape[0])
        node_inputs.append("bias")
    op_case(name, F, "Conv", gi, node_inputs=node_inputs, initializers=inits, attrs=attrs,
            opset=opset, rtol=rtol, atol=atol)


conv("conv2d_basic_no_bias", (1, 3, 8, 8), (4, 3, 3, 3), bias=False)
conv("conv2d_bias", (1, 3, 8, 8), (4, 3, 3, 3))
conv("conv2d_pads1", (1, 3, 8, 8), (5, 3, 3, 3), pads=[1, 1, 1, 1])
conv("conv2d_pads_asymmetric", (1, 2, 7, 6), (3, 2, 3, 3), pads=[0, 1, 2, 1])
conv("conv2d_stride2_pads1", (1, 3, 9, 9), (4, 3, 3, 3), strides=[2, 2], pads=[1, 1, 1, 1])
conv("conv2d_stride_2x1", (1, 2, 8, 7), (3, 2, 3, 2), strides=[2, 1])
conv("conv2d_dilation2", (1, 2, 9, 9), (3, 2, 3, 3), dilations=[2, 2])
conv("conv2d_dilation_stride_pads", (2, 2, 10, 9), (4, 2, 3, 3), dilations=[2, 1],
     strides=[2, 2], pads=[2, 1, 1, 0])
conv("conv2d_kernel_shape_attr_2x3", (1, 3, 6, 7), (2, 3, 2, 3), kernel_shape=[2, 3])
conv("conv2d_1x1", (2, 8, 5, 5), (6, 8, 1, 1))
conv("conv2d_auto_same_upper", (1, 2, 8, 8), (3, 2, 3, 3), auto_pad="SAME_UPPER",
     strides=[2, 2])
conv("conv2d_auto_same_lower", (1, 2, 8, 8), (3, 2, 3, 3), auto_pad="SAME_LOWER",
     strides=[2, 2])
conv("conv2d_auto_same_upper_even_kernel", (1, 2, 6, 6), (2, 2, 2, 2), auto_pad="SAME_UPPER")
conv("conv2d_auto_same_lower_even_kernel", (1, 2, 6, 6), (2, 2, 2, 2), auto_pad="SAME_LOWER")
conv("conv2d_auto_valid", (1, 2, 9, 8), (3, 2, 3, 3), auto_pad="VALID", strides=[2, 2])
conv("conv2d_auto_notset_explicit", (1, 2, 6, 6), (2, 2, 3, 3), auto_pad="NOTSET",
     pads=[1, 0, 1, 0])
conv("conv2d_depthwise", (1, 4, 8, 8), (4, 1, 3, 3), group=4, pads=[1, 1, 1, 1])
conv("conv2d_depthwise_multiplier2_stride2", (1, 3, 9, 9), (6, 1, 3, 3), group=3,
     strides=[2, 2], pads=[1, 1, 1, 1])
conv("conv2d_group2", (1, 4, 7, 7), (6, 2, 3, 3), group=2)
conv("conv1d_basic", (1, 2, 10), (3, 2, 3))
conv("conv1d_group2_stride_pads_dilation", (2, 4, 13), (4, 2, 3), group=2, strides=[2],
     pads=[1, 2], dilations=[2])
conv("conv1d_auto_same_upper", (1, 3, 9), (2, 3, 4), auto_pad="SAME_UPPER", bias=False)
conv("conv3d_basic_pads", (1, 2, 5, 5, 5), (3, 2, 3, 3, 3), pads=[1, 1, 1, 1, 1, 1])
conv("conv3d_group2_stride2", (1, 4, 6, 6, 6), (4, 2, 3, 3, 3), group=2, strides=[2, 2, 2],
     bias=False)
conv("conv_opset7", (1, 3, 6, 6), (2, 3, 3, 3), opset=7, pads=[1, 1, 1, 1])
conv("conv_opset22", (1, 3, 6, 6), (2, 3, 3, 3), opset=22, strides=[2, 2])
conv("conv2d_weight_runtime_input", (1, 3, 6, 6), (4, 3, 3, 3), w_input=True,
     pads=[1, 1, 1, 1])
conv("conv2d_pads_exceed_kernel", (1, 2, 4, 4), (3, 2, 3, 3), pads=[3, 3, 3, 3])
conv("conv2d_stride_exceeds_kernel", (1, 3, 10, 10), (4, 3, 1, 1), strides=[3, 3])
conv("conv2d_odd_channels_and_sizes", (2, 17, 13, 11), (19, 17, 3, 3), pads=[1, 1, 1, 1],
     rtol=2e-4, atol=1e-4)
conv("conv2d_kernel_covers_input", (1, 4, 5, 5), (6, 4, 5, 5))
conv("conv1d_depthwise_dilated_asym_pads", (1, 6, 20), (6, 1, 3), group=6, dilations=[3],
     pads=[0, 4])
conv("conv2d_wide_channels", (1, 32, 6, 6), (16, 32, 3, 3), pads=[1, 1, 1, 1], rtol=2e-4,
     atol=1e-4)



def conv_transpose(name, x_shape, w_shape, bias=True, opset=11, w_input=False, rtol=1e-4,
                   atol=1e-5, **attrs):
    """ConvTranspose: w is [C, M / group, K...]."""
    gi, inits = {"x": rn(*x_shape)}, {}
    (gi if w_input else inits)["w"] = rn(*w_shape, scale=0.5)
    node_inputs = ["x", "w"]
    if bias:
        inits["bias"] = rn(w_shape[1] * attrs.get("group", 1))
        node_inputs.append("bias")
    op_case(name, F, "ConvTranspose", gi, node_inputs=node_inputs, initializers=inits,
            attrs=attrs, opset=opset, rtol=rtol, atol=atol)


conv_transpose("convt2d_basic_no_bias", (1, 2, 3, 3), (2, 3, 3, 3), bias=False)
conv_transpose("convt2d_stride2_bias", (1, 3, 4, 4), (3, 2, 3, 3), strides=[2, 2])
conv_transpose("convt2d_stride2_pads_output_padding", (2, 4, 5, 5), (4, 3, 3, 3),
               strides=[2, 2], pads=[1, 1, 1, 1], output_padding=[1, 1])
conv_transpose("convt2d_k4_s2_p1_decoder", (1, 16, 6, 6), (16, 8, 4, 4), strides=[2, 2],
               pads=[1, 1, 1, 1], rtol=2e-4, atol=1e-4)
conv_transpose("convt2d_stride_3x2_asym_pads", (1, 2, 3, 4), (2, 3, 3, 2), strides=[3, 2],
               pads=[0, 1, 2, 0])
conv_transpose("convt2d_dilation2", (1, 2, 4, 4), (2, 2, 2, 3), dilations=[2, 2])
conv_transpose("convt2d_dilation_stride_output_padding", (1, 2, 4, 3), (2, 2, 3, 3),
               dilations=[2, 1], strides=[2, 3], output_padding=[1, 2])
conv_transpose("convt2d_pads_exceed_kernel", (1, 2, 5, 5), (2, 3, 2, 2), strides=[2, 2],
               pads=[3, 2, 3, 4])
conv_transpose("convt2d_stride2_dilation2_bias_only_phases", (1, 2, 3, 3), (2, 3, 3, 3),
               strides=[2, 2], dilations=[2, 2], pads=[1, 0, 1, 0])
conv_transpose("convt2d_stride3_dilation2", (1, 2, 4, 3), (2, 2, 3, 4), strides=[3, 3],
               dilations=[2, 2], pads=[2, 1, 0, 3])
conv_transpose("convt2d_stride_exceeds_kernel", (1, 2, 3, 3), (2, 2, 2, 2), strides=[4, 3])
conv_transpose("convt2d_group2", (1, 4, 5, 5), (4, 3, 3, 3), group=2, strides=[2, 2])
conv_transpose("convt2d_depthwise", (1, 3, 4, 4), (3, 1, 3, 3), group=3, pads=[1, 1, 1, 1])
conv_transpose("convt2d_output_shape_larger", (1, 2, 3, 3), (2, 2, 3, 3), strides=[3, 2],
               output_shape=[10, 8])
conv_transpose("convt2d_output_shape_larger_by_2", (1, 2, 3, 4), (2, 3, 3, 3), strides=[2, 3],
               output_shape=[8, 14])
conv_transpose("convt2d_output_shape_smaller", (1, 2, 4, 4), (2, 2, 3, 3), strides=[2, 2],
               output_shape=[7, 8])
conv_transpose("convt2d_auto_same_upper", (1, 2, 4, 4), (2, 2, 3, 3), strides=[2, 2],
               auto_pad="SAME_UPPER")
conv_transpose("convt2d_auto_same_lower_even", (1, 2, 4, 4), (2, 2, 4, 4), strides=[2, 2],
               auto_pad="SAME_LOWER")
conv_transpose("convt2d_auto_valid", (1, 2, 3, 3), (2, 2, 3, 3), strides=[2, 2],
               auto_pad="VALID")
conv_transpose("convt2d_weight_runtime_input", (1, 3, 4, 4), (3, 2, 3, 3), w_input=True,
               strides=[2, 2], pads=[1, 1, 1, 1], output_padding=[1, 1])
conv_transpose("convt2d_group2_weight_runtime_input", (1, 4, 3, 3), (4, 2, 2, 2), group=2,
               w_input=True, strides=[2, 2])
conv_transpose("convt1d_stride2_output_padding", (2, 3, 7), (3, 4, 3), strides=[2],
               pads=[1, 1], output_padding=[1])
conv_transpose("convt3d_stride2", (1, 2, 3, 3, 3), (2, 2, 2, 2, 2), strides=[2, 2, 2])
conv_transpose("convt3d_pads_group2", (1, 4, 3, 4, 3), (4, 1, 3, 3, 3), group=2,
               pads=[1, 1, 1, 1, 1, 1])
conv_transpose("convt_opset1_kernel_shape", (1, 2, 3, 3), (2, 2, 3, 3), opset=7,
               kernel_shape=[3, 3], strides=[2, 2])
conv_transpose("convt_opset22", (1, 3, 4, 4), (3, 2, 2, 2), opset=22, strides=[2, 2])
conv_transpose("convt2d_wide_channels", (1, 32, 7, 7), (32, 16, 3, 3), strides=[2, 2],
               pads=[1, 1, 1, 1], output_padding=[1, 1], rtol=2e-4, atol=1e-4)

# ==========================================================================
# pool: MaxPool, AveragePool, GlobalAveragePool
# ==========================================================================
F = "pool"


def pool(name, op, x_shape, opset, x=None, **attrs):
    op_case(name, F, op, {"x": x if x is not None else rn(*x_shape)}, attrs=attrs, opset=opset)


def negative(*shape):
    """Strictly negative values: zero padding would show up in max pooling."""
    return -np.abs(rn(*shape)) - 0.1


pool("maxpool8_k2_s2", "MaxPool", (1, 2, 8, 8), 8, kernel_shape=[2, 2], strides=[2, 2])
pool("maxpool8_k3_pads1_negative", "MaxPool", (1, 2, 6, 6), 8, x=negative(1, 2, 6, 6),
     kernel_shape=[3, 3], pads=[1, 1, 1, 1])
pool("maxpool8_same_upper_s2", "MaxPool", (1, 2, 8, 8), 8, x=negative(1, 2, 8, 8),
     kernel_shape=[3, 3], strides=[2, 2], auto_pad="SAME_UPPER")
pool("maxpool8_same_lower_s2", "MaxPool", (1, 2, 8, 8), 8, x=negative(1, 2, 8, 8),
     kernel_shape=[3, 3], strides=[2, 2], auto_pad="SAME_LOWER")
pool("maxpool8_valid", "MaxPool", (1, 2, 9, 8), 8, kernel_shape=[3, 2], strides=[2, 2],
     auto_pad="VALID")
pool("maxpool10_ceil_mode", "MaxPool", (1, 2, 7, 7), 10, kernel_shape=[2, 2], strides=[2, 2],
     ceil_mode=1)
pool("maxpool10_floor_mode_explicit", "MaxPool", (1, 2, 7, 7), 10, kernel_shape=[2, 2],
     strides=[2, 2], ceil_mode=0)
pool("maxpool12_dilation2", "MaxPool", (1, 1, 8, 8), 12, kernel_shape=[2, 2], dilations=[2, 2])
pool("maxpool12_ceil_dilation_pads", "MaxPool", (1, 2, 10, 10), 12, x=negative(1, 2, 10, 10),
     kernel_shape=[3, 3], strides=[2, 2], dilations=[2, 2], pads=[1, 1, 1, 1], ceil_mode=1)
pool("maxpool12_1d", "MaxPool", (2, 3, 11), 12, kernel_shape=[3], strides=[2], pads=[1, 1])
pool("maxpool12_3d", "MaxPool", (1, 2, 5, 6, 6), 12, kernel_shape=[2, 2, 2], strides=[2, 2, 2])
pool("maxpool22_nonsquare_asym_pads", "MaxPool", (1, 2, 7, 8), 22, kernel_shape=[2, 3],
     strides=[2, 1], pads=[1, 0, 0, 2])

pool("avgpool7_k2_s2", "AveragePool", (1, 2, 8, 8), 7, kernel_shape=[2, 2], strides=[2, 2])
pool("avgpool7_pads_exclude_pad", "AveragePool", (1, 2, 6, 6), 7, kernel_shape=[3, 3],
     pads=[1, 1, 1, 1])
pool("avgpool7_pads_include_pad", "AveragePool", (1, 2, 6, 6), 7, kernel_shape=[3, 3],
     pads=[1, 1, 1, 1], count_include_pad=1)
pool("avgpool10_ceil_mode", "AveragePool", (1, 2, 7, 7), 10, kernel_shape=[2, 2],
     strides=[2, 2], ceil_mode=1)
pool("avgpool11_ceil_pads_exclude", "AveragePool", (1, 1, 8, 8), 11, kernel_shape=[3, 3],
     strides=[2, 2], pads=[1, 1, 1, 1], ceil_mode=1)
pool("avgpool11_same_upper", "AveragePool", (1, 2, 8, 8), 11, kernel_shape=[3, 3],
     strides=[2, 2], auto_pad="SAME_UPPER")
pool("avgpool11_same_lower_include_pad", "AveragePool", (1, 2, 8, 8), 11, kernel_shape=[3, 3],
     strides=[2, 2], auto_pad="SAME_LOWER", count_include_pad=1)
pool("avgpool11_valid", "AveragePool", (1, 2, 7, 9), 11, kernel_shape=[2, 3], strides=[1, 2],
     auto_pad="VALID")
pool("avgpool19_dilation2", "AveragePool", (1, 2, 9, 9), 19, kernel_shape=[2, 2],
     dilations=[2, 2])
pool("avgpool19_dilation_strides_pads_include", "AveragePool", (1, 2, 10, 9), 19,
     kernel_shape=[3, 2], dilations=[2, 2], strides=[2, 1], pads=[2, 1, 2, 1],
     count_include_pad=1)
pool("avgpool19_1d", "AveragePool", (2, 3, 10), 19, kernel_shape=[3], strides=[2], pads=[1, 1])
pool("avgpool19_3d", "AveragePool", (1, 2, 4, 6, 6), 19, kernel_shape=[2, 2, 2],
     strides=[2, 2, 2])

pool("globalavgpool_2d", "GlobalAveragePool", (2, 3, 5, 5), 7)
pool("globalavgpool_1d", "GlobalAveragePool", (2, 3, 7), 13)
pool("globalavgpool_3d", "GlobalAveragePool", (1, 2, 3, 4, 5), 22)
pool("globalavgpool_1x1_spatial", "GlobalAveragePool", (1, 4, 1, 1), 13)



# Resize (opsets 10-19) and Upsample: resampling, so with the pool family.
def resize(name, x_shape, opset=19, scales=None, sizes=None, roi=None, op="Resize", x=None,
           out_dtype=TensorProto.FLOAT, runtime=(), **attrs):
    """`runtime` names the inputs (scales, sizes, roi) fed as graph inputs
    instead of initializers: dsc takes the output shape from the declared
    one and maps coordinates at run time."""
    inits = {}
    if roi is not None:
        inits["roi"] = np.array(roi, np.float32)
    if scales is not None:
        inits["scales"] = np.array(scales, np.float32)
    if sizes is not None:
        inits["sizes"] = np.array(sizes, np.int64)
    if op == "Upsample" or opset < 11:
        node_inputs = ["x", "scales"]
    else:
        node_inputs = ["x", "roi" if roi is not None else "", "scales" if scales else "",
                       "sizes" if sizes else ""]
        while node_inputs[-1] == "":
            node_inputs.pop()
    graph_inputs = {"x": x if x is not None else rn(*x_shape)}
    for r in runtime:
        graph_inputs[r] = inits.pop(r)
    op_case(name, F, op, graph_inputs, node_inputs=node_inputs,
            initializers=inits, attrs=attrs, opset=opset, out_dtype=out_dtype)


resize("resize13_nearest_2x_default", (1, 2, 3, 4), 13, scales=[1, 1, 2, 2])
resize("resize11_nearest_asymmetric_floor_yolo", (1, 3, 4, 5), 11, roi=[], scales=[1, 1, 2, 2],
       coordinate_transformation_mode="asymmetric", nearest_mode="floor")
resize("resize13_nearest_sizes_downsample", (1, 1, 5, 7), 13, sizes=[1, 1, 3, 4])
resize("resize13_nearest_prefer_ceil_scale_1_5", (1, 1, 4, 4), 13, scales=[1, 1, 1.5, 1.5],
       nearest_mode="round_prefer_ceil")
resize("resize13_nearest_ceil_align_corners", (1, 2, 3, 3), 13, sizes=[1, 2, 7, 5],
       coordinate_transformation_mode="align_corners", nearest_mode="ceil")
resize("resize13_nearest_floor_pytorch_half_pixel", (2, 1, 5, 3), 13, sizes=[2, 1, 3, 7],
       coordinate_transformation_mode="pytorch_half_pixel", nearest_mode="floor")
resize("resize13_linear_2x_half_pixel", (1, 3, 4, 5), 13, scales=[1, 1, 2, 2], mode="linear")
resize("resize13_linear_align_corners_sizes", (1, 2, 3, 4), 13, sizes=[1, 2, 5, 9],
       mode="linear", coordinate_transformation_mode="align_corners")
resize("resize13_linear_pytorch_half_pixel_down", (1, 1, 6, 8), 13, sizes=[1, 1, 4, 3],
       mode="linear", coordinate_transformation_mode="pytorch_half_pixel")
resize("resize13_linear_asymmetric_width_only", (2, 3, 4, 5), 13, scales=[1, 1, 1, 2.5],
       mode="linear", coordinate_transformation_mode="asymmetric")
resize("resize19_linear_half_pixel_symmetric", (1, 1, 3, 5), 19, scales=[1, 1, 1.7, 0.6],
       mode="linear", coordinate_transformation_mode="half_pixel_symmetric")
resize("resize13_trilinear_5d", (1, 2, 3, 4, 5), 13, scales=[1, 1, 2, 1.5, 0.8], mode="linear")
resize("resize13_linear_3d_last_axis", (2, 3, 6), 13, sizes=[2, 3, 10], mode="linear")
resize("resize13_cubic_default", (1, 2, 4, 5), 13, scales=[1, 1, 2, 1.6], mode="cubic")
resize("resize13_cubic_a05_exclude_outside", (1, 1, 5, 5), 13, scales=[1, 1, 0.8, 1.5],
       mode="cubic", cubic_coeff_a=-0.5, exclude_outside=1)
resize("resize13_cubic_align_corners_sizes", (1, 1, 4, 4), 13, sizes=[1, 1, 7, 3],
       mode="cubic", coordinate_transformation_mode="align_corners")
resize("resize13_cubic_asymmetric", (1, 2, 3, 4), 13, scales=[1, 1, 2, 2], mode="cubic",
       coordinate_transformation_mode="asymmetric")
resize("resize13_tf_crop_and_resize_extrapolation", (1, 1, 5, 5), 13,
       roi=[0, 0, 0.2, 0.3, 1, 1, 1.3, 0.9], sizes=[1, 1, 4, 6], mode="linear",
       coordinate_transformation_mode="tf_crop_and_resize", extrapolation_value=-2.0)
resize("resize13_tf_crop_and_resize_nearest", (1, 2, 6, 6), 13,
       roi=[0, 0, -0.1, 0.25, 1, 1, 0.75, 1.2], sizes=[1, 2, 5, 4],
       coordinate_transformation_mode="tf_crop_and_resize", extrapolation_value=3.0)
resize("resize18_axes_sizes_not_larger", (1, 2, 4, 6), 18, sizes=[6, 6], axes=[2, 3],
       keep_aspect_ratio_policy="not_larger")
resize("resize18_axes_negative_not_smaller_linear", (1, 2, 4, 6), 18, sizes=[3, 4],
       axes=[-1, -2], keep_aspect_ratio_policy="not_smaller", mode="linear")
resize("resize18_axes_scales_linear_3d", (2, 5, 4), 18, scales=[1.5, 2.0], axes=[2, 1],
       mode="linear")
resize("resize18_linear_antialias_down", (1, 1, 8, 9), 18, scales=[1, 1, 0.5, 0.4],
       mode="linear", antialias=1)
resize("resize18_cubic_antialias_down", (1, 1, 8, 8), 18, sizes=[1, 1, 3, 5], mode="cubic",
       antialias=1)
resize("resize10_nearest_upsample", (1, 2, 3, 3), 10, scales=[1, 1, 2, 3])
resize("resize10_nearest_downsample", (1, 1, 6, 8), 10, scales=[1, 1, 0.5, 0.75])
resize("resize10_linear", (1, 2, 3, 4), 10, scales=[1, 1, 2, 1.5], mode="linear")
resize("upsample9_nearest", (1, 2, 2, 3), 9, scales=[1, 1, 2, 3], op="Upsample")
resize("upsample9_linear", (1, 1, 3, 4), 9, scales=[1, 1, 2, 2], op="Upsample", mode="linear")
op_case("upsample7_nearest_attr_scales", F, "Upsample", {"x": rn(1, 2, 3, 2)},
        attrs={"scales": [1.0, 1.0, 2.0, 2.0]}, opset=7)
resize("resize13_nearest_int32_input", (1, 1, 3, 3), 13, scales=[1, 1, 2, 2],
       x=np.arange(9, dtype=np.int32).reshape(1, 1, 3, 3), out_dtype=TensorProto.INT32)
# Scales, sizes and roi as graph inputs (run-time coordinate mapping).
S = ("scales",)
resize("resize13_rt_nearest_ties_scale_1_5", (1, 2, 4, 4), 13, scales=[1, 1, 1.5, 1.5],
       runtime=S)
resize("resize13_rt_nearest_prefer_ceil", (1, 1, 4, 6), 13, scales=[1, 1, 1.5, 0.5],
       nearest_mode="round_prefer_ceil", runtime=S)
resize("resize13_rt_nearest_floor_asymmetric", (1, 3, 4, 5), 13, scales=[1, 1, 2, 2],
       coordinate_transformation_mode="asymmetric", nearest_mode="floor", runtime=S)
resize("resize13_rt_nearest_ceil_tf_half_pixel_for_nn", (1, 1, 5, 4), 11,
       scales=[1, 1, 0.6, 1.75], roi=[], coordinate_transformation_mode="tf_half_pixel_for_nn",
       nearest_mode="ceil", runtime=S)
resize("resize13_rt_linear_half_pixel_down", (2, 3, 6, 8), 13, scales=[1, 1, 0.6, 0.75],
       mode="linear", runtime=S)
resize("resize13_rt_linear_align_corners", (1, 2, 3, 4), 13, scales=[1, 1, 2, 1.5],
       mode="linear", coordinate_transformation_mode="align_corners", runtime=S)
resize("resize13_rt_linear_pytorch_half_pixel", (1, 1, 6, 8), 13, scales=[1, 1, 0.7, 0.125],
       mode="linear", coordinate_transformation_mode="pytorch_half_pixel", runtime=S)
resize("resize19_rt_linear_half_pixel_symmetric", (1, 1, 3, 5), 19, scales=[1, 1, 1.7, 0.6],
       mode="linear", coordinate_transformation_mode="half_pixel_symmetric", runtime=S)
resize("resize13_rt_cubic_default", (1, 2, 4, 5), 13, scales=[1, 1, 2, 1.6], mode="cubic",
       runtime=S)
resize("resize13_rt_cubic_a05_exclude_outside", (1, 1, 5, 5), 13, scales=[1, 1, 0.8, 1.5],
       mode="cubic", cubic_coeff_a=-0.5, exclude_outside=1, runtime=S)
resize("resize13_rt_cubic_asymmetric", (1, 2, 3, 4), 13, scales=[1, 1, 2, 2], mode="cubic",
       coordinate_transformation_mode="asymmetric", runtime=S)
resize("resize18_rt_axes_scales_linear_3d", (2, 5, 4), 18, scales=[1.5, 2.0], axes=[2, 1],
       mode="linear", runtime=S)
resize("resize13_rt_trilinear_5d", (1, 2, 3, 4, 5), 13, scales=[1, 1, 2, 1.5, 0.8],
       mode="linear", runtime=S)
resize("resize13_rt_sizes_nearest_ceil_align_corners", (1, 2, 3, 3), 13, sizes=[1, 2, 7, 5],
       coordinate_transformation_mode="align_corners", nearest_mode="ceil", runtime=("sizes",))
resize("resize13_rt_sizes_linear", (1, 2, 4, 5), 13, sizes=[1, 2, 7, 3], mode="linear",
       runtime=("sizes",))
resize("resize18_rt_sizes_cubic_antialias", (1, 1, 8, 8), 18, sizes=[1, 1, 3, 5],
       mode="cubic", antialias=1, runtime=("sizes",))
resize("resize13_rt_tf_crop_and_resize_linear", (1, 1, 5, 5), 13,
       roi=[0, 0, 0.2, 0.3, 1, 1, 1.3, 0.9], sizes=[1, 1, 4, 6], mode="linear",
       coordinate_transformation_mode="tf_crop_and_resize", extrapolation_value=-2.0,
       runtime=("roi", "sizes"))
# (tf_crop_and_resize with scales rather than sizes: dsc, constant scales
# included, maps coordinates differently from ONNX Runtime; left for later.)
resize("resize13_rt_tf_crop_and_resize_nearest", (1, 2, 6, 6), 13,
       roi=[0, 0, -0.1, 0.25, 1, 1, 0.75, 1.2], sizes=[1, 2, 5, 4],
       coordinate_transformation_mode="tf_crop_and_resize", extrapolation_value=3.0,
       runtime=("roi", "sizes"))
resize("resize13_rt_roi_only_tf_crop_and_resize_cubic", (1, 1, 5, 6), 13,
       roi=[0, 0, 0.1, 0.0, 1, 1, 0.9, 1.1], sizes=[1, 1, 4, 7], mode="cubic",
       coordinate_transformation_mode="tf_crop_and_resize", runtime=("roi",))
resize("resize18_rt_sizes_not_larger", (1, 2, 4, 6), 18, sizes=[6, 6], axes=[2, 3],
       keep_aspect_ratio_policy="not_larger", runtime=("sizes",))
resize("resize18_rt_sizes_not_smaller_linear", (1, 2, 4, 6), 18, sizes=[3, 4],
       axes=[-1, -2], keep_aspect_ratio_policy="not_smaller", mode="linear",
       runtime=("sizes",))
resize("resize18_rt_linear_antialias_down", (1, 1, 8, 9), 18, scales=[1, 1, 0.5, 0.4],
       mode="linear", antialias=1, runtime=S)
resize("resize18_rt_cubic_antialias_exclude_outside", (1, 2, 9, 7), 18,
       scales=[1, 1, 0.35, 0.7], mode="cubic", antialias=1, exclude_outside=1, runtime=S)
resize("resize18_rt_cubic_antialias_up", (1, 1, 3, 4), 18, scales=[1, 1, 2.5, 0.6],
       mode="cubic", antialias=1, runtime=S)
resize("resize18_rt_sizes_not_smaller_linear_antialias", (1, 1, 8, 10), 18, sizes=[3, 3],
       axes=[2, 3], keep_aspect_ratio_policy="not_smaller", mode="linear", antialias=1,
       runtime=("sizes",))
resize("resize10_rt_nearest_downsample", (1, 1, 6, 8), 10, scales=[1, 1, 0.5, 0.75],
       runtime=S)
resize("upsample9_rt_nearest", (1, 2, 2, 3), 9, scales=[1, 1, 2, 3], op="Upsample", runtime=S)
resize("upsample9_rt_linear", (1, 1, 3, 4), 9, scales=[1, 1, 2, 2], op="Upsample",
       mode="linear", runtime=S)

# ==========================================================================
# norm: BatchNormalization (inference)
# ==========================================================================
F = "norm"


def bn(name, x_shape, opset, eps=None, var_scale=1.0, **attrs):
    c = x_shape[1]
    r = T.rng(next_seed())
    inits = {
        "scale": r.uniform(0.5, 1.5, c).astype(np.float32),
        "bias": r.standard_normal(c).astype(np.float32),
        "mean": r.standard_normal(c).astype(np.float32) * 0.5,
        "var": (r.uniform(0.2, 2.0, c) * var_scale).astype(np.float32),
    }
    if eps is not None:
        attrs["epsilon"] = eps
    op_case(name, F, "BatchNormalization", {"x": rn(*x_shape)},
            node_inputs=["x", "scale", "bias", "mean", "var"], initializers=inits,
            attrs=attrs, opset=opset)


bn("batchnorm7_4d_spatial", (2, 3, 4, 4), 7, spatial=1)
bn("batchnorm9_4d", (2, 3, 4, 4), 9)
bn("batchnorm14_4d", (1, 4, 5, 5), 14)
bn("batchnorm14_training_mode0", (1, 4, 3, 3), 14, training_mode=0)
bn("batchnorm15_4d", (2, 3, 4, 4), 15)
bn("batchnorm15_2d", (4, 5), 15)
bn("batchnorm15_3d", (2, 3, 6), 15)
bn("batchnorm15_5d", (1, 2, 3, 3, 3), 15)
bn("batchnorm15_large_epsilon", (1, 3, 4, 4), 15, eps=0.1)
bn("batchnorm9_tiny_variance", (1, 3, 4, 4), 9, eps=1e-5, var_scale=1e-4)


# LayerNormalization-17: normalize over the dims from `axis` (default -1) on,
# then Y = normalized * Scale + B (B optional); Scale and B have the
# normalized shape. epsilon defaults to 1e-5.
def layernorm(name, x_shape, axis=None, bias=True, eps=None, opset=17, offset=0.0,
              scale_input=False):
    r = T.rng(next_seed())
    norm_axis = (axis if axis is not None else -1) % len(x_shape)
    nshape = tuple(x_shape[norm_axis:])
    gi = {"x": (rn(*x_shape) * 2.0 + offset).astype(np.float32)}
    inits = {}
    (gi if scale_input else inits)["scale"] = r.uniform(0.5, 1.5, nshape).astype(np.float32)
    node_inputs = ["x", "scale"]
    if bias:
        inits["bias"] = r.standard_normal(nshape).astype(np.float32)
        node_inputs.append("bias")
    attrs = {}
    if axis is not None:
        attrs["axis"] = axis
    if eps is not None:
        attrs["epsilon"] = eps
    op_case(name, F, "LayerNormalization", gi, node_inputs=node_inputs, initializers=inits,
            attrs=attrs, opset=opset)


layernorm("layernorm17_default_axis_3d", (2, 5, 16))
layernorm("layernorm17_axis_neg1_no_bias", (2, 5, 16), axis=-1, bias=False)
layernorm("layernorm17_axis1_3d", (2, 3, 8), axis=1)
layernorm("layernorm17_axis1_3d_no_bias", (3, 4, 5), axis=1, bias=False)
layernorm("layernorm17_axis_neg2_4d", (2, 3, 4, 6), axis=-2)
layernorm("layernorm17_axis0_all_dims", (3, 7), axis=0)
layernorm("layernorm17_2d_odd_width", (4, 33))
layernorm("layernorm17_epsilon_large", (2, 4, 8), eps=0.5)
layernorm("layernorm17_epsilon_bert_1e-12", (1, 6, 32), eps=1e-12)
layernorm("layernorm17_mean_offset_10", (3, 64), offset=10.0)
layernorm("layernorm17_scale_runtime_input", (2, 3, 10), scale_input=True)
layernorm("layernorm17_in_opset22_model", (2, 4, 12), opset=22)

# ==========================================================================
# shape: Flatten, Reshape, Transpose, Concat, Constant, Identity
# ==========================================================================
F = "shape"

op_case("flatten9_default_axis", F, "Flatten", {"x": rn(2, 3, 4, 5)}, opset=9)
op_case("flatten11_axis0", F, "Flatten", {"x": rn(2, 3, 4)}, attrs={"axis": 0}, opset=11)
op_case("flatten13_axis2", F, "Flatten", {"x": rn(2, 3, 4, 5)}, attrs={"axis": 2}, opset=13)
op_case("flatten13_axis_neg1", F, "Flatten", {"x": rn(2, 3, 4)}, attrs={"axis": -1}, opset=13)
op_case("flatten21_axis_rank", F, "Flatten", {"x": rn(2, 3, 4)}, attrs={"axis": 3}, opset=21)


def reshape(name, x_shape, shape, opset, via_constant=False, **attrs):
    s = np.array(shape, dtype=np.int64)
    if via_constant:
        op_case(name, F, "Reshape", {"x": rn(*x_shape)}, node_inputs=["x", "shape"],
                attrs=attrs, opset=opset,
                pre_nodes=[helper.make_node("Constant", [], ["shape"], name="shape_const",
                                            value=T.init("shape", s))])
    else:
        op_case(name, F, "Reshape", {"x": rn(*x_shape)}, node_inputs=["x", "shape"],
                initializers={"shape": s}, attrs=attrs, opset=opset)


reshape("reshape5_plain", (2, 3, 4), [4, 6], 7)  # Reshape-5 semantics
reshape("reshape5_zero_and_neg1", (2, 3, 4), [0, -1], 7)
reshape("reshape13_neg1_middle", (2, 3, 4), [2, -1, 2], 13)
reshape("reshape13_zero_copies_dim", (2, 3, 4), [0, 3, 2, 2], 13)
reshape("reshape14_allowzero0_copies", (2, 3, 4), [0, 0, 4, 1], 14, allowzero=0)
reshape("reshape14_allowzero1_no_zero_dims", (2, 3, 4), [6, -1], 14, allowzero=1)
reshape("reshape19_shape_from_constant", (2, 12), [3, 2, 4], 19, via_constant=True)
reshape("reshape14_to_rank1", (2, 3, 4), [-1], 14)

op_case("transpose_default_reverse_3d", F, "Transpose", {"x": rn(2, 3, 4)}, opset=13)
op_case("transpose_2d", F, "Transpose", {"x": rn(5, 3)}, attrs={"perm": [1, 0]}, opset=7)
op_case("transpose_nchw_to_nhwc", F, "Transpose", {"x": rn(2, 3, 4, 5)},
        attrs={"perm": [0, 2, 3, 1]}, opset=13)
op_case("transpose_4d_0213", F, "Transpose", {"x": rn(2, 3, 4, 5)},
        attrs={"perm": [0, 2, 1, 3]}, opset=21)
op_case("transpose_5d", F, "Transpose", {"x": rn(2, 1, 3, 2, 4)},
        attrs={"perm": [4, 2, 0, 3, 1]}, opset=13)


def concat(name, shapes, axis, opset, init_index=None):
    gi, inits, names = {}, {}, []
    for i, s in enumerate(shapes):
        n = f"x{i}"
        (inits if i == init_index else gi)[n] = rn(*s)
        names.append(n)
    op_case(name, F, "Concat", gi, node_inputs=names, initializers=inits,
            attrs={"axis": axis}, opset=opset)


concat("concat7_axis0", [(2, 3), (4, 3)], 0, 7)
concat("concat11_axis_neg1", [(2, 3, 1), (2, 3, 4)], -1, 11)
concat("concat13_axis1_three_inputs", [(1, 2, 4, 4), (1, 3, 4, 4), (1, 1, 4, 4)], 1, 13)
concat("concat13_with_initializer", [(2, 3), (2, 5)], 1, 13, init_index=1)
concat("concat13_middle_axis_3d", [(2, 1, 3), (2, 2, 3), (2, 3, 3)], 1, 13)
concat("concat13_single_input", [(2, 3)], 0, 13)
op_case("transpose_identity_perm", F, "Transpose", {"x": rn(2, 3, 4)}, attrs={"perm": [0, 1, 2]},
        opset=13)
reshape("reshape14_same_shape", (2, 3, 4), [2, 3, 4], 14)


def _constant_case(name, opset, const_attr, shape):
    def fn():
        x = rn(*shape)
        nodes = [helper.make_node("Constant", [], ["c"], name="const0", **const_attr),
                 helper.make_node("Add", ["x", "c"], ["y"], name="add0")]
        model = T.make_model(nodes, [T.tensor_info("x", shape)], [T.tensor_info("y", shape)],
                             opset=opset)
        T.run_case(name, model, {"x": x})

    T.add_case(name, fn, F)


_constant_case("constant_value_tensor", 9,
               {"value": T.init("c", T.randn(7, 3, 4))}, (2, 3, 4))
_constant_case("constant_value_float", 12, {"value_float": 2.5}, (2, 3))
_constant_case("constant_value_floats", 13, {"value_floats": [1.0, -2.0, 3.5, 0.25]}, (3, 4))


def _constant_as_output():
    x = rn(2, 2)
    c = T.randn(8, 3, 2)
    nodes = [helper.make_node("Constant", [], ["c"], name="const0", value=T.init("c", c)),
             helper.make_node("Relu", ["x"], ["y"], name="relu0")]
    model = T.make_model(nodes, [T.tensor_info("x", (2, 2))],
                         [T.tensor_info("y", (2, 2)), T.tensor_info("c", (3, 2))])
    T.run_case("constant_is_graph_output", model, {"x": x})


T.add_case("constant_is_graph_output", _constant_as_output, F)

op_case("identity13", F, "Identity", {"x": rn(3, 4)}, opset=13)
op_case("identity16", F, "Identity", {"x": rn(2, 3, 4)}, opset=16)


def _identity_of_initializer():
    x = rn(2, 3)
    nodes = [helper.make_node("Identity", ["w"], ["w2"], name="id_w"),
             helper.make_node("Mul", ["x", "w2"], ["y"], name="mul0")]
    model = T.make_model(nodes, [T.tensor_info("x", (2, 3))], [T.tensor_info("y", (2, 3))],
                         [T.init("w", T.randn(9, 2, 3))], opset=14)
    T.run_case("identity_of_initializer", model, {"x": x})


T.add_case("identity_of_initializer", _identity_of_initializer, F)


def _identity_chain():
    x = rn(2, 5)
    nodes = [helper.make_node("Identity", ["x"], ["a"], name="id0"),
             helper.make_node("Relu", ["a"], ["b"], name="relu0"),
             helper.make_node("Identity", ["b"], ["y"], name="id1"),
             helper.make_node("Identity", ["x"], ["x_copy"], name="id2")]
    model = T.make_model(nodes, [T.tensor_info("x", (2, 5))],
                         [T.tensor_info("y", (2, 5)), T.tensor_info("x_copy", (2, 5))],
                         opset=16)
    T.run_case("identity_chain_and_passthrough", model, {"x": x})


T.add_case("identity_chain_and_passthrough", _identity_chain, F)


def _shape_chain():
    """Flatten -> Reshape -> Transpose -> Concat with its own input, in one graph."""
    x = rn(2, 3, 4)
    nodes = [
        helper.make_node("Flatten", ["x"], ["f"], name="flat0", axis=1),        # [2, 12]
        helper.make_node("Reshape", ["f", "s"], ["r"], name="reshape0"),        # [2, 4, 3]
        helper.make_node("Transpose", ["r"], ["t"], name="tr0", perm=[0, 2, 1]),  # [2, 3, 4]
        helper.make_node("Concat", ["t", "x"], ["y"], name="cat0", axis=2),     # [2, 3, 8]
    ]
    model = T.make_model(nodes, [T.tensor_info("x", (2, 3, 4))], [T.tensor_info("y", (2, 3, 8))],
                         [T.init("s", np.array([2, 4, 3], np.int64))], opset=14)
    T.run_case("shape_op_chain", model, {"x": x})


T.add_case("shape_op_chain", _shape_chain, F)


# ==========================================================================
# Ops added with the reduce family; kept after the older cases so that
# their seeds (next_seed) are unchanged.
# ==========================================================================
F = "elementwise"

# Pow: float base; the exponent may be float or integer (its own type from
# opset 12), broadcast with numpy rules.
def positive(*shape: int) -> np.ndarray:
    return np.abs(rn(*shape)) + 0.1


op_case("pow7_same_shape", F, "Pow", {"a": positive(2, 3, 4), "b": rn(2, 3, 4)}, opset=7)
op_case("pow13_broadcast_exponent_row", F, "Pow", {"a": positive(3, 4), "b": rn(4)}, opset=13)
op_case("pow15_const_square_negative_base", F, "Pow", {"a": rn(3, 5)},
        initializers={"b": scalar(2.0)}, node_inputs=["a", "b"], opset=15)
op_case("pow15_const_sqrt", F, "Pow", {"a": positive(2, 7)},
        initializers={"b": scalar(0.5)}, node_inputs=["a", "b"], opset=15)
op_case("pow12_int64_exponent", F, "Pow", {"a": rn(2, 3)},
        initializers={"b": np.array([3, -2, 0], np.int64)}, node_inputs=["a", "b"], opset=12)
op_case("pow13_int32_exponent_input", F, "Pow",
        {"a": rn(4, 3), "b": np.array([[1], [2], [3], [-1]], np.int32)}, opset=13)

# Max / Min: variadic, numpy broadcasting from opset 8, integers from 12.
op_case("max6_one_input", F, "Max", {"a": rn(3, 4)}, opset=7)
op_case("max8_two_broadcast", F, "Max", {"a": rn(3, 4), "b": rn(4)}, opset=8)
op_case("max13_three_inputs", F, "Max", {"a": rn(2, 3, 4), "b": rn(3, 1), "c": rn(1, 4)},
        opset=13)
op_case("min8_two_broadcast", F, "Min", {"a": rn(2, 1, 3), "b": rn(4, 1)}, opset=8)
op_case("min13_three_with_init", F, "Min", {"a": rn(3, 4), "b": rn(3, 4)},
        initializers={"c": scalar(0.25)}, node_inputs=["a", "b", "c"], opset=13)
op_case("max12_int64", F, "Max",
        {"a": np.array([[1, -5, 7], [0, 2, -3]], np.int64), "b": np.array([2, -6, 5], np.int64)},
        opset=12, out_dtype=TensorProto.INT64)
op_case("min13_int32", F, "Min",
        {"a": np.array([4, -1, 9, 0], np.int32), "b": np.array([3, 2, 9, -7], np.int32)},
        opset=13, out_dtype=TensorProto.INT32)


# Comparisons (bool results) and Where.
def rounded(*shape: int) -> np.ndarray:
    """Half-integers in [-2, 2]: equal elements are likely."""
    return np.round(rn(*shape) * 2.0) / 2.0


op_case("equal11_float_broadcast", F, "Equal", {"a": rounded(3, 4), "b": rounded(4)}, opset=11,
        out_dtype=TensorProto.BOOL)
op_case("equal13_int64", F, "Equal",
        {"a": np.array([[1, 2, 3], [4, 5, 6]], np.int64), "b": np.array([1, 5, 6], np.int64)},
        opset=13, out_dtype=TensorProto.BOOL)
op_case("equal19_bool", F, "Equal",
        {"a": np.array([True, False, True, False]), "b": np.array([True, True, False, False])},
        opset=19, out_dtype=TensorProto.BOOL)
op_case("less13_float", F, "Less", {"a": rounded(2, 3, 4), "b": rounded(3, 1)}, opset=13,
        out_dtype=TensorProto.BOOL)
op_case("less9_int32", F, "Less",
        {"a": np.array([-3, 0, 5, 7], np.int32), "b": np.array([0, 0, 6, -8], np.int32)},
        opset=9, out_dtype=TensorProto.BOOL)
op_case("greater13_float", F, "Greater", {"a": rounded(3, 4), "b": rounded(1, 4)}, opset=13,
        out_dtype=TensorProto.BOOL)
op_case("less_or_equal16", F, "LessOrEqual", {"a": rounded(4, 3), "b": rounded(3)}, opset=16,
        out_dtype=TensorProto.BOOL)
op_case("greater_or_equal12_int64", F, "GreaterOrEqual",
        {"a": np.array([[1, 2], [3, 4]], np.int64), "b": np.array([2, 2], np.int64)},
        opset=12, out_dtype=TensorProto.BOOL)
op_case("where16_broadcast", F, "Where",
        {"c": rn(3, 1) > 0, "a": rn(3, 4), "b": rn(4)}, opset=16)
op_case("where9_int64_scalar_b", F, "Where",
        {"c": rn(2, 3) > 0, "a": np.arange(6, dtype=np.int64).reshape(2, 3)},
        initializers={"b": np.array(-1, np.int64)}, node_inputs=["c", "a", "b"], opset=9,
        out_dtype=TensorProto.INT64)


def _compare_then_where():
    """Greater -> Where in one graph (a ReLU spelled with a mask)."""
    x = rn(3, 5)
    nodes = [helper.make_node("Greater", ["x", "zero"], ["m"], name="gt0"),
             helper.make_node("Where", ["m", "x", "zero"], ["y"], name="where0")]
    model = T.make_model(nodes, [T.tensor_info("x", (3, 5))], [T.tensor_info("y", (3, 5))],
                         [T.init("zero", scalar(0.0))], opset=13)
    T.run_case("greater_then_where_relu", model, {"x": x})


T.add_case("greater_then_where_relu", _compare_then_where, F)


F = "activation"
# Unary float ops and parametrized activations.
op_case("exp13_3d", F, "Exp", {"x": rn(2, 3, 4, scale=2.0)}, opset=13)
op_case("exp6_wide_range", F, "Exp",
        {"x": np.linspace(-20, 20, 41, dtype=np.float32).reshape(1, 41)}, opset=7)
op_case("log13_positive", F, "Log", {"x": positive(3, 7)}, opset=13)
op_case("sqrt13_positive", F, "Sqrt", {"x": positive(4, 5)}, opset=13)
op_case("sqrt6_opset7", F, "Sqrt", {"x": positive(9)}, opset=7)
op_case("reciprocal13", F, "Reciprocal", {"x": away_from_zero(3, 4)}, opset=13)
op_case("floor13", F, "Floor", {"x": rn(3, 5, scale=3.0)}, opset=13)
op_case("ceil13", F, "Ceil", {"x": rn(3, 5, scale=3.0)}, opset=13)
op_case("neg13_float", F, "Neg", {"x": rn(2, 6)}, opset=13)
op_case("neg13_int64", F, "Neg", {"x": np.array([[3, -4, 0], [7, -9, 1]], np.int64)}, opset=13,
        out_dtype=TensorProto.INT64)
op_case("abs13_float", F, "Abs", {"x": rn(4, 4)}, opset=13)
op_case("abs6_int32", F, "Abs", {"x": np.array([-5, 0, 3, -2147483647], np.int32)}, opset=7,
        out_dtype=TensorProto.INT32)
op_case("softplus1_wide_range", F, "Softplus",
        {"x": np.linspace(-30, 30, 61, dtype=np.float32).reshape(1, 61)}, opset=13)
op_case("softplus22", F, "Softplus", {"x": rn(3, 4, scale=3.0)}, opset=22)
op_case("hardswish14", F, "HardSwish", {"x": rn(2, 3, 8, scale=4.0)}, opset=14)
op_case("leakyrelu6_default_alpha", F, "LeakyRelu", {"x": rn(3, 5)}, opset=7)
op_case("leakyrelu16_alpha", F, "LeakyRelu", {"x": rn(3, 5)}, attrs={"alpha": 0.2}, opset=16)
op_case("hardsigmoid6_defaults", F, "HardSigmoid", {"x": rn(3, 5, scale=4.0)}, opset=7)
op_case("hardsigmoid22_alpha_beta", F, "HardSigmoid", {"x": rn(4, 6, scale=4.0)},
        attrs={"alpha": 0.3, "beta": 0.4}, opset=22)
op_case("elu6_default_alpha", F, "Elu", {"x": rn(3, 5, scale=2.0)}, opset=7)
op_case("elu22_alpha", F, "Elu", {"x": rn(3, 5, scale=2.0)}, attrs={"alpha": 0.5}, opset=22)
op_case("gelu20_exact", F, "Gelu", {"x": rn(2, 3, 8, scale=2.0)}, opset=20)
op_case("gelu20_exact_explicit_none", F, "Gelu", {"x": rn(37, scale=3.0)},
        attrs={"approximate": "none"}, opset=20)
op_case("gelu20_tanh", F, "Gelu", {"x": rn(2, 3, 8, scale=2.0)}, attrs={"approximate": "tanh"},
        opset=20)
op_case("gelu22_tanh_wide_range", F, "Gelu",
        {"x": np.linspace(-8, 8, 65, dtype=np.float32).reshape(1, 65)},
        attrs={"approximate": "tanh"}, opset=22)

# ==========================================================================
# reduce: Reduce* (axes attribute before opset 18, ReduceSum before 13;
# constant input after), keepdims, noop_with_empty_axes
# ==========================================================================
F = "reduce"


def reduce(name, op, x, opset, axes=None, axes_input=False, out_dtype=TensorProto.FLOAT,
           **attrs):
    gi, inits, node_inputs = {"x": x}, {}, ["x"]
    if axes is not None:
        if axes_input:
            inits["axes"] = np.array(axes, np.int64)
            node_inputs.append("axes")
        else:
            attrs["axes"] = axes
    op_case(name, F, op, gi, node_inputs=node_inputs, initializers=inits, attrs=attrs,
            opset=opset, out_dtype=out_dtype)


reduce("reducesum11_axis1_keepdims", "ReduceSum", rn(2, 3, 4), 11, axes=[1])
reduce("reducesum11_all_axes_no_keepdims", "ReduceSum", rn(2, 3, 4), 11, keepdims=0)
reduce("reducesum13_axes_input_neg", "ReduceSum", rn(2, 3, 4), 13, axes=[-1, 0],
       axes_input=True)
reduce("reducesum13_no_axes_all", "ReduceSum", rn(3, 5), 13, keepdims=0)
reduce("reducesum13_noop_empty_axes", "ReduceSum", rn(3, 5), 13, noop_with_empty_axes=1)
reduce("reducesum13_int64", "ReduceSum", np.arange(24, dtype=np.int64).reshape(2, 3, 4) - 7,
       13, axes=[1], axes_input=True, out_dtype=TensorProto.INT64)
def _empty_axes_graph_input(name, noop):
    # A zero-element graph input carries no data, so dsc imports it as a
    # constant (empty axes: reduce all, or nothing with noop_with_empty_axes);
    # the runner still takes the (empty) .npy.
    gi = {"x": rn(3, 4), "axes": np.zeros((0,), np.int64)}
    attrs = {"noop_with_empty_axes": 1} if noop else {}
    op_case(name, F, "ReduceSum", gi, node_inputs=["x", "axes"], attrs=attrs, opset=13)


_empty_axes_graph_input("reducesum13_empty_axes_graph_input", noop=False)
_empty_axes_graph_input("reducesum13_empty_axes_graph_input_noop", noop=True)
reduce("reducemean13_axes_attr", "ReduceMean", rn(2, 3, 4, 5), 13, axes=[2, 3])
reduce("reducemean13_middle_no_keepdims", "ReduceMean", rn(2, 3, 4), 13, axes=[1], keepdims=0)
reduce("reducemean18_axes_input", "ReduceMean", rn(2, 8, 6), 18, axes=[-1], axes_input=True)
reduce("reducemean18_no_axes", "ReduceMean", rn(2, 3, 4), 18)
reduce("reducemean18_noop_empty_axes", "ReduceMean", rn(2, 3), 18, noop_with_empty_axes=1)
reduce("reducemax13_axis0", "ReduceMax", rn(4, 3, 2), 13, axes=[0])
reduce("reducemax18_negative_values", "ReduceMax", -np.abs(rn(3, 7)) - 1.0, 18, axes=[1],
       axes_input=True, keepdims=0)
reduce("reducemax20_int32", "ReduceMax", np.array([[3, -9, 4], [-1, -2, -3]], np.int32), 20,
       axes=[1], axes_input=True, out_dtype=TensorProto.INT32)
reduce("reducemin13_all", "ReduceMin", rn(3, 4, 5), 13)
reduce("reducemin18_axes_0_2", "ReduceMin", rn(3, 4, 5), 18, axes=[0, 2], axes_input=True)
reduce("reduceprod13_axis1", "ReduceProd", rn(3, 4) * 0.5 + 1.0, 13, axes=[1])
reduce("reduceprod18_int64", "ReduceProd", np.array([[1, 2, 3], [-4, 5, 1]], np.int64), 18,
       axes=[0], axes_input=True, out_dtype=TensorProto.INT64)
reduce("reducel1_13", "ReduceL1", rn(2, 3, 4), 13, axes=[2])
reduce("reducel2_13_axis1", "ReduceL2", rn(2, 3, 4), 13, axes=[1])
reduce("reducel2_18_all_no_keepdims", "ReduceL2", rn(5, 6), 18, keepdims=0)
reduce("reducesumsquare13", "ReduceSumSquare", rn(2, 3, 4), 13, axes=[0, 2])
reduce("reducesumsquare18_input", "ReduceSumSquare", rn(2, 3, 4), 18, axes=[1],
       axes_input=True, keepdims=0)
reduce("reducelogsum13", "ReduceLogSum", positive(3, 4), 13, axes=[1])
reduce("reducelogsumexp13", "ReduceLogSumExp", rn(3, 4, scale=3.0), 13, axes=[1])
reduce("reducelogsumexp18_large_values", "ReduceLogSumExp", rn(2, 5, scale=40.0) + 60.0, 18,
       axes=[1], axes_input=True)
reduce("reducemean11_4d_spatial_like_gap", "ReduceMean", rn(1, 8, 5, 5), 11, axes=[2, 3])

F = "shape"
# Shape / Size / Unsqueeze / Squeeze / Cast / Gather / ConstantOfShape /
# Range / Expand / Slice; constant inputs fold at import.
op_case("shape13", F, "Shape", {"x": rn(2, 3, 4)}, opset=13, out_dtype=TensorProto.INT64)
op_case("shape15_start_end", F, "Shape", {"x": rn(2, 3, 4, 5)}, attrs={"start": 1, "end": -1},
        opset=15, out_dtype=TensorProto.INT64)
op_case("shape15_start_only_negative", F, "Shape", {"x": rn(2, 3, 4)}, attrs={"start": -2},
        opset=15, out_dtype=TensorProto.INT64)
op_case("size13", F, "Size", {"x": rn(2, 3, 4)}, opset=13, out_dtype=TensorProto.INT64)
op_case("unsqueeze11_axes_attr", F, "Unsqueeze", {"x": rn(3, 4)}, attrs={"axes": [0, 3]},
        opset=11)
op_case("unsqueeze13_axes_input_neg", F, "Unsqueeze", {"x": rn(3, 4)},
        initializers={"axes": np.array([-1, 1], np.int64)}, node_inputs=["x", "axes"], opset=13)
op_case("squeeze11_axes_attr", F, "Squeeze", {"x": rn(1, 3, 1, 4)}, attrs={"axes": [0, -2]},
        opset=11)
op_case("squeeze13_all_unit_dims", F, "Squeeze", {"x": rn(1, 3, 1, 4, 1)}, opset=13)
op_case("squeeze13_axes_input", F, "Squeeze", {"x": rn(2, 1, 4)},
        initializers={"axes": np.array([1], np.int64)}, node_inputs=["x", "axes"], opset=13)
op_case("cast13_float_to_int64_truncates", F, "Cast",
        {"x": np.array([[-2.7, -0.5, 0.0], [0.5, 1.9, 123.99]], np.float32)},
        attrs={"to": TensorProto.INT64}, opset=13, out_dtype=TensorProto.INT64)
op_case("cast13_int64_to_float", F, "Cast", {"x": np.array([-7, 0, 3, 1 << 40], np.int64)},
        attrs={"to": TensorProto.FLOAT}, opset=13)
op_case("cast13_int32_to_int64", F, "Cast", {"x": np.array([-7, 0, 2147483647], np.int32)},
        attrs={"to": TensorProto.INT64}, opset=13, out_dtype=TensorProto.INT64)
op_case("cast13_int64_to_int32", F, "Cast", {"x": np.array([-7, 0, 65536], np.int64)},
        attrs={"to": TensorProto.INT32}, opset=13, out_dtype=TensorProto.INT32)
op_case("cast13_float_to_bool", F, "Cast", {"x": np.array([0.0, -0.0, 0.1, -3.0], np.float32)},
        attrs={"to": TensorProto.BOOL}, opset=13, out_dtype=TensorProto.BOOL)
op_case("cast9_bool_to_float", F, "Cast", {"x": np.array([True, False, True])},
        attrs={"to": TensorProto.FLOAT}, opset=9)
op_case("cast19_float_to_double", F, "Cast", {"x": rn(2, 3)}, attrs={"to": TensorProto.DOUBLE},
        opset=19, out_dtype=TensorProto.DOUBLE)
op_case("cast13_uint8_to_float", F, "Cast", {"x": np.array([0, 7, 200, 255], np.uint8)},
        attrs={"to": TensorProto.FLOAT}, opset=13)
op_case("cast13_float_to_float16", F, "Cast", {"x": rn(3, 4)}, attrs={"to": TensorProto.FLOAT16},
        opset=13, out_dtype=TensorProto.FLOAT16)
op_case("gather13_axis0_embedding", F, "Gather", {"ids": np.array([[0, 3], [9, -1]], np.int64)},
        initializers={"table": rn(10, 4)}, node_inputs=["table", "ids"], opset=13)
op_case("gather13_axis1_runtime_data", F, "Gather", {"x": rn(2, 5, 3)},
        initializers={"i": np.array([4, 0, -2], np.int64)}, node_inputs=["x", "i"],
        attrs={"axis": 1}, opset=13)
op_case("gather11_scalar_index_neg_axis", F, "Gather", {"x": rn(2, 3, 4)},
        initializers={"i": np.array(2, np.int64)}, node_inputs=["x", "i"], attrs={"axis": -1},
        opset=11)
op_case("gather13_int32_runtime_indices", F, "Gather",
        {"x": rn(6, 2), "i": np.array([5, -6, 2, 2], np.int32)}, opset=13)
op_case("constantofshape9_default_zero", F, "ConstantOfShape", {},
        initializers={"s": np.array([2, 3], np.int64)}, node_inputs=["s"], opset=9)
op_case("constantofshape20_int64_value", F, "ConstantOfShape", {},
        initializers={"s": np.array([4], np.int64)}, node_inputs=["s"],
        attrs={"value": T.init("v", np.array([7], np.int64))}, opset=20,
        out_dtype=TensorProto.INT64)
op_case("range11_int64", F, "Range", {},
        initializers={"a": np.array(2, np.int64), "b": np.array(11, np.int64),
                      "d": np.array(3, np.int64)},
        node_inputs=["a", "b", "d"], opset=11, out_dtype=TensorProto.INT64)
op_case("range11_float_negative_delta", F, "Range", {},
        initializers={"a": scalar(1.0), "b": scalar(-2.0), "d": scalar(-0.75)},
        node_inputs=["a", "b", "d"], opset=11)
op_case("expand8_row_to_matrix", F, "Expand", {"x": rn(3, 1)},
        initializers={"s": np.array([2, 3, 4], np.int64)}, node_inputs=["x", "s"], opset=8)
op_case("expand13_shape_with_ones", F, "Expand", {"x": rn(2, 1, 4)},
        initializers={"s": np.array([3, 1], np.int64)}, node_inputs=["x", "s"], opset=13)
op_case("slice1_attrs", F, "Slice", {"x": rn(4, 6)},
        attrs={"starts": [1, 0], "ends": [3, 5], "axes": [0, 1]}, opset=7)
op_case("slice9_attrs_default_axes_clamped", F, "Slice", {"x": rn(3, 5)},
        attrs={"starts": [-10, 2], "ends": [2, 1000]}, opset=9)


def slice_case(name, x_shape, starts, ends, axes=None, steps=None, opset=13):
    inits = {"st": np.array(starts, np.int64), "en": np.array(ends, np.int64)}
    node_inputs = ["x", "st", "en"]
    if axes is not None:
        inits["ax"] = np.array(axes, np.int64)
        node_inputs.append("ax")
    if steps is not None:
        if axes is None:
            node_inputs.append("")
        inits["sp"] = np.array(steps, np.int64)
        node_inputs.append("sp")
    op_case(name, F, "Slice", {"x": rn(*x_shape)}, node_inputs=node_inputs, initializers=inits,
            opset=opset)


slice_case("slice10_starts_ends", (4, 6), [1, 2], [3, 6], opset=10)
slice_case("slice13_axes_neg_and_steps", (3, 8, 5), [1, 0], [8, -1], axes=[-2, 0], steps=[2, 1])
slice_case("slice13_negative_step_reverse", (2, 7), [-1], [-1000], axes=[1], steps=[-1])
slice_case("slice13_negative_step_stride2", (6, 4), [4, 3], [0, 0], axes=[0, 1], steps=[-2, -1])
slice_case("slice13_int_max_end", (5, 3), [1], [9223372036854775807], axes=[0])
slice_case("slice11_steps_no_axes", (6, 6), [0, 1], [6, 6], steps=[3, 2], opset=11)


def _shape_subgraph():
    """Exporter-style Reshape(x, Concat(Unsqueeze(Gather(Shape(x), 0)), [-1]))
    plus Cast/Size/Slice/Range/ConstantOfShape/Expand on shape values, all
    folded at import."""
    x = rn(2, 3, 4)
    nodes = [
        helper.make_node("Shape", ["x"], ["s"], name="shape0"),
        helper.make_node("Gather", ["s", "zero"], ["n"], name="gather0", axis=0),
        helper.make_node("Unsqueeze", ["n", "ax0"], ["n1"], name="unsq0"),
        helper.make_node("Concat", ["n1", "minus1"], ["target"], name="cat0", axis=0),
        helper.make_node("Reshape", ["x", "target"], ["r"], name="reshape0"),       # [2, 12]
        helper.make_node("Slice", ["s", "one", "big"], ["tail"], name="slice0"),    # [3, 4]
        helper.make_node("ReduceProd", ["tail"], ["prod"], name="prod0", keepdims=1),
        helper.make_node("Cast", ["prod"], ["prodf"], name="cast0", to=TensorProto.FLOAT),
        helper.make_node("Size", ["x"], ["size"], name="size0"),
        helper.make_node("Squeeze", ["n1", "ax0"], ["nsq"], name="squeeze0"),
        helper.make_node("Range", ["zero", "nsq", "one_s"], ["rng"], name="range0"),   # [0, 1]
        helper.make_node("Cast", ["rng"], ["rngf"], name="cast1", to=TensorProto.FLOAT),
        helper.make_node("Unsqueeze", ["rngf", "ax1"], ["col"], name="unsq1"),          # [2, 1]
        helper.make_node("Concat", ["n1", "prod"], ["target2"], name="cat1", axis=0),  # [2, 12]
        helper.make_node("ConstantOfShape", ["target2"], ["ones"], name="cos0",
                         value=T.init("v", np.array([1.0], np.float32))),
        helper.make_node("Expand", ["col", "target2"], ["colx"], name="expand0"),
        helper.make_node("Mul", ["r", "ones"], ["r1"], name="mul0"),
        helper.make_node("Add", ["r1", "colx"], ["r2"], name="add0"),
        helper.make_node("Div", ["r2", "prodf"], ["y"], name="div0"),
    ]
    inits = [T.init("zero", np.array(0, np.int64)), T.init("ax0", np.array([0], np.int64)),
             T.init("ax1", np.array([1], np.int64)), T.init("minus1", np.array([-1], np.int64)),
             T.init("one", np.array([1], np.int64)), T.init("one_s", np.array(1, np.int64)),
             T.init("big", np.array([100], np.int64))]
    model = T.make_model(nodes, [T.tensor_info("x", (2, 3, 4))],
                         [T.tensor_info("y", (2, 12)),
                          T.tensor_info("size", (), TensorProto.INT64)], inits, opset=13)
    T.run_case("shape_subgraph_folds_at_import", model, {"x": x})


T.add_case("shape_subgraph_folds_at_import", _shape_subgraph, F)


def _cast_chain():
    """Runtime casts float -> int32 -> int64 -> float and a bool mask."""
    x = rn(3, 4, scale=5.0)
    nodes = [helper.make_node("Cast", ["x"], ["i"], name="c0", to=TensorProto.INT32),
             helper.make_node("Cast", ["i"], ["l"], name="c1", to=TensorProto.INT64),
             helper.make_node("Cast", ["l"], ["f"], name="c2", to=TensorProto.FLOAT),
             helper.make_node("Cast", ["x"], ["b"], name="c3", to=TensorProto.BOOL),
             helper.make_node("Cast", ["b"], ["bf"], name="c4", to=TensorProto.FLOAT),
             helper.make_node("Add", ["f", "bf"], ["y"], name="add0")]
    model = T.make_model(nodes, [T.tensor_info("x", (3, 4))], [T.tensor_info("y", (3, 4))],
                         opset=13)
    T.run_case("cast_chain_runtime", model, {"x": x})


T.add_case("cast_chain_runtime", _cast_chain, F)



# ==========================================================================
# Ops of the second wave (kept after the older cases so that their seeds
# are unchanged): more unary and parametrized activations, bool and integer
# binaries, variadic Sum/Mean, LogSoftmax/Hardmax, ArgMax/ArgMin, CastLike,
# Dropout.
# ==========================================================================
F = "activation"


def unit(*shape: int) -> np.ndarray:
    """Values in (-0.9, 0.9): inside asin/acos/atanh's domain."""
    return np.asarray(T.rng(next_seed()).uniform(-0.9, 0.9, size=shape), dtype=np.float32)


for _op, _x, _opset in [("Sin", rn(3, 4, scale=3.0), 7), ("Cos", rn(3, 4, scale=3.0), 22),
                        ("Tan", unit(3, 4), 7), ("Asin", unit(3, 4), 7),
                        ("Acos", unit(3, 4), 22), ("Atan", rn(3, 4, scale=3.0), 7),
                        ("Sinh", rn(3, 4), 9), ("Cosh", rn(3, 4), 9),
                        ("Asinh", rn(3, 4, scale=3.0), 9), ("Acosh", positive(3, 4) + 1.0, 9),
                        ("Atanh", unit(3, 4), 22), ("Softsign", rn(3, 4, scale=3.0), 13),
                        ("Mish", rn(3, 4, scale=3.0), 18), ("Sign", rn(3, 4), 13)]:
    op_case(f"{_op.lower()}{_opset}", F, _op, {"x": _x}, opset=_opset)
op_case("round11_halves_to_even", F, "Round",
        {"x": np.array([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 0.4, -0.6, 3.7], np.float32)}, opset=11)
op_case("sign13_int64", F, "Sign", {"x": np.array([-7, 0, 3], np.int64)}, opset=13,
        out_dtype=TensorProto.INT64)
op_case("selu6_defaults", F, "Selu", {"x": rn(3, 5, scale=2.0)}, opset=7)
op_case("selu6_alpha_gamma", F, "Selu", {"x": rn(3, 5, scale=2.0)},
        attrs={"alpha": 2.0, "gamma": 3.0}, opset=7)
op_case("celu12_alpha", F, "Celu", {"x": rn(3, 5, scale=2.0)}, attrs={"alpha": 2.0}, opset=12)
op_case("thresholded_relu10", F, "ThresholdedRelu", {"x": rn(3, 5, scale=2.0)}, opset=10)
op_case("thresholded_relu22_alpha", F, "ThresholdedRelu", {"x": rn(3, 5, scale=2.0)},
        attrs={"alpha": 0.5}, opset=22)
op_case("shrink9_bias", F, "Shrink", {"x": rn(3, 5, scale=2.0)},
        attrs={"bias": 0.5, "lambd": 1.0}, opset=9)
op_case("prelu16_channel_slope", F, "PRelu", {"x": rn(1, 3, 4, 4)},
        initializers={"s": rn(3, 1, 1)}, node_inputs=["x", "s"], opset=16)
op_case("prelu9_scalar_slope_input", F, "PRelu", {"x": rn(2, 5), "s": rn(1)}, opset=9)
op_case("logsoftmax13_last_axis", F, "LogSoftmax", {"x": rn(2, 3, 7, scale=5.0)}, opset=13)
op_case("logsoftmax13_axis1", F, "LogSoftmax", {"x": rn(2, 6, 3, scale=5.0)},
        attrs={"axis": 1}, opset=13)
op_case("logsoftmax11_coerced", F, "LogSoftmax", {"x": rn(2, 3, 4, scale=5.0)}, opset=11)
op_case("hardmax13_last_axis", F, "Hardmax", {"x": rn(3, 7)}, opset=13)
op_case("hardmax11_coerced_ties", F, "Hardmax",
        {"x": np.array([[[1, 3], [3, 0]], [[2, 2], [1, 2]]], np.float32)}, opset=11)

F = "elementwise"
_b1, _b2 = rn(2, 3, 4) > 0, rn(3, 1) > 0
for _op in ("And", "Or", "Xor"):
    op_case(f"{_op.lower()}7_broadcast", F, _op, {"a": _b1, "b": _b2}, opset=7,
            out_dtype=TensorProto.BOOL)
op_case("not1", F, "Not", {"a": _b1}, opset=7, out_dtype=TensorProto.BOOL)
_special = np.array([np.nan, np.inf, -np.inf, 0.0, -1.5, 3.0], np.float32)
op_case("isnan13", F, "IsNaN", {"x": _special}, opset=13, out_dtype=TensorProto.BOOL)
op_case("isinf10_both", F, "IsInf", {"x": _special}, opset=10, out_dtype=TensorProto.BOOL)
op_case("isinf20_negative_only", F, "IsInf", {"x": _special}, opset=20,
        attrs={"detect_positive": 0}, out_dtype=TensorProto.BOOL)
_ia = np.array([[-7, 7, -7, 7, 0, 9]], np.int32)
_ib = np.array([[3, -3, -3, 3, 5, 4], [2, 2, -2, -2, 3, -5]], np.int32)
op_case("mod10_int_python_sign", F, "Mod", {"a": _ia, "b": _ib}, opset=10,
        out_dtype=TensorProto.INT32)
op_case("mod13_int_fmod", F, "Mod", {"a": _ia, "b": _ib}, opset=13, attrs={"fmod": 1},
        out_dtype=TensorProto.INT32)
op_case("mod13_float_fmod", F, "Mod", {"a": rn(3, 4, scale=5.0), "b": away_from_zero(4)},
        opset=13, attrs={"fmod": 1})
op_case("mod13_uint8", F, "Mod",
        {"a": np.array([200, 7, 9], np.uint8), "b": np.array([7, 200, 3], np.uint8)}, opset=13,
        out_dtype=TensorProto.UINT8)
op_case("bitshift11_left_uint16", F, "BitShift",
        {"a": np.array([1, 3, 255], np.uint16), "b": np.array([1, 4, 8], np.uint16)},
        attrs={"direction": "LEFT"}, opset=11, out_dtype=TensorProto.UINT16)
op_case("bitshift11_right_uint8", F, "BitShift",
        {"a": np.array([255, 128, 7], np.uint8), "b": np.array([1], np.uint8)},
        attrs={"direction": "RIGHT"}, opset=11, out_dtype=TensorProto.UINT8)
op_case("sum8_three_broadcast", F, "Sum", {"a": rn(2, 3, 4), "b": rn(3, 1), "c": rn(4)}, opset=8)
op_case("sum13_one_input", F, "Sum", {"a": rn(3, 4)}, opset=13)
op_case("mean13_three", F, "Mean", {"a": rn(2, 3), "b": rn(3), "c": rn(2, 1)}, opset=13)

F = "reduce"
op_case("argmax13_axis1_keepdims", F, "ArgMax", {"x": rn(2, 5, 3)}, attrs={"axis": 1}, opset=13,
        out_dtype=TensorProto.INT64)
op_case("argmax11_negative_axis_nokeep", F, "ArgMax", {"x": rn(3, 4)},
        attrs={"axis": -1, "keepdims": 0}, opset=11, out_dtype=TensorProto.INT64)
_ties = np.array([[1, 3, 3, 0], [2, 2, 1, 2]], np.float32)
op_case("argmax12_select_last", F, "ArgMax", {"x": _ties},
        attrs={"axis": 1, "select_last_index": 1}, opset=12, out_dtype=TensorProto.INT64)
op_case("argmin13_first_tie", F, "ArgMin", {"x": -_ties}, attrs={"axis": 1}, opset=13,
        out_dtype=TensorProto.INT64)
op_case("argmin12_int32_last", F, "ArgMin", {"x": np.array([[3, 1, 1], [0, 5, 0]], np.int32)},
        attrs={"axis": 1, "select_last_index": 1}, opset=12, out_dtype=TensorProto.INT64)

F = "shape"
op_case("castlike15_float_to_int64", F, "CastLike",
        {"x": rn(3, 4, scale=5.0), "t": np.zeros((1,), np.int64)}, opset=15,
        out_dtype=TensorProto.INT64)
op_case("castlike19_int32_to_float", F, "CastLike",
        {"x": np.array([1, -2, 3], np.int32), "t": np.zeros((2,), np.float32)}, opset=19)
op_case("dropout13_inference", F, "Dropout", {"x": rn(3, 4)}, opset=13)
op_case("dropout7_ratio_attr", F, "Dropout", {"x": rn(3, 4)}, attrs={"ratio": 0.3}, opset=7)


# Compositions at import: Split, Tile, DepthToSpace/SpaceToDepth, Trilu, Pad.
F = "shape"


def _split(name, x, opset, n_out, split=None, axis=None, num_outputs=None):
    def fn():
        attrs = {} if axis is None else {"axis": axis}
        inits, ins = [], ["x"]
        if split is not None and opset < 13:
            attrs["split"] = split
        elif split is not None:
            inits.append(T.init("s", np.array(split, np.int64)))
            ins.append("s")
        if num_outputs is not None:
            attrs["num_outputs"] = num_outputs
        outs = [f"y{i}" for i in range(n_out)]
        node = helper.make_node("Split", ins, outs, name="split0", **attrs)
        probe = T.make_model([node], [T.tensor_info("x", x.shape)],
                             [helper.make_tensor_value_info(o, TensorProto.FLOAT, None)
                              for o in outs], inits, opset=opset, check=False)
        ref = T.reference(probe, {"x": x})
        model = T.make_model([node], [T.tensor_info("x", x.shape)],
                             [T.tensor_info(o, ref[o].shape) for o in outs], inits, opset=opset)
        T.run_case(name, model, {"x": x})

    T.add_case(name, fn, F)


_split("split11_attr_axis1", rn(2, 6), 11, 2, split=[2, 4], axis=1)
_split("split13_equal_default_axis", rn(6, 3), 13, 3)
_split("split13_input_sizes", rn(3, 7), 13, 3, split=[1, 4, 2], axis=-1)
_split("split18_num_outputs_uneven", rn(7, 2), 18, 3, num_outputs=3)
op_case("tile13_repeats", F, "Tile", {"x": rn(2, 3)},
        initializers={"r": np.array([2, 3], np.int64)}, node_inputs=["x", "r"], opset=13)
op_case("tile6_3d", F, "Tile", {"x": rn(2, 1, 3)},
        initializers={"r": np.array([1, 4, 2], np.int64)}, node_inputs=["x", "r"], opset=7)
op_case("depthtospace13_dcr", F, "DepthToSpace", {"x": rn(1, 8, 2, 3)}, attrs={"blocksize": 2},
        opset=13)
op_case("depthtospace11_crd", F, "DepthToSpace", {"x": rn(2, 8, 3, 2)},
        attrs={"blocksize": 2, "mode": "CRD"}, opset=11)
op_case("spacetodepth13", F, "SpaceToDepth", {"x": rn(1, 2, 4, 6)}, attrs={"blocksize": 2},
        opset=13)
op_case("trilu14_upper_default", F, "Trilu", {"x": rn(2, 4, 5)}, opset=14)
op_case("trilu14_lower_k", F, "Trilu", {"x": rn(4, 5)},
        initializers={"k": np.array(-1, np.int64)}, node_inputs=["x", "k"],
        attrs={"upper": 0}, opset=14)
op_case("pad13_constant_value", F, "Pad", {"x": rn(2, 3)},
        initializers={"p": np.array([1, 0, 2, 3], np.int64), "v": scalar(1.5)},
        node_inputs=["x", "p", "v"], opset=13)
op_case("pad13_negative_and_positive", F, "Pad", {"x": rn(3, 5)},
        initializers={"p": np.array([-1, 2, 1, -2], np.int64)}, node_inputs=["x", "p"], opset=13)
op_case("pad11_reflect", F, "Pad", {"x": rn(1, 2, 4, 5)},
        initializers={"p": np.array([0, 0, 2, 3, 0, 0, 1, 4], np.int64)},
        node_inputs=["x", "p"], attrs={"mode": "reflect"}, opset=11)
op_case("pad13_edge", F, "Pad", {"x": rn(3, 4)},
        initializers={"p": np.array([2, 1, 1, 3], np.int64)}, node_inputs=["x", "p"],
        attrs={"mode": "edge"}, opset=13)
op_case("pad19_wrap", F, "Pad", {"x": rn(3, 4)},
        initializers={"p": np.array([1, 2, 2, 3], np.int64)}, node_inputs=["x", "p"],
        attrs={"mode": "wrap"}, opset=19)
op_case("pad18_axes", F, "Pad", {"x": rn(2, 3, 4)},
        initializers={"p": np.array([1, 2, 0, 1], np.int64), "a": np.array([-1, 0], np.int64)},
        node_inputs=["x", "p", "", "a"], opset=18)
op_case("pad2_attr_value", F, "Pad", {"x": rn(2, 3)},
        attrs={"pads": [0, 1, 1, 0], "value": -2.0}, opset=7)

op_case("gather_elements13_axis1_negative", F, "GatherElements",
        {"x": rn(3, 4), "i": np.array([[0, -1], [3, 1], [2, 2]], np.int64)}, attrs={"axis": 1},
        opset=13)
op_case("gather_elements11_axis0_int32", F, "GatherElements",
        {"x": rn(3, 2, 2), "i": np.array([[[2, 0]], [[1, 1]]], np.int32)}, opset=11)

op_case("scatter_elements13_axis1_negative", F, "ScatterElements",
        {"x": rn(3, 4), "i": np.array([[0, -1], [3, 1], [2, 2]], np.int64), "u": rn(3, 2)},
        attrs={"axis": 1}, opset=13)
op_case("scatter_elements16_add_duplicates", F, "ScatterElements",
        {"x": rn(3, 3), "i": np.array([[1, 1, 0]], np.int64), "u": rn(1, 3)},
        attrs={"axis": 0, "reduction": "add"}, opset=16)
op_case("scatter_elements18_max", F, "ScatterElements",
        {"x": rn(2, 4), "i": np.array([[1, 1], [3, 0]], np.int32), "u": rn(2, 2)},
        attrs={"axis": 1, "reduction": "max"}, opset=18)
op_case("scatternd11_rows", F, "ScatterND",
        {"x": rn(4, 3), "i": np.array([[2], [0]], np.int64), "u": rn(2, 3)}, opset=11)
op_case("scatternd16_mul_elements", F, "ScatterND",
        {"x": rn(2, 3, 2), "i": np.array([[0, 1, 1], [1, 2, 0], [0, 1, 1]], np.int64),
         "u": rn(3)}, attrs={"reduction": "mul"}, opset=16)

op_case("onehot11_axis_negative_indices", F, "OneHot",
        {"i": np.array([[1, -1], [5, 0]], np.int64)},
        initializers={"d": np.array(4, np.int64), "v": np.array([-1.0, 2.0], np.float32)},
        node_inputs=["i", "d", "v"], attrs={"axis": 1}, opset=11)
op_case("onehot9_float_indices_last_axis", F, "OneHot",
        {"i": np.array([0.0, 2.0, 1.0], np.float32)},
        initializers={"d": np.array([3], np.int64), "v": np.array([0, 7], np.int64)},
        node_inputs=["i", "d", "v"], opset=9, out_dtype=TensorProto.INT64)
op_case("cumsum14_axis1", F, "CumSum", {"x": rn(2, 5, 3)},
        initializers={"a": np.array(1, np.int64)}, node_inputs=["x", "a"], opset=14)
op_case("cumsum11_exclusive_reverse", F, "CumSum", {"x": rn(6, 2)},
        initializers={"a": np.array(-2, np.int32)}, node_inputs=["x", "a"],
        attrs={"exclusive": 1, "reverse": 1}, opset=11)
op_case("cumsum14_int64_reverse", F, "CumSum", {"x": np.array([[1, 2, 3], [4, 5, 6]], np.int64)},
        initializers={"a": np.array(1, np.int64)}, node_inputs=["x", "a"],
        attrs={"reverse": 1}, opset=14, out_dtype=TensorProto.INT64)
# A run-time axis: every axis is scanned and the matching one selected.
op_case("cumsum14_runtime_axis_negative", F, "CumSum",
        {"x": rn(2, 3, 4), "a": np.array(-2, np.int64)}, node_inputs=["x", "a"], opset=14)
op_case("cumsum14_runtime_axis_int32_first", F, "CumSum",
        {"x": rn(3, 4), "a": np.array(0, np.int32)}, node_inputs=["x", "a"],
        attrs={"exclusive": 1}, opset=14)
op_case("cumprod26_axis1", F, "CumProd", {"x": rn(2, 5, 3)},
        initializers={"a": np.array(1, np.int64)}, node_inputs=["x", "a"], opset=26)
op_case("cumprod26_exclusive_reverse_int64", F, "CumProd",
        {"x": np.array([[1, 2, 3], [4, -5, 6]], np.int64)},
        initializers={"a": np.array(-1, np.int64)}, node_inputs=["x", "a"],
        attrs={"exclusive": 1, "reverse": 1}, opset=26, out_dtype=TensorProto.INT64)
op_case("cumprod26_runtime_axis", F, "CumProd",
        {"x": rn(3, 2, 4), "a": np.array(2, np.int64)}, node_inputs=["x", "a"], opset=26)


# ==========================================================================
# Recurrent cells (RNN, GRU, LSTM) unrolled at import, with the "linear" family
# since they are matmuls and gates.
# ==========================================================================
F = "linear"


def _recurrent(name, op, seq=3, batch=2, inp=3, hidden=4, opset=14, direction="forward",
               layout=0, bias=True, initial=False, peepholes=False, seq_lens=None,
               weights_input=False, outputs=("Y", "Y_h", "Y_c"), **attrs):
    """A one-node RNN/GRU/LSTM model. seq_lens: None, or ("input"|"const", lens)."""
    gates = {"RNN": 1, "GRU": 3, "LSTM": 4}[op]
    dirs = 2 if direction == "bidirectional" else 1
    x_shape = (batch, seq, inp) if layout else (seq, batch, inp)
    state_shape = (batch, dirs, hidden) if layout else (dirs, batch, hidden)
    gi = {"X": rn(*x_shape)}
    arrays = {"W": rn(dirs, gates * hidden, inp, scale=0.5),
              "R": rn(dirs, gates * hidden, hidden, scale=0.5)}
    if bias:
        arrays["B"] = rn(dirs, 2 * gates * hidden, scale=0.5)
    if initial:
        arrays["initial_h"] = rn(*state_shape)
        if op == "LSTM":
            arrays["initial_c"] = rn(*state_shape)
    if peepholes:
        arrays["P"] = rn(dirs, 3 * hidden, scale=0.5)
    inits = {}
    for k, v in arrays.items():
        (gi if weights_input or k.startswith("initial") else inits)[k] = v
    if seq_lens is not None:
        (gi if seq_lens[0] == "input" else inits)["sequence_lens"] = np.array(seq_lens[1],
                                                                               np.int32)
    order = ["X", "W", "R", "B", "sequence_lens", "initial_h"]
    if op == "LSTM":
        order += ["initial_c", "P"]
    ins = [k if (k in gi or k in inits) else "" for k in order]
    while ins and not ins[-1]:
        ins.pop()
    n_out = 3 if op == "LSTM" else 2
    outs = [o if o in outputs else "" for o in ("Y", "Y_h", "Y_c")[:n_out]]
    if direction != "forward":
        attrs["direction"] = direction
    if layout:
        attrs["layout"] = layout

    def model_of(layout_attrs, inputs):
        node = helper.make_node(op, ins, outs, name=f"{op.lower()}_0", hidden_size=hidden,
                                **layout_attrs)
        infos = [T.tensor_info(k, v.shape, helper.np_dtype_to_tensor_dtype(v.dtype))
                 for k, v in inputs.items()]
        named = [o for o in outs if o]
        inits_ = [T.init(k, v) for k, v in inits.items()]
        probe = T.make_model([node], infos, [helper.make_tensor_value_info(o, TensorProto.FLOAT,
                                                                            None)
                                             for o in named], inits_, opset=opset, check=False)
        ref = T.reference(probe, inputs)
        return T.make_model([node], infos, [T.tensor_info(o, ref[o].shape) for o in named],
                            inits_, opset=opset), ref

    def fn():
        if not layout:
            model, _ = model_of(attrs, gi)
            T.run_case(name, model, gi, rtol=1e-4, atol=1e-5)
            return
        # onnxruntime refuses layout 1: the reference is the layout-0 op on
        # transposed inputs, its outputs transposed back.
        batch_major = {k: (v.transpose(1, 0, 2) if k in ("X", "initial_h", "initial_c") else v)
                       for k, v in gi.items()}
        _, ref = model_of({k: v for k, v in attrs.items() if k != "layout"}, batch_major)
        expected = {o: (v.transpose(2, 0, 1, 3) if v.ndim == 4 else v.transpose(1, 0, 2))
                    for o, v in ref.items()}
        node = helper.make_node(op, ins, outs, name=f"{op.lower()}_0", hidden_size=hidden,
                                **attrs)
        infos = [T.tensor_info(k, v.shape, helper.np_dtype_to_tensor_dtype(v.dtype))
                 for k, v in gi.items()]
        model = T.make_model([node], infos, [T.tensor_info(o, expected[o].shape)
                                             for o in outs if o],
                             [T.init(k, v) for k, v in inits.items()], opset=opset)
        compiled = T.compile_model(name, model)
        actual, _ = T.run_runner(compiled, gi, list(expected))
        T.compare_outputs(actual, expected, 1e-4, 1e-5)

    T.add_case(name, fn, F)


_recurrent("rnn14_forward_bias", "RNN")
_recurrent("rnn7_reverse_initial_h_no_bias", "RNN", opset=7, direction="reverse", bias=False,
           initial=True)
_recurrent("rnn14_bidirectional_layout1_relu_clip", "RNN", direction="bidirectional", layout=1,
           initial=True, activations=["Relu", "LeakyRelu"], activation_alpha=[0.2], clip=1.5)
_recurrent("rnn14_affine_scaledtanh_weights_input", "RNN", direction="bidirectional",
           weights_input=True, activations=["Affine", "ScaledTanh"],
           activation_alpha=[0.5, 1.5], activation_beta=[0.1, 0.7])
_recurrent("gru14_forward_bias_initial", "GRU", initial=True)
_recurrent("gru14_linear_before_reset", "GRU", linear_before_reset=1, initial=True)
_recurrent("gru7_bidirectional_lbr_clip", "GRU", opset=7, direction="bidirectional",
           linear_before_reset=1, clip=0.8)
_recurrent("gru14_reverse_layout1_hardsigmoid_elu", "GRU", direction="reverse", layout=1,
           activations=["HardSigmoid", "Elu"], activation_alpha=[0.3, 0.9],
           activation_beta=[0.4])
_recurrent("gru14_seq_lens_input_bidirectional", "GRU", seq=4, batch=3,
           direction="bidirectional", seq_lens=("input", [4, 2, 1]), initial=True)
_recurrent("lstm14_forward_all_outputs", "LSTM", initial=True, peepholes=True)
_recurrent("lstm14_bidirectional_layout1", "LSTM", direction="bidirectional", layout=1,
           initial=True, peepholes=True)
_recurrent("lstm7_reverse_input_forget_clip", "LSTM", opset=7, direction="reverse",
           input_forget=1, clip=0.7, peepholes=True)
_recurrent("lstm14_seq_lens_reverse", "LSTM", seq=4, batch=3, direction="reverse",
           seq_lens=("input", [1, 4, 3]), initial=True)
_recurrent("lstm14_seq_lens_const_full", "LSTM", seq=3, batch=2,
           seq_lens=("const", [3, 3]), outputs=("Y_h",))
_recurrent("lstm14_seq_lens_const_short", "LSTM", seq=3, batch=2,
           seq_lens=("const", [2, 3]), outputs=("Y", "Y_c"))
_recurrent("lstm14_activations_softsign_softplus_weights_input", "LSTM", weights_input=True,
           activations=["Sigmoid", "Softsign", "Softplus"], outputs=("Y",))
_recurrent("lstm14_long_sequence_wide", "LSTM", seq=20, batch=1, inp=16, hidden=32,
           outputs=("Y_h", "Y_c"))


# TopK (dsc.topk): values and int64 indices, ties broken by the lower index.
F = "reduce"


def _topk(name, x, k, opset=11, k_attr=False, k_input=False, **attrs):
    """k as an initializer (or attribute before opset 10, or a graph input
    whose value dsc takes from the declared output shape)."""
    def fn():
        gi, inits, ins = {"x": x}, [], ["x"]
        if k_attr:
            attrs["k"] = k
        elif k_input:
            gi["k"] = np.array([k], np.int64)
            ins.append("k")
        else:
            inits.append(T.init("k", np.array([k], np.int64)))
            ins.append("k")
        node = helper.make_node("TopK", ins, ["v", "i"], name="topk_0", **attrs)
        infos = [T.tensor_info(n, a.shape, helper.np_dtype_to_tensor_dtype(a.dtype))
                 for n, a in gi.items()]
        dtype = helper.np_dtype_to_tensor_dtype(x.dtype)
        probe = T.make_model([node], infos, [helper.make_tensor_value_info("v", dtype, None),
                                             helper.make_tensor_value_info("i", TensorProto.INT64,
                                                                           None)],
                             inits, opset=opset, check=False)
        ref = T.reference(probe, gi)
        model = T.make_model([node], infos, [T.tensor_info("v", ref["v"].shape, dtype),
                                             T.tensor_info("i", ref["i"].shape,
                                                           TensorProto.INT64)],
                             inits, opset=opset)
        T.run_case(name, model, gi, rtol=0, atol=0)

    T.add_case(name, fn, F)


_topk("topk11_last_axis_largest", rn(3, 17), 5)
_topk("topk11_axis1_smallest_3d", rn(2, 9, 4), 3, axis=1, largest=0)
_topk("topk11_axis0_negative_axis_full_sort", rn(6, 3), 6, axis=-2)
_topk("topk11_float_ties_lower_index_first",
      np.array([[1, 3, 3, 0, 3, 1], [2, 2, 2, 2, 2, 2]], np.float32), 4)
_topk("topk11_int64_ties_smallest", np.array([[5, -1, 5, -1, 7], [0, 0, 9, 0, 1]], np.int64), 3,
      largest=0)
_topk("topk11_int32_axis0", np.array([[4, 1], [4, 8], [-3, 8]], np.int32), 2, axis=0)
_topk("topk10_k_input_no_largest_attr", rn(4, 8), 2, opset=10)
_topk("topk7_k_attribute", rn(2, 3, 5), 4, opset=7, k_attr=True)
_topk("topk11_k_graph_input_declared_shape", rn(3, 10), 4, k_input=True)


# Einsum (opset 12), composed at import from transpose/reshape/slice/reduce/matmul.
F = "linear"


def _einsum(name, equation, *shapes):
    gi = {f"x{i}": rn(*s) for i, s in enumerate(shapes)}
    op_case(name, F, "Einsum", gi, attrs={"equation": equation}, opset=12)


_einsum("einsum_matmul", "ij,jk->ik", (3, 4), (4, 5))
_einsum("einsum_matmul_implicit_output", "ij,jk", (3, 4), (4, 5))
_einsum("einsum_attention_scores", "bhqd,bhkd->bhqk", (2, 3, 4, 8), (2, 3, 5, 8))
_einsum("einsum_ellipsis_broadcast_batch", "...ij,...jk->...ik", (2, 1, 3, 4), (1, 5, 4, 2))
_einsum("einsum_trace_implicit", "ii", (4, 4))
_einsum("einsum_batch_diagonal_spaces", "b i i -> b i", (2, 3, 3))
_einsum("einsum_three_operands", "ij,jk,kl->il", (2, 3), (3, 4), (4, 5))
_einsum("einsum_outer_product", "i,j->ij", (3,), (4,))
_einsum("einsum_sum_all", "ij->", (3, 4))
_einsum("einsum_sum_private_label_and_uppercase", "Akj,jC->AC", (2, 3, 4), (4, 5))
_einsum("einsum_permute_3d", "abc->cab", (2, 3, 4))
_einsum("einsum_bilinear", "bn,anm,bm->ba", (2, 3), (4, 3, 5), (2, 5))


# NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss (opset 12+), composed at
# import from gather_elements, gather, where and reduce.
F = "reduce"


def _loss(name, op, scores_shape, classes_targets, weight=False, outs=("z",), opset=13,
          target_dtype=np.int64, **attrs):
    """classes_targets: the target array (may hold ignore_index)."""
    def fn():
        gi = {"x": rn(*scores_shape), "t": np.asarray(classes_targets, target_dtype)}
        if weight:
            gi["w"] = np.abs(rn(scores_shape[1])) + 0.1
        scores = gi["x"]
        if op == "NegativeLogLikelihoodLoss":  # log-probabilities as scores
            e = np.exp(scores - scores.max(axis=1, keepdims=True))
            gi["x"] = np.log(e / e.sum(axis=1, keepdims=True)).astype(np.float32)
        node = helper.make_node(op, list(gi), list(outs), name="loss_0", **attrs)
        infos = [T.tensor_info(k, v.shape, helper.np_dtype_to_tensor_dtype(v.dtype))
                 for k, v in gi.items()]
        probe = T.make_model([node], infos, [helper.make_tensor_value_info(o, TensorProto.FLOAT,
                                                                            None)
                                             for o in outs], opset=opset, check=False)
        ref = T.reference(probe, gi)
        model = T.make_model([node], infos, [T.tensor_info(o, ref[o].shape) for o in outs],
                             opset=opset)
        T.run_case(name, model, gi)

    T.add_case(name, fn, F)


_loss("nllloss13_none_NC", "NegativeLogLikelihoodLoss", (4, 5), [0, 4, 2, 2],
      reduction="none")
_loss("nllloss13_mean_default_NCd", "NegativeLogLikelihoodLoss", (2, 3, 4),
      [[0, 1, 2, 1], [2, 2, 0, 0]])
_loss("nllloss13_mean_weight_ignore_NCd", "NegativeLogLikelihoodLoss", (2, 4, 3),
      [[0, -1, 3], [2, 1, -1]], weight=True, ignore_index=-1)
_loss("nllloss12_sum_int32_ignore_no_weight", "NegativeLogLikelihoodLoss", (3, 4),
      [1, 3, 1], opset=12, target_dtype=np.int32, reduction="sum", ignore_index=1)
_loss("nllloss13_mean_ignore_no_weight_NCd1d2", "NegativeLogLikelihoodLoss", (2, 3, 2, 2),
      [[[0, 2], [1, 2]], [[2, 2], [0, 1]]], ignore_index=2)
_loss("sce13_mean_log_prob_output", "SoftmaxCrossEntropyLoss", (3, 5), [4, 0, 2],
      outs=("z", "log_prob"))
_loss("sce13_none_weight_ignore_4d", "SoftmaxCrossEntropyLoss", (2, 3, 2, 2),
      [[[0, 2], [1, 5]], [[2, 5], [0, 1]]], weight=True, ignore_index=5, reduction="none",
      outs=("z", "log_prob"))
_loss("sce12_sum_weight", "SoftmaxCrossEntropyLoss", (4, 6), [5, 0, 1, 5], weight=True,
      opset=12, reduction="sum")
_loss("sce13_mean_weight_large_scores", "SoftmaxCrossEntropyLoss", (3, 4, 2),
      [[0, 3], [1, 1], [2, 0]], weight=True)


# GatherND and ReverseSequence: index arithmetic in front of gather /
# gather_elements.
F = "shape"
op_case("gathernd13_tuples_negative", F, "GatherND",
        {"x": rn(3, 4, 5), "i": np.array([[[0, 1], [2, -1]], [[-3, 0], [1, 3]]], np.int64)},
        opset=13)
op_case("gathernd11_full_index_int32_data", F, "GatherND",
        {"x": np.arange(24, dtype=np.int32).reshape(2, 3, 4),
         "i": np.array([[1, 2, 3], [0, 0, 1]], np.int64)}, opset=11,
        out_dtype=TensorProto.INT32)
op_case("gathernd12_batch_dims2", F, "GatherND",
        {"x": rn(2, 3, 4, 5), "i": np.array([[[1], [3]], [[0], [2]], [[3], [3]]] * 2,
                                            np.int64).reshape(2, 3, 2, 1)},
        attrs={"batch_dims": 2}, opset=12)
op_case("gathernd13_batch_dims1_rows", F, "GatherND",
        {"x": rn(3, 4, 2), "i": np.array([[1], [0], [3]], np.int64)},
        attrs={"batch_dims": 1}, opset=13)
op_case("reversesequence10_time_major_3d", F, "ReverseSequence",
        {"x": rn(5, 3, 2), "l": np.array([5, 1, 3], np.int64)}, opset=10)
op_case("reversesequence10_batch_major", F, "ReverseSequence",
        {"x": rn(3, 6), "l": np.array([2, 6, 4], np.int64)},
        attrs={"batch_axis": 0, "time_axis": 1}, opset=10)

# Det: Leibniz sums for matrices up to 4x4.
F = "linear"
op_case("det11_1x1", F, "Det", {"x": rn(1, 1)}, opset=11)
op_case("det11_batched_3x3", F, "Det", {"x": rn(2, 3, 3, 3)}, opset=11)
op_case("det11_4x4", F, "Det", {"x": rn(4, 4)}, opset=11)

# ==========================================================================
# norm: normalizations built from dsc ops at import (RMS, instance, group,
# Lp, mean-variance, LRN); after the older cases so their seeds are kept.
# ==========================================================================
F = "norm"


def _norm_case(name, op, x, inits, attrs, opset, node_inputs=None, rtol=1e-4, atol=1e-5):
    op_case(name, F, op, {"x": x}, initializers=inits,
            node_inputs=node_inputs or ["x", *inits], attrs=attrs, opset=opset, rtol=rtol,
            atol=atol)


def uniform(lo, hi, *shape):
    return T.rng(next_seed()).uniform(lo, hi, shape).astype(np.float32)


def op_case_vs(name, family, op, graph_inputs, attrs, opset, ref_nodes, ref_opset,
               initializers=None, out_dtype=TensorProto.FLOAT, rtol=1e-4, atol=1e-5):
    """Like op_case, for ops onnxruntime cannot run (too new, or deprecated
    at `opset` for onnx.checker): dsc's result for the one-node model is
    compared with onnxruntime's for `ref_nodes` (the op's ONNX function
    body, same input and output names) at `ref_opset`."""
    initializers = initializers or {}

    def fn():
        names = [*graph_inputs, *initializers]
        ins = [T.tensor_info(n, a.shape, helper.np_dtype_to_tensor_dtype(a.dtype))
               for n, a in graph_inputs.items()]
        inits = [T.init(n, a) for n, a in initializers.items()]
        ref_model = T.make_model(ref_nodes, ins, [helper.make_tensor_value_info(
            "y", out_dtype, None)], inits, opset=ref_opset, check=False)
        expected = T.reference(ref_model, graph_inputs)
        node = helper.make_node(op, names, ["y"], name=op.lower() + "_0", **attrs)
        model = T.make_model([node], ins, [T.tensor_info("y", expected["y"].shape, out_dtype)],
                             inits, opset=opset, check=False)
        compiled = T.compile_model(name, model)
        actual, _ = T.run_runner(compiled, graph_inputs, ["y"])
        T.compare_outputs(actual, expected, rtol, atol)

    T.add_case(name, fn, family)


# RMSNormalization-23: x / sqrt(mean(x^2 over dims from axis) + eps) * scale;
# scale broadcasts to the normalized shape.
_norm_case("rmsnorm23_default_axis", "RMSNormalization", rn(2, 5, 16),
           {"s": uniform(0.5, 1.5, 16)}, {}, 23)
_norm_case("rmsnorm23_axis1_epsilon", "RMSNormalization", rn(2, 3, 4),
           {"s": uniform(0.5, 1.5, 3, 4)}, {"axis": 1, "epsilon": 0.1}, 23)
_norm_case("rmsnorm23_axis_neg3_4d", "RMSNormalization", rn(2, 3, 4, 5),
           {"s": uniform(0.5, 1.5, 4, 5)}, {"axis": -3}, 23)
_norm_case("rmsnorm23_axis0_scalar_scale", "RMSNormalization", rn(3, 7),
           {"s": np.array([1.5], np.float32)}, {"axis": 0}, 23)
op_case("rmsnorm23_scale_runtime_input", F, "RMSNormalization",
        {"x": rn(4, 6), "s": uniform(0.5, 1.5, 6)}, opset=23)

# InstanceNormalization: per (n, c) over the spatial dims, per-channel affine.
for _name, _shape, _opset, _eps in [("instancenorm7_4d", (2, 3, 4, 5), 7, None),
                                    ("instancenorm22_3d_epsilon", (2, 4, 7), 22, 0.01),
                                    ("instancenorm7_5d", (1, 2, 3, 4, 2), 7, None)]:
    _c = _shape[1]
    _norm_case(_name, "InstanceNormalization", rn(*_shape) * 2.0 + 1.0,
               {"s": uniform(0.5, 1.5, _c), "b": rn(_c)},
               {} if _eps is None else {"epsilon": _eps}, _opset)

# GroupNormalization: opset 18 has per-group scale/bias, 21 per-channel ones.
# onnx.checker calls GroupNormalization-18 deprecated; onnxruntime runs it.
op_case_vs("groupnorm18_per_group_affine", F, "GroupNormalization", {"x": rn(2, 6, 3, 3)},
           {"num_groups": 3}, 18,
           [helper.make_node("GroupNormalization", ["x", "s", "b"], ["y"], num_groups=3)], 18,
           initializers={"s": uniform(0.5, 1.5, 3), "b": rn(3)})
_norm_case("groupnorm21_per_channel_affine", "GroupNormalization", rn(2, 6, 3, 3),
           {"s": uniform(0.5, 1.5, 6), "b": rn(6)}, {"num_groups": 2, "epsilon": 1e-3}, 21)
_norm_case("groupnorm21_one_group_3d", "GroupNormalization", rn(3, 4, 5),
           {"s": uniform(0.5, 1.5, 4), "b": rn(4)}, {"num_groups": 1}, 21)
_norm_case("groupnorm21_instance_like", "GroupNormalization", rn(1, 4, 2, 3),
           {"s": uniform(0.5, 1.5, 4), "b": rn(4)}, {"num_groups": 4}, 21)

# LpNormalization: x / ||x||_p along axis (p 1 or 2); a zero slice stays 0.
_x = rn(3, 4)
_x[1, :] = 0.0
_norm_case("lpnorm7_default_p2_zero_row", "LpNormalization", _x, {}, {}, 7)
_norm_case("lpnorm13_p1_axis0", "LpNormalization", rn(3, 4, 2), {}, {"p": 1, "axis": 0}, 13)
_norm_case("lpnorm22_p2_axis1", "LpNormalization", rn(2, 5, 3), {}, {"axis": 1}, 22)

# MeanVarianceNormalization: (x - mean) / (std + 1e-9) over axes (default
# [0, 2, 3]).
_norm_case("mvn9_default_axes", "MeanVarianceNormalization", rn(2, 3, 4, 5) + 1.0, {}, {}, 9,
           rtol=1e-3, atol=1e-4)
_norm_case("mvn13_axes_last_two", "MeanVarianceNormalization", rn(2, 3, 6), {},
           {"axes": [1, -1]}, 13, rtol=1e-3, atol=1e-4)

# LRN: x / (bias + alpha / size * sum of squares of size neighbouring
# channels)^beta (onnxruntime takes odd sizes and 4-D inputs only).
_norm_case("lrn13_size3_defaults", "LRN", rn(2, 5, 3, 4), {}, {"size": 3}, 13)
_norm_case("lrn7_size5_params", "LRN", rn(1, 6, 4, 4, scale=3.0), {},
           {"size": 5, "alpha": 0.01, "beta": 0.6, "bias": 2.0}, 7)
_norm_case("lrn13_size1", "LRN", rn(2, 3, 2, 5, scale=2.0), {}, {"size": 1, "alpha": 0.1}, 13)

# ==========================================================================
# pool: GlobalMaxPool, GlobalLpPool, LpPool (window sums of |x|^p).
# ==========================================================================
F = "pool"
pool("globalmaxpool1_2d", "GlobalMaxPool", (2, 3, 4, 5), 7)
pool("globalmaxpool22_1d_negative", "GlobalMaxPool", (1, 3, 6), 22, x=negative(1, 3, 6))
pool("globalmaxpool22_3d", "GlobalMaxPool", (1, 2, 3, 2, 4), 22)
pool("globallppool2_default_p2", "GlobalLpPool", (2, 3, 4, 4), 7)
pool("globallppool2_p1_1d", "GlobalLpPool", (1, 4, 9), 13, p=1)
pool("globallppool2_p3", "GlobalLpPool", (1, 2, 3, 5), 13, p=3)
pool("lppool11_p2_k2_s2", "LpPool", (1, 2, 6, 6), 11, kernel_shape=[2, 2], strides=[2, 2])
pool("lppool11_p1_pads", "LpPool", (1, 2, 5, 5), 11, kernel_shape=[3, 3], pads=[1, 1, 1, 1],
     p=1)
pool("lppool18_p3_dilations", "LpPool", (1, 1, 7, 7), 18, kernel_shape=[2, 2],
     dilations=[2, 2], p=3)
pool("lppool18_same_upper_1d", "LpPool", (2, 3, 9), 18, kernel_shape=[3], strides=[2],
     auto_pad="SAME_UPPER")
pool("lppool22_3d", "LpPool", (1, 2, 4, 4, 4), 22, kernel_shape=[2, 2, 2], strides=[2, 2, 2])

# ==========================================================================
# activation: Swish (opset 24) and SwiGLU (opset 28), newer than
# onnxruntime; compared with their ONNX function bodies.
# ==========================================================================
F = "activation"


def _swish_nodes(a, y, alpha, prefix):
    if alpha == 1.0:
        return [helper.make_node("Sigmoid", [a], [prefix + "s"]),
                helper.make_node("Mul", [a, prefix + "s"], [y])]
    return [helper.make_node("Constant", [], [prefix + "alpha"],
                             value=helper.make_tensor("v", TensorProto.FLOAT, [], [alpha])),
            helper.make_node("Mul", [a, prefix + "alpha"], [prefix + "ax"]),
            helper.make_node("Sigmoid", [prefix + "ax"], [prefix + "s"]),
            helper.make_node("Mul", [a, prefix + "s"], [y])]


op_case_vs("swish24_default_alpha", F, "Swish", {"x": rn(3, 7, scale=3.0)}, {}, 24,
           _swish_nodes("x", "y", 1.0, "t"), 13)
op_case_vs("swish24_alpha", F, "Swish", {"x": rn(2, 3, 4, scale=3.0)}, {"alpha": 1.702}, 24,
           _swish_nodes("x", "y", 1.702, "t"), 13)
op_case_vs("swiglu28_default_alpha", F, "SwiGLU", {"a": rn(2, 8, scale=2.0), "b": rn(2, 8)}, {},
           28, [*_swish_nodes("a", "g", 1.0, "t"), helper.make_node("Mul", ["g", "b"], ["y"])],
           13)
op_case_vs("swiglu28_alpha_b_init", F, "SwiGLU", {"a": rn(3, 5, scale=2.0)}, {"alpha": 0.5}, 28,
           [*_swish_nodes("a", "g", 0.5, "t"), helper.make_node("Mul", ["g", "b"], ["y"])], 13,
           initializers={"b": rn(3, 5)})

# ==========================================================================
# shape: EyeLike (a constant of the input's static shape).
# ==========================================================================
F = "shape"
op_case("eyelike9_float_like_input", F, "EyeLike", {"x": rn(3, 4)}, opset=9)
op_case("eyelike22_k2_int64_dtype", F, "EyeLike", {"x": rn(4, 5)},
        attrs={"k": 2, "dtype": TensorProto.INT64}, opset=22, out_dtype=TensorProto.INT64)
op_case("eyelike9_k_negative_int32_input", F, "EyeLike",
        {"x": np.zeros((5, 3), np.int32)}, attrs={"k": -1}, opset=9,
        out_dtype=TensorProto.INT32)

# ==========================================================================
# elementwise: unsigned integers (ordering, Max/Min, Div), unsigned Pow
# exponents, signed BitShift (opset 28), Bitwise* (opset 18).
# ==========================================================================
F = "elementwise"
_u8a, _u8b = np.array([0, 7, 200, 255, 128], np.uint8), np.array([1, 7, 100, 254, 129], np.uint8)
_u64a = np.array([1, 2**63 + 5, 2**64 - 1, 9], np.uint64)
_u64b = np.array([2**63, 3, 2**64 - 2, 9], np.uint64)
for _op, _opset in [("Less", 13), ("LessOrEqual", 16), ("Greater", 13), ("GreaterOrEqual", 16)]:
    op_case(f"{_op.lower()}{_opset}_uint8_high_bit", F, _op, {"a": _u8a, "b": _u8b}, opset=_opset,
            out_dtype=TensorProto.BOOL)
    op_case(f"{_op.lower()}{_opset}_uint64_high_bit", F, _op, {"a": _u64a, "b": _u64b},
            opset=_opset, out_dtype=TensorProto.BOOL)
op_case("less13_uint32_broadcast", F, "Less",
        {"a": np.array([[0, 2**31], [5, 2**32 - 1]], np.uint32),
         "b": np.array([2**31 + 1, 4], np.uint32)}, opset=13, out_dtype=TensorProto.BOOL)
op_case("max13_uint8_three_inputs", F, "Max",
        {"a": _u8a, "b": _u8b, "c": np.array([3], np.uint8)}, opset=13,
        out_dtype=TensorProto.UINT8)
op_case("min12_uint64", F, "Min", {"a": _u64a, "b": _u64b}, opset=12,
        out_dtype=TensorProto.UINT64)
op_case("min13_uint32_broadcast", F, "Min",
        {"a": np.array([[4000000000, 3], [7, 65535]], np.uint32),
         "b": np.array([2**31, 9], np.uint32)}, opset=13, out_dtype=TensorProto.UINT32)
op_case("div14_uint8", F, "Div", {"a": np.array([255, 200, 7, 0], np.uint8),
                                  "b": np.array([2, 201, 3, 5], np.uint8)}, opset=14,
        out_dtype=TensorProto.UINT8)
op_case("div13_uint32_broadcast", F, "Div",
        {"a": np.array([[4000000000, 9], [2**31, 100]], np.uint32), "b": np.array([3], np.uint32)},
        opset=13, out_dtype=TensorProto.UINT32)
op_case("div7_uint64_high_bit", F, "Div", {"a": _u64a, "b": np.array([3, 2, 2**63, 1], np.uint64)},
        opset=7, out_dtype=TensorProto.UINT64)
# onnxruntime has no Pow kernel for unsigned exponents: the reference casts
# the exponent to int64 first.
_pow_ref = [helper.make_node("Cast", ["b"], ["bi"], to=TensorProto.INT64),
            helper.make_node("Pow", ["a", "bi"], ["y"])]
op_case_vs("pow15_uint32_exponent", F, "Pow", {"a": rn(2, 3), "b": np.array([0, 1, 3], np.uint32)},
           {}, 15, _pow_ref, 15)
op_case_vs("pow12_uint64_exponent_init", F, "Pow", {"a": positive(4)}, {}, 12, _pow_ref, 12,
           initializers={"b": np.array([2, 5, 0, 1], np.uint64)})

# BitShift on signed integers (opset 28): arithmetic right shift.
_i32 = np.array([1, -1, -8, 2**30, -2**31, 7], np.int32)
op_case("bitshift28_left_int32", F, "BitShift",
        {"a": _i32, "b": np.array([1, 3, 2, 1, 0, 31], np.int32)}, attrs={"direction": "LEFT"},
        opset=28, out_dtype=TensorProto.INT32)
op_case("bitshift28_right_int32_negative", F, "BitShift",
        {"a": _i32, "b": np.array([1, 3, 2, 30, 31, 1], np.int32)}, attrs={"direction": "RIGHT"},
        opset=28, out_dtype=TensorProto.INT32)
op_case("bitshift28_right_int8_broadcast", F, "BitShift",
        {"a": np.array([[-128, 127], [-3, 64]], np.int8), "b": np.array([2], np.int8)},
        attrs={"direction": "RIGHT"}, opset=28, out_dtype=TensorProto.INT8)
op_case("bitshift28_left_uint8_still_logical", F, "BitShift",
        {"a": np.array([255, 1, 129], np.uint8), "b": np.array([1, 7, 0], np.uint8)},
        attrs={"direction": "LEFT"}, opset=28, out_dtype=TensorProto.UINT8)

# BitwiseAnd / Or / Xor / Not (opset 18) on signed and unsigned integers.
_bi32a = np.array([[5, -1, 0x0F0F], [-2**31, 12345, 0]], np.int32)
_bi32b = np.array([3, 0x7FFF, -256], np.int32)
for _op in ("BitwiseAnd", "BitwiseOr", "BitwiseXor"):
    op_case(f"{_op.lower()}18_int32_broadcast", F, _op, {"a": _bi32a, "b": _bi32b}, opset=18,
            out_dtype=TensorProto.INT32)
    op_case(f"{_op.lower()}18_uint8", F, _op, {"a": _u8a, "b": _u8b}, opset=18,
            out_dtype=TensorProto.UINT8)
op_case("bitwiseand18_uint64", F, "BitwiseAnd", {"a": _u64a, "b": _u64b}, opset=18,
        out_dtype=TensorProto.UINT64)
op_case("bitwisenot18_int16", F, "BitwiseNot", {"a": np.array([0, -1, 32767, -32768], np.int16)},
        opset=18, out_dtype=TensorProto.INT16)
op_case("bitwisenot18_uint32", F, "BitwiseNot",
        {"a": np.array([[0, 2**32 - 1], [12345, 2**31]], np.uint32)}, opset=18,
        out_dtype=TensorProto.UINT32)

# ==========================================================================
# Clip with run-time bounds or integer inputs, Trilu with a run-time k:
# operands read in the loop (the output shape does not depend on them).
# ==========================================================================
F = "activation"
op_case("clip13_runtime_min_max", F, "Clip",
        {"x": rn(3, 4, 5), "lo": scalar(-0.4), "hi": scalar(0.6)}, opset=13)
op_case("clip13_runtime_min_greater_than_max", F, "Clip",
        {"x": rn(2, 5), "lo": scalar(0.5), "hi": scalar(-0.5)}, opset=13)
op_case("clip11_runtime_max_only", F, "Clip", {"x": rn(4, 3), "hi": scalar(0.2)},
        node_inputs=["x", "", "hi"], opset=11)
op_case("clip12_runtime_min_const_max", F, "Clip", {"x": rn(2, 3, 4), "lo": scalar(-0.3)},
        initializers={"hi": scalar(0.8)}, node_inputs=["x", "lo", "hi"], opset=12)
op_case("clip12_int8_const_bounds", F, "Clip", {"x": np.array([-128, -5, 0, 9, 127], np.int8)},
        initializers={"lo": np.array(-6, np.int8), "hi": np.array(8, np.int8)},
        node_inputs=["x", "lo", "hi"], opset=12, out_dtype=TensorProto.INT8)
op_case("clip13_int64_runtime_min", F, "Clip",
        {"x": np.array([[-7, 3], [100, -1]], np.int64), "lo": np.array(-2, np.int64)},
        opset=13, out_dtype=TensorProto.INT64)
op_case("clip13_uint8_high_values", F, "Clip",
        {"x": np.array([0, 100, 200, 255], np.uint8)},
        initializers={"lo": np.array(50, np.uint8), "hi": np.array(210, np.uint8)},
        node_inputs=["x", "lo", "hi"], opset=13, out_dtype=TensorProto.UINT8)

F = "shape"
for _name, _shape, _k, _upper in [("trilu14_runtime_k_upper", (4, 5), 1, 1),
                                  ("trilu14_runtime_k_lower_negative", (2, 4, 3), -1, 0),
                                  ("trilu14_runtime_k_upper_out_of_range", (3, 3), 5, 1),
                                  ("trilu14_runtime_k_lower_beyond_width", (3, 4), 7, 0)]:
    op_case(_name, F, "Trilu", {"x": rn(*_shape), "k": np.array(_k, np.int64)},
            attrs={"upper": _upper}, opset=14)
op_case("trilu14_runtime_k_int64_data", F, "Trilu",
        {"x": np.arange(12, dtype=np.int64).reshape(3, 4), "k": np.array(-1, np.int64)},
        opset=14, out_dtype=TensorProto.INT64)


# ==========================================================================
# control: If, Loop and Scan (bodies imported inline; Loop and Scan unrolled)
# ==========================================================================
F = "control"


def _control_case(name, nodes, inputs, outputs, feeds, inits=(), opset=13):
    def fn():
        model = T.make_model(nodes, inputs, outputs, inits, opset=opset)
        T.run_case(name, model, feeds)

    T.add_case(name, fn, F)


def _if_graphs():
    then_g = helper.make_graph(
        [helper.make_node("Relu", ["x"], ["r"]), helper.make_node("Add", ["r", "x"], ["t"])],
        "then", [], [T.tensor_info("t", (2, 3))])
    else_g = helper.make_graph(
        [helper.make_node("Neg", ["x"], ["e"])], "else", [], [T.tensor_info("e", (2, 3))])
    return then_g, else_g


def _if_runtime(name, cond):
    # Both branches read the outer x; the condition is a graph input.
    then_g, else_g = _if_graphs()
    node = helper.make_node("If", ["c"], ["y"], then_branch=then_g, else_branch=else_g)
    _control_case(name, [node], [T.tensor_info("x", (2, 3)), T.tensor_info("c", (), TensorProto.BOOL)],
                  [T.tensor_info("y", (2, 3))], {"x": rn(2, 3), "c": np.array(cond)})


_if_runtime("if11_runtime_cond_true", True)
_if_runtime("if11_runtime_cond_false", False)


def _if_constant_cond():
    then_g, else_g = _if_graphs()
    node = helper.make_node("If", ["c"], ["y"], then_branch=then_g, else_branch=else_g)
    _control_case("if11_constant_cond", [node], [T.tensor_info("x", (2, 3))],
                  [T.tensor_info("y", (2, 3))], {"x": rn(2, 3)},
                  inits=[T.init("c", np.array([False]))])


_if_constant_cond()


def _loop_scan_outputs():
    # y += x * i for i in 0..3, every partial y as a scan output.
    body = helper.make_graph(
        [helper.make_node("Cast", ["i"], ["fi"], to=TensorProto.FLOAT),
         helper.make_node("Mul", ["x", "fi"], ["xi"]),
         helper.make_node("Add", ["y_in", "xi"], ["y_out"]),
         helper.make_node("Identity", ["c_in"], ["c_out"]),
         helper.make_node("Identity", ["y_out"], ["scan"])],
        "body",
        [T.tensor_info("i", (), TensorProto.INT64), T.tensor_info("c_in", (), TensorProto.BOOL),
         T.tensor_info("y_in", (3,))],
        [T.tensor_info("c_out", (), TensorProto.BOOL), T.tensor_info("y_out", (3,)),
         T.tensor_info("scan", (3,))])
    node = helper.make_node("Loop", ["m", "", "y0"], ["y", "ys"], body=body)
    _control_case("loop11_constant_trips_scan_output", [node],
                  [T.tensor_info("x", (3,)), T.tensor_info("y0", (3,))],
                  [T.tensor_info("y", (3,)), T.tensor_info("ys", (4, 3))],
                  {"x": rn(3), "y0": rn(3)}, inits=[T.init("m", np.array(4, np.int64))],
                  opset=11)


_loop_scan_outputs()


def _loop_runtime_cond():
    # v *= 1.5 while sum(v) < limit, at most 8 times: a run-time condition
    # masks the remaining unrolled iterations.
    body = helper.make_graph(
        [helper.make_node("Mul", ["v_in", "k"], ["v_out"]),
         helper.make_node("ReduceSum", ["v_out"], ["s"], keepdims=0),
         helper.make_node("Less", ["s", "limit"], ["c_out"])],
        "body",
        [T.tensor_info("i", (), TensorProto.INT64), T.tensor_info("c_in", (), TensorProto.BOOL),
         T.tensor_info("v_in", (2, 2))],
        [T.tensor_info("c_out", (), TensorProto.BOOL), T.tensor_info("v_out", (2, 2))])
    node = helper.make_node("Loop", ["m", "c", "v0"], ["v"], body=body)
    inits = [T.init("m", np.array(8, np.int64)), T.init("k", np.array(1.5, np.float32)),
             T.init("limit", np.array(20.0, np.float32))]
    _control_case("loop13_runtime_cond_masked", [node],
                  [T.tensor_info("v0", (2, 2)), T.tensor_info("c", (), TensorProto.BOOL)],
                  [T.tensor_info("v", (2, 2))],
                  {"v0": np.abs(rn(2, 2)) + 0.5, "c": np.array(True)}, inits=inits)


_loop_runtime_cond()


def _scan_body(width):
    return helper.make_graph(
        [helper.make_node("Add", ["s_in", "x"], ["s_out"]),
         helper.make_node("Mul", ["s_out", "x"], ["o"])],
        "body", [T.tensor_info("s_in", (width,)), T.tensor_info("x", (width,))],
        [T.tensor_info("s_out", (width,)), T.tensor_info("o", (width,))])


def _scan11_axes_directions():
    # Scans x [4, 5, 3] along axis 1 backwards; the outputs stacked on axis 1.
    body = helper.make_graph(
        [helper.make_node("Add", ["s_in", "x"], ["s_out"]),
         helper.make_node("Mul", ["s_out", "x"], ["o"])],
        "body", [T.tensor_info("s_in", (4, 3)), T.tensor_info("x", (4, 3))],
        [T.tensor_info("s_out", (4, 3)), T.tensor_info("o", (4, 3))])
    node = helper.make_node("Scan", ["s0", "x"], ["s", "o"], body=body, num_scan_inputs=1,
                            scan_input_axes=[1], scan_input_directions=[1],
                            scan_output_axes=[1])
    _control_case("scan11_axis1_reverse", [node],
                  [T.tensor_info("s0", (4, 3)), T.tensor_info("x", (4, 5, 3))],
                  [T.tensor_info("s", (4, 3)), T.tensor_info("o", (4, 5, 3))],
                  {"s0": rn(4, 3), "x": rn(4, 5, 3)}, opset=11)


_scan11_axes_directions()


def _scan8_batched():
    node = helper.make_node("Scan", ["", "s0", "x"], ["s", "o"], body=_scan_body(2),
                            num_scan_inputs=1)
    _control_case("scan8_batch", [node],
                  [T.tensor_info("s0", (3, 2)), T.tensor_info("x", (3, 4, 2))],
                  [T.tensor_info("s", (3, 2)), T.tensor_info("o", (3, 4, 2))],
                  {"s0": rn(3, 2), "x": rn(3, 4, 2)}, opset=8)


_scan8_batched()


# ==========================================================================
# Quantization (lib/Frontend/Ops/Quantize.cpp): QuantizeLinear and
# DequantizeLinear (per tensor, per axis, blocked, 8/16-bit, output_dtype),
# DynamicQuantizeLinear, MatMulInteger, ConvInteger, QLinearMatMul and
# QLinearConv. Quantized outputs must match onnxruntime exactly (rtol and atol
# 0), so inputs include exact halves (round half to even) and values beyond
# the range (saturation).
# ==========================================================================


def _quant_case(name, family, op, graph_inputs, inits, node_inputs, attrs, opset,
                out_dtypes, rtol=0.0, atol=0.0):
    def fn():
        outs = ["y"] if len(out_dtypes) == 1 else [f"y{i}" for i in range(len(out_dtypes))]
        node = helper.make_node(op, list(node_inputs), outs, name=op.lower() + "_0", **attrs)
        ins = [T.tensor_info(n, a.shape, helper.np_dtype_to_tensor_dtype(a.dtype))
               for n, a in graph_inputs.items()]
        init_protos = [T.init(n, a) for n, a in inits.items()]
        probe = T.make_model([node], ins, [helper.make_tensor_value_info(o, d, None)
                                           for o, d in zip(outs, out_dtypes)],
                             init_protos, opset=opset, check=False)
        ref = T.reference(probe, graph_inputs)
        model = T.make_model([node], ins, [T.tensor_info(o, ref[o].shape, d)
                                           for o, d in zip(outs, out_dtypes)],
                             init_protos, opset=opset)
        T.run_case(name, model, graph_inputs, rtol=rtol, atol=atol)

    T.add_case(name, fn, family)


def _halves(*shape, scale=1.0):
    # Multiples of scale / 4: x / scale hits exact halves; wide enough to
    # saturate 8-bit results.
    n = int(np.prod(shape))
    v = (T.rng(next_seed()).integers(-700, 700, n) * 0.25).astype(np.float32)
    return (v * np.float32(scale)).reshape(shape)


F = "elementwise"
_U8, _I8 = TensorProto.UINT8, TensorProto.INT8
_quant_case("quantizelinear10_u8_scalar_zp", F, "QuantizeLinear", {"x": _halves(3, 8)},
            {"s": np.array(1.0, np.float32), "z": np.array(100, np.uint8)}, ["x", "s", "z"],
            {}, 10, [_U8])
_quant_case("quantizelinear13_default_u8_no_zp", F, "QuantizeLinear",
            {"x": _halves(2, 5, scale=0.5), "s": np.array(0.5, np.float32)}, {},
            ["x", "s"], {}, 13, [_U8])
_quant_case("quantizelinear13_i8_per_axis", F, "QuantizeLinear", {"x": _halves(2, 3, 4)},
            {"s": np.array([0.5, 1.0, 2.0], np.float32), "z": np.array([-3, 0, 7], np.int8)},
            ["x", "s", "z"], {"axis": 1}, 13, [_I8])
_quant_case("quantizelinear19_i8_axis_neg1_runtime_scale", F, "QuantizeLinear",
            {"x": _halves(3, 4), "s": np.array([0.25, 0.5, 1.0, 4.0], np.float32)},
            {"z": np.array([1, -1, 0, 5], np.int8)}, ["x", "s", "z"], {"axis": -1}, 19, [_I8])
_quant_case("quantizelinear21_i16", F, "QuantizeLinear", {"x": _halves(4, 6, scale=90.0)},
            {"s": np.array(0.5, np.float32), "z": np.array(-200, np.int16)}, ["x", "s", "z"],
            {}, 21, [TensorProto.INT16])
_quant_case("quantizelinear21_u16", F, "QuantizeLinear", {"x": _halves(4, 6, scale=90.0)},
            {"s": np.array(0.5, np.float32), "z": np.array(30000, np.uint16)}, ["x", "s", "z"],
            {}, 21, [TensorProto.UINT16])
_quant_case("quantizelinear21_blocked_axis1_remainder", F, "QuantizeLinear",
            {"x": _halves(2, 7)},
            {"s": np.array([[0.5, 1.0, 2.0], [1.0, 0.25, 4.0]], np.float32),
             "z": np.array([[0, 3, -4], [2, 0, 1]], np.int8)},
            ["x", "s", "z"], {"axis": 1, "block_size": 3}, 21, [_I8])
_quant_case("quantizelinear21_blocked_axis0", F, "QuantizeLinear", {"x": _halves(4, 3)},
            {"s": np.array([[0.5, 1.0, 2.0], [1.0, 0.25, 4.0]], np.float32),
             "z": np.array([[10, 3, 40], [200, 0, 128]], np.uint8)},
            ["x", "s", "z"], {"axis": 0, "block_size": 2}, 21, [_U8])
_quant_case("quantizelinear21_output_dtype_i8", F, "QuantizeLinear", {"x": _halves(3, 4)},
            {"s": np.array(1.0, np.float32)}, ["x", "s"],
            {"output_dtype": TensorProto.INT8}, 21, [_I8])
_quant_case("quantizelinear19_f16", F, "QuantizeLinear",
            {"x": _halves(2, 6).astype(np.float16)},
            {"s": np.array(0.5, np.float16), "z": np.array(3, np.int8)}, ["x", "s", "z"],
            {}, 19, [_I8])

_quant_case("dequantizelinear10_u8", F, "DequantizeLinear",
            {"x": T.rng(next_seed()).integers(0, 256, (3, 5)).astype(np.uint8)},
            {"s": np.array(0.125, np.float32), "z": np.array(130, np.uint8)},
            ["x", "s", "z"], {}, 10, [TensorProto.FLOAT], rtol=1e-6, atol=1e-6)
_quant_case("dequantizelinear13_i8_per_axis", F, "DequantizeLinear",
            {"x": T.rng(next_seed()).integers(-128, 128, (2, 3, 4)).astype(np.int8)},
            {"s": np.array([0.5, 0.1, 3.0], np.float32), "z": np.array([-3, 0, 7], np.int8)},
            ["x", "s", "z"], {"axis": 1}, 13, [TensorProto.FLOAT], rtol=1e-6, atol=1e-6)
_quant_case("dequantizelinear13_i32_no_zp", F, "DequantizeLinear",
            {"x": T.rng(next_seed()).integers(-100000, 100000, (7,)).astype(np.int32)},
            {"s": np.array(0.001, np.float32)}, ["x", "s"], {}, 13, [TensorProto.FLOAT],
            rtol=1e-6, atol=1e-6)
_quant_case("dequantizelinear21_i16_blocked", F, "DequantizeLinear",
            {"x": T.rng(next_seed()).integers(-32768, 32768, (5, 2)).astype(np.int16)},
            {"s": np.array([[0.5, 0.01], [2.0, 1.0], [0.3, 0.7]], np.float32),
             "z": np.array([[100, -5], [0, 7], [-300, 2]], np.int16)},
            ["x", "s", "z"], {"axis": 0, "block_size": 2}, 21, [TensorProto.FLOAT],
            rtol=1e-6, atol=1e-6)
_quant_case("dequantizelinear21_u16_f16_scale", F, "DequantizeLinear",
            {"x": T.rng(next_seed()).integers(0, 65536, (4, 3)).astype(np.uint16)},
            {"s": np.array(0.01, np.float16), "z": np.array(32768, np.uint16)},
            ["x", "s", "z"], {}, 21, [TensorProto.FLOAT16], rtol=1e-3, atol=1e-3)

_quant_case("dynamicquantizelinear11_mixed_signs", F, "DynamicQuantizeLinear",
            {"x": rn(3, 7, scale=3.0)}, {}, ["x"], {}, 11,
            [_U8, TensorProto.FLOAT, _U8], rtol=1e-6, atol=1e-7)
_quant_case("dynamicquantizelinear11_all_positive", F, "DynamicQuantizeLinear",
            {"x": np.abs(rn(2, 9)) + 1.0}, {}, ["x"], {}, 11,
            [_U8, TensorProto.FLOAT, _U8], rtol=1e-6, atol=1e-7)


def _ints(dtype, *shape):
    info = np.iinfo(dtype)
    return T.rng(next_seed()).integers(info.min, int(info.max) + 1, shape).astype(dtype)


F = "linear"
_quant_case("matmulinteger10_u8_zero_points", F, "MatMulInteger",
            {"a": _ints(np.uint8, 3, 5)},
            {"b": _ints(np.uint8, 5, 4), "az": np.array(12, np.uint8),
             "bz": np.array(200, np.uint8)}, ["a", "b", "az", "bz"], {}, 10,
            [TensorProto.INT32])
_quant_case("matmulinteger10_i8_batched_per_column_zp", F, "MatMulInteger",
            {"a": _ints(np.int8, 2, 3, 6), "b": _ints(np.int8, 6, 4)},
            {"az": np.array(-3, np.int8), "bz": np.array([1, -2, 0, 5], np.int8)},
            ["a", "b", "az", "bz"], {}, 10, [TensorProto.INT32])
# K = 300: partial sums reach 300 * 255^2 > 2^24, computed in f64.
_quant_case("matmulinteger10_u8_long_k_no_zp", F, "MatMulInteger",
            {"a": np.full((2, 300), 255, np.uint8)}, {"b": _ints(np.uint8, 300, 3)},
            ["a", "b"], {}, 10, [TensorProto.INT32])
for _t, _q in [(np.int8, _I8), (np.uint8, _U8)]:
    _n = np.dtype(_t).name
    _quant_case(f"qlinearmatmul10_{_n}", F, "QLinearMatMul",
                {"a": _ints(_t, 3, 8), "b": _ints(_t, 8, 5)},
                {"as": np.array(0.02, np.float32), "az": np.array(3, _t),
                 "bs": np.array(0.015, np.float32), "bz": np.array(-1 if _t == np.int8 else 128, _t),
                 "ys": np.array(0.6, np.float32), "yz": np.array(5, _t)},
                ["a", "as", "az", "b", "bs", "bz", "ys", "yz"], {}, 10, [_q])
_quant_case("qlinearmatmul21_u8_f16_scales_3d", F, "QLinearMatMul",
            {"a": _ints(np.uint8, 2, 3, 4), "b": _ints(np.uint8, 2, 4, 3)},
            {"as": np.array(0.02, np.float16), "az": np.array(100, np.uint8),
             "bs": np.array(0.03, np.float16), "bz": np.array(120, np.uint8),
             "ys": np.array(0.25, np.float16), "yz": np.array(128, np.uint8)},
            ["a", "as", "az", "b", "bs", "bz", "ys", "yz"], {}, 21, [_U8])

F = "conv"
_quant_case("convinteger10_u8_pads_zp", F, "ConvInteger",
            {"x": _ints(np.uint8, 1, 3, 6, 6)},
            {"w": _ints(np.uint8, 4, 3, 3, 3), "xz": np.array(128, np.uint8)},
            ["x", "w", "xz"], {"pads": [1, 1, 1, 1]}, 10, [TensorProto.INT32])
# (onnxruntime takes per-tensor weight zero points only.)
_quant_case("convinteger10_i8_stride_group_wzp", F, "ConvInteger",
            {"x": _ints(np.int8, 1, 4, 7, 7)},
            {"w": _ints(np.int8, 4, 2, 2, 2), "xz": np.array(-5, np.int8),
             "wz": np.array([3], np.int8)},
            ["x", "w", "xz", "wz"], {"strides": [2, 2], "group": 2}, 10, [TensorProto.INT32])
_quant_case("qlinearconv10_u8_bias_per_channel_scale", F, "QLinearConv",
            {"x": _ints(np.uint8, 1, 3, 5, 5)},
            {"xs": np.array(0.02, np.float32), "xz": np.array(120, np.uint8),
             "w": _ints(np.uint8, 4, 3, 3, 3),
             "ws": np.array([0.01, 0.02, 0.005, 0.03], np.float32),
             "wz": np.array(128, np.uint8), "ys": np.array(0.5, np.float32),
             "yz": np.array(100, np.uint8),
             "b": T.rng(next_seed()).integers(-2000, 2000, 4).astype(np.int32)},
            ["x", "xs", "xz", "w", "ws", "wz", "ys", "yz", "b"], {"pads": [1, 1, 1, 1]}, 10,
            [_U8])
_quant_case("qlinearconv10_i8_stride", F, "QLinearConv",
            {"x": _ints(np.int8, 1, 2, 6, 6)},
            {"xs": np.array(0.05, np.float32), "xz": np.array(-2, np.int8),
             "w": _ints(np.int8, 3, 2, 2, 2), "ws": np.array(0.01, np.float32),
             "wz": np.array(0, np.int8), "ys": np.array(0.3, np.float32),
             "yz": np.array(-10, np.int8)},
            ["x", "xs", "xz", "w", "ws", "wz", "ys", "yz"], {"strides": [2, 2]}, 10, [_I8])


# ==========================================================================
# BitCast (opset 26), OptionalHasElement/OptionalGetElement on tensors,
# TensorScatter (opset 24), LinearAttention and CausalConvWithState (opset
# 27). LinearAttention and CausalConvWithState, which onnxruntime 1.32 does
# not know, are compared with onnx.reference's implementation instead
# (use_ort=False).
# ==========================================================================


def _multi_case(name, family, op, graph_inputs, node_inputs, attrs, opset, outputs,
                inits=None, use_ort=True, rtol=1e-4, atol=1e-5):
    """One node with outputs [(name, onnx dtype)], checked against onnxruntime
    or (use_ort=False) onnx.reference.ReferenceEvaluator."""
    inits = inits or {}

    def fn():
        from onnx.reference import ReferenceEvaluator

        node = helper.make_node(op, list(node_inputs), [o for o, _ in outputs],
                                name=op.lower() + "_0", **attrs)
        ins = [T.tensor_info(n, a.shape, helper.np_dtype_to_tensor_dtype(a.dtype))
               for n, a in graph_inputs.items()]
        init_protos = [T.init(n, a) for n, a in inits.items()]
        probe = T.make_model([node], ins, [helper.make_tensor_value_info(o, d, None)
                                           for o, d in outputs],
                             init_protos, opset=opset, check=False)
        if use_ort:
            expected = T.reference(probe, graph_inputs)
        else:
            got = ReferenceEvaluator(probe).run(None, graph_inputs)
            expected = {o: np.asarray(v) for (o, _), v in zip(outputs, got)}
        model = T.make_model([node], ins, [T.tensor_info(o, expected[o].shape, d)
                                           for o, d in outputs],
                             init_protos, opset=opset, check=False)
        compiled = T.compile_model(name, model)
        actual, _ = T.run_runner(compiled, graph_inputs, [o for o, _ in outputs])
        T.compare_outputs(actual, expected, rtol, atol)

    T.add_case(name, fn, family)


# Sampling (GridSample, AffineGrid, RoiAlign, CenterCropPad, MaxUnpool),
# with Resize in the pool family
# ==========================================================================
F = "pool"


def op_case_onnx_ref(name, family, op, graph_inputs, attrs, opset, initializers=None,
                     rtol=1e-4, atol=1e-5):
    """Like op_case, compared with onnx.reference.ReferenceEvaluator where
    onnxruntime disagrees with ONNX's own node tests (MaxUnpool with an
    output_shape: onnxruntime indexes the larger output, ONNX's reference
    the unpooled shape and pads) or lacks the opset."""
    initializers = initializers or {}

    def fn():
        from onnx.reference import ReferenceEvaluator
        names = [*graph_inputs, *initializers]
        ins = [T.tensor_info(n, a.shape, helper.np_dtype_to_tensor_dtype(a.dtype))
               for n, a in graph_inputs.items()]
        inits = [T.init(n, a) for n, a in initializers.items()]
        node = helper.make_node(op, names, ["y"], name=op.lower() + "_0", **attrs)
        probe = T.make_model([node], ins, [helper.make_tensor_value_info(
            "y", TensorProto.FLOAT, None)], inits, opset=opset, check=False)
        feeds = dict(graph_inputs)
        feeds.update(initializers)
        expected = {"y": ReferenceEvaluator(probe).run(None, feeds)[0]}
        model = T.make_model([node], ins, [T.tensor_info("y", expected["y"].shape)], inits,
                             opset=opset, check=False)
        compiled = T.compile_model(name, model)
        actual, _ = T.run_runner(compiled, graph_inputs, ["y"])
        T.compare_outputs(actual, expected, rtol, atol)

    T.add_case(name, fn, family)


F = "elementwise"
_bits = T.rng(next_seed()).standard_normal((3, 4)).astype(np.float32)
_multi_case("bitcast26_f32_to_i32", F, "BitCast", {"x": _bits}, ["x"],
            {"to": TensorProto.INT32}, 26, [("y", TensorProto.INT32)],
            rtol=0, atol=0)
_multi_case("bitcast26_u32_to_f32", F, "BitCast",
            {"x": _bits.view(np.uint32)}, ["x"], {"to": TensorProto.FLOAT}, 26,
            [("y", TensorProto.FLOAT)], rtol=0, atol=0)
_multi_case("bitcast26_f16_to_i16", F, "BitCast", {"x": _bits.astype(np.float16)}, ["x"],
            {"to": TensorProto.INT16}, 26, [("y", TensorProto.INT16)],
            rtol=0, atol=0)
_multi_case("bitcast26_i8_to_u8", F, "BitCast",
            {"x": np.array([-128, -1, 0, 1, 127], np.int8)}, ["x"],
            {"to": TensorProto.UINT8}, 26, [("y", TensorProto.UINT8)],
            rtol=0, atol=0)
# (onnxruntime has no BitCast kernel from bool.)
_multi_case("bitcast26_bool_to_u8", F, "BitCast",
            {"x": np.array([True, False, True], np.bool_)}, ["x"],
            {"to": TensorProto.UINT8}, 26, [("y", TensorProto.UINT8)],
            use_ort=False, rtol=0, atol=0)
_multi_case("bitcast26_f64_to_i64", F, "BitCast",
            {"x": _bits.astype(np.float64)}, ["x"], {"to": TensorProto.INT64}, 26,
            [("y", TensorProto.INT64)], rtol=0, atol=0)

F = "shape"
_multi_case("optionalgetelement18_tensor", F, "OptionalGetElement", {"x": rn(2, 3)}, ["x"],
            {}, 18, [("y", TensorProto.FLOAT)])
_multi_case("optionalhaselement18_tensor", F, "OptionalHasElement", {"x": rn(2, 3)}, ["x"],
            {}, 18, [("y", TensorProto.BOOL)])


def _cache(*shape):
    return rn(*shape)


_multi_case("tensorscatter24_linear_default_axis", F, "TensorScatter",
            {"c": _cache(2, 3, 6, 4), "u": _cache(2, 3, 2, 4),
             "i": np.array([1, 4], np.int64)}, ["c", "u", "i"], {}, 24,
            [("y", TensorProto.FLOAT)])
_multi_case("tensorscatter24_no_indices_axis1", F, "TensorScatter",
            {"c": _cache(2, 5, 3), "u": _cache(2, 2, 3)}, ["c", "u"], {"axis": 1}, 24,
            [("y", TensorProto.FLOAT)])
_multi_case("tensorscatter24_circular_wraps", F, "TensorScatter",
            {"c": _cache(3, 2, 4, 2), "u": _cache(3, 2, 3, 2),
             "i": np.array([0, 2, 3], np.int64)}, ["c", "u", "i"], {"mode": "circular"}, 24,
            [("y", TensorProto.FLOAT)])

F = "linear"
_LA_OUT = [("o", TensorProto.FLOAT), ("s", TensorProto.FLOAT)]


def _linear_attention(name, b, t, hq, hkv, dk, dv, rule, decay_per_head=False, beta_one=False,
                      past=False, scale=None, fp16=False):
    gi = {"q": rn(b, t, hq * dk, scale=0.5), "k": rn(b, t, hkv * dk, scale=0.5),
          "v": rn(b, t, hkv * dv)}
    names = ["q", "k", "v", "", "", ""]
    if past:
        gi["p"] = rn(b, hkv, dk, dv, scale=0.3)
        names[3] = "p"
    if rule in ("gated", "gated_delta"):
        gi["g"] = -np.abs(rn(b, t, hkv if decay_per_head else hkv * dk, scale=0.3))
        names[4] = "g"
    if rule in ("delta", "gated_delta"):
        gi["be"] = uniform(0.1, 0.9, b, t, 1 if beta_one else hkv)
        names[5] = "be"
    while names[-1] == "":
        names.pop()
    out = _LA_OUT
    if fp16:
        gi = {k: a.astype(np.float16) for k, a in gi.items()}
        out = [("o", TensorProto.FLOAT16), ("s", TensorProto.FLOAT16)]
    attrs = {"q_num_heads": hq, "kv_num_heads": hkv, "update_rule": rule}
    if scale is not None:
        attrs["scale"] = scale
    _multi_case(name, F, "LinearAttention", gi, names, attrs, 27, out, use_ort=False,
                rtol=2e-3 if fp16 else 1e-4, atol=2e-3 if fp16 else 1e-5)


_linear_attention("linearattention27_linear", 2, 3, 2, 2, 4, 5, "linear")
_linear_attention("linearattention27_gated_per_key_past", 1, 4, 2, 2, 3, 3, "gated", past=True)
_linear_attention("linearattention27_gated_per_head", 2, 3, 2, 2, 4, 4, "gated",
                  decay_per_head=True)
_linear_attention("linearattention27_delta_scale", 1, 3, 3, 3, 4, 2, "delta", scale=0.3)
_linear_attention("linearattention27_gated_delta_gqa", 2, 4, 4, 2, 4, 4, "gated_delta",
                  past=True)
_linear_attention("linearattention27_gated_delta_mqa_beta1", 1, 2, 4, 1, 4, 3, "gated_delta",
                  beta_one=True)
_linear_attention("linearattention27_fp16", 1, 3, 2, 2, 4, 4, "gated_delta", fp16=True)

F = "conv"


def _causal_conv(name, b, c, length, k, bias=False, past=False, activation=None, fp16=False):
    gi = {"x": rn(b, c, length), "w": rn(c, 1, k, scale=0.5)}
    names = ["x", "w", "", ""]
    if bias:
        gi["bias"] = rn(c)
        names[2] = "bias"
    if past:
        gi["p"] = rn(b, c, k - 1)
        names[3] = "p"
    while names[-1] == "":
        names.pop()
    dt = TensorProto.FLOAT
    if fp16:
        gi = {n: a.astype(np.float16) for n, a in gi.items()}
        dt = TensorProto.FLOAT16
    attrs = {"activation": activation} if activation else {}
    _multi_case(name, F, "CausalConvWithState", gi, names, attrs, 27, [("y", dt), ("s", dt)],
                use_ort=False, rtol=2e-3 if fp16 else 1e-4, atol=2e-3 if fp16 else 1e-5)


_causal_conv("causalconvwithstate27_basic", 2, 3, 6, 3)
_causal_conv("causalconvwithstate27_bias_past_silu", 1, 4, 5, 4, bias=True, past=True,
             activation="silu")
_causal_conv("causalconvwithstate27_decode_swish", 2, 2, 1, 3, past=True, activation="swish")
_causal_conv("causalconvwithstate27_short_input", 1, 3, 2, 4)
_causal_conv("causalconvwithstate27_fp16_silu", 1, 3, 6, 3, activation="silu", fp16=True)



# GridSample: every mode x padding x align_corners on 2-D, the volumetric
# (opset 22) nearest and linear, the opset-16 mode names. Grid values reach
# past [-1, 1] so that every padding mode matters.
for _mode in ("linear", "nearest", "cubic"):
    for _pad in ("zeros", "border", "reflection"):
        for _align in (0, 1):
            op_case(f"gridsample20_{_mode}_{_pad}_align{_align}", F, "GridSample",
                    {"x": rn(2, 3, 5, 4), "grid": uniform(-1.4, 1.4, 2, 6, 7, 2)},
                    attrs={"mode": _mode, "padding_mode": _pad, "align_corners": _align},
                    opset=20)
for _mode in ("linear", "nearest"):
    for _pad in ("zeros", "border", "reflection"):
        op_case(f"gridsample22_3d_{_mode}_{_pad}", F, "GridSample",
                {"x": rn(1, 2, 3, 4, 5), "grid": uniform(-1.3, 1.3, 1, 2, 3, 4, 3)},
                attrs={"mode": _mode, "padding_mode": _pad, "align_corners": 0}, opset=22)
op_case("gridsample16_bicubic_border", F, "GridSample",
        {"x": rn(1, 2, 4, 4), "grid": uniform(-1.2, 1.2, 1, 3, 5, 2)},
        attrs={"mode": "bicubic", "padding_mode": "border"}, opset=16)
op_case("gridsample16_default_bilinear", F, "GridSample",
        {"x": rn(1, 1, 3, 6), "grid": uniform(-1.2, 1.2, 1, 4, 4, 2)}, opset=16)

# AffineGrid-20: 2-D and 3-D, both align_corners; size a constant.
for _align in (0, 1):
    op_case(f"affinegrid20_2d_align{_align}", F, "AffineGrid", {"theta": rn(2, 2, 3)},
            initializers={"size": np.array([2, 3, 5, 6], np.int64)},
            attrs={"align_corners": _align}, opset=20)
    op_case(f"affinegrid20_3d_align{_align}", F, "AffineGrid", {"theta": rn(2, 3, 4)},
            initializers={"size": np.array([2, 1, 3, 4, 5], np.int64)},
            attrs={"align_corners": _align}, opset=20)
# size a graph input: its value comes from the declared output shape.
op_case("affinegrid20_size_input", F, "AffineGrid",
        {"theta": rn(1, 2, 3), "size": np.array([1, 1, 4, 3], np.int64)}, opset=20)

# RoiAlign-16 (onnxruntime has no RoiAlign-22): avg and max, both coordinate
# modes, a spatial scale, boxes partly outside the image.
_rois = np.array([[0, 0, 9, 9], [0, 5, 4, 9], [5, 5, 9, 9], [-3, 2, 12, 7.5]], np.float32)
for _mode in ("avg", "max"):
    for _ctm in ("half_pixel", "output_half_pixel"):
        op_case(f"roialign16_{_mode}_{_ctm}", F, "RoiAlign",
                {"x": rn(2, 3, 10, 10), "rois": _rois,
                 "b": np.array([0, 1, 1, 0], np.int64)},
                attrs={"mode": _mode, "coordinate_transformation_mode": _ctm,
                       "output_height": 3, "output_width": 4, "sampling_ratio": 2},
                opset=16)
op_case("roialign10_scale", F, "RoiAlign",
        {"x": rn(1, 2, 8, 8), "rois": _rois * 2, "b": np.zeros(4, np.int64)},
        attrs={"output_height": 2, "output_width": 2, "sampling_ratio": 3,
               "spatial_scale": 0.5}, opset=10)

# CenterCropPad-18: crop, pad (odd and even differences), axes, shape as a
# graph input (its value from the declared output shape).
op_case("centercroppad18_crop_and_pad", F, "CenterCropPad", {"x": rn(5, 4, 3)},
        initializers={"shape": np.array([2, 7, 3], np.int64)}, opset=18)
op_case("centercroppad18_axes_negative", F, "CenterCropPad", {"x": rn(3, 9, 4)},
        initializers={"shape": np.array([6, 5], np.int64)}, attrs={"axes": [-1, 1]},
        opset=18)
op_case("centercroppad18_shape_input", F, "CenterCropPad",
        {"x": rn(3, 8, 5), "shape": np.array([3, 6], np.int64)}, attrs={"axes": [1, 2]},
        opset=18)


# MaxUnpool: the values and indices of a max pooling (numpy, no padding),
# unpooled; compared with ONNX's reference, which onnxruntime matches only
# without output_shape.
def _maxunpool(name, x_shape, opset, kernel, strides, output_shape=None):
    x = rn(*x_shape)
    spatial = x_shape[2:]
    out = [(d - k) // s + 1 for d, k, s in zip(spatial, kernel, strides)]
    flat = x.reshape(-1)
    vals = np.zeros((*x_shape[:2], *out), np.float32)
    idx = np.zeros(vals.shape, np.int64)
    for pos in np.ndindex(*vals.shape):
        n, c, o = pos[0], pos[1], pos[2:]
        best = None
        for w in np.ndindex(*kernel):
            src = [oi * s + wi for oi, s, wi in zip(o, strides, w)]
            f = np.ravel_multi_index((n, c, *src), x_shape)
            if best is None or flat[f] > flat[best]:
                best = f
        vals[pos], idx[pos] = flat[best], best
    inits = {} if output_shape is None else {"s": np.array(output_shape, np.int64)}
    op_case_onnx_ref(name, F, "MaxUnpool", {"v": vals, "i": idx},
                     {"kernel_shape": list(kernel), "strides": list(strides)}, opset,
                     initializers=inits)


_maxunpool("maxunpool11_2d_stride2", (1, 2, 6, 6), 11, (2, 2), (2, 2))
_maxunpool("maxunpool22_2d_output_shape", (2, 1, 4, 4), 22, (2, 2), (2, 2), (2, 1, 5, 5))
_maxunpool("maxunpool9_1d_overlap", (1, 3, 9), 9, (3,), (2,))
op_case("maxunpool11_vs_onnxruntime", F, "MaxUnpool",
        {"v": rn(1, 2, 2, 3), "i": np.array([[[[0, 3, 4], [13, 14, 17]],
                                              [[18, 20, 22], [30, 33, 35]]]], np.int64)},
        attrs={"kernel_shape": [2, 2], "strides": [2, 2]}, opset=11)



# MaxPool's Indices output (opsets 8-22): padding, strides, dilations,
# storage_order, a 3-D and a 1-D pool.
def _maxpool_indices(name, x_shape, opset, **attrs):
    x = rn(*x_shape)

    def fn():
        node = helper.make_node("MaxPool", ["x"], ["v", "i"], **attrs)
        ins = [T.tensor_info("x", x.shape)]
        probe = T.make_model([node], ins, [
            helper.make_tensor_value_info("v", TensorProto.FLOAT, None),
            helper.make_tensor_value_info("i", TensorProto.INT64, None)], opset=opset,
            check=False)
        ref = T.reference(probe, {"x": x})
        model = T.make_model([node], ins, [T.tensor_info("v", ref["v"].shape),
                                           T.tensor_info("i", ref["i"].shape, TensorProto.INT64)],
                             opset=opset)
        T.run_case(name, model, {"x": x})

    T.add_case(name, fn, F)


_maxpool_indices("maxpool12_indices_pads_strides", (2, 3, 7, 6), 12, kernel_shape=[3, 3],
                 pads=[1, 1, 1, 0], strides=[2, 2])
_maxpool_indices("maxpool12_indices_storage_order", (1, 2, 5, 4), 12, kernel_shape=[2, 2],
                 storage_order=1)
_maxpool_indices("maxpool12_indices_dilations_ceil", (1, 2, 8, 8), 12, kernel_shape=[2, 3],
                 dilations=[2, 1], ceil_mode=1, strides=[2, 2])
_maxpool_indices("maxpool8_indices_1d", (2, 2, 9), 8, kernel_shape=[3], strides=[2])
_maxpool_indices("maxpool12_indices_3d", (1, 2, 4, 4, 4), 12, kernel_shape=[2, 2, 2],
                 strides=[2, 2, 2])

# Col2Im-18: 2-D with strides, pads and dilations together, 3-D, and
# block_shape a graph input that the input's and output's shapes determine.
op_case("col2im18_strides_pads_dilations", F, "Col2Im", {"x": rn(2, 3 * 6, 12)},
        initializers={"img": np.array([5, 6], np.int64), "blk": np.array([2, 3], np.int64)},
        attrs={"strides": [2, 1], "pads": [1, 0, 1, 2], "dilations": [1, 2]}, opset=18)
op_case("col2im18_3d", F, "Col2Im", {"x": rn(1, 2 * 8, 24)},
        initializers={"img": np.array([3, 4, 5], np.int64),
                      "blk": np.array([2, 2, 2], np.int64)}, opset=18)
op_case("col2im18_shapes_graph_inputs", F, "Col2Im",
        {"x": rn(1, 9, 4), "img": np.array([5, 5], np.int64), "blk": np.array([3, 3], np.int64)},
        attrs={"strides": [2, 2]}, opset=18)

# ==========================================================================
# Windows (constants) and RotaryEmbedding
# ==========================================================================
F = "shape"
for _op in ("HannWindow", "HammingWindow", "BlackmanWindow"):
    for _periodic in (0, 1):
        op_case(f"{_op.lower()}17_periodic{_periodic}", F, _op, {},
                initializers={"size": np.array(12, np.int64)},
                attrs={"periodic": _periodic}, opset=17)
op_case("hannwindow17_size_input_double", F, "HannWindow", {"size": np.array(7, np.int32)},
        attrs={"output_datatype": TensorProto.DOUBLE}, opset=17,
        out_dtype=TensorProto.DOUBLE)
# MelWeightMatrix-17 of constant inputs (a constant), float and double.
for _name, _args, _dtype in [
        ("melweightmatrix17_float", (8, 16, 8192, 0.0, 4096.0), TensorProto.FLOAT),
        ("melweightmatrix17_double_edges", (10, 64, 16000, 100.0, 6000.0), TensorProto.DOUBLE)]:
    _inits = {k: np.array(v, np.int64 if i < 3 else np.float32)
              for i, (k, v) in enumerate(zip(("bins", "n", "rate", "lo", "hi"), _args))}
    op_case(_name, F, "MelWeightMatrix", {}, initializers=_inits,
            attrs={"output_datatype": _dtype}, opset=17, out_dtype=_dtype)

F = "linear"
# RotaryEmbedding-23: 4-D and 3-D inputs, interleaved, partial rotation,
# with and without position ids.
_cache = rn(20, 4)
for _name, _x, _attrs, _pos in [
        ("rotary23_4d_positions", rn(2, 3, 5, 8), {}, True),
        ("rotary23_4d_interleaved", rn(2, 3, 5, 8), {"interleaved": 1}, True),
        ("rotary23_3d_num_heads", rn(2, 5, 16), {"num_heads": 2}, True),
        ("rotary23_rotary_dim_interleaved", rn(2, 2, 5, 12),
         {"rotary_embedding_dim": 8, "interleaved": 1}, True),
        ("rotary23_no_positions_rotary_dim", rn(2, 2, 5, 10), {"rotary_embedding_dim": 8},
         False)]:
    if _pos:
        op_case(_name, F, "RotaryEmbedding",
                {"x": _x, "cos": np.cos(_cache), "sin": np.sin(_cache),
                 "pos": T.rng(next_seed()).integers(0, 20, (2, 5)).astype(np.int64)},
                attrs=_attrs, opset=23)
    else:
        _c = rn(2, 5, 4)
        op_case(_name, F, "RotaryEmbedding", {"x": _x, "cos": np.cos(_c), "sin": np.sin(_c)},
                attrs=_attrs, opset=23)

# DFT (17: axis attribute; 20: axis input) and STFT-17 as matmuls with
# constant DFT matrices: real and complex signals, inverse, one-sided, a
# dft_length that pads and one that truncates.
F = "linear"
for _name, _x, _attrs, _len in [
        ("dft17_real_axis1", rn(2, 8, 3, 1), {"axis": 1}, None),
        ("dft17_complex_inverse_axis2", rn(2, 3, 6, 2), {"axis": 2, "inverse": 1}, None),
        ("dft17_onesided_length_pad", rn(2, 7, 1), {"onesided": 1}, 10),
        ("dft17_complex_length_truncate", rn(3, 9, 2), {}, 5),
        ("dft17_irfft", rn(2, 5, 2), {"onesided": 1, "inverse": 1}, None)]:
    _inits = {} if _len is None else {"n": np.array(_len, np.int64)}
    op_case(_name, F, "DFT", {"x": _x}, node_inputs=["x", *_inits], initializers=_inits,
            attrs=_attrs, opset=17, rtol=1e-3, atol=1e-4)
op_case("dft20_axis_input", F, "DFT", {"x": rn(2, 6, 4, 2)}, node_inputs=["x", "", "a"],
        initializers={"a": np.array(-3, np.int64)}, opset=20, rtol=1e-3, atol=1e-4)
op_case("dft20_default_axis_inverse", F, "DFT", {"x": rn(3, 5, 2)}, attrs={"inverse": 1},
        opset=20, rtol=1e-3, atol=1e-4)
op_case("stft17_window_onesided", F, "STFT",
        {"x": rn(2, 40, 1), "w": np.hanning(10).astype(np.float32)},
        node_inputs=["x", "step", "w"], initializers={"step": np.array(4, np.int64)},
        attrs={"onesided": 1}, opset=17, rtol=1e-3, atol=1e-4)
op_case("stft17_frame_length_complex", F, "STFT", {"x": rn(1, 30, 2)},
        node_inputs=["x", "step", "", "len"],
        initializers={"step": np.array(5, np.int64), "len": np.array(8, np.int64)},
        attrs={"onesided": 0}, opset=17, rtol=1e-3, atol=1e-4)
# frame_step a graph input: the declared output shape determines it (here
# only a step of 8 gives 7 frames of 16).
op_case("stft17_step_graph_input", F, "STFT",
        {"x": rn(1, 65, 1), "step": np.array(8, np.int64), "w": uniform(0.5, 1, 16)},
        opset=17, rtol=1e-3, atol=1e-4)

# Shape operands given as graph inputs (not constants): dsc derives the op
# from the declared output shapes (filled in from onnxruntime), which fix
# the result here, and never reads the operand's value.
I64 = np.int64
op_case("reshape14_shape_graph_input_declared", "shape", "Reshape",
        {"x": rn(2, 3, 4), "s": np.array([4, -1, 3], I64)}, opset=14)
op_case("unsqueeze13_axes_graph_input_declared", "shape", "Unsqueeze",
        {"x": rn(3, 4), "a": np.array([0, -1], I64)})
op_case("squeeze13_axes_graph_input_declared", "shape", "Squeeze",
        {"x": rn(1, 3, 1, 4), "a": np.array([2], I64)})
op_case("expand13_shape_graph_input_declared", "shape", "Expand",
        {"x": rn(3, 1), "s": np.array([2, 1, 4], I64)})
op_case("tile13_repeats_graph_input_declared", "shape", "Tile",
        {"x": rn(2, 3), "r": np.array([3, 2], I64)})
op_case("constantofshape9_shape_graph_input_declared", "shape", "ConstantOfShape",
        {"s": np.array([2, 5], I64)},
        attrs={"value": helper.make_tensor("v", TensorProto.FLOAT, [1], [1.5])}, opset=9)
op_case("reducesum13_axes_graph_input_keepdims", "reduce", "ReduceSum",
        {"x": rn(3, 4, 5), "a": np.array([2, 0], I64)})
op_case("reducel2_18_axes_graph_input_keepdims_unit_dim", "reduce", "ReduceL2",
        {"x": rn(3, 1, 5), "a": np.array([1, 2], I64)}, opset=18)
op_case("reducemax18_axes_graph_input_no_keepdims_unique", "reduce", "ReduceMax",
        {"x": rn(3, 4, 5), "a": np.array([1], I64)}, attrs={"keepdims": 0}, opset=18)
op_case("reducel1_18_axes_graph_input_only_unit_dims", "reduce", "ReduceL1",
        {"x": rn(3, 1, 5), "a": np.array([1], I64)}, opset=18)

# Slice with computed starts/ends is accepted only as the identity (the
# declared shape is the input's, steps positive).
op_case("slice13_starts_ends_graph_input_identity", "shape", "Slice",
        {"x": rn(3, 4), "st": np.array([0, -4], I64), "en": np.array([3, 100], I64)})


def _split_declared(name, x, split, axis):
    def fn():
        gi = {"x": x, "split": np.array(split, I64)}
        model = build_op_model("Split", gi, {}, ["x", "split"], {"axis": axis}, 13,
                               n_outputs=len(split))
        T.run_case(name, model, gi, rtol=0, atol=0)

    T.add_case(name, fn, "shape")


_split_declared("split13_split_graph_input_declared", rn(2, 7), [2, 4, 1], 1)


# (Appended last so that earlier cases keep their random inputs.)
F = "linear"
# float16 contractions accumulate in float32 and round once (ONNX's reference
# and ONNX Runtime do); an f16 accumulator over K = 256 would be off by
# several f16 ulps.
op_case("matmul_f16_long_k", F, "MatMul",
        {"a": rn(4, 256).astype(np.float16), "b": rn(256, 8).astype(np.float16)},
        opset=13, rtol=2e-3, atol=2e-3, out_dtype=TensorProto.FLOAT16)

# ReduceMax/ReduceMin of bools (opset 20): any / all.
op_case("reducemax20_bool_any", "reduce", "ReduceMax",
        {"x": np.array([[True, False, False], [False, False, False]])},
        initializers={"axes": np.array([1], np.int64)}, node_inputs=["x", "axes"],
        attrs={"keepdims": 0}, opset=20, out_dtype=TensorProto.BOOL)
op_case("reducemin20_bool_all", "reduce", "ReduceMin",
        {"x": np.array([[True, True], [True, False], [False, False]])},
        initializers={"axes": np.array([0], np.int64)}, node_inputs=["x", "axes"],
        opset=20, out_dtype=TensorProto.BOOL)

# OneHot's values [off, on] are data: given at run time too.
op_case("onehot11_values_graph_input", "shape", "OneHot",
        {"i": np.array([[1, -1], [2, 0]], np.int64), "v": np.array([-2.0, 3.5], np.float32)},
        initializers={"d": np.array(3, np.int64)}, node_inputs=["i", "d", "v"],
        attrs={"axis": 1}, opset=11)

# Ops of other domains: ai.onnx.preview.training's optimizer steps (vs ONNX's
# reference: onnxruntime's CPU build has no training ops) and ai.onnx.ml's
# tensor ops (vs onnxruntime).
def _domain_case(name, family, domain, domain_opset, op, graph_inputs, attrs, outputs,
                 use_ort=True, rtol=1e-5, atol=1e-6):
    def fn():
        from onnx.reference import ReferenceEvaluator

        node = helper.make_node(op, list(graph_inputs), [o for o, _ in outputs],
                                name=op.lower() + "_0", domain=domain, **attrs)
        ins = [T.tensor_info(n, a.shape, helper.np_dtype_to_tensor_dtype(a.dtype))
               for n, a in graph_inputs.items()]
        probe = T.make_model([node], ins, [helper.make_tensor_value_info(o, d, None)
                                           for o, d in outputs],
                             opset=13, extra_opsets={domain: domain_opset}, check=False)
        if use_ort:
            expected = T.reference(probe, graph_inputs)
        else:
            got = ReferenceEvaluator(probe).run(None, graph_inputs)
            # The reference's one-group Adam step returns float64 where the
            # spec (and its multi-group path) gives X's type.
            expected = {o: np.asarray(v).astype(helper.tensor_dtype_to_np_dtype(d))
                        for (o, d), v in zip(outputs, got)}
        model = T.make_model([node], ins, [T.tensor_info(o, expected[o].shape, d)
                                           for o, d in outputs],
                             opset=13, extra_opsets={domain: domain_opset}, check=False)
        actual, _ = T.run_runner(T.compile_model(name, model), graph_inputs,
                                 [o for o, _ in outputs])
        T.compare_outputs(actual, expected, rtol, atol)

    T.add_case(name, fn, family)


# ---- shape operands given at run time, checked by guards ------------------
# One compile per case, from the first input set's declared output shapes;
# every set then runs against ONNX Runtime (so the run-time values are
# really used, not the ones of the first set), and every `bad` set must fail
# the run with the guard's message (DSC_ERR_GUARD) and write no output.


def _runtime_values(name, family, op, sets, attrs=None, opset=13, bad=(), node_inputs=None,
                    out_dtype=TensorProto.FLOAT, n_outputs=1, rtol=1e-4, atol=1e-5):
    def fn():
        model = build_op_model(op, sets[0], {}, node_inputs or list(sets[0]), attrs or {},
                               opset, out_dtype=out_dtype, n_outputs=n_outputs)
        onnx.checker.check_model(model)
        c = T.compile_model(name, model)
        outs = [o.name for o in model.graph.output]
        for k, feeds in enumerate(sets):
            expected = T.reference(model, feeds)
            actual, _ = T.run_runner(c, feeds, outs, run_dir=c.outdir.parent / f"run{k}")
            T.compare_outputs(actual, expected, rtol, atol)
        for k, (feeds, message) in enumerate(bad):
            d = c.outdir.parent / f"bad{k}"
            paths = T.write_inputs(d / "inputs", feeds)
            proc = T.run_cmd([c.runner, *T.input_args(paths), "--output-dir", d / "outputs"],
                             timeout=T.RUN_TIMEOUT_S)
            T.check_no_crash(proc, "runner")
            if proc.returncode == 0 or message not in proc.stderr:
                raise T.CaseFailure(f"bad input set {k}: expected a failed run saying "
                                    f"{message!r}\n{proc.describe()}")
            if any((d / "outputs" / T.output_file_name(o)).exists() for o in outs):
                raise T.CaseFailure(f"bad input set {k}: an output was written")

    T.add_case(name, fn, family)


_TR = "ai.onnx.preview.training"
_r, _t0, _t3 = np.array(0.1, np.float32), np.array(0, np.int64), np.array(3, np.int64)
_x, _g = rn(2, 3), rn(2, 3)
_h, _v = positive(2, 3), rn(2, 3)
_domain_case("adagrad1_step3", "elementwise", _TR, 1, "Adagrad",
             {"R": _r, "T": _t3, "X": _x, "G": _g, "H": _h},
             {"decay_factor": 0.1, "epsilon": 1e-5, "norm_coefficient": 0.01},
             [("X_new", TensorProto.FLOAT), ("H_new", TensorProto.FLOAT)], use_ort=False)
_domain_case("adagrad1_two_groups", "elementwise", _TR, 1, "Adagrad",
             {"R": _r, "T": _t0, "X1": _x, "X2": rn(4), "G1": _g, "G2": rn(4), "H1": _h,
              "H2": positive(4)}, {"epsilon": 1e-6},
             [("X1_new", TensorProto.FLOAT), ("X2_new", TensorProto.FLOAT),
              ("H1_new", TensorProto.FLOAT), ("H2_new", TensorProto.FLOAT)], use_ort=False)
for _mode, _t in (("standard", _t0), ("standard", _t3), ("nesterov", _t3)):
    _domain_case(f"momentum1_{_mode}_t{int(_t)}", "elementwise", _TR, 1, "Momentum",
                 {"R": _r, "T": _t, "X": _x, "G": _g, "V": _v},
                 {"alpha": 0.9, "beta": 0.5, "mode": _mode, "norm_coefficient": 0.02},
                 [("X_new", TensorProto.FLOAT), ("V_new", TensorProto.FLOAT)], use_ort=False)
for _t in (_t0, _t3):
    _domain_case(f"adam1_t{int(_t)}", "elementwise", _TR, 1, "Adam",
                 {"R": _r, "T": _t, "X": _x, "G": _g, "V": _v, "H": _h},
                 {"alpha": 0.8, "beta": 0.95, "epsilon": 1e-4, "norm_coefficient": 0.01,
                  "norm_coefficient_post": 0.02},
                 [("X_new", TensorProto.FLOAT), ("V_new", TensorProto.FLOAT),
                  ("H_new", TensorProto.FLOAT)], use_ort=False, rtol=1e-5)
_domain_case("binarizer_ml1", "elementwise", "ai.onnx.ml", 1, "Binarizer",
             {"x": rn(3, 4)}, {"threshold": 0.25}, [("y", TensorProto.FLOAT)])
_domain_case("array_feature_extractor_ml1", "shape", "ai.onnx.ml", 1, "ArrayFeatureExtractor",
             {"x": rn(2, 3, 5), "i": np.array([4, 0, 2, 2], np.int64)}, {},
             [("y", TensorProto.FLOAT)])
_domain_case("array_feature_extractor_ml1_1d", "shape", "ai.onnx.ml", 1,
             "ArrayFeatureExtractor", {"x": rn(6), "i": np.array([[5, 1]], np.int64)}, {},
             [("y", TensorProto.FLOAT)])


def _tree_ensemble_case(name, aggregate, n_trees=3, depth=3, n_targets=2, seed=0,
                        missing=False, dtype=np.float32):
    """A random ensemble of full binary trees over 4 features with every
    comparison mode (and set membership), vs ONNX's reference (onnxruntime
    lacks ai.onnx.ml opset 5's TreeEnsemble). Nodes are numbered in depth-first
    order: the spec lists membership sets in node order, the reference takes
    them in its depth-first walk, and these then agree."""
    rng = np.random.default_rng(seed)
    nodes = []  # [feature, mode, split, true id, false id, true leaf, false leaf]
    members, leaf_t, leaf_w, roots = [], [], [], []

    def leaf():
        leaf_w.append(float(np.round(rng.uniform(-5, 5), 2)))
        leaf_t.append(int(rng.integers(0, n_targets)))
        return len(leaf_w) - 1

    def build(d):
        i = len(nodes)
        mode = int(rng.integers(0, 7))
        split = np.nan
        if mode == 6:
            # No 0.0 member: the reference's parser stops a set at a falsy value.
            vals = np.round(rng.uniform(-1, 1, 3), 1)
            members.extend(sorted(set(np.where(vals == 0, 0.5, vals).tolist())) + [np.nan])
        else:
            split = float(np.round(rng.uniform(-1, 1), 1))
        nodes.append([int(rng.integers(0, 4)), mode, split, 0, 0, 0, 0])
        for side in (0, 1):
            is_leaf = d == depth - 1
            nodes[i][3 + side] = leaf() if is_leaf else build(d + 1)
            nodes[i][5 + side] = int(is_leaf)
        return i

    for _ in range(n_trees):
        roots.append(build(0))
    col = list(zip(*nodes))
    attrs = dict(
        aggregate_function=aggregate, n_targets=n_targets, tree_roots=roots,
        nodes_featureids=list(col[0]), nodes_truenodeids=list(col[3]),
        nodes_falsenodeids=list(col[4]), nodes_trueleafs=list(col[5]),
        nodes_falseleafs=list(col[6]),
        nodes_modes=helper.make_tensor("nodes_modes", TensorProto.UINT8, [len(nodes)],
                                       list(col[1])),
        nodes_splits=onnx.numpy_helper.from_array(np.array(col[2], dtype), "nodes_splits"),
        leaf_targetids=leaf_t,
        leaf_weights=onnx.numpy_helper.from_array(np.array(leaf_w, dtype), "leaf_weights"))
    if members:
        attrs["membership_values"] = onnx.numpy_helper.from_array(np.array(members, dtype),
                                                                  "membership_values")
    if missing:
        attrs["nodes_missing_value_tracks_true"] = [int(v) for v in
                                                    rng.integers(0, 2, len(nodes))]
    x = np.round(rng.uniform(-1, 1, (7, 4)), 1).astype(dtype)
    if missing:
        x[rng.random(x.shape) < 0.2] = np.nan
    _domain_case(name, "shape", "ai.onnx.ml", 5, "TreeEnsemble", {"x": x}, attrs,
                 [("y", helper.np_dtype_to_tensor_dtype(np.dtype(dtype)))], use_ort=False,
                 rtol=1e-5, atol=1e-5)


_tree_ensemble_case("tree_ensemble5_sum", 1, seed=1)
_tree_ensemble_case("tree_ensemble5_average_missing", 0, seed=2, missing=True)
_tree_ensemble_case("tree_ensemble5_min", 2, seed=3, n_targets=3)
_tree_ensemble_case("tree_ensemble5_max_f64", 3, seed=7, dtype=np.float64)
_tree_ensemble_case("tree_ensemble5_sum_deep", 1, seed=8, n_trees=5, depth=5, n_targets=3)
# Scan and Loop bodies whose inputs declare no type (as ONNX function bodies
# do): CastLike to a body input casts to the type the node binds to it
# (float16 state and scan input, a uint8 loop-carried value; ONNX Runtime
# needs the Loop's counter and condition typed).
F = "control"


def _untyped_body_inputs():
    body = helper.make_graph(
        [helper.make_node("Cast", ["s_in"], ["sf"], to=TensorProto.FLOAT),
         helper.make_node("Cast", ["x"], ["xf"], to=TensorProto.FLOAT),
         helper.make_node("Add", ["sf", "xf"], ["af"]),
         helper.make_node("CastLike", ["af", "s_in"], ["s_out"]),
         helper.make_node("Mul", ["af", "xf"], ["of"]),
         helper.make_node("CastLike", ["of", "x"], ["o"])],
        "body", [helper.make_value_info("s_in", helper.TypeProto()),
                 helper.make_value_info("x", helper.TypeProto())],
        [helper.make_value_info("s_out", helper.TypeProto()),
         helper.make_value_info("o", helper.TypeProto())])
    node = helper.make_node("Scan", ["s0", "x"], ["s", "o"], body=body, num_scan_inputs=1)
    f16 = TensorProto.FLOAT16
    _control_case("scan19_untyped_body_castlike_f16", [node],
                  [T.tensor_info("s0", (3,), f16), T.tensor_info("x", (4, 3), f16)],
                  [T.tensor_info("s", (3,), f16), T.tensor_info("o", (4, 3), f16)],
                  {"s0": rn(3).astype(np.float16), "x": rn(4, 3).astype(np.float16)},
                  opset=19)
    body = helper.make_graph(
        [helper.make_node("Identity", ["c_in"], ["c_out"]),
         helper.make_node("Cast", ["v_in"], ["vf"], to=TensorProto.FLOAT),
         helper.make_node("Add", ["vf", "k"], ["wf"]),
         helper.make_node("CastLike", ["wf", "v_in"], ["v_out"])],
        "body", [T.tensor_info("i", (), TensorProto.INT64), T.tensor_info("c_in", (), TensorProto.BOOL),
                 helper.make_value_info("v_in", helper.TypeProto())],
        [helper.make_value_info(n, helper.TypeProto()) for n in ("c_out", "v_out")])
    node = helper.make_node("Loop", ["m", "", "v0"], ["v"], body=body)
    _control_case("loop19_untyped_body_castlike_uint8", [node],
                  [T.tensor_info("v0", (4,), TensorProto.UINT8)],
                  [T.tensor_info("v", (4,), TensorProto.UINT8)],
                  {"v0": np.array([0, 7, 100, 200], np.uint8)},
                  inits=[T.init("m", np.array(3, np.int64)),
                         T.init("k", np.array(17.0, np.float32))], opset=19)


_untyped_body_inputs()

# Attention's nonpad_kv_seqlen (opset 24; windows 25): an external KV cache
# holding L[b] valid keys per batch entry, the queries its last positions;
# keys >= L[b] are masked, the causal frontier and windows move by
# L[b] - q_len (rows left with no key give 0). Combined with masks, GQA, 3-D
# heads, qk_matmul_output and float16.
F = "linear"


def _attention_nonpad(name, q, k, v, lens, mask=None, opset=24, n_outputs=1, rtol=1e-4,
                      atol=1e-5, **attrs):
    gi = {"q": q, "k": k, "v": v}
    if mask is not None:
        gi["mask"] = mask
    gi["lens"] = np.array(lens, np.int64)
    node_inputs = ["q", "k", "v", "mask" if mask is not None else "", "", "", "lens"]

    def fn():
        out_dtype = helper.np_dtype_to_tensor_dtype(q.dtype)
        model = build_op_model("Attention", gi, {}, node_inputs, attrs, opset,
                               n_outputs=n_outputs, out_dtype=out_dtype)
        T.run_case(name, model, gi, rtol=rtol, atol=atol)

    T.add_case(name, fn, F)


_attention_nonpad("attention24_nonpad_causal_gqa", rn(2, 4, 3, 8), rn(2, 2, 6, 8),
                  rn(2, 2, 6, 8), [4, 6], is_causal=1)
_attention_nonpad("attention24_nonpad_float_mask_qk_softmax", rn(2, 2, 3, 8), rn(2, 2, 6, 8),
                  rn(2, 2, 6, 5), [2, 5], mask=rn(3, 6), n_outputs=4,
                  qk_matmul_output_mode=3)
# L[0] = 1 < q_len: the first two query rows have no key under is_causal.
_attention_nonpad("attention24_nonpad_3d_causal_empty_rows", rn(2, 3, 16), rn(2, 5, 16),
                  rn(2, 5, 16), [1, 4], q_num_heads=2, kv_num_heads=2, is_causal=1)
_attention_nonpad("attention25_nonpad_windows_bool_mask4d", rn(2, 2, 3, 8), rn(2, 2, 6, 8),
                  rn(2, 2, 6, 8), [5, 3], opset=25,
                  mask=T.rng(next_seed()).random((2, 1, 3, 6)) > 0.3,
                  left_window_size=2, right_window_size=1)
_attention_nonpad("attention24_nonpad_fp16_causal", rn(1, 2, 2, 8).astype(np.float16),
                  rn(1, 2, 5, 8).astype(np.float16), rn(1, 2, 5, 8).astype(np.float16), [4],
                  rtol=2e-3, atol=2e-3, is_causal=1)

# DeformConv (19): bilinear taps at learned offsets (zeros outside the image,
# offsets large enough to leave it), optional mask and bias, groups and
# offset groups, strides, dilations, asymmetric pads; integer and half-pixel
# offsets hit the corner cases of the bilinear weights.
F = "conv"


def _deform_conv(name, x_shape, oc, kernel, group=1, offset_group=1, strides=(1, 1),
                 dilations=(1, 1), pads=(0, 0, 0, 0), bias=False, mask=False, offsets=None,
                 dtype=np.float32, rtol=1e-4, atol=1e-5):
    n, c, h, w = x_shape
    kh, kw = kernel
    oh = (h + pads[0] + pads[2] - ((kh - 1) * dilations[0] + 1)) // strides[0] + 1
    ow = (w + pads[1] + pads[3] - ((kw - 1) * dilations[1] + 1)) // strides[1] + 1
    off_shape = (n, offset_group * kh * kw * 2, oh, ow)
    off = rn(*off_shape, scale=2.0) if offsets is None else offsets(off_shape)
    gi = {"x": rn(*x_shape).astype(dtype), "off": off.astype(dtype)}
    inits = {"w": rn(oc, c // group, kh, kw).astype(dtype)}
    node_inputs = ["x", "w", "off"]
    if bias or mask:
        node_inputs.append("b" if bias else "")
        if bias:
            inits["b"] = rn(oc).astype(dtype)
    if mask:
        gi["m"] = uniform(0, 1, n, offset_group * kh * kw, oh, ow).astype(dtype)
        node_inputs.append("m")
    op_case(name, F, "DeformConv", gi, node_inputs=node_inputs, initializers=inits,
            attrs={"kernel_shape": list(kernel), "group": group, "offset_group": offset_group,
                   "strides": list(strides), "dilations": list(dilations), "pads": list(pads)},
            opset=19, rtol=rtol, atol=atol, out_dtype=helper.np_dtype_to_tensor_dtype(np.dtype(dtype)))


_deform_conv("deformconv19_groups_offset_groups_strides_dilations_mask_bias", (2, 4, 5, 6), 6,
             (3, 2), group=2, offset_group=2, strides=(2, 1), dilations=(1, 2),
             pads=(1, 0, 2, 1), bias=True, mask=True)
_deform_conv("deformconv19_3x3_same_pads_large_offsets", (1, 3, 7, 7), 4, (3, 3),
             pads=(1, 1, 1, 1),
             offsets=lambda s: T.rng(next_seed()).uniform(-6, 6, s).astype(np.float32))
_deform_conv("deformconv19_integer_and_half_offsets_mask", (1, 2, 4, 5), 3, (2, 2),
             offset_group=2, mask=True,
             offsets=lambda s: (T.rng(next_seed()).integers(-4, 5, s) / 2).astype(np.float32))
_deform_conv("deformconv19_fp16_bias", (1, 2, 5, 5), 2, (3, 3), pads=(1, 1, 1, 1), bias=True,
             dtype=np.float16, rtol=2e-3, atol=2e-3)

# TfIdfVectorizer (9): n-grams of the pool counted in each row (a composition
# of window compares, a sum and a one-hot matmul): TF/IDF/TFIDF with and
# without weights (weights[i] belongs to the pool's i-th n-gram, as the spec
# says and ONNX Runtime does; ONNX's reference applies it to output column i,
# which differs when ngram_indexes permutes), uni- to trigrams with skips, output columns permuted and
# with gaps, int32 and int64 tokens, [C] and [B, C].
F = "reduce"


def _tfidf(name, x, mode, min_g, max_g, skip, counts, indexes, pool, weights=None):
    attrs = {"mode": mode, "min_gram_length": min_g, "max_gram_length": max_g,
             "max_skip_count": skip, "ngram_counts": counts, "ngram_indexes": indexes,
             "pool_int64s": pool}
    if weights is not None:
        attrs["weights"] = weights
    op_case(name, F, "TfIdfVectorizer", {"x": x}, attrs=attrs, opset=9, rtol=0, atol=0)


_tokens = T.rng(next_seed()).integers(1, 5, (3, 9))
_tfidf("tfidfvectorizer9_tf_uni_bi_tri_skip2_int64", _tokens.astype(np.int64), "TF", 1, 3, 2,
       [0, 3, 7], [2, 0, 1, 8, 3, 4, 7, 6, 5],
       [1, 2, 3, 1, 2, 2, 4, 1, 2, 3, 4, 4, 4])
_tfidf("tfidfvectorizer9_idf_weights_bigrams_int32", _tokens.astype(np.int32), "IDF", 2, 2, 1,
       [0, 2], [4, 0, 3, 1, 2], [1, 2, 1, 2, 3, 3, 4, 1],
       weights=[0.5, 1.5, 2.0, 0.25, 3.0])
_tfidf("tfidfvectorizer9_tfidf_weights_1d", _tokens[0].astype(np.int64), "TFIDF", 1, 2, 3,
       [0, 3], [0, 1, 2, 3, 4], [1, 2, 3, 1, 2, 3, 3],
       weights=[0.1, 0.2, 0.3, 0.4, 0.5])
_tfidf("tfidfvectorizer9_tfidf_no_weights_trigrams_only", _tokens.astype(np.int32), "TFIDF",
       3, 3, 1, [0, 2, 2], [3, 2, 0, 1], [1, 2, 1, 2, 3, 4, 1, 1])
_tfidf("tfidfvectorizer9_idf_no_weights", _tokens.astype(np.int64), "IDF", 1, 1, 0,
       [0], [1, 0, 2], [4, 2, 9])

# Compress (9, 11): a constant condition is a gather; a run-time one takes
# the count from the declared output shape (filled in from onnxruntime) and
# scatters each selected slice to its rank. Conditions shorter than the
# axis, no axis (flattened), negative axis, integer data.
F = "shape"
_cond = T.rng(next_seed()).random(7) > 0.4
_cond[0] = True
op_case("compress11_runtime_cond_axis1", F, "Compress",
        {"x": rn(2, 7, 3), "c": _cond}, attrs={"axis": 1}, opset=11)
op_case("compress11_runtime_short_cond_negative_axis_int64", F, "Compress",
        {"x": T.rng(next_seed()).integers(-50, 50, (3, 4, 6)).astype(np.int64),
         "c": np.array([False, True, True, False, True])}, attrs={"axis": -1}, opset=11,
        rtol=0, atol=0, out_dtype=TensorProto.INT64)
op_case("compress9_runtime_cond_flattened", F, "Compress",
        {"x": rn(3, 4), "c": T.rng(next_seed()).random(10) > 0.5}, opset=9)
op_case("compress11_constant_cond_axis0", F, "Compress", {"x": rn(5, 3)},
        initializers={"c": np.array([True, False, False, True, True])}, node_inputs=["x", "c"],
        attrs={"axis": 0}, opset=11)

# float16 Softmax over a long axis: the exps' sum is accumulated in f32 (as
# ONNX Runtime does); an f16 accumulator over 512 terms drifts by several
# f16 ulps.
op_case("softmax13_f16_long_axis", "norm", "Softmax",
        {"x": rn(3, 512, scale=2.0).astype(np.float16)}, attrs={"axis": -1}, opset=13,
        rtol=1e-3, atol=1e-6, out_dtype=TensorProto.FLOAT16)

# NonZero (9/13) with a run-time input: the count from the declared output
# shape (filled in from onnxruntime), each element's coordinates scattered to
# its rank among the non-zero ones.
F = "shape"
_nz = rn(3, 4, 5)
_nz[np.abs(_nz) < 0.8] = 0
op_case("nonzero13_runtime_float_3d", F, "NonZero", {"x": _nz}, opset=13, rtol=0, atol=0,
        out_dtype=TensorProto.INT64)
op_case("nonzero9_runtime_bool_1d", F, "NonZero",
        {"x": T.rng(next_seed()).random(17) > 0.6}, opset=9, rtol=0, atol=0,
        out_dtype=TensorProto.INT64)

# NonMaxSuppression (10/11): sorted by score, greedy IoU suppression
# unrolled, packed into the declared [K, 3] output; corner and center boxes
# (flipped corners too), two batches and three classes, score threshold,
# limit and thresholds given at run time.
F = "reduce"


def _nms(name, batches, classes, count, limit, iou, score=None, center=0, opset=11):
    r = T.rng(next_seed())
    if center:
        boxes = np.concatenate([r.uniform(0, 10, (batches, count, 2)),
                                r.uniform(1, 4, (batches, count, 2))], -1)
    else:
        corner = r.uniform(0, 10, (batches, count, 2))
        other = corner + r.uniform(-4, 4, (batches, count, 2))
        boxes = np.concatenate([corner, other], -1)
    gi = {"boxes": boxes.astype(np.float32),
          "scores": r.permutation(batches * classes * count).reshape(
              batches, classes, count).astype(np.float32) / (batches * classes * count),
          "limit": np.array([limit], np.int64), "iou": np.array([iou], np.float32)}
    if score is not None:
        gi["score"] = np.array([score], np.float32)
    op_case(name, F, "NonMaxSuppression", gi, attrs={"center_point_box": center},
            opset=opset, rtol=0, atol=0, out_dtype=TensorProto.INT64)


_nms("nms11_corners_two_batches_three_classes", 2, 3, 12, 10, 0.3, score=0.2)
_nms("nms11_centers_no_score_threshold", 1, 2, 16, 10, 0.1, center=1)
_nms("nms10_limit_one", 2, 1, 8, 1, 0.5, score=0.0, opset=10)

# BatchNormalization with training_mode=1 (14/15): normalized with the
# batch's mean and population variance; the running statistics move by
# 1 - momentum.
FL = TensorProto.FLOAT
_multi_case("batchnorm15_training_mode_momentum", "norm", "BatchNormalization",
            {"x": rn(3, 4, 5, 2), "s": rn(4), "b": rn(4), "m": rn(4), "v": uniform(0.5, 2, 4)},
            ["x", "s", "b", "m", "v"], {"training_mode": 1, "momentum": 0.7, "epsilon": 1e-3},
            15, [("y", FL), ("rm", FL), ("rv", FL)])
_multi_case("batchnorm14_training_mode_3d_default_momentum", "norm", "BatchNormalization",
            {"x": rn(2, 3, 6), "s": rn(3), "b": rn(3), "m": rn(3), "v": uniform(0.5, 2, 3)},
            ["x", "s", "b", "m", "v"], {"training_mode": 1}, 14,
            [("y", FL), ("rm", FL), ("rv", FL)])
# Tensors with zero elements: graph inputs and outputs with a zero-size
# dimension, reductions over an empty axis (their identity), empty
# intermediates (a Slice that selects nothing feeding Concat, a Neg of an
# empty input feeding a reduction), Split with empty parts, Reshape with
# allowzero, Trilu and Pad of empty tensors.
E = np.zeros((2, 0, 4), np.float32)
for _kind in ("ReduceSum", "ReduceProd", "ReduceMax", "ReduceMin", "ReduceL1", "ReduceL2", "ReduceSumSquare", "ReduceLogSum", "ReduceLogSumExp"):
    op_case(f"{_kind.lower()}18_empty_axis", "reduce", _kind, {"x": E},
            initializers={"axes": np.array([1], I64)}, node_inputs=["x", "axes"], opset=18)
op_case("reducemax18_empty_axis_of_computed_empty", "reduce", "ReduceMax", {"e": E},
        initializers={"axes": np.array([-2], I64)}, node_inputs=["n", "axes"],
        attrs={"keepdims": 0}, opset=18,
        pre_nodes=[helper.make_node("Neg", ["e"], ["n"], name="neg_empty")])
# ONNX leaves the mean of nothing undefined; dsc computes 0 / 0 = NaN as
# ONNX's reference (numpy) does, ONNX Runtime gives 0: compared with the
# reference.
op_case_onnx_ref("reducemean18_empty_axis", "reduce", "ReduceMean", {"x": E}, {}, 18,
                 initializers={"axes": np.array([1], I64)})
op_case("reducesum13_empty_non_reduced_axis", "reduce", "ReduceSum", {"x": E},
        initializers={"axes": np.array([2], I64)}, node_inputs=["x", "axes"])
op_case("slice13_selects_nothing", "shape", "Slice", {"x": rn(4, 5, 3)},
        initializers={"st": np.array([7], I64), "en": np.array([9], I64),
                      "ax": np.array([1], I64)})
op_case("concat13_computed_empty_operand", "shape", "Concat", {"x": rn(2, 3)},
        node_inputs=["z", "x", "z"], attrs={"axis": 1},
        pre_nodes=[helper.make_node("Constant", [], ["s5"], value_ints=[5]),
                   helper.make_node("Constant", [], ["s9"], value_ints=[9]),
                   helper.make_node("Constant", [], ["a1"], value_ints=[1]),
                   helper.make_node("Slice", ["x", "s5", "s9", "a1"], ["z"], name="nothing")])
op_case("reshape14_allowzero_empty", "shape", "Reshape", {"x": np.zeros((0, 3, 4), np.float32)},
        initializers={"s": np.array([3, 4, 0], I64)}, attrs={"allowzero": 1}, opset=14)
op_case("trilu14_empty", "shape", "Trilu", {"x": np.zeros((3, 0, 5), np.int64)},
        opset=14, out_dtype=TensorProto.INT64)
op_case("pad13_empty_input", "shape", "Pad", {"x": np.zeros((0, 3), np.float32)},
        initializers={"p": np.array([1, 0, 1, 0], I64), "v": np.array(2.5, np.float32)})

# Contractions over K = 0 read empty operands and give zeros (plus Gemm's
# bias).
op_case("matmul13_empty_k", "linear", "MatMul",
        {"a": np.zeros((2, 0), np.float32), "b": np.zeros((0, 3), np.float32)})
op_case("gemm13_empty_k_bias", "linear", "Gemm",
        {"a": np.zeros((2, 0), np.float32), "b": np.zeros((0, 3), np.float32), "c": rn(3)})


def _split_empty_parts():
    gi = {"x": rn(4, 3)}
    model = build_op_model("Split", gi, {"split": np.array([0, 2, 0, 1], I64)}, ["x", "split"],
                           {"axis": 1}, 13, n_outputs=4)
    T.run_case("split13_zero_size_parts", model, gi, rtol=0, atol=0)


T.add_case("split13_zero_size_parts", _split_empty_parts, "shape")

# Opset 1: ops defined there as at opset 7 are read as opset 7.
op_case("not1_opset1", "elementwise", "Not",
        {"x": T.rng(next_seed()).random((3, 4)) > 0.5}, opset=1,
        out_dtype=TensorProto.BOOL)
op_case("transpose1_opset1", "shape", "Transpose", {"x": rn(2, 3, 4)},
        attrs={"perm": [2, 0, 1]}, opset=1)

# Pow with an integer base (ONNX: int32, int64) gives an integer result:
# exact for integer exponents (negative ones give 1 / b^-e truncated: 1, +-1
# or 0), the power truncated toward zero for float exponents. Values stay
# in range (ONNX Runtime saturates an overflow, numpy wraps around).
I32 = np.int32
op_case("pow15_int32_base_int32_exponent", "elementwise", "Pow",
        {"b": np.array([2, -3, 1, -1, 0, 7, 2, -2, 3, 5], I32),
         "e": np.array([3, 3, -2, -3, 4, 0, 30, -1, 19, 13], I32)},
        opset=15, out_dtype=TensorProto.INT32)
op_case("pow15_int64_base_int64_exponent_broadcast", "elementwise", "Pow",
        {"b": T.rng(next_seed()).integers(-9, 10, (3, 4)).astype(I64),
         "e": np.array([[0], [5], [19]], I64)},
        opset=15, out_dtype=TensorProto.INT64)
op_case("pow15_int64_base_int32_exponent", "elementwise", "Pow",
        {"b": np.array([3, -2, 10, 1], I64), "e": np.array([39, 61, 18, -5], I32)},
        opset=15, out_dtype=TensorProto.INT64)
op_case("pow15_int32_base_float_exponent", "elementwise", "Pow",
        {"b": np.array([[4, 2, 9, -3], [10, 7, 1, 0]], I32),
         "e": np.array([0.5, 1.5, -0.5, 3.0], np.float32)},
        opset=15, out_dtype=TensorProto.INT32)


# MaxPool of int8 and uint8 (opset 12): uint8 compares unsigned (0..255),
# padding never wins; with the Indices output, ties go to the first tap as
# in ONNX Runtime.
def _maxpool_int(name, dtype, x_shape, with_indices, **attrs):
    info = np.iinfo(dtype)
    x = T.rng(next_seed()).integers(info.min, info.max + 1, x_shape).astype(dtype)
    x.flat[::7] = info.max
    x.flat[3::11] = info.min
    onnx_type = helper.np_dtype_to_tensor_dtype(np.dtype(dtype))

    def fn():
        outs = ["v", "i"] if with_indices else ["v"]
        node = helper.make_node("MaxPool", ["x"], outs, **attrs)
        ins = [T.tensor_info("x", x.shape, onnx_type)]
        types = [onnx_type, TensorProto.INT64]
        probe = T.make_model([node], ins, [
            helper.make_tensor_value_info(o, t, None) for o, t in zip(outs, types)],
            opset=12, check=False)
        ref = T.reference(probe, {"x": x})
        model = T.make_model([node], ins, [T.tensor_info(o, ref[o].shape, t)
                                           for o, t in zip(outs, types)], opset=12)
        T.run_case(name, model, {"x": x}, rtol=0, atol=0)

    T.add_case(name, fn, "pool")


_maxpool_int("maxpool12_uint8_pads_strides", np.uint8, (2, 3, 7, 6), False,
             kernel_shape=[3, 3], pads=[1, 1, 1, 0], strides=[2, 2])
_maxpool_int("maxpool12_int8_dilations_ceil", np.int8, (1, 2, 8, 8), False,
             kernel_shape=[2, 3], dilations=[2, 1], ceil_mode=1, strides=[2, 2])
_maxpool_int("maxpool12_uint8_indices_pads", np.uint8, (1, 2, 5, 5), True,
             kernel_shape=[3, 3], pads=[1, 1, 1, 1])
_maxpool_int("maxpool12_int8_indices_1d", np.int8, (2, 2, 9), True,
             kernel_shape=[3], strides=[2], pads=[1, 1])

# BatchNormalization training_mode=1 (opset 14, 15): batch statistics over
# every axis but the channels, and the running mean and variance as
# outputs (ONNX requires all three in training mode).
def _batchnorm_training(name, x_shape, opset, n_outputs, **attrs):
    c = x_shape[1]
    gi = {"x": rn(*x_shape), "s": rn(c), "b": rn(c), "m": rn(c),
          "v": T.rng(next_seed()).uniform(0.5, 2.0, c).astype(np.float32)}

    def fn():
        outs = ["y", "rm", "rv"][:n_outputs]
        node = helper.make_node("BatchNormalization", list(gi), outs, training_mode=1, **attrs)
        ins = [T.tensor_info(k, a.shape) for k, a in gi.items()]
        probe = T.make_model([node], ins, [helper.make_tensor_value_info(o, TensorProto.FLOAT,
                                                                         None) for o in outs],
                             opset=opset, check=False)
        ref = T.reference(probe, gi)
        model = T.make_model([node], ins, [T.tensor_info(o, ref[o].shape) for o in outs],
                             opset=opset)
        T.run_case(name, model, gi)

    T.add_case(name, fn, "norm")


_batchnorm_training("batchnorm15_training_momentum", (3, 4, 5, 6), 15, 3, momentum=0.7,
                    epsilon=1e-3)
_batchnorm_training("batchnorm14_training_1d", (4, 3, 7), 14, 3)
def _i64(*v):
    return np.array(v, np.int64)


_rv_x = rn(4, 6)
_runtime_values("reshape14_shape_runtime_guarded", "shape", "Reshape",
                [{"x": _rv_x, "s": _i64(3, 8)}, {"x": _rv_x, "s": _i64(-1, 8)},
                 {"x": _rv_x, "s": _i64(3, -1)}],
                opset=14,
                bad=[({"x": _rv_x, "s": _i64(8, 3)}, "given [8, 3]"),
                     ({"x": _rv_x, "s": _i64(0, 8)}, "must give the declared output shape [3, 8]")])

_rv_r = rn(3, 2, 2)
for _op in ("ReduceSum", "ReduceMax", "ReduceL2", "ReduceLogSumExp"):
    _runtime_values(f"{_op.lower()}18_axes_runtime_select", "reduce", _op,
                    [{"x": _rv_r, "a": _i64(1)}, {"x": _rv_r, "a": _i64(2)},
                     {"x": _rv_r, "a": _i64(-1)}, {"x": _rv_r, "a": _i64(-2)}],
                    attrs={"keepdims": 0}, opset=18,
                    bad=[({"x": _rv_r, "a": _i64(0)}, "must be [1] or [2]")])
# keepdims=1 and two axes: [1, 2] in any order (one reduction, guarded).
_runtime_values("reducemean18_axes_runtime_keepdims", "reduce", "ReduceMean",
                [{"x": rn(2, 3, 4), "a": _i64(1, 2)}, {"x": rn(2, 3, 4), "a": _i64(-1, 1)}],
                opset=18, bad=[({"x": rn(2, 3, 4), "a": _i64(0, 2)}, "must be [1, 2]")])

_rv_s = rn(20, 10, 5)
_runtime_values("slice13_runtime_starts_steps", "shape", "Slice",
                [{"x": _rv_s, "st": _i64(0, 0), "en": _i64(3, 10), "ax": _i64(0, 1),
                  "sp": _i64(1, 1)},
                 {"x": _rv_s, "st": _i64(5, 9), "en": _i64(8, -100), "ax": _i64(0, 1),
                  "sp": _i64(1, -1)},
                 {"x": _rv_s, "st": _i64(17, 0), "en": _i64(8, 10), "ax": _i64(0, -2),
                  "sp": _i64(-3, 1)},
                 {"x": _rv_s, "st": _i64(0, 2), "en": _i64(10, 5), "ax": _i64(1, 0),
                  "sp": _i64(1, 1)}],
                bad=[({"x": _rv_s, "st": _i64(0, 0), "en": _i64(4, 10), "ax": _i64(0, 1),
                       "sp": _i64(1, 1)}, "given [0, 0, 4, 10, 0, 1, 1, 1]"),
                     ({"x": _rv_s, "st": _i64(0, 0), "en": _i64(3, 10), "ax": _i64(0, 0),
                       "sp": _i64(1, 1)}, "must give the declared output shape [3, 10, 5]")])
# Starts and ends only (default axes and steps): whole dims are not gathered.
_runtime_values("slice13_runtime_starts_ends", "shape", "Slice",
                [{"x": rn(6, 4), "st": _i64(1, 0), "en": _i64(4, 100)},
                 {"x": rn(6, 4), "st": _i64(-3, -4), "en": _i64(6, 4)}],
                bad=[({"x": rn(6, 4), "st": _i64(1, 1), "en": _i64(4, 100)}, "given")])

_rv_p = rn(3, 4)
for _mode, _sets in (("constant", [_i64(1, 1, 1, 2), _i64(2, 0, 0, 3), _i64(0, -1, 2, 4)]),
                     ("edge", [_i64(1, 1, 1, 2), _i64(0, -1, 2, 4)]),
                     ("reflect", [_i64(1, 1, 1, 2), _i64(2, 0, 0, 3), _i64(0, 3, 2, 0)]),
                     ("wrap", [_i64(1, 1, 1, 2), _i64(2, 0, 0, 3)])):
    _runtime_values(f"pad19_{_mode}_runtime_pads", "shape", "Pad",
                    [{"x": _rv_p, "p": p} for p in _sets], attrs={"mode": _mode}, opset=19,
                    bad=[({"x": _rv_p, "p": _i64(1, 1, 1, 1)}, "given [1, 1, 1, 1]")])
_runtime_values("pad18_constant_runtime_value_axes", "shape", "Pad",
                [{"x": _rv_p, "p": _i64(1, 2), "v": np.array(2.5, np.float32),
                  "a": _i64(1)},
                 {"x": _rv_p, "p": _i64(3, 0), "v": np.array(-1.0, np.float32),
                  "a": _i64(-1)}],
                attrs={"mode": "constant"}, opset=18,
                bad=[({"x": _rv_p, "p": _i64(1, 2), "v": np.array(0, np.float32),
                       "a": _i64(0)}, "must give the declared output shape [3, 7]")])

_runtime_values("range11_runtime_float", "shape", "Range",
                [{"s": np.array(0, np.float32), "l": np.array(4, np.float32),
                  "d": np.array(1, np.float32)},
                 {"s": np.array(1.5, np.float32), "l": np.array(5.25, np.float32),
                  "d": np.array(1, np.float32)},
                 {"s": np.array(10, np.float32), "l": np.array(2, np.float32),
                  "d": np.array(-2, np.float32)}],
                opset=11,
                bad=[({"s": np.array(0, np.float32), "l": np.array(5, np.float32),
                       "d": np.array(1, np.float32)}, "given [0, 5, 1]"),
                     ({"s": np.array(0, np.float32), "l": np.array(5, np.float32),
                       "d": np.array(0, np.float32)}, "given [0, 5, 0]")])
_runtime_values("range11_runtime_int32", "shape", "Range",
                [{"s": np.array(3, np.int32), "l": np.array(-3, np.int32),
                  "d": np.array(-2, np.int32)},
                 {"s": np.array(0, np.int32), "l": np.array(7, np.int32),
                  "d": np.array(3, np.int32)}],
                opset=11, out_dtype=TensorProto.INT32,
                bad=[({"s": np.array(0, np.int32), "l": np.array(7, np.int32),
                       "d": np.array(1, np.int32)}, "given [0, 7, 1]")])

_runtime_values("dropout13_runtime_training_mode", "shape", "Dropout",
                [{"x": rn(3, 4), "r": np.array(0.5, np.float32), "t": np.array(False)},
                 {"x": rn(3, 4), "r": np.array(0.0, np.float32), "t": np.array(True)}],
                opset=13,
                bad=[({"x": rn(3, 4), "r": np.array(0.5, np.float32), "t": np.array(True)},
                      "random dropout")])

_rv_e = rn(1, 3)
_runtime_values("expand13_shape_runtime_guarded", "shape", "Expand",
                [{"x": _rv_e, "s": _i64(4, 3)}, {"x": _rv_e, "s": _i64(4, 1)}],
                bad=[({"x": _rv_e, "s": _i64(1, 3)}, "given [1, 3]")])
_runtime_values("tile13_repeats_runtime_guarded", "shape", "Tile",
                [{"x": rn(2, 3), "r": _i64(2, 2)}],
                bad=[({"x": rn(2, 3), "r": _i64(1, 4)}, "given [1, 4]")])
_runtime_values("unsqueeze13_axes_runtime_guarded", "shape", "Unsqueeze",
                [{"x": rn(3, 4), "a": _i64(0, 2)}, {"x": rn(3, 4), "a": _i64(-2, 0)}],
                bad=[({"x": rn(3, 4), "a": _i64(0, 1)}, "given [0, 1]")])
_runtime_values("squeeze13_axes_runtime_guarded", "shape", "Squeeze",
                [{"x": rn(1, 3, 1, 4), "a": _i64(0)}],
                bad=[({"x": rn(1, 3, 1, 4), "a": _i64(2)}, "must be [0]")])

# Operands taken from declared shapes elsewhere are guarded too; a DFT axis
# where several axes give the declared shape is selected at run time.


def _topk_k_runtime_guarded():
    x = rn(3, 5)
    node = helper.make_node("TopK", ["x", "k"], ["v", "i"], name="topk_0")
    model = T.make_model([node], [T.tensor_info("x", (3, 5)),
                                  T.tensor_info("k", (1,), TensorProto.INT64)],
                         [T.tensor_info("v", (3, 2)),
                          T.tensor_info("i", (3, 2), TensorProto.INT64)], [], opset=11)
    c = T.compile_model("topk11_k_runtime_guarded", model)
    feeds = {"x": x, "k": _i64(2)}
    actual, _ = T.run_runner(c, feeds, ["v", "i"])
    T.compare_outputs(actual, T.reference(model, feeds), 1e-4, 1e-5)
    d = c.outdir.parent / "bad"
    paths = T.write_inputs(d / "inputs", {"x": x, "k": _i64(3)})
    proc = T.run_cmd([c.runner, *T.input_args(paths), "--output-dir", d / "outputs"],
                     timeout=T.RUN_TIMEOUT_S)
    T.check_no_crash(proc, "runner")
    if proc.returncode == 0 or "TopK's k ('k') must be [2]" not in proc.stderr:
        raise T.CaseFailure(f"k = 3 should fail the run\n{proc.describe()}")


T.add_case("topk11_k_runtime_guarded", _topk_k_runtime_guarded, "reduce")
_runtime_values("hannwindow17_size_runtime_guarded", "shape", "HannWindow",
                [{"n": np.array(8, np.int64)}], opset=17,
                bad=[({"n": np.array(9, np.int64)}, "given [9]")])
_rv_d = rn(1, 4, 4, 1)
_runtime_values("dft20_axis_runtime_select", "shape", "DFT",
                [{"x": _rv_d, "a": np.array(1, np.int64)},
                 {"x": _rv_d, "a": np.array(-2, np.int64)},
                 {"x": _rv_d, "a": np.array(0, np.int64)}],
                node_inputs=["x", "", "a"], opset=20,
                bad=[({"x": _rv_d, "a": np.array(-1, np.int64)}, "given [-1]")])


def _range_length_through_elementwise():
    """Range(0, n, 1) * k -> cos + itself -> y [6]: the Range's length comes
    from y's declared shape through the elementwise ops, checked at run time."""
    nodes = [helper.make_node("Cast", ["n"], ["nf"], to=TensorProto.FLOAT),
             helper.make_node("Range", ["zero", "nf", "one"], ["r"]),
             helper.make_node("Mul", ["r", "k"], ["a"]),
             helper.make_node("Cos", ["a"], ["c"]),
             helper.make_node("Add", ["c", "a"], ["y"])]
    model = T.make_model(nodes, [T.tensor_info("n", (), TensorProto.INT64),
                                 T.tensor_info("k", ())],
                         [T.tensor_info("y", (6,))],
                         [T.init("zero", np.array(0, np.float32)),
                          T.init("one", np.array(1, np.float32))], opset=13)
    c = T.compile_model("range_length_through_elementwise", model)
    for k, feeds in enumerate([{"n": np.array(6, np.int64), "k": np.array(0.5, np.float32)},
                               {"n": np.array(6, np.int64), "k": np.array(-2, np.float32)}]):
        actual, _ = T.run_runner(c, feeds, ["y"], run_dir=c.outdir.parent / f"run{k}")
        T.compare_outputs(actual, T.reference(model, feeds), 1e-4, 1e-5)
    d = c.outdir.parent / "bad"
    paths = T.write_inputs(d / "inputs", {"n": np.array(7, np.int64),
                                          "k": np.array(1, np.float32)})
    proc = T.run_cmd([c.runner, *T.input_args(paths), "--output-dir", d / "outputs"],
                     timeout=T.RUN_TIMEOUT_S)
    T.check_no_crash(proc, "runner")
    if proc.returncode == 0 or "given [0, 7, 1]" not in proc.stderr:
        raise T.CaseFailure(f"n = 7 should fail the run\n{proc.describe()}")


T.add_case("range_length_through_elementwise", _range_length_through_elementwise, "shape")

# NonZero and Compress with run-time data take the count from the declared
# output shape: another input set with the same count runs, a set selecting
# another number of entries fails the run (guard) instead of being cut.
_nz_a = np.array([[0, 1.5, 0, 2], [3, 0, 0, 0]], np.float32)
_nz_b = np.array([[1, 0, 0, 0], [0, 0, 2, -4]], np.float32)
_nz_bad = np.array([[1, 1, 0, 0], [0, 0, 2, -4]], np.float32)
_runtime_values("nonzero13_count_guard", "shape", "NonZero", [{"x": _nz_a}, {"x": _nz_b}],
                opset=13, out_dtype=TensorProto.INT64, rtol=0, atol=0,
                bad=[({"x": _nz_bad}, "the number of selected entries must be 3")])
_runtime_values("compress11_count_guard", "shape", "Compress",
                [{"x": rn(4, 3), "c": np.array([True, False, True, False])},
                 {"x": rn(4, 3), "c": np.array([False, True, False, True])}],
                attrs={"axis": 0}, opset=11,
                bad=[({"x": rn(4, 3), "c": np.array([True, True, True, False])},
                      "the number of selected entries must be 2")])

# Loop with a run-time trip count: unrolled to the declared length of its
# scan output; a trip count or condition that would run another number of
# iterations fails the run (guard).
def _loop_body_accumulate(stop_above=None):
    """(i, cond, acc) -> (cond', acc + i, scan acc + i); cond' is cond, or
    acc + i <= stop_above."""
    one_step = [helper.make_node("Cast", ["i"], ["i_f"], to=TensorProto.FLOAT),
                helper.make_node("Add", ["acc", "i_f"], ["acc_out"]),
                helper.make_node("Identity", ["acc_out"], ["scan"])]
    if stop_above is None:
        one_step.append(helper.make_node("Identity", ["cond"], ["cond_out"]))
    else:
        one_step += [helper.make_node("Constant", [], ["lim"], value=helper.make_tensor(
                         "lim", TensorProto.FLOAT, [1], [float(stop_above)])),
                     helper.make_node("LessOrEqual", ["acc_out", "lim"], ["le"]),
                     helper.make_node("Squeeze", ["le"], ["cond_out"])]
    return helper.make_graph(
        one_step, "body",
        [T.tensor_info("i", [], TensorProto.INT64), T.tensor_info("cond", [], TensorProto.BOOL),
         T.tensor_info("acc", [1])],
        [T.tensor_info("cond_out", [], TensorProto.BOOL), T.tensor_info("acc_out", [1]),
         T.tensor_info("scan", [1])])


_true = np.array(True)
_acc0 = np.array([0.5], np.float32)
_runtime_values("loop16_runtime_trip_count", "control", "Loop",
                [{"M": np.array(4, np.int64), "c": _true, "a": _acc0},
                 {"M": np.array(4, np.int64), "c": _true, "a": np.array([-3.0], np.float32)}],
                attrs={"body": _loop_body_accumulate()}, opset=16, n_outputs=2,
                bad=[({"M": np.array(5, np.int64), "c": _true, "a": _acc0},
                      "the loop must run exactly 4 times"),
                     ({"M": np.array(3, np.int64), "c": _true, "a": _acc0},
                      "the loop must run exactly 4 times"),
                     ({"M": np.array(4, np.int64), "c": np.array(False), "a": _acc0},
                      "the loop must run exactly 4 times")])
# The condition stops the loop after 3 iterations when M is larger.
_runtime_values("loop16_runtime_trip_count_condition_stops", "control", "Loop",
                [{"M": np.array(10, np.int64), "c": _true, "a": _acc0},
                 {"M": np.array(3, np.int64), "c": _true, "a": _acc0}],
                attrs={"body": _loop_body_accumulate(stop_above=2.0)}, opset=16, n_outputs=2,
                bad=[({"M": np.array(10, np.int64), "c": _true, "a": np.array([-5.0], np.float32)},
                      "the loop must run exactly 3 times")])

# FlexAttention (ai.onnx.preview 1), vs ONNX's reference (onnxruntime has no
# ai.onnx.preview ops): plain, grouped-query with a scale, a score_mod graph
# (relative position bias) and a prob_mod graph on float16 inputs.
def _flex_mod(name, inp, out, nodes):
    return helper.make_graph(nodes, name, [helper.make_tensor_value_info(inp, TensorProto.FLOAT,
                                                                          None)],
                             [helper.make_tensor_value_info(out, TensorProto.FLOAT, None)])


_PV = "ai.onnx.preview"
_domain_case("flexattention1_plain", "norm", _PV, 1, "FlexAttention",
             {"Q": rn(2, 3, 5, 8), "K": rn(2, 3, 7, 8), "V": rn(2, 3, 7, 4)}, {},
             [("Y", TensorProto.FLOAT)], use_ort=False, rtol=1e-4, atol=1e-5)
_domain_case("flexattention1_gqa_scale", "norm", _PV, 1, "FlexAttention",
             {"Q": rn(1, 4, 3, 8), "K": rn(1, 2, 6, 8), "V": rn(1, 2, 6, 8)}, {"scale": 0.3},
             [("Y", TensorProto.FLOAT)], use_ort=False, rtol=1e-4, atol=1e-5)
_bias = helper.make_tensor("bias", TensorProto.FLOAT, [4, 4],
                           (np.subtract.outer(np.arange(4), np.arange(4)) * 0.25).ravel().tolist())
_domain_case("flexattention1_score_mod", "norm", _PV, 1, "FlexAttention",
             {"Q": rn(1, 2, 4, 8), "K": rn(1, 2, 4, 8), "V": rn(1, 2, 4, 8)},
             {"score_mod": _flex_mod("sm", "s", "so", [
                 helper.make_node("Constant", [], ["bias"], value=_bias),
                 helper.make_node("Add", ["s", "bias"], ["so"])])},
             [("Y", TensorProto.FLOAT)], use_ort=False, rtol=1e-4, atol=1e-5)
_domain_case("flexattention1_prob_mod_f16", "norm", _PV, 1, "FlexAttention",
             {"Q": rn(1, 2, 3, 8).astype(np.float16), "K": rn(1, 2, 5, 8).astype(np.float16),
              "V": rn(1, 2, 5, 8).astype(np.float16)},
             {"prob_mod": _flex_mod("pm", "p", "po", [
                 helper.make_node("Constant", [], ["two"], value=helper.make_tensor(
                     "two", TensorProto.FLOAT, [], [2.0])),
                 helper.make_node("Mul", ["p", "two"], ["po"])])},
             [("Y", TensorProto.FLOAT16)], use_ort=False, rtol=2e-3, atol=1e-3)

# (Last in the file: cases draw their seeds in order, so new cases go here and
# leave the inputs of the others as they were.)
F = "shape"
# Large enough for the transpose kernel (tiles of 16x16 transposed in
# registers): partial tiles along both the input's and the output's
# innermost dimension, several tiles, a batch loop around them.
op_case("transpose_tiles_2d", F, "Transpose", {"x": rn(40, 33)}, attrs={"perm": [1, 0]},
        opset=13)
op_case("transpose_tiles_nchw_to_nhwc", F, "Transpose", {"x": rn(2, 37, 19, 21)},
        attrs={"perm": [0, 2, 3, 1]}, opset=13)
op_case("transpose_tiles_nhwc_to_nchw", F, "Transpose", {"x": rn(1, 9, 18, 48)},
        attrs={"perm": [0, 3, 1, 2]}, opset=13)
op_case("transpose_tiles_int32", F, "Transpose",
        {"x": np.arange(32 * 24, dtype=np.int32).reshape(32, 24)}, attrs={"perm": [1, 0]},
        opset=13, out_dtype=TensorProto.INT32)
op_case("transpose_tiles_then_relu", F, "Relu", {"x": rn(24, 40)}, opset=14,
        pre_nodes=[helper.make_node("Transpose", ["x"], ["xt"], perm=[1, 0])],
        node_inputs=["xt"])
# A 7x7 map's rows (7 of 16 lanes, 9 rows of each tile clamped or skipped).
op_case("transpose_tiles_7x7_to_nhwc", F, "Transpose", {"x": rn(1, 40, 7, 7)},
        attrs={"perm": [0, 2, 3, 1]}, opset=13)
op_case("transpose_tiles_7x7_to_nchw", F, "Transpose", {"x": rn(1, 7, 7, 40)},
        attrs={"perm": [0, 3, 1, 2]}, opset=13)

# Few output positions over weights beyond L2 (1-2 MB, as in ResNet-50's
# stage 4): the kernels prefetch the next block of output channels' weights.
# Outputs are sums of 512-2304 products (magnitudes up to ~40): summation
# order alone moves an element by up to ~1.5e-4 against onnxruntime.
F = "conv"
conv("conv2d_7x7_map_1x1_2mb_weights", (1, 512, 7, 7), (1024, 512, 1, 1), atol=5e-4)
conv("conv2d_7x7_map_3x3_2mb_weights", (1, 256, 7, 7), (256, 256, 3, 3), pads=[1, 1, 1, 1],
     atol=5e-4)
conv("conv2d_4x4_map_3x3_s2_2mb_weights", (1, 256, 8, 8), (256, 256, 3, 3), pads=[1, 1, 1, 1],
     strides=[2, 2], atol=5e-4)

# NCHW 1x1s left outside channels-last regions, as contractions over whole
# channel planes (dsc-flatten-pointwise-convs): 3136 positions, all lanes;
# 63, a masked tail; no bias (a zero fill).
conv("conv2d_1x1_planes_56", (1, 16, 56, 56), (24, 16, 1, 1))
conv("conv2d_1x1_planes_7x9_no_bias", (1, 8, 7, 9), (5, 8, 1, 1), bias=False)

if __name__ == "__main__":
    sys.exit(T.main(families=FAMILIES, description=__doc__))
