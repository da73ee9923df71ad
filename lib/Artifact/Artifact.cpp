//===- Artifact.cpp - header, libraries and runner of a model -------------===//
//
// The model object comes from the in-process LLVM backend. Around it this
// file writes the C header and a small C "glue" translation unit (the model
// descriptor and the create/run/destroy API over the generic runtime),
// archives model + glue + runtime into lib<name>.a in-process, and drives
// clang to link lib<name>.so and the runner.
//
//===----------------------------------------------------------------------===//
#include "dsc/Artifact/Artifact.h"

#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Object/Archive.h"
#include "llvm/Object/ArchiveWriter.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

#ifndef DSC_DEFAULT_CC
#define DSC_DEFAULT_CC "cc"
#endif

using namespace llvm;

namespace dsc {

static Error fail(const Twine &msg) {
  return createStringError(inconvertibleErrorCode(), msg);
}

std::string cIdentifier(StringRef stem) {
  std::string id;
  for (char c : stem)
    id += isAlnum(c) || c == '_' ? c : '_';
  if (id.empty() || isDigit(id.front()))
    id = "m" + id;
  return id;
}

std::string Toolchain::runtimeLibrary(const TargetInfo &target) const {
  SmallString<256> lib(runtimeDir);
  sys::path::append(lib, target.arch, "libdsc_rt.a");
  return std::string(lib);
}

Expected<Toolchain> Toolchain::find(const char *argv0, void *mainAddr,
                                    const TargetInfo &target) {
  Toolchain tc;
  if (const char *cc = std::getenv("DSC_CC"))
    tc.cc = cc;
  else
    tc.cc = DSC_DEFAULT_CC;
  if (!sys::fs::exists(tc.cc)) {
    auto found = sys::findProgramByName(tc.cc);
    if (!found)
      return fail("cannot find the C compiler driver '" + tc.cc +
                  "' used to link artefacts (install clang-22 or set DSC_CC)");
    tc.cc = *found;
  }
  if (const char *dir = std::getenv("DSC_RUNTIME_DIR")) {
    tc.runtimeDir = dir;
  } else {
    SmallString<256> path(sys::fs::getMainExecutable(argv0, mainAddr));
    sys::path::remove_filename(path); // bin/
    sys::path::remove_filename(path); // prefix
    sys::path::append(path, "lib", "dsc");
    tc.runtimeDir = std::string(path);
  }
  std::string lib = tc.runtimeLibrary(target);
  if (!sys::fs::exists(lib))
    return fail("cannot find the dsc runtime for " + target.arch + " ('" + lib +
                "'); it is built with dsc when the target's C toolchain is "
                "installed (scripts/bootstrap.sh), or set DSC_RUNTIME_DIR");
  return tc;
}

/// A C string literal (escaped; never breaks out of the quotes).
static std::string cString(StringRef s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\')
      out += '\\', out += c;
    else if (c >= 0x20 && c < 0x7f && c != '?')
      out += c;
    else {
      char buf[5];
      snprintf(buf, sizeof(buf), "\\%03o", c);
      out += buf;
    }
  }
  return out + "\"";
}

static const char *dtypeComment(int32_t dtype) {
  switch (dtype) {
  case 1:
    return "float32";
  case 2:
    return "uint8";
  case 3:
    return "int8";
  case 4:
    return "uint16";
  case 5:
    return "int16";
  case 6:
    return "int32";
  case 7:
    return "int64";
  case 9:
    return "bool";
  case 10:
    return "float16";
  case 11:
    return "float64";
  case 12:
    return "uint32";
  case 13:
    return "uint64";
  case 16:
    return "bfloat16";
  case 17:
    return "float8_e4m3fn, one per byte";
  case 18:
    return "float8_e4m3fnuz, one per byte";
  case 19:
    return "float8_e5m2, one per byte";
  case 20:
    return "float8_e5m2fnuz, one per byte";
  case 21:
    return "uint4, one per byte";
  case 22:
    return "int4, one per byte (low 4 bits)";
  case 23:
    return "float4_e2m1fn, one per byte";
  case 24:
    return "float8_e8m0fnu, one per byte";
  case 25:
    return "uint2, one per byte";
  case 26:
    return "int2, one per byte (low 2 bits)";
  default:
    return "unknown";
  }
}

