//===- Compose.cpp - building an ONNX op from several dsc ops -------------===//
#include "Compose.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

using namespace mlir;

namespace dsc {

Value Composer::scalar(Type elem, double value) {
  auto type = RankedTensorType::get({}, elem);
  Builder b(n_.context());
  TypedAttr attr =
      isa<FloatType>(elem)
          ? TypedAttr(b.getFloatAttr(elem, value))
          : TypedAttr(b.getIntegerAttr(elem, static_cast<int64_t>(value)));
  return arith::ConstantOp::create(n_.builder(), n_.loc(),
                                   DenseElementsAttr::get(type, attr));
}

Value Composer::constant(RankedTensorType type, ArrayRef<int64_t> values) {
  Type elem = type.getElementType();
  Builder b(n_.context());
  SmallVector<Attribute> attrs;
  for (int64_t v : values)
    attrs.push_back(isa<FloatType>(elem)
                        ? Attribute(b.getFloatAttr(elem, v))
                        : Attribute(b.getIntegerAttr(elem, v)));
  return arith::ConstantOp::create(n_.builder(), n_.loc(),
                                   DenseElementsAttr::get(type, attrs));
}

Value Composer::pow(Value base, Value exponent) {
  if (!base || !exponent)
    return {};
  return get(n_.create<PowOp>(
      inferPowType(n_.errorFn(), type(base), type(exponent)), base, exponent));
}

Value Composer::where(Value cond, Value x, Value y) {
  if (!cond || !x || !y)
    return {};
  return get(n_.create<WhereOp>(
      inferWhereType(n_.errorFn(), type(cond), type(x), type(y)), cond, x, y));
}

Value Composer::cast(Value v, Type elem) {
  if (!v)
    return {};
  if (type(v).getElementType() == elem)
    return v;
  return get(n_.create<CastOp>(inferCastType(n_.errorFn(), type(v), elem), v,
                               false, false));
}

Value Composer::reshape(Value v, ArrayRef<int64_t> shape) {
  if (!v)
    return {};
  if (type(v).getShape() == shape)
    return v;
  return get(n_.create<ReshapeOp>(
      inferReshapeType(n_.errorFn(), type(v), shape, false), v));
}

Value Composer::reduce(Value v, StringRef kind, ArrayRef<int64_t> axes,
                       bool keepDims) {
  if (!v)
    return {};
  Builder b(n_.context());
  return get(n_.create<ReduceOp>(
      inferReduceType(n_.errorFn(), type(v), kind, axes, keepDims), v,
      b.getStringAttr(kind), b.getDenseI64ArrayAttr(axes),
      b.getBoolAttr(keepDims)));
}

} // namespace dsc
