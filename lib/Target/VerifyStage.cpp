//===- VerifyStage.cpp - stage-boundary contracts -------------------------===//
#include "dsc/Dialect/DSCDialect.h"
#include "dsc/Target/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"

using namespace mlir;

namespace dsc {
#define GEN_PASS_DEF_DSCVERIFYSTAGE
#include "dsc/Target/Passes.h.inc"

namespace {
struct DSCVerifyStagePass : impl::DSCVerifyStageBase<DSCVerifyStagePass> {
  using Base::Base;
  void runOnOperation() override {
    if (stage != "linalg" && stage != "llvm") {
      getOperation().emitError("unknown stage '")
          << stage << "' (expected linalg or llvm)";
      return signalPassFailure();
    }
    bool ok = true;
    getOperation().walk([&](Operation *op) {
      if (op == getOperation().getOperation())
        return;
      // dsc.check stays until dsc-lower-checks (after bufferization).
      if (stage == "linalg" && isa<DSCDialect>(op->getDialect()) &&
          !isa<CheckOp>(op)) {
        op->emitError() << "'" << op->getName()
                        << "' has no lowering to linalg for these operand "
                           "types and attributes; this model cannot be "
                           "compiled yet";
        ok = false;
      } else if (stage == "llvm" &&
                 !isa_and_nonnull<LLVM::LLVMDialect>(op->getDialect())) {
        op->emitError() << "'" << op->getName()
                        << "' survived the lowering to LLVM (a missing "
                           "conversion in the CPU pipeline)";
        ok = false;
      }
    });
    if (!ok)
      signalPassFailure();
  }
};
} // namespace
} // namespace dsc
