//===- Utils.h - small helpers shared by dsc passes -------------*- C++ -*-===//
#ifndef DSC_DIALECT_UTILS_H
#define DSC_DIALECT_UTILS_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Value.h"

#include <optional>

namespace dsc {

/// A dense attribute of float tensor type `type` holding `values`, each
/// rounded to nearest in the element type (f32, f16, bf16, f64).
mlir::DenseElementsAttr denseFloatAttr(mlir::RankedTensorType type,
                                       llvm::ArrayRef<double> values);

/// The values of a constant float tensor in double precision, or nothing
/// when `v` is not a constant.
std::optional<llvm::SmallVector<double>> constantFloatValues(mlir::Value v);

} // namespace dsc

#endif // DSC_DIALECT_UTILS_H
