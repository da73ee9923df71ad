"""Shared helpers for the dsc execution tests.

Each test script builds ONNX models with ``onnx.helper``, registers cases with
:func:`case` / :func:`add_case` and ends with ``sys.exit(main())``. A case is a
function without arguments that raises :class:`CaseFailure` (or any other
exception) to fail. The command line is

    python SCRIPT.py [--dsc PATH] [-k SUBSTR] [-j N] [--family NAME]
                     [--keep] [--list] [-v]

``--dsc`` defaults to ``$DSC``, then to ``build/bin/dsc`` in the repository.
Work files go to a fresh directory under ``$DSC_TEST_TMP`` (else the system
temp dir); it is removed at the end unless ``--keep`` is given or a case
failed (then its path is printed so the artifacts can be inspected).

Helpers: :func:`run_case` (compile with dsc, run the runner, compare with
onnxruntime), :func:`compile_model`, :func:`run_runner`,
:func:`expect_compile_error`, :func:`expect_runner_error`, :func:`make_model`,
:func:`reference`, :func:`assert_close`.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Sequence

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

REPO_ROOT = Path(__file__).resolve().parents[2]

COMPILE_TIMEOUT_S = 600
RUN_TIMEOUT_S = 300

# Things that must never appear in a diagnostic: crashes and internal errors.
CRASH_MARKERS = (
    "Traceback",
    "Assertion",
    "assertion",
    "Stack dump",
    "PLEASE submit a bug report",
    "Segmentation fault",
    "terminate called",
    "UNREACHABLE",
    "LLVM ERROR",
    "AddressSanitizer",
)


class CaseFailure(AssertionError):
    """A test expectation that did not hold; the message says which."""


# --------------------------------------------------------------------------
# configuration (set by main(), readable by cases)
# --------------------------------------------------------------------------


@dataclass
class Config:
    dsc: Path | None = None
    workdir: Path | None = None
    verbose: bool = False


CONFIG = Config()


def dsc_path() -> Path:
    if CONFIG.dsc is None:
        raise CaseFailure("dsc path is not configured (use --dsc or $DSC)")
    return CONFIG.dsc


def case_dir(name: str) -> Path:
    """A fresh, empty directory for case `name` inside the work dir."""
    if CONFIG.workdir is None:
        base = Path(os.environ.get("DSC_TEST_TMP") or tempfile.gettempdir())
        base.mkdir(parents=True, exist_ok=True)
        CONFIG.workdir = Path(tempfile.mkdtemp(prefix="dsc-test-", dir=base))
    d = CONFIG.workdir / sanitize_path_component(name)
    if d.exists():
        shutil.rmtree(d)
    d.mkdir(parents=True)
    return d


# --------------------------------------------------------------------------
# naming rules of the CLI contract
# --------------------------------------------------------------------------


def model_stem(path: str | os.PathLike) -> str:
    """The C identifier dsc derives from a model file name."""
    stem = Path(path).stem
    stem = re.sub(r"[^A-Za-z0-9_]", "_", stem)
    if not stem or stem[0].isdigit():
        stem = "m" + stem
    return stem


def output_file_name(output_name: str) -> str:
    """The file name the runner writes a graph output to."""
    return re.sub(r"[^A-Za-z0-9_.-]", "_", output_name) + ".npy"


def sanitize_path_component(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", name)


# --------------------------------------------------------------------------
# building models
# --------------------------------------------------------------------------

DEFAULT_IR_VERSION = 8


def make_model(
    nodes: Sequence[onnx.NodeProto],
    inputs: Sequence[onnx.ValueInfoProto],
    outputs: Sequence[onnx.ValueInfoProto],
    initializers: Iterable[onnx.TensorProto] = (),
    opset: int = 13,
    name: str = "graph",
    ir_version: int | None = None,
    extra_opsets: dict[str, int] | None = None,
    check: bool = True,
) -> onnx.ModelProto:
    """A ModelProto for a single graph; checked with onnx.checker unless
    check=False. ir_version defaults to 8, raised when the opset needs it."""
    graph = helper.make_graph(
        list(nodes), name, list(inputs), list(outputs), list(initializers)
    )
    imports = [helper.make_opsetid("", opset)]
    for domain, ver in (extra_opsets or {}).items():
        imports.append(helper.make_opsetid(domain, ver))
    model = helper.make_model(graph, opset_imports=imports, producer_name="dsc-tests")
    if ir_version is None:
        ir_version = DEFAULT_IR_VERSION
        # opset 17/18 need IR 8, 19/20 IR 9, 21/22 IR 10.
        if opset >= 21:
            ir_version = 10
        elif opset >= 19:
            ir_version = 9
    model.ir_version = ir_version
    if check:
        onnx.checker.check_model(model, full_check=True)
    return model


def tensor_info(name: str, shape: Sequence[int], dtype=TensorProto.FLOAT):
    return helper.make_tensor_value_info(name, dtype, list(shape))


def init(name: str, array: np.ndarray) -> onnx.TensorProto:
    return numpy_helper.from_array(np.asarray(array), name)


def rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


def randn(seed: int, *shape: int, scale: float = 1.0) -> np.ndarray:
    return np.asarray(np.random.default_rng(seed).standard_normal(shape) * scale, dtype=np.float32)


def uniform(seed: int, shape: Sequence[int], low: float, high: float) -> np.ndarray:
    return np.asarray(np.random.default_rng(seed).uniform(low, high, size=tuple(shape)),
                      dtype=np.float32)


# --------------------------------------------------------------------------
# subprocesses
# --------------------------------------------------------------------------


@dataclass
class Proc:
    cmd: list[str]
    returncode: int
    stdout: str
    stderr: str
    seconds: float

    def describe(self, limit: int = 3000) -> str:
        def tail(s: str) -> str:
            s = s.rstrip()
            return s if len(s) <= limit else "...\n" + s[-limit:]

        parts = [f"$ {' '.join(map(str, self.cmd))}", f"exit code {self.returncode}"]
        if self.stdout.strip():
            parts.append("stdout:\n" + tail(self.stdout))
        if self.stderr.strip():
            parts.append("stderr:\n" + tail(self.stderr))
        return "\n".join(parts)


def run_cmd(cmd: Sequence[str | os.PathLike], timeout: float, cwd=None, env=None) -> Proc:
    cmd = [str(c) for c in cmd]
    if CONFIG.verbose:
        print("  $ " + " ".join(cmd), flush=True)
    t0 = time.monotonic()
    try:
        p = subprocess.run(
            cmd,
            capture_output=True,
            timeout=timeout,
            cwd=cwd,
            env=env,
        )
    except subprocess.TimeoutExpired as e:
        raise CaseFailure(f"timed out after {timeout:.0f} s: {' '.join(cmd)}") from e
    except OSError as e:
        raise CaseFailure(f"cannot execute {cmd[0]}: {e}") from e
    return Proc(
        cmd,
        p.returncode,
        p.stdout.decode("utf-8", "replace"),
        p.stderr.decode("utf-8", "replace"),
        time.monotonic() - t0,
    )


def check_no_crash(proc: Proc, what: str) -> None:
    if proc.returncode < 0:
        raise CaseFailure(f"{what} was killed by signal {-proc.returncode}\n{proc.describe()}")
    if proc.returncode > 128:
        raise CaseFailure(
            f"{what} exited with {proc.returncode} (a signal?)\n{proc.describe()}"
        )
    text = proc.stdout + proc.stderr
    for marker in CRASH_MARKERS:
        if marker in text:
            raise CaseFailure(f"{what} output contains {marker!r}\n{proc.describe()}")


# --------------------------------------------------------------------------
# compiling and running
# --------------------------------------------------------------------------


@dataclass
class Compiled:
    model_path: Path
    outdir: Path
    stem: str
    proc: Proc

    @property
    def runner(self) -> Path:
        return self.outdir / self.stem

    @property
    def header(self) -> Path:
        return self.outdir / f"{self.stem}.h"

    @property
    def static_lib(self) -> Path:
        return self.outdir / f"lib{self.stem}.a"

    @property
    def shared_lib(self) -> Path:
        return self.outdir / f"lib{self.stem}.so"


def save_model(model: onnx.ModelProto | bytes, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = model if isinstance(model, (bytes, bytearray)) else model.SerializeToString()
    path.write_bytes(data)
    return path


def compile_model(
    name: str,
    model: onnx.ModelProto | bytes,
    workdir: Path | None = None,
    file_stem: str | None = None,
    extra_args: Sequence[str] = (),
) -> Compiled:
    """Saves `model` as WORKDIR/<file_stem or name>.onnx and compiles it into
    WORKDIR/out; checks the artifacts of the contract exist."""
    d = workdir if workdir is not None else case_dir(name)
    model_path = save_model(model, d / f"{file_stem or name}.onnx")
    outdir = d / "out"
    proc = run_cmd([dsc_path(), "compile", model_path, "-o", outdir, *extra_args],
                   timeout=COMPILE_TIMEOUT_S)
    check_no_crash(proc, "dsc compile")
    if proc.returncode != 0:
        raise CaseFailure(f"dsc compile failed\n{proc.describe()}")
    stem = model_stem(model_path)
    c = Compiled(model_path, outdir, stem, proc)
    missing = [p.name for p in (c.header, c.static_lib, c.shared_lib, c.runner) if not p.is_file()]
    if missing:
        listing = sorted(p.name for p in outdir.iterdir()) if outdir.is_dir() else "(no out dir)"
        raise CaseFailure(f"dsc compile succeeded but did not write {missing}; out dir has {listing}")
    if not os.access(c.runner, os.X_OK):
        raise CaseFailure(f"runner {c.runner} is not executable")
    return c


def write_inputs(d: Path, inputs: dict[str, np.ndarray]) -> dict[str, Path]:
    d.mkdir(parents=True, exist_ok=True)
    paths = {}
    for i, (name, arr) in enumerate(inputs.items()):
        p = d / f"in{i}_{sanitize_path_component(name)}.npy"
        np.save(p, np.array(arr, order="C"))  # (ascontiguousarray makes 0-d 1-d)
        paths[name] = p
    return paths


def input_args(paths: dict[str, Path]) -> list[str]:
    args: list[str] = []
    for name, p in paths.items():
        args += ["--input", f"{name}={p}"]
    return args


def run_runner(
    compiled: Compiled,
    inputs: dict[str, np.ndarray],
    output_names: Sequence[str],
    run_dir: Path | None = None,
    extra_args: Sequence[str] = (),
) -> tuple[dict[str, np.ndarray], Proc]:
    """Runs the compiled runner on `inputs`; returns the loaded outputs."""
    d = run_dir if run_dir is not None else compiled.outdir.parent / "run"
    paths = write_inputs(d / "inputs", inputs)
    out_dir = d / "outputs"
    proc = run_cmd(
        [compiled.runner, *input_args(paths), "--output-dir", out_dir, *extra_args],
        timeout=RUN_TIMEOUT_S,
    )
    check_no_crash(proc, "runner")
    if proc.returncode != 0:
        raise CaseFailure(f"runner failed\n{proc.describe()}")
    return load_outputs(out_dir, output_names, proc), proc


def load_outputs(out_dir: Path, output_names: Sequence[str], proc: Proc | None = None):
    results = {}
    for name in output_names:
        p = out_dir / output_file_name(name)
        if not p.is_file():
            listing = sorted(x.name for x in out_dir.iterdir()) if out_dir.is_dir() else "(missing)"
            extra = ("\n" + proc.describe()) if proc else ""
            raise CaseFailure(f"output file {p.name} for output {name!r} not written; "
                              f"output dir has {listing}{extra}")
        try:
            results[name] = np.load(p, allow_pickle=False)
        except Exception as e:  # noqa: BLE001
            raise CaseFailure(f"output file {p} is not a valid .npy: {e}") from e
    return results


# --------------------------------------------------------------------------
# reference and comparison
# --------------------------------------------------------------------------


def reference(model: onnx.ModelProto, inputs: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Outputs of onnxruntime (CPU EP, default graph optimization level)."""
    import onnxruntime as ort

    so = ort.SessionOptions()
    so.log_severity_level = 3
    sess = ort.InferenceSession(
        model.SerializeToString(), sess_options=so, providers=["CPUExecutionProvider"]
    )
    names = [o.name for o in sess.get_outputs()]
    outs = sess.run(names, inputs)
    return dict(zip(names, outs))


