//===- Passes.h - dsc graph fusion passes -----------------------*- C++ -*-===//
#ifndef DSC_PASSES_FUSION_PASSES_H
#define DSC_PASSES_FUSION_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Pass/Pass.h"

namespace dsc {
#define GEN_PASS_DECL
#include "dsc/Passes/Fusion/Passes.h.inc"
#define GEN_PASS_REGISTRATION
#include "dsc/Passes/Fusion/Passes.h.inc"
} // namespace dsc

#endif // DSC_PASSES_FUSION_PASSES_H
