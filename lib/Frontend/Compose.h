//===- Compose.h - building an ONNX op from several dsc ops -----*- C++ -*-===//
//
// Importers of ops that are compositions of existing dsc ops (RMS, instance
// and group normalization, Lp pooling, the recurrent cells, Einsum, the
// losses ...) chain many builders. Each builder infers its result type like
// NodeImporter::create, folds on constants (weights stay constants), and
// returns a null Value after reporting at the node; a null operand
// propagates, so an importer checks once, at the end.
//
//===----------------------------------------------------------------------===//
#ifndef DSC_LIB_FRONTEND_COMPOSE_H
#define DSC_LIB_FRONTEND_COMPOSE_H

#include "NodeImporter.h"
#include "dsc/Dialect/NarrowFormats.h"

#include <limits>

namespace dsc {

class Composer {
public:
  explicit Composer(NodeImporter &n) : n_(n) {}

  static mlir::RankedTensorType type(mlir::Value v) {
    return NodeImporter::type(v);
  }
  static llvm::ArrayRef<int64_t> shape(mlir::Value v) {
    return type(v).getShape();
  }

  // ---- constants ----------------------------------------------------------
  /// A rank-0 constant of float or integer type `elem`.
  mlir::Value scalar(mlir::Type elem, double value);
  /// A constant of `shape` filled with `value`.
  mlir::Value splat(llvm::ArrayRef<int64_t> shape, mlir::Type elem,
                    double value);
  /// A constant of `type` from int64 values (converted to its element type).
  mlir::Value constant(mlir::RankedTensorType type,
                       llvm::ArrayRef<int64_t> values);

  // ---- elementwise ----------------------------------------------------------
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
  /// Comparisons give i1 tensors.
  template <typename OpTy>
  mlir::Value compare(mlir::Value lhs, mlir::Value rhs) {
    if (!lhs || !rhs)
      return {};
    return get(n_.create<OpTy>(
        inferCompareType(n_.errorFn(), type(lhs), type(rhs)), lhs, rhs));
  }
  mlir::Value less(mlir::Value l, mlir::Value r) {
    return compare<LessOp>(l, r);
  }
  mlir::Value equal(mlir::Value l, mlir::Value r) {
    return compare<EqualOp>(l, r);
  }
  /// Unary ops whose result has the operand's type (`attrs` after it).
  template <typename OpTy, typename... Attrs>
  mlir::Value unary(mlir::Value v, Attrs &&...attrs) {
    if (!v)
      return {};
    return get(n_.create<OpTy>(type(v), v, std::forward<Attrs>(attrs)...));
  }
  mlir::Value pow(mlir::Value base, mlir::Value exponent);
  /// Elementwise and / or of i1 tensors (numpy broadcasting).
  mlir::Value logicalAnd(mlir::Value l, mlir::Value r);
  mlir::Value logicalOr(mlir::Value l, mlir::Value r);
  mlir::Value where(mlir::Value cond, mlir::Value x, mlir::Value y);
  /// dsc.cast to `elem`, integers read (written) as unsigned with the flags.
  mlir::Value cast(mlir::Value v, mlir::Type elem, bool inUnsigned = false,
                   bool outUnsigned = false);
  /// The numbers held by `v` if its ONNX type `onnxType` is narrow (float8,
  /// int4, ...: dsc.decode_narrow to f32 or i8), else `v` itself.
  mlir::Value decodeNarrow(mlir::Value v, int32_t onnxType);
  /// `v` (f32 for float formats) encoded as ONNX Cast does into the narrow
  /// type `format` (dsc.encode_narrow).
  mlir::Value encodeNarrow(mlir::Value v, const NarrowFormat &format,
                           bool saturate = true,
                           llvm::StringRef roundMode = "up");
  mlir::Value clip(mlir::Value v, double lo, double hi);
  /// Every element of the i1 tensor `v` is true, as a rank-0 i1 (guards).
  mlir::Value allTrue(mlir::Value v);

  // ---- linear algebra, reductions ------------------------------------------
  /// numpy matmul (batch dimensions broadcast).
  mlir::Value matmul(mlir::Value a, mlir::Value b);
  /// dsc.reduce of `kind` over `axes` (sorted, unique, non-negative).
  mlir::Value reduce(mlir::Value v, llvm::StringRef kind,
                     llvm::ArrayRef<int64_t> axes, bool keepDims = true);

  // ---- data movement --------------------------------------------------------
  /// `v` with a new static shape of as many elements (no 0 / -1 rules).
  mlir::Value reshape(mlir::Value v, llvm::ArrayRef<int64_t> shape);
  mlir::Value transpose(mlir::Value v, llvm::ArrayRef<int64_t> perm);
  mlir::Value concat(llvm::ArrayRef<mlir::Value> values, int64_t axis);
  /// numpy broadcast of `v` to `shape`.
  mlir::Value expand(mlir::Value v, llvm::ArrayRef<int64_t> shape);
  /// Slice of `sizes` elements from `starts` by `steps` (default 1); slices
  /// of constants fold.
  mlir::Value slice(mlir::Value v, llvm::ArrayRef<int64_t> starts,
                    llvm::ArrayRef<int64_t> sizes,
                    llvm::ArrayRef<int64_t> steps = {});
  /// dsc.gather: the slices of `data` at `indices` along `axis`.
  mlir::Value gather(mlir::Value data, mlir::Value indices, int64_t axis);
  /// dsc.gather_elements: `data` read at `indices` along `axis`.
  mlir::Value gatherElements(mlir::Value data, mlir::Value indices,
                             int64_t axis);
  /// dsc.scatter_elements: `updates` written (or combined by `reduction`:
  /// none, add, mul, max, min) into `data` at `indices` along `axis`.
  mlir::Value scatterElements(mlir::Value data, mlir::Value indices,
                              mlir::Value updates, int64_t axis,
                              llvm::StringRef reduction = "none");
  /// `size` elements along `axis` from `start`, everything elsewhere.
  mlir::Value sliceAlong(mlir::Value v, int64_t axis, int64_t start,
                         int64_t size);

private:
  static mlir::Value get(mlir::FailureOr<mlir::Value> v) {
    return mlir::succeeded(v) ? *v : mlir::Value();
  }
  NodeImporter &n_;
};

/// An entry of guardOperandEquals' `expected` that any value matches.
constexpr int64_t kAnyValue = std::numeric_limits<int64_t>::min();

/// Guards (NodeImporter::guard) that operand `i` of `n`, named `what`,
/// holds exactly `expected` (row-major, any shape of as many elements;
/// kAnyValue entries are not checked): shape operands taken from a
/// declared output shape where only one value gives it.
mlir::LogicalResult guardOperandEquals(NodeImporter &n, int i,
                                       llvm::StringRef what,
                                       llvm::ArrayRef<int64_t> expected);

/// The i1 scalar "the 1-D integer tensor `axes` (negative entries count
/// from `rank`) names exactly the axes of `candidate`, in any order" (same
/// length, distinct entries).
mlir::Value namesAxes(Composer &c, mlir::Value axes, int64_t rank,
                      llvm::ArrayRef<int64_t> candidate);

/// Operand `i` of `n` as a 1-D i64 tensor of `len` entries (run-time shape
/// operands); reports `what` at the node otherwise.
mlir::FailureOr<mlir::Value> intVector(NodeImporter &n, Composer &c, int i,
                                       llvm::StringRef what, int64_t len);

} // namespace dsc

#endif // DSC_LIB_FRONTEND_COMPOSE_H
