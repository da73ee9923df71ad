//===- Utils.cpp - small helpers shared by dsc passes ---------------------===//
#include "dsc/Dialect/Utils.h"

#include "mlir/IR/Matchers.h"

#include <cstring>

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

DenseElementsAttr transposeDense(DenseElementsAttr c,
                                 ArrayRef<int64_t> sourceShape,
                                 ArrayRef<int64_t> perm,
                                 RankedTensorType resultType) {
  if (c.isSplat())
    return SplatElementsAttr::get(resultType, c.getSplatValue<Attribute>());
  Type elem = c.getElementType();
  if (!elem.isIntOrFloat() || elem.isInteger(1))
    return {};
  int64_t eb = (elem.getIntOrFloatBitWidth() + 7) / 8;
  int64_t rank = perm.size();
  ArrayRef<char> raw = c.getRawData();
  SmallVector<int64_t> inStrides(rank, 1);
  for (int64_t d = rank - 2; d >= 0; --d)
    inStrides[d] = inStrides[d + 1] * sourceShape[d + 1];
  std::vector<char> out(resultType.getNumElements() * eb);
  SmallVector<int64_t> idx(rank, 0);
  ArrayRef<int64_t> outShape = resultType.getShape();
  for (int64_t i = 0, n = resultType.getNumElements(); i < n; ++i) {
    int64_t src = 0;
    for (int64_t d = 0; d < rank; ++d)
      src += idx[d] * inStrides[perm[d]];
    std::memcpy(&out[i * eb], raw.data() + src * eb, eb);
    for (int64_t d = rank - 1; d >= 0; --d) {
      if (++idx[d] < outShape[d])
        break;
      idx[d] = 0;
    }
  }
  return DenseElementsAttr::getFromRawBuffer(resultType, out);
}

DenseElementsAttr padDenseWithZeros(DenseElementsAttr c, unsigned dim,
                                    int64_t size) {
  auto type = cast<RankedTensorType>(c.getType());
  ArrayRef<int64_t> shape = type.getShape();
  Type elem = type.getElementType();
  int64_t eb = (elem.getIntOrFloatBitWidth() + 7) / 8;
  int64_t outer = 1, inner = 1;
  for (unsigned i = 0; i < dim; ++i)
    outer *= shape[i];
  for (unsigned i = dim + 1; i < shape.size(); ++i)
    inner *= shape[i];
  int64_t rowBytes = shape[dim] * inner * eb, paddedBytes = size * inner * eb;
  std::vector<char> out(outer * paddedBytes, 0);
  ArrayRef<char> raw = c.getRawData();
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < rowBytes; i += eb)
      std::memcpy(&out[o * paddedBytes + i],
                  raw.data() + (c.isSplat() ? 0 : o * rowBytes + i), eb);
  SmallVector<int64_t> padded(shape);
  padded[dim] = size;
  return DenseElementsAttr::getFromRawBuffer(
      RankedTensorType::get(padded, elem), out);
}

} // namespace dsc
