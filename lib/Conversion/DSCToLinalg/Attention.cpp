//===- Attention.cpp - dsc.attention to linalg ----------------------------===//
//
// scores = q @ k (one contraction), then one elementwise pass that scales
// and adds the mask (structural masks compare linalg.index values, so no
// mask tensor is read), the shared softmax, and probs @ v.
//
//===----------------------------------------------------------------------===//
#include "PopulatePatterns.h"
#include "dsc/Dialect/DSCDialect.h"
#include "dsc/Dialect/Utils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace dsc {
namespace {

/// out[b..., i, j] = sum_r lhs[b..., i, r] * rhs[b..., r, j], marked as a
/// contraction of kind "AttentionMatMul" (with --precision=bf16 it takes
/// bf16 inputs like the graph's MatMuls; the report counts it apart).
Value batchedMatmul(OpBuilder &b, Location loc, Value lhs, Value rhs,
                    RankedTensorType outType) {
  MLIRContext *ctx = b.getContext();
  int64_t rank = outType.getRank(), numLoops = rank + 1;
  auto d = [&](int64_t i) { return getAffineDimExpr(i, ctx); };
  SmallVector<AffineExpr> batch;
  for (int64_t i = 0; i < rank - 2; ++i)
    batch.push_back(d(i));
  AffineExpr i = d(rank - 2), j = d(rank - 1), r = d(rank);
  auto with = [&](AffineExpr x, AffineExpr y) {
    SmallVector<AffineExpr> e(batch);
    e.push_back(x);
    e.push_back(y);
    return AffineMap::get(numLoops, 0, e, ctx);
  };
  Value init = buildFilled(b, loc, outType,
                           b.getFloatAttr(outType.getElementType(), 0));
  return buildContraction(
      b, loc, lhs, rhs, init,
      SmallVector<AffineMap>{with(i, r), with(r, j), with(i, j)}, rank, 1,
      "AttentionMatMul");
}

struct AttentionLowering : OpRewritePattern<AttentionOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(AttentionOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto qType = cast<RankedTensorType>(op.getQ().getType());
    auto kType = cast<RankedTensorType>(op.getK().getType());
    Type elem = qType.getElementType();
    int64_t rank = qType.getRank();
    SmallVector<int64_t> scoreShape(qType.getShape().drop_back());
    scoreShape.push_back(kType.getDimSize(rank - 1));
    auto scoreType = RankedTensorType::get(scoreShape, elem);
    Value scores =
        batchedMatmul(rewriter, loc, op.getQ(), op.getK(), scoreType);

    // scores * scale + mask, in place on the scores (so that the scores'
    // contraction kernel applies it to its rows as an epilogue instead of
    // a pass of its own over them).
    StringRef kind = op.getMaskKind();
    double scale = op.getScale().convertToDouble();
    double maskValue = op.getMaskValue().convertToDouble();
    int64_t window = op.getWindow(), offset = op.getOffset();
    SmallVector<Value> ins;
    SmallVector<AffineMap> maps;
    if (Value mask = op.getMask()) {
      ins.push_back(mask);
      maps.push_back(broadcastMap(
          getContext(), cast<RankedTensorType>(mask.getType()).getShape(),
          scoreShape));
    }
    maps.push_back(rewriter.getMultiDimIdentityMap(rank));
    Value masked =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{scoreType}, ins, ValueRange{scores}, maps,
            SmallVector<utils::IteratorType>(rank,
                                             utils::IteratorType::parallel),
            [&](OpBuilder &b, Location l, ValueRange a) {
              Value v = arith::MulFOp::create(b, l, a.back(),
                                              floatConst(b, l, elem, scale));
              if (ins.size() == 1)
                v = arith::AddFOp::create(b, l, v, a[0]);
              if (kind != "none") {
                // Key j is masked for query i when j > i + offset, or, in
                // a window, when i + offset - j >= window.
                Value i = linalg::IndexOp::create(b, l, rank - 2);
                Value j = linalg::IndexOp::create(b, l, rank - 1);
                Value diag = arith::AddIOp::create(
                    b, l, i, arith::ConstantIndexOp::create(b, l, offset));
                Value cond = arith::CmpIOp::create(
                    b, l, arith::CmpIPredicate::sgt, j, diag);
                if (kind == "sliding_window") {
                  Value dist = arith::SubIOp::create(b, l, diag, j);
                  Value far = arith::CmpIOp::create(
                      b, l, arith::CmpIPredicate::sge, dist,
                      arith::ConstantIndexOp::create(b, l, window));
                  cond = arith::OrIOp::create(b, l, cond, far);
                }
                Value added = arith::AddFOp::create(
                    b, l, v, floatConst(b, l, elem, maskValue));
                v = arith::SelectOp::create(b, l, cond, added, v);
              }
              linalg::YieldOp::create(b, l, v);
            })
            .getResult(0);
    Value probs = buildSoftmax(rewriter, loc, masked, rank - 1,
                               /*zeroEmptyRows=*/true);
    rewriter.replaceOp(op, batchedMatmul(rewriter, loc, probs, op.getV(),
                                         cast<RankedTensorType>(op.getType())));
    return success();
  }
};

} // namespace

void populateAttentionPatterns(RewritePatternSet &patterns) {
  patterns.add<AttentionLowering>(patterns.getContext());
}

} // namespace dsc
