//===- Compose.cpp - building an ONNX op from several dsc ops -------------===//
#include "Compose.h"

#include "ConstantFolding.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;

namespace dsc {

Value Composer::scalar(Type elem, double value) {
  return splat({}, elem, value);
}

Value Composer::splat(ArrayRef<int64_t> s, Type elem, double value) {
  Builder b(n_.context());
  TypedAttr attr =
      isa<FloatType>(elem)
          ? TypedAttr(b.getFloatAttr(elem, value))
          : TypedAttr(b.getIntegerAttr(elem, static_cast<int64_t>(value)));
  return arith::ConstantOp::create(
      n_.builder(), n_.loc(),
      DenseElementsAttr::get(RankedTensorType::get(s, elem), attr));
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

Value Composer::cast(Value v, Type elem, bool inUnsigned, bool outUnsigned) {
  if (!v)
    return {};
  if (type(v).getElementType() == elem)
    return v;
  return get(n_.create<CastOp>(inferCastType(n_.errorFn(), type(v), elem), v,
                               inUnsigned, outUnsigned));
}

Value Composer::decodeNarrow(Value v, int32_t onnxType) {
  const NarrowFormat *f = narrowFormatOfONNXType(onnxType);
  if (!v || !f)
    return v;
  Builder b(n_.context());
  Type elem = f->isFloat() ? Type(b.getF32Type()) : Type(b.getI8Type());
  return get(n_.create<DecodeNarrowOp>(
      RankedTensorType::get(shape(v), elem), v, f->name));
}

Value Composer::encodeNarrow(Value v, const NarrowFormat &format,
                             bool saturate, StringRef roundMode) {
  if (!v)
    return {};
  Builder b(n_.context());
  return get(n_.create<EncodeNarrowOp>(
      RankedTensorType::get(shape(v), b.getI8Type()), v, format.name,
      saturate, roundMode));
}

Value Composer::allTrue(Value v) {
  if (!v)
    return {};
  Type i64 = IntegerType::get(v.getContext(), 64);
  int64_t rank = type(v).getRank();
  Value flat = cast(v, i64);
  if (rank == 0)
    return equal(flat, scalar(i64, 1));
  Value m = reduce(flat, "min", llvm::to_vector(llvm::seq<int64_t>(0, rank)),
                   /*keepDims=*/false);
  return equal(m, scalar(i64, 1));
}

FailureOr<Value> intVector(NodeImporter &n, Composer &c, int i, StringRef what,
                           int64_t len) {
  FailureOr<Value> v = n.input(i);
  if (failed(v))
    return failure();
  RankedTensorType t = c.type(*v);
  if (!isa<IntegerType>(t.getElementType()) || t.getRank() != 1 ||
      t.getDimSize(0) != len)
    return n.emitError() << what << " must be a 1-D integer tensor of " << len
                         << " entries, got " << t;
  return c.cast(*v, IntegerType::get(n.context(), 64));
}

LogicalResult guardOperandEquals(NodeImporter &n, int i, StringRef what,
                                 ArrayRef<int64_t> expected) {
  Composer c(n);
  FailureOr<Value> v = n.input(i);
  if (failed(v))
    return failure();
  RankedTensorType t = c.type(*v);
  int64_t len = static_cast<int64_t>(expected.size());
  if (t.getNumElements() != len)
    return n.emitError() << what << " ('" << n.inputName(i) << "') has "
                         << t.getNumElements() << " entries; the declared "
                         << "output shape needs " << len;
  Type i64 = IntegerType::get(n.context(), 64);
  Value flat = c.reshape(*v, {len});
  SmallVector<int64_t> want(expected), any;
  std::string shown = "[";
  for (auto [k, e] : llvm::enumerate(expected)) {
    any.push_back(e == kAnyValue);
    shown += (k ? ", " : "") + (e == kAnyValue ? "*" : std::to_string(e));
    if (e == kAnyValue)
      want[k] = 0;
  }
  shown += "]";
  Value ok;
  if (isa<FloatType>(t.getElementType())) {
    Type f64 = Float64Type::get(n.context());
    ok = c.equal(c.cast(flat, f64),
                 c.constant(RankedTensorType::get({len}, f64), want));
    // Reported as integers (truncated).
    flat = c.cast(c.clip(c.cast(flat, f64), -1e15, 1e15), i64);
  } else {
    flat = c.cast(flat, i64);
    ok = c.equal(flat, c.constant(RankedTensorType::get({len}, i64), want));
  }
  if (llvm::is_contained(any, 1))
    ok = c.binary<OrOp>(
        ok, c.constant(
                RankedTensorType::get({len}, IntegerType::get(n.context(), 1)),
                any));
  return n.guard(c.allTrue(ok), flat,
                 what + " ('" + n.inputName(i) + "') must be " + shown +
                     " to give the declared output shape");
}

Value namesAxes(Composer &c, Value axes, int64_t rank,
                ArrayRef<int64_t> candidate) {
  if (!axes)
    return {};
  Type i64 = IntegerType::get(axes.getContext(), 64);
  int64_t len = c.shape(axes)[0];
  if (len != static_cast<int64_t>(candidate.size()))
    return c.splat({}, IntegerType::get(axes.getContext(), 1), 0);
  // Normalized axes down [L, 1] against the candidate across [1, L]: every
  // candidate entry occurs, and L entries covering L distinct values are a
  // permutation of them.
  Value a = c.cast(axes, i64);
  Value zero = c.scalar(i64, 0);
  a = c.where(c.less(a, zero), c.add(a, c.scalar(i64, rank)), a);
  a = c.reshape(a, {len, 1});
  Value row = c.constant(RankedTensorType::get({1, len}, i64), candidate);
  Value hits = c.reduce(c.cast(c.equal(a, row), i64), "max", {0}, false);
  return c.equal(c.reduce(hits, "min", {0}, false), c.scalar(i64, 1));
}

Value Composer::logicalAnd(Value l, Value r) {
  if (!l || !r)
    return {};
  return get(n_.create<AndOp>(inferLogicalType(n_.errorFn(), type(l), type(r)),
                              l, r));
}

Value Composer::logicalOr(Value l, Value r) {
  if (!l || !r)
    return {};
  return get(n_.create<OrOp>(inferLogicalType(n_.errorFn(), type(l), type(r)),
                             l, r));
}

Value Composer::gather(Value data, Value indices, int64_t axis) {
  if (!data || !indices)
    return {};
  return get(n_.create<GatherOp>(
      inferGatherType(n_.errorFn(), type(data), type(indices), axis), data,
      indices, axis));
}

Value Composer::gatherElements(Value data, Value indices, int64_t axis) {
  if (!data || !indices)
    return {};
  return get(n_.create<GatherElementsOp>(
      inferGatherElementsType(n_.errorFn(), type(data), type(indices), axis),
      data, indices, axis));
}

Value Composer::scatterElements(Value data, Value indices, Value updates,
                                int64_t axis, StringRef reduction) {
  if (!data || !indices || !updates)
    return {};
  return get(n_.create<ScatterElementsOp>(
      inferScatterElementsType(n_.errorFn(), type(data), type(indices),
                               type(updates), reduction, axis),
      data, indices, updates, reduction, axis));
}

Value Composer::clip(Value v, double lo, double hi) {
  if (!v)
    return {};
  Builder b(n_.context());
  return get(n_.create<ClipOp>(type(v), v, b.getF64FloatAttr(lo),
                               b.getF64FloatAttr(hi)));
}

Value Composer::matmul(Value a, Value b) {
  if (!a || !b)
    return {};
  return get(
      n_.create<MatMulOp>(inferMatMulType(n_.errorFn(), type(a), type(b)), a,
                          b));
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

Value Composer::reshape(Value v, ArrayRef<int64_t> newShape) {
  if (!v)
    return {};
  if (shape(v) == newShape)
    return v;
  return get(n_.create<ReshapeOp>(
      inferReshapeType(n_.errorFn(), type(v), newShape, /*allowZero=*/true),
      v));
}

Value Composer::transpose(Value v, ArrayRef<int64_t> perm) {
  if (!v)
    return {};
  if (llvm::equal(perm, llvm::seq<int64_t>(0, perm.size())))
    return v;
  return get(n_.create<TransposeOp>(
      inferTransposeType(n_.errorFn(), type(v), perm), v,
      Builder(n_.context()).getDenseI64ArrayAttr(perm)));
}

Value Composer::concat(ArrayRef<Value> values, int64_t axis) {
  if (llvm::any_of(values, [](Value v) { return !v; }) || values.empty())
    return {};
  if (values.size() == 1)
    return values.front();
  SmallVector<RankedTensorType> types;
  for (Value v : values)
    types.push_back(type(v));
  return get(n_.create<ConcatOp>(inferConcatType(n_.errorFn(), types, axis),
                                 ValueRange(values),
                                 Builder(n_.context()).getI64IntegerAttr(axis)));
}

Value Composer::expand(Value v, ArrayRef<int64_t> newShape) {
  if (!v)
    return {};
  if (shape(v) == newShape)
    return v;
  return get(n_.create<ExpandOp>(
      inferExpandType(n_.errorFn(), type(v), newShape), v));
}

Value Composer::slice(Value v, ArrayRef<int64_t> starts,
                      ArrayRef<int64_t> sizes, ArrayRef<int64_t> stepsArg) {
  if (!v)
    return {};
  SmallVector<int64_t> steps(stepsArg);
  if (steps.empty())
    steps.assign(sizes.size(), 1);
  if (sizes == shape(v) &&
      llvm::all_of(steps, [](int64_t s) { return s == 1; }))
    return v;
  FailureOr<RankedTensorType> t =
      inferSliceType(n_.errorFn(), type(v), starts, steps, sizes);
  if (failed(t))
    return {};
  // Slices of weights become constants (dsc.slice has no folder).
  DenseElementsAttr c;
  if (matchPattern(v, m_Constant(&c)) && shouldFold(*t, {c}))
    return arith::ConstantOp::create(n_.builder(), n_.loc(),
                                     foldSlice(c, starts, steps, *t));
  Builder b(n_.context());
  return SliceOp::create(n_.builder(), n_.loc(), *t, v,
                         b.getDenseI64ArrayAttr(starts),
                         b.getDenseI64ArrayAttr(steps));
}

Value Composer::sliceAlong(Value v, int64_t axis, int64_t start, int64_t size) {
  if (!v)
    return {};
  SmallVector<int64_t> starts(shape(v).size(), 0), sizes(shape(v));
  starts[axis] = start;
  sizes[axis] = size;
  return slice(v, starts, sizes);
}

} // namespace dsc
