#!/usr/bin/env python3
"""The generated C API and runner options: compiles a small model with dsc,
builds C (and C++) programs against `<stem>.h` and `lib<stem>.a` /
`lib<stem>.so`, checks the header macros against the model, runs the
create/run/destroy API and compares with onnxruntime. Also covers the
runner's --repeat/--warmup/--threads options, output file naming and the
model-stem naming rule.

    python test/Execution/test_capi.py [--dsc PATH] [-k SUBSTR] [-j N]

The C compiler is $CC, else /usr/lib/llvm-22/bin/clang, else cc.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import threading
from pathlib import Path

import numpy as np
import onnx
from onnx import helper

sys.path.insert(0, str(Path(__file__).resolve().parent))
import dsc_testing as T  # noqa: E402

STEM = "capi_model"
PREFIX = STEM.upper()


def c_compiler() -> str:
    cc = os.environ.get("CC")
    if cc:
        return cc
    if Path("/usr/lib/llvm-22/bin/clang").is_file():
        return "/usr/lib/llvm-22/bin/clang"
    return shutil.which("cc") or "cc"


def cxx_compiler() -> str:
    cxx = os.environ.get("CXX")
    if cxx:
        return cxx
    if Path("/usr/lib/llvm-22/bin/clang++").is_file():
        return "/usr/lib/llvm-22/bin/clang++"
    return shutil.which("c++") or "c++"


def capi_model() -> onnx.ModelProto:
    """Two inputs, two outputs: Conv+Relu features and Gemm scores + offset."""
    r = np.random.default_rng(7)
    f32 = np.float32
    inits = [T.init("conv_w", r.standard_normal((3, 2, 3, 3)).astype(f32) * 0.5),
             T.init("conv_b", r.standard_normal(3).astype(f32)),
             T.init("fc_w", r.standard_normal((4, 27)).astype(f32) * 0.3),
             T.init("fc_b", r.standard_normal(4).astype(f32))]
    nodes = [
        helper.make_node("Conv", ["image", "conv_w", "conv_b"], ["conv"], name="conv1",
                         pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["conv"], ["features"], name="relu1"),
        helper.make_node("MaxPool", ["features"], ["pool"], name="pool1", kernel_shape=[2, 2],
                         strides=[2, 2]),
        helper.make_node("Flatten", ["pool"], ["flat"], name="flatten1"),
        helper.make_node("Gemm", ["flat", "fc_w", "fc_b"], ["fc"], name="fc1", transB=1),
        helper.make_node("Add", ["fc", "offset"], ["scores"], name="add_offset"),
    ]
    return T.make_model(
        nodes,
        [T.tensor_info("image", (1, 2, 6, 6)), T.tensor_info("offset", (1, 4))],
        [T.tensor_info("scores", (1, 4)), T.tensor_info("features", (1, 3, 6, 6))],
        inits, opset=13)


def fill(numel: int, salt: int) -> np.ndarray:
    """The values the C program writes into input `salt`: exact in float32."""
    i = np.arange(numel, dtype=np.int64)
    return (((i * 7 + salt * 3) % 13) - 6).astype(np.float32) / np.float32(8.0)


_lock = threading.Lock()
_compiled: list[T.Compiled] = []


def compiled_capi_model() -> T.Compiled:
    with _lock:
        if not _compiled:
            _compiled.append(T.compile_model("capi_compile", capi_model(), file_stem=STEM))
        return _compiled[0]


def app_source(model: onnx.ModelProto, prefix: str = PREFIX, stem: str = STEM) -> str:
    """A C program (valid C++ too) that prints the header's macros, runs the
    model with 1..N threads in one or two sessions and prints the outputs."""
    n_in, n_out = len(model.graph.input), len(model.graph.output)
    lines = [
        "#include <stdio.h>",
        "#include <stdlib.h>",
        "#include <string.h>",
        "#include <stdint.h>",
        f'#include "{stem}.h"',
        "",
    ]
    for i in range(n_in):
        lines.append(f"static float in{i}[{prefix}_INPUT_{i}_NUMEL];")
    for s in range(2):
        for i in range(n_out):
            lines.append(f"static float out{s}_{i}[{prefix}_OUTPUT_{i}_NUMEL];")
    lines += [
        "",
        "static void describe(const char *kind, int idx, const char *name, int dtype, int rank,",
        "                     long long numel, const int64_t *shape) {",
        '  printf("%s %d name=%s dtype=%d rank=%d numel=%lld shape=", kind, idx, name, dtype, rank,',
        "         numel);",
        "  for (int k = 0; k < rank; ++k) printf(\"%s%lld\", k ? \",\" : \"\", (long long)shape[k]);",
        '  printf("\\n");',
        "}",
        "",
        "int main(int argc, char **argv) {",
        "  int threads = argc > 1 ? atoi(argv[1]) : 1;",
        "  int two_sessions = argc > 2 && strcmp(argv[2], \"two\") == 0;",
        '  printf("weights_bytes=%llu\\n", (unsigned long long)(' + prefix + "_WEIGHTS_BYTES));",
        '  printf("arena_bytes=%llu\\n", (unsigned long long)(' + prefix + "_ARENA_BYTES));",
        '  printf("num_inputs=%d\\n", (int)(' + prefix + "_NUM_INPUTS));",
        '  printf("num_outputs=%d\\n", (int)(' + prefix + "_NUM_OUTPUTS));",
    ]
    for kind, n in (("INPUT", n_in), ("OUTPUT", n_out)):
        for i in range(n):
            m = f"{prefix}_{kind}_{i}"
            lines += [
                "  {",
                f"    static const int64_t shape[] = {m}_SHAPE;",
                f'    describe("{kind.lower()}", {i}, {m}_NAME, (int)({m}_DTYPE), (int)({m}_RANK),',
                f"             (long long)({m}_NUMEL), shape);",
                f"    if ((long long)(sizeof shape / sizeof shape[0]) != (long long)({m}_RANK)) {{",
                f'      printf("FAIL {m}_SHAPE has %d entries\\n", (int)(sizeof shape / sizeof shape[0]));',
                "      return 3;",
                "    }",
                "  }",
            ]
    for i in range(n_in):
        lines += [
            f"  for (long long k = 0; k < (long long)({prefix}_INPUT_{i}_NUMEL); ++k)",
            f"    in{i}[k] = (float)((int)((k * 7 + {i} * 3) % 13) - 6) / 8.0f;",
        ]
    ins = ", ".join(f"in{i}" for i in range(n_in))
    outs0 = ", ".join(f"out0_{i}" for i in range(n_out))
    outs1 = ", ".join(f"out1_{i}" for i in range(n_out))
    lines += [
        f"  const void *const inputs[] = {{{ins}}};",
        f"  void *const outputs0[] = {{{outs0}}};",
        f"  void *const outputs1[] = {{{outs1}}};",
        f"  {stem}_session *s0 = NULL, *s1 = NULL;",
        f"  int st = {stem}_create(&s0, threads);",
        f'  if (st != 0) {{ printf("create failed: %d %s\\n", st, {stem}_status_string(st)); return 2; }}',
        "  if (two_sessions) {",
        f"    st = {stem}_create(&s1, threads);",
        f'    if (st != 0) {{ printf("create 2 failed: %d %s\\n", st, {stem}_status_string(st)); return 2; }}',
        "  }",
        "  for (int rep = 0; rep < 3; ++rep) {",
        "    memset(out0_0, 0xff, sizeof out0_0);  /* NaN pattern: catch unwritten outputs */",
        f"    st = {stem}_run(s0, inputs, outputs0);",
        f'    if (st != 0) {{ printf("run failed: %d %s\\n", st, {stem}_status_string(st)); return 2; }}',
        "    if (two_sessions) {",
        f"      st = {stem}_run(s1, inputs, outputs1);",
        f'      if (st != 0) {{ printf("run 2 failed: %d %s\\n", st, {stem}_status_string(st)); return 2; }}',
        "    }",
        "  }",
    ]
    lines.append("  int inputs_unchanged = 1;")
    for i in range(n_in):
        lines += [
            f"  for (long long k = 0; k < (long long)({prefix}_INPUT_{i}_NUMEL); ++k)",
            f"    if (in{i}[k] != (float)((int)((k * 7 + {i} * 3) % 13) - 6) / 8.0f) inputs_unchanged = 0;",
        ]
    lines.append('  printf("inputs_unchanged=%d\\n", inputs_unchanged);')
    for i in range(n_out):
        lines += [
            f'  printf("values 0 {i}");',
            f"  for (long long k = 0; k < (long long)({prefix}_OUTPUT_{i}_NUMEL); ++k)",
            f'    printf(" %.9g", (double)out0_{i}[k]);',
            '  printf("\\n");',
            "  if (two_sessions) {",
            f'    printf("values 1 {i}");',
            f"    for (long long k = 0; k < (long long)({prefix}_OUTPUT_{i}_NUMEL); ++k)",
            f'      printf(" %.9g", (double)out1_{i}[k]);',
            '    printf("\\n");',
            "  }",
        ]
    lines += [
        f'  printf("status_ok=%s\\n", {stem}_status_string(0) ? {stem}_status_string(0) : "(null)");',
        f'  printf("status_1=%s\\n", {stem}_status_string(1) ? {stem}_status_string(1) : "(null)");',
        f"  {stem}_destroy(s0);",
        f"  if (s1) {stem}_destroy(s1);",
        '  printf("done\\n");',
        "  return 0;",
        "}",
    ]
    return "\n".join(lines) + "\n"


def parse_app_output(text: str) -> dict:
    info: dict = {"values": {}, "input": {}, "output": {}}
    for line in text.splitlines():
        if line.startswith("values "):
            parts = line.split()
            info["values"][(int(parts[1]), int(parts[2]))] = np.array(
                [float(v) for v in parts[3:]], dtype=np.float64)
        elif line.startswith(("input ", "output ")):
            kind, idx, *kv = line.split()
            info[kind][int(idx)] = dict(x.split("=", 1) for x in kv)
        elif "=" in line:
            k, v = line.split("=", 1)
            info[k] = v
    return info


def build_app(name: str, c: T.Compiled, source: str, cxx: bool = False, shared: bool = False,
              extra_flags=()) -> Path:
    d = T.case_dir(name)
    src = d / ("app.cpp" if cxx else "app.c")
    src.write_text(source)
    exe = d / "app"
    compiler = cxx_compiler() if cxx else c_compiler()
    if shared:
        link = [f"-L{c.outdir}", f"-l{c.stem}", f"-Wl,-rpath,{c.outdir}"]
    else:
        link = [str(c.static_lib)]
    # For a cross target the program is built like the runner: static unless
    # it links the shared library (then qemu's -L provides the loader).
    cross = T.target_cc_args()
    if cross and not shared:
        cross = [*cross, "-static"]
    cmd = [compiler, *cross, *extra_flags, f"-I{c.outdir}", str(src), *link, "-lm",
           "-lpthread", "-o", str(exe)]
    proc = T.run_cmd(cmd, timeout=300)
    if proc.returncode != 0:
        raise T.CaseFailure(f"building the C API program failed\n{proc.describe()}")
    return exe


def run_app(exe: Path, *args: str) -> dict:
    proc = T.run_cmd([exe, *args], timeout=T.RUN_TIMEOUT_S)
    T.check_no_crash(proc, "C API program")
    if proc.returncode != 0 or "done" not in proc.stdout:
        raise T.CaseFailure(f"C API program failed\n{proc.describe()}")
    return parse_app_output(proc.stdout)


def reference_for_app(model: onnx.ModelProto) -> dict[str, np.ndarray]:
    feeds = {}
    for i, vi in enumerate(model.graph.input):
        shape = [d.dim_value for d in vi.type.tensor_type.shape.dim]
        feeds[vi.name] = fill(int(np.prod(shape)), i).reshape(shape)
    return T.reference(model, feeds)


def check_app_values(info: dict, model: onnx.ModelProto, session: int = 0) -> None:
    expected = reference_for_app(model)
    errors = []
    for i, vi in enumerate(model.graph.output):
        got = info["values"].get((session, i))
        if got is None:
            errors.append(f"no values printed for output {i}")
            continue
        exp = expected[vi.name]
        try:
            T.assert_close(vi.name, got.astype(np.float32).reshape(-1), exp.reshape(-1), 1e-4, 1e-5)
        except T.CaseFailure as e:
            errors.append(f"session {session}: {e}")
    if errors:
        raise T.CaseFailure("\n".join(errors))


def check_macros(info: dict, model: onnx.ModelProto) -> None:
    problems = []
    if info.get("num_inputs") != str(len(model.graph.input)):
        problems.append(f"NUM_INPUTS {info.get('num_inputs')} != {len(model.graph.input)}")
    if info.get("num_outputs") != str(len(model.graph.output)):
        problems.append(f"NUM_OUTPUTS {info.get('num_outputs')} != {len(model.graph.output)}")
    for kind, vis in (("input", model.graph.input), ("output", model.graph.output)):
        for i, vi in enumerate(vis):
            got = info[kind].get(i)
            shape = [d.dim_value for d in vi.type.tensor_type.shape.dim]
            want = {"name": vi.name, "dtype": str(vi.type.tensor_type.elem_type),
                    "rank": str(len(shape)), "numel": str(int(np.prod(shape))),
                    "shape": ",".join(map(str, shape))}
            if got != want:
                problems.append(f"{kind} {i}: header says {got}, model has {want}")
    if problems:
        raise T.CaseFailure("header macros disagree with the model:\n  " + "\n  ".join(problems))


# --------------------------------------------------------------------------
# cases
# --------------------------------------------------------------------------


def _static():
    c = compiled_capi_model()
    model = capi_model()
    exe = build_app("capi_static_link_run", c, app_source(model))
    info = run_app(exe, "1")
    check_macros(info, model)
    check_app_values(info, model)
    if info.get("inputs_unchanged") != "1":
        raise T.CaseFailure("running the model modified the caller's input buffers")
    if info.get("status_ok") in (None, "(null)", ""):
        raise T.CaseFailure("status_string(0) returned NULL or empty")


T.add_case("capi_static_link_run", _static)


def _sizes():
    c = compiled_capi_model()
    model = capi_model()
    exe = build_app("capi_weights_arena_bytes", c, app_source(model))
    info = run_app(exe, "1")
    try:
        weights = int(info["weights_bytes"])
        arena = int(info["arena_bytes"])
    except (KeyError, ValueError) as e:
        raise T.CaseFailure(f"cannot read WEIGHTS_BYTES / ARENA_BYTES: {info}") from e
    if arena <= 0:
        raise T.CaseFailure(f"ARENA_BYTES is {arena}, expected > 0 (the model has intermediates)")
    sizes = [onnx.numpy_helper.to_array(t).nbytes for t in model.graph.initializer]
    total, slack = sum(sizes), 64 * len(sizes)
    if not (weights > 0 and abs(weights - total) <= slack):
        raise T.CaseFailure(f"WEIGHTS_BYTES is {weights}; the initializers take {total} bytes "
                            f"({len(sizes)} tensors: {sizes}), allowed +-{slack}")


T.add_case("capi_weights_arena_bytes", _sizes)


def _threads():
    c = compiled_capi_model()
    model = capi_model()
    exe = build_app("capi_threads", c, app_source(model))
    for threads in ("2", "4", "0"):
        try:
            check_app_values(run_app(exe, threads), model)
        except T.CaseFailure as e:
            raise T.CaseFailure(f"with num_threads={threads}: {e}") from e


T.add_case("capi_threads", _threads)


def _two_sessions():
    c = compiled_capi_model()
    model = capi_model()
    exe = build_app("capi_two_sessions", c, app_source(model))
    info = run_app(exe, "2", "two")
    check_app_values(info, model, 0)
    check_app_values(info, model, 1)


T.add_case("capi_two_sessions", _two_sessions)


def _shared():
    c = compiled_capi_model()
    model = capi_model()
    exe = build_app("capi_shared_link_run", c, app_source(model), shared=True)
    check_app_values(run_app(exe, "1"), model)


T.add_case("capi_shared_link_run", _shared)


def _cxx():
    c = compiled_capi_model()
    model = capi_model()
    if T.target_cc_args():
        # No C++ standard library for the cross target here (Debian's
        # libstdc++-*-dev-arm64-cross is not installed): the header is the
        # same text for every target, so check it compiles as C++ for the host.
        d = T.case_dir("capi_header_in_cxx")
        src = d / "app.cpp"
        src.write_text(app_source(model))
        proc = T.run_cmd([cxx_compiler(), "-std=c++17", "-Wall", "-Werror", f"-I{c.outdir}",
                          "-c", src, "-o", d / "app.o"], timeout=120)
        if proc.returncode != 0:
            raise T.CaseFailure(f"the header does not compile as C++\n{proc.describe()}")
        return
    exe = build_app("capi_header_in_cxx", c, app_source(model), cxx=True,
                    extra_flags=["-std=c++17", "-Wall"])
    check_app_values(run_app(exe, "1"), model)


T.add_case("capi_header_in_cxx", _cxx)


def _strict_c99():
    c = compiled_capi_model()
    d = T.case_dir("capi_header_strict_c99")
    src = d / "strict.c"
    src.write_text(
        f'#include "{STEM}.h"\n'
        "#include <stdint.h>\n"
        f"static const int64_t s[] = {PREFIX}_INPUT_0_SHAPE;\n"
        f"int main(void) {{\n"
        f"  {STEM}_session *sess = 0;\n"
        f"  int st = {STEM}_create(&sess, 1);\n"
        f"  if (st == 0) {STEM}_destroy(sess);\n"
        f"  return (int)(s[0] + {PREFIX}_NUM_INPUTS + {PREFIX}_NUM_OUTPUTS) - 4 + st;\n"
        f"}}\n")
    compile_only = [a for a in T.target_cc_args() if not a.startswith("-fuse-ld")]
    proc = T.run_cmd([c_compiler(), *compile_only, "-std=c99", "-Wall", "-Wextra",
                      "-pedantic", "-Werror", f"-I{c.outdir}", "-c", src, "-o",
                      d / "strict.o"], timeout=120)
    if proc.returncode != 0:
        raise T.CaseFailure(f"the header does not compile warning-free as C99\n{proc.describe()}")


T.add_case("capi_header_strict_c99", _strict_c99)


def _stem_sanitizing():
    """'2-tiny.net.onnx' -> stem 'm2_tiny_net': m2_tiny_net.h, libm2_tiny_net.a, ..."""
    model = T.make_model([helper.make_node("Relu", ["x"], ["y"], name="relu0")],
                         [T.tensor_info("x", (2, 3))], [T.tensor_info("y", (2, 3))])
    c = T.compile_model("stem_sanitizing", model, file_stem="2-tiny.net")
    assert c.stem == "m2_tiny_net", c.stem
    exe = build_app("stem_sanitizing_app", c, app_source(model, prefix="M2_TINY_NET",
                                                         stem="m2_tiny_net"))
    info = run_app(exe, "1")
    check_macros(info, model)
    check_app_values(info, model)


T.add_case("stem_sanitizing", _stem_sanitizing)

# ---- dynamic batch: <m>_run_batch ------------------------------------------

DYN_STEM = "capi_dyn"


def capi_dynamic_model() -> onnx.ModelProto:
    """capi_model with the symbolic batch 'N' on the image and both outputs;
    the offset [1, 4] is shared by all batch elements."""
    m = capi_model()
    for vi in (m.graph.input[0], m.graph.output[0], m.graph.output[1]):
        vi.type.tensor_type.shape.dim[0].dim_param = "N"
    return m


def dynamic_app_source() -> str:
    """Runs a batch of argv[1] elements with capi_dyn_run_batch, batch 1 with
    capi_dyn_run, and an invalid batch of 0; prints the header's batch
    macros and the outputs."""
    p, s = DYN_STEM.upper(), DYN_STEM
    return f"""#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include "{s}.h"

