//===- Conv.cpp - dsc.conv and dsc.conv_transpose to linalg ---------------===//
//
// One linalg.generic per convolution, any rank: ungrouped and depthwise
// convolutions index channels directly; other group counts split channels
// into [group, per-group] dimensions. A transposed convolution becomes one
// such convolution per stride phase, with flipped, transposed sub-kernels.
//
//===----------------------------------------------------------------------===//
#include "PopulatePatterns.h"
#include "dsc/Dialect/DSCDialect.h"
#include "dsc/Dialect/Utils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"

#include <algorithm>
#include <cstring>
#include <numeric>

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
  return buildContraction(rewriter, loc, x, w, init, maps, numParallel,
                          numReduction, "Conv");
}

/// Ungrouped and depthwise (one input and one output channel per group)
/// convolutions index channels directly: loops n, m, o_1..o_k (parallel),
/// [c,] kk_1..kk_k (reduction). The output keeps the result's shape, so an
/// epilogue over the result iterates the same space and the loop nests fuse.
FailureOr<Value> buildDirectConv(ConvOp op, PatternRewriter &rewriter) {
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
  return buildConvGeneric(rewriter, loc, x, op.getWeight(), init, maps,
                          numParallel, numReduction);
}

/// Any group count: channels are split into [group, per-group] dimensions
/// with expand_shape so that every loop appears as a plain dimension in some
/// indexing map.
Value buildGroupedConv(ConvOp op, PatternRewriter &rewriter) {
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
  return tensor::CollapseShapeOp::create(rewriter, loc, outType, acc, oReassoc);
}

/// The convolution `op` computes (ungrouped and depthwise ones directly).
Value buildConv(ConvOp op, PatternRewriter &rewriter) {
  FailureOr<Value> direct = buildDirectConv(op, rewriter);
  return succeeded(direct) ? *direct : buildGroupedConv(op, rewriter);
}

struct DirectConvLowering : OpRewritePattern<ConvOp> {
  DirectConvLowering(MLIRContext *ctx)
      : OpRewritePattern<ConvOp>(ctx, /*benefit=*/2) {}
  LogicalResult matchAndRewrite(ConvOp op,
                                PatternRewriter &rewriter) const override {
    FailureOr<Value> conv = buildDirectConv(op, rewriter);
    if (failed(conv))
      return failure();
    rewriter.replaceOp(op, *conv);
    return success();
  }
};

struct ConvLowering : OpRewritePattern<ConvOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ConvOp op,
                                PatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, buildGroupedConv(op, rewriter));
    return success();
  }
};

//===----------------------------------------------------------------------===//
// ConvTranspose
//===----------------------------------------------------------------------===//

/// ConvTranspose weights [C, M/g, K...] as a convolution's [M, C/g, T...]:
/// wc[g*Mg + m, c, t] = w[g*Cg + c, m, first - t * step] per spatial
/// dimension (first = K - 1 and step = 1 flip the whole kernel; a stride
/// phase takes every step-th tap). Constant weights (the usual case) are
/// rearranged at compile time; others by a linalg.generic.
Value convWeightsOfTranspose(PatternRewriter &rewriter, Location loc, Value w,
                             int64_t group, ArrayRef<int64_t> first,
                             ArrayRef<int64_t> step, ArrayRef<int64_t> taps) {
  auto wType = cast<RankedTensorType>(w.getType());
  Type elem = wType.getElementType();
  ArrayRef<int64_t> kernel = wType.getShape().drop_front(2);
  int64_t k = kernel.size(), c = wType.getDimSize(0);
  int64_t cg = c / group, mg = wType.getDimSize(1), m = mg * group;
  SmallVector<int64_t> outShape = {m, cg};
  outShape.append(taps.begin(), taps.end());
  auto outType = RankedTensorType::get(outShape, elem);

  DenseElementsAttr dense;
  if (matchPattern(w, m_Constant(&dense)) && elem.isIntOrFloat() &&
      elem.getIntOrFloatBitWidth() % 8 == 0) {
    if (dense.isSplat())
      return arith::ConstantOp::create(
          rewriter, loc,
          SplatElementsAttr::get(outType, dense.getSplatValue<Attribute>()));
    int64_t eb = elem.getIntOrFloatBitWidth() / 8;
    int64_t kernelSize = 1, tapCount = 1;
    for (int64_t i = 0; i < k; ++i) {
      kernelSize *= kernel[i];
      tapCount *= taps[i];
    }
    // The source kernel offset of every tap, in row-major tap order.
    SmallVector<int64_t> tapOffsets, t(k, 0);
    for (int64_t j = 0; j < tapCount; ++j) {
      int64_t offset = 0;
      for (int64_t i = 0; i < k; ++i)
        offset = offset * kernel[i] + first[i] - t[i] * step[i];
      tapOffsets.push_back(offset);
      for (int64_t i = k - 1; i >= 0; --i) {
        if (++t[i] < taps[i])
          break;
        t[i] = 0;
      }
    }
    ArrayRef<char> raw = dense.getRawData();
    std::vector<char> out(outType.getNumElements() * eb);
    int64_t dst = 0;
    for (int64_t om = 0; om < m; ++om) {
      int64_t g = om / mg, mm = om % mg;
      for (int64_t ci = 0; ci < cg; ++ci) {
        int64_t base = ((g * cg + ci) * mg + mm) * kernelSize;
        for (int64_t offset : tapOffsets)
          std::memcpy(&out[dst++ * eb], raw.data() + (base + offset) * eb, eb);
      }
    }
    return arith::ConstantOp::create(
        rewriter, loc, DenseElementsAttr::getFromRawBuffer(outType, out));
  }

  // [C, Mg, K...] -> [g, Cg, Mg, K...]; a generic over [g, Mg, Cg, T...]
  // reads it transposed and at the taps; collapse to [M, Cg, T...].
  MLIRContext *ctx = rewriter.getContext();
  SmallVector<int64_t> wgShape = {group, cg, mg};
  wgShape.append(kernel.begin(), kernel.end());
  SmallVector<ReassociationIndices> inReassoc = {{0, 1}, {2}};
  for (int64_t i = 0; i < k; ++i)
    inReassoc.push_back({3 + i});
  Value wg = tensor::ExpandShapeOp::create(
      rewriter, loc, RankedTensorType::get(wgShape, elem), w, inReassoc);
  SmallVector<int64_t> ogShape = {group, mg, cg};
  ogShape.append(taps.begin(), taps.end());
  auto ogType = RankedTensorType::get(ogShape, elem);
  int64_t numLoops = 3 + k;
  auto d = [&](int64_t i) { return getAffineDimExpr(i, ctx); };
  SmallVector<AffineExpr> inExprs = {d(0), d(2), d(1)};
  for (int64_t i = 0; i < k; ++i)
    inExprs.push_back(getAffineConstantExpr(first[i], ctx) -
                      d(3 + i) * step[i]);
  SmallVector<AffineMap> maps = {AffineMap::get(numLoops, 0, inExprs, ctx),
                                 rewriter.getMultiDimIdentityMap(numLoops)};
  Value empty = tensor::EmptyOp::create(rewriter, loc, ogShape, elem);
  Value picked =
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
  return tensor::CollapseShapeOp::create(rewriter, loc, outType, picked,
                                         outReassoc);
}

