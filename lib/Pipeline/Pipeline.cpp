//===- Pipeline.cpp - the phase list shared by dsc and dsc-opt ------------===//
#include "dsc/Pipeline/Pipeline.h"
#include "dsc/Conversion/Passes.h"
#include "dsc/Dialect/DSCDialect.h"
#include "dsc/Passes/Fusion/Passes.h"
#include "dsc/Target/Passes.h"

#include "mlir/Conversion/ArithToLLVM/ArithToLLVM.h"
#include "mlir/Conversion/ControlFlowToLLVM/ControlFlowToLLVM.h"
#include "mlir/Conversion/ConvertToLLVM/ToLLVMInterface.h"
#include "mlir/Conversion/FuncToLLVM/ConvertFuncToLLVM.h"
#include "mlir/Conversion/IndexToLLVM/IndexToLLVM.h"
#include "mlir/Conversion/MathToLLVM/MathToLLVM.h"
#include "mlir/Conversion/MemRefToLLVM/MemRefToLLVM.h"
#include "mlir/Conversion/VectorToLLVM/ConvertVectorToLLVM.h"
#include "mlir/Conversion/VectorToLLVM/ConvertVectorToLLVMPass.h"
#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Bufferization/Transforms/FuncBufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/Linalg/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/Passes.h"
#include "mlir/Dialect/Tensor/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/X86Vector/X86VectorDialect.h"
#include "mlir/Dialect/AMX/AMXDialect.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

namespace dsc {

std::optional<Phase> parsePhase(StringRef name) {
  if (name == "dsc")
    return Phase::DSC;
  if (name == "linalg")
    return Phase::Linalg;
  if (name == "llvm")
    return Phase::LLVM;
  return std::nullopt;
}

StringRef phaseName(Phase phase) {
  switch (phase) {
  case Phase::DSC:
    return "dsc";
  case Phase::Linalg:
    return "linalg";
  case Phase::LLVM:
    return "llvm";
  }
  return "";
}

std::optional<Precision> parsePrecision(StringRef name) {
  if (name == "fp32" || name == "f32")
    return Precision::FP32;
  if (name == "bf16")
    return Precision::BF16;
  return std::nullopt;
}

void buildLinalgPipeline(OpPassManager &pm, Precision precision, bool bf16Dot,
                         int64_t vectorBits, bool amx, bool f32Activations) {
  pm.addPass(createConvertDSCToLinalg());
  pm.addPass(createDSCVerifyStage(DSCVerifyStageOptions{"linalg"}));
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  // NHWC regions, in both precisions: with bf16 the convolutions' input
  // channels are then the innermost index vdpbf16ps pairs (no channel-pair
  // copy per convolution input).
  if (vectorBits > 0)
    pm.addPass(createDSCChannelsLast(DSCChannelsLastOptions{vectorBits}));
  if (precision == Precision::FP32 && vectorBits > 0) {
    pm.addPass(
        createDSCChannelsLastInputs(DSCChannelsLastInputsOptions{vectorBits}));
    pm.addPass(createDSCFlattenPointwiseConvs(
        DSCFlattenPointwiseConvsOptions{vectorBits}));
    // The NCHW pads the channels-last copies replaced; the reshapes between
    // a flattened 1x1 and its init and epilogue.
    pm.addPass(createCanonicalizerPass());
    // After those reshapes fold, so a flattened 1x1's residual add is its
    // epilogue's. FP32 only: with bf16, block outputs are stored only as
    // their roundings, so there is no f32 output to save.
    pm.addPass(createDSCAccumulateResiduals());
  }
  if (precision == Precision::BF16) {
    // After folding, so weights are final constants when rounded to bf16.
    pm.addPass(createDSCBF16Contractions(
        DSCBF16ContractionsOptions{bf16Dot, bf16Dot && amx, f32Activations}));
    pm.addPass(createCanonicalizerPass());
    pm.addPass(createCSEPass());
  }
  // Global poolings (no parallel loop of their own) in bands of rows.
  pm.addPass(createDSCSplitReductions());
}

void buildBufferizePipeline(OpPassManager &pm, const CodegenOptions &options) {
  pm.addPass(createDSCFlattenEmptyIO());
  pm.addPass(createDSCUnshareInits());
  // Padded feature maps: the producer writes into the padded buffer.
  pm.addPass(createDSCDecomposePads());
  pm.addPass(bufferization::createEmptyTensorEliminationPass());
  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.bufferizeFunctionBoundaries = true;
  bufferize.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  bufferize.unknownTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));
  bufferization::BufferResultsToOutParamsPassOptions outParams;
  outParams.hoistStaticAllocs = true;
  outParams.modifyPublicFunctions = true;
  pm.addPass(bufferization::createBufferResultsToOutParamsPass(outParams));
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createDSCElideOutputCopies());
  pm.addPass(createDSCCopiesToLinalg());
  if (options.l1WayBytes > 0)
    pm.addPass(
        createDSCPadRowStrides(DSCPadRowStridesOptions{options.l1WayBytes}));
  pm.addPass(createDSCPlanMemory());
}

