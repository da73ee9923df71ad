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
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

using namespace mlir;

namespace dsc {
#define GEN_PASS_DEF_DSCEXPANDBF16
#define GEN_PASS_DEF_DSCBF16MASKEDLOADSASI16
#include "dsc/Target/Passes.h.inc"

namespace {
struct ExpandBF16Pass : impl::DSCExpandBF16Base<ExpandBF16Pass> {
  using Base::Base;

  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    arith::populateExpandBFloat16Patterns(patterns);
    SmallVector<Operation *> ops;
    getOperation()->walk([&](Operation *op) {
      if (isa<arith::ExtFOp>(op) || (isa<arith::TruncFOp>(op) && !nativeTruncF))
        ops.push_back(op);
    });
    GreedyRewriteConfig config;
    config.setStrictness(GreedyRewriteStrictness::ExistingOps);
    if (failed(applyOpPatternsGreedily(ops, std::move(patterns), config)))
      signalPassFailure();
  }
};

struct BF16MaskedLoadsAsI16Pass
    : impl::DSCBF16MaskedLoadsAsI16Base<BF16MaskedLoadsAsI16Pass> {
  void runOnOperation() override {
    SmallVector<LLVM::MaskedLoadOp> loads;
    getOperation()->walk([&](LLVM::MaskedLoadOp op) {
      if (op.getType().getElementType().isBF16())
        loads.push_back(op);
    });
    for (LLVM::MaskedLoadOp op : loads) {
      OpBuilder b(op);
      VectorType type = op.getType();
      auto i16 = VectorType::get(type.getShape(), b.getI16Type());
      Value passThru = op.getPassThru();
      if (passThru)
        passThru = LLVM::BitcastOp::create(b, op.getLoc(), i16, passThru);
      auto load = LLVM::MaskedLoadOp::create(
          b, op.getLoc(), i16, op.getData(), op.getMask(), passThru,
          op.getAlignmentAttr(), op.getNontemporalAttr());
      Value back = LLVM::BitcastOp::create(b, op.getLoc(), type, load);
      op.getResult().replaceAllUsesWith(back);
      op.erase();
    }
  }
};
} // namespace
} // namespace dsc
