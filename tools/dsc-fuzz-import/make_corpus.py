#!/usr/bin/env python3
"""Seed corpus for dsc-fuzz-import (`make fuzz`): one file per model of at
most --max-len bytes, named by content hash.

    python tools/dsc-fuzz-import/make_corpus.py OUT_DIR [--max-len N] [--dict FILE]

Seeds: the ONNX node-test models (the generators behind ONNX's backend test
data, as test/conformance does; binary and printed as ONNX text) and the
model tests that
`python -m onnx.backend.test.cmd_tools generate-data` writes; the ONNX
text-format models of test/Frontend (one per `#--- name.onnxtxt` section);
and the models that the test/Execution scripts build (captured where they
would be saved, without compiling anything). --dict writes a libFuzzer
dictionary: the ONNX operator and attribute names and text-format keywords.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import os
import re
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _max_opset() -> int:
    """dsc::kMaxOpset, read from the importer's header."""
    header = (REPO / "include" / "dsc" / "Frontend" / "ONNXImporter.h").read_text()
    m = re.search(r"kMaxOpset\s*=\s*(\d+)", header)
    return int(m.group(1)) if m else 22


MAX_OPSET = _max_opset()


class Corpus:
    def __init__(self, out: Path, max_len: int):
        self.out, self.max_len = out, max_len
        self.counts: dict[str, int] = {}

    def add(self, source: str, data: bytes) -> None:
        if not data or len(data) > self.max_len:
            return
        path = self.out / hashlib.sha1(data).hexdigest()
        if not path.exists():
            path.write_bytes(data)
            self.counts[source] = self.counts.get(source, 0) + 1


def node_tests(corpus: Corpus) -> None:
    import numpy as np
    import onnx

    np.random.seed(0)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        import onnx.backend.test.case.node as node_test

        cases = node_test.collect_testcases()
    import onnx.printer

    for case in cases:
        model = case.model
        corpus.add("onnx node tests", model.SerializeToString())
        # Most are at a newer opset than dsc's newest: a copy at that opset
        # gets past the opset check.
        model = onnx.ModelProto()
        model.CopyFrom(case.model)
        for imp in model.opset_import:
            if imp.domain in ("", "ai.onnx") and imp.version > MAX_OPSET:
                imp.version = MAX_OPSET
        corpus.add("onnx node tests", model.SerializeToString())
        # The text format too: mutating its digits and names reaches shapes
        # and attributes that byte flips in a protobuf rarely do.
        try:
            text = onnx.printer.to_text(model)
        except Exception:  # noqa: BLE001 - not printable
            continue
        corpus.add("onnx node tests (text format)", text.encode())


def model_tests(corpus: Corpus) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, "-m", "onnx.backend.test.cmd_tools", "generate-data",
                        "-o", tmp], check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        for model in sorted(Path(tmp).rglob("model.onnx")):
            corpus.add("onnx model tests", model.read_bytes())


def text_models(corpus: Corpus) -> None:
    for f in sorted((REPO / "test" / "Frontend").iterdir()):
        if f.suffix not in (".onnxtxt", ".test"):
            continue
        text = f.read_text()
        sections = text.split("\n#--- ")
        if len(sections) == 1:
            corpus.add("test/Frontend text models", text.encode())
            continue
        for s in sections[1:]:
            corpus.add("test/Frontend text models", s.split("\n", 1)[-1].encode())


class _Captured(Exception):
    pass


def execution_models(corpus: Corpus) -> None:
    """Runs every case of the test/Execution scripts with saving a model
    replaced by capturing it (and the case stopped there)."""
    exec_dir = REPO / "test" / "Execution"
    sys.path.insert(0, str(exec_dir))
    os.environ["DSC_TEST_TMP"] = tempfile.mkdtemp(prefix="dsc-fuzz-seeds-")
    import dsc_testing as T

    def save_model(model, path):
        data = model if isinstance(model, (bytes, bytearray)) else model.SerializeToString()
        corpus.add("test/Execution models", bytes(data))
        raise _Captured()

    T.save_model = save_model
    for script in ("test_bad_input", "test_ops", "test_fusion", "test_models",
                   "test_arch_models"):
        if not (exec_dir / f"{script}.py").is_file():
            continue
        T.CASES.clear()
        T._NAMES.clear()
        try:
            importlib.import_module(script)
        except Exception as e:  # noqa: BLE001 - a script that does not import
            print(f"make_corpus: skipping {script}: {e}", file=sys.stderr)
            continue
        for case in list(T.CASES):
            try:
                case.fn()
            except BaseException as e:  # noqa: BLE001 - captured or not buildable here
                if isinstance(e, KeyboardInterrupt):
                    raise


def write_dict(path: Path) -> None:
    import onnx.defs

    words = {"ir_version", "opset_import", "ai.onnx", "com.microsoft", "domain",
             "float", "double", "float16", "bfloat16", "int8", "uint8", "int16", "int32",
             "int64", "uint64", "bool", "string", "seq", "optional"}
    for schema in onnx.defs.get_all_schemas_with_history():
        words.add(schema.name)
        words.update(schema.attributes)
    with path.open("w") as f:
        for w in sorted(words):
            if w.isascii() and w.isprintable() and '"' not in w and "\\" not in w:
                f.write(f'"{w}"\n')


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", type=Path)
    ap.add_argument("--max-len", type=int, default=65536)
    ap.add_argument("--dict", type=Path, help="also write a libFuzzer dictionary here")
    args = ap.parse_args()
    if args.dict:
        write_dict(args.dict)
    args.out.mkdir(parents=True, exist_ok=True)
    corpus = Corpus(args.out, args.max_len)
    for step in (node_tests, model_tests, text_models, execution_models):
        step(corpus)
    for source, n in corpus.counts.items():
        print(f"make_corpus: {n:5d} seeds from {source}")
    print(f"make_corpus: {sum(1 for _ in args.out.iterdir())} seeds in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
