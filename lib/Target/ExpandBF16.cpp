//===- ExpandBF16.cpp - bf16 conversions as integer arithmetic ------------===//
//
// LLVM lowers f32 <-> bf16 conversions to calls of compiler-rt builtins
// (__truncsfbf2) that the artefacts do not link; upstream's bf16 expansion
// turns them into integer shifts and rounding (round to nearest even, NaN
// kept), which every target runs natively.
//
//===----------------------------------------------------------------------===//
#include "dsc/Target/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

using namespace mlir;

namespace dsc {
#define GEN_PASS_DEF_DSCEXPANDBF16
#include "dsc/Target/Passes.h.inc"

namespace {
struct ExpandBF16Pass : impl::DSCExpandBF16Base<ExpandBF16Pass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    arith::populateExpandBFloat16Patterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
} // namespace dsc
