//===- Elementwise.cpp - dsc elementwise ops to linalg.generic ------------===//
//
// Every op with the ElementwiseBroadcast trait has one scalar function,
// buildScalarElementwise; the per-op lowering wraps it in a broadcasting
// linalg.generic, and the kernel lowering (Kernel.cpp) chains several of
// them in one generic body.
//
//===----------------------------------------------------------------------===//
#include "PopulatePatterns.h"
#include "dsc/Dialect/DSCDialect.h"
#include "dsc/Dialect/NarrowFormats.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>

using namespace mlir;

namespace dsc {
namespace {

/// FloatOp for float element types, IntOp for integers (ONNX integer Div
/// truncates, as divsi does).
template <typename FloatOp, typename IntOp>
Value arith2(OpBuilder &b, Location loc, ValueRange args) {
  if (isa<FloatType>(args[0].getType()))
    return FloatOp::create(b, loc, args[0], args[1]);
  return IntOp::create(b, loc, args[0], args[1]);
}

/// A one-operand math op (exp, log, ...).
template <typename MathOp> Value math1(OpBuilder &b, Location loc, Value x) {
  return MathOp::create(b, loc, x);
}

/// Bounds against a constant (ReLU, Clip, HardSigmoid) ignore the sign of a
/// zero result (max(-0, 0) may be -0): on x86 the max then is one vmaxps
/// whose second source is x, so a NaN x still comes through, where the
/// exact IEEE maximum took three instructions (a NaN check and a blend
/// after it) in every convolution epilogue.
constexpr arith::FastMathFlags kBound = arith::FastMathFlags::nsz;

Value relu(OpBuilder &b, Location loc, Value x) {
  return arith::MaximumFOp::create(
      b, loc, x, floatConst(b, loc, x.getType(), 0.0), kBound);
}

Value sigmoid(OpBuilder &b, Location loc, Value x) {
  Type t = x.getType();
  Value negX = arith::NegFOp::create(b, loc, x);
  Value e = math::ExpOp::create(b, loc, negX);
  Value one = floatConst(b, loc, t, 1.0);
  Value denom = arith::AddFOp::create(b, loc, one, e);
  if (!getElementTypeOrSelf(t).isF32())
    return arith::DivFOp::create(b, loc, one, denom);
  // The denominator capped at the largest finite f32 (exp(-x) overflows
  // below x = -88.7; NaN still propagates), so the division may be marked
  // `ninf`: LLVM then computes it as a reciprocal estimate refined by one
  // Newton step (vrcp14ps + 2 FMAs, within 2 ulp) instead of a vector
  // division (SiLU in EfficientNet's every convolution epilogue). Uncapped,
  // that sequence turns 1/inf into NaN. (`contract` lets the Newton step be
  // those 2 FMAs: without it LLVM emitted a multiply, a subtract, a multiply
  // and an add, 2 of SiLU's ~27 vector instructions per 16 lanes.)
  denom = arith::MinimumFOp::create(
      b, loc, denom,
      floatConst(b, loc, t, APFloat::getLargest(APFloat::IEEEsingle())
                                .convertToDouble()));
  return arith::DivFOp::create(b, loc, one, denom,
                               arith::FastMathFlags::ninf |
                                   arith::FastMathFlags::arcp |
                                   arith::FastMathFlags::contract);
}

Value clip(OpBuilder &b, Location loc, Value x, ClipOp op) {
  Value v = x;
  if (auto lo = op.getMin())
    v = arith::MaximumFOp::create(
        b, loc, v, floatConst(b, loc, x.getType(), lo->convertToDouble()),
        kBound);
  if (auto hi = op.getMax())
    v = arith::MinimumFOp::create(
        b, loc, v, floatConst(b, loc, x.getType(), hi->convertToDouble()),
        kBound);
  return v;
}

/// cmpf for floats, cmpi for integers; bool (i1) compares unsigned so that
/// true (1) is greater than false (0).
Value compare(OpBuilder &b, Location loc, ValueRange args,
              arith::CmpFPredicate fpred, arith::CmpIPredicate spred,
              arith::CmpIPredicate upred, bool isUnsigned) {
  Type t = args[0].getType();
  if (isa<FloatType>(t))
    return arith::CmpFOp::create(b, loc, fpred, args[0], args[1]);
  return arith::CmpIOp::create(
      b, loc, t.isInteger(1) || isUnsigned ? upred : spred, args[0], args[1]);
}

Value negate(OpBuilder &b, Location loc, Value x) {
  if (isa<FloatType>(x.getType()))
    return arith::NegFOp::create(b, loc, x);
  Value zero = arith::ConstantOp::create(b, loc, b.getZeroAttr(x.getType()));
  return arith::SubIOp::create(b, loc, zero, x);
}

Value absolute(OpBuilder &b, Location loc, Value x) {
  if (isa<FloatType>(x.getType()))
    return math::AbsFOp::create(b, loc, x);
  return math::AbsIOp::create(b, loc, x);
}

Value mulConst(OpBuilder &b, Location loc, Value x, double c) {
  return arith::MulFOp::create(b, loc, x, floatConst(b, loc, x.getType(), c));
}

/// x < 0 ? negative : x (NaN takes the x branch, as in ONNX's reference).
Value selectNegative(OpBuilder &b, Location loc, Value x, Value negative) {
  Value isNeg = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, x,
                                      floatConst(b, loc, x.getType(), 0.0));
  return arith::SelectOp::create(b, loc, isNeg, negative, x);
}

/// max(0, min(1, alpha * x + beta)).
Value hardSigmoid(OpBuilder &b, Location loc, Value x, double alpha,
                  double beta) {
  Type t = x.getType();
  Value v = arith::AddFOp::create(b, loc, mulConst(b, loc, x, alpha),
                                  floatConst(b, loc, t, beta));
  v = arith::MinimumFOp::create(b, loc, v, floatConst(b, loc, t, 1.0), kBound);
  return arith::MaximumFOp::create(b, loc, v, floatConst(b, loc, t, 0.0),
                                   kBound);
}

/// log(1 + exp(x)) as max(x, 0) + log1p(exp(-|x|)), which neither overflows
/// for large x nor loses the tail for very negative x.
Value softplus(OpBuilder &b, Location loc, Value x) {
  Value negAbs = arith::NegFOp::create(b, loc, math::AbsFOp::create(b, loc, x));
  Value tail =
      math::Log1pOp::create(b, loc, math::ExpOp::create(b, loc, negAbs));
  return arith::AddFOp::create(b, loc, relu(b, loc, x), tail);
}

Value gelu(OpBuilder &b, Location loc, Value x, GeluOp op) {
  Value inner;
  if (op.getApproximate() == "tanh") {
    // sqrt(2 / pi) * (x + 0.044715 x^3)
    Value x3 =
        arith::MulFOp::create(b, loc, x, arith::MulFOp::create(b, loc, x, x));
    Value poly =
        arith::AddFOp::create(b, loc, x, mulConst(b, loc, x3, 0.044715));
    inner = math::TanhOp::create(b, loc,
                                 mulConst(b, loc, poly, 0.7978845608028654));
  } else {
    inner = math::ErfOp::create(b, loc, mulConst(b, loc, x, M_SQRT1_2));
  }
  // 0.5 x (1 + inner) as one multiply-add of 0.5 x.
  Value half = mulConst(b, loc, x, 0.5);
  return math::FmaOp::create(b, loc, half, inner, half);
}

/// An integer constant of `type`.
Value intConst(OpBuilder &b, Location loc, Type type, int64_t value) {
  return arith::ConstantOp::create(b, loc, b.getIntegerAttr(type, value));
}

/// 1 for x > 0, -1 for x < 0, else x (zero, or NaN for floats).
Value sign(OpBuilder &b, Location loc, Value x) {
  Type t = x.getType();
  Value gt, lt, one, minusOne;
  if (isa<FloatType>(t)) {
    Value zero = floatConst(b, loc, t, 0.0);
    gt = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, x, zero);
    lt = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, x, zero);
    one = floatConst(b, loc, t, 1.0);
    minusOne = floatConst(b, loc, t, -1.0);
  } else {
    Value zero = intConst(b, loc, t, 0);
    gt = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt, x, zero);
    lt = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, x, zero);
    one = intConst(b, loc, t, 1);
    minusOne = intConst(b, loc, t, -1);
  }
  Value v = arith::SelectOp::create(b, loc, lt, minusOne, x);
  return arith::SelectOp::create(b, loc, gt, one, v);
}

