//===- Normalization.cpp - dsc.batch_norm / dsc.softmax to linalg ---------===//
#include "PopulatePatterns.h"
#include "dsc/Dialect/DSCDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace dsc {

/// exp(x - max) * (1 / sum), three passes along `axis` (the reciprocal
/// once per row, as ONNX Runtime's MLAS scales its exps: a division per
/// element took a third of a transformer's softmax). The max starts at
/// the lowest finite value, so a row of -inf has exps 0 and sum 0; with
/// `zeroEmptyRows` such a row gives 0 instead of 0 / 0. float16/bfloat16
/// compute the exps, their sum and the quotient in f32 and round once, as
/// ONNX Runtime does (ONNX's reference sums in f32 too): a sum accumulated
/// in f16 drifts by several ulps.
Value buildSoftmax(OpBuilder &rewriter, Location loc, Value input, int64_t axis,
                   bool zeroEmptyRows) {
  auto type = cast<RankedTensorType>(input.getType());
  auto inElem = cast<FloatType>(type.getElementType());
  FloatType elem = inElem.getWidth() < 32 ? rewriter.getF32Type() : inElem;
  auto widen = [&](OpBuilder &b, Location l, Value v) -> Value {
    return v.getType() == elem ? v : arith::ExtFOp::create(b, l, elem, v);
  };
  SmallVector<int64_t> reducedShape(type.getShape());
  reducedShape.erase(reducedShape.begin() + axis);
  auto reducedType = RankedTensorType::get(reducedShape, elem);
  auto inReducedType = RankedTensorType::get(reducedShape, inElem);
  // Maps of the reduced tensors inside the full iteration space.
  MLIRContext *ctx = rewriter.getContext();
  SmallVector<AffineExpr> dropAxis;
  for (int64_t d = 0; d < type.getRank(); ++d)
    if (d != axis)
      dropAxis.push_back(getAffineDimExpr(d, ctx));
  AffineMap reducedMap = AffineMap::get(type.getRank(), 0, dropAxis, ctx);
  AffineMap id = rewriter.getMultiDimIdentityMap(type.getRank());
  SmallVector<utils::IteratorType> parallel(type.getRank(),
                                            utils::IteratorType::parallel);
  auto fullGeneric =
      [&](Value x, Value reduced, Type outElem,
          function_ref<Value(OpBuilder &, Location, Value, Value)> fn) {
        auto outType = RankedTensorType::get(type.getShape(), outElem);
        Value init =
            tensor::EmptyOp::create(rewriter, loc, type.getShape(), outElem);
        return linalg::GenericOp::create(
                   rewriter, loc, TypeRange{outType}, ValueRange{x, reduced},
                   ValueRange{init}, SmallVector<AffineMap>{id, reducedMap, id},
                   parallel,
                   [&](OpBuilder &b, Location l, ValueRange a) {
                     linalg::YieldOp::create(b, l, fn(b, l, a[0], a[1]));
                   })
            .getResult(0);
      };

  // The max is exact in the input's type.
  Value maxInit =
      buildFilled(rewriter, loc, inReducedType, lowestFloatAttr(inElem));
  Value max = buildAxisReduction(
      rewriter, loc, input, maxInit, axis,
      [](OpBuilder &b, Location l, Value acc, Value x) -> Value {
        // Which zero is the max does not matter (x - max is the same): with
        // nsz the vector max is vmaxps and a NaN check, without it also a
        // blend on the sign per vector (a third of a transformer's softmax
        // max pass).
        return arith::MaximumFOp::create(b, l, acc, x,
                                         arith::FastMathFlags::nsz);
      });
  Value exps = fullGeneric(
      input, max, elem, [&](OpBuilder &b, Location l, Value x, Value m) {
        return math::ExpOp::create(
                   b, l,
                   arith::SubFOp::create(b, l, widen(b, l, x), widen(b, l, m)))
            .getResult();
      });
  Value sumInit =
      buildFilled(rewriter, loc, reducedType, rewriter.getFloatAttr(elem, 0));
  Value sum = buildAxisReduction(
      rewriter, loc, exps, sumInit, axis,
      [](OpBuilder &b, Location l, Value acc, Value x) -> Value {
        return arith::AddFOp::create(b, l, acc, x);
      });
  SmallVector<AffineMap> reducedIds(
      2, rewriter.getMultiDimIdentityMap(reducedType.getRank()));
  Value inverse =
      linalg::GenericOp::create(
          rewriter, loc, TypeRange{reducedType}, ValueRange{sum},
          ValueRange{
              tensor::EmptyOp::create(rewriter, loc, reducedShape, elem)},
          reducedIds,
          SmallVector<utils::IteratorType>(reducedType.getRank(),
                                           utils::IteratorType::parallel),
          [&](OpBuilder &b, Location l, ValueRange a) {
            Value s = a[0];
            if (zeroEmptyRows) {
              Value zero = floatConst(b, l, elem, 0.0);
              Value empty = arith::CmpFOp::create(
                  b, l, arith::CmpFPredicate::OEQ, s, zero);
              s = arith::SelectOp::create(b, l, empty,
                                          floatConst(b, l, elem, 1.0), s);
            }
            linalg::YieldOp::create(
                b, l,
                arith::DivFOp::create(b, l, floatConst(b, l, elem, 1.0), s)
                    .getResult());
          })
          .getResult(0);
  Value result = fullGeneric(
      exps, inverse, inElem, [&](OpBuilder &b, Location l, Value e, Value r) {
        Value q = arith::MulFOp::create(b, l, e, r);
        return q.getType() == inElem
                   ? q
                   : arith::TruncFOp::create(b, l, inElem, q).getResult();
      });
  return result;
}

