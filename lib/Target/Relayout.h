//===- Relayout.h - layout copies shared by the layout passes ---*- C++ -*-===//
//
// Helpers of dsc-channels-last and dsc-channels-last-inputs (linalg on
// tensors): a generic that copies a tensor into a new layout (NHWC copies
// in particular), OIHW weights as OHWI, and the input-channel loop of a 2-D
// convolution generic.
//
//===----------------------------------------------------------------------===//
#ifndef DSC_LIB_TARGET_RELAYOUT_H
#define DSC_LIB_TARGET_RELAYOUT_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"

namespace dsc {

/// The input-channel loop of a 2-D convolution generic (input map
/// (n, c, h-expr, w-expr) with c a reduction loop no other input index
/// uses), or ~0u.
inline unsigned inputChannelLoop(mlir::linalg::GenericOp op) {
  mlir::AffineMap in = op.getIndexingMapsArray()[0];
  if (in.getNumResults() != 4)
    return ~0u;
  auto c = mlir::dyn_cast<mlir::AffineDimExpr>(in.getResult(1));
  if (!c || op.getIteratorTypesArray()[c.getPosition()] !=
                mlir::utils::IteratorType::reduction)
    return ~0u;
  for (auto [i, e] : llvm::enumerate(in.getResults()))
    if (i != 1 && e.isFunctionOfDim(c.getPosition()))
      return ~0u;
  return c.getPosition();
}

/// A copy of `src` into a new tensor of `shape` whose element at loop values
/// (d0, ...) (one per dimension of `shape`) is `src` at `srcMap`.
inline mlir::Value relayout(mlir::OpBuilder &b, mlir::Location loc,
                            mlir::Value src, llvm::ArrayRef<int64_t> shape,
                            mlir::AffineMap srcMap) {
  auto type = mlir::cast<mlir::RankedTensorType>(src.getType());
  mlir::Value empty = mlir::tensor::EmptyOp::create(b, loc, shape, type.getElementType());
  llvm::SmallVector<mlir::AffineMap> maps = {
      srcMap, b.getMultiDimIdentityMap(static_cast<unsigned>(shape.size()))};
  return mlir::linalg::GenericOp::create(
             b, loc, mlir::TypeRange{empty.getType()}, mlir::ValueRange{src},
             mlir::ValueRange{empty}, maps,
             llvm::SmallVector<mlir::utils::IteratorType>(
                 shape.size(), mlir::utils::IteratorType::parallel),
             [](mlir::OpBuilder &nb, mlir::Location l, mlir::ValueRange args) {
               mlir::linalg::YieldOp::create(nb, l, args[0]);
             })
      .getResult(0);
}

/// OIHW f32 weights as OHWI.
inline mlir::DenseElementsAttr ohwi(mlir::DenseElementsAttr w) {
  auto type = mlir::cast<mlir::RankedTensorType>(w.getType());
  llvm::ArrayRef<int64_t> s = type.getShape();
  auto newType =
      mlir::RankedTensorType::get({s[0], s[2], s[3], s[1]}, type.getElementType());
  if (w.isSplat())
    return w.resizeSplat(newType);
  llvm::SmallVector<float> in(w.getValues<float>()), out(in.size());
  for (int64_t o = 0; o < s[0]; ++o)
    for (int64_t i = 0; i < s[1]; ++i)
      for (int64_t h = 0; h < s[2]; ++h)
        for (int64_t x = 0; x < s[3]; ++x)
          out[((o * s[2] + h) * s[3] + x) * s[1] + i] =
              in[((o * s[1] + i) * s[2] + h) * s[3] + x];
  return mlir::DenseElementsAttr::get(newType, llvm::ArrayRef<float>(out));
}

/// An NHWC copy of the 4-D NCHW tensor `v`, built right after it.
inline mlir::Value channelsLastCopy(mlir::OpBuilder &b, mlir::Value v) {
  mlir::OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointAfterValue(v);
  llvm::ArrayRef<int64_t> s =
      mlir::cast<mlir::RankedTensorType>(v.getType()).getShape();
  mlir::MLIRContext *ctx = v.getContext();
  mlir::AffineExpr n, h, w, c;
  mlir::bindDims(ctx, n, h, w, c);
  return relayout(b, v.getLoc(), v, {s[0], s[2], s[3], s[1]},
                  mlir::AffineMap::get(4, 0, {n, c, h, w}, ctx));
}

/// Gives the 2-D convolution `op` its constant OIHW weights as OHWI when
/// they are read through (o, `ci`, kh, kw), so the kernel's packed copy
/// streams along the input channels `ci`; false if they are not.
inline bool useOHWIWeights(mlir::RewriterBase &rewriter,
                           mlir::linalg::GenericOp op, mlir::AffineExpr ci) {
  llvm::SmallVector<mlir::AffineMap> maps = op.getIndexingMapsArray();
  llvm::ArrayRef<mlir::AffineExpr> w = maps[1].getResults();
  mlir::Value weights = op.getDpsInputs()[1];
  mlir::DenseElementsAttr dense;
  if (w.size() != 4 || w[1] != ci ||
      !mlir::matchPattern(weights, mlir::m_Constant(&dense)))
    return false;
  mlir::OpBuilder::InsertionGuard guard(rewriter);
  rewriter.setInsertionPoint(op);
  mlir::Value ohwiWeights = mlir::arith::ConstantOp::create(
      rewriter, weights.getLoc(), ohwi(dense));
  maps[1] = mlir::AffineMap::get(maps[1].getNumDims(), 0,
                                 {w[0], w[2], w[3], w[1]}, op.getContext());
  rewriter.modifyOpInPlace(op, [&] {
    op->setOperand(1, ohwiWeights);
    op.setIndexingMapsAttr(rewriter.getAffineMapArrayAttr(maps));
  });
  return true;
}

} // namespace dsc

#endif // DSC_LIB_TARGET_RELAYOUT_H
