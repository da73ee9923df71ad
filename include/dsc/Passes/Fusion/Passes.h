//===- Passes.h - dsc graph fusion passes -----------------------*- C++ -*-===//
#ifndef DSC_PASSES_FUSION_PASSES_H
#define DSC_PASSES_FUSION_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/Pass.h"
#include "llvm/ADT/DenseSet.h"

namespace dsc {
#define GEN_PASS_DECL
#include "dsc/Passes/Fusion/Passes.h.inc"
#define GEN_PASS_REGISTRATION
#include "dsc/Passes/Fusion/Passes.h.inc"

/// The dynamic-batch separability check (dsc-check-batch): for a function
/// with `dsc.batch_inputs`, tags the values whose dim 0 is the batch and
/// fails, with an error at the offending op's ONNX node, unless every op
/// keeps the samples apart. Sets `dsc.batch_outputs`. The tagged values are
/// returned in `batchValues` when given. Functions without
/// `dsc.batch_inputs` pass unchanged.
mlir::LogicalResult
checkBatchSeparable(mlir::func::FuncOp func,
                    llvm::DenseSet<mlir::Value> *batchValues = nullptr);
} // namespace dsc

#endif // DSC_PASSES_FUSION_PASSES_H
