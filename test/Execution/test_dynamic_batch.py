#!/usr/bin/env python3
"""Dynamic batch: models whose leading input dimension is a symbolic batch
('N', no --shape) are compiled ONCE and run at several batch sizes; outputs
are compared with ONNX Runtime at each. Also: models that mix batch
elements are refused at the node, and the runner's batch errors.

    python test/Execution/test_dynamic_batch.py [--dsc PATH] [--target aarch64] [-k SUBSTR] [-j N]
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import numpy as np
from onnx import TensorProto, helper

sys.path.insert(0, str(Path(__file__).resolve().parent))
import dsc_testing as T  # noqa: E402

BATCHES = (1, 3, 8)


def i64(name: str, values) -> "helper.TensorProto":
    return T.init(name, np.array(values, dtype=np.int64))


def cnn_model():
    """pad -> conv -> batch norm -> relu -> max pool -> exporter-style flatten
    (Reshape to [Shape(x)[0], -1]) -> gemm; a second, shared output."""
    r = T.rng(11)
    f32 = np.float32
    inits = [
        T.init("conv_w", (r.standard_normal((4, 3, 3, 3)) * 0.4).astype(f32)),
        T.init("conv_b", r.standard_normal(4).astype(f32)),
        T.init("bn_scale", r.uniform(0.5, 1.5, 4).astype(f32)),
        T.init("bn_bias", r.standard_normal(4).astype(f32)),
        T.init("bn_mean", r.standard_normal(4).astype(f32) * 0.1),
        T.init("bn_var", r.uniform(0.5, 1.5, 4).astype(f32)),
        T.init("fc_w", (r.standard_normal((10, 64)) * 0.2).astype(f32)),
        T.init("fc_b", r.standard_normal(10).astype(f32)),
        i64("zero", [0]), i64("minus1", [-1]), i64("pads", [0, 0, 1, 1, 0, 0, 1, 1]),
    ]
    nodes = [
        helper.make_node("Pad", ["image", "pads"], ["padded"], name="pad1"),
        helper.make_node("Conv", ["padded", "conv_w", "conv_b"], ["c"], name="conv1"),
        helper.make_node("BatchNormalization", ["c", "bn_scale", "bn_bias", "bn_mean", "bn_var"],
                         ["bn"], name="bn1"),
        helper.make_node("Relu", ["bn"], ["act"], name="relu1"),
        helper.make_node("MaxPool", ["act"], ["pool"], name="pool1", kernel_shape=[2, 2],
                         strides=[2, 2]),
        helper.make_node("Shape", ["pool"], ["shape"], name="shape1"),
        helper.make_node("Gather", ["shape", "zero"], ["n"], name="gather_n", axis=0),
        helper.make_node("Concat", ["n", "minus1"], ["flat_shape"], name="concat_shape", axis=0),
        helper.make_node("Reshape", ["pool", "flat_shape"], ["flat"], name="flatten1"),
        helper.make_node("Gemm", ["flat", "fc_w", "fc_b"], ["logits"], name="fc1", transB=1),
        helper.make_node("Sigmoid", ["fc_b"], ["prior"], name="prior1"),
    ]
    return T.make_model(
        nodes, [T.tensor_info("image", ("N", 3, 8, 8))],
        [T.tensor_info("logits", ("N", 10)), T.tensor_info("prior", (10,))], inits, opset=13)


def transformer_model():
    """One encoder block on [N, 6, 16]: q/k/v projections, two heads
    (Reshape with 0 = keep the batch, Transpose), scaled scores, softmax,
    context, output projection, residual, LayerNormalization, a ReLU MLP
    with a shared bias input, and a mean-pooled second output."""
    r = T.rng(12)
    f32 = np.float32
    d, s, h = 16, 6, 2

    def w(name, *shape, scale=0.25):
        return T.init(name, (r.standard_normal(shape) * scale).astype(f32))

    inits = [w("wq", d, d), w("wk", d, d), w("wv", d, d), w("wo", d, d), w("w1", d, 32),
             w("w2", 32, d), T.init("ln_g", r.uniform(0.5, 1.5, d).astype(f32)),
             T.init("ln_b", r.standard_normal(d).astype(f32) * 0.1),
             T.init("scale", np.array(1 / np.sqrt(d // h), f32)),
             i64("heads_shape", [0, s, h, d // h]), i64("merge_shape", [0, s, d]),
             i64("pool_axes", [1])]
    nodes = [
        helper.make_node("MatMul", ["x", "wq"], ["q0"], name="q_proj"),
        helper.make_node("MatMul", ["x", "wk"], ["k0"], name="k_proj"),
        helper.make_node("MatMul", ["x", "wv"], ["v0"], name="v_proj"),
        helper.make_node("Reshape", ["q0", "heads_shape"], ["q1"], name="q_heads"),
        helper.make_node("Reshape", ["k0", "heads_shape"], ["k1"], name="k_heads"),
        helper.make_node("Reshape", ["v0", "heads_shape"], ["v1"], name="v_heads"),
        helper.make_node("Transpose", ["q1"], ["q"], name="q_t", perm=[0, 2, 1, 3]),
        helper.make_node("Transpose", ["k1"], ["kt"], name="k_t", perm=[0, 2, 3, 1]),
        helper.make_node("Transpose", ["v1"], ["v"], name="v_t", perm=[0, 2, 1, 3]),
        helper.make_node("MatMul", ["q", "kt"], ["scores0"], name="scores"),
        helper.make_node("Mul", ["scores0", "scale"], ["scores1"], name="scale_scores"),
        helper.make_node("Softmax", ["scores1"], ["probs"], name="softmax", axis=-1),
        helper.make_node("MatMul", ["probs", "v"], ["ctx0"], name="context"),
        helper.make_node("Transpose", ["ctx0"], ["ctx1"], name="ctx_t", perm=[0, 2, 1, 3]),
        helper.make_node("Reshape", ["ctx1", "merge_shape"], ["ctx"], name="merge_heads"),
        helper.make_node("MatMul", ["ctx", "wo"], ["attn"], name="o_proj"),
        helper.make_node("Add", ["attn", "x"], ["res"], name="residual"),
        helper.make_node("LayerNormalization", ["res", "ln_g", "ln_b"], ["ln"], name="ln1",
                         axis=-1, epsilon=1e-5),
        helper.make_node("MatMul", ["ln", "w1"], ["h0"], name="ffn1"),
        helper.make_node("Relu", ["h0"], ["h1"], name="ffn_relu"),
        helper.make_node("MatMul", ["h1", "w2"], ["h2"], name="ffn2"),
        helper.make_node("Add", ["h2", "bias"], ["y"], name="ffn_bias"),
        helper.make_node("ReduceMean", ["y", "pool_axes"], ["pooled"], name="pool", keepdims=0),
    ]
    return T.make_model(
        nodes, [T.tensor_info("x", ("N", s, d)), T.tensor_info("bias", (d,))],
        [T.tensor_info("y", ("N", s, d)), T.tensor_info("pooled", ("N", d))], inits, opset=18)


_lock = threading.Lock()
_compiled: dict[str, T.Compiled] = {}


def compiled(name: str, build) -> T.Compiled:
    """One compile per model, shared by the cases that run it."""
    with _lock:
        if name not in _compiled:
            _compiled[name] = T.compile_model(name, build(), file_stem=name)
        return _compiled[name]


def check_header(c: T.Compiled, stem: str, batched_inputs: list[int]) -> None:
    text = c.header.read_text()
    up = stem.upper()
    if f'#define {up}_DYNAMIC_BATCH "N"' not in text:
        raise T.CaseFailure(f"{c.header.name} does not declare the dynamic batch")
    for i in batched_inputs:
        if f"#define {up}_INPUT_{i}_BATCHED 1" not in text or \
                f"#define {up}_INPUT_{i}_SHAPE {{-1," not in text:
            raise T.CaseFailure(f"{c.header.name}: input {i} is not described as batched")


def run_at_batches(name: str, build, make_inputs, outputs, tol=(1e-4, 1e-5)) -> None:
    c = compiled(name, build)
    model = build()
    for n in BATCHES:
        inputs = make_inputs(n)
        got, _ = T.run_runner(c, inputs, outputs, run_dir=c.outdir.parent / f"run{n}")
        expected = T.reference(model, inputs)
        for out in outputs:
            if got[out].shape != expected[out].shape:
                raise T.CaseFailure(f"batch {n}: {out} has shape {got[out].shape}, "
                                    f"ONNX Runtime {expected[out].shape}")
        try:
            T.compare_outputs(got, expected, *tol)
        except T.CaseFailure as e:
            raise T.CaseFailure(f"batch {n}: {e}") from e


def _cnn():
    run_at_batches("dyn_cnn", cnn_model,
                   lambda n: {"image": T.randn(100 + n, n, 3, 8, 8)}, ["logits", "prior"])
    check_header(compiled("dyn_cnn", cnn_model), "dyn_cnn", [0])


T.add_case("dynamic_batch_cnn", _cnn)


def _transformer():
    bias = T.randn(7, 16)
    run_at_batches("dyn_block", transformer_model,
                   lambda n: {"x": T.randn(200 + n, n, 6, 16), "bias": bias}, ["y", "pooled"],
                   tol=(2e-4, 2e-5))
    check_header(compiled("dyn_block", transformer_model), "dyn_block", [0])


T.add_case("dynamic_batch_transformer", _transformer)


def _specialized():
    """--shape N=3 still compiles a fixed batch of 3."""
    c = T.compile_model("dyn_cnn_shape3", cnn_model(), extra_args=["--shape", "N=3"])
    if "DYNAMIC_BATCH" in c.header.read_text():
        raise T.CaseFailure("--shape N=3 produced a dynamic-batch header")
    inputs = {"image": T.randn(31, 3, 3, 8, 8)}
    got, _ = T.run_runner(c, inputs, ["logits"])
    T.compare_outputs(got, {"logits": T.reference(cnn_model(), inputs)["logits"]}, 1e-4, 1e-5)
    paths = T.write_inputs(c.outdir.parent / "batch2", {"image": T.randn(32, 2, 3, 8, 8)})
    T.expect_runner_error("dyn_cnn_shape3_wrong_batch", c,
                          [*T.input_args(paths), "--output-dir", c.outdir.parent / "o2"],
                          ["expected shape [3,3,8,8]"])


T.add_case("dynamic_batch_shape_option_specializes", _specialized)

# ---- models that mix batch elements ------------------------------------------


def _refuse(name: str, nodes, outputs, substrings, inits=()):
    """One error naming the node, the batch and --shape N=<size>."""
    model = T.make_model(nodes, [T.tensor_info("x", ("N", 3))], outputs, list(inits))
    T.expect_compile_error(name, model, ["batch 'N'", "--shape N=<size>", *substrings])


def _reduce_over_batch():
    _refuse("dynamic_batch_refuses_reduce_axis0",
            [helper.make_node("ReduceSum", ["x", "axes"], ["y"], name="sum_over_batch",
                              keepdims=1)],
            [T.tensor_info("y", (1, 3))],
            ["node 'sum_over_batch' (ReduceSum)", "reduction over axis 0 mixes"],
            [i64("axes", [0])])


T.add_case("dynamic_batch_refuses_reduce_axis0", _reduce_over_batch)


def _reshape_folds_batch():
    _refuse("dynamic_batch_refuses_reshape_fold",
            [helper.make_node("Reshape", ["x", "shape"], ["y"], name="fold_n")],
            [T.tensor_info("y", ("M",))], ["node 'fold_n' (Reshape)", "mixes"],
            [i64("shape", [-1])])


T.add_case("dynamic_batch_refuses_reshape_fold", _reshape_folds_batch)


def _reshape_to_row():
    """[N,3] -> [1, 3N] looks batch-preserving at batch 1 only."""
    _refuse("dynamic_batch_refuses_reshape_to_row",
            [helper.make_node("Reshape", ["x", "shape"], ["y"], name="to_row")],
            [T.tensor_info("y", (1, "M"))],
            ["node 'to_row' (Reshape)", "computes with the size of the batch"],
            [i64("shape", [1, -1])])


T.add_case("dynamic_batch_refuses_reshape_to_row", _reshape_to_row)


def _matmul_over_batch():
    """x^T x contracts over the batch."""
    _refuse("dynamic_batch_refuses_gram_matrix",
            [helper.make_node("Transpose", ["x"], ["xt"], name="xt", perm=[1, 0]),
             helper.make_node("MatMul", ["xt", "x"], ["y"], name="gram")],
            [T.tensor_info("y", (3, 3))], ["node 'xt' (Transpose)", "mixes"])


T.add_case("dynamic_batch_refuses_gram_matrix", _matmul_over_batch)

# ---- runner errors -------------------------------------------------------------


def two_input_model():
    return T.make_model([helper.make_node("Add", ["a", "b"], ["y"], name="add0")],
                        [T.tensor_info("a", ("N", 3)), T.tensor_info("b", ("N", 3))],
                        [T.tensor_info("y", ("N", 3))])


def _runner_disagreeing_batches():
    c = compiled("dyn_two", two_input_model)
    d = c.outdir.parent / "bad"
    paths = T.write_inputs(d, {"a": T.randn(1, 2, 3), "b": T.randn(2, 4, 3)})
    T.expect_runner_error("dynamic_batch_runner_disagree", c,
                          [*T.input_args(paths), "--output-dir", d / "out"],
                          ["'b'", "'a'", "batch 'N'", "agree"])
    paths = T.write_inputs(d / "rank", {"a": T.randn(3, 2, 4), "b": T.randn(4, 2, 3)})
    T.expect_runner_error("dynamic_batch_runner_shape", c,
                          [*T.input_args(paths), "--output-dir", d / "out"],
                          ["input 'a'", "expected shape [N,3]"])
    # Agreeing batches run, and the help names the batch.
    inputs = {"a": T.randn(5, 4, 3), "b": T.randn(6, 4, 3)}
    got, _ = T.run_runner(c, inputs, ["y"])
    T.compare_outputs(got, {"y": inputs["a"] + inputs["b"]}, 0, 0)
    proc = T.run_cmd([c.runner, "--help"], timeout=T.RUN_TIMEOUT_S)
    if proc.returncode != 0 or "a  float32 [N,3]" not in proc.stdout:
        raise T.CaseFailure(f"--help does not show the batch\n{proc.describe()}")


T.add_case("dynamic_batch_runner_errors", _runner_disagreeing_batches)

def empty_output_model():
    """x [N, 3] -> Relu [N, 3] and a Slice that selects nothing [N, 0]."""
    nodes = [helper.make_node("Relu", ["x"], ["y"], name="relu"),
             helper.make_node("Slice", ["x", "s", "e", "a"], ["z"], name="nothing")]
    return T.make_model(nodes, [T.tensor_info("x", ("N", 3))],
                        [T.tensor_info("y", ("N", 3)), T.tensor_info("z", ("N", 0))],
                        [i64("s", [5]), i64("e", [9]), i64("a", [1])])


def _empty_output():
    # A per-sample output of zero elements is written with the run's batch.
    run_at_batches("dyn_empty", empty_output_model,
                   lambda n: {"x": T.randn(300 + n, n, 3)}, ["y", "z"])


T.add_case("dynamic_batch_empty_output", _empty_output)

if __name__ == "__main__":
    sys.exit(T.main(description=__doc__))
