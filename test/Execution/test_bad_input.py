#!/usr/bin/env python3
"""Error handling: `dsc compile` on malformed or unsupported models must exit 1
with one clear `error:` diagnostic (naming the node and op type for
node-level problems) and leave no output directory; the generated runner must
reject bad inputs with exit 1 and exactly one `error: ` line. Also checks
`dsc run` on working models, including its compile cache.

    python test/Execution/test_bad_input.py [--dsc PATH] [-k SUBSTR] [-j N]
"""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper

sys.path.insert(0, str(Path(__file__).resolve().parent))
import dsc_testing as T  # noqa: E402


def Q(name: str) -> tuple[str, ...]:
    """A name as a diagnostic quotes it: 'name', "name" or `name`."""
    return (f"'{name}'", f'"{name}"', f"`{name}`")


def valid_model(seed: int = 0) -> onnx.ModelProto:
    """Conv -> Relu -> Flatten -> Gemm with a few KB of weights."""
    r = np.random.default_rng(seed)
    inits = [T.init("w", r.standard_normal((8, 3, 3, 3)).astype(np.float32)),
             T.init("b", r.standard_normal(8).astype(np.float32)),
             T.init("fc_w", r.standard_normal((5, 8 * 4 * 4)).astype(np.float32)),
             T.init("fc_b", r.standard_normal(5).astype(np.float32))]
    nodes = [helper.make_node("Conv", ["x", "w", "b"], ["c"], name="conv1", pads=[1, 1, 1, 1]),
             helper.make_node("Relu", ["c"], ["r"], name="relu1"),
             helper.make_node("Flatten", ["r"], ["f"], name="flatten1"),
             helper.make_node("Gemm", ["f", "fc_w", "fc_b"], ["y"], name="fc1", transB=1)]
    return T.make_model(nodes, [T.tensor_info("x", (1, 3, 4, 4))], [T.tensor_info("y", (1, 5))],
                        inits, opset=13)


def raw_model(nodes, inputs, outputs, inits=(), opset=13, extra_opsets=None) -> bytes:
    """Serialized model bytes without running the checker (for invalid models)."""
    return T.make_model(nodes, inputs, outputs, inits, opset=opset, extra_opsets=extra_opsets,
                        check=False).SerializeToString()


def compile_error(name: str, substrings=(), **kw):
    """Decorator: the function returns the model bytes (or ModelProto)."""

    def deco(build):
        T.add_case(name, lambda: T.expect_compile_error(name, build(), substrings, **kw))
        return build

    return deco


# --------------------------------------------------------------------------
# malformed files
# --------------------------------------------------------------------------


