//===- Reduction.cpp - dsc.reduce to linalg.generic reductions ------------===//
//
// One reduction generic over the reduced axes (log_sum_exp needs two: the
// maximum first, for stability), an elementwise finish (mean, sqrt, log),
// and an expand_shape for keepdims.
//
//===----------------------------------------------------------------------===//
#include "PopulatePatterns.h"
#include "dsc/Dialect/DSCDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace dsc {
namespace {

/// The identity of the reduction's accumulation. Float max/min start from
/// -inf/+inf so that a slice of infinities reduces to itself, as in ONNX.
TypedAttr identityAttr(OpBuilder &b, StringRef kind, Type elem) {
  if (auto f = dyn_cast<FloatType>(elem)) {
    const llvm::fltSemantics &sem = f.getFloatSemantics();
    if (kind == "max" || kind == "log_sum_exp")
      return FloatAttr::get(f, APFloat::getInf(sem, /*Negative=*/true));
    if (kind == "min")
      return FloatAttr::get(f, APFloat::getInf(sem, /*Negative=*/false));
    return FloatAttr::get(f, kind == "prod" ? 1.0 : 0.0);
  }
  unsigned width = elem.getIntOrFloatBitWidth();
  if (width == 1) // bools: max is any (from false), min is all (from true)
    return IntegerAttr::get(elem, kind == "min" ? 1 : 0);
  if (kind == "max")
    return IntegerAttr::get(elem, APInt::getSignedMinValue(width));
  if (kind == "min")
    return IntegerAttr::get(elem, APInt::getSignedMaxValue(width));
  return IntegerAttr::get(elem, kind == "prod" ? 1 : 0);
}

/// acc (+) f(x) for the kind: the per-element transform (|x|, x^2) and the
/// accumulation.
Value combine(OpBuilder &b, Location loc, StringRef kind, Value acc, Value x) {
  bool isFloat = isa<FloatType>(x.getType());
  auto add = [&](Value l, Value r) -> Value {
    return isFloat ? Value(arith::AddFOp::create(b, loc, l, r))
                   : Value(arith::AddIOp::create(b, loc, l, r));
  };
  auto mul = [&](Value l, Value r) -> Value {
    return isFloat ? Value(arith::MulFOp::create(b, loc, l, r))
                   : Value(arith::MulIOp::create(b, loc, l, r));
  };
  if (x.getType().isInteger(1) && (kind == "max" || kind == "min"))
    return kind == "max" ? Value(arith::OrIOp::create(b, loc, acc, x))
                         : Value(arith::AndIOp::create(b, loc, acc, x));
  if (kind == "max")
    return isFloat ? Value(arith::MaximumFOp::create(b, loc, acc, x))
                   : Value(arith::MaxSIOp::create(b, loc, acc, x));
  if (kind == "min")
    return isFloat ? Value(arith::MinimumFOp::create(b, loc, acc, x))
                   : Value(arith::MinSIOp::create(b, loc, acc, x));
  if (kind == "prod")
    return mul(acc, x);
  if (kind == "l1")
    return add(acc, isFloat ? Value(math::AbsFOp::create(b, loc, x))
                            : Value(math::AbsIOp::create(b, loc, x)));
  if (kind == "l2" || kind == "sum_square")
    return add(acc, mul(x, x));
  // sum, mean, log_sum
  return add(acc, x);
}

/// `reduced` (the reduction's result, reduced dims dropped) reshaped to
/// `type`, which has size-1 dims at the reduced axes.
Value keepDims(OpBuilder &b, Location loc, Value reduced, RankedTensorType type,
               ArrayRef<int64_t> axes) {
  auto reducedType = cast<RankedTensorType>(reduced.getType());
  if (reducedType == type)
    return reduced;
  // Each kept dim groups with the reduced (unit) dims that follow it; unit
  // dims before the first kept dim join the first group.
  SmallVector<ReassociationIndices> groups(reducedType.getRank());
  int64_t group = 0;
  bool seenKept = false;
  for (int64_t d = 0; d < type.getRank(); ++d) {
    if (!llvm::is_contained(axes, d)) {
      if (seenKept)
        ++group;
      seenKept = true;
    }
    if (!groups.empty())
      groups[group].push_back(d);
  }
  return tensor::ExpandShapeOp::create(b, loc, type, reduced, groups);
}

struct ReduceLowering : OpRewritePattern<ReduceOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ReduceOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto inType = cast<RankedTensorType>(op.getInput().getType());
    auto outType = cast<RankedTensorType>(op.getType());
    Type elem = inType.getElementType();
    StringRef kind = op.getKind();
    ArrayRef<int64_t> axes = op.getAxes();
    SmallVector<int64_t> reducedShape;
    int64_t count = 1;
    for (int64_t d = 0; d < inType.getRank(); ++d) {
      if (llvm::is_contained(axes, d))
        count *= inType.getDimSize(d);
      else
        reducedShape.push_back(inType.getDimSize(d));
    }
    auto reducedType = RankedTensorType::get(reducedShape, elem);
    Value x = op.getInput();

