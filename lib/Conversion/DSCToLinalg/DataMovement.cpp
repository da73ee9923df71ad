//===- DataMovement.cpp - dsc reshape/transpose/concat to tensor/linalg ---===//
#include "PopulatePatterns.h"
#include "dsc/Dialect/DSCDialect.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace dsc {
namespace {

/// Row-major reshape as collapse-to-1-D then expand: both are views after
/// bufferization, so a reshape never copies.
struct ReshapeLowering : OpRewritePattern<ReshapeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ReshapeOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto inType = cast<RankedTensorType>(op.getInput().getType());
    auto outType = cast<RankedTensorType>(op.getType());
    if (inType == outType) {
      rewriter.replaceOp(op, op.getInput());
      return success();
    }
    auto all = [](int64_t rank) {
      ReassociationIndices r;
      for (int64_t i = 0; i < rank; ++i)
        r.push_back(i);
      return SmallVector<ReassociationIndices>{r};
    };
    Value flat = op.getInput();
    if (outType.getRank() == 0) {
      rewriter.replaceOpWithNewOp<tensor::CollapseShapeOp>(
          op, outType, flat, SmallVector<ReassociationIndices>{});
      return success();
    }
    if (inType.getRank() == 0) {
      rewriter.replaceOpWithNewOp<tensor::ExpandShapeOp>(
          op, outType, flat, SmallVector<ReassociationIndices>{});
      return success();
    }
    if (inType.getRank() != 1)
      flat = tensor::CollapseShapeOp::create(
          rewriter, loc,
          RankedTensorType::get({inType.getNumElements()},
                                inType.getElementType()),
          flat, all(inType.getRank()));
    if (outType.getRank() == 1)
      rewriter.replaceOp(op, flat);
    else
      rewriter.replaceOpWithNewOp<tensor::ExpandShapeOp>(
          op, outType, flat, all(outType.getRank()));
    return success();
  }
};

struct TransposeLowering : OpRewritePattern<TransposeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(TransposeOp op,
                                PatternRewriter &rewriter) const override {
    auto outType = cast<RankedTensorType>(op.getType());
    Value init = tensor::EmptyOp::create(
        rewriter, op.getLoc(), outType.getShape(), outType.getElementType());
    rewriter.replaceOp(op, linalg::TransposeOp::create(rewriter, op.getLoc(),
                                                       op.getInput(), init,
                                                       op.getPerm())
                               .getResult());
    return success();
  }
};

struct ConcatLowering : OpRewritePattern<ConcatOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ConcatOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto outType = cast<RankedTensorType>(op.getType());
    int64_t axis = op.getAxis(), rank = outType.getRank();
    Value result = tensor::EmptyOp::create(rewriter, loc, outType.getShape(),
                                           outType.getElementType());
    int64_t offset = 0;
    for (Value in : op.getInputs()) {
      auto inType = cast<RankedTensorType>(in.getType());
      SmallVector<OpFoldResult> offsets(rank, rewriter.getIndexAttr(0)), sizes,
          strides(rank, rewriter.getIndexAttr(1));
      offsets[axis] = rewriter.getIndexAttr(offset);
      for (int64_t d : inType.getShape())
        sizes.push_back(rewriter.getIndexAttr(d));
      result = tensor::InsertSliceOp::create(rewriter, loc, in, result, offsets,
                                             sizes, strides);
      offset += inType.getDimSize(axis);
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void populateDataMovementPatterns(RewritePatternSet &patterns) {
  patterns.add<ReshapeLowering, TransposeLowering, ConcatLowering>(
      patterns.getContext());
}

} // namespace dsc
