//===- Pipeline.h - the phase list shared by dsc and dsc-opt ----*- C++ -*-===//
#ifndef DSC_PIPELINE_PIPELINE_H
#define DSC_PIPELINE_PIPELINE_H

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Pass/PassManager.h"
#include <optional>

namespace dsc {

/// Where compilation stops: the dsc dialect as imported, linalg on tensors,
/// or the LLVM dialect (the last stop before object code).
enum class Phase { DSC, Linalg, LLVM };

std::optional<Phase> parsePhase(llvm::StringRef name);
llvm::StringRef phaseName(Phase phase);

/// Graph optimizations on the dsc dialect (folding, fusion).
void buildGraphPipeline(mlir::OpPassManager &pm);
/// dsc -> linalg on tensors (stage-checked).
void buildLinalgPipeline(mlir::OpPassManager &pm);
/// linalg on tensors -> bufferized, out-params, memory planned.
void buildBufferizePipeline(mlir::OpPassManager &pm);
/// What code generation needs from the target.
struct CodegenOptions {
  /// Vector register width for the contraction kernels (0: scalar loops).
  int64_t vectorBits = 512;
};

/// planned memrefs -> LLVM dialect with bare-pointer arguments.
void buildLowerToLLVMPipeline(mlir::OpPassManager &pm,
                              const CodegenOptions &options = {});
/// Everything after import up to `compileTo` (the dsc phase ends after the
/// graph optimizations, which `graphOpt` = false skips).
void buildPipeline(mlir::OpPassManager &pm, Phase compileTo,
                   bool graphOpt = true, const CodegenOptions &codegen = {});

/// Every dialect dsc's pipelines use.
void registerDialects(mlir::DialectRegistry &registry);
/// dsc's own passes and the `dsc-pipeline` pipeline (for dsc-opt).
void registerPasses();

} // namespace dsc

#endif // DSC_PIPELINE_PIPELINE_H
