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

/// The arithmetic of MatMul/Gemm/Conv (`--precision`): f32 throughout, or
/// bf16 inputs with f32 accumulation (everything else stays f32).
enum class Precision { FP32, BF16 };

std::optional<Precision> parsePrecision(llvm::StringRef name);

/// Graph optimizations on the dsc dialect (folding, fusion).
void buildGraphPipeline(mlir::OpPassManager &pm);
/// dsc -> linalg on tensors (stage-checked); with BF16 the MatMul/Gemm/Conv
/// contractions are rewritten to bf16 inputs here (dsc-bf16-contractions).
/// `bf16Dot`: the target has vdpbf16ps (convolution inputs in channel pairs).
/// `vectorBits`: the contraction kernels' vector width (0: none), for the
/// FP32 layout choices made on tensors (dsc-channels-last-inputs).
/// `amx`: the target has AMX-BF16 too (RGB stems stay f32).
/// `f32Activations` (BF16): elementwise readers of an activation that bf16
/// contractions read (residual adds) read it in f32 too, not its bf16 copy.
void buildLinalgPipeline(mlir::OpPassManager &pm,
                         Precision precision = Precision::FP32,
                         bool bf16Dot = false, int64_t vectorBits = 0,
                         bool amx = false, bool f32Activations = false);
/// What code generation needs from the target.
struct CodegenOptions {
  /// Vector register width for the contraction kernels (0: scalar loops).
  int64_t vectorBits = 512;
  /// The target has AVX512-BF16: bf16 contractions use vdpbf16ps.
  bool bf16Dot = false;
  /// The target has AMX-BF16 too: bf16 contractions that fit its tiles use
  /// tdpbf16ps (the generated library then asks the OS for AMX state).
  bool amx = false;
  /// Bytes of one way of the L1 data cache (4096 on x86-64): feature maps
  /// whose positions a convolution reads a multiple of it apart get one
  /// cache line more per position (dsc-pad-row-strides); 0: none.
  int64_t l1WayBytes = 0;
};

/// linalg on tensors -> bufferized, out-params, memory planned.
void buildBufferizePipeline(mlir::OpPassManager &pm,
                            const CodegenOptions &options = {});

/// planned memrefs -> LLVM dialect with bare-pointer arguments.
void buildLowerToLLVMPipeline(mlir::OpPassManager &pm,
                              const CodegenOptions &options = {});
/// Everything after import up to `compileTo` (the dsc phase ends after the
/// graph optimizations, which `graphOpt` = false skips).
void buildPipeline(mlir::OpPassManager &pm, Phase compileTo,
                   bool graphOpt = true, const CodegenOptions &codegen = {},
                   Precision precision = Precision::FP32,
                   bool f32Activations = false);

/// Every dialect dsc's pipelines use.
void registerDialects(mlir::DialectRegistry &registry);
/// dsc's own passes and the `dsc-pipeline` pipeline (for dsc-opt).
void registerPasses();

} // namespace dsc

#endif // DSC_PIPELINE_PIPELINE_H
