//===- Resize.cpp - dsc.resize to linalg ----------------------------------===//
//
// Output coordinates map to input coordinates one dimension at a time and
// every shape is static, so for each resized dimension the source indices
// and filter weights of every output position are computed here, at compile
// time, in double precision and in the same order of operations as ONNX's
// reference implementation (onnx/reference/ops/op_resize.py), into small
// constant tables: results match the reference even where a nearest
// neighbour is a tie, and no coordinate arithmetic is left for run time.
//
// Nearest: one linalg.generic over the output gathers (tensor.extract) the
// input at the tables' indices. Linear and cubic: like the reference, one
// dimension after another (the filters are separable), each a generic over
// that step's output with a reduction over the filter taps.
//
// Where scales or roi are operands (ONNX gives them at run time), the
// dimensions that read them get the same tables from a generic that does
// the reference's arithmetic per output position at run time (double
// precision, same order, so nearest ties still round the same way).
//
//===----------------------------------------------------------------------===//
#include "PopulatePatterns.h"
#include "dsc/Dialect/DSCDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <algorithm>
#include <cmath>

using namespace mlir;

namespace dsc {
namespace {

/// The op's interpolation settings.
struct ResizeSettings {
  StringRef mode, coordinateMode, nearestMode;
  double cubicA;
  bool excludeOutside, antialias;
};

/// One resized dimension: for each output position, `taps` input indices
/// (clamped into the input) and their weights; `extrapolated` marks the
/// positions tf_crop_and_resize maps outside the input.
struct AxisTable {
  int64_t taps = 0;
  SmallVector<int64_t> index;
  SmallVector<double> weight;
  SmallVector<bool> extrapolated;
  bool anyExtrapolated = false;
};

/// The reference's filter coefficients for the fraction `ratio` in (0, 1]
/// of a source coordinate (1 when it is an integer).
SmallVector<double> coefficients(const ResizeSettings &s, double ratio,
                                 double scale) {
  if (s.mode == "nearest") {
    if (ratio == 1.0)
      return {0, 1};
    StringRef m = s.nearestMode;
    // Resize-10 / Upsample (ONNX Runtime): floor when upsampling, ceil when
    // downsampling.
    if (m == "simple")
      m = scale >= 1.0 ? "floor" : "ceil";
    if (m == "round_prefer_floor")
      return {ratio <= 0.5 ? 1.0 : 0.0, ratio > 0.5 ? 1.0 : 0.0};
    if (m == "round_prefer_ceil")
      return {ratio < 0.5 ? 1.0 : 0.0, ratio >= 0.5 ? 1.0 : 0.0};
    if (m == "floor")
      return {1, 0};
    return {0, 1};
  }
  SmallVector<double> c;
  auto normalized = [&] {
    double sum = 0;
    for (double v : c)
      sum += v;
    for (double &v : c)
      v /= sum;
    return c;
  };
  if (s.mode == "linear") {
    if (!s.antialias)
      return {1 - ratio, ratio};
    // A triangle filter stretched by 1 / scale when downsampling.
    double sc = std::min(scale, 1.0);
    int64_t start = static_cast<int64_t>(std::floor(-1 / sc) + 1);
    int64_t footprint = 2 - 2 * start;
    for (int64_t i = start; i < start + footprint; ++i)
      c.push_back(std::clamp(1 - std::abs((i - ratio) * sc), 0.0, 1.0));
    return normalized();
  }
  double a = s.cubicA;
  if (!s.antialias) {
    double r = ratio, q = 1 - ratio;
    return {((a * (r + 1) - 5 * a) * (r + 1) + 8 * a) * (r + 1) - 4 * a,
            ((a + 2) * r - (a + 3)) * r * r + 1,
            ((a + 2) * q - (a + 3)) * q * q + 1,
            ((a * (q + 1) - 5 * a) * (q + 1) + 8 * a) * (q + 1) - 4 * a};
  }
  double sc = std::min(scale, 1.0);
  auto kernel = [&](double x) {
    x = std::abs(x);
    double x2 = x * x, x3 = x * x2;
    if (x <= 1)
      return (a + 2) * x3 - (a + 3) * x2 + 1;
    if (x < 2)
      return a * x3 - 5 * a * x2 + 8 * a * x - 4 * a;
    return 0.0;
  };
  int64_t iStart = static_cast<int64_t>(std::floor(-2 / sc) + 1);
  for (int64_t i = iStart; i < 2 - iStart; ++i)
    c.push_back(kernel(sc * (i - ratio)));
  return normalized();
}

/// The source coordinate of output position `y` (the reference's
/// _compute_x_ori; roi products in float32 where numpy computes them so).
double sourceCoordinate(const ResizeSettings &s, double y, double scale,
                        int64_t in, int64_t out, float roiStart, float roiEnd) {
  double outWidth = scale * in;
  StringRef m = s.coordinateMode;
  if (m == "align_corners")
    return outWidth == 1 ? 0.0 : y * (in - 1) / (outWidth - 1);
  if (m == "asymmetric")
    return y / scale;
  if (m == "tf_crop_and_resize") {
    float span = roiEnd - roiStart;
    double x =
        outWidth == 1
            ? static_cast<double>(span * static_cast<float>(in - 1) / 2.0f)
            : y * static_cast<double>(span) * (in - 1) / (outWidth - 1);
    return x + static_cast<double>(roiStart * static_cast<float>(in - 1));
  }
  if (m == "pytorch_half_pixel")
    return outWidth == 1 ? -0.5 : (y + 0.5) / scale - 0.5;
  if (m == "half_pixel_symmetric") {
    double adjustment = out / outWidth;
    double center = in / 2.0;
    double offset = center * (1 - adjustment);
    return offset + (y + 0.5) / scale - 0.5;
  }
  if (m == "tf_half_pixel_for_nn")
    return (y + 0.5) / scale;
  return (y + 0.5) / scale - 0.5; // half_pixel
}

/// The reference's _interpolate_1d_along_axis as tables.
AxisTable buildAxisTable(const ResizeSettings &s, int64_t in, int64_t out,
                         double scale, double roiStart, double roiEnd) {
  AxisTable t;
  bool crop = s.coordinateMode == "tf_crop_and_resize";
  for (int64_t y = 0; y < out; ++y) {
    double x = sourceCoordinate(s, static_cast<double>(y), scale, in, out,
                                static_cast<float>(roiStart),
                                static_cast<float>(roiEnd));
    double xFloor = std::floor(x);
    double ratio = x == xFloor ? 1.0 : x - xFloor;
    SmallVector<double> c = coefficients(s, ratio, scale);
    int64_t n = c.size();
    // The n input positions nearest x, ties to the smaller one (an even
    // filter starts left of an integer x).
    int64_t pad = (n + 1) / 2;
    double xp = x + pad;
    double pFloor = std::floor(xp), frac = xp - pFloor;
    int64_t offset = n % 2 == 0
                         ? (frac == 0 ? -(n / 2) : -(n / 2) + 1)
                         : (frac <= 0.5 ? -((n - 1) / 2) : -((n - 1) / 2) + 1);
    int64_t start = static_cast<int64_t>(pFloor) + offset - pad;
    if (s.excludeOutside) {
      double sum = 0;
      for (int64_t i = 0; i < n; ++i) {
        if (start + i < 0 || start + i >= in)
          c[i] = 0;
        sum += c[i];
      }
      if (sum == 0)
        sum = 1;
      for (double &v : c)
        v /= sum;
    }
    bool extrapolated = crop && (x < 0 || x > in - 1);
    t.extrapolated.push_back(extrapolated);
    t.anyExtrapolated |= extrapolated;
    if (s.mode == "nearest") {
      // One tap: the position whose coefficient is 1.
      t.taps = 1;
      int64_t pick = c[0] == 1.0 ? 0 : 1;
      t.index.push_back(std::clamp<int64_t>(start + pick, 0, in - 1));
      t.weight.push_back(1.0);
      continue;
    }
    t.taps = n;
    for (int64_t i = 0; i < n; ++i) {
      t.index.push_back(std::clamp<int64_t>(start + i, 0, in - 1));
      t.weight.push_back(extrapolated ? 0.0 : c[i]);
    }
  }
  return t;
}

/// Tables built at run time for one dimension: `index` [out] (nearest) or
/// [out, taps] (i64, -1 where tf_crop_and_resize extrapolates) and, for
/// linear and cubic, `weight` [out, taps].
struct RuntimeTable {
  Value index, weight;
  int64_t taps = 1;
  bool extrapolates = false;
};

/// Builds dimension d's tables with scale and roi read from the op's
/// operands (entry `e`) where it has them.
RuntimeTable buildRuntimeTable(OpBuilder &b, Location loc,
                               const ResizeSettings &s, Value scaleValues,
                               Value roiValues, int64_t e, int64_t in,
                               int64_t out, double constScale,
                               double constRoiStart, double constRoiEnd,
                               Type elem) {
  RuntimeTable t;
  bool nearest = s.mode == "nearest";
  bool crop = s.coordinateMode == "tf_crop_and_resize";
  t.taps = nearest ? 1 : s.mode == "linear" ? 2 : 4;
  // Antialias: the filter spans `support` / min(scale, 1) input positions
  // each side. The scale is at least (out - 0.5) / in (the output size is
  // floor or round half up of scale * in), which bounds the taps; the
  // offsets beyond the actual footprint fall outside the kernel's support
  // and get weight 0.
  int64_t firstOffset = 0;
  if (!nearest && s.antialias) {
    double support = s.mode == "linear" ? 1.0 : 2.0;
    double minScale = std::min(1.0, (out - 0.5) / in);
    firstOffset = static_cast<int64_t>(std::floor(-support / minScale) + 1);
    t.taps = 2 - 2 * firstOffset;
  }
  t.extrapolates = crop;
  int64_t n = nearest ? 2 : t.taps;
  Type i64 = b.getI64Type(), f64 = b.getF64Type();
  SmallVector<int64_t> shape = {out};
  if (!nearest)
    shape.push_back(t.taps);
  int64_t loops = shape.size();
  SmallVector<Value> inits = {tensor::EmptyOp::create(b, loc, shape, i64)};
  SmallVector<Type> types = {RankedTensorType::get(shape, i64)};
  if (!nearest) {
    inits.push_back(tensor::EmptyOp::create(b, loc, shape, elem));
    types.push_back(RankedTensorType::get(shape, elem));
  }
  SmallVector<AffineMap> maps(inits.size(), b.getMultiDimIdentityMap(loops));
  auto body = [&](OpBuilder &nb, Location l, ValueRange) {
    auto cf = [&](double v) -> Value {
      return arith::ConstantOp::create(nb, l, nb.getF64FloatAttr(v));
    };
    auto ci = [&](int64_t v) -> Value {
      return arith::ConstantIntOp::create(nb, l, v, 64);
    };
    auto add = [&](Value a, Value c) -> Value {
      return arith::AddFOp::create(nb, l, a, c);
    };
    auto sub = [&](Value a, Value c) -> Value {
      return arith::SubFOp::create(nb, l, a, c);
    };
    auto mul = [&](Value a, Value c) -> Value {
      return arith::MulFOp::create(nb, l, a, c);
    };
    auto div = [&](Value a, Value c) -> Value {
      return arith::DivFOp::create(nb, l, a, c);
    };
    auto cmpf = [&](arith::CmpFPredicate p, Value a, Value c) -> Value {
      return arith::CmpFOp::create(nb, l, p, a, c);
    };
    auto select = [&](Value c, Value a, Value o) -> Value {
      return arith::SelectOp::create(nb, l, c, a, o);
    };
    // A run-time value at position i of `values`, in its own type.
    auto read = [&](Value values, int64_t i) -> Value {
      return tensor::ExtractOp::create(
          nb, l, values,
          ValueRange{arith::ConstantIndexOp::create(nb, l, i).getResult()});
    };
    auto toF64 = [&](Value v) -> Value {
      return v.getType() == f64 ? v : arith::ExtFOp::create(nb, l, f64, v);
    };
    Value scale = scaleValues ? toF64(read(scaleValues, e)) : cf(constScale);
    Value y = arith::SIToFPOp::create(
        nb, l, f64,
        arith::IndexCastOp::create(nb, l, i64,
                                   linalg::IndexOp::create(nb, l, 0)));
    Value inF = cf(static_cast<double>(in));
    Value outWidth = mul(scale, inF);
    Value one = cf(1.0), half = cf(0.5);
    Value widthIsOne = cmpf(arith::CmpFPredicate::OEQ, outWidth, one);
    StringRef m = s.coordinateMode;
    Value x;
    if (m == "align_corners") {
      x = select(widthIsOne, cf(0.0),
                 div(mul(y, cf(in - 1.0)), sub(outWidth, one)));
    } else if (m == "asymmetric") {
      x = div(y, scale);
    } else if (crop) {
      // numpy keeps float32 roi products in float32 (see
      // sourceCoordinate).
      Value start, end;
      if (roiValues) {
        start = read(roiValues, e);
        end = read(
            roiValues,
            cast<RankedTensorType>(roiValues.getType()).getDimSize(0) / 2 + e);
        if (!start.getType().isF64() && !start.getType().isF32()) {
          start = arith::ExtFOp::create(nb, l, nb.getF32Type(), start);
          end = arith::ExtFOp::create(nb, l, nb.getF32Type(), end);
        }
      } else {
        start = arith::ConstantOp::create(
            nb, l, nb.getF32FloatAttr(static_cast<float>(constRoiStart)));
        end = arith::ConstantOp::create(
            nb, l, nb.getF32FloatAttr(static_cast<float>(constRoiEnd)));
      }
      Type rt = start.getType();
      Value span = arith::SubFOp::create(nb, l, end, start);
      Value inM1 =
          arith::ConstantOp::create(nb, l, nb.getFloatAttr(rt, in - 1.0));
      Value two = arith::ConstantOp::create(nb, l, nb.getFloatAttr(rt, 2.0));
      Value single = toF64(arith::DivFOp::create(
          nb, l, arith::MulFOp::create(nb, l, span, inM1), two));
      Value many =
          div(mul(mul(y, toF64(span)), cf(in - 1.0)), sub(outWidth, one));
      x = add(select(widthIsOne, single, many),
              toF64(arith::MulFOp::create(nb, l, start, inM1)));
    } else if (m == "pytorch_half_pixel") {
      x = select(widthIsOne, cf(-0.5), sub(div(add(y, half), scale), half));
    } else if (m == "half_pixel_symmetric") {
      Value adjustment = div(cf(static_cast<double>(out)), outWidth);
      Value offset = mul(cf(in / 2.0), sub(one, adjustment));
      x = sub(add(offset, div(add(y, half), scale)), half);
    } else if (m == "tf_half_pixel_for_nn") {
      x = div(add(y, half), scale);
    } else {
      x = sub(div(add(y, half), scale), half);
    }
    // The reference's floor, with an integer x counted as the right end of
    // the interval below it (ratio 1).
    Value fl = math::FloorOp::create(nb, l, x);
    Value isInt = cmpf(arith::CmpFPredicate::OEQ, fl, x);
    Value xf = select(isInt, sub(fl, one), fl);
    Value ratio = select(isInt, one, sub(x, fl));
    Value start = arith::AddIOp::create(
        nb, l, arith::FPToSIOp::create(nb, l, i64, xf), ci(1 - n / 2));
    Value lastIn = ci(in - 1), zero = ci(0);
    auto clampIndex = [&](Value i) -> Value {
      return arith::MinSIOp::create(
          nb, l, arith::MaxSIOp::create(nb, l, i, zero), lastIn);
    };
    Value outside;
    if (crop)
      outside = arith::OrIOp::create(
          nb, l, cmpf(arith::CmpFPredicate::OLT, x, cf(0.0)),
          cmpf(arith::CmpFPredicate::OGT, x, cf(in - 1.0)));
    Value minusOne = ci(-1);
    if (nearest) {
      // Take the left neighbour (start) or the right one (start + 1).
      StringRef nm = s.nearestMode;
      Value notInt = arith::XOrIOp::create(
          nb, l, isInt, arith::ConstantIntOp::create(nb, l, 1, 1));
      Value left;
      if (nm == "round_prefer_floor")
        left = arith::AndIOp::create(
            nb, l, notInt, cmpf(arith::CmpFPredicate::OLE, ratio, half));
      else if (nm == "round_prefer_ceil")
        left = arith::AndIOp::create(
            nb, l, notInt, cmpf(arith::CmpFPredicate::OLT, ratio, half));
      else if (nm == "floor")
        left = notInt;
      else if (nm == "simple")
        left = arith::AndIOp::create(
            nb, l, notInt, cmpf(arith::CmpFPredicate::OGE, scale, one));
      else
        left = arith::ConstantIntOp::create(nb, l, 0, 1);
      Value idx = clampIndex(
          arith::AddIOp::create(nb, l, start, select(left, zero, ci(1))));
      if (crop)
        idx = select(outside, minusOne, idx);
      linalg::YieldOp::create(nb, l, idx);
      return;
    }
    SmallVector<Value> c;
    if (s.antialias) {
      // The reference's _linear/_cubic_coeffs_antialias: the kernel at
      // (offset - ratio) * min(scale, 1), normalized to sum 1.
      Value sc = arith::MinimumFOp::create(nb, l, scale, one);
      Value a = cf(s.cubicA), sum = cf(0.0);
      for (int64_t j = 0; j < n; ++j) {
        Value o = cf(static_cast<double>(firstOffset + j));
        Value v;
        if (s.mode == "linear") {
          Value arg = math::AbsFOp::create(nb, l, mul(sub(o, ratio), sc));
          v = arith::MinimumFOp::create(
              nb, l, arith::MaximumFOp::create(nb, l, sub(one, arg), cf(0.0)),
              one);
        } else {
          Value x1 = math::AbsFOp::create(nb, l, mul(sc, sub(o, ratio)));
          Value x2 = mul(x1, x1), x3 = mul(x1, x2);
          Value near =
              add(sub(mul(add(a, cf(2.0)), x3), mul(add(a, cf(3.0)), x2)), one);
          Value far = sub(add(sub(mul(a, x3), mul(mul(cf(5.0), a), x2)),
                              mul(mul(cf(8.0), a), x1)),
                          mul(cf(4.0), a));
          v = select(cmpf(arith::CmpFPredicate::OLE, x1, one), near,
                     select(cmpf(arith::CmpFPredicate::OLT, x1, cf(2.0)), far,
                            cf(0.0)));
        }
        c.push_back(v);
        sum = add(sum, v);
      }
      for (Value &v : c)
        v = div(v, sum);
    } else if (s.mode == "linear") {
      c = {sub(one, ratio), ratio};
    } else {
      Value a = cf(s.cubicA), r = ratio, q = sub(one, ratio);
      auto outer = [&](Value v) {
        Value v1 = add(v, one);
        return sub(
            mul(add(mul(sub(mul(a, v1), mul(cf(5.0), a)), v1), mul(cf(8.0), a)),
                v1),
            mul(cf(4.0), a));
      };
      auto inner = [&](Value v) {
        return add(
            mul(mul(sub(mul(add(a, cf(2.0)), v), add(a, cf(3.0))), v), v), one);
      };
      c = {outer(r), inner(r), inner(q), outer(q)};
    }
    Value tap = arith::IndexCastOp::create(nb, l, i64,
                                           linalg::IndexOp::create(nb, l, 1));
    if (s.excludeOutside) {
      Value sum = cf(0.0);
      for (int64_t i = 0; i < n; ++i) {
        Value pos = arith::AddIOp::create(nb, l, start, ci(i));
        Value out = arith::OrIOp::create(
            nb, l,
            arith::CmpIOp::create(nb, l, arith::CmpIPredicate::slt, pos, zero),
            arith::CmpIOp::create(nb, l, arith::CmpIPredicate::sgt, pos,
                                  lastIn));
        c[i] = select(out, cf(0.0), c[i]);
        sum = add(sum, c[i]);
      }
      sum = select(cmpf(arith::CmpFPredicate::OEQ, sum, cf(0.0)), one, sum);
      for (Value &v : c)
        v = div(v, sum);
    }
    Value w = c[0];
    for (int64_t i = 1; i < n; ++i)
      w = select(
          arith::CmpIOp::create(nb, l, arith::CmpIPredicate::eq, tap, ci(i)),
          c[i], w);
    Value idx = clampIndex(arith::AddIOp::create(nb, l, start, tap));
    if (crop) {
      idx = select(outside, minusOne, idx);
      w = select(outside, cf(0.0), w);
    }
    if (elem != f64)
      w = arith::TruncFOp::create(nb, l, elem, w);
    linalg::YieldOp::create(nb, l, ValueRange{idx, w});
  };
  auto generic = linalg::GenericOp::create(
      b, loc, types, ValueRange{}, inits, maps,
      SmallVector<utils::IteratorType>(loops, utils::IteratorType::parallel),
      body);
  t.index = generic.getResult(0);
  if (!nearest)
    t.weight = generic.getResult(1);
  return t;
}

bool isClose(double a, double b) {
  return std::abs(a - b) <= 1e-9 * std::max(std::abs(a), std::abs(b));
}

Value constantTable(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
                    Type elem, ArrayRef<double> values) {
  auto type = RankedTensorType::get(shape, elem);
  SmallVector<Attribute> attrs;
  for (double v : values)
    attrs.push_back(b.getFloatAttr(elem, v));
  return arith::ConstantOp::create(b, loc, DenseElementsAttr::get(type, attrs));
}

Value indexTable(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
                 ArrayRef<int64_t> values) {
  auto type = RankedTensorType::get(shape, b.getI64Type());
  return arith::ConstantOp::create(b, loc,
                                   DenseElementsAttr::get(type, values));
}

struct ResizeLowering : OpRewritePattern<ResizeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ResizeOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto inType = cast<RankedTensorType>(op.getInput().getType());
    auto outType = cast<RankedTensorType>(op.getType());
    Type elem = outType.getElementType();
    int64_t rank = inType.getRank();
    ResizeSettings s{
        op.getMode(),           op.getCoordinateTransformationMode(),
        op.getNearestMode(),    op.getCubicCoeffA().convertToDouble(),
        op.getExcludeOutside(), op.getAntialias()};
    bool nearest = s.mode == "nearest";
    if (!nearest && !isa<FloatType>(elem))
      return failure();
    ArrayRef<double> scales = op.getScales(), roi = op.getRoi();
    double extrapolation = op.getExtrapolationValue().convertToDouble();

