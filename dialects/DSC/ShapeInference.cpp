//===- ShapeInference.cpp - result types of dsc ops -----------------------===//
#include "dsc/Dialect/ShapeInference.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"

#include <cmath>

using namespace mlir;

namespace dsc {

static std::string shapeStr(ArrayRef<int64_t> shape) {
  std::string s = "[";
  for (auto [i, d] : llvm::enumerate(shape)) {
    if (i)
      s += ",";
    s += ShapedType::isDynamic(d) ? std::string("?") : std::to_string(d);
  }
  return s + "]";
}

static LogicalResult checkSameElementType(EmitErrorFn emitError,
                                          ArrayRef<RankedTensorType> types) {
  for (RankedTensorType t : types.drop_front())
    if (t && t.getElementType() != types.front().getElementType())
      return emitError() << "operands have different element types ("
                         << types.front().getElementType() << " and "
                         << t.getElementType() << ")";
  return success();
}

static LogicalResult checkFloat(EmitErrorFn emitError, RankedTensorType t) {
  if (!isa<FloatType>(t.getElementType()))
    return emitError() << "expects a floating-point tensor, got " << t;
  return success();
}

FailureOr<int64_t> normalizeAxis(EmitErrorFn emitError, int64_t axis,
                                 int64_t rank, bool inclusive) {
  // Negative axes count from the end: -1 is the last dimension even when
  // `rank` itself is allowed (Flatten's axis lies in [-rank, rank]).
  int64_t hi = inclusive ? rank + 1 : rank;
  if (axis < -rank || axis >= hi)
    return emitError() << "axis " << axis << " is out of range for rank "
                       << rank;
  return axis < 0 ? axis + rank : axis;
}

FailureOr<SmallVector<int64_t>> broadcastShapes(ArrayRef<int64_t> lhs,
                                                ArrayRef<int64_t> rhs) {
  size_t rank = std::max(lhs.size(), rhs.size());
  SmallVector<int64_t> out(rank);
  for (size_t i = 0; i < rank; ++i) {
    int64_t l = i < rank - lhs.size() ? 1 : lhs[i - (rank - lhs.size())];
    int64_t r = i < rank - rhs.size() ? 1 : rhs[i - (rank - rhs.size())];
    if (l == r || r == 1)
      out[i] = l;
    else if (l == 1)
      out[i] = r;
    else
      return failure();
  }
  return out;
}

FailureOr<RankedTensorType> inferBroadcastType(EmitErrorFn emitError,
                                               RankedTensorType lhs,
                                               RankedTensorType rhs) {
  if (failed(checkSameElementType(emitError, {lhs, rhs})))
    return failure();
  auto shape = broadcastShapes(lhs.getShape(), rhs.getShape());
  if (failed(shape))
    return emitError() << "shapes " << shapeStr(lhs.getShape()) << " and "
                       << shapeStr(rhs.getShape())
                       << " cannot be broadcast together";
  return RankedTensorType::get(*shape, lhs.getElementType());
}

FailureOr<RankedTensorType> inferMatMulType(EmitErrorFn emitError,
                                            RankedTensorType lhs,
                                            RankedTensorType rhs) {
  if (failed(checkSameElementType(emitError, {lhs, rhs})) ||
      failed(checkFloat(emitError, lhs)))
    return failure();
  if (lhs.getRank() == 0 || rhs.getRank() == 0)
    return emitError() << "matmul operands must have rank >= 1";
  ArrayRef<int64_t> a = lhs.getShape(), b = rhs.getShape();
  int64_t k1 = a.back();
  int64_t k2 = b.size() == 1 ? b[0] : b[b.size() - 2];
  if (k1 != k2)
    return emitError() << "matmul contraction dimensions differ: "
                       << shapeStr(a) << " x " << shapeStr(b);
  ArrayRef<int64_t> aBatch =
      a.size() > 2 ? a.drop_back(2) : ArrayRef<int64_t>();
  ArrayRef<int64_t> bBatch =
      b.size() > 2 ? b.drop_back(2) : ArrayRef<int64_t>();
  auto batch = broadcastShapes(aBatch, bBatch);
  if (failed(batch))
    return emitError() << "matmul batch dimensions of " << shapeStr(a)
                       << " and " << shapeStr(b) << " cannot be broadcast";
  SmallVector<int64_t> out(*batch);
  if (a.size() >= 2)
    out.push_back(a[a.size() - 2]);
  if (b.size() >= 2)
    out.push_back(b.back());
  return RankedTensorType::get(out, lhs.getElementType());
}

FailureOr<RankedTensorType>
inferGemmType(EmitErrorFn emitError, RankedTensorType a, RankedTensorType b,
              RankedTensorType c, bool transA, bool transB) {
  if (failed(checkSameElementType(emitError, {a, b, c})) ||
      failed(checkFloat(emitError, a)))
    return failure();
  if (a.getRank() != 2 || b.getRank() != 2)
    return emitError() << "Gemm expects rank-2 A and B, got " << a << " and "
                       << b;
  int64_t m = transA ? a.getDimSize(1) : a.getDimSize(0);
  int64_t ka = transA ? a.getDimSize(0) : a.getDimSize(1);
  int64_t kb = transB ? b.getDimSize(1) : b.getDimSize(0);
  int64_t n = transB ? b.getDimSize(0) : b.getDimSize(1);
  if (ka != kb)
    return emitError() << "Gemm inner dimensions differ (" << ka << " vs " << kb
                       << ")";
  if (c) {
    if (c.getRank() > 2)
      return emitError() << "Gemm C must have rank <= 2, got " << c;
    auto s = broadcastShapes({m, n}, c.getShape());
    if (failed(s) || (*s)[0] != m || (*s)[1] != n)
      return emitError() << "Gemm C of shape " << shapeStr(c.getShape())
                         << " does not broadcast to [" << m << "," << n << "]";
  }
  return RankedTensorType::get({m, n}, a.getElementType());
}

int64_t windowOutputSize(int64_t in, int64_t kernel, int64_t stride,
                         int64_t padBegin, int64_t padEnd, int64_t dilation,
                         bool ceilMode) {
  int64_t span = dilation * (kernel - 1) + 1;
  int64_t avail = in + padBegin + padEnd - span;
  if (avail < 0)
    return 0;
  int64_t out = (ceilMode ? (avail + stride - 1) / stride : avail / stride) + 1;
  // In ceil mode the last window must start inside the input or its begin
  // padding (ONNX/PyTorch rule).
  if (ceilMode && (out - 1) * stride >= in + padBegin)
    --out;
  return out;
}

/// The largest stride, dilation, pad or pooling kernel size accepted.
constexpr int64_t kMaxWindowAttr = int64_t(1) << 31;

/// Checks strides/pads/dilations against `spatialRank`.
static LogicalResult checkWindowAttrs(EmitErrorFn emitError, size_t spatialRank,
                                      ArrayRef<int64_t> strides,
                                      ArrayRef<int64_t> pads,
                                      ArrayRef<int64_t> dilations) {
  if (strides.size() != spatialRank || dilations.size() != spatialRank ||
      pads.size() != 2 * spatialRank)
    return emitError() << "expects " << spatialRank << " strides, "
                       << spatialRank << " dilations and " << 2 * spatialRank
                       << " pads for " << spatialRank
                       << " spatial dimensions, got " << strides.size() << ", "
                       << dilations.size() << " and " << pads.size();
  for (int64_t s : strides)
    if (s < 1)
      return emitError() << "strides must be >= 1";
  for (int64_t d : dilations)
    if (d < 1)
      return emitError() << "dilations must be >= 1";
  for (int64_t p : pads)
    if (p < 0)
      return emitError() << "pads must be >= 0";
  // Bounded, so that the window arithmetic cannot overflow.
  for (ArrayRef<int64_t> values : {strides, dilations, pads})
    for (int64_t v : values)
      if (v > kMaxWindowAttr)
        return emitError() << "strides, dilations and pads must be at most "
                           << kMaxWindowAttr << ", got " << v;
  return success();
}

FailureOr<RankedTensorType>
inferConvType(EmitErrorFn emitError, RankedTensorType input,
              RankedTensorType weight, RankedTensorType bias,
              ArrayRef<int64_t> strides, ArrayRef<int64_t> pads,
              ArrayRef<int64_t> dilations, int64_t group) {
  if (failed(checkSameElementType(emitError, {input, weight, bias})) ||
      failed(checkFloat(emitError, input)))
    return failure();
  if (input.getRank() < 3 || weight.getRank() != input.getRank())
    return emitError() << "Conv expects input [N,C,D...] and weights "
                          "[M,C/group,K...] of the same rank >= 3, got "
                       << input << " and " << weight;
  size_t k = input.getRank() - 2;
  if (failed(checkWindowAttrs(emitError, k, strides, pads, dilations)))
    return failure();
  int64_t c = input.getDimSize(1), m = weight.getDimSize(0);
  if (group < 1 || c % group != 0 || m % group != 0)
    return emitError() << "group " << group << " must divide input channels "
                       << c << " and output channels " << m;
  if (weight.getDimSize(1) * group != c)
    return emitError() << "weights have " << weight.getDimSize(1)
                       << " input channels per group but the input has " << c
                       << " channels in " << group << " group(s)";
  if (bias && (bias.getRank() != 1 || bias.getDimSize(0) != m))
    return emitError() << "bias must be [" << m << "], got " << bias;
  SmallVector<int64_t> out = {input.getDimSize(0), m};
  for (size_t i = 0; i < k; ++i) {
    int64_t o =
        windowOutputSize(input.getDimSize(2 + i), weight.getDimSize(2 + i),
                         strides[i], pads[i], pads[k + i], dilations[i], false);
    if (o < 1)
      return emitError() << "kernel is larger than the padded input in "
                            "spatial dimension "
                         << i;
    out.push_back(o);
  }
  return RankedTensorType::get(out, input.getElementType());
}

FailureOr<RankedTensorType>
inferConvTransposeType(EmitErrorFn emitError, RankedTensorType input,
                       RankedTensorType weight, RankedTensorType bias,
                       ArrayRef<int64_t> strides, ArrayRef<int64_t> pads,
                       ArrayRef<int64_t> dilations, int64_t group) {
  if (failed(checkSameElementType(emitError, {input, weight, bias})) ||
      failed(checkFloat(emitError, input)))
    return failure();
  if (input.getRank() < 3 || weight.getRank() != input.getRank())
    return emitError() << "ConvTranspose expects input [N,C,D...] and "
                          "weights [C,M/group,K...] of the same rank >= 3, "
                          "got "
                       << input << " and " << weight;
  size_t k = input.getRank() - 2;
  // Pads may be negative here (output extension); the window checks want
  // non-negative ones, so check their magnitude separately.
  SmallVector<int64_t> padMagnitudes;
  for (int64_t p : pads)
    padMagnitudes.push_back(p < 0 ? -p : p);
  if (failed(checkWindowAttrs(emitError, k, strides, padMagnitudes, dilations)))
    return failure();
  int64_t c = input.getDimSize(1);
  if (group < 1 || c % group != 0)
    return emitError() << "group " << group << " must divide input channels "
                       << c;
  if (weight.getDimSize(0) != c)
    return emitError() << "weights have " << weight.getDimSize(0)
                       << " input channels but the input has " << c;
  int64_t m = weight.getDimSize(1) * group;
  if (bias && (bias.getRank() != 1 || bias.getDimSize(0) != m))
    return emitError() << "bias must be [" << m << "], got " << bias;
  SmallVector<int64_t> out = {input.getDimSize(0), m};
  for (size_t i = 0; i < k; ++i) {
    int64_t kernel = weight.getDimSize(2 + i);
    if (kernel < 1 || kernel > kMaxWindowAttr)
      return emitError() << "kernel sizes must be in [1, " << kMaxWindowAttr
                         << "]";
    int64_t o = strides[i] * (input.getDimSize(2 + i) - 1) +
                (kernel - 1) * dilations[i] + 1 - pads[i] - pads[k + i];
    if (o < 1)
      return emitError() << "pads leave no output in spatial dimension " << i;
    out.push_back(o);
  }
  return RankedTensorType::get(out, input.getElementType());
}

FailureOr<RankedTensorType> inferGridSampleType(EmitErrorFn emitError,
                                                RankedTensorType input,
                                                RankedTensorType grid,
                                                StringRef mode,
                                                StringRef paddingMode) {
  int64_t rank = input.getRank(), k = rank - 2;
  if (failed(checkFloat(emitError, input)))
    return failure();
  if (k < 1 || grid.getRank() != rank || grid.getDimSize(rank - 1) != k ||
      grid.getDimSize(0) != input.getDimSize(0) ||
      grid.getElementType() != input.getElementType())
    return emitError() << "GridSample needs an input [N, C, D...] and a grid "
                          "[N, O..., k] of its type with k spatial dims, got "
                       << input << " and " << grid;
  if (mode != "nearest" && mode != "linear" && mode != "cubic")
    return emitError() << "GridSample mode '" << mode
                       << "' is not one of nearest, linear, cubic";
  if (mode == "cubic" && k != 2)
    return emitError() << "GridSample's cubic mode needs a 4-D input";
  if (paddingMode != "zeros" && paddingMode != "border" &&
      paddingMode != "reflection")
    return emitError() << "GridSample padding_mode '" << paddingMode
                       << "' is not one of zeros, border, reflection";
  SmallVector<int64_t> out = {input.getDimSize(0), input.getDimSize(1)};
  for (int64_t d = 1; d <= k; ++d)
    out.push_back(grid.getDimSize(d));
  return RankedTensorType::get(out, input.getElementType());
}

FailureOr<RankedTensorType>
inferRoiAlignType(EmitErrorFn emitError, RankedTensorType input,
                  RankedTensorType rois, RankedTensorType batchIndices,
                  int64_t outputHeight, int64_t outputWidth, StringRef mode,
                  int64_t samplingRatio) {
  if (failed(checkFloat(emitError, input)))
    return failure();
  if (input.getRank() != 4 || rois.getRank() != 2 || rois.getDimSize(1) != 4 ||
      rois.getElementType() != input.getElementType() ||
      batchIndices.getRank() != 1 ||
      batchIndices.getDimSize(0) != rois.getDimSize(0) ||
      !batchIndices.getElementType().isInteger(64))
    return emitError() << "RoiAlign needs an input [N, C, H, W], rois [R, 4] "
                          "of its type and i64 batch indices [R], got "
                       << input << ", " << rois << " and " << batchIndices;
  if (mode != "avg" && mode != "max")
    return emitError() << "RoiAlign mode '" << mode
                       << "' is not one of avg, max";
  if (samplingRatio < 1 || outputHeight < 1 || outputWidth < 1)
    return emitError() << "RoiAlign needs a positive sampling ratio and "
                          "output size";
  return RankedTensorType::get(
      {rois.getDimSize(0), input.getDimSize(1), outputHeight, outputWidth},
      input.getElementType());
}

FailureOr<RankedTensorType>
inferResizeType(EmitErrorFn emitError, RankedTensorType input,
                ArrayRef<int64_t> outputShape, ArrayRef<double> scales,
                ArrayRef<double> roi, StringRef mode, StringRef coordinateMode,
                StringRef nearestMode) {
  int64_t rank = input.getRank();
  if (static_cast<int64_t>(outputShape.size()) != rank ||
      static_cast<int64_t>(scales.size()) != rank ||
      static_cast<int64_t>(roi.size()) != 2 * rank)
    return emitError() << "Resize of a rank-" << rank << " input needs " << rank
                       << " output sizes, " << rank << " scales and "
                       << 2 * rank << " roi values";
  for (int64_t d : outputShape)
    if (d < 1)
      return emitError() << "Resize output sizes must be >= 1, got "
                         << shapeStr(outputShape);
  for (double s : scales)
    if (!(s > 0) || !std::isfinite(s))
      return emitError() << "Resize scales must be positive and finite";
  if (mode != "nearest" && mode != "linear" && mode != "cubic")
    return emitError() << "Resize mode '" << mode
                       << "' is not one of nearest, linear, cubic";
  if (mode != "nearest" && failed(checkFloat(emitError, input)))
    return failure();
  if (!llvm::is_contained({"half_pixel", "half_pixel_symmetric",
                           "pytorch_half_pixel", "align_corners", "asymmetric",
                           "tf_crop_and_resize", "tf_half_pixel_for_nn"},
                          coordinateMode))
    return emitError() << "unknown coordinate_transformation_mode '"
                       << coordinateMode << "'";
  if (!llvm::is_contained({"round_prefer_floor", "round_prefer_ceil", "floor",
                           "ceil", "simple"},
                          nearestMode))
    return emitError() << "unknown nearest_mode '" << nearestMode << "'";
  return RankedTensorType::get(outputShape, input.getElementType());
}

FailureOr<RankedTensorType>
inferPoolType(EmitErrorFn emitError, RankedTensorType input,
              ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
              ArrayRef<int64_t> pads, ArrayRef<int64_t> dilations,
              bool ceilMode) {
  // Max pooling also takes integers (ONNX: int8, uint8); the average
  // pool's verifier and importers require floats.
  if (!isa<FloatType, IntegerType>(input.getElementType()) ||
      input.getElementType().isInteger(1))
    return emitError() << "expects a floating-point or integer tensor, got "
                       << input;
  if (input.getRank() < 3)
    return emitError() << "pooling expects [N,C,D...] input, got " << input;
  size_t k = input.getRank() - 2;
  if (kernel.size() != k)
    return emitError() << "kernel_shape has " << kernel.size()
                       << " entries for " << k << " spatial dimensions";
  if (failed(checkWindowAttrs(emitError, k, strides, pads, dilations)))
    return failure();
  SmallVector<int64_t> out = {input.getDimSize(0), input.getDimSize(1)};
  for (size_t i = 0; i < k; ++i) {
    if (kernel[i] < 1)
      return emitError() << "kernel_shape entries must be >= 1";
    if (kernel[i] > kMaxWindowAttr)
      return emitError() << "kernel_shape entries must be at most "
                         << kMaxWindowAttr << ", got " << kernel[i];
    if (pads[i] >= kernel[i] || pads[k + i] >= kernel[i])
      return emitError() << "pads must be smaller than the kernel";
    int64_t o = windowOutputSize(input.getDimSize(2 + i), kernel[i], strides[i],
                                 pads[i], pads[k + i], dilations[i], ceilMode);
    if (o < 1)
      return emitError() << "kernel is larger than the padded input in "
                            "spatial dimension "
                         << i;
    out.push_back(o);
  }
  return RankedTensorType::get(out, input.getElementType());
}

FailureOr<RankedTensorType> inferGlobalPoolType(EmitErrorFn emitError,
                                                RankedTensorType input) {
  if (failed(checkFloat(emitError, input)))
    return failure();
  if (input.getRank() < 3)
    return emitError() << "global pooling expects [N,C,D...] input, got "
                       << input;
  SmallVector<int64_t> out(input.getShape());
  std::fill(out.begin() + 2, out.end(), 1);
  return RankedTensorType::get(out, input.getElementType());
}

FailureOr<RankedTensorType>
inferBatchNormType(EmitErrorFn emitError, RankedTensorType input,
                   ArrayRef<RankedTensorType> params) {
  SmallVector<RankedTensorType> all = {input};
  all.append(params.begin(), params.end());
  if (failed(checkSameElementType(emitError, all)) ||
      failed(checkFloat(emitError, input)))
    return failure();
  if (input.getRank() < 2)
    return emitError() << "BatchNormalization expects rank >= 2, got " << input;
  int64_t c = input.getDimSize(1);
  for (RankedTensorType p : params)
    if (p.getRank() != 1 || p.getDimSize(0) != c)
      return emitError() << "scale, bias, mean and variance must be [" << c
                         << "], got " << p;
  return input;
}

FailureOr<RankedTensorType> inferLayerNormType(EmitErrorFn emitError,
                                               RankedTensorType input,
                                               RankedTensorType scale,
                                               RankedTensorType bias,
                                               int64_t axis) {
  if (failed(checkSameElementType(emitError, {input, scale, bias})) ||
      failed(checkFloat(emitError, input)))
    return failure();
  if (axis < 0 || axis >= input.getRank())
    return emitError() << "axis " << axis << " is out of range for rank "
                       << input.getRank();
  ArrayRef<int64_t> normalized = input.getShape().drop_front(axis);
  for (RankedTensorType p : {scale, bias}) {
    if (!p)
      continue;
    auto b = broadcastShapes(normalized, p.getShape());
    if (failed(b) || ArrayRef<int64_t>(*b) != normalized)
      return emitError() << "scale and bias must broadcast to the normalized "
                            "shape "
                         << shapeStr(normalized) << ", got "
                         << shapeStr(p.getShape());
  }
  return input;
}

FailureOr<RankedTensorType> inferTransposeType(EmitErrorFn emitError,
                                               RankedTensorType input,
                                               ArrayRef<int64_t> perm) {
  int64_t rank = input.getRank();
  if (static_cast<int64_t>(perm.size()) != rank)
    return emitError() << "perm has " << perm.size() << " entries for rank "
                       << rank;
  SmallVector<bool> seen(rank, false);
  SmallVector<int64_t> out;
  for (int64_t p : perm) {
    if (p < 0 || p >= rank || seen[p])
      return emitError() << "perm is not a permutation of [0, " << rank << ")";
    seen[p] = true;
    out.push_back(input.getDimSize(p));
  }
  return RankedTensorType::get(out, input.getElementType());
}

FailureOr<RankedTensorType> inferConcatType(EmitErrorFn emitError,
                                            ArrayRef<RankedTensorType> inputs,
                                            int64_t axis) {
  if (inputs.empty())
    return emitError() << "Concat needs at least one input";
  if (failed(checkSameElementType(emitError, inputs)))
    return failure();
  RankedTensorType first = inputs.front();
  if (axis < 0 || axis >= first.getRank())
    return emitError() << "axis " << axis << " is out of range for rank "
                       << first.getRank();
  SmallVector<int64_t> out(first.getShape());
  out[axis] = 0;
  for (RankedTensorType t : inputs) {
    if (t.getRank() != first.getRank())
      return emitError() << "Concat inputs have different ranks";
    for (int64_t d = 0; d < t.getRank(); ++d)
      if (d != axis && t.getDimSize(d) != first.getDimSize(d))
        return emitError() << "Concat inputs differ in dimension " << d << " ("
                           << shapeStr(first.getShape()) << " vs "
                           << shapeStr(t.getShape()) << ")";
    out[axis] += t.getDimSize(axis);
  }
  return RankedTensorType::get(out, first.getElementType());
}

FailureOr<RankedTensorType> inferReshapeType(EmitErrorFn emitError,
                                             RankedTensorType input,
                                             ArrayRef<int64_t> shape,
                                             bool allowZero) {
  SmallVector<int64_t> out(shape);
  int64_t inferIdx = -1, known = 1;
  for (auto [i, d] : llvm::enumerate(out)) {
    if (d == 0 && !allowZero) {
      if (static_cast<int64_t>(i) >= input.getRank())
        return emitError() << "shape entry " << i
                           << " is 0 but the input has rank "
                           << input.getRank();
      d = input.getDimSize(i);
    }
    if (d == -1) {
      if (inferIdx >= 0)
        return emitError() << "shape " << shapeStr(shape)
                           << " has more than one -1";
      inferIdx = i;
      continue;
    }
    if (d < 0)
      return emitError() << "shape " << shapeStr(shape)
                         << " has a negative entry";
    known *= d;
  }
  int64_t numel = input.getNumElements();
  if (inferIdx >= 0) {
    if (known == 0 || numel % known != 0)
      return emitError() << "cannot reshape " << shapeStr(input.getShape())
                         << " to " << shapeStr(shape);
    out[inferIdx] = numel / known;
    known *= out[inferIdx];
  }
  if (known != numel)
    return emitError() << "cannot reshape " << shapeStr(input.getShape())
                       << " (" << numel << " elements) to " << shapeStr(out);
  return RankedTensorType::get(out, input.getElementType());
}

FailureOr<RankedTensorType>
inferBroadcastShape(EmitErrorFn emitError, ArrayRef<RankedTensorType> operands,
                    Type elementType) {
  SmallVector<int64_t> shape;
  for (RankedTensorType t : operands) {
    auto b = broadcastShapes(shape, t.getShape());
    if (failed(b))
      return emitError() << "shapes " << shapeStr(shape) << " and "
                         << shapeStr(t.getShape())
                         << " cannot be broadcast together";
    shape = *b;
  }
  return RankedTensorType::get(shape, elementType);
}

FailureOr<RankedTensorType> inferPowType(EmitErrorFn emitError,
                                         RankedTensorType base,
                                         RankedTensorType exponent) {
  if (!isa<FloatType, IntegerType>(base.getElementType()) ||
      base.getElementType().isInteger(1))
    return emitError() << "expects a floating-point or integer base, got "
                       << base;
  if (!isa<FloatType, IntegerType>(exponent.getElementType()) ||
      exponent.getElementType().isInteger(1))
    return emitError() << "expects a floating-point or integer exponent, got "
                       << exponent;
  return inferBroadcastShape(emitError, {base, exponent},
                             base.getElementType());
}

FailureOr<RankedTensorType> inferCompareType(EmitErrorFn emitError,
                                             RankedTensorType lhs,
                                             RankedTensorType rhs) {
  if (failed(checkSameElementType(emitError, {lhs, rhs})))
    return failure();
  if (!isa<FloatType, IntegerType>(lhs.getElementType()))
    return emitError() << "expects float, integer or bool operands, got "
                       << lhs;
  return inferBroadcastShape(emitError, {lhs, rhs},
                             IntegerType::get(lhs.getContext(), 1));
}

FailureOr<RankedTensorType> inferLogicalType(EmitErrorFn emitError,
                                             RankedTensorType lhs,
                                             RankedTensorType rhs) {
  if (!isa<IntegerType>(lhs.getElementType()))
    return emitError() << "expects bool (i1) or integer operands, got " << lhs;
  return inferBroadcastType(emitError, lhs, rhs);
}

FailureOr<RankedTensorType> inferBitShiftType(EmitErrorFn emitError,
                                              RankedTensorType lhs,
                                              RankedTensorType rhs) {
  Type elem = lhs.getElementType();
  if (!isa<IntegerType>(elem) || elem.isInteger(1))
    return emitError() << "expects integer operands, got " << lhs;
  return inferBroadcastType(emitError, lhs, rhs);
}

FailureOr<RankedTensorType> inferModType(EmitErrorFn emitError,
                                         RankedTensorType lhs,
                                         RankedTensorType rhs, bool fmod) {
  Type elem = lhs.getElementType();
  if (!isa<FloatType, IntegerType>(elem) || elem.isInteger(1))
    return emitError() << "expects numeric operands, got " << lhs;
  return inferBroadcastType(emitError, lhs, rhs);
}

FailureOr<RankedTensorType> inferPReluType(EmitErrorFn emitError,
                                           RankedTensorType input,
                                           RankedTensorType slope) {
  if (failed(checkFloat(emitError, input)))
    return failure();
  FailureOr<RankedTensorType> type =
      inferBroadcastType(emitError, input, slope);
  if (failed(type))
    return failure();
  if (type->getShape() != input.getShape())
    return emitError() << "slope " << shapeStr(slope.getShape())
                       << " does not broadcast to the input's shape "
                       << shapeStr(input.getShape());
  return type;
}

FailureOr<RankedTensorType> inferFloatTestType(EmitErrorFn emitError,
                                               RankedTensorType input) {
  if (failed(checkFloat(emitError, input)))
    return failure();
  return RankedTensorType::get(input.getShape(),
                               IntegerType::get(input.getContext(), 1));
}

FailureOr<RankedTensorType> inferArgReduceType(EmitErrorFn emitError,
                                               RankedTensorType input,
                                               StringRef kind, int64_t axis) {
  if (kind != "max" && kind != "min")
    return emitError() << "kind must be max or min, got '" << kind << "'";
  Type elem = input.getElementType();
  if (!isa<FloatType, IntegerType>(elem) || elem.isInteger(1))
    return emitError() << "expects a float or integer tensor, got " << input;
  if (axis < 0 || axis >= input.getRank())
    return emitError() << "axis " << axis << " is out of range for rank "
                       << input.getRank();
  SmallVector<int64_t> shape(input.getShape());
  shape.erase(shape.begin() + axis);
  return RankedTensorType::get(shape, IntegerType::get(input.getContext(), 64));
}

FailureOr<RankedTensorType> inferTopKType(EmitErrorFn emitError,
                                          RankedTensorType input, int64_t axis,
                                          int64_t k) {
  Type elem = input.getElementType();
  if (!isa<FloatType, IntegerType>(elem) || elem.isInteger(1))
    return emitError() << "expects a float or integer tensor, got " << input;
  if (axis < 0 || axis >= input.getRank())
    return emitError() << "axis " << axis << " is out of range for rank "
                       << input.getRank();
  if (k < 0 || k > input.getDimSize(axis))
    return emitError() << "k " << k << " is out of range for an axis of size "
                       << input.getDimSize(axis);
  SmallVector<int64_t> shape(input.getShape());
  shape[axis] = k;
  return RankedTensorType::get(shape, elem);
}

FailureOr<RankedTensorType> inferGatherElementsType(EmitErrorFn emitError,
                                                    RankedTensorType data,
                                                    RankedTensorType indices,
                                                    int64_t axis) {
  Type idx = indices.getElementType();
  if (!isa<IntegerType>(idx) || idx.isInteger(1))
    return emitError() << "expects integer indices, got " << indices;
  if (indices.getRank() != data.getRank())
    return emitError() << "indices " << shapeStr(indices.getShape())
                       << " and data " << shapeStr(data.getShape())
                       << " must have the same rank";
  if (axis < 0 || axis >= data.getRank())
    return emitError() << "axis " << axis << " is out of range for rank "
                       << data.getRank();
  return RankedTensorType::get(indices.getShape(), data.getElementType());
}

/// What every scatter checks: the reduction, integer indices, updates of
/// the data's element type.
static LogicalResult checkScatter(EmitErrorFn emitError, RankedTensorType data,
                                  RankedTensorType indices,
                                  RankedTensorType updates,
                                  StringRef reduction) {
  if (reduction != "none" && reduction != "add" && reduction != "mul" &&
      reduction != "max" && reduction != "min")
    return emitError() << "reduction must be none, add, mul, max or min, got '"
                       << reduction << "'";
  Type idx = indices.getElementType();
  if (!isa<IntegerType>(idx) || idx.isInteger(1))
    return emitError() << "expects integer indices, got " << indices;
  return checkSameElementType(emitError, {data, updates});
}

FailureOr<RankedTensorType>
inferScatterElementsType(EmitErrorFn emitError, RankedTensorType data,
                         RankedTensorType indices, RankedTensorType updates,
                         StringRef reduction, int64_t axis) {
  if (failed(checkScatter(emitError, data, indices, updates, reduction)))
    return failure();
  if (indices.getShape() != updates.getShape() ||
      indices.getRank() != data.getRank())
    return emitError() << "indices " << shapeStr(indices.getShape())
                       << " and updates " << shapeStr(updates.getShape())
                       << " must have one shape of the data's rank "
                       << data.getRank();
  if (axis < 0 || axis >= data.getRank())
    return emitError() << "axis " << axis << " is out of range for rank "
                       << data.getRank();
  return data;
}

FailureOr<RankedTensorType> inferScatterNDType(EmitErrorFn emitError,
                                               RankedTensorType data,
                                               RankedTensorType indices,
                                               RankedTensorType updates,
                                               StringRef reduction) {
  if (failed(checkScatter(emitError, data, indices, updates, reduction)))
    return failure();
  if (indices.getRank() < 1 || indices.getShape().back() > data.getRank() ||
      ShapedType::isDynamic(indices.getShape().back()))
    return emitError() << "indices " << shapeStr(indices.getShape())
                       << " must be [..., k] with k <= the data's rank "
                       << data.getRank();
  SmallVector<int64_t> expected(indices.getShape().drop_back());
  llvm::append_range(expected,
                     data.getShape().drop_front(indices.getShape().back()));
  if (updates.getShape() != ArrayRef<int64_t>(expected))
    return emitError() << "updates " << shapeStr(updates.getShape())
                       << " must be " << shapeStr(expected);
  return data;
}

FailureOr<RankedTensorType> inferWhereType(EmitErrorFn emitError,
                                           RankedTensorType condition,
                                           RankedTensorType x,
                                           RankedTensorType y) {
  if (!condition.getElementType().isInteger(1))
    return emitError() << "expects a bool (i1) condition, got " << condition;
  if (failed(checkSameElementType(emitError, {x, y})))
    return failure();
  return inferBroadcastShape(emitError, {condition, x, y}, x.getElementType());
}

FailureOr<RankedTensorType>
inferCastType(EmitErrorFn emitError, RankedTensorType input, Type elementType) {
  for (Type t : {input.getElementType(), elementType})
    if (!isa<FloatType, IntegerType>(t))
      return emitError() << "casts only between float, integer and bool "
                            "types, got "
                         << t;
  return RankedTensorType::get(input.getShape(), elementType);
}

FailureOr<RankedTensorType> inferBitCastType(EmitErrorFn emitError,
                                             RankedTensorType input,
                                             Type elementType) {
  if (failed(inferCastType(emitError, input, elementType)))
    return failure();
  // A bool occupies a byte in ONNX tensors.
  auto storageBits = [](Type t) {
    return t.isInteger(1) ? 8u : t.getIntOrFloatBitWidth();
  };
  if (storageBits(input.getElementType()) != storageBits(elementType))
    return emitError() << "bitcasts between types of the same width only, got "
                       << input.getElementType() << " and " << elementType;
  return RankedTensorType::get(input.getShape(), elementType);
}

FailureOr<RankedTensorType> inferExpandType(EmitErrorFn emitError,
                                            RankedTensorType input,
                                            ArrayRef<int64_t> shape) {
  for (int64_t d : shape)
    if (d < 0)
      return emitError() << "Expand's shape " << shapeStr(shape)
                         << " has a negative entry";
  auto out = broadcastShapes(input.getShape(), shape);
  if (failed(out))
    return emitError() << "shape " << shapeStr(input.getShape())
                       << " cannot be expanded to " << shapeStr(shape);
  return RankedTensorType::get(*out, input.getElementType());
}

bool isReduceKind(StringRef kind) {
  return llvm::is_contained({"sum", "mean", "max", "min", "prod", "l1", "l2",
                             "sum_square", "log_sum", "log_sum_exp"},
                            kind);
}

FailureOr<RankedTensorType>
inferReduceType(EmitErrorFn emitError, RankedTensorType input, StringRef kind,
                ArrayRef<int64_t> axes, bool keepDims) {
  if (!isReduceKind(kind))
    return emitError() << "unknown reduction kind '" << kind << "'";
  Type elem = input.getElementType();
  bool intKind = llvm::is_contained(
      {"sum", "max", "min", "prod", "l1", "sum_square"}, kind);
  // Bools reduce by max (any) and min (all) only.
  bool boolKind = kind == "max" || kind == "min";
  if (!isa<FloatType>(elem) &&
      !(intKind && isa<IntegerType>(elem) && !elem.isInteger(1)) &&
      !(boolKind && elem.isInteger(1)))
    return emitError() << "reduction '" << kind << "' does not support "
                       << input;
  int64_t rank = input.getRank();
  for (auto [i, a] : llvm::enumerate(axes)) {
    if (a < 0 || a >= rank)
      return emitError() << "axis " << a << " is out of range for rank "
                         << rank;
    if (i && a <= axes[i - 1])
      return emitError() << "axes must be sorted and unique";
  }
  SmallVector<int64_t> out;
  for (int64_t d = 0; d < rank; ++d) {
    if (!llvm::is_contained(axes, d))
      out.push_back(input.getDimSize(d));
    else if (keepDims)
      out.push_back(1);
  }
  return RankedTensorType::get(out, elem);
}

FailureOr<RankedTensorType> inferGatherType(EmitErrorFn emitError,
                                            RankedTensorType data,
                                            RankedTensorType indices,
                                            int64_t axis) {
  Type idx = indices.getElementType();
  if (!isa<IntegerType>(idx) || idx.isInteger(1))
    return emitError() << "expects integer indices, got " << indices;
  if (axis < 0 || axis >= data.getRank())
    return emitError() << "axis " << axis << " is out of range for rank "
                       << data.getRank();
  SmallVector<int64_t> out(data.getShape().take_front(axis));
  llvm::append_range(out, indices.getShape());
  llvm::append_range(out, data.getShape().drop_front(axis + 1));
  return RankedTensorType::get(out, data.getElementType());
}

FailureOr<RankedTensorType> inferSliceType(EmitErrorFn emitError,
                                           RankedTensorType input,
                                           ArrayRef<int64_t> starts,
                                           ArrayRef<int64_t> steps,
                                           ArrayRef<int64_t> sizes) {
  int64_t rank = input.getRank();
  if (static_cast<int64_t>(starts.size()) != rank ||
      static_cast<int64_t>(steps.size()) != rank ||
      static_cast<int64_t>(sizes.size()) != rank)
    return emitError() << "expects one start, step and size per dimension "
                          "of rank "
                       << rank;
  for (int64_t d = 0; d < rank; ++d) {
    int64_t dim = input.getDimSize(d);
    if (steps[d] == 0)
      return emitError() << "steps must be non-zero";
    if (sizes[d] < 0)
      return emitError() << "sizes must be >= 0";
    if (sizes[d] == 0)
      continue;
    int64_t last = starts[d] + (sizes[d] - 1) * steps[d];
    if (starts[d] < 0 || starts[d] >= dim || last < 0 || last >= dim)
      return emitError() << "slice of dimension " << d << " reads outside [0, "
                         << dim << ")";
  }
  return RankedTensorType::get(sizes, input.getElementType());
}

FailureOr<RankedTensorType> inferUnsqueezeType(EmitErrorFn emitError,
                                               RankedTensorType input,
                                               ArrayRef<int64_t> axes) {
  int64_t outRank = input.getRank() + static_cast<int64_t>(axes.size());
  SmallVector<bool> inserted(outRank, false);
  for (int64_t a : axes) {
    FailureOr<int64_t> axis = normalizeAxis(emitError, a, outRank);
    if (failed(axis))
      return failure();
    if (inserted[*axis])
      return emitError() << "axis " << a << " is repeated";
    inserted[*axis] = true;
  }
  SmallVector<int64_t> out;
  ArrayRef<int64_t> in = input.getShape();
  for (int64_t d = 0; d < outRank; ++d) {
    if (inserted[d]) {
      out.push_back(1);
    } else {
      out.push_back(in.front());
      in = in.drop_front();
    }
  }
  return RankedTensorType::get(out, input.getElementType());
}

FailureOr<RankedTensorType> inferSqueezeType(EmitErrorFn emitError,
                                             RankedTensorType input,
                                             ArrayRef<int64_t> axes) {
  int64_t rank = input.getRank();
  SmallVector<bool> dropped(rank, false);
  for (int64_t a : axes) {
    FailureOr<int64_t> axis = normalizeAxis(emitError, a, rank);
    if (failed(axis))
      return failure();
    if (input.getDimSize(*axis) != 1)
      return emitError() << "cannot squeeze axis " << a << " of size "
                         << input.getDimSize(*axis);
    dropped[*axis] = true;
  }
  SmallVector<int64_t> out;
  for (int64_t d = 0; d < rank; ++d) {
    bool drop = axes.empty() ? input.getDimSize(d) == 1 : dropped[d];
    if (!drop)
      out.push_back(input.getDimSize(d));
  }
  return RankedTensorType::get(out, input.getElementType());
}

} // namespace dsc