static void fill(float *x, long long n, int salt) {{
  for (long long k = 0; k < n; ++k)
    x[k] = (float)((int)((k * 7 + salt * 3) % 13) - 6) / 8.0f;
}}

int main(int argc, char **argv) {{
  long long b = argc > 1 ? atoll(argv[1]) : 1;
  static const int64_t in0_shape[] = {p}_INPUT_0_SHAPE, in1_shape[] = {p}_INPUT_1_SHAPE;
  printf("dynamic_batch=%s\\n", {p}_DYNAMIC_BATCH);
  printf("in0_dim0=%lld in0_batched=%d in1_dim0=%lld in1_batched=%d out0_batched=%d\\n",
         (long long)in0_shape[0], {p}_INPUT_0_BATCHED, (long long)in1_shape[0],
         {p}_INPUT_1_BATCHED, {p}_OUTPUT_0_BATCHED);
  float *image = malloc(sizeof(float) * b * {p}_INPUT_0_NUMEL);
  float offset[{p}_INPUT_1_NUMEL];
  float *scores = malloc(sizeof(float) * b * {p}_OUTPUT_0_NUMEL);
  float *features = malloc(sizeof(float) * b * {p}_OUTPUT_1_NUMEL);
  float one_scores[{p}_OUTPUT_0_NUMEL], one_features[{p}_OUTPUT_1_NUMEL];
  if (!image || !scores || !features) return 2;
  fill(image, b * {p}_INPUT_0_NUMEL, 0);
  fill(offset, {p}_INPUT_1_NUMEL, 1);
  const void *const inputs[] = {{image, offset}};
  void *const outputs[] = {{scores, features}};
  void *const one[] = {{one_scores, one_features}};
  {s}_session *sess = NULL;
  int st = {s}_create(&sess, 2);
  if (st) {{ printf("create failed: %s\\n", {s}_status_string(st)); return 2; }}
  st = {s}_run_batch(sess, b, inputs, outputs);
  if (st) {{ printf("run_batch failed: %s\\n", {s}_status_string(st)); return 2; }}
  printf("batch0_status=%d\\n", {s}_run_batch(sess, 0, inputs, outputs));
  st = {s}_run(sess, inputs, one);
  if (st) {{ printf("run failed: %s\\n", {s}_status_string(st)); return 2; }}
  printf("run_is_first_element=%d\\n",
         memcmp(one_scores, scores, sizeof one_scores) == 0 &&
         memcmp(one_features, features, sizeof one_features) == 0);
  printf("values 0 0");
  for (long long k = 0; k < b * {p}_OUTPUT_0_NUMEL; ++k) printf(" %.9g", (double)scores[k]);
  printf("\\nvalues 0 1");
  for (long long k = 0; k < b * {p}_OUTPUT_1_NUMEL; ++k) printf(" %.9g", (double)features[k]);
  printf("\\n");
  {s}_destroy(sess);
  free(image); free(scores); free(features);
  printf("done\\n");
  return 0;
}}
"""


def _dynamic_batch_run_batch():
    model = capi_dynamic_model()
    c = T.compile_model("capi_dynamic_compile", model, file_stem=DYN_STEM)
    exe = build_app("capi_dynamic_run_batch", c, dynamic_app_source())
    for b in (1, 3, 8):
        info = run_app(exe, str(b))
        want = {"dynamic_batch": "N", "batch0_status": "1", "run_is_first_element": "1"}
        got = {k: info.get(k) for k in want}
        if got != want:
            raise T.CaseFailure(f"batch {b}: {got}, expected {want}")
        macros = "in0_dim0=-1 in0_batched=1 in1_dim0=1 in1_batched=0 out0_batched=1"
        if f"in0_dim0={info.get('in0_dim0')}" != macros:
            raise T.CaseFailure(f"header batch macros: in0_dim0={info.get('in0_dim0')}, "
                                f"expected {macros}")
        feeds = {"image": fill(b * 2 * 6 * 6, 0).reshape(b, 2, 6, 6),
                 "offset": fill(4, 1).reshape(1, 4)}
        expected = T.reference(model, feeds)
        for i, name in enumerate(("scores", "features")):
            T.assert_close(f"{name} (batch {b})", info["values"][(0, i)].astype(np.float32),
                           expected[name].reshape(-1), 1e-4, 1e-5)


T.add_case("capi_dynamic_run_batch", _dynamic_batch_run_batch)

# ---- the runner's options ---------------------------------------------------

LATENCY_RE = re.compile(
    r"^latency: median (\d+(\.\d+)?) ms, min (\d+(\.\d+)?) ms, max (\d+(\.\d+)?) ms "
    r"over (\d+) runs \((\d+) threads?\)$", re.M)


def _runner_inputs():
    return {"image": T.randn(90, 1, 2, 6, 6), "offset": T.randn(91, 1, 4)}


def _runner_repeat():
    c = compiled_capi_model()
    model = capi_model()
    inputs = _runner_inputs()
    d = T.case_dir("runner_repeat_warmup_threads")
    outs, proc = T.run_runner(c, inputs, ["scores", "features"], run_dir=d,
                              extra_args=["--repeat", "7", "--warmup", "2", "--threads", "2"])
    T.compare_outputs(outs, T.reference(model, inputs), 1e-4, 1e-5)
    m = LATENCY_RE.search(proc.stdout + proc.stderr)
    if not m:
        raise T.CaseFailure(f"no latency line in the runner's output\n{proc.describe()}")
    med, mn, mx = float(m.group(1)), float(m.group(3)), float(m.group(5))
    if m.group(7) != "7" or m.group(8) != "2":
        raise T.CaseFailure(f"latency line says {m.group(7)} runs / {m.group(8)} threads, "
                            f"expected 7 / 2: {m.group(0)}")
    if not (mn <= med <= mx):
        raise T.CaseFailure(f"latency line is inconsistent (min <= median <= max): {m.group(0)}")


T.add_case("runner_repeat_warmup_threads", _runner_repeat)


def _runner_no_repeat_no_latency():
    c = compiled_capi_model()
    d = T.case_dir("runner_without_repeat")
    _, proc = T.run_runner(c, _runner_inputs(), ["scores", "features"], run_dir=d)
    if proc.stderr.strip():
        raise T.CaseFailure(f"a successful run wrote to stderr\n{proc.describe()}")


T.add_case("runner_without_repeat", _runner_no_repeat_no_latency)


def _runner_thread_counts():
    c = compiled_capi_model()
    model = capi_model()
    inputs = _runner_inputs()
    expected = T.reference(model, inputs)
    for threads in ("1", "3"):
        d = T.case_dir(f"runner_threads_{threads}")
        outs, _ = T.run_runner(c, inputs, ["scores", "features"], run_dir=d,
                               extra_args=["--threads", threads])
        try:
            T.compare_outputs(outs, expected, 1e-4, 1e-5)
        except T.CaseFailure as e:
            raise T.CaseFailure(f"--threads {threads}: {e}") from e


T.add_case("runner_thread_counts", _runner_thread_counts)


def _runner_output_names():
    """Output names with characters outside [A-Za-z0-9_.-] map to '_' in file names."""
    x = T.randn(92, 2, 3)
    nodes = [helper.make_node("Relu", ["in:0"], ["feat/relu:0"], name="relu0"),
             helper.make_node("Sigmoid", ["in:0"], ["sig.out-1"], name="sig0")]
    model = T.make_model(nodes, [T.tensor_info("in:0", (2, 3))],
                         [T.tensor_info("feat/relu:0", (2, 3)), T.tensor_info("sig.out-1", (2, 3))])
    c = T.compile_model("runner_output_file_names", model, file_stem="names")
    outs, _ = T.run_runner(c, {"in:0": x}, ["feat/relu:0", "sig.out-1"])
    if not (c.outdir.parent / "run" / "outputs" / "feat_relu_0.npy").is_file():
        raise T.CaseFailure("feat_relu_0.npy not written")
    T.compare_outputs(outs, T.reference(model, {"in:0": x}), 1e-4, 1e-5)


T.add_case("runner_output_file_names", _runner_output_names)

# ---- tensors with zero elements ---------------------------------------------

EMPTY_STEM = "capi_empty"


def capi_empty_model() -> onnx.ModelProto:
    """An empty input e [3, 0, 5] (reduced over its empty axis, and passed
    through) next to x [2, 3]; empty outputs of rank 2 and 3 next to
    non-empty ones."""
    i64 = np.int64
    nodes = [
        helper.make_node("ReduceSum", ["e", "ax1"], ["r"], name="sum_empty"),
        helper.make_node("ReduceMax", ["e", "ax1"], ["m"], name="max_empty", keepdims=0),
        helper.make_node("Slice", ["x", "s3", "s10", "ax1"], ["z"], name="slice_nothing"),
        helper.make_node("Concat", ["z", "x"], ["c"], name="concat_empty", axis=1),
        helper.make_node("Relu", ["c"], ["y"], name="relu"),
        helper.make_node("Identity", ["e"], ["w"], name="pass_empty"),
    ]
    return T.make_model(
        nodes,
        [T.tensor_info("x", (2, 3)), T.tensor_info("e", (3, 0, 5))],
        [T.tensor_info("r", (3, 1, 5)), T.tensor_info("z", (2, 0)), T.tensor_info("y", (2, 3)),
         T.tensor_info("m", (3, 5)), T.tensor_info("w", (3, 0, 5))],
        [T.init("ax1", np.array([1], i64)), T.init("s3", np.array([3], i64)),
         T.init("s10", np.array([10], i64))],
        opset=18)


def empty_app_source() -> str:
    """Runs the model with NULL pointers for the empty tensors, then with
    malloc(0) ones; prints the header's macros of the empty tensors and the
    non-empty outputs."""
    p, s = EMPTY_STEM.upper(), EMPTY_STEM
    return f"""#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include "{s}.h"

