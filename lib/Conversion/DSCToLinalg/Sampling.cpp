//===- Sampling.cpp - dsc.grid_sample and dsc.roi_align to linalg ---------===//
//
// Both ops sample the input at coordinates known only at run time (the grid,
// the boxes), so unlike dsc.resize no table is computed here: one
// linalg.generic over the result computes each element's coordinates with
// scalar arith/math in its body and gathers (tensor.extract) the taps it
// interpolates, every tap unrolled. The arithmetic follows ONNX's reference
// implementations (onnx/reference/ops/op_grid_sample.py, op_roi_align.py)
// step by step, in f32 (f64 for f64 inputs).
//
//===----------------------------------------------------------------------===//
#include "PopulatePatterns.h"
#include "dsc/Dialect/DSCDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace dsc {
namespace {

/// Scalar helpers over one float type inside a generic's body.
struct Scalars {
  OpBuilder &b;
  Location loc;
  Type ft; // the computation type

  Value c(double v) { return floatConst(b, loc, ft, v); }
  Value add(Value x, Value y) { return arith::AddFOp::create(b, loc, x, y); }
  Value sub(Value x, Value y) { return arith::SubFOp::create(b, loc, x, y); }
  Value mul(Value x, Value y) { return arith::MulFOp::create(b, loc, x, y); }
  Value div(Value x, Value y) { return arith::DivFOp::create(b, loc, x, y); }
  Value floor(Value x) { return math::FloorOp::create(b, loc, x); }
  Value abs(Value x) { return math::AbsFOp::create(b, loc, x); }
  Value lt(Value x, Value y) {
    return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, x, y);
  }
  Value gt(Value x, Value y) {
    return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, x, y);
  }
  Value ge(Value x, Value y) {
    return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGE, x, y);
  }
  Value select(Value cond, Value x, Value y) {
    return arith::SelectOp::create(b, loc, cond, x, y);
  }
  Value orI(Value x, Value y) { return arith::OrIOp::create(b, loc, x, y); }
  Value andI(Value x, Value y) { return arith::AndIOp::create(b, loc, x, y); }
  Value clamp(Value x, double lo, double hi) {
    return arith::MinimumFOp::create(
        b, loc, arith::MaximumFOp::create(b, loc, x, c(lo)), c(hi));
  }
  /// Truncation toward zero to an index (the reference's int()).
  Value toIndex(Value x) {
    Value i = arith::FPToSIOp::create(b, loc, b.getI64Type(), x);
    return arith::IndexCastOp::create(b, loc, b.getIndexType(), i);
  }
  Value toFloat(Value x) {
    if (x.getType() == ft)
      return x;
    if (cast<FloatType>(x.getType()).getWidth() <
        cast<FloatType>(ft).getWidth())
      return arith::ExtFOp::create(b, loc, ft, x);
    return arith::TruncFOp::create(b, loc, ft, x);
  }
  Value fromFloat(Value x, Type elem) {
    if (elem == ft)
      return x;
    return arith::TruncFOp::create(b, loc, elem, x);
  }

  /// GridSample's _gs_reflect: reflects x by the nearer border until it
  /// lies in [lo, hi].
  Value reflect(Value x, double lo, double hi) {
    double range = hi - lo;
    auto fold = [&](Value dx, bool below) {
      Value n = floor(div(dx, c(range)));
      Value r = sub(dx, mul(n, c(range)));
      Value half = mul(n, c(0.5));
      Value even = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ,
                                         floor(half), half);
      Value fromLo = add(c(lo), r), fromHi = sub(c(hi), r);
      return below ? select(even, fromLo, fromHi)
                   : select(even, fromHi, fromLo);
    };
    Value below = fold(sub(c(lo), x), true);
    Value above = fold(sub(x, c(hi)), false);
    return select(lt(x, c(lo)), below, select(gt(x, c(hi)), above, x));
  }
};

