//===- NN.cpp - importers for linear algebra, conv, pooling, norms --------===//
#include "../NodeImporter.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

using namespace mlir;

namespace dsc {

FailureOr<SmallVector<int64_t>>
resolvePads(NodeImporter &n, ArrayRef<int64_t> in, ArrayRef<int64_t> kernel,
            ArrayRef<int64_t> strides, ArrayRef<int64_t> dilations) {
  size_t k = in.size();
  FailureOr<std::string> autoPad = n.stringAttr("auto_pad", "NOTSET");
  if (failed(autoPad))
    return failure();
  auto padsAttr = n.intsAttr("pads");
  if (failed(padsAttr))
    return failure();
  if (*autoPad == "NOTSET") {
    SmallVector<int64_t> pads =
        padsAttr->value_or(SmallVector<int64_t>(2 * k, 0));
    if (pads.size() != 2 * k)
      return n.emitError() << "'pads' has " << pads.size()
                           << " entries; expected " << 2 * k;
    return pads;
  }
  SmallVector<int64_t> pads(2 * k, 0);
  if (*autoPad == "VALID")
    return pads;
  if (*autoPad != "SAME_UPPER" && *autoPad != "SAME_LOWER")
    return n.emitError() << "auto_pad '" << *autoPad
                         << "' is not one of NOTSET, SAME_UPPER, SAME_LOWER, "
                            "VALID";
  for (size_t i = 0; i < k; ++i) {
    int64_t out = (in[i] + strides[i] - 1) / strides[i];
    int64_t total = std::max<int64_t>(
        0, (out - 1) * strides[i] + dilations[i] * (kernel[i] - 1) + 1 - in[i]);
    int64_t small = total / 2, large = total - small;
    pads[i] = *autoPad == "SAME_UPPER" ? small : large;
    pads[k + i] = *autoPad == "SAME_UPPER" ? large : small;
  }
  return pads;
}

namespace {

/// strides / dilations default to 1 per spatial dim.
FailureOr<SmallVector<int64_t>> spatialAttr(NodeImporter &n, StringRef name,
                                            size_t k) {
  auto v = n.intsAttr(name);
  if (failed(v))
    return failure();
  SmallVector<int64_t> out = v->value_or(SmallVector<int64_t>(k, 1));
  if (out.size() != k)
    return n.emitError() << "'" << name << "' has " << out.size()
                         << " entries for " << k << " spatial dimensions";
  return out;
}

LogicalResult importMatMul(NodeImporter &n) {
  if (failed(n.checkAttributes({})))
    return failure();
  FailureOr<Value> a = n.input(0), b = n.input(1);
  if (failed(a) || failed(b))
    return failure();
  return n.setResult(n.create<MatMulOp>(
      inferMatMulType(n.errorFn(), n.type(*a), n.type(*b)), *a, *b));
}

LogicalResult importGemm(NodeImporter &n) {
  if (failed(n.checkAttributes(
          {"alpha", "beta", "transA", "transB", "broadcast"})))
    return failure();
  FailureOr<Value> a = n.input(0), b = n.input(1), c = n.optionalInput(2);
  auto alpha = n.floatAttr("alpha", 1.0f), beta = n.floatAttr("beta", 1.0f);
  auto transA = n.intAttr("transA", 0), transB = n.intAttr("transB", 0);
  if (failed(a) || failed(b) || failed(c) || failed(alpha) || failed(beta) ||
      failed(transA) || failed(transB))
    return failure();
  Builder bld(n.context());
  return n.setResult(n.create<GemmOp>(
      inferGemmType(n.errorFn(), n.type(*a), n.type(*b),
                    *c ? n.type(*c) : RankedTensorType(), *transA != 0,
                    *transB != 0),
      *a, *b, *c, bld.getF64FloatAttr(*alpha), bld.getF64FloatAttr(*beta),
      bld.getBoolAttr(*transA != 0), bld.getBoolAttr(*transB != 0)));
}

LogicalResult importConv(NodeImporter &n) {
  if (failed(n.checkAttributes({"auto_pad", "dilations", "group",
                                "kernel_shape", "pads", "strides"})))
    return failure();
  FailureOr<Value> x = n.input(0), w = n.input(1), bias = n.optionalInput(2);
  if (failed(x) || failed(w) || failed(bias))
    return failure();
  RankedTensorType xt = n.type(*x), wt = n.type(*w);
  if (xt.getRank() < 3 || wt.getRank() != xt.getRank())
    return n.emitError() << "expects input [N,C,D...] and weights "
                            "[M,C/group,K...] of equal rank >= 3, got "
                         << xt << " and " << wt;
  size_t k = xt.getRank() - 2;
  SmallVector<int64_t> kernel(wt.getShape().drop_front(2));
  auto kernelAttr = n.intsAttr("kernel_shape");
  if (failed(kernelAttr))
    return failure();
  if (*kernelAttr && ArrayRef<int64_t>(**kernelAttr) != ArrayRef(kernel))
    return n.emitError() << "kernel_shape disagrees with the weights' shape "
                         << wt;
  auto strides = spatialAttr(n, "strides", k);
  auto dilations = spatialAttr(n, "dilations", k);
  auto group = n.intAttr("group", 1);
  if (failed(strides) || failed(dilations) || failed(group))
    return failure();
  auto pads =
      resolvePads(n, xt.getShape().drop_front(2), kernel, *strides, *dilations);
  if (failed(pads))
    return failure();
  return n.setResult(
      n.create<ConvOp>(inferConvType(n.errorFn(), xt, wt,
                                     *bias ? n.type(*bias) : RankedTensorType(),
                                     *strides, *pads, *dilations, *group),
                       *x, *w, *bias, *strides, *pads, *dilations, *group));
}

/// MaxPool and AveragePool share attribute handling; they differ in which
/// attributes exist at which opset.
template <typename OpTy> LogicalResult importPool(NodeImporter &n) {
  bool isMax = std::is_same_v<OpTy, MaxPoolOp>;
  SmallVector<StringRef> known = {"auto_pad", "kernel_shape", "pads",
                                  "strides"};
  if (isMax && n.opset() >= 8)
    known.push_back("storage_order");
  if (!isMax)
    known.push_back("count_include_pad");
  if (n.opset() >= 10)
    known.push_back("ceil_mode");
  if (isMax ? n.opset() >= 10 : n.opset() >= 19)
    known.push_back("dilations");
  if (failed(n.checkAttributes(known)) ||
      failed(n.checkOutputsAtMost(
          1, "MaxPool's Indices output is not supported by dsc")))
    return failure();
  FailureOr<Value> x = n.input(0);
  if (failed(x))
    return failure();
  RankedTensorType xt = n.type(*x);
  if (xt.getRank() < 3)
    return n.emitError() << "expects [N,C,D...] input, got " << xt;
  size_t k = xt.getRank() - 2;
  auto kernel = n.intsAttr("kernel_shape");
  if (failed(kernel))
    return failure();
  if (!*kernel)
    return n.emitError() << "the required attribute 'kernel_shape' is missing";
  if ((*kernel)->size() != k)
    return n.emitError() << "kernel_shape has " << (*kernel)->size()
                         << " entries for " << k << " spatial dimensions";
  auto strides = spatialAttr(n, "strides", k);
  auto dilations = spatialAttr(n, "dilations", k);
  auto ceil = n.intAttr("ceil_mode", 0);
  if (failed(strides) || failed(dilations) || failed(ceil))
    return failure();
  auto pads = resolvePads(n, xt.getShape().drop_front(2), **kernel, *strides,
                          *dilations);
  if (failed(pads))
    return failure();
  Builder b(n.context());
  FailureOr<RankedTensorType> type = inferPoolType(
      n.errorFn(), xt, **kernel, *strides, *pads, *dilations, *ceil != 0);
  FailureOr<Value> r;
  if constexpr (std::is_same_v<OpTy, MaxPoolOp>) {
    r = n.create<MaxPoolOp>(type, *x, **kernel, *strides, *pads, *dilations,
                            *ceil != 0);
  } else {
    auto countPad = n.intAttr("count_include_pad", 0);
    if (failed(countPad))
      return failure();
    r = n.create<AvgPoolOp>(type, *x, **kernel, *strides, *pads, *dilations,
                            *ceil != 0, *countPad != 0);
  }
  if (failed(r))
    return failure();
  n.setOutput(0, *r);
  return success();
}

LogicalResult importGlobalAveragePool(NodeImporter &n) {
  if (failed(n.checkAttributes({})))
    return failure();
  FailureOr<Value> x = n.input(0);
  if (failed(x))
    return failure();
  return n.setResult(n.create<GlobalAvgPoolOp>(
      inferGlobalPoolType(n.errorFn(), n.type(*x)), *x));
}

LogicalResult importBatchNorm(NodeImporter &n) {
  SmallVector<StringRef> known = {"epsilon", "momentum"};
  if (n.opset() < 9)
    known.push_back("spatial");
  if (n.opset() >= 14)
    known.push_back("training_mode");
  if (failed(n.checkAttributes(known)))
    return failure();
  auto spatial = n.intAttr("spatial", 1);
  auto training = n.intAttr("training_mode", 0);
  auto eps = n.floatAttr("epsilon", 1e-5f);
  if (failed(spatial) || failed(training) || failed(eps))
    return failure();
  if (*spatial != 1)
    return n.emitError() << "spatial=0 (per-activation statistics) is not "
                            "supported";
  if (*training != 0)
    return n.emitError() << "training_mode=1 is not supported; export the "
                            "model for inference";
  if (failed(n.checkOutputsAtMost(
          1, "running statistics are training outputs; export the model for "
             "inference")))
    return failure();
  SmallVector<Value> operands;
  SmallVector<RankedTensorType> params;
  for (int i = 0; i < 5; ++i) {
    FailureOr<Value> v = n.input(i);
    if (failed(v))
      return failure();
    operands.push_back(*v);
    if (i)
      params.push_back(n.type(*v));
  }
  return n.setResult(n.create<BatchNormOp>(
      inferBatchNormType(n.errorFn(), n.type(operands[0]), params), operands[0],
      operands[1], operands[2], operands[3], operands[4],
      Builder(n.context()).getF64FloatAttr(*eps)));
}

LogicalResult importLayerNorm(NodeImporter &n) {
  if (failed(n.checkAttributes({"axis", "epsilon", "stash_type"})) ||
      failed(n.checkOutputsAtMost(
          1, "LayerNormalization's Mean and InvStdDev outputs are training "
             "outputs; export the model for inference")))
    return failure();
  FailureOr<Value> x = n.input(0), scale = n.input(1),
                   bias = n.optionalInput(2);
  auto axisAttr = n.intAttr("axis", -1);
  auto eps = n.floatAttr("epsilon", 1e-5f);
  auto stash = n.intAttr("stash_type", 1);
  if (failed(x) || failed(scale) || failed(bias) || failed(axisAttr) ||
      failed(eps) || failed(stash))
    return failure();
  if (*stash != 1)
    return n.emitError() << "stash_type " << *stash
                         << " is not supported (only 1: float32 statistics)";
  RankedTensorType xt = n.type(*x);
  auto axis = normalizeAxis(n.errorFn(), *axisAttr, xt.getRank());
  if (failed(axis))
    return failure();
  Builder b(n.context());
  return n.setResult(n.create<LayerNormOp>(
      inferLayerNormType(n.errorFn(), xt, n.type(*scale),
                         *bias ? n.type(*bias) : RankedTensorType(), *axis),
      *x, *scale, *bias, b.getI64IntegerAttr(*axis),
      b.getF64FloatAttr(*eps)));
}

/// Softmax of `x` along `axis` (an op of its own).
FailureOr<Value> buildSoftmax(NodeImporter &n, Value x, int64_t axis) {
  return SoftmaxOp::create(n.builder(), n.loc(), n.type(x), x,
                           Builder(n.context()).getI64IntegerAttr(axis))
      .getResult();
}

/// LogSoftmax of `x` along `axis`, composed so that it is exact and
/// numerically stable: d = x - max(x), then d - log(sum(exp(d))).
FailureOr<Value> buildLogSoftmax(NodeImporter &n, Value x, int64_t axis) {
  Builder b(n.context());
  auto reduce = [&](Value v, StringRef kind) {
    return n.create<ReduceOp>(
        inferReduceType(n.errorFn(), n.type(v), kind, {axis}, true), v,
        b.getStringAttr(kind), b.getDenseI64ArrayAttr({axis}),
        b.getBoolAttr(true));
  };
  auto sub = [&](Value l, Value r) {
    return n.create<SubOp>(
        inferBroadcastType(n.errorFn(), n.type(l), n.type(r)), l, r);
  };
  FailureOr<Value> max = reduce(x, "max");
  if (failed(max))
    return failure();
  FailureOr<Value> shifted = sub(x, *max);
  if (failed(shifted))
    return failure();
  Value e = ExpOp::create(n.builder(), n.loc(), *shifted);
  FailureOr<Value> sum = reduce(e, "sum");
  if (failed(sum))
    return failure();
  Value logSum = LogOp::create(n.builder(), n.loc(), *sum);
  return sub(*shifted, logSum);
}

/// Hardmax of `x` along `axis`: 1 where the index along the axis equals
/// the first maximum's (ArgMax), else 0.
FailureOr<Value> buildHardmax(NodeImporter &n, Value x, int64_t axis) {
  RankedTensorType xt = n.type(x);
  Builder b(n.context());
  FailureOr<Value> index = n.create<ArgReduceOp>(
      inferArgReduceType(n.errorFn(), xt, "max", axis), x, "max", axis, false);
  if (failed(index))
    return failure();
  SmallVector<int64_t> keptShape(xt.getShape());
  keptShape[axis] = 1;
  Value kept = ReshapeOp::create(
      n.builder(), n.loc(), RankedTensorType::get(keptShape, b.getI64Type()),
      *index);
  // 0..n-1 along the axis, size 1 elsewhere.
  int64_t size = xt.getDimSize(axis);
  SmallVector<int64_t> iotaShape(xt.getRank(), 1), iota;
  iotaShape[axis] = size;
  for (int64_t i = 0; i < size; ++i)
    iota.push_back(i);
  auto iotaType = RankedTensorType::get(iotaShape, b.getI64Type());
  Value positions = arith::ConstantOp::create(
      n.builder(), n.loc(), DenseElementsAttr::get(iotaType, ArrayRef(iota)));
  FailureOr<Value> hit = n.create<EqualOp>(
      inferCompareType(n.errorFn(), iotaType, n.type(kept)), positions, kept);
  if (failed(hit))
    return failure();
  return n.create<CastOp>(
      inferCastType(n.errorFn(), n.type(*hit), xt.getElementType()), *hit,
      false, false);
}

using AlongAxisFn = FailureOr<Value> (*)(NodeImporter &, Value, int64_t);

/// Softmax and LogSoftmax: before opset 13 they flatten to 2-D at `axis`
/// (default 1) and work along the second dimension; from 13 on they work
/// along one axis (default -1).
template <AlongAxisFn build> LogicalResult importSoftmax(NodeImporter &n) {
  if (failed(n.checkAttributes({"axis"})))
    return failure();
  FailureOr<Value> x = n.input(0);
  if (failed(x))
    return failure();
  RankedTensorType xt = n.type(*x);
  if (!isa<FloatType>(xt.getElementType()))
    return n.emitError() << "expects a floating-point input, got " << xt;
  if (xt.getRank() == 0)
    return n.emitError() << "expects an input of rank >= 1";
  bool coerce = n.opset() < 13;
  auto axisAttr = n.intAttr("axis", coerce ? 1 : -1);
  if (failed(axisAttr))
    return failure();
  auto axis = normalizeAxis(n.errorFn(), *axisAttr, xt.getRank());
  if (failed(axis))
    return failure();
  if (!coerce)
    return n.setResult(build(n, *x, *axis));
  OpBuilder &b = n.builder();
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < xt.getRank(); ++d)
    (d < *axis ? outer : inner) *= xt.getDimSize(d);
  auto flatType = RankedTensorType::get({outer, inner}, xt.getElementType());
  Value flat = ReshapeOp::create(b, n.loc(), flatType, *x);
  FailureOr<Value> sm = build(n, flat, 1);
  if (failed(sm))
    return failure();
  n.setOutput(0, ReshapeOp::create(b, n.loc(), xt, *sm).getResult());
  return success();
}

} // namespace

void registerNNImporters(OpRegistry &r) {
  r.add("MatMul", {1, 9, 13}, importMatMul);
  r.add("Gemm", {7, 9, 11, 13}, importGemm);
  r.add("Conv", {1, 11}, importConv);
  r.add("MaxPool", {1, 8, 10, 11, 12}, importPool<MaxPoolOp>);
  r.add("AveragePool", {7, 10, 11, 19, 22}, importPool<AvgPoolOp>);
  r.add("GlobalAveragePool", {1, 22}, importGlobalAveragePool);
  r.add("BatchNormalization", {7, 9, 14, 15}, importBatchNorm);
  r.add("Softmax", {1, 11, 13}, importSoftmax<buildSoftmax>);
  r.add("LogSoftmax", {1, 11, 13}, importSoftmax<buildLogSoftmax>);
  r.add("Hardmax", {1, 11, 13}, importSoftmax<buildHardmax>);
  r.add("LayerNormalization", {17}, importLayerNorm);
}

} // namespace dsc
