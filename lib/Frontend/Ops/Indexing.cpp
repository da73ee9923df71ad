//===- Indexing.cpp - GatherND, ReverseSequence, Compress -----------------===//
//
// Index arithmetic in front of an existing gather or scatter: GatherND turns
// each index tuple into a row of the data flattened to [rows, rest] and
// gathers rows; ReverseSequence computes, per batch entry and time step,
// the source time step and gathers along the time axis; Compress scatters
// the selected slices to their rank among the selected ones.
//
//===----------------------------------------------------------------------===//
#include "../Compose.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

using namespace mlir;

namespace dsc {
namespace {

int64_t product(ArrayRef<int64_t> dims) {
  int64_t p = 1;
  for (int64_t d : dims)
    p *= d;
  return p;
}

/// A constant i64 tensor of `shape` holding `values`.
Value i64Constant(NodeImporter &n, ArrayRef<int64_t> shape,
                  ArrayRef<int64_t> values) {
  auto type = RankedTensorType::get(shape, n.builder().getI64Type());
  return arith::ConstantOp::create(n.builder(), n.loc(),
                                   DenseElementsAttr::get(type, values));
}

/// GatherND: data [batch..., P..., R...] and indices [batch..., M..., k]
/// (k = rank of P) become data [B * P, R] and flat row numbers [B, M]
/// (negative indices wrap), gathered along rows into [B, M, R].
LogicalResult importGatherND(NodeImporter &n) {
  SmallVector<StringRef> known;
  if (n.opset() >= 12)
    known.push_back("batch_dims");
  if (failed(n.checkAttributes(known)))
    return failure();
  FailureOr<Value> data = n.input(0), indices = n.input(1);
  auto batchDims = n.intAttr("batch_dims", 0);
  if (failed(data) || failed(indices) || failed(batchDims))
    return failure();
  RankedTensorType dt = n.type(*data), it = n.type(*indices);
  int64_t b = *batchDims, r = dt.getRank(), q = it.getRank();
  if (!isa<IntegerType>(it.getElementType()) ||
      it.getElementType().isInteger(1) ||
      NodeImporter::isUnsignedInteger(n.onnxType(1)))
    return n.emitError() << "expects signed integer indices, got " << it;
  if (b < 0 || q < 1 || b >= q || b >= r)
    return n.emitError() << "batch_dims " << b
                         << " must be less than the ranks of data (" << r
                         << ") and indices (" << q << ")";
  int64_t k = it.getDimSize(q - 1);
  if (k < 1 || b + k > r)
    return n.emitError() << "the indices' last dimension " << k
                         << " must lie in [1, " << r - b << "]";
  for (int64_t d = 0; d < b; ++d)
    if (dt.getDimSize(d) != it.getDimSize(d))
      return n.emitError() << "data " << dt << " and indices " << it
                           << " differ in batch dimension " << d;
  SmallVector<int64_t> outShape(it.getShape().drop_back());
  llvm::append_range(outShape, dt.getShape().drop_front(b + k));
  if (failed(n.checkResultShape(outShape)))
    return failure();

  Composer c(n);
  ArrayRef<int64_t> indexed = dt.getShape().slice(b, k);
  int64_t batch = product(dt.getShape().take_front(b));
  int64_t rows = product(indexed);
  int64_t rest = product(dt.getShape().drop_front(b + k));
  int64_t m = product(it.getShape().slice(b, q - 1 - b));
  Type i64 = n.builder().getI64Type();
  Value idx = c.reshape(c.cast(*indices, i64), {batch, m, k});
  // Wrap negative indices, then the row-major row number within a batch.
  Value dims = i64Constant(n, {k}, indexed);
  Value negative = c.less(idx, c.scalar(i64, 0));
  idx = c.where(negative, c.add(idx, dims), idx);
  SmallVector<int64_t> strides(k, 1);
  for (int64_t j = k - 2; j >= 0; --j)
    strides[j] = strides[j + 1] * indexed[j + 1];
  Value row =
      c.reduce(c.mul(idx, i64Constant(n, {k}, strides)), "sum", {2}, false);
  if (batch > 1) {
    SmallVector<int64_t> offsets;
    for (int64_t i = 0; i < batch; ++i)
      offsets.push_back(i * rows);
    row = c.add(row, i64Constant(n, {batch, 1}, offsets));
  }
  Value flat = c.reshape(*data, {batch * rows, rest});
  Value gathered = GatherOp::create(
      n.builder(), n.loc(),
      RankedTensorType::get({batch, m, rest}, dt.getElementType()), flat, row,
      n.builder().getI64IntegerAttr(0));
  return n.setResult(c.reshape(gathered, outShape));
}

/// ReverseSequence: along the time axis, position t of batch entry i reads
/// len[i] - 1 - t when t < len[i], else t (a gather_elements whose indices
/// broadcast over the other dimensions).
LogicalResult importReverseSequence(NodeImporter &n) {
  if (failed(n.checkAttributes({"batch_axis", "time_axis"})))
    return failure();
  FailureOr<Value> x = n.input(0), lens = n.input(1);
  auto batchAxis = n.intAttr("batch_axis", 1),
       timeAxis = n.intAttr("time_axis", 0);
  if (failed(x) || failed(lens) || failed(batchAxis) || failed(timeAxis))
    return failure();
  RankedTensorType xt = n.type(*x), lt = n.type(*lens);
  if (xt.getRank() < 2)
    return n.emitError() << "expects an input of rank >= 2, got " << xt;
  if (!((*batchAxis == 0 && *timeAxis == 1) ||
        (*batchAxis == 1 && *timeAxis == 0)))
    return n.emitError() << "batch_axis and time_axis must be 0 and 1 in "
                            "either order, got "
                         << *batchAxis << " and " << *timeAxis;
  int64_t batch = xt.getDimSize(*batchAxis), time = xt.getDimSize(*timeAxis);
  if (!isa<IntegerType>(lt.getElementType()) ||
      lt.getShape() != ArrayRef<int64_t>{batch})
    return n.emitError() << "sequence_lens must be integer [" << batch
                         << "], got " << lt;
  Composer c(n);
  Type i64 = n.builder().getI64Type();
  // [batch, time] (or [time, batch]) source positions.
  bool batchFirst = *batchAxis == 0;
  SmallVector<int64_t> lenShape = batchFirst ? SmallVector<int64_t>{batch, 1}
                                             : SmallVector<int64_t>{1, batch};
  SmallVector<int64_t> tShape = batchFirst ? SmallVector<int64_t>{1, time}
                                           : SmallVector<int64_t>{time, 1};
  Value len = c.reshape(c.cast(*lens, i64), lenShape);
  Value t =
      i64Constant(n, tShape, llvm::to_vector(llvm::seq<int64_t>(0, time)));
  Value reversed = c.sub(c.sub(len, c.scalar(i64, 1)), t);
  Value source = c.where(c.less(t, len), reversed, t);
  SmallVector<int64_t> spread(Composer::shape(source));
  spread.append(xt.getRank() - 2, 1);
  Value indices = c.expand(c.reshape(source, spread), xt.getShape());
  return n.setResult(n.builder().createOrFold<GatherElementsOp>(
      n.loc(), TypeRange{xt}, *x, indices,
      n.builder().getI64IntegerAttr(*timeAxis)));
}


/// Compress: the slices along `axis` (elements of the flattened input
/// without one) whose condition is true, in order; positions past the
/// condition's length are dropped. A constant condition is a gather of the
/// chosen positions. A run-time one needs the output's declared shape for
/// the count K; then position i goes to slot (number of trues up to i) - 1,
/// a scatter into K + 1 slots whose last takes the unselected positions
/// (and any beyond K, should the model contradict its declared shape) and
/// is sliced off.
LogicalResult importCompress(NodeImporter &n) {
  if (failed(n.checkAttributes({"axis"})))
    return failure();
  FailureOr<Value> x = n.input(0), cond = n.input(1);
  if (failed(x) || failed(cond))
    return failure();
  RankedTensorType xt = n.type(*x), ct = n.type(*cond);
  if (ct.getRank() != 1 || !ct.getElementType().isInteger(1))
    return n.emitError() << "condition must be a 1-D bool tensor, got " << ct;
  Composer c(n);
  Value data = *x;
  int64_t axis = 0;
  if (n.attr("axis")) {
    auto a = n.intAttr("axis", 0);
    if (failed(a))
      return failure();
    FailureOr<int64_t> normalized = normalizeAxis(n.errorFn(), *a,
                                                  xt.getRank());
    if (failed(normalized))
      return failure();
    axis = *normalized;
  } else {
    data = c.reshape(*x, {xt.getNumElements()});
    if (!data)
      return failure();
  }
  RankedTensorType dt = c.type(data);
  int64_t length = ct.getDimSize(0), size = dt.getDimSize(axis);
  if (length > size)
    return n.emitError() << "condition has " << length
                         << " entries; the axis has " << size;
  Type i64 = n.builder().getI64Type();
  SmallVector<int64_t> outShape(dt.getShape());
  if (DenseElementsAttr constant = n.constantInputOrNull(1)) {
    SmallVector<int64_t> chosen;
    for (auto [i, v] : llvm::enumerate(constant.getValues<bool>()))
      if (v)
        chosen.push_back(i);
    if (chosen.empty())
      return n.emitError() << "the condition selects nothing; empty tensors "
                              "are not supported yet";
    int64_t k = chosen.size();
    outShape[axis] = k;
    return n.setResult(n.create<GatherOp>(
        RankedTensorType::get(outShape, dt.getElementType()), data,
        i64Constant(n, {k}, chosen), axis));
  }
  std::optional<SmallVector<int64_t>> declared = n.declaredOutputShape(0);
  if (!declared || declared->size() != outShape.size())
    return n.refuseShapeOperand(1, "Compress's condition")
           << ": its count of true entries sets the output shape";
  int64_t k = (*declared)[axis];
  outShape[axis] = k;
  if (ArrayRef<int64_t>(*declared) != ArrayRef<int64_t>(outShape))
    return n.emitError() << "the declared output shape does not fit the "
                            "input "
                         << xt;
  if (k < 1)
    return n.emitError() << "the declared output is empty; empty tensors "
                            "are not supported yet";
  // Trues up to and including i: where(j <= i, cond[j], 0) summed over j.
  SmallVector<bool> lower;
  for (int64_t i = 0; i < length; ++i)
    for (int64_t j = 0; j < length; ++j)
      lower.push_back(j <= i);
  Value tri = arith::ConstantOp::create(
      n.builder(), n.loc(),
      DenseElementsAttr::get(
          RankedTensorType::get({length, length}, n.builder().getI1Type()),
          ArrayRef(lower)));
  Value flags = c.cast(*cond, i64);
  Value count = c.reduce(
      c.where(tri, c.reshape(flags, {1, length}), c.scalar(i64, 0)), "sum",
      {1}, false);
  Value kept = c.compare<LessEqualOp>(count, c.scalar(i64, double(k)));
  FailureOr<Value> both = n.create<AndOp>(
      inferLogicalType(n.errorFn(), ct, c.type(kept)), *cond, kept);
  if (failed(both))
    return failure();
  Value slot = c.where(*both, c.sub(count, c.scalar(i64, 1)),
                       c.scalar(i64, double(k)));
  Value updates = c.sliceAlong(data, axis, 0, length);
  SmallVector<int64_t> spread(dt.getRank(), 1);
  spread[axis] = length;
  Value indices = c.expand(c.reshape(slot, spread), c.shape(updates));
  SmallVector<int64_t> slots(outShape);
  slots[axis] = k + 1;
  Value zeros = c.splat(slots, dt.getElementType(), 0.0);
  if (!indices || !updates || !zeros)
    return failure();
  FailureOr<Value> scattered = n.create<ScatterElementsOp>(
      inferScatterElementsType(n.errorFn(), c.type(zeros), c.type(indices),
                               c.type(updates), "none", axis),
      zeros, indices, updates, "none", axis);
  if (failed(scattered))
    return failure();
  Value y = c.sliceAlong(*scattered, axis, 0, k);
  if (!y)
    return failure();
  n.setOutput(0, y);
  return success();
}

} // namespace

void registerIndexingImporters(OpRegistry &r) {
  r.add("GatherND", {11, 12, 13}, importGatherND);
  r.add("ReverseSequence", {10}, importReverseSequence);
  r.add("Compress", {9, 11}, importCompress);
}

} // namespace dsc
