#!/usr/bin/env python3
"""What dsc's graph phase (BN folding, kernel formation, pattern fusion) buys:
each model compiled with and without `--no-fusion`, run at 1 and 2 threads,
one Markdown table.

    .venv/bin/python bench/fusion.py [--dsc build/bin/dsc]
        [--models resnet50,mobilenetv2,bert] [--size 224] [--bert 4x256x128]
        [--quick] [--threads 1,2] [--repeat N] [--warmup W] [--budget-s S]
        [--workdir DIR] [--markdown FILE]

Models come from test/Execution/zoo.py with their fixed seeds: ResNet-50 and
MobileNetV2 at --size x --size (default 224), the BERT-style encoder
LAYERSxD_MODELxSEQ (--bert, default 4x256x128; d_model / 64 heads, FFN 4 x
d_model); also available: `bert-decomposed` (the same encoder with LayerNorm
and Softmax written out in primitive ops) and `gpt` (the pre-LN decoder,
2 layers, d_model 256, seq 64, decomposed LayerNorm, causal mask, tanh GELU;
--quick: 1 layer, d_model 128, seq 32).
`--quick` shrinks everything (CNNs at 64x64, encoder 2x128x64, shorter
timing) for a look in about a minute.

Per model, two builds: fusion on (the default) and off (`--no-fusion`).
Columns (each "on / off"):

- kernels: `optimized.kernels` of `--report-json` (ops outside dsc.kernel
  regions count one each, reshapes are free);
- intermediate MB: `optimized.intermediate_bytes`, the bytes of every
  tensor the graph computes that is not a graph output (each kernel writes
  only its result);
- arena MB: `arena_bytes`, the planned scratch memory;
- compile s: wall time of `dsc compile` (builds run one at a time);
- ms @ T thr: the runner's median latency (`--repeat N --warmup W
  --threads T`); speed-up = off / on.

Each build first runs once untimed and its outputs are compared with ONNX
Runtime (|dsc - ort| <= atol + rtol |ort|, rtol 1e-3, atol 1e-4): a build
that disagrees is reported under the table. The repeat count is chosen per
build from that first run so that the timed runs of one configuration take
about --budget-s seconds (at least 3, at most 50), unless --repeat is given.
Timed runs are sequential. Times on a shared or loaded machine are noisy: the
load average is printed with the table.

Run time: ResNet-50 at 224x224 takes several seconds per inference with
today's scalar code generation (about 4-5 s on a 2-vCPU x86-64 machine), so it
runs only the minimum 3 timed repeats; the whole default bench (3 models,
full size) takes about 4-6 minutes there, --quick about 1 minute. Not part of
`make check`.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import onnx

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "test" / "Execution"))
import zoo  # noqa: E402

T0 = time.perf_counter()
LATENCY_RE = re.compile(r"^latency: median (\d+(?:\.\d+)?) ms", re.M)
MODEL_KEYS = ("resnet50", "mobilenetv2", "bert", "bert-decomposed", "gpt")


def log(msg: str) -> None:
    print(f"[{time.perf_counter() - T0:6.1f}s] {msg}", file=sys.stderr, flush=True)


def run(cmd: list, timeout: float | None = None) -> subprocess.CompletedProcess:
    p = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, timeout=timeout)
    if p.returncode != 0:
        raise RuntimeError(f"command failed ({p.returncode}): {' '.join(map(str, cmd))}\n"
                           f"{(p.stdout + p.stderr)[-2000:]}")
    return p


@dataclass
class Model:
    key: str
    stem: str
    title: str
    proto: onnx.ModelProto
    inputs: dict[str, np.ndarray]


def make_model(key: str, size: int, bert: tuple[int, int, int], quick: bool) -> Model:
    layers, d, seq = bert
    if key == "resnet50":
        return Model(key, "resnet50", f"ResNet-50 {size}²", zoo.resnet50(1, size),
                     zoo.image_inputs(1, size))
    if key == "mobilenetv2":
        return Model(key, "mobilenetv2", f"MobileNetV2 {size}²", zoo.mobilenetv2(1, size),
                     zoo.image_inputs(1, size))
    if key in ("bert", "bert-decomposed"):
        build = zoo.bert_encoder_decomposed if key == "bert-decomposed" else zoo.bert_encoder
        suffix = " (decomposed)" if key == "bert-decomposed" else ""
        return Model(key, key.replace("-", "_"), f"BERT enc {layers}×d{d}×s{seq}{suffix}",
                     build(layers, d, max(1, d // 64), 4 * d, seq, 1), zoo.bert_inputs(d, seq, 1))
    if key == "gpt":
        gl, gd, gs = (1, 128, 32) if quick else (2, 256, 64)
        return Model(key, "gpt_decoder", f"GPT dec {gl}×d{gd}×s{gs}",
                     zoo.gpt_decoder(gl, gd, max(1, gd // 64), gs), zoo.gpt_inputs(gd, gs))
    raise ValueError(key)


@dataclass
class Build:
    fusion: bool
    outdir: Path
    report: dict = field(default_factory=dict)
    compile_s: float = 0.0
    first_run_ms: float = 0.0
    max_err: float = 0.0
    ok: bool = True
    ms: dict[int, float] = field(default_factory=dict)   # threads -> median
    repeats: dict[int, int] = field(default_factory=dict)
    error: str | None = None


def ort_reference(m: Model) -> dict[str, np.ndarray]:
    import onnxruntime as ort

    so = ort.SessionOptions()
    so.log_severity_level = 3
    sess = ort.InferenceSession(m.proto.SerializeToString(), sess_options=so,
                                providers=["CPUExecutionProvider"])
    names = [o.name for o in sess.get_outputs()]
    return dict(zip(names, sess.run(names, m.inputs)))


def runner_cmd(m: Model, b: Build, inputs: dict[str, Path], out: Path, threads: int,
               repeat: int | None = None, warmup: int | None = None) -> list:
    cmd = [b.outdir / m.stem]
    for name, path in inputs.items():
        cmd += ["--input", f"{name}={path}"]
    cmd += ["--output-dir", out, "--threads", threads]
    if repeat is not None:
        cmd += ["--repeat", repeat, "--warmup", warmup or 0]
    return cmd


def compare(out: Path, ref: dict[str, np.ndarray], rtol: float,
            atol: float) -> tuple[float, str | None]:
    """Max |dsc - ort| over the outputs, and what is wrong (None: all close)."""
    max_err = 0.0
    for name, want in ref.items():
        got = np.load(out / (re.sub(r"[^A-Za-z0-9_.-]", "_", name) + ".npy"))
        if got.shape != want.shape:
            return max_err, f"output {name!r} has shape {got.shape}, ONNX Runtime {want.shape}"
        err = np.abs(got.astype(np.float64) - want)
        max_err = max(max_err, float(err.max()) if err.size else 0.0)
        if not (err <= atol + rtol * np.abs(want)).all():
            return max_err, (f"output {name!r} differs from ONNX Runtime "
                             f"(max abs {max_err:.3g})")
    return max_err, None


def mb(n: float) -> str:
    return f"{n / 1e6:.1f}"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog="See the module docstring for what each column means.")
    ap.add_argument("--dsc", type=Path, default=REPO / "build" / "bin" / "dsc")
    ap.add_argument("--models", default="resnet50,mobilenetv2,bert",
                    help=f"comma-separated, from {', '.join(MODEL_KEYS)}")
    ap.add_argument("--size", type=int, help="CNN input side (default 224; --quick: 64)")
    ap.add_argument("--bert", help="encoder LAYERSxD_MODELxSEQ (default 4x256x128; "
                                   "--quick: 2x128x64)")
    ap.add_argument("--quick", action="store_true",
                    help="small models and a short timing budget (about a minute)")
    ap.add_argument("--threads", default="1,2", help="thread counts to time (default 1,2)")
    ap.add_argument("--repeat", type=int, help="timed runs per configuration "
                                               "(default: from --budget-s, 3 to 50)")
    ap.add_argument("--warmup", type=int, default=1, help="untimed runs first (default 1)")
    ap.add_argument("--budget-s", type=float, help="target seconds of timed runs per "
                                                   "configuration (default 8; --quick: 2)")
    ap.add_argument("--rtol", type=float, default=1e-3)
    ap.add_argument("--atol", type=float, default=1e-4)
    ap.add_argument("--timeout", type=float, default=1200, help="per command, s")
    ap.add_argument("--workdir", type=Path, help="keep artefacts here (default: a temp dir)")
    ap.add_argument("--markdown", type=Path, help="also write the table here")
    a = ap.parse_args(argv)

    size = a.size or (64 if a.quick else 224)
    bert_spec = a.bert or ("2x128x64" if a.quick else "4x256x128")
    try:
        bert = tuple(int(v) for v in bert_spec.lower().split("x"))
        assert len(bert) == 3 and min(bert) > 0
    except (ValueError, AssertionError):
        ap.error(f"--bert wants LAYERSxD_MODELxSEQ, got {bert_spec!r}")
    budget = a.budget_s if a.budget_s is not None else (2.0 if a.quick else 8.0)
    threads = [int(t) for t in a.threads.split(",") if t.strip()]
    keys = [k.strip() for k in a.models.split(",") if k.strip()]
    for k in keys:
        if k not in MODEL_KEYS:
            ap.error(f"unknown model {k!r} (choose from {', '.join(MODEL_KEYS)})")
    dsc = a.dsc.resolve()
    if not dsc.is_file():
        ap.error(f"dsc not found: {dsc}")
    work = a.workdir or Path(tempfile.mkdtemp(prefix="dsc-bench-fusion-"))
    work.mkdir(parents=True, exist_ok=True)
    load0 = os.getloadavg()

    results: list[tuple[Model, Build, Build]] = []
    for key in keys:
        log(f"building {key}")
        m = make_model(key, size, bert, a.quick)
        d = work / m.stem
        d.mkdir(parents=True, exist_ok=True)
        model_path = d / f"{m.stem}.onnx"
        onnx.save(m.proto, model_path)
        inputs = {}
        for name, arr in m.inputs.items():
            inputs[name] = d / f"input_{name}.npy"
            np.save(inputs[name], arr)
        ref = ort_reference(m)
        builds = []
        for fusion in (True, False):
            b = Build(fusion, d / ("on" if fusion else "off"))
            report = d / f"report_{'on' if fusion else 'off'}.json"
            cmd = [dsc, "compile", model_path, "-o", b.outdir, f"--report-json={report}"]
            if not fusion:
                cmd.append("--no-fusion")
            log(f"compiling {m.stem} fusion {'on' if fusion else 'off'}")
            t = time.perf_counter()
            try:
                run(cmd, timeout=a.timeout)
            except (RuntimeError, subprocess.TimeoutExpired) as e:
                b.ok, b.error = False, f"compile failed: {e}"
                builds.append(b)
                continue
            b.compile_s = time.perf_counter() - t
            b.report = json.loads(report.read_text())
            # untimed first run: correctness, and the time that sets the repeat count
            out = d / f"out_{'on' if fusion else 'off'}"
            try:
                p = run(runner_cmd(m, b, inputs, out, 1, repeat=1, warmup=0), timeout=a.timeout)
                b.first_run_ms = float(LATENCY_RE.search(p.stdout).group(1))
                b.max_err, b.error = compare(out, ref, a.rtol, a.atol)
                b.ok = b.error is None
            except (RuntimeError, subprocess.TimeoutExpired, AttributeError, OSError) as e:
                b.ok, b.error = False, f"run failed: {e}"
            builds.append(b)
        on, off = builds
        for b in builds:
            if b.error and b.error.startswith(("compile", "run")):
                continue
            for t in threads:
                n = a.repeat or max(3, min(50, int(budget * 1000 / max(b.first_run_ms, 1e-3))))
                log(f"timing {m.stem} fusion {'on' if b.fusion else 'off'}, {t} thread(s), "
                    f"{a.warmup} + {n} runs (one run ~{b.first_run_ms:.0f} ms)")
                try:
                    p = run(runner_cmd(m, b, inputs, d / "timed", t, repeat=n, warmup=a.warmup),
                            timeout=a.timeout)
                    b.ms[t] = float(LATENCY_RE.search(p.stdout).group(1))
                    b.repeats[t] = n
                except (RuntimeError, subprocess.TimeoutExpired, AttributeError) as e:
                    b.error = (b.error or "") + f" timing at {t} threads failed: {e}"
        results.append((m, on, off))

    text = render(results, threads, load0, a, size, bert_spec, work)
    print(text)
    if a.markdown:
        a.markdown.write_text(text + "\n")
    if not a.workdir:
        import shutil

        shutil.rmtree(work, ignore_errors=True)
    return 0 if all(on.ok and off.ok for _, on, off in results) else 1


def render(results, threads, load0, a, size, bert_spec, work) -> str:
    def pair(on, off, fmt):
        def one(b):
            try:
                return fmt(b)
            except (KeyError, TypeError, ValueError):
                return "–"
        return f"{one(on)} / {one(off)}"

    head = ["model", "kernels on / off", "intermediate MB on / off", "arena MB on / off",
            "compile s on / off"]
    for t in threads:
        head.append(f"ms @ {t} thr on / off")
    head += [f"speed-up @ {t} thr" for t in threads]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for m, on, off in results:
        row = [m.title,
               pair(on, off, lambda b: str(b.report["optimized"]["kernels"])),
               pair(on, off, lambda b: mb(b.report["optimized"]["intermediate_bytes"])),
               pair(on, off, lambda b: mb(b.report["arena_bytes"])),
               pair(on, off, lambda b: f"{b.compile_s:.1f}")]
        for t in threads:
            row.append(pair(on, off, lambda b: f"{b.ms[t]:.2f}"))
        for t in threads:
            if t in on.ms and t in off.ms and on.ms[t] > 0:
                row.append(f"{off.ms[t] / on.ms[t]:.2f}×")
            else:
                row.append("–")
        lines.append("| " + " | ".join(row) + " |")

    notes = ["", f"dsc {a.dsc}; CNNs at {size}x{size}, encoder {bert_spec}; "
                 f"median of --repeat N runs after --warmup {a.warmup}; "
                 f"{os.cpu_count()} CPUs, load average {load0[0]:.2f} at start, "
                 f"{os.getloadavg()[0]:.2f} at the end."]
    for m, on, off in results:
        reps = ", ".join(f"{t} thr x{on.repeats.get(t, '–')}/{off.repeats.get(t, '–')}"
                         for t in threads)
        fus = on.report.get("optimized", {}).get("fusions", {}) if on.report else {}
        top = ", ".join(f"{k} ×{v}" for k, v in sorted(fus.items(), key=lambda kv: -kv[1]))
        pat = {k: v for k, v in (on.report.get("optimized", {}).get("ops", {}) if on.report
                                 else {}).items()
               if k in ("gelu", "layer_norm", "softmax", "attention", "batch_norm")}
        notes.append(f"- {m.title}: one run ~{on.first_run_ms:.0f} / {off.first_run_ms:.0f} ms "
                     f"(on / off); repeats {reps}; max |dsc - ort| "
                     f"{on.max_err:.2g} / {off.max_err:.2g}; fusions: {top or 'none'}"
                     + (f"; named ops: {pat}" if pat else ""))
        for b in (on, off):
            if b.error:
                notes.append(f"  - FAIL (fusion {'on' if b.fusion else 'off'}): {b.error}")
    if any(m.key == "resnet50" for m, _, _ in results):
        notes.append("- ResNet-50 takes several seconds per inference with today's scalar code "
                     "generation, so it gets the minimum number of timed runs.")
    if a.workdir:
        notes.append(f"- artefacts kept in {work}")
    return "\n".join(lines + notes)


if __name__ == "__main__":
    sys.exit(main())
