//===- Indexing.cpp - GatherND, ReverseSequence, selections ---------------===//
//
// Index arithmetic in front of an existing gather or scatter: GatherND turns
// each index tuple into a row of the data flattened to [rows, rest] and
// gathers rows; ReverseSequence computes, per batch entry and time step,
// the source time step and gathers along the time axis; Compress, NonZero
// and NonMaxSuppression scatter what they select to its rank among the
// selected (the count from the declared output shape).
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

/// Where each selected position of the 1-D bool `flags` [n] goes when the
/// selected ones are packed into `k` slots: its count of selected positions
/// so far minus one, or slot `k` (a slot to drop) for an unselected one. The
/// counts are an inclusive prefix sum in log2(n) shift-and-add steps; a
/// guard checks at run time that exactly `k` are selected (k comes from the
/// declared output shape).
Value packedSlots(NodeImporter &n, Value flags, int64_t k) {
  Composer c(n);
  Type i64 = n.builder().getI64Type();
  int64_t length = Composer::shape(flags)[0];
  Value count = c.cast(flags, i64);
  for (int64_t shift = 1; count && shift < length; shift *= 2)
    count = c.add(count, c.concat({c.splat({shift}, i64, 0.0),
                                   c.slice(count, {0}, {length - shift})},
                                  0));
  // The declared shape fixed k: a run whose data selects another number of
  // entries fails with a message instead of returning k of them.
  Value total = c.slice(count, {length - 1}, {1});
  if (!total || failed(n.guard(c.equal(total, c.scalar(i64, double(k))), total,
                               "the number of selected entries must be " +
                                   Twine(k) +
                                   ", as the declared output shape says")))
    return {};
  Value kept = c.compare<LessEqualOp>(count, c.scalar(i64, double(k)));
  if (!kept)
    return {};
  return c.where(c.logicalAnd(flags, kept), c.sub(count, c.scalar(i64, 1)),
                 c.scalar(i64, double(k)));
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
    FailureOr<int64_t> normalized =
        normalizeAxis(n.errorFn(), *a, xt.getRank());
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
    return n.setResult(
        n.create<GatherOp>(RankedTensorType::get(outShape, dt.getElementType()),
                           data, i64Constant(n, {k}, chosen), axis));
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
  Value slot = packedSlots(n, *cond, k);
  Value updates = c.sliceAlong(data, axis, 0, length);
  SmallVector<int64_t> spread(dt.getRank(), 1);
  spread[axis] = length;
  Value indices = c.expand(c.reshape(slot, spread), c.shape(updates));
  SmallVector<int64_t> slots(outShape);
  slots[axis] = k + 1;
  Value zeros = c.splat(slots, dt.getElementType(), 0.0);
  if (!indices || !updates || !zeros)
    return failure();
  Value scattered = c.scatterElements(zeros, indices, updates, axis);
  if (!scattered)
    return failure();
  Value y = c.sliceAlong(scattered, axis, 0, k);
  if (!y)
    return failure();
  n.setOutput(0, y);
  return success();
}

