//===- FlattenPointwiseConvs.cpp - NCHW 1x1 convolutions as matmuls -------===//
//
// A 1x1 convolution with unit strides and no padding that dsc-channels-last
// left NCHW (a lone one: its input transpose would cost what NHWC gains)
// multiplies its weights [F, C] by its input's channel planes [C, H * W]:
// each plane is one contiguous row of H * W positions. Vectorized along its
// output rows, a 56-wide map fills 56 of every 64 lanes (the kernels tile a
// row in vectors of 16); along the whole plane, 3136 positions fill them all.
//
// This pass (linalg on tensors, FP32, after the layout passes) rewrites such
// a convolution as out[n, f, p] += x[n, c, p] * w[f, c] on collapsed views
// (p = h * W + w, the same elements in the same order), and collapses the
// elementwise ops that initialize its output (the bias broadcast) and the
// in-place chain after it (residual add, activation) the same way, so that
// dsc-contraction-kernels still finds one kernel with its init and epilogue.
// The reshapes between them fold away; the result is expanded back to NCHW.
//
//===----------------------------------------------------------------------===//
#include "dsc/Dialect/Utils.h"
#include "dsc/Target/KernelStrategy.h"
#include "dsc/Target/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace dsc {
#define GEN_PASS_DEF_DSCFLATTENPOINTWISECONVS
#include "dsc/Target/Passes.h.inc"

