//===- CopiesToLinalg.cpp - memref.copy as linalg.copy --------------------===//
#include "dsc/Target/Passes.h"

#include "mlir/IR/PatternMatch.h"

using namespace mlir;

namespace dsc {
#define GEN_PASS_DEF_DSCCOPIESTOLINALG
#include "dsc/Target/Passes.h.inc"

namespace {
/// Whether `x` and `y` are the same view: one value, or equal subviews of
/// the same view (bufferization gives a padded buffer's border slab one
/// subview for its fill and another for inserting it where it was filled).
bool sameView(Value x, Value y) {
  if (x == y)
    return true;
  auto sx = x.getDefiningOp<memref::SubViewOp>();
  auto sy = y.getDefiningOp<memref::SubViewOp>();
  return sx && sy && sameView(sx.getSource(), sy.getSource()) &&
         sx.getStaticOffsets() == sy.getStaticOffsets() &&
         sx.getStaticSizes() == sy.getStaticSizes() &&
         sx.getStaticStrides() == sy.getStaticStrides() &&
         sx.getOffsets() == sy.getOffsets() &&
         sx.getSizes() == sy.getSizes() && sx.getStrides() == sy.getStrides() &&
         sx.getType() == sy.getType();
}

struct DSCCopiesToLinalgPass
    : impl::DSCCopiesToLinalgBase<DSCCopiesToLinalgPass> {
  void runOnOperation() override {
    IRRewriter rewriter(&getContext());
    getOperation().walk([&](memref::CopyOp copy) {
      // A copy onto itself (the border fill of a padded buffer inserted
      // into the buffer it was filled in) does nothing.
      if (sameView(copy.getSource(), copy.getTarget())) {
        rewriter.eraseOp(copy);
        return;
      }
      rewriter.setInsertionPoint(copy);
      rewriter.replaceOpWithNewOp<linalg::CopyOp>(copy, copy.getSource(),
                                                  copy.getTarget());
    });
  }
};
} // namespace
} // namespace dsc