int main(void) {{
  static const int64_t e_shape[] = {p}_INPUT_1_SHAPE, w_shape[] = {p}_OUTPUT_4_SHAPE;
  printf("e_numel=%lld\\ne_rank=%d\\ne_shape=%lld,%lld,%lld\\n", (long long)({p}_INPUT_1_NUMEL),
         (int)({p}_INPUT_1_RANK), (long long)e_shape[0], (long long)e_shape[1],
         (long long)e_shape[2]);
  printf("z_numel=%lld\\nw_numel=%lld\\nw_shape=%lld,%lld,%lld\\n", (long long)({p}_OUTPUT_1_NUMEL),
         (long long)({p}_OUTPUT_4_NUMEL), (long long)w_shape[0], (long long)w_shape[1],
         (long long)w_shape[2]);
  float x[{p}_INPUT_0_NUMEL], r[{p}_OUTPUT_0_NUMEL], y[{p}_OUTPUT_2_NUMEL], m[{p}_OUTPUT_3_NUMEL];
  for (int k = 0; k < {p}_INPUT_0_NUMEL; ++k) x[k] = (float)(k - 2);
  {s}_session *sess = NULL;
  int st = {s}_create(&sess, 2);
  if (st) {{ printf("create failed: %s\\n", {s}_status_string(st)); return 2; }}
  const void *const null_in[] = {{x, NULL}};
  void *const null_out[] = {{r, NULL, y, m, NULL}};
  printf("null_status=%d\\n", {s}_run(sess, null_in, null_out));
  void *e = malloc(0), *z = malloc(0), *w = malloc(0);
  const void *const in[] = {{x, e}};
  void *const out[] = {{r, z, y, m, w}};
  printf("malloc0_status=%d\\n", {s}_run(sess, in, out));
  const void *const missing_x[] = {{NULL, e}};
  printf("missing_x_status=%d\\n", {s}_run(sess, missing_x, out));
  printf("values 0 0");
  for (int k = 0; k < {p}_OUTPUT_0_NUMEL; ++k) printf(" %.9g", (double)r[k]);
  printf("\\nvalues 0 2");
  for (int k = 0; k < {p}_OUTPUT_2_NUMEL; ++k) printf(" %.9g", (double)y[k]);
  printf("\\nvalues 0 3");
  for (int k = 0; k < {p}_OUTPUT_3_NUMEL; ++k) printf(" %.9g", (double)m[k]);
  printf("\\n");
  free(e); free(z); free(w);
  {s}_destroy(sess);
  printf("done\\n");
  return 0;
}}
"""


def _empty_tensors():
    model = capi_empty_model()
    c = T.compile_model("capi_empty_compile", model, file_stem=EMPTY_STEM)
    info = run_app(build_app("capi_empty_tensors", c, empty_app_source()))
    want = {"e_numel": "0", "e_rank": "3", "e_shape": "3,0,5", "z_numel": "0", "w_numel": "0",
            "w_shape": "3,0,5", "null_status": "0", "malloc0_status": "0",
            "missing_x_status": "1"}
    got = {k: info.get(k) for k in want}
    if got != want:
        raise T.CaseFailure(f"C API with empty tensors: {got}, expected {want}")
    x = (np.arange(6, dtype=np.float32) - 2).reshape(2, 3)
    expected = T.reference(model, {"x": x, "e": np.zeros((3, 0, 5), np.float32)})
    for i, name in ((0, "r"), (2, "y"), (3, "m")):
        T.assert_close(name, info["values"][(0, i)].astype(np.float32),
                       expected[name].reshape(-1), 0, 0)
    # The runner reads an .npy with a zero dimension and writes the empty
    # outputs with their shapes.
    inputs = {"x": x, "e": np.zeros((3, 0, 5), np.float32)}
    outs, _ = T.run_runner(c, inputs, ["r", "z", "y", "m", "w"])
    T.compare_outputs(outs, expected, 0, 0)


T.add_case("capi_empty_tensors", _empty_tensors)

# ---- run-time guards --------------------------------------------------------

GUARD_STEM = "capi_guard"
GUARD_MESSAGE = ("node 'reshape1' (Reshape): Reshape's shape ('shape') must give the "
                 "declared output shape [3, 2]")


def capi_guard_model() -> onnx.ModelProto:
    """Reshape with its shape given at run time: dsc compiles the declared
    output shape [3, 2] and guards the shape operand."""
    nodes = [helper.make_node("Reshape", ["x", "shape"], ["y"], name="reshape1")]
    return T.make_model(
        nodes,
        [T.tensor_info("x", (2, 3)), T.tensor_info("shape", (2,), onnx.TensorProto.INT64)],
        [T.tensor_info("y", (3, 2))], [], opset=14)


def guard_app_source() -> str:
    """Runs with the shape argv[1], argv[2]; prints the status, the error
    message and whether the output buffer (pre-filled with 7s) was written."""
    s = GUARD_STEM
    return f"""#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include "{s}.h"

