//===- NN.cpp - importers for linear algebra, conv, pooling, norms --------===//
#include "../Compose.h"
#include "../NodeImporter.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

#include <cmath>

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

/// float16/bfloat16 contractions accumulate in float32 and round once, as
/// ONNX's reference and ONNX Runtime do (an f16 accumulator loses about one
/// digit over a 64-term dot product): `values` are cast up for `build`, its
/// result back down. Other element types pass through.
FailureOr<Value>
inWideFloat(NodeImporter &n, MutableArrayRef<Value> values,
            llvm::function_ref<FailureOr<Value>()> build) {
  Type elem = n.type(values.front()).getElementType();
  bool narrow = isa<Float16Type, BFloat16Type>(elem);
  Type f32 = Float32Type::get(n.context());
  if (narrow)
    for (Value &v : values) {
      if (!v || n.type(v).getElementType() != elem)
        continue;
      FailureOr<Value> c = n.create<CastOp>(
          inferCastType(n.errorFn(), n.type(v), f32), v, false, false);
      if (failed(c))
        return failure();
      v = *c;
    }
  FailureOr<Value> r = build();
  if (failed(r) || !narrow)
    return r;
  return n.create<CastOp>(inferCastType(n.errorFn(), n.type(*r), elem), *r,
                          false, false);
}

LogicalResult importMatMul(NodeImporter &n) {
  if (failed(n.checkAttributes({})))
    return failure();
  FailureOr<Value> a = n.input(0), b = n.input(1);
  if (failed(a) || failed(b))
    return failure();
  Value ops[] = {*a, *b};
  return n.setResult(inWideFloat(n, ops, [&] {
    return n.create<MatMulOp>(
        inferMatMulType(n.errorFn(), n.type(ops[0]), n.type(ops[1])), ops[0],
        ops[1]);
  }));
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
  Value ops[] = {*a, *b, *c};
  return n.setResult(inWideFloat(n, ops, [&] {
    return n.create<GemmOp>(
        inferGemmType(n.errorFn(), n.type(ops[0]), n.type(ops[1]),
                      ops[2] ? n.type(ops[2]) : RankedTensorType(),
                      *transA != 0, *transB != 0),
        ops[0], ops[1], ops[2], bld.getF64FloatAttr(*alpha),
        bld.getF64FloatAttr(*beta), bld.getBoolAttr(*transA != 0),
        bld.getBoolAttr(*transB != 0));
  }));
}

/// What Conv and ConvTranspose share: input, weights, optional bias, the
/// kernel (checked against kernel_shape), strides, dilations and group.
struct ConvOperands {
  Value x, w, bias;
  RankedTensorType xt, wt;
  SmallVector<int64_t> kernel, strides, dilations;
  int64_t group = 1;
  size_t spatial() const { return kernel.size(); }
};

FailureOr<ConvOperands> convOperands(NodeImporter &n, StringRef weightLayout) {
  FailureOr<Value> x = n.input(0), w = n.input(1), bias = n.optionalInput(2);
  if (failed(x) || failed(w) || failed(bias))
    return failure();
  ConvOperands c;
  c.x = *x;
  c.w = *w;
  c.bias = *bias;
  c.xt = n.type(*x);
  c.wt = n.type(*w);
  if (c.xt.getRank() < 3 || c.wt.getRank() != c.xt.getRank())
    return n.emitError() << "expects input [N,C,D...] and weights "
                         << weightLayout << " of equal rank >= 3, got "
                         << c.xt << " and " << c.wt;
  size_t k = c.xt.getRank() - 2;
  c.kernel.assign(c.wt.getShape().drop_front(2).begin(),
                  c.wt.getShape().end());
  auto kernelAttr = n.intsAttr("kernel_shape");
  if (failed(kernelAttr))
    return failure();
  if (*kernelAttr && ArrayRef<int64_t>(**kernelAttr) != ArrayRef(c.kernel))
    return n.emitError() << "kernel_shape disagrees with the weights' shape "
                         << c.wt;
  auto strides = spatialAttr(n, "strides", k);
  auto dilations = spatialAttr(n, "dilations", k);
  auto group = n.intAttr("group", 1);
  if (failed(strides) || failed(dilations) || failed(group))
    return failure();
  c.strides = *strides;
  c.dilations = *dilations;
  c.group = *group;
  return c;
}

LogicalResult importConv(NodeImporter &n) {
  if (failed(n.checkAttributes({"auto_pad", "dilations", "group",
                                "kernel_shape", "pads", "strides"})))
    return failure();
  FailureOr<ConvOperands> c = convOperands(n, "[M,C/group,K...]");
  if (failed(c))
    return failure();
  auto pads = resolvePads(n, c->xt.getShape().drop_front(2), c->kernel,
                          c->strides, c->dilations);
  if (failed(pads))
    return failure();
  Value ops[] = {c->x, c->w, c->bias};
  return n.setResult(inWideFloat(n, ops, [&] {
    return n.create<ConvOp>(
        inferConvType(n.errorFn(), n.type(ops[0]), n.type(ops[1]),
                      ops[2] ? n.type(ops[2]) : RankedTensorType(), c->strides,
                      *pads, c->dilations, c->group),
        ops[0], ops[1], ops[2], c->strides, *pads, c->dilations, c->group);
  }));
}

