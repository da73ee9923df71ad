//===- Guard.cpp - dsc.guard to a scalar dsc.check ------------------------===//
//
// A guard's condition becomes one i1 (an and-reduction of its elements) and
// the values it reports become up to kMaxGiven i64 scalars; dsc.check keeps
// them through bufferization (it has no tensor operands) until
// dsc-lower-checks makes it an early return. Guards are first moved, with the
// ops they depend on, to the start of their function, so that a failing
// guard returns before any output has been written.
//
//===----------------------------------------------------------------------===//
#include "PopulatePatterns.h"
#include "dsc/Dialect/DSCDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/SetVector.h"

using namespace mlir;

namespace dsc {
namespace {

/// Values a failed check reports (the runtime prints them after the message).
constexpr int64_t kMaxGiven = 16;

/// The multi-index of element `flat` of `shape` (row-major).
SmallVector<Value> indexOf(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
                           int64_t flat) {
  SmallVector<Value> idx(shape.size());
  for (int64_t d = static_cast<int64_t>(shape.size()) - 1; d >= 0; --d) {
    idx[d] = arith::ConstantIndexOp::create(b, loc, flat % shape[d]);
    flat /= shape[d];
  }
  return idx;
}

struct GuardToCheck : OpRewritePattern<GuardOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(GuardOp op, PatternRewriter &b) const override {
    Location loc = op.getLoc();
    auto condType = cast<RankedTensorType>(op.getCondition().getType());
    if (!condType.hasStaticShape())
      return failure();
    Value cond = op.getCondition();
    if (condType.getNumElements() == 0) {
      b.eraseOp(op); // nothing to check
      return success();
    }
    if (condType.getRank() > 0) {
      // and-reduce every element into a rank-0 tensor.
      auto scalarType = RankedTensorType::get({}, b.getI1Type());
      Value init = buildFilled(b, loc, scalarType, b.getBoolAttr(true));
      SmallVector<int64_t> dims =
          llvm::to_vector(llvm::seq<int64_t>(0, condType.getRank()));
      cond = linalg::ReduceOp::create(
                 b, loc, ValueRange{cond}, ValueRange{init}, dims,
                 [](OpBuilder &nb, Location nl, ValueRange args) {
                   Value r = arith::AndIOp::create(nb, nl, args[0], args[1]);
                   linalg::YieldOp::create(nb, nl, r);
                 })
                 .getResult(0);
    }
    Value ok = tensor::ExtractOp::create(b, loc, cond, ValueRange{});
    SmallVector<Value> given;
    std::string message = op.getMessage().str();
    if (Value g = op.getGiven()) {
      auto gt = cast<RankedTensorType>(g.getType());
      if (!gt.hasStaticShape())
        return failure();
      int64_t n = std::min<int64_t>(gt.getNumElements(), kMaxGiven);
      if (gt.getNumElements() > kMaxGiven)
        message += " (the first " + std::to_string(kMaxGiven) +
                   " values given are shown)";
      unsigned width = gt.getElementType().getIntOrFloatBitWidth();
      for (int64_t i = 0; i < n; ++i) {
        Value v = tensor::ExtractOp::create(b, loc, g,
                                            indexOf(b, loc, gt.getShape(), i));
        if (width == 1)
          v = arith::ExtUIOp::create(b, loc, b.getI64Type(), v);
        else if (width < 64)
          v = arith::ExtSIOp::create(b, loc, b.getI64Type(), v);
        else if (width > 64)
          v = arith::TruncIOp::create(b, loc, b.getI64Type(), v);
        given.push_back(v);
      }
    }
    b.replaceOpWithNewOp<CheckOp>(op, ok, given, b.getStringAttr(message));
    return success();
  }
};

} // namespace

void hoistGuards(Operation *scope) {
  scope->walk([](func::FuncOp f) {
    if (f.isExternal() || !f.getBody().hasOneBlock())
      return;
    Block &body = f.getBody().front();
    // The guards and everything they depend on in this block, in block order
    // (a backward slice is closed under operands, so moving it up keeps
    // every definition before its uses).
    llvm::SetVector<Operation *> slice;
    SmallVector<Operation *> work;
    for (auto g : body.getOps<GuardOp>())
      work.push_back(g);
    if (work.empty())
      return;
    while (!work.empty()) {
      Operation *op = work.pop_back_val();
      if (!slice.insert(op))
        continue;
      op->walk([&](Operation *nested) {
        for (Value v : nested->getOperands())
          if (Operation *def = v.getDefiningOp())
            if (def->getBlock() == &body)
              work.push_back(def);
      });
    }
    Operation *insertBefore = nullptr;
    SmallVector<Operation *> ops;
    for (Operation &op : body)
      ops.push_back(&op);
    for (Operation *op : ops) {
      if (!slice.contains(op)) {
        if (!insertBefore)
          insertBefore = op;
      } else if (insertBefore) {
        op->moveBefore(insertBefore);
      }
    }
  });
}

void populateGuardPatterns(RewritePatternSet &patterns) {
  patterns.add<GuardToCheck>(patterns.getContext());
}

} // namespace dsc
