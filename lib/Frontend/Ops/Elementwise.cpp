//===- Elementwise.cpp - importers for elementwise ONNX ops ---------------===//
#include "../Compose.h"
#include "../NodeImporter.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

using namespace mlir;

namespace dsc {
namespace {

bool isUnsignedInteger(int32_t onnxType) {
  return NodeImporter::isUnsignedInteger(onnxType);
}

template <typename OpTy> LogicalResult importBinary(NodeImporter &n) {
  if (failed(n.checkAttributes({})))
    return failure();
  FailureOr<Value> lhs = n.input(0), rhs = n.input(1);
  if (failed(lhs) || failed(rhs))
    return failure();
  auto type = inferBroadcastType(n.errorFn(), n.type(*lhs), n.type(*rhs));
  // Integers are signless in MLIR; Add/Sub/Mul agree for both signednesses
  // in two's complement, division does not.
  if constexpr (std::is_same_v<OpTy, DivOp>)
    return n.setResult(
        n.create<DivOp>(type, *lhs, *rhs, isUnsignedInteger(n.onnxType(0))));
  return n.setResult(n.create<OpTy>(type, *lhs, *rhs));
}

LogicalResult requireFloat(NodeImporter &n, Value v) {
  if (!isa<FloatType>(n.type(v).getElementType()))
    return n.emitError() << "expects a floating-point input, got " << n.type(v);
  return success();
}

template <typename OpTy> LogicalResult importUnary(NodeImporter &n) {
  if (failed(n.checkAttributes({})))
    return failure();
  FailureOr<Value> x = n.input(0);
  if (failed(x) || failed(requireFloat(n, *x)))
    return failure();
  n.setOutput(0, OpTy::create(n.builder(), n.loc(), *x).getResult());
  return success();
}

/// Neg and Abs: floats and signed integers; Abs of an unsigned integer is
/// the input itself.
template <typename OpTy> LogicalResult importNumericUnary(NodeImporter &n) {
  if (failed(n.checkAttributes({})))
    return failure();
  FailureOr<Value> x = n.input(0);
  if (failed(x))
    return failure();
  Type elem = n.type(*x).getElementType();
  if (!isa<FloatType, IntegerType>(elem) || elem.isInteger(1))
    return n.emitError() << "expects a numeric input, got " << n.type(*x);
  if (isUnsignedInteger(n.onnxType(0))) {
    if (std::is_same_v<OpTy, AbsOp>) {
      n.setOutput(0, *x);
      return success();
    }
    return n.emitError() << n.node().op_type()
                         << " of unsigned integers is not supported";
  }
  // Folded on constants: shape arithmetic (Neg of an axis) stays constant.
  n.setOutput(0, n.builder().createOrFold<OpTy>(n.loc(), *x));
  return success();
}

/// The float input of a unary op with parameters.
FailureOr<Value> floatInput(NodeImporter &n) {
  FailureOr<Value> x = n.input(0);
  if (failed(x) || failed(requireFloat(n, *x)))
    return failure();
  return x;
}

LogicalResult importLeakyRelu(NodeImporter &n) {
  if (failed(n.checkAttributes({"alpha"})))
    return failure();
  FailureOr<Value> x = floatInput(n);
  auto alpha = n.floatAttr("alpha", 0.01f);
  if (failed(x) || failed(alpha))
    return failure();
  Builder b(n.context());
  n.setOutput(0, LeakyReluOp::create(n.builder(), n.loc(), n.type(*x), *x,
                                     b.getF64FloatAttr(*alpha))
                     .getResult());
  return success();
}

LogicalResult importElu(NodeImporter &n) {
  if (failed(n.checkAttributes({"alpha"})))
    return failure();
  FailureOr<Value> x = floatInput(n);
  auto alpha = n.floatAttr("alpha", 1.0f);
  if (failed(x) || failed(alpha))
    return failure();
  Builder b(n.context());
  n.setOutput(0, EluOp::create(n.builder(), n.loc(), n.type(*x), *x,
                               b.getF64FloatAttr(*alpha))
                     .getResult());
  return success();
}

LogicalResult importHardSigmoid(NodeImporter &n) {
  if (failed(n.checkAttributes({"alpha", "beta"})))
    return failure();
  FailureOr<Value> x = floatInput(n);
  auto alpha = n.floatAttr("alpha", 0.2f), beta = n.floatAttr("beta", 0.5f);
  if (failed(x) || failed(alpha) || failed(beta))
    return failure();
  Builder b(n.context());
  n.setOutput(0, HardSigmoidOp::create(n.builder(), n.loc(), n.type(*x), *x,
                                       b.getF64FloatAttr(*alpha),
                                       b.getF64FloatAttr(*beta))
                     .getResult());
  return success();
}

LogicalResult importGelu(NodeImporter &n) {
  if (failed(n.checkAttributes({"approximate"})))
    return failure();
  FailureOr<Value> x = floatInput(n);
  auto approximate = n.stringAttr("approximate", "none");
  if (failed(x) || failed(approximate))
    return failure();
  if (*approximate != "none" && *approximate != "tanh")
    return n.emitError() << "approximate '" << *approximate
                         << "' is not one of none, tanh";
  n.setOutput(0,
              GeluOp::create(n.builder(), n.loc(), n.type(*x), *x, *approximate)
                  .getResult());
  return success();
}

/// Pow: a float or signed integer base (an integer base gives an integer
/// result); a float or integer exponent (a separate type from opset 12 on).
LogicalResult importPow(NodeImporter &n) {
  if (failed(n.checkAttributes({})))
    return failure();
  FailureOr<Value> base = n.input(0), exponent = n.input(1);
  if (failed(base) || failed(exponent))
    return failure();
  Type baseElem = n.type(*base).getElementType();
  if (baseElem.isInteger(1) || isUnsignedInteger(n.onnxType(0)))
    return n.emitError() << "Pow of a bool or unsigned base is not supported "
                            "(ONNX allows float, int32 and int64), got "
                         << n.type(*base);
  // dsc.pow takes signed integer exponents: an unsigned one is widened to
  // int64 (zero-extended; uint64 values past INT64_MAX overflow any float
  // power anyway).
  if (isUnsignedInteger(n.onnxType(1))) {
    RankedTensorType et = n.type(*exponent);
    Type i64 = IntegerType::get(n.context(), 64);
    exponent = n.create<CastOp>(inferCastType(n.errorFn(), et, i64), *exponent,
                                /*input_unsigned=*/true,
                                /*result_unsigned=*/false);
    if (failed(exponent))
      return failure();
  }
  return n.setResult(n.create<PowOp>(
      inferPowType(n.errorFn(), n.type(*base), n.type(*exponent)), *base,
      *exponent));
}

/// Max, Min and Sum take one or more inputs: a chain of binary ops.
template <typename OpTy> FailureOr<Value> variadicChain(NodeImporter &n) {
  if (failed(n.checkAttributes({})))
    return failure();
  if (n.numInputs() == 0)
    return n.emitError() << "needs at least one input";
  FailureOr<Value> acc = n.input(0);
  if (failed(acc))
    return failure();
  Type elem = n.type(*acc).getElementType();
  // Integer inputs from opset 12 on; Max and Min compare unsigned ones as
  // unsigned.
  if (!isa<FloatType>(elem) &&
      (n.opset() < 12 || !isa<IntegerType>(elem) || elem.isInteger(1)))
    return n.emitError() << "expects floating-point"
                         << (n.opset() >= 12 ? " or integer" : "")
                         << " inputs, got " << n.type(*acc);
  bool isUnsigned = isUnsignedInteger(n.onnxType(0));
  for (int i = 1; i < n.numInputs(); ++i) {
    FailureOr<Value> next = n.input(i);
    if (failed(next))
      return failure();
    auto type = inferBroadcastType(n.errorFn(), n.type(*acc), n.type(*next));
    if constexpr (std::is_same_v<OpTy, MaxOp> || std::is_same_v<OpTy, MinOp>)
      acc = n.create<OpTy>(type, *acc, *next, isUnsigned);
    else
      acc = n.create<OpTy>(type, *acc, *next);
    if (failed(acc))
      return failure();
  }
  return acc;
}

template <typename OpTy> LogicalResult importVariadic(NodeImporter &n) {
  return n.setResult(variadicChain<OpTy>(n));
}

/// Comparisons give bool; unsigned integers order with unsigned predicates.
template <typename OpTy> LogicalResult importCompare(NodeImporter &n) {
  if (failed(n.checkAttributes({})))
    return failure();
  FailureOr<Value> lhs = n.input(0), rhs = n.input(1);
  if (failed(lhs) || failed(rhs))
    return failure();
  n.setOutputONNXType(0, onnx::TensorProto::BOOL);
  return n.setResult(
      n.create<OpTy>(inferCompareType(n.errorFn(), n.type(*lhs), n.type(*rhs)),
                     *lhs, *rhs, isUnsignedInteger(n.onnxType(0))));
}

LogicalResult importWhere(NodeImporter &n) {
  if (failed(n.checkAttributes({})))
    return failure();
  FailureOr<Value> c = n.input(0), x = n.input(1), y = n.input(2);
  if (failed(c) || failed(x) || failed(y))
    return failure();
  n.setOutputONNXType(0, n.onnxType(1));
  return n.setResult(n.create<WhereOp>(
      inferWhereType(n.errorFn(), n.type(*c), n.type(*x), n.type(*y)), *c, *x,
      *y));
}

/// max(y, bound) or min(y, bound) for a run-time Clip bound (none: y).
template <typename OpTy>
Value clipSide(NodeImporter &n, Composer &c, Value y, Value bound,
               bool isUnsigned) {
  if (!bound || !y)
    return y;
  // A [1] bound must not change a rank-0 input's rank.
  bound = c.reshape(bound, {});
  if (!bound)
    return {};
  FailureOr<Value> r =
      n.create<OpTy>(inferBroadcastType(n.errorFn(), c.type(y), c.type(bound)),
                     y, bound, isUnsigned);
  return succeeded(r) ? *r : Value();
}

/// Clip: bounds are attributes before opset 11 and optional inputs from
/// opset 11 on. Constant float bounds give dsc.clip; bounds computed at run
/// time, or integer inputs (opset 12), give max(x, min) then min(_, max),
/// which also yields max wherever min > max as ONNX asks.
LogicalResult importClip(NodeImporter &n) {
  FailureOr<Value> x = n.input(0);
  if (failed(x))
    return failure();
  Type elem = n.type(*x).getElementType();
  bool isFloat = isa<FloatType>(elem);
  if (!isFloat &&
      (n.opset() < 12 || !isa<IntegerType>(elem) || elem.isInteger(1)))
    return n.emitError() << "expects a floating-point"
                         << (n.opset() >= 12 ? " or integer" : "")
                         << " input, got " << n.type(*x);
  FloatAttr minAttr, maxAttr;
  Builder b(n.context());
  if (n.opset() < 11) {
    if (failed(n.checkAttributes({"min", "max"})))
      return failure();
    if (n.attr("min"))
      minAttr = b.getF64FloatAttr(*n.floatAttr("min", 0));
    if (n.attr("max"))
      maxAttr = b.getF64FloatAttr(*n.floatAttr("max", 0));
  } else {
    if (failed(n.checkAttributes({})))
      return failure();
    SmallVector<Value, 2> bounds;
    bool runtime = !isFloat;
    for (int i : {1, 2}) {
      FailureOr<Value> bound = n.optionalInput(i);
      if (failed(bound))
        return failure();
      bounds.push_back(*bound);
      if (!*bound)
        continue;
      RankedTensorType bt = n.type(*bound);
      if (bt.getNumElements() != 1 || bt.getElementType() != elem)
        return n.emitError() << "Clip's bounds must be scalars of the input's "
                                "type, got "
                             << bt;
      runtime |= !n.constantInputOrNull(i);
    }
    if (runtime) {
      Composer c(n);
      bool isUnsigned = isUnsignedInteger(n.onnxType(0));
      Value y = clipSide<MaxOp>(n, c, *x, bounds[0], isUnsigned);
      y = clipSide<MinOp>(n, c, y, bounds[1], isUnsigned);
      if (!y)
        return failure();
      n.setOutput(0, y);
      return success();
    }
    for (int i : {1, 2}) {
      if (!bounds[i - 1])
        continue;
      DenseElementsAttr bound = n.constantInputOrNull(i);
      double v = bound.getSplatValue<APFloat>().convertToDouble();
      (i == 1 ? minAttr : maxAttr) = b.getF64FloatAttr(v);
    }
  }
  if (minAttr && maxAttr &&
      minAttr.getValueAsDouble() > maxAttr.getValueAsDouble()) {
    // ONNX: min > max sets every element to max.
    minAttr = maxAttr;
  }
  n.setOutput(
      0, ClipOp::create(n.builder(), n.loc(), n.type(*x), *x, minAttr, maxAttr)
             .getResult());
  return success();
}

/// The float input and the float attributes `params` (name, default) of a
/// unary op with parameters, as f64 attributes.
FailureOr<std::pair<Value, SmallVector<FloatAttr>>>
paramUnary(NodeImporter &n, ArrayRef<std::pair<StringRef, float>> params) {
  SmallVector<StringRef> names;
  for (auto &p : params)
    names.push_back(p.first);
  if (failed(n.checkAttributes(names)))
    return failure();
  FailureOr<Value> x = floatInput(n);
  if (failed(x))
    return failure();
  Builder b(n.context());
  SmallVector<FloatAttr> attrs;
  for (auto &[name, dflt] : params) {
    FailureOr<float> v = n.floatAttr(name, dflt);
    if (failed(v))
      return failure();
    attrs.push_back(b.getF64FloatAttr(*v));
  }
  return std::make_pair(*x, attrs);
}

/// x * sigmoid(alpha * x).
Value buildSwish(Composer &c, Value x, double alpha) {
  if (!x)
    return {};
  Value scaled =
      alpha == 1.0 ? x : c.mul(x, c.scalar(c.type(x).getElementType(), alpha));
  return c.mul(x, c.unary<SigmoidOp>(scaled));
}

/// Swish (opset 24): x * sigmoid(alpha * x).
LogicalResult importSwish(NodeImporter &n) {
  auto p = paramUnary(n, {{"alpha", 1.0f}});
  if (failed(p))
    return failure();
  Composer c(n);
  Value y = buildSwish(c, p->first, p->second[0].getValueAsDouble());
  if (!y)
    return failure();
  n.setOutput(0, y);
  return success();
}

/// SwiGLU (opset 28): Swish_alpha(A) * B, A and B of one shape.
LogicalResult importSwiGLU(NodeImporter &n) {
  auto p = paramUnary(n, {{"alpha", 1.0f}});
  FailureOr<Value> b = n.input(1);
  if (failed(p) || failed(b))
    return failure();
  if (n.type(p->first) != n.type(*b))
    return n.emitError() << "expects A and B of one type, got "
                         << n.type(p->first) << " and " << n.type(*b);
  Composer c(n);
  Value y = c.mul(buildSwish(c, p->first, p->second[0].getValueAsDouble()), *b);
  if (!y)
    return failure();
  n.setOutput(0, y);
  return success();
}

LogicalResult importSelu(NodeImporter &n) {
  auto p = paramUnary(n, {{"alpha", 1.67326319217681884765625f},
                          {"gamma", 1.05070102214813232421875f}});
  if (failed(p))
    return failure();
  auto &[x, a] = *p;
  n.setOutput(0, SeluOp::create(n.builder(), n.loc(), n.type(x), x, a[0], a[1])
                     .getResult());
  return success();
}

LogicalResult importCelu(NodeImporter &n) {
  auto p = paramUnary(n, {{"alpha", 1.0f}});
  if (failed(p))
    return failure();
  auto &[x, a] = *p;
  if (a[0].getValueAsDouble() == 0)
    return n.emitError() << "Celu's alpha must be non-zero";
  n.setOutput(
      0, CeluOp::create(n.builder(), n.loc(), n.type(x), x, a[0]).getResult());
  return success();
}

LogicalResult importThresholdedRelu(NodeImporter &n) {
  auto p = paramUnary(n, {{"alpha", 1.0f}});
  if (failed(p))
    return failure();
  auto &[x, a] = *p;
  n.setOutput(
      0, ThresholdedReluOp::create(n.builder(), n.loc(), n.type(x), x, a[0])
             .getResult());
  return success();
}

LogicalResult importShrink(NodeImporter &n) {
  auto p = paramUnary(n, {{"bias", 0.0f}, {"lambd", 0.5f}});
  if (failed(p))
    return failure();
  auto &[x, a] = *p;
  n.setOutput(0,
              ShrinkOp::create(n.builder(), n.loc(), n.type(x), x, a[0], a[1])
                  .getResult());
  return success();
}

LogicalResult importNot(NodeImporter &n) {
  if (failed(n.checkAttributes({})))
    return failure();
  FailureOr<Value> x = n.input(0);
  if (failed(x))
    return failure();
  if (!n.type(*x).getElementType().isInteger(1))
    return n.emitError() << "expects a bool input, got " << n.type(*x);
  n.setOutput(0, n.builder().createOrFold<NotOp>(n.loc(), *x));
  return success();
}

/// And, Or, Xor on bools; BitwiseAnd, BitwiseOr, BitwiseXor on integers
/// (the same dsc ops).
template <typename OpTy, bool bitwise>
LogicalResult importLogical(NodeImporter &n) {
  if (failed(n.checkAttributes({})))
    return failure();
  FailureOr<Value> lhs = n.input(0), rhs = n.input(1);
  if (failed(lhs) || failed(rhs))
    return failure();
  Type elem = n.type(*lhs).getElementType();
  if (bitwise ? !isa<IntegerType>(elem) || elem.isInteger(1)
              : !elem.isInteger(1))
    return n.emitError() << "expects " << (bitwise ? "integer" : "bool")
                         << " inputs, got " << n.type(*lhs);
  return n.setResult(n.create<OpTy>(
      inferLogicalType(n.errorFn(), n.type(*lhs), n.type(*rhs)), *lhs, *rhs));
}

LogicalResult importBitwiseNot(NodeImporter &n) {
  if (failed(n.checkAttributes({})))
    return failure();
  FailureOr<Value> x = n.input(0);
  if (failed(x))
    return failure();
  Type elem = n.type(*x).getElementType();
  if (!isa<IntegerType>(elem) || elem.isInteger(1))
    return n.emitError() << "expects an integer input, got " << n.type(*x);
  n.setOutput(0, n.builder().createOrFold<NotOp>(n.loc(), *x));
  return success();
}

LogicalResult importBitShift(NodeImporter &n) {
  if (failed(n.checkAttributes({"direction"})))
    return failure();
  FailureOr<Value> lhs = n.input(0), rhs = n.input(1);
  auto direction = n.stringAttr("direction", "");
  if (failed(lhs) || failed(rhs) || failed(direction))
    return failure();
  if (*direction != "LEFT" && *direction != "RIGHT")
    return n.emitError() << "direction must be LEFT or RIGHT, got '"
                         << *direction << "'";
  // Signed types from opset 28 on (the signature did not change, only the
  // type constraint).
  bool isSigned = !isUnsignedInteger(n.onnxType(0));
  if (isSigned && n.opset() < 28)
    return n.emitError() << "BitShift before opset 28 is defined on unsigned "
                            "integers, got "
                         << NodeImporter::dtypeName(n.onnxType(0));
  return n.setResult(n.create<BitShiftOp>(
      inferBitShiftType(n.errorFn(), n.type(*lhs), n.type(*rhs)), *lhs, *rhs,
      *direction == "LEFT", isSigned));
}

/// Mod: `fmod` selects C fmod (truncated) over Python % (floored) remainders;
/// for floats without fmod, numpy.mod.
LogicalResult importMod(NodeImporter &n) {
  if (failed(n.checkAttributes({"fmod"})))
    return failure();
  FailureOr<Value> lhs = n.input(0), rhs = n.input(1);
  auto fmod = n.intAttr("fmod", 0);
  if (failed(lhs) || failed(rhs) || failed(fmod))
    return failure();
  return n.setResult(n.create<ModOp>(
      inferModType(n.errorFn(), n.type(*lhs), n.type(*rhs), *fmod != 0), *lhs,
      *rhs, *fmod != 0, isUnsignedInteger(n.onnxType(0))));
}

LogicalResult importPRelu(NodeImporter &n) {
  if (failed(n.checkAttributes({})))
    return failure();
  FailureOr<Value> x = n.input(0), slope = n.input(1);
  if (failed(x) || failed(slope))
    return failure();
  return n.setResult(n.create<PReluOp>(
      inferPReluType(n.errorFn(), n.type(*x), n.type(*slope)), *x, *slope));
}

LogicalResult importIsNaN(NodeImporter &n) {
  if (failed(n.checkAttributes({})))
    return failure();
  FailureOr<Value> x = n.input(0);
  if (failed(x))
    return failure();
  n.setOutputONNXType(0, onnx::TensorProto::BOOL);
  return n.setResult(
      n.create<IsNaNOp>(inferFloatTestType(n.errorFn(), n.type(*x)), *x));
}

LogicalResult importIsInf(NodeImporter &n) {
  if (failed(n.checkAttributes({"detect_negative", "detect_positive"})))
    return failure();
  FailureOr<Value> x = n.input(0);
  auto negative = n.intAttr("detect_negative", 1);
  auto positive = n.intAttr("detect_positive", 1);
  if (failed(x) || failed(negative) || failed(positive))
    return failure();
  n.setOutputONNXType(0, onnx::TensorProto::BOOL);
  return n.setResult(
      n.create<IsInfOp>(inferFloatTestType(n.errorFn(), n.type(*x)), *x,
                        *negative != 0, *positive != 0));
}

/// Mean: the Sum chain divided by the number of inputs.
LogicalResult importMean(NodeImporter &n) {
  FailureOr<Value> sum = variadicChain<AddOp>(n);
  if (failed(sum))
    return failure();
  RankedTensorType st = n.type(*sum);
  if (!isa<FloatType>(st.getElementType()))
    return n.emitError() << "expects floating-point inputs, got " << st;
  auto scalarType = RankedTensorType::get({}, st.getElementType());
  Value count = arith::ConstantOp::create(
      n.builder(), n.loc(),
      DenseElementsAttr::get(
          scalarType, Builder(n.context())
                          .getFloatAttr(st.getElementType(), n.numInputs())));
  return n.setResult(n.create<DivOp>(
      inferBroadcastType(n.errorFn(), st, scalarType), *sum, count));
}

} // namespace

void registerElementwiseImporters(OpRegistry &r) {
  r.add("Add", {7, 13, 14}, importBinary<AddOp>);
  r.add("Sub", {7, 13, 14}, importBinary<SubOp>);
  r.add("Mul", {7, 13, 14}, importBinary<MulOp>);
  r.add("Div", {7, 13, 14}, importBinary<DivOp>);
  r.add("Relu", {6, 13, 14}, importUnary<ReluOp>);
  r.add("Sigmoid", {6, 13}, importUnary<SigmoidOp>);
  r.add("Tanh", {6, 13}, importUnary<TanhOp>);
  r.add("Erf", {9, 13}, importUnary<ErfOp>);
  r.add("Clip", {6, 11, 12, 13}, importClip);
  r.add("Exp", {6, 13}, importUnary<ExpOp>);
  r.add("Log", {6, 13}, importUnary<LogOp>);
  r.add("Sqrt", {6, 13}, importUnary<SqrtOp>);
  r.add("Reciprocal", {6, 13}, importUnary<ReciprocalOp>);
  r.add("Floor", {6, 13}, importUnary<FloorOp>);
  r.add("Ceil", {6, 13}, importUnary<CeilOp>);
  r.add("Softplus", {1, 22}, importUnary<SoftplusOp>);
  r.add("HardSwish", {14, 22}, importUnary<HardSwishOp>);
  r.add("Neg", {6, 13}, importNumericUnary<NegOp>);
  r.add("Abs", {6, 13}, importNumericUnary<AbsOp>);
  r.add("LeakyRelu", {6, 16}, importLeakyRelu);
  r.add("Elu", {6, 22}, importElu);
  r.add("HardSigmoid", {6, 22}, importHardSigmoid);
  r.add("Gelu", {20}, importGelu);
  r.add("Pow", {7, 12, 13, 15}, importPow);
  r.add("Max", {6, 8, 12, 13}, importVariadic<MaxOp>);
  r.add("Min", {6, 8, 12, 13}, importVariadic<MinOp>);
  r.add("Equal", {7, 11, 13, 19}, importCompare<EqualOp>);
  r.add("Less", {7, 9, 13}, importCompare<LessOp>);
  r.add("LessOrEqual", {12, 16}, importCompare<LessEqualOp>);
  r.add("Greater", {7, 9, 13}, importCompare<GreaterOp>);
  r.add("GreaterOrEqual", {12, 16}, importCompare<GreaterEqualOp>);
  r.add("Where", {9, 16}, importWhere);
  r.add("Sin", {7, 22}, importUnary<SinOp>);
  r.add("Cos", {7, 22}, importUnary<CosOp>);
  r.add("Tan", {7, 22}, importUnary<TanOp>);
  r.add("Asin", {7, 22}, importUnary<AsinOp>);
  r.add("Acos", {7, 22}, importUnary<AcosOp>);
  r.add("Atan", {7, 22}, importUnary<AtanOp>);
  r.add("Sinh", {9, 22}, importUnary<SinhOp>);
  r.add("Cosh", {9, 22}, importUnary<CoshOp>);
  r.add("Asinh", {9, 22}, importUnary<AsinhOp>);
  r.add("Acosh", {9, 22}, importUnary<AcoshOp>);
  r.add("Atanh", {9, 22}, importUnary<AtanhOp>);
  r.add("Round", {11, 22}, importUnary<RoundOp>);
  r.add("Softsign", {1, 22}, importUnary<SoftsignOp>);
  r.add("Mish", {18, 22}, importUnary<MishOp>);
  r.add("Sign", {9, 13}, importNumericUnary<SignOp>);
  r.add("Selu", {6, 22}, importSelu);
  r.add("Swish", {24}, importSwish);
  r.add("SwiGLU", {28}, importSwiGLU);
  r.add("Celu", {12}, importCelu);
  r.add("ThresholdedRelu", {10, 22}, importThresholdedRelu);
  r.add("Shrink", {9}, importShrink);
  r.add("Not", {1}, importNot);
  r.add("And", {7}, importLogical<AndOp, false>);
  r.add("Or", {7}, importLogical<OrOp, false>);
  r.add("Xor", {7}, importLogical<XorOp, false>);
  r.add("BitwiseAnd", {18}, importLogical<AndOp, true>);
  r.add("BitwiseOr", {18}, importLogical<OrOp, true>);
  r.add("BitwiseXor", {18}, importLogical<XorOp, true>);
  r.add("BitwiseNot", {18}, importBitwiseNot);
  r.add("BitShift", {11}, importBitShift);
  r.add("Mod", {10, 13}, importMod);
  r.add("PRelu", {7, 9, 16}, importPRelu);
  r.add("IsNaN", {9, 13, 20}, importIsNaN);
  r.add("IsInf", {10, 20}, importIsInf);
  r.add("Sum", {6, 8, 13}, importVariadic<AddOp>);
  r.add("Mean", {6, 8, 13}, importMean);
}

} // namespace dsc