/// Python's floor division (ONNX's pad formulas use it: a negative total
/// padding, from an output_shape larger than the full output, extends the
/// output at the end).
int64_t floorDiv(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

/// ConvTranspose: pads come from `pads`, from auto_pad SAME_* (output =
/// input * stride) or from output_shape, with output_padding extending the
/// end; all of it becomes dsc.conv_transpose's signed pads.
LogicalResult importConvTranspose(NodeImporter &n) {
  if (failed(n.checkAttributes({"auto_pad", "dilations", "group",
                                "kernel_shape", "output_padding",
                                "output_shape", "pads", "strides"})))
    return failure();
  FailureOr<ConvOperands> c = convOperands(n, "[C,M/group,K...]");
  if (failed(c))
    return failure();
  RankedTensorType xt = c->xt;
  size_t k = c->spatial();
  ArrayRef<int64_t> kernel = c->kernel;
  const SmallVector<int64_t> *strides = &c->strides, *dilations = &c->dilations;
  auto autoPad = n.stringAttr("auto_pad", "NOTSET");
  auto padsAttr = n.intsAttr("pads");
  auto outPadAttr = n.intsAttr("output_padding");
  auto outShapeAttr = n.intsAttr("output_shape");
  if (failed(autoPad) || failed(padsAttr) || failed(outPadAttr) ||
      failed(outShapeAttr))
    return failure();
  if (*autoPad != "NOTSET" && *autoPad != "VALID" && *autoPad != "SAME_UPPER" &&
      *autoPad != "SAME_LOWER")
    return n.emitError() << "auto_pad '" << *autoPad
                         << "' is not one of NOTSET, SAME_UPPER, SAME_LOWER, "
                            "VALID";
  SmallVector<int64_t> outPad =
      outPadAttr->value_or(SmallVector<int64_t>(k, 0));
  if (outPad.size() != k)
    return n.emitError() << "'output_padding' has " << outPad.size()
                         << " entries for " << k << " spatial dimensions";
  for (int64_t p : outPad)
    if (p < 0)
      return n.emitError() << "output_padding must be >= 0, got " << p;
  // The output size without pads of each spatial dimension.
  SmallVector<int64_t> full;
  for (size_t i = 0; i < k; ++i)
    full.push_back((*strides)[i] * (xt.getDimSize(2 + i) - 1) + outPad[i] +
                   (kernel[i] - 1) * (*dilations)[i] + 1);

  SmallVector<int64_t> pads(2 * k, 0);
  std::optional<SmallVector<int64_t>> target;
  if (*outShapeAttr) {
    // Spatial sizes, or (as some exporters write) the whole output shape.
    SmallVector<int64_t> shape = **outShapeAttr;
    if (shape.size() == k + 2)
      shape.erase(shape.begin(), shape.begin() + 2);
    if (shape.size() != k)
      return n.emitError() << "'output_shape' has " << shape.size()
                           << " entries for " << k << " spatial dimensions";
    target = shape;
  } else if (*autoPad == "SAME_UPPER" || *autoPad == "SAME_LOWER") {
    target.emplace();
    for (size_t i = 0; i < k; ++i)
      target->push_back(xt.getDimSize(2 + i) * (*strides)[i]);
  }
  if (target) {
    if (*padsAttr && llvm::any_of(**padsAttr, [](int64_t p) { return p; }))
      return n.emitError() << "explicit 'pads' with output_shape or auto_pad "
                              "SAME_* is ambiguous; give only one of them";
    // ONNX: SAME_UPPER puts the odd padding at the end, otherwise at the
    // beginning. An output_shape larger than the full output (a negative
    // total) without auto_pad extends it at the end, as ONNX Runtime and
    // the reference implementation do.
    bool same = *autoPad == "SAME_UPPER" || *autoPad == "SAME_LOWER";
    for (size_t i = 0; i < k; ++i) {
      int64_t total = full[i] - (*target)[i];
      int64_t half = floorDiv(total, 2);
      pads[i] = *autoPad == "SAME_UPPER" ? half : total - half;
      if (!same && total < 0)
        pads[i] = 0;
      pads[k + i] = total - pads[i];
    }
  } else if (*autoPad == "NOTSET" && *padsAttr) {
    pads = **padsAttr;
    if (pads.size() != 2 * k)
      return n.emitError() << "'pads' has " << pads.size()
                           << " entries; expected " << 2 * k;
    for (int64_t p : pads)
      if (p < 0)
        return n.emitError() << "pads must be >= 0";
  }
  // output_padding extends the end: a negative end pad (with a target
  // shape, the total above counted it, so the output is the target).
  for (size_t i = 0; i < k; ++i)
    pads[k + i] -= outPad[i];
  return n.setResult(n.create<ConvTransposeOp>(
      inferConvTransposeType(n.errorFn(), xt, c->wt,
                             c->bias ? n.type(c->bias) : RankedTensorType(),
                             *strides, pads, *dilations, c->group),
      c->x, c->w, c->bias, *strides, pads, *dilations, c->group));
}

/// MaxPool's Indices: each window gathered from the flattened image (with
/// one lowest-value element after it that padded positions read), the
/// first maximum's position in the window (dsc.arg_reduce) mapped through
/// a constant table to its flat index in x (row-major, or column-major per
/// image with storage_order 1).
Value maxPoolIndices(NodeImporter &n, Value x, ArrayRef<int64_t> kernel,
                     ArrayRef<int64_t> strides, ArrayRef<int64_t> pads,
                     ArrayRef<int64_t> dilations, ArrayRef<int64_t> outShape,
                     bool columnMajor) {
  Composer c(n);
  // Integers (int8, or uint8 biased to int8 order) are widened so that the
  // padding below every value never ties with one.
  if (isa<IntegerType>(n.type(x).getElementType()) &&
      !(x = c.cast(x, n.builder().getI32Type())))
    return {};
  RankedTensorType xt = n.type(x);
  Type elem = xt.getElementType();
  int64_t rank = xt.getRank(), k = rank - 2;
  int64_t batch = xt.getDimSize(0), channels = xt.getDimSize(1);
  ArrayRef<int64_t> in = xt.getShape().drop_front(2),
                    out = outShape.drop_front(2);
  int64_t image = 1, windows = 1, taps = 1;
  for (int64_t d = 0; d < k; ++d) {
    image *= in[d];
    windows *= out[d];
    taps *= kernel[d];
  }
  if (failed(n.checkResultShape({batch, channels, windows, taps})))
    return {};
  // gather[o, t]: position of tap t of window o in the flat image, `image`
  // where it is padding; where[o, t]: its index as ONNX numbers it.
  SmallVector<int64_t> gather, where;
  for (int64_t o = 0; o < windows; ++o) {
    for (int64_t t = 0; t < taps; ++t) {
      int64_t ro = o, rt = t, flat = 0, colFlat = 0, colStride = 1;
      bool inside = true;
      SmallVector<int64_t> pos(k);
      for (int64_t d = k - 1; d >= 0; --d) {
        int64_t od = ro % out[d], td = rt % kernel[d];
        ro /= out[d];
        rt /= kernel[d];
        pos[d] = od * strides[d] - pads[d] + td * dilations[d];
        inside &= pos[d] >= 0 && pos[d] < in[d];
      }
      for (int64_t d = 0; d < k; ++d)
        flat = flat * in[d] + (inside ? pos[d] : 0);
      for (int64_t d = 0; d < k; ++d) {
        colFlat += (inside ? pos[d] : 0) * colStride;
        colStride *= in[d];
      }
      gather.push_back(inside ? flat : image);
      where.push_back(columnMajor ? colFlat : flat);
    }
  }
  Type i64 = n.builder().getI64Type();
  Value flatX = c.reshape(x, {batch, channels, image});
  Attribute lowest =
      isa<IntegerType>(elem)
          ? Attribute(IntegerAttr::get(elem, APInt::getSignedMinValue(32)))
          : FloatAttr::get(elem, APFloat::getLargest(
                                     cast<FloatType>(elem).getFloatSemantics(),
                                     /*Negative=*/true));
  Value pad = arith::ConstantOp::create(
      n.builder(), n.loc(),
      DenseElementsAttr::get(RankedTensorType::get({batch, channels, 1}, elem),
                             lowest));
  Value padded = c.concat({flatX, pad}, 2);
  Value gatherIdx =
      c.constant(RankedTensorType::get({windows, taps}, i64), gather);
  if (!padded)
    return {};
  FailureOr<RankedTensorType> gt =
      inferGatherType(n.errorFn(), c.type(padded), c.type(gatherIdx), 2);
  if (failed(gt))
    return {};
  FailureOr<Value> windowsV =
      n.create<GatherOp>(gt, padded, gatherIdx, int64_t(2));
  if (failed(windowsV))
    return {};
  Builder b(n.context());
  FailureOr<Value> arg = n.create<ArgReduceOp>(
      inferArgReduceType(n.errorFn(), c.type(*windowsV), "max", 3), *windowsV,
      b.getStringAttr("max"), b.getI64IntegerAttr(3), b.getBoolAttr(false));
  if (failed(arg))
    return {};
  Value table = c.expand(
      c.constant(RankedTensorType::get({1, 1, windows, taps}, i64), where),
      {batch, channels, windows, taps});
  Value argIdx = c.reshape(*arg, {batch, channels, windows, 1});
  if (!table || !argIdx)
    return {};
  FailureOr<Value> picked = n.create<GatherElementsOp>(
      inferGatherElementsType(n.errorFn(), c.type(table), c.type(argIdx), 3),
      table, argIdx, int64_t(3));
  if (failed(picked))
    return {};
  SmallVector<int64_t> offsets;
  for (int64_t i = 0; i < batch * channels; ++i)
    offsets.push_back(i * image);
  Value offset =
      c.constant(RankedTensorType::get({batch, channels, 1, 1}, i64), offsets);
  return c.reshape(c.add(*picked, offset), outShape);
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
          isMax && n.opset() >= 8 ? 2 : 1,
          isMax ? "MaxPool has an Indices output from opset 8"
                : "AveragePool has one output")))
    return failure();
  FailureOr<Value> x = n.input(0);
  if (failed(x))
    return failure();
  RankedTensorType xt = n.type(*x);
  if (xt.getRank() < 3)
    return n.emitError() << "expects [N,C,D...] input, got " << xt;
  // MaxPool takes int8 and uint8 from opset 12. dsc.max_pool compares
  // integers signed: a uint8 input is biased by 128 (x ^ 0x80 maps 0..255
  // onto -128..127 in order) and the result biased back.
  Type elem = xt.getElementType();
  bool biased = false;
  if (!isa<FloatType>(elem)) {
    if (!isMax)
      return n.emitError() << "expects a floating-point tensor, got " << xt;
    if (!elem.isInteger(8) || n.opset() < 12)
      return n.emitError() << "MaxPool takes int8 and uint8 tensors (from "
                              "opset 12) besides floats, got "
                           << xt;
    biased = NodeImporter::isUnsignedInteger(n.onnxType(0));
  }
  Composer c(n);
  auto flipSign = [&](Value v) {
    return c.binary<XorOp>(v, c.scalar(elem, -128));
  };
  if (biased && !(x = flipSign(*x), *x))
    return failure();
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
  Value values = biased ? flipSign(*r) : *r;
  if (!values)
    return failure();
  n.setOutput(0, values);
  if (isMax && n.hasOutput(1)) {
    auto storageOrder = n.intAttr("storage_order", 0);
    if (failed(storageOrder))
      return failure();
    Value indices = maxPoolIndices(n, *x, **kernel, *strides, *pads, *dilations,
                                   n.type(*r).getShape(), *storageOrder != 0);
    if (!indices)
      return failure();
    n.setOutput(1, indices);
  }
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
  auto momentum = n.floatAttr("momentum", 0.9f);
  if (failed(spatial) || failed(training) || failed(eps) || failed(momentum))
    return failure();
  if (*spatial != 1)
    return n.emitError() << "spatial=0 (per-activation statistics) is not "
                            "supported";
  if (failed(n.checkOutputsAtMost(
          *training ? 3 : 1,
          *training ? "BatchNormalization has three outputs"
                    : "running statistics are outputs of training_mode=1; "
                      "export the model for inference")))
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
  Value x = operands[0];
  FailureOr<RankedTensorType> type =
      inferBatchNormType(n.errorFn(), n.type(x), params);
  if (failed(type))
    return failure();
  Builder b(n.context());
  if (!*training)
    return n.setResult(n.create<BatchNormOp>(type, x, operands[1], operands[2],
                                             operands[3], operands[4],
                                             b.getF64FloatAttr(*eps)));
  // training_mode=1 (opset 14+): normalize with the batch's statistics over
  // every axis but the channels (population variance), and output the
  // running statistics mean * momentum + batch * (1 - momentum), as ONNX's
  // reference does.
  Composer c(n);
  RankedTensorType xt = n.type(x);
  int64_t channels = xt.getDimSize(1);
  SmallVector<int64_t> axes = {0}, perChannel(xt.getRank(), 1);
  for (int64_t d = 2; d < xt.getRank(); ++d)
    axes.push_back(d);
  perChannel[1] = channels;
  Type elem = xt.getElementType();
  Value mean = c.reduce(x, "mean", axes, /*keepDims=*/false);
  Value centered = c.sub(x, c.reshape(mean, perChannel));
  Value var = c.reduce(c.mul(centered, centered), "mean", axes,
                       /*keepDims=*/false);
  auto running = [&](Value old, Value batch) {
    return c.add(c.mul(old, c.scalar(elem, *momentum)),
                 c.mul(batch, c.scalar(elem, 1.0 - double(*momentum))));
  };
  Value runningMean = running(operands[3], mean);
  Value runningVar = running(operands[4], var);
  if (!runningMean || !runningVar)
    return failure();
  FailureOr<Value> y = n.create<BatchNormOp>(
      type, x, operands[1], operands[2], mean, var, b.getF64FloatAttr(*eps));
  if (failed(y))
    return failure();
  n.setOutput(0, *y);
  n.setOutput(1, runningMean);
  n.setOutput(2, runningVar);
  return success();
}

