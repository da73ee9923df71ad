//===- ApproximateMath.cpp - inline polynomial exp/tanh/erf ---------------===//
//
// Without this, every f32 exp, tanh and erf is a libm call per element:
// LLVM cannot vectorize the loop around it, and EfficientNet-B0 (SiLU)
// spent 35% of its time in glibc's expf. Upstream's polynomial
// approximations are arithmetic only, so the loops vectorize (and the
// contraction kernels' vector epilogues stay in registers).
//
//===----------------------------------------------------------------------===//
#include "dsc/Target/Passes.h"

#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

using namespace mlir;

namespace dsc {
#define GEN_PASS_DEF_DSCAPPROXIMATEMATH
#include "dsc/Target/Passes.h.inc"

namespace {
struct ApproximateMathPass
    : impl::DSCApproximateMathBase<ApproximateMathPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateMathPolynomialApproximationPatterns(
        patterns, [](StringRef name) {
          return name == "math.exp" || name == "math.tanh" ||
                 name == "math.erf";
        });
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
} // namespace dsc
