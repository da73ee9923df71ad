//===- Training.cpp - ai.onnx.preview.training optimizer steps ------------===//
//
// Adagrad, Adam and Momentum (domain ai.onnx.preview.training, opset 1): one
// optimizer step per (X, G, state...) group, elementwise, as ONNX's
// reference computes it. R (the learning rate) and T (the step count) are
// scalars that may be given at run time; the `T > 0` choices of Adam and
// Momentum are `where`s on T.
//
//===----------------------------------------------------------------------===//
#include "../Compose.h"

using namespace mlir;

namespace dsc {
namespace {

/// The common prologue: R and T, and the groups of `perGroup` tensors (X, G,
/// then the states) after them; every tensor of a group shares X's type.
struct Step {
  Value r, t;
  int64_t groups = 0;
};

FailureOr<Step> stepInputs(NodeImporter &n, int perGroup, int statesOut) {
  Step s;
  FailureOr<Value> r = n.input(0), t = n.input(1);
  if (failed(r) || failed(t))
    return failure();
  int64_t tensors = n.numInputs() - 2;
  if (tensors <= 0 || tensors % perGroup != 0)
    return n.emitError() << "expects R, T and groups of " << perGroup
                         << " tensors, got " << n.numInputs() << " inputs";
  s.groups = tensors / perGroup;
  if (n.numOutputs() != s.groups * (1 + statesOut))
    return n.emitError() << "expects " << s.groups * (1 + statesOut)
                         << " outputs for " << s.groups << " groups, got "
                         << n.numOutputs();
  if (Composer::type(*r).getNumElements() != 1 ||
      Composer::type(*t).getNumElements() != 1 ||
      !isa<FloatType>(Composer::type(*r).getElementType()) ||
      !Composer::type(*t).getElementType().isInteger(64))
    return n.emitError() << "expects a float scalar R and an int64 scalar T, "
                            "got "
                         << Composer::type(*r) << " and "
                         << Composer::type(*t);
  s.r = *r;
  s.t = *t;
  return s;
}

/// Input `i` if it is a float tensor of `like`'s type.
FailureOr<Value> groupInput(NodeImporter &n, int i, Value like) {
  FailureOr<Value> v = n.input(i);
  if (failed(v))
    return failure();
  RankedTensorType vt = Composer::type(*v);
  if (!isa<FloatType>(vt.getElementType()) ||
      (like && vt != Composer::type(like)))
    return n.emitError() << "input " << i << " has type " << vt
                         << "; every tensor of a group must be a float "
                            "tensor of X's type";
  return v;
}

/// Group `i`'s tensors: X, G, then the states (`perGroup` in all), each
/// input j of the group at 2 + j * groups + i.
FailureOr<SmallVector<Value>> groupInputs(NodeImporter &n, const Step &s,
                                          int64_t i, int perGroup) {
  SmallVector<Value> group;
  for (int j = 0; j < perGroup; ++j) {
    FailureOr<Value> v = groupInput(n, 2 + j * s.groups + i,
                                    group.empty() ? Value() : group.front());
    if (failed(v))
      return failure();
    group.push_back(*v);
  }
  return group;
}

/// The scalars R and T as rank-0 tensors of `elem` (T also as a bool
/// `T > 0`).
struct Scalars {
  Value r, t, tPositive;
};
Scalars scalars(Composer &c, const Step &s, Type elem) {
  Value t = c.reshape(s.t, {});
  Value zero = c.scalar(Composer::type(t).getElementType(), 0);
  Value positive = c.compare<GreaterOp>(t, zero);
  return {c.cast(c.reshape(s.r, {}), elem), c.cast(t, elem), positive};
}

/// g + norm_coefficient * x (the gradient of the L2 regularization added).
Value regularized(Composer &c, Value x, Value g, double normCoefficient) {
  Type elem = Composer::type(x).getElementType();
  if (normCoefficient == 0)
    return g;
  return c.add(c.mul(c.scalar(elem, normCoefficient), x), g);
}

LogicalResult importAdagrad(NodeImporter &n) {
  if (failed(n.checkAttributes({"decay_factor", "epsilon", "norm_coefficient"})))
    return failure();
  auto decay = n.floatAttr("decay_factor", 0.0f);
  auto epsilon = n.floatAttr("epsilon", 0.0f);
  auto norm = n.floatAttr("norm_coefficient", 0.0f);
  FailureOr<Step> s = stepInputs(n, 3, 1);
  if (failed(decay) || failed(epsilon) || failed(norm) || failed(s))
    return failure();
  Composer c(n);
  for (int64_t i = 0; i < s->groups; ++i) {
    FailureOr<SmallVector<Value>> group = groupInputs(n, *s, i, 3);
    if (failed(group))
      return failure();
    Value *x = &(*group)[0], *g = &(*group)[1], *h = &(*group)[2];
    Type elem = Composer::type(*x).getElementType();
    Scalars k = scalars(c, *s, elem);
    // r / (1 + t * decay_factor)
    Value rate = c.div(k.r, c.add(c.scalar(elem, 1.0),
                                  c.mul(k.t, c.scalar(elem, *decay))));
    Value gr = regularized(c, *x, *g, *norm);
    Value hNew = c.add(*h, c.mul(gr, gr));
    Value hSqrt = c.add(c.unary<SqrtOp>(hNew), c.scalar(elem, *epsilon));
    Value xNew = c.sub(*x, c.div(c.mul(rate, gr), hSqrt));
    if (!xNew || !hNew)
      return failure();
    n.setOutput(i, xNew);
    n.setOutput(s->groups + i, hNew);
  }
  return success();
}

LogicalResult importMomentum(NodeImporter &n) {
  if (failed(n.checkAttributes({"alpha", "beta", "mode", "norm_coefficient"})))
    return failure();
  auto alpha = n.floatAttr("alpha", 0.0f);
  auto beta = n.floatAttr("beta", 0.0f);
  auto norm = n.floatAttr("norm_coefficient", 0.0f);
  FailureOr<std::string> mode = n.stringAttr("mode", "standard");
  FailureOr<Step> s = stepInputs(n, 3, 1);
  if (failed(alpha) || failed(beta) || failed(norm) || failed(mode) ||
      failed(s))
    return failure();
  if (*mode != "standard" && *mode != "nesterov")
    return n.emitError() << "mode must be standard or nesterov, got '" << *mode
                         << "'";
  Composer c(n);
  for (int64_t i = 0; i < s->groups; ++i) {
    FailureOr<SmallVector<Value>> group = groupInputs(n, *s, i, 3);
    if (failed(group))
      return failure();
    Value *x = &(*group)[0], *g = &(*group)[1], *v = &(*group)[2];
    Type elem = Composer::type(*x).getElementType();
    Scalars k = scalars(c, *s, elem);
    Value gr = regularized(c, *x, *g, *norm);
    // The gradient's coefficient is 1 at the first step (T = 0).
    Value betaT = c.where(k.tPositive, c.scalar(elem, *beta),
                          c.scalar(elem, 1.0));
    Value vNew = c.add(c.mul(c.scalar(elem, *alpha), *v), c.mul(betaT, gr));
    Value step = *mode == "standard"
                     ? vNew
                     : c.add(gr, c.mul(c.scalar(elem, *alpha), vNew));
    Value xNew = c.sub(*x, c.mul(k.r, step));
    if (!xNew || !vNew)
      return failure();
    n.setOutput(i, xNew);
    n.setOutput(s->groups + i, vNew);
  }
  return success();
}

LogicalResult importAdam(NodeImporter &n) {
  if (failed(n.checkAttributes({"alpha", "beta", "epsilon", "norm_coefficient",
                                "norm_coefficient_post"})))
    return failure();
  auto alpha = n.floatAttr("alpha", 0.9f);
  auto beta = n.floatAttr("beta", 0.999f);
  auto epsilon = n.floatAttr("epsilon", 0.0f);
  auto norm = n.floatAttr("norm_coefficient", 0.0f);
  auto normPost = n.floatAttr("norm_coefficient_post", 0.0f);
  FailureOr<Step> s = stepInputs(n, 4, 2);
  if (failed(alpha) || failed(beta) || failed(epsilon) || failed(norm) ||
      failed(normPost) || failed(s))
    return failure();
  Composer c(n);
  for (int64_t i = 0; i < s->groups; ++i) {
    FailureOr<SmallVector<Value>> group = groupInputs(n, *s, i, 4);
    if (failed(group))
      return failure();
    Value *x = &(*group)[0], *g = &(*group)[1], *v = &(*group)[2],
          *h = &(*group)[3];
    Type elem = Composer::type(*x).getElementType();
    Scalars k = scalars(c, *s, elem);
    auto cst = [&](double v) { return c.scalar(elem, v); };
    Value gr = regularized(c, *x, *g, *norm);
    Value vNew = c.add(c.mul(cst(*alpha), *v), c.mul(cst(1.0 - *alpha), gr));
    Value hNew =
        c.add(c.mul(cst(*beta), *h), c.mul(cst(1.0 - *beta), c.mul(gr, gr)));
    Value hSqrt = c.add(c.unary<SqrtOp>(hNew), cst(*epsilon));
    // Bias correction from the second step on: r sqrt(1 - beta^t) /
    // (1 - alpha^t).
    Value corrected = c.div(
        c.mul(k.r, c.unary<SqrtOp>(c.sub(cst(1.0), c.pow(cst(*beta), k.t)))),
        c.sub(cst(1.0), c.pow(cst(*alpha), k.t)));
    Value rate = c.where(k.tPositive, corrected, k.r);
    Value xNew = c.sub(*x, c.mul(rate, c.div(vNew, hSqrt)));
    if (*normPost != 0)
      xNew = c.mul(cst(1.0 - *normPost), xNew);
    if (!xNew || !vNew || !hNew)
      return failure();
    n.setOutput(i, xNew);
    n.setOutput(s->groups + i, vNew);
    n.setOutput(2 * s->groups + i, hNew);
  }
  return success();
}

} // namespace

void registerTrainingImporters(OpRegistry &r) {
  r.add("ai.onnx.preview.training", "Adagrad", {1}, importAdagrad);
  r.add("ai.onnx.preview.training", "Adam", {1}, importAdam);
  r.add("ai.onnx.preview.training", "Momentum", {1}, importMomentum);
}

} // namespace dsc
