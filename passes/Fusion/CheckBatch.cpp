//===- CheckBatch.cpp - is a model separable over its dynamic batch? ------===//
//
// A model whose leading input dimension is a symbolic batch ('N') is
// imported with N = 1 and run once per sample (dsc_session_run_batch). That
// is only correct if no op mixes elements of the batch. This analysis tags
// the values whose dimension 0 is the batch, starting from the marked
// function arguments, and accepts an op with a tagged operand only where
// its semantics provably treat dim 0 sample by sample; everything else (and
// every op it does not know) is refused at the op's ONNX node.
//
// Invariant: a tagged value has rank >= 1 and dim 0 == 1 in the imported
// (batch 1) function; an untagged value is the same for every sample.
//
//===----------------------------------------------------------------------===//
#include "dsc/Dialect/DSCDialect.h"
#include "dsc/Passes/Fusion/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

using namespace mlir;

namespace dsc {
#define GEN_PASS_DEF_DSCCHECKBATCH
#include "dsc/Passes/Fusion/Passes.h.inc"

namespace {

class BatchChecker {
public:
  BatchChecker(func::FuncOp func, StringRef batchName)
      : func(func), batch(batchName.str()) {}

  LogicalResult run();
  llvm::DenseSet<Value> tagged;

private:
  bool isTagged(Value v) const { return tagged.contains(v); }
  static int64_t rank(Value v) {
    return cast<ShapedType>(v.getType()).getRank();
  }
  static int64_t dim0(Value v) {
    auto t = cast<ShapedType>(v.getType());
    return t.getRank() ? t.getDimSize(0) : -1;
  }
  /// An untagged operand that broadcasts against a tagged result of rank
  /// `r` without touching the batch: fewer dimensions, or dim 0 == 1.
  static bool broadcastsOverBatch(Value v, int64_t r) {
    return rank(v) < r || dim0(v) == 1;
  }
  /// Refuses `op`, saying what about it mixes the batch.
  LogicalResult mixes(Operation *op, const Twine &why) {
    return op->emitError()
           << why << " mixes the elements of the batch '" << batch
           << "'; dsc runs a model with a symbolic batch once per sample, so "
              "specialize it with --shape "
           << batch << "=<size>";
  }
  LogicalResult visit(Operation *op);
  LogicalResult visitTagged(Operation *op);