/// ONNX Mod: with fmod the remainder of truncated division (C fmod, remf /
/// remsi); otherwise integers take the divisor's sign (Python %), i.e. a
/// non-zero remainder whose sign differs from the divisor's gets the
/// divisor added.
Value modulo(OpBuilder &b, Location loc, ValueRange args, ModOp op) {
  Value a = args[0], d = args[1];
  if (isa<FloatType>(a.getType())) {
    Value r = arith::RemFOp::create(b, loc, a, d);
    if (op.getFmod())
      return r;
    // numpy's mod: a non-zero remainder takes the divisor's sign (NaN stays
    // NaN; x mod inf of the other sign gives the infinity, as numpy).
    Value zero = arith::ConstantOp::create(b, loc, b.getFloatAttr(a.getType(), 0));
    Value nonZero =
        arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE, r, zero);
    Value rNeg =
        arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, r, zero);
    Value dNeg =
        arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, d, zero);
    Value signsDiffer = arith::XOrIOp::create(b, loc, rNeg, dNeg);
    Value fix = arith::AndIOp::create(b, loc, nonZero, signsDiffer);
    return arith::SelectOp::create(b, loc, fix,
                                   arith::AddFOp::create(b, loc, r, d), r);
  }
  if (op.getIsUnsigned())
    return arith::RemUIOp::create(b, loc, a, d);
  Value r = arith::RemSIOp::create(b, loc, a, d);
  if (op.getFmod())
    return r;
  Value zero = intConst(b, loc, a.getType(), 0);
  Value nonZero =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, r, zero);
  Value rNeg =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, r, zero);
  Value dNeg =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, d, zero);
  Value signsDiffer = arith::XOrIOp::create(b, loc, rNeg, dNeg);
  Value fix = arith::AndIOp::create(b, loc, nonZero, signsDiffer);
  return arith::SelectOp::create(b, loc, fix,
                                 arith::AddIOp::create(b, loc, r, d), r);
}

