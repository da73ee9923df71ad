//===- Loss.cpp - importers for the loss functions ------------------------===//
//
// NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss are compositions:
// the class score of every sample is a gather_elements along the class
// axis, weights a gather, ignored samples a where, and the reductions
// dsc.reduce; SoftmaxCrossEntropyLoss first takes a log-softmax over the
// classes.
//
//===----------------------------------------------------------------------===//
#include "../Compose.h"

using namespace mlir;

namespace dsc {
namespace {

/// The loss of `logProb` [N, C, d...] for `target` [N, d...] with optional
/// class `weight` [C], as NegativeLogLikelihoodLoss defines it.
LogicalResult buildNLL(NodeImporter &n, Composer &c, Value logProb,
                       Value target, Value weight) {
  auto reduction = n.stringAttr("reduction", "mean");
  if (failed(reduction))
    return failure();
  if (*reduction != "none" && *reduction != "sum" && *reduction != "mean")
    return n.emitError() << "reduction '" << *reduction
                         << "' is not one of none, sum, mean";
  std::optional<int64_t> ignore;
  if (n.attr("ignore_index")) {
    auto v = n.intAttr("ignore_index", 0);
    if (failed(v))
      return failure();
    ignore = *v;
  }
  RankedTensorType lt = Composer::type(logProb), tt = Composer::type(target);
  Type elem = lt.getElementType();
  if (!isa<FloatType>(elem) || lt.getRank() < 2)
    return n.emitError() << "expects floating-point scores [N, C, d...], got "
                         << lt;
  SmallVector<int64_t> expected(lt.getShape());
  expected.erase(expected.begin() + 1);
  if (!isa<IntegerType>(tt.getElementType()) ||
      tt.getElementType().isInteger(1) || tt.getShape() != ArrayRef(expected))
    return n.emitError() << "expects integer targets of the scores' shape "
                            "without the class dimension, got "
                         << tt;
  int64_t classes = lt.getDimSize(1);
  if (weight && (Composer::type(weight).getElementType() != elem ||
                 Composer::shape(weight) != ArrayRef<int64_t>{classes}))
    return n.emitError() << "expects weights [" << classes
                         << "] of the scores' element type, got "
                         << Composer::type(weight);

  // Ignored samples read class 0 (any valid index) and are masked after.
  Type idx = tt.getElementType();
  Value kept, safe = target;
  if (ignore) {
    Value ii = c.scalar(idx, double(*ignore));
    Value hit = c.equal(target, ii);
    safe = c.where(hit, c.splat({}, idx, 0.0), target);
    kept = c.where(hit, c.scalar(elem, 0.0), c.scalar(elem, 1.0));
  }
  SmallVector<int64_t> withClass(expected);
  withClass.insert(withClass.begin() + 1, 1);
  Value picked = GatherElementsOp::create(
      n.builder(), n.loc(), RankedTensorType::get(withClass, elem), logProb,
      c.reshape(safe, withClass), n.builder().getI64IntegerAttr(1));
  Value loss = c.unary<NegOp>(c.reshape(picked, expected));
  // Per-sample weights: the class weight, zero for ignored samples.
  Value w;
  if (weight)
    w = GatherOp::create(n.builder(), n.loc(),
                         RankedTensorType::get(expected, elem), weight, safe,
                         n.builder().getI64IntegerAttr(0));
  if (kept)
    w = w ? c.mul(w, kept) : c.expand(kept, expected);
  if (w)
    loss = c.mul(loss, w);
  if (*reduction == "none")
    return n.setResult(loss);
  SmallVector<int64_t> all =
      llvm::to_vector(llvm::seq<int64_t>(0, expected.size()));
  Value total = c.reduce(loss, "sum", all, false);
  if (*reduction == "sum")
    return n.setResult(total);
  if (!w)
    return n.setResult(c.reduce(loss, "mean", all, false));
  return n.setResult(c.div(total, c.reduce(w, "sum", all, false)));
}

LogicalResult importNLL(NodeImporter &n) {
  if (failed(n.checkAttributes({"ignore_index", "reduction"})))
    return failure();
  FailureOr<Value> input = n.input(0), target = n.input(1),
                   weight = n.optionalInput(2);
  if (failed(input) || failed(target) || failed(weight))
    return failure();
  Composer c(n);
  return buildNLL(n, c, *input, *target, *weight);
}

/// log_softmax over the classes (axis 1), computed as d - log(sum(exp(d)))
/// with d = x - max(x) for stability; then the NLL of it.
LogicalResult importSoftmaxCrossEntropy(NodeImporter &n) {
  if (failed(n.checkAttributes({"ignore_index", "reduction"})))
    return failure();
  FailureOr<Value> scores = n.input(0), labels = n.input(1),
                   weight = n.optionalInput(2);
  if (failed(scores) || failed(labels) || failed(weight))
    return failure();
  RankedTensorType st = n.type(*scores);
  if (!isa<FloatType>(st.getElementType()) || st.getRank() < 2)
    return n.emitError() << "expects floating-point scores [N, C, d...], got "
                         << st;
  Composer c(n);
  Value shifted = c.sub(*scores, c.reduce(*scores, "max", {1}, true));
  Value sum = c.reduce(c.unary<ExpOp>(shifted), "sum", {1}, true);
  Value logProb = c.sub(shifted, c.unary<LogOp>(sum));
  if (failed(buildNLL(n, c, logProb, *labels, *weight)))
    return failure();
  n.setOutput(1, logProb);
  return success();
}

} // namespace

void registerLossImporters(OpRegistry &r) {
  r.add("NegativeLogLikelihoodLoss", {12}, importNLL);
  r.add("SoftmaxCrossEntropyLoss", {12}, importSoftmaxCrossEntropy);
}

} // namespace dsc
