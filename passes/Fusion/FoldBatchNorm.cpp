//===- FoldBatchNorm.cpp - batch_norm folded into conv weights
//-------------===//
#include "dsc/Dialect/DSCDialect.h"
#include "dsc/Dialect/Utils.h"
#include "dsc/Passes/Fusion/Passes.h"

#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cmath>

using namespace mlir;

namespace dsc {
#define GEN_PASS_DEF_DSCFOLDBATCHNORM
#include "dsc/Passes/Fusion/Passes.h.inc"

namespace {

/// The values of a constant float tensor in double precision, or nothing.
std::optional<SmallVector<double>> constantValues(Value v) {
  DenseElementsAttr attr;
  if (!v || !matchPattern(v, m_Constant(&attr)) ||
      !isa<FloatType>(attr.getElementType()))
    return std::nullopt;
  SmallVector<double> values;
  for (const APFloat &f : attr.getValues<APFloat>())
    values.push_back(f.convertToDouble());
  return values;
}

/// A dense constant of `type` from doubles (rounded to its element type).
Value makeConstant(PatternRewriter &rewriter, Location loc,
                   RankedTensorType type, ArrayRef<double> values) {
  return arith::ConstantOp::create(rewriter, loc, denseFloatAttr(type, values));
}

struct FoldIntoConv : OpRewritePattern<BatchNormOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(BatchNormOp bn,
                                PatternRewriter &rewriter) const override {
    auto conv = bn.getInput().getDefiningOp<ConvOp>();
    if (!conv || !conv->hasOneUse())
      return rewriter.notifyMatchFailure(bn, "input is not a single-use conv");
    auto weights = constantValues(conv.getWeight());
    auto scale = constantValues(bn.getScale());
    auto shift = constantValues(bn.getBias());
    auto mean = constantValues(bn.getMean());
    auto var = constantValues(bn.getVariance());
    if (!weights || !scale || !shift || !mean || !var)
      return rewriter.notifyMatchFailure(bn, "non-constant parameters");
    std::optional<SmallVector<double>> bias;
    if (conv.getBias() && !(bias = constantValues(conv.getBias())))
      return rewriter.notifyMatchFailure(bn, "non-constant conv bias");

    auto wType = cast<RankedTensorType>(conv.getWeight().getType());
    int64_t m = wType.getDimSize(0);
    int64_t perChannel = wType.getNumElements() / m;
    double eps = bn.getEpsilon().convertToDouble();
    SmallVector<double> newWeights(*weights), newBias(m);
    for (int64_t c = 0; c < m; ++c) {
      double s = (*scale)[c] / std::sqrt((*var)[c] + eps);
      for (int64_t i = 0; i < perChannel; ++i)
        newWeights[c * perChannel + i] *= s;
      double b = bias ? (*bias)[c] : 0.0;
      newBias[c] = (b - (*mean)[c]) * s + (*shift)[c];
    }
    Location loc = rewriter.getFusedLoc({conv.getLoc(), bn.getLoc()});
    Value w = makeConstant(rewriter, loc, wType, newWeights);
    Value b = makeConstant(rewriter, loc,
                           RankedTensorType::get({m}, wType.getElementType()),
                           newBias);
    rewriter.replaceOpWithNewOp<ConvOp>(
        bn, bn.getType(), conv.getInput(), w, b, conv.getStridesAttr(),
        conv.getPadsAttr(), conv.getDilationsAttr(), conv.getGroupAttr());
    rewriter.eraseOp(conv);
    return success();
  }
};

struct DSCFoldBatchNormPass : impl::DSCFoldBatchNormBase<DSCFoldBatchNormPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FoldIntoConv>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
} // namespace dsc