@compile_error("truncated_model_file")
def _truncated():
    data = valid_model().SerializeToString()
    return data[: len(data) // 2]


@compile_error("garbage_bytes")
def _garbage():
    return b"this is not an ONNX model\x00\xff\xfe\x01\x02" + bytes(range(256)) * 4


@compile_error("empty_file")
def _empty():
    return b""


def _nonexistent():
    d = T.case_dir("nonexistent_file")
    T.expect_compile_error("nonexistent_file", None, ["does_not_exist.onnx"],
                           model_path=d / "does_not_exist.onnx")


T.add_case("nonexistent_file", _nonexistent)


@compile_error("model_without_graph_nodes_or_outputs")
def _no_graph():
    m = onnx.ModelProto()
    m.ir_version = 8
    m.opset_import.append(helper.make_opsetid("", 13))
    return m.SerializeToString()


# --------------------------------------------------------------------------
# unsupported or inconsistent graphs
# --------------------------------------------------------------------------


@compile_error("unknown_op_default_domain", ["mystery_node", "FooBar"])
def _unknown_op():
    return raw_model([helper.make_node("FooBar", ["x"], ["y"], name="mystery_node")],
                     [T.tensor_info("x", (2, 3))], [T.tensor_info("y", (2, 3))])


@compile_error("op_from_unknown_domain", ["custom_relu", "com.example.custom"])
def _unknown_domain():
    return raw_model([helper.make_node("Relu", ["x"], ["y"], name="custom_relu",
                                       domain="com.example.custom")],
                     [T.tensor_info("x", (2, 3))], [T.tensor_info("y", (2, 3))],
                     extra_opsets={"com.example.custom": 1})


@compile_error("undefined_node_input", ["conv_missing_w", "missing_weight"])
def _missing_init():
    return raw_model([helper.make_node("Conv", ["x", "missing_weight"], ["y"],
                                       name="conv_missing_w")],
                     [T.tensor_info("x", (1, 3, 4, 4))], [T.tensor_info("y", (1, 2, 2, 2))])


@compile_error("undefined_graph_output", [Q("not_produced")])
def _missing_output():
    return raw_model([helper.make_node("Relu", ["x"], ["y"], name="relu0")],
                     [T.tensor_info("x", (2, 3))],
                     [T.tensor_info("y", (2, 3)), T.tensor_info("not_produced", (2, 3))])


@compile_error("unsupported_opset_3", [("opset", "version"), "3"])
def _opset3():
    return raw_model([helper.make_node("Relu", ["x"], ["y"], name="relu0")],
                     [T.tensor_info("x", (2, 3))], [T.tensor_info("y", (2, 3))], opset=3)


@compile_error("unsupported_opset_99", [("opset", "version"), "99"])
def _opset99():
    return raw_model([helper.make_node("Relu", ["x"], ["y"], name="relu0")],
                     [T.tensor_info("x", (2, 3))], [T.tensor_info("y", (2, 3))], opset=99)


@compile_error("conv_auto_pad_bogus", ["conv_bogus", "Conv", "auto_pad"])
def _auto_pad_bogus():
    w = T.randn(1, 2, 3, 3, 3)
    return raw_model([helper.make_node("Conv", ["x", "w"], ["y"], name="conv_bogus",
                                       auto_pad="BOGUS")],
                     [T.tensor_info("x", (1, 3, 5, 5))], [T.tensor_info("y", (1, 2, 5, 5))],
                     [T.init("w", w)])


@compile_error("add_float_int64_type_mismatch", ["add_mixed", "Add"])
def _type_mismatch():
    return raw_model([helper.make_node("Add", ["a", "b"], ["y"], name="add_mixed")],
                     [T.tensor_info("a", (2, 3)), T.tensor_info("b", (2, 3), TensorProto.INT64)],
                     [T.tensor_info("y", (2, 3))])


def _float64():
    """float64 is outside the documented float32 support: dsc must either
    compile it correctly or reject it cleanly."""
    name = "float64_model_correct_or_clean_error"
    model = T.make_model([helper.make_node("Relu", ["x"], ["y"], name="relu_f64")],
                         [T.tensor_info("x", (2, 3), TensorProto.DOUBLE)],
                         [T.tensor_info("y", (2, 3), TensorProto.DOUBLE)])
    d = T.case_dir(name)
    path = T.save_model(model, d / "f64.onnx")
    proc = T.run_cmd([T.dsc_path(), "compile", path, "-o", d / "out", *T.target_args()], timeout=T.COMPILE_TIMEOUT_S)
    T.check_no_crash(proc, "dsc compile")
    if proc.returncode != 0:
        T.expect_compile_error(name, model, [("double", "float64", "f64", "type")])
        return
    x = np.array([[-1.5, 2.0, -3.0], [4.25, -5.0, 6.0]], np.float64)
    c = T.Compiled(path, d / "out", "f64", proc)
    got, _ = T.run_runner(c, {"x": x}, ["y"])
    T.compare_outputs(got, T.reference(model, {"x": x}), 1e-12, 0)


T.add_case("float64_model_correct_or_clean_error", _float64)


@compile_error("dynamic_input_shape", ["dyn_input", "--shape N="])
def _dynamic():
    # A symbolic dimension other than a leading batch (test_dynamic_batch.py
    # has those) needs --shape.
    return raw_model([helper.make_node("Relu", ["dyn_input"], ["y"], name="relu0")],
                     [T.tensor_info("dyn_input", (3, "N"))], [T.tensor_info("y", (3, "N"))])


@compile_error("gemm_inner_dim_mismatch", ["fc_bad", "Gemm"])
def _gemm_mismatch():
    return raw_model([helper.make_node("Gemm", ["a", "w"], ["y"], name="fc_bad")],
                     [T.tensor_info("a", (2, 5))], [T.tensor_info("y", (2, 4))],
                     [T.init("w", T.randn(2, 6, 4))])


@compile_error("softmax_axis_out_of_range", ["softmax_bad", "Softmax", "axis"])
def _softmax_axis():
    return raw_model([helper.make_node("Softmax", ["x"], ["y"], name="softmax_bad", axis=5)],
                     [T.tensor_info("x", (2, 3, 4))], [T.tensor_info("y", (2, 3, 4))])


# A shape given at run time is taken from the declared output shape only when
# that fits; here the declared [3, 5] cannot hold the input's 12 elements.
@compile_error("reshape_shape_not_constant", ["reshape_dyn", "Reshape"])
def _reshape_dynamic():
    return raw_model([helper.make_node("Reshape", ["x", "shape"], ["y"], name="reshape_dyn")],
                     [T.tensor_info("x", (2, 6)), T.tensor_info("shape", (2,), TensorProto.INT64)],
                     [T.tensor_info("y", (3, 5))])


@compile_error("conv_channel_mismatch", ["conv_chan", "Conv"])
def _conv_channels():
    return raw_model([helper.make_node("Conv", ["x", "w"], ["y"], name="conv_chan")],
                     [T.tensor_info("x", (1, 3, 8, 8))], [T.tensor_info("y", (1, 2, 6, 6))],
                     [T.init("w", T.randn(3, 2, 2, 3, 3))])


@compile_error("conv_group_not_dividing_channels", ["conv_group", "Conv"])
def _conv_group():
    return raw_model([helper.make_node("Conv", ["x", "w"], ["y"], name="conv_group", group=2)],
                     [T.tensor_info("x", (1, 3, 5, 5))], [T.tensor_info("y", (1, 4, 3, 3))],
                     [T.init("w", T.randn(4, 4, 1, 3, 3))])


@compile_error("concat_mismatched_dims", ["cat_bad", "Concat"])
def _concat_bad():
    return raw_model([helper.make_node("Concat", ["a", "b"], ["y"], name="cat_bad", axis=0)],
                     [T.tensor_info("a", (2, 3)), T.tensor_info("b", (2, 4))],
                     [T.tensor_info("y", (4, 3))])


@compile_error("reshape_two_minus_one", ["reshape_bad", "Reshape"])
def _reshape_bad():
    return raw_model([helper.make_node("Reshape", ["x", "s"], ["y"], name="reshape_bad")],
                     [T.tensor_info("x", (2, 6))], [T.tensor_info("y", (3, 4))],
                     [T.init("s", np.array([-1, -1], np.int64))])


@compile_error("reshape_element_count_mismatch", ["reshape_count", "Reshape"])
def _reshape_count():
    return raw_model([helper.make_node("Reshape", ["x", "s"], ["y"], name="reshape_count")],
                     [T.tensor_info("x", (2, 6))], [T.tensor_info("y", (5, 3))],
                     [T.init("s", np.array([5, 3], np.int64))])


@compile_error("transpose_invalid_perm", ["transpose_bad", "Transpose"])
def _transpose_bad():
    return raw_model([helper.make_node("Transpose", ["x"], ["y"], name="transpose_bad",
                                       perm=[0, 0])],
                     [T.tensor_info("x", (2, 6))], [T.tensor_info("y", (2, 2))])


@compile_error("gemm_rank3_operand", ["gemm_r3", "Gemm"])
def _gemm_rank3():
    return raw_model([helper.make_node("Gemm", ["a", "b"], ["y"], name="gemm_r3")],
                     [T.tensor_info("a", (2, 3, 4)), T.tensor_info("b", (4, 5))],
                     [T.tensor_info("y", (2, 5))])


@compile_error("maxpool_kernel_larger_than_input", ["pool_big", "MaxPool"])
def _pool_big():
    return raw_model([helper.make_node("MaxPool", ["x"], ["y"], name="pool_big",
                                       kernel_shape=[5, 5])],
                     [T.tensor_info("x", (1, 1, 3, 3))], [T.tensor_info("y", (1, 1, 1, 1))])


@compile_error("maxpool_missing_kernel_shape", ["pool_nokernel", "MaxPool", "kernel_shape"])
def _pool_nokernel():
    return raw_model([helper.make_node("MaxPool", ["x"], ["y"], name="pool_nokernel")],
                     [T.tensor_info("x", (1, 1, 4, 4))], [T.tensor_info("y", (1, 1, 4, 4))])


@compile_error("declared_output_shape_wrong", [Q("y"), "shape"])
def _declared_shape():
    return raw_model([helper.make_node("Relu", ["x"], ["y"], name="relu_decl")],
                     [T.tensor_info("x", (2, 3))], [T.tensor_info("y", (3, 2))])


@compile_error("batchnorm_running_stats_without_training_mode",
               ["bn_infer", "BatchNormalization", "training_mode"])
def _bn_running_stats():
    r = np.random.default_rng(3)
    inits = [T.init(n, r.uniform(0.5, 1.0, 3).astype(np.float32)) for n in ("s", "b", "m", "v")]
    return raw_model(
        [helper.make_node("BatchNormalization", ["x", "s", "b", "m", "v"],
                          ["y", "running_mean", "running_var"], name="bn_infer", training_mode=0)],
        [T.tensor_info("x", (2, 3, 4, 4))],
        [T.tensor_info("y", (2, 3, 4, 4)), T.tensor_info("running_mean", (3,)),
         T.tensor_info("running_var", (3,))], inits, opset=15)


def _zero_sized():
    """A tensor with a zero dimension: dsc must either run it correctly or
    reject it with a diagnostic that says so (not an internal pipeline error)."""
    name = "zero_sized_tensor_correct_or_clear_error"
    model = T.make_model(
        [helper.make_node("Reshape", ["x", "s"], ["r"], name="reshape_zero", allowzero=1),
         helper.make_node("Relu", ["r"], ["y"], name="relu0")],
        [T.tensor_info("x", (0, 3))], [T.tensor_info("y", (3, 0))],
        [T.init("s", np.array([3, 0], np.int64))], opset=14)
    d = T.case_dir(name)
    path = T.save_model(model, d / "zs.onnx")
    proc = T.run_cmd([T.dsc_path(), "compile", path, "-o", d / "out", *T.target_args()], timeout=T.COMPILE_TIMEOUT_S)
    T.check_no_crash(proc, "dsc compile")
    if proc.returncode == 0:
        c = T.Compiled(path, d / "out", "zs", proc)
        got, _ = T.run_runner(c, {"x": np.zeros((0, 3), np.float32)}, ["y"])
        T.compare_outputs(got, {"y": np.zeros((3, 0), np.float32)}, 0, 0)
        return
    T.expect_compile_error(name, model, [("zero", "empty", "size 0", "0 elements", "0-sized")],
                           file_stem="zs")


T.add_case("zero_sized_tensor_correct_or_clear_error", _zero_sized)


@compile_error("node_name_with_special_characters", ["/model/layer.0/Foo Bar", "FooBar"])
def _special_name():
    return raw_model([helper.make_node("FooBar", ["x"], ["y"], name="/model/layer.0/Foo Bar")],
                     [T.tensor_info("x", (2, 3))], [T.tensor_info("y", (2, 3))])


# --------------------------------------------------------------------------
# structurally broken graphs and impossible sizes (the fuzzer's territory:
# tools/dsc-fuzz-import)
# --------------------------------------------------------------------------


@compile_error("graph_with_cycle", ["add_cycle", "Add", Q("b"), "relu_cycle", "cycle"])
def _cycle():
    # add_cycle reads b, which relu_cycle computes from add_cycle's output.
    return raw_model([helper.make_node("Add", ["x", "b"], ["a"], name="add_cycle"),
                      helper.make_node("Relu", ["a"], ["b"], name="relu_cycle")],
                     [T.tensor_info("x", (2, 3))], [T.tensor_info("b", (2, 3))])


@compile_error("dangling_node_input_between_nodes", ["relu_dangling", "Relu", Q("never_made")])
def _dangling():
    return raw_model([helper.make_node("Relu", ["x"], ["r"], name="relu0"),
                      helper.make_node("Relu", ["never_made"], ["y"], name="relu_dangling")],
                     [T.tensor_info("x", (2, 3))], [T.tensor_info("y", (2, 3))])


@compile_error("initializer_raw_data_size_mismatch", ["add_w", "Add", Q("w"), "bytes"])
def _init_raw_size():
    w = T.init("w", np.ones((2, 3), np.float32))
    w.raw_data = w.raw_data[:-4]  # 5 floats for a [2, 3] tensor
    return raw_model([helper.make_node("Add", ["x", "w"], ["y"], name="add_w")],
                     [T.tensor_info("x", (2, 3))], [T.tensor_info("y", (2, 3))], [w])


@compile_error("initializer_typed_data_count_mismatch", ["mul_w", "Mul", Q("w"), "values"])
def _init_typed_count():
    w = TensorProto(name="w", data_type=TensorProto.FLOAT, dims=[2, 3],
                    float_data=[1.0, 2.0, 3.0, 4.0])
    return raw_model([helper.make_node("Mul", ["x", "w"], ["y"], name="mul_w")],
                     [T.tensor_info("x", (2, 3))], [T.tensor_info("y", (2, 3))], [w])


@compile_error("node_domain_missing_from_opset_import", ["ext_relu", "com.example.missing"])
def _domain_not_imported():
    return raw_model([helper.make_node("Relu", ["x"], ["y"], name="ext_relu",
                                       domain="com.example.missing")],
                     [T.tensor_info("x", (2, 3))], [T.tensor_info("y", (2, 3))])


@compile_error("opset_import_only_unknown_domain", ["opset", ("default", "ai.onnx")])
def _only_unknown_domain():
    m = T.make_model([helper.make_node("Relu", ["x"], ["y"], name="relu0")],
                     [T.tensor_info("x", (2, 3))], [T.tensor_info("y", (2, 3))], check=False)
    del m.opset_import[:]
    m.opset_import.append(helper.make_opsetid("com.example.unknown", 1))
    return m.SerializeToString()


@compile_error("huge_declared_input_shape", [Q("big"), "elements"])
def _huge_input():
    # 2^40 elements (4 TiB of float): refused, never allocated.
    return raw_model([helper.make_node("Relu", ["big"], ["y"], name="relu_big")],
                     [T.tensor_info("big", (1 << 20, 1 << 20))],
                     [T.tensor_info("y", (1 << 20, 1 << 20))])


@compile_error("declared_input_shape_overflows_int64", [Q("big"), "elements"])
def _overflow_input():
    return raw_model([helper.make_node("Relu", ["big"], ["y"], name="relu_big")],
                     [T.tensor_info("big", (1 << 62, 1 << 62, 16))],
                     [T.tensor_info("y", (1 << 62, 1 << 62, 16))])


@compile_error("huge_inferred_intermediate_shape", ["expand_big", "Expand", "elements"])
def _huge_expand():
    return raw_model([helper.make_node("Expand", ["x", "s"], ["y"], name="expand_big")],
                     [T.tensor_info("x", (1, 3))], [T.tensor_info("y", (1 << 40, 3))],
                     [T.init("s", np.array([1 << 40, 3], np.int64))])


@compile_error("huge_initializer_dims_without_data", [Q("w"), "elements"])
def _huge_initializer():
    w = TensorProto(name="w", data_type=TensorProto.FLOAT, dims=[1 << 30, 1 << 30])
    return raw_model([helper.make_node("Add", ["x", "w"], ["y"], name="add_huge")],
                     [T.tensor_info("x", (2, 3))], [T.tensor_info("y", (2, 3))], [w])


@compile_error("declared_output_rank_wrong", [Q("y"), "shape"])
def _declared_rank():
    return raw_model([helper.make_node("Relu", ["x"], ["y"], name="relu_rank")],
                     [T.tensor_info("x", (2, 3))], [T.tensor_info("y", (2, 3, 1))])


# --------------------------------------------------------------------------
# runner errors
# --------------------------------------------------------------------------

_compiled_lock = threading.Lock()
_compiled: dict[str, T.Compiled] = {}


def two_input_model() -> onnx.ModelProto:
    nodes = [helper.make_node("Add", ["a", "b"], ["s"], name="add0"),
             helper.make_node("Relu", ["s"], ["y"], name="relu0")]
    return T.make_model(nodes, [T.tensor_info("a", (2, 3)), T.tensor_info("b", (2, 3))],
                        [T.tensor_info("y", (2, 3))])


def shared_compiled() -> T.Compiled:
    with _compiled_lock:
        if "two_inputs" not in _compiled:
            _compiled["two_inputs"] = T.compile_model("runner_model", two_input_model(),
                                                      file_stem="two_inputs")
        return _compiled["two_inputs"]


def runner_error(name: str, substrings=()):
    """Decorator: the function gets (dir, good_a, good_b) paths and returns the
    runner arguments."""

    def deco(make_args):
        def fn():
            c = shared_compiled()
            d = T.case_dir(name)
            a = d / "a.npy"
            b = d / "b.npy"
            np.save(a, T.randn(1, 2, 3))
            np.save(b, T.randn(2, 2, 3))
            args = make_args(d, a, b)
            T.expect_runner_error(name, c, [str(x) for x in args], substrings)
            if (d / "out" / "y.npy").exists():
                raise T.CaseFailure("the runner wrote an output despite the error")

        T.add_case(name, fn)
        return make_args

    return deco


@runner_error("runner_wrong_input_name", [Q("bogus")])
def _r_name(d, a, b):
    return ["--input", f"a={a}", "--input", f"bogus={b}", "--output-dir", d / "out"]


@runner_error("runner_wrong_dtype", [Q("b"), "float64"])
def _r_dtype(d, a, b):
    np.save(d / "b64.npy", np.zeros((2, 3), np.float64))
    return ["--input", f"a={a}", "--input", f"b={d / 'b64.npy'}", "--output-dir", d / "out"]


@runner_error("runner_int64_dtype", [Q("a"), "int64"])
def _r_dtype_int(d, a, b):
    np.save(d / "a_i64.npy", np.zeros((2, 3), np.int64))
    return ["--input", f"a={d / 'a_i64.npy'}", "--input", f"b={b}", "--output-dir", d / "out"]


@runner_error("runner_wrong_shape", [Q("b"), "shape"])
def _r_shape(d, a, b):
    np.save(d / "b32.npy", np.zeros((3, 2), np.float32))
    return ["--input", f"a={a}", "--input", f"b={d / 'b32.npy'}", "--output-dir", d / "out"]


@runner_error("runner_wrong_rank", [Q("a"), ("shape", "rank")])
def _r_rank(d, a, b):
    np.save(d / "a6.npy", np.zeros(6, np.float32))
    return ["--input", f"a={d / 'a6.npy'}", "--input", f"b={b}", "--output-dir", d / "out"]


@runner_error("runner_corrupt_npy", ["corrupt.npy"])
def _r_corrupt(d, a, b):
    (d / "corrupt.npy").write_bytes(b"\x93NUMPX garbage garbage garbage\n" * 4)
    return ["--input", f"a={d / 'corrupt.npy'}", "--input", f"b={b}", "--output-dir", d / "out"]


@runner_error("runner_npy_bad_header", ["badheader.npy"])
def _r_bad_header(d, a, b):
    header = b"{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3"  # unterminated
    header = header + b" " * (118 - len(header)) + b"\n"
    data = b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header + bytes(24)
    (d / "badheader.npy").write_bytes(data)
    return ["--input", f"a={a}", "--input", f"b={d / 'badheader.npy'}", "--output-dir", d / "out"]


@runner_error("runner_truncated_npy", ["truncated.npy"])
def _r_truncated(d, a, b):
    data = a.read_bytes()
    (d / "truncated.npy").write_bytes(data[:-8])
    return ["--input", f"a={d / 'truncated.npy'}", "--input", f"b={b}", "--output-dir", d / "out"]


@runner_error("runner_missing_input", [Q("b"), ("missing", "not given", "required", "no input")])
def _r_missing(d, a, b):
    return ["--input", f"a={a}", "--output-dir", d / "out"]


@runner_error("runner_nonexistent_npy", ["nope.npy"])
def _r_nofile(d, a, b):
    return ["--input", f"a={a}", "--input", f"b={d / 'nope.npy'}", "--output-dir", d / "out"]


@runner_error("runner_input_without_equals")
def _r_syntax(d, a, b):
    return ["--input", "a", "--input", f"b={b}", "--output-dir", d / "out"]


@runner_error("runner_unknown_option", ["--bogus"])
def _r_option(d, a, b):
    return ["--input", f"a={a}", "--input", f"b={b}", "--output-dir", d / "out", "--bogus"]


@runner_error("runner_repeat_not_a_number", ["repeat"])
def _r_repeat(d, a, b):
    return ["--input", f"a={a}", "--input", f"b={b}", "--output-dir", d / "out",
            "--repeat", "lots"]


def _correct_or_clean_error(name: str, array: np.ndarray):
    """Valid .npy variants the runner may either read correctly or reject with
    one error line, but must not misread."""

    def fn():
        c = shared_compiled()
        d = T.case_dir(name)
        np.save(d / "a.npy", array)
        a = np.array(array, dtype=np.float32, order="C")
        b = T.randn(4, 2, 3)
        np.save(d / "b.npy", b)
        args = ["--input", f"a={d / 'a.npy'}", "--input", f"b={d / 'b.npy'}",
                "--output-dir", d / "out"]
        proc = T.run_cmd([c.runner, *args], timeout=T.RUN_TIMEOUT_S)
        T.check_no_crash(proc, "runner")
        if proc.returncode == 0:
            got = T.load_outputs(d / "out", ["y"], proc)["y"]
            T.assert_close("y", got, np.maximum(a + b, 0).astype(np.float32), 1e-6, 1e-6)
        else:
            lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
            if proc.returncode != 1 or len(lines) != 1 or not lines[0].startswith("error: "):
                raise T.CaseFailure("expected success or exit 1 with one 'error: ' line\n"
                                    + proc.describe())

    T.add_case(name, fn)


_base = T.randn(5, 2, 3)
_correct_or_clean_error("runner_fortran_order_npy", np.asfortranarray(_base))
_correct_or_clean_error("runner_big_endian_npy", _base.astype(">f4"))


# --------------------------------------------------------------------------
# dsc run
# --------------------------------------------------------------------------


def _dsc_run(name: str, model_path: Path, inputs: dict[str, np.ndarray], out_dir: Path):
    paths = T.write_inputs(out_dir.parent / (out_dir.name + "_inputs"), inputs)
    proc = T.run_cmd([T.dsc_path(), "run", *T.target_args(), model_path, *T.input_args(paths),
                      "--output-dir", out_dir], timeout=T.COMPILE_TIMEOUT_S)
    T.check_no_crash(proc, "dsc run")
    if proc.returncode != 0:
        raise T.CaseFailure(f"dsc run failed\n{proc.describe()}")
    return T.load_outputs(out_dir, ["y"], proc)


def _dsc_run_works():
    name = "dsc_run_working_model"
    d = T.case_dir(name)
    model = valid_model(1)
    path = T.save_model(model, d / "model.onnx")
    x = T.randn(11, 1, 3, 4, 4)
    expected = T.reference(model, {"x": x})
    for attempt in ("first", "cached"):
        got = _dsc_run(name, path, {"x": x}, d / f"out_{attempt}")
        try:
            T.compare_outputs(got, expected, 1e-4, 1e-5)
        except T.CaseFailure as e:
            raise T.CaseFailure(f"{attempt} dsc run: {e}") from e


T.add_case("dsc_run_working_model", _dsc_run_works)


def _dsc_run_cache_invalidation():
    """Overwriting the model file must not serve the stale compiled model."""
    d = T.case_dir("dsc_run_recompiles_changed_model")
    path = d / "changing.onnx"
    x = T.randn(12, 1, 3, 4, 4)
    for seed in (2, 3):
        model = valid_model(seed)
        T.save_model(model, path)
        got = _dsc_run("dsc_run_recompiles_changed_model", path, {"x": x}, d / f"out_{seed}")
        try:
            T.compare_outputs(got, T.reference(model, {"x": x}), 1e-4, 1e-5)
        except T.CaseFailure as e:
            raise T.CaseFailure(f"after writing the model with seed {seed}: {e}") from e


T.add_case("dsc_run_recompiles_changed_model", _dsc_run_cache_invalidation)


def _dsc_run_bad_model():
    d = T.case_dir("dsc_run_bad_model")
    path = T.save_model(b"not a model", d / "bad.onnx")
    proc = T.run_cmd([T.dsc_path(), "run", *T.target_args(), path, "--input", f"x={d / 'x.npy'}",
                      "--output-dir", d / "out"], timeout=T.COMPILE_TIMEOUT_S)
    T.check_no_crash(proc, "dsc run")
    if proc.returncode != 1 or "error:" not in proc.stderr:
        raise T.CaseFailure(f"expected exit 1 with 'error:'\n{proc.describe()}")


T.add_case("dsc_run_bad_model", _dsc_run_bad_model)


def _dsc_run_concurrent():
    """Several `dsc run` of one not yet cached model at once all succeed."""
    import subprocess

    name = "dsc_run_concurrent_same_model"
    d = T.case_dir(name)
    model = valid_model(4)
    path = T.save_model(model, d / "concurrent.onnx")
    x = T.randn(13, 1, 3, 4, 4)
    paths = T.write_inputs(d / "inputs", {"x": x})
    env = dict(os.environ, DSC_CACHE_DIR=str(d / "cache"))
    procs = []
    for i in range(4):
        cmd = [str(T.dsc_path()), "run", *T.target_args(), str(path), *T.input_args(paths),
               "--output-dir", str(d / f"out{i}")]
        procs.append((cmd, subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                            env=env)))
    expected = T.reference(model, {"x": x})
    for i, (cmd, p) in enumerate(procs):
        out, err = p.communicate(timeout=T.COMPILE_TIMEOUT_S)
        proc = T.Proc(cmd, p.returncode, out.decode(errors="replace"),
                      err.decode(errors="replace"), 0.0)
        T.check_no_crash(proc, "dsc run")
        if p.returncode != 0:
            raise T.CaseFailure(f"concurrent dsc run #{i} failed\n{proc.describe()}")
        T.compare_outputs(T.load_outputs(d / f"out{i}", ["y"], proc), expected, 1e-4, 1e-5)


