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
//===----------------------------------------------------------------------===//
#include "PopulatePatterns.h"
#include "dsc/Dialect/DSCDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
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
    for (int64_t d = 0; d < rank; ++d) {
      int64_t in = inType.getDimSize(d), out = outType.getDimSize(d);
      if (isClose(scales[d], 1.0) && in == out &&
          (s.coordinateMode != "tf_crop_and_resize" ||
           (roi[d] == 0.0 && isClose(roi[rank + d], 1.0))))
        continue;
      tables[d] = buildAxisTable(s, in, out, scales[d], roi[d], roi[rank + d]);
    }
    Value result = nearest ? lowerNearest(rewriter, loc, op.getInput(), outType,
                                          tables, extrapolation)
                           : lowerFiltered(rewriter, loc, op.getInput(), tables,
                                           extrapolation);
    rewriter.replaceOp(op, result);
    return success();
  }

  /// result[o...] = input[table_d[o_d]...] (o_d itself where dimension d is
  /// not resized); extrapolation_value where any dimension extrapolates.
  static Value lowerNearest(OpBuilder &b, Location loc, Value input,
                            RankedTensorType outType,
                            ArrayRef<std::optional<AxisTable>> tables,
                            double extrapolation) {
    int64_t rank = outType.getRank();
    MLIRContext *ctx = b.getContext();
    SmallVector<Value> inputs;
    SmallVector<AffineMap> maps;
    SmallVector<int64_t> tableDims;
    bool extrapolates = false;
    for (int64_t d = 0; d < rank; ++d) {
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
                             double extrapolation) {
    MLIRContext *ctx = b.getContext();
    Value cur = input;
    for (auto [d, table] : llvm::enumerate(tables)) {
      if (!table)
        continue;
      auto curType = cast<RankedTensorType>(cur.getType());
      Type elem = curType.getElementType();
      int64_t rank = curType.getRank();
      int64_t out = table->extrapolated.size(), taps = table->taps;
      SmallVector<int64_t> shape(curType.getShape());
      shape[d] = out;
      auto stepType = RankedTensorType::get(shape, elem);

      Value init;
      if (table->anyExtrapolated) {
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
      Value idx = indexTable(b, loc, {out, taps}, table->index);
      Value w = constantTable(b, loc, {out, taps}, elem, table->weight);
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
                  at[axis] = arith::IndexCastOp::create(
                      nb, l, nb.getIndexType(), args[0]);
                  Value v = tensor::ExtractOp::create(nb, l, source, at);
                  Value p = arith::MulFOp::create(nb, l, v, args[1]);
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
