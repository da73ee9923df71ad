//===- ObjectEmitter.h - LLVM dialect module to object code -----*- C++ -*-===//
#ifndef DSC_TARGET_OBJECTEMITTER_H
#define DSC_TARGET_OBJECTEMITTER_H

#include "dsc/Target/TargetInfo.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/SmallVector.h"

namespace dsc {

/// Translates an LLVM-dialect module to LLVM IR, optimizes it at O3 for
/// `target` and emits a relocatable object (position independent) in-process.
llvm::Error emitObject(mlir::ModuleOp module, const TargetInfo &target,
                       llvm::SmallVectorImpl<char> &object);

/// Initializes the LLVM targets dsc generates code for (once per process).
void initializeLLVMTargets();

} // namespace dsc

#endif // DSC_TARGET_OBJECTEMITTER_H
