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

#include "LinalgMatchers.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
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
    // The bf16 rounding of a producer's output into the interior (see
    // castBeforePads) is stored by the producer's kernel: the padded buffer
    // is then live from the producer on, which the memory plan must see.
    // The producer's kernel starts at the first op of the chain that writes
    // its output (bias init, contraction, in-place epilogue).
    OpBuilder::InsertionGuard guard(rewriter);
    if (auto cast = pad.getSource().getDefiningOp<linalg::GenericOp>();
        cast && elementwiseFloatCast(cast)) {
      auto first =
          cast.getDpsInputOperand(0)->get().getDefiningOp<linalg::LinalgOp>();
      for (int step = 0; first && step < 2; ++step) {
        auto prev = first.getDpsInitOperand(0)
                        ->get()
                        .getDefiningOp<linalg::LinalgOp>();
        if (!prev || prev->getBlock() != first->getBlock())
          break;
        first = prev;
      }
      if (first)
        rewriter.setInsertionPoint(first);
    }
    Value acc = tensor::EmptyOp::create(rewriter, loc, size,
                                        type.getElementType());
    rewriter.setInsertionPoint(pad);
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

/// A cast of a zero pad (the bf16 rounding of a convolution's padded input)
/// becomes a zero pad of the cast source: the same values, but the cast
/// then reads the producer's own output, so dsc-contraction-kernels can
/// store the rounding from the producer's registers, and the border is
/// filled in the narrow type instead of converted.
void castBeforePads(Operation *root) {
  SmallVector<linalg::GenericOp> casts;
  root->walk([&](linalg::GenericOp op) {
    auto pad = elementwiseFloatCast(op)
                   ? op.getDpsInputOperand(0)->get().getDefiningOp<tensor::PadOp>()
                   : tensor::PadOp();
    Value value = pad ? pad.getConstantPaddingValue() : Value();
    if (value && matchPattern(value, m_PosZeroFloat()) &&
        pad->hasOneUse() && op->getResult(0).getType() ==
                                op.getDpsInitOperand(0)->get().getType() &&
        op.getDpsInitOperand(0)->get().getDefiningOp<tensor::EmptyOp>())
      casts.push_back(op);
  });
  IRRewriter rewriter(root->getContext());
  for (linalg::GenericOp op : casts) {
    auto pad = op.getDpsInputOperand(0)->get().getDefiningOp<tensor::PadOp>();
    Location loc = op.getLoc();
    auto srcType = cast<RankedTensorType>(pad.getSource().getType());
    Type elem = getElementTypeOrSelf(op->getResult(0).getType());
    rewriter.setInsertionPoint(op);
    Value empty = tensor::EmptyOp::create(rewriter, loc, srcType.getShape(),
                                          elem);
    IRMapping map;
    map.map(op.getDpsInputOperand(0)->get(), pad.getSource());
    map.map(op.getDpsInitOperand(0)->get(), empty);
    Operation *narrow = rewriter.clone(*op, map);
    narrow->getResult(0).setType(srcType.clone(elem));
    Value zero = arith::ConstantOp::create(rewriter, loc, elem,
                                           rewriter.getFloatAttr(elem, 0.0));
    rewriter.replaceOpWithNewOp<tensor::PadOp>(
        op, op->getResult(0).getType(), narrow->getResult(0),
        pad.getMixedLowPad(), pad.getMixedHighPad(), zero);
    rewriter.eraseOp(pad);
  }
}

/// Records on every linalg.generic that reads a zero pad where that pad's
/// border is, before the pads become fills: `dsc.zero_border` holds, per
/// DPS input, the low widths then the high widths of its zero border (an
/// empty array where the input is no zero pad). dsc-contraction-kernels
/// leaves out the products with the border's elements.
void markZeroBorders(Operation *root) {
  root->walk([](tensor::PadOp pad) {
    Value value = pad.getConstantPaddingValue();
    ArrayRef<int64_t> lo = pad.getStaticLow(), hi = pad.getStaticHigh();
    if (!value || !matchPattern(value, m_AnyZeroFloat()) ||
        ShapedType::isDynamicShape(lo) || ShapedType::isDynamicShape(hi))
      return;
    // The pad's users, and those of its bf16 copies.
    SmallVector<OpOperand *> uses;
    for (OpOperand &use : pad.getResult().getUses())
      uses.push_back(&use);
    for (size_t i = 0; i < uses.size(); ++i) {
      auto cast = dyn_cast<linalg::GenericOp>(uses[i]->getOwner());
      if (cast && cast.isDpsInput(uses[i]) && elementwiseFloatCast(cast))
        for (OpOperand &use : cast->getResult(0).getUses())
          uses.push_back(&use);
    }
    for (OpOperand *usePtr : uses) {
      OpOperand &use = *usePtr;
      auto generic = dyn_cast<linalg::GenericOp>(use.getOwner());
      if (!generic || !generic.isDpsInput(&use))
        continue;
      MLIRContext *ctx = generic.getContext();
      SmallVector<Attribute> borders;
      if (auto old = generic->getAttrOfType<ArrayAttr>("dsc.zero_border"))
        borders.assign(old.begin(), old.end());
      borders.resize(generic.getNumDpsInputs(),
                     DenseI64ArrayAttr::get(ctx, {}));
      SmallVector<int64_t> widths(lo);
      llvm::append_range(widths, hi);
      borders[use.getOperandNumber()] = DenseI64ArrayAttr::get(ctx, widths);
      generic->setAttr("dsc.zero_border", ArrayAttr::get(ctx, borders));
    }
  });
}

struct DecomposePadsPass : impl::DSCDecomposePadsBase<DecomposePadsPass> {
  void runOnOperation() override {
    castBeforePads(getOperation());
    markZeroBorders(getOperation());
    RewritePatternSet patterns(&getContext());
    patterns.add<BorderFills>(&getContext(), /*benefit=*/2);
    patterns.add<linalg::DecomposePadOpPattern>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
} // namespace dsc
