//===- DataMovement.cpp - dsc reshape/transpose/concat to tensor/linalg ---===//
#include "PopulatePatterns.h"
#include "dsc/Dialect/DSCDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace dsc {
namespace {

/// Row-major reshape as collapse-to-1-D then expand: both are views after
/// bufferization, so a reshape never copies.
struct ReshapeLowering : OpRewritePattern<ReshapeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ReshapeOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto inType = cast<RankedTensorType>(op.getInput().getType());
    auto outType = cast<RankedTensorType>(op.getType());
    if (inType == outType) {
      rewriter.replaceOp(op, op.getInput());
      return success();
    }
    auto all = [](int64_t rank) {
      ReassociationIndices r;
      for (int64_t i = 0; i < rank; ++i)
        r.push_back(i);
      return SmallVector<ReassociationIndices>{r};
    };
    Value flat = op.getInput();
    if (outType.getRank() == 0) {
      rewriter.replaceOpWithNewOp<tensor::CollapseShapeOp>(
          op, outType, flat, SmallVector<ReassociationIndices>{});
      return success();
    }
    if (inType.getRank() == 0) {
      rewriter.replaceOpWithNewOp<tensor::ExpandShapeOp>(
          op, outType, flat, SmallVector<ReassociationIndices>{});
      return success();
    }
    if (inType.getRank() != 1)
      flat = tensor::CollapseShapeOp::create(
          rewriter, loc,
          RankedTensorType::get({inType.getNumElements()},
                                inType.getElementType()),
          flat, all(inType.getRank()));
    if (outType.getRank() == 1)
      rewriter.replaceOp(op, flat);
    else
      rewriter.replaceOpWithNewOp<tensor::ExpandShapeOp>(
          op, outType, flat, all(outType.getRank()));
    return success();
  }
};

struct TransposeLowering : OpRewritePattern<TransposeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(TransposeOp op,
                                PatternRewriter &rewriter) const override {
    auto outType = cast<RankedTensorType>(op.getType());
    Value init = tensor::EmptyOp::create(
        rewriter, op.getLoc(), outType.getShape(), outType.getElementType());
    rewriter.replaceOp(op, linalg::TransposeOp::create(rewriter, op.getLoc(),
                                                       op.getInput(), init,
                                                       op.getPerm())
                               .getResult());
    return success();
  }
};

