//===- Compose.h - building an ONNX op from several dsc ops -----*- C++ -*-===//
//
// Importers of ops that are compositions of existing dsc ops (RMS, instance
// and group normalization, Lp pooling, Swish ...) chain many builders. Each
// builder here infers its result type like NodeImporter::create and returns
// a null Value after reporting at the node; a null operand propagates, so an
// importer checks once, at the end.
//
//===----------------------------------------------------------------------===//
#ifndef DSC_LIB_FRONTEND_COMPOSE_H
#define DSC_LIB_FRONTEND_COMPOSE_H

#include "NodeImporter.h"

namespace dsc {

class Composer {
public:
  explicit Composer(NodeImporter &n) : n_(n) {}

  /// A rank-0 constant of float or integer type `elem`.
  mlir::Value scalar(mlir::Type elem, double value);
  /// A constant of `type` from int64 values (converted to its element type).
  mlir::Value constant(mlir::RankedTensorType type,
                       llvm::ArrayRef<int64_t> values);

  /// Elementwise ops with numpy broadcasting.
  template <typename OpTy>
  mlir::Value binary(mlir::Value lhs, mlir::Value rhs) {
    if (!lhs || !rhs)
      return {};
    return get(n_.create<OpTy>(
        inferBroadcastType(n_.errorFn(), type(lhs), type(rhs)), lhs, rhs));
  }
  mlir::Value add(mlir::Value l, mlir::Value r) { return binary<AddOp>(l, r); }
  mlir::Value sub(mlir::Value l, mlir::Value r) { return binary<SubOp>(l, r); }
  mlir::Value mul(mlir::Value l, mlir::Value r) { return binary<MulOp>(l, r); }
  mlir::Value div(mlir::Value l, mlir::Value r) { return binary<DivOp>(l, r); }
  template <typename OpTy>
  mlir::Value compare(mlir::Value lhs, mlir::Value rhs) {
    if (!lhs || !rhs)
      return {};
    return get(n_.create<OpTy>(
        inferCompareType(n_.errorFn(), type(lhs), type(rhs)), lhs, rhs));
  }
  /// Unary ops whose result has the operand's type.
  template <typename OpTy> mlir::Value unary(mlir::Value v) {
    if (!v)
      return {};
    return get(n_.create<OpTy>(type(v), v));
  }
  mlir::Value pow(mlir::Value base, mlir::Value exponent);
  mlir::Value where(mlir::Value cond, mlir::Value x, mlir::Value y);
  mlir::Value cast(mlir::Value v, mlir::Type elem);
  mlir::Value reshape(mlir::Value v, llvm::ArrayRef<int64_t> shape);
  /// dsc.reduce of `kind` over `axes` (sorted, non-negative).
  mlir::Value reduce(mlir::Value v, llvm::StringRef kind,
                     llvm::ArrayRef<int64_t> axes, bool keepDims = true);

  static mlir::RankedTensorType type(mlir::Value v) {
    return NodeImporter::type(v);
  }

private:
  static mlir::Value get(mlir::FailureOr<mlir::Value> v) {
    return mlir::succeeded(v) ? *v : mlir::Value();
  }
  NodeImporter &n_;
};

} // namespace dsc

#endif // DSC_LIB_FRONTEND_COMPOSE_H