static std::string shapeInit(ArrayRef<int64_t> shape) {
  std::string s = "{";
  for (auto [i, d] : llvm::enumerate(shape))
    s += (i ? ", " : "") + std::to_string(d);
  return s + "}";
}

/// The shape as the artefacts describe it: a dynamic batch dim 0 is -1.
static SmallVector<int64_t> declaredShape(const TensorInfo &t) {
  SmallVector<int64_t> shape(t.shape);
  if (t.batched && !shape.empty())
    shape[0] = -1;
  return shape;
}

static void writeTensorMacros(raw_ostream &os, StringRef upper, StringRef kind,
                              ArrayRef<TensorInfo> tensors, bool dynamic) {
  for (auto [i, t] : llvm::enumerate(tensors)) {
    std::string p = (upper + "_" + kind + "_" + Twine(i)).str();
    int64_t numel = 1;
    for (int64_t d : t.shape)
      numel *= d;
    os << "#define " << p << "_NAME " << cString(t.name) << "\n"
       << "#define " << p << "_DTYPE " << t.dtype << " /* "
       << dtypeComment(t.dtype) << " */\n"
       << "#define " << p << "_RANK " << t.shape.size() << "\n"
       << "#define " << p << "_SHAPE " << shapeInit(declaredShape(t)) << "\n"
       << "#define " << p << "_NUMEL " << numel
       << (t.batched ? " /* per batch element */" : "") << "\n";
    if (dynamic)
      os << "#define " << p << "_BATCHED " << (t.batched ? 1 : 0) << "\n";
  }
}

static std::string header(const ArtifactSpec &spec) {
  std::string out;
  raw_string_ostream os(out);
  std::string upper = StringRef(spec.name).upper();
  const std::string &n = spec.name;
  os << "/* " << n << ".h: C API of the model compiled by dsc from "
     << sys::path::filename(spec.modelPath) << ".\n"
     << " * Link with lib" << n << ".a -lm -lpthread (self-contained: model "
     << "code, weights, runtime). */\n"
     << "#ifndef DSC_MODEL_" << upper << "_H\n#define DSC_MODEL_" << upper
     << "_H\n\n#include <stdint.h>\n\n#ifdef __cplusplus\nextern \"C\" {\n"
     << "#endif\n\n"
     << "/* Constant data in the library (bytes). */\n"
     << "#define " << upper << "_WEIGHTS_BYTES " << spec.weightsBytes << "ULL\n"
     << "/* Scratch for all intermediates, allocated once per session. */\n"
     << "#define " << upper << "_ARENA_BYTES " << spec.arenaBytes << "ULL\n"
     << "#define " << upper << "_NUM_INPUTS " << spec.inputs.size() << "\n"
     << "#define " << upper << "_NUM_OUTPUTS " << spec.outputs.size() << "\n\n"
     << "/* Inputs and outputs in argument order; DTYPE is the ONNX\n"
     << " * TensorProto.DataType code, data is dense C order. */\n";
  bool dynamic = !spec.dynamicBatch.empty();
  if (dynamic)
    os << "/* The batch " << cString(spec.dynamicBatch)
       << " is dynamic: tensors with BATCHED 1 lead with it\n"
       << " * (SHAPE[0] is -1, NUMEL counts one batch element); run a "
          "batch of n\n"
       << " * with " << n << "_run_batch. */\n"
       << "#define " << upper << "_DYNAMIC_BATCH " << cString(spec.dynamicBatch)
       << "\n";
  writeTensorMacros(os, upper, "INPUT", spec.inputs, dynamic);
  writeTensorMacros(os, upper, "OUTPUT", spec.outputs, dynamic);
  os << "\ntypedef struct " << n << "_session " << n << "_session;\n\n"
     << "/* Creates a session: allocates the arena and a pool of num_threads\n"
     << " * threads (<= 0: one per CPU). Returns 0 on success. */\n"
     << "int " << n << "_create(" << n << "_session **out, int num_threads);\n"
     << "/* Runs the model once on caller buffers (arrays of pointers in the\n"
     << " * order above). Allocates nothing. Returns 0 on success. */\n"
     << "int " << n << "_run(" << n
     << "_session *session, const void *const *inputs,\n"
     << "    void *const *outputs);\n"
     << "/* Runs a batch of `batch` (>= 1) elements: tensors leading with "
        "the\n"
     << " * dynamic batch hold `batch` elements one after the other, the "
        "others\n"
     << " * one. Allocates nothing. A model without a dynamic batch takes "
        "batch 1\n"
     << " * only; " << n << "_run is batch 1. Returns 0 on success. */\n"
     << "int " << n << "_run_batch(" << n
     << "_session *session, int64_t batch,\n"
     << "    const void *const *inputs, void *const *outputs);\n"
     << "void " << n << "_destroy(" << n << "_session *session);\n"
     << "/* A message for a non-zero status. */\n"
     << "const char *" << n << "_status_string(int status);\n"
     << "/* After a run returned 7 (DSC_ERR_GUARD: an input contradicts what "
        "the\n"
     << " * model was compiled for): which node, what it expected, what was "
        "given. */\n"
     << "const char *" << n << "_error(const " << n << "_session *session);\n\n"
     << "/* The descriptor for the generic runtime API (dsc_runtime.h). */\n"
     << "struct dsc_model_desc;\n"
     << "const struct dsc_model_desc *" << n << "_model_desc(void);\n\n"
     << "#ifdef __cplusplus\n}\n#endif\n\n#endif\n";
  return out;
}

