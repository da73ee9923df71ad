//===- ConstantFolding.cpp - numpy-like folds on constant tensors ---------===//
#include "ConstantFolding.h"

#include "llvm/ADT/APSInt.h"

using namespace mlir;

namespace dsc {

bool shouldFold(RankedTensorType type, ArrayRef<DenseElementsAttr> inputs) {
  if (llvm::all_of(inputs, [](DenseElementsAttr a) { return a.isSplat(); }))
    return true;
  // The element count without overflow (a huge shape must not wrap around
  // to a small one).
  int64_t numel = 1;
  for (int64_t d : type.getShape()) {
    if (d < 0 || (d != 0 && numel > kMaxFoldedElements / d))
      return false;
    numel *= d;
  }
  return true;
}

SmallVector<int64_t> intValues(DenseElementsAttr value) {
  SmallVector<int64_t> out;
  bool isBool = value.getElementType().isInteger(1);
  for (const APInt &v : value.getValues<APInt>())
    out.push_back(isBool ? int64_t(v.getZExtValue()) : v.getSExtValue());
  return out;
}

/// Row-major flat index of `index` in `shape`.
static int64_t flatIndex(ArrayRef<int64_t> index, ArrayRef<int64_t> shape) {
  int64_t flat = 0;
  for (auto [i, d] : llvm::zip(index, shape))
    flat = flat * d + i;
  return flat;
}

template <typename T>
static DenseElementsAttr
remapAs(ArrayRef<DenseElementsAttr> sources, RankedTensorType type,
        function_ref<std::pair<unsigned, int64_t>(ArrayRef<int64_t>)> source) {
  SmallVector<SmallVector<T>> values;
  for (DenseElementsAttr s : sources)
    values.emplace_back(s.getValues<T>());
  SmallVector<T> out;
  int64_t numel = type.getNumElements(), rank = type.getRank();
  out.reserve(numel);
  SmallVector<int64_t> index(rank, 0);
  for (int64_t n = 0; n < numel; ++n) {
    auto [which, flat] = source(index);
    out.push_back(values[which][flat]);
    for (int64_t d = rank - 1; d >= 0; --d) {
      if (++index[d] < type.getDimSize(d))
        break;
      index[d] = 0;
    }
  }
  return DenseElementsAttr::get(type, out);
}

DenseElementsAttr remapElements(
    ArrayRef<DenseElementsAttr> sources, RankedTensorType type,
    function_ref<std::pair<unsigned, int64_t>(ArrayRef<int64_t>)> source) {
  // One splat source: the result is the same splat.
  if (sources.size() == 1 && sources.front().isSplat())
    return DenseElementsAttr(sources.front()).resizeSplat(type);
  if (isa<FloatType>(type.getElementType()))
    return remapAs<APFloat>(sources, type, source);
  return remapAs<APInt>(sources, type, source);
}

DenseElementsAttr foldBroadcast(DenseElementsAttr value,
                                RankedTensorType type) {
  ArrayRef<int64_t> in = value.getType().getShape();
  size_t offset = type.getRank() - in.size();
  return remapElements({value}, type, [&](ArrayRef<int64_t> index) {
    SmallVector<int64_t> at;
    for (auto [i, d] : llvm::enumerate(in))
      at.push_back(d == 1 ? 0 : index[offset + i]);
    return std::make_pair(0u, flatIndex(at, in));
  });
}

DenseElementsAttr foldGather(DenseElementsAttr data, ArrayRef<int64_t> indices,
                             ArrayRef<int64_t> indicesShape, int64_t axis,
                             RankedTensorType type) {
  ArrayRef<int64_t> in = data.getType().getShape();
  size_t q = indicesShape.size();
  return remapElements({data}, type, [&](ArrayRef<int64_t> index) {
    SmallVector<int64_t> at(index.take_front(axis));
    at.push_back(indices[flatIndex(index.slice(axis, q), indicesShape)]);
    llvm::append_range(at, index.drop_front(axis + q));
    return std::make_pair(0u, flatIndex(at, in));
  });
}

DenseElementsAttr foldSlice(DenseElementsAttr value, ArrayRef<int64_t> starts,
                            ArrayRef<int64_t> steps, RankedTensorType type) {
  ArrayRef<int64_t> in = value.getType().getShape();
  return remapElements({value}, type, [&](ArrayRef<int64_t> index) {
    SmallVector<int64_t> at;
    for (auto [d, i] : llvm::enumerate(index))
      at.push_back(starts[d] + i * steps[d]);
    return std::make_pair(0u, flatIndex(at, in));
  });
}

DenseElementsAttr foldConcat(ArrayRef<DenseElementsAttr> inputs, int64_t axis,
                             RankedTensorType type) {
  return remapElements(inputs, type, [&](ArrayRef<int64_t> index) {
    SmallVector<int64_t> at(index);
    unsigned which = 0;
    while (at[axis] >= inputs[which].getType().getDimSize(axis))
      at[axis] -= inputs[which++].getType().getDimSize(axis);
    return std::make_pair(which,
                          flatIndex(at, inputs[which].getType().getShape()));
  });
}

DenseElementsAttr foldIntReduce(DenseElementsAttr value, StringRef kind,
                                ArrayRef<int64_t> axes, RankedTensorType type) {
  Type elem = value.getElementType();
  if (!isa<IntegerType>(elem) || elem.isInteger(1) ||
      !llvm::is_contained({"sum", "prod", "max", "min"}, kind))
    return {};
  ArrayRef<int64_t> in = value.getType().getShape();
  // Accumulate each input element into the result element it reduces to
  // (the index without the reduced dims).
  SmallVector<int64_t> kept;
  for (int64_t d = 0; d < static_cast<int64_t>(in.size()); ++d)
    if (!llvm::is_contained(axes, d))
      kept.push_back(in[d]);
  SmallVector<APInt> acc;
  SmallVector<bool> seen(type.getNumElements(), false);
  acc.resize(type.getNumElements(), APInt(elem.getIntOrFloatBitWidth(), 0));
  SmallVector<int64_t> index(in.size(), 0);
  for (const APInt &v : value.getValues<APInt>()) {
    SmallVector<int64_t> at;
    for (auto [d, i] : llvm::enumerate(index))
      if (!llvm::is_contained(axes, static_cast<int64_t>(d)))
        at.push_back(i);
    APInt &a = acc[flatIndex(at, kept)];
    bool &first = seen[flatIndex(at, kept)];
    if (!first)
      a = v;
    else if (kind == "sum")
      a += v;
    else if (kind == "prod")
      a *= v;
    else if (kind == "max")
      a = a.sgt(v) ? a : v;
    else
      a = a.slt(v) ? a : v;
    first = true;
    for (int64_t d = static_cast<int64_t>(in.size()) - 1; d >= 0; --d) {
      if (++index[d] < in[d])
        break;
      index[d] = 0;
    }
  }
  return DenseElementsAttr::get(type, acc);
}

DenseElementsAttr foldCast(DenseElementsAttr value, Type to, bool inputUnsigned,
                           bool resultUnsigned) {
  auto type = RankedTensorType::get(value.getType().getShape(), to);
  Type from = value.getElementType();
  if (from == to)
    return value;
  // Bool is 0 or 1, never -1.
  bool fromSigned = !(inputUnsigned || from.isInteger(1));
  if (auto toFloat = dyn_cast<FloatType>(to)) {
    const llvm::fltSemantics &sem = toFloat.getFloatSemantics();
    SmallVector<APFloat> out;
    bool lost;
    if (isa<FloatType>(from)) {
      for (APFloat f : value.getValues<APFloat>()) {
        f.convert(sem, APFloat::rmNearestTiesToEven, &lost);
        out.push_back(f);
      }
    } else {
      for (const APInt &i : value.getValues<APInt>()) {
        APFloat f(sem);
        f.convertFromAPInt(i, fromSigned, APFloat::rmNearestTiesToEven);
        out.push_back(f);
      }
    }
    return DenseElementsAttr::get(type, out);
  }
  unsigned width = to.getIntOrFloatBitWidth();
  SmallVector<APInt> out;
  if (isa<FloatType>(from)) {
    for (const APFloat &f : value.getValues<APFloat>()) {
      if (width == 1) {
        // Non-zero (NaN included) is true.
        out.push_back(APInt(1, !f.isZero()));
        continue;
      }
      // Toward zero, as ONNX Cast; out-of-range values saturate here (they
      // are undefined in ONNX).
      llvm::APSInt r(width, resultUnsigned);
      bool exact;
      f.convertToInteger(r, APFloat::rmTowardZero, &exact);
      out.push_back(r);
    }
  } else {
    for (const APInt &i : value.getValues<APInt>()) {
      if (width == 1)
        out.push_back(APInt(1, !i.isZero()));
      else
        out.push_back(fromSigned ? i.sextOrTrunc(width) : i.zextOrTrunc(width));
    }
  }
  return DenseElementsAttr::get(type, out);
}

} // namespace dsc
