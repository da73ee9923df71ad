//===- Utils.cpp - small helpers shared by dsc passes ---------------------===//
#include "dsc/Dialect/Utils.h"

using namespace mlir;

namespace dsc {

DenseElementsAttr denseFloatAttr(RankedTensorType type,
                                 ArrayRef<double> values) {
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