    // The dimensions to resize: the reference skips identities.
    SmallVector<std::optional<AxisTable>> tables(rank);
    SmallVector<std::optional<RuntimeTable>> runtime(rank);
    std::optional<ArrayRef<int64_t>> runtimeAxes = op.getRuntimeAxes();
    Value scaleValues = op.getScaleValues(), roiValues = op.getRoiValues();
    bool crop = s.coordinateMode == "tf_crop_and_resize";
    for (int64_t d = 0; d < rank; ++d) {
      int64_t in = inType.getDimSize(d), out = outType.getDimSize(d);
      int64_t e = runtimeAxes ? (*runtimeAxes)[d] : -1;
      if (e >= 0 && (scaleValues || (crop && roiValues))) {
        runtime[d] = buildRuntimeTable(rewriter, loc, s, scaleValues,
                                       crop ? roiValues : Value(), e, in, out,
                                       scales[d], roi[d], roi[rank + d], elem);
        continue;
      }
      if (isClose(scales[d], 1.0) && in == out &&
          (s.coordinateMode != "tf_crop_and_resize" ||
           (roi[d] == 0.0 && isClose(roi[rank + d], 1.0))))
        continue;
      tables[d] = buildAxisTable(s, in, out, scales[d], roi[d], roi[rank + d]);
    }
    Value result = nearest ? lowerNearest(rewriter, loc, op.getInput(), outType,
                                          tables, runtime, extrapolation)
                           : lowerFiltered(rewriter, loc, op.getInput(), tables,
                                           runtime, extrapolation);
    rewriter.replaceOp(op, result);
    return success();
  }