/// LayerNormalization's optional Mean and InvStdDev outputs (shape: the
/// input's, with 1 for every normalized dimension), computed as the
/// normalization defines them: mean, then 1 / sqrt(mean((x - mean)^2) + eps).
LogicalResult importLayerNormStatistics(NodeImporter &n, Value x, int64_t axis,
                                        double eps) {
  RankedTensorType xt = n.type(x);
  SmallVector<int64_t> axes;
  for (int64_t d = axis; d < xt.getRank(); ++d)
    axes.push_back(d);
  Builder b(n.context());
  auto reduceMean = [&](Value v) {
    return n.create<ReduceOp>(
        inferReduceType(n.errorFn(), n.type(v), "mean", axes, true), v,
        b.getStringAttr("mean"), b.getDenseI64ArrayAttr(axes),
        b.getBoolAttr(true));
  };
  FailureOr<Value> mean = reduceMean(x);
  if (failed(mean))
    return failure();
  FailureOr<Value> centered = n.create<SubOp>(
      inferBroadcastType(n.errorFn(), xt, n.type(*mean)), x, *mean);
  if (failed(centered))
    return failure();
  FailureOr<Value> squared = n.create<MulOp>(
      inferBroadcastType(n.errorFn(), xt, xt), *centered, *centered);
  if (failed(squared))
    return failure();
  FailureOr<Value> var = reduceMean(*squared);
  if (failed(var))
    return failure();
  RankedTensorType vt = n.type(*var);
  auto scalarType = RankedTensorType::get({}, vt.getElementType());
  Value epsValue = arith::ConstantOp::create(
      n.builder(), n.loc(),
      DenseElementsAttr::get(scalarType,
                             b.getFloatAttr(vt.getElementType(), eps)));
  FailureOr<Value> shifted =
      n.create<AddOp>(inferBroadcastType(n.errorFn(), vt, scalarType), *var,
                      epsValue);
  if (failed(shifted))
    return failure();
  FailureOr<Value> root = n.create<SqrtOp>(vt, *shifted);
  if (failed(root))
    return failure();
  FailureOr<Value> inv = n.create<ReciprocalOp>(vt, *root);
  if (failed(inv))
    return failure();
  n.setOutput(1, *mean);
  n.setOutput(2, *inv);
  return success();
}

LogicalResult importLayerNorm(NodeImporter &n) {
  if (failed(n.checkAttributes({"axis", "epsilon", "stash_type"})))
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
  if (!xt.getElementType().isF32() && (n.hasOutput(1) || n.hasOutput(2)))
    return n.emitError() << "the Mean and InvStdDev outputs are supported "
                            "for float32 inputs only (stash_type 1 keeps "
                            "them in float32)";
  Builder b(n.context());
  if (failed(n.setResult(n.create<LayerNormOp>(
          inferLayerNormType(n.errorFn(), xt, n.type(*scale),
                             *bias ? n.type(*bias) : RankedTensorType(),
                             *axis),
          *x, *scale, *bias, b.getI64IntegerAttr(*axis),
          b.getF64FloatAttr(*eps)))))
    return failure();
  if (n.hasOutput(1) || n.hasOutput(2))
    return importLayerNormStatistics(n, *x, *axis, *eps);
  return success();
}

/// The element type the statistics of RMS, instance and group normalization
/// are computed in: stash_type 1 is float32; any other value must be the
/// input's own type (no conversion).
FailureOr<Type> statisticsType(NodeImporter &n, Type elem) {
  auto stash = n.intAttr("stash_type", 1);
  if (failed(stash))
    return failure();
  if (*stash == onnx::TensorProto::FLOAT)
    return Type(Float32Type::get(n.context()));
  if (*stash == n.onnxType(0))
    return elem;
  return n.emitError() << "stash_type " << *stash
                       << " is not supported (1: float32, or the input's "
                          "own type)";
}

/// [from, rank).
SmallVector<int64_t> axesFrom(int64_t from, int64_t rank) {
  SmallVector<int64_t> axes;
  for (int64_t d = from; d < rank; ++d)
    axes.push_back(d);
  return axes;
}

/// (x - mean) / sqrt(var + eps) over the dims from `axis` on, as
/// dsc.layer_norm with a scalar 1 scale (affine parameters are applied by
/// the caller, whose shapes layer_norm's do not fit).
Value normalizeFrom(NodeImporter &n, Composer &c, Value x, int64_t axis,
                    double eps) {
  if (!x)
    return {};
  RankedTensorType xt = n.type(x);
  Value one = c.scalar(xt.getElementType(), 1.0);
  Builder b(n.context());
  FailureOr<Value> r = n.create<LayerNormOp>(
      inferLayerNormType(n.errorFn(), xt, n.type(one), RankedTensorType(),
                         axis),
      x, one, Value(), b.getI64IntegerAttr(axis), b.getF64FloatAttr(eps));
  return succeeded(r) ? *r : Value();
}

/// `p` (shape [C]) as [C, 1, ..., 1] so that it broadcasts along dimension
/// 1 of a rank-`rank` tensor.
Value perChannel(NodeImporter &n, Composer &c, Value p, int64_t channels,
                 int64_t rank, StringRef what) {
  if (!p)
    return {};
  RankedTensorType pt = n.type(p);
  if (pt.getRank() != 1 || pt.getDimSize(0) != channels) {
    n.emitError() << what << " must have shape [" << channels << "], got "
                  << pt;
    return {};
  }
  SmallVector<int64_t> shape(rank - 1, 1);
  shape[0] = channels;
  return c.reshape(p, shape);
}

/// RMSNormalization (opset 23): x / sqrt(mean(x^2) + epsilon) * scale, the
/// mean over the dims from `axis` on.
LogicalResult importRMSNorm(NodeImporter &n) {
  if (failed(n.checkAttributes({"axis", "epsilon", "stash_type"})))
    return failure();
  FailureOr<Value> x = n.input(0), scale = n.input(1);
  auto axisAttr = n.intAttr("axis", -1);
  auto eps = n.floatAttr("epsilon", 1e-5f);
  if (failed(x) || failed(scale) || failed(axisAttr) || failed(eps))
    return failure();
  RankedTensorType xt = n.type(*x);
  Type elem = xt.getElementType();
  if (!isa<FloatType>(elem))
    return n.emitError() << "expects a floating-point input, got " << xt;
  auto axis = normalizeAxis(n.errorFn(), *axisAttr, xt.getRank());
  FailureOr<Type> stats = statisticsType(n, elem);
  if (failed(axis) || failed(stats))
    return failure();
  Composer c(n);
  Value xs = c.cast(*x, *stats);
  Value meanSquare =
      c.reduce(c.mul(xs, xs), "mean", axesFrom(*axis, xt.getRank()));
  Value rms = c.unary<SqrtOp>(c.add(meanSquare, c.scalar(*stats, *eps)));
  Value y = c.mul(c.cast(c.div(xs, rms), elem), *scale);
  if (!y)
    return failure();
  n.setOutput(0, y);
  return success();
}

/// InstanceNormalization: per sample and channel, normalized over the
/// spatial dims, then scale[c] * x + bias[c].
LogicalResult importInstanceNorm(NodeImporter &n) {
  if (failed(n.checkAttributes({"epsilon"})))
    return failure();
  FailureOr<Value> x = n.input(0), scale = n.input(1), bias = n.input(2);
  auto eps = n.floatAttr("epsilon", 1e-5f);
  if (failed(x) || failed(scale) || failed(bias) || failed(eps))
    return failure();
  RankedTensorType xt = n.type(*x);
  if (xt.getRank() < 3 || !isa<FloatType>(xt.getElementType()))
    return n.emitError() << "expects a floating-point [N,C,D...] input, got "
                         << xt;
  Composer c(n);
  int64_t channels = xt.getDimSize(1), rank = xt.getRank();
  Value normalized = normalizeFrom(n, c, *x, 2, *eps);
  Value y = c.add(
      c.mul(normalized, perChannel(n, c, *scale, channels, rank, "scale")),
      perChannel(n, c, *bias, channels, rank, "B"));
  if (!y)
    return failure();
  n.setOutput(0, y);
  return success();
}

/// GroupNormalization: x as [N, G, C/G * D...] normalized over its last
/// dimension; the affine parameters are per group before opset 21 and per
/// channel from 21.
LogicalResult importGroupNorm(NodeImporter &n) {
  SmallVector<StringRef> known = {"epsilon", "num_groups"};
  if (n.opset() >= 21)
    known.push_back("stash_type");
  if (failed(n.checkAttributes(known)))
    return failure();
  FailureOr<Value> x = n.input(0), scale = n.input(1), bias = n.input(2);
  auto eps = n.floatAttr("epsilon", 1e-5f);
  auto groups = n.intAttr("num_groups", 0);
  if (failed(x) || failed(scale) || failed(bias) || failed(eps) ||
      failed(groups))
    return failure();
  if (!n.attr("num_groups"))
    return n.emitError() << "the required attribute 'num_groups' is missing";
  RankedTensorType xt = n.type(*x);
  Type elem = xt.getElementType();
  if (xt.getRank() < 2 || !isa<FloatType>(elem))
    return n.emitError() << "expects a floating-point [N,C,D...] input, got "
                         << xt;
  int64_t batch = xt.getDimSize(0), channels = xt.getDimSize(1),
          rank = xt.getRank();
  if (*groups <= 0 || channels % *groups)
    return n.emitError() << "num_groups " << *groups << " does not divide the "
                         << channels << " channels";
  FailureOr<Type> stats = statisticsType(n, elem);
  if (failed(stats))
    return failure();
  int64_t perGroup = xt.getNumElements() / (batch * *groups);
  Composer c(n);
  Value grouped = c.cast(c.reshape(*x, {batch, *groups, perGroup}), *stats);
  Value normalized = c.cast(normalizeFrom(n, c, grouped, 2, *eps), elem);
  Value y;
  if (n.opset() >= 21) {
    y = c.add(c.mul(c.reshape(normalized, xt.getShape()),
                    perChannel(n, c, *scale, channels, rank, "scale")),
              perChannel(n, c, *bias, channels, rank, "bias"));
  } else {
    y = c.reshape(
        c.add(c.mul(normalized, perChannel(n, c, *scale, *groups, 3, "scale")),
              perChannel(n, c, *bias, *groups, 3, "bias")),
        xt.getShape());
  }
  if (!y)
    return failure();
  n.setOutput(0, y);
  return success();
}

