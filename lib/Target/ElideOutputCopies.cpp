//===- ElideOutputCopies.cpp - results straight into out-parameters -------===//
#include "dsc/Target/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

using namespace mlir;

namespace dsc {
#define GEN_PASS_DEF_DSCELIDEOUTPUTCOPIES
#include "dsc/Target/Passes.h.inc"

namespace {

/// True when every use of `root` (or of a view of it) other than `copy` comes
/// before `copy` in its block.
bool allUsesBefore(Value root, Operation *copy) {
  Block *block = copy->getBlock();
  SmallVector<Value> worklist = {root};
  while (!worklist.empty()) {
    Value v = worklist.pop_back_val();
    for (OpOperand &use : v.getUses()) {
      Operation *user = block->findAncestorOpInBlock(*use.getOwner());
      if (!user)
        return false;
      if (user == copy)
        continue;
      if (!user->isBeforeInBlock(copy))
        return false;
      if (auto view = dyn_cast<ViewLikeOpInterface>(use.getOwner()))
        for (Value r : use.getOwner()->getResults())
          if (isa<BaseMemRefType>(r.getType()))
            worklist.push_back(r);
    }
  }
  return true;
}

struct DSCElideOutputCopiesPass
    : impl::DSCElideOutputCopiesBase<DSCElideOutputCopiesPass> {
  void runOnOperation() override {
    for (auto func : getOperation().getOps<func::FuncOp>()) {
      if (func.isExternal())
        continue;
      SmallVector<memref::CopyOp> copies;
      for (auto copy : func.getBody().front().getOps<memref::CopyOp>())
        copies.push_back(copy);
      for (memref::CopyOp copy : copies) {
        auto arg = dyn_cast<BlockArgument>(copy.getTarget());
        auto alloc = copy.getSource().getDefiningOp<memref::AllocOp>();
        if (!arg || arg.getOwner() != &func.getBody().front() || !alloc ||
            !arg.hasOneUse() || alloc.getType() != arg.getType() ||
            alloc->getBlock() != copy->getBlock() ||
            !allUsesBefore(alloc, copy))
          continue;
        copy.erase();
        alloc.replaceAllUsesWith(arg);
        alloc.erase();
      }
    }
  }
};

} // namespace
} // namespace dsc
