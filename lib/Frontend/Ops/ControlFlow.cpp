//===- ControlFlow.cpp - importers for If, Loop and Scan ------------------===//
//
// dsc compiles static shapes ahead of time, so control flow is resolved at
// import: the bodies are imported inline (NodeImporter::subgraph).
//
// - If with a constant condition imports the taken branch only; with a
//   run-time condition both branches (side-effect free in ONNX) and a Where
//   per output, which needs the branches' outputs to have equal types.
// - Scan and Loop are unrolled: their trip counts must be known at compile
//   time (Scan's sequence length; Loop's constant M). A Loop condition
//   computed at run time masks the later iterations (their loop-carried
//   values keep the previous ones), which needs no scan outputs since those
//   would have a data-dependent length.
//
//===----------------------------------------------------------------------===//
#include "../Compose.h"
#include "../NodeImporter.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;

namespace dsc {
namespace {

/// Unrolling stops with a diagnostic past this many imported body nodes.
constexpr int64_t kMaxUnrolledNodes = 50000;

LogicalResult checkUnrollBudget(NodeImporter &n, StringRef bodyName,
                                int64_t trips) {
  const onnx::AttributeProto *body = n.attr(bodyName);
  int64_t nodes = body && body->has_g() ? body->g().node_size() : 0;
  if (trips > 0 && nodes > kMaxUnrolledNodes / trips)
    return n.emitError() << "unrolling " << trips << " iterations of a "
                         << nodes << "-node body exceeds dsc's limit of "
                         << kMaxUnrolledNodes << " nodes";
  return success();
}

/// `x` with dimension `axis` removed at index `t` (a size-1 slice, reshaped).
FailureOr<Value> sliceAt(NodeImporter &n, Value x, int64_t axis, int64_t t) {
  RankedTensorType xt = n.type(x);
  SmallVector<int64_t> starts(xt.getRank(), 0), steps(xt.getRank(), 1);
  SmallVector<int64_t> sizes(xt.getShape());
  starts[axis] = t;
  sizes[axis] = 1;
  Builder b(n.context());
  FailureOr<Value> slice = n.create<SliceOp>(
      inferSliceType(n.errorFn(), xt, starts, steps, sizes), x,
      b.getDenseI64ArrayAttr(starts), b.getDenseI64ArrayAttr(steps));
  if (failed(slice))
    return failure();
  SmallVector<int64_t> dropped(xt.getShape());
  dropped.erase(dropped.begin() + axis);
  return n.create<ReshapeOp>(
      inferReshapeType(n.errorFn(), n.type(*slice), dropped, true), *slice);
}

/// The `parts` (equal types) stacked along a new dimension `axis`.
FailureOr<Value> stack(NodeImporter &n, ArrayRef<Value> parts, int64_t axis) {
  SmallVector<Value> expanded;
  SmallVector<RankedTensorType> types;
  for (Value p : parts) {
    RankedTensorType t = n.type(p);
    if (t != n.type(parts.front()))
      return n.emitError() << "the iterations give scan outputs of different "
                              "types ("
                           << n.type(parts.front()) << " and " << t
                           << "); dsc needs one static type";
    SmallVector<int64_t> shape(t.getShape());
    shape.insert(shape.begin() + axis, 1);
    FailureOr<Value> r =
        n.create<ReshapeOp>(inferReshapeType(n.errorFn(), t, shape, true), p);
    if (failed(r))
      return failure();
    expanded.push_back(*r);
    types.push_back(n.type(*r));
  }
  if (expanded.size() == 1)
    return expanded.front();
  return n.create<ConcatOp>(inferConcatType(n.errorFn(), types, axis),
                            ValueRange(expanded),
                            Builder(n.context()).getI64IntegerAttr(axis));
}

/// A one-element bool tensor as rank 0 (conditions are scalars or [1]).
FailureOr<Value> scalarBool(NodeImporter &n, Value c, StringRef what) {
  RankedTensorType t = n.type(c);
  if (!t.getElementType().isInteger(1) || t.getNumElements() != 1)
    return n.emitError() << what << " must be one bool, got " << t;
  if (t.getRank() == 0)
    return c;
  return n.create<ReshapeOp>(
      inferReshapeType(n.errorFn(), t, ArrayRef<int64_t>{}, true), c);
}

bool constantTrue(Value v) {
  DenseElementsAttr attr;
  return matchPattern(v, m_Constant(&attr)) &&
         attr.getElementType().isInteger(1) && *attr.value_begin<bool>();
}

bool constantFalse(Value v) {
  DenseElementsAttr attr;
  return matchPattern(v, m_Constant(&attr)) &&
         attr.getElementType().isInteger(1) && !*attr.value_begin<bool>();
}

void setOutputs(NodeImporter &n, ArrayRef<Value> values,
                ArrayRef<int32_t> types) {
  for (auto [i, v] : llvm::enumerate(values)) {
    if (i < types.size() && types[i])
      n.setOutputONNXType(i, types[i]);
    n.setOutput(i, v);
  }
}

LogicalResult importIf(NodeImporter &n) {
  if (failed(n.checkAttributes({"then_branch", "else_branch"})))
    return failure();
  FailureOr<Value> cond = n.input(0);
  if (failed(cond))
    return failure();
  FailureOr<Value> c = scalarBool(n, *cond, "If's condition");
  if (failed(c))
    return failure();
  auto branch =
      [&](StringRef name,
          SmallVectorImpl<int32_t> &types) -> FailureOr<SmallVector<Value>> {
    FailureOr<SmallVector<Value>> outs = n.subgraph(name, {}, {}, &types);
    if (succeeded(outs) &&
        static_cast<int>(outs->size()) != n.numOutputs())
      return n.emitError() << name << " gives " << outs->size()
                           << " outputs; the node has " << n.numOutputs();
    return outs;
  };
  if (constantTrue(*c) || constantFalse(*c)) {
    SmallVector<int32_t> types;
    FailureOr<SmallVector<Value>> outs =
        branch(constantTrue(*c) ? "then_branch" : "else_branch", types);
    if (failed(outs))
      return failure();
    setOutputs(n, *outs, types);
    return success();
  }
  SmallVector<int32_t> thenTypes, elseTypes;
  FailureOr<SmallVector<Value>> thenOuts = branch("then_branch", thenTypes);
  if (failed(thenOuts))
    return failure();
  FailureOr<SmallVector<Value>> elseOuts = branch("else_branch", elseTypes);
  if (failed(elseOuts))
    return failure();
  SmallVector<Value> results;
  for (auto [i, t, e] : llvm::enumerate(*thenOuts, *elseOuts)) {
    if (t.getType() != e.getType())
      return n.emitError()
             << "output " << i << " is " << t.getType() << " in then_branch and "
             << e.getType()
             << " in else_branch: with a condition known only at run time "
                "dsc computes both and selects, which needs equal static "
                "types";
    FailureOr<Value> w = n.create<WhereOp>(
        inferWhereType(n.errorFn(), n.type(*c), n.type(t), n.type(e)), *c, t,
        e);
    if (failed(w))
      return failure();
    results.push_back(*w);
  }
  setOutputs(n, results, thenTypes);
  return success();
}

/// Normalized axes (or directions) attribute of `count` entries, `dflt`
/// each when absent; axes are normalized against `ranks`.
FailureOr<SmallVector<int64_t>> scanList(NodeImporter &n, StringRef name,
                                         size_t count,
                                         ArrayRef<int64_t> ranks = {}) {
  auto attr = n.intsAttr(name);
  if (failed(attr))
    return failure();
  SmallVector<int64_t> v = attr->value_or(SmallVector<int64_t>(count, 0));
  if (v.size() != count)
    return n.emitError() << "'" << name << "' has " << v.size()
                         << " entries; expected " << count;
  for (auto [i, x] : llvm::enumerate(v)) {
    if (ranks.empty()) {
      if (x != 0 && x != 1)
        return n.emitError() << "'" << name << "' entries must be 0 or 1";
      continue;
    }
    FailureOr<int64_t> axis = normalizeAxis(n.errorFn(), x, ranks[i]);
    if (failed(axis))
      return failure();
    x = *axis;
  }
  return v;
}

struct ScanResult {
  SmallVector<Value> states;
  SmallVector<Value> scanOutputs;
  SmallVector<int32_t> types;
};

/// One Scan over `scanInputs` (opset-9 semantics): `numOutputs` is the
/// node's output count (states + scan outputs).
FailureOr<ScanResult>
runScan(NodeImporter &n, ArrayRef<Value> initial, ArrayRef<Value> scanInputs,
        ArrayRef<int32_t> inputTypes, ArrayRef<int64_t> inAxes,
        ArrayRef<int64_t> inDirs, bool readOutAttrs, int numOutputs) {
  int64_t trips = -1;
  for (auto [x, axis] : llvm::zip(scanInputs, inAxes)) {
    int64_t len = n.type(x).getDimSize(axis);
    if (trips >= 0 && len != trips)
      return n.emitError() << "scan inputs have different lengths (" << trips
                           << " and " << len << ")";
    trips = len;
  }
  if (trips <= 0)
    return n.emitError() << "Scan needs at least one scan input of non-zero "
                            "length";
  if (failed(checkUnrollBudget(n, "body", trips)))
    return failure();
  ScanResult r;
  r.states.assign(initial.begin(), initial.end());
  int numScanOutputs = numOutputs - static_cast<int>(initial.size());
  SmallVector<SmallVector<Value>> perStep(numScanOutputs);
  // The ONNX types of the body's inputs: the states' become those the body
  // gave them after the first step.
  SmallVector<int32_t> argTypes(inputTypes);
  for (int64_t step = 0; step < trips; ++step) {
    SmallVector<Value> args(r.states);
    for (auto [x, axis, dir] : llvm::zip(scanInputs, inAxes, inDirs)) {
      FailureOr<Value> s = sliceAt(n, x, axis, dir ? trips - 1 - step : step);
      if (failed(s))
        return failure();
      args.push_back(*s);
    }
    r.types.clear();
    FailureOr<SmallVector<Value>> outs =
        n.subgraph("body", args, argTypes, &r.types);
    if (failed(outs))
      return failure();
    for (size_t i = 0;
         i < r.states.size() && i < r.types.size() && i < argTypes.size(); ++i)
      if (r.types[i])
        argTypes[i] = r.types[i];
    if (static_cast<int>(outs->size()) != numOutputs)
      return n.emitError() << "Scan's body gives " << outs->size()
                           << " outputs; the node has " << numOutputs;
    for (size_t i = 0; i < r.states.size(); ++i)
      r.states[i] = (*outs)[i];
    for (int k = 0; k < numScanOutputs; ++k)
      perStep[k].push_back((*outs)[initial.size() + k]);
  }
  SmallVector<int64_t> ranks;
  for (auto &steps : perStep)
    ranks.push_back(n.type(steps.front()).getRank() + 1);
  SmallVector<int64_t> outAxes(numScanOutputs, 0), outDirs(numScanOutputs, 0);
  if (readOutAttrs) {
    auto axes = scanList(n, "scan_output_axes", numScanOutputs, ranks);
    auto dirs = scanList(n, "scan_output_directions", numScanOutputs);
    if (failed(axes) || failed(dirs))
      return failure();
    outAxes = *axes;
    outDirs = *dirs;
  }
  for (int k = 0; k < numScanOutputs; ++k) {
    if (outDirs[k])
      std::reverse(perStep[k].begin(), perStep[k].end());
    FailureOr<Value> s = stack(n, perStep[k], outAxes[k]);
    if (failed(s))
      return failure();
    r.scanOutputs.push_back(*s);
  }
  return r;
}

LogicalResult importScan(NodeImporter &n) {
  bool batched = n.opset() < 9;
  SmallVector<StringRef> known = {"body", "num_scan_inputs"};
  if (batched)
    known.push_back("directions");
  else
    known.append({"scan_input_axes", "scan_input_directions",
                  "scan_output_axes", "scan_output_directions"});
  if (failed(n.checkAttributes(known)))
    return failure();
  auto m = n.intAttr("num_scan_inputs", 0);
  if (failed(m))
    return failure();
  int first = batched ? 1 : 0;
  int numInputs = n.numInputs() - first;
  if (*m < 1 || *m > numInputs)
    return n.emitError() << "num_scan_inputs " << *m << " does not fit the "
                         << numInputs << " inputs";
  int numStates = numInputs - static_cast<int>(*m);
  if (n.numOutputs() < numStates)
    return n.emitError() << "Scan has " << numStates
                         << " state variables but " << n.numOutputs()
                         << " outputs";
  SmallVector<Value> states, scans;
  SmallVector<int32_t> inputTypes;
  for (int i = first; i < n.numInputs(); ++i) {
    FailureOr<Value> v = n.input(i);
    if (failed(v))
      return failure();
    (i - first < numStates ? states : scans).push_back(*v);
    inputTypes.push_back(n.onnxType(i));
  }
  SmallVector<int64_t> ranks;
  for (Value x : scans)
    ranks.push_back(n.type(x).getRank());
  if (!batched) {
    auto axes = scanList(n, "scan_input_axes", scans.size(), ranks);
    auto dirs = scanList(n, "scan_input_directions", scans.size());
    if (failed(axes) || failed(dirs))
      return failure();
    FailureOr<ScanResult> r = runScan(n, states, scans, inputTypes, *axes,
                                      *dirs, true, n.numOutputs());
    if (failed(r))
      return failure();
    SmallVector<Value> outs(r->states);
    outs.append(r->scanOutputs);
    setOutputs(n, outs, r->types);
    return success();
  }
  // Opset 8: a batch dimension first, the sequence second; every batch
  // entry is scanned on its own and the results stacked back.
  auto dirs = scanList(n, "directions", scans.size());
  if (failed(dirs))
    return failure();
  for (Value x : llvm::concat<Value>(states, scans))
    if (n.type(x).getRank() < 1 ||
        n.type(x).getDimSize(0) != n.type(states.empty() ? scans[0] : states[0])
                                       .getDimSize(0))
      return n.emitError() << "opset-8 Scan needs a common batch dimension "
                              "first on every input";
  for (Value x : scans)
    if (n.type(x).getRank() < 2)
      return n.emitError() << "opset-8 Scan inputs need [batch, sequence, "
                              "...] dimensions";
  int64_t batch = n.type(scans[0]).getDimSize(0);
  int64_t length = n.type(scans[0]).getDimSize(1);
  if (n.hasInput(0)) {
    DenseElementsAttr lens = n.constantInputOrNull(0);
    if (!lens || llvm::any_of(lens.getValues<APInt>(), [&](const APInt &v) {
          return v.getSExtValue() != length;
        }))
      return n.emitError() << "sequence_lens must be absent or a constant "
                              "equal to the sequence length "
                           << length << " (shorter sequences give "
                              "data-dependent results)";
  }
  if (failed(checkUnrollBudget(n, "body", batch * length)))
    return failure();
  SmallVector<SmallVector<Value>> perBatch(n.numOutputs());
  SmallVector<int32_t> types;
  for (int64_t bi = 0; bi < batch; ++bi) {
    SmallVector<Value> s, x;
    for (Value v : states) {
      FailureOr<Value> e = sliceAt(n, v, 0, bi);
      if (failed(e))
        return failure();
      s.push_back(*e);
    }
    for (Value v : scans) {
      FailureOr<Value> e = sliceAt(n, v, 0, bi);
      if (failed(e))
        return failure();
      x.push_back(*e);
    }
    SmallVector<int64_t> axes(x.size(), 0);
    FailureOr<ScanResult> r =
        runScan(n, s, x, inputTypes, axes, *dirs, false, n.numOutputs());
    if (failed(r))
      return failure();
    types = r->types;
    int i = 0;
    for (Value v : llvm::concat<Value>(r->states, r->scanOutputs))
      perBatch[i++].push_back(v);
  }
  SmallVector<Value> outs;
  for (auto &parts : perBatch) {
    FailureOr<Value> s = stack(n, parts, 0);
    if (failed(s))
      return failure();
    outs.push_back(*s);
  }
  setOutputs(n, outs, types);
  return success();
}

/// Loop: unrolled M times (M a constant). A condition that folds to false
/// ends the unrolling; one known only at run time masks the remaining
/// iterations. A run-time M is accepted when the graph declares the length
/// N of the scan outputs: N iterations are unrolled and a guard checks that
/// the loop runs exactly N times (M >= N and every condition true, and no
/// N + 1st iteration: M = N or the condition false after it).
LogicalResult importLoop(NodeImporter &n) {
  if (failed(n.checkAttributes({"body"})))
    return failure();
  if (!n.hasInput(0))
    return n.emitError() << "a Loop without a trip count (M) runs until its "
                            "condition turns false, a data-dependent number "
                            "of iterations; dsc needs a constant M";
  DenseElementsAttr mAttr = n.constantInputOrNull(0);
  int64_t trips = 0;
  Value runtimeTrips; // M as an i64 scalar when it is known only at run time
  int numCarried = std::max(n.numInputs() - 2, 0);
  if (mAttr && mAttr.getNumElements() == 1 &&
      isa<IntegerType>(mAttr.getElementType())) {
    trips = (*mAttr.value_begin<APInt>()).getSExtValue();
  } else {
    std::optional<SmallVector<int64_t>> declared =
        n.numOutputs() > numCarried ? n.declaredOutputShape(numCarried)
                                    : std::nullopt;
    FailureOr<Value> m = n.input(0);
    if (failed(m))
      return failure();
    RankedTensorType mt = n.type(*m);
    if (!declared || declared->empty() || (*declared)[0] < 1 ||
        mt.getNumElements() != 1 || !mt.getElementType().isInteger(64))
      return n.emitError() << "Loop's trip count M must be a constant (an "
                              "initializer or a Constant node), or the graph "
                              "must declare the length of its scan outputs: "
                              "dsc unrolls the loop at compile time";
    trips = (*declared)[0];
    Composer c(n);
    runtimeTrips = c.reshape(*m, {});
  }
  if (trips < 1)
    return n.emitError() << "Loop's trip count is " << trips
                         << "; zero iterations give empty scan outputs, "
                            "which dsc does not support";
  if (failed(checkUnrollBudget(n, "body", trips)))
    return failure();
  Builder b(n.context());
  Value cond;
  if (n.hasInput(1)) {
    FailureOr<Value> c = n.input(1);
    if (failed(c))
      return failure();
    FailureOr<Value> s = scalarBool(n, *c, "Loop's condition");
    if (failed(s))
      return failure();
    cond = *s;
  } else {
    auto t = RankedTensorType::get({}, b.getI1Type());
    cond = arith::ConstantOp::create(n.builder(), n.loc(),
                                     DenseElementsAttr::get(t, true));
  }
  SmallVector<Value> carried;
  // The body's input types: the counter, the condition, then the carried
  // values (those the body gave them after the first iteration).
  SmallVector<int32_t> argTypes = {onnx::TensorProto::INT64,
                                   onnx::TensorProto::BOOL};
  for (int i = 2; i < n.numInputs(); ++i) {
    FailureOr<Value> v = n.input(i);
    if (failed(v))
      return failure();
    carried.push_back(*v);
    argTypes.push_back(n.onnxType(i));
  }
  int numScanOutputs = n.numOutputs() - static_cast<int>(carried.size());
  if (numScanOutputs < 0)
    return n.emitError() << "Loop has " << carried.size()
                         << " loop-carried values but " << n.numOutputs()
                         << " outputs";
  // Whether the iterations still run: folded while the condition is
  // constant, a run-time bool once it is not.
  Value active = cond;
  SmallVector<SmallVector<Value>> perStep(numScanOutputs);
  SmallVector<int32_t> types;
  auto iterType = RankedTensorType::get({}, b.getI64Type());
  // With a run-time M every unrolled iteration must run (the guard below):
  // the conditions are collected, not used to mask.
  Value allConditions = runtimeTrips ? cond : Value();
  for (int64_t i = 0; i < trips && !constantFalse(active); ++i) {
    if (runtimeTrips && i > 0) {
      allConditions = Composer(n).logicalAnd(allConditions, active);
      if (!allConditions)
        return failure();
    }
    if (!runtimeTrips && !constantTrue(active) && numScanOutputs > 0)
      return n.emitError() << "Loop's condition is known only at run time, "
                              "so its scan outputs would have a "
                              "data-dependent length; dsc supports such "
                              "loops without scan outputs";
    SmallVector<Value> args;
    args.push_back(arith::ConstantOp::create(
        n.builder(), n.loc(), DenseElementsAttr::get(iterType, i)));
    args.push_back(active);
    args.append(carried);
    types.clear();
    FailureOr<SmallVector<Value>> outs =
        n.subgraph("body", args, argTypes, &types);
    if (failed(outs))
      return failure();
    for (size_t k = 0; k < carried.size() && 1 + k < types.size(); ++k)
      if (types[1 + k])
        argTypes[2 + k] = types[1 + k];
    if (static_cast<int>(outs->size()) != 1 + n.numOutputs())
      return n.emitError() << "Loop's body gives " << outs->size()
                           << " outputs; expected the condition and "
                           << n.numOutputs();
    FailureOr<Value> next = scalarBool(n, (*outs)[0], "Loop's condition");
    if (failed(next))
      return failure();
    bool masked = !runtimeTrips && !constantTrue(active);
    for (size_t k = 0; k < carried.size(); ++k) {
      Value v = (*outs)[1 + k];
      if (masked) {
        if (v.getType() != carried[k].getType())
          return n.emitError()
                 << "loop-carried value " << k << " changes type ("
                 << carried[k].getType() << " to " << v.getType()
                 << ") in a loop whose condition is known only at run time";
        FailureOr<Value> w = n.create<WhereOp>(
            inferWhereType(n.errorFn(), n.type(active), n.type(v),
                           n.type(carried[k])),
            active, v, carried[k]);
        if (failed(w))
          return failure();
        v = *w;
      }
      carried[k] = v;
    }
    for (int k = 0; k < numScanOutputs; ++k)
      perStep[k].push_back((*outs)[1 + carried.size() + k]);
    if (masked) {
      active = Composer(n).logicalAnd(active, *next);
      if (!active)
        return failure();
    } else {
      active = *next;
    }
  }
  if (runtimeTrips) {
    // Exactly `trips` iterations: all ran (M >= trips, every condition
    // true) and no further one would (M == trips or the last condition
    // false).
    Composer c(n);
    Type i64 = b.getI64Type();
    Value n0 = c.scalar(i64, static_cast<double>(trips));
    auto both = [&](Value x, Value y) { return c.logicalAnd(x, y); };
    Value enough = c.compare<GreaterEqualOp>(runtimeTrips, n0);
    Value stops = c.equal(runtimeTrips, n0);
    Value lastFalse = n.builder().createOrFold<NotOp>(n.loc(), active);
    Value ends = c.logicalOr(stops, lastFalse);
    Value ok = both(both(allConditions, enough), ends);
    if (!ok || failed(n.guard(ok, runtimeTrips,
                              "the loop must run exactly " + Twine(trips) +
                                  " times, the declared length of its scan "
                                  "outputs (the trip count is given)")))
      return failure();
  }
  SmallVector<Value> outs(carried);
  for (auto &steps : perStep) {
    if (steps.empty())
      return n.emitError() << "Loop's condition is false before the first "
                              "iteration: its scan outputs would be empty, "
                              "which dsc does not support";
    FailureOr<Value> s = stack(n, steps, 0);
    if (failed(s))
      return failure();
    outs.push_back(*s);
  }
  // types[0] is the condition's.
  setOutputs(n, outs, ArrayRef<int32_t>(types).drop_front(types.empty() ? 0 : 1));
  return success();
}

} // namespace

void registerControlFlowImporters(OpRegistry &r) {
  r.add("If", {1}, importIf);
  r.add("Loop", {1}, importLoop);
  r.add("Scan", {8, 9}, importScan);
}

} // namespace dsc