namespace {

struct BatchNormLowering : OpRewritePattern<BatchNormOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(BatchNormOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = getContext();
    auto type = cast<RankedTensorType>(op.getType());
    Type elem = type.getElementType();
    int64_t rank = type.getRank();
    double eps = op.getEpsilon().convertToDouble();
    AffineMap id = rewriter.getMultiDimIdentityMap(rank);
    AffineMap channel =
        AffineMap::get(rank, 0, {getAffineDimExpr(1, ctx)}, ctx);
    Value init = tensor::EmptyOp::create(rewriter, loc, type.getShape(), elem);
    Value result =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{type},
            ValueRange{op.getInput(), op.getScale(), op.getBias(), op.getMean(),
                       op.getVariance()},
            ValueRange{init},
            SmallVector<AffineMap>{id, channel, channel, channel, channel, id},
            SmallVector<utils::IteratorType>(rank,
                                             utils::IteratorType::parallel),
            [&](OpBuilder &b, Location l, ValueRange a) {
              // (x - mean) * scale / sqrt(var + eps) + bias
              Value var = arith::AddFOp::create(b, l, a[4],
                                                floatConst(b, l, elem, eps));
              Value inv = math::RsqrtOp::create(b, l, var);
              Value centered = arith::SubFOp::create(b, l, a[0], a[3]);
              Value scaled = arith::MulFOp::create(
                  b, l, centered, arith::MulFOp::create(b, l, a[1], inv));
              linalg::YieldOp::create(
                  b, l, arith::AddFOp::create(b, l, scaled, a[2]).getResult());
            })
            .getResult(0);
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// max, exp(x - max) summed, then divided: three passes over the data.
struct SoftmaxLowering : OpRewritePattern<SoftmaxOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(SoftmaxOp op,
                                PatternRewriter &rewriter) const override {
    rewriter.replaceOp(
        op, buildSoftmax(rewriter, op.getLoc(), op.getInput(), op.getAxis()));
    return success();
  }
};