/// LpNormalization: x / Lp(x) along `axis` (p 1 or 2); a zero norm (all
/// of its elements zero) divides by 1, so the output is zero as the spec
/// asks.
LogicalResult importLpNorm(NodeImporter &n) {
  if (failed(n.checkAttributes({"axis", "p"})))
    return failure();
  FailureOr<Value> x = n.input(0);
  auto axisAttr = n.intAttr("axis", -1), p = n.intAttr("p", 2);
  if (failed(x) || failed(axisAttr) || failed(p))
    return failure();
  RankedTensorType xt = n.type(*x);
  Type elem = xt.getElementType();
  if (!isa<FloatType>(elem))
    return n.emitError() << "expects a floating-point input, got " << xt;
  if (*p != 1 && *p != 2)
    return n.emitError() << "p must be 1 or 2, got " << *p;
  auto axis = normalizeAxis(n.errorFn(), *axisAttr, xt.getRank());
  if (failed(axis))
    return failure();
  Composer c(n);
  Value norm = c.reduce(*x, *p == 1 ? "l1" : "l2", {*axis});
  Value zero = c.compare<EqualOp>(norm, c.scalar(elem, 0.0));
  Value y = c.div(*x, c.where(zero, c.scalar(elem, 1.0), norm));
  if (!y)
    return failure();
  n.setOutput(0, y);
  return success();
}

/// MeanVarianceNormalization: (x - mean) / (sqrt(var) + 1e-9) over `axes`
/// (the ONNX function's epsilon); the variance is mean((x - mean)^2),
/// which unlike E[x^2] - E[x]^2 cannot round below zero.
LogicalResult importMVN(NodeImporter &n) {
  if (failed(n.checkAttributes({"axes"})))
    return failure();
  FailureOr<Value> x = n.input(0);
  auto axesAttr = n.intsAttr("axes");
  if (failed(x) || failed(axesAttr))
    return failure();
  RankedTensorType xt = n.type(*x);
  Type elem = xt.getElementType();
  if (!isa<FloatType>(elem))
    return n.emitError() << "expects a floating-point input, got " << xt;
  SmallVector<int64_t> axes = axesAttr->value_or(SmallVector<int64_t>{0, 2, 3});
  if (failed(normalizeAxes(n, axes, xt.getRank())))
    return failure();
  Composer c(n);
  Value centered = c.sub(*x, c.reduce(*x, "mean", axes));
  Value var = c.reduce(c.mul(centered, centered), "mean", axes);
  Value y = c.div(centered, c.add(c.unary<SqrtOp>(var), c.scalar(elem, 1e-9)));
  if (!y)
    return failure();
  n.setOutput(0, y);
  return success();
}

/// LRN: x / (bias + alpha / size * sum of x^2 over `size` neighbouring
/// channels)^beta. The channel window sum is an average pool (divisor
/// `size`, pads counted) over x^2 seen as [N, 1, C, D1 * ... * Dk].
LogicalResult importLRN(NodeImporter &n) {
  if (failed(n.checkAttributes({"alpha", "beta", "bias", "size"})))
    return failure();
  FailureOr<Value> x = n.input(0);
  auto alpha = n.floatAttr("alpha", 1e-4f), beta = n.floatAttr("beta", 0.75f),
       bias = n.floatAttr("bias", 1.0f);
  auto size = n.intAttr("size", 0);
  if (failed(x) || failed(alpha) || failed(beta) || failed(bias) ||
      failed(size))
    return failure();
  RankedTensorType xt = n.type(*x);
  Type elem = xt.getElementType();
  if (xt.getRank() < 2 || !isa<FloatType>(elem))
    return n.emitError() << "expects a floating-point [N,C,D...] input, got "
                         << xt;
  if (*size <= 0)
    return n.emitError() << "the attribute 'size' must be positive";
  int64_t batch = xt.getDimSize(0), channels = xt.getDimSize(1);
  int64_t spatial =
      xt.getNumElements() / std::max<int64_t>(1, batch * channels);
  Composer c(n);
  Value squares = c.reshape(c.mul(*x, *x), {batch, 1, channels, spatial});
  if (!squares)
    return failure();
  SmallVector<int64_t> kernel = {*size, 1}, ones = {1, 1};
  SmallVector<int64_t> pads = {(*size - 1) / 2, 0, *size / 2, 0};
  FailureOr<Value> window =
      n.create<AvgPoolOp>(inferPoolType(n.errorFn(), n.type(squares), kernel,
                                        ones, pads, ones, false),
                          squares, kernel, ones, pads, ones, false, true);
  if (failed(window))
    return failure();
  Value base =
      c.add(c.scalar(elem, *bias),
            c.mul(c.reshape(*window, xt.getShape()), c.scalar(elem, *alpha)));
  Value y = c.div(*x, c.pow(base, c.scalar(elem, *beta)));
  if (!y)
    return failure();
  n.setOutput(0, y);
  return success();
}

/// GlobalMaxPool: the maximum over the spatial dims, kept as size 1.
LogicalResult importGlobalMaxPool(NodeImporter &n) {
  if (failed(n.checkAttributes({})))
    return failure();
  FailureOr<Value> x = n.input(0);
  if (failed(x))
    return failure();
  RankedTensorType xt = n.type(*x);
  if (xt.getRank() < 2 || !isa<FloatType>(xt.getElementType()))
    return n.emitError() << "expects a floating-point [N,C,D...] input, got "
                         << xt;
  Composer c(n);
  Value y = c.reduce(*x, "max", axesFrom(2, xt.getRank()));
  if (!y)
    return failure();
  n.setOutput(0, y);
  return success();
}

/// |x|^p elementwise (x * x for p = 2, so negative inputs need no pow).
Value absPow(Composer &c, Value x, int64_t p) {
  if (p == 2)
    return c.mul(x, x);
  Value a = c.unary<AbsOp>(x);
  if (p == 1 || !a)
    return a;
  return c.pow(a, c.scalar(c.type(a).getElementType(), p));
}

/// sum^(1/p), the inverse of absPow after the window sum.
Value pRoot(Composer &c, Value sum, int64_t p) {
  if (p == 1 || !sum)
    return sum;
  if (p == 2)
    return c.unary<SqrtOp>(sum);
  return c.pow(sum, c.scalar(c.type(sum).getElementType(), 1.0 / p));
}

/// GlobalLpPool (p an integer from opset 2): the Lp norm over the spatial
/// dims, as ReduceL1/L2 or (sum |x|^p)^(1/p).
LogicalResult importGlobalLpPool(NodeImporter &n) {
  if (failed(n.checkAttributes({"p"})))
    return failure();
  FailureOr<Value> x = n.input(0);
  auto p = n.intAttr("p", 2);
  if (failed(x) || failed(p))
    return failure();
  RankedTensorType xt = n.type(*x);
  if (xt.getRank() < 2 || !isa<FloatType>(xt.getElementType()))
    return n.emitError() << "expects a floating-point [N,C,D...] input, got "
                         << xt;
  if (*p < 1)
    return n.emitError() << "p must be >= 1, got " << *p;
  Composer c(n);
  SmallVector<int64_t> axes = axesFrom(2, xt.getRank());
  Value y = *p <= 2 ? c.reduce(*x, *p == 1 ? "l1" : "l2", axes)
                    : pRoot(c, c.reduce(absPow(c, *x, *p), "sum", axes), *p);
  if (!y)
    return failure();
  n.setOutput(0, y);
  return success();
}

