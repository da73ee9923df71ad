//===- LinalgMatchers.h - linalg op shapes the Target passes look for -*- C++ -*-===//
//
// Shared by dsc-decompose-pads (which moves the bf16 rounding of a padded
// convolution input before its pad) and dsc-contraction-kernels (which
// stores that rounding from the producer's registers).
//
//===----------------------------------------------------------------------===//
#ifndef DSC_LIB_TARGET_LINALGMATCHERS_H
#define DSC_LIB_TARGET_LINALGMATCHERS_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"

namespace dsc {

/// The float conversion (arith.extf or arith.truncf, which keep zeros zeros)
/// that `op` applies elementwise to its one input (one output, identity
/// maps, nothing else in the body), or null.
inline mlir::Operation *elementwiseFloatCast(mlir::linalg::GenericOp op) {
  if (op.getNumDpsInputs() != 1 || op.getNumDpsInits() != 1 ||
      op.getNumReductionLoops() != 0 ||
      !llvm::all_of(op.getIndexingMapsArray(),
                    [](mlir::AffineMap m) { return m.isIdentity(); }))
    return nullptr;
  mlir::Block &body = op.getRegion().front();
  mlir::Operation &cast = body.front();
  if (body.getOperations().size() != 2 ||
      !llvm::isa<mlir::arith::TruncFOp, mlir::arith::ExtFOp>(cast) ||
      cast.getOperand(0) != body.getArgument(0) ||
      body.getTerminator()->getOperand(0) != cast.getResult(0))
    return nullptr;
  return &cast;
}

} // namespace dsc

#endif // DSC_LIB_TARGET_LINALGMATCHERS_H