static std::string glue(const ArtifactSpec &spec) {
  std::string out;
  raw_string_ostream os(out);
  const std::string &n = spec.name;
  os << "/* Generated by dsc: descriptor and API of model " << n << ". */\n"
     << "#include \"dsc_runtime.h\"\n#include \"" << n << ".h\"\n\n"
     << "extern void " << spec.entrySymbol << "(";
  // Pointer arguments of the entry and of every outlined loop body.
  size_t numArgs = spec.inputs.size() + spec.outputs.size() + 1;
  auto params = [&](StringRef prefix) {
    std::string p;
    for (size_t i = 0; i < numArgs; ++i)
      p += (i ? ", void *" : "void *") + prefix.str() + std::to_string(i);
    return p;
  };
  auto args = [&](StringRef prefix) {
    std::string a;
    for (size_t i = 0; i < numArgs; ++i)
      a += (i ? ", " : "") + prefix.str() + std::to_string(i);
    return a;
  };
  os << params("p") << ", void *ctx);\n\n";
  // Parallel loops: the runtime calls task<k>(ptrs, begin, end), which runs
  // the outlined body over [begin, end).
  for (auto [k, trips] : llvm::enumerate(spec.parallelTripCounts)) {
    std::string e = spec.entrySymbol;
    os << "extern void " << e << "_par" << k << "(" << params("p")
       << ", int64_t, int64_t);\n"
       << "static void " << n << "_task" << k
       << "(void *arg, int64_t begin, int64_t end) {\n"
       << "  void **p = (void **)arg;\n  " << e << "_par" << k << "(";
    for (size_t i = 0; i < numArgs; ++i)
      os << "p[" << i << "], ";
    os << "begin, end);\n}\n"
       << "void " << e << "_launch" << k << "(void *ctx, " << params("a")
       << ");\n"
       << "void " << e << "_launch" << k << "(void *ctx, " << params("a")
       << ") {\n  void *p[] = {" << args("a") << "};\n"
       << "  (void)dsc_parallel_for((dsc_context *)ctx, " << trips << ", " << n
       << "_task" << k << ", p);\n}\n\n";
  }
  os << "static void " << n << "_entry(void *const *inputs, void *const "
     << "*outputs, void *arena,\n    dsc_context *ctx) {\n  "
     << spec.entrySymbol << "(";
  for (size_t i = 0; i < spec.inputs.size(); ++i)
    os << "inputs[" << i << "], ";
  for (size_t i = 0; i < spec.outputs.size(); ++i)
    os << "outputs[" << i << "], ";
  os << "arena, ctx);\n}\n\n";
  auto tables = [&](StringRef kind, ArrayRef<TensorInfo> tensors) {
    for (auto [i, t] : llvm::enumerate(tensors))
      os << "static const int64_t " << n << "_" << kind << i << "_shape[] = "
         << (t.shape.empty() ? std::string("{0}") : shapeInit(declaredShape(t)))
         << ";\n";
    os << "static const dsc_tensor_desc " << n << "_" << kind << "s[] = {\n";
    for (auto [i, t] : llvm::enumerate(tensors))
      os << "    {" << cString(t.name) << ", " << t.dtype << ", "
         << t.shape.size() << ", " << n << "_" << kind << i << "_shape},\n";
    os << "};\n";
  };
  tables("input", spec.inputs);
  tables("output", spec.outputs);
  os << "\nstatic const dsc_model_desc " << n << "_desc = {\n    " << cString(n)
     << ", " << spec.inputs.size() << ", " << spec.outputs.size() << ", " << n
     << "_inputs, " << n << "_outputs,\n"
     << "    " << spec.arenaBytes << "ULL, " << spec.weightsBytes << "ULL, "
     << n << "_entry,\n    "
     << (spec.dynamicBatch.empty() ? std::string("NULL")
                                   : cString(spec.dynamicBatch))
     << ", " << (spec.usesAMX ? "DSC_REQUIRES_AMX" : "0") << "};\n\n"
     << "const struct dsc_model_desc *" << n << "_model_desc(void) {\n"
     << "  return &" << n << "_desc;\n}\n\n"
     << "int " << n << "_create(" << n << "_session **out, int num_threads) "
     << "{\n  return (int)dsc_session_create(&" << n
     << "_desc, num_threads, (dsc_session **)out);\n}\n\n"
     << "int " << n << "_run(" << n << "_session *session, const void *const "
     << "*inputs,\n    void *const *outputs) {\n"
     << "  return (int)dsc_session_run((dsc_session *)session, inputs, "
     << "outputs);\n}\n\n"
     << "int " << n << "_run_batch(" << n << "_session *session, int64_t "
     << "batch,\n    const void *const *inputs, void *const *outputs) {\n"
     << "  return (int)dsc_session_run_batch((dsc_session *)session, batch, "
     << "inputs,\n      outputs);\n}\n\n"
     << "void " << n << "_destroy(" << n << "_session *session) {\n"
     << "  dsc_session_destroy((dsc_session *)session);\n}\n\n"
     << "const char *" << n << "_status_string(int status) {\n"
     << "  return dsc_status_string((dsc_status)status);\n}\n\n"
     << "const char *" << n << "_error(const " << n << "_session *session) {\n"
     << "  return dsc_session_error((const dsc_session *)session);\n}\n";
  return out;
}