def assert_close(name: str, actual: np.ndarray, expected: np.ndarray,
                 rtol: float, atol: float) -> None:
    """np.testing-style check |a - e| <= atol + rtol * |e|, with exact shape and
    dtype; NaNs must match."""
    expected = np.asarray(expected)
    actual = np.asarray(actual)
    if actual.dtype != expected.dtype:
        raise CaseFailure(f"output {name!r}: dtype {actual.dtype}, expected {expected.dtype}")
    if actual.shape != expected.shape:
        raise CaseFailure(f"output {name!r}: shape {actual.shape}, expected {expected.shape}")
    if actual.size == 0:
        return
    a = actual.astype(np.float64)
    e = expected.astype(np.float64)
    nan_a, nan_e = np.isnan(a), np.isnan(e)
    if not np.array_equal(nan_a, nan_e):
        idx = tuple(int(i) for i in np.argwhere(nan_a != nan_e)[0])
        raise CaseFailure(
            f"output {name!r}: NaN mismatch at {idx}: got {a[idx]}, "
            f"expected {e[tuple(idx)]} ({int((nan_a != nan_e).sum())} elements)"
        )
    a = np.where(nan_a, 0.0, a)
    e = np.where(nan_e, 0.0, e)
    inf_mismatch = (np.isinf(a) | np.isinf(e)) & (a != e)
    with np.errstate(invalid="ignore", over="ignore"):
        diff = np.abs(a - e)
        diff = np.where(np.isinf(a) & (a == e), 0.0, diff)
        bad = (diff > atol + rtol * np.abs(e)) | inf_mismatch
    if bad.any():
        nbad = int(bad.sum())
        with np.errstate(divide="ignore", invalid="ignore"):
            rel = np.where(np.abs(e) > 0, diff / np.abs(e), np.where(diff > 0, np.inf, 0.0))
        worst = np.unravel_index(int(np.argmax(np.where(bad, diff, -1))), a.shape)
        first = tuple(int(i) for i in np.argwhere(bad)[0])
        raise CaseFailure(
            f"output {name!r} (shape {actual.shape}): {nbad}/{actual.size} elements differ "
            f"beyond rtol={rtol:g}, atol={atol:g}\n"
            f"  max abs error {float(np.max(diff)):.6g}, max rel error {float(np.max(rel)):.6g}\n"
            f"  worst at {tuple(int(i) for i in worst)}: got {a[worst]:.9g}, expected {e[worst]:.9g}\n"
            f"  first at {first}: got {a[first]:.9g}, expected {e[first]:.9g}\n"
            f"  got (flat, first 8):      {np.array2string(actual.reshape(-1)[:8], precision=6)}\n"
            f"  expected (flat, first 8): {np.array2string(expected.reshape(-1)[:8], precision=6)}"
        )


