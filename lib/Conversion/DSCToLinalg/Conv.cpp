//===- Conv.cpp - dsc.conv to linalg --------------------------------------===//
//
// One generic for every rank and group count: channels are split into
// [group, per-group] dimensions with expand_shape so that every loop
// appears as a plain dimension in some indexing map.
//
//===----------------------------------------------------------------------===//
#include "PopulatePatterns.h"
#include "dsc/Dialect/DSCDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace dsc {
namespace {

struct ConvLowering : OpRewritePattern<ConvOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ConvOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = getContext();
    auto inType = cast<RankedTensorType>(op.getInput().getType());
    auto wType = cast<RankedTensorType>(op.getWeight().getType());
    auto outType = cast<RankedTensorType>(op.getType());
    Type elem = outType.getElementType();
    int64_t k = inType.getRank() - 2, g = op.getGroup();
    int64_t n = inType.getDimSize(0), c = inType.getDimSize(1);
    int64_t m = wType.getDimSize(0), cg = c / g, mg = m / g;
    ArrayRef<int64_t> strides = op.getStrides(), dilations = op.getDilations(),
                      pads = op.getPads();

    // Zero-pad the input; split channels into [g, c/g].
    SmallVector<int64_t> low(2, 0), high(2, 0);
    low.append(pads.begin(), pads.begin() + k);
    high.append(pads.begin() + k, pads.end());
    Value x = padTensor(rewriter, loc, op.getInput(), low, high,
                        rewriter.getFloatAttr(elem, 0));
    auto xShape = cast<RankedTensorType>(x.getType()).getShape();
    SmallVector<int64_t> xgShape = {n, g, cg};
    xgShape.append(xShape.begin() + 2, xShape.end());
    SmallVector<ReassociationIndices> xReassoc = {{0}, {1, 2}};
    for (int64_t i = 0; i < k; ++i)
      xReassoc.push_back({3 + i});
    Value xg = tensor::ExpandShapeOp::create(
        rewriter, loc, RankedTensorType::get(xgShape, elem), x, xReassoc);

    SmallVector<int64_t> wgShape = {g, mg, cg};
    wgShape.append(wType.getShape().begin() + 2, wType.getShape().end());
    SmallVector<ReassociationIndices> wReassoc = {{0, 1}, {2}};
    for (int64_t i = 0; i < k; ++i)
      wReassoc.push_back({3 + i});
    Value wg = tensor::ExpandShapeOp::create(
        rewriter, loc, RankedTensorType::get(wgShape, elem), op.getWeight(),
        wReassoc);

    // Output [n, g, m/g, o...], initialized with the bias (or zero).
    SmallVector<int64_t> ogShape = {n, g, mg};
    ogShape.append(outType.getShape().begin() + 2, outType.getShape().end());
    auto ogType = RankedTensorType::get(ogShape, elem);
    Value init;
    if (Value bias = op.getBias()) {
      Value biasG = tensor::ExpandShapeOp::create(
          rewriter, loc, RankedTensorType::get({g, mg}, elem), bias,
          SmallVector<ReassociationIndices>{{0, 1}});
      SmallVector<AffineExpr> biasExprs = {getAffineDimExpr(1, ctx),
                                           getAffineDimExpr(2, ctx)};
      Value empty = tensor::EmptyOp::create(rewriter, loc, ogShape, elem);
      SmallVector<AffineMap> maps = {
          AffineMap::get(ogType.getRank(), 0, biasExprs, ctx),
          rewriter.getMultiDimIdentityMap(ogType.getRank())};
      init = linalg::GenericOp::create(
                 rewriter, loc, TypeRange{ogType}, ValueRange{biasG},
                 ValueRange{empty}, maps,
                 SmallVector<utils::IteratorType>(
                     ogType.getRank(), utils::IteratorType::parallel),
                 [](OpBuilder &b, Location l, ValueRange args) {
                   linalg::YieldOp::create(b, l, args[0]);
                 })
                 .getResult(0);
    } else {
      init = buildFilled(rewriter, loc, ogType, rewriter.getFloatAttr(elem, 0));
    }

    // Loops: n, g, m, o_1..o_k (parallel); c, kk_1..kk_k (reduction).
    int64_t numLoops = 4 + 2 * k;
    auto d = [&](int64_t i) { return getAffineDimExpr(i, ctx); };
    SmallVector<AffineExpr> xExprs = {d(0), d(1), d(3 + k)};
    SmallVector<AffineExpr> wExprs = {d(1), d(2), d(3 + k)};
    SmallVector<AffineExpr> oExprs = {d(0), d(1), d(2)};
    for (int64_t i = 0; i < k; ++i) {
      xExprs.push_back(d(3 + i) * strides[i] + d(4 + k + i) * dilations[i]);
      wExprs.push_back(d(4 + k + i));
      oExprs.push_back(d(3 + i));
    }
    SmallVector<AffineMap> maps = {AffineMap::get(numLoops, 0, xExprs, ctx),
                                   AffineMap::get(numLoops, 0, wExprs, ctx),
                                   AffineMap::get(numLoops, 0, oExprs, ctx)};
    SmallVector<utils::IteratorType> iters(3 + k,
                                           utils::IteratorType::parallel);
    iters.append(1 + k, utils::IteratorType::reduction);
    Value acc =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{ogType}, ValueRange{xg, wg},
            ValueRange{init}, maps, iters,
            [](OpBuilder &b, Location l, ValueRange args) {
              Value p = arith::MulFOp::create(b, l, args[0], args[1]);
              linalg::YieldOp::create(
                  b, l, arith::AddFOp::create(b, l, args[2], p).getResult());
            })
            .getResult(0);

    SmallVector<ReassociationIndices> oReassoc = {{0}, {1, 2}};
    for (int64_t i = 0; i < k; ++i)
      oReassoc.push_back({3 + i});
    rewriter.replaceOpWithNewOp<tensor::CollapseShapeOp>(op, outType, acc,
                                                         oReassoc);
    return success();
  }
};

} // namespace

void populateConvPatterns(RewritePatternSet &patterns) {
  patterns.add<ConvLowering>(patterns.getContext());
}

} // namespace dsc
