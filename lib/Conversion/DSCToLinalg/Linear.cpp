//===- Linear.cpp - dsc.matmul / dsc.gemm to linalg -----------------------===//
#include "PopulatePatterns.h"
#include "dsc/Dialect/DSCDialect.h"
#include "dsc/Dialect/Utils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace dsc {

Value buildContraction(OpBuilder &b, Location loc, Value lhs, Value rhs,
                       Value init, ArrayRef<AffineMap> maps,
                       int64_t numParallel, int64_t numReduction,
                       StringRef kind) {
  SmallVector<utils::IteratorType> iters(numParallel,
                                         utils::IteratorType::parallel);
  iters.append(numReduction, utils::IteratorType::reduction);
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{init.getType()}, ValueRange{lhs, rhs}, ValueRange{init},
      maps, iters, [](OpBuilder &nb, Location nloc, ValueRange args) {
        Value prod = arith::MulFOp::create(nb, nloc, args[0], args[1]);
        linalg::YieldOp::create(
            nb, nloc,
            arith::AddFOp::create(nb, nloc, args[2], prod).getResult());
      });
  markContraction(generic, kind);
  return generic.getResult(0);
}

namespace {

struct MatMulLowering : OpRewritePattern<MatMulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MatMulOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getType());
    auto lhsType = cast<RankedTensorType>(op.getLhs().getType());
    auto rhsType = cast<RankedTensorType>(op.getRhs().getType());
    Value init = buildFilled(rewriter, loc, type,
                             rewriter.getFloatAttr(type.getElementType(), 0));
    if (lhsType.getRank() == 2 && rhsType.getRank() == 2) {
      auto matmul = linalg::MatmulOp::create(
          rewriter, loc, ValueRange{op.getLhs(), op.getRhs()},
          ValueRange{init});
      markContraction(matmul, "MatMul");
      rewriter.replaceOp(op, matmul.getResult(0));
      return success();
    }
    // General numpy matmul: loops (batch..., m?, n?, k); rank-1 operands
    // have no m (lhs) or n (rhs) loop.
    MLIRContext *ctx = getContext();
    bool hasM = lhsType.getRank() >= 2, hasN = rhsType.getRank() >= 2;
    int64_t numBatch = type.getRank() - hasM - hasN;
    int64_t numLoops = type.getRank() + 1;
    AffineExpr m = getAffineDimExpr(numBatch, ctx);
    AffineExpr n = getAffineDimExpr(numBatch + hasM, ctx);
    AffineExpr k = getAffineDimExpr(numLoops - 1, ctx);
    auto batchExprs = [&](ArrayRef<int64_t> shape) {
      SmallVector<AffineExpr> exprs;
      int64_t off = numBatch - static_cast<int64_t>(shape.size());
      for (auto [i, d] : llvm::enumerate(shape))
        exprs.push_back(d == 1 && type.getDimSize(off + i) != 1
                            ? getAffineConstantExpr(0, ctx)
                            : getAffineDimExpr(off + i, ctx));
      return exprs;
    };
    SmallVector<AffineExpr> lhsExprs, rhsExprs, outExprs;
    if (hasM) {
      lhsExprs = batchExprs(lhsType.getShape().drop_back(2));
      lhsExprs.push_back(m);
    }
    lhsExprs.push_back(k);
    if (hasN) {
      rhsExprs = batchExprs(rhsType.getShape().drop_back(2));
      rhsExprs.push_back(k);
      rhsExprs.push_back(n);
    } else {
      rhsExprs.push_back(k);
    }
    for (int64_t d = 0; d < type.getRank(); ++d)
      outExprs.push_back(getAffineDimExpr(d, ctx));
    SmallVector<AffineMap> maps = {AffineMap::get(numLoops, 0, lhsExprs, ctx),
                                   AffineMap::get(numLoops, 0, rhsExprs, ctx),
                                   AffineMap::get(numLoops, 0, outExprs, ctx)};
    rewriter.replaceOp(op, buildContraction(rewriter, loc, op.getLhs(),
                                            op.getRhs(), init, maps,
                                            type.getRank(), 1, "MatMul"));
    return success();
  }
};

struct GemmLowering : OpRewritePattern<GemmOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(GemmOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = getContext();
    auto type = cast<RankedTensorType>(op.getType());
    Type elem = type.getElementType();
    double alpha = op.getAlpha().convertToDouble();
    double beta = op.getBeta().convertToDouble();
    Value c = beta != 0.0 ? op.getC() : Value();

    // With alpha == 1 the accumulator starts from beta * C; otherwise the
    // product is scaled in an epilogue so alpha multiplies the full sum.
    Value init;
    if (c && alpha == 1.0)
      init = buildElementwise(
          rewriter, loc, type, {c},
          [&](OpBuilder &b, Location l, ValueRange args) -> Value {
            if (beta == 1.0)
              return args[0];
            return arith::MulFOp::create(b, l, args[0],
                                         floatConst(b, l, elem, beta));
          });
    else
      init = buildFilled(rewriter, loc, type, rewriter.getFloatAttr(elem, 0));

    AffineExpr m = getAffineDimExpr(0, ctx), n = getAffineDimExpr(1, ctx),
               k = getAffineDimExpr(2, ctx);
    auto map = [&](ArrayRef<AffineExpr> e) {
      return AffineMap::get(3, 0, e, ctx);
    };
    SmallVector<AffineMap> maps = {op.getTransA() ? map({k, m}) : map({m, k}),
                                   op.getTransB() ? map({n, k}) : map({k, n}),
                                   map({m, n})};
    Value acc = buildContraction(rewriter, loc, op.getA(), op.getB(), init,
                                 maps, 2, 1, "Gemm");
    if (alpha != 1.0) {
      SmallVector<Value> ins = {acc};
      if (c)
        ins.push_back(c);
      acc = buildElementwise(
          rewriter, loc, type, ins,
          [&](OpBuilder &b, Location l, ValueRange args) -> Value {
            Value v = arith::MulFOp::create(b, l, args[0],
                                            floatConst(b, l, elem, alpha));
            if (args.size() == 1)
              return v;
            Value cv = arith::MulFOp::create(b, l, args[1],
                                             floatConst(b, l, elem, beta));
            return arith::AddFOp::create(b, l, v, cv);
          });
    }
    rewriter.replaceOp(op, acc);
    return success();
  }
};

} // namespace

void populateLinearPatterns(RewritePatternSet &patterns) {
  patterns.add<MatMulLowering, GemmLowering>(patterns.getContext());
}

} // namespace dsc
