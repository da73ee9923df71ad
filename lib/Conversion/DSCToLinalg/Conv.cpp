//===- Conv.cpp - dsc.conv and dsc.conv_transpose to linalg ---------------===//
//
// One linalg.generic per convolution, any rank: ungrouped and depthwise
// convolutions index channels directly; other group counts split channels
// into [group, per-group] dimensions. A transposed convolution becomes a
// convolution of its zero-inserted input with flipped weights.
//
//===----------------------------------------------------------------------===//
#include "PopulatePatterns.h"
#include "dsc/Dialect/DSCDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"

#include <cstring>

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
LogicalResult lowerDirectConv(ConvOp op, PatternRewriter &rewriter) {
  auto inType = cast<RankedTensorType>(op.getInput().getType());
  auto wType = cast<RankedTensorType>(op.getWeight().getType());
  int64_t g = op.getGroup(), c = inType.getDimSize(1);
  int64_t m = wType.getDimSize(0);
  bool depthwise = g > 1 && c == g && m == g;
  if (g != 1 && !depthwise)
    return failure();
  Location loc = op.getLoc();
  MLIRContext *ctx = rewriter.getContext();
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
  Value init = buildConvInit(rewriter, loc, op.getBias(), outType, {d(1)});
  rewriter.replaceOp(op,
                     buildConvGeneric(rewriter, loc, x, op.getWeight(), init,
                                      maps, numParallel, numReduction));
  return success();
}

/// Any group count: channels are split into [group, per-group] dimensions
/// with expand_shape so that every loop appears as a plain dimension in some
/// indexing map.
void lowerGroupedConv(ConvOp op, PatternRewriter &rewriter) {
  Location loc = op.getLoc();
  MLIRContext *ctx = rewriter.getContext();
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
  Value wg = tensor::ExpandShapeOp::create(rewriter, loc,
                                           RankedTensorType::get(wgShape, elem),
                                           op.getWeight(), wReassoc);

  // Output [n, g, m/g, o...], initialized with the bias (or zero).
  SmallVector<int64_t> ogShape = {n, g, mg};
  ogShape.append(outType.getShape().begin() + 2, outType.getShape().end());
  auto ogType = RankedTensorType::get(ogShape, elem);
  Value biasG;
  if (Value bias = op.getBias())
    biasG = tensor::ExpandShapeOp::create(
        rewriter, loc, RankedTensorType::get({g, mg}, elem), bias,
        SmallVector<ReassociationIndices>{{0, 1}});
  Value init =
      buildConvInit(rewriter, loc, biasG, ogType,
                    {getAffineDimExpr(1, ctx), getAffineDimExpr(2, ctx)});

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
  Value acc = buildConvGeneric(rewriter, loc, xg, wg, init, maps, 3 + k, 1 + k);

  SmallVector<ReassociationIndices> oReassoc = {{0}, {1, 2}};
  for (int64_t i = 0; i < k; ++i)
    oReassoc.push_back({3 + i});
  rewriter.replaceOpWithNewOp<tensor::CollapseShapeOp>(op, outType, acc,
                                                       oReassoc);
}

struct DirectConvLowering : OpRewritePattern<ConvOp> {
  DirectConvLowering(MLIRContext *ctx)
      : OpRewritePattern<ConvOp>(ctx, /*benefit=*/2) {}
  LogicalResult matchAndRewrite(ConvOp op,
                                PatternRewriter &rewriter) const override {
    return lowerDirectConv(op, rewriter);
  }
};