def compare_outputs(actual: dict[str, np.ndarray], expected: dict[str, np.ndarray],
                    rtol: float, atol: float) -> None:
    errors = []
    for name, exp in expected.items():
        try:
            assert_close(name, actual[name], exp, rtol, atol)
        except CaseFailure as e:
            errors.append(str(e))
    if errors:
        raise CaseFailure("\n".join(errors))


def run_case(
    name: str,
    model: onnx.ModelProto,
    inputs: dict[str, np.ndarray],
    rtol: float = 1e-4,
    atol: float = 1e-5,
    runner_args: Sequence[str] = (),
) -> dict[str, np.ndarray]:
    """Compile `model` with dsc, run it on `inputs`, compare every graph output
    with onnxruntime. Returns dsc's outputs."""
    onnx.checker.check_model(model)
    expected = reference(model, inputs)
    compiled = compile_model(name, model)
    output_names = [o.name for o in model.graph.output]
    actual, _ = run_runner(compiled, inputs, output_names, extra_args=runner_args)
    compare_outputs(actual, expected, rtol, atol)
    return actual


# --------------------------------------------------------------------------
# expected errors
# --------------------------------------------------------------------------


def _check_substrings(text: str, substrings: Sequence[str | tuple[str, ...]], what: str,
                      proc: Proc) -> None:
    """Each entry must occur (case-insensitively); a tuple entry means any of
    its alternatives."""
    low = text.lower()
    for s in substrings:
        alts = s if isinstance(s, tuple) else (s,)
        if not any(a.lower() in low for a in alts):
            want = " or ".join(repr(a) for a in alts)
            raise CaseFailure(f"{what} does not mention {want}\n{proc.describe()}")


