//===- OutlineParallel.cpp - parallel loops onto the runtime thread pool --===//
//
// The generated code never creates threads: a parallel loop becomes a
// function over a range of linearized iterations, and the runtime's
// dsc_parallel_for splits the range over its pool (the C glue bridges the
// runtime's `void (*)(void *, int64_t, int64_t)` to the outlined function).
//
//===----------------------------------------------------------------------===//
#include "dsc/Target/Passes.h"

#include "BufferAlias.h"

#include "mlir/Dialect/AMX/AMXDialect.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "llvm/ADT/StringSet.h"

#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

using namespace mlir;

namespace dsc {
#define GEN_PASS_DEF_DSCOUTLINEPARALLEL
#include "dsc/Target/Passes.h.inc"

namespace {

/// Static trip count of one dimension of a loop, or nullopt.
std::optional<int64_t> tripCount(Value lb, Value ub, Value step) {
  std::optional<int64_t> l = getConstantIntValue(lb),
                         u = getConstantIntValue(ub),
                         s = getConstantIntValue(step);
  if (!s || *s <= 0)
    return std::nullopt;
  if (l && u)
    return std::max<int64_t>(0, (*u - *l + *s - 1) / *s);
  // A block of a loop: from lb to lb + c (a reduction block of a kernel,
  // whose start is an outer loop's index), c / step trips.
  if (auto add = ub.getDefiningOp<arith::AddIOp>()) {
    Value other = add.getLhs() == lb   ? add.getRhs()
                  : add.getRhs() == lb ? add.getLhs()
                                       : Value();
    if (std::optional<int64_t> c =
            other ? getConstantIntValue(other) : std::nullopt)
      return std::max<int64_t>(0, (*c + *s - 1) / *s);
  }
  return std::nullopt;
}

/// Names of the module's constant globals (the weights).
llvm::StringSet<> constantGlobals(ModuleOp module) {
  llvm::StringSet<> names;
  for (auto global : module.getOps<memref::GlobalOp>())
    if (global.getConstant())
      names.insert(global.getSymName());
  return names;
}

/// A vector load of constant weights counts its elements: weights stream
/// from memory or L3 at about an element per cycle, so a matrix-vector
/// product (one FMA per weight) costs its weight stream, not its ops.
int64_t streamedElements(Operation *op, const llvm::StringSet<> &weights) {
  auto load = dyn_cast<vector::LoadOp>(op);
  if (!load || !weights.contains(trace(load.getBase()).global))
    return 1;
  return load.getVectorType().getNumElements();
}

/// Static trips of `op` if it is a loop (every dimension of a parallel
/// one), unknown trip counts taken as 1; 1 for any other op.
int64_t tripsOf(Operation *op) {
  int64_t trips = 1;
  auto count = [&](Value lb, Value ub, Value step) {
    trips *= std::max<int64_t>(tripCount(lb, ub, step).value_or(1), 1);
  };
  if (auto f = dyn_cast<scf::ForOp>(op))
    count(f.getLowerBound(), f.getUpperBound(), f.getStep());
  else if (auto par = dyn_cast<scf::ParallelOp>(op))
    for (auto [lb, ub, step] :
         llvm::zip(par.getLowerBound(), par.getUpperBound(), par.getStep()))
      count(lb, ub, step);
  return trips;
}

/// Operations `loop` executes: its iterations times, for every op in its
/// body, the static trip counts of the loops around it inside `loop` (a
/// nested parallel loop runs sequentially in this one's body: a global
/// pooling band's channels). Ops, not innermost iterations, so that a
/// register-blocked vector tile (a few hundred FMAs per iteration of a
/// short reduction) counts for its work.
int64_t estimateWork(scf::ParallelOp loop, int64_t iterations,
                     const llvm::StringSet<> &weights) {
  constexpr int64_t kCap = int64_t(1) << 40;
  int64_t ops = 0;
  loop.getBody()->walk([&](Operation *op) {
    if (op->getNumRegions() != 0 || op->hasTrait<OpTrait::IsTerminator>())
      return;
    int64_t weight = streamedElements(op, weights);
    for (Operation *p = op->getParentOp(); p && p != loop; p = p->getParentOp())
      weight = std::min<int64_t>(weight * tripsOf(p), kCap);
    ops = std::min<int64_t>(ops + weight, kCap);
  });
  return std::min<int64_t>(iterations * std::max<int64_t>(ops, 1), kCap);
}

/// Clones into `b` (recursively) the side-effect-free, region-free ops that
/// define `v` outside `loop`, mapping entry arguments via `map`. Fails on a
/// value that cannot be re-created (e.g. the result of a write).
LogicalResult rematerialize(Value v, Operation *loop, OpBuilder &b,
                            IRMapping &map) {
  if (map.contains(v))
    return success();
  Operation *def = v.getDefiningOp();
  if (!def)
    return failure(); // a block argument that is not an entry argument
  if (def->getNumRegions() != 0 || !isMemoryEffectFree(def))
    return failure();
  for (Value operand : def->getOperands())
    if (failed(rematerialize(operand, loop, b, map)))
      return failure();
  b.clone(*def, map);
  return success();
}

/// Chunks a split loop should offer at least (load balance for pools of up
/// to a few dozen threads).
constexpr int64_t kMinChunks = 64;

struct DSCOutlineParallelPass
    : impl::DSCOutlineParallelBase<DSCOutlineParallelPass> {
  using Base::Base;
  /// The module's constant globals, for estimateWork.
  llvm::StringSet<> weights;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<func::FuncOp> entries;
    for (auto f : module.getOps<func::FuncOp>())
      if (!f.isExternal() && f->hasAttr("dsc.arena_bytes"))
        entries.push_back(f);
    weights = constantGlobals(module);
    for (func::FuncOp entry : entries)
      if (failed(outline(entry)))
        return signalPassFailure();
  }

