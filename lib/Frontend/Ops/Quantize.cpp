//===- Quantize.cpp - quantization importers ------------------------------===//
//
// QuantizeLinear, DequantizeLinear, DynamicQuantizeLinear, MatMulInteger,
// ConvInteger, QLinearMatMul and QLinearConv, composed from dsc ops. Each
// (de)quantization has one fixed shape, so that a QDQ-folding pass can
// recognize it (scale and zero point broadcast per tensor, per axis or per
// block by reshape/expand/slice first):
//
//   dequantize: y = cast<T>(mul(sub(cast<f32>(x), cast<f32>(zp)), scale))
//   quantize:   y = cast<q>(clip(add(cast<f32>(round(div(x, scale))),
//                                    cast<f32>(zp)), qmin, qmax))
//
// where `round` is dsc.round (halves to even, as ONNX specifies) and the
// clip bounds are the range of q. Integer products (MatMulInteger,
// ConvInteger, QLinearMatMul, QLinearConv) are dsc.matmul / dsc.conv of the
// zero-point-shifted operands in f32 when every partial sum is an integer
// below 2^24 (so the float result is exact), in f64 otherwise, and the
// exact integer result is cast to i32 or rescaled.
//
//===----------------------------------------------------------------------===//
#include "../Compose.h"
#include "../ConstantFolding.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Matchers.h"

#include <cmath>

using namespace mlir;

