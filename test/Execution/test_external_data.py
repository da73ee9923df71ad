#!/usr/bin/env python3
"""Models whose initializers live in external data files (as exporters write
models over 2 GB): dsc reads them relative to the model and matches
onnxruntime; a missing or short data file is one clear error.

    python test/Execution/test_external_data.py [--dsc PATH] [-k SUBSTR]
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import onnx
from onnx import external_data_helper, helper

sys.path.insert(0, str(Path(__file__).resolve().parent))
import dsc_testing as T  # noqa: E402


def _mlp() -> onnx.ModelProto:
    w1, b1 = T.randn(1, 16, 32), T.randn(2, 32)
    w2, b2 = T.randn(3, 32, 4), T.randn(4, 4)
    nodes = [
        helper.make_node("MatMul", ["x", "w1"], ["h"], name="fc1"),
        helper.make_node("Add", ["h", "b1"], ["hb"], name="bias1"),
        helper.make_node("Relu", ["hb"], ["r"], name="relu1"),
        helper.make_node("Gemm", ["r", "w2", "b2"], ["y"], name="fc2"),
    ]
    return T.make_model(nodes, [T.tensor_info("x", (2, 16))], [T.tensor_info("y", (2, 4))],
                        [T.init("w1", w1), T.init("b1", b1), T.init("w2", w2), T.init("b2", b2)])


def _save_external(model: onnx.ModelProto, d: Path, data_name: str) -> Path:
    """Writes model.onnx with every initializer in `data_name` (offsets and
    lengths recorded, as onnx.save_model(save_as_external_data=True) does)."""
    d.mkdir(parents=True, exist_ok=True)
    external_data_helper.convert_model_to_external_data(
        model, all_tensors_to_one_file=True, location=data_name, size_threshold=0)
    path = d / "ext_model.onnx"
    onnx.save_model(model, str(path))
    assert (d / data_name).is_file()
    return path


@T.case("external_data_mlp")
def _external_ok():
    d = T.case_dir("external_data_mlp")
    model = _mlp()
    x = {"x": T.randn(5, 2, 16)}
    expected = T.reference(model, x)
    path = _save_external(model, d / "model", "weights.bin")
    c = T.compile_model("external_data_mlp", path.read_bytes(), workdir=d / "model",
                        file_stem="ext_model")
    actual, _ = T.run_runner(c, x, ["y"])
    T.compare_outputs(actual, expected, 1e-4, 1e-5)


@T.case("external_data_missing_file")
def _external_missing():
    d = T.case_dir("external_data_missing_file_model")
    path = _save_external(_mlp(), d / "model", "weights.bin")
    (d / "model" / "weights.bin").unlink()
    T.expect_compile_error("external_data_missing_file", None,
                           ["weights.bin", "external data"], model_path=path)


@T.case("external_data_truncated_file")
def _external_short():
    d = T.case_dir("external_data_truncated_file_model")
    path = _save_external(_mlp(), d / "model", "weights.bin")
    data = d / "model" / "weights.bin"
    data.write_bytes(data.read_bytes()[:100])
    T.expect_compile_error("external_data_truncated_file", None,
                           ["external data", "beyond the end"], model_path=path)


if __name__ == "__main__":
    sys.exit(T.main(description=__doc__))