  LogicalResult outline(func::FuncOp entry) {
    MLIRContext *ctx = &getContext();
    OpBuilder b(ctx);
    Type ptrType = LLVM::LLVMPointerType::get(ctx);
    // Arguments the outlined bodies receive: the entry's own, before ctx.
    unsigned numArgs = entry.getNumArguments();
    if (failed(entry.insertArgument(numArgs, ptrType, b.getDictionaryAttr({}),
                                    entry.getLoc())))
      return entry.emitError("cannot add the runtime context argument");
    Block &body = entry.getBody().front();
    Value ctxArg = body.getArgument(numArgs);
    SmallVector<Type> argTypes(entry.getArgumentTypes().take_front(numArgs));

    SmallVector<int64_t> tripCounts;
    SmallVector<scf::ParallelOp> loops(body.getOps<scf::ParallelOp>());
    for (scf::ParallelOp loop : loops) {
      if (!loop.getInitVals().empty())
        continue;
      SmallVector<int64_t> counts;
      for (auto [lb, ub, step] : llvm::zip(
               loop.getLowerBound(), loop.getUpperBound(), loop.getStep())) {
        std::optional<int64_t> n = tripCount(lb, ub, step);
        if (!n)
          break;
        counts.push_back(*n);
      }
      if (counts.size() != loop.getNumLoops())
        continue;
      int64_t total = 1;
      for (int64_t c : counts)
        total *= c;
      // A loop on AMX tiles always gets a function of its own: LLVM
      // configures the tile registers per function (ldtilecfg), and an
      // entry holding several small kernels' tiles ran out of them.
      bool amx = loop.getBody()
                     ->walk([](Operation *op) {
                       return isa<amx::AMXDialect>(op->getDialect())
                                  ? WalkResult::interrupt()
                                  : WalkResult::advance();
                     })
                     .wasInterrupted();
      if (!amx && (total < 2 || estimateWork(loop, total, weights) < minWork))
        continue;
      // Split only the shortest prefix of dimensions that gives enough
      // chunks; the remaining dimensions stay a structured inner loop nest
      // (cheap to index, vectorizable).
      size_t prefix = 0;
      int64_t iterations = 1;
      while (prefix < counts.size() && iterations < kMinChunks)
        iterations *= counts[prefix++];

      // The outlined body: for i in [begin, end): delinearize, run.
      int64_t k = tripCounts.size();
      std::string name = (entry.getSymName() + "_par" + Twine(k)).str();
      SmallVector<Type> parTypes(argTypes);
      parTypes.append({b.getIndexType(), b.getIndexType()});
      b.setInsertionPointAfter(entry);
      auto par = func::FuncOp::create(b, loop.getLoc(), name,
                                      b.getFunctionType(parTypes, {}));
      Block *parBody = par.addEntryBlock();
      b.setInsertionPointToStart(parBody);
      IRMapping map;
      for (unsigned i = 0; i < numArgs; ++i)
        map.map(body.getArgument(i), parBody->getArgument(i));
      bool ok = true;
      loop.getBody()->walk([&](Operation *op) {
        for (Value operand : op->getOperands())
          if (!loop->isAncestor(operand.getParentRegion()->getParentOp()) &&
              failed(rematerialize(operand, loop, b, map)))
            ok = false;
      });
      for (Value bound : llvm::concat<Value>(
               loop.getLowerBound(), loop.getUpperBound(), loop.getStep()))
        if (failed(rematerialize(bound, loop, b, map)))
          ok = false;
      if (!ok || map.contains(ctxArg)) {
        par.erase();
        continue;
      }
      Location loc = loop.getLoc();
      Value one = arith::ConstantIndexOp::create(b, loc, 1);
      auto forOp = scf::ForOp::create(b, loc, parBody->getArgument(numArgs),
                                      parBody->getArgument(numArgs + 1), one);
      func::ReturnOp::create(b, loc);
      b.setInsertionPointToStart(forOp.getBody());
      Value rest = forOp.getInductionVar();
      for (int64_t d = prefix - 1; d >= 0; --d) {
        Value count = arith::ConstantIndexOp::create(b, loc, counts[d]);
        Value idx = d == 0 ? rest : arith::RemUIOp::create(b, loc, rest, count);
        if (d > 0)
          rest = arith::DivUIOp::create(b, loc, rest, count);
        Value scaled =
            arith::MulIOp::create(b, loc, idx, map.lookup(loop.getStep()[d]));
        Value iv = arith::AddIOp::create(b, loc, scaled,
                                         map.lookup(loop.getLowerBound()[d]));
        map.map(loop.getInductionVars()[d], iv);
      }
      if (prefix < loop.getNumLoops()) {
        auto mapped = [&](OperandRange values) {
          SmallVector<Value> out;
          for (Value v : values.drop_front(prefix))
            out.push_back(map.lookup(v));
          return out;
        };
        auto inner = scf::ParallelOp::create(
            b, loc, mapped(loop.getLowerBound()), mapped(loop.getUpperBound()),
            mapped(loop.getStep()));
        for (size_t d = prefix; d < loop.getNumLoops(); ++d)
          map.map(loop.getInductionVars()[d],
                  inner.getInductionVars()[d - prefix]);
        b.setInsertionPointToStart(inner.getBody());
      }
      for (Operation &op : loop.getBody()->without_terminator())
        b.clone(op, map);
      // Static stack buffers of the body (a kernel's per-tile scratch) go
      // to the function's entry block: one per call, not one more on the
      // stack every iteration.
      SmallVector<memref::AllocaOp> allocas;
      par.walk([&](memref::AllocaOp alloca) {
        if (alloca->getBlock() != parBody && alloca->getNumOperands() == 0)
          allocas.push_back(alloca);
      });
      for (memref::AllocaOp alloca : allocas)
        alloca->moveBefore(parBody, parBody->begin());

      // The loop becomes a call to the glue's launcher.
      std::string launchName =
          (entry.getSymName() + "_launch" + Twine(k)).str();
      SmallVector<Type> launchTypes = {ptrType};
      launchTypes.append(argTypes);
      b.setInsertionPoint(par);
      auto launch = func::FuncOp::create(b, loc, launchName,
                                         b.getFunctionType(launchTypes, {}));
      launch.setPrivate();
      b.setInsertionPoint(loop);
      SmallVector<Value> callArgs = {ctxArg};
      for (unsigned i = 0; i < numArgs; ++i)
        callArgs.push_back(body.getArgument(i));
      func::CallOp::create(b, loc, launch, callArgs);
      loop.erase();
      tripCounts.push_back(iterations);
    }
    entry->setAttr("dsc.parallel_trip_counts",
                   b.getDenseI64ArrayAttr(tripCounts));
    // What stays in the entry is many small loops: LLVM would unroll each
    // into one huge block whose instruction selection is superlinear, for
    // no gain. Optimizing the entry for size keeps them loops.
    entry->setAttr("passthrough", b.getArrayAttr({b.getStringAttr("optsize")}));
    return success();
  }
};

} // namespace
} // namespace dsc