/// One stride phase of one spatial dimension: the outputs offset, offset +
/// stride, ... (`count` of them) as a stride-1 convolution: phase output q
/// reads input q + start + t * dilation at conv tap t, which is the
/// transposed convolution's tap first - t * step.
struct Phase {
  int64_t offset = 0, count = 0;
  int64_t taps = 0, first = 0, step = 1, start = 0, dilation = 1;
};

Phase phaseOf(int64_t r, int64_t out, int64_t stride, int64_t kernel,
              int64_t dilation, int64_t padBegin) {
  // Output o = i * s + kk * d - pad. For o = r + q * s, tap kk reaches it
  // from input i = q + (r + pad - kk * d) / s when s divides r + pad - kk *
  // d: every (s / gcd(s, d))-th tap, consecutive ones d / gcd inputs apart.
  Phase p;
  p.offset = r;
  p.count = (out - r + stride - 1) / stride;
  int64_t g = std::gcd(stride, dilation);
  int64_t kFirst = -1, kLast = -1;
  for (int64_t kk = 0; kk < kernel; ++kk)
    if ((r + padBegin - kk * dilation) % stride == 0) {
      kFirst = kFirst < 0 ? kk : kFirst;
      kLast = kk;
    }
  if (kFirst < 0)
    return p;
  p.step = stride / g;
  p.taps = (kLast - kFirst) / p.step + 1;
  // Conv tap 0 is the last transposed-convolution tap (smallest input).
  p.first = kLast;
  p.start = (r + padBegin - kLast * dilation) / stride;
  p.dilation = dilation / g;
  return p;
}