/// LpPool: (sum over the window of |x|^p)^(1/p). The window sum is an
/// average pool over |x|^p counting pads (which add zero) times the kernel
/// size; ceil_mode windows that reach past the pads would have a smaller
/// divisor and are refused.
LogicalResult importLpPool(NodeImporter &n) {
  SmallVector<StringRef> known = {"auto_pad", "kernel_shape", "p", "pads",
                                  "strides"};
  if (n.opset() >= 18) {
    known.push_back("ceil_mode");
    known.push_back("dilations");
  }
  if (failed(n.checkAttributes(known)))
    return failure();
  FailureOr<Value> x = n.input(0);
  auto p = n.intAttr("p", 2);
  auto kernel = n.intsAttr("kernel_shape");
  auto ceil = n.intAttr("ceil_mode", 0);
  if (failed(x) || failed(p) || failed(kernel) || failed(ceil))
    return failure();
  RankedTensorType xt = n.type(*x);
  if (xt.getRank() < 3 || !isa<FloatType>(xt.getElementType()))
    return n.emitError() << "expects a floating-point [N,C,D...] input, got "
                         << xt;
  if (*p < 1)
    return n.emitError() << "p must be >= 1, got " << *p;
  size_t k = xt.getRank() - 2;
  if (!*kernel)
    return n.emitError() << "the required attribute 'kernel_shape' is missing";
  if ((*kernel)->size() != k)
    return n.emitError() << "kernel_shape has " << (*kernel)->size()
                         << " entries for " << k << " spatial dimensions";
  auto strides = spatialAttr(n, "strides", k);
  auto dilations = spatialAttr(n, "dilations", k);
  if (failed(strides) || failed(dilations))
    return failure();
  auto pads = resolvePads(n, xt.getShape().drop_front(2), **kernel, *strides,
                          *dilations);
  if (failed(pads))
    return failure();
  FailureOr<RankedTensorType> type = inferPoolType(
      n.errorFn(), xt, **kernel, *strides, *pads, *dilations, *ceil != 0);
  if (failed(type))
    return failure();
  if (*ceil) {
    FailureOr<RankedTensorType> floorType = inferPoolType(
        n.errorFn(), xt, **kernel, *strides, *pads, *dilations, false);
    if (failed(floorType))
      return failure();
    if (*floorType != *type)
      return n.emitError() << "ceil_mode=1 with a last window past the pads "
                              "is not supported";
  }
  int64_t windowSize = 1;
  for (int64_t w : **kernel)
    windowSize *= w;
  Composer c(n);
  Value powered = absPow(c, *x, *p);
  if (!powered)
    return failure();
  FailureOr<Value> mean = n.create<AvgPoolOp>(
      type, powered, **kernel, *strides, *pads, *dilations, *ceil != 0, true);
  if (failed(mean))
    return failure();
  Value y =
      pRoot(c, c.mul(*mean, c.scalar(xt.getElementType(), windowSize)), *p);
  if (!y)
    return failure();
  n.setOutput(0, y);
  return success();
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

/// ONNX Attention (opsets 23-25) on [B, H, S, D] tensors: 3-D inputs are
/// split into heads, grouped-query K/V heads are repeated, an internal KV
/// cache (past_key/past_value) is concatenated in front of K/V (the
/// present_* outputs) and moves the causal frontier by its length, an
/// external one (nonpad_kv_seqlen) masks each batch entry's padding keys and
/// moves the frontier per entry (a bias computed at run time), a boolean
/// mask becomes an additive 0 / -inf mask, one shorter than the keys is
/// padded with -inf. float16/bfloat16 inputs are computed in float32.
/// The common case becomes one dsc.attention (is_causal and left windows as
/// its structural mask); softcap, qk_matmul_output and right windows take
/// the composed form (matmul, scale, softcap, bias, softmax, matmul) that
/// follows the ONNX reference step by step.
LogicalResult importAttention(NodeImporter &n) {
  SmallVector<StringRef> known = {"is_causal", "kv_num_heads", "q_num_heads",
                                  "qk_matmul_output_mode", "scale", "softcap",
                                  "softmax_precision"};
  if (n.opset() >= 25) {
    known.push_back("left_window_size");
    known.push_back("right_window_size");
  }
  if (failed(n.checkAttributes(known)) ||
      failed(n.checkOutputsAtMost(4, "Attention has four outputs")))
    return failure();
  if (n.hasInput(4) != n.hasInput(5))
    return n.emitError() << "past_key and past_value must be given together";
  if (n.hasInput(6) && n.hasInput(4))
    return n.emitError() << "nonpad_kv_seqlen (an external KV cache) cannot "
                            "be combined with past_key/past_value";
  FailureOr<Value> lens = n.optionalInput(6);
  if (failed(lens))
    return failure();
  FailureOr<Value> q = n.input(0), k = n.input(1), v = n.input(2),
                   mask = n.optionalInput(3), pastK = n.optionalInput(4),
                   pastV = n.optionalInput(5);
  auto causal = n.intAttr("is_causal", 0);
  auto qHeads = n.intAttr("q_num_heads", 0);
  auto kvHeads = n.intAttr("kv_num_heads", 0);
  auto softcap = n.floatAttr("softcap", 0.0f);
  auto left = n.intAttr("left_window_size", -1);
  auto right = n.intAttr("right_window_size", -1);
  auto qkMode = n.intAttr("qk_matmul_output_mode", 0);
  if (failed(q) || failed(k) || failed(v) || failed(mask) || failed(pastK) ||
      failed(pastV) || failed(causal) || failed(qHeads) || failed(kvHeads) ||
      failed(softcap) || failed(left) || failed(right) || failed(qkMode))
    return failure();
  if (*qkMode < 0 || *qkMode > 3)
    return n.emitError() << "qk_matmul_output_mode " << *qkMode
                         << " is not one of 0, 1, 2, 3";
  if (*left < -1 || *right < -1)
    return n.emitError() << "left_window_size and right_window_size must be "
                            "-1 or non-negative";
  RankedTensorType qt = n.type(*q);
  Type elem = qt.getElementType();
  if (!isa<FloatType>(elem) || n.type(*k).getElementType() != elem ||
      n.type(*v).getElementType() != elem)
    return n.emitError() << "expects Q, K and V of one floating-point type, "
                            "got "
                         << qt << ", " << n.type(*k) << " and " << n.type(*v);
  Builder b(n.context());
  Type f32 = b.getF32Type();
  // Narrow floats are computed in f32 and rounded once at the end.
  auto toF32 = [&](Value x) -> FailureOr<Value> {
    if (!x || n.type(x).getElementType() == f32 ||
        !isa<FloatType>(n.type(x).getElementType()))
      return x;
    return n.create<CastOp>(inferCastType(n.errorFn(), n.type(x), f32), x,
                            false, false);
  };
  auto fromF32 = [&](Value x) -> FailureOr<Value> {
    if (elem == f32)
      return x;
    return n.create<CastOp>(inferCastType(n.errorFn(), n.type(x), elem), x,
                            false, false);
  };
  auto scalar = RankedTensorType::get({}, f32);
  auto constant = [&](double value) -> Value {
    return arith::ConstantOp::create(
        n.builder(), n.loc(),
        DenseElementsAttr::get(scalar, b.getFloatAttr(f32, value)));
  };
  auto binary = [&](auto tag, Value l, Value r) -> FailureOr<Value> {
    using OpTy = decltype(tag);
    return n.create<OpTy>(
        inferBroadcastType(n.errorFn(), n.type(l), n.type(r)), l, r);
  };
  FailureOr<Value> qf = toF32(*q), kf = toF32(*k), vf = toF32(*v),
                   maskf = toF32(*mask), pkf = toF32(*pastK),
                   pvf = toF32(*pastV);
  if (failed(qf) || failed(kf) || failed(vf) || failed(maskf) ||
      failed(pkf) || failed(pvf))
    return failure();

  // 3-D [B, S, H * D] -> 4-D [B, H, S, D].
  auto toHeads = [&](Value x, int64_t heads) -> FailureOr<Value> {
    RankedTensorType t = n.type(x);
    if (t.getRank() == 4)
      return x;
    if (t.getRank() != 3 || heads <= 0 || t.getDimSize(2) % heads)
      return n.emitError() << "3-D Q, K and V need q_num_heads and "
                              "kv_num_heads dividing their last dimension";
    SmallVector<int64_t> split = {t.getDimSize(0), t.getDimSize(1), heads,
                                  t.getDimSize(2) / heads};
    FailureOr<Value> r = n.create<ReshapeOp>(
        inferReshapeType(n.errorFn(), t, split, false), x);
    if (failed(r))
      return failure();
    SmallVector<int64_t> perm = {0, 2, 1, 3};
    return n.create<TransposeOp>(
        inferTransposeType(n.errorFn(), n.type(*r), perm), *r,
        b.getDenseI64ArrayAttr(perm));
  };
  bool threeD = qt.getRank() == 3;
  FailureOr<Value> q4 = toHeads(*qf, *qHeads), k4 = toHeads(*kf, *kvHeads),
                   v4 = toHeads(*vf, *kvHeads);
  if (failed(q4) || failed(k4) || failed(v4))
    return failure();
  // The internal KV cache: present = concat(past, new) along the sequence.
  int64_t past = 0;
  if (*pkf) {
    RankedTensorType pkt = n.type(*pkf), pvt = n.type(*pvf);
    if (pkt.getRank() != 4 || pvt.getRank() != 4)
      return n.emitError() << "past_key and past_value must be 4-D [B, Hkv, "
                              "S_past, D], got "
                           << pkt << " and " << pvt;
    past = pkt.getDimSize(2);
    auto cat = [&](Value a, Value c) {
      return n.create<ConcatOp>(
          inferConcatType(n.errorFn(), {n.type(a), n.type(c)}, 2),
          ValueRange{a, c}, b.getI64IntegerAttr(2));
    };
    k4 = cat(*pkf, *k4);
    v4 = cat(*pvf, *v4);
    if (failed(k4) || failed(v4))
      return failure();
  }
  for (int i : {1, 2}) {
    if (!n.hasOutput(i))
      continue;
    FailureOr<Value> present = fromF32(i == 1 ? *k4 : *v4);
    if (failed(present))
      return failure();
    n.setOutput(i, *present);
  }
  RankedTensorType q4t = n.type(*q4), k4t = n.type(*k4), v4t = n.type(*v4);
  int64_t batch = q4t.getDimSize(0), hq = q4t.getDimSize(1);
  int64_t sq = q4t.getDimSize(2), d = q4t.getDimSize(3);
  int64_t hkv = k4t.getDimSize(1), sk = k4t.getDimSize(2);
  if (k4t.getDimSize(0) != batch || v4t.getDimSize(0) != batch ||
      v4t.getDimSize(1) != hkv || v4t.getDimSize(2) != sk ||
      k4t.getDimSize(3) != d || hkv <= 0 || hq % hkv)
    return n.emitError() << "Q " << q4t << ", K " << k4t << " and V " << v4t
                         << " do not fit [B, H, S, D] attention (query "
                            "heads a multiple of key/value heads)";
  // K^T: [B, Hkv, D, Sk]; then repeat each K/V head Hq / Hkv times.
  SmallVector<int64_t> kPerm = {0, 1, 3, 2};
  FailureOr<Value> kt = n.create<TransposeOp>(
      inferTransposeType(n.errorFn(), k4t, kPerm), *k4,
      b.getDenseI64ArrayAttr(kPerm));
  if (failed(kt))
    return failure();
  auto repeatHeads = [&](Value x) -> FailureOr<Value> {
    if (hq == hkv)
      return x;
    RankedTensorType t = n.type(x);
    int64_t g = hq / hkv;
    SmallVector<int64_t> one = {batch, hkv, 1, t.getDimSize(2),
                                t.getDimSize(3)};
    FailureOr<Value> r = n.create<ReshapeOp>(
        inferReshapeType(n.errorFn(), t, one, false), x);
    if (failed(r))
      return failure();
    SmallVector<int64_t> wide = {batch, hkv, g, t.getDimSize(2),
                                 t.getDimSize(3)};
    FailureOr<Value> e =
        n.create<ExpandOp>(inferExpandType(n.errorFn(), n.type(*r), wide), *r);
    if (failed(e))
      return failure();
    SmallVector<int64_t> merged = {batch, hq, t.getDimSize(2),
                                   t.getDimSize(3)};
    return n.create<ReshapeOp>(
        inferReshapeType(n.errorFn(), n.type(*e), merged, false), *e);
  };
  FailureOr<Value> kr = repeatHeads(*kt), vr = repeatHeads(*v4);
  if (failed(kr) || failed(vr))
    return failure();

  // The mask: padded to Sk keys (masked), then additive 0 / -inf.
  Value additive = *maskf;
  if (additive) {
    RankedTensorType mt = n.type(additive);
    bool isBool = mt.getElementType().isInteger(1);
    if (!isBool && !isa<FloatType>(mt.getElementType()))
      return n.emitError() << "attn_mask must be bool or floating-point, got "
                           << mt;
    if (mt.getRank() == 0 || mt.getDimSize(mt.getRank() - 1) > sk)
      return n.emitError() << "attn_mask " << mt << " has more than the "
                           << sk << " keys";
    if (int64_t missing = sk - mt.getDimSize(mt.getRank() - 1)) {
      SmallVector<int64_t> padShape(mt.getShape());
      padShape.back() = missing;
      auto padType = RankedTensorType::get(padShape, mt.getElementType());
      Attribute fill = isBool ? Attribute(b.getBoolAttr(false))
                              : Attribute(b.getFloatAttr(f32, -INFINITY));
      Value pad = arith::ConstantOp::create(
          n.builder(), n.loc(), DenseElementsAttr::get(padType, fill));
      FailureOr<Value> padded = n.create<ConcatOp>(
          inferConcatType(n.errorFn(), {mt, padType}, mt.getRank() - 1),
          ValueRange{additive, pad}, b.getI64IntegerAttr(mt.getRank() - 1));
      if (failed(padded))
        return failure();
      additive = *padded;
    }
    if (isBool) {
      FailureOr<Value> w = n.create<WhereOp>(
          inferWhereType(n.errorFn(), n.type(additive), scalar, scalar),
          additive, constant(0.0), constant(-INFINITY));
      if (failed(w))
        return failure();
      additive = *w;
    }
  }
  double scale = 1.0 / std::sqrt(static_cast<double>(d));
  if (n.attr("scale")) {
    auto s = n.floatAttr("scale", 0.0f);
    if (failed(s))
      return failure();
    scale = *s;
  }
  bool windowed = *left >= 0 || *right >= 0;
  SmallVector<int64_t> outShape = {batch, hq, sq, v4t.getDimSize(3)};
  auto outType = RankedTensorType::get(outShape, f32);
  Value out;
  // dsc.attention's structural mask: causal with an optional left window.
  // (A right window bound only matters without is_causal; 0 makes it causal.)
  bool fused = *softcap <= 0.0f && !n.hasOutput(3) && !*lens &&
               (!windowed || *causal || *right == 0);
  if (fused) {
    StringRef kind = "none";
    int64_t window = 0;
    if (*causal || windowed) {
      kind = *left >= 0 ? "sliding_window" : "causal";
      window = *left >= 0 ? *left + 1 : 0;
    }
    out = AttentionOp::create(n.builder(), n.loc(), outType, *q4, *kr, *vr,
                              additive, b.getF64FloatAttr(scale),
                              b.getStringAttr(kind),
                              b.getF64FloatAttr(-INFINITY),
                              b.getI64IntegerAttr(window),
                              b.getI64IntegerAttr(past))
              .getResult();
  } else {
    // Composed, as the ONNX reference: scores, softcap, + bias, softmax,
    // rows whose bias masks every key give 0, then @ V.
    FailureOr<Value> scores = n.create<MatMulOp>(
        inferMatMulType(n.errorFn(), q4t, n.type(*kr)), *q4, *kr);
    if (failed(scores))
      return failure();
    scores = binary(MulOp(), *scores, constant(scale));
    if (succeeded(scores) && *softcap > 0.0f) {
      scores = binary(MulOp(), *scores, constant(1.0 / *softcap));
      if (succeeded(scores))
        scores = n.create<TanhOp>(n.type(*scores), *scores);
      if (succeeded(scores))
        scores = binary(MulOp(), *scores, constant(*softcap));
    }
    if (failed(scores))
      return failure();
    Value qkOut = *scores;
    if (*lens) {
      // An external KV cache: batch b holds L[b] valid keys, the queries
      // being its last sq positions. Key j is allowed for query i when
      // j < L[b] and, with diff = i + L[b] - sq - j, diff >= 0 (causal) and
      // within the window; computed at run time as L is data.
      RankedTensorType lt = n.type(*lens);
      if (lt.getRank() != 1 || lt.getDimSize(0) != batch ||
          !isa<IntegerType>(lt.getElementType()))
        return n.emitError() << "nonpad_kv_seqlen must be an integer tensor "
                                "of the "
                             << batch << " batch entries, got " << lt;
      Composer c(n);
      Type i64 = b.getI64Type();
      Value l4 = c.reshape(c.cast(*lens, i64), {batch, 1, 1, 1});
      SmallVector<int64_t> diff0(sq * sk), keys(sk);
      for (int64_t i = 0; i < sq; ++i)
        for (int64_t j = 0; j < sk; ++j)
          diff0[i * sk + j] = i - sq - j;
      for (int64_t j = 0; j < sk; ++j)
        keys[j] = j;
      Value diff;
      if (*causal || windowed)
        diff =
            c.add(l4, c.constant(RankedTensorType::get({sq, sk}, i64), diff0));
      Value allowed =
          c.less(c.constant(RankedTensorType::get({sk}, i64), keys), l4);
      auto both = [&](Value cond) {
        if (!allowed || !cond)
          return Value();
        FailureOr<Value> a = n.create<AndOp>(
            inferLogicalType(n.errorFn(), n.type(allowed), n.type(cond)),
            allowed, cond);
        return succeeded(a) ? *a : Value();
      };
      auto bound = [&](double v) { return c.scalar(i64, v); };
      if (*causal)
        allowed = both(c.compare<GreaterEqualOp>(diff, bound(0)));
      if (*left >= 0)
        allowed = both(c.compare<LessEqualOp>(diff, bound(*left)));
      if (*right >= 0)
        allowed = both(c.compare<GreaterEqualOp>(diff, bound(-*right)));
      Value structural = c.where(allowed, constant(0.0), constant(-INFINITY));
      if (!structural)
        return failure();
      // Always [B, 1, sq, sk], as the reference, whatever broadcasting
      // shortened.
      structural = c.expand(structural, {batch, 1, sq, sk});
      additive = additive ? c.add(additive, structural) : structural;
      if (!additive)
        return failure();
    } else if (*causal || windowed) {
      // Key j is allowed for query i when j <= i + past (causal) and within
      // the window around i + past.
      SmallVector<float> bias(sq * sk, 0.0f);
      for (int64_t i = 0; i < sq; ++i)
        for (int64_t j = 0; j < sk; ++j) {
          int64_t diff = i + past - j;
          bool allowed = (!*causal || diff >= 0) &&
                         (*left < 0 || diff <= *left) &&
                         (*right < 0 || -diff <= *right);
          if (!allowed)
            bias[i * sk + j] = -INFINITY;
        }
      auto biasType = RankedTensorType::get({sq, sk}, f32);
      Value structural = arith::ConstantOp::create(
          n.builder(), n.loc(),
          DenseElementsAttr::get(biasType, ArrayRef<float>(bias)));
      if (additive) {
        FailureOr<Value> sum = binary(AddOp(), additive, structural);
        if (failed(sum))
          return failure();
        additive = *sum;
      } else {
        additive = structural;
      }
    }
    Value withBias = *scores;
    if (additive) {
      FailureOr<Value> sum = binary(AddOp(), *scores, additive);
      if (failed(sum))
        return failure();
      withBias = *sum;
    }
    if (*qkMode == 2)
      qkOut = withBias;
    FailureOr<Value> probs = buildSoftmax(n, withBias, 3);
    if (failed(probs))
      return failure();
    if (additive) {
      RankedTensorType at = n.type(additive);
      int64_t last = at.getRank() - 1;
      FailureOr<Value> rowMax = n.create<ReduceOp>(
          inferReduceType(n.errorFn(), at, "max", {last}, true), additive,
          b.getStringAttr("max"), b.getDenseI64ArrayAttr({last}),
          b.getBoolAttr(true));
      if (failed(rowMax))
        return failure();
      FailureOr<Value> masked = n.create<EqualOp>(
          inferCompareType(n.errorFn(), n.type(*rowMax), scalar), *rowMax,
          constant(-INFINITY));
      if (failed(masked))
        return failure();
      probs = n.create<WhereOp>(inferWhereType(n.errorFn(), n.type(*masked),
                                               scalar, n.type(*probs)),
                                *masked, constant(0.0), *probs);
      if (failed(probs))
        return failure();
    }
    if (*qkMode == 3)
      qkOut = *probs;
    FailureOr<Value> y = n.create<MatMulOp>(
        inferMatMulType(n.errorFn(), n.type(*probs), n.type(*vr)), *probs,
        *vr);
    if (failed(y))
      return failure();
    out = *y;
    if (n.hasOutput(3)) {
      FailureOr<Value> qk = fromF32(qkOut);
      if (failed(qk))
        return failure();
      n.setOutput(3, *qk);
    }
  }
  if (threeD) {
    // Back to [B, Sq, Hq * Dv].
    SmallVector<int64_t> perm = {0, 2, 1, 3};
    FailureOr<Value> t = n.create<TransposeOp>(
        inferTransposeType(n.errorFn(), n.type(out), perm), out,
        b.getDenseI64ArrayAttr(perm));
    if (failed(t))
      return failure();
    SmallVector<int64_t> flat = {batch, sq, hq * v4t.getDimSize(3)};
    FailureOr<Value> r = n.create<ReshapeOp>(
        inferReshapeType(n.errorFn(), n.type(*t), flat, false), *t);
    if (failed(r))
      return failure();
    out = *r;
  }
  FailureOr<Value> y = fromF32(out);
  if (failed(y))
    return failure();
  n.setOutput(0, *y);
  return success();
}

/// A constant float input as doubles (each the exact value of its element
/// type); an empty tensor reads as no values.
FailureOr<SmallVector<double>> floatsInput(NodeImporter &n, int i,
                                           StringRef what) {
  FailureOr<DenseElementsAttr> c = n.constantInput(i, what);
  if (failed(c))
    return failure();
  if (!isa<FloatType>(c->getElementType()) || c->getType().getRank() > 1)
    return n.emitError() << what << " must be a 1-D float tensor, got "
                         << c->getType();
  SmallVector<double> values;
  for (const APFloat &f : c->getValues<APFloat>())
    values.push_back(f.convertToDouble());
  return values;
}

/// Resize with scales, sizes or roi computed at run time: the output shape
/// is the graph's declared one; run-time sizes then fix the scales (size /
/// input size, as the reference computes them), while run-time scales and
/// roi become operands of dsc.resize, which maps coordinates at run time.
LogicalResult
importRuntimeResize(NodeImporter &n, Value x, ArrayRef<int64_t> axes,
                    ArrayRef<double> roiValues, ArrayRef<double> constScales,
                    int scalesInput, bool runtimeRoi, StringRef mode,
                    StringRef ctm, StringRef nearest, float cubicA,
                    bool exclude, float extrapolation, bool antialias,
                    StringRef policy) {
  RankedTensorType xt = n.type(x);
  int64_t rank = xt.getRank();
  ArrayRef<int64_t> in = xt.getShape();
  // The run-time input to name: scales, else sizes, else roi.
  int named = scalesInput                                  ? scalesInput
              : n.hasInput(3) && !n.constantInputOrNull(3) ? 3
                                                           : 1;
  StringRef what = named == 3                   ? "sizes"
                   : named == 1 && !scalesInput ? "roi"
                                                : "scales";
  std::optional<SmallVector<int64_t>> declared = n.declaredOutputShape(0);
  if (!declared || declared->size() != size_t(rank) ||
      llvm::any_of(*declared, [](int64_t d) { return d < 1; }))
    return n.emitError()
           << n.node().op_type() << "'s " << what << " ('"
           << n.inputName(named)
           << "') must be a constant (an initializer or a Constant node), "
              "or the graph must declare the static shape of the output; "
              "computed values are not supported yet";
  // keep_aspect_ratio_policy: one run-time scale for all axes, the min
  // (not_larger) or max (not_smaller) of sizes / input sizes in double, as
  // the reference computes it.
  bool policyScale = policy != "stretch";
  if (policyScale && scalesInput)
    return n.emitError() << "keep_aspect_ratio_policy needs sizes";
  for (int64_t d = 0; d < rank; ++d)
    if (!llvm::is_contained(axes, d) && (*declared)[d] != in[d])
      return n.emitError() << "the declared output shape resizes dimension "
                           << d << " (" << in[d] << " to " << (*declared)[d]
                           << "), which is not in axes";
  // Attributes: out / in as the scale (the exact one for run-time sizes, a
  // positive placeholder for run-time scales), identity roi unless constant.
  SmallVector<double> scales(rank, 1.0), roi(2 * rank);
  SmallVector<int64_t> runtimeAxes(rank, -1);
  size_t na = axes.size();
  for (int64_t d = 0; d < rank; ++d) {
    roi[d] = 0.0;
    roi[rank + d] = 1.0;
    scales[d] = static_cast<double>((*declared)[d]) / in[d];
  }
  for (size_t i = 0; i < na; ++i) {
    int64_t d = axes[i];
    runtimeAxes[d] = i;
    // Constant scales (with a run-time roi) map coordinates as given.
    if (!constScales.empty()) {
      if (!(constScales[i] > 0) || !std::isfinite(constScales[i]))
        return n.emitError()
               << "scales must be positive, got " << constScales[i];
      scales[d] = constScales[i];
    }
    if (!roiValues.empty()) {
      roi[d] = roiValues[i];
      roi[rank + d] = roiValues[na + i];
    }
  }
  Value scaleValues, roiOperand;
  if (policyScale) {
    FailureOr<Value> sizes = n.input(3);
    if (failed(sizes))
      return failure();
    Composer c(n);
    Type f64 = Float64Type::get(n.context());
    SmallVector<int64_t> inAxes;
    for (int64_t d : axes)
      inAxes.push_back(in[d]);
    Value ratio = c.div(
        c.cast(*sizes, f64),
        c.constant(RankedTensorType::get({int64_t(axes.size())}, f64), inAxes));
    scaleValues = c.expand(
        c.reduce(ratio, policy == "not_larger" ? "min" : "max", {0}, true),
        {int64_t(axes.size())});
    if (!scaleValues)
      return failure();
  } else if (scalesInput) {
    FailureOr<Value> v = n.input(scalesInput);
    if (failed(v))
      return failure();
    scaleValues = *v;
  }
  if (runtimeRoi) {
    FailureOr<Value> v = n.input(1);
    if (failed(v))
      return failure();
    roiOperand = *v;
  }
  if (failed(n.checkResultShape(*declared)))
    return failure();
  Builder b(n.context());
  return n.setResult(n.create<ResizeOp>(
      inferResizeType(n.errorFn(), xt, *declared, scales, roi, mode, ctm,
                      nearest),
      x, scaleValues, roiOperand, b.getStringAttr(mode), b.getStringAttr(ctm),
      b.getStringAttr(nearest), b.getF64FloatAttr(cubicA),
      b.getBoolAttr(exclude), b.getF64FloatAttr(extrapolation),
      b.getBoolAttr(antialias), b.getDenseF64ArrayAttr(scales),
      b.getDenseF64ArrayAttr(roi),
      scaleValues || roiOperand ? b.getDenseI64ArrayAttr(runtimeAxes)
                                : DenseI64ArrayAttr()));
}

/// Resize (opsets 10-19) and Upsample (7, 9): the output shape, per-axis
/// scales and roi are resolved here from constant inputs, as ONNX's
/// reference implementation computes them, so dsc.resize has a static
/// shape. Resize-10 and Upsample map coordinates asymmetrically and round
/// nearest neighbours down when upsampling (ONNX Runtime's behaviour;
/// opset 11 made both attributes).
LogicalResult importResize(NodeImporter &n) {
  bool upsample = n.node().op_type() == "Upsample";
  bool legacy = upsample || n.opset() < 11;
  SmallVector<StringRef> known = {"mode"};
  if (upsample && n.opset() < 9)
    known.push_back("scales");
  if (!legacy)
    known.append({"coordinate_transformation_mode", "cubic_coeff_a",
                  "exclude_outside", "extrapolation_value", "nearest_mode"});
  if (!legacy && n.opset() >= 18)
    known.append({"antialias", "axes", "keep_aspect_ratio_policy"});
  if (failed(n.checkAttributes(known)))
    return failure();
  FailureOr<Value> x = n.input(0);
  auto mode = n.stringAttr("mode", "nearest");
  auto ctm = n.stringAttr("coordinate_transformation_mode", "half_pixel");
  auto nearest = n.stringAttr("nearest_mode", "round_prefer_floor");
  auto cubicA = n.floatAttr("cubic_coeff_a", -0.75f);
  auto exclude = n.intAttr("exclude_outside", 0);
  auto extrapolation = n.floatAttr("extrapolation_value", 0.0f);
  auto antialias = n.intAttr("antialias", 0);
  auto policy = n.stringAttr("keep_aspect_ratio_policy", "stretch");
  auto axesAttr = n.intsAttr("axes");
  if (failed(x) || failed(mode) || failed(ctm) || failed(nearest) ||
      failed(cubicA) || failed(exclude) || failed(extrapolation) ||
      failed(antialias) || failed(policy) || failed(axesAttr))
    return failure();
  RankedTensorType xt = n.type(*x);
  int64_t rank = xt.getRank();
  if (legacy) {
    *ctm = "asymmetric";
    *nearest = "simple";
  }
  // Upsample-7's "linear" and "bilinear" (opset 1) are the same filter.
  if (legacy && *mode == "bilinear")
    *mode = "linear";
  if (*mode != "nearest" && *mode != "linear" && (legacy || *mode != "cubic"))
    return n.emitError() << "mode '" << *mode << "' is not one of nearest, "
                         << (legacy ? "linear" : "linear, cubic");
  if (*antialias && *mode == "nearest")
    return n.emitError() << "antialias applies to linear and cubic modes "
                            "only";
  if (*policy != "stretch" && *policy != "not_larger" &&
      *policy != "not_smaller")
    return n.emitError() << "keep_aspect_ratio_policy '" << *policy
                         << "' is not one of stretch, not_larger, "
                            "not_smaller";

  // Axes (opset 18): the dimensions scales, sizes and roi talk about.
  SmallVector<int64_t> axes;
  if (*axesAttr) {
    for (int64_t a : **axesAttr) {
      auto axis = normalizeAxis(n.errorFn(), a, rank);
      if (failed(axis))
        return failure();
      if (llvm::is_contained(axes, *axis))
        return n.emitError() << "axes repeat dimension " << *axis;
      axes.push_back(*axis);
    }
  } else {
    for (int64_t d = 0; d < rank; ++d)
      axes.push_back(d);
  }
  size_t na = axes.size();

  // Scales / sizes / roi by opset: Upsample-7 an attribute; Upsample-9 and
  // Resize-10 input 1; Resize-11+ inputs roi, scales, sizes.
  SmallVector<double> scaleValues, roiValues;
  SmallVector<int64_t> sizeValues;
  bool haveScales = false, haveSizes = false;
  // Inputs given at run time: scales (its input index, 0: constant), sizes
  // and roi.
  int runtimeScales = 0;
  bool runtimeSizes = false, runtimeRoi = false;
  auto isRuntime = [&](int i) { return !n.constantInputOrNull(i); };
  // A run-time input whose type says it is empty counts as omitted.
  auto isEmptyRuntime = [&](int i) {
    FailureOr<RankedTensorType> t = n.inputType(i);
    return succeeded(t) && t->hasStaticShape() && t->getNumElements() == 0;
  };
  auto checkRuntimeLength = [&](int i, size_t length,
                                StringRef what) -> LogicalResult {
    FailureOr<RankedTensorType> t = n.inputType(i);
    if (failed(t))
      return failure();
    if (t->getRank() != 1 ||
        !isa<FloatType>(t->getElementType()) != (what == "sizes"))
      return n.emitError() << "Resize's " << what << " must be a 1-D "
                           << (what == "sizes" ? "integer" : "float")
                           << " tensor, got " << *t;
    if (!t->isDynamicDim(0) && t->getDimSize(0) != int64_t(length))
      return n.emitError() << "Resize's " << what << " has " << t->getDimSize(0)
                           << " values, expected " << length;
    return success();
  };
  if (upsample && n.opset() < 9) {
    const onnx::AttributeProto *a = n.attr("scales");
    if (!a || a->type() != onnx::AttributeProto::FLOATS)
      return n.emitError() << "the required float list attribute 'scales' "
                              "is missing";
    scaleValues.assign(a->floats().begin(), a->floats().end());
    haveScales = true;
  } else if (legacy) {
    if (isRuntime(1)) {
      runtimeScales = 1;
    } else {
      auto v = floatsInput(n, 1, n.node().op_type() + "'s scales");
      if (failed(v))
        return failure();
      scaleValues = *v;
    }
    haveScales = true;
  } else {
    if (n.hasInput(2) && isRuntime(2)) {
      haveScales = !isEmptyRuntime(2);
      runtimeScales = haveScales ? 2 : 0;
    } else if (n.hasInput(2)) {
      auto v = floatsInput(n, 2, "Resize's scales");
      if (failed(v))
        return failure();
      scaleValues = *v;
      haveScales = !scaleValues.empty();
    }
    if (n.hasInput(3) && isRuntime(3)) {
      haveSizes = runtimeSizes = !isEmptyRuntime(3);
    } else if (n.hasInput(3)) {
      auto v = intsInput(n, 3, "Resize's sizes");
      if (failed(v))
        return failure();
      sizeValues = *v;
      haveSizes = !sizeValues.empty();
    }
    if (haveScales == haveSizes)
      return n.emitError() << "exactly one of scales and sizes must be given "
                              "(as a non-empty constant)";
    if (*ctm == "tf_crop_and_resize" && n.hasInput(1) && isRuntime(1)) {
      runtimeRoi = true;
      if (failed(checkRuntimeLength(1, 2 * na, "roi")))
        return failure();
    } else if (*ctm == "tf_crop_and_resize") {
      auto v = n.hasInput(1)
                   ? floatsInput(n, 1, "Resize's roi")
                   : FailureOr<SmallVector<double>>(SmallVector<double>());
      if (failed(v))
        return failure();
      if (v->size() != 2 * na)
        return n.emitError() << "tf_crop_and_resize needs a constant roi of "
                             << 2 * na << " values, got " << v->size();
      roiValues = *v;
    }
  }
  if (runtimeScales && failed(checkRuntimeLength(runtimeScales, na, "scales")))
    return failure();
  if (runtimeSizes && failed(checkRuntimeLength(3, na, "sizes")))
    return failure();
  if (runtimeScales || runtimeSizes || runtimeRoi)
    return importRuntimeResize(
        n, *x, axes, roiValues,
        runtimeScales ? ArrayRef<double>() : ArrayRef<double>(scaleValues),
        runtimeScales, runtimeRoi, *mode, *ctm, *nearest, *cubicA,
        *exclude != 0, *extrapolation, *antialias != 0, *policy);
  if (haveScales && scaleValues.size() != na)
    return n.emitError() << "scales has " << scaleValues.size()
                         << " values for " << na << " axes";
  if (haveSizes && sizeValues.size() != na)
    return n.emitError() << "sizes has " << sizeValues.size() << " values for "
                         << na << " axes";
  if (*policy != "stretch" && !haveSizes)
    return n.emitError() << "keep_aspect_ratio_policy needs sizes";

  // Per dimension: the scale that maps coordinates and the output size.
  ArrayRef<int64_t> in = xt.getShape();
  SmallVector<double> scales(rank, 1.0), roi(2 * rank);
  SmallVector<int64_t> out(in);
  for (int64_t d = 0; d < rank; ++d) {
    roi[d] = 0.0;
    roi[rank + d] = 1.0;
  }
  for (size_t i = 0; i < na; ++i) {
    int64_t d = axes[i];
    if (!roiValues.empty()) {
      roi[d] = roiValues[i];
      roi[rank + d] = roiValues[na + i];
    }
    if (haveScales) {
      if (!(scaleValues[i] > 0) || !std::isfinite(scaleValues[i]))
        return n.emitError()
               << "scales must be positive, got " << scaleValues[i];
      scales[d] = scaleValues[i];
      out[d] = static_cast<int64_t>(std::floor(scales[d] * in[d]));
    } else {
      if (sizeValues[i] < 1)
        return n.emitError() << "sizes must be >= 1, got " << sizeValues[i];
      out[d] = sizeValues[i];
      scales[d] = static_cast<double>(out[d]) / in[d];
    }
  }
  if (*policy != "stretch") {
    double scale = scales[axes[0]];
    for (int64_t d : axes)
      scale = *policy == "not_larger" ? std::min(scale, scales[d])
                                      : std::max(scale, scales[d]);
    for (int64_t d : axes) {
      scales[d] = scale;
      out[d] = static_cast<int64_t>(scale * in[d] + 0.5);
    }
  }
  for (int64_t d = 0; d < rank; ++d)
    if (out[d] < 1)
      return n.emitError() << "the output would be empty in dimension " << d
                           << " (scale " << scales[d] << ")";
  if (failed(n.checkResultShape(out)))
    return failure();
  Builder b(n.context());
  return n.setResult(n.create<ResizeOp>(
      inferResizeType(n.errorFn(), xt, out, scales, roi, *mode, *ctm, *nearest),
      *x, Value(), Value(), b.getStringAttr(*mode), b.getStringAttr(*ctm),
      b.getStringAttr(*nearest), b.getF64FloatAttr(*cubicA),
      b.getBoolAttr(*exclude != 0), b.getF64FloatAttr(*extrapolation),
      b.getBoolAttr(*antialias != 0), b.getDenseF64ArrayAttr(scales),
      b.getDenseF64ArrayAttr(roi), DenseI64ArrayAttr()));
}

} // namespace