static std::string runnerMain(const ArtifactSpec &spec) {
  return "/* Generated by dsc: the command-line runner. */\n"
         "#include \"dsc_runtime.h\"\n\n"
         "const struct dsc_model_desc *" +
         spec.name +
         "_model_desc(void);\n\n"
         "int main(int argc, char **argv) {\n  return dsc_runner_main(" +
         spec.name + "_model_desc(), argc, argv);\n}\n";
}

static Error writeFile(StringRef path, StringRef contents) {
  std::error_code ec;
  raw_fd_ostream os(path, ec);
  if (ec)
    return fail("cannot write '" + path + "': " + ec.message());
  os << contents;
  os.close();
  if (os.has_error())
    return fail("cannot write '" + path + "': " + os.error().message());
  return Error::success();
}

/// Runs the C driver; its output goes to a log file quoted in the error.
static Error runCC(const Toolchain &tc, ArrayRef<std::string> args,
                   StringRef logPath, StringRef what) {
  SmallVector<StringRef> argv = {tc.cc};
  for (const std::string &a : args)
    argv.push_back(a);
  std::optional<StringRef> redirects[] = {std::nullopt, logPath, logPath};
  std::string errMsg;
  int rc =
      sys::ExecuteAndWait(tc.cc, argv, std::nullopt, redirects, 0, 0, &errMsg);
  if (rc == 0)
    return Error::success();
  std::string log;
  if (auto buf = MemoryBuffer::getFile(logPath))
    log = (*buf)->getBuffer().take_front(2000).str();
  return fail("building the artefacts failed while " + what + " with " + tc.cc +
              (errMsg.empty() ? "" : " (" + errMsg + ")") + ":\n" + log);
}