/// The Keys cubic coefficients (a = -0.75) of the fraction t for the taps at
/// -1, 0, 1, 2 (GridSample's _gs_get_cubic_coeffs).
SmallVector<Value> cubicCoefficients(Scalars &s, Value t) {
  double a = -0.75;
  Value x = s.abs(t);
  Value x1 = s.add(x, s.c(1)), q = s.sub(s.c(1), x), q1 = s.sub(s.c(2), x);
  auto outer = [&](Value v) { // ((a v - 5a) v + 8a) v - 4a
    return s.sub(
        s.mul(s.add(s.mul(s.sub(s.mul(s.c(a), v), s.c(5 * a)), v), s.c(8 * a)),
              v),
        s.c(4 * a));
  };
  auto inner = [&](Value v) { // ((a + 2) v - (a + 3)) v v + 1
    return s.add(s.mul(s.mul(s.sub(s.mul(s.c(a + 2), v), s.c(a + 3)), v), v),
                 s.c(1));
  };
  return {outer(x1), inner(x), inner(q), outer(q1)};
}

struct GridSampleLowering : OpRewritePattern<GridSampleOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(GridSampleOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = op.getInput(), grid = op.getGrid();
    auto inType = cast<RankedTensorType>(input.getType());
    auto outType = cast<RankedTensorType>(op.getType());
    Type elem = outType.getElementType();
    Type ft = elem.isF64() ? Type(rewriter.getF64Type())
                           : Type(rewriter.getF32Type());
    int64_t rank = outType.getRank(), k = rank - 2;
    StringRef mode = op.getMode(), padding = op.getPaddingMode();
    bool align = op.getAlignCorners();
    SmallVector<int64_t> dims(inType.getShape().drop_front(2));

    Value init =
        tensor::EmptyOp::create(rewriter, loc, outType.getShape(), elem);
    Value result =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{outType}, ValueRange{}, ValueRange{init},
            SmallVector<AffineMap>{rewriter.getMultiDimIdentityMap(rank)},
            SmallVector<utils::IteratorType>(rank,
                                             utils::IteratorType::parallel),
            [&](OpBuilder &b, Location l, ValueRange) {
              Scalars s{b, l, ft};
              SmallVector<Value> at;
              for (int64_t d = 0; d < rank; ++d)
                at.push_back(linalg::IndexOp::create(b, l, d));
              // Source coordinate per spatial dim d (the grid lists them
              // last dim first).
              SmallVector<Value> x(k);
              for (int64_t d = 0; d < k; ++d) {
                SmallVector<Value> g = {at[0]};
                for (int64_t i = 0; i < k; ++i)
                  g.push_back(at[2 + i]);
                g.push_back(arith::ConstantIndexOp::create(b, l, k - 1 - d));
                Value v = s.toFloat(tensor::ExtractOp::create(b, l, grid, g));
                double len = static_cast<double>(dims[d]);
                v = align
                        ? s.mul(s.mul(s.add(v, s.c(1)), s.c(0.5)), s.c(len - 1))
                        : s.mul(
                              s.sub(s.mul(s.add(v, s.c(1)), s.c(len)), s.c(1)),
                              s.c(0.5));
                if (mode == "nearest")
                  v = math::RoundEvenOp::create(b, l, v);
                double lo = align ? 0.0 : -0.5,
                       hi = align ? len - 1 : len - 0.5;
                // Cubic border reads clamped taps around the unclamped
                // coordinate (as PyTorch and ONNX Runtime; ONNX's reference
                // clamps the coordinate first, which no node test covers).
                if (padding == "border" && mode != "cubic")
                  v = s.select(s.orI(s.lt(v, s.c(lo)), s.gt(v, s.c(hi))),
                               s.clamp(v, 0, len - 1), v);
                else if (padding == "reflection")
                  v = s.reflect(v, lo, hi);
                x[d] = v;
              }

              // The taps of each dim: (integer position, weight).
              SmallVector<SmallVector<std::pair<Value, Value>>> taps(k);
              for (int64_t d = 0; d < k; ++d) {
                if (mode == "nearest") {
                  // astype(int32) truncates toward zero.
                  Value t = math::TruncOp::create(b, l, x[d]);
                  taps[d].push_back({t, Value()});
                  continue;
                }
                Value x0 = s.floor(x[d]), t = s.sub(x[d], x0);
                if (mode == "linear") {
                  taps[d].push_back({x0, s.sub(s.c(1), s.abs(t))});
                  taps[d].push_back({s.add(x0, s.c(1)), s.abs(t)});
                  continue;
                }
                SmallVector<Value> w = cubicCoefficients(s, t);
                for (int64_t i = 0; i < 4; ++i)
                  taps[d].push_back({s.add(x0, s.c(i - 1)), w[i]});
              }

              // The sum over every combination of taps of the product of
              // their weights times the pixel (_pixel_at_ndarray).
              Value acc = s.c(0);
              SmallVector<int64_t> pick(k, 0);
              while (true) {
                Value weight, valid;
                SmallVector<Value> src = {at[0], at[1]};
                for (int64_t d = 0; d < k; ++d) {
                  auto [pos, w] = taps[d][pick[d]];
                  double len = static_cast<double>(dims[d]);
                  if (w)
                    weight = weight ? s.mul(weight, w) : w;
                  if (padding == "zeros") {
                    Value in = s.andI(s.ge(pos, s.c(0)), s.lt(pos, s.c(len)));
                    valid = valid ? s.andI(valid, in) : in;
                  } else if (padding == "reflection") {
                    pos = s.reflect(pos, align ? 0.0 : -0.5,
                                    align ? len - 1 : len - 0.5);
                    pos = math::TruncOp::create(b, l, pos);
                  }
                  // Clamped in every mode so that the read stays inside.
                  src.push_back(s.toIndex(s.clamp(pos, 0, len - 1)));
                }
                Value v =
                    s.toFloat(tensor::ExtractOp::create(b, l, input, src));
                if (valid)
                  v = s.select(valid, v, s.c(0));
                acc = weight ? s.add(acc, s.mul(weight, v)) : v;
                int64_t d = k - 1;
                while (d >= 0 &&
                       ++pick[d] == static_cast<int64_t>(taps[d].size())) {
                  pick[d] = 0;
                  --d;
                }
                if (d < 0)
                  break;
              }
              linalg::YieldOp::create(b, l, s.fromFloat(acc, elem));
            })
            .getResult(0);
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct RoiAlignLowering : OpRewritePattern<RoiAlignOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(RoiAlignOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = op.getInput(), rois = op.getRois(),
          batch = op.getBatchIndices();
    auto inType = cast<RankedTensorType>(input.getType());
    auto outType = cast<RankedTensorType>(op.getType());
    Type elem = outType.getElementType();
    Type ft = elem.isF64() ? Type(rewriter.getF64Type())
                           : Type(rewriter.getF32Type());
    MLIRContext *ctx = rewriter.getContext();
    int64_t ratio = op.getSamplingRatio();
    bool avg = op.getMode() == "avg", halfPixel = op.getHalfPixel();
    double scale = op.getSpatialScale().convertToDouble();
    double height = inType.getDimSize(2), width = inType.getDimSize(3);
    double pooledH = outType.getDimSize(2), pooledW = outType.getDimSize(3);

    // Iteration (r, c, ph, pw, iy, ix): the samples iy, ix of a bin reduce.
    auto dim = [&](int64_t i) { return getAffineDimExpr(i, ctx); };
    SmallVector<AffineMap> maps = {
        AffineMap::get(6, 0, {dim(4), dim(5)}, ctx),
        AffineMap::get(6, 0, {dim(0), dim(1), dim(2), dim(3)}, ctx)};
    SmallVector<utils::IteratorType> iters(4, utils::IteratorType::parallel);
    iters.append(2, utils::IteratorType::reduction);
    // A [ratio, ratio] operand only gives the reduction dims their extent.
    Value samples = tensor::EmptyOp::create(rewriter, loc, {ratio, ratio}, ft);
    auto accType = RankedTensorType::get(outType.getShape(), ft);
    TypedAttr start = avg ? TypedAttr(rewriter.getFloatAttr(ft, 0.0))
                          : lowestFloatAttr(cast<FloatType>(ft));
    Value init = buildFilled(rewriter, loc, accType, start);
    Value acc =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{accType}, ValueRange{samples},
            ValueRange{init}, maps, iters,
            [&](OpBuilder &b, Location l, ValueRange args) {
              Scalars s{b, l, ft};
              SmallVector<Value> at;
              for (int64_t d = 0; d < 6; ++d)
                at.push_back(linalg::IndexOp::create(b, l, d));
              auto roi = [&](int64_t i) {
                Value v = tensor::ExtractOp::create(
                    b, l, rois,
                    ValueRange{at[0], arith::ConstantIndexOp::create(b, l, i)});
                return s.sub(s.mul(s.toFloat(v), s.c(scale)),
                             s.c(halfPixel ? 0.5 : 0.0));
              };
              Value x1 = roi(0), y1 = roi(1), x2 = roi(2), y2 = roi(3);
              Value roiW = s.sub(x2, x1), roiH = s.sub(y2, y1);
              if (!halfPixel) {
                roiW = arith::MaximumFOp::create(b, l, roiW, s.c(1));
                roiH = arith::MaximumFOp::create(b, l, roiH, s.c(1));
              }
              Value binH = s.div(roiH, s.c(pooledH)),
                    binW = s.div(roiW, s.c(pooledW));
              auto idxF = [&](Value i) {
                Value v = arith::IndexCastOp::create(b, l, b.getI64Type(), i);
                return arith::SIToFPOp::create(b, l, ft, v).getResult();
              };
              // yy = start + ph * bin + (iy + 0.5) * bin / ratio.
              Value y = s.add(
                  s.add(y1, s.mul(idxF(at[2]), binH)),
                  s.div(s.mul(s.add(idxF(at[4]), s.c(0.5)), binH), s.c(ratio)));
              Value x = s.add(
                  s.add(x1, s.mul(idxF(at[3]), binW)),
                  s.div(s.mul(s.add(idxF(at[5]), s.c(0.5)), binW), s.c(ratio)));
              Value outside =
                  s.orI(s.orI(s.lt(y, s.c(-1)), s.gt(y, s.c(height))),
                        s.orI(s.lt(x, s.c(-1)), s.gt(x, s.c(width))));
              // Low/high corners and the fractions, per axis.
              auto corners = [&](Value v, double len) {
                v = arith::MaximumFOp::create(b, l, v, s.c(0));
                Value low = math::TruncOp::create(b, l, v);
                Value atEnd = s.ge(low, s.c(len - 1));
                low = s.select(atEnd, s.c(len - 1), low);
                v = s.select(atEnd, low, v);
                Value high = s.select(atEnd, low, s.add(low, s.c(1)));
                return std::array<Value, 3>{low, high, s.sub(v, low)};
              };
              auto [yl, yh, ly] = corners(y, height);
              auto [xl, xh, lx] = corners(x, width);
              Value hy = s.sub(s.c(1), ly), hx = s.sub(s.c(1), lx);
              Value batchIdx = arith::IndexCastOp::create(
                  b, l, b.getIndexType(),
                  tensor::ExtractOp::create(b, l, batch, ValueRange{at[0]}));
              batchIdx = arith::MaxSIOp::create(
                  b, l, batchIdx, arith::ConstantIndexOp::create(b, l, 0));
              batchIdx =
                  arith::MinSIOp::create(b, l, batchIdx,
                                         arith::ConstantIndexOp::create(
                                             b, l, inType.getDimSize(0) - 1));
              auto pixel = [&](Value py, Value px, Value w) {
                Value v = tensor::ExtractOp::create(
                    b, l, input,
                    ValueRange{batchIdx, at[1], s.toIndex(py), s.toIndex(px)});
                // Samples outside the input have zero weights at pixel 0.
                return s.select(outside, s.c(0), s.mul(w, s.toFloat(v)));
              };
              Value v1 = pixel(yl, xl, s.mul(hy, hx)),
                    v2 = pixel(yl, xh, s.mul(hy, lx)),
                    v3 = pixel(yh, xl, s.mul(ly, hx)),
                    v4 = pixel(yh, xh, s.mul(ly, lx));
              Value v;
              if (avg) {
                v = s.add(args[1], s.add(s.add(s.add(v1, v2), v3), v4));
              } else {
                auto mx = [&](Value p, Value q) {
                  return arith::MaximumFOp::create(b, l, p, q).getResult();
                };
                v = mx(args[1], mx(mx(mx(v1, v2), v3), v4));
              }
              linalg::YieldOp::create(b, l, v);
            })
            .getResult(0);
    double count = static_cast<double>(ratio * ratio);
    Value result =
        buildElementwise(rewriter, loc, outType, ValueRange{acc},
                         [&](OpBuilder &b, Location l, ValueRange args) {
                           Scalars s{b, l, ft};
                           Value v = avg ? s.div(args[0], s.c(count)) : args[0];
                           return s.fromFloat(v, elem);
                         });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void populateSamplingPatterns(RewritePatternSet &patterns) {
  patterns.add<GridSampleLowering, RoiAlignLowering>(patterns.getContext());
}

} // namespace dsc