def expect_compile_error(
    name: str,
    model_or_bytes: onnx.ModelProto | bytes | None,
    substrings: Sequence[str | tuple[str, ...]] = (),
    model_path: Path | None = None,
    max_error_lines: int = 1,
    file_stem: str | None = None,
) -> Proc:
    """`dsc compile` must fail cleanly: exit code 1, `error:` on stderr with
    every substring, at most `max_error_lines` lines containing `error:`, no
    crash markers, and no output directory left behind. The model is saved as
    <file_stem or "model">.onnx (the diagnostic may quote the file name: keep
    expected words out of it). With model_or_bytes None, `model_path` is
    compiled as is (e.g. a nonexistent file)."""
    d = case_dir(name)
    if model_or_bytes is not None:
        model_path = save_model(model_or_bytes, d / f"{file_stem or 'model'}.onnx")
    assert model_path is not None
    outdir = d / "out"
    proc = run_cmd([dsc_path(), "compile", model_path, "-o", outdir], timeout=COMPILE_TIMEOUT_S)
    check_no_crash(proc, "dsc compile")
    if proc.returncode != 1:
        raise CaseFailure(f"expected exit code 1, got {proc.returncode}\n{proc.describe()}")
    if "error:" not in proc.stderr:
        raise CaseFailure(f"no 'error:' on stderr\n{proc.describe()}")
    n_err = sum(1 for line in proc.stderr.splitlines() if "error:" in line)
    if n_err > max_error_lines:
        raise CaseFailure(f"expected one diagnostic, got {n_err} 'error:' lines\n{proc.describe()}")
    _check_substrings(proc.stderr, substrings, "diagnostic", proc)
    if outdir.exists():
        listing = sorted(p.name for p in outdir.iterdir()) if outdir.is_dir() else "(a file)"
        raise CaseFailure(f"failed compile left the output dir behind: {listing}\n{proc.describe()}")
    return proc


