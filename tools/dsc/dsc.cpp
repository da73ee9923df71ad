//===- dsc.cpp - the dsc compiler driver ----------------------------------===//
//
//   dsc compile model.onnx -o out/        header, libraries and runner
//   dsc run model.onnx --input x=x.npy --output-dir res/   (cached compile)
//   dsc import model.onnx                 the model in the dsc dialect
//
//===----------------------------------------------------------------------===//
#include "dsc/Artifact/Artifact.h"
#include "dsc/Frontend/ONNXImporter.h"
#include "dsc/Pipeline/Pipeline.h"
#include "dsc/Pipeline/Report.h"
#include "dsc/Target/ObjectEmitter.h"
#include "dsc/Target/TargetInfo.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/SHA256.h"
#include "llvm/Support/Timer.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

#ifndef DSC_VERSION
#define DSC_VERSION "0.0.0"
#endif

using namespace llvm;
using namespace mlir;

namespace {

cl::OptionCategory dscCategory("dsc options");
cl::SubCommand compileCmd("compile",
                          "Compile an ONNX model to a header, a static and a "
                          "shared library and a runner");
cl::SubCommand runCmd("run", "Compile (cached by content hash) and run a "
                             "model once on .npy inputs");
cl::SubCommand importCmd("import", "Print an ONNX model in the dsc dialect");

cl::opt<std::string> inputFile(cl::Positional, cl::desc("<model.onnx>"),
                               cl::Required, cl::sub(compileCmd),
                               cl::sub(runCmd), cl::sub(importCmd));
cl::opt<std::string>
    outputPath("o",
               cl::desc("compile: output directory (default: the model's stem)"
                        "; with --compile-to or import: output file "
                        "(default: stdout)"),
               cl::value_desc("path"), cl::sub(compileCmd), cl::sub(importCmd),
               cl::cat(dscCategory));
cl::opt<std::string>
    targetName("target",
               cl::desc("Target: host, x86_64 or aarch64 (cuda is not built "
                        "yet). Default: host"),
               cl::init("host"), cl::sub(compileCmd), cl::sub(runCmd),
               cl::cat(dscCategory));
cl::opt<std::string>
    cpuName("cpu",
            cl::desc("Target CPU (LLVM name, e.g. znver4, x86-64-v3); "
                     "default: this machine's CPU for the host target"),
            cl::sub(compileCmd), cl::sub(runCmd), cl::cat(dscCategory));
cl::opt<bool> noVectorize(
    "no-vectorize",
    cl::desc("Scalar code only: no vector contraction kernels, LLVM's loop "
             "and SLP vectorizers off (for measuring what vector code buys)"),
    cl::sub(compileCmd), cl::sub(runCmd), cl::cat(dscCategory));
cl::opt<bool> noAMX(
    "no-amx",
    cl::desc("With --precision=bf16 on a CPU with AMX-BF16: keep the bf16 "
             "contractions on vdpbf16ps instead of AMX tiles (the library "
             "then runs without asking the OS for AMX state)"),
    cl::sub(compileCmd), cl::sub(runCmd), cl::cat(dscCategory));
cl::opt<bool> f32Activations(
    "f32-activations",
    cl::desc("With --precision=bf16: residual adds and other elementwise ops "
             "read an activation that bf16 contractions also read in f32 "
             "(stored twice), not its bf16 copy"),
    cl::sub(compileCmd), cl::sub(runCmd), cl::cat(dscCategory));
cl::opt<bool> noFusion(
    "no-fusion",
    cl::desc("Skip the dsc-level graph optimizations (folding, fusion)"),
    cl::sub(compileCmd), cl::sub(runCmd), cl::cat(dscCategory));
cl::opt<std::string> precisionName(
    "precision",
    cl::desc("MatMul/Gemm/Conv arithmetic: fp32 (default), or bf16 (bf16 "
             "inputs, fp32 accumulation; vdpbf16ps with AVX512-BF16, f32 "
             "FMAs of the rounded inputs elsewhere)"),
    cl::init("fp32"), cl::value_desc("fp32|bf16"), cl::sub(compileCmd),
    cl::sub(runCmd), cl::cat(dscCategory));
cl::opt<std::string> compileTo(
    "compile-to",
    cl::desc("Stop after a phase and print its MLIR: dsc, linalg or llvm"),
    cl::sub(compileCmd), cl::cat(dscCategory));
cl::list<std::string>
    shapes("shape",
           cl::desc("Size of a symbolic input dimension, e.g. --shape N=8"),
           cl::value_desc("name=size"), cl::sub(compileCmd), cl::sub(runCmd),
           cl::sub(importCmd), cl::cat(dscCategory));
cl::opt<bool> report(
    "report",
    cl::desc("Print what the compile did: ONNX nodes in, kernels out, the "
             "fusions formed, intermediate bytes saved, arena, phase times"),
    cl::sub(compileCmd), cl::cat(dscCategory));
cl::opt<std::string> reportJSON(
    "report-json", cl::desc("Write the --report figures as JSON to a file"),
    cl::value_desc("file"), cl::sub(compileCmd), cl::cat(dscCategory));
cl::opt<bool> printLocations("print-locations",
                             cl::desc("Print ONNX node locations in MLIR"),
                             cl::sub(compileCmd), cl::sub(importCmd),
                             cl::cat(dscCategory));

// dsc run: passed on to the runner.
cl::list<std::string> runInputs("input", cl::desc("Input NAME=FILE.npy"),
                                cl::value_desc("name=file"), cl::sub(runCmd),
                                cl::cat(dscCategory));
cl::opt<std::string> runOutputDir("output-dir",
                                  cl::desc("Directory for <output>.npy files"),
                                  cl::sub(runCmd), cl::cat(dscCategory));
cl::opt<unsigned> runRepeat("repeat", cl::desc("Timed runs (prints median)"),
                            cl::init(0), cl::sub(runCmd), cl::cat(dscCategory));
cl::opt<unsigned> runWarmup("warmup", cl::desc("Untimed runs first"),
                            cl::init(0), cl::sub(runCmd), cl::cat(dscCategory));
cl::opt<unsigned> runThreads("threads", cl::desc("Threads (0: one per CPU)"),
                             cl::init(1), cl::sub(runCmd),
                             cl::cat(dscCategory));

/// Prints diagnostics as `error: node 'conv1' (Conv): message`.
class DiagnosticPrinter {
public:
  explicit DiagnosticPrinter(MLIRContext &ctx)
      : handler(&ctx, [this](Diagnostic &diag) { return print(diag); }) {}
  bool hadError() const { return errors > 0; }

private:
  LogicalResult print(Diagnostic &diag) {
    raw_ostream &os = errs();
    switch (diag.getSeverity()) {
    case DiagnosticSeverity::Error:
      ++errors;
      // One error is one line: later errors are usually consequences.
      if (errors > 1)
        return success();
      WithColor::error(os, "dsc");
      break;
    case DiagnosticSeverity::Warning:
      WithColor::warning(os, "dsc");
      break;
    default:
      if (errors > 1)
        return success();
      WithColor::note(os, "dsc");
      break;
    }
    std::string where = dsc::describeONNXLocation(diag.getLocation());
    if (where.empty()) {
      if (auto file = dyn_cast<FileLineColLoc>(diag.getLocation()))
        where = file.getFilename().str();
      else if (auto name = dyn_cast<NameLoc>(diag.getLocation()))
        where = "'" + name.getName().str() + "'";
    }
    if (!where.empty())
      os << where << ": ";
    os << diag.str() << "\n";
    return success();
  }
  int errors = 0;
  ScopedDiagnosticHandler handler;
};

int fail(const Twine &msg) {
  WithColor::error(errs(), "dsc") << msg << "\n";
  return 1;
}

Expected<dsc::ImportOptions> importOptions() {
  dsc::ImportOptions options;
  for (StringRef s : shapes) {
    auto [name, value] = s.split('=');
    int64_t size;
    if (name.empty() || value.getAsInteger(10, size) || size < 0)
      return createStringError(inconvertibleErrorCode(),
                               "--shape expects NAME=SIZE, got '%s'",
                               s.str().c_str());
    options.dimSizes[name] = size;
  }
  return options;
}

std::unique_ptr<MLIRContext> makeContext() {
  DialectRegistry registry;
  dsc::registerDialects(registry);
  auto ctx = std::make_unique<MLIRContext>(registry);
  ctx->loadAllAvailableDialects();
  // Multithreading buys nothing for one module and costs thread start-up.
  ctx->disableMultithreading();
  return ctx;
}

LogicalResult printModule(ModuleOp module, StringRef path) {
  std::string error;
  auto out = openOutputFile(path.empty() ? "-" : path, &error);
  if (!out)
    return emitError(module.getLoc()) << error, failure();
  OpPrintingFlags flags;
  if (printLocations)
    flags.enableDebugInfo(true, /*prettyForm=*/true);
  module.print(out->os(), flags);
  out->keep();
  return success();
}

int runImport(MLIRContext &ctx) {
  DiagnosticPrinter diags(ctx);
  auto options = importOptions();
  if (!options)
    return fail(toString(options.takeError()));
  OwningOpRef<ModuleOp> module = dsc::importONNXFile(ctx, inputFile, *options);
  if (!module || failed(printModule(*module, outputPath)))
    return 1;
  return 0;
}

std::vector<dsc::TensorInfo> tensorInfos(func::FuncOp func, TypeRange types,
                                         StringRef namesAttr,
                                         StringRef dtypesAttr,
                                         StringRef batchAttr) {
  std::vector<dsc::TensorInfo> infos;
  auto names = func->getAttrOfType<ArrayAttr>(namesAttr);
  auto dtypes = func->getAttrOfType<DenseI32ArrayAttr>(dtypesAttr);
  auto batched = func->getAttrOfType<DenseI64ArrayAttr>(batchAttr);
  for (auto [i, type] : llvm::enumerate(types)) {
    auto t = cast<RankedTensorType>(type);
    infos.push_back(
        {cast<StringAttr>(names[i]).str(), dtypes[i],
         SmallVector<int64_t>(t.getShape()),
         batched && llvm::is_contained(batched.asArrayRef(), int64_t(i))});
  }
  return infos;
}

/// Import, lower and write the artefacts of `model` into `outDir`.
int compileModel(MLIRContext &ctx, StringRef model, StringRef outDir,
                 const char *argv0) {
  DiagnosticPrinter diags(ctx);
  auto options = importOptions();
  if (!options)
    return fail(toString(options.takeError()));
  Expected<dsc::TargetInfo> target =
      dsc::TargetInfo::lookup(targetName, cpuName);
  if (!target)
    return fail(toString(target.takeError()));
  target->vectorize = !noVectorize;
  std::optional<dsc::Precision> precision = dsc::parsePrecision(precisionName);
  if (!precision)
    return fail("--precision expects fp32 or bf16, got '" + precisionName +
                "'");
  std::string name = dsc::cIdentifier(sys::path::stem(model));
  options->functionName = name + "_forward";

  std::optional<dsc::Phase> stopAt;
  if (!compileTo.empty()) {
    stopAt = dsc::parsePhase(compileTo);
    if (!stopAt)
      return fail("--compile-to expects dsc, linalg or llvm, got '" +
                  compileTo + "'");
  }
  // Find the runtime before any work, so a broken install fails fast.
  Expected<dsc::Toolchain> toolchain =
      stopAt ? dsc::Toolchain{}
             : dsc::Toolchain::find(argv0, reinterpret_cast<void *>(&fail),
                                    *target);
  if (!toolchain)
    return fail(toString(toolchain.takeError()));

  // Phases run one by one so that each can be timed; a compile longer than
  // a few seconds shows a progress line per phase on a terminal.
  dsc::CompileReport rep;
  rep.model = model.str();
  rep.graphOpt = !noFusion;
  rep.precision = *precision == dsc::Precision::BF16 ? "bf16" : "fp32";
  if (*precision == dsc::Precision::BF16)
    rep.bf16Dot = target->bf16Dot && !noVectorize;
  llvm::TimeRecord start = llvm::TimeRecord::getCurrentTime(true),
                   last = start;
  bool progress = false;
  auto phaseDone = [&](StringRef phase) {
    llvm::TimeRecord now = llvm::TimeRecord::getCurrentTime(false);
    double seconds = now.getWallTime() - last.getWallTime();
    last = now;
    rep.phases.emplace_back(phase.str(), seconds);
    if (!progress && errs().is_displayed() &&
        now.getWallTime() - start.getWallTime() > 3.0)
      progress = true;
    if (progress)
      errs() << "dsc: " << phase << " " << format("%.2f", seconds) << " s\n";
  };
  auto runPhase = [&](StringRef phase,
                      llvm::function_ref<void(OpPassManager &)> build,
                      ModuleOp m) -> LogicalResult {
    PassManager pm(&ctx);
    build(pm);
    if (failed(pm.run(m)))
      return failure();
    phaseDone(phase);
    return success();
  };

  OwningOpRef<ModuleOp> module = dsc::importONNXFile(ctx, model, *options);
  if (!module)
    return 1;
  phaseDone("import");
  if (auto n = (*module)->getAttrOfType<IntegerAttr>("dsc.onnx_nodes"))
    rep.onnxNodes = n.getInt();
  rep.imported = dsc::measureGraph(*module);
  auto func = cast<func::FuncOp>(*module->getOps<func::FuncOp>().begin());
  dsc::ArtifactSpec spec;
  spec.name = name;
  spec.modelPath = model.str();
  spec.entrySymbol = options->functionName;
  spec.inputs = tensorInfos(func, func.getArgumentTypes(), "dsc.input_names",
                            "dsc.input_dtypes", "dsc.batch_inputs");
  spec.outputs = tensorInfos(func, func.getResultTypes(), "dsc.output_names",
                             "dsc.output_dtypes", "dsc.batch_outputs");
  if (auto batch = (*module)->getAttrOfType<StringAttr>("dsc.dynamic_batch"))
    spec.dynamicBatch = batch.str();

  if (!noFusion &&
      failed(runPhase("graph", dsc::buildGraphPipeline, *module)))
    return 1;
  rep.optimized = dsc::measureGraph(*module);
  auto finishReport = [&]() -> int {
    if (report)
      rep.print(outs());
    if (!reportJSON.empty()) {
      std::string error;
      auto out = openOutputFile(reportJSON, &error);
      if (!out)
        return fail("cannot write '" + reportJSON + "': " + error);
      out->os() << formatv("{0:2}", rep.toJSON()) << "\n";
      out->keep();
    }
    return 0;
  };
  auto stopHere = [&](dsc::Phase phase) {
    return stopAt && *stopAt == phase;
  };
  if (!stopHere(dsc::Phase::DSC)) {
    if (failed(runPhase(
            "linalg",
            [&](OpPassManager &pm) {
              dsc::buildLinalgPipeline(pm, *precision,
                                       target->bf16Dot && !noVectorize,
                                       noVectorize ? 0 : target->vectorBits,
                                       target->amx && !noAMX, f32Activations);
            },
            *module)))
      return 1;
    rep.readPrecision(*module);
    if (!stopHere(dsc::Phase::Linalg) &&
        failed(runPhase(
            "lower",
            [&](OpPassManager &pm) {
              dsc::CodegenOptions codegen;
              codegen.vectorBits = noVectorize ? 0 : target->vectorBits;
              codegen.bf16Dot = target->bf16Dot;
              codegen.amx = target->amx && !noAMX;
              // x86-64 L1 data caches have 4 KB ways (32 KB 8-way, 48 KB
              // 12-way).
              if (target->kind == dsc::TargetInfo::Kind::X86_64 && !noVectorize)
                codegen.l1WayBytes = 4096;
              dsc::buildBufferizePipeline(pm, codegen);
              dsc::buildLowerToLLVMPipeline(pm, codegen);
            },
            *module)))
      return 1;
  }
  if (auto n = (*module)->getAttrOfType<IntegerAttr>("dsc.bf16_dot_kernels"))
    rep.bf16DotKernels = n.getInt();
  else if (rep.bf16Dot && !stopAt)
    rep.bf16DotKernels = 0;
  if (auto n = (*module)->getAttrOfType<IntegerAttr>("dsc.amx_kernels")) {
    rep.amxKernels = n.getInt();
    spec.usesAMX = n.getInt() > 0;
  }
  if (stopAt) {
    if (failed(printModule(*module, outputPath)))
      return 1;
    return finishReport();
  }

  auto entry = module->lookupSymbol<LLVM::LLVMFuncOp>(spec.entrySymbol);
  if (!entry)
    return fail("internal error: the entry function disappeared in lowering");
  if (auto a = entry->getAttrOfType<IntegerAttr>("dsc.arena_bytes"))
    spec.arenaBytes = a.getInt();
  if (auto a = entry->getAttrOfType<IntegerAttr>("dsc.arena_lower_bound"))
    rep.arenaLowerBound = a.getInt();
  if (auto t =
          entry->getAttrOfType<DenseI64ArrayAttr>("dsc.parallel_trip_counts"))
    spec.parallelTripCounts.assign(t.asArrayRef().begin(),
                                   t.asArrayRef().end());
  if (auto w = (*module)->getAttrOfType<IntegerAttr>("dsc.weights_bytes"))
    spec.weightsBytes = w.getInt();
  rep.arenaBytes = spec.arenaBytes;
  rep.weightsBytes = spec.weightsBytes;

  spec.weights = dsc::extractWeights(*module, name);
  SmallVector<char> object;
  if (Error e = dsc::emitObject(*module, *target, object))
    return fail(toString(std::move(e)));
  phaseDone("codegen");
  if (Error e = dsc::writeArtifacts(spec, object, *target, *toolchain, outDir))
    return fail(toString(std::move(e)));
  phaseDone("artefacts");
  return finishReport();
}

int runCompile(MLIRContext &ctx, const char *argv0) {
  std::string outDir = outputPath;
  if (outDir.empty() && compileTo.empty())
    outDir = dsc::cIdentifier(sys::path::stem(inputFile));
  return compileModel(ctx, inputFile, outDir, argv0);
}

std::string cacheRoot() {
  if (const char *dir = std::getenv("DSC_CACHE_DIR"))
    return dir;
  SmallString<256> path;
  if (const char *xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg)
    path = xdg;
  else if (!sys::path::home_directory(path))
    path = "/tmp";
  else
    sys::path::append(path, ".cache");
  sys::path::append(path, "dsc");
  return std::string(path);
}

int runRun(MLIRContext &ctx, const char *argv0) {
  if (runOutputDir.empty())
    return fail("dsc run needs --output-dir");
  auto bytes = MemoryBuffer::getFile(inputFile, false, false);
  if (!bytes)
    return fail("cannot read '" + inputFile +
                "': " + bytes.getError().message());
  // The key covers everything that changes the artefact.
  SHA256 hash;
  hash.update((*bytes)->getBuffer());
  std::string config = std::string(DSC_VERSION) + "|" + targetName + "|" +
                       cpuName + "|" + join(shapes, ",") + "|" +
                       (noVectorize ? "novec" : "vec") +
                       (noFusion ? "|nofusion" : "") + "|" + precisionName;
  hash.update(config);
  // And the compiler itself: a rebuilt dsc of the same version must not
  // reuse artefacts an older build made.
  std::string self = sys::fs::getMainExecutable(
      argv0, reinterpret_cast<void *>(&cacheRoot));
  if (auto exe = MemoryBuffer::getFile(self, false, false))
    hash.update((*exe)->getBuffer());
  std::string key = toHex(hash.final(), /*LowerCase=*/true).substr(0, 24);
  std::string name = dsc::cIdentifier(sys::path::stem(inputFile));
  SmallString<256> dir(cacheRoot());
  sys::path::append(dir, key);
  SmallString<256> runner(dir);
  sys::path::append(runner, name);
  if (!sys::fs::can_execute(runner)) {
    if (int rc = compileModel(ctx, inputFile, dir, argv0))
      return rc;
  }
  std::vector<std::string> args = {std::string(runner)};
  for (const std::string &in : runInputs)
    args.push_back("--input=" + in);
  args.push_back("--output-dir=" + runOutputDir);
  if (runRepeat)
    args.push_back("--repeat=" + std::to_string(runRepeat));
  if (runWarmup)
    args.push_back("--warmup=" + std::to_string(runWarmup));
  args.push_back("--threads=" + std::to_string(runThreads));
  // A runner for another architecture runs under qemu-user.
  Expected<dsc::TargetInfo> target =
      dsc::TargetInfo::lookup(targetName, cpuName);
  if (!target)
    return fail(toString(target.takeError()));
  std::string program(runner);
  if (!target->native) {
    std::string qemu = "qemu-" + target->arch;
    if (const char *env = std::getenv("DSC_QEMU"))
      qemu = env;
    auto found = sys::findProgramByName(qemu);
    if (!found)
      return fail("the " + target->arch + " runner needs '" + qemu +
                  "' to run on this machine (Debian: qemu-user; or set "
                  "DSC_QEMU)");
    program = *found;
    args.insert(args.begin(),
                {program, "-L", "/usr/" + target->arch + "-linux-gnu"});
  }
  SmallVector<StringRef> argv(args.begin(), args.end());
  std::string err;
  int rc = sys::ExecuteAndWait(program, argv, std::nullopt, {}, 0, 0, &err);
  if (rc < 0)
    return fail("running '" + runner + "' failed: " + err);
  return rc;
}

} // namespace

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  cl::SetVersionPrinter([](raw_ostream &os) {
    os << "dsc " << DSC_VERSION << " (MLIR/LLVM " << LLVM_VERSION_STRING
       << ")\n";
  });
  cl::HideUnrelatedOptions(dscCategory);
  cl::ParseCommandLineOptions(
      argc, argv,
      "dsc: ahead-of-time compiler for ONNX models\n\n"
      "  dsc compile model.onnx -o out/   writes out/model.h, "
      "out/libmodel.a,\n"
      "                                   out/libmodel.so and the runner "
      "out/model\n"
      "  dsc run model.onnx --input x=x.npy --output-dir res/\n"
      "  dsc import model.onnx            prints the dsc dialect\n\n"
      "Run `dsc <command> --help` for a command's options.\n");
  std::unique_ptr<MLIRContext> ctx = makeContext();
  if (importCmd)
    return runImport(*ctx);
  if (compileCmd)
    return runCompile(*ctx, argv[0]);
  if (runCmd)
    return runRun(*ctx, argv[0]);
  return fail("expected a command: compile, run or import (see dsc --help)");
}
