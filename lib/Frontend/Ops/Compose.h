//===- Compose.h - building an ONNX op from existing dsc ops ----*- C++ -*-===//
//
// Importers that compose one ONNX op from many dsc ops (the recurrent
// cells, Einsum, the losses) check their inputs' shapes first; the steps
// after that cannot fail, so this helper builds each op with a result type
// computed from its operands and returns a plain Value. Ops on constants
// fold as they are built (weights stay constants).
//
//===----------------------------------------------------------------------===//
#ifndef DSC_LIB_FRONTEND_OPS_COMPOSE_H
#define DSC_LIB_FRONTEND_OPS_COMPOSE_H

#include "../NodeImporter.h"

namespace dsc {

class Composer {
public:
  explicit Composer(NodeImporter &n) : n_(n) {}

  static RankedTensorType type(mlir::Value v) {
    return mlir::cast<RankedTensorType>(v.getType());
  }
  static llvm::ArrayRef<int64_t> shape(mlir::Value v) {
    return type(v).getShape();
  }

  // numpy-broadcasting binary ops of one element type.
  mlir::Value add(mlir::Value a, mlir::Value b);
  mlir::Value sub(mlir::Value a, mlir::Value b);
  mlir::Value mul(mlir::Value a, mlir::Value b);
  mlir::Value div(mlir::Value a, mlir::Value b);
  /// An i1 tensor: a < b, a == b.
  mlir::Value less(mlir::Value a, mlir::Value b);
  mlir::Value equal(mlir::Value a, mlir::Value b);
  mlir::Value where(mlir::Value cond, mlir::Value a, mlir::Value b);
  /// numpy matmul (batch dimensions broadcast).
  mlir::Value matmul(mlir::Value a, mlir::Value b);

  /// Slice of `sizes` elements from `starts` by `steps` (default 1).
  mlir::Value slice(mlir::Value v, llvm::ArrayRef<int64_t> starts,
                    llvm::ArrayRef<int64_t> sizes,
                    llvm::ArrayRef<int64_t> steps = {});
  /// `size` elements along `axis` from `start`, everything elsewhere.
  mlir::Value sliceAlong(mlir::Value v, int64_t axis, int64_t start,
                         int64_t size);
  mlir::Value reshape(mlir::Value v, llvm::ArrayRef<int64_t> shape);
  mlir::Value transpose(mlir::Value v, llvm::ArrayRef<int64_t> perm);
  mlir::Value concat(llvm::ArrayRef<mlir::Value> values, int64_t axis);
  mlir::Value expand(mlir::Value v, llvm::ArrayRef<int64_t> shape);
  /// dsc.reduce of `kind` over sorted, unique `axes`.
  mlir::Value reduce(mlir::Value v, llvm::StringRef kind,
                     llvm::ArrayRef<int64_t> axes, bool keepDims);
  mlir::Value cast(mlir::Value v, mlir::Type elem);
  mlir::Value clip(mlir::Value v, double lo, double hi);

  /// A rank-0 constant, and a constant of `shape` filled with `value`.
  mlir::Value scalar(mlir::Type elem, double value);
  mlir::Value splat(llvm::ArrayRef<int64_t> shape, mlir::Type elem,
                    double value);

  /// A unary op whose result has its operand's type.
  template <typename OpTy, typename... Attrs>
  mlir::Value unary(mlir::Value v, Attrs &&...attrs) {
    return n_.builder().createOrFold<OpTy>(n_.loc(), v.getType(), v,
                                           std::forward<Attrs>(attrs)...);
  }

private:
  template <typename OpTy>
  mlir::Value binary(mlir::Value a, mlir::Value b, mlir::Type elem);

  NodeImporter &n_;
};

} // namespace dsc

#endif // DSC_LIB_FRONTEND_OPS_COMPOSE_H
