//===- Sampling.cpp - GridSample, AffineGrid, RoiAlign, crops, unpooling --===//
//
// GridSample and RoiAlign read the input at run-time coordinates and are
// dsc ops (dsc.grid_sample, dsc.roi_align). AffineGrid is a matmul of a
// constant base grid with theta; CenterCropPad a slice and zero blocks;
// MaxUnpool a scatter of the values at their indices; Col2Im a scatter-add
// with constant indices; DeformConv bilinear gathers at run-time positions
// and a matmul. Shape inputs (the grid size, the crop shape, the
// unpooled shape, the image shape) may be graph inputs where the graph
// declares the output's static shape, which a valid model's values equal
// (as TopK's k).
//
//===----------------------------------------------------------------------===//
#include "../Compose.h"

#include "dsc/Dialect/Utils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

#include <functional>

using namespace mlir;

namespace dsc {
namespace {

/// Input `i` as integers when constant, else the declared output shape (its
/// entries picked by `fromDeclared`; kAnyValue for entries the shape does
/// not fix, negative for ones it cannot give), guarded at run time; `what`
/// names the input.
FailureOr<SmallVector<int64_t>> shapeInput(
    NodeImporter &n, int i, StringRef what,
    llvm::function_ref<SmallVector<int64_t>(ArrayRef<int64_t>)> fromDeclared) {
  if (n.constantInputOrNull(i))
    return intsInput(n, i, what);
  std::optional<SmallVector<int64_t>> declared = n.declaredOutputShape(0);
  if (!declared)
    return n.emitError() << what << " ('" << n.inputName(i)
                         << "') must be a constant (an initializer or a "
                            "Constant node), or the graph must declare the "
                            "static shape of the output; computed values are "
                            "not supported yet";
  SmallVector<int64_t> picked = fromDeclared(*declared);
  if (llvm::all_of(picked,
                   [](int64_t v) { return v >= 0 || v == kAnyValue; }) &&
      failed(guardOperandEquals(n, i, what, picked)))
    return failure();
  return picked;
}

LogicalResult importGridSample(NodeImporter &n) {
  if (failed(n.checkAttributes({"align_corners", "mode", "padding_mode"})))
    return failure();
  bool v16 = n.opset() < 20;
  auto align = n.intAttr("align_corners", 0);
  auto mode = n.stringAttr("mode", v16 ? "bilinear" : "linear");
  auto padding = n.stringAttr("padding_mode", "zeros");
  FailureOr<Value> x = n.input(0), grid = n.input(1);
  if (failed(align) || failed(mode) || failed(padding) || failed(x) ||
      failed(grid))
    return failure();
  // Opset 16 names the modes bilinear and bicubic and takes 4-D inputs only.
  std::string m = *mode;
  if (v16) {
    if (m == "bilinear")
      m = "linear";
    else if (m == "bicubic")
      m = "cubic";
    else if (m != "nearest")
      return n.emitError() << "mode '" << m
                           << "' is not one of bilinear, nearest, bicubic";
    if (n.type(*x).getRank() != 4)
      return n.emitError() << "GridSample-16 takes a 4-D input, got "
                           << n.type(*x);
  } else if (m == "bilinear" || m == "bicubic") {
    return n.emitError() << "mode '" << m << "' is not one of linear, "
                         << "nearest, cubic (from opset 20)";
  }
  Builder b(n.context());
  return n.setResult(n.create<GridSampleOp>(
      inferGridSampleType(n.errorFn(), n.type(*x), n.type(*grid), m, *padding),
      *x, *grid, b.getStringAttr(m), b.getStringAttr(*padding),
      b.getBoolAttr(*align != 0)));
}

/// AffineGrid (opset 20): grid[n, s..., :] = theta[n] @ (x, y[, z], 1) for
/// the base grid of normalized coordinates of the spatial size.
LogicalResult importAffineGrid(NodeImporter &n) {
  if (failed(n.checkAttributes({"align_corners"})))
    return failure();
  auto align = n.intAttr("align_corners", 0);
  FailureOr<Value> theta = n.input(0);
  if (failed(align) || failed(theta))
    return failure();
  RankedTensorType tt = n.type(*theta);
  if (!isa<FloatType>(tt.getElementType()) || tt.getRank() != 3 ||
      !((tt.getDimSize(1) == 2 && tt.getDimSize(2) == 3) ||
        (tt.getDimSize(1) == 3 && tt.getDimSize(2) == 4)))
    return n.emitError() << "expects a floating-point theta [N, 2, 3] or "
                            "[N, 3, 4], got "
                         << tt;
  int64_t k = tt.getDimSize(1), batch = tt.getDimSize(0);
  FailureOr<SmallVector<int64_t>> size =
      shapeInput(n, 1, "AffineGrid's size", [&](ArrayRef<int64_t> declared) {
        // [N, S..., k] -> [N, C (unknown, unused), S...].
        SmallVector<int64_t> s = {declared.front(), kAnyValue};
        s.append(declared.begin() + 1, declared.end() - 1);
        return s;
      });
  if (failed(size))
    return failure();
  if (size->size() > 1 && (*size)[1] == kAnyValue)
    (*size)[1] = 1;
  if (static_cast<int64_t>(size->size()) != k + 2 || (*size)[0] != batch)
    return n.emitError() << "size must be [N, C, "
                         << (k == 2 ? "H, W" : "D, H, W")
                         << "] with N = " << batch;
  SmallVector<int64_t> spatial(size->begin() + 2, size->end());
  int64_t points = 1;
  for (int64_t d : spatial) {
    if (d < 1)
      return n.emitError() << "size has an empty spatial dimension";
    points *= d;
  }
  SmallVector<int64_t> outShape = {batch};
  outShape.append(spatial);
  outShape.push_back(k);
  if (failed(n.checkResultShape(outShape)) ||
      failed(n.checkResultShape({points, k + 1})))
    return failure();
  // Base grid [points, k + 1] of (x, y[, z], 1): x runs along the last
  // spatial dimension.
  SmallVector<double> base;
  for (int64_t p = 0; p < points; ++p) {
    SmallVector<double> coords(k);
    int64_t rest = p;
    for (int64_t d = k - 1; d >= 0; --d) {
      int64_t len = spatial[d], i = rest % len;
      rest /= len;
      double v = *align ? (len == 1 ? -1.0 : -1.0 + 2.0 * i / (len - 1))
                        : -1.0 + (2.0 * i + 1.0) / len;
      coords[k - 1 - d] = v;
    }
    base.append(coords);
    base.push_back(1.0);
  }
  Composer c(n);
  Type elem = tt.getElementType();
  Value baseGrid = arith::ConstantOp::create(
      n.builder(), n.loc(),
      denseFloatAttr(RankedTensorType::get({1, points, k + 1}, elem), base));
  Value grid = c.matmul(baseGrid, c.transpose(*theta, {0, 2, 1}));
  Value y = c.reshape(grid, outShape);
  if (!y)
    return failure();
  n.setOutput(0, y);
  return success();
}

LogicalResult importRoiAlign(NodeImporter &n) {
  SmallVector<StringRef> known = {"mode", "output_height", "output_width",
                                  "sampling_ratio", "spatial_scale"};
  if (n.opset() >= 16)
    known.push_back("coordinate_transformation_mode");
  if (failed(n.checkAttributes(known)))
    return failure();
  auto mode = n.stringAttr("mode", "avg");
  auto height = n.intAttr("output_height", 1);
  auto width = n.intAttr("output_width", 1);
  auto ratio = n.intAttr("sampling_ratio", 0);
  auto scale = n.floatAttr("spatial_scale", 1.0f);
  // RoiAlign-10 behaves as output_half_pixel.
  auto ctm = n.stringAttr("coordinate_transformation_mode",
                          n.opset() >= 16 ? "half_pixel" : "output_half_pixel");
  FailureOr<Value> x = n.input(0), rois = n.input(1), batch = n.input(2);
  if (failed(mode) || failed(height) || failed(width) || failed(ratio) ||
      failed(scale) || failed(ctm) || failed(x) || failed(rois) ||
      failed(batch))
    return failure();
  if (*ctm != "half_pixel" && *ctm != "output_half_pixel")
    return n.emitError() << "coordinate_transformation_mode '" << *ctm
                         << "' is not one of half_pixel, output_half_pixel";
  if (*ratio == 0)
    return n.emitError() << "sampling_ratio 0 (adaptive, a number of samples "
                            "that depends on each box) is not supported";
  Composer c(n);
  Value indices = c.cast(*batch, n.builder().getI64Type());
  if (!indices)
    return failure();
  Builder b(n.context());
  return n.setResult(n.create<RoiAlignOp>(
      inferRoiAlignType(n.errorFn(), n.type(*x), n.type(*rois), n.type(indices),
                        *height, *width, *mode, *ratio),
      *x, *rois, indices, b.getStringAttr(*mode), b.getI64IntegerAttr(*ratio),
      b.getF64FloatAttr(*scale), b.getBoolAttr(*ctm == "half_pixel")));
}

/// `v` with `lo` and `hi` zeros added along `axis`.
Value padZeros(Composer &c, Value v, int64_t axis, int64_t lo, int64_t hi) {
  if (!v)
    return {};
  SmallVector<Value> parts;
  Type elem = Composer::type(v).getElementType();
  for (int64_t count : {lo, int64_t(-1), hi}) {
    if (count < 0) {
      parts.push_back(v);
      continue;
    }
    if (count == 0)
      continue;
    SmallVector<int64_t> shape(Composer::shape(v));
    shape[axis] = count;
    parts.push_back(c.splat(shape, elem, 0));
  }
  return c.concat(parts, axis);
}

/// CenterCropPad (opset 18): per axis, the centered window of the target
/// size (crop) or the input centered in zeros (pad); odd differences put the
/// extra element at the end.
LogicalResult importCenterCropPad(NodeImporter &n) {
  if (failed(n.checkAttributes({"axes"})))
    return failure();
  FailureOr<Value> x = n.input(0);
  auto axesAttr = n.intsAttr("axes");
  if (failed(x) || failed(axesAttr))
    return failure();
  RankedTensorType xt = n.type(*x);
  int64_t rank = xt.getRank();
  SmallVector<int64_t> axes;
  if (*axesAttr) {
    for (int64_t a : **axesAttr) {
      FailureOr<int64_t> axis = normalizeAxis(n.errorFn(), a, rank);
      if (failed(axis))
        return failure();
      if (llvm::is_contained(axes, *axis))
        return n.emitError() << "axes repeat axis " << a;
      axes.push_back(*axis);
    }
  } else {
    axes = llvm::to_vector(llvm::seq<int64_t>(0, rank));
  }
  FailureOr<SmallVector<int64_t>> shape = shapeInput(
      n, 1, "CenterCropPad's shape", [&](ArrayRef<int64_t> declared) {
        SmallVector<int64_t> s;
        for (int64_t a : axes)
          s.push_back(a < static_cast<int64_t>(declared.size()) ? declared[a]
                                                                : -1);
        return s;
      });
  if (failed(shape))
    return failure();
  if (shape->size() != axes.size())
    return n.emitError() << "shape has " << shape->size() << " entries for "
                         << axes.size() << " axes";
  SmallVector<int64_t> out(xt.getShape());
  for (auto [a, s] : llvm::zip(axes, *shape)) {
    if (s < 1)
      return n.emitError() << "target size " << s << " of axis " << a
                           << " is not supported (empty or negative)";
    out[a] = s;
  }
  if (failed(n.checkResultShape(out)))
    return failure();
  Composer c(n);
  Value v = *x;
  for (auto [a, s] : llvm::zip(axes, *shape)) {
    int64_t dim = xt.getDimSize(a);
    if (s < dim)
      v = c.sliceAlong(v, a, (dim - s) / 2, s);
    else if (s > dim)
      v = padZeros(c, v, a, (s - dim) / 2, s - dim - (s - dim) / 2);
  }
  if (!v)
    return failure();
  n.setOutput(0, v);
  return success();
}

/// MaxUnpool (opsets 9, 11, 22): the values scattered at their indices
/// (flat over the whole unpooled tensor of the shape pooling inverts, as in
/// ONNX's reference) into zeros, then zeros to output_shape at the ends.
LogicalResult importMaxUnpool(NodeImporter &n) {
  if (failed(n.checkAttributes({"kernel_shape", "pads", "strides"})))
    return failure();
  FailureOr<Value> x = n.input(0), indices = n.input(1);
  auto kernel = n.intsAttr("kernel_shape");
  auto padsAttr = n.intsAttr("pads");
  auto stridesAttr = n.intsAttr("strides");
  if (failed(x) || failed(indices) || failed(kernel) || failed(padsAttr) ||
      failed(stridesAttr))
    return failure();
  RankedTensorType xt = n.type(*x);
  int64_t rank = xt.getRank(), k = rank - 2;
  if (!*kernel || static_cast<int64_t>((*kernel)->size()) != k || k < 1)
    return n.emitError() << "kernel_shape must have one entry per spatial "
                            "dimension of "
                         << xt;
  SmallVector<int64_t> pads =
      *padsAttr ? **padsAttr : SmallVector<int64_t>(2 * k, 0);
  SmallVector<int64_t> strides =
      *stridesAttr ? **stridesAttr : SmallVector<int64_t>(k, 1);
  if (static_cast<int64_t>(pads.size()) != 2 * k ||
      static_cast<int64_t>(strides.size()) != k)
    return n.emitError() << "pads and strides must have 2 * " << k << " and "
                         << k << " entries";
  if (n.type(*indices).getShape() != xt.getShape() ||
      !n.type(*indices).getElementType().isInteger(64))
    return n.emitError() << "expects int64 indices of the input's shape, got "
                         << n.type(*indices);
  SmallVector<int64_t> inferred = {xt.getDimSize(0), xt.getDimSize(1)};
  for (int64_t d = 0; d < k; ++d) {
    int64_t s = (xt.getDimSize(2 + d) - 1) * strides[d] - pads[d] -
                pads[k + d] + (**kernel)[d];
    if (s < 1)
      return n.emitError() << "the unpooled spatial dimension " << d
                           << " would be " << s;
    inferred.push_back(s);
  }
  SmallVector<int64_t> out = inferred;
  if (n.hasInput(2)) {
    FailureOr<SmallVector<int64_t>> shape = shapeInput(
        n, 2, "MaxUnpool's output_shape", [](ArrayRef<int64_t> declared) {
          return SmallVector<int64_t>(declared);
        });
    if (failed(shape))
      return failure();
    if (static_cast<int64_t>(shape->size()) != rank)
      return n.emitError() << "output_shape must have " << rank << " entries";
    for (int64_t d = 0; d < rank; ++d)
      if ((*shape)[d] < inferred[d])
        return n.emitError() << "output_shape " << (*shape)[d]
                             << " is smaller than the unpooled size "
                             << inferred[d] << " in dimension " << d;
    out = *shape;
  }
  if (failed(n.checkResultShape(out)) || failed(n.checkResultShape(inferred)))
    return failure();
  Composer c(n);
  int64_t total = 1, count = xt.getNumElements();
  for (int64_t d : inferred)
    total *= d;
  Value zeros = c.splat({total}, xt.getElementType(), 0);
  Value flatIdx = c.reshape(*indices, {count});
  Value flatX = c.reshape(*x, {count});
  if (!flatIdx || !flatX)
    return failure();
  Value scattered = c.scatterElements(zeros, flatIdx, flatX, 0);
  if (!scattered)
    return failure();
  Value y = c.reshape(scattered, inferred);
  for (int64_t d = 2; d < rank; ++d)
    if (out[d] > inferred[d])
      y = padZeros(c, y, d, 0, out[d] - inferred[d]);
  if (!y)
    return failure();
  n.setOutput(0, y);
  return success();
}

/// The number of sliding blocks along one dimension (0 when none fits).
int64_t blockCount(int64_t image, int64_t block, int64_t padBegin,
                   int64_t padEnd, int64_t dilation, int64_t stride) {
  int64_t span = image + padBegin + padEnd - dilation * (block - 1) - 1;
  return span < 0 ? 0 : span / stride + 1;
}

/// Col2Im (opset 18): every element of each column added at its position
/// in the image (a scatter-add with constant indices; positions in the
/// padding go to one extra element that is sliced off). image_shape may be
/// a graph input where the output's shape is declared, and block_shape
/// too where exactly one block shape fits the input's shape.
LogicalResult importCol2Im(NodeImporter &n) {
  if (failed(n.checkAttributes({"dilations", "pads", "strides"})))
    return failure();
  FailureOr<Value> x = n.input(0);
  auto dilationsAttr = n.intsAttr("dilations");
  auto padsAttr = n.intsAttr("pads");
  auto stridesAttr = n.intsAttr("strides");
  if (failed(x) || failed(dilationsAttr) || failed(padsAttr) ||
      failed(stridesAttr))
    return failure();
  RankedTensorType xt = n.type(*x);
  if (xt.getRank() != 3)
    return n.emitError() << "expects an input [N, C * prod(block_shape), L], "
                            "got "
                         << xt;
  int64_t batch = xt.getDimSize(0), rows = xt.getDimSize(1),
          columns = xt.getDimSize(2);
  // image_shape, and the channels when it comes from the declared shape.
  std::optional<int64_t> declaredChannels;
  FailureOr<SmallVector<int64_t>> image =
      shapeInput(n, 1, "Col2Im's image_shape", [&](ArrayRef<int64_t> declared) {
        if (declared.size() >= 2)
          declaredChannels = declared[1];
        return SmallVector<int64_t>(declared.drop_front(2));
      });
  if (failed(image))
    return failure();
  int64_t k = image->size();
  if (k < 1)
    return n.emitError() << "image_shape must not be empty";
  SmallVector<int64_t> dilations =
      *dilationsAttr ? **dilationsAttr : SmallVector<int64_t>(k, 1);
  SmallVector<int64_t> pads =
      *padsAttr ? **padsAttr : SmallVector<int64_t>(2 * k, 0);
  SmallVector<int64_t> strides =
      *stridesAttr ? **stridesAttr : SmallVector<int64_t>(k, 1);
  if (static_cast<int64_t>(dilations.size()) != k ||
      static_cast<int64_t>(pads.size()) != 2 * k ||
      static_cast<int64_t>(strides.size()) != k)
    return n.emitError() << "dilations, pads and strides must have " << k
                         << ", " << 2 * k << " and " << k << " entries";
  for (int64_t d = 0; d < k; ++d)
    if (dilations[d] < 1 || strides[d] < 1 || pads[d] < 0 || pads[k + d] < 0 ||
        (*image)[d] < 1)
      return n.emitError() << "image sizes, dilations and strides must be "
                              "positive and pads non-negative";
  auto columnsFor = [&](ArrayRef<int64_t> block) {
    int64_t count = 1;
    for (int64_t d = 0; d < k; ++d)
      count *= blockCount((*image)[d], block[d], pads[d], pads[k + d],
                          dilations[d], strides[d]);
    return count;
  };
  SmallVector<int64_t> block;
  if (n.constantInputOrNull(2)) {
    FailureOr<SmallVector<int64_t>> b = intsInput(n, 2, "Col2Im's block_shape");
    if (failed(b))
      return failure();
    block = *b;
  } else if (declaredChannels && *declaredChannels > 0 &&
             rows % *declaredChannels == 0) {
    // The block shapes of rows / C elements that give L columns.
    int64_t elements = rows / *declaredChannels;
    SmallVector<SmallVector<int64_t>> fits;
    SmallVector<int64_t> cur(k, 1);
    std::function<void(int64_t, int64_t)> search = [&](int64_t d,
                                                       int64_t left) {
      if (d == k - 1) {
        cur[d] = left;
        if (columnsFor(cur) == columns)
          fits.push_back(cur);
        return;
      }
      for (int64_t b = 1; b <= left; ++b)
        if (left % b == 0) {
          cur[d] = b;
          search(d + 1, left / b);
        }
    };
    search(0, elements);
    if (fits.size() == 1)
      block = fits.front();
  }
  if (block.empty())
    return n.emitError() << "Col2Im's block_shape ('" << n.inputName(2)
                         << "') must be a constant (an initializer or a "
                            "Constant node), or the declared output shape must "
                            "determine it; computed values are not supported "
                            "yet";
  int64_t taps = 1, pixels = 1;
  for (int64_t d = 0; d < k; ++d) {
    if (block[d] < 1)
      return n.emitError() << "block_shape must be positive";
    taps *= block[d];
    pixels *= (*image)[d];
  }
  if (static_cast<int64_t>(block.size()) != k || rows % taps != 0 ||
      columnsFor(block) != columns)
    return n.emitError() << "an input " << xt << " does not match "
                         << "image_shape, block_shape and the attributes";
  int64_t channels = rows / taps;
  SmallVector<int64_t> outShape = {batch, channels};
  outShape.append(image->begin(), image->end());
  if (failed(n.checkResultShape(outShape)) ||
      failed(n.checkResultShape({batch, channels, taps * columns})))
    return failure();
  // index[t * L + l]: the flat image position of tap t of block l.
  SmallVector<int64_t> counts;
  for (int64_t d = 0; d < k; ++d)
    counts.push_back(blockCount((*image)[d], block[d], pads[d], pads[k + d],
                                dilations[d], strides[d]));
  SmallVector<int64_t> index;
  for (int64_t t = 0; t < taps; ++t) {
    for (int64_t l = 0; l < columns; ++l) {
      int64_t rt = t, rl = l, flat = 0;
      bool inside = true;
      SmallVector<int64_t> pos(k);
      for (int64_t d = k - 1; d >= 0; --d) {
        int64_t td = rt % block[d], ld = rl % counts[d];
        rt /= block[d];
        rl /= counts[d];
        pos[d] = ld * strides[d] - pads[d] + td * dilations[d];
        inside &= pos[d] >= 0 && pos[d] < (*image)[d];
      }
      for (int64_t d = 0; d < k; ++d)
        flat = flat * (*image)[d] + pos[d];
      index.push_back(inside ? flat : pixels);
    }
  }
  Composer c(n);
  Type i64 = n.builder().getI64Type();
  Value updates = c.reshape(*x, {batch, channels, taps * columns});
  Value indices = c.expand(
      c.constant(RankedTensorType::get({1, 1, taps * columns}, i64), index),
      {batch, channels, taps * columns});
  Value zeros = c.splat({batch, channels, pixels + 1}, xt.getElementType(), 0);
  if (!updates || !indices)
    return failure();
  Value summed = c.scatterElements(zeros, indices, updates, 2, "add");
  if (!summed)
    return failure();
  Value y = c.reshape(c.sliceAlong(summed, 2, 0, pixels), outShape);
  if (!y)
    return failure();
  n.setOutput(0, y);
  return success();
}

/// DeformConv (2-D): kernel tap (ki, kj) of output (i, j) reads the input
/// at (i * sh - pt + ki * dh, j * sw - pl + kj * dw) plus a learned offset,
/// bilinearly with zeros outside the image, scaled by the optional mask;
/// the taps then contract with the weights as a grouped matmul. Each of the
/// four bilinear corners is a gather_elements over the flattened image at
/// indices (clipped into it) and weights (0 for a corner outside) computed
/// from the offsets at run time. float16/bfloat16 are computed in float32.
LogicalResult importDeformConv(NodeImporter &n) {
  if (failed(n.checkAttributes({"dilations", "group", "kernel_shape",
                                "offset_group", "pads", "strides"})))
    return failure();
  FailureOr<Value> x = n.input(0), w = n.input(1), off = n.input(2),
                   bias = n.optionalInput(3), mask = n.optionalInput(4);
  auto dilationsAttr = n.intsAttr("dilations");
  auto kernelAttr = n.intsAttr("kernel_shape");
  auto padsAttr = n.intsAttr("pads");
  auto stridesAttr = n.intsAttr("strides");
  auto group = n.intAttr("group", 1);
  auto offsetGroup = n.intAttr("offset_group", 1);
  if (failed(x) || failed(w) || failed(off) || failed(bias) || failed(mask) ||
      failed(dilationsAttr) || failed(kernelAttr) || failed(padsAttr) ||
      failed(stridesAttr) || failed(group) || failed(offsetGroup))
    return failure();
  RankedTensorType xt = n.type(*x), wt = n.type(*w), ot = n.type(*off);
  Type elem = xt.getElementType();
  if (xt.getRank() != 4 || wt.getRank() != 4 || ot.getRank() != 4)
    return n.emitError() << "dsc supports 2-D DeformConv (X [N, C, H, W], W "
                            "[OC, C / group, kH, kW], offset [N, "
                            "offset_group * kH * kW * 2, oH, oW]), got "
                         << xt << ", " << wt << " and " << ot;
  auto sameFloat = [&](Value v) {
    return !v || n.type(v).getElementType() == elem;
  };
  if (!isa<FloatType>(elem) || !sameFloat(*w) || !sameFloat(*off) ||
      !sameFloat(*bias) || !sameFloat(*mask))
    return n.emitError() << "expects X, W, offset, B and mask of one "
                            "floating-point type";
  int64_t batch = xt.getDimSize(0), channels = xt.getDimSize(1),
          height = xt.getDimSize(2), width = xt.getDimSize(3);
  int64_t outChannels = wt.getDimSize(0), groupChannels = wt.getDimSize(1),
          kh = wt.getDimSize(2), kw = wt.getDimSize(3);
  if (*kernelAttr && **kernelAttr != SmallVector<int64_t>{kh, kw})
    return n.emitError() << "kernel_shape does not match W " << wt;
  SmallVector<int64_t> dil =
      *dilationsAttr ? **dilationsAttr : SmallVector<int64_t>(2, 1);
  SmallVector<int64_t> pads =
      *padsAttr ? **padsAttr : SmallVector<int64_t>(4, 0);
  SmallVector<int64_t> str =
      *stridesAttr ? **stridesAttr : SmallVector<int64_t>(2, 1);
  if (dil.size() != 2 || pads.size() != 4 || str.size() != 2 ||
      llvm::any_of(dil, [](int64_t v) { return v < 1; }) ||
      llvm::any_of(str, [](int64_t v) { return v < 1; }) ||
      llvm::any_of(pads, [](int64_t v) { return v < 0; }))
    return n.emitError() << "dilations and strides must be 2 positive "
                            "values, pads 4 non-negative ones";
  if (*group < 1 || channels != groupChannels * *group ||
      outChannels % *group || *offsetGroup < 1 || channels % *offsetGroup)
    return n.emitError() << "X " << xt << " and W " << wt
                         << " do not fit group " << *group
                         << " and offset_group " << *offsetGroup;
  int64_t oh =
      (height + pads[0] + pads[2] - ((kh - 1) * dil[0] + 1)) / str[0] + 1;
  int64_t ow =
      (width + pads[1] + pads[3] - ((kw - 1) * dil[1] + 1)) / str[1] + 1;
  int64_t og = *offsetGroup, taps = kh * kw, positions = oh * ow;
  if (oh < 1 || ow < 1 ||
      ot.getShape() != ArrayRef<int64_t>{batch, og * taps * 2, oh, ow})
    return n.emitError() << "offset " << ot << " must be [" << batch << ", "
                         << og * taps * 2 << ", " << oh << ", " << ow
                         << "] for these attributes";
  if (*mask &&
      n.type(*mask).getShape() != ArrayRef<int64_t>{batch, og * taps, oh, ow})
    return n.emitError() << "mask " << n.type(*mask) << " must be [" << batch
                         << ", " << og * taps << ", " << oh << ", " << ow
                         << "]";
  if (*bias && n.type(*bias).getShape() != ArrayRef<int64_t>{outChannels})
    return n.emitError() << "B " << n.type(*bias) << " must be [" << outChannels
                         << "]";
  if (failed(n.checkResultShape({batch, channels, taps * positions})))
    return failure();

  Composer c(n);
  Builder b(n.context());
  Type ct = elem.getIntOrFloatBitWidth() < 32 ? b.getF32Type() : elem;
  Type i64 = b.getI64Type();
  auto both = [&](Value l, Value r) { return c.logicalAnd(l, r); };
  Value offR = c.reshape(c.cast(*off, ct), {batch, og, taps, 2, positions});
  // The regular sampling positions [1, 1, taps, positions].
  SmallVector<int64_t> baseH, baseW;
  for (int64_t k = 0; k < taps; ++k)
    for (int64_t p = 0; p < positions; ++p) {
      baseH.push_back(p / ow * str[0] - pads[0] + k / kw * dil[0]);
      baseW.push_back(p % ow * str[1] - pads[1] + k % kw * dil[1]);
    }
  auto baseType = RankedTensorType::get({1, 1, taps, positions}, ct);
  SmallVector<int64_t> split = {batch, og, taps, positions};
  Value ph = c.add(c.reshape(c.sliceAlong(offR, 3, 0, 1), split),
                   c.constant(baseType, baseH));
  Value pw = c.add(c.reshape(c.sliceAlong(offR, 3, 1, 1), split),
                   c.constant(baseType, baseW));
  Value h0 = c.unary<FloorOp>(ph), w0 = c.unary<FloorOp>(pw);
  Value one = c.scalar(ct, 1.0), zero = c.scalar(ct, 0.0);
  Value lh = c.sub(ph, h0), lw = c.sub(pw, w0);
  Value maskR = *mask
                    ? c.reshape(c.cast(*mask, ct), {batch, og, taps, positions})
                    : Value();
  // One axis of a corner: its clipped integer coordinate, its bilinear
  // weight, whether it lies in the image.
  struct Side {
    Value index, weight, inside;
  };
  auto side = [&](Value lo, Value frac, int64_t delta, int64_t size) {
    Value pos = delta ? c.add(lo, one) : lo;
    Value weight = delta ? frac : c.sub(one, frac);
    Value inside =
        both(c.compare<GreaterEqualOp>(pos, zero),
             c.compare<LessEqualOp>(pos, c.scalar(ct, double(size - 1))));
    return Side{c.cast(c.clip(pos, 0.0, double(size - 1)), i64), weight,
                inside};
  };
  int64_t perOffsetGroup = channels / og;
  Value image =
      c.reshape(c.cast(*x, ct), {batch, og, perOffsetGroup, height * width});
  Side rows[2] = {side(h0, lh, 0, height), side(h0, lh, 1, height)};
  Side cols[2] = {side(w0, lw, 0, width), side(w0, lw, 1, width)};
  Value columns;
  for (const Side &row : rows) {
    for (const Side &col : cols) {
      Value weight = c.where(both(row.inside, col.inside),
                             c.mul(row.weight, col.weight), zero);
      if (maskR)
        weight = c.mul(weight, maskR);
      Value index =
          c.add(c.mul(row.index, c.scalar(i64, double(width))), col.index);
      index = c.expand(c.reshape(index, {batch, og, 1, taps * positions}),
                       {batch, og, perOffsetGroup, taps * positions});
      if (!index || !image)
        return failure();
      Value picked = c.gatherElements(image, index, 3);
      if (!picked)
        return failure();
      Value term =
          c.mul(picked, c.reshape(weight, {batch, og, 1, taps * positions}));
      columns = columns ? c.add(columns, term) : term;
    }
  }
  // [N, C, taps, P] -> [N, group, C / group * taps, P], contracted with W
  // as [1, group, OC / group, C / group * taps].
  int64_t g = *group;
  columns = c.reshape(columns, {batch, g, groupChannels * taps, positions});
  Value weights =
      c.reshape(c.cast(*w, ct), {1, g, outChannels / g, groupChannels * taps});
  Value y = c.reshape(c.matmul(weights, columns), {batch, outChannels, oh, ow});
  if (*bias)
    y = c.add(y, c.reshape(c.cast(*bias, ct), {1, outChannels, 1, 1}));
  y = c.cast(y, elem);
  if (!y)
    return failure();
  n.setOutput(0, y);
  return success();
}

} // namespace

void registerSamplingImporters(OpRegistry &r) {
  r.add("GridSample", {16, 20, 22}, importGridSample);
  r.add("AffineGrid", {20}, importAffineGrid);
  r.add("RoiAlign", {10, 16, 22}, importRoiAlign);
  r.add("CenterCropPad", {18}, importCenterCropPad);
  r.add("MaxUnpool", {9, 11, 22}, importMaxUnpool);
  r.add("Col2Im", {18}, importCol2Im);
  r.add("DeformConv", {19}, importDeformConv);
}

} // namespace dsc
