"""Shared helpers for the dsc execution tests.

Each test script builds ONNX models with ``onnx.helper``, registers cases with
:func:`case` / :func:`add_case` and ends with ``sys.exit(main())``. A case is a
function without arguments that raises :class:`CaseFailure` (or any other
exception) to fail. The command line is

    python SCRIPT.py [--dsc PATH] [-k SUBSTR] [-j N] [--family NAME]
                     [--keep] [--list] [-v]
                     [--target host|x86_64|aarch64] [--compile-arg ARG ...]
                     [--runner-repeat N] [--timings FILE.json]

``--dsc`` defaults to ``$DSC``, then to ``build/bin/dsc`` in the repository.

``--target`` defaults to ``$DSC_TEST_TARGET``, else ``host`` (nothing is added
to the dsc command lines). Any other target adds ``--target=TARGET`` to
``dsc compile``; ``--compile-arg`` (repeatable, e.g. ``--compile-arg=--cpu=cortex-a76``)
adds an argument to every ``dsc compile``. A runner (any executable) that is an
AArch64 ELF file on a non-AArch64 machine is run under
``qemu-aarch64 -L /usr/aarch64-linux-gnu`` (``$DSC_QEMU`` overrides the
command, split like a shell word list), with 10x the timeout.

Every PASS/FAIL line ends with the case's runner wall time (summed over its
runner invocations, emulation included). ``--runner-repeat N`` passes
``--repeat N`` to the runner (unless a case passes its own ``--repeat``) and
adds the median latency the runner prints to that line; ``--timings FILE``
writes all per-case times as JSON.

Work files go to a fresh directory under ``$DSC_TEST_TMP`` (else the system
temp dir); it is removed at the end unless ``--keep`` is given or a case
failed (then its path is printed so the artifacts can be inspected).

Helpers: :func:`run_case` (compile with dsc, run the runner, compare with
onnxruntime), :func:`compile_model`, :func:`run_runner`,
:func:`expect_compile_error`, :func:`expect_runner_error`, :func:`make_model`,
:func:`reference`, :func:`assert_close`; for the target: :func:`target_args`
(what to add to a hand-made `dsc compile`/`dsc run` command), :func:`target_cc_args`
(clang flags to link a C program with a cross-compiled library), :func:`exec_prefix`,
:func:`run_timeout`, :func:`case_stats`.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import platform
import re
import shlex
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
# Timeouts of commands run under an emulator (qemu-user) are multiplied by this.
EMULATION_TIMEOUT_FACTOR = 10

TARGETS = ("host", "x86_64", "aarch64")
DEFAULT_QEMU = ("qemu-aarch64", "-L", "/usr/aarch64-linux-gnu")

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
    # "host" adds nothing to dsc's command line; others add --target=<target>.
    target: str = "host"
    # extra arguments of every `dsc compile` (e.g. --cpu=cortex-a76)
    compile_args: list[str] = field(default_factory=list)
    # the emulator command line for AArch64 executables
    qemu: list[str] = field(default_factory=lambda: list(DEFAULT_QEMU))
    # --repeat N for every runner invocation (None: the runner's default)
    runner_repeat: int | None = None


CONFIG = Config()


def _default_qemu() -> list[str]:
    env = os.environ.get("DSC_QEMU")
    return shlex.split(env) if env and env.strip() else list(DEFAULT_QEMU)


def target_args() -> list[str]:
    """What the configured target adds to `dsc compile` / `dsc run`:
    `--target=T` (nothing for host) and the --compile-arg values."""
    args = [] if CONFIG.target == "host" else [f"--target={CONFIG.target}"]
    return args + list(CONFIG.compile_args)


def target_cc_args() -> list[str]:
    """Flags that make the clang driver build C programs for the configured
    target (to link a cross-compiled libMODEL.a): [] for host/x86_64 here,
    `--target=aarch64-linux-gnu -fuse-ld=lld` for aarch64 (Debian's cross
    sysroot; add -static, or the program runs with qemu's -L for the loader)."""
    if CONFIG.target == "aarch64" and _HOST_MACHINE != "aarch64":
        return ["--target=aarch64-linux-gnu", "-fuse-ld=lld"]
    return []


def _merge_compile_args(extra_args: Sequence[str]) -> list[str]:
    """target_args() minus the options a case sets itself (by option name), then
    the case's own arguments: a case that passes --target or --cpu wins."""
    own = {str(a).split("=", 1)[0] for a in extra_args if str(a).startswith("-")}
    return [a for a in target_args() if a.split("=", 1)[0] not in own] + [str(a) for a in extra_args]


_ELF_MACHINES = {62: "x86_64", 183: "aarch64"}
_HOST_MACHINE = {"amd64": "x86_64", "arm64": "aarch64"}.get(platform.machine().lower(),
                                                           platform.machine().lower())


def elf_machine(path: str | os.PathLike) -> str | None:
    """'x86_64' / 'aarch64' for an ELF executable of that machine, the e_machine
    number as a string for another one, None if `path` is not an ELF file."""
    try:
        with open(path, "rb") as f:
            head = f.read(20)
    except OSError:
        return None
    if len(head) < 20 or head[:4] != b"\x7fELF":
        return None
    order = "little" if head[5] == 1 else "big"
    machine = int.from_bytes(head[18:20], order)
    return _ELF_MACHINES.get(machine, str(machine))


def exec_prefix(executable: str | os.PathLike) -> list[str]:
    """The emulator command to prepend when `executable` is an AArch64 ELF file
    and this machine is not AArch64; [] otherwise."""
    if _HOST_MACHINE != "aarch64" and os.sep in str(executable) \
            and elf_machine(executable) == "aarch64":
        return list(CONFIG.qemu)
    return []


def is_emulated() -> bool:
    """Whether the configured target's runners run under an emulator here."""
    return CONFIG.target == "aarch64" and _HOST_MACHINE != "aarch64"


def run_timeout() -> float:
    """The runner timeout for the configured target (x10 under emulation)."""
    return RUN_TIMEOUT_S * (EMULATION_TIMEOUT_FACTOR if is_emulated() else 1)


@dataclass
class CaseStats:
    """Per-case measurements, collected by the helpers in the case's thread."""

    compile_s: float = 0.0
    compiles: int = 0
    runner_s: float = 0.0
    runner_runs: int = 0
    emulated: bool = False
    latencies_ms: list[float] = field(default_factory=list)

    def summary(self) -> str:
        parts = []
        if self.compiles:
            parts.append(f"compile {self.compile_s:.2f}s")
        if self.runner_runs:
            parts.append(f"run {self.runner_s:.2f}s" + (" (qemu)" if self.emulated else ""))
        if self.latencies_ms:
            parts.append("median " + ", ".join(f"{m:.3f}" for m in self.latencies_ms) + " ms")
        return ("  [" + ", ".join(parts) + "]") if parts else ""

    def as_dict(self) -> dict:
        return {"compile_s": round(self.compile_s, 4), "compiles": self.compiles,
                "runner_s": round(self.runner_s, 4), "runner_runs": self.runner_runs,
                "emulated": self.emulated, "median_latency_ms": list(self.latencies_ms)}


_local = threading.local()


def case_stats() -> CaseStats:
    """The measurements of the case running in this thread (a throwaway record
    outside a case)."""
    st = getattr(_local, "stats", None)
    if st is None:
        st = _local.stats = CaseStats()
    return st


LATENCY_LINE_RE = re.compile(r"^latency: median (\d+(?:\.\d+)?) ms", re.M)


def parse_median_latency(text: str) -> float | None:
    """The median (ms) from the runner's `latency: median X ms, ...` line."""
    m = LATENCY_LINE_RE.search(text)
    return float(m.group(1)) if m else None


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
    """Runs `cmd`; an AArch64 executable on another machine runs under the
    emulator (see exec_prefix) with EMULATION_TIMEOUT_FACTOR x the timeout."""
    cmd = [str(c) for c in cmd]
    prefix = exec_prefix(cmd[0]) if cmd else []
    if prefix:
        cmd = prefix + cmd
        timeout = timeout * EMULATION_TIMEOUT_FACTOR
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
    WORKDIR/out for the configured target (target_args(); options in
    `extra_args` override theirs); checks the artifacts of the contract exist."""
    d = workdir if workdir is not None else case_dir(name)
    model_path = save_model(model, d / f"{file_stem or name}.onnx")
    outdir = d / "out"
    proc = run_cmd([dsc_path(), "compile", model_path, "-o", outdir,
                    *_merge_compile_args(extra_args)],
                   timeout=COMPILE_TIMEOUT_S)
    st = case_stats()
    st.compiles += 1
    st.compile_s += proc.seconds
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
    """Runs the compiled runner on `inputs` (under the emulator for an AArch64
    runner); returns the loaded outputs and the Proc, whose `seconds` is the
    runner's wall time. With --runner-repeat N, `--repeat N` is added unless
    `extra_args` has its own --repeat; a median latency printed by the runner
    is recorded in the case's stats either way."""
    d = run_dir if run_dir is not None else compiled.outdir.parent / "run"
    paths = write_inputs(d / "inputs", inputs)
    out_dir = d / "outputs"
    extra = [str(a) for a in extra_args]
    if CONFIG.runner_repeat and not any(a == "--repeat" or a.startswith("--repeat=")
                                        for a in extra):
        extra += ["--repeat", str(CONFIG.runner_repeat)]
    proc = run_cmd(
        [compiled.runner, *input_args(paths), "--output-dir", out_dir, *extra],
        timeout=RUN_TIMEOUT_S,
    )
    st = case_stats()
    st.runner_runs += 1
    st.runner_s += proc.seconds
    st.emulated = st.emulated or proc.cmd[0] != str(compiled.runner)
    check_no_crash(proc, "runner")
    if proc.returncode != 0:
        raise CaseFailure(f"runner failed\n{proc.describe()}")
    median = parse_median_latency(proc.stdout)
    if median is not None:
        st.latencies_ms.append(median)
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
    proc = run_cmd([dsc_path(), "compile", model_path, "-o", outdir, *target_args()],
                   timeout=COMPILE_TIMEOUT_S)
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


def _run_one(c: Case) -> tuple[Case, bool, str, float, CaseStats]:
    t0 = time.monotonic()
    stats = _local.stats = CaseStats()
    try:
        c.fn()
        ok, msg = True, ""
    except CaseFailure as e:
        ok, msg = False, str(e)
    except Exception:  # noqa: BLE001 - a bug in the test itself or in the reference
        ok, msg = False, "exception in test:\n" + traceback.format_exc()
    finally:
        _local.stats = None
    return c, ok, msg, time.monotonic() - t0, stats


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
    env_target = os.environ.get("DSC_TEST_TARGET") or "host"
    ap.add_argument("--target", choices=TARGETS, default=env_target,
                    help="target of `dsc compile` (default $DSC_TEST_TARGET, else host); "
                         "aarch64 runners run under qemu-aarch64 ($DSC_QEMU overrides)")
    ap.add_argument("--compile-arg", dest="compile_args", action="append", default=[],
                    metavar="ARG", help="extra argument of every `dsc compile` "
                    "(repeatable; write --compile-arg=--cpu=cortex-a76)")
    ap.add_argument("--runner-repeat", type=int, metavar="N",
                    help="pass --repeat N to the runner and report its median latency")
    ap.add_argument("--timings", metavar="FILE", help="write per-case times as JSON to FILE")
    args = ap.parse_args(argv)
    if env_target not in TARGETS and args.target == env_target:
        print(f"error: DSC_TEST_TARGET={env_target!r} is not one of {', '.join(TARGETS)}",
              file=sys.stderr)
        return 2
    if args.runner_repeat is not None and args.runner_repeat < 1:
        print("error: --runner-repeat must be at least 1", file=sys.stderr)
        return 2

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
    CONFIG.target = args.target
    CONFIG.compile_args = list(args.compile_args)
    CONFIG.runner_repeat = args.runner_repeat
    CONFIG.qemu = _default_qemu()
    if is_emulated():
        if shutil.which(CONFIG.qemu[0]) is None:
            print(f"error: emulator {CONFIG.qemu[0]!r} not found (install qemu-user or set "
                  f"DSC_QEMU)", file=sys.stderr)
            return 1
    if CONFIG.target != "host" or CONFIG.compile_args:
        how = f", runners via {' '.join(CONFIG.qemu)}" if is_emulated() else ""
        print(f"target: {' '.join(target_args())}{how}", flush=True)
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
    timings: dict[str, dict] = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(_run_one, c) for c in selected]
        for fut in concurrent.futures.as_completed(futures):
            c, ok, msg, secs, stats = fut.result()
            timings[c.name] = {"ok": ok, "seconds": round(secs, 4), **stats.as_dict()}
            with _print_lock:
                print(f"{'PASS' if ok else 'FAIL'}  {c.name:<{width}}  {secs:6.2f}s"
                      f"{stats.summary()}", flush=True)
                if not ok:
                    failed.append((c, msg))
                    print("      " + msg.replace("\n", "\n      "), flush=True)

    n = len(selected)
    elapsed = time.monotonic() - t0
    print(f"\n{n - len(failed)}/{n} passed, {len(failed)} failed in {elapsed:.1f}s")
    runner_total = sum(t["runner_s"] for t in timings.values())
    if any(t["runner_runs"] for t in timings.values()):
        print(f"runner wall time {runner_total:.1f}s in all"
              + (" (emulated)" if any(t["emulated"] for t in timings.values()) else ""))
    if args.timings:
        report = {"target": CONFIG.target, "compile_args": CONFIG.compile_args,
                  "qemu": CONFIG.qemu if is_emulated() else None,
                  "runner_repeat": CONFIG.runner_repeat, "elapsed_s": round(elapsed, 3),
                  "cases": dict(sorted(timings.items()))}
        Path(args.timings).write_text(json.dumps(report, indent=2) + "\n")
    if failed:
        print("failed cases:")
        for c, _ in sorted(failed, key=lambda x: x[0].name):
            print(f"  {c.name}")
    if failed or args.keep:
        print(f"work dir kept: {CONFIG.workdir}")
    else:
        shutil.rmtree(CONFIG.workdir, ignore_errors=True)
    return 1 if failed else 0
