//===- UnshareInits.cpp - one init per in-place writer --------------------===//
//
// CSE merges identical side-effect free producers of accumulator inits (a
// zero fill of a tensor.empty, a bias broadcast into one), so one value can
// be the DPS init of several ops that update it in place: every layer's
// FFN matmul of a transformer accumulates into the same zero tensor. One-shot
// bufferization then gives that value one buffer and each extra writer a
// copy of it (a fill, then a copy of the whole accumulator per layer, which
// the contraction kernel reads back instead of starting from its init). Here
// each such writer gets its own clone of the producer, just before it, so
// every init bufferizes in place and stays the kernel's init op.
//
//===----------------------------------------------------------------------===//
#include "dsc/Target/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;

namespace dsc {
#define GEN_PASS_DEF_DSCUNSHAREINITS
#include "dsc/Target/Passes.h.inc"

namespace {

/// A linalg op on tensors that only materializes constants: its init a
/// tensor.empty, its inputs constants, its payload free of side effects.
bool producesConstantInit(linalg::LinalgOp op) {
  if (!op || !op.hasPureTensorSemantics() || op->getNumResults() != 1 ||
      op.getNumDpsInits() != 1 ||
      !op.getDpsInits()[0].getDefiningOp<tensor::EmptyOp>())
    return false;
  return llvm::all_of(op.getDpsInputs(), [](Value in) {
    return matchPattern(in, m_Constant());
  });
}

struct DSCUnshareInitsPass
    : impl::DSCUnshareInitsBase<DSCUnshareInitsPass> {
  void runOnOperation() override {
    SmallVector<linalg::LinalgOp> producers;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (producesConstantInit(op))
        producers.push_back(op);
    });
    for (linalg::LinalgOp producer : producers) {
      Value v = producer->getResult(0);
      SmallVector<OpOperand *> writes;
      for (OpOperand &use : v.getUses())
        if (auto user = dyn_cast<DestinationStyleOpInterface>(use.getOwner());
            user && user.isDpsInit(&use) &&
            user->getBlock() == producer->getBlock())
          writes.push_back(&use);
      // Every writer gets a clone but the first in block order, which keeps
      // the original where nothing else reads it.
      bool readers = llvm::range_size(v.getUses()) != writes.size();
      if (writes.empty() || (writes.size() == 1 && !readers))
        continue;
      llvm::sort(writes, [](OpOperand *a, OpOperand *b) {
        return a->getOwner()->isBeforeInBlock(b->getOwner());
      });
      bool keepFirst = !readers;
      for (auto [i, use] : llvm::enumerate(writes)) {
        if (i == 0 && keepFirst)
          continue;
        OpBuilder b(use->getOwner());
        Operation *empty =
            b.clone(*producer.getDpsInits()[0].getDefiningOp());
        IRMapping map;
        map.map(producer.getDpsInits()[0], empty->getResult(0));
        Operation *clone = b.clone(*producer, map);
        use->set(clone->getResult(0));
      }
    }
  }
};

} // namespace
} // namespace dsc
