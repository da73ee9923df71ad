#!/usr/bin/env python3
"""dsc against ONNX Runtime, OpenVINO and oneDNN on this machine: latency at
1 and 2 threads, share of the measured FP32 peak, compile time and memory,
as one Markdown report (`make bench`; docs/benchmarks.md explains every
column).

    .venv/bin/python bench/bench.py [--dsc build/bin/dsc] [--quick]
        [--models resnet18,resnet50,...] [--threads 1,2] [--repeat N]
        [--warmup W] [--size 224] [--bert 4x256x128] [--micro all|none|LIST]
        [--no-openvino] [--no-install] [--workdir DIR] [--markdown FILE]

What it does, one process at a time (never two timed things at once):

1. Header: CPU model and the flags that matter (avx2, fma, avx512f,
   avx512_vnni, avx512_bf16, amx_bf16), cores, load average, date, versions.
2. Peak probe: a C program (written to the work dir, compiled with clang-22)
   runs 12 independent register-resident FMA chains (512-bit with AVX-512,
   else 256-bit AVX2) per thread: FP32 GFLOP/s per core, and at each thread
   count; with avx512_bf16 also `vdpbf16ps` (BF16 dot products).
3. Models from test/Execution/zoo.py (seeded weights; CNNs at --size, batch
   1; the BERT-style encoder LAYERSxD_MODELxSEQ): dsc FP32 (and BF16 when
   `dsc compile --help` lists --precision), ONNX Runtime FP32 (all graph
   optimizations, intra_op_num_threads=T, sequential), OpenVINO FP32
   (INFERENCE_PRECISION_HINT=f32) and OpenVINO default precision (BF16 on
   CPUs with AVX-512 BF16 / AMX), all with PERFORMANCE_HINT=LATENCY and
   INFERENCE_NUM_THREADS=T. Each dsc build is first checked once against ONNX
   Runtime (FP32: rtol 1e-3, atol 1e-4; BF16: relative L2 error <= 2e-2);
   disagreements are listed under the table, they do not stop the bench.
4. Micro set: one-node ONNX models (GEMM 1024^3 with constant B; ResNet-50's
   3x3 convolutions and a 1x1 convolution) with dsc and ONNX Runtime, beside
   oneDNN (bench/onednn_micro.cpp, built against Debian's libdnnl).

Medians of --repeat timed runs (default 30; --quick: 5) after --warmup
untimed ones: the dsc runner's own `--repeat/--warmup`, a time.perf_counter
loop for ONNX Runtime and OpenVINO (each in its own process, so its peak RSS
is its own). Every cell is measured in --rounds rounds (default 3; --quick:
1) that take turns across the engines of a model, and reports the median of
the round medians: a shared VM has spells of a few seconds in which one
vCPU does little, and a single round that falls in one would halve a
2-thread figure. OpenVINO is installed into this Python's environment with pip
when missing (unless --no-install); without it its columns read n/a.

`--quick` (CNNs at 64x64, encoder 2x128x64, 5 repeats, shorter probe) is for
development: a few minutes. The full bench at 224x224 takes much longer
(dsc's ResNet-50 takes seconds per inference); the report ends with the
total time. Not part of `make check`.
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
T0 = time.perf_counter()
LATENCY_RE = re.compile(r"^latency: median (\d+(?:\.\d+)?) ms, min (\d+(?:\.\d+)?) ms, "
                        r"max (\d+(?:\.\d+)?) ms", re.M)
FLAGS_SHOWN = ("avx2", "fma", "avx512f", "avx512_vnni", "avx512_bf16", "amx_bf16")
DEFAULT_MODELS = ("resnet18", "resnet50", "mobilenetv2", "mobilenetv3_small",
                  "efficientnet_b0", "squeezenet1_1", "bert")
FP32_RTOL, FP32_ATOL = 1e-3, 1e-4
BF16_REL_L2 = 2e-2


def log(msg: str) -> None:
    print(f"[{time.perf_counter() - T0:7.1f}s] {msg}", file=sys.stderr, flush=True)


# ==========================================================================
# running things: one process at a time, its own peak RSS from wait4
# ==========================================================================


@dataclass
class Ran:
    rc: int
    stdout: str
    stderr: str
    seconds: float
    maxrss_mb: float       # peak resident set of the process (and its waited children)
    timed_out: bool = False

    def tail(self, n: int = 1500) -> str:
        return (self.stdout + self.stderr).strip()[-n:]


# A process forked from this (large) Python process inherits its peak RSS:
# Linux records the old address space's high-water mark at exec. So timed
# commands start through this tiny launcher, whose own child starts from a
# small address space; it writes the child's ru_maxrss (KiB) to a file.
RSS_EXEC_C = r"""
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
int main(int argc, char **argv) {
  if (argc < 3) return 126;
  pid_t pid = fork();
  if (pid < 0) return 126;
  if (pid == 0) { execvp(argv[2], argv + 2); _exit(127); }
  int st = 0;
  struct rusage ru;
  if (wait4(pid, &st, 0, &ru) < 0) return 126;
  FILE *f = fopen(argv[1], "w");
  if (f) { fprintf(f, "%ld\n", ru.ru_maxrss); fclose(f); }
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
"""
RSS_EXEC: Path | None = None


def build_rss_exec(work: Path, notes: list[str]) -> None:
    global RSS_EXEC
    cc = find_tool(*CLANG) or find_tool("cc", "gcc")
    if cc is None:
        notes.append("no C compiler: the peak RSS columns are n/a")
        return
    src, exe = work / "rss_exec.c", work / "rss_exec"
    src.write_text(RSS_EXEC_C)
    p = subprocess.run([cc, "-O2", src, "-o", exe], capture_output=True, text=True, timeout=120)
    if p.returncode:
        notes.append(f"the RSS launcher did not build ({p.stderr.strip()[-300:]}): "
                     "the peak RSS columns are n/a")
        return
    RSS_EXEC = exe


def run_measured(cmd: list, timeout: float, env: dict | None = None) -> Ran:
    """Runs `cmd` (through the RSS launcher when there is one) with
    stdout/stderr to temporary files; maxrss_mb is the command's own peak
    RSS (NaN without the launcher)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err, \
            tempfile.NamedTemporaryFile("r", suffix=".rss") as rss:
        argv = [str(c) for c in cmd]
        if RSS_EXEC is not None:
            argv = [str(RSS_EXEC), rss.name, *argv]
        t = time.perf_counter()
        p = subprocess.Popen(argv, stdout=out, stderr=err, env=env, start_new_session=True)
        killed = threading.Event()

        def kill():
            killed.set()
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            _, status = os.waitpid(p.pid, 0)
        finally:
            timer.cancel()
        p.returncode = os.waitstatus_to_exitcode(status)
        secs = time.perf_counter() - t
        out.seek(0)
        err.seek(0)
        try:
            maxrss = int(Path(rss.name).read_text().strip()) / 1024.0
        except (OSError, ValueError):
            maxrss = float("nan")
        return Ran(p.returncode, out.read(), err.read(), secs, maxrss, killed.is_set())


def describe_failure(what: str, r: Ran) -> str:
    why = "timed out" if r.timed_out else f"exit {r.rc}"
    return f"{what} failed ({why}): {r.tail(600)}"


# ==========================================================================
# the machine
# ==========================================================================


def cpu_info() -> dict:
    info = {"model": platform.processor() or platform.machine(), "flags": set()}
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return info
    m = re.search(r"^model name\s*:\s*(.+)$", text, re.M)
    if m:
        info["model"] = m.group(1).strip()
    m = re.search(r"^flags\s*:\s*(.+)$", text, re.M)
    if m:
        info["flags"] = set(m.group(1).split())
    return info


def lscpu_topology() -> str:
    try:
        text = subprocess.run(["lscpu"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return ""
    want = {"Thread(s) per core": "threads/core", "Core(s) per socket": "cores/socket",
            "Socket(s)": "sockets", "L2 cache": "L2", "L3 cache": "L3"}
    parts = []
    for line in text.splitlines():
        key, _, val = line.partition(":")
        if key.strip() in want:
            parts.append(f"{want[key.strip()]} {val.strip()}")
    return ", ".join(parts)


def find_tool(*names: str) -> str | None:
    for n in names:
        if os.path.isabs(n) and os.access(n, os.X_OK):
            return n
        w = shutil.which(n)
        if w:
            return w
    return None


CLANG = ("clang-22", "/usr/lib/llvm-22/bin/clang")
CLANGXX = ("clang++-22", "/usr/lib/llvm-22/bin/clang++")


def pkg_version(module: str) -> str | None:
    try:
        from importlib import metadata

        return metadata.version(module)
    except Exception:  # noqa: BLE001 - not installed / no metadata
        return None


def dpkg_version(pkg: str) -> str | None:
    try:
        p = subprocess.run(["dpkg-query", "-W", "-f=${Version}", pkg], capture_output=True,
                           text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return p.stdout.strip() if p.returncode == 0 and p.stdout.strip() else None


# ==========================================================================
# peak probe
# ==========================================================================

PEAK_C = r"""
/* bench.py's peak probe: NACC independent FMA (or vdpbf16ps) chains per
   thread, all operands in registers; prints the best GFLOP/s of TRIALS. */
#include <immintrin.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define NACC 12
#if defined(PROBE_BF16)
#define FLOPS_PER_OP 64 /* 16 lanes x 2 bf16 products, each a multiply and an add */
#elif defined(PROBE_AVX512)
#define FLOPS_PER_OP 32 /* 16 lanes x (multiply + add) */
#else
#define FLOPS_PER_OP 16 /* 8 lanes x (multiply + add) */
#endif

static volatile float seed_a = 0.999f, seed_b = 0.001f;
static long g_iters;
static float g_sink[64];

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

static void *work(void *arg) {
  long id = (long)arg;
#if defined(PROBE_BF16)
  __m512 acc[NACC];
  __m512bh x = _mm512_cvtne2ps_pbh(_mm512_set1_ps(seed_b), _mm512_set1_ps(seed_b));
  __m512bh y = _mm512_cvtne2ps_pbh(_mm512_set1_ps(seed_a), _mm512_set1_ps(seed_a));
  for (int j = 0; j < NACC; ++j) acc[j] = _mm512_set1_ps((float)j);
  for (long i = 0; i < g_iters; ++i)
    for (int j = 0; j < NACC; ++j) acc[j] = _mm512_dpbf16_ps(acc[j], x, y);
  __m512 s = acc[0];
  for (int j = 1; j < NACC; ++j) s = _mm512_add_ps(s, acc[j]);
  g_sink[id] = _mm512_reduce_add_ps(s);
#elif defined(PROBE_AVX512)
  __m512 acc[NACC];
  __m512 a = _mm512_set1_ps(seed_a), b = _mm512_set1_ps(seed_b);
  for (int j = 0; j < NACC; ++j) acc[j] = _mm512_set1_ps((float)j);
  for (long i = 0; i < g_iters; ++i)
    for (int j = 0; j < NACC; ++j) acc[j] = _mm512_fmadd_ps(acc[j], a, b);
  __m512 s = acc[0];
  for (int j = 1; j < NACC; ++j) s = _mm512_add_ps(s, acc[j]);
  g_sink[id] = _mm512_reduce_add_ps(s);
#else
  __m256 acc[NACC];
  __m256 a = _mm256_set1_ps(seed_a), b = _mm256_set1_ps(seed_b);
  for (int j = 0; j < NACC; ++j) acc[j] = _mm256_set1_ps((float)j);
  for (long i = 0; i < g_iters; ++i)
    for (int j = 0; j < NACC; ++j) acc[j] = _mm256_fmadd_ps(acc[j], a, b);
  __m256 s = acc[0];
  for (int j = 1; j < NACC; ++j) s = _mm256_add_ps(s, acc[j]);
  float v[8];
  _mm256_storeu_ps(v, s);
  g_sink[id] = v[0] + v[7];
#endif
  return NULL;
}

static double trial(int threads) {
  pthread_t t[64];
  double t0 = now();
  for (long i = 0; i < threads; ++i) pthread_create(&t[i], NULL, work, (void *)i);
  for (int i = 0; i < threads; ++i) pthread_join(t[i], NULL);
  return (double)threads * g_iters * NACC * FLOPS_PER_OP / (now() - t0) * 1e-9;
}

int main(int argc, char **argv) {
  int threads = argc > 1 ? atoi(argv[1]) : 1;
  double target_s = argc > 2 ? atof(argv[2]) : 0.2;
  int trials = argc > 3 ? atoi(argv[3]) : 5;
  if (threads < 1 || threads > 64) return 2;
  g_iters = 100000;
  double g = trial(1); /* calibrate: about target_s per trial */
  g_iters = (long)(target_s * g * 1e9 / (NACC * FLOPS_PER_OP));
  if (g_iters < 1000) g_iters = 1000;
  double best = 0;
  for (int i = 0; i < trials; ++i) {
    double r = trial(threads);
    if (r > best) best = r;
  }
  printf("{\"gflops\": %.3f, \"threads\": %d, \"accumulators\": %d, \"sink\": %g}\n", best,
         threads, NACC, (double)g_sink[0]);
  return 0;
}
"""


@dataclass
class Peak:
    isa: str = "n/a"                      # "AVX-512 FMA" / "AVX2 FMA"
    fp32: dict[int, float] = field(default_factory=dict)   # threads -> GFLOP/s (all threads)
    bf16: dict[int, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def per_core(self) -> float | None:
        return self.fp32.get(1)


def peak_probe(work: Path, flags: set[str], threads: list[int], quick: bool) -> Peak:
    pk = Peak()
    cc = find_tool(*CLANG)
    if cc is None:
        pk.notes.append("peak probe: clang-22 not found")
        return pk
    d = work / "peak"
    d.mkdir(parents=True, exist_ok=True)
    (d / "peak.c").write_text(PEAK_C)
    variants = []
    if "avx512f" in flags:
        variants.append(("fp32", "AVX-512 FMA", ["-mavx512f", "-mfma", "-DPROBE_AVX512"]))
    elif "avx2" in flags and "fma" in flags:
        variants.append(("fp32", "AVX2 FMA", ["-mavx2", "-mfma"]))
    else:
        pk.notes.append("peak probe: no AVX2/FMA on this CPU")
        return pk
    if "avx512_bf16" in flags:
        variants.append(("bf16", "AVX-512 BF16 vdpbf16ps",
                         ["-mavx512f", "-mavx512bf16", "-DPROBE_BF16"]))
    # Many short trials, the best one counts: a busy machine steals time
    # slices from some of them.
    target_s, trials = ("0.03", "10") if quick else ("0.03", "30")
    for kind, isa, cflags in variants:
        exe = d / f"peak_{kind}"
        r = run_measured([cc, "-O2", *cflags, d / "peak.c", "-o", exe, "-lpthread"], 120)
        if r.rc:
            pk.notes.append(describe_failure(f"peak probe ({isa}) compile", r))
            continue
        if kind == "fp32":
            pk.isa = isa
        for t in sorted(set([1, *threads])):
            r = run_measured([exe, t, target_s, trials], 300)
            try:
                g = json.loads(r.stdout)["gflops"]
            except (ValueError, KeyError):
                pk.notes.append(describe_failure(f"peak probe ({isa}, {t} threads)", r))
                continue
            (pk.fp32 if kind == "fp32" else pk.bf16)[t] = g
            log(f"peak {isa} at {t} thread(s): {g:.1f} GFLOP/s")
    return pk


# ==========================================================================
# OpenVINO (a yardstick only: installed on demand, n/a when it cannot be)
# ==========================================================================


def openvino_version() -> str | None:
    p = subprocess.run([sys.executable, "-c", "import openvino as ov; print(ov.get_version())"],
                       capture_output=True, text=True, timeout=120)
    return p.stdout.strip().splitlines()[-1] if p.returncode == 0 and p.stdout.strip() else None


def ensure_openvino(allow_install: bool, notes: list[str]) -> str | None:
    v = openvino_version()
    if v or not allow_install:
        if not v:
            notes.append("OpenVINO is not installed (--no-install): its columns are n/a")
        return v
    log("OpenVINO missing: pip install openvino (a yardstick only; n/a if this fails)")
    try:
        p = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "openvino"],
                           capture_output=True, text=True, timeout=900)
        if p.returncode != 0:
            last = [ln for ln in (p.stdout + p.stderr).splitlines() if ln.strip()][-1:]
            notes.append("OpenVINO could not be installed (pip: "
                         f"{(last[0].strip() if last else 'failed')[:200]}): its columns are n/a")
            return None
    except (OSError, subprocess.SubprocessError) as e:
        notes.append(f"OpenVINO could not be installed ({e}): its columns are n/a")
        return None
    v = openvino_version()
    if not v:
        notes.append("OpenVINO installed but does not import: its columns are n/a")
    return v


# ==========================================================================
# worker processes: ONNX Runtime and OpenVINO timing loops
# ==========================================================================


def worker_main(a) -> int:
    """`bench.py --worker ort|ov-f32|ov-default --model M --inputs-dir D ...`:
    times one engine on one model and prints one JSON line."""
    import resource

    import numpy as np

    feeds = {p.stem: np.load(p) for p in sorted(Path(a.inputs_dir).glob("*.npy"))}
    ref = {p.stem: np.load(p) for p in sorted(Path(a.ref_dir).glob("*.npy"))} \
        if a.ref_dir else {}
    res: dict = {}
    if a.worker == "ort":
        import onnxruntime as ort

        base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
        so = ort.SessionOptions()
        so.log_severity_level = 3
        so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        so.intra_op_num_threads = a.threads
        so.inter_op_num_threads = 1
        sess = ort.InferenceSession(a.model, sess_options=so,
                                    providers=["CPUExecutionProvider"])
        names = [o.name for o in sess.get_outputs()]

        def infer():
            return dict(zip(names, sess.run(names, feeds)))
    else:
        import openvino as ov

        base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
        core = ov.Core()
        cfg = {"PERFORMANCE_HINT": "LATENCY", "INFERENCE_NUM_THREADS": str(a.threads)}
        if a.worker == "ov-f32":
            cfg["INFERENCE_PRECISION_HINT"] = "f32"
        compiled = core.compile_model(core.read_model(a.model), "CPU", cfg)
        try:
            prec = compiled.get_property("INFERENCE_PRECISION_HINT")
            res["precision"] = prec.to_string() if hasattr(prec, "to_string") else str(prec)
        except Exception:  # noqa: BLE001 - property names differ across releases
            res["precision"] = "?"
        req = compiled.create_infer_request()
        outs = [(o.get_any_name(), o) for o in compiled.outputs]

        def infer():
            r = req.infer(feeds)
            return {n: np.asarray(r[o]) for n, o in outs}
    first = infer()
    if ref:
        worst = 0.0
        for n, want in ref.items():
            got = first.get(n)
            if got is None or got.shape != want.shape:
                worst = float("inf")
                continue
            den = float(np.linalg.norm(want.astype(np.float64))) or 1.0
            worst = max(worst, float(np.linalg.norm(got.astype(np.float64) - want)) / den)
        res["rel_l2"] = worst
    for _ in range(a.warmup):
        infer()
    ms = []
    for _ in range(a.repeat):
        t = time.perf_counter()
        infer()
        ms.append((time.perf_counter() - t) * 1e3)
    res.update(median_ms=float(np.median(ms)), min_ms=min(ms), max_ms=max(ms),
               repeat=len(ms), baseline_rss_mb=base)
    print(json.dumps(res))
    return 0


# ==========================================================================
# models
# ==========================================================================


@dataclass
class Result:
    """One engine on one model: per thread count median ms (None: n/a)."""
    ms: dict[int, float] = field(default_factory=dict)
    rounds: dict[int, list] = field(default_factory=dict)  # each round's median

    def record(self, t: int, ms: float) -> None:
        """Adds one round's median at `t` threads; the cell is their median."""
        self.rounds.setdefault(t, []).append(ms)
        self.ms[t] = statistics.median(self.rounds[t])
    rss_mb: float | None = None           # peak RSS over the timed runs
    baseline_rss_mb: float | None = None  # the worker before it built its session
    note: str | None = None
    extra: dict = field(default_factory=dict)


@dataclass
class Bench:
    key: str
    title: str
    path: Path
    inputs: dict[str, Path]
    ref_dir: Path
    gflop: float
    compile_s: float | None = None
    arena_mb: float | None = None
    weights_mb: float | None = None
    dsc: Result = field(default_factory=Result)
    dsc_bf16: Result = field(default_factory=Result)
    ort: Result = field(default_factory=Result)
    ov_f32: Result = field(default_factory=Result)
    ov_def: Result = field(default_factory=Result)
    onednn: Result = field(default_factory=Result)
    problems: list[str] = field(default_factory=list)


def graph_gflop(model) -> float:
    """2 x multiply-accumulates of every Conv, Gemm and MatMul (shapes from
    ONNX shape inference), in GFLOP."""
    import numpy as np
    import onnx

    m = onnx.shape_inference.infer_shapes(model)
    shapes: dict[str, list[int]] = {}
    for vi in list(m.graph.input) + list(m.graph.value_info) + list(m.graph.output):
        dims = vi.type.tensor_type.shape.dim
        shapes[vi.name] = [d.dim_value for d in dims]
    for t in m.graph.initializer:
        shapes[t.name] = list(t.dims)
    macs = 0
    for n in m.graph.node:
        out = shapes.get(n.output[0])
        if out is None:
            continue
        if n.op_type == "Conv":
            w = shapes[n.input[1]]
            macs += int(np.prod(out)) * int(np.prod(w[1:]))
        elif n.op_type == "Gemm":
            a = shapes[n.input[0]]
            trans_a = next((at.i for at in n.attribute if at.name == "transA"), 0)
            k = a[0] if trans_a else a[1]
            macs += int(np.prod(out)) * k
        elif n.op_type == "MatMul":
            a = shapes[n.input[0]]
            macs += int(np.prod(out)) * a[-1]
    return 2.0 * macs / 1e9


def write_bench_model(work: Path, key: str, title: str, model, inputs: dict) -> Bench:
    import numpy as np
    import onnx
    import onnxruntime as ort

    d = work / key
    (d / "inputs").mkdir(parents=True, exist_ok=True)
    (d / "ref").mkdir(parents=True, exist_ok=True)
    path = d / f"{key}.onnx"
    onnx.save(model, path)
    ins = {}
    for name, arr in inputs.items():
        ins[name] = d / "inputs" / f"{name}.npy"
        np.save(ins[name], arr)
    so = ort.SessionOptions()
    so.log_severity_level = 3
    sess = ort.InferenceSession(str(path), sess_options=so, providers=["CPUExecutionProvider"])
    names = [o.name for o in sess.get_outputs()]
    for name, out in zip(names, sess.run(names, inputs)):
        np.save(d / "ref" / f"{name}.npy", out)
    return Bench(key, title, path, ins, d / "ref", graph_gflop(model))


def build_model(key: str, size: int, bert: tuple[int, int, int]):
    sys.path.insert(0, str(REPO / "test" / "Execution"))
    import zoo

    if key == "bert":
        layers, d, seq = bert
        return (f"BERT enc {layers}×d{d}×s{seq}",
                zoo.bert_encoder(layers, d, max(1, d // 64), 4 * d, seq, 1),
                zoo.bert_inputs(d, seq, 1))
    titles = {"resnet18": "ResNet-18", "resnet50": "ResNet-50", "mobilenetv2": "MobileNetV2",
              "mobilenetv3_small": "MobileNetV3-S", "efficientnet_b0": "EfficientNet-B0",
              "squeezenet1_1": "SqueezeNet 1.1", "densenet121": "DenseNet-121",
              "shufflenet_v2_x1_0": "ShuffleNetV2 1.0"}
    return (f"{titles[key]} {size}²", zoo.CNN_BUILDERS[key](batch=1, size=size),
            zoo.image_inputs(1, size))


def model_keys() -> list[str]:
    sys.path.insert(0, str(REPO / "test" / "Execution"))
    import zoo

    return [*zoo.CNN_BUILDERS, "bert"]


# --- micro set --------------------------------------------------------------

# (key, title, spec): ("matmul", M, N, K) or ("conv", C, H, W, O, K, stride, pad)
MICRO = (
    ("gemm1024", "GEMM 1024³ (const B)", ("matmul", 1024, 1024, 1024)),
    ("conv3x3_64_56", "conv 3×3 64→64 @56²", ("conv", 64, 56, 56, 64, 3, 1, 1)),
    ("conv3x3_128_28", "conv 3×3 128→128 @28²", ("conv", 128, 28, 28, 128, 3, 1, 1)),
    ("conv3x3_256_14", "conv 3×3 256→256 @14²", ("conv", 256, 14, 14, 256, 3, 1, 1)),
    ("conv3x3_512_7", "conv 3×3 512→512 @7²", ("conv", 512, 7, 7, 512, 3, 1, 1)),
    ("conv1x1_256_64_56", "conv 1×1 256→64 @56²", ("conv", 256, 56, 56, 64, 1, 1, 0)),
)


def micro_model(key: str, spec: tuple):
    import numpy as np
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(42)
    if spec[0] == "matmul":
        _, m, n, k = spec
        b = numpy_helper.from_array((rng.standard_normal((k, n)) / math.sqrt(k))
                                    .astype(np.float32), "B")
        node = helper.make_node("MatMul", ["A", "B"], ["Y"], name=key)
        ins = [helper.make_tensor_value_info("A", TensorProto.FLOAT, [m, k])]
        outs = [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [m, n])]
        feeds = {"A": rng.standard_normal((m, k)).astype(np.float32)}
        inits = [b]
    else:
        _, c, h, w, o, k, s, p = spec
        wt = numpy_helper.from_array((rng.standard_normal((o, c, k, k)) *
                                      math.sqrt(2.0 / (c * k * k))).astype(np.float32), "W")
        node = helper.make_node("Conv", ["X", "W"], ["Y"], name=key, kernel_shape=[k, k],
                                strides=[s, s], pads=[p] * 4)
        oh, ow = (h + 2 * p - k) // s + 1, (w + 2 * p - k) // s + 1
        ins = [helper.make_tensor_value_info("X", TensorProto.FLOAT, [1, c, h, w])]
        outs = [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [1, o, oh, ow])]
        feeds = {"X": rng.standard_normal((1, c, h, w)).astype(np.float32)}
        inits = [wt]
    g = helper.make_graph([node], key, ins, outs, inits)
    model = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)],
                              producer_name="dsc-bench")
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model, feeds


