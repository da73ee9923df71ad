//===- FuseParallelLoops.cpp - sibling scf.parallel fusion ---------------===//
//
// Upstream's naive sibling fusion (scf::naivelyFuseParallelOps) with an alias
// model that knows the entry's ABI: every memref argument (inputs, outputs,
// weights, the arena) is a distinct buffer, globals are distinct from each
// other and from arguments, and two views of the arena alias only when their
// byte ranges overlap. MLIR's generic alias analysis must assume that any
// two function arguments may alias, which blocks every fusion.
//
//===----------------------------------------------------------------------===//
#include "dsc/Target/Passes.h"

#include "BufferAlias.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/Transforms.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

using namespace mlir;

namespace dsc {
#define GEN_PASS_DEF_DSCFUSEPARALLELLOOPS
#include "dsc/Target/Passes.h.inc"

namespace {

struct FuseParallelLoopsPass
    : impl::DSCFuseParallelLoopsBase<FuseParallelLoopsPass> {
  void runOnOperation() override {
    getOperation()->walk([&](func::FuncOp func) {
      func->walk([&](Operation *op) {
        for (Region &region : op->getRegions())
          scf::naivelyFuseParallelOps(region, mayAlias);
      });
    });
  }
};

} // namespace
} // namespace dsc