/// arith's shifts are poison for amounts outside [0, width); ONNX defines
/// them as what the sign fill gives (0, or -1 for an arithmetic right shift
/// of a negative value). Read as unsigned, a negative amount is >= width.
Value bitShift(OpBuilder &b, Location loc, ValueRange args, BitShiftOp op) {
  Value x = args[0], amount = args[1];
  Type t = x.getType();
  unsigned width = t.getIntOrFloatBitWidth();
  Value widthValue =
      arith::ConstantOp::create(b, loc, b.getIntegerAttr(t, width));
  Value outside = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::uge,
                                        amount, widthValue);
  if (!op.getLeft() && op.getIsSigned()) {
    // Shifting by width - 1 gives the sign fill.
    Value last =
        arith::ConstantOp::create(b, loc, b.getIntegerAttr(t, width - 1));
    Value clamped = arith::SelectOp::create(b, loc, outside, last, amount);
    return arith::ShRSIOp::create(b, loc, x, clamped);
  }
  Value zero = arith::ConstantOp::create(b, loc, b.getZeroAttr(t));
  Value safe = arith::SelectOp::create(b, loc, outside, zero, amount);
  Value shifted = op.getLeft() ? Value(arith::ShLIOp::create(b, loc, x, safe))
                               : Value(arith::ShRUIOp::create(b, loc, x, safe));
  return arith::SelectOp::create(b, loc, outside, zero, shifted);
}

