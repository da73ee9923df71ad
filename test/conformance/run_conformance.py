#!/usr/bin/env python3
"""ONNX backend conformance for dsc: every ONNX node test, compiled for the host.

    python test/conformance/run_conformance.py [--check | --update]
        [--subset full|fast] [-k SUBSTR ...] [-j N] [--timeout S]
        [--dsc PATH] [--data-dir DIR] [--expectations FILE]
        [--doc FILE | --no-doc] [--results-json FILE] [--list] [--keep] [-v]

The test data are ONNX's own node tests (`onnx/backend/test/case/node/*.py`):
the PyPI wheel ships the generators but not `onnx/backend/test/data/node`, and
`onnx.backend.test.cmd_tools generate-data` only writes the model tests, so this
script calls the same generators (`onnx.backend.test.case.node.collect_testcases`,
numpy seeded) and writes the same layout `node/<test>/model.onnx` +
`test_data_set_0/{input,output}_<i>.pb`, once per onnx version, under
`--data-dir` (default `$DSC_CONFORMANCE_DATA`, else `build/conformance-data`).

Each test: `dsc compile model.onnx -o OUT` for the host, the runner on the
inputs (TensorProto .pb -> .npy), every output compared with the expected .pb:
float types with rtol 1e-3, atol 1e-5 (bfloat16 rtol 2^-6, as ONNX's backend
runner), integers and bool exactly, NaN equal to NaN, exact dtype and shape.
A test is PASS only when every output compared equal. Otherwise it is XFAIL
with a reason `<category>: <detail>`:

    unsupported-type       a sequence/optional/map graph input or output (not run)
    unsupported-op         dsc: operator 'X' is not supported by dsc
    unsupported-domain     dsc: an operator domain other than the default one
    unsupported-opset      dsc: the model's opset is outside what dsc supports
    unsupported-dynamic    dsc: an operand that must be a constant is a graph input
    unsupported-empty      dsc: a zero-size tensor
    unsupported-dtype      dsc: an element type dsc has no support for (for this op)
    unsupported-attribute  dsc: an attribute dsc does not implement
    unsupported-feature    dsc: any other "... is not supported" diagnostic
    compile-error          any other `dsc compile` error (the error line)
    compile-crash          dsc died (signal, assertion, stack dump)
    runtime-error          the runner failed (its error line)
    runtime-crash          the runner died on a signal
    wrong-result           an output differs: dtype, shape or values (max abs err)
    timeout                compile + run took longer than --timeout (default 60 s)

`test/conformance/expectations.txt` holds one line per test, `NAME PASS` or
`NAME XFAIL <reason>`. `--check` (the default) exits 1 on a regression (an
expected PASS that did not pass), an unexpected pass (an XFAIL that passed) or
a test missing from the file; a changed XFAIL reason is only reported.
`--update` rewrites the file from this run's results (with -k or a subset, only
the lines of the tests that ran).

A run of the full set (no -k, `--subset full`) also writes docs/supported-ops.md
(per op: opsets, dtypes, passed/total, status), deterministically.

`--subset fast` (what ctest runs as conformance.fast): per op, its first direct
test (sorted by name), plus every test whose CRC-32 of the name is 0 mod
FAST_EVERY; independent of the results, so the same tests every time.
"""

from __future__ import annotations

import argparse
import collections
import concurrent.futures
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import warnings
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, numpy_helper

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parents[1]
DEFAULT_EXPECTATIONS = HERE / "expectations.txt"
DEFAULT_DOC = REPO_ROOT / "docs" / "supported-ops.md"

# Bump when the generator's output changes (forces regeneration of the cache).
GENERATOR_VERSION = 1
DEFAULT_TIMEOUT_S = 60.0
FLOAT_RTOL = 1e-3
FLOAT_ATOL = 1e-5
BFLOAT16_RTOL = 2.0 ** -6  # two bfloat16 ulps, as onnx's backend runner
# --subset fast: every test whose crc32(name) % FAST_EVERY == 0, plus the first
# direct test of every op.
FAST_EVERY = 8

CRASH_MARKERS = (
    "Traceback", "Assertion", "assertion", "Stack dump", "PLEASE submit a bug report",
    "Segmentation fault", "terminate called", "UNREACHABLE", "LLVM ERROR",
    "AddressSanitizer",
)

DEFAULT_DOMAIN = "ai.onnx"


# --------------------------------------------------------------------------
# test data
# --------------------------------------------------------------------------


def _stamp_content() -> dict:
    return {"onnx": onnx.__version__, "numpy": np.__version__, "generator": GENERATOR_VERSION}


