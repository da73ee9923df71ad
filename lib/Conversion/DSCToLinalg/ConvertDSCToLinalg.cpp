//===- ConvertDSCToLinalg.cpp - the dsc-convert-to-linalg pass ------------===//
#include "PopulatePatterns.h"
#include "dsc/Conversion/Passes.h"
#include "dsc/Dialect/DSCDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

using namespace mlir;

namespace dsc {
#define GEN_PASS_DEF_CONVERTDSCTOLINALG
#include "dsc/Conversion/Passes.h.inc"

namespace {
struct ConvertDSCToLinalgPass
    : impl::ConvertDSCToLinalgBase<ConvertDSCToLinalgPass> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    hoistGuards(getOperation());
    if (failed(lowerKernels(getOperation())))
      return signalPassFailure();
    RewritePatternSet patterns(ctx);
    populateElementwisePatterns(patterns);
    populateLinearPatterns(patterns);
    populateConvPatterns(patterns);
    populatePoolingPatterns(patterns);
    populateNormalizationPatterns(patterns);
    populateDataMovementPatterns(patterns);
    populateAttentionPatterns(patterns);
    populateReductionPatterns(patterns);
    populateResizePatterns(patterns);
    populateSamplingPatterns(patterns);
    populateGuardPatterns(patterns);
    // Every pattern rewrites its op completely; an op no pattern accepts is
    // left for dsc-verify-stage, which reports it at its ONNX node.
    // Only the dsc ops are rewritten: no folding or constant hoisting, so the
    // output keeps the input's order (canonicalize runs next anyway).
    GreedyRewriteConfig config;
    config.enableFolding(false)
        .enableConstantCSE(false)
        .setRegionSimplificationLevel(GreedySimplifyRegionLevel::Disabled)
        .setStrictness(GreedyRewriteStrictness::ExistingOps);
    if (failed(
            applyPatternsGreedily(getOperation(), std::move(patterns), config)))
      signalPassFailure();
  }
};
} // namespace
} // namespace dsc
