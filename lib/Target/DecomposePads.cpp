//===- DecomposePads.cpp - tensor.pad as fill + insert_slice -------------===//
//
// A convolution's (or pooling's) zero-padded input used to bufferize to a
// fill of the padded buffer and a copy of the producer's result into its
// interior: one extra pass over every padded feature map. Written as
//
//   %e = tensor.empty ; %f = linalg.fill 0 into %e
//   %p = tensor.insert_slice %producer into %f[interior]
//
// `eliminate-empty-tensors` (run right after this pass) then lets the
// producer's destination chain start from a slice of %f, so the producer
// writes straight into the interior and the copy disappears.
//
//===----------------------------------------------------------------------===//
#include "dsc/Target/Passes.h"

#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

using namespace mlir;

namespace dsc {
#define GEN_PASS_DEF_DSCDECOMPOSEPADS
#include "dsc/Target/Passes.h.inc"

namespace {

struct DecomposePadsPass : impl::DSCDecomposePadsBase<DecomposePadsPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<linalg::DecomposePadOpPattern>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
} // namespace dsc