void registerNNImporters(OpRegistry &r) {
  r.add("MatMul", {1, 9, 13}, importMatMul);
  r.add("Gemm", {7, 9, 11, 13}, importGemm);
  r.add("Conv", {1, 11}, importConv);
  r.add("ConvTranspose", {1, 11, 22}, importConvTranspose);
  r.add("MaxPool", {1, 8, 10, 11, 12}, importPool<MaxPoolOp>);
  r.add("AveragePool", {7, 10, 11, 19, 22}, importPool<AvgPoolOp>);
  r.add("GlobalAveragePool", {1, 22}, importGlobalAveragePool);
  r.add("GlobalMaxPool", {1, 22}, importGlobalMaxPool);
  r.add("GlobalLpPool", {2, 22}, importGlobalLpPool);
  r.add("LpPool", {2, 11, 18, 22}, importLpPool);
  r.add("BatchNormalization", {7, 9, 14, 15}, importBatchNorm);
  r.add("Softmax", {1, 11, 13}, importSoftmax<buildSoftmax>);
  r.add("LogSoftmax", {1, 11, 13}, importSoftmax<buildLogSoftmax>);
  r.add("Hardmax", {1, 11, 13}, importSoftmax<buildHardmax>);
  r.add("LayerNormalization", {17}, importLayerNorm);
  r.add("RMSNormalization", {23}, importRMSNorm);
  r.add("InstanceNormalization", {6, 22}, importInstanceNorm);
  r.add("GroupNormalization", {18, 21}, importGroupNorm);
  r.add("LpNormalization", {1, 22}, importLpNorm);
  r.add("MeanVarianceNormalization", {9, 13}, importMVN);
  r.add("LRN", {1, 13}, importLRN);
  r.add("Attention", {23, 24, 25}, importAttention);
  r.add("Resize", {10, 11, 13, 18, 19}, importResize);
  r.add("Upsample", {7, 9}, importResize);
}

} // namespace dsc
