//===- Sequence.cpp - BitCast, Optional*, TensorScatter importers ---------===//
//
// BitCast (dsc.bitcast); OptionalHasElement / OptionalGetElement on plain
// tensors (dsc has no optional or sequence types: a tensor input is always
// present, an omitted one never is); TensorScatter (a KV-cache write) as
// dsc.scatter_elements with indices write_indices[b] + s (modulo the cache
// length in circular mode) along the sequence axis.
//
//===----------------------------------------------------------------------===//
#include "../Compose.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

using namespace mlir;

namespace dsc {
namespace {

LogicalResult importBitCast(NodeImporter &n) {
  if (failed(n.checkAttributes({"to"})))
    return failure();
  auto to = n.intAttr("to", 0);
  FailureOr<Value> x = n.input(0);
  if (failed(to) || failed(x))
    return failure();
  Type elem = n.elementType(*to);
  if (!elem)
    return n.emitError() << "BitCast to " << NodeImporter::dtypeName(*to)
                         << " is not supported";
  n.setOutputONNXType(0, *to);
  return n.setResult(
      n.create<BitCastOp>(inferBitCastType(n.errorFn(), n.type(*x), elem), *x));
}

LogicalResult importOptionalHasElement(NodeImporter &n) {
  if (failed(n.checkAttributes({})))
    return failure();
  bool present = n.hasInput(0);
  if (present && failed(n.inputType(0)))
    return failure();
  Builder b(n.context());
  n.setConstantOutput(
      0,
      DenseElementsAttr::get(RankedTensorType::get({}, b.getI1Type()), present),
      onnx::TensorProto::BOOL);
  return success();
}

LogicalResult importOptionalGetElement(NodeImporter &n) {
  if (failed(n.checkAttributes({})))
    return failure();
  if (!n.hasInput(0))
    return n.emitError() << "OptionalGetElement of an absent value";
  FailureOr<Value> x = n.input(0);
  if (failed(x))
    return failure();
  n.setOutput(0, *x);
  return success();
}

LogicalResult importTensorScatter(NodeImporter &n) {
  if (failed(n.checkAttributes({"axis", "mode"})))
    return failure();
  FailureOr<Value> past = n.input(0), update = n.input(1),
                   indices = n.optionalInput(2);
  auto axisAttr = n.intAttr("axis", -2);
  auto mode = n.stringAttr("mode", "linear");
  if (failed(past) || failed(update) || failed(indices) || failed(axisAttr) ||
      failed(mode))
    return failure();
  if (*mode != "linear" && *mode != "circular")
    return n.emitError() << "mode '" << *mode
                         << "' is not one of linear, circular";
  RankedTensorType pt = n.type(*past), ut = n.type(*update);
  int64_t rank = pt.getRank();
  int64_t axis = *axisAttr < 0 ? *axisAttr + rank : *axisAttr;
  // The first dimension is the batch that write_indices index.
  if (rank < 2 || axis < 1 || axis >= rank)
    return n.emitError() << "axis " << *axisAttr
                         << " must name a non-batch dimension of " << pt;
  bool ok = ut.getRank() == rank && ut.getElementType() == pt.getElementType();
  for (int64_t d = 0; ok && d < rank; ++d)
    ok = d == axis ? ut.getDimSize(d) <= pt.getDimSize(d)
                   : ut.getDimSize(d) == pt.getDimSize(d);
  if (!ok)
    return n.emitError() << "update " << ut << " does not fit the cache " << pt
                         << " along axis " << axis;
  int64_t batch = pt.getDimSize(0), seq = ut.getDimSize(axis),
          maxSeq = pt.getDimSize(axis);
  Composer c(n);
  Type i64 = n.builder().getI64Type();
  // idx[b, ..., s, ...] = write_indices[b] + s.
  SmallVector<int64_t> bShape(rank, 1), sShape(rank, 1);
  bShape[0] = batch;
  sShape[axis] = seq;
  Value start = *indices ? c.reshape(c.cast(*indices, i64), bShape)
                         : c.splat(bShape, i64, 0);
  SmallVector<int64_t> steps = llvm::to_vector(llvm::seq<int64_t>(0, seq));
  Value idx =
      c.add(start, c.constant(RankedTensorType::get(sShape, i64), steps));
  if (*mode == "circular") {
    Value len = c.scalar(i64, static_cast<double>(maxSeq));
    // Python's modulo, as ONNX's reference computes it.
    auto mod = [&](Value v) {
      if (!v)
        return Value();
      FailureOr<Value> r = n.create<ModOp>(
          inferBroadcastType(n.errorFn(), Composer::type(v), c.type(len)), v,
          len, /*fmod=*/false, /*is_unsigned=*/false);
      return succeeded(r) ? *r : Value();
    };
    idx = mod(idx);
  }
  idx = c.expand(idx, ut.getShape());
  if (!idx)
    return failure();
  Builder b(n.context());
  return n.setResult(n.create<ScatterElementsOp>(
      inferScatterElementsType(n.errorFn(), pt, Composer::type(idx), ut, "none",
                               axis),
      *past, idx, *update, b.getStringAttr("none"), b.getI64IntegerAttr(axis)));
}

} // namespace

void registerSequenceImporters(OpRegistry &r) {
  r.add("BitCast", {26}, importBitCast);
  r.add("OptionalHasElement", {15, 18}, importOptionalHasElement);
  r.add("OptionalGetElement", {15, 18}, importOptionalGetElement);
  r.add("TensorScatter", {24}, importTensorScatter);
}

} // namespace dsc
