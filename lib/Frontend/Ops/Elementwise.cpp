//===- Elementwise.cpp - importers for elementwise ONNX ops ---------------===//
#include "../NodeImporter.h"

using namespace mlir;

namespace dsc {
namespace {

bool isUnsignedInteger(int32_t onnxType) {
  return onnxType == onnx::TensorProto::UINT8 ||
         onnxType == onnx::TensorProto::UINT16 ||
         onnxType == onnx::TensorProto::UINT32 ||
         onnxType == onnx::TensorProto::UINT64;
}

template <typename OpTy> LogicalResult importBinary(NodeImporter &n) {
  if (failed(n.checkAttributes({})))
    return failure();
  // Integers are signless in MLIR; Add/Sub/Mul agree for both signednesses
  // in two's complement, division does not.
  if (std::is_same_v<OpTy, DivOp> && isUnsignedInteger(n.onnxType(0)))
    return n.emitError() << "Div on unsigned integers is not supported yet";
  FailureOr<Value> lhs = n.input(0), rhs = n.input(1);
  if (failed(lhs) || failed(rhs))
    return failure();
  return n.setResult(n.create<OpTy>(
      inferBroadcastType(n.errorFn(), n.type(*lhs), n.type(*rhs)), *lhs, *rhs));
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

/// Clip: bounds are attributes before opset 11 and optional constant inputs
/// from opset 11 on.
LogicalResult importClip(NodeImporter &n) {
  FailureOr<Value> x = n.input(0);
  if (failed(x) || failed(requireFloat(n, *x)))
    return failure();
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
    for (int i : {1, 2}) {
      if (!n.hasInput(i))
        continue;
      FailureOr<DenseElementsAttr> bound =
          n.constantInput(i, i == 1 ? "Clip's min" : "Clip's max");
      if (failed(bound))
        return failure();
      if (bound->getNumElements() != 1 ||
          !isa<FloatType>(bound->getElementType()))
        return n.emitError() << "Clip's bounds must be float scalars";
      double v = (*bound).getSplatValue<APFloat>().convertToDouble();
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
}

} // namespace dsc