  /// result[o...] = input[table_d[o_d]...] (o_d itself where dimension d is
  /// not resized); extrapolation_value where any dimension extrapolates.
  static Value lowerNearest(OpBuilder &b, Location loc, Value input,
                            RankedTensorType outType,
                            ArrayRef<std::optional<AxisTable>> tables,
                            ArrayRef<std::optional<RuntimeTable>> runtime,
                            double extrapolation) {
    int64_t rank = outType.getRank();
    MLIRContext *ctx = b.getContext();
    SmallVector<Value> inputs;
    SmallVector<AffineMap> maps;
    SmallVector<int64_t> tableDims;
    bool extrapolates = false;
    for (int64_t d = 0; d < rank; ++d) {
      if (runtime[d]) {
        extrapolates |= runtime[d]->extrapolates;
        inputs.push_back(runtime[d]->index);
        maps.push_back(AffineMap::get(rank, 0, getAffineDimExpr(d, ctx)));
        tableDims.push_back(d);
        continue;
      }
      if (!tables[d])
        continue;
      // -1 marks an extrapolated position.
      SmallVector<int64_t> idx(tables[d]->index);
      for (auto [i, e] : llvm::enumerate(tables[d]->extrapolated))
        if (e)
          idx[i] = -1;
      extrapolates |= tables[d]->anyExtrapolated;
      inputs.push_back(indexTable(b, loc, {outType.getDimSize(d)}, idx));
      maps.push_back(AffineMap::get(rank, 0, getAffineDimExpr(d, ctx)));
      tableDims.push_back(d);
    }
    if (inputs.empty())
      return input;
    maps.push_back(b.getMultiDimIdentityMap(rank));
    Type elem = outType.getElementType();
    Value init = tensor::EmptyOp::create(b, loc, outType.getShape(), elem);
    return linalg::GenericOp::create(
               b, loc, TypeRange{outType}, inputs, ValueRange{init}, maps,
               SmallVector<utils::IteratorType>(rank,
                                                utils::IteratorType::parallel),
               [&](OpBuilder &nb, Location l, ValueRange args) {
                 SmallVector<Value> at;
                 for (int64_t d = 0; d < rank; ++d)
                   at.push_back(linalg::IndexOp::create(nb, l, d));
                 Value outside, zero;
                 if (extrapolates)
                   zero = arith::ConstantIntOp::create(nb, l, 0, 64);
                 for (auto [i, d] : llvm::enumerate(tableDims)) {
                   Value v = args[i];
                   if (extrapolates) {
                     Value neg = arith::CmpIOp::create(
                         nb, l, arith::CmpIPredicate::slt, v, zero);
                     outside = outside
                                   ? arith::OrIOp::create(nb, l, outside, neg)
                                         .getResult()
                                   : neg;
                     v = arith::MaxSIOp::create(nb, l, v, zero);
                   }
                   at[d] =
                       arith::IndexCastOp::create(nb, l, nb.getIndexType(), v);
                 }
                 Value v = tensor::ExtractOp::create(nb, l, input, at);
                 if (extrapolates)
                   v = arith::SelectOp::create(
                       nb, l, outside,
                       arith::ConstantOp::create(
                           nb, l, nb.getFloatAttr(elem, extrapolation)),
                       v);
                 linalg::YieldOp::create(nb, l, v);
               })
        .getResult(0);
  }

