//===- ML.cpp - ai.onnx.ml ops ---------------------------------------------===//
//
// The classical-ML domain's tensor ops that are compositions of dsc ops:
// Binarizer (a comparison) and ArrayFeatureExtractor (a gather along the
// last axis). Ops on strings and maps (LabelEncoder with string keys,
// DictVectorizer, ...) stay unsupported: dsc has no string tensors.
//
//===----------------------------------------------------------------------===//
#include "../Compose.h"
#include "dsc/Dialect/ShapeInference.h"

using namespace mlir;

namespace dsc {
namespace {

/// Binarizer (ai.onnx.ml 1): 1 where x > threshold, else 0, in x's type.
LogicalResult importBinarizer(NodeImporter &n) {
  if (failed(n.checkAttributes({"threshold"})))
    return failure();
  auto threshold = n.floatAttr("threshold", 0.0f);
  FailureOr<Value> x = n.input(0);
  if (failed(threshold) || failed(x))
    return failure();
  Type elem = Composer::type(*x).getElementType();
  if (!isa<FloatType>(elem))
    return n.emitError() << "expects a floating-point input, got "
                         << Composer::type(*x);
  Composer c(n);
  Value above = c.compare<GreaterOp>(*x, c.scalar(elem, *threshold));
  Value y = c.cast(above, elem);
  if (!y)
    return failure();
  return n.setResult(y);
}

/// ArrayFeatureExtractor (ai.onnx.ml 1): x[..., indices] with the indices
/// flattened; a 1-D x gives [1, count], as ONNX's reference does.
LogicalResult importArrayFeatureExtractor(NodeImporter &n) {
  if (failed(n.checkAttributes({})))
    return failure();
  FailureOr<Value> x = n.input(0), indices = n.input(1);
  if (failed(x) || failed(indices))
    return failure();
  RankedTensorType xt = Composer::type(*x), it = Composer::type(*indices);
  if (xt.getRank() == 0 || !it.getElementType().isInteger(64))
    return n.emitError() << "expects a tensor of rank >= 1 and int64 "
                            "indices, got "
                         << xt << " and " << it;
  Composer c(n);
  Value data = *x;
  if (xt.getRank() == 1)
    data = c.reshape(data, {1, xt.getDimSize(0)});
  Value flat = c.reshape(*indices, {it.getNumElements()});
  if (!data || !flat)
    return failure();
  int64_t axis = Composer::type(data).getRank() - 1;
  return n.setResult(n.create<GatherOp>(
      inferGatherType(n.errorFn(), Composer::type(data), Composer::type(flat),
                      axis),
      data, flat, axis));
}

} // namespace

void registerMLImporters(OpRegistry &r) {
  r.add("ai.onnx.ml", "Binarizer", {1}, importBinarizer);
  r.add("ai.onnx.ml", "ArrayFeatureExtractor", {1},
        importArrayFeatureExtractor);
}

} // namespace dsc
