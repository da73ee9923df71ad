//===- LinearAttention.cpp - LinearAttention, CausalConvWithState ---------===//
//
// The opset-27 state-carrying sequence mixers, composed from dsc ops on
// static shapes as ONNX's reference computes them:
//
// LinearAttention keeps a per-(batch, kv head) state S [d_k, d_v] and, for
// each of the T time steps (unrolled, as the recurrent cells are):
//   gated rules:  S = S * exp(decay_t)              (per head or per key dim)
//   delta rules:  v_t = beta_t * (v_t - k_t S)
//   always:       S = S + k_t^T v_t,  out_t = scale * q_t S
// in f32, query heads sharing a kv head in groups (GQA/MQA).
//
// CausalConvWithState is a depthwise 1-D conv over [past_state (or zeros),
// input] without padding (in f32 for narrower floats), then an optional SiLU
// (in f32, as the reference computes it); present_state is the last k - 1
// steps of that sequence.
//
//===----------------------------------------------------------------------===//
#include "../Compose.h"

#include <cmath>

using namespace mlir;

namespace dsc {
namespace {

LogicalResult importLinearAttention(NodeImporter &n) {
  if (failed(n.checkAttributes({"chunk_size", "kv_num_heads", "q_num_heads",
                                "scale", "update_rule"})))
    return failure();
  FailureOr<Value> q = n.input(0), k = n.input(1), v = n.input(2),
                   past = n.optionalInput(3), decay = n.optionalInput(4),
                   beta = n.optionalInput(5);
  auto qHeads = n.intAttr("q_num_heads", 0);
  auto kvHeads = n.intAttr("kv_num_heads", 0);
  auto scaleAttr = n.floatAttr("scale", 0.0f);
  auto rule = n.stringAttr("update_rule", "gated_delta");
  if (failed(q) || failed(k) || failed(v) || failed(past) || failed(decay) ||
      failed(beta) || failed(qHeads) || failed(kvHeads) || failed(scaleAttr) ||
      failed(rule) || failed(n.intAttr("chunk_size", 0)))
    return failure();
  if (*rule != "linear" && *rule != "gated" && *rule != "delta" &&
      *rule != "gated_delta")
    return n.emitError() << "update_rule '" << *rule
                         << "' is not one of linear, gated, delta, "
                            "gated_delta";
  bool gating = *rule == "gated" || *rule == "gated_delta";
  bool delta = *rule == "delta" || *rule == "gated_delta";
  if (gating != static_cast<bool>(*decay))
    return n.emitError() << "update_rule '" << *rule << "' "
                         << (gating ? "requires" : "forbids")
                         << " the decay input";
  if (delta != static_cast<bool>(*beta))
    return n.emitError() << "update_rule '" << *rule << "' "
                         << (delta ? "requires" : "forbids")
                         << " the beta input";
  int64_t hq = *qHeads, hkv = *kvHeads;
  if (hq <= 0 || hkv <= 0 || hq % hkv != 0)
    return n.emitError() << "q_num_heads (" << hq
                         << ") must be a positive multiple of kv_num_heads ("
                         << hkv << ")";
  RankedTensorType qt = n.type(*q), kt = n.type(*k), vt = n.type(*v);
  if (qt.getRank() != 3 || kt.getRank() != 3 || vt.getRank() != 3 ||
      !isa<FloatType>(qt.getElementType()))
    return n.emitError() << "expects float query, key and value of rank 3 "
                            "[B, T, H*D], got "
                         << qt << ", " << kt << " and " << vt;
  int64_t b = qt.getDimSize(0), t = qt.getDimSize(1);
  if (qt.getDimSize(2) % hq || kt.getDimSize(2) % hkv ||
      vt.getDimSize(2) % hkv || kt.getDimSize(0) != b ||
      vt.getDimSize(0) != b || kt.getDimSize(1) != t || vt.getDimSize(1) != t)
    return n.emitError() << "query " << qt << ", key " << kt << " and value "
                         << vt << " do not split into " << hq << " / " << hkv
                         << " heads of one batch and length";
  int64_t dk = qt.getDimSize(2) / hq, dv = vt.getDimSize(2) / hkv,
          group = hq / hkv;
  if (kt.getDimSize(2) / hkv != dk)
    return n.emitError() << "key head size " << kt.getDimSize(2) / hkv
                         << " differs from the query's " << dk;
  Composer c(n);
  Type f32 = n.builder().getF32Type();
  SmallVector<int64_t> stateShape = {b, hkv, dk, dv};
  // decay: [B, T, H_kv] (per head) or [B, T, H_kv * d_k] (per key dim).
  int64_t decayWidth = 0;
  if (*decay) {
    RankedTensorType dt = n.type(*decay);
    decayWidth = dt.getRank() == 3 ? dt.getDimSize(2) : -1;
    if (dt.getRank() != 3 || dt.getDimSize(0) != b || dt.getDimSize(1) != t ||
        (decayWidth != hkv && decayWidth != hkv * dk))
      return n.emitError() << "decay must be [" << b << ", " << t << ", " << hkv
                           << "] or [" << b << ", " << t << ", " << hkv * dk
                           << "], got " << dt;
  }
  int64_t betaWidth = 0;
  if (*beta) {
    RankedTensorType bt = n.type(*beta);
    betaWidth = bt.getRank() == 3 ? bt.getDimSize(2) : -1;
    if (bt.getRank() != 3 || bt.getDimSize(0) != b || bt.getDimSize(1) != t ||
        (betaWidth != hkv && betaWidth != 1))
      return n.emitError() << "beta must be [" << b << ", " << t << ", " << hkv
                           << "] or [" << b << ", " << t << ", 1], got " << bt;
  }
  if (*past && n.type(*past).getShape() != ArrayRef<int64_t>(stateShape))
    return n.emitError() << "past_state must be [" << b << ", " << hkv << ", "
                         << dk << ", " << dv << "], got " << n.type(*past);
  double scale = *scaleAttr != 0.0f ? static_cast<double>(*scaleAttr)
                                    : 1.0 / std::sqrt(static_cast<double>(dk));

  // Time step `i` of a [B, T, W] tensor as [B, W] (in f32).
  auto step = [&](Value x, int64_t i) {
    Value s = c.sliceAlong(c.cast(x, f32), 1, i, 1);
    return c.reshape(s, {b, Composer::shape(x)[2]});
  };
  Value state = *past ? c.cast(*past, f32) : c.splat(stateShape, f32, 0.0);
  Value scaleV = c.scalar(f32, scale);
  SmallVector<Value> outs;
  for (int64_t i = 0; i < t; ++i) {
    Value kStep = step(*k, i), vStep = c.reshape(step(*v, i), {b, hkv, 1, dv});
    if (gating) {
      Value g = step(*decay, i);
      g = decayWidth == hkv ? c.reshape(g, {b, hkv, 1, 1})
                            : c.reshape(g, {b, hkv, dk, 1});
      state = c.mul(state, c.unary<ExpOp>(g));
    }
    if (delta) {
      // k_t S: [B, H, 1, d_k] x [B, H, d_k, d_v].
      Value retrieved = c.matmul(c.reshape(kStep, {b, hkv, 1, dk}), state);
      Value bStep = c.reshape(step(*beta, i), {b, betaWidth, 1, 1});
      vStep = c.mul(bStep, c.sub(vStep, retrieved));
    }
    state = c.add(state, c.mul(c.reshape(kStep, {b, hkv, dk, 1}), vStep));
    // Query head h reads kv head h / group: [B, H_kv, group, d_k] x S.
    Value qStep = c.reshape(step(*q, i), {b, hkv, group, dk});
    Value o = c.mul(c.matmul(qStep, state), scaleV);
    outs.push_back(c.reshape(o, {b, 1, hq * dv}));
  }
  Value out = c.cast(c.concat(outs, 1), qt.getElementType());
  Type stateElem = *past ? n.type(*past).getElementType() : qt.getElementType();
  Value present = c.cast(state, stateElem);
  if (!out || !present)
    return failure();
  n.setOutput(0, out);
  if (n.hasOutput(1))
    n.setOutput(1, present);
  return success();
}

LogicalResult importCausalConvWithState(NodeImporter &n) {
  if (failed(n.checkAttributes({"activation"})))
    return failure();
  FailureOr<Value> x = n.input(0), w = n.input(1), bias = n.optionalInput(2),
                   past = n.optionalInput(3);
  auto activation = n.stringAttr("activation", "none");
  if (failed(x) || failed(w) || failed(bias) || failed(past) ||
      failed(activation))
    return failure();
  if (*activation != "none" && *activation != "silu" && *activation != "swish")
    return n.emitError() << "activation '" << *activation
                         << "' is not one of none, silu, swish";
  RankedTensorType xt = n.type(*x), wt = n.type(*w);
  if (xt.getRank() != 3 || wt.getRank() != 3 ||
      !isa<FloatType>(xt.getElementType()) ||
      wt.getDimSize(0) != xt.getDimSize(1) || wt.getDimSize(1) != 1)
    return n.emitError() << "expects float input [B, C, L] and depthwise "
                            "weight [C, 1, k], got "
                         << xt << " and " << wt;
  int64_t batch = xt.getDimSize(0), channels = xt.getDimSize(1),
          kernel = wt.getDimSize(2);
  SmallVector<int64_t> stateShape = {batch, channels, kernel - 1};
  if (*past && n.type(*past).getShape() != ArrayRef<int64_t>(stateShape))
    return n.emitError() << "past_state must be [" << batch << ", " << channels
                         << ", " << kernel - 1 << "], got " << n.type(*past);
  Composer c(n);
  Value padded = *x;
  if (kernel > 1)
    padded = c.concat(
        {*past ? *past : c.splat(stateShape, xt.getElementType(), 0.0), *x}, 2);
  // The reference sums in f32 and rounds once (numpy's f16 dot); dsc.conv
  // of f16 accumulates in f16, so narrower floats convolve in f32.
  Type elem = xt.getElementType(), f32 = n.builder().getF32Type();
  Type acc = elem.getIntOrFloatBitWidth() < 32 ? f32 : elem;
  Value cx = c.cast(padded, acc), cw = c.cast(*w, acc),
        cb = *bias ? c.cast(*bias, acc) : Value();
  if (!cx || !cw || (*bias && !cb))
    return failure();
  SmallVector<int64_t> ones = {1}, pads = {0, 0};
  FailureOr<Value> conv = n.create<ConvOp>(
      inferConvType(n.errorFn(), Composer::type(cx), Composer::type(cw),
                    cb ? Composer::type(cb) : RankedTensorType(), ones, pads,
                    ones, channels),
      cx, cw, cb, ones, pads, ones, channels);
  if (failed(conv))
    return failure();
  Value out = c.cast(*conv, elem);
  if (*activation != "none") {
    Value f = c.cast(out, n.builder().getF32Type());
    out = c.cast(c.mul(f, c.unary<SigmoidOp>(f)), xt.getElementType());
  }
  if (!out)
    return failure();
  n.setOutput(0, out);
  if (n.hasOutput(1)) {
    int64_t len = Composer::shape(padded)[2];
    Value present = c.sliceAlong(padded, 2, len - (kernel - 1), kernel - 1);
    if (!present)
      return failure();
    n.setOutput(1, present);
  }
  return success();
}

} // namespace

void registerLinearAttentionImporters(OpRegistry &r) {
  r.add("LinearAttention", {27}, importLinearAttention);
  r.add("CausalConvWithState", {27}, importCausalConvWithState);
}

} // namespace dsc
