//===- DecomposePads.cpp - tensor.pad as border fills + insert_slice -----===//
//
// A convolution's (or pooling's) zero-padded input used to bufferize to a
// fill of the padded buffer and a copy of the producer's result into its
// interior: one extra pass over every padded feature map. Written as
//
//   %e = tensor.empty
//   %b = tensor.insert_slice (linalg.fill 0 into tensor.empty) into %e[slab]
//        ... one slab per padded side: only the border is filled
//   %p = tensor.insert_slice %producer into %b[interior]
//
// `eliminate-empty-tensors` (run right after this pass) then lets the fills
// and the producer's destination chain start from slices of the padded
// buffer, so the producer writes straight into the interior and the copy
// disappears. (Filling the whole buffer first wrote every element twice:
// 0.7 ms of ResNet-18's 17 for the 3.3 MB map before its max pool.) Pads
// with a dynamic shape take upstream's fill of the whole tensor.
//
//===----------------------------------------------------------------------===//
#include "dsc/Target/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

using namespace mlir;

namespace dsc {
#define GEN_PASS_DEF_DSCDECOMPOSEPADS
#include "dsc/Target/Passes.h.inc"

namespace {

/// A static pad with a constant value: the border as disjoint slabs (for
/// each padded dim d, its low and high sides over the interior of the dims
/// before d and the whole of the dims after it), each a fill of its own
/// empty tensor inserted into the padded one, then the source inserted into
/// the interior.
struct BorderFills : OpRewritePattern<tensor::PadOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(tensor::PadOp pad,
                                PatternRewriter &rewriter) const override {
    Value value = pad.getConstantPaddingValue();
    RankedTensorType type = pad.getResultType();
    ArrayRef<int64_t> lo = pad.getStaticLow(), hi = pad.getStaticHigh();
    if (!value || !type.hasStaticShape() ||
        ShapedType::isDynamicShape(lo) || ShapedType::isDynamicShape(hi))
      return failure();
    Location loc = pad.getLoc();
    ArrayRef<int64_t> size = type.getShape();
    int64_t rank = type.getRank();
    Value acc = tensor::EmptyOp::create(rewriter, loc, size,
                                        type.getElementType());
    auto slab = [&](int64_t d, int64_t begin, int64_t extent) {
      SmallVector<int64_t> offsets(rank, 0), sizes(size);
      for (int64_t j = 0; j < d; ++j) {
        offsets[j] = lo[j];
        sizes[j] = size[j] - lo[j] - hi[j];
      }
      offsets[d] = begin;
      sizes[d] = extent;
      Value part = tensor::EmptyOp::create(rewriter, loc, sizes,
                                           type.getElementType());
      part = linalg::FillOp::create(rewriter, loc, value, part).getResult(0);
      acc = tensor::InsertSliceOp::create(
          rewriter, loc, part, acc, getAsIndexOpFoldResult(getContext(), offsets),
          getAsIndexOpFoldResult(getContext(), sizes),
          getAsIndexOpFoldResult(getContext(), SmallVector<int64_t>(rank, 1)));
    };
    for (int64_t d = 0; d < rank; ++d) {
      if (lo[d] > 0)
        slab(d, 0, lo[d]);
      if (hi[d] > 0)
        slab(d, size[d] - hi[d], hi[d]);
    }
    SmallVector<int64_t> interior(size);
    for (int64_t d = 0; d < rank; ++d)
      interior[d] -= lo[d] + hi[d];
    rewriter.replaceOpWithNewOp<tensor::InsertSliceOp>(
        pad, pad.getSource(), acc, getAsIndexOpFoldResult(getContext(), lo),
        getAsIndexOpFoldResult(getContext(), interior),
        getAsIndexOpFoldResult(getContext(), SmallVector<int64_t>(rank, 1)));
    return success();
  }
};

struct DecomposePadsPass : impl::DSCDecomposePadsBase<DecomposePadsPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<BorderFills>(&getContext(), /*benefit=*/2);
    patterns.add<linalg::DecomposePadOpPattern>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
} // namespace dsc
