//===- PromoteAccumulators.cpp - reduction accumulators in registers -----===//
//
// The loop lowering of a linalg reduction reads and writes its output
// element on every step of the reduction loop:
//
//   scf.for %k { %a = memref.load %out[%i]; %r = f(%a, %in[%i, %k]);
//                memref.store %r, %out[%i] }
//
// LLVM cannot keep %out[%i] in a register when it cannot prove that %in and
// %out (two views of the one arena) do not overlap, so every step waits on a
// store-to-load forward (~5 cycles): a softmax's row max, a LayerNorm's
// mean or a squeeze-and-excitation's global average ran at a fraction of a
// cycle per element's worth of work. This pass carries such an element
// through the loop as an iter_arg instead: one load before the loop, one
// store after. It applies when the indices are loop-invariant, the loop
// writes no other memory and reads the element only there. The buffers one
// linalg op reads and writes are live together, so the memory plan never
// overlaps them. The accumulating op (add, mul, min, max) is marked
// `reassoc` so LLVM vectorizes the reduction.
//
//===----------------------------------------------------------------------===//
#include "dsc/Target/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

using namespace mlir;

namespace dsc {
#define GEN_PASS_DEF_DSCPROMOTEACCUMULATORS
#include "dsc/Target/Passes.h.inc"

namespace {

struct Candidate {
  memref::LoadOp load;
  memref::StoreOp store;
};

bool sameIndices(ValueRange a, ValueRange b) {
  return a.size() == b.size() && llvm::equal(a, b);
}

/// Load/store pairs of `loop`'s body that can become iter_args.
SmallVector<Candidate> candidates(scf::ForOp loop) {
  SmallVector<Candidate> out;
  Block *body = loop.getBody();
  for (Operation &op : *body) {
    auto store = dyn_cast<memref::StoreOp>(op);
    if (!store || !llvm::all_of(store.getIndices(), [&](Value v) {
          return loop.isDefinedOutsideOfLoop(v);
        }) || !loop.isDefinedOutsideOfLoop(store.getMemRef()))
      continue;
    memref::LoadOp load;
    for (Operation &prev : *body) {
      if (&prev == store.getOperation())
        break;
      auto l = dyn_cast<memref::LoadOp>(prev);
      if (l && l.getMemRef() == store.getMemRef() &&
          sameIndices(l.getIndices(), store.getIndices()))
        load = l;
    }
    // Not a maxnum/minnum accumulation: LLVM 22's loop vectorizer turns
    // such a reduction into a vector loop with a NaN check that skips the
    // scalar remainder when no NaN is seen (a 5-wide MaxPool window lost
    // its last column). Through memory it stays scalar and correct.
    if (load && llvm::any_of(load->getUsers(), [](Operation *user) {
          return isa<arith::MaxNumFOp, arith::MinNumFOp>(user);
        }))
      load = {};
    if (load)
      out.push_back({load, store});
  }
  if (out.empty())
    return out;
  // Every other memory access in the loop: reads of other buffers only.
  bool ok = true;
  loop.getBody()->walk([&](Operation *op) {
    if (!ok || isMemoryEffectFree(op) || op->hasTrait<OpTrait::IsTerminator>())
      return;
    if (llvm::any_of(out, [&](Candidate c) {
          return op == c.load.getOperation() || op == c.store.getOperation();
        }))
      return;
    auto effects = dyn_cast<MemoryEffectOpInterface>(op);
    if (!effects) {
      // Nested loops carry their ops' effects; anything else is unknown.
      if (!op->hasTrait<OpTrait::HasRecursiveMemoryEffects>())
        ok = false;
      return;
    }
    SmallVector<MemoryEffects::EffectInstance> list;
    effects.getEffects(list);
    for (auto &e : list) {
      if (!isa<MemoryEffects::Read>(e.getEffect())) {
        ok = false;
        return;
      }
      Value v = e.getValue();
      if (!v || llvm::any_of(out, [&](Candidate c) {
            return v == c.store.getMemRef();
          }))
        ok = false;
    }
  });
  if (!ok)
    out.clear();
  return out;
}

struct PromoteAccumulatorsPass
    : impl::DSCPromoteAccumulatorsBase<PromoteAccumulatorsPass> {
  void runOnOperation() override {
    // Innermost loops first, so a promoted inner loop's load and store
    // become the outer loop's candidates.
    SmallVector<scf::ForOp> loops;
    getOperation()->walk([&](scf::ForOp loop) { loops.push_back(loop); });
    for (scf::ForOp loop : loops) {
      SmallVector<Candidate> cs = candidates(loop);
      if (cs.empty())
        continue;
      OpBuilder b(loop);
      SmallVector<Value> inits(loop.getInitArgs());
      for (Candidate &c : cs)
        inits.push_back(memref::LoadOp::create(b, c.load.getLoc(),
                                               c.store.getMemRef(),
                                               c.store.getIndices()));
      auto newLoop = scf::ForOp::create(b, loop.getLoc(), loop.getLowerBound(),
                                        loop.getUpperBound(), loop.getStep(),
                                        inits);
      Block *newBody = newLoop.getBody();
      Block *oldBody = loop.getBody();
      IRMapping map;
      map.map(loop.getInductionVar(), newLoop.getInductionVar());
      for (auto [o, n] : llvm::zip(loop.getRegionIterArgs(),
                                   newLoop.getRegionIterArgs()))
        map.map(o, n);
      unsigned first = loop.getNumRegionIterArgs();
      for (auto [k, c] : llvm::enumerate(cs))
        map.map(c.load.getResult(), newLoop.getRegionIterArgs()[first + k]);
      // The new body may already hold a terminator (ForOp builder).
      if (!newBody->empty())
        newBody->getTerminator()->erase();
      OpBuilder nb = OpBuilder::atBlockEnd(newBody);
      for (Operation &op : oldBody->without_terminator()) {
        if (llvm::any_of(cs, [&](Candidate c) {
              return &op == c.load.getOperation() ||
                     &op == c.store.getOperation();
            }))
          continue;
        nb.clone(op, map);
      }
      // The accumulation itself (sum, product, min, max) may be reordered:
      // LLVM then vectorizes the reduction instead of waiting on one add
      // per element. ONNX fixes no order (ONNX Runtime and numpy's pairwise
      // sums use their own), and every other op keeps its semantics.
      for (auto [k, c] : llvm::enumerate(cs)) {
        Value acc = newLoop.getRegionIterArgs()[first + k];
        Operation *step = map.lookupOrDefault(c.store.getValueToStore())
                              .getDefiningOp();
        if (step && step->getBlock() == newBody &&
            isa<arith::AddFOp, arith::MulFOp, arith::MaximumFOp,
                arith::MinimumFOp>(step) &&
            llvm::is_contained(step->getOperands(), acc))
          if (auto fm = dyn_cast<arith::ArithFastMathInterface>(step))
            step->setAttr(fm.getFastMathAttrName(),
                          arith::FastMathFlagsAttr::get(
                              step->getContext(),
                              fm.getFastMathFlagsAttr().getValue() |
                                  arith::FastMathFlags::reassoc));
      }
      SmallVector<Value> yields;
      for (Value v : cast<scf::YieldOp>(oldBody->getTerminator()).getOperands())
        yields.push_back(map.lookupOrDefault(v));
      for (Candidate &c : cs)
        yields.push_back(map.lookupOrDefault(c.store.getValueToStore()));
      scf::YieldOp::create(nb, loop.getLoc(), yields);
      b.setInsertionPointAfter(newLoop);
      for (auto [k, c] : llvm::enumerate(cs))
        memref::StoreOp::create(b, c.store.getLoc(),
                                newLoop.getResult(first + k),
                                c.store.getMemRef(), c.store.getIndices());
      loop.replaceAllUsesWith(newLoop.getResults().take_front(first));
      loop.erase();
    }
  }
};

} // namespace
} // namespace dsc
