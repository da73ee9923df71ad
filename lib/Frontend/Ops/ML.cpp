//===- ML.cpp - ai.onnx.ml ops ---------------------------------------------===//
//
// The classical-ML domain's tensor ops that are compositions of dsc ops:
// Binarizer (a comparison), ArrayFeatureExtractor (a gather along the last
// axis) and TreeEnsemble (tests, leaf indicators and a matmul). Ops on strings and maps (LabelEncoder with string keys,
// DictVectorizer, ...) stay unsupported: dsc has no string tensors.
//
//===----------------------------------------------------------------------===//
#include "../Compose.h"
#include "dsc/Dialect/ShapeInference.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

#include <cmath>

using namespace mlir;

namespace dsc {
namespace {

/// Binarizer (ai.onnx.ml 1): 1 where x > threshold, else 0, in x's type.
LogicalResult importBinarizer(NodeImporter &n) {
  if (failed(n.checkAttributes({"threshold"})))
    return failure();
  auto threshold = n.floatAttr("threshold", 0.0f);
  FailureOr<Value> x = n.input(0);
  if (failed(threshold) || failed(x))
    return failure();
  Type elem = Composer::type(*x).getElementType();
  if (!isa<FloatType>(elem))
    return n.emitError() << "expects a floating-point input, got "
                         << Composer::type(*x);
  Composer c(n);
  Value above = c.compare<GreaterOp>(*x, c.scalar(elem, *threshold));
  Value y = c.cast(above, elem);
  if (!y)
    return failure();
  return n.setResult(y);
}

/// ArrayFeatureExtractor (ai.onnx.ml 1): x[..., indices] with the indices
/// flattened; a 1-D x gives [1, count], as ONNX's reference does.
LogicalResult importArrayFeatureExtractor(NodeImporter &n) {
  if (failed(n.checkAttributes({})))
    return failure();
  FailureOr<Value> x = n.input(0), indices = n.input(1);
  if (failed(x) || failed(indices))
    return failure();
  RankedTensorType xt = Composer::type(*x), it = Composer::type(*indices);
  if (xt.getRank() == 0 || !it.getElementType().isInteger(64))
    return n.emitError() << "expects a tensor of rank >= 1 and int64 "
                            "indices, got "
                         << xt << " and " << it;
  Composer c(n);
  Value data = *x;
  if (xt.getRank() == 1)
    data = c.reshape(data, {1, xt.getDimSize(0)});
  Value flat = c.reshape(*indices, {it.getNumElements()});
  if (!data || !flat)
    return failure();
  Value y = c.gather(data, flat, Composer::type(data).getRank() - 1);
  if (!y)
    return failure();
  n.setOutput(0, y);
  return success();
}

/// An attribute holding a tensor, as doubles; empty when absent.
FailureOr<SmallVector<double>> tensorAttrValues(NodeImporter &n,
                                                StringRef name) {
  SmallVector<double> out;
  const onnx::AttributeProto *a = n.attr(name);
  if (!a)
    return out;
  if (a->type() != onnx::AttributeProto::TENSOR)
    return n.emitError() << "attribute '" << name << "' must be a tensor";
  FailureOr<DenseElementsAttr> t = n.readTensor(a->t());
  if (failed(t))
    return failure();
  if (isa<FloatType>(t->getElementType())) {
    for (const APFloat &v : t->getValues<APFloat>())
      out.push_back(v.convertToDouble());
  } else {
    for (const APInt &v : t->getValues<APInt>())
      out.push_back(static_cast<double>(v.getZExtValue()));
  }
  return out;
}

/// TreeEnsemble (ai.onnx.ml 5) without control flow, in a fixed number of
/// ops whatever the ensemble's size:
///  - T [N, nodes]: every node's test on the whole batch (0/1 in x's type):
///    the node's feature columns gathered, compared with the splits once per
///    mode present and selected by constant per-mode masks; set membership
///    counts matches of (node, member) pairs with a matmul; missing values
///    set the test where the node says so;
///  - a leaf reached by path p needs some tests true and some false: with
///    A[i, p] = +1 / -1 for those and b[p] = the number of false ones, p is
///    taken exactly where T A + b equals its length (exact small integers);
///  - SUM / AVERAGE: reached [N, paths] times the paths' weights placed in
///    their target's column (one matmul); MIN / MAX reduce per target.
LogicalResult importTreeEnsemble(NodeImporter &n) {
  if (failed(n.checkAttributes(
          {"aggregate_function", "leaf_targetids", "leaf_weights",
           "membership_values", "n_targets", "nodes_falseleafs",
           "nodes_falsenodeids", "nodes_featureids", "nodes_hitrates",
           "nodes_missing_value_tracks_true", "nodes_modes", "nodes_splits",
           "nodes_trueleafs", "nodes_truenodeids", "post_transform",
           "tree_roots"})))
    return failure();
  auto aggregate = n.intAttr("aggregate_function", 1);
  auto post = n.intAttr("post_transform", 0);
  auto nTargets = n.intAttr("n_targets", 0);
  auto ints = [&](StringRef name) -> SmallVector<int64_t> {
    auto v = n.intsAttr(name);
    return succeeded(v) && *v ? **v : SmallVector<int64_t>();
  };
  SmallVector<int64_t> featureIds = ints("nodes_featureids"),
                       trueIds = ints("nodes_truenodeids"),
                       falseIds = ints("nodes_falsenodeids"),
                       trueLeafs = ints("nodes_trueleafs"),
                       falseLeafs = ints("nodes_falseleafs"),
                       missingTrue = ints("nodes_missing_value_tracks_true"),
                       targetIds = ints("leaf_targetids"),
                       roots = ints("tree_roots");
  FailureOr<SmallVector<double>> splits = tensorAttrValues(n, "nodes_splits"),
                                 modes = tensorAttrValues(n, "nodes_modes"),
                                 weights = tensorAttrValues(n, "leaf_weights"),
                                 members =
                                     tensorAttrValues(n, "membership_values");
  FailureOr<Value> x = n.input(0);
  if (failed(aggregate) || failed(post) || failed(nTargets) || failed(splits) ||
      failed(modes) || failed(weights) || failed(members) || failed(x))
    return failure();
  RankedTensorType xt = Composer::type(*x);
  Type elem = xt.getElementType();
  if (!isa<FloatType>(elem) || xt.getRank() != 2)
    return n.emitError() << "expects a floating-point input [N, F], got "
                         << xt;
  int64_t numNodes = featureIds.size(), numLeaves = weights->size();
  if (static_cast<int64_t>(trueIds.size()) != numNodes ||
      static_cast<int64_t>(falseIds.size()) != numNodes ||
      static_cast<int64_t>(trueLeafs.size()) != numNodes ||
      static_cast<int64_t>(falseLeafs.size()) != numNodes ||
      static_cast<int64_t>(splits->size()) != numNodes ||
      static_cast<int64_t>(modes->size()) != numNodes ||
      (!missingTrue.empty() &&
       static_cast<int64_t>(missingTrue.size()) != numNodes) ||
      static_cast<int64_t>(targetIds.size()) != numLeaves || roots.empty() ||
      numNodes == 0 || *nTargets <= 0)
    return n.emitError() << "the nodes_* attributes must all have one entry "
                            "per node, the leaf_* ones one per leaf, with "
                            "tree_roots and n_targets > 0";
  if (*aggregate < 0 || *aggregate > 3)
    return n.emitError() << "aggregate_function " << *aggregate
                         << " is not one of AVERAGE, SUM, MIN, MAX";
  if (*post != 0)
    return n.emitError() << "post_transform " << *post
                         << " is not supported (only NONE)";
  int64_t batch = xt.getDimSize(0), features = xt.getDimSize(1);
  for (int64_t i = 0; i < numNodes; ++i) {
    if (featureIds[i] < 0 || featureIds[i] >= features)
      return n.emitError() << "node " << i << " reads feature "
                           << featureIds[i] << " of " << features;
    if ((*modes)[i] > 6)
      return n.emitError() << "node " << i << " has an unknown mode "
                           << (*modes)[i];
  }
  for (int64_t t : targetIds)
    if (t < 0 || t >= *nTargets)
      return n.emitError() << "leaf target " << t << " is not below n_targets "
                           << *nTargets;

  // The paths to the leaves: (node, branch) steps per reached leaf.
  struct Path {
    SmallVector<std::pair<int64_t, bool>> steps;
    int64_t leaf;
  };
  SmallVector<Path> paths;
  constexpr int64_t kMaxPathSteps = int64_t(1) << 24;
  int64_t totalSteps = 0;
  for (int64_t root : roots) {
    if (root < 0 || root >= numNodes)
      return n.emitError() << "tree root " << root << " is not a node";
    if (trueLeafs[root] && falseLeafs[root] && trueIds[root] == falseIds[root]) {
      if (trueIds[root] < 0 || trueIds[root] >= numLeaves)
        return n.emitError() << "leaf " << trueIds[root] << " does not exist";
      paths.push_back({{}, trueIds[root]}); // a tree that is one leaf
      continue;
    }
    SmallVector<Path> stack = {{{}, root}};
    while (!stack.empty()) {
      Path p = stack.pop_back_val();
      if (static_cast<int64_t>(p.steps.size()) >= numNodes)
        return n.emitError() << "the tree from root " << root
                             << " has a cycle";
      for (bool branch : {true, false}) {
        Path q = p;
        q.steps.push_back({p.leaf, branch});
        totalSteps += q.steps.size();
        if (totalSteps > kMaxPathSteps)
          return n.emitError() << "the ensemble's paths have more than "
                               << kMaxPathSteps << " steps in all";
        int64_t next = branch ? trueIds[p.leaf] : falseIds[p.leaf];
        bool leaf = branch ? trueLeafs[p.leaf] : falseLeafs[p.leaf];
        if (next < 0 || next >= (leaf ? numLeaves : numNodes))
          return n.emitError() << (leaf ? "leaf " : "node ") << next
                               << " does not exist";
        q.leaf = next;
        (leaf ? paths : stack).push_back(std::move(q));
      }
    }
  }
  int64_t numPaths = paths.size();

  Composer c(n);
  Builder b(n.context());
  auto constant = [&](ArrayRef<int64_t> shape, ArrayRef<double> values) {
    auto type = RankedTensorType::get(shape, elem);
    SmallVector<Attribute> attrs;
    for (double v : values)
      attrs.push_back(FloatAttr::get(elem, v));
    return Value(arith::ConstantOp::create(
        n.builder(), n.loc(), DenseElementsAttr::get(type, attrs)));
  };
  auto i64s = [&](ArrayRef<int64_t> values) {
    auto type = RankedTensorType::get(
        {static_cast<int64_t>(values.size())}, b.getI64Type());
    return Value(arith::ConstantOp::create(
        n.builder(), n.loc(), DenseElementsAttr::get(type, values)));
  };
  auto gatherColumns = [&](ArrayRef<int64_t> columns) -> Value {
    return c.gather(*x, i64s(columns), 1);
  };
  // Every node's feature value [N, nodes] and the 0/1 tests.
  Value cols = gatherColumns(featureIds);
  SmallVector<double> splitRow(*splits);
  for (double &v : splitRow)
    if (std::isnan(v))
      v = 0; // MEMBER nodes: not read
  Value splitT = constant({numNodes}, splitRow);
  Value tests;
  for (int mode = 0; mode <= 5; ++mode) {
    SmallVector<double> mask(numNodes, 0.0);
    bool any = false;
    for (int64_t i = 0; i < numNodes; ++i)
      if ((*modes)[i] == mode)
        mask[i] = 1.0, any = true;
    if (!any)
      continue;
    Value t;
    switch (mode) {
    case 0:
      t = c.compare<LessEqualOp>(cols, splitT);
      break;
    case 1:
      t = c.compare<LessOp>(cols, splitT);
      break;
    case 2:
      t = c.compare<GreaterEqualOp>(cols, splitT);
      break;
    case 3:
      t = c.compare<GreaterOp>(cols, splitT);
      break;
    default:
      t = c.compare<EqualOp>(cols, splitT);
    }
    t = c.cast(t, elem);
    if (mode == 5)
      t = c.sub(c.scalar(elem, 1.0), t);
    t = c.mul(t, constant({numNodes}, mask));
    tests = tests ? c.add(tests, t) : t;
  }
  // Set membership: (node, member) pairs, matches counted per node.
  SmallVector<int64_t> pairFeature;
  SmallVector<double> pairValue, placement;
  SmallVector<int64_t> pairNode;
  {
    size_t next = 0;
    for (int64_t i = 0; i < numNodes; ++i) {
      if ((*modes)[i] != 6)
        continue;
      while (next < members->size() && !std::isnan((*members)[next])) {
        pairFeature.push_back(featureIds[i]);
        pairValue.push_back((*members)[next++]);
        pairNode.push_back(i);
      }
      if (next++ >= members->size())
        return n.emitError() << "membership_values has no set for node " << i;
    }
  }
  if (!pairNode.empty()) {
    int64_t pairs = pairNode.size();
    placement.assign(pairs * numNodes, 0.0);
    for (int64_t k = 0; k < pairs; ++k)
      placement[k * numNodes + pairNode[k]] = 1.0;
    Value hits = c.cast(
        c.compare<EqualOp>(gatherColumns(pairFeature),
                           constant({pairs}, pairValue)),
        elem);
    Value t = c.matmul(hits, constant({pairs, numNodes}, placement));
    tests = tests ? c.add(tests, t) : t;
  }
  if (!tests)
    tests = c.splat({batch, numNodes}, elem, 0.0);
  if (llvm::any_of(missingTrue, [](int64_t v) { return v != 0; })) {
    SmallVector<double> mask(missingTrue.begin(), missingTrue.end());
    FailureOr<Value> nan = n.create<IsNaNOp>(
        inferFloatTestType(n.errorFn(), Composer::type(cols)), cols);
    if (failed(nan))
      return failure();
    tests = c.binary<MaxOp>(
        tests, c.mul(c.cast(*nan, elem), constant({numNodes}, mask)));
  }
  // Reached paths: T A + b == length.
  SmallVector<double> a(numNodes * numPaths, 0.0), bias(numPaths, 0.0),
      length(numPaths, 0.0);
  for (auto [p, path] : llvm::enumerate(paths)) {
    for (auto [node, branch] : path.steps) {
      a[node * numPaths + p] += branch ? 1.0 : -1.0;
      bias[p] += branch ? 0.0 : 1.0;
    }
    length[p] = path.steps.size();
  }
  Value score = c.add(c.matmul(tests, constant({numNodes, numPaths}, a)),
                      constant({numPaths}, bias));
  Value reached = c.compare<EqualOp>(score, constant({numPaths}, length));
  Value y;
  int64_t targets = *nTargets;
  if (*aggregate <= 1) { // AVERAGE, SUM
    double scale = *aggregate == 0 ? 1.0 / roots.size() : 1.0;
    SmallVector<double> table(numPaths * targets, 0.0);
    for (auto [p, path] : llvm::enumerate(paths))
      table[p * targets + targetIds[path.leaf]] = (*weights)[path.leaf] * scale;
    y = c.matmul(c.cast(reached, elem), constant({numPaths, targets}, table));
  } else { // MIN, MAX: the reached weights, the others the identity
    double init = APFloat::getLargest(cast<FloatType>(elem).getFloatSemantics(),
                                      /*Negative=*/*aggregate == 3)
                      .convertToDouble();
    SmallVector<double> pathWeights;
    for (const Path &path : paths)
      pathWeights.push_back((*weights)[path.leaf]);
    Value vals = c.where(reached, constant({numPaths}, pathWeights),
                         c.scalar(elem, init));
    SmallVector<Value> columns;
    for (int64_t t = 0; t < targets; ++t) {
      SmallVector<double> keep(numPaths);
      for (auto [p, path] : llvm::enumerate(paths))
        keep[p] = targetIds[path.leaf] == t;
      Value mask = c.compare<GreaterOp>(constant({numPaths}, keep),
                                        c.scalar(elem, 0.5));
      columns.push_back(c.reduce(c.where(mask, vals, c.scalar(elem, init)),
                                 *aggregate == 2 ? "min" : "max", {1}));
    }
    y = c.concat(columns, 1);
  }
  if (!y)
    return failure();
  return n.setResult(y);
}

} // namespace

void registerMLImporters(OpRegistry &r) {
  r.add("ai.onnx.ml", "TreeEnsemble", {5}, importTreeEnsemble);
  r.add("ai.onnx.ml", "Binarizer", {1}, importBinarizer);
  r.add("ai.onnx.ml", "ArrayFeatureExtractor", {1},
        importArrayFeatureExtractor);
}

} // namespace dsc
