//===- Layout.cpp - importers for ops composed of data movement
//------------===//
//
// Split, Tile, DepthToSpace, SpaceToDepth, Trilu, Pad, OneHot, CumSum and
// CumProd are exact compositions of existing dsc ops (slice, reshape,
// expand, transpose, concat, where, equal, reduce), so they need no ops (or
// lowerings) of their own; GatherElements and the scatters are ops of their
// own.
//
//===----------------------------------------------------------------------===//
#include "../Compose.h"
#include "../ConstantFolding.h"
#include "../NodeImporter.h"

#include "dsc/Frontend/ONNXImporter.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

#include <array>

using namespace mlir;

namespace dsc {
namespace {

/// `x` reshaped to `shape` (its element type kept).
FailureOr<Value> reshape(NodeImporter &n, Value x, ArrayRef<int64_t> shape) {
  return n.create<ReshapeOp>(
      RankedTensorType::get(shape, n.type(x).getElementType()), x);
}

/// Split's sizes along the axis: the `split` attribute (before opset 13) or
/// input (from 13), else equal parts, one per output (num_outputs from 18
/// allows a smaller last part).
FailureOr<SmallVector<int64_t>> splitSizes(NodeImporter &n, int64_t dim) {
  SmallVector<int64_t> sizes;
  if (n.opset() < 13) {
    auto attr = n.intsAttr("split");
    if (failed(attr))
      return failure();
    if (*attr)
      sizes = **attr;
  } else if (n.hasInput(1) && !n.constantInputOrNull(1)) {
    // A computed split: the declared sizes of the outputs along the axis.
    auto axisAttr = n.intAttr("axis", 0);
    FailureOr<RankedTensorType> xt = n.inputType(0);
    if (failed(axisAttr) || failed(xt))
      return failure();
    auto axis = normalizeAxis(n.errorFn(), *axisAttr, xt->getRank());
    if (failed(axis) ||
        failed(checkShapeOperandLength(n, 1, "Split's split", n.numOutputs())))
      return failure();
    for (int i = 0; i < n.numOutputs(); ++i) {
      FailureOr<SmallVector<int64_t>> declared =
          n.declaredShapeForOperand(1, "Split's split", i);
      if (failed(declared))
        return failure();
      if (int64_t(declared->size()) != xt->getRank())
        return n.refuseShapeOperand(1, "Split's split")
               << ": output " << i << " is declared with rank "
               << declared->size() << ", not the input's " << xt->getRank();
      sizes.push_back((*declared)[*axis]);
    }
    if (failed(guardOperandEquals(n, 1, "Split's split", sizes)))
      return failure();
  } else if (n.hasInput(1)) {
    auto in = intsInput(n, 1, "Split's split");
    if (failed(in))
      return failure();
    sizes = *in;
  }
  if (!sizes.empty()) {
    if (static_cast<int>(sizes.size()) != n.numOutputs())
      return n.emitError() << "split has " << sizes.size() << " entries for "
                           << n.numOutputs() << " outputs";
    int64_t total = 0;
    for (int64_t s : sizes) {
      if (s < 0)
        return n.emitError() << "split sizes must be non-negative";
      if (s > dim - total)
        return n.emitError() << "split sizes add up to more than the axis "
                                "size "
                             << dim;
      total += s;
    }
    if (total != dim)
      return n.emitError() << "split sizes add up to " << total
                           << ", not the axis size " << dim;
    return sizes;
  }
  int64_t parts = n.numOutputs();
  if (n.opset() >= 18) {
    auto num = n.intAttr("num_outputs", 0);
    if (failed(num))
      return failure();
    if (!n.attr("num_outputs"))
      return n.emitError() << "Split needs the split input or the "
                              "num_outputs attribute";
    if (*num != parts)
      return n.emitError() << "num_outputs " << *num << " differs from the "
                           << parts << " outputs";
    int64_t chunk = (dim + parts - 1) / parts;
    for (int64_t i = 0; i < parts; ++i)
      sizes.push_back(std::clamp<int64_t>(dim - i * chunk, 0, chunk));
    return sizes;
  }
  if (parts == 0 || dim % parts)
    return n.emitError() << "the axis size " << dim
                         << " does not split evenly into " << parts
                         << " outputs";
  sizes.assign(parts, dim / parts);
  return sizes;
}

LogicalResult importSplit(NodeImporter &n) {
  SmallVector<StringRef> known = {"axis"};
  if (n.opset() < 13)
    known.push_back("split");
  if (n.opset() >= 18)
    known.push_back("num_outputs");
  if (failed(n.checkAttributes(known)))
    return failure();
  FailureOr<RankedTensorType> xt = n.inputType(0);
  auto axisAttr = n.intAttr("axis", 0);
  if (failed(xt) || failed(axisAttr))
    return failure();
  auto axis = normalizeAxis(n.errorFn(), *axisAttr, xt->getRank());
  if (failed(axis))
    return failure();
  auto sizes = splitSizes(n, xt->getDimSize(*axis));
  if (failed(sizes))
    return failure();
  DenseElementsAttr constant = n.constantInputOrNull(0);
  int64_t offset = 0;
  for (auto [i, size] : llvm::enumerate(*sizes)) {
    SmallVector<int64_t> starts(xt->getRank(), 0), steps(xt->getRank(), 1),
        shape(xt->getShape());
    starts[*axis] = offset;
    shape[*axis] = size;
    offset += size;
    FailureOr<RankedTensorType> type =
        inferSliceType(n.errorFn(), *xt, starts, steps, shape);
    if (failed(type))
      return failure();
    if (constant && shouldFold(*type, {constant})) {
      n.setConstantOutput(i, foldSlice(constant, starts, steps, *type),
                          n.onnxType(0));
      continue;
    }
    FailureOr<Value> x = n.input(0);
    if (failed(x))
      return failure();
    FailureOr<Value> part = *x;
    if (*type != *xt)
      part = n.create<SliceOp>(type, *x, starts, steps);
    if (failed(part))
      return failure();
    n.setOutput(i, *part);
  }
  return success();
}

/// Tile: x [d_0..] viewed as [1, d_0, 1, d_1, ..], broadcast to
/// [r_0, d_0, r_1, d_1, ..] and flattened pairwise to [r_0 * d_0, ..].
LogicalResult importTile(NodeImporter &n) {
  if (failed(n.checkAttributes({})))
    return failure();
  FailureOr<Value> x = n.input(0);
  if (failed(x))
    return failure();
  RankedTensorType xt = n.type(*x);
  FailureOr<SmallVector<int64_t>> repeats;
  if (n.hasInput(1) && !n.constantInputOrNull(1)) {
    // Computed repeats: declared / input per dim, unique where every input
    // dim is non-zero and divides the declared one.
    FailureOr<SmallVector<int64_t>> declared =
        n.declaredShapeForOperand(1, "Tile's repeats");
    if (failed(declared) ||
        failed(checkShapeOperandLength(n, 1, "Tile's repeats", xt.getRank())))
      return failure();
    if (int64_t(declared->size()) != xt.getRank())
      return n.refuseShapeOperand(1, "Tile's repeats")
             << ": the output is declared with rank " << declared->size()
             << ", not the input's " << xt.getRank();
    repeats.emplace();
    for (int64_t d = 0; d < xt.getRank(); ++d) {
      int64_t size = xt.getDimSize(d), out = (*declared)[d];
      if (size <= 0 || out % size != 0)
        return n.refuseShapeOperand(1, "Tile's repeats")
               << ": the declared size " << out << " of axis " << d
               << " is not a multiple of the input's " << size;
      repeats->push_back(out / size);
    }
    if (failed(guardOperandEquals(n, 1, "Tile's repeats", *repeats)))
      return failure();
  } else {
    repeats = intsInput(n, 1, "Tile's repeats");
  }
  if (failed(repeats))
    return failure();
  if (static_cast<int64_t>(repeats->size()) != xt.getRank())
    return n.emitError() << "repeats has " << repeats->size()
                         << " entries for an input of rank " << xt.getRank();
  if (llvm::any_of(*repeats, [](int64_t r) { return r < 0; }))
    return n.emitError() << "repeats must be non-negative";
  for (int64_t d = 0; d < xt.getRank(); ++d) {
    int64_t r = (*repeats)[d], size = xt.getDimSize(d);
    if (size != 0 && r > kMaxTensorElements / size)
      return n.emitError() << "repeats " << r << " of axis " << d
                           << " make more than " << kMaxTensorElements
                           << " elements, which dsc does not support";
  }
  if (llvm::all_of(*repeats, [](int64_t r) { return r == 1; })) {
    n.setOutput(0, *x);
    return success();
  }
  SmallVector<int64_t> interleaved, expanded, result;
  for (int64_t d = 0; d < xt.getRank(); ++d) {
    int64_t r = (*repeats)[d], size = xt.getDimSize(d);
    interleaved.append({1, size});
    expanded.append({r, size});
    result.push_back(r * size);
  }
  FailureOr<Value> v = reshape(n, *x, interleaved);
  if (failed(v))
    return failure();
  v = n.create<ExpandOp>(inferExpandType(n.errorFn(), n.type(*v), expanded),
                         *v);
  if (failed(v))
    return failure();
  return n.setResult(reshape(n, *v, result));
}

/// reshape -> transpose -> reshape, the standard spelling of
/// DepthToSpace/SpaceToDepth.
LogicalResult reshapeTransposeReshape(NodeImporter &n, Value x,
                                      ArrayRef<int64_t> split,
                                      ArrayRef<int64_t> perm,
                                      ArrayRef<int64_t> result) {
  FailureOr<Value> v = reshape(n, x, split);
  if (failed(v))
    return failure();
  v = n.create<TransposeOp>(inferTransposeType(n.errorFn(), n.type(*v), perm),
                            *v, perm);
  if (failed(v))
    return failure();
  return n.setResult(reshape(n, *v, result));
}

/// The [N, C, H, W] input and blocksize of DepthToSpace / SpaceToDepth.
FailureOr<std::pair<Value, int64_t>> blockInput(NodeImporter &n) {
  FailureOr<Value> x = n.input(0);
  auto block = n.intAttr("blocksize", 0);
  if (failed(x) || failed(block))
    return failure();
  if (!n.attr("blocksize"))
    return n.emitError() << "the required attribute 'blocksize' is missing";
  if (*block < 1)
    return n.emitError() << "blocksize must be positive";
  if (n.type(*x).getRank() != 4)
    return n.emitError() << "expects an [N, C, H, W] input, got " << n.type(*x);
  return std::make_pair(*x, *block);
}

LogicalResult importDepthToSpace(NodeImporter &n) {
  SmallVector<StringRef> known = {"blocksize"};
  if (n.opset() >= 11)
    known.push_back("mode");
  if (failed(n.checkAttributes(known)))
    return failure();
  auto in = blockInput(n);
  auto mode = n.stringAttr("mode", "DCR");
  if (failed(in) || failed(mode))
    return failure();
  auto [x, b] = *in;
  ArrayRef<int64_t> s = n.type(x).getShape();
  int64_t N = s[0], C = s[1], H = s[2], W = s[3];
  // b <= C / b first: a huge blocksize must not overflow b * b.
  if (b > C / b || C % (b * b))
    return n.emitError() << "channels " << C
                         << " are not a multiple of blocksize^2 (blocksize "
                         << b << ")";
  SmallVector<int64_t> result = {N, C / (b * b), H * b, W * b};
  if (*mode == "DCR")
    return reshapeTransposeReshape(n, x, {N, b, b, C / (b * b), H, W},
                                   {0, 3, 4, 1, 5, 2}, result);
  if (*mode == "CRD")
    return reshapeTransposeReshape(n, x, {N, C / (b * b), b, b, H, W},
                                   {0, 1, 4, 2, 5, 3}, result);
  return n.emitError() << "mode '" << *mode << "' is not one of DCR, CRD";
}

/// SpaceToDepth: DCR order (the only one before opset 28) or CRD.
LogicalResult importSpaceToDepth(NodeImporter &n) {
  SmallVector<StringRef> known = {"blocksize"};
  if (n.opset() >= 28)
    known.push_back("mode");
  if (failed(n.checkAttributes(known)))
    return failure();
  auto in = blockInput(n);
  auto mode = n.stringAttr("mode", "DCR");
  if (failed(in) || failed(mode))
    return failure();
  auto [x, b] = *in;
  ArrayRef<int64_t> s = n.type(x).getShape();
  int64_t N = s[0], C = s[1], H = s[2], W = s[3];
  if (H % b || W % b)
    return n.emitError() << "spatial size " << H << "x" << W
                         << " is not a multiple of blocksize " << b;
  SmallVector<int64_t> split = {N, C, H / b, b, W / b, b},
                       result = {N, C * b * b, H / b, W / b};
  if (*mode == "DCR")
    return reshapeTransposeReshape(n, x, split, {0, 3, 5, 1, 2, 4}, result);
  if (*mode == "CRD")
    return reshapeTransposeReshape(n, x, split, {0, 1, 3, 5, 2, 4}, result);
  return n.emitError() << "mode '" << *mode << "' is not one of DCR, CRD";
}

/// Trilu: where(mask, x, 0) with the mask of the kept triangle of the last
/// two dimensions (j - i >= k for upper, <= k for lower): a constant when k
/// is, else the comparison of the constant j - i with the run-time k (the
/// output shape never depends on k).
LogicalResult importTrilu(NodeImporter &n) {
  if (failed(n.checkAttributes({"upper"})))
    return failure();
  FailureOr<Value> x = n.input(0);
  auto upper = n.intAttr("upper", 1);
  if (failed(x) || failed(upper))
    return failure();
  RankedTensorType xt = n.type(*x);
  if (xt.getRank() < 2)
    return n.emitError() << "expects an input of rank >= 2, got " << xt;
  int64_t rows = xt.getDimSize(xt.getRank() - 2),
          cols = xt.getDimSize(xt.getRank() - 1);
  Builder b(n.context());
  Composer c(n);
  Value maskValue;
  if (!n.hasInput(1) || n.constantInputOrNull(1)) {
    int64_t k = 0;
    if (n.hasInput(1)) {
      auto kValues = intsInput(n, 1, "Trilu's k");
      if (failed(kValues))
        return failure();
      if (kValues->size() != 1)
        return n.emitError() << "Trilu's k must be a scalar";
      k = kValues->front();
    }
    SmallVector<bool> mask;
    for (int64_t i = 0; i < rows; ++i)
      for (int64_t j = 0; j < cols; ++j)
        mask.push_back(*upper ? j - i >= k : j - i <= k);
    auto maskType = RankedTensorType::get({rows, cols}, b.getI1Type());
    maskValue = arith::ConstantOp::create(
        n.builder(), n.loc(), DenseElementsAttr::get(maskType, ArrayRef(mask)));
  } else {
    FailureOr<Value> k = n.input(1);
    if (failed(k))
      return failure();
    RankedTensorType kt = n.type(*k);
    if (kt.getNumElements() != 1 || !kt.getElementType().isInteger(64))
      return n.emitError() << "Trilu's k must be an int64 scalar, got " << kt;
    SmallVector<int64_t> diagonal;
    for (int64_t i = 0; i < rows; ++i)
      for (int64_t j = 0; j < cols; ++j)
        diagonal.push_back(j - i);
    Value offsets = c.constant(
        RankedTensorType::get({rows, cols}, b.getI64Type()), diagonal);
    Value kScalar = c.reshape(*k, {});
    maskValue = *upper ? c.compare<GreaterEqualOp>(offsets, kScalar)
                       : c.compare<LessEqualOp>(offsets, kScalar);
    if (!maskValue)
      return failure();
  }
  Value y = c.where(maskValue, *x, c.scalar(xt.getElementType(), 0));
  if (!y)
    return failure();
  n.setOutput(0, y);
  return success();
}

/// `v`'s `size` elements along `axis` from `start` by `step`.
FailureOr<Value> sliceAlong(NodeImporter &n, Value v, int64_t axis,
                            int64_t start, int64_t step, int64_t size) {
  RankedTensorType vt = n.type(v);
  SmallVector<int64_t> starts(vt.getRank(), 0), steps(vt.getRank(), 1),
      shape(vt.getShape());
  starts[axis] = start;
  steps[axis] = step;
  shape[axis] = size;
  return n.create<SliceOp>(
      inferSliceType(n.errorFn(), vt, starts, steps, shape), v, starts, steps);
}

/// Pad's pads (begins then ends, one pair per padded axis), constant value
/// and axes: attributes before opset 11, constant inputs from 11 (axes
/// from 18).
struct PadParams {
  SmallVector<int64_t> pads, axes;
  double value = 0;
};

FailureOr<PadParams> padParams(NodeImporter &n, int64_t rank) {
  PadParams p;
  if (n.opset() < 11) {
    auto pads = n.intsAttr("pads");
    auto value = n.floatAttr("value", 0.0f);
    if (failed(pads) || failed(value))
      return failure();
    if (!*pads)
      return n.emitError() << "the required attribute 'pads' is missing";
    p.pads = **pads;
    p.value = *value;
  } else {
    auto pads = intsInput(n, 1, "Pad's pads");
    if (failed(pads))
      return failure();
    p.pads = *pads;
    if (n.hasInput(2)) {
      FailureOr<DenseElementsAttr> c = n.constantInput(2, "Pad's value");
      if (failed(c))
        return failure();
      if (c->getNumElements() != 1)
        return n.emitError() << "Pad's constant_value must be a scalar";
      p.value = isa<FloatType>(c->getElementType())
                    ? (*c->value_begin<APFloat>()).convertToDouble()
                    : double(intValues(*c).front());
    }
    if (n.opset() >= 18 && n.hasInput(3)) {
      auto axes = intsInput(n, 3, "Pad's axes");
      if (failed(axes))
        return failure();
      p.axes = *axes;
    }
  }
  if (p.axes.empty())
    for (int64_t d = 0; d < rank; ++d)
      p.axes.push_back(d);
  for (int64_t &a : p.axes) {
    auto axis = normalizeAxis(n.errorFn(), a, rank);
    if (failed(axis))
      return failure();
    a = *axis;
  }
  if (p.pads.size() != 2 * p.axes.size())
    return n.emitError() << "pads has " << p.pads.size() << " entries for "
                         << p.axes.size() << " axes; expected "
                         << 2 * p.axes.size();
  return p;
}

/// The block Pad puts before (`before`) or after the input along `axis`:
/// `count` elements of the constant, copies of the edge element, the
/// mirrored elements next to the edge (reflect) or those of the other end
/// (wrap).
FailureOr<Value> padBlock(NodeImporter &n, Value v, int64_t axis, int64_t count,
                          bool before, StringRef mode, double value) {
  RankedTensorType vt = n.type(v);
  int64_t dim = vt.getDimSize(axis);
  SmallVector<int64_t> shape(vt.getShape());
  shape[axis] = count;
  auto type = RankedTensorType::get(shape, vt.getElementType());
  if (mode == "constant") {
    Type elem = vt.getElementType();
    Builder b(n.context());
    TypedAttr scalar =
        isa<FloatType>(elem)
            ? TypedAttr(b.getFloatAttr(elem, value))
            : TypedAttr(b.getIntegerAttr(elem, static_cast<int64_t>(value)));
    return Value(arith::ConstantOp::create(
        n.builder(), n.loc(), DenseElementsAttr::get(type, scalar)));
  }
  if (mode == "edge") {
    if (dim == 0)
      return n.emitError() << "edge padding of an empty axis";
    FailureOr<Value> edge = sliceAlong(n, v, axis, before ? 0 : dim - 1, 1, 1);
    if (failed(edge) || count == 1)
      return edge;
    return n.create<ExpandOp>(
        inferExpandType(n.errorFn(), n.type(*edge), shape), *edge);
  }
  if (mode == "reflect") {
    if (count > dim - 1)
      return n.emitError() << "reflect padding of " << count
                           << " exceeds the axis size " << dim << " minus 1";
    return sliceAlong(n, v, axis, before ? count : dim - 2, -1, count);
  }
  if (count > dim)
    return n.emitError() << "wrap padding of " << count
                         << " exceeds the axis size " << dim;
  return sliceAlong(n, v, axis, before ? dim - count : 0, 1, count);
}

/// Pad, axis by axis as numpy does: negative pads slice, positive ones
/// concatenate blocks before and after.
/// Pad (opset >= 11) with pads or axes given at run time and a declared
/// output shape. Per input dim, the pads of the entry that names it (or 0)
/// are computed at run time; output index i of a padded dim reads input
/// index i - pad_begin, mapped into the input by the mode (clamped for
/// edge, reflected with period 2 (n - 1), wrapped modulo n) and replaced
/// by the value outside the input in constant mode. A guard fails the run
/// unless the pads give exactly the declared sizes.
LogicalResult importPadRuntime(NodeImporter &n, Value x, StringRef mode) {
  RankedTensorType xt = n.type(x);
  int64_t rank = xt.getRank();
  int which = !n.constantInputOrNull(1) ? 1 : 3;
  StringRef what = which == 1 ? "Pad's pads" : "Pad's axes";
  FailureOr<SmallVector<int64_t>> declared =
      n.declaredShapeForOperand(which, what);
  FailureOr<RankedTensorType> pt = n.inputType(1);
  if (failed(declared) || failed(pt))
    return failure();
  if (int64_t(declared->size()) != rank)
    return n.refuseShapeOperand(which, what)
           << ": the declared shape [" << ArrayRef<int64_t>(*declared)
           << "] is not of the input's rank " << rank;
  bool hasAxes = n.opset() >= 18 && n.hasInput(3);
  int64_t len = rank;
  if (hasAxes) {
    FailureOr<RankedTensorType> at = n.inputType(3);
    if (failed(at))
      return failure();
    if (at->getRank() != 1 || at->isDynamicDim(0) || at->getDimSize(0) > rank)
      return n.emitError() << "Pad's axes must be a 1-D tensor of at most "
                           << rank << " entries, got " << *at;
    len = at->getDimSize(0);
  }
  Composer c(n);
  Type i64 = IntegerType::get(n.context(), 64);
  auto pads = intVector(n, c, 1, "Pad's pads", 2 * len);
  if (failed(pads))
    return failure();
  Value axes, report = *pads;
  // Dims no entry can name keep their size and need no gather.
  SmallVector<bool> named(rank, !hasAxes || !n.constantInputOrNull(3));
  if (hasAxes) {
    auto a = intVector(n, c, 3, "Pad's axes", len);
    if (failed(a))
      return failure();
    axes = *a;
    report = c.concat({*pads, axes}, 0);
    if (DenseElementsAttr k = n.constantInputOrNull(3))
      for (int64_t v : intValues(k))
        if (v >= -rank && v < rank)
          named[v < 0 ? v + rank : v] = true;
  } else {
    axes = c.constant(RankedTensorType::get({len}, i64),
                      llvm::to_vector(llvm::seq<int64_t>(0, len)));
  }
  Value value;
  if (mode == "constant") {
    if (n.hasInput(2)) {
      FailureOr<Value> v = n.input(2);
      if (failed(v))
        return failure();
      if (c.type(*v).getNumElements() != 1 ||
          c.type(*v).getElementType() != xt.getElementType())
        return n.emitError() << "Pad's constant_value must be one value of "
                                "the input's element type";
      value = c.reshape(*v, {});
    } else {
      value = c.scalar(xt.getElementType(), 0.0);
    }
  }
  Value zero = c.scalar(i64, 0), one = c.scalar(i64, 1);
  Value a = c.reshape(axes, {len, 1});
  a = c.where(c.less(a, zero), c.add(a, c.scalar(i64, rank)), a);
  Value match =
      c.equal(a, c.constant(RankedTensorType::get({1, rank}, i64),
                            llvm::to_vector(llvm::seq<int64_t>(0, rank))));
  auto perDim = [&](Value column) {
    return c.reduce(c.where(match, column, zero), "sum", {0}, false);
  };
  Value begins = perDim(c.reshape(c.slice(*pads, {0}, {len}), {len, 1}));
  Value ends = perDim(c.reshape(c.slice(*pads, {len}, {len}), {len, 1}));
  Value count = c.reduce(c.cast(match, i64), "sum", {0}, false);
  SmallVector<int64_t> growth;
  for (int64_t d = 0; d < rank; ++d)
    growth.push_back((*declared)[d] - xt.getDimSize(d));
  Value ok = c.binary<AndOp>(
      c.equal(c.add(begins, ends),
              c.constant(RankedTensorType::get({rank}, i64), growth)),
      c.compare<LessEqualOp>(count, one));
  Value entriesOk =
      c.equal(c.reduce(c.cast(match, i64), "sum", {1}, false), one);
  if (failed(n.guard(c.binary<AndOp>(c.allTrue(ok), c.allTrue(entriesOk)),
                     report,
                     std::string("Pad's pads") +
                         (hasAxes ? " and axes (given in that order)" : "") +
                         " must give the declared output shape " +
                         formatShape(*declared))))
    return failure();

  Value v = x;
  for (int64_t d = 0; d < rank; ++d) {
    int64_t in = xt.getDimSize(d), out = (*declared)[d];
    if (!named[d])
      continue;
    // src = i - begin for the output indices i.
    Value src = c.sub(c.constant(RankedTensorType::get({out}, i64),
                                 llvm::to_vector(llvm::seq<int64_t>(0, out))),
                      c.slice(begins, {d}, {1}));
    Value inM1 = c.scalar(i64, in - 1);
    auto clamp = [&](Value i) {
      return c.where(c.less(i, zero), zero,
                     c.where(c.compare<GreaterOp>(i, inM1), inM1, i));
    };
    auto mod = [&](Value i, int64_t m) -> Value {
      if (!i)
        return {};
      Value divisor = c.scalar(i64, m);
      FailureOr<Value> r = n.create<ModOp>(
          inferModType(n.errorFn(), c.type(i), c.type(divisor), false), i,
          divisor, false, false);
      return succeeded(r) ? *r : Value();
    };
    Value idx;
    if (mode == "edge" || mode == "constant" || in == 1) {
      idx = clamp(src);
    } else if (mode == "wrap") {
      idx = mod(src, in);
    } else { // reflect
      Value m = mod(src, 2 * (in - 1));
      idx = c.where(c.less(m, c.scalar(i64, in)), m,
                    c.sub(c.scalar(i64, 2 * (in - 1)), m));
    }
    if (!v || !idx)
      return failure();
    v = c.gather(v, idx, d);
    if (!v)
      return failure();
    if (mode == "constant") {
      SmallVector<int64_t> shape(rank, 1);
      shape[d] = out;
      Value inside =
          c.binary<AndOp>(c.unary<NotOp>(c.less(src, zero)),
                          c.unary<NotOp>(c.compare<GreaterOp>(src, inM1)));
      v = c.where(c.reshape(inside, shape), v, value);
    }
  }
  if (!v)
    return failure();
  n.setOutput(0, v);
  return success();
}

LogicalResult importPad(NodeImporter &n) {
  SmallVector<StringRef> known = {"mode"};
  if (n.opset() < 11)
    known.append({"pads", "value"});
  if (failed(n.checkAttributes(known)))
    return failure();
  FailureOr<Value> x = n.input(0);
  auto mode = n.stringAttr("mode", "constant");
  if (failed(x) || failed(mode))
    return failure();
  if (*mode != "constant" && *mode != "reflect" && *mode != "edge" &&
      !(*mode == "wrap" && n.opset() >= 19))
    return n.emitError() << "mode '" << *mode << "' is not one of constant, "
                         << "reflect, edge"
                         << (n.opset() >= 19 ? ", wrap" : "");
  if (n.opset() >= 11 &&
      (!n.constantInputOrNull(1) ||
       (n.opset() >= 18 && n.hasInput(3) && !n.constantInputOrNull(3)))) {
    return importPadRuntime(n, *x, *mode);
  }
  int64_t rank = n.type(*x).getRank();
  auto p = padParams(n, rank);
  if (failed(p))
    return failure();
  // Bounded pads keep the sizes below from overflowing.
  SmallVector<int64_t> padded(n.type(*x).getShape());
  for (size_t i = 0, k = p->axes.size(); i < k; ++i) {
    int64_t lo = p->pads[i], hi = p->pads[k + i];
    if (lo < -kMaxTensorElements || lo > kMaxTensorElements ||
        hi < -kMaxTensorElements || hi > kMaxTensorElements)
      return n.emitError() << "pads " << lo << " and " << hi << " of axis "
                           << p->axes[i] << " are out of range";
    padded[p->axes[i]] += lo + hi;
  }
  if (llvm::all_of(padded, [](int64_t d) { return d >= 0; }) &&
      failed(n.checkResultShape(padded)))
    return failure();
  Value v = *x;
  size_t k = p->axes.size();
  for (size_t i = 0; i < k; ++i) {
    int64_t axis = p->axes[i], lo = p->pads[i], hi = p->pads[k + i];
    int64_t dim = n.type(v).getDimSize(axis);
    if (lo < 0 || hi < 0) {
      int64_t start = std::max<int64_t>(-lo, 0);
      int64_t size = dim - start - std::max<int64_t>(-hi, 0);
      if (size < 0)
        return n.emitError()
               << "negative pads remove more than axis " << axis << " holds";
      FailureOr<Value> cut = sliceAlong(n, v, axis, start, 1, size);
      if (failed(cut))
        return failure();
      v = *cut;
    }
    SmallVector<Value> parts;
    SmallVector<RankedTensorType> types;
    for (bool before : {true, false}) {
      int64_t count = before ? lo : hi;
      if (count > 0) {
        FailureOr<Value> block =
            padBlock(n, v, axis, count, before, *mode, p->value);
        if (failed(block))
          return failure();
        parts.push_back(*block);
      }
      if (before)
        parts.push_back(v);
    }
    if (parts.size() == 1)
      continue;
    for (Value part : parts)
      types.push_back(n.type(part));
    FailureOr<Value> joined = n.create<ConcatOp>(
        inferConcatType(n.errorFn(), types, axis), parts, axis);
    if (failed(joined))
      return failure();
    v = *joined;
  }
  n.setOutput(0, v);
  return success();
}

LogicalResult importGatherElements(NodeImporter &n) {
  if (failed(n.checkAttributes({"axis"})))
    return failure();
  FailureOr<Value> data = n.input(0), indices = n.input(1);
  auto axisAttr = n.intAttr("axis", 0);
  if (failed(data) || failed(indices) || failed(axisAttr))
    return failure();
  if (NodeImporter::isUnsignedInteger(n.onnxType(1)))
    return n.emitError() << "unsigned indices are not supported";
  RankedTensorType dt = n.type(*data);
  auto axis = normalizeAxis(n.errorFn(), *axisAttr, dt.getRank());
  if (failed(axis))
    return failure();
  return n.setResult(n.create<GatherElementsOp>(
      inferGatherElementsType(n.errorFn(), dt, n.type(*indices), *axis), *data,
      *indices, *axis));
}

/// The reduction of ScatterElements / ScatterND: none before opset 16, add
/// and mul from 16, max and min from 18.
FailureOr<std::string> scatterReduction(NodeImporter &n) {
  auto reduction = n.stringAttr("reduction", "none");
  if (failed(reduction))
    return failure();
  StringRef r = *reduction;
  if (r == "none" || r == "add" || r == "mul" ||
      ((r == "max" || r == "min") && n.opset() >= 18))
    return reduction;
  return n.emitError() << "reduction '" << r << "' is not one of none, add, mul"
                       << (n.opset() >= 18 ? ", max, min" : "");
}

/// The data, indices and updates of a scatter (signed indices only).
FailureOr<std::array<Value, 3>> scatterInputs(NodeImporter &n) {
  FailureOr<Value> data = n.input(0), indices = n.input(1),
                   updates = n.input(2);
  if (failed(data) || failed(indices) || failed(updates))
    return failure();
  if (NodeImporter::isUnsignedInteger(n.onnxType(1)))
    return n.emitError() << "unsigned indices are not supported";
  return std::array<Value, 3>{*data, *indices, *updates};
}

/// ScatterElements (and the deprecated Scatter, its opset 9 spelling).
LogicalResult importScatterElements(NodeImporter &n) {
  SmallVector<StringRef> known = {"axis"};
  if (n.opset() >= 16 && n.node().op_type() == "ScatterElements")
    known.push_back("reduction");
  if (failed(n.checkAttributes(known)))
    return failure();
  auto in = scatterInputs(n);
  auto reduction = scatterReduction(n);
  auto axisAttr = n.intAttr("axis", 0);
  if (failed(in) || failed(reduction) || failed(axisAttr))
    return failure();
  auto [data, indices, updates] = *in;
  RankedTensorType dt = n.type(data);
  auto axis = normalizeAxis(n.errorFn(), *axisAttr, dt.getRank());
  if (failed(axis))
    return failure();
  return n.setResult(n.create<ScatterElementsOp>(
      inferScatterElementsType(n.errorFn(), dt, n.type(indices),
                               n.type(updates), *reduction, *axis),
      data, indices, updates, *reduction, *axis));
}

LogicalResult importScatterND(NodeImporter &n) {
  SmallVector<StringRef> known;
  if (n.opset() >= 16)
    known.push_back("reduction");
  if (failed(n.checkAttributes(known)))
    return failure();
  auto in = scatterInputs(n);
  auto reduction = scatterReduction(n);
  if (failed(in) || failed(reduction))
    return failure();
  auto [data, indices, updates] = *in;
  return n.setResult(n.create<ScatterNDOp>(
      inferScatterNDType(n.errorFn(), n.type(data), n.type(indices),
                         n.type(updates), *reduction),
      data, indices, updates, *reduction));
}

/// A scalar constant of `elem` holding `value`.
Value scalarConstant(NodeImporter &n, Type elem, double value) {
  Builder b(n.context());
  TypedAttr attr =
      isa<FloatType>(elem)
          ? TypedAttr(b.getFloatAttr(elem, value))
          : TypedAttr(b.getIntegerAttr(elem, static_cast<int64_t>(value)));
  return arith::ConstantOp::create(
      n.builder(), n.loc(),
      DenseElementsAttr::get(RankedTensorType::get({}, elem), attr));
}

/// A single-element constant input as a number.
FailureOr<double> scalarInput(NodeImporter &n, int i, StringRef what) {
  FailureOr<DenseElementsAttr> c = n.constantInput(i, what);
  if (failed(c))
    return failure();
  if (c->getNumElements() != 1 || c->getElementType().isInteger(1))
    return n.emitError() << what << " must be a numeric scalar";
  if (isa<FloatType>(c->getElementType()))
    return (*c->value_begin<APFloat>()).convertToDouble();
  return double(intValues(*c).front());
}

/// OneHot: where(iota == index, on, off), the iota running along the new
/// axis; negative indices count from the end, out-of-range ones match
/// nothing.
LogicalResult importOneHot(NodeImporter &n) {
  if (failed(n.checkAttributes({"axis"})))
    return failure();
  FailureOr<Value> indices = n.input(0);
  FailureOr<double> depthValue;
  if (n.hasInput(1) && !n.constantInputOrNull(1)) {
    // A computed depth: the declared size along the output's axis.
    FailureOr<SmallVector<int64_t>> declared =
        n.declaredShapeForOperand(1, "OneHot's depth");
    auto axisAttr = n.intAttr("axis", -1);
    if (failed(indices) || failed(declared) || failed(axisAttr))
      return failure();
    int64_t rank = n.type(*indices).getRank() + 1;
    if (int64_t(declared->size()) != rank)
      return n.refuseShapeOperand(1, "OneHot's depth")
             << ": the output is declared with rank " << declared->size()
             << ", not " << rank;
    auto axis = normalizeAxis(n.errorFn(), *axisAttr, rank);
    if (failed(axis))
      return failure();
    depthValue = double((*declared)[*axis]);
    if (failed(
            guardOperandEquals(n, 1, "OneHot's depth", {(*declared)[*axis]})))
      return failure();
  } else {
    depthValue = scalarInput(n, 1, "OneHot's depth");
  }
  // values [off, on] is data: a constant, or read at run time.
  FailureOr<Value> values = n.input(2);
  auto axisAttr = n.intAttr("axis", -1);
  if (failed(indices) || failed(depthValue) || failed(values) ||
      failed(axisAttr))
    return failure();
  if (n.type(*values).getNumElements() != 2)
    return n.emitError() << "OneHot's values must hold [off, on]";
  // Compared as a double first: a NaN or huge depth has no int64 value.
  if (!(*depthValue >= 1))
    return n.emitError() << "OneHot's depth must be positive";
  if (*depthValue > double(kMaxFoldedElements))
    return n.emitError() << "OneHot's depth " << *depthValue
                         << " is larger than dsc supports (at most "
                         << kMaxFoldedElements << ")";
  int64_t depth = static_cast<int64_t>(*depthValue);
  RankedTensorType it = n.type(*indices);
  int64_t rank = it.getRank() + 1;
  auto axis = normalizeAxis(n.errorFn(), *axisAttr, rank);
  if (failed(axis))
    return failure();
  SmallVector<int64_t> resultShape(it.getShape());
  resultShape.insert(resultShape.begin() + *axis, depth);
  if (failed(n.checkResultShape(resultShape)))
    return failure();
  Builder b(n.context());
  Type i64 = b.getI64Type();
  Value idx = *indices;
  if (it.getElementType() != i64) {
    FailureOr<Value> cast = n.create<CastOp>(
        inferCastType(n.errorFn(), it, i64), idx, false, false);
    if (failed(cast))
      return failure();
    idx = *cast;
  }
  auto broadcast = [&](Value l, Value r) {
    return inferBroadcastType(n.errorFn(), n.type(l), n.type(r));
  };
  Value depthC = scalarConstant(n, i64, depth),
        zero = scalarConstant(n, i64, 0);
  FailureOr<Value> wrapped =
      n.create<AddOp>(broadcast(idx, depthC), idx, depthC);
  FailureOr<Value> negative = n.create<LessOp>(
      inferCompareType(n.errorFn(), n.type(idx), n.type(zero)), idx, zero);
  if (failed(wrapped) || failed(negative))
    return failure();
  FailureOr<Value> fixed =
      n.create<WhereOp>(inferWhereType(n.errorFn(), n.type(*negative),
                                       n.type(*wrapped), n.type(idx)),
                        *negative, *wrapped, idx);
  if (failed(fixed))
    return failure();
  SmallVector<int64_t> keptShape(it.getShape());
  keptShape.insert(keptShape.begin() + *axis, 1);
  FailureOr<Value> kept = reshape(n, *fixed, keptShape);
  SmallVector<int64_t> iotaShape(rank, 1), iota;
  iotaShape[*axis] = depth;
  for (int64_t i = 0; i < depth; ++i)
    iota.push_back(i);
  auto iotaType = RankedTensorType::get(iotaShape, i64);
  Value positions = arith::ConstantOp::create(
      n.builder(), n.loc(), DenseElementsAttr::get(iotaType, ArrayRef(iota)));
  if (failed(kept))
    return failure();
  FailureOr<Value> hit = n.create<EqualOp>(
      inferCompareType(n.errorFn(), iotaType, n.type(*kept)), positions, *kept);
  if (failed(hit))
    return failure();
  Type valueType = n.type(*values).getElementType();
  auto scalarType = RankedTensorType::get({}, valueType);
  // Element i of values as a scalar (a constant when values is one).
  Composer c(n);
  auto element = [&](int64_t i) {
    return c.reshape(c.slice(c.reshape(*values, {2}), {i}, {1}), {});
  };
  Value off = element(0), on = element(1);
  if (!off || !on)
    return failure();
  n.setOutputONNXType(0, n.onnxType(2));
  return n.setResult(n.create<WhereOp>(
      inferWhereType(n.errorFn(), n.type(*hit), scalarType, scalarType), *hit,
      on, off));
}

/// CumSum (CumProd) along `axis` as a masked sum (product): x viewed with
/// the axis as j next to a new axis i, where(mask[i, j], x, identity)
/// reduced over j. The mask keeps j <= i (j < i when exclusive; mirrored
/// when reverse); the reduction runs over j in order, so results match a
/// sequential scan exactly.
FailureOr<Value> buildScan(NodeImporter &n, Value x, int64_t axis,
                           bool exclusive, bool reverse, bool product) {
  RankedTensorType xt = n.type(x);
  int64_t size = xt.getDimSize(axis);
  SmallVector<int64_t> spread(xt.getShape());
  spread.insert(spread.begin() + axis, 1);
  FailureOr<Value> v = reshape(n, x, spread);
  if (failed(v))
    return failure();
  SmallVector<bool> mask;
  for (int64_t i = 0; i < size; ++i)
    for (int64_t j = 0; j < size; ++j) {
      int64_t ahead = reverse ? j - i : i - j;
      mask.push_back(exclusive ? ahead > 0 : ahead >= 0);
    }
  SmallVector<int64_t> maskShape = {size, size};
  maskShape.append(xt.getRank() - axis - 1, 1);
  auto maskType =
      RankedTensorType::get(maskShape, Builder(n.context()).getI1Type());
  Value maskValue = arith::ConstantOp::create(
      n.builder(), n.loc(), DenseElementsAttr::get(maskType, ArrayRef(mask)));
  Value identity = scalarConstant(n, xt.getElementType(), product ? 1 : 0);
  FailureOr<Value> masked = n.create<WhereOp>(
      inferWhereType(n.errorFn(), maskType, n.type(*v), n.type(identity)),
      maskValue, *v, identity);
  if (failed(masked))
    return failure();
  Builder b(n.context());
  StringRef kind = product ? "prod" : "sum";
  SmallVector<int64_t> axes = {axis + 1};
  return n.create<ReduceOp>(
      inferReduceType(n.errorFn(), n.type(*masked), kind, axes, false), *masked,
      b.getStringAttr(kind), b.getDenseI64ArrayAttr(axes),
      b.getBoolAttr(false));
}

/// CumSum and CumProd. A constant axis scans along it; a run-time axis
/// (a graph input) scans along every axis and selects the result whose
/// axis matches, since any valid value must name one of them (free for
/// rank 1).
template <bool product> LogicalResult importScan(NodeImporter &n) {
  if (failed(n.checkAttributes({"exclusive", "reverse"})))
    return failure();
  FailureOr<Value> x = n.input(0);
  auto exclusive = n.intAttr("exclusive", 0), reverse = n.intAttr("reverse", 0);
  if (failed(x) || failed(exclusive) || failed(reverse))
    return failure();
  StringRef op = n.node().op_type();
  if (NodeImporter::isUnsignedInteger(n.onnxType(0)))
    return n.emitError() << op << " of unsigned integers is not supported";
  RankedTensorType xt = n.type(*x);
  if (xt.getRank() == 0)
    return n.emitError() << op << " expects an input of rank >= 1";
  auto scan = [&](int64_t axis) {
    return buildScan(n, *x, axis, *exclusive != 0, *reverse != 0, product);
  };
  if (n.constantInputOrNull(1) || xt.getRank() == 1) {
    int64_t axisValue = 0;
    if (n.constantInputOrNull(1)) {
      FailureOr<double> value = scalarInput(n, 1, (op + "'s axis").str());
      if (failed(value))
        return failure();
      axisValue = static_cast<int64_t>(*value);
    }
    auto axis = normalizeAxis(n.errorFn(), axisValue, xt.getRank());
    if (failed(axis))
      return failure();
    return n.setResult(scan(*axis));
  }
  FailureOr<Value> axisInput = n.input(1);
  if (failed(axisInput))
    return failure();
  RankedTensorType at = n.type(*axisInput);
  if (at.getNumElements() != 1 || !isa<IntegerType>(at.getElementType()) ||
      at.getElementType().isInteger(1))
    return n.emitError() << op << "'s axis must be an integer scalar, got "
                         << at;
  Value axisValue = *axisInput;
  if (at.getRank() != 0) {
    FailureOr<Value> r = reshape(n, axisValue, {});
    if (failed(r))
      return failure();
    axisValue = *r;
  }
  Value result;
  for (int64_t d = xt.getRank() - 1; d >= 0; --d) {
    FailureOr<Value> along = scan(d);
    if (failed(along))
      return failure();
    if (!result) {
      result = *along; // the last axis, also for out-of-range values
      continue;
    }
    auto scalarType = RankedTensorType::get({}, at.getElementType());
    auto is = [&](int64_t value) {
      return n.create<EqualOp>(
          inferCompareType(n.errorFn(), scalarType, scalarType), axisValue,
          scalarConstant(n, at.getElementType(), double(value)));
    };
    FailureOr<Value> pos = is(d), neg = is(d - xt.getRank());
    if (failed(pos) || failed(neg))
      return failure();
    FailureOr<Value> hit = n.create<OrOp>(
        inferLogicalType(n.errorFn(), n.type(*pos), n.type(*neg)), *pos, *neg);
    if (failed(hit))
      return failure();
    FailureOr<Value> chosen =
        n.create<WhereOp>(inferWhereType(n.errorFn(), n.type(*hit), xt, xt),
                          *hit, *along, result);
    if (failed(chosen))
      return failure();
    result = *chosen;
  }
  return n.setResult(result);
}

} // namespace

void registerLayoutImporters(OpRegistry &r) {
  r.add("Split", {2, 11, 13, 18}, importSplit);
  r.add("Tile", {6, 13}, importTile);
  r.add("DepthToSpace", {1, 11, 13}, importDepthToSpace);
  r.add("SpaceToDepth", {1, 13, 28}, importSpaceToDepth);
  r.add("Trilu", {14}, importTrilu);
  r.add("Pad", {2, 11, 13, 18, 19, 21}, importPad);
  r.add("GatherElements", {11, 13}, importGatherElements);
  r.add("Scatter", {9}, importScatterElements);
  r.add("ScatterElements", {11, 13, 16, 18}, importScatterElements);
  r.add("ScatterND", {11, 13, 16, 18}, importScatterND);
  r.add("OneHot", {9, 11}, importOneHot);
  r.add("CumSum", {11, 14}, importScan<false>);
  r.add("CumProd", {26}, importScan<true>);
}

} // namespace dsc