/// lib<name>.a: the model and glue objects plus every runtime member.
static Error writeArchive(StringRef path, ArrayRef<std::string> objects,
                          StringRef runtimeLib) {
  std::vector<NewArchiveMember> members;
  for (StringRef obj : objects) {
    Expected<NewArchiveMember> m = NewArchiveMember::getFile(obj, true);
    if (!m)
      return m.takeError();
    // Members are named by file name, not the temporary path: archives are
    // reproducible and `ar x lib<m>.a <m>_model.o` works.
    m->MemberName = sys::path::filename(obj);
    members.push_back(std::move(*m));
  }
  auto buffer = MemoryBuffer::getFile(runtimeLib, false, false);
  if (!buffer)
    return fail("cannot read '" + runtimeLib +
                "': " + buffer.getError().message());
  Expected<std::unique_ptr<object::Archive>> archive =
      object::Archive::create((*buffer)->getMemBufferRef());
  if (!archive)
    return archive.takeError();
  Error err = Error::success();
  for (const object::Archive::Child &child : (*archive)->children(err)) {
    Expected<NewArchiveMember> m =
        NewArchiveMember::getOldMember(child, /*Deterministic=*/true);
    if (!m)
      return m.takeError();
    members.push_back(std::move(*m));
  }
  if (err)
    return err;
  return llvm::writeArchive(path, members, SymtabWritingMode::NormalSymtab,
                            object::Archive::K_GNU, /*Deterministic=*/true,
                            /*Thin=*/false);
}

