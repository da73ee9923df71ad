//===- FormKernels.cpp - group dsc ops into dsc.kernel regions ------------===//
//
// A kernel is a root (conv, matmul, gemm, or the first op of an elementwise
// chain) plus the elementwise ops that consume it at the root's shape: bias
// and residual adds, activations (relu, clip, sigmoid, SiLU's x * sigmoid(x),
// tanh, erf, ...), scales. Code generation computes the tail in place on the
// root's result inside the root's loop nest, so no intermediate tensor of
// the group is ever written to memory.
//
// Growth is greedy in program order and keeps the last "closed" group: one
// whose values are used only inside it, except the last op's result. That is
// what lets the tail run in place: nothing else reads an intermediate.
//
//===----------------------------------------------------------------------===//
#include "dsc/Dialect/DSCDialect.h"
#include "dsc/Passes/Fusion/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/Statistic.h"

using namespace mlir;

namespace dsc {
#define GEN_PASS_DEF_DSCFORMKERNELS
#include "dsc/Passes/Fusion/Passes.h.inc"

namespace {

bool isElementwise(Operation *op) {
  return op->hasTrait<OpTrait::ElementwiseBroadcast>() &&
         op->getNumResults() == 1;
}

bool isContractionRoot(Operation *op) {
  return isa<ConvOp, MatMulOp, GemmOp>(op);
}

/// The ops of one kernel, in program order; the last one's result is the
/// kernel's only result.
using Group = SmallVector<Operation *>;

/// True when every value of `ops` except the last op's result is used only
/// by ops of `ops`.
bool isClosed(ArrayRef<Operation *> ops,
              const llvm::SmallPtrSetImpl<Operation *> &members) {
  for (Operation *op : ops.drop_back())
    for (Operation *user : op->getResult(0).getUsers())
      if (!members.contains(user))
        return false;
  return true;
}

/// Grows a kernel from `root`: adds, in program order, elementwise users of
/// the group with the root's result type; returns the largest closed group.
Group growFrom(Operation *root, unsigned maxOps,
               const llvm::SmallPtrSetImpl<Operation *> &taken) {
  Type kernelType = root->getResult(0).getType();
  Group ops = {root}, best = {root};
  llvm::SmallPtrSet<Operation *, 8> members = {root};
  while (ops.size() < maxOps) {
    // The earliest eligible user of any group value.
    Operation *next = nullptr;
    for (Operation *op : ops)
      for (Operation *user : op->getResult(0).getUsers()) {
        if (members.contains(user) || taken.contains(user) ||
            !isElementwise(user) ||
            user->getBlock() != root->getBlock() ||
            user->getResult(0).getType() != kernelType)
          continue;
        if (!next || user->isBeforeInBlock(next))
          next = user;
      }
    if (!next)
      break;
    ops.push_back(next);
    members.insert(next);
    // The kernel sits where its last op was; keep ops sorted so that the
    // last one is last in the block.
    llvm::sort(ops, [](Operation *a, Operation *b) {
      return a->isBeforeInBlock(b);
    });
    if (ops.back() == next && isClosed(ops, members))
      best = ops;
  }
  return best;
}

std::string fusionName(ArrayRef<Operation *> ops) {
  std::string name;
  for (Operation *op : ops) {
    if (!name.empty())
      name += "+";
    name += op->getName().stripDialect().str();
  }
  return name;
}

/// Moves `ops` into a new dsc.kernel placed at the last op, which yields the
/// last op's result.
void formKernel(ArrayRef<Operation *> ops) {
  Operation *last = ops.back();
  OpBuilder b(last);
  SmallVector<Location> locs;
  for (Operation *op : ops)
    locs.push_back(op->getLoc());
  Value result = last->getResult(0);
  auto kernel = KernelOp::create(b, b.getFusedLoc(locs),
                                 TypeRange{result.getType()},
                                 b.getStringAttr(fusionName(ops)));
  Block *body = b.createBlock(&kernel.getBody());
  result.replaceAllUsesWith(kernel.getResult(0));
  for (Operation *op : ops)
    op->moveBefore(body, body->end());
  b.setInsertionPointToEnd(body);
  YieldOp::create(b, last->getLoc(), ValueRange{result});
}

struct FormKernelsPass : impl::DSCFormKernelsBase<FormKernelsPass> {
  using Base::Base;
  void runOnOperation() override {
    llvm::SmallPtrSet<Operation *, 32> taken;
    SmallVector<Group> groups;
    // Contraction roots first, so an elementwise op next to a conv joins the
    // conv's epilogue rather than a chain of its own.
    for (bool contractions : {true, false}) {
      getOperation()->walk([&](Operation *op) {
        if (taken.contains(op) || op->getParentOfType<KernelOp>() ||
            !isa_and_nonnull<func::FuncOp>(op->getParentOp()))
          return;
        if (contractions ? !isContractionRoot(op) : !isElementwise(op))
          return;
        Group group = growFrom(op, maxOps, taken);
        if (group.size() < 2)
          return;
        taken.insert(group.begin(), group.end());
        groups.push_back(std::move(group));
      });
    }
    for (const Group &group : groups) {
      formKernel(group);
      ++numKernels;
      numFusedOps += group.size();
    }
  }
};

} // namespace
} // namespace dsc