Value isInf(OpBuilder &b, Location loc, Value x, IsInfOp op) {
  Type t = x.getType();
  auto ft = cast<FloatType>(t);
  Value result = arith::ConstantOp::create(b, loc, b.getBoolAttr(false));
  auto matches = [&](bool negative) -> Value {
    Value inf = arith::ConstantOp::create(
        b, loc,
        b.getFloatAttr(t, APFloat::getInf(ft.getFloatSemantics(), negative)));
    return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, x, inf);
  };
  if (op.getDetectPositive())
    result = arith::OrIOp::create(b, loc, result, matches(false));
  if (op.getDetectNegative())
    result = arith::OrIOp::create(b, loc, result, matches(true));
  return result;
}

/// max(0, x) + min(0, alpha * (exp(x / alpha) - 1)).
Value celu(OpBuilder &b, Location loc, Value x, double alpha) {
  Type t = x.getType();
  Value em1 = math::ExpM1Op::create(b, loc, mulConst(b, loc, x, 1.0 / alpha));
  Value neg = arith::MinimumFOp::create(b, loc, mulConst(b, loc, em1, alpha),
                                        floatConst(b, loc, t, 0.0));
  return arith::AddFOp::create(b, loc, relu(b, loc, x), neg);
}

/// x < -lambd ? x + bias : (x > lambd ? x - bias : 0).
Value shrink(OpBuilder &b, Location loc, Value x, ShrinkOp op) {
  Type t = x.getType();
  double lambd = op.getLambd().convertToDouble(),
         bias = op.getBias().convertToDouble();
  Value below = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, x,
                                      floatConst(b, loc, t, -lambd));
  Value above = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, x,
                                      floatConst(b, loc, t, lambd));
  Value v = arith::SelectOp::create(
      b, loc, above,
      arith::SubFOp::create(b, loc, x, floatConst(b, loc, t, bias)),
      floatConst(b, loc, t, 0.0));
  return arith::SelectOp::create(
      b, loc, below,
      arith::AddFOp::create(b, loc, x, floatConst(b, loc, t, bias)), v);
}

/// An integer base to an integer exponent, exact with wrap-around as
/// numpy's integer power: square-and-multiply unrolled over the exponent's
/// bits. A negative exponent gives 1 / base^-e truncated: 1 for base 1,
/// +-1 for base -1, else 0 (also for base 0, where numpy raises).
Value integerPower(OpBuilder &b, Location loc, Value base, Value exponent) {
  auto t = cast<IntegerType>(base.getType());
  auto et = cast<IntegerType>(exponent.getType());
  auto iconst = [&](Type type, int64_t v) -> Value {
    return arith::ConstantOp::create(b, loc, type,
                                     b.getIntegerAttr(type, v));
  };
  Value one = iconst(t, 1), eOne = iconst(et, 1);
  Value result = one, square = base;
  unsigned bits = et.getWidth() - 1; // the sign bit is handled below
  for (unsigned i = 0; i < bits; ++i) {
    Value shifted = i ? arith::ShRUIOp::create(b, loc, exponent,
                                               iconst(et, i))
                            .getResult()
                      : exponent;
    Value bit = arith::CmpIOp::create(
        b, loc, arith::CmpIPredicate::ne,
        arith::AndIOp::create(b, loc, shifted, eOne), iconst(et, 0));
    result = arith::SelectOp::create(
        b, loc, bit, arith::MulIOp::create(b, loc, result, square), result);
    if (i + 1 < bits)
      square = arith::MulIOp::create(b, loc, square, square);
  }
  Value negative = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt,
                                         exponent, iconst(et, 0));
  Value odd = arith::CmpIOp::create(
      b, loc, arith::CmpIPredicate::ne,
      arith::AndIOp::create(b, loc, exponent, eOne), iconst(et, 0));
  Value minusOne = iconst(t, -1);
  Value isOne =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, base, one);
  Value isMinusOne =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, base, minusOne);
  Value reciprocal = arith::SelectOp::create(
      b, loc, isOne, one,
      arith::SelectOp::create(
          b, loc, isMinusOne,
          arith::SelectOp::create(b, loc, odd, minusOne, one), iconst(t, 0)));
  return arith::SelectOp::create(b, loc, negative, reciprocal, result);
}