/// Mean, then variance about it (two passes, as ONNX Runtime does), then
/// one elementwise pass that normalizes, scales and shifts.
struct LayerNormLowering : OpRewritePattern<LayerNormOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(LayerNormOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = getContext();
    auto type = cast<RankedTensorType>(op.getType());
    auto elem = cast<FloatType>(type.getElementType());
    int64_t rank = type.getRank(), axis = static_cast<int64_t>(op.getAxis());
    int64_t count = 1;
    for (int64_t d = axis; d < rank; ++d)
      count *= type.getDimSize(d);
    auto reducedType =
        RankedTensorType::get(type.getShape().take_front(axis), elem);
    SmallVector<AffineExpr> lead;
    for (int64_t d = 0; d < axis; ++d)
      lead.push_back(getAffineDimExpr(d, ctx));
    AffineMap id = rewriter.getMultiDimIdentityMap(rank);
    AffineMap reducedMap = AffineMap::get(rank, 0, lead, ctx);
    SmallVector<utils::IteratorType> iters(rank, utils::IteratorType::parallel);
    for (int64_t d = axis; d < rank; ++d)
      iters[d] = utils::IteratorType::reduction;

    // sum over the trailing dims of f(x, mean?) into a zeroed reduced tensor.
    auto reduce = [&](ValueRange ins, ArrayRef<AffineMap> inMaps,
                      function_ref<Value(OpBuilder &, Location, ValueRange)>
                          term) {
      Value init = buildFilled(rewriter, loc, reducedType,
                               rewriter.getFloatAttr(elem, 0));
      SmallVector<AffineMap> maps(inMaps);
      maps.push_back(reducedMap);
      return linalg::GenericOp::create(
                 rewriter, loc, TypeRange{reducedType}, ins, ValueRange{init},
                 maps, iters,
                 [&](OpBuilder &b, Location l, ValueRange a) {
                   Value t = term(b, l, a.drop_back());
                   linalg::YieldOp::create(
                       b, l,
                       arith::AddFOp::create(b, l, a.back(), t).getResult());
                 })
          .getResult(0);
    };
    Value sum =
        reduce({op.getInput()}, {id},
               [](OpBuilder &, Location, ValueRange a) { return a[0]; });
    Value mean =
        buildElementwise(rewriter, loc, reducedType, {sum},
                         [&](OpBuilder &b, Location l, ValueRange a) -> Value {
                           return arith::DivFOp::create(
                               b, l, a[0], floatConst(b, l, elem, count));
                         });
    Value sqSum = reduce({op.getInput(), mean}, {id, reducedMap},
                         [](OpBuilder &b, Location l, ValueRange a) -> Value {
                           Value c = arith::SubFOp::create(b, l, a[0], a[1]);
                           return arith::MulFOp::create(b, l, c, c);
                         });
    // 1 / sqrt(var + eps) once per normalized group.
    double eps = op.getEpsilon().convertToDouble();
    Value invStd = buildElementwise(
        rewriter, loc, reducedType, {sqSum},
        [&](OpBuilder &b, Location l, ValueRange a) -> Value {
          Value var =
              arith::DivFOp::create(b, l, a[0], floatConst(b, l, elem, count));
          Value v =
              arith::AddFOp::create(b, l, var, floatConst(b, l, elem, eps));
          return math::RsqrtOp::create(b, l, v);
        });
    SmallVector<Value> ins = {op.getInput(), mean, invStd, op.getScale()};
    SmallVector<AffineMap> maps = {
        id, reducedMap, reducedMap,
        broadcastMap(ctx,
                     cast<RankedTensorType>(op.getScale().getType()).getShape(),
                     type.getShape())};
    if (Value bias = op.getBias()) {
      ins.push_back(bias);
      maps.push_back(
          broadcastMap(ctx, cast<RankedTensorType>(bias.getType()).getShape(),
                       type.getShape()));
    }
    maps.push_back(id);
    Value init = tensor::EmptyOp::create(rewriter, loc, type.getShape(), elem);
    Value result =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{type}, ins, ValueRange{init}, maps,
            SmallVector<utils::IteratorType>(rank,
                                             utils::IteratorType::parallel),
            [&](OpBuilder &b, Location l, ValueRange a) {
              Value c = arith::SubFOp::create(b, l, a[0], a[1]);
              Value n = arith::MulFOp::create(b, l, c, a[2]);
              Value v = arith::MulFOp::create(b, l, n, a[3]);
              if (a.size() == 6)
                v = arith::AddFOp::create(b, l, v, a[4]);
              linalg::YieldOp::create(b, l, v);
            })
            .getResult(0);
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void populateNormalizationPatterns(RewritePatternSet &patterns) {
  patterns.add<BatchNormLowering, LayerNormLowering, SoftmaxLowering>(
      patterns.getContext());
}

} // namespace dsc