T.add_case("dsc_run_concurrent_same_model", _dsc_run_concurrent)


# --------------------------------------------------------------------------
# output directory handling
# --------------------------------------------------------------------------


def _recompile_same_outdir():
    """Compiling a changed model into an existing out dir replaces the artifacts."""
    name = "compile_into_existing_outdir"
    d = T.case_dir(name)
    x = T.randn(14, 1, 3, 4, 4)
    for seed in (5, 6):
        model = valid_model(seed)
        c = T.compile_model(name, model, workdir=d, file_stem="same")
        got, _ = T.run_runner(c, {"x": x}, ["y"], run_dir=d / f"run{seed}")
        try:
            T.compare_outputs(got, T.reference(model, {"x": x}), 1e-4, 1e-5)
        except T.CaseFailure as e:
            raise T.CaseFailure(f"after recompiling with seed {seed}: {e}") from e


T.add_case("compile_into_existing_outdir", _recompile_same_outdir)


def _failed_compile_keeps_outdir():
    """A failing compile into an out dir that holds earlier artifacts leaves
    them as they were (no half-written output)."""
    import hashlib

    name = "failed_compile_keeps_existing_outdir"
    d = T.case_dir(name)
    c = T.compile_model(name, valid_model(7), workdir=d, file_stem="keep")

    def digest():
        return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted(c.outdir.iterdir()) if p.is_file()}

    before = digest()
    bad = raw_model([helper.make_node("FooBar", ["x"], ["y"], name="mystery_node")],
                    [T.tensor_info("x", (1, 3, 4, 4))], [T.tensor_info("y", (1, 5))])
    T.save_model(bad, c.model_path)
    proc = T.run_cmd([T.dsc_path(), "compile", c.model_path, "-o", c.outdir, *T.target_args()],
                     timeout=T.COMPILE_TIMEOUT_S)
    T.check_no_crash(proc, "dsc compile")
    if proc.returncode != 1 or "error:" not in proc.stderr:
        raise T.CaseFailure(f"expected exit 1 with 'error:'\n{proc.describe()}")
    after = digest() if c.outdir.is_dir() else {}
    if after != before:
        raise T.CaseFailure(f"the failed compile changed the out dir: {sorted(before)} -> "
                            f"{sorted(after)}")
    leftovers = [p.name for p in d.iterdir() if p.name not in ("out", c.model_path.name)]
    if leftovers:
        raise T.CaseFailure(f"the failed compile left files next to the out dir: {leftovers}")


