//===- Utils.cpp - small helpers shared by dsc passes ---------------------===//
#include "dsc/Dialect/Utils.h"

#include "mlir/IR/Matchers.h"

using namespace mlir;

namespace dsc {

DenseElementsAttr denseFloatAttr(RankedTensorType type,
                                 ArrayRef<double> values) {
  if (type.getElementType().isF32()) {
    // The common case without an APFloat per element (weights are large).
    SmallVector<float> floats(values.begin(), values.end());
    return DenseElementsAttr::get(type, ArrayRef<float>(floats));
  }
  const llvm::fltSemantics &sem =
      cast<FloatType>(type.getElementType()).getFloatSemantics();
  SmallVector<APFloat> converted;
  for (double d : values) {
    APFloat f(d);
    bool lost;
    f.convert(sem, APFloat::rmNearestTiesToEven, &lost);
    converted.push_back(f);
  }
  return DenseElementsAttr::get(type, converted);
}

} // namespace dsc

namespace dsc {

std::optional<SmallVector<double>> constantFloatValues(Value v) {
  DenseElementsAttr attr;
  if (!v || !matchPattern(v, m_Constant(&attr)) ||
      !isa<FloatType>(attr.getElementType()))
    return std::nullopt;
  SmallVector<double> values;
  values.reserve(attr.getNumElements());
  if (attr.getElementType().isF32()) {
    for (float f : attr.getValues<float>())
      values.push_back(f);
    return values;
  }
  for (const APFloat &f : attr.getValues<APFloat>())
    values.push_back(f.convertToDouble());
  return values;
}

} // namespace dsc
