//===- CopiesToLinalg.cpp - memref.copy as linalg.copy --------------------===//
#include "dsc/Target/Passes.h"

#include "mlir/IR/PatternMatch.h"

using namespace mlir;

namespace dsc {
#define GEN_PASS_DEF_DSCCOPIESTOLINALG
#include "dsc/Target/Passes.h.inc"

namespace {
struct DSCCopiesToLinalgPass
    : impl::DSCCopiesToLinalgBase<DSCCopiesToLinalgPass> {
  void runOnOperation() override {
    IRRewriter rewriter(&getContext());
    getOperation().walk([&](memref::CopyOp copy) {
      // A copy onto itself (the border fill of a padded buffer inserted
      // into the buffer it was filled in) does nothing.
      if (copy.getSource() == copy.getTarget()) {
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