int main(int argc, char **argv) {{
  float x[6] = {{0, 1, 2, 3, 4, 5}}, y[6];
  int64_t shape[2] = {{atoll(argv[1]), atoll(argv[2])}};
  for (int k = 0; k < 6; ++k) y[k] = 7.0f;
  const void *const inputs[] = {{x, shape}};
  void *const outputs[] = {{y}};
  {s}_session *sess = NULL;
  if ({s}_create(&sess, 1)) return 2;
  int st = {s}_run(sess, inputs, outputs);
  printf("status=%d\\n", st);
  printf("error=%s\\n", {s}_error(sess));
  int untouched = 1;
  for (int k = 0; k < 6; ++k) untouched &= y[k] == 7.0f;
  printf("untouched=%d\\n", untouched);
  printf("y5=%g\\n", (double)y[5]);
  {s}_destroy(sess);
  printf("done\\n");
  return 0;
}}
"""


def _guard_capi():
    c = T.compile_model("capi_guard_compile", capi_guard_model(), file_stem=GUARD_STEM)
    exe = build_app("capi_guard_run", c, guard_app_source())
    # Shapes that give [3, 2] run (-1 infers, 0 copies dim 0 only where equal).
    for dims in (("3", "2"), ("-1", "2"), ("3", "-1")):
        info = run_app(exe, *dims)
        if info.get("status") != "0" or info.get("error") or info.get("y5") != "5":
            raise T.CaseFailure(f"shape {dims}: {info}, expected status 0 and y")
    # Shapes that contradict the declared [3, 2]: DSC_ERR_GUARD (7), the node and
    # what was given in the message, the output untouched.
    for dims in (("2", "3"), ("6", "1"), ("-1", "-1"), ("0", "2")):
        info = run_app(exe, *dims)
        want = f"{GUARD_MESSAGE}; given [{dims[0]}, {dims[1]}]"
        if info.get("status") != "7" or info.get("error") != want or \
                info.get("untouched") != "1":
            raise T.CaseFailure(f"shape {dims}: {info}, expected status 7, error {want!r} "
                                "and an untouched output")
    # The runner prints the message and exits non-zero without writing y.
    d = T.case_dir("capi_guard_run") / "runner"
    paths = T.write_inputs(d / "inputs", {"x": np.arange(6, dtype=np.float32).reshape(2, 3),
                                          "shape": np.array([2, 3], np.int64)})
    proc = T.run_cmd([c.runner, *T.input_args(paths), "--output-dir", d / "outputs"],
                     timeout=T.RUN_TIMEOUT_S)
    T.check_no_crash(proc, "runner")
    if proc.returncode == 0 or f"{GUARD_MESSAGE}; given [2, 3]" not in proc.stderr:
        raise T.CaseFailure(f"runner with a contradicting shape\n{proc.describe()}")
    if (d / "outputs" / T.output_file_name("y")).exists():
        raise T.CaseFailure("the runner wrote an output after a failed guard")


T.add_case("capi_guard_reshape_shape", _guard_capi)

if __name__ == "__main__":
    sys.exit(T.main(description=__doc__))