    Value result;
    if (kind == "log_sum_exp") {
      // m + log(sum(exp(x - m))) with m the maximum: no overflow.
      Value maxInit = buildFilled(rewriter, loc, reducedType,
                                  identityAttr(rewriter, "max", elem));
      Value max = buildReduction(
          rewriter, loc, x, {}, maxInit, axes,
          [&](OpBuilder &b, Location l, Value acc, Value v, ValueRange) {
            return combine(b, l, "max", acc, v);
          });
      Value sumInit = buildFilled(rewriter, loc, reducedType,
                                  identityAttr(rewriter, "sum", elem));
      Value sum = buildReduction(
          rewriter, loc, x, {max}, sumInit, axes,
          [&](OpBuilder &b, Location l, Value acc, Value v, ValueRange m) {
            Value e =
                math::ExpOp::create(b, l, arith::SubFOp::create(b, l, v, m[0]));
            return Value(arith::AddFOp::create(b, l, acc, e));
          });
      result =
          buildElementwise(rewriter, loc, reducedType, {max, sum},
                           [](OpBuilder &b, Location l, ValueRange a) -> Value {
                             return arith::AddFOp::create(
                                 b, l, a[0], math::LogOp::create(b, l, a[1]));
                           });
    } else {
      Value init = buildFilled(rewriter, loc, reducedType,
                               identityAttr(rewriter, kind, elem));
      result = buildReduction(
          rewriter, loc, x, {}, init, axes,
          [&](OpBuilder &b, Location l, Value acc, Value v, ValueRange) {
            return combine(b, l, kind, acc, v);
          });
      if (kind == "mean" || kind == "l2" || kind == "log_sum")
        result = buildElementwise(
            rewriter, loc, reducedType, {result},
            [&](OpBuilder &b, Location l, ValueRange a) -> Value {
              if (kind == "l2")
                return math::SqrtOp::create(b, l, a[0]);
              if (kind == "log_sum")
                return math::LogOp::create(b, l, a[0]);
              return arith::DivFOp::create(
                  b, l, a[0], floatConst(b, l, elem, double(count)));
            });
    }
    rewriter.replaceOp(op, keepDims(rewriter, loc, result, outType, axes));
    return success();
  }
};

/// One generic over the input carrying (best value, its index) along the
/// axis: a later element replaces the best when strictly better, or also
/// when equal with select_last_index. The value starts at the kind's
/// identity (+-inf for floats), the index at 0.
struct ArgReduceLowering : OpRewritePattern<ArgReduceOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ArgReduceOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto inType = cast<RankedTensorType>(op.getInput().getType());
    auto outType = cast<RankedTensorType>(op.getType());
    Type elem = inType.getElementType();
    int64_t rank = inType.getRank(), axis = op.getAxis();
    bool isMax = op.getKind() == "max", last = op.getSelectLastIndex();
    MLIRContext *ctx = rewriter.getContext();
    Value valueInit = buildFilled(
        rewriter, loc, RankedTensorType::get(outType.getShape(), elem),
        identityAttr(rewriter, op.getKind(), elem));
    Value indexInit =
        buildFilled(rewriter, loc, outType, rewriter.getI64IntegerAttr(0));
    SmallVector<AffineExpr> outExprs;
    SmallVector<utils::IteratorType> iters;
    for (int64_t d = 0; d < rank; ++d) {
      iters.push_back(d == axis ? utils::IteratorType::reduction
                                : utils::IteratorType::parallel);
      if (d != axis)
        outExprs.push_back(getAffineDimExpr(d, ctx));
    }
    AffineMap outMap = AffineMap::get(rank, 0, outExprs, ctx);
    SmallVector<AffineMap> maps = {rewriter.getMultiDimIdentityMap(rank),
                                   outMap, outMap};
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{valueInit.getType(), outType},
        ValueRange{op.getInput()}, ValueRange{valueInit, indexInit}, maps,
        iters, [&](OpBuilder &b, Location l, ValueRange args) {
          Value x = args[0], best = args[1], bestIndex = args[2];
          Value better;
          if (isa<FloatType>(elem)) {
            auto pred = isMax ? (last ? arith::CmpFPredicate::OGE
                                      : arith::CmpFPredicate::OGT)
                              : (last ? arith::CmpFPredicate::OLE
                                      : arith::CmpFPredicate::OLT);
            better = arith::CmpFOp::create(b, l, pred, x, best);
          } else {
            auto pred = isMax ? (last ? arith::CmpIPredicate::sge
                                      : arith::CmpIPredicate::sgt)
                              : (last ? arith::CmpIPredicate::sle
                                      : arith::CmpIPredicate::slt);
            better = arith::CmpIOp::create(b, l, pred, x, best);
          }
          Value index = arith::IndexCastOp::create(
              b, l, b.getI64Type(), linalg::IndexOp::create(b, l, axis));
          linalg::YieldOp::create(
              b, l,
              ValueRange{
                  arith::SelectOp::create(b, l, better, x, best),
                  arith::SelectOp::create(b, l, better, index, bestIndex)});
        });
    rewriter.replaceOp(op, generic.getResult(1));
    return success();
  }
};

