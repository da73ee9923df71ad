#!/usr/bin/env python3
"""What dsc's AArch64 artefacts weigh, how much NEON they use, and how they run
under qemu-user -- one Markdown table.

    .venv/bin/python bench/arm_report.py --dsc build/bin/dsc \
        [--models resnet18,mobilenetv2,bert] [--size 224] [--bert 4x256x128] \
        [--repeat 3] [--cpu cortex-a76] [--jobs 2] [--markdown FILE]

For each model (ResNet-18 and MobileNetV2 at --size, the BERT-style encoder
LAYERSxD_MODELxSEQ, all from test/Execution/zoo.py with their fixed seeds) the
script compiles four builds with `dsc compile`: aarch64 for the default CPU
(generic AArch64 + NEON), aarch64 `--cpu=CPU`, aarch64 `--no-vectorize`, and
the x86-64 host build for reference. Every build's runner is run on the seeded
inputs and its outputs are compared with ONNX Runtime (max abs error; a build
passes with |dsc - ort| <= atol + rtol * |ort| everywhere). A model any of whose
builds fails the check, or fails to compile or run, gets no column in the table;
the failure is printed below it instead.

What each row measures (default-CPU aarch64 build unless the row says otherwise):

- model code: the sum of the `.text*` sections of the member `<m>_model.o`
  extracted from `lib<m>.a` (`llvm-ar p`, `llvm-size -A`).
- weights / arena: `<M>_WEIGHTS_BYTES` / `<M>_ARENA_BYTES` from `<m>.h`.
- runner, stripped: `llvm-strip` of a copy of the static runner `out/<m>`.
- runtime in the stripped runner: the runner is linked a second time exactly
  as dsc links it (`clang --target=aarch64-unknown-linux-gnu -std=c99 -O2
  -fuse-ld=lld -static runner.c lib<m>.a -lm -lpthread`, same runner.c) plus
  `-Wl,-Map=`, and the script checks that the stripped relink has the size of
  the stripped `out/<m>`. lld's link map lists every input section placed in
  the output with its size and the object it came from, so the bytes of the
  stripped file are attributed exactly: the runtime's archive members
  (runtime.o, threadpool.o, npy.o, runner.o: the names `llvm-ar t` lists in
  lib/dsc/aarch64/libdsc_rt.a), the model object, the glue object plus the
  runner's 5-line main, and everything else (libc.a, libm.a, libpthread.a,
  crt*.o, libgcc). Only sections that occupy file bytes count (not .bss/.tbss,
  not the symbol tables strip removes). lld merges string/constant literals of
  all inputs into synthetic `<internal>` sections; the runtime is charged the
  full size of its own mergeable inputs (an upper bound: merging can only
  shrink them) and the rest of `<internal>` (merged literals of libc, .got,
  .rela, .eh_frame_hdr, build id) plus ELF headers and alignment padding is
  "static-link overhead". So: stripped runner = model code + weights + glue/main
  + runtime + libc (the objects libc.a etc. contribute) + static-link overhead,
  and the issue's budget (runtime <= 100 KB) is checked against the runtime row
  alone; libc and the static-link overhead are reported in their own rows.
- NEON share: `llvm-objdump -d` of `<m>_model.o`; an instruction is a vector
  instruction if an operand is a SIMD vector register (`v0.4s`, `v1.s[2]`,
  `v2.16b`, `q3`) or an SVE register (`z0.s`, with `--cpu=neoverse-v1` LLVM
  uses SVE; those are counted and shown separately). Share = vector / all
  instructions. "FP arithmetic vectorized" = the same share among floating
  point arithmetic only (fadd, fmul, fmla, fmax, fdiv, ...; scalar FP uses
  s/d registers), which is not diluted by address arithmetic and copies.
- qemu median: the runner under `qemu-aarch64 -L /usr/aarch64-linux-gnu`
  with `--repeat N --warmup 0 --threads 1`, the median from its `latency:`
  line (qemu translates code on first execution; with N >= 3 the median does
  not include that run). Process wall: the whole runner process (start, .npy
  in, N runs, .npy out) timed from here. The `--cpu` build runs once (its
  correctness check), so its time is a single sample. Emulated time is only a
  rough proxy for real hardware: qemu's TCG turns each NEON instruction into
  several host instructions or helper calls, so vector/scalar ratios under
  qemu can even invert on a real core.
- x86-64 host: the host build (this machine's CPU), `--threads 1 --warmup 1
  --repeat --host-repeat`, median.

Run time: ResNet-18 at 224x224 takes ~40-45 s per inference under qemu, so
the defaults (--repeat 3, --warmup 0 under qemu, one run of the --cpu build)
keep a full run near 10 minutes on a 2-vCPU x86-64 machine: measured 11.7 min
on a shared one (load ~3.7: 4.4 min compiling the 12 builds two at a time,
7.3 min running), about 9 min when it is otherwise idle. Compiles run --jobs at
a time; timed runs are sequential so they do not disturb each other. For a
quick look use e.g. --size 112 (about 4x less qemu time) or --models.
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import os
import re
import shutil
import statistics
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

ARM_TRIPLE = "aarch64-unknown-linux-gnu"
T0 = time.perf_counter()


def log(msg: str) -> None:
    print(f"[{time.perf_counter() - T0:6.1f}s] {msg}", file=sys.stderr, flush=True)


def run(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    p = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, **kw)
    if p.returncode != 0:
        raise RuntimeError(f"command failed ({p.returncode}): {' '.join(map(str, cmd))}\n"
                           f"{(p.stdout + p.stderr)[-2000:]}")
    return p


# ---------------------------------------------------------------------------
# models
# ---------------------------------------------------------------------------


@dataclass
class Model:
    key: str       # resnet18 | mobilenetv2 | bert
    stem: str      # file stem = C identifier dsc uses
    title: str
    proto: onnx.ModelProto
    inputs: dict[str, np.ndarray]
    outputs: list[str] = field(default_factory=list)


def make_models(keys: list[str], size: int, bert: tuple[int, int, int]) -> list[Model]:
    models = []
    for key in keys:
        if key == "resnet18":
            models.append(Model(key, "resnet18", f"ResNet-18 {size}²",
                                zoo.resnet18(1, size), zoo.image_inputs(1, size)))
        elif key == "mobilenetv2":
            models.append(Model(key, "mobilenetv2", f"MobileNetV2 {size}²",
                                zoo.mobilenetv2(1, size), zoo.image_inputs(1, size)))
        elif key == "bert":
            layers, d, seq = bert
            heads = max(1, d // 64)
            models.append(Model(key, "bert_encoder", f"encoder {layers}×d{d}×s{seq}",
                                zoo.bert_encoder(layers, d, heads, 4 * d, seq, 1),
                                zoo.bert_inputs(d, seq, 1)))
        else:
            raise SystemExit(f"unknown model '{key}' (resnet18, mobilenetv2, bert)")
    for m in models:
        m.outputs = [o.name for o in m.proto.graph.output]
    return models


def ort_reference(m: Model) -> dict[str, np.ndarray]:
    import onnxruntime as ort

    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    sess = ort.InferenceSession(m.proto.SerializeToString(), so,
                                providers=["CPUExecutionProvider"])
    return dict(zip(m.outputs, sess.run(None, m.inputs)))


# ---------------------------------------------------------------------------
# builds
# ---------------------------------------------------------------------------


@dataclass
class Build:
    model: Model
    name: str          # arm | arm-cpu | arm-novec | host
    flags: list[str]
    out: Path
    arm: bool
    compile_s: float = 0.0
    error: str = ""


def compile_build(dsc: Path, onnx_path: Path, b: Build) -> Build:
    t = time.perf_counter()
    try:
        run([dsc, "compile", onnx_path, "-o", b.out, *b.flags])
    except RuntimeError as e:
        b.error = str(e)
    b.compile_s = time.perf_counter() - t
    log(f"compiled {b.model.stem} [{b.name}] in {b.compile_s:.1f}s"
        + (" FAILED" if b.error else ""))
    return b


# ---------------------------------------------------------------------------
# sizes
# ---------------------------------------------------------------------------


def header_macro(header: Path, upper: str, what: str) -> int:
    m = re.search(rf"#define {upper}_{what} (\d+)", header.read_text())
    if not m:
        raise RuntimeError(f"{header}: no {upper}_{what}")
    return int(m.group(1))


def archive_member(llvm: Path, archive: Path, basename: str, dest: Path) -> Path:
    """Extracts the member whose base name is `basename` (dsc may store
    members under a longer path) to dest."""
    names = run([llvm / "llvm-ar", "t", archive]).stdout.splitlines()
    hits = [n for n in names if os.path.basename(n) == basename]
    if len(hits) != 1:
        raise RuntimeError(f"{archive}: expected one member {basename}, got {hits}")
    data = subprocess.run([str(llvm / "llvm-ar"), "p", str(archive), hits[0]],
                          capture_output=True, check=True).stdout
    dest.write_bytes(data)
    return dest


def section_sizes(llvm: Path, obj: Path) -> dict[str, int]:
    """{section: size} of an object (sysv llvm-size; first object only)."""
    out = run([llvm / "llvm-size", "-A", obj]).stdout
    sizes: dict[str, int] = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1].isdigit() and parts[0].startswith("."):
            sizes[parts[0]] = sizes.get(parts[0], 0) + int(parts[1])
    return sizes


def member_section_sizes(llvm: Path, archive: Path) -> dict[str, dict[str, int]]:
    """{member: {section: size}} of every member of an archive."""
    out = run([llvm / "llvm-size", "-A", archive]).stdout
    res: dict[str, dict[str, int]] = {}
    cur = None
    for line in out.splitlines():
        m = re.match(r"^(\S+)\s+\(ex .*\):$", line)
        if m:
            cur = res.setdefault(os.path.basename(m.group(1)), {})
            continue
        parts = line.split()
        if cur is not None and len(parts) == 3 and parts[1].isdigit():
            cur[parts[0]] = cur.get(parts[0], 0) + int(parts[1])
    return res


MAP_LINE = re.compile(r"^\s*([0-9a-f]+)\s+([0-9a-f]+)\s+([0-9a-f]+)\s+(\d+) (\s*)(\S.*)$")


def file_sections(llvm: Path, elf: Path) -> set[str]:
    """Names of the sections that occupy bytes in the (stripped) file:
    allocated and not NOBITS."""
    out = run([llvm / "llvm-readelf", "-S", "-W", elf]).stdout
    names = set()
    for line in out.splitlines():
        m = re.match(r"^\s*\[\s*\d+\]\s+(\S+)\s+(\S+)\s+[0-9a-f]+\s+[0-9a-f]+\s+[0-9a-f]+"
                     r"\s+[0-9a-f]+\s+(\S*)", line)
        if m and m.group(2) != "NOBITS" and "A" in m.group(3):
            names.add(m.group(1))
    return names


@dataclass
class RunnerSizes:
    stripped: int
    relink_stripped: int
    parts: dict[str, int]   # runtime, runtime_code, model, glue, libc, overhead


def runner_breakdown(b: Build, llvm: Path, cc: str, rt_include: Path, rt_lib: Path,
                     work: Path) -> RunnerSizes:
    m = b.model.stem
    runner = b.out / m
    stripped = work / f"{m}.stripped"
    run([llvm / "llvm-strip", "-o", stripped, runner])
    # The same link as lib/Artifact/Artifact.cpp, with a map.
    src = work / f"{m}_runner.c"
    src.write_text("/* Generated by dsc: the command-line runner. */\n"
                   "#include \"dsc_runtime.h\"\n\n"
                   f"const struct dsc_model_desc *{m}_model_desc(void);\n\n"
                   "int main(int argc, char **argv) {\n  return dsc_runner_main("
                   f"{m}_model_desc(), argc, argv);\n}}\n")
    relinked, mapfile = work / f"{m}.relinked", work / f"{m}.map"
    run([cc, f"--target={ARM_TRIPLE}", "-std=c99", "-O2", "-fuse-ld=lld", "-static",
         f"-I{rt_include}", src, b.out / f"lib{m}.a", "-o", relinked, "-lm", "-lpthread",
         f"-Wl,-Map={mapfile}"])
    relinked_stripped = work / f"{m}.relinked.stripped"
    run([llvm / "llvm-strip", "-o", relinked_stripped, relinked])
    in_file = file_sections(llvm, relinked_stripped)

    rt_members = set(member_section_sizes(llvm, rt_lib))
    rt_sections = member_section_sizes(llvm, rt_lib)
    parts = dict(runtime=0, runtime_code=0, model=0, glue=0, libc=0, internal=0)
    linked_rt: set[str] = set()
    out_sec = None
    for line in mapfile.read_text().splitlines():
        mm = MAP_LINE.match(line)
        if not mm:
            continue
        vma, size, indent, text = int(mm.group(1), 16), int(mm.group(3), 16), \
            len(mm.group(5)), mm.group(6)
        if indent == 0:
            out_sec = text if (vma != 0 and text in in_file) else None
            continue
        if indent != 8 or out_sec is None:
            continue  # symbols, or sections not in the stripped file
        if text.startswith("<internal>"):
            parts["internal"] += size
            continue
        obj, _, isec = text.rpartition(":(")
        member = None
        am = re.match(r"^(.*?\.a)\((.*)\)$", obj)
        if am:
            member = os.path.basename(am.group(2))
        base = member or os.path.basename(obj)
        if member and member in rt_members and am.group(1).endswith(f"lib{m}.a"):
            parts["runtime"] += size
            linked_rt.add(member)
            if isec.startswith(".text"):
                parts["runtime_code"] += size
        elif base == f"{m}_model.o":
            parts["model"] += size
        elif base == f"{m}_glue.o" or (not am and "runner" in base
                                       and not obj.startswith("/usr/")):
            parts["glue"] += size
        else:
            parts["libc"] += size
    # The runtime's literals that lld merged into <internal> sections.
    merged = sum(sz for mem in linked_rt for sec, sz in rt_sections[mem].items()
                 if re.match(r"^\.rodata\.(str|cst)", sec))
    parts["runtime"] += merged
    parts["internal"] -= merged
    total = stripped.stat().st_size
    parts["overhead"] = total - sum(parts[k] for k in ("runtime", "model", "glue", "libc"))
    return RunnerSizes(total, relinked_stripped.stat().st_size, parts)


# ---------------------------------------------------------------------------
# NEON share
# ---------------------------------------------------------------------------

INSN = re.compile(r"^\s*[0-9a-f]+:\s+([a-z][\w.]*)(?:\s+(.*))?$")
NEON_OPERAND = re.compile(r"\bv\d{1,2}\.\d*[bhsdq]\b|\bq\d{1,2}\b")
SVE_OPERAND = re.compile(r"\bz\d{1,2}(\.[bhsdq])?\b")
FP_ARITH = re.compile(r"^f(add|sub|mul|mla|mls|div|sqrt|max|min|madd|msub|nmadd|nmsub|neg|"
                      r"abs|cm|cvt|mulx|addp|maxnm|minnm|recp|rsqrt|round|rint|fr)")


@dataclass
class Neon:
    total: int
    neon: int
    sve: int
    fp: int
    fp_vec: int


def neon_share(llvm: Path, obj: Path) -> Neon:
    out = run([llvm / "llvm-objdump", "-d", "--no-show-raw-insn", obj]).stdout
    n = Neon(0, 0, 0, 0, 0)
    for line in out.splitlines():
        m = INSN.match(line)
        if not m:
            continue
        ops = re.sub(r"<[^>]*>", "", m.group(2) or "")
        n.total += 1
        neon, sve = bool(NEON_OPERAND.search(ops)), bool(SVE_OPERAND.search(ops))
        n.neon += neon
        n.sve += sve and not neon
        if FP_ARITH.match(m.group(1)) or m.group(1) in ("fmla", "fmls"):
            n.fp += 1
            n.fp_vec += neon or sve
    return n


# ---------------------------------------------------------------------------
# running
# ---------------------------------------------------------------------------


@dataclass
class Timing:
    median_ms: float
    wall_s: float
    runs: int
    max_err: float
    ok: bool


def run_build(b: Build, qemu: list[str], repeat: int, warmup: int, ref: dict,
              rtol: float, atol: float, work: Path, timeout: float) -> Timing:
    m = b.model
    in_dir = work / "inputs" / m.stem
    res = work / "results" / f"{m.stem}-{b.name}"
    if res.exists():
        shutil.rmtree(res)
    cmd = [*qemu, b.out / m.stem]
    for name in m.inputs:
        cmd += ["--input", f"{name}={in_dir / (name + '.npy')}"]
    cmd += ["--output-dir", res, "--repeat", str(repeat), "--warmup", str(warmup),
            "--threads", "1"]
    t = time.perf_counter()
    p = run(cmd, timeout=timeout)
    wall = time.perf_counter() - t
    lat = re.search(r"latency: median ([\d.]+) ms", p.stdout + p.stderr)
    if not lat:
        raise RuntimeError(f"no latency line from {b.out / m.stem}:\n{p.stdout}{p.stderr}")
    err, ok = 0.0, True
    for name in m.outputs:
        got = np.load(res / f"{re.sub(r'[^A-Za-z0-9_.-]', '_', name)}.npy")
        want = ref[name]
        if got.shape != want.shape:
            return Timing(float(lat.group(1)), wall, repeat, float("inf"), False)
        diff = np.abs(got.astype(np.float64) - want)
        err = max(err, float(diff.max()) if diff.size else 0.0)
        ok = ok and bool(np.all(diff <= atol + rtol * np.abs(want))) \
            and bool(np.isfinite(got).all())
    log(f"ran {m.stem} [{b.name}]: median {float(lat.group(1)):.1f} ms, wall {wall:.1f}s, "
        f"max abs err {err:.2e}{'' if ok else ' WRONG'}")
    return Timing(float(lat.group(1)), wall, repeat, err, ok)


# ---------------------------------------------------------------------------
# report
# ---------------------------------------------------------------------------


def kb(n: int) -> str:
    return f"{n / 1024:,.1f} KB" if n < 2**20 else f"{n / 2**20:,.1f} MB"


def pct(a: int, b: int) -> str:
    return f"{100.0 * a / b:.1f} %" if b else "–"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dsc", type=Path, default=REPO / "build" / "bin" / "dsc")
    ap.add_argument("--models", default="resnet18,mobilenetv2,bert")
    ap.add_argument("--size", type=int, default=224, help="CNN input side (default 224)")
    ap.add_argument("--bert", default="4x256x128",
                    help="encoder LAYERSxD_MODELxSEQ (heads d/64, ffn 4d); default 4x256x128")
    ap.add_argument("--repeat", type=int, default=3,
                    help="timed runs per aarch64 build under qemu (default 3)")
    ap.add_argument("--host-repeat", type=int, default=5,
                    help="timed runs of the x86-64 host build (default 5)")
    ap.add_argument("--cpu", default="cortex-a76",
                    help="the second aarch64 build's --cpu (default cortex-a76; '' skips it)")
    ap.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1),
                    help="parallel compiles (timed runs are always sequential)")
    ap.add_argument("--rtol", type=float, default=1e-3)
    ap.add_argument("--atol", type=float, default=1e-4)
    ap.add_argument("--qemu", default="qemu-aarch64")
    ap.add_argument("--sysroot", default="/usr/aarch64-linux-gnu")
    ap.add_argument("--llvm-bin", type=Path, default=Path("/usr/lib/llvm-22/bin"))
    ap.add_argument("--cc", default=os.environ.get("DSC_CC", "/usr/lib/llvm-22/bin/clang"),
                    help="clang driver for the map relink (dsc's DSC_CC)")
    ap.add_argument("--timeout", type=float, default=1800, help="per runner process, s")
    ap.add_argument("--workdir", type=Path, help="keep artefacts here (default: a temp dir)")
    ap.add_argument("--markdown", type=Path, help="also write the report here")
    a = ap.parse_args(argv)

    dsc = a.dsc.resolve()
    llvm = a.llvm_bin
    rt_root = Path(os.environ.get("DSC_RUNTIME_DIR", dsc.parent.parent / "lib" / "dsc"))
    rt_include, rt_lib = rt_root / "include", rt_root / "aarch64" / "libdsc_rt.a"
    for p in (dsc, rt_lib, llvm / "llvm-objdump"):
        if not p.exists():
            raise SystemExit(f"not found: {p}")
    if not shutil.which(a.qemu):
        raise SystemExit(f"not found: {a.qemu} (apt-get install qemu-user)")
    qemu = [a.qemu, "-L", a.sysroot]
    bert = tuple(int(x) for x in a.bert.lower().split("x"))
    if len(bert) != 3:
        raise SystemExit("--bert takes LAYERSxD_MODELxSEQ, e.g. 4x256x128")

    tmp = None
    if a.workdir:
        work = a.workdir.resolve()
        work.mkdir(parents=True, exist_ok=True)
    else:
        tmp = tempfile.TemporaryDirectory(prefix="dsc-arm-report-")
        work = Path(tmp.name)

    models = make_models([k.strip() for k in a.models.split(",") if k.strip()], a.size, bert)
    builds: dict[tuple[str, str], Build] = {}
    for m in models:
        path = work / f"{m.stem}.onnx"
        onnx.save(m.proto, path)
        d = work / "inputs" / m.stem
        d.mkdir(parents=True, exist_ok=True)
        for name, arr in m.inputs.items():
            np.save(d / f"{name}.npy", arr)
        specs = [("arm", ["--target=aarch64"]),
                 ("arm-novec", ["--target=aarch64", "--no-vectorize"]),
                 ("host", [])]
        if a.cpu:
            specs.insert(1, ("arm-cpu", ["--target=aarch64", f"--cpu={a.cpu}"]))
        for name, flags in specs:
            builds[m.stem, name] = Build(m, name, flags, work / "out" / f"{m.stem}-{name}",
                                         name != "host")
    log(f"compiling {len(builds)} builds, {a.jobs} at a time")
    with cf.ThreadPoolExecutor(a.jobs) as ex:
        list(ex.map(lambda b: compile_build(dsc, work / f"{b.model.stem}.onnx", b),
                    builds.values()))

    results: dict[str, dict] = {}
    failures: list[str] = []
    for m in models:
        mine = {k[1]: b for k, b in builds.items() if k[0] == m.stem}
        bad = [f"{b.name}: {b.error.splitlines()[-1] if b.error else ''}"
               for b in mine.values() if b.error]
        if bad:
            failures.append(f"{m.title}: compile failed ({'; '.join(bad)})")
            continue
        try:
            ref = ort_reference(m)
            r: dict = {"builds": mine}
            obj = {}
            for name, b in mine.items():
                if b.arm:
                    obj[name] = archive_member(llvm, b.out / f"lib{m.stem}.a",
                                               f"{m.stem}_model.o",
                                               work / f"{m.stem}-{name}_model.o")
                    secs = section_sizes(llvm, obj[name])
                    r[f"code.{name}"] = sum(v for k, v in secs.items() if k.startswith(".text"))
                    r[f"neon.{name}"] = neon_share(llvm, obj[name])
            hdr = mine["arm"].out / f"{m.stem}.h"
            r["weights"] = header_macro(hdr, m.stem.upper(), "WEIGHTS_BYTES")
            r["arena"] = header_macro(hdr, m.stem.upper(), "ARENA_BYTES")
            r["runner"] = runner_breakdown(mine["arm"], llvm, a.cc, rt_include, rt_lib, work)
            qrun = lambda b, n, w: run_build(b, qemu, n, w, ref, a.rtol, a.atol, work,  # noqa
                                             a.timeout)
            r["t.arm"] = qrun(mine["arm"], a.repeat, 0)
            r["t.arm-novec"] = qrun(mine["arm-novec"], a.repeat, 0)
            if "arm-cpu" in mine:
                r["t.arm-cpu"] = qrun(mine["arm-cpu"], 1, 0)
            r["t.host"] = run_build(mine["host"], [], a.host_repeat, 1, ref, a.rtol, a.atol,
                                    work, a.timeout)
        except (RuntimeError, subprocess.SubprocessError, OSError) as e:
            failures.append(f"{m.title}: {str(e).strip().splitlines()[0]}")
            log(f"{m.title}: {e}")
            continue
        wrong = [f"{k[2:]} (max abs err {t.max_err:.3g})" for k, t in r.items()
                 if k.startswith("t.") and not t.ok]
        if wrong:
            failures.append(f"{m.title}: outputs differ from ONNX Runtime: {', '.join(wrong)}")
            continue
        results[m.stem] = r

    report = render(models, results, failures, a, time.perf_counter() - T0)
    print(report)
    if a.markdown:
        a.markdown.write_text(report)
    if tmp:
        tmp.cleanup()
    return 0 if results and not failures else 1


def render(models, results, failures, a, elapsed: float) -> str:
    shown = [m for m in models if m.stem in results]
    cpu = a.cpu
    rows: list[tuple[str, list[str]]] = []

    def row(label, fn):
        cells = []
        for m in shown:
            try:
                cells.append(fn(results[m.stem]))
            except KeyError:
                cells.append("–")
        rows.append((label, cells))

    def neon_cell(n: Neon) -> str:
        s = pct(n.neon, n.total) + f" ({n.neon:,}/{n.total:,})"
        if n.sve:
            s += f" + SVE {pct(n.sve, n.total)}"
        return s

    row("max abs error vs ONNX Runtime (aarch64; novec; host)",
        lambda r: f"{r['t.arm'].max_err:.1e}; {r['t.arm-novec'].max_err:.1e}; "
                  f"{r['t.host'].max_err:.1e}")
    row("**Sizes** (default-CPU aarch64 build)", lambda r: "")
    row("model code (`.text` of `<m>_model.o`)", lambda r: kb(r["code.arm"]))
    if cpu:
        row(f"model code, `--cpu={cpu}`", lambda r: kb(r["code.arm-cpu"]))
    row("model code, `--no-vectorize`", lambda r: kb(r["code.arm-novec"]))
    row("weights (`<M>_WEIGHTS_BYTES`)", lambda r: kb(r["weights"]))
    row("arena (`<M>_ARENA_BYTES`)", lambda r: kb(r["arena"]))
    row("static runner, stripped", lambda r: kb(r["runner"].stripped))
    row("– of which runtime (target ≤ 100 KB)",
        lambda r: f"{kb(r['runner'].parts['runtime'])} (code "
                  f"{kb(r['runner'].parts['runtime_code'])})")
    row("– of which libc, libm, libpthread, crt (static)",
        lambda r: kb(r["runner"].parts["libc"]))
    row("– of which static-link overhead (headers, padding, .got, merged literals)",
        lambda r: kb(r["runner"].parts["overhead"]))
    row("– of which model code + weights + glue/main",
        lambda r: kb(r["runner"].parts["model"] + r["runner"].parts["glue"]))
    row("**NEON use** (vector instr. / all, model object)", lambda r: "")
    row("default CPU (generic + NEON)", lambda r: neon_cell(r["neon.arm"]))
    if cpu:
        row(f"`--cpu={cpu}`", lambda r: neon_cell(r["neon.arm-cpu"]))
    row("`--no-vectorize`", lambda r: neon_cell(r["neon.arm-novec"]))
    row("FP arithmetic vectorized (default; novec)",
        lambda r: f"{pct(r['neon.arm'].fp_vec, r['neon.arm'].fp)}; "
                  f"{pct(r['neon.arm-novec'].fp_vec, r['neon.arm-novec'].fp)}")
    row(f"**Time under qemu-aarch64** (emulated, a rough proxy only; 1 thread, "
        f"median of {a.repeat})", lambda r: "")
    row("vectorized: median / process wall",
        lambda r: f"{r['t.arm'].median_ms:,.0f} ms / {r['t.arm'].wall_s:.1f} s")
    row("`--no-vectorize`: median / process wall",
        lambda r: f"{r['t.arm-novec'].median_ms:,.0f} ms / {r['t.arm-novec'].wall_s:.1f} s")
    row("speed-up from vectorizing (novec / vec median)",
        lambda r: f"{r['t.arm-novec'].median_ms / r['t.arm'].median_ms:.2f}×")
    if cpu:
        row(f"`--cpu={cpu}` (1 run)", lambda r: f"{r['t.arm-cpu'].median_ms:,.0f} ms")
    row(f"**x86-64 host** (this machine's CPU, 1 thread, median of {a.host_repeat})",
        lambda r: f"{r['t.host'].median_ms:,.1f} ms")

    lines = ["| | " + " | ".join(m.title for m in shown) + " |",
             "|---|" + "---:|" * len(shown)]
    for label, cells in rows:
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "Emulation time is only a rough proxy for real ARM hardware: qemu-user (TCG) "
        "expands each NEON instruction into several host instructions or helper calls, so "
        "absolute times and even the vectorized/scalar ratio differ on a real core.",
        "",
        f"Configuration: `--size {a.size} --bert {a.bert} --repeat {a.repeat} "
        f"--host-repeat {a.host_repeat} --cpu {cpu or '(none)'}`, tolerance "
        f"|dsc − ort| ≤ {a.atol:g} + {a.rtol:g}·|ort|; qemu runs use `--warmup 0`. "
        f"Total run time {elapsed / 60:.1f} min; load average at the end "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (other work on the machine "
        f"slows the compiles and inflates the timings).",
    ]
    for m in shown:
        rs = results[m.stem]["runner"]
        if rs.relink_stripped != rs.stripped:
            lines.append(f"Note: {m.title}: the relink for the size breakdown is "
                         f"{rs.relink_stripped} bytes stripped, the runner dsc wrote "
                         f"{rs.stripped}; the breakdown is of the relink.")
    if failures:
        lines += ["", "Not reported (compile, run or correctness failure):", ""]
        lines += [f"- {f}" for f in failures]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