struct ConvLowering : OpRewritePattern<ConvOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ConvOp op,
                                PatternRewriter &rewriter) const override {
    lowerGroupedConv(op, rewriter);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// ConvTranspose
//===----------------------------------------------------------------------===//

/// ConvTranspose weights [C, M/g, K...] as the equivalent convolution's
/// [M, C/g, K...], kernel flipped: wc[g*Mg + m, c, k] = w[g*Cg + c, m,
/// K-1-k]. Constant weights (the usual case) are rearranged at compile time;
/// others by a linalg.generic.
Value convWeightsOfTranspose(PatternRewriter &rewriter, Location loc, Value w,
                             int64_t group) {
  auto wType = cast<RankedTensorType>(w.getType());
  Type elem = wType.getElementType();
  ArrayRef<int64_t> kernel = wType.getShape().drop_front(2);
  int64_t k = kernel.size(), c = wType.getDimSize(0);
  int64_t cg = c / group, mg = wType.getDimSize(1), m = mg * group;
  SmallVector<int64_t> outShape = {m, cg};
  outShape.append(kernel.begin(), kernel.end());
  auto outType = RankedTensorType::get(outShape, elem);

  DenseElementsAttr dense;
  if (matchPattern(w, m_Constant(&dense)) && elem.isIntOrFloat() &&
      elem.getIntOrFloatBitWidth() % 8 == 0) {
    if (dense.isSplat())
      return arith::ConstantOp::create(
          rewriter, loc,
          SplatElementsAttr::get(outType, dense.getSplatValue<Attribute>()));
    int64_t eb = elem.getIntOrFloatBitWidth() / 8;
    int64_t kernelSize = 1;
    for (int64_t s : kernel)
      kernelSize *= s;
    ArrayRef<char> raw = dense.getRawData();
    std::vector<char> out(outType.getNumElements() * eb);
    SmallVector<int64_t> kIdx(k, 0);
    int64_t dst = 0;
    for (int64_t om = 0; om < m; ++om) {
      int64_t g = om / mg, mm = om % mg;
      for (int64_t ci = 0; ci < cg; ++ci) {
        int64_t base = ((g * cg + ci) * mg + mm) * kernelSize;
        // Kernel positions in row-major order; the source is the mirrored
        // position (linear index kernelSize - 1 - j flips every axis).
        for (int64_t j = 0; j < kernelSize; ++j, ++dst)
          std::memcpy(&out[dst * eb],
                      raw.data() + (base + kernelSize - 1 - j) * eb, eb);
      }
    }
    return arith::ConstantOp::create(
        rewriter, loc, DenseElementsAttr::getFromRawBuffer(outType, out));
  }

  // [C, Mg, K...] -> [g, Cg, Mg, K...]; a generic over [g, Mg, Cg, K...]
  // reads it transposed and flipped; collapse to [M, Cg, K...].
  MLIRContext *ctx = rewriter.getContext();
  SmallVector<int64_t> wgShape = {group, cg, mg};
  wgShape.append(kernel.begin(), kernel.end());
  SmallVector<ReassociationIndices> inReassoc = {{0, 1}, {2}};
  for (int64_t i = 0; i < k; ++i)
    inReassoc.push_back({3 + i});
  Value wg = tensor::ExpandShapeOp::create(
      rewriter, loc, RankedTensorType::get(wgShape, elem), w, inReassoc);
  SmallVector<int64_t> ogShape = {group, mg, cg};
  ogShape.append(kernel.begin(), kernel.end());
  auto ogType = RankedTensorType::get(ogShape, elem);
  int64_t numLoops = 3 + k;
  auto d = [&](int64_t i) { return getAffineDimExpr(i, ctx); };
  SmallVector<AffineExpr> inExprs = {d(0), d(2), d(1)};
  for (int64_t i = 0; i < k; ++i)
    inExprs.push_back(getAffineConstantExpr(kernel[i] - 1, ctx) - d(3 + i));
  SmallVector<AffineMap> maps = {AffineMap::get(numLoops, 0, inExprs, ctx),
                                 rewriter.getMultiDimIdentityMap(numLoops)};
  Value empty = tensor::EmptyOp::create(rewriter, loc, ogShape, elem);
  Value flipped =
      linalg::GenericOp::create(rewriter, loc, TypeRange{ogType},
                                ValueRange{wg}, ValueRange{empty}, maps,
                                SmallVector<utils::IteratorType>(
                                    numLoops, utils::IteratorType::parallel),
                                [](OpBuilder &b, Location l, ValueRange args) {
                                  linalg::YieldOp::create(b, l, args[0]);
                                })
          .getResult(0);
  SmallVector<ReassociationIndices> outReassoc = {{0, 1}, {2}};
  for (int64_t i = 0; i < k; ++i)
    outReassoc.push_back({3 + i});
  return tensor::CollapseShapeOp::create(rewriter, loc, outType, flipped,
                                         outReassoc);
}

int64_t ceilDivPositive(int64_t a, int64_t b) { return (a + b - 1) / b; }
int64_t floorDivSigned(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

/// A transposed convolution is the stride-1 convolution, with the same
/// dilations and the flipped, transposed weights, of its input with
/// stride - 1 zeros inserted between neighbours and (K - 1) * d - pad_begin
/// zeros before it (negative: cropped). The zero-inserted, padded input is
/// built with one strided tensor.insert_slice into zeros (or a tensor.pad
/// for stride 1), and the convolution is a dsc.conv lowered at once, so it
/// is the same contraction generic as any convolution and gets the same
/// kernels.
struct ConvTransposeLowering : OpRewritePattern<ConvTransposeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ConvTransposeOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto inType = cast<RankedTensorType>(op.getInput().getType());
    auto wType = cast<RankedTensorType>(op.getWeight().getType());
    auto outType = cast<RankedTensorType>(op.getType());
    Type elem = outType.getElementType();
    int64_t k = inType.getRank() - 2;
    int64_t n = inType.getDimSize(0), c = inType.getDimSize(1);
    ArrayRef<int64_t> strides = op.getStrides(), pads = op.getPads(),
                      dilations = op.getDilations();

    // Per spatial dimension: the padded length, where input element 0
    // lands (`low`, may be negative), and the input range [first, first +
    // count) that lands inside.
    SmallVector<int64_t> padded, low, first, count;
    bool empty = false, plain = true;
    for (int64_t i = 0; i < k; ++i) {
      int64_t span = (wType.getDimSize(2 + i) - 1) * dilations[i];
      int64_t in = inType.getDimSize(2 + i), s = strides[i];
      padded.push_back(outType.getDimSize(2 + i) + span);
      low.push_back(span - pads[i]);
      int64_t f = low[i] >= 0 ? 0 : ceilDivPositive(-low[i], s);
      int64_t last =
          std::min(in - 1, floorDivSigned(padded[i] - 1 - low[i], s));
      first.push_back(f);
      count.push_back(last - f + 1);
      empty |= count[i] <= 0;
      plain &= s == 1 && low[i] >= 0 && f == 0 && count[i] == in;
    }
    if (empty) {
      // No input element reaches the output: bias (or zero) only.
      auto d1 = getAffineDimExpr(1, getContext());
      rewriter.replaceOp(
          op, buildConvInit(rewriter, loc, op.getBias(), outType, {d1}));
      return success();
    }

    Value x = op.getInput();
    TypedAttr zero = rewriter.getFloatAttr(elem, 0);
    if (plain) {
      SmallVector<int64_t> lo = {0, 0}, hi = {0, 0};
      for (int64_t i = 0; i < k; ++i) {
        lo.push_back(low[i]);
        hi.push_back(padded[i] - low[i] - inType.getDimSize(2 + i));
      }
      x = padTensor(rewriter, loc, x, lo, hi, zero);
    } else {
      SmallVector<OpFoldResult> offsets(2, rewriter.getIndexAttr(0)),
          sizes = {rewriter.getIndexAttr(n), rewriter.getIndexAttr(c)},
          ones(2 + k, rewriter.getIndexAttr(1));
      SmallVector<int64_t> sliceShape = {n, c};
      bool whole = true;
      for (int64_t i = 0; i < k; ++i) {
        offsets.push_back(rewriter.getIndexAttr(first[i]));
        sizes.push_back(rewriter.getIndexAttr(count[i]));
        sliceShape.push_back(count[i]);
        whole &= first[i] == 0 && count[i] == inType.getDimSize(2 + i);
      }
      if (!whole)
        x = tensor::ExtractSliceOp::create(
            rewriter, loc, RankedTensorType::get(sliceShape, elem), x, offsets,
            sizes, ones);
      SmallVector<int64_t> paddedShape = {n, c};
      paddedShape.append(padded.begin(), padded.end());
      Value zeros = buildFilled(rewriter, loc,
                                RankedTensorType::get(paddedShape, elem), zero);
      SmallVector<OpFoldResult> at(2, rewriter.getIndexAttr(0)),
          steps(2, rewriter.getIndexAttr(1));
      for (int64_t i = 0; i < k; ++i) {
        at.push_back(rewriter.getIndexAttr(low[i] + first[i] * strides[i]));
        steps.push_back(rewriter.getIndexAttr(strides[i]));
      }
      x = tensor::InsertSliceOp::create(rewriter, loc, x, zeros, at, sizes,
                                        steps);
    }

    Value wc =
        convWeightsOfTranspose(rewriter, loc, op.getWeight(), op.getGroup());
    SmallVector<int64_t> unit(k, 1), none(2 * k, 0);
    auto conv = ConvOp::create(rewriter, loc, outType, x, wc, op.getBias(),
                               unit, none, dilations, op.getGroup());
    rewriter.replaceOp(op, conv.getResult());
    if (failed(lowerDirectConv(conv, rewriter)))
      lowerGroupedConv(conv, rewriter);
    return success();
  }
};

} // namespace

void populateConvPatterns(RewritePatternSet &patterns) {
  patterns.add<DirectConvLowering, ConvLowering, ConvTransposeLowering>(
      patterns.getContext());
}

} // namespace dsc