def expect_runner_error(
    name: str,
    compiled: Compiled,
    args: Sequence[str | os.PathLike],
    substrings: Sequence[str | tuple[str, ...]] = (),
) -> Proc:
    """The runner must fail cleanly: exit code 1 and exactly one stderr line,
    starting with `error: `."""
    proc = run_cmd([compiled.runner, *args], timeout=RUN_TIMEOUT_S)
    check_no_crash(proc, "runner")
    if proc.returncode != 1:
        raise CaseFailure(f"expected exit code 1, got {proc.returncode}\n{proc.describe()}")
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    if len(lines) != 1 or not lines[0].startswith("error: "):
        raise CaseFailure(f"expected exactly one stderr line starting 'error: '\n{proc.describe()}")
    _check_substrings(proc.stderr, substrings, "runner error", proc)
    return proc


# --------------------------------------------------------------------------
# the registry and the command line
# --------------------------------------------------------------------------


@dataclass
class Case:
    name: str
    fn: Callable[[], object]
    family: str | None = None
    tags: tuple[str, ...] = field(default_factory=tuple)


CASES: list[Case] = []
_NAMES: set[str] = set()


def add_case(name: str, fn: Callable[[], object], family: str | None = None) -> None:
    if name in _NAMES:
        raise ValueError(f"duplicate case name {name!r}")
    if not re.fullmatch(r"[A-Za-z0-9_.-]+", name):
        raise ValueError(f"case name {name!r} must match [A-Za-z0-9_.-]+")
    _NAMES.add(name)
    CASES.append(Case(name, fn, family))


def case(name: str | None = None, family: str | None = None):
    """Decorator: registers a function without arguments as a case."""

    def deco(fn):
        add_case(name or fn.__name__, fn, family)
        return fn

    return deco