def onednn_args(spec: tuple) -> list:
    if spec[0] == "matmul":
        return ["matmul", *spec[1:]]
    _, c, h, w, o, k, s, p = spec
    return ["conv", 1, c, h, w, o, k, k, s, p]


# ==========================================================================
# measuring
# ==========================================================================


class Runner:
    def __init__(self, a, work: Path, threads: list[int], dsc: Path, has_bf16: bool,
                 ov: str | None):
        self.a, self.work, self.threads, self.dsc = a, work, threads, dsc
        self.has_bf16, self.ov = has_bf16, ov
        self.onednn_exe: Path | None = None

    # --- dsc -------------------------------------------------------------

    def dsc_build(self, b: Bench, bf16: bool) -> Path | None:
        import numpy as np

        tag = "bf16" if bf16 else "fp32"
        res = b.dsc_bf16 if bf16 else b.dsc
        out = b.path.parent / f"dsc_{tag}"
        report = b.path.parent / f"report_{tag}.json"
        cmd = [self.dsc, "compile", b.path, "-o", out, f"--report-json={report}"]
        if bf16:
            cmd.append("--precision=bf16")
        log(f"dsc compile {b.key} ({tag})")
        r = run_measured(cmd, self.a.timeout)
        # The artefacts just written (weights three times over: .a, .so,
        # runner) would be flushed by the kernel while the runner is timed,
        # taking a core from the 2-thread runs: flush them first.
        os.sync()
        if r.rc:
            res.note = describe_failure(f"dsc compile ({tag})", r)
            b.problems.append(res.note)
            return None
        if not bf16:
            b.compile_s = r.seconds
            try:
                rep = json.loads(report.read_text())
                b.arena_mb = rep["arena_bytes"] / 1e6
                b.weights_mb = rep.get("weights_bytes", 0) / 1e6
            except (OSError, ValueError, KeyError):
                pass
        exe = out / stem_of(b.path)
        # one untimed run, compared with ONNX Runtime
        res_dir = b.path.parent / f"out_{tag}"
        r = run_measured([exe, *self.input_args(b), "--output-dir", res_dir], self.a.timeout)
        if r.rc:
            res.note = describe_failure(f"dsc runner ({tag})", r)
            b.problems.append(res.note)
            return None
        for ref in sorted(b.ref_dir.glob("*.npy")):
            want = np.load(ref).astype(np.float64)
            got_path = res_dir / (re.sub(r"[^A-Za-z0-9_.-]", "_", ref.stem) + ".npy")
            if not got_path.exists():
                b.problems.append(f"dsc {tag}: output {ref.stem!r} missing")
                continue
            got = np.load(got_path).astype(np.float64)
            if got.shape != want.shape:
                b.problems.append(f"dsc {tag}: output {ref.stem!r} shape {got.shape}, "
                                  f"ONNX Runtime {want.shape}")
                continue
            err = np.abs(got - want)
            rel_l2 = float(np.linalg.norm(got - want) / (np.linalg.norm(want) or 1.0))
            res.extra["max_abs_err"] = max(res.extra.get("max_abs_err", 0.0), float(err.max()))
            res.extra["rel_l2"] = max(res.extra.get("rel_l2", 0.0), rel_l2)
            if bf16:
                if rel_l2 > BF16_REL_L2:
                    b.problems.append(f"dsc bf16: output {ref.stem!r} relative L2 error "
                                      f"{rel_l2:.3g} > {BF16_REL_L2:g}")
            elif not (err <= FP32_ATOL + FP32_RTOL * np.abs(want)).all():
                bad = int((err > FP32_ATOL + FP32_RTOL * np.abs(want)).sum())
                b.problems.append(f"dsc fp32: output {ref.stem!r} differs from ONNX Runtime "
                                  f"(rtol {FP32_RTOL:g}, atol {FP32_ATOL:g}): {bad}/{err.size} "
                                  f"elements, max abs {float(err.max()):.3g}")
        return exe

    def input_args(self, b: Bench) -> list:
        args = []
        for name, path in b.inputs.items():
            args += ["--input", f"{name}={path}"]
        return args

    def dsc_time(self, b: Bench, exe: Path, res: Result, tag: str) -> None:
        for t in self.threads:
            log(f"dsc {b.key} ({tag}) at {t} thread(s): {self.a.warmup} + {self.a.repeat} runs")
            r = run_measured([exe, *self.input_args(b), "--output-dir",
                              b.path.parent / "out_timed", "--threads", t,
                              "--repeat", self.a.repeat, "--warmup", self.a.warmup],
                             self.a.timeout)
            m = LATENCY_RE.search(r.stdout)
            if r.rc or not m:
                res.note = describe_failure(f"dsc {tag} timing at {t} threads", r)
                b.problems.append(res.note)
                continue
            res.record(t, float(m.group(1)))
            if r.maxrss_mb == r.maxrss_mb:  # not NaN
                res.rss_mb = max(res.rss_mb or 0.0, r.maxrss_mb)

    # --- ONNX Runtime / OpenVINO workers ----------------------------------

    def worker(self, b: Bench, kind: str, res: Result) -> None:
        for t in self.threads:
            log(f"{kind} {b.key} at {t} thread(s): {self.a.warmup} + {self.a.repeat} runs")
            cmd = [sys.executable, Path(__file__).resolve(), "--worker", kind, "--model", b.path,
                   "--inputs-dir", b.path.parent / "inputs", "--ref-dir", b.ref_dir,
                   "--threads", t, "--repeat", self.a.repeat, "--warmup", self.a.warmup]
            env = dict(os.environ, OMP_NUM_THREADS=str(t))
            r = run_measured(cmd, self.a.timeout, env=env)
            try:
                j = json.loads(r.stdout.strip().splitlines()[-1])
            except (ValueError, IndexError):
                res.note = describe_failure(f"{kind} at {t} threads", r)
                b.problems.append(res.note)
                continue
            res.record(t, j["median_ms"])
            if r.maxrss_mb == r.maxrss_mb:  # not NaN
                res.rss_mb = max(res.rss_mb or 0.0, r.maxrss_mb)
            res.baseline_rss_mb = j.get("baseline_rss_mb")
            if "precision" in j:
                res.extra["precision"] = j["precision"]
            if "rel_l2" in j:
                res.extra["rel_l2"] = max(res.extra.get("rel_l2", 0.0), j["rel_l2"])

    # --- oneDNN -------------------------------------------------------------

    def build_onednn(self, notes: list[str]) -> None:
        cxx = find_tool(*CLANGXX)
        src = REPO / "bench" / "onednn_micro.cpp"
        if cxx is None:
            notes.append("oneDNN: clang++-22 not found: its columns are n/a")
            return
        if not Path("/usr/include/oneapi/dnnl/dnnl.hpp").exists() and \
                not dpkg_version("libdnnl-dev"):
            notes.append("oneDNN: libdnnl-dev is not installed (scripts/bootstrap.sh installs "
                         "it): its columns are n/a")
            return
        exe = self.work / "onednn_micro"
        r = run_measured([cxx, "-O2", "-std=c++17", src, "-o", exe, "-ldnnl"], 300)
        if r.rc:
            notes.append(describe_failure("oneDNN harness build", r))
            return
        self.onednn_exe = exe

    def onednn(self, b: Bench, spec: tuple) -> None:
        if self.onednn_exe is None:
            b.onednn.note = "n/a"
            return
        for t in self.threads:
            log(f"oneDNN {b.key} at {t} thread(s)")
            env = dict(os.environ, OMP_NUM_THREADS=str(t))
            r = run_measured([self.onednn_exe, *onednn_args(spec), self.a.repeat,
                              self.a.warmup], self.a.timeout, env=env)
            try:
                j = json.loads(r.stdout.strip().splitlines()[-1])
            except (ValueError, IndexError):
                b.problems.append(describe_failure(f"oneDNN at {t} threads", r))
                continue
            b.onednn.record(t, j["median_ms"])
            b.onednn.extra["impl"] = j.get("impl")
            b.onednn.extra["version"] = j.get("version")

    # --- one benchmark -----------------------------------------------------

    def measure(self, b: Bench, micro_spec: tuple | None = None) -> None:
        exe = self.dsc_build(b, bf16=False)
        exe16 = None
        if self.has_bf16 and micro_spec is None:
            exe16 = self.dsc_build(b, bf16=True)
        for _ in range(self.a.rounds):
            if exe:
                self.dsc_time(b, exe, b.dsc, "fp32")
            if exe16:
                self.dsc_time(b, exe16, b.dsc_bf16, "bf16")
            self.worker(b, "ort", b.ort)
            if micro_spec is not None:
                self.onednn(b, micro_spec)
            elif self.ov:
                self.worker(b, "ov-f32", b.ov_f32)
                self.worker(b, "ov-default", b.ov_def)


