//===- BufferAlias.h - which memrefs of an entry may share bytes -*- C++ -*-===//
//
// The alias model of the entry's ABI, shared by the passes that reorder or
// merge memory accesses (dsc-fuse-parallel-loops, dsc-contraction-kernels):
// every memref argument (inputs, outputs, weights, the arena) is a distinct
// buffer, globals are distinct from each other and from arguments, and two
// views of the arena alias only when their byte ranges overlap. MLIR's
// generic alias analysis must assume that any two function arguments may
// alias.
//
//===----------------------------------------------------------------------===//
#ifndef DSC_LIB_TARGET_BUFFERALIAS_H
#define DSC_LIB_TARGET_BUFFERALIAS_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

namespace dsc {

/// Where a memref value points: a root buffer (function argument, global or
/// allocation) and, for a view of the arena, its byte range.
struct BufferRange {
  mlir::Value root;
  std::optional<std::pair<int64_t, int64_t>> bytes; // [begin, end)
  llvm::StringRef global;
};

inline int64_t byteSize(mlir::MemRefType type) {
  if (!type.hasStaticShape() || !type.getElementType().isIntOrFloat())
    return -1;
  return type.getNumElements() *
         static_cast<int64_t>(
             llvm::divideCeil(type.getElementTypeBitWidth(), 8));
}

inline BufferRange trace(mlir::Value v) {
  BufferRange r;
  std::optional<std::pair<int64_t, int64_t>> bytes;
  while (true) {
    mlir::Operation *def = v.getDefiningOp();
    if (auto view = llvm::dyn_cast_or_null<mlir::memref::ViewOp>(def)) {
      llvm::APInt shift;
      int64_t size = byteSize(view.getType());
      if (!bytes && size >= 0 &&
          mlir::matchPattern(view.getByteShift(), mlir::m_ConstantInt(&shift)))
        bytes = std::make_pair(shift.getSExtValue(),
                               shift.getSExtValue() + size);
      v = view.getSource();
      continue;
    }
    if (auto get = llvm::dyn_cast_or_null<mlir::memref::GetGlobalOp>(def)) {
      r.global = get.getName();
      r.root = v;
      return r;
    }
    if (auto like = llvm::dyn_cast_or_null<mlir::ViewLikeOpInterface>(def)) {
      // Subviews, casts and reshapes stay inside their source's bytes.
      v = like.getViewSource();
      continue;
    }
    r.root = v;
    r.bytes = bytes;
    return r;
  }
}

/// Whether two memrefs may share bytes: arguments, allocations and globals
/// are distinct buffers; arena views overlap only if their byte ranges do.
inline bool mayAlias(mlir::Value a, mlir::Value b) {
  BufferRange ra = trace(a), rb = trace(b);
  if (!ra.global.empty() || !rb.global.empty())
    return ra.global == rb.global;
  if (ra.root != rb.root) {
    auto isArg = [](mlir::Value v) {
      return llvm::isa<mlir::BlockArgument>(v) &&
             llvm::isa<mlir::func::FuncOp>(
                 llvm::cast<mlir::BlockArgument>(v).getOwner()->getParentOp());
    };
    auto isAlloc = [](mlir::Value v) {
      return v.getDefiningOp<mlir::memref::AllocOp>() ||
             v.getDefiningOp<mlir::memref::AllocaOp>();
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

} // namespace dsc

#endif // DSC_LIB_TARGET_BUFFERALIAS_H