struct ConcatLowering : OpRewritePattern<ConcatOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ConcatOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto outType = cast<RankedTensorType>(op.getType());
    int64_t axis = op.getAxis(), rank = outType.getRank();
    Value result = tensor::EmptyOp::create(rewriter, loc, outType.getShape(),
                                           outType.getElementType());
    int64_t offset = 0;
    for (Value in : op.getInputs()) {
      auto inType = cast<RankedTensorType>(in.getType());
      SmallVector<OpFoldResult> offsets(rank, rewriter.getIndexAttr(0)), sizes,
          strides(rank, rewriter.getIndexAttr(1));
      offsets[axis] = rewriter.getIndexAttr(offset);
      for (int64_t d : inType.getShape())
        sizes.push_back(rewriter.getIndexAttr(d));
      result = tensor::InsertSliceOp::create(rewriter, loc, in, result, offsets,
                                             sizes, strides);
      offset += inType.getDimSize(axis);
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// A generic over the result whose body reads `source` at the coordinates
/// `coords(b, loc, ivs, inputs)` computes from the result's indices `ivs`
/// and the scalars of `inputs` (read with `inputMaps`).
Value buildExtractGeneric(OpBuilder &b, Location loc, RankedTensorType type,
                          Value source, ValueRange inputs,
                          ArrayRef<AffineMap> inputMaps,
                          function_ref<SmallVector<Value>(
                              OpBuilder &, Location, ValueRange, ValueRange)>
                              coords) {
  int64_t rank = type.getRank();
  SmallVector<AffineMap> maps(inputMaps);
  maps.push_back(b.getMultiDimIdentityMap(rank));
  Value init =
      tensor::EmptyOp::create(b, loc, type.getShape(), type.getElementType());
  return linalg::GenericOp::create(
             b, loc, TypeRange{type}, inputs, ValueRange{init}, maps,
             SmallVector<utils::IteratorType>(rank,
                                              utils::IteratorType::parallel),
             [&](OpBuilder &nb, Location nloc, ValueRange args) {
               SmallVector<Value> ivs;
               for (int64_t d = 0; d < rank; ++d)
                 ivs.push_back(linalg::IndexOp::create(nb, nloc, d));
               SmallVector<Value> at = coords(nb, nloc, ivs, args.drop_back());
               linalg::YieldOp::create(
                   nb, nloc,
                   tensor::ExtractOp::create(nb, nloc, source, at).getResult());
             })
      .getResult(0);
}

/// result[outer, j..., inner] = data[outer, wrap(indices[j...]), inner].
/// An ONNX gather index as an in-bounds `index` for an axis of size `dim`.
Value gatherIndex(OpBuilder &b, Location l, Value index, int64_t dim) {
  Value i = arith::IndexCastOp::create(b, l, b.getIndexType(), index);
  Value size = arith::ConstantIndexOp::create(b, l, dim);
  Value zero = arith::ConstantIndexOp::create(b, l, 0);
  // Negative indices count from the end.
  Value isNeg = arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, i, zero);
  i = arith::SelectOp::create(b, l, isNeg, arith::AddIOp::create(b, l, i, size),
                              i);
  // Out-of-range indices are an error in ONNX; clamping keeps a bad index
  // from reading outside the buffer.
  i = arith::MaxSIOp::create(b, l, i, zero);
  return arith::MinSIOp::create(b, l, i,
                                arith::ConstantIndexOp::create(b, l, dim - 1));
}