void buildLowerToLLVMPipeline(OpPassManager &pm,
                              const CodegenOptions &options) {
  if (options.vectorBits > 0) {
    // Contractions and their init/epilogue ops as register-blocked vector
    // loop nests (the rest stays linalg for the loop lowering below).
    pm.addPass(createDSCContractionKernels(
        DSCContractionKernelsOptions{options.vectorBits, options.bf16Dot,
                                     options.bf16Dot && options.amx}));
    // The other elementwise ops as vector loops along their innermost
    // dimension.
    pm.addPass(createDSCElementwiseKernels(
        DSCElementwiseKernelsOptions{options.vectorBits}));
    pm.addPass(createCanonicalizerPass());
    pm.addPass(createCSEPass());
  }
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToParallelLoopsPass());
  pm.addPass(createDSCPromoteAccumulators());
  // A kernel's root, bias initialization and in-place epilogue iterate the
  // same space over the same buffer: one loop nest.
  pm.addPass(createDSCFuseParallelLoops());
  pm.addPass(createForallToParallelLoopPass());
  pm.addPass(createDSCOutlineParallel());
  pm.addPass(createDSCSplitVectorCarries());
  pm.addPass(createDSCLowerChecks());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  // bf16 arithmetic in f32 (LLVM would promote it the same way, but through
  // __truncsfbf2 calls on CPUs without native bf16 conversions), then the
  // conversions themselves as integer arithmetic.
  pm.addPass(math::createMathExtendToSupportedTypes());
  pm.addPass(arith::createArithEmulateUnsupportedFloats(
      arith::ArithEmulateUnsupportedFloatsOptions{{"bf16"}, "f32"}));
  pm.addPass(createDSCExpandBF16(DSCExpandBF16Options{options.bf16Dot}));
  // (512-bit vectors: the x86-64 targets with AVX-512, which has vscalefps.)
  pm.addPass(createDSCApproximateMath(
      DSCApproximateMathOptions{options.vectorBits >= 512}));
  pm.addPass(createConvertMathToLLVMPass());
  // Vector to LLVM after libm: the libm lowering unrolls vector math with
  // no LLVM intrinsic into per-lane calls (vector.extract / insert).
  pm.addPass(createConvertMathToLibmPass());
  ConvertVectorToLLVMPassOptions vectorOptions;
  vectorOptions.x86Vector = options.bf16Dot;
  vectorOptions.amx = options.bf16Dot && options.amx;
  pm.addPass(createConvertVectorToLLVMPass(vectorOptions));
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertIndexToLLVMPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  ConvertFuncToLLVMPassOptions funcOptions;
  funcOptions.useBarePtrCallConv = true;
  pm.addPass(createConvertFuncToLLVMPass(funcOptions));
  pm.addPass(createReconcileUnrealizedCastsPass());
  pm.addPass(createDSCBF16MaskedLoadsAsI16());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createDSCVerifyStage(DSCVerifyStageOptions{"llvm"}));
}

void buildGraphPipeline(OpPassManager &pm) {
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  pm.addPass(createDSCFoldBatchNorm());
  pm.addPass(createDSCFusePatterns());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  pm.addPass(createDSCFormKernels());
}

void buildPipeline(OpPassManager &pm, Phase compileTo, bool graphOpt,
                   const CodegenOptions &codegen, Precision precision,
                   bool f32Activations) {
  if (graphOpt)
    buildGraphPipeline(pm);
  if (compileTo == Phase::DSC)
    return;
  buildLinalgPipeline(pm, precision,
                      codegen.vectorBits >= 512 && codegen.bf16Dot,
                      codegen.vectorBits, codegen.amx, f32Activations);
  if (compileTo == Phase::Linalg)
    return;
  buildBufferizePipeline(pm, codegen);
  buildLowerToLLVMPipeline(pm, codegen);
}

