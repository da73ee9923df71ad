//===- Reduction.cpp - importers for the ONNX Reduce* ops -----------------===//
#include "../Compose.h"
#include "../ConstantFolding.h"
#include "../NodeImporter.h"

#include "llvm/ADT/StringSwitch.h"

using namespace mlir;

namespace dsc {
namespace {

/// dsc.reduce's kind for an ONNX op type.
StringRef reduceKind(StringRef opType) {
  return llvm::StringSwitch<StringRef>(opType)
      .Case("ReduceSum", "sum")
      .Case("ReduceMean", "mean")
      .Case("ReduceMax", "max")
      .Case("ReduceMin", "min")
      .Case("ReduceProd", "prod")
      .Case("ReduceL1", "l1")
      .Case("ReduceL2", "l2")
      .Case("ReduceSumSquare", "sum_square")
      .Case("ReduceLogSum", "log_sum")
      .Case("ReduceLogSumExp", "log_sum_exp")
      .Default("");
}

/// Computed Reduce* axes, from the declared output shape. A graph input of
/// no elements imports as a constant, so a computed axes tensor of static
/// length L >= 1 names L distinct axes (noop_with_empty_axes never
/// applies). Returns every axis set that gives the declared shape, grouped
/// into classes of equal results: two sets give the same result when they
/// reduce the same dims of size > 1 (a size-1 dim groups no elements, and
/// every set is non-empty, so L1/L2/LogSum... apply their transform either
/// way).
FailureOr<SmallVector<SmallVector<SmallVector<int64_t>>>>
axesFromDeclared(NodeImporter &n, RankedTensorType xt, bool keepDims) {
  std::string what = n.node().op_type() + "'s axes";
  FailureOr<SmallVector<int64_t>> declared = n.declaredShapeForOperand(1, what);
  FailureOr<RankedTensorType> at = n.inputType(1);
  if (failed(declared) || failed(at))
    return failure();
  if (at->getRank() != 1 || at->isDynamicDim(0) || at->getDimSize(0) < 1)
    return n.refuseShapeOperand(1, what)
           << ": its length must be static and non-zero, got " << *at;
  int64_t count = at->getDimSize(0), rank = xt.getRank();
  ArrayRef<int64_t> x = xt.getShape();
  ArrayRef<int64_t> out = *declared;
  // Every candidate: `count` distinct axes whose removal (keepdims=0) or
  // reduction to 1 (keepdims=1) gives the declared shape.
  constexpr size_t kMaxCandidates = 64;
  SmallVector<SmallVector<int64_t>> candidates;
  SmallVector<int64_t> chosen;
  std::function<void(int64_t)> search = [&](int64_t d) {
    if (candidates.size() > kMaxCandidates)
      return;
    if (int64_t(chosen.size()) == count) {
      SmallVector<int64_t> shape;
      for (int64_t i = 0; i < rank; ++i) {
        bool reduced = llvm::is_contained(chosen, i);
        if (!reduced)
          shape.push_back(x[i]);
        else if (keepDims)
          shape.push_back(1);
      }
      if (ArrayRef<int64_t>(shape) == out)
        candidates.push_back(chosen);
      return;
    }
    if (d == rank)
      return;
    chosen.push_back(d);
    search(d + 1);
    chosen.pop_back();
    search(d + 1);
  };
  // The search visits at most 2^rank subsets.
  if (rank > 16)
    return n.refuseShapeOperand(1, what)
           << ": inputs of rank above 16 are not searched for axes";
  if (count <= rank)
    search(0);
  auto nonUnit = [&](ArrayRef<int64_t> axes) {
    SmallVector<int64_t> dims;
    for (int64_t a : axes)
      if (x[a] != 1)
        dims.push_back(a);
    return dims;
  };
  if (candidates.empty())
    return n.refuseShapeOperand(1, what)
           << ": no " << count << " axes of the input " << xt
           << " reduce to the declared shape [" << out << "]";
  if (candidates.size() > kMaxCandidates)
    return n.refuseShapeOperand(1, what)
           << ": more than " << kMaxCandidates << " axis sets of the input "
           << xt << " reduce to the declared shape [" << out << "]";
  SmallVector<SmallVector<SmallVector<int64_t>>> classes;
  for (const auto &c : candidates) {
    auto it = llvm::find_if(classes, [&](const auto &cls) {
      return nonUnit(cls.front()) == nonUnit(c);
    });
    if (it == classes.end())
      classes.push_back({c});
    else
      it->push_back(c);
  }
  // Each class is computed (and one selected at run time): bound the work.
  constexpr size_t kMaxClasses = 8;
  if (classes.size() > kMaxClasses)
    return n.refuseShapeOperand(1, what)
           << ": more than " << kMaxClasses << " different reductions of the "
           << "input " << xt << " give the declared shape [" << out << "]";
  return classes;
}

/// A Reduce* whose axes are given at run time: every class of axis sets
/// that gives the declared shape is reduced, and the class the run-time
/// axes name is selected (one class: no selection); a guard fails the run
/// when the axes name no such set.
LogicalResult
importReduceRuntimeAxes(NodeImporter &n, RankedTensorType xt, StringRef kind,
                        bool keepDims,
                        ArrayRef<SmallVector<SmallVector<int64_t>>> classes) {
  Composer c(n);
  FailureOr<Value> x = n.input(0), a = n.input(1);
  if (failed(x) || failed(a))
    return failure();
  int64_t rank = xt.getRank();
  auto names = [&](ArrayRef<int64_t> candidate) {
    return namesAxes(c, *a, rank, candidate);
  };
  SmallVector<Value> classMatches, results;
  Value any;
  Builder b(n.context());
  for (const auto &cls : classes) {
    Value match;
    for (const auto &candidate : cls) {
      Value m = names(candidate);
      match = match ? c.binary<OrOp>(match, m) : m;
    }
    classMatches.push_back(match);
    any = any ? c.binary<OrOp>(any, match) : match;
    FailureOr<Value> r = n.create<ReduceOp>(
        inferReduceType(n.errorFn(), xt, kind, cls.front(), keepDims), *x,
        b.getStringAttr(kind), b.getDenseI64ArrayAttr(cls.front()),
        b.getBoolAttr(keepDims));
    if (failed(r))
      return failure();
    results.push_back(*r);
  }
  std::string sets;
  for (const auto &cls : classes)
    for (const auto &candidate : cls)
      sets += (sets.empty() ? "" : " or ") + formatShape(candidate);
  if (failed(n.guard(any, *a,
                     n.node().op_type() + "'s axes ('" + n.inputName(1) +
                         "') must be " + sets +
                         " (up to order and negative values) to give the "
                         "declared output shape")))
    return failure();
  Value result = results.back();
  for (int64_t k = static_cast<int64_t>(results.size()) - 2; k >= 0; --k)
    result = c.where(classMatches[k], results[k], result);
  if (!result)
    return failure();
  n.setOutput(0, result);
  return success();
}

/// The result of a reduction over zero elements: the identity of its
/// accumulation, then its final transform (ReduceLogSum: log 0 = -inf,
/// ReduceMean: 0 / 0 = NaN). Max and min of nothing are the lowest and
/// highest values of the type (false and true for bool), as in ONNX.
DenseElementsAttr emptyReduceResult(RankedTensorType type, StringRef kind) {
  Type elem = type.getElementType();
  if (auto f = dyn_cast<FloatType>(elem)) {
    const llvm::fltSemantics &sem = f.getFloatSemantics();
    APFloat v = APFloat::getZero(sem);
    if (kind == "prod")
      v = APFloat::getOne(sem);
    else if (kind == "max" || kind == "log_sum" || kind == "log_sum_exp")
      v = APFloat::getInf(sem, /*Negative=*/true);
    else if (kind == "min")
      v = APFloat::getInf(sem);
    else if (kind == "mean")
      v = APFloat::getNaN(sem);
    return DenseElementsAttr::get(type, v);
  }
  unsigned width = elem.getIntOrFloatBitWidth();
  APInt v = APInt::getZero(width);
  if (kind == "prod")
    v = APInt(width, 1);
  else if (kind == "max")
    v = width == 1 ? APInt::getZero(1) : APInt::getSignedMinValue(width);
  else if (kind == "min")
    v = width == 1 ? APInt::getAllOnes(1) : APInt::getSignedMaxValue(width);
  return DenseElementsAttr::get(type, v);
}

/// Every Reduce* op: `axes` is an attribute before opset 18 (ReduceSum: 13)
/// and an optional constant input after, when `noop_with_empty_axes` also
/// appears; no axes means all axes unless that flag is set.
LogicalResult importReduce(NodeImporter &n) {
  StringRef opType = n.node().op_type();
  StringRef kind = reduceKind(opType);
  bool axesInput = n.opset() >= (opType == "ReduceSum" ? 13 : 18);
  SmallVector<StringRef> known = {"keepdims"};
  known.push_back(axesInput ? "noop_with_empty_axes" : "axes");
  if (failed(n.checkAttributes(known)))
    return failure();
  FailureOr<RankedTensorType> xt = n.inputType(0);
  auto keepDims = n.intAttr("keepdims", 1);
  auto noop = n.intAttr("noop_with_empty_axes", 0);
  if (failed(xt) || failed(keepDims) || failed(noop))
    return failure();
  DenseElementsAttr constant = n.constantInputOrNull(0);
  SmallVector<int64_t> axes;
  if (axesInput) {
    if (n.hasInput(1) && !n.constantInputOrNull(1)) {
      if ((kind == "max" || kind == "min") &&
          NodeImporter::isUnsignedInteger(n.onnxType(0)))
        return n.emitError()
               << opType << " of unsigned integers is not supported";
      auto classes = axesFromDeclared(n, *xt, *keepDims != 0);
      if (failed(classes))
        return failure();
      return importReduceRuntimeAxes(n, *xt, kind, *keepDims != 0, *classes);
    } else if (n.hasInput(1)) {
      FailureOr<DenseElementsAttr> c =
          n.constantInput(1, opType.str() + "'s axes");
      if (failed(c))
        return failure();
      if (!isa<IntegerType>(c->getElementType()) || c->getType().getRank() > 1)
        return n.emitError() << "axes must be a 1-D integer tensor";
      axes = intValues(*c);
    }
  } else {
    auto attr = n.intsAttr("axes");
    if (failed(attr))
      return failure();
    if (*attr)
      axes = **attr;
  }
  if (axes.empty()) {
    if (*noop) {
      if (constant) {
        n.setConstantOutput(0, constant, n.onnxType(0));
        return success();
      }
      return n.setResult(n.input(0));
    }
    for (int64_t d = 0; d < xt->getRank(); ++d)
      axes.push_back(d);
  }
  if (failed(normalizeAxes(n, axes, xt->getRank())))
    return failure();
  if ((kind == "max" || kind == "min") &&
      NodeImporter::isUnsignedInteger(n.onnxType(0)))
    return n.emitError() << opType << " of unsigned integers is not supported";
  FailureOr<RankedTensorType> type =
      inferReduceType(n.errorFn(), *xt, kind, axes, *keepDims != 0);
  if (failed(type))
    return failure();
  // Reducing no elements gives the reduction's identity (after its final
  // transform): computed here, so no empty tensor reaches code generation.
  if (xt->hasStaticShape() && xt->getNumElements() == 0 &&
      type->getNumElements() > 0) {
    n.setConstantOutput(0, emptyReduceResult(*type, kind), n.onnxType(0));
    return success();
  }
  // Integer shape arithmetic on constants folds (e.g. ReduceProd of a
  // Shape slice feeding a Reshape).
  if (constant) {
    if (DenseElementsAttr folded = foldIntReduce(constant, kind, axes, *type)) {
      n.setConstantOutput(0, folded, n.onnxType(0));
      return success();
    }
  }
  FailureOr<Value> x = n.input(0);
  if (failed(x))
    return failure();
  Builder b(n.context());
  return n.setResult(n.create<ReduceOp>(type, *x, b.getStringAttr(kind),
                                        b.getDenseI64ArrayAttr(axes),
                                        b.getBoolAttr(*keepDims != 0)));
}

/// ArgMax and ArgMin: dsc.arg_reduce drops the axis; keepdims (default)
/// reshapes it back as size 1. select_last_index exists from opset 12.
LogicalResult importArgReduce(NodeImporter &n) {
  SmallVector<StringRef> known = {"axis", "keepdims"};
  if (n.opset() >= 12)
    known.push_back("select_last_index");
  if (failed(n.checkAttributes(known)))
    return failure();
  FailureOr<Value> x = n.input(0);
  auto axisAttr = n.intAttr("axis", 0), keepDims = n.intAttr("keepdims", 1),
       last = n.intAttr("select_last_index", 0);
  if (failed(x) || failed(axisAttr) || failed(keepDims) || failed(last))
    return failure();
  if (NodeImporter::isUnsignedInteger(n.onnxType(0)))
    return n.emitError() << n.node().op_type()
                         << " of unsigned integers is not supported";
  RankedTensorType xt = n.type(*x);
  auto axis = normalizeAxis(n.errorFn(), *axisAttr, xt.getRank());
  if (failed(axis))
    return failure();
  StringRef kind = n.node().op_type() == "ArgMax" ? "max" : "min";
  n.setOutputONNXType(0, onnx::TensorProto::INT64);
  FailureOr<Value> r =
      n.create<ArgReduceOp>(inferArgReduceType(n.errorFn(), xt, kind, *axis),
                            *x, kind, *axis, *last != 0);
  if (failed(r) || !*keepDims)
    return n.setResult(r);
  SmallVector<int64_t> shape(xt.getShape());
  shape[*axis] = 1;
  return n.setResult(n.create<ReshapeOp>(
      RankedTensorType::get(shape, n.type(*r).getElementType()), *r));
}

/// TopK: k is an attribute before opset 10, then an input. dsc needs it at
/// compile time: a constant input, or else (k as a graph input, as ONNX's
/// node tests have it) the size along the axis that the graph declares for
/// an output; a different run-time k is then not detected. The results are
/// always sorted (ONNX leaves the order open when sorted = 0).
LogicalResult importTopK(NodeImporter &n) {
  SmallVector<StringRef> known = {"axis"};
  if (n.opset() < 10)
    known.push_back("k");
  if (n.opset() >= 11) {
    known.push_back("largest");
    known.push_back("sorted");
  }
  if (failed(n.checkAttributes(known)))
    return failure();
  FailureOr<Value> x = n.input(0);
  auto axisAttr = n.intAttr("axis", -1), largest = n.intAttr("largest", 1);
  if (failed(x) || failed(axisAttr) || failed(largest))
    return failure();
  RankedTensorType xt = n.type(*x);
  auto axis = normalizeAxis(n.errorFn(), *axisAttr, xt.getRank());
  if (failed(axis))
    return failure();
  int64_t k;
  if (n.opset() < 10) {
    if (!n.attr("k"))
      return n.emitError() << "the required attribute 'k' is missing";
    auto kAttr = n.intAttr("k", 0);
    if (failed(kAttr))
      return failure();
    k = *kAttr;
  } else if (!n.hasInput(1)) {
    return n.emitError() << "TopK from opset 10 needs the input k";
  } else if (DenseElementsAttr c = n.constantInputOrNull(1)) {
    SmallVector<int64_t> values = intValues(c);
    if (values.size() != 1)
      return n.emitError() << "k must hold one integer";
    k = values.front();
  } else {
    std::optional<SmallVector<int64_t>> declared = n.declaredOutputShape(0);
    if (!declared)
      declared = n.declaredOutputShape(1);
    if (!declared || declared->size() != size_t(xt.getRank()))
      return n.emitError() << "TopK's k ('" << n.inputName(1)
                           << "') must be a constant (an initializer or a "
                              "Constant node), or the graph must declare "
                              "the static shape of an output; computed "
                              "values are not supported yet";
    k = (*declared)[*axis];
    if (failed(guardOperandEquals(n, 1, "TopK's k", {k})))
      return failure();
  }
  FailureOr<RankedTensorType> type = inferTopKType(n.errorFn(), xt, *axis, k);
  if (failed(type))
    return failure();
  if (k == 0)
    return n.emitError() << "k = 0 (empty results) is not supported";
  Builder b(n.context());
  auto op = TopKOp::create(
      n.builder(), n.loc(),
      TypeRange{*type, RankedTensorType::get(type->getShape(), b.getI64Type())},
      *x, *axis, k, *largest != 0,
      NodeImporter::isUnsignedInteger(n.onnxType(0)));
  n.setOutput(0, op.getValues());
  n.setOutput(1, op.getIndices());
  n.setOutputONNXType(1, onnx::TensorProto::INT64);
  return success();
}

} // namespace

void registerReductionImporters(OpRegistry &r) {
  r.add("TopK", {1, 10, 11}, importTopK);
  r.add("ReduceSum", {1, 11, 13}, importReduce);
  for (StringRef op : {"ReduceMean", "ReduceProd", "ReduceL1", "ReduceL2",
                       "ReduceSumSquare", "ReduceLogSum", "ReduceLogSumExp"})
    r.add(op, {1, 11, 13, 18}, importReduce);
  r.add("ArgMax", {1, 11, 12, 13}, importArgReduce);
  r.add("ArgMin", {1, 11, 12, 13}, importArgReduce);
  for (StringRef op : {"ReduceMax", "ReduceMin"})
    r.add(op, {1, 11, 12, 13, 18, 20}, importReduce);
}

} // namespace dsc
