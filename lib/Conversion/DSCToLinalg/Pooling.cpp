//===- Pooling.cpp - dsc pooling ops to linalg ----------------------------===//
#include "PopulatePatterns.h"
#include "dsc/Dialect/DSCDialect.h"
#include "dsc/Dialect/ShapeInference.h"
#include "dsc/Dialect/Utils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace dsc {
namespace {

struct WindowGeometry {
  int64_t in, kernel, stride, padBegin, padEnd, dilation, out;
  /// Pad needed past padEnd so that every ceil-mode window is in bounds.
  int64_t extraEnd() const {
    int64_t last = (out - 1) * stride + dilation * (kernel - 1) + 1;
    return std::max<int64_t>(0, last - (in + padBegin + padEnd));
  }
  /// Taps of window `o` that are counted by an average.
  int64_t count(int64_t o, bool includePad) const {
    int64_t lo = includePad ? -padBegin : 0, hi = includePad ? in + padEnd : in;
    int64_t n = 0;
    for (int64_t t = 0; t < kernel; ++t) {
      int64_t pos = o * stride - padBegin + t * dilation;
      n += pos >= lo && pos < hi;
    }
    return n;
  }
};

template <typename PoolOp> SmallVector<WindowGeometry> geometry(PoolOp op) {
  auto inType = cast<RankedTensorType>(op.getInput().getType());
  auto outType = cast<RankedTensorType>(op.getType());
  int64_t k = inType.getRank() - 2;
  SmallVector<WindowGeometry> dims;
  for (int64_t i = 0; i < k; ++i)
    dims.push_back({inType.getDimSize(2 + i), op.getKernelShape()[i],
                    op.getStrides()[i], op.getPads()[i], op.getPads()[k + i],
                    op.getDilations()[i], outType.getDimSize(2 + i)});
  return dims;
}

/// Pads the input with `padValue` (covering ceil-mode overhang) and reduces
/// every window with `combine`, starting from `init`.
Value buildWindowReduction(
    PatternRewriter &rewriter, Location loc, Value input,
    ArrayRef<WindowGeometry> dims, RankedTensorType outType, TypedAttr padValue,
    TypedAttr initValue,
    function_ref<Value(OpBuilder &, Location, Value, Value)> combine) {
  MLIRContext *ctx = rewriter.getContext();
  int64_t k = dims.size();
  Type elem = outType.getElementType();
  SmallVector<int64_t> low(2, 0), high(2, 0), kernel;
  for (const WindowGeometry &g : dims) {
    low.push_back(g.padBegin);
    high.push_back(g.padEnd + g.extraEnd());
    kernel.push_back(g.kernel);
  }
  Value x = padTensor(rewriter, loc, input, low, high, padValue);
  // The window tensor only carries the kernel's loop bounds.
  Value window = tensor::EmptyOp::create(rewriter, loc, kernel, elem);
  Value init = buildFilled(rewriter, loc, outType, initValue);
  int64_t numLoops = 2 + 2 * k;
  auto d = [&](int64_t i) { return getAffineDimExpr(i, ctx); };
  SmallVector<AffineExpr> xExprs = {d(0), d(1)}, wExprs, oExprs = {d(0), d(1)};
  for (int64_t i = 0; i < k; ++i) {
    xExprs.push_back(d(2 + i) * dims[i].stride +
                     d(2 + k + i) * dims[i].dilation);
    wExprs.push_back(d(2 + k + i));
    oExprs.push_back(d(2 + i));
  }
  SmallVector<AffineMap> maps = {AffineMap::get(numLoops, 0, xExprs, ctx),
                                 AffineMap::get(numLoops, 0, wExprs, ctx),
                                 AffineMap::get(numLoops, 0, oExprs, ctx)};
  SmallVector<utils::IteratorType> iters(2 + k, utils::IteratorType::parallel);
  iters.append(k, utils::IteratorType::reduction);
  return linalg::GenericOp::create(
             rewriter, loc, TypeRange{outType}, ValueRange{x, window},
             ValueRange{init}, maps, iters,
             [&](OpBuilder &b, Location l, ValueRange args) {
               linalg::YieldOp::create(b, l, combine(b, l, args[2], args[0]));
             })
      .getResult(0);
}

struct MaxPoolLowering : OpRewritePattern<MaxPoolOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MaxPoolOp op,
                                PatternRewriter &rewriter) const override {
    auto outType = cast<RankedTensorType>(op.getType());
    // Integers compare signed (the importer biases unsigned inputs).
    if (auto it = dyn_cast<IntegerType>(outType.getElementType())) {
      TypedAttr lowest = rewriter.getIntegerAttr(
          it, APInt::getSignedMinValue(it.getWidth()));
      rewriter.replaceOp(
          op, buildWindowReduction(
                  rewriter, op.getLoc(), op.getInput(), geometry(op), outType,
                  lowest, lowest,
                  [](OpBuilder &b, Location l, Value acc, Value x) -> Value {
                    return arith::MaxSIOp::create(b, l, acc, x);
                  }));
      return success();
    }
    TypedAttr lowest =
        lowestFloatAttr(cast<FloatType>(outType.getElementType()));
    Value result = buildWindowReduction(
        rewriter, op.getLoc(), op.getInput(), geometry(op), outType, lowest,
        lowest, [](OpBuilder &b, Location l, Value acc, Value x) -> Value {
          // NaN inputs lose, as in ONNX Runtime's MaxPool.
          return arith::MaxNumFOp::create(b, l, acc, x);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct AvgPoolLowering : OpRewritePattern<AvgPoolOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(AvgPoolOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto outType = cast<RankedTensorType>(op.getType());
    Type elem = outType.getElementType();
    SmallVector<WindowGeometry> dims = geometry(op);
    TypedAttr zero = rewriter.getFloatAttr(elem, 0);
    Value sum = buildWindowReduction(
        rewriter, loc, op.getInput(), dims, outType, zero, zero,
        [](OpBuilder &b, Location l, Value acc, Value x) -> Value {
          return arith::AddFOp::create(b, l, acc, x);
        });

    // Divisors are separable per spatial dimension and known at compile
    // time: one scalar when uniform, else a constant [O_1..O_k] tensor.
    bool includePad = op.getCountIncludePad();
    SmallVector<int64_t> spatial(outType.getShape().drop_front(2));
    int64_t numOut = 1;
    for (int64_t o : spatial)
      numOut *= o;
    SmallVector<float> recip(numOut);
    bool uniform = true;
    for (int64_t idx = 0; idx < numOut; ++idx) {
      int64_t rem = idx, count = 1;
      for (int64_t i = dims.size() - 1; i >= 0; --i) {
        count *= dims[i].count(rem % spatial[i], includePad);
        rem /= spatial[i];
      }
      recip[idx] = count ? 1.0f / static_cast<float>(count) : 0.0f;
      uniform &= recip[idx] == recip[0];
    }
    Value result;
    if (uniform) {
      result = buildElementwise(
          rewriter, loc, outType, {sum},
          [&](OpBuilder &b, Location l, ValueRange args) -> Value {
            return arith::MulFOp::create(b, l, args[0],
                                         floatConst(b, l, elem, recip[0]));
          });
    } else {
      // The divisors in the element type of the pooled tensor.
      SmallVector<double> values(recip.begin(), recip.end());
      Value divisors = arith::ConstantOp::create(
          rewriter, loc,
          denseFloatAttr(RankedTensorType::get(spatial, elem), values));
      result = buildElementwise(
          rewriter, loc, outType, {sum, divisors},
          [](OpBuilder &b, Location l, ValueRange args) -> Value {
            return arith::MulFOp::create(b, l, args[0], args[1]);
          });
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct GlobalAvgPoolLowering : OpRewritePattern<GlobalAvgPoolOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(GlobalAvgPoolOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = getContext();
    auto inType = cast<RankedTensorType>(op.getInput().getType());
    auto outType = cast<RankedTensorType>(op.getType());
    Type elem = outType.getElementType();
    int64_t rank = inType.getRank();
    auto ncType = RankedTensorType::get(
        {inType.getDimSize(0), inType.getDimSize(1)}, elem);
    Value init =
        buildFilled(rewriter, loc, ncType, rewriter.getFloatAttr(elem, 0));
    SmallVector<utils::IteratorType> iters(2, utils::IteratorType::parallel);
    iters.append(rank - 2, utils::IteratorType::reduction);
    SmallVector<AffineMap> maps = {
        rewriter.getMultiDimIdentityMap(rank),
        AffineMap::get(rank, 0,
                       {getAffineDimExpr(0, ctx), getAffineDimExpr(1, ctx)},
                       ctx)};
    Value sum =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{ncType}, ValueRange{op.getInput()},
            ValueRange{init}, maps, iters,
            [](OpBuilder &b, Location l, ValueRange args) {
              linalg::YieldOp::create(
                  b, l,
                  arith::AddFOp::create(b, l, args[1], args[0]).getResult());
            })
            .getResult(0);
    double count = static_cast<double>(inType.getNumElements()) /
                   (inType.getDimSize(0) * inType.getDimSize(1));
    Value mean = buildElementwise(
        rewriter, loc, ncType, {sum},
        [&](OpBuilder &b, Location l, ValueRange args) -> Value {
          return arith::DivFOp::create(b, l, args[0],
                                       floatConst(b, l, elem, count));
        });
    SmallVector<ReassociationIndices> reassoc = {{0}, {1}};
    for (int64_t i = 2; i < rank; ++i)
      reassoc.back().push_back(i);
    rewriter.replaceOpWithNewOp<tensor::ExpandShapeOp>(op, outType, mean,
                                                       reassoc);
    return success();
  }
};

} // namespace

void populatePoolingPatterns(RewritePatternSet &patterns) {
  patterns.add<MaxPoolLowering, AvgPoolLowering, GlobalAvgPoolLowering>(
      patterns.getContext());
}

} // namespace dsc