Error writeArtifacts(const ArtifactSpec &spec, ArrayRef<char> object,
                     const TargetInfo &target, const Toolchain &tc,
                     StringRef outDir) {
  if (sys::fs::exists(outDir) && !sys::fs::is_directory(outDir))
    return fail("'" + outDir + "' exists and is not a directory");
  // Build in a temporary sibling of outDir, so the final moves are renames
  // within one file system.
  SmallString<256> absOut(outDir);
  if (std::error_code ec = sys::fs::make_absolute(absOut))
    return fail("cannot resolve '" + outDir + "': " + ec.message());
  sys::path::remove_dots(absOut, /*remove_dot_dot=*/true);
  SmallString<256> parent = sys::path::parent_path(absOut);
  if (std::error_code ec = sys::fs::create_directories(parent))
    return fail("cannot create '" + parent + "': " + ec.message());
  SmallString<256> tmp;
  if (std::error_code ec = sys::fs::createUniqueDirectory(
          parent + "/." + sys::path::filename(absOut) + ".dsc-tmp", tmp))
    return fail("cannot create a temporary directory in '" + parent +
                "': " + ec.message());
  scope_exit cleanup([&] { sys::fs::remove_directories(tmp); });
  auto in = [&](StringRef file) {
    SmallString<256> p(tmp);
    sys::path::append(p, file);
    return std::string(p);
  };
  const std::string &n = spec.name;
  std::string modelObj = in(n + "_model.o"), glueSrc = in(n + "_glue.c"),
              glueObj = in(n + "_glue.o"), runnerSrc = in(n + "_runner.c"),
              headerPath = in(n + ".h"), archive = in("lib" + n + ".a"),
              shared = in("lib" + n + ".so"), runner = in(n),
              log = in("cc.log");
  SmallString<256> rtInclude(tc.runtimeDir);
  sys::path::append(rtInclude, "include");
  std::string rtLib = tc.runtimeLibrary(target);

  if (Error e = writeFile(modelObj, StringRef(object.data(), object.size())))
    return e;
  if (Error e = writeFile(headerPath, header(spec)))
    return e;
  if (Error e = writeFile(glueSrc, glue(spec)))
    return e;
  if (Error e = writeFile(runnerSrc, runnerMain(spec)))
    return e;
  std::string targetFlag = "--target=" + target.triple;
  if (Error e = runCC(tc,
                      {targetFlag, "-std=c99", "-O2", "-fPIC", "-c",
                       "-I" + std::string(rtInclude), "-I" + std::string(tmp),
                       glueSrc, "-o", glueObj},
                      log, "compiling the model glue"))
    return e;
  // Weights: raw bytes, assembled into their own object with .incbin.
  std::vector<std::string> objects = {modelObj, glueObj};
  if (!spec.weights.symbols.empty()) {
    std::string bin = in(n + "_weights.bin"), asmSrc = in(n + "_weights.s"),
                obj = in(n + "_weights.o");
    if (Error e = writeFile(bin, StringRef(spec.weights.bytes.data(),
                                           spec.weights.bytes.size())))
      return e;
    std::string text = "  .section .rodata." + n + "_weights,\"a\"\n";
    for (const WeightBlob::Symbol &w : spec.weights.symbols)
      text += "  .p2align 6\n  .globl " + w.name + "\n  .hidden " + w.name +
              "\n  .type " + w.name + ",@object\n  .size " + w.name + ", " +
              std::to_string(w.size) + "\n" + w.name + ":\n  .incbin \"" + bin +
              "\", " + std::to_string(w.offset) + ", " +
              std::to_string(w.size) + "\n";
    if (Error e = writeFile(asmSrc, text))
      return e;
    if (Error e = runCC(tc, {targetFlag, "-c", asmSrc, "-o", obj}, log,
                        "assembling the weights"))
      return e;
    objects.push_back(obj);
  }
  if (Error e = writeArchive(archive, objects, rtLib))
    return e;
  std::vector<std::string> sharedArgs = {targetFlag, "-shared", "-fuse-ld=lld",
                                         "-o", shared};
  sharedArgs.insert(sharedArgs.end(), objects.begin(), objects.end());
  sharedArgs.insert(sharedArgs.end(), {rtLib, "-lm", "-lpthread"});
  if (Error e = runCC(tc, sharedArgs, log, "linking lib" + n + ".so"))
    return e;
  // Cross-target runners are static so they run on any Linux of that
  // architecture with nothing installed.
  std::vector<std::string> runnerArgs = {targetFlag, "-std=c99", "-O2",
                                         "-fuse-ld=lld"};
  if (!target.native)
    runnerArgs.push_back("-static");
  runnerArgs.insert(runnerArgs.end(),
                    {"-I" + std::string(rtInclude), runnerSrc, archive, "-o",
                     runner, "-lm", "-lpthread"});
  if (Error e = runCC(tc, runnerArgs, log, "linking the runner"))
    return e;

  // Everything is built: move the four deliverables into place.
  if (std::error_code ec = sys::fs::create_directories(absOut))
    return fail("cannot create '" + absOut + "': " + ec.message());
  for (const std::string &file :
       {n + ".h", "lib" + n + ".a", "lib" + n + ".so", n}) {
    SmallString<256> to(absOut);
    sys::path::append(to, file);
    if (std::error_code ec = sys::fs::rename(in(file), to))
      return fail("cannot move '" + file + "' into '" + absOut +
                  "': " + ec.message());
  }
  return Error::success();
}

} // namespace dsc
