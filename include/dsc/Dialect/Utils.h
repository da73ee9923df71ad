//===- Utils.h - small helpers shared by dsc passes -------------*- C++ -*-===//
#ifndef DSC_DIALECT_UTILS_H
#define DSC_DIALECT_UTILS_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Operation.h"
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

/// `c` with dimension `dim` extended to `size` by zero elements (all bits
/// clear: 0.0 for floats). Elements must be whole bytes, as for
/// transposeDense.
mlir::DenseElementsAttr padDenseWithZeros(mlir::DenseElementsAttr c,
                                          unsigned dim, int64_t size);

/// `c` (of any shape with `c`'s element count) read as `sourceShape` and
/// transposed by `perm` into `resultType` (result dim d is source dim
/// perm[d]); splats stay splats. Null for elements that are not whole bytes
/// (i1, which MLIR may pack).
mlir::DenseElementsAttr transposeDense(mlir::DenseElementsAttr c,
                                       llvm::ArrayRef<int64_t> sourceShape,
                                       llvm::ArrayRef<int64_t> perm,
                                       mlir::RankedTensorType resultType);

/// The discardable attribute that DSCToLinalg puts on the contraction it
/// builds for an ONNX MatMul, Gemm or Conv (value: that op type), so that
/// later passes (the `--precision=bf16` rewrite, the report) know which
/// contractions are model weights layers and not parts of other ops
/// (attention, resize weights, pooling).
inline constexpr llvm::StringLiteral kContractionAttr = "dsc.contraction";
inline void markContraction(mlir::Operation *op, llvm::StringRef kind) {
  op->setAttr(kContractionAttr, mlir::StringAttr::get(op->getContext(), kind));
}

} // namespace dsc

#endif // DSC_DIALECT_UTILS_H