  /// Linear and cubic: one generic per resized dimension d,
  /// result[..., o, ...] = sum_t weight[o, t] * x[..., index[o, t], ...]
  /// (+ extrapolation_value where tf_crop_and_resize extrapolates, with
  /// zero weights).
  static Value lowerFiltered(OpBuilder &b, Location loc, Value input,
                             ArrayRef<std::optional<AxisTable>> tables,
                             ArrayRef<std::optional<RuntimeTable>> runtime,
                             double extrapolation) {
    MLIRContext *ctx = b.getContext();
    Value cur = input;
    for (auto [d, table] : llvm::enumerate(tables)) {
      if (!table && !runtime[d])
        continue;
      auto curType = cast<RankedTensorType>(cur.getType());
      Type elem = curType.getElementType();
      int64_t rank = curType.getRank();
      // Run-time tables mark extrapolated positions with index -1 (and
      // weight 0) instead of a constant bias.
      bool marked = runtime[d] && runtime[d]->extrapolates;
      int64_t out = runtime[d]
                        ? cast<RankedTensorType>(runtime[d]->index.getType())
                              .getDimSize(0)
                        : table->extrapolated.size();
      int64_t taps = runtime[d] ? runtime[d]->taps : table->taps;
      SmallVector<int64_t> shape(curType.getShape());
      shape[d] = out;
      auto stepType = RankedTensorType::get(shape, elem);

      Value init;
      if (table && table->anyExtrapolated) {
        // The extrapolation value broadcast along d: [out, 1, ..., 1].
        SmallVector<int64_t> biasShape(rank - d, 1);
        biasShape[0] = out;
        SmallVector<double> bias;
        for (bool e : table->extrapolated)
          bias.push_back(e ? extrapolation : 0.0);
        Value biasTable = constantTable(b, loc, biasShape, elem, bias);
        init = buildElementwise(
            b, loc, stepType, ValueRange{biasTable},
            [](OpBuilder &, Location, ValueRange args) { return args[0]; });
      } else {
        init = buildFilled(b, loc, stepType, b.getFloatAttr(elem, 0));
      }
      Value idx = runtime[d] ? runtime[d]->index
                             : indexTable(b, loc, {out, taps}, table->index);
      Value w = runtime[d]
                    ? runtime[d]->weight
                    : constantTable(b, loc, {out, taps}, elem, table->weight);
      auto dim = [&](int64_t i) { return getAffineDimExpr(i, ctx); };
      AffineMap tableMap =
          AffineMap::get(rank + 1, 0, {dim(d), dim(rank)}, ctx);
      SmallVector<AffineExpr> outExprs;
      for (int64_t i = 0; i < rank; ++i)
        outExprs.push_back(dim(i));
      SmallVector<AffineMap> maps = {
          tableMap, tableMap, AffineMap::get(rank + 1, 0, outExprs, ctx)};
      SmallVector<utils::IteratorType> iters(rank,
                                             utils::IteratorType::parallel);
      iters.push_back(utils::IteratorType::reduction);
      Value source = cur;
      int64_t axis = d;
      cur = linalg::GenericOp::create(
                b, loc, TypeRange{stepType}, ValueRange{idx, w},
                ValueRange{init}, maps, iters,
                [&](OpBuilder &nb, Location l, ValueRange args) {
                  SmallVector<Value> at;
                  for (int64_t i = 0; i < rank; ++i)
                    at.push_back(linalg::IndexOp::create(nb, l, i));
                  Value i = args[0], outside;
                  if (marked) {
                    Value zero = arith::ConstantIntOp::create(nb, l, 0, 64);
                    outside = arith::CmpIOp::create(
                        nb, l, arith::CmpIPredicate::slt, i, zero);
                    i = arith::MaxSIOp::create(nb, l, i, zero);
                  }
                  at[axis] =
                      arith::IndexCastOp::create(nb, l, nb.getIndexType(), i);
                  Value v = tensor::ExtractOp::create(nb, l, source, at);
                  Value p = arith::MulFOp::create(nb, l, v, args[1]);
                  if (marked) {
                    // The extrapolation value once (at tap 0), else 0.
                    Value first = arith::CmpIOp::create(
                        nb, l, arith::CmpIPredicate::eq,
                        linalg::IndexOp::create(nb, l, rank),
                        arith::ConstantIndexOp::create(nb, l, 0));
                    Value fill = arith::SelectOp::create(
                        nb, l, first,
                        arith::ConstantOp::create(
                            nb, l, nb.getFloatAttr(elem, extrapolation)),
                        arith::ConstantOp::create(nb, l,
                                                  nb.getFloatAttr(elem, 0)));
                    p = arith::SelectOp::create(nb, l, outside, fill, p);
                  }
                  linalg::YieldOp::create(
                      nb, l,
                      arith::AddFOp::create(nb, l, args[2], p).getResult());
                })
                .getResult(0);
    }
    return cur;
  }
};

} // namespace

void populateResizePatterns(RewritePatternSet &patterns) {
  patterns.add<ResizeLowering>(patterns.getContext());
}

} // namespace dsc
