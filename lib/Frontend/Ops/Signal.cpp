//===- Signal.cpp - window functions and the DFT --------------------------===//
//
// HannWindow, HammingWindow and BlackmanWindow depend only on their size and
// attributes, so they become constants, as does MelWeightMatrix of constant
// inputs. The size may be a graph input where
// the graph declares the output's static shape (as ONNX's node tests do):
// the window then has the declared length, which a valid model's size
// equals.
//
// DFT and STFT of static lengths are matmuls with constant DFT matrices
// (cos/sin tables computed in double precision): the transformed axis is
// moved next to the real/imaginary dimension, both flattened into one
// contraction dimension.
//
//===----------------------------------------------------------------------===//
#include "../Compose.h"

#include "dsc/Dialect/Utils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

#include <cmath>

using namespace mlir;

namespace dsc {
namespace {

/// The window's length: the constant size, else the declared output length.
FailureOr<int64_t> windowLength(NodeImporter &n) {
  if (n.constantInputOrNull(0)) {
    FailureOr<SmallVector<int64_t>> size =
        intsInput(n, 0, n.node().op_type() + "'s size");
    if (failed(size))
      return failure();
    if (size->size() != 1)
      return n.emitError() << "size must hold one integer";
    return size->front();
  }
  std::optional<SmallVector<int64_t>> declared = n.declaredOutputShape(0);
  if (!declared || declared->size() != 1)
    return n.emitError() << n.node().op_type() << "'s size ('"
                         << n.inputName(0)
                         << "') must be a constant (an initializer or a "
                            "Constant node), or the graph must declare the "
                            "static shape of the output; computed values are "
                            "not supported yet";
  if (failed(guardOperandEquals(n, 0, n.node().op_type() + "'s size",
                                {declared->front()})))
    return failure();
  return declared->front();
}

/// The ONNX reference's formulas, in double precision: `a0 - a1 cos(2 pi i
/// / N) + a2 cos(4 pi i / N)` with N the size (periodic) or size - 1.
template <int Kind> LogicalResult importWindow(NodeImporter &n) {
  if (failed(n.checkAttributes({"output_datatype", "periodic"})))
    return failure();
  auto dtype = n.intAttr("output_datatype", onnx::TensorProto::FLOAT);
  auto periodic = n.intAttr("periodic", 1);
  FailureOr<int64_t> length = windowLength(n);
  if (failed(dtype) || failed(periodic) || failed(length))
    return failure();
  Type elem = n.elementType(*dtype);
  if (!elem || elem.isInteger(1))
    return n.emitError() << "output_datatype "
                         << NodeImporter::dtypeName(*dtype)
                         << " is not supported";
  if (*length < 1)
    return n.emitError() << "a window of size " << *length
                         << " is empty; empty tensors are not supported yet";
  if (failed(n.checkResultShape({*length})))
    return failure();
  double size = static_cast<double>(*periodic ? *length : *length - 1);
  // Hann, Hamming, Blackman coefficients.
  static const double coeffs[3][3] = {
      {0.5, 0.5, 0}, {25.0 / 46.0, 21.0 / 46.0, 0}, {0.42, 0.5, 0.08}};
  const double *a = coeffs[Kind];
  SmallVector<double> values;
  for (int64_t i = 0; i < *length; ++i) {
    double t = 2 * M_PI * static_cast<double>(i) / size;
    values.push_back(a[0] - a[1] * std::cos(t) + a[2] * std::cos(2 * t));
  }
  auto type = RankedTensorType::get({*length}, elem);
  DenseElementsAttr result;
  if (isa<FloatType>(elem)) {
    result = denseFloatAttr(type, values);
  } else {
    // Integer windows truncate as numpy's astype does.
    SmallVector<APInt> ints;
    for (double v : values)
      ints.push_back(APInt(elem.getIntOrFloatBitWidth(),
                           static_cast<int64_t>(v), /*isSigned=*/true));
    result = DenseElementsAttr::get(type, ints);
  }
  n.setConstantOutput(0, result, *dtype);
  return success();
}

/// MelWeightMatrix (opset 17) of constant inputs: the triangular filters of
/// ONNX's reference, [dft_length / 2 + 1, num_mel_bins], in double
/// precision.
LogicalResult importMelWeightMatrix(NodeImporter &n) {
  if (failed(n.checkAttributes({"output_datatype"})))
    return failure();
  auto dtype = n.intAttr("output_datatype", onnx::TensorProto::FLOAT);
  if (failed(dtype))
    return failure();
  static const char *names[] = {"num_mel_bins", "dft_length", "sample_rate",
                                "lower_edge_hertz", "upper_edge_hertz"};
  double args[5];
  for (int i = 0; i < 5; ++i) {
    FailureOr<DenseElementsAttr> c =
        n.constantInput(i, (Twine("MelWeightMatrix's ") + names[i]).str());
    if (failed(c))
      return failure();
    if (c->getNumElements() != 1)
      return n.emitError() << names[i] << " must be a scalar";
    args[i] = isa<FloatType>(c->getElementType())
                  ? (*c->value_begin<APFloat>()).convertToDouble()
                  : double((*c->value_begin<APInt>()).getSExtValue());
  }
  int64_t bins = static_cast<int64_t>(args[0]),
          dftLength = static_cast<int64_t>(args[1]);
  double rate = args[2];
  Type elem = n.elementType(*dtype);
  if (!elem || !isa<FloatType>(elem))
    return n.emitError() << "output_datatype "
                         << NodeImporter::dtypeName(*dtype)
                         << " is not supported (a float type is)";
  if (bins < 1 || dftLength < 1 || !(rate > 0))
    return n.emitError() << "num_mel_bins, dft_length and sample_rate must be "
                            "positive";
  int64_t spectrum = dftLength / 2 + 1;
  if (failed(n.checkResultShape({spectrum, bins})))
    return failure();
  auto mel = [](double hz) {
    return 2595 * std::log1p(hz / 700) / std::log(10);
  };
  double low = mel(args[3]), high = mel(args[4]);
  double step = (high - low) / static_cast<double>(bins + 2);
  SmallVector<int64_t> edges;
  for (int64_t i = 0; i < bins + 2; ++i) {
    double hz = 700 * std::expm1((i * step + low) / 2595 * std::log(10));
    edges.push_back(
        static_cast<int64_t>(std::floor((dftLength + 1) * hz / rate)));
  }
  SmallVector<double> values(spectrum * bins, 0.0);
  auto at = [&](int64_t j, int64_t i) -> double * {
    return j >= 0 && j < spectrum ? &values[j * bins + i] : nullptr;
  };
  for (int64_t i = 0; i < bins; ++i) {
    int64_t lo = edges[i], center = edges[i + 1], hi = edges[i + 2];
    if (center == lo) {
      if (double *v = at(center, i))
        *v = 1;
    } else {
      for (int64_t j = lo; j <= center; ++j)
        if (double *v = at(j, i))
          *v = double(j - lo) / double(center - lo);
    }
    for (int64_t j = center; j < hi; ++j)
      if (double *v = at(j, i))
        *v = double(hi - j) / double(hi - center);
  }
  n.setConstantOutput(
      0, denseFloatAttr(RankedTensorType::get({spectrum, bins}, elem), values),
      *dtype);
  return success();
}

/// The real matrix [len * comps, outLen * outComps] of a DFT of length n:
/// row (i, c) holds input element i's real (c = 0) or imaginary part, column
/// (k, d) output element k's real or imaginary part. Inputs past n are
/// dropped (rows of zeros); the inverse is scaled by 1 / n; `halfInput`
/// (inverse and onesided) takes the first n / 2 + 1 of a Hermitian spectrum
/// and gives a real signal.
SmallVector<double> dftMatrix(int64_t len, int64_t comps, int64_t n,
                              int64_t outLen, int64_t outComps, bool inverse,
                              bool halfInput) {
  SmallVector<double> m(len * comps * outLen * outComps, 0.0);
  double sign = inverse ? 1.0 : -1.0, scale = inverse ? 1.0 / n : 1.0;
  int64_t used = std::min(len, halfInput ? n / 2 + 1 : n);
  for (int64_t i = 0; i < used; ++i) {
    // Each bin of a one-sided spectrum stands for itself and its mirror.
    double w = 1.0;
    if (halfInput && i != 0 && !(n % 2 == 0 && i == n / 2))
      w = 2.0;
    for (int64_t k = 0; k < outLen; ++k) {
      // Reduced modulo n so that large products keep their precision.
      double theta = 2 * M_PI * static_cast<double>((i * k) % n) / n;
      double cs = std::cos(theta) * w * scale,
             sn = sign * std::sin(theta) * w * scale;
      auto at = [&](int64_t c, int64_t d) -> double & {
        return m[(i * comps + c) * outLen * outComps + k * outComps + d];
      };
      // (xr + i xi)(cs + i sn) = xr cs - xi sn + i (xr sn + xi cs)
      at(0, 0) = cs;
      if (outComps == 2)
        at(0, 1) = sn;
      if (comps == 2) {
        at(1, 0) = -sn;
        if (outComps == 2)
          at(1, 1) = cs;
      }
    }
  }
  return m;
}

/// `x` [..., len, comps] contracted along its second-to-last dimension with
/// a DFT matrix into [..., outLen, outComps].
Value applyDFT(NodeImporter &n, Composer &c, Value x, int64_t dftLength,
               int64_t outLen, int64_t outComps, bool inverse, bool halfInput) {
  if (!x)
    return {};
  RankedTensorType xt = Composer::type(x);
  int64_t rank = xt.getRank();
  int64_t len = xt.getDimSize(rank - 2), comps = xt.getDimSize(rank - 1);
  if (failed(n.checkResultShape({len * comps, outLen * outComps})))
    return {};
  SmallVector<double> m =
      dftMatrix(len, comps, dftLength, outLen, outComps, inverse, halfInput);
  Value matrix = arith::ConstantOp::create(
      n.builder(), n.loc(),
      denseFloatAttr(RankedTensorType::get({len * comps, outLen * outComps},
                                           xt.getElementType()),
                     m));
  SmallVector<int64_t> flat(xt.getShape().drop_back(2));
  flat.push_back(len * comps);
  SmallVector<int64_t> out(xt.getShape().drop_back(2));
  out.append({outLen, outComps});
  return c.reshape(c.matmul(c.reshape(x, flat), matrix), out);
}

/// The output shape of a DFT of `xt` along `axis`.
SmallVector<int64_t> dftShape(RankedTensorType xt, int64_t axis, int64_t n,
                              bool inverse, bool onesided) {
  SmallVector<int64_t> out(xt.getShape());
  out[axis] = onesided && !inverse ? n / 2 + 1 : n;
  out.back() = onesided && inverse ? 1 : 2;
  return out;
}

/// DFT (opsets 17, 20): axis an attribute (17) or a constant input (20; a
/// graph input where the declared output shape singles out one axis).
LogicalResult importDFT(NodeImporter &n) {
  bool v17 = n.opset() < 20;
  SmallVector<StringRef> known = {"inverse", "onesided"};
  if (v17)
    known.push_back("axis");
  if (failed(n.checkAttributes(known)))
    return failure();
  auto inverseAttr = n.intAttr("inverse", 0);
  auto onesidedAttr = n.intAttr("onesided", 0);
  auto axisAttr = n.intAttr("axis", 1);
  FailureOr<Value> x = n.input(0);
  if (failed(inverseAttr) || failed(onesidedAttr) || failed(axisAttr) ||
      failed(x))
    return failure();
  bool inverse = *inverseAttr, onesided = *onesidedAttr;
  RankedTensorType xt = n.type(*x);
  int64_t rank = xt.getRank();
  if (!isa<FloatType>(xt.getElementType()) || rank < 2 ||
      (xt.getDimSize(rank - 1) != 1 && xt.getDimSize(rank - 1) != 2))
    return n.emitError() << "expects a floating-point signal [..., 1 or 2], "
                            "got "
                         << xt;
  if (onesided && !inverse && xt.getDimSize(rank - 1) == 2)
    return n.emitError() << "a one-sided DFT of a complex signal is not "
                            "supported";
  std::optional<int64_t> length;
  if (n.hasInput(1)) {
    FailureOr<SmallVector<int64_t>> l = intsInput(n, 1, "DFT's dft_length");
    if (failed(l))
      return failure();
    if (l->size() != 1 || l->front() < 1)
      return n.emitError() << "dft_length must be one positive integer";
    length = l->front();
  }
  auto lengthFor = [&](int64_t axis) {
    if (length)
      return *length;
    return inverse && onesided ? 2 * (xt.getDimSize(axis) - 1)
                               : xt.getDimSize(axis);
  };
  int64_t axis = *axisAttr;
  SmallVector<int64_t> candidates; // axes a run-time axis may name
  if (!v17) {
    axis = -2;
    if (n.hasInput(2) && n.constantInputOrNull(2)) {
      FailureOr<SmallVector<int64_t>> a = intsInput(n, 2, "DFT's axis");
      if (failed(a))
        return failure();
      if (a->size() != 1)
        return n.emitError() << "axis must hold one integer";
      axis = a->front();
    } else if (n.hasInput(2)) {
      // The axes whose transform has the declared shape.
      std::optional<SmallVector<int64_t>> declared = n.declaredOutputShape(0);
      SmallVector<int64_t> fits;
      for (int64_t a = 0; declared && a < rank - 1; ++a)
        if (lengthFor(a) >= 1 &&
            dftShape(xt, a, lengthFor(a), inverse, onesided) == *declared)
          fits.push_back(a);
      if (fits.empty())
        return n.emitError() << "DFT's axis ('" << n.inputName(2)
                             << "') must be a constant (an initializer or a "
                                "Constant node), or the declared output shape "
                                "must fit the transform along some axis";
      candidates = fits;
      axis = fits.front();
    }
  }
  if (axis < -rank || axis >= rank - 1 || axis == -1)
    return n.emitError() << "axis " << axis << " must name a signal "
                         << "dimension of " << xt << " (not the last)";
  if (axis < 0)
    axis += rank;
  Composer c(n);
  // The transform along a (non-negative) axis.
  auto transform = [&](int64_t ax) -> FailureOr<Value> {
    int64_t dftLength = lengthFor(ax);
    if (dftLength < 1)
      return n.emitError() << "the DFT length would be " << dftLength;
    SmallVector<int64_t> outShape =
        dftShape(xt, ax, dftLength, inverse, onesided);
    if (failed(n.checkResultShape(outShape)))
      return failure();
    // Move the axis next to the last dimension, transform, move it back.
    SmallVector<int64_t> perm;
    for (int64_t d = 0; d < rank - 1; ++d)
      if (d != ax)
        perm.push_back(d);
    perm.append({ax, rank - 1});
    SmallVector<int64_t> inversePerm(rank);
    for (int64_t d = 0; d < rank; ++d)
      inversePerm[perm[d]] = d;
    Value y = c.transpose(applyDFT(n, c, c.transpose(*x, perm), dftLength,
                                   outShape[ax], outShape.back(), inverse,
                                   inverse && onesided),
                          inversePerm);
    if (!y)
      return failure();
    return y;
  };
  if (candidates.empty()) {
    FailureOr<Value> y = transform(axis);
    if (failed(y))
      return failure();
    n.setOutput(0, *y);
    return success();
  }
  // A run-time axis: the transform along every axis that gives the declared
  // shape, the one the axis names selected (from either end; the last dim
  // is the complex pair), under a guard that it names one.
  FailureOr<Value> a = n.input(2);
  if (failed(a))
    return failure();
  Type i64 = n.builder().getI64Type();
  Value av = c.cast(c.reshape(*a, {}), i64);
  SmallVector<Value> matches, results;
  Value any;
  std::string names;
  for (int64_t cand : candidates) {
    Value m = c.binary<OrOp>(c.equal(av, c.scalar(i64, cand)),
                             c.equal(av, c.scalar(i64, cand - rank)));
    any = any ? c.binary<OrOp>(any, m) : m;
    matches.push_back(m);
    names += (names.empty() ? "" : " or ") + std::to_string(cand) + " (" +
             std::to_string(cand - rank) + ")";
    FailureOr<Value> y = transform(cand);
    if (failed(y))
      return failure();
    results.push_back(*y);
  }
  if (failed(n.guard(any, av,
                     "DFT's axis ('" + n.inputName(2) + "') must be " +
                         names + " to give the declared output shape")))
    return failure();
  Value y = results.back();
  for (int64_t k = static_cast<int64_t>(results.size()) - 2; k >= 0; --k)
    y = c.where(matches[k], results[k], y);
  if (!y)
    return failure();
  n.setOutput(0, y);
  return success();
}

/// STFT (opset 17): frames of the signal (a gather with constant indices),
/// weighted by the window, each transformed. frame_step (and frame_length
/// without a window) may be graph inputs where the declared output shape
/// determines them.
LogicalResult importSTFT(NodeImporter &n) {
  if (failed(n.checkAttributes({"onesided"})))
    return failure();
  auto onesidedAttr = n.intAttr("onesided", 1);
  FailureOr<Value> signal = n.input(0), window = n.optionalInput(2);
  if (failed(onesidedAttr) || failed(signal) || failed(window))
    return failure();
  bool onesided = *onesidedAttr;
  RankedTensorType st = n.type(*signal);
  if (!isa<FloatType>(st.getElementType()) || st.getRank() != 3 ||
      (st.getDimSize(2) != 1 && st.getDimSize(2) != 2))
    return n.emitError() << "expects a floating-point signal [batch, length, "
                            "1 or 2], got "
                         << st;
  if (onesided && st.getDimSize(2) == 2)
    return n.emitError() << "a one-sided STFT of a complex signal is not "
                            "supported";
  int64_t batch = st.getDimSize(0), len = st.getDimSize(1);
  auto scalarInput = [&](int i, StringRef what) -> std::optional<int64_t> {
    if (!n.hasInput(i) || !n.constantInputOrNull(i))
      return std::nullopt;
    FailureOr<SmallVector<int64_t>> v = intsInput(n, i, what);
    if (failed(v) || v->size() != 1)
      return std::nullopt;
    return v->front();
  };
  std::optional<int64_t> step = scalarInput(1, "STFT's frame_step");
  std::optional<int64_t> frameLength;
  if (*window) {
    RankedTensorType wt = n.type(*window);
    if (wt.getRank() != 1)
      return n.emitError() << "expects a 1-D window, got " << wt;
    frameLength = wt.getDimSize(0);
  } else {
    frameLength = scalarInput(3, "STFT's frame_length");
  }
  auto outputShape = [&](int64_t fl, int64_t s) -> SmallVector<int64_t> {
    return {batch, (len - fl) / s + 1, onesided ? fl / 2 + 1 : fl, 2};
  };
  if (!step || !frameLength) {
    // The (frame length, step) pairs that give the declared shape.
    std::optional<SmallVector<int64_t>> declared = n.declaredOutputShape(0);
    SmallVector<std::pair<int64_t, int64_t>> fits;
    for (int64_t fl = 1; declared && fl <= len; ++fl) {
      if (frameLength && fl != *frameLength)
        continue;
      for (int64_t s = 1; s <= len; ++s)
        if ((!step || s == *step) && outputShape(fl, s) == *declared)
          fits.push_back({fl, s});
    }
    if (fits.size() != 1)
      return n.emitError() << "STFT's frame_step and frame_length must be "
                              "constants (initializers or Constant nodes), "
                              "or the declared output shape must determine "
                              "them; computed values are not supported yet";
    frameLength = fits.front().first;
    step = fits.front().second;
  }
  if (*step < 1 || *frameLength < 1 || *frameLength > len)
    return n.emitError() << "frame_step " << *step << " and frame length "
                         << *frameLength << " do not fit a signal of " << len;
  SmallVector<int64_t> outShape = outputShape(*frameLength, *step);
  if (failed(n.checkResultShape(outShape)))
    return failure();
  int64_t frames = outShape[1], fl = *frameLength;
  // Frames: signal[:, idx, :] with idx [frames, fl].
  SmallVector<int64_t> idx;
  for (int64_t f = 0; f < frames; ++f)
    for (int64_t i = 0; i < fl; ++i)
      idx.push_back(f * *step + i);
  Composer c(n);
  Value indices = c.constant(
      RankedTensorType::get({frames, fl}, n.builder().getI64Type()), idx);
  FailureOr<RankedTensorType> gt =
      inferGatherType(n.errorFn(), st, c.type(indices), 1);
  if (failed(gt))
    return failure();
  FailureOr<Value> framed =
      n.create<GatherOp>(gt, *signal, indices, int64_t(1));
  if (failed(framed))
    return failure();
  Value x = *framed; // [batch, frames, fl, comps]
  if (*window)
    x = c.mul(x,
              c.reshape(c.cast(*window, st.getElementType()), {1, 1, fl, 1}));
  Value y = applyDFT(n, c, x, fl, outShape[2], 2, false, false);
  if (!y)
    return failure();
  n.setOutput(0, y);
  return success();
}

} // namespace

void registerSignalImporters(OpRegistry &r) {
  r.add("HannWindow", {17}, importWindow<0>);
  r.add("HammingWindow", {17}, importWindow<1>);
  r.add("BlackmanWindow", {17}, importWindow<2>);
  r.add("DFT", {17, 20}, importDFT);
  r.add("STFT", {17}, importSTFT);
  r.add("MelWeightMatrix", {17}, importMelWeightMatrix);
}

} // namespace dsc
