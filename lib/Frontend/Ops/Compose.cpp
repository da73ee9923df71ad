//===- Compose.cpp - building an ONNX op from existing dsc ops ------------===//
#include "Compose.h"

#include "../ConstantFolding.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;

namespace dsc {

namespace {
/// The numpy broadcast of two shapes; the caller checked that they fit.
SmallVector<int64_t> broadcast(ArrayRef<int64_t> a, ArrayRef<int64_t> b) {
  FailureOr<SmallVector<int64_t>> s = broadcastShapes(a, b);
  return succeeded(s) ? *s : SmallVector<int64_t>(a);
}
} // namespace

template <typename OpTy> Value Composer::binary(Value a, Value b, Type elem) {
  auto t = RankedTensorType::get(broadcast(shape(a), shape(b)), elem);
  return n_.builder().createOrFold<OpTy>(n_.loc(), TypeRange{t}, a, b);
}

Value Composer::add(Value a, Value b) {
  return binary<AddOp>(a, b, type(a).getElementType());
}
Value Composer::sub(Value a, Value b) {
  return binary<SubOp>(a, b, type(a).getElementType());
}
Value Composer::mul(Value a, Value b) {
  return binary<MulOp>(a, b, type(a).getElementType());
}
Value Composer::div(Value a, Value b) {
  return binary<DivOp>(a, b, type(a).getElementType());
}
Value Composer::less(Value a, Value b) {
  return binary<LessOp>(a, b, n_.builder().getI1Type());
}
Value Composer::equal(Value a, Value b) {
  return binary<EqualOp>(a, b, n_.builder().getI1Type());
}

Value Composer::where(Value cond, Value a, Value b) {
  auto t = RankedTensorType::get(
      broadcast(shape(cond), broadcast(shape(a), shape(b))),
      type(a).getElementType());
  return n_.builder().createOrFold<WhereOp>(n_.loc(), TypeRange{t}, cond, a, b);
}

Value Composer::matmul(Value a, Value b) {
  FailureOr<RankedTensorType> t =
      inferMatMulType(n_.errorFn(), type(a), type(b));
  return n_.builder().createOrFold<MatMulOp>(n_.loc(), TypeRange{*t}, a, b);
}

Value Composer::slice(Value v, ArrayRef<int64_t> starts,
                      ArrayRef<int64_t> sizes, ArrayRef<int64_t> stepsArg) {
  SmallVector<int64_t> steps(stepsArg);
  if (steps.empty())
    steps.assign(sizes.size(), 1);
  if (sizes == shape(v) &&
      llvm::all_of(steps, [](int64_t s) { return s == 1; }))
    return v;
  auto t = RankedTensorType::get(sizes, type(v).getElementType());
  // Slices of weights become constants (dsc.slice has no folder).
  DenseElementsAttr c;
  if (matchPattern(v, m_Constant(&c)) && shouldFold(t, {c}))
    return arith::ConstantOp::create(n_.builder(), n_.loc(),
                                     foldSlice(c, starts, steps, t));
  return SliceOp::create(n_.builder(), n_.loc(), t, v, starts, steps);
}

Value Composer::sliceAlong(Value v, int64_t axis, int64_t start, int64_t size) {
  SmallVector<int64_t> starts(shape(v).size(), 0), sizes(shape(v));
  starts[axis] = start;
  sizes[axis] = size;
  return slice(v, starts, sizes);
}

Value Composer::reshape(Value v, ArrayRef<int64_t> newShape) {
  if (newShape == shape(v))
    return v;
  auto t = RankedTensorType::get(newShape, type(v).getElementType());
  return n_.builder().createOrFold<ReshapeOp>(n_.loc(), TypeRange{t}, v);
}

Value Composer::transpose(Value v, ArrayRef<int64_t> perm) {
  if (llvm::equal(perm, llvm::seq<int64_t>(0, perm.size())))
    return v;
  SmallVector<int64_t> s;
  for (int64_t p : perm)
    s.push_back(shape(v)[p]);
  auto t = RankedTensorType::get(s, type(v).getElementType());
  return n_.builder().createOrFold<TransposeOp>(
      n_.loc(), TypeRange{t}, v, n_.builder().getDenseI64ArrayAttr(perm));
}

Value Composer::concat(ArrayRef<Value> values, int64_t axis) {
  if (values.size() == 1)
    return values.front();
  SmallVector<int64_t> s(shape(values.front()));
  s[axis] = 0;
  for (Value v : values)
    s[axis] += shape(v)[axis];
  auto t = RankedTensorType::get(s, type(values.front()).getElementType());
  return n_.builder().createOrFold<ConcatOp>(
      n_.loc(), TypeRange{t}, ValueRange(values),
      n_.builder().getI64IntegerAttr(axis));
}

Value Composer::expand(Value v, ArrayRef<int64_t> newShape) {
  if (newShape == shape(v))
    return v;
  auto t = RankedTensorType::get(broadcast(shape(v), newShape),
                                 type(v).getElementType());
  return n_.builder().createOrFold<ExpandOp>(n_.loc(), TypeRange{t}, v);
}

Value Composer::reduce(Value v, StringRef kind, ArrayRef<int64_t> axes,
                       bool keepDims) {
  SmallVector<int64_t> s;
  for (auto [d, size] : llvm::enumerate(shape(v))) {
    if (!llvm::is_contained(axes, int64_t(d)))
      s.push_back(size);
    else if (keepDims)
      s.push_back(1);
  }
  OpBuilder &b = n_.builder();
  auto t = RankedTensorType::get(s, type(v).getElementType());
  return b.createOrFold<ReduceOp>(
      n_.loc(), TypeRange{t}, v, b.getStringAttr(kind),
      b.getDenseI64ArrayAttr(axes), b.getBoolAttr(keepDims));
}

Value Composer::cast(Value v, Type elem) {
  if (type(v).getElementType() == elem)
    return v;
  return n_.builder().createOrFold<CastOp>(
      n_.loc(), TypeRange{type(v).clone(elem)}, v, false, false);
}

Value Composer::clip(Value v, double lo, double hi) {
  OpBuilder &b = n_.builder();
  return b.createOrFold<ClipOp>(n_.loc(), TypeRange{v.getType()}, v,
                                b.getF64FloatAttr(lo), b.getF64FloatAttr(hi));
}

Value Composer::scalar(Type elem, double value) {
  return splat({}, elem, value);
}

Value Composer::splat(ArrayRef<int64_t> s, Type elem, double value) {
  OpBuilder &b = n_.builder();
  TypedAttr attr =
      isa<FloatType>(elem)
          ? TypedAttr(b.getFloatAttr(elem, value))
          : TypedAttr(b.getIntegerAttr(elem, static_cast<int64_t>(value)));
  return arith::ConstantOp::create(
      b, n_.loc(),
      DenseElementsAttr::get(RankedTensorType::get(s, elem), attr));
}

} // namespace dsc
