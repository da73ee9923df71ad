//===- ConvertDSCToLinalg.cpp - the dsc-convert-to-linalg pass ------------===//
#include "PopulatePatterns.h"
#include "dsc/Conversion/Passes.h"
#include "dsc/Dialect/DSCDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;

namespace dsc {
#define GEN_PASS_DEF_CONVERTDSCTOLINALG
#include "dsc/Conversion/Passes.h.inc"

namespace {
struct ConvertDSCToLinalgPass
    : impl::ConvertDSCToLinalgBase<ConvertDSCToLinalgPass> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    ConversionTarget target(*ctx);
    target.addIllegalDialect<DSCDialect>();
    target.addLegalDialect<arith::ArithDialect, linalg::LinalgDialect,
                           math::MathDialect, tensor::TensorDialect>();
    target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });
    RewritePatternSet patterns(ctx);
    populateElementwisePatterns(patterns);
    populateLinearPatterns(patterns);
    populateConvPatterns(patterns);
    populatePoolingPatterns(patterns);
    populateNormalizationPatterns(patterns);
    populateDataMovementPatterns(patterns);
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
} // namespace dsc