_print_lock = threading.Lock()


def _run_one(c: Case) -> tuple[Case, bool, str, float]:
    t0 = time.monotonic()
    try:
        c.fn()
        ok, msg = True, ""
    except CaseFailure as e:
        ok, msg = False, str(e)
    except Exception:  # noqa: BLE001 - a bug in the test itself or in the reference
        ok, msg = False, "exception in test:\n" + traceback.format_exc()
    return c, ok, msg, time.monotonic() - t0


def _resolve_dsc(arg: str | None) -> Path:
    value = arg or os.environ.get("DSC") or str(REPO_ROOT / "build" / "bin" / "dsc")
    p = Path(value)
    if not p.is_absolute() and not p.exists() and (REPO_ROOT / p).exists():
        p = REPO_ROOT / p
    return p.resolve()


def main(argv: Sequence[str] | None = None, families: Sequence[str] | None = None,
         description: str | None = None) -> int:
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--dsc", help="path of the dsc binary (default $DSC, then build/bin/dsc)")
    ap.add_argument("-k", dest="substr", action="append", default=[],
                    help="run only cases whose name contains SUBSTR (repeatable: any)")
    ap.add_argument("-j", dest="jobs", type=int, default=2, help="parallel cases (default 2)")
    if families:
        ap.add_argument("--family", choices=list(families), action="append",
                        help="run only this family of cases (repeatable)")
    ap.add_argument("--keep", action="store_true", help="keep the work directory")
    ap.add_argument("--list", action="store_true", help="list the selected cases and exit")
    ap.add_argument("-v", "--verbose", action="store_true", help="print commands")
    args = ap.parse_args(argv)

    selected = CASES
    if families and args.family:
        selected = [c for c in selected if c.family in args.family]
    if args.substr:
        selected = [c for c in selected if any(s in c.name for s in args.substr)]
    if args.list:
        for c in selected:
            print(f"{c.name}" + (f"  [{c.family}]" if c.family else ""))
        print(f"{len(selected)} cases")
        return 0
    if not selected:
        print("error: no cases selected", file=sys.stderr)
        return 2

    dsc = _resolve_dsc(args.dsc)
    if not dsc.is_file() or not os.access(dsc, os.X_OK):
        print(f"error: dsc binary not found or not executable: {dsc} "
              f"(build it, or pass --dsc PATH / set DSC)", file=sys.stderr)
        return 1
    CONFIG.dsc = dsc
    CONFIG.verbose = args.verbose
    base = Path(os.environ.get("DSC_TEST_TMP") or tempfile.gettempdir())
    base.mkdir(parents=True, exist_ok=True)
    script = Path(sys.argv[0]).stem if sys.argv and sys.argv[0] else "dsc"
    CONFIG.workdir = Path(tempfile.mkdtemp(prefix=f"dsc-{script}-", dir=base))
    # `dsc run` caches compiled models; keep the tests' cache out of ~/.cache.
    os.environ.setdefault("DSC_CACHE_DIR", str(CONFIG.workdir / "dsc-cache"))

    t0 = time.monotonic()
    failed: list[tuple[Case, str]] = []
    jobs = max(1, args.jobs)
    width = max(len(c.name) for c in selected)
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(_run_one, c) for c in selected]
        for fut in concurrent.futures.as_completed(futures):
            c, ok, msg, secs = fut.result()
            with _print_lock:
                print(f"{'PASS' if ok else 'FAIL'}  {c.name:<{width}}  {secs:6.2f}s", flush=True)
                if not ok:
                    failed.append((c, msg))
                    print("      " + msg.replace("\n", "\n      "), flush=True)

    n = len(selected)
    elapsed = time.monotonic() - t0
    print(f"\n{n - len(failed)}/{n} passed, {len(failed)} failed in {elapsed:.1f}s")
    if failed:
        print("failed cases:")
        for c, _ in sorted(failed, key=lambda x: x[0].name):
            print(f"  {c.name}")
    if failed or args.keep:
        print(f"work dir kept: {CONFIG.workdir}")
    else:
        shutil.rmtree(CONFIG.workdir, ignore_errors=True)
    return 1 if failed else 0
