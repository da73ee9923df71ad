//===- Utils.h - small helpers shared by dsc passes -------------*- C++ -*-===//
#ifndef DSC_DIALECT_UTILS_H
#define DSC_DIALECT_UTILS_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"

namespace dsc {

/// A dense attribute of float tensor type `type` holding `values`, each
/// rounded to nearest in the element type (f32, f16, bf16, f64).
mlir::DenseElementsAttr denseFloatAttr(mlir::RankedTensorType type,
                                       llvm::ArrayRef<double> values);

} // namespace dsc

#endif // DSC_DIALECT_UTILS_H