void registerDialects(DialectRegistry &registry) {
  registry.insert<DSCDialect, affine::AffineDialect, arith::ArithDialect,
                  bufferization::BufferizationDialect, cf::ControlFlowDialect,
                  func::FuncDialect, linalg::LinalgDialect, LLVM::LLVMDialect,
                  math::MathDialect, memref::MemRefDialect, scf::SCFDialect,
                  tensor::TensorDialect, vector::VectorDialect,
                  x86vector::X86VectorDialect, amx::AMXDialect>();
  arith::registerBufferizableOpInterfaceExternalModels(registry);
  bufferization::func_ext::registerBufferizableOpInterfaceExternalModels(
      registry);
  linalg::registerBufferizableOpInterfaceExternalModels(registry);
  tensor::registerBufferizableOpInterfaceExternalModels(registry);
  arith::registerConvertArithToLLVMInterface(registry);
  registerConvertFuncToLLVMInterface(registry);
  registerConvertMemRefToLLVMInterface(registry);
  cf::registerConvertControlFlowToLLVMInterface(registry);
  registerConvertMathToLLVMInterface(registry);
  index::registerConvertIndexToLLVMInterface(registry);
  vector::registerConvertVectorToLLVMInterface(registry);
}

namespace {
struct PipelineOptions : public PassPipelineOptions<PipelineOptions> {
  Option<std::string> compileTo{
      *this, "compile-to",
      llvm::cl::desc("Last phase: dsc, linalg or llvm (default llvm)"),
      llvm::cl::init("llvm")};
  Option<bool> graphOpt{*this, "graph-opt",
                        llvm::cl::desc("Run the dsc-level graph "
                                       "optimizations first (default true)"),
                        llvm::cl::init(true)};
  Option<int64_t> vectorBits{
      *this, "vector-bits",
      llvm::cl::desc("Vector register width for contraction kernels (0: "
                     "leave them to the loop lowering)"),
      llvm::cl::init(512)};
  Option<std::string> precision{
      *this, "precision",
      llvm::cl::desc("MatMul/Gemm/Conv arithmetic: fp32, or bf16 (bf16 "
                     "inputs, f32 accumulation)"),
      llvm::cl::init("fp32")};
  Option<bool> bf16Dot{
      *this, "bf16-dot",
      llvm::cl::desc("The target has AVX512-BF16 (vdpbf16ps for bf16 "
                     "contractions; default false)"),
      llvm::cl::init(false)};
  Option<bool> amx{*this, "amx",
                   llvm::cl::desc("The target has AMX-BF16 too (tdpbf16ps "
                                  "for the bf16 contractions that fit its "
                                  "tiles; default false)"),
                   llvm::cl::init(false)};
  Option<bool> f32Activations{
      *this, "f32-activations",
      llvm::cl::desc("With precision=bf16: residual adds and other "
                     "elementwise readers of a bf16 contraction's input read "
                     "it in f32, not its bf16 copy (default false)"),
      llvm::cl::init(false)};
  Option<int64_t> l1WayBytes{
      *this, "l1-way-bytes",
      llvm::cl::desc("Bytes of one way of the L1 data cache, for "
                     "dsc-pad-row-strides (default 4096, x86-64; 0: off)"),
      llvm::cl::init(4096)};
};
} // namespace

void registerPasses() {
  registerDSCConversionPasses();
  registerDSCTargetPasses();
  registerDSCFusionPasses();
  PassPipelineRegistration<PipelineOptions>(
      "dsc-pipeline",
      "The phases of `dsc compile` after import, up to compile-to",
      [](OpPassManager &pm, const PipelineOptions &options) {
        std::optional<Phase> phase = parsePhase(options.compileTo);
        buildPipeline(
            pm, phase.value_or(Phase::LLVM), options.graphOpt,
            CodegenOptions{options.vectorBits, options.bf16Dot, options.amx,
                           options.l1WayBytes},
            parsePrecision(options.precision).value_or(Precision::FP32),
            options.f32Activations);
      });
}

} // namespace dsc