/// dsc.topk in two generics, both parallel over everything but the axis:
/// first the rank of every element along the axis (how many elements come
/// before it: better values, or equal values at lower indices, so ranks
/// are distinct), then for each output position j < k the element whose
/// rank is j. Quadratic in the axis size, but exact and without data-
/// dependent control flow.
struct TopKLowering : OpRewritePattern<TopKOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(TopKOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto inType = cast<RankedTensorType>(op.getInput().getType());
    auto valuesType = cast<RankedTensorType>(op.getValues().getType());
    auto indicesType = cast<RankedTensorType>(op.getIndices().getType());
    Type elem = inType.getElementType();
    Type i64 = rewriter.getI64Type();
    int64_t rank = inType.getRank(), axis = op.getAxis();
    bool largest = op.getLargest(), isUnsigned = op.getUnsignedInput();
    MLIRContext *ctx = rewriter.getContext();

    // Iteration space: the input's dimensions plus one more along the
    // axis (dimension `rank`), reduced.
    SmallVector<AffineExpr> own, other;
    for (int64_t d = 0; d < rank; ++d) {
      own.push_back(getAffineDimExpr(d, ctx));
      other.push_back(getAffineDimExpr(d == axis ? rank : d, ctx));
    }
    AffineMap ownMap = AffineMap::get(rank + 1, 0, own, ctx);
    AffineMap otherMap = AffineMap::get(rank + 1, 0, other, ctx);
    SmallVector<utils::IteratorType> iters(rank, utils::IteratorType::parallel);
    iters.push_back(utils::IteratorType::reduction);
    auto index = [&](OpBuilder &b, Location l, int64_t dim) {
      return arith::IndexCastOp::create(b, l, i64,
                                        linalg::IndexOp::create(b, l, dim));
    };
    // a comes before b: better, or equal (then the lower index wins).
    auto before = [&](OpBuilder &b, Location l, Value a, Value bv) -> Value {
      if (isa<FloatType>(elem)) {
        return arith::CmpFOp::create(b, l,
                                     largest ? arith::CmpFPredicate::OGT
                                             : arith::CmpFPredicate::OLT,
                                     a, bv);
      }
      arith::CmpIPredicate pred =
          largest ? (isUnsigned ? arith::CmpIPredicate::ugt
                                : arith::CmpIPredicate::sgt)
                  : (isUnsigned ? arith::CmpIPredicate::ult
                                : arith::CmpIPredicate::slt);
      return arith::CmpIOp::create(b, l, pred, a, bv);
    };
    auto equal = [&](OpBuilder &b, Location l, Value a, Value bv) -> Value {
      if (isa<FloatType>(elem))
        return arith::CmpFOp::create(b, l, arith::CmpFPredicate::OEQ, a, bv);
      return arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq, a, bv);
    };

    auto ranksType = RankedTensorType::get(inType.getShape(), i64);
    Value ranksInit =
        buildFilled(rewriter, loc, ranksType, rewriter.getI64IntegerAttr(0));
    Value ranks =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{ranksType},
            ValueRange{op.getInput(), op.getInput()}, ValueRange{ranksInit},
            SmallVector<AffineMap>{ownMap, otherMap, ownMap}, iters,
            [&](OpBuilder &b, Location l, ValueRange args) {
              Value x = args[0], y = args[1], acc = args[2];
              Value i = index(b, l, axis), m = index(b, l, rank);
              Value tie = arith::AndIOp::create(
                  b, l, equal(b, l, y, x),
                  arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, m, i));
              Value ahead = arith::OrIOp::create(b, l, before(b, l, y, x), tie);
              Value one = arith::ExtUIOp::create(b, l, i64, ahead);
              linalg::YieldOp::create(
                  b, l, ValueRange{arith::AddIOp::create(b, l, acc, one)});
            })
            .getResult(0);

    // values[.., j, ..] = x[.., i, ..] where ranks[.., i, ..] == j.
    Value valuesInit =
        buildFilled(rewriter, loc, valuesType, rewriter.getZeroAttr(elem));
    Value indicesInit =
        buildFilled(rewriter, loc, indicesType, rewriter.getI64IntegerAttr(0));
    auto select = linalg::GenericOp::create(
        rewriter, loc, TypeRange{valuesType, indicesType},
        ValueRange{op.getInput(), ranks}, ValueRange{valuesInit, indicesInit},
        SmallVector<AffineMap>{otherMap, otherMap, ownMap, ownMap}, iters,
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value x = args[0], r = args[1], v = args[2], idx = args[3];
          Value hit = arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq, r,
                                            index(b, l, axis));
          linalg::YieldOp::create(
              b, l,
              ValueRange{
                  arith::SelectOp::create(b, l, hit, x, v),
                  arith::SelectOp::create(b, l, hit, index(b, l, rank), idx)});
        });
    rewriter.replaceOp(op, select.getResults());
    return success();
  }
};

} // namespace

void populateReductionPatterns(RewritePatternSet &patterns) {
  patterns.add<ReduceLowering, ArgReduceLowering, TopKLowering>(
      patterns.getContext());
}

} // namespace dsc
