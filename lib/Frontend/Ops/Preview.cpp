//===- Preview.cpp - ai.onnx.preview ops -----------------------------------===//
//
// FlexAttention (ai.onnx.preview 1): attention whose scores and
// probabilities pass through optional user graphs (score_mod, prob_mod),
// composed as ONNX's reference computes it: Q and K pre-scaled by
// sqrt(scale), grouped-query heads repeated, the scores in the softmax
// precision (f32 for f16/bf16 inputs), the graphs imported inline on the
// whole [B, H, L, S] tensor, softmax over S, then probs @ V.
//
//===----------------------------------------------------------------------===//
#include "../Compose.h"

#include <cmath>

using namespace mlir;

namespace dsc {
namespace {

/// Applies the graph attribute `name` (one input, one output) to `v`, or
/// returns `v` when the node has no such attribute.
FailureOr<Value> applyMod(NodeImporter &n, StringRef name, Value v,
                          int32_t onnxType) {
  if (!n.attr(name))
    return v;
  FailureOr<SmallVector<Value>> out = n.subgraph(name, {v}, {onnxType});
  if (failed(out))
    return failure();
  if (out->size() != 1 || Composer::type((*out)[0]) != Composer::type(v))
    return n.emitError() << name << " must give one tensor of its input's type "
                         << Composer::type(v);
  return (*out)[0];
}

LogicalResult importFlexAttention(NodeImporter &n) {
  if (failed(n.checkAttributes(
          {"scale", "score_mod", "prob_mod", "softmax_precision"})))
    return failure();
  FailureOr<Value> q = n.input(0), k = n.input(1), v = n.input(2);
  auto precision = n.intAttr("softmax_precision", 0);
  if (failed(q) || failed(k) || failed(v) || failed(precision))
    return failure();
  RankedTensorType qt = n.type(*q), kt = n.type(*k), vt = n.type(*v);
  Type elem = qt.getElementType();
  if (qt.getRank() != 4 || kt.getRank() != 4 || vt.getRank() != 4 ||
      !isa<FloatType>(elem) || kt.getElementType() != elem ||
      vt.getElementType() != elem)
    return n.emitError() << "expects float Q, K, V of rank 4 and one type, got "
                         << qt << ", " << kt << ", " << vt;
  int64_t batch = qt.getDimSize(0), hq = qt.getDimSize(1),
          e = qt.getDimSize(3), hkv = kt.getDimSize(1), s = kt.getDimSize(2);
  if (kt.getDimSize(0) != batch || vt.getDimSize(0) != batch ||
      kt.getDimSize(3) != e || vt.getDimSize(1) != hkv ||
      vt.getDimSize(2) != s || hkv <= 0 || hq % hkv != 0)
    return n.emitError() << "Q " << qt << ", K " << kt << " and V " << vt
                         << " do not fit (batch, head groups, key length, "
                            "embedding)";
  auto scale = n.floatAttr("scale", 1.0f / std::sqrt(static_cast<float>(e)));
  if (failed(scale))
    return failure();
  // The softmax precision: the attribute, else f32 for f16/bf16, else x's.
  Type compute = elem.getIntOrFloatBitWidth() < 32
                     ? Type(n.builder().getF32Type())
                     : elem;
  int32_t computeOnnx = elem.isF64() ? onnx::TensorProto::DOUBLE
                                     : onnx::TensorProto::FLOAT;
  if (*precision) {
    compute = n.elementType(*precision);
    computeOnnx = static_cast<int32_t>(*precision);
    if (!compute || !isa<FloatType>(compute))
      return n.emitError() << "softmax_precision "
                           << NodeImporter::dtypeName(*precision)
                           << " is not a float type";
  }
  Composer c(n);
  // Grouped-query heads: each K/V head repeated for its query heads.
  auto repeatHeads = [&](Value x) {
    if (hq == hkv)
      return x;
    ArrayRef<int64_t> sh = Composer::shape(x);
    int64_t r = hq / hkv;
    Value five = c.reshape(x, {batch, hkv, 1, sh[2], sh[3]});
    return c.reshape(c.expand(five, {batch, hkv, r, sh[2], sh[3]}),
                     {batch, hq, sh[2], sh[3]});
  };
  // sqrt(scale) in f32, then in the inputs' type, on both Q and K.
  Value root = c.scalar(elem, std::sqrt(*scale));
  Value scores = c.matmul(c.mul(*q, root),
                          c.transpose(c.mul(repeatHeads(*k), root), {0, 1, 3, 2}));
  scores = c.cast(scores, compute);
  if (!scores)
    return failure();
  FailureOr<Value> modded = applyMod(n, "score_mod", scores, computeOnnx);
  if (failed(modded))
    return failure();
  FailureOr<Value> probs = n.create<SoftmaxOp>(
      Composer::type(*modded), *modded,
      Builder(n.context()).getI64IntegerAttr(3));
  if (failed(probs))
    return failure();
  FailureOr<Value> probsOut = applyMod(n, "prob_mod", *probs, computeOnnx);
  if (failed(probsOut))
    return failure();
  Value y = c.cast(c.matmul(*probsOut, c.cast(repeatHeads(*v), compute)),
                   vt.getElementType());
  if (!y)
    return failure();
  return n.setResult(y);
}

} // namespace

void registerPreviewImporters(OpRegistry &r) {
  r.add("ai.onnx.preview", "FlexAttention", {1}, importFlexAttention);
}

} // namespace dsc
