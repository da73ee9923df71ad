//===- fuzz_import.cpp - libFuzzer target: arbitrary bytes as a model -----===//
//
// Feeds each input to the importer as an ONNX model (binary or text format,
// in memory, no external data) and, when it imports, runs dsc's graph and
// linalg phases on it. Diagnostics are swallowed: a bad model must end in an
// error, and anything else (a crash, an assertion, a sanitizer report, a
// timeout or running out of memory) is a bug. Built with -DDSC_FUZZ=ON; see
// `make fuzz`.
//
//===----------------------------------------------------------------------===//
#include "dsc/Frontend/ONNXImporter.h"
#include "dsc/Pipeline/Pipeline.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>

using namespace mlir;

namespace {

const DialectRegistry &registry() {
  static const DialectRegistry *r = [] {
    auto *reg = new DialectRegistry();
    dsc::registerDialects(*reg);
    return reg;
  }();
  return *r;
}

/// Runs one phase; diagnostics are already swallowed by the caller.
bool runPhase(MLIRContext &ctx, ModuleOp module,
              llvm::function_ref<void(OpPassManager &)> build) {
  PassManager pm(&ctx);
  build(pm);
  return succeeded(pm.run(module));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  // A fresh context per input: attributes and types are interned for the
  // context's lifetime, so a shared one would grow without bound.
  MLIRContext ctx(registry(), MLIRContext::Threading::DISABLED);
  ScopedDiagnosticHandler swallow(&ctx, [](Diagnostic &) { return success(); });
  dsc::ImportOptions options;
  llvm::StringRef bytes(reinterpret_cast<const char *>(data), size);
  OwningOpRef<ModuleOp> module = dsc::importONNXBuffer(ctx, bytes, options);
  if (!module)
    return 0;
  if (runPhase(ctx, *module, dsc::buildGraphPipeline))
    runPhase(ctx, *module, [](OpPassManager &pm) {
      dsc::buildLinalgPipeline(pm); // FP32, as `dsc compile` by default
    });
  return 0;
}