def _write_pb(path: Path, value, vi: onnx.ValueInfoProto) -> None:
    t = vi.type
    if t.HasField("map_type"):
        proto = numpy_helper.from_dict(value, vi.name)
    elif t.HasField("sequence_type"):
        proto = numpy_helper.from_list(value, vi.name)
    elif t.HasField("optional_type"):
        proto = numpy_helper.from_optional(value, vi.name)
    elif isinstance(value, TensorProto):
        proto = value
    else:
        proto = numpy_helper.from_array(value, vi.name)
    path.write_bytes(proto.SerializeToString())


def generate_data(root: Path) -> None:
    """Writes root/node/<test>/... like `cmd_tools generate-data` does for the
    model tests (same file layout and serialization)."""
    np.random.seed(0)  # the generators draw from numpy's global RNG
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        import onnx.backend.test.case.node as node_test

        cases = node_test.collect_testcases()
    for case in cases:
        d = root / "node" / case.name
        d.mkdir(parents=True, exist_ok=False)
        (d / "model.onnx").write_bytes(case.model.SerializeToString())
        for i, (inputs, outputs) in enumerate(case.data_sets):
            ds = d / f"test_data_set_{i}"
            ds.mkdir()
            for j, value in enumerate(inputs):
                _write_pb(ds / f"input_{j}.pb", value, case.model.graph.input[j])
            for j, value in enumerate(outputs):
                _write_pb(ds / f"output_{j}.pb", value, case.model.graph.output[j])


def _stamp_ok(stamp: Path, want: dict) -> bool:
    try:
        return json.loads(stamp.read_text()) == want
    except (OSError, ValueError):
        return False


def ensure_data(data_dir: Path) -> Path:
    """The node-test directory for this onnx version, generated on first use
    (into a temporary sibling, then renamed: concurrent runs are safe)."""
    root = data_dir / f"onnx-{onnx.__version__}"
    stamp = root / "STAMP.json"
    want = _stamp_content()
    if _stamp_ok(stamp, want):
        return root / "node"
    data_dir.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".onnx-{onnx.__version__}-", dir=data_dir))
    t0 = time.monotonic()
    print(f"generating ONNX {onnx.__version__} node tests into {root} ...", flush=True)
    try:
        generate_data(tmp)
        n = sum(1 for _ in (tmp / "node").iterdir())
        (tmp / "STAMP.json").write_text(json.dumps(want, sort_keys=True) + "\n")
        tmp.chmod(0o755)
        if _stamp_ok(stamp, want):
            pass  # another run finished first: use theirs, never delete data in use
        else:
            if root.exists():
                shutil.rmtree(root, ignore_errors=True)  # stale (other generator/numpy)
            try:
                os.rename(tmp, root)
            except OSError:
                if not _stamp_ok(stamp, want):
                    raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"generated {n} tests in {time.monotonic() - t0:.1f}s", flush=True)
    return root / "node"


# --------------------------------------------------------------------------
# test metadata
# --------------------------------------------------------------------------


@dataclass
class TestInfo:
    name: str
    dir: Path
    model: onnx.ModelProto
    expanded: bool
    base: str  # the direct test an _expanded test belongs to (itself otherwise)
    ops: list[tuple[str, str]]  # (domain, op_type) of the top-level nodes
    opsets: dict[str, int]  # domain -> version
    dtypes: set[str]
    non_tensor: list[str]  # "sequence input 'x'", ...


def _dtype_name(elem_type: int) -> str:
    try:
        return TensorProto.DataType.Name(elem_type).lower()
    except ValueError:
        return f"dtype{elem_type}"


def _norm_domain(domain: str) -> str:
    return DEFAULT_DOMAIN if domain in ("", "ai.onnx") else domain


def load_info(d: Path) -> TestInfo:
    model = onnx.load(str(d / "model.onnx"), load_external_data=False)
    name = d.name
    expanded = "_expanded" in name
    base = name.split("_expanded")[0] if expanded else name
    ops = []
    for n in model.graph.node:
        key = (_norm_domain(n.domain), n.op_type)
        if key not in ops:
            ops.append(key)
    opsets = {_norm_domain(o.domain): o.version for o in model.opset_import}
    dtypes: set[str] = set()
    non_tensor = []
    for kind, vis in (("input", model.graph.input), ("output", model.graph.output)):
        for vi in vis:
            which = vi.type.WhichOneof("value")
            if which == "tensor_type":
                dtypes.add(_dtype_name(vi.type.tensor_type.elem_type))
            else:
                label = (which or "untyped").replace("_type", "")
                non_tensor.append(f"{label} {kind} '{vi.name}'")
    return TestInfo(name, d, model, expanded, base, ops, opsets, dtypes, non_tensor)


