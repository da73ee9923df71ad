//===- Tensor.cpp - importers for shape and data-movement ONNX ops --------===//
#include "../NodeImporter.h"

using namespace mlir;

namespace dsc {
namespace {

LogicalResult importFlatten(NodeImporter &n) {
  if (failed(n.checkAttributes({"axis"})))
    return failure();
  FailureOr<Value> x = n.input(0);
  auto axisAttr = n.intAttr("axis", 1);
  if (failed(x) || failed(axisAttr))
    return failure();
  RankedTensorType xt = n.type(*x);
  auto axis = normalizeAxis(n.errorFn(), *axisAttr, xt.getRank(),
                            /*inclusive=*/true);
  if (failed(axis))
    return failure();
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < xt.getRank(); ++d)
    (d < *axis ? outer : inner) *= xt.getDimSize(d);
  auto type = RankedTensorType::get({outer, inner}, xt.getElementType());
  n.setOutput(0, ReshapeOp::create(n.builder(), n.loc(), type, *x).getResult());
  return success();
}

LogicalResult importReshape(NodeImporter &n) {
  SmallVector<StringRef> known;
  if (n.opset() >= 14)
    known.push_back("allowzero");
  if (failed(n.checkAttributes(known)))
    return failure();
  FailureOr<Value> x = n.input(0);
  FailureOr<DenseElementsAttr> shape = n.constantInput(1, "Reshape's shape");
  auto allowZero = n.intAttr("allowzero", 0);
  if (failed(x) || failed(shape) || failed(allowZero))
    return failure();
  if (!shape->getElementType().isInteger(64) || shape->getType().getRank() != 1)
    return n.emitError() << "Reshape's shape must be a 1-D int64 tensor";
  SmallVector<int64_t> dims(shape->getValues<int64_t>());
  return n.setResult(n.create<ReshapeOp>(
      inferReshapeType(n.errorFn(), n.type(*x), dims, *allowZero != 0), *x));
}

LogicalResult importTranspose(NodeImporter &n) {
  if (failed(n.checkAttributes({"perm"})))
    return failure();
  FailureOr<Value> x = n.input(0);
  auto permAttr = n.intsAttr("perm");
  if (failed(x) || failed(permAttr))
    return failure();
  int64_t rank = n.type(*x).getRank();
  SmallVector<int64_t> perm;
  if (*permAttr)
    perm = **permAttr;
  else
    for (int64_t i = rank - 1; i >= 0; --i)
      perm.push_back(i);
  return n.setResult(n.create<TransposeOp>(
      inferTransposeType(n.errorFn(), n.type(*x), perm), *x, perm));
}

LogicalResult importConcat(NodeImporter &n) {
  if (failed(n.checkAttributes({"axis"})))
    return failure();
  if (!n.attr("axis"))
    return n.emitError() << "the required attribute 'axis' is missing";
  SmallVector<Value> inputs;
  SmallVector<RankedTensorType> types;
  for (int i = 0; i < n.numInputs(); ++i) {
    FailureOr<Value> v = n.input(i);
    if (failed(v))
      return failure();
    inputs.push_back(*v);
    types.push_back(n.type(*v));
  }
  if (inputs.empty())
    return n.emitError() << "Concat needs at least one input";
  auto axis = normalizeAxis(n.errorFn(), *n.intAttr("axis", 0),
                            types.front().getRank());
  if (failed(axis))
    return failure();
  FailureOr<Value> r = n.create<ConcatOp>(
      inferConcatType(n.errorFn(), types, *axis), inputs, *axis);
  if (failed(r))
    return failure();
  n.setOutput(0, *r);
  return success();
}

LogicalResult importConstant(NodeImporter &n) {
  if (n.node().attribute_size() != 1)
    return n.emitError() << "Constant needs exactly one value attribute";
  const onnx::AttributeProto &a = n.node().attribute(0);
  Builder b(n.context());
  DenseElementsAttr value;
  int32_t onnxType = onnx::TensorProto::FLOAT;
  StringRef name = a.name();
  if (name == "value") {
    FailureOr<DenseElementsAttr> t = n.readTensor(a.t());
    if (failed(t))
      return failure();
    value = *t;
    onnxType = a.t().data_type();
  } else if (name == "value_float") {
    value = DenseElementsAttr::get(RankedTensorType::get({}, b.getF32Type()),
                                   a.f());
  } else if (name == "value_floats") {
    SmallVector<float> v(a.floats().begin(), a.floats().end());
    value = DenseElementsAttr::get(
        RankedTensorType::get({static_cast<int64_t>(v.size())}, b.getF32Type()),
        ArrayRef<float>(v));
  } else if (name == "value_int") {
    onnxType = onnx::TensorProto::INT64;
    value = DenseElementsAttr::get(
        RankedTensorType::get({}, b.getIntegerType(64)), a.i());
  } else if (name == "value_ints") {
    onnxType = onnx::TensorProto::INT64;
    SmallVector<int64_t> v(a.ints().begin(), a.ints().end());
    value = DenseElementsAttr::get(
        RankedTensorType::get({static_cast<int64_t>(v.size())},
                              b.getIntegerType(64)),
        ArrayRef<int64_t>(v));
  } else {
    return n.emitError() << "Constant's '" << name
                         << "' attribute is not supported (sparse and string "
                            "constants are not)";
  }
  n.setConstantOutput(0, value, onnxType);
  return success();
}

LogicalResult importIdentity(NodeImporter &n) {
  if (failed(n.checkAttributes({})))
    return failure();
  FailureOr<Value> x = n.input(0);
  if (failed(x))
    return failure();
  n.setOutput(0, *x);
  return success();
}

} // namespace

void registerTensorImporters(OpRegistry &r) {
  r.add("Flatten", {1, 9, 11, 13, 21}, importFlatten);
  r.add("Reshape", {5, 13, 14, 19, 21}, importReshape);
  r.add("Transpose", {1, 13, 21}, importTranspose);
  r.add("Concat", {4, 11, 13}, importConcat);
  r.add("Constant", {1, 9, 11, 12, 13, 19, 21}, importConstant);
  r.add("Identity", {1, 13, 14, 16, 19, 21}, importIdentity);
}

} // namespace dsc
