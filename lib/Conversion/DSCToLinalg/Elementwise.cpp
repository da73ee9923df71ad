//===- Elementwise.cpp - dsc elementwise ops to linalg.generic ------------===//
#include "PopulatePatterns.h"
#include "dsc/Dialect/DSCDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"

using namespace mlir;

namespace dsc {
namespace {

/// Binary arithmetic with numpy broadcasting; FloatOp for float element
/// types, IntOp for integers (ONNX integer Div truncates, as divsi does).
template <typename SrcOp, typename FloatOp, typename IntOp>
struct BinaryLowering : OpRewritePattern<SrcOp> {
  using OpRewritePattern<SrcOp>::OpRewritePattern;
  LogicalResult matchAndRewrite(SrcOp op,
                                PatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    bool isFloat = isa<FloatType>(type.getElementType());
    if (!isFloat && !isa<IntegerType>(type.getElementType()))
      return rewriter.notifyMatchFailure(op, "unsupported element type");
    Value result = buildElementwise(
        rewriter, op.getLoc(), type, {op.getLhs(), op.getRhs()},
        [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
          if (isFloat)
            return FloatOp::create(b, loc, args[0], args[1]);
          return IntOp::create(b, loc, args[0], args[1]);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// Unary float ops: `fn(builder, loc, x)` computes one element.
template <typename SrcOp> struct UnaryLowering : OpRewritePattern<SrcOp> {
  using Fn = Value (*)(OpBuilder &, Location, Value, SrcOp);
  UnaryLowering(MLIRContext *ctx, Fn fn)
      : OpRewritePattern<SrcOp>(ctx), fn(fn) {}
  LogicalResult matchAndRewrite(SrcOp op,
                                PatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    Value result =
        buildElementwise(rewriter, op.getLoc(), type, {op.getInput()},
                         [&](OpBuilder &b, Location loc, ValueRange args) {
                           return fn(b, loc, args[0], op);
                         });
    rewriter.replaceOp(op, result);
    return success();
  }
  Fn fn;
};

Value relu(OpBuilder &b, Location loc, Value x, ReluOp) {
  return arith::MaximumFOp::create(b, loc, x,
                                   floatConst(b, loc, x.getType(), 0.0));
}

Value sigmoid(OpBuilder &b, Location loc, Value x, SigmoidOp) {
  Type t = x.getType();
  Value negX = arith::NegFOp::create(b, loc, x);
  Value e = math::ExpOp::create(b, loc, negX);
  Value one = floatConst(b, loc, t, 1.0);
  Value denom = arith::AddFOp::create(b, loc, one, e);
  return arith::DivFOp::create(b, loc, one, denom);
}

Value tanhFn(OpBuilder &b, Location loc, Value x, TanhOp) {
  return math::TanhOp::create(b, loc, x);
}

Value erf(OpBuilder &b, Location loc, Value x, ErfOp) {
  return math::ErfOp::create(b, loc, x);
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

} // namespace

void populateElementwisePatterns(RewritePatternSet &patterns) {
  MLIRContext *ctx = patterns.getContext();
  patterns.add<BinaryLowering<AddOp, arith::AddFOp, arith::AddIOp>,
               BinaryLowering<SubOp, arith::SubFOp, arith::SubIOp>,
               BinaryLowering<MulOp, arith::MulFOp, arith::MulIOp>,
               BinaryLowering<DivOp, arith::DivFOp, arith::DivSIOp>>(ctx);
  patterns.add<UnaryLowering<ReluOp>>(ctx, relu);
  patterns.add<UnaryLowering<SigmoidOp>>(ctx, sigmoid);
  patterns.add<UnaryLowering<TanhOp>>(ctx, tanhFn);
  patterns.add<UnaryLowering<ClipOp>>(ctx, clip);
  patterns.add<UnaryLowering<ErfOp>>(ctx, erf);
}

} // namespace dsc
