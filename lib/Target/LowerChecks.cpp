//===- LowerChecks.cpp - dsc.check to an early return from the entry ------===//
//
// A failed run-time check must not compute on: the entry function branches
// to a block that records the failure in the runtime context
// (dsc_guard_fail) and returns. The runtime then reports DSC_ERR_GUARD from
// dsc_session_run. Checks sit in the entry's top-level block (guards are
// graph-level ops, never inside a loop or an outlined parallel body).
//
//===----------------------------------------------------------------------===//
#include "dsc/Dialect/DSCDialect.h"
#include "dsc/Target/Passes.h"

#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"

using namespace mlir;

namespace dsc {
#define GEN_PASS_DEF_DSCLOWERCHECKS
#include "dsc/Target/Passes.h.inc"

namespace {
struct DSCLowerChecksPass : impl::DSCLowerChecksBase<DSCLowerChecksPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<CheckOp> checks;
    module.walk([&](CheckOp c) { checks.push_back(c); });
    if (checks.empty())
      return;
    MLIRContext *ctx = &getContext();
    OpBuilder b(ctx);
    Type ptrType = LLVM::LLVMPointerType::get(ctx);
    Type i64 = b.getI64Type();

    // void dsc_guard_fail(dsc_context *, const char *, const int64_t *,
    //                     int64_t) from the runtime.
    b.setInsertionPointToStart(module.getBody());
    auto failFn = module.lookupSymbol<func::FuncOp>("dsc_guard_fail");
    if (!failFn) {
      failFn = func::FuncOp::create(
          b, module.getLoc(), "dsc_guard_fail",
          b.getFunctionType({ptrType, ptrType, ptrType, i64}, {}));
      failFn.setPrivate();
    }

    int64_t k = 0;
    for (CheckOp check : checks) {
      auto entry = dyn_cast<func::FuncOp>(check->getParentOp());
      if (!entry || !entry->hasAttr("dsc.arena_bytes") ||
          entry.getNumResults() != 0 || entry.getNumArguments() == 0 ||
          entry.getArgumentTypes().back() != ptrType) {
        check.emitError() << "a run-time check must be in the top-level "
                             "block of the planned entry function, after "
                             "dsc-outline-parallel added its context argument";
        return signalPassFailure();
      }
      Location loc = check.getLoc();
      Value ctxArg = entry.getArguments().back();

      // The message, NUL-terminated, as a private constant.
      std::string text = check.getMessage().str();
      text.push_back('\0');
      b.setInsertionPointToStart(module.getBody());
      std::string name = (entry.getSymName() + "_guard" + Twine(k++)).str();
      auto global = LLVM::GlobalOp::create(
          b, loc, LLVM::LLVMArrayType::get(b.getI8Type(), text.size()),
          /*isConstant=*/true, LLVM::Linkage::Internal, name,
          b.getStringAttr(text));

      Block *before = check->getBlock();
      Block *after = before->splitBlock(check->getNextNode());
      Block *fail = b.createBlock(after);
      b.setInsertionPointToStart(fail);
      Value msg = LLVM::AddressOfOp::create(b, loc, global);
      int64_t n = check.getGiven().size();
      Value count = LLVM::ConstantOp::create(b, loc, i64, n);
      Value given;
      if (n == 0) {
        given = LLVM::ZeroOp::create(b, loc, ptrType);
      } else {
        given = LLVM::AllocaOp::create(b, loc, ptrType, i64, count, 8);
        for (auto [i, v] : llvm::enumerate(check.getGiven())) {
          Value at = LLVM::GEPOp::create(
              b, loc, ptrType, i64, given,
              ArrayRef<LLVM::GEPArg>{static_cast<int32_t>(i)});
          LLVM::StoreOp::create(b, loc, v, at);
        }
      }
      func::CallOp::create(b, loc, failFn,
                           ValueRange{ctxArg, msg, given, count});
      func::ReturnOp::create(b, loc);

      b.setInsertionPoint(check);
      cf::CondBranchOp::create(b, loc, check.getCondition(), after,
                               ValueRange{}, fail, ValueRange{});
      check.erase();
    }
  }
};
} // namespace
} // namespace dsc