/// NonZero: the coordinates [rank, K] of the non-zero elements in row-major
/// order. A constant input folds; otherwise the declared output shape gives
/// K and each element's coordinates are scattered to its packed slot (as
/// Compress).
LogicalResult importNonZero(NodeImporter &n) {
  if (failed(n.checkAttributes({})))
    return failure();
  FailureOr<Value> x = n.input(0);
  if (failed(x))
    return failure();
  RankedTensorType xt = n.type(*x);
  int64_t rank = std::max<int64_t>(xt.getRank(), 1);
  int64_t count = xt.getNumElements();
  // Row-major coordinates of every element, [rank, count].
  SmallVector<int64_t> coords(rank * count);
  for (int64_t e = 0; e < count; ++e)
    for (int64_t d = xt.getRank() - 1, rest = e; d >= 0; --d) {
      coords[d * count + e] = rest % xt.getDimSize(d);
      rest /= xt.getDimSize(d);
    }
  Composer c(n);
  Type i64 = n.builder().getI64Type();
  if (DenseElementsAttr constant = n.constantInputOrNull(0)) {
    SmallVector<int64_t> chosen;
    if (isa<FloatType>(constant.getElementType())) {
      for (auto [e, v] : llvm::enumerate(constant.getValues<APFloat>()))
        if (!v.isZero())
          chosen.push_back(e);
    } else {
      for (auto [e, v] : llvm::enumerate(constant.getValues<APInt>()))
        if (!v.isZero())
          chosen.push_back(e);
    }
    if (chosen.empty())
      return n.emitError() << "the input has no non-zero element; empty "
                              "tensors are not supported yet";
    int64_t k = chosen.size();
    SmallVector<int64_t> picked;
    for (int64_t d = 0; d < rank; ++d)
      for (int64_t i : chosen)
        picked.push_back(coords[d * count + i]);
    n.setConstantOutput(
        0,
        DenseElementsAttr::get(RankedTensorType::get({rank, k}, i64),
                               ArrayRef<int64_t>(picked)),
        onnx::TensorProto::INT64);
    return success();
  }
  std::optional<SmallVector<int64_t>> declared = n.declaredOutputShape(0);
  if (!declared || declared->size() != 2 || (*declared)[0] != rank)
    return n.emitError() << "NonZero's output length depends on the data; "
                            "the graph must declare its static shape ["
                         << rank << ", K]";
  int64_t k = (*declared)[1];
  if (k < 1)
    return n.emitError() << "the declared output is empty; empty tensors "
                            "are not supported yet";
  if (failed(n.checkResultShape({rank, count})))
    return failure();
  Value flat = c.reshape(*x, {count});
  Value zero = c.scalar(c.type(flat).getElementType(), 0.0);
  Value flags = flat && zero ? c.compare<EqualOp>(flat, zero) : Value();
  if (flags) {
    FailureOr<Value> nz = n.create<NotOp>(c.type(flags), flags);
    flags = succeeded(nz) ? *nz : Value();
  }
  if (!flags)
    return failure();
  Value slot = packedSlots(n, flags, k);
  Value indices = c.expand(c.reshape(slot, {1, count}), {rank, count});
  Value updates = c.constant(RankedTensorType::get({rank, count}, i64), coords);
  Value zeros = c.splat({rank, k + 1}, i64, 0.0);
  if (!indices)
    return failure();
  Value scattered = c.scatterElements(zeros, indices, updates, 1);
  if (!scattered)
    return failure();
  Value y = c.sliceAlong(scattered, 1, 0, k);
  if (!y)
    return failure();
  n.setOutput(0, y);
  n.setOutputONNXType(0, onnx::TensorProto::INT64);
  return success();
}

