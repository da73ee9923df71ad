//===- Conv.cpp - dsc.conv to linalg --------------------------------------===//
//
// One linalg.generic per convolution, any rank: ungrouped and depthwise
// convolutions index channels directly; other group counts split channels
// into [group, per-group] dimensions.
//
//===----------------------------------------------------------------------===//
#include "PopulatePatterns.h"
#include "dsc/Dialect/DSCDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace dsc {
namespace {

/// The conv's input zero-padded by its explicit pads (a no-op without pads).
Value padConvInput(PatternRewriter &rewriter, ConvOp op) {
  auto inType = cast<RankedTensorType>(op.getInput().getType());
  int64_t k = inType.getRank() - 2;
  ArrayRef<int64_t> pads = op.getPads();
  SmallVector<int64_t> low(2, 0), high(2, 0);
  low.append(pads.begin(), pads.begin() + k);
  high.append(pads.begin() + k, pads.end());
  return padTensor(rewriter, op.getLoc(), op.getInput(), low, high,
                   rewriter.getFloatAttr(inType.getElementType(), 0));
}

/// The output initialized with the bias broadcast along dimension 1 (or
/// zero): the accumulator of the convolution generic.
Value buildConvInit(PatternRewriter &rewriter, Location loc, Value bias,
                    RankedTensorType type, ArrayRef<AffineExpr> biasExprs) {
  Type elem = type.getElementType();
  if (!bias)
    return buildFilled(rewriter, loc, type, rewriter.getFloatAttr(elem, 0));
  MLIRContext *ctx = rewriter.getContext();
  Value empty = tensor::EmptyOp::create(rewriter, loc, type.getShape(), elem);
  SmallVector<AffineMap> maps = {
      AffineMap::get(type.getRank(), 0, biasExprs, ctx),
      rewriter.getMultiDimIdentityMap(type.getRank())};
  return linalg::GenericOp::create(
             rewriter, loc, TypeRange{type}, ValueRange{bias},
             ValueRange{empty}, maps,
             SmallVector<utils::IteratorType>(type.getRank(),
                                              utils::IteratorType::parallel),
             [](OpBuilder &b, Location l, ValueRange args) {
               linalg::YieldOp::create(b, l, args[0]);
             })
      .getResult(0);
}

Value buildConvGeneric(PatternRewriter &rewriter, Location loc, Value x,
                       Value w, Value init, ArrayRef<AffineMap> maps,
                       int64_t numParallel, int64_t numReduction) {
  SmallVector<utils::IteratorType> iters(numParallel,
                                         utils::IteratorType::parallel);
  iters.append(numReduction, utils::IteratorType::reduction);
  return linalg::GenericOp::create(
             rewriter, loc, TypeRange{init.getType()}, ValueRange{x, w},
             ValueRange{init}, maps, iters,
             [](OpBuilder &b, Location l, ValueRange args) {
               Value p = arith::MulFOp::create(b, l, args[0], args[1]);
               linalg::YieldOp::create(
                   b, l, arith::AddFOp::create(b, l, args[2], p).getResult());
             })
      .getResult(0);
}

/// Ungrouped and depthwise (one input and one output channel per group)
/// convolutions index channels directly: loops n, m, o_1..o_k (parallel),
/// [c,] kk_1..kk_k (reduction). The output keeps the result's shape, so an
/// epilogue over the result iterates the same space and the loop nests fuse.
struct DirectConvLowering : OpRewritePattern<ConvOp> {
  DirectConvLowering(MLIRContext *ctx)
      : OpRewritePattern<ConvOp>(ctx, /*benefit=*/2) {}
  LogicalResult matchAndRewrite(ConvOp op,
                                PatternRewriter &rewriter) const override {
    auto inType = cast<RankedTensorType>(op.getInput().getType());
    auto wType = cast<RankedTensorType>(op.getWeight().getType());
    int64_t g = op.getGroup(), c = inType.getDimSize(1);
    int64_t m = wType.getDimSize(0);
    bool depthwise = g > 1 && c == g && m == g;
    if (g != 1 && !depthwise)
      return failure();
    Location loc = op.getLoc();
    MLIRContext *ctx = getContext();
    auto outType = cast<RankedTensorType>(op.getType());
    int64_t k = inType.getRank() - 2;
    ArrayRef<int64_t> strides = op.getStrides(), dilations = op.getDilations();
    Value x = padConvInput(rewriter, op);

    auto d = [&](int64_t i) { return getAffineDimExpr(i, ctx); };
    int64_t numParallel = 2 + k, numReduction = k + (depthwise ? 0 : 1);
    int64_t firstKernelDim = numParallel + (depthwise ? 0 : 1);
    AffineExpr chan = depthwise ? d(1) : d(numParallel);
    SmallVector<AffineExpr> xExprs = {d(0), chan};
    SmallVector<AffineExpr> wExprs = {
        d(1), depthwise ? getAffineConstantExpr(0, ctx) : chan};
    SmallVector<AffineExpr> oExprs = {d(0), d(1)};
    for (int64_t i = 0; i < k; ++i) {
      xExprs.push_back(d(2 + i) * strides[i] +
                       d(firstKernelDim + i) * dilations[i]);
      wExprs.push_back(d(firstKernelDim + i));
      oExprs.push_back(d(2 + i));
    }
    int64_t numLoops = numParallel + numReduction;
    SmallVector<AffineMap> maps = {AffineMap::get(numLoops, 0, xExprs, ctx),
                                   AffineMap::get(numLoops, 0, wExprs, ctx),
                                   AffineMap::get(numLoops, 0, oExprs, ctx)};
    Value init =
        buildConvInit(rewriter, loc, op.getBias(), outType, {d(1)});
    rewriter.replaceOp(op, buildConvGeneric(rewriter, loc, x, op.getWeight(),
                                            init, maps, numParallel,
                                            numReduction));
    return success();
  }
};

/// Any group count: channels are split into [group, per-group] dimensions
/// with expand_shape so that every loop appears as a plain dimension in some
/// indexing map.
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
    ArrayRef<int64_t> strides = op.getStrides(), dilations = op.getDilations();

    // Zero-pad the input; split channels into [g, c/g].
    Value x = padConvInput(rewriter, op);
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
    Value biasG;
    if (Value bias = op.getBias())
      biasG = tensor::ExpandShapeOp::create(
          rewriter, loc, RankedTensorType::get({g, mg}, elem), bias,
          SmallVector<ReassociationIndices>{{0, 1}});
    Value init = buildConvInit(rewriter, loc, biasG, ogType,
                               {getAffineDimExpr(1, ctx),
                                getAffineDimExpr(2, ctx)});

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
    Value acc = buildConvGeneric(rewriter, loc, xg, wg, init, maps, 3 + k,
                                 1 + k);

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
  patterns.add<DirectConvLowering, ConvLowering>(patterns.getContext());
}

} // namespace dsc