/// Float base, float or integer exponent converted to the base's type. An
/// integer base has an integer result: exact for an integer exponent, else
/// the f64 power truncated toward zero (numpy's power then astype).
Value power(OpBuilder &b, Location loc, Value base, Value exponent) {
  Type t = base.getType();
  if (isa<IntegerType>(t)) {
    if (isa<IntegerType>(exponent.getType()))
      return integerPower(b, loc, base, exponent);
    Type f64 = b.getF64Type();
    Value p = math::PowFOp::create(
        b, loc, arith::SIToFPOp::create(b, loc, f64, base),
        castScalar(b, loc, exponent, f64, false, false));
    return arith::FPToSIOp::create(b, loc, t, p);
  }
  if (isa<IntegerType>(exponent.getType()))
    exponent = arith::SIToFPOp::create(b, loc, t, exponent);
  else if (exponent.getType() != t)
    exponent = castScalar(b, loc, exponent, t, false, false);
  return math::PowFOp::create(b, loc, base, exponent);
}

/// Any op with the ElementwiseBroadcast trait: one broadcasting generic
/// around its scalar function.
struct ElementwiseLowering : RewritePattern {
  ElementwiseLowering(MLIRContext *ctx)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/1, ctx) {}
  LogicalResult matchAndRewrite(Operation *op,
                                PatternRewriter &rewriter) const override {
    if (!op->hasTrait<OpTrait::ElementwiseBroadcast>() ||
        op->getNumResults() != 1)
      return failure();
    auto type = cast<RankedTensorType>(op->getResult(0).getType());
    Type elem = type.getElementType();
    if (!isa<FloatType, IntegerType>(elem))
      return rewriter.notifyMatchFailure(op, "unsupported element type");
    bool ok = true;
    Value result = buildElementwise(
        rewriter, op->getLoc(), type, op->getOperands(),
        [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
          FailureOr<Value> v = buildScalarElementwise(b, loc, op, args);
          if (succeeded(v))
            return *v;
          ok = false;
          return args[0];
        });
    if (!ok)
      return rewriter.notifyMatchFailure(op, "no scalar function");
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

Value castScalar(OpBuilder &b, Location loc, Value x, Type to,
                 bool inputUnsigned, bool resultUnsigned) {
  Type from = x.getType();
  if (from == to)
    return x;
  auto fromFloat = dyn_cast<FloatType>(from);
  auto toFloat = dyn_cast<FloatType>(to);
  // To bool: non-zero (NaN included) is true.
  if (to.isInteger(1)) {
    if (fromFloat)
      return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE, x,
                                   floatConst(b, loc, from, 0.0));
    Value zero = arith::ConstantOp::create(b, loc, b.getZeroAttr(from));
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, x, zero);
  }
  // Bool is 0 or 1, never -1.
  bool fromUnsigned = inputUnsigned || from.isInteger(1);
  if (fromFloat && toFloat) {
    if (fromFloat.getWidth() == toFloat.getWidth()) {
      // f16 <-> bf16: through f32, which holds both exactly.
      Value wide = arith::ExtFOp::create(b, loc, b.getF32Type(), x);
      return arith::TruncFOp::create(b, loc, to, wide);
    }
    if (fromFloat.getWidth() < toFloat.getWidth())
      return arith::ExtFOp::create(b, loc, to, x);
    return arith::TruncFOp::create(b, loc, to, x);
  }
  // fptosi/fptoui round toward zero, as ONNX Cast does.
  if (fromFloat)
    return resultUnsigned ? Value(arith::FPToUIOp::create(b, loc, to, x))
                          : Value(arith::FPToSIOp::create(b, loc, to, x));
  if (toFloat)
    return fromUnsigned ? Value(arith::UIToFPOp::create(b, loc, to, x))
                        : Value(arith::SIToFPOp::create(b, loc, to, x));
  unsigned fromWidth = from.getIntOrFloatBitWidth(),
           toWidth = to.getIntOrFloatBitWidth();
  if (toWidth < fromWidth)
    return arith::TruncIOp::create(b, loc, to, x);
  return fromUnsigned ? Value(arith::ExtUIOp::create(b, loc, to, x))
                      : Value(arith::ExtSIOp::create(b, loc, to, x));
}