def stem_of(path: Path) -> str:
    s = re.sub(r"[^A-Za-z0-9_]", "_", path.stem)
    return "m" + s if not s or s[0].isdigit() else s


# ==========================================================================
# the report
# ==========================================================================


def fmt_ms(v: float | None) -> str:
    if v is None:
        return "n/a"
    return f"{v:.3g}" if v < 100 else f"{v:.0f}"


def per_t(threads: list[int], f) -> str:
    vals = []
    for t in threads:
        try:
            v = f(t)
        except (KeyError, TypeError, ZeroDivisionError):
            v = None
        vals.append("n/a" if v is None else v)
    return " / ".join(vals)


def ratio(num: Result, den: Result, t: int) -> float | None:
    if t in num.ms and t in den.ms and den.ms[t] > 0:
        return num.ms[t] / den.ms[t]
    return None


def geomean(xs: list[float]) -> float | None:
    xs = [x for x in xs if x and x > 0]
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else None


def render(a, benches: list[Bench], micros: list[Bench], peak: Peak, header: list[str],
           notes: list[str], threads: list[int], has_bf16: bool, ov: str | None) -> str:
    tl = " / ".join(f"{t}T" for t in threads)
    pc = peak.per_core()
    out = ["# dsc benchmark", ""] + [f"- {h}" for h in header] + [""]

    def pct(b: Bench, t: int) -> str | None:
        if pc is None or t not in b.dsc.ms:
            return None
        return f"{100.0 * b.gflop / (b.dsc.ms[t] * 1e-3 * pc * t):.1f}"

    def ms(res: Result):
        return lambda t: fmt_ms(res.ms.get(t))

    def x(v: float | None) -> str | None:
        return None if v is None else f"{v:.3g}×"

    def rss(res: Result) -> str:
        if res.rss_mb is None:
            return "n/a"
        if res.baseline_rss_mb:
            return f"{res.rss_mb:.0f} (+{res.rss_mb - res.baseline_rss_mb:.0f})"
        return f"{res.rss_mb:.0f}"

    head = ["model", "GFLOP", f"dsc FP32 ms {tl}", f"dsc BF16 ms {tl}", f"ORT FP32 ms {tl}",
            f"OV FP32 ms {tl}", f"OV default ms {tl}", f"dsc speed-up vs ORT {tl}",
            f"dsc BF16 speed-up vs OV default {tl}", f"dsc % FP32 peak {tl}", "dsc compile s",
            "dsc arena MB", "dsc RSS MB", "ORT RSS MB"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for b in benches:
        row = [b.title, f"{b.gflop:.2f}", per_t(threads, ms(b.dsc)),
               per_t(threads, ms(b.dsc_bf16)) if has_bf16 else "n/a",
               per_t(threads, ms(b.ort)),
               per_t(threads, ms(b.ov_f32)) if ov else "n/a",
               per_t(threads, ms(b.ov_def)) if ov else "n/a",
               per_t(threads, lambda t: x(ratio(b.ort, b.dsc, t))),
               per_t(threads, lambda t: x(ratio(b.ov_def, b.dsc_bf16, t)))
               if has_bf16 and ov else "n/a",
               per_t(threads, lambda t: pct(b, t)),
               "n/a" if b.compile_s is None else f"{b.compile_s:.1f}",
               "n/a" if b.arena_mb is None else f"{b.arena_mb:.1f}",
               "n/a" if b.dsc.rss_mb is None else f"{b.dsc.rss_mb:.0f}",
               rss(b.ort)]
        lines.append("| " + " | ".join(row) + " |")
    if benches:
        gm = ["**geomean**", "", "", "", "", "", "",
              per_t(threads, lambda t: x(geomean([ratio(b.ort, b.dsc, t) for b in benches]))),
              per_t(threads, lambda t: x(geomean([ratio(b.ov_def, b.dsc_bf16, t)
                                                   for b in benches])))
              if has_bf16 and ov else "n/a", "", "", "", "", ""]
        lines.append("| " + " | ".join(gm) + " |")
    out += lines

    if micros:
        out += ["", f"Micro set (one-node ONNX models; GFLOP/s and % of the FP32 peak × threads, "
                    f"{tl}):", ""]
        head = ["op", "GFLOP", f"dsc ms {tl}", f"dsc GFLOP/s {tl}", f"dsc % peak {tl}",
                f"oneDNN GFLOP/s {tl}", f"oneDNN % peak {tl}", f"ORT GFLOP/s {tl}",
                f"ORT % peak {tl}", f"dsc speed-up vs oneDNN {tl}"]
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]

        def gfs(b: Bench, res: Result):
            return lambda t: f"{b.gflop / (res.ms[t] * 1e-3):.1f}"

        def mpct(b: Bench, res: Result):
            return lambda t: (None if pc is None else
                              f"{100.0 * b.gflop / (res.ms[t] * 1e-3 * pc * t):.1f}")

        for b in micros:
            lines.append("| " + " | ".join([
                b.title, f"{b.gflop:.3f}", per_t(threads, ms(b.dsc)),
                per_t(threads, gfs(b, b.dsc)), per_t(threads, mpct(b, b.dsc)),
                per_t(threads, gfs(b, b.onednn)), per_t(threads, mpct(b, b.onednn)),
                per_t(threads, gfs(b, b.ort)), per_t(threads, mpct(b, b.ort)),
                per_t(threads, lambda t: x(ratio(b.onednn, b.dsc, t)))]) + " |")
        out += lines

    out += ["", "Notes:", ""]
    problems = [(b, p) for b in benches + micros for p in b.problems]
    if problems:
        out.append("- **Problems** (each dsc build is checked once against ONNX Runtime "
                   f"before timing; FP32 rtol {FP32_RTOL:g} atol {FP32_ATOL:g}, BF16 relative "
                   f"L2 ≤ {BF16_REL_L2:g}):")
        for b, p in problems:
            out.append(f"  - {b.title}: {p}")
    else:
        out.append(f"- Every dsc build agrees with ONNX Runtime (FP32: rtol {FP32_RTOL:g}, "
                   f"atol {FP32_ATOL:g}" + (f"; BF16: relative L2 ≤ {BF16_REL_L2:g}"
                                            if has_bf16 else "") + ").")
    errs = [f"{b.key} {b.dsc.extra['max_abs_err']:.2g}" for b in benches + micros
            if "max_abs_err" in b.dsc.extra]
    if errs:
        out.append("- max |dsc FP32 − ORT|: " + ", ".join(errs))
    if has_bf16:
        errs = [f"{b.key} {b.dsc_bf16.extra['rel_l2']:.2g}" for b in benches
                if "rel_l2" in b.dsc_bf16.extra]
        out.append("- dsc BF16 relative L2 error vs ORT FP32: " + (", ".join(errs) or "n/a"))
    if ov:
        precs = sorted({str(b.ov_def.extra.get("precision")) for b in benches
                        if "precision" in b.ov_def.extra})
        out.append(f"- OpenVINO default inference precision here: {', '.join(precs) or 'n/a'}"
                   " (bf16 on CPUs with AVX-512 BF16 or AMX; elsewhere f32, and the 'OV "
                   "default' column is a second FP32 measurement)")
        errs = [f"{b.key} {b.ov_f32.extra['rel_l2']:.2g}/{b.ov_def.extra.get('rel_l2', 0):.2g}"
                for b in benches if "rel_l2" in b.ov_f32.extra]
        if errs:
            out.append("- OpenVINO relative L2 error vs ORT (f32/default): " + ", ".join(errs))
    base = [b.ort.baseline_rss_mb for b in benches if b.ort.baseline_rss_mb]
    if base:
        out.append(f"- ORT RSS: peak of the timing process, (+Δ) above the same process before "
                   f"it built the session (Python + numpy + onnxruntime + inputs ≈ "
                   f"{min(base):.0f} MB). dsc RSS: peak of the generated runner (weights are "
                   f"in its image, arena allocated once).")
    impls = sorted({f"{b.key}: {b.onednn.extra['impl']}" for b in micros
                    if b.onednn.extra.get("impl")})
    if impls:
        out.append("- oneDNN implementations: " + ", ".join(impls) + " (blocked layouts of its "
                   "choice, data reordered before timing: the primitive alone)")
    for n in notes + peak.notes:
        out.append(f"- {n}")
    out.append(f"- Medians of {a.repeat} timed runs after {a.warmup} warm-up runs, the median "
               f"of {a.rounds} such rounds per cell (rounds take turns across engines); "
               f"load average {os.getloadavg()[0]:.2f} at the end; the bench took "
               f"{(time.perf_counter() - T0) / 60:.1f} min.")
    return "\n".join(out)