T.add_case("failed_compile_keeps_existing_outdir", _failed_compile_keeps_outdir)


def _symbolic_dim_with_shape_option():
    """`--shape N=4` binds a symbolic input dimension (dsc option beyond the
    basic contract)."""
    model = T.make_model([helper.make_node("Relu", ["x"], ["y"], name="relu0")],
                         [T.tensor_info("x", ("N", 3))], [T.tensor_info("y", ("N", 3))])
    c = T.compile_model("symbolic_dim_with_shape_option", model, file_stem="symbolic",
                        extra_args=["--shape", "N=4"])
    x = T.randn(15, 4, 3)
    got, _ = T.run_runner(c, {"x": x}, ["y"])
    T.compare_outputs(got, {"y": np.maximum(x, 0)}, 0, 0)


T.add_case("symbolic_dim_with_shape_option", _symbolic_dim_with_shape_option)



# Found by `make fuzz`: TopK at opset 10+ without its k input read a missing
# node input (a protobuf exception, an abort).
@compile_error("topk_opset11_without_k", ["topk_0", "TopK", "needs the input k"])
def _topk_without_k():
    return raw_model([helper.make_node("TopK", ["x"], ["v", "i"], name="topk_0", axis=0)],
                     [T.tensor_info("x", (3, 2))],
                     [T.tensor_info("v", (2, 2)), T.tensor_info("i", (2, 2), TensorProto.INT64)],
                     opset=11)

if __name__ == "__main__":
    sys.exit(T.main(description=__doc__))
