//===- VectorAccess.h - how vector kernels read linalg operands -*- C++ -*-===//
//
// Shared by the CPU kernel passes (dsc-contraction-kernels,
// dsc-elementwise-kernels): how an operand of a linalg op on memrefs is read
// when one loop is vectorized, which elementwise bodies have vector forms,
// the evaluation of such a body on vectors, and the (masked) vector loads and
// stores both emit.
//
//===----------------------------------------------------------------------===//
#ifndef DSC_LIB_TARGET_CPU_VECTORACCESS_H
#define DSC_LIB_TARGET_CPU_VECTORACCESS_H

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/IRMapping.h"

namespace dsc {

/// How an operand of an elementwise op or the contraction is read per row:
/// one scalar broadcast to every lane, or a vector along the vector
/// dimension (element stride `stride` in the operand's innermost dim).
struct Access {
  enum Kind { Scalar, Broadcast, Vector, Gather } kind = Scalar;
  int64_t stride = 1;
};

/// Coefficient of `dim` in `expr` if `expr` is a sum of dims and
/// dim * constant terms (0 if absent); nullopt for anything else.
inline std::optional<int64_t> linearCoefficient(mlir::AffineExpr expr,
                                                unsigned dim) {
  // Terms without `dim` (a tap's `kw floordiv 2` in a parity-split input)
  // add nothing, whatever their form.
  if (!expr.isFunctionOfDim(dim))
    return 0;
  if (auto d = llvm::dyn_cast<mlir::AffineDimExpr>(expr))
    return d.getPosition() == dim ? 1 : 0;
  if (llvm::isa<mlir::AffineConstantExpr>(expr))
    return 0;
  auto bin = llvm::dyn_cast<mlir::AffineBinaryOpExpr>(expr);
  if (!bin)
    return std::nullopt;
  if (bin.getKind() == mlir::AffineExprKind::Add) {
    auto l = linearCoefficient(bin.getLHS(), dim);
    auto r = linearCoefficient(bin.getRHS(), dim);
    if (!l || !r)
      return std::nullopt;
    return *l + *r;
  }
  if (bin.getKind() == mlir::AffineExprKind::Mul) {
    auto c = llvm::dyn_cast<mlir::AffineConstantExpr>(bin.getRHS());
    if (!c)
      return std::nullopt;
    auto l = linearCoefficient(bin.getLHS(), dim);
    if (!l)
      return std::nullopt;
    return *l * c.getValue();
  }
  return std::nullopt;
}

/// Elements of `memref` between the ones that consecutive values of loop
/// `dim` read through `map`, if the layout is static and every index is
/// linear in `dim`.
inline std::optional<int64_t> memoryStride(mlir::Value memref,
                                           mlir::AffineMap map, unsigned dim) {
  auto type = llvm::dyn_cast<mlir::MemRefType>(memref.getType());
  if (!type)
    return std::nullopt;
  auto [strides, offset] = type.getStridesAndOffset();
  int64_t total = 0;
  for (auto [e, stride] : llvm::zip_equal(map.getResults(), strides)) {
    std::optional<int64_t> c = linearCoefficient(e, dim);
    if (!c || (*c && mlir::ShapedType::isDynamic(stride)))
      return std::nullopt;
    total += *c * stride;
  }
  return total;
}

inline bool innermostContiguous(mlir::Value memref) {
  auto type = llvm::dyn_cast<mlir::MemRefType>(memref.getType());
  if (!type || !type.hasStaticShape())
    return false;
  if (type.getRank() == 0)
    return true;
  auto [strides, offset] = type.getStridesAndOffset();
  return strides.back() == 1;
}

/// Position of the one index of `map` that uses `vecDim`, if that index is
/// `vecDim` itself and no other index uses it.
inline std::optional<unsigned> plainPosition(mlir::AffineMap map,
                                             unsigned vecDim) {
  std::optional<unsigned> pos;
  for (auto [i, e] : llvm::enumerate(map.getResults())) {
    if (!e.isFunctionOfDim(vecDim))
      continue;
    auto d = llvm::dyn_cast<mlir::AffineDimExpr>(e);
    if (pos || !d)
      return std::nullopt;
    pos = i;
  }
  return pos;
}

/// The access of an operand with indexing map `map` when loop `vecDim` is
/// vectorized: broadcast if the map does not use it; a vector if only the
/// innermost index uses it, linearly with a positive coefficient, and that
/// index is contiguous in memory; with `allowGather`, lanes gathered
/// if an outer index is `vecDim` itself (operands of a kernel's init and
/// epilogue, read once per output).
inline std::optional<Access> classify(mlir::Value operand, mlir::AffineMap map,
                                      unsigned vecDim,
                                      bool allowGather = false) {
  if (!llvm::isa<mlir::MemRefType>(operand.getType()))
    return Access{Access::Scalar, 1};
  if (!llvm::cast<mlir::MemRefType>(operand.getType()).hasStaticShape())
    return std::nullopt;
  llvm::ArrayRef<mlir::AffineExpr> results = map.getResults();
  for (size_t i = 0; i + 1 < results.size(); ++i)
    if (results[i].isFunctionOfDim(vecDim)) {
      if (allowGather && plainPosition(map, vecDim))
        return Access{Access::Gather, 1};
      return std::nullopt;
    }
  if (results.empty() || !results.back().isFunctionOfDim(vecDim))
    return Access{Access::Broadcast, 1};
  std::optional<int64_t> c = linearCoefficient(results.back(), vecDim);
  if (!c || *c <= 0 || *c > 4 || !innermostContiguous(operand))
    return std::nullopt;
  return Access{Access::Vector, *c};
}

/// Is `op` an elementwise linalg op (all loops parallel, out written through
/// a permutation map) whose body can be evaluated on vectors? `readsOut`
/// tells whether it may read its output (an epilogue) or not (an init).
inline bool isVectorizableElementwise(mlir::linalg::LinalgOp op,
                                      bool readsOut) {
  if (!op.hasPureBufferSemantics() || op.getNumDpsInits() != 1 ||
      op.getNumParallelLoops() != op.getNumLoops())
    return false;
  mlir::OpOperand *out = op.getDpsInitOperand(0);
  if (!op.getMatchingIndexingMap(out).isPermutation())
    return false;
  if (!readsOut && op.payloadUsesValueFromOperand(out))
    return false;
  mlir::Block *body = op.getBlock();
  for (mlir::Operation &inner : body->without_terminator()) {
    // Scalar constants in the body are broadcast like values from above.
    if (llvm::isa<mlir::arith::ConstantOp>(inner) &&
        inner.getResult(0).getType().isIntOrIndexOrFloat())
      continue;
    if (inner.getNumRegions() != 0 || inner.getNumResults() != 1 ||
        !mlir::OpTrait::hasElementwiseMappableTraits(&inner))
      return false;
    // Vector forms of these lower to libm calls per lane, which the math
    // lowering handles only for some ops: keep to arithmetic and the few
    // math ops LLVM expands natively.
    if (!llvm::isa<mlir::arith::ArithDialect>(inner.getDialect()) &&
        !llvm::isa<mlir::math::AbsFOp, mlir::math::FmaOp, mlir::math::SqrtOp,
                   mlir::math::ExpOp, mlir::math::TanhOp, mlir::math::ErfOp,
                   mlir::math::CopySignOp, mlir::math::FloorOp,
                   mlir::math::CeilOp, mlir::math::RoundEvenOp>(inner))
      return false;
    for (mlir::Type t : inner.getResultTypes())
      if (!t.isIntOrIndexOrFloat())
        return false;
  }
  return true;
}

/// The indices `map` gives at the loop values `dims` (folded affine applies).
inline llvm::SmallVector<mlir::Value>
applyIndexingMap(mlir::OpBuilder &b, mlir::Location loc, mlir::AffineMap map,
                 llvm::ArrayRef<mlir::Value> dims) {
  llvm::SmallVector<mlir::Value> out;
  llvm::SmallVector<mlir::OpFoldResult> operands(dims.begin(), dims.end());
  for (mlir::AffineExpr e : map.getResults())
    out.push_back(mlir::getValueOrCreateConstantIndexOp(
        b, loc,
        mlir::affine::makeComposedFoldedAffineApply(
            b, loc, mlir::AffineMap::get(map.getNumDims(), 0, e), operands)));
  return out;
}

/// The mask of the valid lanes of a `lanes`-wide tile starting at `base` of
/// a loop of `size`, or null when every tile is full (`size` a multiple of
/// `lanes`).
inline mlir::Value tailMask(mlir::OpBuilder &b, mlir::Location loc,
                            int64_t size, mlir::Value base, int64_t lanes) {
  if (size % lanes == 0)
    return {};
  auto index = [&](int64_t v) {
    return mlir::arith::ConstantIndexOp::create(b, loc, v);
  };
  mlir::Value rest = mlir::arith::SubIOp::create(b, loc, index(size), base);
  mlir::Value valid = mlir::arith::MinSIOp::create(b, loc, rest, index(lanes));
  return mlir::vector::CreateMaskOp::create(
      b, loc, mlir::VectorType::get({lanes}, b.getI1Type()),
      mlir::ValueRange{valid});
}

/// A vector of `type` read from `memref` at `idx`; through `mask` when there
/// is one (masked-off lanes read as zero).
inline mlir::Value loadLanes(mlir::OpBuilder &b, mlir::Location loc,
                             mlir::VectorType type, mlir::Value memref,
                             mlir::ValueRange idx, mlir::Value mask) {
  if (!mask)
    return mlir::vector::LoadOp::create(b, loc, type, memref, idx);
  mlir::Value zero =
      mlir::arith::ConstantOp::create(b, loc, type, b.getZeroAttr(type));
  return mlir::vector::MaskedLoadOp::create(b, loc, type, memref, idx, mask,
                                            zero);
}

/// `value` written to `memref` at `idx`; through `mask` when there is one.
inline void storeLanes(mlir::OpBuilder &b, mlir::Location loc,
                       mlir::Value value, mlir::Value memref,
                       mlir::ValueRange idx, mlir::Value mask) {
  if (!mask)
    mlir::vector::StoreOp::create(b, loc, value, memref, idx);
  else
    mlir::vector::MaskedStoreOp::create(b, loc, memref, idx, mask, value);
}

/// The element of `memref` at `idx` in each of `lanes` lanes.
inline mlir::Value broadcastElement(mlir::OpBuilder &b, mlir::Location loc,
                                    mlir::Value memref, mlir::ValueRange idx,
                                    int64_t lanes) {
  mlir::Value scalar = mlir::memref::LoadOp::create(b, loc, memref, idx);
  return mlir::vector::BroadcastOp::create(
      b, loc, mlir::VectorType::get({lanes}, scalar.getType()), scalar);
}

/// The body of the elementwise `op` evaluated on vectors of `lanes`:
/// `loadInput` gives the vector of each memref input, other inputs (scalars)
/// are broadcast, and the output's block argument is `acc` (its current
/// value, for ops that read it). Returns the yielded vector.
inline mlir::Value evalElementwiseBody(
    mlir::OpBuilder &b, mlir::Location loc, mlir::linalg::LinalgOp op,
    int64_t lanes, mlir::Value acc,
    llvm::function_ref<mlir::Value(mlir::OpOperand *)> loadInput) {
  using namespace mlir;
  auto vectorTypeOf = [&](Type t) { return VectorType::get({lanes}, t); };
  IRMapping map;
  Block *body = op.getBlock();
  for (OpOperand *in : op.getDpsInputOperands()) {
    BlockArgument arg = op.getMatchingBlockArgument(in);
    Value v = in->get();
    if (!isa<MemRefType>(v.getType()))
      map.map(arg, vector::BroadcastOp::create(b, loc,
                                               vectorTypeOf(v.getType()), v));
    else
      map.map(arg, loadInput(in));
  }
  if (acc)
    map.map(op.getMatchingBlockArgument(op.getDpsInitOperand(0)), acc);
  auto vectorOf = [&](Value v) -> Value {
    if (Value mapped = map.lookupOrNull(v))
      return mapped;
    // Defined above the op (a scalar constant or value): broadcast.
    Value bc =
        vector::BroadcastOp::create(b, loc, vectorTypeOf(v.getType()), v);
    map.map(v, bc);
    return bc;
  };
  for (Operation &inner : body->without_terminator()) {
    if (auto cst = dyn_cast<arith::ConstantOp>(inner)) {
      map.map(cst.getResult(),
              vector::BroadcastOp::create(
                  b, loc, vectorTypeOf(cst.getType()),
                  arith::ConstantOp::create(b, loc, cst.getValue())));
      continue;
    }
    OperationState state(loc, inner.getName());
    for (Value operand : inner.getOperands())
      state.addOperands(vectorOf(operand));
    for (Type t : inner.getResultTypes())
      state.addTypes(vectorTypeOf(t));
    state.addAttributes(inner.getAttrs());
    Operation *vec = b.create(state);
    map.map(inner.getResult(0), vec->getResult(0));
  }
  auto yield = cast<linalg::YieldOp>(body->getTerminator());
  return vectorOf(yield.getValues().front());
}

} // namespace dsc

#endif // DSC_LIB_TARGET_CPU_VECTORACCESS_H