namespace {

/// The positions (h, w) of a 4-D NCHW value as one dimension.
SmallVector<ReassociationIndices> planes() { return {{0}, {1}, {2, 3}}; }

/// Whether `op` is an f32 NCHW 2-D convolution with a 1x1 window, unit
/// strides and no padding (the input's planes are the output's size):
/// loops (n, f, h, w, c, kh, kw), x (n, c, h + kh, w + kw), weights
/// (f, c, kh, kw), out (n, f, h, w), kh and kw one trip each.
bool isPointwiseNCHW(linalg::GenericOp op) {
  auto kind = op->getAttrOfType<StringAttr>(kContractionAttr);
  if (!kind || kind.getValue() != "Conv" || op.getNumLoops() != 7 ||
      op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1 ||
      !op.hasPureTensorSemantics())
    return false;
  MLIRContext *ctx = op.getContext();
  auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
  auto map = [&](ArrayRef<AffineExpr> results) {
    return AffineMap::get(7, 0, results, ctx);
  };
  SmallVector<AffineMap> expected = {
      map({d(0), d(4), d(2) + d(5), d(3) + d(6)}),
      map({d(1), d(4), d(5), d(6)}), map({d(0), d(1), d(2), d(3)})};
  if (op.getIndexingMapsArray() != expected)
    return false;
  SmallVector<utils::IteratorType> iters = op.getIteratorTypesArray();
  for (unsigned i = 0; i < 7; ++i)
    if ((iters[i] == utils::IteratorType::parallel) != (i < 4))
      return false;
  auto x = dyn_cast<RankedTensorType>(op.getDpsInputs()[0].getType());
  auto w = dyn_cast<RankedTensorType>(op.getDpsInputs()[1].getType());
  auto out = dyn_cast<RankedTensorType>(op.getResultTypes()[0]);
  return x && w && out && x.hasStaticShape() && w.hasStaticShape() &&
         out.hasStaticShape() && x.getElementType().isF32() &&
         out.getElementType().isF32() && w.getDimSize(2) == 1 &&
         w.getDimSize(3) == 1 && x.getDimSize(2) == out.getDimSize(2) &&
         x.getDimSize(3) == out.getDimSize(3);
}

/// Whether `op` is a 4-D elementwise generic (all loops parallel) whose
/// operands all read the positions (h, w) as two consecutive indices, or
/// not at all, so that they collapse into one.
bool collapsibleElementwise(Operation *op) {
  auto generic = dyn_cast_or_null<linalg::GenericOp>(op);
  if (!generic || !generic.hasPureTensorSemantics() ||
      generic.getNumLoops() != 4 || generic.getNumDpsInits() != 1 ||
      generic.getNumParallelLoops() != 4)
    return false;
  for (Value v : generic->getOperands())
    if (!cast<ShapedType>(v.getType()).hasStaticShape())
      return false;
  return linalg::areDimSequencesPreserved(generic.getIndexingMapsArray(),
                                          {{2, 3}});
}

/// Collapses `op` (collapsibleElementwise) in place: its operands and result
/// reshaped, positions one loop. (Where upstream declines, the reshapes stay:
/// still correct, only the kernel loses that op.)
void collapse(Operation *op, RewriterBase &rewriter) {
  auto generic = cast<linalg::GenericOp>(op);
  rewriter.setInsertionPoint(generic);
  FailureOr<linalg::CollapseResult> collapsed =
      linalg::collapseOpIterationDims(generic, planes(), rewriter);
  if (succeeded(collapsed))
    rewriter.replaceOp(generic, collapsed->results);
}

/// Rewrites the pointwise convolution `conv` on collapsed planes (see the
/// file comment), then its init producer and in-place elementwise users.
void flatten(linalg::GenericOp conv, RewriterBase &rewriter) {
  Location loc = conv.getLoc();
  MLIRContext *ctx = conv.getContext();
  Value x = conv.getDpsInputs()[0], w = conv.getDpsInputs()[1];
  Value init = conv.getDpsInits()[0];
  auto outType = cast<RankedTensorType>(conv.getResultTypes()[0]);
  // The ops around it, found before the rewrite changes their operands:
  // the init's producer, if the conv is its only user, and the chain of
  // elementwise ops each of which takes the previous result as its init.
  Operation *producer = init.getDefiningOp();
  if (!producer || !init.hasOneUse() || !collapsibleElementwise(producer))
    producer = nullptr;
  SmallVector<Operation *> chain;
  for (Value v = conv->getResult(0); v.hasOneUse();) {
    Operation *user = *v.user_begin();
    auto generic = dyn_cast<linalg::GenericOp>(user);
    if (!collapsibleElementwise(user) || generic.getDpsInits()[0] != v)
      break;
    chain.push_back(user);
    v = user->getResult(0);
  }

  rewriter.setInsertionPoint(conv);
  Value x3 = tensor::CollapseShapeOp::create(rewriter, loc, x, planes());
  Value w2 = tensor::CollapseShapeOp::create(
      rewriter, loc, w, SmallVector<ReassociationIndices>{{0}, {1, 2, 3}});
  Value init3 = tensor::CollapseShapeOp::create(rewriter, loc, init, planes());
  // Loops (n, f, p, c).
  auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
  SmallVector<AffineMap> maps = {AffineMap::get(4, 0, {d(0), d(3), d(2)}, ctx),
                                 AffineMap::get(4, 0, {d(1), d(3)}, ctx),
                                 AffineMap::get(4, 0, {d(0), d(1), d(2)}, ctx)};
  SmallVector<utils::IteratorType> iters(3, utils::IteratorType::parallel);
  iters.push_back(utils::IteratorType::reduction);
  auto flat = linalg::GenericOp::create(
      rewriter, loc, TypeRange{init3.getType()}, ValueRange{x3, w2},
      ValueRange{init3}, maps, iters, [](OpBuilder &, Location, ValueRange) {});
  flat.getRegion().takeBody(conv.getRegion());
  for (NamedAttribute attr : conv->getDiscardableAttrs())
    flat->setAttr(attr.getName(), attr.getValue());
  Value result = tensor::ExpandShapeOp::create(rewriter, loc, outType,
                                               flat->getResult(0), planes());
  rewriter.replaceOp(conv, result);

  // Collapsed the same way, their reshapes and the conv's cancel (folded by
  // the canonicalizer that follows).
  if (producer)
    collapse(producer, rewriter);
  for (Operation *op : chain)
    collapse(op, rewriter);
}

struct DSCFlattenPointwiseConvsPass
    : impl::DSCFlattenPointwiseConvsBase<DSCFlattenPointwiseConvsPass> {
  using Base::Base;

  void runOnOperation() override {
    if (vectorBits <= 0)
      return;
    KernelStrategy s = strategyFor(vectorBits);
    SmallVector<linalg::GenericOp> convs;
    getOperation()->walk([&](linalg::GenericOp op) {
      if (!isPointwiseNCHW(op))
        return;
      // Only where the output rows waste lanes that the planes fill.
      auto out = cast<RankedTensorType>(op.getResultTypes()[0]);
      int64_t h = out.getDimSize(2), w = out.getDimSize(3);
      if (laneUse(h * w, s) > laneUse(w, s))
        convs.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (linalg::GenericOp conv : convs)
      flatten(conv, rewriter);
  }
};

} // namespace
} // namespace dsc