# --------------------------------------------------------------------------
# running one test
# --------------------------------------------------------------------------


@dataclass
class Result:
    name: str
    status: str  # "PASS" or "XFAIL"
    reason: str = ""  # "<category>: <detail>" for XFAIL
    seconds: float = 0.0
    compile_s: float = 0.0
    run_s: float = 0.0
    max_abs_err: float | None = None

    @property
    def category(self) -> str:
        return self.reason.split(":", 1)[0] if self.reason else ""

    def line(self) -> str:
        return f"{self.name} PASS" if self.status == "PASS" else f"{self.name} XFAIL {self.reason}"


class Timeout(Exception):
    pass


@dataclass
class Proc:
    returncode: int
    stdout: str
    stderr: str
    seconds: float


def run_proc(cmd: list[str], timeout: float) -> Proc:
    """Runs cmd in its own process group; on timeout the whole group (dsc and
    the linker it started) is killed and Timeout raised."""
    if timeout <= 0:
        raise Timeout()
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         start_new_session=True)
    try:
        out, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        p.communicate()
        raise Timeout() from None
    return Proc(p.returncode, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"),
                time.monotonic() - t0)


def _one_line(s: str, limit: int = 300) -> str:
    s = " ".join(s.split())
    return s if len(s) <= limit else s[: limit - 3] + "..."


def _error_line(text: str) -> str:
    for line in text.splitlines():
        if "error:" in line:
            return line
    lines = [ln for ln in text.splitlines() if ln.strip()]
    return lines[-1] if lines else ""


def clean_diagnostic(line: str, test_dir: Path, work: Path) -> str:
    """The dsc error line without `dsc: error:`, the node prefix (`node 'n'
    (Op): `), the model path, and with work paths made stable."""
    msg = line.split("error:", 1)[1].strip() if "error:" in line else line.strip()
    for p in (str(work), str(test_dir)):
        msg = msg.replace(p + os.sep, "").replace(p, "")
    msg = re.sub(r"^\S*model\.onnx:\s*", "", msg)
    msg = re.sub(r"^node '[^']*' \([^)]*\):\s*", "", msg)
    msg = re.sub(r"^'[^']*':\s*", "", msg)  # a tensor's location prefix
    return _one_line(msg)


_CATEGORIES = (
    (re.compile(r"operator '[^']*' (of domain '[^']*' )?is not supported by dsc"), "unsupported-op"),
    (re.compile(r"operator domain '[^']*' is not supported|imports no opset of the default"),
     "unsupported-domain"),
    (re.compile(r"dsc supports opsets|dsc supports \S+ from opset|dsc supports \S+ as defined before opset"), "unsupported-opset"),
    (re.compile(r"must be a constant|computed values are not supported"),
     "unsupported-dynamic"),
    (re.compile(r"empty tensors are not supported|zero-size"), "unsupported-empty"),
    (re.compile(r"has unsupported |unsupported (element|data) ?type|unsupported dtype|"
                r"which dsc does not support|expects [^,]*(inputs?|tensors?|types?), got|"
                r"unsigned|integer base|element type"),
     "unsupported-dtype"),
    (re.compile(r"attribute '[^']*' is not supported"), "unsupported-attribute"),
    (re.compile(r"not supported|unsupported"), "unsupported-feature"),
)


def categorize_compile_error(msg: str) -> str:
    for rx, cat in _CATEGORIES:
        if rx.search(msg):
            return cat
    return "compile-error"


def _crashed(proc: Proc) -> str | None:
    if proc.returncode < 0:
        try:
            sig = signal.Signals(-proc.returncode).name
        except ValueError:
            sig = str(-proc.returncode)
        return f"killed by {sig}"
    if proc.returncode > 128:
        return f"exit code {proc.returncode}"
    text = proc.stdout + proc.stderr
    for marker in CRASH_MARKERS:
        if marker in text:
            line = next((ln for ln in text.splitlines() if marker in ln), marker)
            return _one_line(line, 200)
    return None