/// NonMaxSuppression (10/11), per batch entry and class: the boxes sorted by
/// score (TopK, ties lower index first), their pairwise overlap test
/// (IoU > iou_threshold with ONNX's reference's rules for disjoint and
/// empty boxes), then the greedy pass unrolled over the sorted boxes: box i
/// is kept when its score passes score_threshold, no kept box overlaps it
/// and fewer than max_output_boxes_per_class are kept. The kept
/// (batch, class, box) rows are packed into the declared [K, 3] output as
/// Compress packs slices. Thresholds and the limit may be run-time inputs.
LogicalResult importNonMaxSuppression(NodeImporter &n) {
  if (failed(n.checkAttributes({"center_point_box"})))
    return failure();
  FailureOr<Value> boxes = n.input(0), scores = n.input(1),
                   limit = n.optionalInput(2), iouThr = n.optionalInput(3),
                   scoreThr = n.optionalInput(4);
  auto centerAttr = n.intAttr("center_point_box", 0);
  if (failed(boxes) || failed(scores) || failed(limit) || failed(iouThr) ||
      failed(scoreThr) || failed(centerAttr))
    return failure();
  if (*centerAttr != 0 && *centerAttr != 1)
    return n.emitError() << "center_point_box must be 0 or 1";
  RankedTensorType bt = n.type(*boxes), st = n.type(*scores);
  Builder b(n.context());
  Type f32 = b.getF32Type(), i64 = b.getI64Type();
  if (bt.getRank() != 3 || bt.getDimSize(2) != 4 || st.getRank() != 3 ||
      st.getDimSize(0) != bt.getDimSize(0) ||
      st.getDimSize(2) != bt.getDimSize(1) || bt.getElementType() != f32 ||
      st.getElementType() != f32)
    return n.emitError() << "expects float boxes [B, N, 4] and scores [B, C, "
                            "N], got "
                         << bt << " and " << st;
  int64_t batches = bt.getDimSize(0), classes = st.getDimSize(1),
          boxCount = bt.getDimSize(1);
  auto scalarOf = [&](Value v, Type elem) -> FailureOr<Value> {
    RankedTensorType t = n.type(v);
    if (t.getNumElements() != 1 || t.getElementType() != elem)
      return n.emitError() << "max_output_boxes_per_class, iou_threshold and "
                              "score_threshold must be one int64 / float, got "
                           << t;
    return Composer(n).reshape(v, {});
  };
  // Without max_output_boxes_per_class nothing is selected.
  if (!*limit)
    return n.emitError() << "without max_output_boxes_per_class the output "
                            "is empty; empty tensors are not supported yet";
  std::optional<SmallVector<int64_t>> declared = n.declaredOutputShape(0);
  if (!declared || declared->size() != 2 || (*declared)[1] != 3)
    return n.emitError() << "NonMaxSuppression's output length depends on "
                            "the data; the graph must declare its static "
                            "shape [K, 3]";
  int64_t k = (*declared)[0];
  if (k < 1)
    return n.emitError() << "the declared output is empty; empty tensors "
                            "are not supported yet";
  constexpr int64_t kMaxBoxes = 1024;
  if (boxCount > kMaxBoxes)
    return n.emitError() << "NonMaxSuppression over " << boxCount
                         << " boxes: dsc unrolls the greedy selection and "
                            "supports at most "
                         << kMaxBoxes;
  if (failed(n.checkResultShape({batches, classes, boxCount, boxCount})))
    return failure();
  FailureOr<Value> maxOut = scalarOf(*limit, i64);
  if (failed(maxOut))
    return failure();
  Composer c(n);
  Value iou = c.scalar(f32, 0.0), minScore;
  if (*iouThr) {
    FailureOr<Value> v = scalarOf(*iouThr, f32);
    if (failed(v))
      return failure();
    iou = *v;
  }
  if (*scoreThr) {
    FailureOr<Value> v = scalarOf(*scoreThr, f32);
    if (failed(v))
      return failure();
    minScore = *v;
  }
  auto both = [&](Value l, Value r) { return c.logicalAnd(l, r); };
  auto either = [&](Value l, Value r) { return c.logicalOr(l, r); };
  auto negate = [&](Value v) -> Value {
    return v ? c.unary<NotOp>(v) : Value();
  };
  // Sorted by score, best first.
  auto sortedType = RankedTensorType::get({batches, classes, boxCount}, f32);
  auto sorted = TopKOp::create(
      n.builder(), n.loc(),
      TypeRange{sortedType, RankedTensorType::get(sortedType.getShape(), i64)},
      *scores, int64_t(2), boxCount, true, false);
  Value order = sorted.getIndices();
  // The sorted boxes [B, C, N, 4].
  SmallVector<int64_t> full = {batches, classes, boxCount, 4};
  Value picked =
      c.expand(c.reshape(order, {batches, classes, boxCount, 1}), full);
  Value spread = c.expand(c.reshape(*boxes, {batches, 1, boxCount, 4}), full);
  if (!picked || !spread)
    return failure();
  Value sortedBoxes = c.gatherElements(spread, picked, 2);
  if (!sortedBoxes)
    return failure();
  auto coord = [&](int64_t i) {
    return c.reshape(c.sliceAlong(sortedBoxes, 3, i, 1),
                     {batches, classes, boxCount});
  };
  Value xMin, xMax, yMin, yMax;
  if (*centerAttr == 0) {
    Value y1 = coord(0), x1 = coord(1), y2 = coord(2), x2 = coord(3);
    xMin = c.binary<MinOp>(x1, x2);
    xMax = c.binary<MaxOp>(x1, x2);
    yMin = c.binary<MinOp>(y1, y2);
    yMax = c.binary<MaxOp>(y1, y2);
  } else {
    Value two = c.scalar(f32, 2.0);
    Value halfW = c.div(coord(2), two), halfH = c.div(coord(3), two);
    xMin = c.sub(coord(0), halfW);
    xMax = c.add(coord(0), halfW);
    yMin = c.sub(coord(1), halfH);
    yMax = c.add(coord(1), halfH);
  }
  // Pairs (i, j) of sorted boxes: [B, C, N, 1] against [B, C, 1, N].
  auto rowOf = [&](Value v) {
    return c.reshape(v, {batches, classes, boxCount, 1});
  };
  auto colOf = [&](Value v) {
    return c.reshape(v, {batches, classes, 1, boxCount});
  };
  Value ixMin = c.binary<MaxOp>(rowOf(xMin), colOf(xMin));
  Value ixMax = c.binary<MinOp>(rowOf(xMax), colOf(xMax));
  Value iyMin = c.binary<MaxOp>(rowOf(yMin), colOf(yMin));
  Value iyMax = c.binary<MinOp>(rowOf(yMax), colOf(yMax));
  Value inter = c.mul(c.sub(ixMax, ixMin), c.sub(iyMax, iyMin));
  Value area = c.mul(c.sub(xMax, xMin), c.sub(yMax, yMin));
  Value uni = c.sub(c.add(rowOf(area), colOf(area)), inter);
  Value zero = c.scalar(f32, 0.0);
  Value over = both(c.compare<GreaterOp>(ixMax, ixMin),
                    c.compare<GreaterOp>(iyMax, iyMin));
  over = both(over, c.compare<GreaterOp>(inter, zero));
  over = both(over, c.compare<GreaterOp>(rowOf(area), zero));
  over = both(over, c.compare<GreaterOp>(colOf(area), zero));
  over = both(over, c.compare<GreaterOp>(uni, zero));
  over = both(over, c.compare<GreaterOp>(c.div(inter, uni), iou));
  if (!over)
    return failure();
  // The greedy pass. `suppressed` marks the boxes a kept box overlaps.
  Value valid =
      minScore ? c.compare<GreaterOp>(sorted.getValues(), minScore) : Value();
  Value suppressed = arith::ConstantOp::create(
      n.builder(), n.loc(),
      DenseElementsAttr::get(
          RankedTensorType::get({batches, classes, boxCount}, b.getI1Type()),
          false));
  Value count = c.splat({batches, classes, 1}, i64, 0.0);
  SmallVector<Value> kept;
  for (int64_t i = 0; i < boxCount; ++i) {
    Value keep =
        both(negate(c.sliceAlong(suppressed, 2, i, 1)), c.less(count, *maxOut));
    if (valid)
      keep = both(keep, c.sliceAlong(valid, 2, i, 1));
    if (!keep)
      return failure();
    kept.push_back(keep);
    if (i + 1 == boxCount)
      break;
    count = c.add(count, c.cast(keep, i64));
    Value row =
        c.reshape(c.sliceAlong(over, 2, i, 1), {batches, classes, boxCount});
    suppressed = either(suppressed, both(keep, row));
    if (!suppressed || !count)
      return failure();
  }
  Value keep = kept.size() == 1 ? kept.front() : c.concat(kept, 2);
  // Rows (batch, class, box) in batch, class, score order.
  int64_t rows = batches * classes * boxCount;
  SmallVector<int64_t> batchIds, classIds;
  for (int64_t bi = 0; bi < batches; ++bi)
    for (int64_t ci = 0; ci < classes; ++ci)
      for (int64_t p = 0; p < boxCount; ++p) {
        batchIds.push_back(bi);
        classIds.push_back(ci);
      }
  auto column = RankedTensorType::get({rows, 1}, i64);
  Value triples =
      c.concat({c.constant(column, batchIds), c.constant(column, classIds),
                c.reshape(order, {rows, 1})},
               1);
  Value flags = c.reshape(keep, {rows});
  if (!flags || !triples)
    return failure();
  Value slot = packedSlots(n, flags, k);
  Value indices = c.expand(c.reshape(slot, {rows, 1}), {rows, 3});
  Value zeros = c.splat({k + 1, 3}, i64, 0.0);
  if (!indices)
    return failure();
  Value scattered = c.scatterElements(zeros, indices, triples, 0);
  if (!scattered)
    return failure();
  Value y = c.sliceAlong(scattered, 0, 0, k);
  if (!y)
    return failure();
  n.setOutput(0, y);
  n.setOutputONNXType(0, onnx::TensorProto::INT64);
  return success();
}

} // namespace

void registerIndexingImporters(OpRegistry &r) {
  r.add("GatherND", {11, 12, 13}, importGatherND);
  r.add("ReverseSequence", {10}, importReverseSequence);
  r.add("Compress", {9, 11}, importCompress);
  r.add("NonZero", {9, 13}, importNonZero);
  r.add("NonMaxSuppression", {10, 11}, importNonMaxSuppression);
}

} // namespace dsc