struct GatherLowering : OpRewritePattern<GatherOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(GatherOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto outType = cast<RankedTensorType>(op.getType());
    auto dataType = cast<RankedTensorType>(op.getData().getType());
    auto idxType = cast<RankedTensorType>(op.getIndices().getType());
    int64_t axis = op.getAxis(), q = idxType.getRank();
    int64_t dim = dataType.getDimSize(axis);
    MLIRContext *ctx = getContext();
    SmallVector<AffineExpr> idxExprs;
    for (int64_t j = 0; j < q; ++j)
      idxExprs.push_back(getAffineDimExpr(axis + j, ctx));
    AffineMap idxMap = AffineMap::get(outType.getRank(), 0, idxExprs, ctx);
    Value result = buildExtractGeneric(
        rewriter, loc, outType, op.getData(), {op.getIndices()}, {idxMap},
        [&](OpBuilder &b, Location l, ValueRange ivs, ValueRange args) {
          SmallVector<Value> at(ivs.take_front(axis));
          at.push_back(gatherIndex(b, l, args[0], dim));
          llvm::append_range(at, ivs.drop_front(axis + q));
          return at;
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// One generic over the indices' shape reading data at the iteration
/// point with the axis coordinate replaced by the index.
struct GatherElementsLowering : OpRewritePattern<GatherElementsOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(GatherElementsOp op,
                                PatternRewriter &rewriter) const override {
    auto outType = cast<RankedTensorType>(op.getType());
    auto dataType = cast<RankedTensorType>(op.getData().getType());
    int64_t axis = op.getAxis(), dim = dataType.getDimSize(axis);
    AffineMap idxMap = rewriter.getMultiDimIdentityMap(outType.getRank());
    Value result = buildExtractGeneric(
        rewriter, op.getLoc(), outType, op.getData(), {op.getIndices()},
        {idxMap},
        [&](OpBuilder &b, Location l, ValueRange ivs, ValueRange args) {
          SmallVector<Value> at(ivs);
          at[axis] = gatherIndex(b, l, args[0], dim);
          return at;
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// `acc` combined with `update` as the scatter `reduction` says.
Value scatterCombine(OpBuilder &b, Location l, StringRef reduction, Value acc,
                     Value update) {
  bool isFloat = isa<FloatType>(acc.getType());
  if (reduction == "add")
    return isFloat ? Value(arith::AddFOp::create(b, l, acc, update))
                   : Value(arith::AddIOp::create(b, l, acc, update));
  if (reduction == "mul")
    return isFloat ? Value(arith::MulFOp::create(b, l, acc, update))
                   : Value(arith::MulIOp::create(b, l, acc, update));
  if (reduction == "max")
    return isFloat ? Value(arith::MaximumFOp::create(b, l, acc, update))
                   : Value(arith::MaxSIOp::create(b, l, acc, update));
  if (reduction == "min")
    return isFloat ? Value(arith::MinimumFOp::create(b, l, acc, update))
                   : Value(arith::MinSIOp::create(b, l, acc, update));
  return update;
}

/// A scatter as one generic: the data's dimensions (parallel) then the
/// updates' (reduction, so they run in row-major order inside). Every
/// result element starts as the data's and takes each update whose target
/// it is (`isTarget(b, l, resultIvs, updateIvs, args)`, `args` being the
/// scalars of `inputs` read at the update). Quadratic in size, but plain
/// linalg.
Value buildScatter(OpBuilder &b, Location loc, Value data, Value updates,
                   ValueRange inputs, StringRef reduction,
                   function_ref<Value(OpBuilder &, Location, ValueRange,
                                      ValueRange, ValueRange)>
                       isTarget) {
  auto dataType = cast<RankedTensorType>(data.getType());
  auto updType = cast<RankedTensorType>(updates.getType());
  int64_t r = dataType.getRank(), u = updType.getRank();
  MLIRContext *ctx = b.getContext();
  SmallVector<AffineExpr> dataExprs, updExprs;
  for (int64_t d = 0; d < r; ++d)
    dataExprs.push_back(getAffineDimExpr(d, ctx));
  for (int64_t d = 0; d < u; ++d)
    updExprs.push_back(getAffineDimExpr(r + d, ctx));
  AffineMap updMap = AffineMap::get(r + u, 0, updExprs, ctx);
  SmallVector<AffineMap> maps(inputs.size() + 1, updMap);
  maps.push_back(AffineMap::get(r + u, 0, dataExprs, ctx));
  SmallVector<utils::IteratorType> iters(r, utils::IteratorType::parallel);
  iters.append(u, utils::IteratorType::reduction);
  SmallVector<Value> ins = {updates};
  llvm::append_range(ins, inputs);
  return linalg::GenericOp::create(
             b, loc, TypeRange{dataType}, ins, ValueRange{data}, maps, iters,
             [&](OpBuilder &nb, Location l, ValueRange args) {
               SmallVector<Value> ivs;
               for (int64_t d = 0; d < r + u; ++d)
                 ivs.push_back(linalg::IndexOp::create(nb, l, d));
               ValueRange all(ivs);
               Value hit = isTarget(nb, l, all.take_front(r), all.drop_front(r),
                                    args.drop_front().drop_back());
               Value acc = args.back();
               Value combined =
                   scatterCombine(nb, l, reduction, acc, args.front());
               linalg::YieldOp::create(
                   nb, l,
                   arith::SelectOp::create(nb, l, hit, combined, acc)
                       .getResult());
             })
      .getResult(0);
}

/// `hit && a == b` on indices.
Value andEqual(OpBuilder &b, Location l, Value hit, Value lhs, Value rhs) {
  Value eq = arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq, lhs, rhs);
  return hit ? Value(arith::AndIOp::create(b, l, hit, eq)) : eq;
}

struct ScatterElementsLowering : OpRewritePattern<ScatterElementsOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ScatterElementsOp op,
                                PatternRewriter &rewriter) const override {
    auto dataType = cast<RankedTensorType>(op.getData().getType());
    int64_t axis = op.getAxis(), dim = dataType.getDimSize(axis);
    Value result = buildScatter(
        rewriter, op.getLoc(), op.getData(), op.getUpdates(), {op.getIndices()},
        op.getReduction(),
        [&](OpBuilder &b, Location l, ValueRange at, ValueRange upd,
            ValueRange args) {
          Value hit;
          for (int64_t d = 0; d < dataType.getRank(); ++d)
            hit =
                andEqual(b, l, hit, at[d],
                         d == axis ? gatherIndex(b, l, args[0], dim) : upd[d]);
          return hit;
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct ScatterNDLowering : OpRewritePattern<ScatterNDOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ScatterNDOp op,
                                PatternRewriter &rewriter) const override {
    auto dataType = cast<RankedTensorType>(op.getData().getType());
    auto idxType = cast<RankedTensorType>(op.getIndices().getType());
    int64_t k = idxType.getShape().back(), q = idxType.getRank();
    Value indices = op.getIndices();
    Value result = buildScatter(
        rewriter, op.getLoc(), op.getData(), op.getUpdates(), {},
        op.getReduction(),
        [&](OpBuilder &b, Location l, ValueRange at, ValueRange upd,
            ValueRange) {
          // The update's leading q-1 coordinates pick its index tuple; the
          // rest address the slice.
          SmallVector<Value> idxAt(upd.take_front(q - 1));
          idxAt.push_back(Value());
          Value hit;
          for (int64_t j = 0; j < k; ++j) {
            idxAt.back() = arith::ConstantIndexOp::create(b, l, j);
            Value idx = tensor::ExtractOp::create(b, l, indices, idxAt);
            hit = andEqual(b, l, hit, at[j],
                           gatherIndex(b, l, idx, dataType.getDimSize(j)));
          }
          for (int64_t d = k; d < dataType.getRank(); ++d)
            hit = andEqual(b, l, hit, at[d], upd[q - 1 + d - k]);
          if (!hit)
            hit = arith::ConstantOp::create(b, l, b.getBoolAttr(true));
          return hit;
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// Positive steps are a strided extract_slice (a view after bufferization);
/// a negative step reads element by element.
struct SliceLowering : OpRewritePattern<SliceOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(SliceOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto outType = cast<RankedTensorType>(op.getType());
    ArrayRef<int64_t> starts = op.getStarts(), steps = op.getSteps();
    if (llvm::all_of(steps, [](int64_t s) { return s > 0; })) {
      SmallVector<OpFoldResult> offsets, sizes, strides;
      for (auto [i, start] : llvm::enumerate(starts)) {
        offsets.push_back(rewriter.getIndexAttr(start));
        sizes.push_back(rewriter.getIndexAttr(outType.getDimSize(i)));
        strides.push_back(rewriter.getIndexAttr(steps[i]));
      }
      rewriter.replaceOpWithNewOp<tensor::ExtractSliceOp>(
          op, outType, op.getInput(), offsets, sizes, strides);
      return success();
    }
    Value result = buildExtractGeneric(
        rewriter, loc, outType, op.getInput(), {}, {},
        [&](OpBuilder &b, Location l, ValueRange ivs, ValueRange) {
          SmallVector<Value> at;
          for (auto [d, iv] : llvm::enumerate(ivs)) {
            Value scaled = arith::MulIOp::create(
                b, l, iv, arith::ConstantIndexOp::create(b, l, steps[d]));
            at.push_back(arith::AddIOp::create(
                b, l, scaled, arith::ConstantIndexOp::create(b, l, starts[d])));
          }
          return at;
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void populateDataMovementPatterns(RewritePatternSet &patterns) {
  patterns.add<ReshapeLowering, TransposeLowering, ConcatLowering,
               GatherLowering, GatherElementsLowering, ScatterElementsLowering,
               ScatterNDLowering, SliceLowering>(patterns.getContext());
}

} // namespace dsc