def output_file_name(output_name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", output_name) + ".npy"


def load_pb(path: Path) -> np.ndarray:
    t = TensorProto()
    t.ParseFromString(path.read_bytes())
    return numpy_helper.to_array(t)


def compare(name: str, actual: np.ndarray, expected: np.ndarray) -> tuple[str | None, float]:
    """None and the max abs error when `actual` matches, else a message."""
    if actual.dtype.kind == "V" and actual.dtype != expected.dtype \
            and actual.dtype.itemsize == expected.dtype.itemsize:
        actual = actual.view(expected.dtype)  # bfloat16 (and the like) come back as '<V2'
    if actual.dtype != expected.dtype:
        return f"output '{name}': dtype {actual.dtype}, expected {expected.dtype}", float("nan")
    if actual.shape != expected.shape:
        return (f"output '{name}': shape {list(actual.shape)}, expected {list(expected.shape)}",
                float("nan"))
    if actual.size == 0:
        return None, 0.0
    if expected.dtype == object or expected.dtype.kind in "SU":
        if np.array_equal(actual, expected):
            return None, 0.0
        return f"output '{name}': strings differ", float("nan")
    kind = expected.dtype.kind
    is_float = kind in "fc" or expected.dtype.name in ("bfloat16",) or "float" in expected.dtype.name
    a = actual.astype(np.complex128 if kind == "c" else np.float64)
    e = expected.astype(np.complex128 if kind == "c" else np.float64)
    if not is_float:
        bad = actual != expected
        diff = np.abs(a - e)
        if bad.any():
            return (f"output '{name}': {int(bad.sum())}/{actual.size} elements differ "
                    f"(integer/bool: exact), max abs err {float(diff.max()):.6g}",
                    float(diff.max()))
        return None, 0.0
    rtol = max(FLOAT_RTOL, BFLOAT16_RTOL) if expected.dtype.name == "bfloat16" else FLOAT_RTOL
    nan_a, nan_e = np.isnan(a), np.isnan(e)
    if not np.array_equal(nan_a, nan_e):
        return (f"output '{name}': NaN mismatch in {int((nan_a != nan_e).sum())}/{actual.size} "
                f"elements", float("nan"))
    a = np.where(nan_a, 0, a)
    e = np.where(nan_e, 0, e)
    inf = np.isinf(a) | np.isinf(e)
    with np.errstate(invalid="ignore", over="ignore"):
        diff = np.where(inf & (a == e), 0.0, np.abs(a - e))
        bad = (diff > FLOAT_ATOL + rtol * np.abs(e)) | (inf & (a != e))
    maxerr = float(np.max(diff))
    if bad.any():
        return (f"output '{name}': {int(bad.sum())}/{actual.size} elements differ beyond "
                f"rtol={rtol:g} atol={FLOAT_ATOL:g}, max abs err {maxerr:.4g}", maxerr)
    return None, maxerr


def run_test(info: TestInfo, dsc: Path, work: Path, timeout: float) -> Result:
    t0 = time.monotonic()
    res = Result(info.name, "XFAIL")
    tdir = work / info.name

    def done(reason: str | None) -> Result:
        if reason is None:
            res.status, res.reason = "PASS", ""
        else:
            res.reason = reason
        res.seconds = time.monotonic() - t0
        return res

    if info.non_tensor:
        return done("unsupported-type: " + ", ".join(info.non_tensor))
    tdir.mkdir(parents=True, exist_ok=True)
    outdir = tdir / "out"
    deadline = t0 + timeout
    try:
        proc = run_proc([str(dsc), "compile", str(info.dir / "model.onnx"), "-o", str(outdir)],
                        deadline - time.monotonic())
    except Timeout:
        return done(f"timeout: dsc compile took longer than {timeout:g} s")
    res.compile_s = proc.seconds
    crash = _crashed(proc)
    if crash:
        return done(f"compile-crash: {crash}")
    if proc.returncode != 0:
        msg = clean_diagnostic(_error_line(proc.stderr + proc.stdout), info.dir, work)
        return done(f"{categorize_compile_error(msg)}: {msg or f'exit code {proc.returncode}'}")
    runner = outdir / "model"
    if not os.access(runner, os.X_OK):
        return done("compile-error: dsc compile exited 0 but wrote no runner")

    # inputs: test_data_set_0/input_<j>.pb belongs to graph.input[j]
    ds_dirs = sorted(p for p in info.dir.iterdir() if p.name.startswith("test_data_set_"))
    for ds in ds_dirs:
        args = []
        for j, vi in enumerate(info.model.graph.input):
            pb = ds / f"input_{j}.pb"
            if not pb.is_file():
                return done(f"runtime-error: no {pb.name} for input '{vi.name}'")
            arr = load_pb(pb)
            path = tdir / ds.name / f"in{j}.npy"
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                np.save(path, np.array(arr, order="C"), allow_pickle=False)
            except ValueError as e:
                return done(f"unsupported-type: input '{vi.name}' ({arr.dtype}) has no .npy "
                            f"form: {_one_line(str(e), 80)}")
            args += ["--input", f"{vi.name}={path}"]
        res_dir = tdir / ds.name / "outputs"
        try:
            proc = run_proc([str(runner), *args, "--output-dir", str(res_dir)],
                            deadline - time.monotonic())
        except Timeout:
            return done(f"timeout: compile + run took longer than {timeout:g} s")
        res.run_s += proc.seconds
        crash = _crashed(proc)
        if crash:
            return done(f"runtime-crash: {crash}")
        if proc.returncode != 0:
            msg = clean_diagnostic(_error_line(proc.stderr + proc.stdout), info.dir, work)
            return done(f"runtime-error: {msg or f'exit code {proc.returncode}'}")
        errors = []
        worst = 0.0
        for j, vi in enumerate(info.model.graph.output):
            expected = load_pb(ds / f"output_{j}.pb")
            got_path = res_dir / output_file_name(vi.name)
            if not got_path.is_file():
                errors.append(f"output '{vi.name}' not written")
                continue
            try:
                actual = np.load(got_path, allow_pickle=False)
            except Exception as e:  # noqa: BLE001
                errors.append(f"output '{vi.name}' is not a valid .npy: {_one_line(str(e), 80)}")
                continue
            err, maxerr = compare(vi.name, actual, expected)
            if err:
                errors.append(err)
            if maxerr == maxerr:  # not NaN
                worst = max(worst, maxerr)
        res.max_abs_err = worst
        if errors:
            return done("wrong-result: " + _one_line("; ".join(errors)))
    if not ds_dirs:
        return done("runtime-error: the test has no test_data_set")
    return done(None)


# --------------------------------------------------------------------------
# expectations
# --------------------------------------------------------------------------

HEADER = """\
# ONNX node-test conformance of dsc: one line per test, `NAME PASS` or
# `NAME XFAIL <category>: <detail>`. Written by
#   .venv/bin/python test/conformance/run_conformance.py --update
# from an actual run; checked by `make conformance` (all tests) and ctest's
# conformance.fast (a subset). Categories: see run_conformance.py.
"""


def read_expectations(path: Path) -> dict[str, tuple[str, str]]:
    exp: dict[str, tuple[str, str]] = {}
    if not path.is_file():
        return exp
    for n, raw in enumerate(path.read_text().splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split(None, 2)
        if len(parts) < 2 or parts[1] not in ("PASS", "XFAIL"):
            raise SystemExit(f"error: {path}:{n}: expected 'NAME PASS' or 'NAME XFAIL reason'")
        exp[parts[0]] = (parts[1], parts[2] if len(parts) > 2 else "")
    return exp


def write_expectations(path: Path, exp: dict[str, tuple[str, str]]) -> None:
    lines = [HEADER]
    for name in sorted(exp):
        status, reason = exp[name]
        lines.append(f"{name} {status}" + (f" {reason}" if status == "XFAIL" else "") + "\n")
    path.write_text("".join(lines))


# --------------------------------------------------------------------------
# summary and doc
# --------------------------------------------------------------------------


def totals(results: list[Result]) -> tuple[int, int, collections.Counter]:
    n_pass = sum(r.status == "PASS" for r in results)
    cats = collections.Counter(r.category for r in results if r.status != "PASS")
    return len(results), n_pass, cats


def format_totals(results: list[Result]) -> list[str]:
    n, n_pass, cats = totals(results)
    lines = [f"{n_pass} pass, {n - n_pass} xfail, {n} total: pass rate "
             f"{100.0 * n_pass / n if n else 0.0:.1f}%"]
    for cat, c in sorted(cats.items(), key=lambda kv: (-kv[1], kv[0])):
        lines.append(f"  xfail {cat}: {c}")
    return lines


def op_stats(infos: dict[str, TestInfo], results: dict[str, Result]):
    """(domain, op) -> stats over its direct tests (and its _expanded ones)."""
    stats: dict[tuple[str, str], dict] = {}

    def entry(key):
        return stats.setdefault(key, {"opsets": set(), "dtypes": set(), "tests": 0,
                                      "passed": 0, "exp_tests": 0, "exp_passed": 0,
                                      "pass_dtypes": set(),
                                      "reasons": collections.Counter()})

    for name in sorted(results):
        info, res = infos[name], results[name]
        if info.expanded:
            base = infos.get(info.base)
            for key in (base.ops if base else []):
                e = entry(key)
                e["exp_tests"] += 1
                e["exp_passed"] += res.status == "PASS"
            continue
        for key in info.ops:
            e = entry(key)
            e["tests"] += 1
            if key[0] in info.opsets:
                e["opsets"].add(info.opsets[key[0]])
            e["dtypes"] |= info.dtypes
            if res.status == "PASS":
                e["passed"] += 1
                e["pass_dtypes"] |= info.dtypes
            else:
                e["reasons"][res.category] += 1
    return stats


def _status(e) -> str:
    if e["tests"] == 0:
        return "n/a"
    if e["passed"] == e["tests"]:
        return "supported"
    return "partial" if e["passed"] else "unsupported"


def write_doc(path: Path, infos: dict[str, TestInfo], results: dict[str, Result]) -> None:
    res_list = [results[k] for k in sorted(results)]
    n, n_pass, cats = totals(res_list)
    stats = op_stats(infos, results)
    status_count = collections.Counter(_status(e) for e in stats.values() if e["tests"])
    out = []
    out.append("# ONNX operator support (ONNX backend node tests)\n\n")
    out.append(
        f"Generated by `make conformance` (`test/conformance/run_conformance.py`, "
        f"expectations in `test/conformance/expectations.txt`) from ONNX "
        f"{onnx.__version__}'s node tests, each compiled with `dsc compile` for the host "
        f"and its outputs compared with ONNX's expected outputs (float: rtol {FLOAT_RTOL:g}, "
        f"atol {FLOAT_ATOL:g}; integer and bool: exact). Do not edit by hand.\n\n")
    out.append(f"**{n_pass} of {n} tests pass ({100.0 * n_pass / n if n else 0:.1f}%).** "
               f"Operators: {status_count['supported']} supported, "
               f"{status_count['partial']} partial, {status_count['unsupported']} unsupported.\n\n")
    out.append("| Result | Tests |\n|---|---:|\n")
    out.append(f"| pass | {n_pass} |\n")
    for cat, c in sorted(cats.items(), key=lambda kv: (-kv[1], kv[0])):
        out.append(f"| xfail: {cat} | {c} |\n")
    out.append(f"| **total** | **{n}** |\n\n")
    top = top_unsupported_ops(infos, results, 20)
    if top:
        out.append("Ops with the most failing direct tests (failing/total, main reason):\n\n")
        for line in top:
            out.append(f"- {line}\n")
        out.append("\n")
    out.append(
        "Per operator: the opset versions its tests import, the element types of "
        "their inputs and outputs (**bold**: in a passing test), its direct tests "
        "passed/total, its `_expanded` tests (the op's function body, made of "
        "other ops) passed/total, and the most common reason its tests fail. "
        "Status: *supported* = every direct test passes, *partial* = some do, "
        "*unsupported* = none do.\n")
    domains = sorted({d for d, _ in stats}, key=lambda d: (d != DEFAULT_DOMAIN, d))
    for domain in domains:
        out.append(f"\n## {domain}\n\n")
        out.append("| Op | Opsets | Dtypes | Passed | Expanded | Status | Main failure |\n"
                   "|---|---|---|---:|---:|---|---|\n")
        for (d, op) in sorted(k for k in stats if k[0] == domain):
            e = stats[(d, op)]
            if e["tests"] == 0:
                continue
            opsets = ", ".join(str(v) for v in sorted(e["opsets"]))
            dtypes = ", ".join(f"**{t}**" if t in e["pass_dtypes"] else t
                               for t in sorted(e["dtypes"]))
            expanded = f"{e['exp_passed']}/{e['exp_tests']}" if e["exp_tests"] else ""
            main = ""
            if e["reasons"]:
                cat, c = sorted(e["reasons"].items(), key=lambda kv: (-kv[1], kv[0]))[0]
                main = f"{cat} ({c})"
            out.append(f"| {op} | {opsets} | {dtypes} | {e['passed']}/{e['tests']} | "
                       f"{expanded} | {_status(e)} | {main} |\n")
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "".join(out)
    if not path.is_file() or path.read_text() != text:
        path.write_text(text)


def top_unsupported_ops(infos, results, limit=25) -> list[str]:
    stats = op_stats(infos, results)
    rows = []
    for (d, op), e in stats.items():
        fails = e["tests"] - e["passed"]
        if fails:
            name = op if d == DEFAULT_DOMAIN else f"{d}.{op}"
            cat = sorted(e["reasons"].items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
            rows.append((-fails, name, f"{name}: {fails}/{e['tests']} ({cat})"))
    return [r[2] for r in sorted(rows)[:limit]]


# --------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------


def select_fast(infos: dict[str, TestInfo]) -> set[str]:
    chosen = {n for n in infos if zlib.crc32(n.encode()) % FAST_EVERY == 0}
    first: dict[tuple[str, str], str] = {}
    for n in sorted(infos):
        info = infos[n]
        if info.expanded:
            continue
        for key in info.ops:
            first.setdefault(key, n)
    return chosen | set(first.values())


def resolve_dsc(arg: str | None) -> Path:
    value = arg or os.environ.get("DSC") or str(REPO_ROOT / "build" / "bin" / "dsc")
    p = Path(value)
    if not p.is_absolute() and not p.exists() and (REPO_ROOT / p).exists():
        p = REPO_ROOT / p
    return p.resolve()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument("--check", dest="mode", action="store_const", const="check",
                      help="compare with the expectations file (default)")
    mode.add_argument("--update", dest="mode", action="store_const", const="update",
                      help="rewrite the expectations file from this run")
    ap.set_defaults(mode="check")
    ap.add_argument("--subset", choices=("full", "fast"), default="full",
                    help="all tests (default) or the fast subset")
    ap.add_argument("-k", dest="substr", action="append", default=[],
                    help="only tests whose name contains SUBSTR (repeatable: any)")
    ap.add_argument("-j", dest="jobs", type=int, default=2, help="parallel tests (default 2)")
    ap.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT_S,
                    help=f"seconds per test, compile + run (default {DEFAULT_TIMEOUT_S:g})")
    ap.add_argument("--dsc", help="dsc binary (default $DSC, then build/bin/dsc)")
    ap.add_argument("--data-dir", default=os.environ.get("DSC_CONFORMANCE_DATA"),
                    help="where the generated node tests are cached "
                         "(default $DSC_CONFORMANCE_DATA, else build/conformance-data)")
    ap.add_argument("--expectations", default=str(DEFAULT_EXPECTATIONS),
                    help="expectations file (default test/conformance/expectations.txt)")
    ap.add_argument("--doc", default=str(DEFAULT_DOC),
                    help="Markdown op table written after a full run (default docs/supported-ops.md)")
    ap.add_argument("--no-doc", action="store_true", help="do not write the op table")
    ap.add_argument("--results-json", help="write every test's result as JSON")
    ap.add_argument("--list", action="store_true", help="list the selected tests and exit")
    ap.add_argument("--keep", action="store_true", help="keep the work directory")
    ap.add_argument("-v", "--verbose", action="store_true", help="print every test's result")
    args = ap.parse_args(argv)

    data_dir = Path(args.data_dir) if args.data_dir else REPO_ROOT / "build" / "conformance-data"
    node_dir = ensure_data(data_dir.resolve())
    infos = {d.name: load_info(d) for d in sorted(node_dir.iterdir()) if d.is_dir()}

    selected = sorted(infos)
    if args.subset == "fast":
        fast = select_fast(infos)
        selected = [n for n in selected if n in fast]
    if args.substr:
        selected = [n for n in selected if any(s in n for s in args.substr)]
    full_run = args.subset == "full" and not args.substr
    if args.list:
        for n in selected:
            print(n)
        print(f"{len(selected)} tests")
        return 0
    if not selected:
        print("error: no tests selected", file=sys.stderr)
        return 2

    dsc = resolve_dsc(args.dsc)
    if not dsc.is_file() or not os.access(dsc, os.X_OK):
        print(f"error: dsc binary not found or not executable: {dsc}", file=sys.stderr)
        return 1
    exp_path = Path(args.expectations)
    expectations = read_expectations(exp_path)

    base = Path(os.environ.get("DSC_TEST_TMP") or tempfile.gettempdir())
    base.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="dsc-conformance-", dir=base))
    print(f"{len(selected)} ONNX {onnx.__version__} node tests"
          f"{' (fast subset)' if args.subset == 'fast' else ''}, -j {args.jobs}, "
          f"timeout {args.timeout:g}s, dsc {dsc}", flush=True)

    t0 = time.monotonic()
    results: dict[str, Result] = {}
    problems: list[str] = []
    lock = threading.Lock()
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futs = {pool.submit(run_test, infos[n], dsc, work, args.timeout): n
                for n in selected}
        for i, fut in enumerate(concurrent.futures.as_completed(futs), 1):
            name = futs[fut]
            try:
                r = fut.result()
            except Exception as e:  # noqa: BLE001 - a bug here, not in dsc
                r = Result(name, "XFAIL", f"harness-error: {_one_line(repr(e))}")
            results[name] = r
            want = expectations.get(name)
            note = ""
            if args.mode == "check":
                if want is None:
                    note = "NEW (not in the expectations file)"
                elif want[0] == "PASS" and r.status != "PASS":
                    note = "REGRESSION (expected PASS)"
                elif want[0] == "XFAIL" and r.status == "PASS":
                    note = f"UNEXPECTED PASS (expected XFAIL {want[1]})"
            if not (note or args.keep):
                shutil.rmtree(work / name, ignore_errors=True)
            with lock:
                if note:
                    problems.append(name)
                if args.verbose or note:
                    print(f"{r.status:5}  {name}  {r.seconds:5.2f}s"
                          + (f"  {r.reason}" if r.reason else "")
                          + (f"   <-- {note}" if note else ""), flush=True)
                elif i % 100 == 0:
                    print(f"  ... {i}/{len(selected)} done ({time.monotonic() - t0:.0f}s)",
                          flush=True)
    elapsed = time.monotonic() - t0

    res_list = [results[n] for n in sorted(results)]
    print()
    for line in format_totals(res_list):
        print(line)
    print(f"ran {len(res_list)} tests in {elapsed:.1f}s "
          f"(compile {sum(r.compile_s for r in res_list):.0f}s, "
          f"run {sum(r.run_s for r in res_list):.0f}s summed)")
    if full_run:
        print("most failing ops:")
        for line in top_unsupported_ops(infos, results, 15):
            print("  " + line)

    if args.results_json:
        Path(args.results_json).write_text(json.dumps(
            {"onnx": onnx.__version__, "elapsed_s": round(elapsed, 2), "jobs": args.jobs,
             "subset": args.subset, "filters": args.substr,
             "tests": {r.name: {"status": r.status, "reason": r.reason,
                                "ops": [f"{d}.{o}" if d != DEFAULT_DOMAIN else o
                                        for d, o in infos[r.name].ops],
                                "seconds": round(r.seconds, 3),
                                "compile_s": round(r.compile_s, 3),
                                "run_s": round(r.run_s, 3)} for r in res_list}},
            indent=1, sort_keys=True) + "\n")
    if full_run and not args.no_doc:
        write_doc(Path(args.doc), infos, results)
        print(f"wrote {args.doc}")

    rc = 0
    if args.mode == "update":
        new = dict(expectations)
        if full_run:
            new = {n: v for n, v in new.items() if n in infos}  # drop stale tests
        for r in res_list:
            new[r.name] = (r.status, r.reason)
        write_expectations(exp_path, new)
        print(f"wrote {exp_path} ({len(new)} tests)")
    else:
        stale = sorted(set(expectations) - set(infos))
        if stale and full_run:
            print(f"note: {len(stale)} tests in {exp_path.name} do not exist in ONNX "
                  f"{onnx.__version__} (e.g. {stale[0]}); --update drops them")
        changed = [r for r in res_list if r.status == "XFAIL" and r.name in expectations
                   and expectations[r.name][0] == "XFAIL"
                   and expectations[r.name][1] != r.reason]
        if changed:
            print(f"note: {len(changed)} XFAIL reasons changed (not a failure), e.g.")
            for r in changed[:5]:
                print(f"  {r.name}: was '{expectations[r.name][1]}', now '{r.reason}'")
        missing = [n for n in problems if n not in expectations]
        regressions = [n for n in problems if n in expectations
                       and expectations[n][0] == "PASS"]
        unexpected = [n for n in problems if n in expectations
                      and expectations[n][0] == "XFAIL"]
        if problems:
            rc = 1
            print(f"\nFAILED: {len(regressions)} regressions, {len(unexpected)} unexpected "
                  f"passes, {len(missing)} tests missing from {exp_path}")
            for title, names in (("regressions", regressions),
                                 ("unexpected passes", unexpected),
                                 ("missing", missing)):
                if names:
                    print(f"{title}:")
                    for n in sorted(names):
                        print(f"  {n}  {results[n].reason or 'PASS'}")
            sel = " ".join(f"-k {n}" for n in sorted(problems)[:5])
            if len(problems) > 5:
                sel = "[-k NAME ...]"
            print("A regression is a bug to fix in dsc (or a test to mark XFAIL with a reason, "
                  "if it is intended). After an op is implemented, or for new tests, "
                  "record the new results from a real run:\n"
                  "  .venv/bin/python test/conformance/run_conformance.py --update"
                  + ("" if full_run else f" {sel}") + "\n"
                  "(without -k it reruns every test and rewrites the whole file and "
                  "docs/supported-ops.md; `make conformance` checks the whole set)")
        else:
            print(f"OK: every result matches {exp_path.name}")
    if rc or args.keep:
        print(f"work dir kept (the failing tests' compiled runners, inputs, outputs): {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    return rc


if __name__ == "__main__":
    sys.exit(main())