# ==========================================================================
# main
# ==========================================================================


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog="docs/benchmarks.md explains every column.")
    ap.add_argument("--dsc", type=Path, default=REPO / "build" / "bin" / "dsc")
    ap.add_argument("--quick", action="store_true",
                    help="CNNs at 64x64, encoder 2x128x64, 5 repeats: a few minutes")
    ap.add_argument("--models", help="comma-separated (default: " + ",".join(DEFAULT_MODELS)
                    + "; also densenet121, shufflenet_v2_x1_0; 'none' for the micro set only)")
    ap.add_argument("--threads", default="1,2", help="thread counts (default 1,2)")
    ap.add_argument("--repeat", type=int, help="timed runs per cell (default 30; --quick 5)")
    ap.add_argument("--warmup", type=int, help="untimed runs first (default 3; --quick 1)")
    ap.add_argument("--rounds", type=int,
                    help="rounds per cell, taking turns across a model's engines; the cell "
                         "is the median of the round medians (default 3; --quick 1)")
    ap.add_argument("--size", type=int, help="CNN input side (default 224; --quick 64)")
    ap.add_argument("--bert", help="encoder LAYERSxD_MODELxSEQ (default 4x256x128; "
                                   "--quick 2x128x64)")
    ap.add_argument("--micro", default="all",
                    help="micro set: all, none, or comma-separated from "
                         + ",".join(k for k, _, _ in MICRO))
    ap.add_argument("--no-openvino", action="store_true", help="skip OpenVINO")
    ap.add_argument("--no-install", action="store_true",
                    help="do not pip-install OpenVINO when it is missing")
    ap.add_argument("--timeout", type=float, default=3600, help="per command, s")
    ap.add_argument("--workdir", type=Path, help="keep models and builds here "
                                                 "(default: a temporary dir, removed)")
    ap.add_argument("--markdown", type=Path, help="also write the report to this file")
    # internal: the ONNX Runtime / OpenVINO timing processes
    ap.add_argument("--worker", choices=["ort", "ov-f32", "ov-default"], help=argparse.SUPPRESS)
    ap.add_argument("--model", help=argparse.SUPPRESS)
    ap.add_argument("--inputs-dir", help=argparse.SUPPRESS)
    ap.add_argument("--ref-dir", help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    a.repeat = a.repeat or (5 if a.quick else 30)
    a.warmup = a.warmup if a.warmup is not None else (1 if a.quick else 3)
    a.rounds = a.rounds or (1 if a.quick else 3)
    if a.worker:
        a.threads = int(a.threads)
        return worker_main(a)

    threads = sorted({int(t) for t in a.threads.split(",") if t.strip()})
    if not threads or min(threads) < 1:
        ap.error("--threads wants positive integers, e.g. 1,2")
    size = a.size or (64 if a.quick else 224)
    bert_spec = a.bert or ("2x128x64" if a.quick else "4x256x128")
    try:
        bert = tuple(int(v) for v in bert_spec.lower().split("x"))
        assert len(bert) == 3 and min(bert) > 0
    except (ValueError, AssertionError):
        ap.error(f"--bert wants LAYERSxD_MODELxSEQ, got {bert_spec!r}")
    known = model_keys()
    keys = list(DEFAULT_MODELS) if a.models is None else \
        [k.strip() for k in a.models.split(",") if k.strip() and k.strip() != "none"]
    for k in keys:
        if k not in known:
            ap.error(f"unknown model {k!r} (choose from {', '.join(known)})")
    micro_keys = [] if a.micro == "none" else \
        [k for k, _, _ in MICRO] if a.micro == "all" else \
        [k.strip() for k in a.micro.split(",") if k.strip()]
    for k in micro_keys:
        if k not in {m for m, _, _ in MICRO}:
            ap.error(f"unknown micro benchmark {k!r}")
    dsc = a.dsc.resolve()
    if not dsc.is_file():
        ap.error(f"dsc not found: {dsc} (build it, or pass --dsc PATH)")
    work = a.workdir.resolve() if a.workdir else Path(tempfile.mkdtemp(prefix="dsc-bench-"))
    work.mkdir(parents=True, exist_ok=True)

    # --- the machine, versions ---------------------------------------------
    cpu = cpu_info()
    load0 = os.getloadavg()
    notes: list[str] = []
    help_text = subprocess.run([dsc, "compile", "--help"], capture_output=True, text=True,
                               timeout=60)
    has_bf16 = "--precision" in help_text.stdout + help_text.stderr
    if not has_bf16:
        notes.append("dsc BF16: n/a (this dsc's `compile --help` lists no --precision)")
    dsc_ver = subprocess.run([dsc, "--version"], capture_output=True, text=True,
                             timeout=60).stdout.strip() or "?"
    ov = None if a.no_openvino else ensure_openvino(not a.no_install, notes)
    if a.no_openvino:
        notes.append("OpenVINO skipped (--no-openvino)")
    flags = cpu["flags"]
    topo = lscpu_topology()
    header = [
        f"CPU: {cpu['model']}; {os.cpu_count()} logical CPUs" + (f" ({topo})" if topo else ""),
        "flags: " + ", ".join(f"{f} {'yes' if f in flags else 'no'}" for f in FLAGS_SHOWN),
        f"load average at start: {load0[0]:.2f} {load0[1]:.2f} {load0[2]:.2f}; "
        f"date: {datetime.datetime.now().astimezone().isoformat(timespec='seconds')}",
        f"versions: {dsc_ver} ({dsc}); onnxruntime {pkg_version('onnxruntime') or 'n/a'}; "
        f"openvino {ov or 'n/a'}; oneDNN (libdnnl-dev) {dpkg_version('libdnnl-dev') or 'n/a'}; "
        f"numpy {pkg_version('numpy') or 'n/a'}; Python {platform.python_version()}",
    ]

    # --- peak ----------------------------------------------------------------
    build_rss_exec(work, notes)
    log("peak probe")
    peak = peak_probe(work, flags, threads, a.quick)
    if peak.fp32:
        header.append(f"peak (probe, {peak.isa}, 12 independent chains per thread): FP32 "
                      + ", ".join(f"{g:.1f} GFLOP/s at {t} thread{'s' if t > 1 else ''}"
                                  for t, g in sorted(peak.fp32.items()))
                      + "; BF16 " + (", ".join(f"{g:.1f} GFLOP/s at {t} thread"
                                               f"{'s' if t > 1 else ''}"
                                               for t, g in sorted(peak.bf16.items()))
                                     if peak.bf16 else "n/a (no avx512_bf16)")
                      + ". % of peak = model FLOPs / (time × 1-thread FP32 peak × threads).")
    cells = " / ".join(f"{t} thread" + ("s" if t > 1 else "") for t in threads)
    header.append(f"models: CNNs {size}×{size} batch 1, encoder {bert_spec} "
                  f"(LAYERSxD_MODELxSEQ); seeded weights from test/Execution/zoo.py; "
                  f"cells read {cells}")

    runner = Runner(a, work, threads, dsc, has_bf16, ov)
    benches: list[Bench] = []
    for key in keys:
        log(f"model {key}")
        try:
            title, model, inputs = build_model(key, size, bert)
            b = write_bench_model(work / "models", key if key != "bert" else "bert_encoder",
                                  title, model, inputs)
            del model
        except Exception as e:  # noqa: BLE001 - report, never fail the bench
            notes.append(f"{key}: could not build the model or its ONNX Runtime reference: "
                         f"{type(e).__name__}: {str(e)[:300]}")
            continue
        runner.measure(b)
        benches.append(b)

    micros: list[Bench] = []
    if micro_keys:
        runner.build_onednn(notes)
        for key, title, spec in MICRO:
            if key not in micro_keys:
                continue
            if a.quick and spec[0] == "matmul":
                # dsc's GEMM takes seconds at 1024³ today: 512³ for a quick look
                spec = ("matmul", 512, 512, 512)
                title = "GEMM 512³ (const B, --quick)"
            log(f"micro {key}")
            try:
                model, feeds = micro_model(key, spec)
                b = write_bench_model(work / "micro", key, title, model, feeds)
            except Exception as e:  # noqa: BLE001 - report, never fail the bench
                notes.append(f"{key}: could not build the model or its ONNX Runtime "
                             f"reference: {type(e).__name__}: {str(e)[:300]}")
                continue
            runner.measure(b, micro_spec=spec)
            micros.append(b)

    if a.workdir:
        notes.append(f"models and builds kept in {work}")
    text = render(a, benches, micros, peak, header, notes, threads, has_bf16, ov)
    print(text)
    if a.markdown:
        a.markdown.write_text(text + "\n")
    if not a.workdir:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
