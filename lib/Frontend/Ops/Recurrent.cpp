//===- Recurrent.cpp - importers for RNN, GRU and LSTM --------------------===//
//
// The recurrent ops are unrolled over their static sequence length into
// existing dsc ops: one matmul projects the inputs of every time step at
// once (with both biases added), then each step adds the recurrent matmul
// of the previous hidden state and applies the gates. The weights are
// sliced per direction and transposed once; with constant weights these
// fold, so the compiled model reads pre-transposed constants. Per-step
// hidden states are concatenated into Y.
//
// sequence_lens that are absent or constant and all full-length cost
// nothing; otherwise each step is masked: a batch entry whose sequence has
// ended keeps its state and writes zeros to Y. In the reverse direction the
// steps at and after an entry's length are skipped the same way, so the
// entry starts from its last valid element, as ONNX specifies.
//
//===----------------------------------------------------------------------===//
#include "../Compose.h"

#include "../ConstantFolding.h"

#include "mlir/IR/Matchers.h"
#include "llvm/ADT/StringSwitch.h"

using namespace mlir;

namespace dsc {
namespace {

enum class Cell { RNN, GRU, LSTM };

/// One activation function of the cell with its alpha and beta.
struct Activation {
  std::string name;
  double alpha = 0, beta = 0;
};

/// ONNX's activation names for recurrent ops (matched case-insensitively,
/// as ONNX Runtime does) with how many of alpha/beta each takes from the
/// activation_alpha/beta lists and their defaults (those of the ONNX op of
/// the same name).
struct ActivationInfo {
  int numAlpha, numBeta;
  double alpha, beta;
};

std::optional<ActivationInfo> activationInfo(StringRef name) {
  if (llvm::is_contained({"relu", "tanh", "sigmoid", "softsign", "softplus"},
                         name))
    return ActivationInfo{0, 0, 0, 0};
  return llvm::StringSwitch<std::optional<ActivationInfo>>(name)
      .Case("affine", ActivationInfo{1, 1, 1.0, 0.0})
      .Case("leakyrelu", ActivationInfo{1, 0, 0.01, 0})
      .Case("thresholdedrelu", ActivationInfo{1, 0, 1.0, 0})
      .Case("scaledtanh", ActivationInfo{1, 1, 1.0, 1.0})
      .Case("hardsigmoid", ActivationInfo{1, 1, 0.2, 0.5})
      .Case("elu", ActivationInfo{1, 0, 1.0, 0})
      .Default(std::nullopt);
}

/// The `activations` attribute (or the cell's defaults), per direction;
/// alphas and betas are taken in order by the functions that use them.
FailureOr<SmallVector<Activation>>
readActivations(NodeImporter &n, ArrayRef<StringRef> defaults, int64_t dirs) {
  SmallVector<std::string> names;
  if (const onnx::AttributeProto *a = n.attr("activations")) {
    if (a->type() != onnx::AttributeProto::STRINGS && a->strings_size() == 0)
      return n.emitError() << "attribute 'activations' must be a list of "
                              "strings";
    for (const std::string &s : a->strings())
      names.push_back(StringRef(s).lower());
  } else {
    for (StringRef d : defaults)
      names.push_back(d.str());
  }
  // One set for both directions is repeated (as ONNX Runtime accepts).
  if (dirs == 2 && names.size() == defaults.size())
    names.append(SmallVector<std::string>(names));
  if (names.size() != defaults.size() * dirs)
    return n.emitError() << "'activations' has " << names.size()
                         << " entries; expected " << defaults.size()
                         << " per direction";
  auto floats = [&](StringRef attr) -> FailureOr<SmallVector<double>> {
    SmallVector<double> out;
    if (const onnx::AttributeProto *a = n.attr(attr)) {
      if (a->type() != onnx::AttributeProto::FLOATS && a->floats_size() == 0)
        return n.emitError()
               << "attribute '" << attr << "' must be a list of floats";
      out.assign(a->floats().begin(), a->floats().end());
    }
    return out;
  };
  auto alphas = floats("activation_alpha"), betas = floats("activation_beta");
  if (failed(alphas) || failed(betas))
    return failure();
  SmallVector<Activation> acts;
  size_t ai = 0, bi = 0;
  for (const std::string &name : names) {
    std::optional<ActivationInfo> info = activationInfo(name);
    if (!info)
      return n.emitError() << "activation '" << name
                           << "' is not one of Relu, Tanh, Sigmoid, Affine, "
                              "LeakyRelu, ThresholdedRelu, ScaledTanh, "
                              "HardSigmoid, Elu, Softsign, Softplus";
    Activation act{name, info->alpha, info->beta};
    if (info->numAlpha && ai < alphas->size())
      act.alpha = (*alphas)[ai++];
    if (info->numBeta && bi < betas->size())
      act.beta = (*betas)[bi++];
    acts.push_back(act);
  }
  return acts;
}

Value applyActivation(Composer &c, const Activation &act, Value x) {
  Builder b(x.getContext());
  Type elem = Composer::type(x).getElementType();
  auto alpha = b.getF64FloatAttr(act.alpha);
  StringRef name = act.name;
  if (name == "relu")
    return c.unary<ReluOp>(x);
  if (name == "tanh")
    return c.unary<TanhOp>(x);
  if (name == "sigmoid")
    return c.unary<SigmoidOp>(x);
  if (name == "softsign")
    return c.unary<SoftsignOp>(x);
  if (name == "softplus")
    return c.unary<SoftplusOp>(x);
  if (name == "leakyrelu")
    return c.unary<LeakyReluOp>(x, alpha);
  if (name == "thresholdedrelu")
    return c.unary<ThresholdedReluOp>(x, alpha);
  if (name == "elu")
    return c.unary<EluOp>(x, alpha);
  if (name == "hardsigmoid")
    return c.unary<HardSigmoidOp>(x, alpha, b.getF64FloatAttr(act.beta));
  if (name == "affine")
    return c.add(c.mul(x, c.scalar(elem, act.alpha)), c.scalar(elem, act.beta));
  // scaledtanh
  return c.mul(c.unary<TanhOp>(c.mul(x, c.scalar(elem, act.beta))),
               c.scalar(elem, act.alpha));
}

/// The inputs of one direction, in the [seq, batch, ...] layout.
struct Direction {
  Value w, r;   // [G*H, I], [G*H, H]
  Value wb, rb; // [G*H] each, or null
  Value p;      // [3*H] or null (LSTM peepholes i, o, f)
  Value h0, c0; // [B, H]
  ArrayRef<Activation> acts;
  bool reverse = false;
};

struct Options {
  Cell cell;
  int64_t seq, batch, hidden;
  std::optional<double> clip;
  bool inputForget = false, linearBeforeReset = false;
};

struct DirectionResult {
  SmallVector<Value> ys; // [B, H] per time step, in time order
  Value h, c;            // final states [B, H]
};

/// Unrolls one direction. `x` is [T * B, I]; `masks[t]` (when non-empty)
/// is the [B, 1] i1 "step t is inside the sequence" mask.
DirectionResult unroll(Composer &c, const Options &o, const Direction &d,
                       Value x, ArrayRef<Value> masks) {
  int64_t hs = o.hidden, batch = o.batch;
  Type elem = Composer::type(x).getElementType();
  auto clip = [&](Value v) {
    return o.clip ? c.clip(v, -*o.clip, *o.clip) : v;
  };
  // The recurrent product of a zero state (the first step without
  // initial_h) is a zero constant, which the adds fold away.
  auto recurrent = [&](Value state, Value weights) -> Value {
    DenseElementsAttr cst;
    if (matchPattern(state, m_Constant(&cst)) && cst.isSplat() &&
        cst.getSplatValue<APFloat>().isZero())
      return c.splat({batch, Composer::shape(weights)[1]}, elem, 0.0);
    return c.matmul(state, weights);
  };
  auto gate = [&](Value v, int64_t g) {
    return c.slice(v, {0, g * hs}, {batch, hs});
  };
  // Biases that can be added once to the input projection: both, except
  // GRU's recurrent hidden-gate bias under linear_before_reset, which the
  // reset gate scales.
  Value bias, rbh;
  if (d.wb) {
    Value rb = d.rb;
    if (o.cell == Cell::GRU && o.linearBeforeReset) {
      rbh = c.slice(rb, {2 * hs}, {hs});
      rb = c.concat({c.slice(rb, {0}, {2 * hs}), c.splat({hs}, elem, 0.0)}, 0);
    }
    bias = c.add(d.wb, rb);
  }
  Value proj = c.matmul(x, c.transpose(d.w, {1, 0}));
  if (bias)
    proj = c.add(proj, bias);
  Value rt = c.transpose(d.r, {1, 0}); // [H, G*H]
  // GRU without linear_before_reset multiplies the hidden gate's recurrent
  // weights with r * H, so they are a separate product.
  Value rtZR, rtH;
  if (o.cell == Cell::GRU && !o.linearBeforeReset) {
    rtZR = c.slice(rt, {0, 0}, {hs, 2 * hs});
    rtH = c.slice(rt, {0, 2 * hs}, {hs, hs});
  }
  Value pi, po, pf;
  if (d.p) {
    pi = c.slice(d.p, {0}, {hs});
    po = c.slice(d.p, {hs}, {hs});
    pf = c.slice(d.p, {2 * hs}, {hs});
  }
  const int64_t gates = Composer::shape(rt)[1] / hs;

  DirectionResult res;
  res.ys.resize(o.seq);
  Value h = d.h0, cell = d.c0;
  for (int64_t step = 0; step < o.seq; ++step) {
    int64_t t = d.reverse ? o.seq - 1 - step : step;
    Value xt = c.slice(proj, {t * batch, 0}, {batch, gates * hs});
    Value hn, cn;
    switch (o.cell) {
    case Cell::RNN:
      hn = applyActivation(c, d.acts[0], clip(c.add(xt, recurrent(h, rt))));
      break;
    case Cell::GRU: {
      Value zr, hPre;
      if (o.linearBeforeReset) {
        Value rec = recurrent(h, rt);
        zr = c.add(c.slice(xt, {0, 0}, {batch, 2 * hs}),
                   c.slice(rec, {0, 0}, {batch, 2 * hs}));
        Value recH = gate(rec, 2);
        if (rbh)
          recH = c.add(recH, rbh);
        Value r = applyActivation(c, d.acts[0], clip(gate(zr, 1)));
        hPre = c.add(gate(xt, 2), c.mul(r, recH));
      } else {
        zr = c.add(c.slice(xt, {0, 0}, {batch, 2 * hs}), recurrent(h, rtZR));
        Value r = applyActivation(c, d.acts[0], clip(gate(zr, 1)));
        hPre = c.add(gate(xt, 2), recurrent(c.mul(r, h), rtH));
      }
      Value z = applyActivation(c, d.acts[0], clip(gate(zr, 0)));
      Value hh = applyActivation(c, d.acts[1], clip(hPre));
      Value one = c.scalar(elem, 1.0);
      hn = c.add(c.mul(c.sub(one, z), hh), c.mul(z, h));
      break;
    }
    case Cell::LSTM: {
      // Gate order i, o, f, c; peepholes i, o, f.
      Value g = c.add(xt, recurrent(h, rt));
      Value iPre = gate(g, 0);
      if (pi)
        iPre = c.add(iPre, c.mul(pi, cell));
      Value i = applyActivation(c, d.acts[0], clip(iPre));
      Value f;
      if (o.inputForget) {
        f = c.sub(c.scalar(elem, 1.0), i);
      } else {
        Value fPre = gate(g, 2);
        if (pf)
          fPre = c.add(fPre, c.mul(pf, cell));
        f = applyActivation(c, d.acts[0], clip(fPre));
      }
      Value cc = applyActivation(c, d.acts[1], clip(gate(g, 3)));
      cn = c.add(c.mul(f, cell), c.mul(i, cc));
      Value oPre = gate(g, 1);
      if (po)
        oPre = c.add(oPre, c.mul(po, cn));
      Value og = applyActivation(c, d.acts[0], clip(oPre));
      hn = c.mul(og, applyActivation(c, d.acts[2], cn));
      break;
    }
    }
    if (!masks.empty()) {
      Value zero = c.scalar(elem, 0.0);
      res.ys[t] = c.where(masks[t], hn, zero);
      hn = c.where(masks[t], hn, h);
      if (cn)
        cn = c.where(masks[t], cn, cell);
    } else {
      res.ys[t] = hn;
    }
    h = hn;
    cell = cn;
  }
  res.h = h;
  res.c = cell;
  return res;
}

template <Cell cell> LogicalResult importRecurrent(NodeImporter &n) {
  SmallVector<StringRef> known = {"activation_alpha", "activation_beta",
                                  "activations",      "clip",
                                  "direction",        "hidden_size"};
  if (n.opset() >= 14)
    known.push_back("layout");
  if (cell == Cell::LSTM)
    known.push_back("input_forget");
  if (cell == Cell::GRU)
    known.push_back("linear_before_reset");
  if (failed(n.checkAttributes(known)))
    return failure();
  const int64_t gates = cell == Cell::LSTM ? 4 : cell == Cell::GRU ? 3 : 1;
  const int numInputs = cell == Cell::LSTM ? 8 : 6;
  if (n.numInputs() > numInputs)
    return n.emitError() << "expects at most " << numInputs << " inputs";
  if (failed(n.checkOutputsAtMost(cell == Cell::LSTM ? 3 : 2,
                                  "the op has no such output")))
    return failure();

  auto direction = n.stringAttr("direction", "forward");
  auto layout = n.intAttr("layout", 0);
  auto hiddenAttr = n.intAttr("hidden_size", 0);
  auto inputForget = n.intAttr("input_forget", 0);
  auto lbr = n.intAttr("linear_before_reset", 0);
  if (failed(direction) || failed(layout) || failed(hiddenAttr) ||
      failed(inputForget) || failed(lbr))
    return failure();
  if (*direction != "forward" && *direction != "reverse" &&
      *direction != "bidirectional")
    return n.emitError() << "direction '" << *direction
                         << "' is not one of forward, reverse, bidirectional";
  if (*layout != 0 && *layout != 1)
    return n.emitError() << "layout must be 0 or 1, got " << *layout;
  int64_t dirs = *direction == "bidirectional" ? 2 : 1;
  Options o{cell, 0, 0, 0, std::nullopt, *inputForget != 0, *lbr != 0};
  if (n.attr("clip")) {
    auto clipValue = n.floatAttr("clip", 0.0f);
    if (failed(clipValue))
      return failure();
    if (!(*clipValue > 0))
      return n.emitError() << "clip must be positive, got " << *clipValue;
    o.clip = *clipValue;
  }

  FailureOr<Value> x = n.input(0), w = n.input(1), r = n.input(2),
                   b = n.optionalInput(3), seqLens = n.optionalInput(4),
                   h0 = n.optionalInput(5);
  FailureOr<Value> c0 = Value(), p = Value();
  if (cell == Cell::LSTM) {
    c0 = n.optionalInput(6);
    p = n.optionalInput(7);
  }
  if (failed(x) || failed(w) || failed(r) || failed(b) || failed(seqLens) ||
      failed(h0) || failed(c0) || failed(p))
    return failure();
  RankedTensorType xt = n.type(*x), rt = n.type(*r);
  Type elem = xt.getElementType();
  if (!isa<FloatType>(elem) || xt.getRank() != 3)
    return n.emitError() << "expects a floating-point input X of rank 3, got "
                         << xt;
  o.seq = xt.getDimSize(*layout ? 1 : 0);
  o.batch = xt.getDimSize(*layout ? 0 : 1);
  int64_t inSize = xt.getDimSize(2);
  o.hidden =
      *hiddenAttr ? *hiddenAttr : (rt.getRank() == 3 ? rt.getDimSize(2) : 0);
  int64_t hs = o.hidden, gh = gates * hs, batch = o.batch;
  if (hs <= 0)
    return n.emitError() << "hidden_size must be positive";
  if (o.seq <= 0 || batch <= 0)
    return n.emitError() << "expects a non-empty sequence and batch, got X "
                         << xt;
  // Every other input must match these shapes exactly.
  auto expect = [&](Value v, StringRef what,
                    ArrayRef<int64_t> shape) -> LogicalResult {
    RankedTensorType t = n.type(v);
    if (t.getShape() == shape &&
        (t.getElementType() == elem || what == "sequence_lens"))
      return success();
    auto diag = n.emitError() << what << " must be [";
    llvm::interleave(shape, diag, ",");
    return diag << "] of X's element type, got " << t;
  };
  SmallVector<int64_t> stateShape = *layout
                                        ? SmallVector<int64_t>{batch, dirs, hs}
                                        : SmallVector<int64_t>{dirs, batch, hs};
  if (failed(expect(*w, "W", {dirs, gh, inSize})) ||
      failed(expect(*r, "R", {dirs, gh, hs})) ||
      (*b && failed(expect(*b, "B", {dirs, 2 * gh}))) ||
      (*h0 && failed(expect(*h0, "initial_h", stateShape))) ||
      (*c0 && failed(expect(*c0, "initial_c", stateShape))) ||
      (*p && failed(expect(*p, "P", {dirs, 3 * hs}))))
    return failure();

  Composer c(n);
  // sequence_lens: nothing to do when constant and all full-length.
  SmallVector<Value> masks;
  if (*seqLens) {
    RankedTensorType st = n.type(*seqLens);
    if (st.getShape() != ArrayRef<int64_t>{batch} ||
        !st.getElementType().isInteger(32))
      return n.emitError() << "sequence_lens must be int32[" << batch
                           << "], got " << st;
    DenseElementsAttr lens;
    bool full =
        matchPattern(*seqLens, m_Constant(&lens)) &&
        llvm::all_of(intValues(lens), [&](int64_t v) { return v == o.seq; });
    if (!full) {
      for (int64_t t = 0; t < o.seq; ++t)
        masks.push_back(c.reshape(
            c.less(c.scalar(st.getElementType(), t), *seqLens), {batch, 1}));
    }
  }

  SmallVector<StringRef> defaults;
  if (cell == Cell::LSTM)
    defaults = {"sigmoid", "tanh", "tanh"};
  else if (cell == Cell::GRU)
    defaults = {"sigmoid", "tanh"};
  else
    defaults = {"tanh"};
  FailureOr<SmallVector<Activation>> acts = readActivations(n, defaults, dirs);
  if (failed(acts))
    return failure();

  Value xs = *layout ? c.transpose(*x, {1, 0, 2}) : *x;
  xs = c.reshape(xs, {o.seq * batch, inSize});
  auto ofDirection = [&](Value v, int64_t dir, int64_t axis) -> Value {
    SmallVector<int64_t> s(Composer::shape(v));
    Value one = c.sliceAlong(v, axis, dir, 1);
    s.erase(s.begin() + axis);
    return c.reshape(one, s);
  };
  SmallVector<DirectionResult> results;
  for (int64_t dir = 0; dir < dirs; ++dir) {
    Direction d;
    d.w = ofDirection(*w, dir, 0);
    d.r = ofDirection(*r, dir, 0);
    if (*b) {
      Value bd = ofDirection(*b, dir, 0);
      d.wb = c.slice(bd, {0}, {gh});
      d.rb = c.slice(bd, {gh}, {gh});
    }
    if (*p)
      d.p = ofDirection(*p, dir, 0);
    d.h0 = *h0 ? ofDirection(*h0, dir, *layout ? 1 : 0)
               : c.splat({batch, hs}, elem, 0.0);
    if (cell == Cell::LSTM)
      d.c0 = *c0 ? ofDirection(*c0, dir, *layout ? 1 : 0)
                 : c.splat({batch, hs}, elem, 0.0);
    d.acts = ArrayRef(*acts).slice(dir * defaults.size(), defaults.size());
    d.reverse = *direction == "reverse" || dir == 1;
    results.push_back(unroll(c, o, d, xs, masks));
  }

  // Y: [T, D, B, H] (layout 1: [B, T, D, H]).
  if (n.hasOutput(0)) {
    SmallVector<Value> perDir;
    for (DirectionResult &res : results) {
      SmallVector<Value> steps;
      for (Value y : res.ys)
        steps.push_back(c.reshape(y, {1, 1, batch, hs}));
      perDir.push_back(c.concat(steps, 0));
    }
    Value y = c.concat(perDir, 1);
    n.setOutput(0, *layout ? c.transpose(y, {2, 0, 1, 3}) : y);
  }
  // Y_h, Y_c: [D, B, H] (layout 1: [B, D, H]).
  auto finalState = [&](bool cellState) {
    SmallVector<Value> perDir;
    for (DirectionResult &res : results)
      perDir.push_back(c.reshape(cellState ? res.c : res.h, {1, batch, hs}));
    Value v = c.concat(perDir, 0);
    return *layout ? c.transpose(v, {1, 0, 2}) : v;
  };
  if (n.hasOutput(1))
    n.setOutput(1, finalState(false));
  if (n.hasOutput(2))
    n.setOutput(2, finalState(true));
  return success();
}

} // namespace

void registerRecurrentImporters(OpRegistry &r) {
  r.add("RNN", {7, 14}, importRecurrent<Cell::RNN>);
  r.add("GRU", {7, 14}, importRecurrent<Cell::GRU>);
  r.add("LSTM", {7, 14}, importRecurrent<Cell::LSTM>);
}

} // namespace dsc