  func::FuncOp func;
  std::string batch;
};

LogicalResult BatchChecker::visit(Operation *op) {
  if (isa<func::ReturnOp, YieldOp>(op))
    return success();
  if (auto kernel = dyn_cast<KernelOp>(op)) {
    // The body was visited first (post-order): results follow the yields.
    for (auto [res, y] : llvm::zip(kernel.getResults(), kernel.getYielded()))
      if (isTagged(y))
        tagged.insert(res);
    return success();
  }
  // Nothing per-sample flows in: the op computes the same value for every
  // sample, whatever it is.
  if (llvm::none_of(op->getOperands(), [&](Value v) { return isTagged(v); }))
    return success();
  if (failed(visitTagged(op)))
    return failure();
  for (Value r : op->getResults()) {
    // Every accepted op keeps the batch at dim 0 (size 1 per sample).
    if (dim0(r) != 1)
      return mixes(op, "a result without the batch as its first dimension");
    tagged.insert(r);
  }
  return success();
}

LogicalResult BatchChecker::visitTagged(Operation *op) {
  auto onlyFirstTagged = [&]() {
    return llvm::all_of(op->getOperands().drop_front(),
                        [&](Value v) { return !isTagged(v); });
  };
  auto operandOnlyData = [&](StringRef what) -> LogicalResult {
    if (!isTagged(op->getOperand(0)) || !onlyFirstTagged())
      return mixes(op, Twine("per-sample ") + what);
    return success();
  };

  if (op->hasTrait<OpTrait::ElementwiseBroadcast>()) {
    // Numpy broadcasting: a per-sample operand must have the result's rank
    // (else leading dimensions would come before the batch); a shared one
    // must not have a batch-sized dim 0 of its own.
    int64_t r = rank(op->getResult(0));
    for (Value v : op->getOperands()) {
      if (isTagged(v) ? rank(v) != r : !broadcastsOverBatch(v, r))
        return mixes(op, "broadcasting that moves the batch dimension");
    }
    return success();
  }
  if (auto mm = dyn_cast<MatMulOp>(op)) {
    Value a = mm.getLhs(), b = mm.getRhs();
    bool ta = isTagged(a), tb = isTagged(b);
    int64_t ra = rank(a), rb = rank(b);
    // Batch as a row of A (rank 2) or as a leading batch dimension of A
    // and/or B; never as a contracted dimension or a column.
    if (ta && tb && ra >= 3 && ra == rb)
      return success();
    if (ta && !tb && ra >= 2 &&
        (rb <= 2 || rb < ra || (rb == ra && dim0(b) == 1)))
      return success();
    if (!ta && tb && rb >= 3 && (ra < rb || dim0(a) == 1))
      return success();
    return mixes(op, "a matrix product over the batch dimension");
  }
  if (auto gemm = dyn_cast<GemmOp>(op)) {
    // Rows of A are samples; B and C are shared (C broadcasts over rows).
    bool ok =
        isTagged(gemm.getA()) && !gemm.getTransA() && !isTagged(gemm.getB());
    if (Value c = gemm.getC())
      ok &= isTagged(c) ? rank(c) == 2 : broadcastsOverBatch(c, 2);
    return ok ? success() : mixes(op, "a Gemm over the batch dimension");
  }
  if (isa<ConvOp, ConvTransposeOp, MaxPoolOp, AvgPoolOp, GlobalAvgPoolOp,
          BatchNormOp>(op))
    return operandOnlyData("data in a weight or statistics operand");
  if (auto rz = dyn_cast<ResizeOp>(op)) {
    // Dim 0 must keep its size and, when cropping, its whole range.
    ArrayRef<double> scales = rz.getScales(), roi = rz.getRoi();
    int64_t r = rank(rz.getInput());
    bool crops = rz.getCoordinateTransformationMode() == "tf_crop_and_resize" &&
                 static_cast<int64_t>(roi.size()) == 2 * r &&
                 (roi[0] != 0.0 || roi[r] != 1.0);
    // (A scale or roi read at run time for dim 0 could resize it.)
    std::optional<ArrayRef<int64_t>> runtimeAxes = rz.getRuntimeAxes();
    bool runtimeDim0 = runtimeAxes && !runtimeAxes->empty() &&
                       (*runtimeAxes)[0] >= 0;
    if (scales.empty() || scales[0] != 1.0 || dim0(rz.getResult()) != 1 ||
        crops || runtimeDim0)
      return mixes(op, "a resize along axis 0");
    for (Value v : op->getOperands().drop_front())
      if (isTagged(v))
        return mixes(op, "per-sample resize scales or roi");
    return success();
  }
  if (auto tk = dyn_cast<TopKOp>(op))
    return tk.getAxis() == 0 ? mixes(op, "a top-k selection over axis 0")
                             : success();
  if (auto ln = dyn_cast<LayerNormOp>(op)) {
    if (ln.getAxis() < 1)
      return mixes(op, "normalization over axis 0");
    return operandOnlyData("scale or bias");
  }
  if (auto sm = dyn_cast<SoftmaxOp>(op))
    return sm.getAxis() == 0 ? mixes(op, "softmax over axis 0") : success();
  if (auto red = dyn_cast<ReduceOp>(op))
    return llvm::is_contained(red.getAxes(), 0)
               ? mixes(op, "a reduction over axis 0")
               : success();
  if (auto arg = dyn_cast<ArgReduceOp>(op))
    return arg.getAxis() == 0 ? mixes(op, "an arg-reduction over axis 0")
                              : success();
  if (auto att = dyn_cast<AttentionOp>(op)) {
    // Heads and positions attend within one sample: Q per sample, K, V and
    // the mask per sample too or shared.
    int64_t r = rank(att.getQ());
    if (!isTagged(att.getQ()))
      return mixes(op, "attention of shared queries over per-sample keys");
    for (Value v : op->getOperands().drop_front())
      if (isTagged(v) ? rank(v) != r : !broadcastsOverBatch(v, r))
        return mixes(op, "attention broadcasting over the batch dimension");
    return success();
  }
  if (auto rs = dyn_cast<ReshapeOp>(op)) {
    // Per sample [1, ...] -> [1, ...]. (Whether the ONNX target shape
    // really kept dim 0 as the batch, rather than e.g. [1, N*K], is checked
    // by the importer, which imports the model a second time at batch 2.)
    if (dim0(rs.getInput()) != 1 || dim0(rs.getResult()) != 1)
      return mixes(op, "a reshape that does not keep the batch as dim 0");
    return success();
  }
  if (auto tr = dyn_cast<TransposeOp>(op))
    return tr.getPerm().empty() || tr.getPerm()[0] != 0
               ? mixes(op, "a transpose that moves dim 0")
               : success();
  if (auto cc = dyn_cast<ConcatOp>(op)) {
    // A shared part (the verifier makes its dim 0 == 1) is a block that
    // repeats per sample, like Pad's constant border. (A shared [1, ...]
    // tensor that does not repeat, which ONNX concatenates only at batch 1,
    // fails the importer's import at batch 2.)
    if (cc.getAxis() == 0)
      return mixes(op, "concatenation along axis 0");
    return success();
  }
  if (auto sl = dyn_cast<SliceOp>(op)) {
    if (sl.getStarts().empty() || sl.getStarts()[0] != 0 ||
        sl.getSteps()[0] != 1)
      return mixes(op, "a slice along axis 0");
    return success();
  }
  if (auto g = dyn_cast<GatherOp>(op)) {
    bool td = isTagged(g.getData()), ti = isTagged(g.getIndices());
    // Per-sample data indexed along a later axis, or a shared table (an
    // embedding) looked up with per-sample indices along axis 0.
    if ((td && !ti && g.getAxis() != 0) ||
        (!td && ti && g.getAxis() == 0 && rank(g.getIndices()) >= 1))
      return success();
    return mixes(op, "a gather across the batch dimension");
  }
  if (auto g = dyn_cast<GatherElementsOp>(op)) {
    if (isTagged(g.getData()) && isTagged(g.getIndices()) && g.getAxis() != 0)
      return success();
    return mixes(op, "a gather across the batch dimension");
  }
  if (auto s = dyn_cast<ScatterElementsOp>(op)) {
    if (llvm::all_of(op->getOperands(), [&](Value v) { return isTagged(v); }) &&
        s.getAxis() != 0)
      return success();
    return mixes(op, "a scatter across the batch dimension");
  }
  return op->emitError()
         << "dsc cannot tell whether '" << op->getName()
         << "' keeps the elements of the batch '" << batch
         << "' apart; dsc runs a model with a symbolic batch once per "
            "sample, so specialize it with --shape "
         << batch << "=<size>";
}

LogicalResult BatchChecker::run() {
  auto inputs = func->getAttrOfType<DenseI64ArrayAttr>("dsc.batch_inputs");
  if (!inputs)
    return success();
  for (int64_t i : inputs.asArrayRef()) {
    if (i < 0 || i >= int64_t(func.getNumArguments()))
      return func.emitError() << "dsc.batch_inputs names argument " << i
                              << ", which does not exist";
    Value arg = func.getArgument(i);
    if (dim0(arg) != 1)
      return func.emitError()
             << "batch input " << i << " must have dim 0 == 1 (one sample)";
    tagged.insert(arg);
  }
  WalkResult walk = func.walk([&](Operation *op) {
    return failed(visit(op)) ? WalkResult::interrupt() : WalkResult::advance();
  });
  if (walk.wasInterrupted())
    return failure();

  // Outputs: per-sample results are the batched outputs; one declared with
  // the batch must be one of them.
  auto ret = cast<func::ReturnOp>(func.getBody().front().getTerminator());
  auto names = func->getAttrOfType<ArrayAttr>("dsc.output_names");
  auto declared = func->getAttrOfType<DenseI64ArrayAttr>("dsc.batch_outputs");
  SmallVector<int64_t> outputs;
  for (auto [i, v] : llvm::enumerate(ret.getOperands())) {
    bool isDeclared =
        declared && llvm::is_contained(declared.asArrayRef(), int64_t(i));
    // A declared per-sample output of zero elements has nothing to compute.
    if (isTagged(v) ||
        (isDeclared && cast<RankedTensorType>(v.getType()).getNumElements() ==
                           0)) {
      outputs.push_back(i);
    } else if (isDeclared) {
      std::string name = names && i < names.size()
                             ? cast<StringAttr>(names[i]).str()
                             : std::to_string(i);
      return ret.emitError()
             << "graph output '" << name << "' is declared with the batch '"
             << batch << "' but is not computed sample by sample; specialize "
             << "the model with --shape " << batch << "=<size>";
    }
  }
  func->setAttr("dsc.batch_outputs",
                DenseI64ArrayAttr::get(func.getContext(), outputs));
  return success();
}

struct DSCCheckBatchPass : impl::DSCCheckBatchBase<DSCCheckBatchPass> {
  void runOnOperation() override {
    if (failed(checkBatchSeparable(getOperation())))
      signalPassFailure();
  }
};

} // namespace

LogicalResult checkBatchSeparable(func::FuncOp func,
                                  llvm::DenseSet<Value> *batchValues) {
  StringRef name = "N";
  if (auto module = func->getParentOfType<ModuleOp>())
    if (auto attr = module->getAttrOfType<StringAttr>("dsc.dynamic_batch"))
      name = attr.getValue();
  BatchChecker checker(func, name);
  if (failed(checker.run()))
    return failure();
  if (batchValues)
    *batchValues = std::move(checker.tagged);
  return success();
}

} // namespace dsc
