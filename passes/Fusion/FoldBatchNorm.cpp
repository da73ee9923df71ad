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

/// A dense constant of `type` from doubles (rounded to its element type).
Value makeConstant(PatternRewriter &rewriter, Location loc,
                   RankedTensorType type, ArrayRef<double> values) {
  return arith::ConstantOp::create(rewriter, loc, denseFloatAttr(type, values));
}

/// The per-channel factor s = scale / sqrt(var + eps) and offset
/// shift - mean * s of an inference batch norm with constant parameters.
struct BNAffine {
  SmallVector<double> s, t;
};
std::optional<BNAffine> constantAffine(BatchNormOp bn) {
  auto scale = constantFloatValues(bn.getScale());
  auto shift = constantFloatValues(bn.getBias());
  auto mean = constantFloatValues(bn.getMean());
  auto var = constantFloatValues(bn.getVariance());
  if (!scale || !shift || !mean || !var)
    return std::nullopt;
  double eps = bn.getEpsilon().convertToDouble();
  BNAffine a;
  for (size_t c = 0; c < scale->size(); ++c) {
    a.s.push_back((*scale)[c] / std::sqrt((*var)[c] + eps));
    a.t.push_back((*shift)[c] - (*mean)[c] * a.s.back());
  }
  return a;
}

/// batch_norm after a conv: output channel m's weights scale by s[m], the
/// bias becomes b * s + t.
struct FoldIntoConv : OpRewritePattern<BatchNormOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(BatchNormOp bn,
                                PatternRewriter &rewriter) const override {
    auto conv = bn.getInput().getDefiningOp<ConvOp>();
    if (!conv || !conv->hasOneUse())
      return rewriter.notifyMatchFailure(bn, "input is not a single-use conv");
    auto weights = constantFloatValues(conv.getWeight());
    std::optional<BNAffine> affine = constantAffine(bn);
    if (!weights || !affine)
      return rewriter.notifyMatchFailure(bn, "non-constant parameters");
    std::optional<SmallVector<double>> bias;
    if (conv.getBias() && !(bias = constantFloatValues(conv.getBias())))
      return rewriter.notifyMatchFailure(bn, "non-constant conv bias");

    auto wType = cast<RankedTensorType>(conv.getWeight().getType());
    int64_t m = wType.getDimSize(0);
    int64_t perChannel = wType.getNumElements() / m;
    SmallVector<double> newWeights(*weights), newBias(m);
    for (int64_t c = 0; c < m; ++c) {
      for (int64_t i = 0; i < perChannel; ++i)
        newWeights[c * perChannel + i] *= affine->s[c];
      newBias[c] = (bias ? (*bias)[c] : 0.0) * affine->s[c] + affine->t[c];
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

/// batch_norm over [M, N] after a gemm: column n of op(B) scales by s[n];
/// the new C is (beta * C - mean) * s + shift, per column when C is a
/// scalar or a row (beta becomes 1), full [M, N] otherwise.
struct FoldIntoGemm : OpRewritePattern<BatchNormOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(BatchNormOp bn,
                                PatternRewriter &rewriter) const override {
    auto gemm = bn.getInput().getDefiningOp<GemmOp>();
    if (!gemm || !gemm->hasOneUse())
      return rewriter.notifyMatchFailure(bn, "input is not a single-use gemm");
    auto b = constantFloatValues(gemm.getB());
    std::optional<BNAffine> affine = constantAffine(bn);
    if (!b || !affine)
      return rewriter.notifyMatchFailure(bn, "non-constant parameters");
    double beta = gemm.getBeta().convertToDouble();
    std::optional<SmallVector<double>> c;
    auto cType = gemm.getC() ? cast<RankedTensorType>(gemm.getC().getType())
                             : RankedTensorType();
    if (cType && beta != 0.0 && !(c = constantFloatValues(gemm.getC())))
      return rewriter.notifyMatchFailure(bn, "non-constant gemm C");

    auto type = cast<RankedTensorType>(gemm.getType());
    int64_t m = type.getDimSize(0), n = type.getDimSize(1);
    auto bType = cast<RankedTensorType>(gemm.getB().getType());
    bool transB = gemm.getTransB();
    int64_t k = transB ? bType.getDimSize(1) : bType.getDimSize(0);
    SmallVector<double> newB(*b);
    for (int64_t kk = 0; kk < k; ++kk)
      for (int64_t col = 0; col < n; ++col)
        newB[transB ? col * k + kk : kk * n + col] *= affine->s[col];

    // C broadcast to [M, N] (numpy rules), as doubles.
    auto cAt = [&](int64_t row, int64_t col) -> double {
      if (!c)
        return 0.0;
      ArrayRef<int64_t> shape = cType.getShape();
      int64_t r = shape.size() == 2 && shape[0] != 1 ? row : 0;
      int64_t cc = !shape.empty() && shape.back() != 1 ? col : 0;
      int64_t cols = shape.empty() ? 1 : shape.back();
      return (*c)[r * cols + cc];
    };
    bool perRow = cType && cType.getRank() == 2 && cType.getDimSize(0) != 1;
    SmallVector<int64_t> newCShape =
        perRow ? SmallVector<int64_t>{m, n} : SmallVector<int64_t>{n};
    SmallVector<double> newC;
    for (int64_t row = 0; row < (perRow ? m : 1); ++row)
      for (int64_t col = 0; col < n; ++col)
        newC.push_back(beta * cAt(row, col) * affine->s[col] +
                       affine->t[col]);
    Location loc = rewriter.getFusedLoc({gemm.getLoc(), bn.getLoc()});
    Type elem = type.getElementType();
    Value newBV = makeConstant(rewriter, loc, bType, newB);
    Value newCV = makeConstant(
        rewriter, loc, RankedTensorType::get(newCShape, elem), newC);
    rewriter.replaceOpWithNewOp<GemmOp>(
        bn, bn.getType(), gemm.getA(), newBV, newCV, gemm.getAlphaAttr(),
        rewriter.getF64FloatAttr(1.0), gemm.getTransAAttr(),
        gemm.getTransBAttr());
    rewriter.eraseOp(gemm);
    return success();
  }
};

struct DSCFoldBatchNormPass : impl::DSCFoldBatchNormBase<DSCFoldBatchNormPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FoldIntoConv, FoldIntoGemm>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
} // namespace dsc