namespace dsc {
namespace {

using TP = onnx::TensorProto;

/// The integer range of a quantized ONNX type dsc has an element type for.
std::optional<std::pair<int64_t, int64_t>> quantRange(int32_t onnxType) {
  switch (onnxType) {
  case TP::UINT8:
    return std::pair<int64_t, int64_t>{0, 255};
  case TP::INT8:
    return std::pair<int64_t, int64_t>{-128, 127};
  case TP::UINT16:
    return std::pair<int64_t, int64_t>{0, 65535};
  case TP::INT16:
    return std::pair<int64_t, int64_t>{-32768, 32767};
  default:
    if (const NarrowFormat *f = narrowFormatOfONNXType(onnxType))
      if (!f->isFloat())
        return std::pair<int64_t, int64_t>{f->minInt(), f->maxInt()};
    return std::nullopt;
  }
}

/// dsc.cast reading `v` as unsigned when `inUnsigned` (and writing unsigned
/// when `outUnsigned`); constants fold.
Value castTo(NodeImporter &n, Value v, Type elem, bool inUnsigned,
             bool outUnsigned = false) {
  if (!v)
    return {};
  RankedTensorType vt = NodeImporter::type(v);
  if (vt.getElementType() == elem)
    return v;
  auto type = RankedTensorType::get(vt.getShape(), elem);
  DenseElementsAttr c;
  if (matchPattern(v, m_Constant(&c)) && shouldFold(type, {c}))
    return arith::ConstantOp::create(
        n.builder(), n.loc(), foldCast(c, elem, inUnsigned, outUnsigned));
  FailureOr<Value> r = n.create<CastOp>(type, v, inUnsigned, outUnsigned);
  return succeeded(r) ? *r : Value();
}

/// Input `i` cast to `elem` (integers read with their ONNX signedness,
/// narrow types decoded).
Value inputAs(NodeImporter &n, Value v, int i, Type elem) {
  if (narrowFormatOfONNXType(n.onnxType(i))) {
    Composer c(n);
    return castTo(n, c.decodeNarrow(v, n.onnxType(i)), elem, false);
  }
  return castTo(n, v, elem, NodeImporter::isUnsignedInteger(n.onnxType(i)));
}

/// Whether ONNX type `t` is a narrow float format (float8, float4).
bool isNarrowFloat(int32_t t) {
  const NarrowFormat *f = narrowFormatOfONNXType(t);
  return f && f->isFloat();
}

/// A scale or zero point `p` made broadcastable to `xShape` (ONNX's
/// reshape_input): a scalar or one-element tensor as is, a 1-D tensor along
/// `axis`, or (block_size > 0) a tensor of x's rank whose `axis` dimension
/// counts blocks, repeated block_size times and cut to x's extent.
Value broadcastParam(NodeImporter &n, Composer &c, Value p,
                     ArrayRef<int64_t> xShape, int64_t axis,
                     int64_t blockSize) {
  if (!p)
    return {};
  ArrayRef<int64_t> ps = Composer::shape(p);
  int64_t numel = Composer::type(p).getNumElements();
  if (ps.empty())
    return p;
  if (numel == 1)
    return c.reshape(p, {});
  if (axis < 0 || axis >= static_cast<int64_t>(xShape.size())) {
    n.emitError() << "axis " << axis << " is out of range for rank "
                  << xShape.size();
    return {};
  }
  if (blockSize <= 0) {
    if (ps.size() != 1 || ps[0] != xShape[axis]) {
      n.emitError() << "scale/zero point of shape " << Composer::type(p)
                    << " is neither a scalar nor a 1-D tensor of the "
                    << xShape[axis] << " elements along axis " << axis;
      return {};
    }
    SmallVector<int64_t> dims(xShape.size(), 1);
    dims[axis] = ps[0];
    return c.reshape(p, dims);
  }
  int64_t blocks = (xShape[axis] + blockSize - 1) / blockSize;
  bool ok = ps.size() == xShape.size() && ps[axis] == blocks;
  for (size_t d = 0; ok && d < ps.size(); ++d)
    ok = static_cast<int64_t>(d) == axis || ps[d] == xShape[d];
  if (!ok) {
    n.emitError() << "blocked scale/zero point of shape " << Composer::type(p)
                  << " does not match input shape with " << blocks
                  << " blocks of " << blockSize << " along axis " << axis;
    return {};
  }
  SmallVector<int64_t> split(ps.begin(), ps.begin() + axis + 1);
  split.push_back(1);
  split.append(ps.begin() + axis + 1, ps.end());
  SmallVector<int64_t> repeated(split);
  repeated[axis + 1] = blockSize;
  SmallVector<int64_t> merged(ps);
  merged[axis] = blocks * blockSize;
  Value v = c.reshape(c.expand(c.reshape(p, split), repeated), merged);
  return c.sliceAlong(v, axis, 0, xShape[axis]);
}

/// axis (normalized), block_size of a (De)QuantizeLinear at this opset.
LogicalResult quantAxes(NodeImporter &n, int64_t rank, int64_t &axis,
                        int64_t &blockSize) {
  auto a = n.intAttr("axis", 1);
  auto b = n.intAttr("block_size", 0);
  if (failed(a) || failed(b))
    return failure();
  axis = *a < 0 ? *a + rank : *a;
  blockSize = *b;
  if (blockSize < 0)
    return n.emitError() << "block_size must not be negative";
  // axis matters (and is checked) only for per-axis or blocked parameters.
  return success();
}

/// The ONNX type of the quantized values: the zero point's, else
/// output_dtype, else uint8.
FailureOr<int32_t> quantizedType(NodeImporter &n, int zpIndex) {
  auto outDtype = n.intAttr("output_dtype", 0);
  if (failed(outDtype))
    return failure();
  int32_t t = n.hasInput(zpIndex) ? n.onnxType(zpIndex)
              : *outDtype         ? static_cast<int32_t>(*outDtype)
                                  : TP::UINT8;
  if (n.hasInput(zpIndex) && *outDtype && *outDtype != t)
    return n.emitError() << "output_dtype "
                         << NodeImporter::dtypeName(*outDtype)
                         << " differs from the zero point's type "
                         << NodeImporter::dtypeName(t);
  if (!quantRange(t) && !isNarrowFloat(t))
    return n.emitError() << "quantization to " << NodeImporter::dtypeName(t)
                         << " is not supported (dsc quantizes to 2-, 4-, 8- "
                            "and 16-bit integers and the float8/float4 "
                            "types)";
  return t;
}

/// quantize(v): clip(round-half-even(v) + zp, range) as ONNX type `q`; `v` is
/// x / scale already, `zp` broadcastable (or null).
Value quantizeScaled(NodeImporter &n, Composer &c, Value v, Value zp, int32_t q,
                     bool zpUnsigned) {
  Type f32 = n.builder().getF32Type();
  if (const NarrowFormat *f = narrowFormatOfONNXType(q); f && f->isFloat()) {
    // float8/float4: x / scale + zp rounded by the cast itself (to nearest
    // even), saturating unless `saturate` = 0.
    auto saturate = n.intAttr("saturate", 1);
    if (failed(saturate))
      return {};
    Value r = castTo(n, v, f32, false);
    if (zp)
      r = c.add(r, zp);
    return c.encodeNarrow(r, *f, *saturate != 0);
  }
  auto [lo, hi] = *quantRange(q);
  // Rounded in x's type (as ONNX's x / scale is), the zero point added in
  // f32, where every sum of a rounded value in range and a zero point is
  // exact (f16 cannot hold 65535).
  Value r = castTo(n, c.unary<RoundOp>(v), f32, false);
  if (zp)
    r = c.add(r, castTo(n, zp, f32, zpUnsigned));
  r = c.clip(r, lo, hi);
  if (const NarrowFormat *f = narrowFormatOfONNXType(q))
    return c.encodeNarrow(r, *f);
  return castTo(n, r, n.elementType(q), false,
                NodeImporter::isUnsignedInteger(q));
}

LogicalResult importQuantizeLinear(NodeImporter &n) {
  SmallVector<StringRef> known;
  if (n.opset() >= 13)
    known.push_back("axis");
  if (n.opset() >= 19)
    known.push_back("saturate"); // float8 only
  if (n.opset() >= 21)
    known.append({"block_size", "output_dtype"});
  if (n.opset() >= 23)
    known.push_back("precision");
  if (failed(n.checkAttributes(known)))
    return failure();
  FailureOr<Value> x = n.input(0), scale = n.input(1), zp = n.optionalInput(2);
  if (failed(x) || failed(scale) || failed(zp))
    return failure();
  RankedTensorType xt = n.type(*x);
  if (!isa<FloatType>(xt.getElementType()) ||
      !isa<FloatType>(n.type(*scale).getElementType()))
    return n.emitError() << "expects floating-point x and scale, got " << xt
                         << " and " << n.type(*scale);
  int64_t axis, blockSize;
  if (failed(quantAxes(n, xt.getRank(), axis, blockSize)))
    return failure();
  FailureOr<int32_t> q = quantizedType(n, 2);
  if (failed(q))
    return failure();
  // x / scale in `precision` (opset 23) or else x's type.
  Type compute = xt.getElementType();
  auto precision = n.intAttr("precision", 0);
  if (failed(precision))
    return failure();
  if (*precision) {
    compute = n.elementType(*precision);
    if (!compute || !isa<FloatType>(compute))
      return n.emitError() << "precision "
                           << NodeImporter::dtypeName(*precision)
                           << " is not a supported floating-point type";
  }
  Composer c(n);
  Value s = broadcastParam(n, c, castTo(n, *scale, compute, false),
                           xt.getShape(), axis, blockSize);
  Value z = broadcastParam(n, c, inputAs(n, *zp, 2, n.builder().getF32Type()),
                           xt.getShape(), axis, blockSize);
  Value y = quantizeScaled(n, c, c.div(castTo(n, *x, compute, false), s), z, *q,
                           false);
  if (!y)
    return failure();
  n.setOutputONNXType(0, *q);
  return n.setResult(y);
}

LogicalResult importDequantizeLinear(NodeImporter &n) {
  SmallVector<StringRef> known;
  if (n.opset() >= 13)
    known.push_back("axis");
  if (n.opset() >= 21)
    known.push_back("block_size");
  if (n.opset() >= 23)
    known.push_back("output_dtype");
  if (failed(n.checkAttributes(known)))
    return failure();
  FailureOr<Value> x = n.input(0), scale = n.input(1), zp = n.optionalInput(2);
  if (failed(x) || failed(scale) || failed(zp))
    return failure();
  RankedTensorType xt = n.type(*x), st = n.type(*scale);
  int32_t xType = n.onnxType(0);
  if (!quantRange(xType) && xType != TP::INT32 && !isNarrowFloat(xType))
    return n.emitError() << "dequantization of "
                         << NodeImporter::dtypeName(xType)
                         << " is not supported (dsc dequantizes 2-, 4-, 8-, "
                            "16- and 32-bit integers and the float8/float4 "
                            "types)";
  if (*zp && n.onnxType(2) != xType)
    return n.emitError() << "zero point type "
                         << NodeImporter::dtypeName(n.onnxType(2))
                         << " differs from x's type "
                         << NodeImporter::dtypeName(xType);
  if (!isa<FloatType>(st.getElementType()))
    return n.emitError() << "expects a floating-point scale, got " << st;
  int64_t axis, blockSize;
  if (failed(quantAxes(n, xt.getRank(), axis, blockSize)))
    return failure();
  auto outDtype = n.intAttr("output_dtype", 0);
  if (failed(outDtype))
    return failure();
  Type out = st.getElementType();
  int32_t outOnnx = n.onnxType(1);
  if (*outDtype) {
    out = n.elementType(*outDtype);
    outOnnx = *outDtype;
    if (!out || !isa<FloatType>(out))
      return n.emitError() << "output_dtype "
                           << NodeImporter::dtypeName(*outDtype)
                           << " is not a supported floating-point type";
  }
  // ONNX computes (float32(x) - zp) * scale in f32 and casts to the
  // scale's (or output_dtype's) type.
  Composer c(n);
  Type f32 = n.builder().getF32Type();
  Value v = inputAs(n, *x, 0, f32);
  if (*zp)
    v = c.sub(v, broadcastParam(n, c, inputAs(n, *zp, 2, f32), xt.getShape(),
                                axis, blockSize));
  v = c.mul(v, broadcastParam(n, c, castTo(n, *scale, f32, false),
                              xt.getShape(), axis, blockSize));
  v = castTo(n, v, out, false);
  if (!v)
    return failure();
  n.setOutputONNXType(0, outOnnx);
  return n.setResult(v);
}

/// DynamicQuantizeLinear: uint8 quantization with scale and zero point from
/// x's range extended to 0 (ONNX's function body).
LogicalResult importDynamicQuantizeLinear(NodeImporter &n) {
  if (failed(n.checkAttributes({})))
    return failure();
  FailureOr<Value> x = n.input(0);
  if (failed(x))
    return failure();
  RankedTensorType xt = n.type(*x);
  if (!xt.getElementType().isF32())
    return n.emitError() << "expects a float32 input, got " << xt;
  Composer c(n);
  Type f32 = xt.getElementType();
  SmallVector<int64_t> all =
      llvm::to_vector(llvm::seq<int64_t>(0, xt.getRank()));
  Value zero = c.scalar(f32, 0.0);
  Value hi = c.binary<MaxOp>(c.reduce(*x, "max", all, false), zero);
  Value lo = c.binary<MinOp>(c.reduce(*x, "min", all, false), zero);
  // (max - min) / 255, or 1 / 255 when both are 0.
  Value range = c.sub(hi, lo);
  range = c.where(c.equal(range, zero), c.scalar(f32, 1.0), range);
  Value scale = c.div(range, c.scalar(f32, 255.0));
  Value zpf = c.unary<RoundOp>(c.clip(c.sub(zero, c.div(lo, scale)), 0, 255));
  Value y = quantizeScaled(n, c, c.div(*x, scale), zpf, TP::UINT8, false);
  Value zp = castTo(n, zpf, n.builder().getI8Type(), false, true);
  if (!y || !scale || !zp)
    return failure();
  n.setOutput(0, y);
  n.setOutputONNXType(0, TP::UINT8);
  if (n.hasOutput(1))
    n.setOutput(1, scale);
  if (n.hasOutput(2)) {
    n.setOutput(2, zp);
    n.setOutputONNXType(2, TP::UINT8);
  }
  return success();
}

/// The most an 8-bit operand minus its zero point can be in magnitude.
constexpr int64_t kMaxShifted8 = 255;

/// The float type in which integer products summing `terms` products of
/// 8-bit values (zero points subtracted) are exact.
Type exactFloat(NodeImporter &n, int64_t terms) {
  double bound = static_cast<double>(terms) * kMaxShifted8 * kMaxShifted8;
  return bound < std::ldexp(1.0, 24) ? Type(n.builder().getF32Type())
                                     : Type(n.builder().getF64Type());
}

/// Input `i` (8-bit integer) minus zero point input `zpIndex` (if present,
/// broadcast as `zpShape` says), as `elem` floats; checks the types.
Value shiftedOperand(NodeImporter &n, Composer &c, int i, int zpIndex,
                     Type elem, ArrayRef<int64_t> zpShape = {}) {
  FailureOr<Value> v = n.input(i);
  FailureOr<Value> zp = n.optionalInput(zpIndex);
  if (failed(v) || failed(zp))
    return {};
  int32_t t = n.onnxType(i);
  if (t != TP::INT8 && t != TP::UINT8) {
    n.emitError() << "expects int8 or uint8 operands, got "
                  << NodeImporter::dtypeName(t);
    return {};
  }
  Value r = inputAs(n, *v, i, elem);
  if (!*zp)
    return r;
  if (n.onnxType(zpIndex) != t) {
    n.emitError() << "zero point type "
                  << NodeImporter::dtypeName(n.onnxType(zpIndex))
                  << " differs from its operand's type "
                  << NodeImporter::dtypeName(t);
    return {};
  }
  Value z = inputAs(n, *zp, zpIndex, elem);
  if (Composer::type(z).getNumElements() == 1)
    z = c.reshape(z, {});
  else if (!zpShape.empty())
    z = c.reshape(z, zpShape);
  return c.sub(r, z);
}

/// A 1-D per-row (of b: per column of the product) zero point of
/// MatMulInteger / QLinearMatMul broadcasts along b's last dimension.
SmallVector<int64_t> perColumnShape(NodeImporter &n, int zpIndex) {
  if (!n.hasInput(zpIndex))
    return {};
  FailureOr<RankedTensorType> t = n.inputType(zpIndex);
  if (failed(t) || t->getRank() != 1 || t->getNumElements() == 1)
    return {};
  return {t->getNumElements()};
}

/// a_zero_point of MatMulInteger may be per row of a ([M]): it broadcasts
/// as [M, 1].
SmallVector<int64_t> perRowShape(NodeImporter &n, int zpIndex) {
  if (!n.hasInput(zpIndex))
    return {};
  FailureOr<RankedTensorType> t = n.inputType(zpIndex);
  if (failed(t) || t->getRank() != 1 || t->getNumElements() == 1)
    return {};
  return {t->getNumElements(), 1};
}

/// The exact integer product (as floats of an exact type) of MatMulInteger
/// and QLinearMatMul.
Value integerMatMul(NodeImporter &n, Composer &c, int a, int aZp, int b,
                    int bZp) {
  FailureOr<RankedTensorType> bt = n.inputType(b);
  if (failed(bt))
    return {};
  int64_t k = bt->getRank() >= 2 ? bt->getDimSize(bt->getRank() - 2)
                                 : bt->getDimSize(0);
  Type elem = exactFloat(n, k);
  return c.matmul(shiftedOperand(n, c, a, aZp, elem, perRowShape(n, aZp)),
                  shiftedOperand(n, c, b, bZp, elem, perColumnShape(n, bZp)));
}

LogicalResult importMatMulInteger(NodeImporter &n) {
  if (failed(n.checkAttributes({})))
    return failure();
  Composer c(n);
  Value y = castTo(n, integerMatMul(n, c, 0, 2, 1, 3), n.builder().getI32Type(),
                   false);
  if (!y)
    return failure();
  n.setOutputONNXType(0, TP::INT32);
  return n.setResult(y);
}

/// conv of the shifted operands (ConvInteger, QLinearConv); `bias` is added
/// by the conv when given (already in the result's float type).
Value integerConv(NodeImporter &n, Composer &c, int x, int xZp, int w, int wZp,
                  int bias) {
  FailureOr<RankedTensorType> xt = n.inputType(x), wt = n.inputType(w);
  if (failed(xt) || failed(wt))
    return {};
  if (xt->getRank() < 3 || wt->getRank() != xt->getRank()) {
    n.emitError() << "expects input [N,C,D...] and weights [M,C/group,K...] "
                     "of equal rank >= 3, got "
                  << *xt << " and " << *wt;
    return {};
  }
  size_t k = xt->getRank() - 2;
  SmallVector<int64_t> kernel(wt->getShape().drop_front(2));
  auto kernelAttr = n.intsAttr("kernel_shape");
  auto strides = n.intsAttr("strides");
  auto dilations = n.intsAttr("dilations");
  auto group = n.intAttr("group", 1);
  if (failed(kernelAttr) || failed(strides) || failed(dilations) ||
      failed(group))
    return {};
  if (*kernelAttr && ArrayRef<int64_t>(**kernelAttr) != ArrayRef(kernel)) {
    n.emitError() << "kernel_shape disagrees with the weights' shape " << *wt;
    return {};
  }
  SmallVector<int64_t> s = strides->value_or(SmallVector<int64_t>(k, 1));
  SmallVector<int64_t> d = dilations->value_or(SmallVector<int64_t>(k, 1));
  if (s.size() != k || d.size() != k) {
    n.emitError() << "strides/dilations need " << k << " entries";
    return {};
  }
  auto pads = resolvePads(n, xt->getShape().drop_front(2), kernel, s, d);
  if (failed(pads))
    return {};
  int64_t terms = wt->getDimSize(1);
  for (int64_t kd : kernel)
    terms *= kd;
  Type elem = exactFloat(n, terms);
  // A per-output-channel weight zero point ([M]) broadcasts as [M, 1, ...].
  SmallVector<int64_t> wZpShape;
  if (n.hasInput(wZp)) {
    FailureOr<RankedTensorType> zt = n.inputType(wZp);
    if (succeeded(zt) && zt->getRank() == 1 && zt->getNumElements() > 1) {
      wZpShape.assign(wt->getRank(), 1);
      wZpShape[0] = zt->getNumElements();
    }
  }
  Value xs = shiftedOperand(n, c, x, xZp, elem);
  Value ws = shiftedOperand(n, c, w, wZp, elem, wZpShape);
  Value b;
  if (bias >= 0 && n.hasInput(bias)) {
    FailureOr<Value> bv = n.input(bias);
    if (failed(bv))
      return {};
    b = castTo(n, *bv, elem, false);
  }
  if (!xs || !ws || (bias >= 0 && n.hasInput(bias) && !b))
    return {};
  FailureOr<Value> r = n.create<ConvOp>(
      inferConvType(n.errorFn(), Composer::type(xs), Composer::type(ws),
                    b ? Composer::type(b) : RankedTensorType(), s, *pads, d,
                    *group),
      xs, ws, b, s, *pads, d, *group);
  return succeeded(r) ? *r : Value();
}

LogicalResult importConvInteger(NodeImporter &n) {
  if (failed(n.checkAttributes({"auto_pad", "dilations", "group",
                                "kernel_shape", "pads", "strides"})))
    return failure();
  Composer c(n);
  Value y = castTo(n, integerConv(n, c, 0, 2, 1, 3, -1),
                   n.builder().getI32Type(), false);
  if (!y)
    return failure();
  n.setOutputONNXType(0, TP::INT32);
  return n.setResult(y);
}

/// The exact integer product `acc` times a_scale * w_scale / y_scale
/// (computed in the scales' type, as ONNX does), requantized to y's type.
LogicalResult requantize(NodeImporter &n, Composer &c, Value acc, int aScale,
                         int bScale, int yScale, int yZp, int aIndex,
                         ArrayRef<int64_t> bScaleShape) {
  FailureOr<Value> as = n.input(aScale), bs = n.input(bScale),
                   ys = n.input(yScale), yz = n.optionalInput(yZp);
  if (failed(as) || failed(bs) || failed(ys) || failed(yz) || !acc)
    return failure();
  int32_t q = *yz ? n.onnxType(yZp) : n.onnxType(aIndex);
  if (q != TP::INT8 && q != TP::UINT8)
    return n.emitError() << "expects an int8 or uint8 result, got "
                         << NodeImporter::dtypeName(q);
  auto scalarOr = [&](Value v, ArrayRef<int64_t> shape) {
    if (Composer::type(v).getNumElements() == 1)
      return c.reshape(v, {});
    return shape.empty() ? v : c.reshape(v, shape);
  };
  Value multiplier = c.div(c.mul(scalarOr(*as, {}), scalarOr(*bs, bScaleShape)),
                           scalarOr(*ys, {}));
  Type f32 = n.builder().getF32Type();
  Value v =
      c.mul(castTo(n, acc, f32, false), castTo(n, multiplier, f32, false));
  if (*yz)
    v = c.add(v, inputAs(n, scalarOr(*yz, {}), yZp, f32));
  auto [lo, hi] = *quantRange(q);
  v = castTo(n, c.clip(c.unary<RoundOp>(v), lo, hi), n.elementType(q), false,
             q == TP::UINT8);
  if (!v)
    return failure();
  n.setOutputONNXType(0, q);
  return n.setResult(v);
}

LogicalResult importQLinearMatMul(NodeImporter &n) {
  if (failed(n.checkAttributes({})))
    return failure();
  Composer c(n);
  Value acc = integerMatMul(n, c, 0, 2, 3, 5);
  return requantize(n, c, acc, 1, 4, 6, 7, 0, {});
}

LogicalResult importQLinearConv(NodeImporter &n) {
  if (failed(n.checkAttributes({"auto_pad", "dilations", "group",
                                "kernel_shape", "pads", "strides"})))
    return failure();
  Composer c(n);
  Value acc = integerConv(n, c, 0, 2, 3, 5, 8);
  // A per-output-channel w_scale ([M]) applies along the channel dimension.
  SmallVector<int64_t> wScaleShape;
  FailureOr<RankedTensorType> st = n.inputType(4);
  if (acc && succeeded(st) && st->getRank() == 1 && st->getNumElements() > 1) {
    wScaleShape.assign(Composer::type(acc).getRank(), 1);
    wScaleShape[1] = st->getNumElements();
  }
  return requantize(n, c, acc, 1, 4, 6, 7, 0, wScaleShape);
}

} // namespace

void registerQuantizeImporters(OpRegistry &r) {
  r.add("QuantizeLinear", {10, 13, 19, 21, 23}, importQuantizeLinear);
  r.add("DequantizeLinear", {10, 13, 19, 21, 23}, importDequantizeLinear);
  r.add("DynamicQuantizeLinear", {11}, importDynamicQuantizeLinear);
  r.add("MatMulInteger", {10}, importMatMulInteger);
  r.add("ConvInteger", {10}, importConvInteger);
  r.add("QLinearMatMul", {10, 21}, importQLinearMatMul);
  r.add("QLinearConv", {10}, importQLinearConv);
}

} // namespace dsc
