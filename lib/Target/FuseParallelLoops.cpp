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

/// Where a memref value points: a root buffer (function argument, global or
/// allocation) and, for a view of the arena, its byte range.
struct BufferRange {
  Value root;
  std::optional<std::pair<int64_t, int64_t>> bytes; // [begin, end)
  StringRef global;
};

int64_t byteSize(MemRefType type) {
  if (!type.hasStaticShape() || !type.getElementType().isIntOrFloat())
    return -1;
  return type.getNumElements() *
         static_cast<int64_t>(
             llvm::divideCeil(type.getElementTypeBitWidth(), 8));
}

BufferRange trace(Value v) {
  BufferRange r;
  std::optional<std::pair<int64_t, int64_t>> bytes;
  while (true) {
    Operation *def = v.getDefiningOp();
    if (auto view = dyn_cast_or_null<memref::ViewOp>(def)) {
      APInt shift;
      int64_t size = byteSize(view.getType());
      if (!bytes && size >= 0 &&
          matchPattern(view.getByteShift(), m_ConstantInt(&shift)))
        bytes = std::make_pair(shift.getSExtValue(),
                               shift.getSExtValue() + size);
      v = view.getSource();
      continue;
    }
    if (auto get = dyn_cast_or_null<memref::GetGlobalOp>(def)) {
      r.global = get.getName();
      r.root = v;
      return r;
    }
    if (auto like = dyn_cast_or_null<ViewLikeOpInterface>(def)) {
      // Subviews, casts and reshapes stay inside their source's bytes.
      v = like.getViewSource();
      continue;
    }
    r.root = v;
    r.bytes = bytes;
    return r;
  }
}

bool mayAlias(Value a, Value b) {
  BufferRange ra = trace(a), rb = trace(b);
  if (!ra.global.empty() || !rb.global.empty())
    return ra.global == rb.global;
  if (ra.root != rb.root) {
    auto isArg = [](Value v) {
      return isa<BlockArgument>(v) &&
             isa<func::FuncOp>(
                 cast<BlockArgument>(v).getOwner()->getParentOp());
    };
    auto isAlloc = [](Value v) {
      return v.getDefiningOp<memref::AllocOp>() ||
             v.getDefiningOp<memref::AllocaOp>();
    };
    // Distinct arguments and allocations are distinct buffers.
    if ((isArg(ra.root) || isAlloc(ra.root)) &&
        (isArg(rb.root) || isAlloc(rb.root)))
      return false;
    return true;
  }
  if (ra.bytes && rb.bytes)
    return ra.bytes->first < rb.bytes->second &&
           rb.bytes->first < ra.bytes->second;
  return true;
}

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
