//===- Elementwise.cpp - dsc elementwise ops to linalg.generic ------------===//
//
// Every op with the ElementwiseBroadcast trait has one scalar function,
// buildScalarElementwise; the per-op lowering wraps it in a broadcasting
// linalg.generic, and the kernel lowering (Kernel.cpp) chains several of
// them in one generic body.
//
//===----------------------------------------------------------------------===//
#include "PopulatePatterns.h"
#include "dsc/Dialect/DSCDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;

namespace dsc {
namespace {

/// FloatOp for float element types, IntOp for integers (ONNX integer Div
/// truncates, as divsi does).
template <typename FloatOp, typename IntOp>
Value arith2(OpBuilder &b, Location loc, ValueRange args) {
  if (isa<FloatType>(args[0].getType()))
    return FloatOp::create(b, loc, args[0], args[1]);
  return IntOp::create(b, loc, args[0], args[1]);
}

Value relu(OpBuilder &b, Location loc, Value x) {
  return arith::MaximumFOp::create(b, loc, x,
                                   floatConst(b, loc, x.getType(), 0.0));
}

Value sigmoid(OpBuilder &b, Location loc, Value x) {
  Type t = x.getType();
  Value negX = arith::NegFOp::create(b, loc, x);
  Value e = math::ExpOp::create(b, loc, negX);
  Value one = floatConst(b, loc, t, 1.0);
  Value denom = arith::AddFOp::create(b, loc, one, e);
  return arith::DivFOp::create(b, loc, one, denom);
}

Value clip(OpBuilder &b, Location loc, Value x, ClipOp op) {
  Value v = x;
  if (auto lo = op.getMin())
    v = arith::MaximumFOp::create(
        b, loc, v, floatConst(b, loc, x.getType(), lo->convertToDouble()));
  if (auto hi = op.getMax())
    v = arith::MinimumFOp::create(
        b, loc, v, floatConst(b, loc, x.getType(), hi->convertToDouble()));
  return v;
}

/// Any op with the ElementwiseBroadcast trait: one broadcasting generic
/// around its scalar function.
struct ElementwiseLowering : RewritePattern {
  ElementwiseLowering(MLIRContext *ctx)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/1, ctx) {}
  LogicalResult matchAndRewrite(Operation *op,
                                PatternRewriter &rewriter) const override {
    if (!op->hasTrait<OpTrait::ElementwiseBroadcast>() ||
        op->getNumResults() != 1)
      return failure();
    auto type = cast<RankedTensorType>(op->getResult(0).getType());
    Type elem = type.getElementType();
    if (!isa<FloatType, IntegerType>(elem))
      return rewriter.notifyMatchFailure(op, "unsupported element type");
    bool ok = true;
    Value result = buildElementwise(
        rewriter, op->getLoc(), type, op->getOperands(),
        [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
          FailureOr<Value> v = buildScalarElementwise(b, loc, op, args);
          if (succeeded(v))
            return *v;
          ok = false;
          return args[0];
        });
    if (!ok)
      return rewriter.notifyMatchFailure(op, "no scalar function");
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

FailureOr<Value> buildScalarElementwise(OpBuilder &b, Location loc,
                                        Operation *op, ValueRange args) {
  return llvm::TypeSwitch<Operation *, FailureOr<Value>>(op)
      .Case([&](AddOp) { return arith2<arith::AddFOp, arith::AddIOp>(b, loc, args); })
      .Case([&](SubOp) { return arith2<arith::SubFOp, arith::SubIOp>(b, loc, args); })
      .Case([&](MulOp) { return arith2<arith::MulFOp, arith::MulIOp>(b, loc, args); })
      .Case([&](DivOp) { return arith2<arith::DivFOp, arith::DivSIOp>(b, loc, args); })
      .Case([&](ReluOp) { return relu(b, loc, args[0]); })
      .Case([&](SigmoidOp) { return sigmoid(b, loc, args[0]); })
      .Case([&](TanhOp) -> Value { return math::TanhOp::create(b, loc, args[0]); })
      .Case([&](ErfOp) -> Value { return math::ErfOp::create(b, loc, args[0]); })
      .Case([&](ClipOp c) { return clip(b, loc, args[0], c); })
      .Default([](Operation *) { return failure(); });
}

void populateElementwisePatterns(RewritePatternSet &patterns) {
  patterns.add<ElementwiseLowering>(patterns.getContext());
}

} // namespace dsc