FailureOr<Value> buildScalarElementwise(OpBuilder &b, Location loc,
                                        Operation *op, ValueRange args) {
  return llvm::TypeSwitch<Operation *, FailureOr<Value>>(op)
      .Case([&](AddOp) {
        return arith2<arith::AddFOp, arith::AddIOp>(b, loc, args);
      })
      .Case([&](SubOp) {
        return arith2<arith::SubFOp, arith::SubIOp>(b, loc, args);
      })
      .Case([&](MulOp) {
        return arith2<arith::MulFOp, arith::MulIOp>(b, loc, args);
      })
      .Case([&](DivOp d) {
        return d.getIsUnsigned()
                   ? arith2<arith::DivFOp, arith::DivUIOp>(b, loc, args)
                   : arith2<arith::DivFOp, arith::DivSIOp>(b, loc, args);
      })
      .Case([&](ReluOp) { return relu(b, loc, args[0]); })
      .Case([&](SigmoidOp) { return sigmoid(b, loc, args[0]); })
      .Case([&](TanhOp) -> Value {
        return math::TanhOp::create(b, loc, args[0]);
      })
      .Case(
          [&](ErfOp) -> Value { return math::ErfOp::create(b, loc, args[0]); })
      .Case([&](ClipOp c) { return clip(b, loc, args[0], c); })
      .Case([&](MaxOp m) {
        return m.getIsUnsigned()
                   ? arith2<arith::MaximumFOp, arith::MaxUIOp>(b, loc, args)
                   : arith2<arith::MaximumFOp, arith::MaxSIOp>(b, loc, args);
      })
      .Case([&](MinOp m) {
        return m.getIsUnsigned()
                   ? arith2<arith::MinimumFOp, arith::MinUIOp>(b, loc, args)
                   : arith2<arith::MinimumFOp, arith::MinSIOp>(b, loc, args);
      })
      .Case([&](PowOp) { return power(b, loc, args[0], args[1]); })
      .Case([&](EqualOp c) {
        return compare(b, loc, args, arith::CmpFPredicate::OEQ,
                       arith::CmpIPredicate::eq, arith::CmpIPredicate::eq,
                       c.getIsUnsigned());
      })
      .Case([&](LessOp c) {
        return compare(b, loc, args, arith::CmpFPredicate::OLT,
                       arith::CmpIPredicate::slt, arith::CmpIPredicate::ult,
                       c.getIsUnsigned());
      })
      .Case([&](LessEqualOp c) {
        return compare(b, loc, args, arith::CmpFPredicate::OLE,
                       arith::CmpIPredicate::sle, arith::CmpIPredicate::ule,
                       c.getIsUnsigned());
      })
      .Case([&](GreaterOp c) {
        return compare(b, loc, args, arith::CmpFPredicate::OGT,
                       arith::CmpIPredicate::sgt, arith::CmpIPredicate::ugt,
                       c.getIsUnsigned());
      })
      .Case([&](GreaterEqualOp c) {
        return compare(b, loc, args, arith::CmpFPredicate::OGE,
                       arith::CmpIPredicate::sge, arith::CmpIPredicate::uge,
                       c.getIsUnsigned());
      })
      .Case([&](WhereOp) -> Value {
        return arith::SelectOp::create(b, loc, args[0], args[1], args[2]);
      })
      .Case([&](CastOp c) {
        return castScalar(b, loc, args[0],
                          getElementTypeOrSelf(c.getResult().getType()),
                          c.getInputUnsigned(), c.getResultUnsigned());
      })
      .Case([&](BitCastOp c) -> Value {
        Type to = getElementTypeOrSelf(c.getResult().getType());
        Type from = args[0].getType();
        // A bool is a byte holding 0 or 1; a byte read as a bool is != 0.
        if (from.isInteger(1))
          return arith::ExtUIOp::create(b, loc, to, args[0]);
        if (to.isInteger(1))
          return arith::CmpIOp::create(
              b, loc, arith::CmpIPredicate::ne, args[0],
              arith::ConstantOp::create(b, loc, b.getIntegerAttr(from, 0)));
        return arith::BitcastOp::create(b, loc, to, args[0]);
      })
      .Case([&](DecodeNarrowOp d) {
        return decodeNarrowScalar(b, loc, args[0],
                                  *narrowFormatNamed(d.getFormat()));
      })
      .Case([&](EncodeNarrowOp e) {
        return encodeNarrowScalar(b, loc, args[0],
                                  *narrowFormatNamed(e.getFormat()),
                                  e.getSaturate(), e.getRoundMode());
      })
      .Case([&](ExpandOp) { return args[0]; })
      .Case([&](ExpOp) { return math1<math::ExpOp>(b, loc, args[0]); })
      .Case([&](LogOp) { return math1<math::LogOp>(b, loc, args[0]); })
      .Case([&](SqrtOp) { return math1<math::SqrtOp>(b, loc, args[0]); })
      .Case([&](FloorOp) { return math1<math::FloorOp>(b, loc, args[0]); })
      .Case([&](CeilOp) { return math1<math::CeilOp>(b, loc, args[0]); })
      .Case([&](ReciprocalOp) -> Value {
        return arith::DivFOp::create(
            b, loc, floatConst(b, loc, args[0].getType(), 1.0), args[0]);
      })
      .Case([&](NegOp) { return negate(b, loc, args[0]); })
      .Case([&](AbsOp) { return absolute(b, loc, args[0]); })
      .Case([&](SoftplusOp) { return softplus(b, loc, args[0]); })
      .Case([&](HardSwishOp) {
        Value hs = hardSigmoid(b, loc, args[0], 1.0 / 6.0, 0.5);
        return Value(arith::MulFOp::create(b, loc, args[0], hs));
      })
      .Case([&](HardSigmoidOp h) {
        return hardSigmoid(b, loc, args[0], h.getAlpha().convertToDouble(),
                           h.getBeta().convertToDouble());
      })
      .Case([&](LeakyReluOp l) {
        return selectNegative(
            b, loc, args[0],
            mulConst(b, loc, args[0], l.getAlpha().convertToDouble()));
      })
      .Case([&](EluOp e) {
        Value em1 = math::ExpM1Op::create(b, loc, args[0]);
        return selectNegative(
            b, loc, args[0],
            mulConst(b, loc, em1, e.getAlpha().convertToDouble()));
      })
      .Case([&](GeluOp g) { return gelu(b, loc, args[0], g); })
      .Case([&](SinOp) { return math1<math::SinOp>(b, loc, args[0]); })
      .Case([&](CosOp) { return math1<math::CosOp>(b, loc, args[0]); })
      .Case([&](TanOp) { return math1<math::TanOp>(b, loc, args[0]); })
      .Case([&](AsinOp) { return math1<math::AsinOp>(b, loc, args[0]); })
      .Case([&](AcosOp) { return math1<math::AcosOp>(b, loc, args[0]); })
      .Case([&](AtanOp) { return math1<math::AtanOp>(b, loc, args[0]); })
      .Case([&](SinhOp) { return math1<math::SinhOp>(b, loc, args[0]); })
      .Case([&](CoshOp) { return math1<math::CoshOp>(b, loc, args[0]); })
      .Case([&](AsinhOp) { return math1<math::AsinhOp>(b, loc, args[0]); })
      .Case([&](AcoshOp) { return math1<math::AcoshOp>(b, loc, args[0]); })
      .Case([&](AtanhOp) { return math1<math::AtanhOp>(b, loc, args[0]); })
      .Case([&](RoundOp) { return math1<math::RoundEvenOp>(b, loc, args[0]); })
      .Case([&](SoftsignOp) -> Value {
        Value denom = arith::AddFOp::create(
            b, loc, floatConst(b, loc, args[0].getType(), 1.0),
            math::AbsFOp::create(b, loc, args[0]));
        return arith::DivFOp::create(b, loc, args[0], denom);
      })
      .Case([&](MishOp) -> Value {
        Value t = math::TanhOp::create(b, loc, softplus(b, loc, args[0]));
        return arith::MulFOp::create(b, loc, args[0], t);
      })
      .Case([&](SignOp) { return sign(b, loc, args[0]); })
      .Case([&](NotOp) -> Value {
        // All ones: true for i1, ~0 for wider integers.
        Value ones = arith::ConstantOp::create(
            b, loc, b.getIntegerAttr(args[0].getType(), -1));
        return arith::XOrIOp::create(b, loc, args[0], ones);
      })
      .Case([&](AndOp) -> Value {
        return arith::AndIOp::create(b, loc, args[0], args[1]);
      })
      .Case([&](OrOp) -> Value {
        return arith::OrIOp::create(b, loc, args[0], args[1]);
      })
      .Case([&](XorOp) -> Value {
        return arith::XOrIOp::create(b, loc, args[0], args[1]);
      })
      .Case([&](ModOp m) { return modulo(b, loc, args, m); })
      .Case([&](BitShiftOp s) { return bitShift(b, loc, args, s); })
      .Case([&](PReluOp) {
        return selectNegative(
            b, loc, args[0],
            arith::MulFOp::create(b, loc, args[0], args[1]).getResult());
      })
      .Case([&](IsNaNOp) -> Value {
        return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNO, args[0],
                                     args[0]);
      })
      .Case([&](IsInfOp i) { return isInf(b, loc, args[0], i); })
      .Case([&](SeluOp s) {
        Value em1 = math::ExpM1Op::create(b, loc, args[0]);
        Value v = selectNegative(
            b, loc, args[0],
            mulConst(b, loc, em1, s.getAlpha().convertToDouble()));
        // Selu's negative branch includes 0 (alpha * (exp(0) - 1) = 0).
        return mulConst(b, loc, v, s.getGamma().convertToDouble());
      })
      .Case([&](CeluOp c) {
        return celu(b, loc, args[0], c.getAlpha().convertToDouble());
      })
      .Case([&](ThresholdedReluOp t) -> Value {
        Type ty = args[0].getType();
        Value above = arith::CmpFOp::create(
            b, loc, arith::CmpFPredicate::OGT, args[0],
            floatConst(b, loc, ty, t.getAlpha().convertToDouble()));
        return arith::SelectOp::create(b, loc, above, args[0],
                                       floatConst(b, loc, ty, 0.0));
      })
      .Case([&](ShrinkOp s) { return shrink(b, loc, args[0], s); })

      .Default([](Operation *) { return failure(); });
}

void populateElementwisePatterns(RewritePatternSet &patterns) {
  patterns.add<ElementwiseLowering>(patterns.getContext());
}

} // namespace dsc