/// A transposed convolution splits by stride phase: the outputs congruent
/// to r modulo the stride (per spatial dimension) are a stride-1
/// convolution of the input with the taps that reach them, flipped and
/// transposed (a sub-kernel; with stride 1, the whole kernel). Each phase
/// is a dsc.conv, lowered at once into the same contraction generic as any
/// convolution (so it gets the same kernels), of the input sliced or
/// zero-padded to what the phase reads, and is inserted into the result
/// with the stride. No multiply is spent on the zeros that a convolution
/// of the zero-upsampled input would read (stride^rank times the work).
struct ConvTransposeLowering : OpRewritePattern<ConvTransposeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ConvTransposeOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto wType = cast<RankedTensorType>(op.getWeight().getType());
    auto outType = cast<RankedTensorType>(op.getType());
    Type elem = outType.getElementType();
    int64_t k = outType.getRank() - 2;
    int64_t n = outType.getDimSize(0), m = outType.getDimSize(1);
    ArrayRef<int64_t> strides = op.getStrides(), pads = op.getPads(),
                      dilations = op.getDilations();

    // min(stride, output size) phases per dimension.
    SmallVector<SmallVector<Phase>> phases(k);
    int64_t numPhases = 1;
    for (int64_t i = 0; i < k; ++i) {
      int64_t out = outType.getDimSize(2 + i);
      for (int64_t r = 0; r < std::min(strides[i], out); ++r)
        phases[i].push_back(phaseOf(r, out, strides[i], wType.getDimSize(2 + i),
                                    dilations[i], pads[i]));
      numPhases *= phases[i].size();
    }

    Value result;
    if (numPhases > 1)
      result = tensor::EmptyOp::create(rewriter, loc, outType.getShape(), elem);
    SmallVector<int64_t> pick(k, 0);
    for (int64_t p = 0; p < numPhases; ++p) {
      SmallVector<Phase> ph;
      for (int64_t i = 0; i < k; ++i)
        ph.push_back(phases[i][pick[i]]);
      for (int64_t i = k - 1; i >= 0; --i) {
        if (++pick[i] < static_cast<int64_t>(phases[i].size()))
          break;
        pick[i] = 0;
      }
      SmallVector<int64_t> phaseShape = {n, m};
      for (const Phase &q : ph)
        phaseShape.push_back(q.count);
      Value phaseOut = buildPhase(rewriter, loc, op, ph,
                                  RankedTensorType::get(phaseShape, elem));
      if (numPhases == 1) {
        result = phaseOut;
        break;
      }
      SmallVector<OpFoldResult> at(2, rewriter.getIndexAttr(0)),
          sizes = {rewriter.getIndexAttr(n), rewriter.getIndexAttr(m)},
          steps(2, rewriter.getIndexAttr(1));
      for (int64_t i = 0; i < k; ++i) {
        at.push_back(rewriter.getIndexAttr(ph[i].offset));
        sizes.push_back(rewriter.getIndexAttr(ph[i].count));
        steps.push_back(rewriter.getIndexAttr(strides[i]));
      }
      result = tensor::InsertSliceOp::create(rewriter, loc, phaseOut, result,
                                             at, sizes, steps);
    }
    rewriter.replaceOp(op, result);
    return success();
  }

  /// One phase's outputs: a stride-1 convolution, or the bias alone where
  /// no tap or no input reaches them.
  static Value buildPhase(PatternRewriter &rewriter, Location loc,
                          ConvTransposeOp op, ArrayRef<Phase> ph,
                          RankedTensorType phaseType) {
    auto inType = cast<RankedTensorType>(op.getInput().getType());
    Type elem = phaseType.getElementType();
    int64_t k = ph.size();
    // Each dimension reads inputs [start, start + len): the part inside the
    // input is sliced out, the rest zero-padded.
    SmallVector<OpFoldResult> offsets(2, rewriter.getIndexAttr(0)),
        sizes = {rewriter.getIndexAttr(inType.getDimSize(0)),
                 rewriter.getIndexAttr(inType.getDimSize(1))},
        ones(2 + k, rewriter.getIndexAttr(1));
    SmallVector<int64_t> sliceShape(inType.getShape().take_front(2));
    SmallVector<int64_t> low(2, 0), high(2, 0);
    bool whole = true;
    for (int64_t i = 0; i < k; ++i) {
      const Phase &q = ph[i];
      int64_t in = inType.getDimSize(2 + i);
      int64_t len = q.count + (q.taps - 1) * q.dilation;
      int64_t lo = std::max<int64_t>(0, q.start);
      int64_t hi = std::min(in, q.start + len);
      if (q.taps == 0 || hi <= lo)
        return buildConvInit(rewriter, loc, op.getBias(), phaseType,
                             {getAffineDimExpr(1, rewriter.getContext())});
      offsets.push_back(rewriter.getIndexAttr(lo));
      sizes.push_back(rewriter.getIndexAttr(hi - lo));
      sliceShape.push_back(hi - lo);
      low.push_back(lo - q.start);
      high.push_back(q.start + len - hi);
      whole &= lo == 0 && hi == in;
    }
    Value x = op.getInput();
    if (!whole)
      x = tensor::ExtractSliceOp::create(
          rewriter, loc, RankedTensorType::get(sliceShape, elem), x, offsets,
          sizes, ones);
    x = padTensor(rewriter, loc, x, low, high, rewriter.getFloatAttr(elem, 0));

    SmallVector<int64_t> first, step, taps, dilation;
    for (const Phase &q : ph) {
      first.push_back(q.first);
      step.push_back(q.step);
      taps.push_back(q.taps);
      dilation.push_back(q.dilation);
    }
    Value wc = convWeightsOfTranspose(rewriter, loc, op.getWeight(),
                                      op.getGroup(), first, step, taps);
    SmallVector<int64_t> unit(k, 1), none(2 * k, 0);
    auto conv = ConvOp::create(rewriter, loc, phaseType, x, wc, op.getBias(),
                               unit, none, dilation, op.getGroup());
    Value result = buildConv(conv, rewriter);
    rewriter.eraseOp(conv);
    return result;
  }
};

} // namespace

void populateConvPatterns(RewritePatternSet &patterns) {
  patterns.add<DirectConvLowering, ConvLowering, ConvTransposeLowering>(
      patterns.getContext());
}

} // namespace dsc
