//===- Tensor.cpp - importers for shape and data-movement ONNX ops --------===//
#include "../Compose.h"
#include "../ConstantFolding.h"
#include "../Compose.h"
#include "../NodeImporter.h"

#include "dsc/Dialect/Utils.h"

#include <cmath>
#include <limits>

using namespace mlir;

namespace dsc {
namespace {

LogicalResult importFlatten(NodeImporter &n) {
  if (failed(n.checkAttributes({"axis"})))
    return failure();
  FailureOr<Value> x = n.input(0);
  auto axisAttr = n.intAttr("axis", 1);
  if (failed(x) || failed(axisAttr))
    return failure();
  RankedTensorType xt = n.type(*x);
  auto axis = normalizeAxis(n.errorFn(), *axisAttr, xt.getRank(),
                            /*inclusive=*/true);
  if (failed(axis))
    return failure();
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < xt.getRank(); ++d)
    (d < *axis ? outer : inner) *= xt.getDimSize(d);
  auto type = RankedTensorType::get({outer, inner}, xt.getElementType());
  n.setOutput(0, ReshapeOp::create(n.builder(), n.loc(), type, *x).getResult());
  return success();
}

/// Guards a run-time Reshape shape (operand 1) taken from the declared
/// output shape: each entry must be the declared size, -1 (at most one; the
/// other entries then fix it), or 0 where that copies an equal input
/// dimension (allowzero = 0).
LogicalResult guardReshapeShape(NodeImporter &n, RankedTensorType xt,
                                ArrayRef<int64_t> declared, bool allowZero) {
  Composer c(n);
  Value s = *n.input(1);
  Type i64 = IntegerType::get(n.context(), 64);
  Type i1 = IntegerType::get(n.context(), 1);
  int64_t len = static_cast<int64_t>(declared.size());
  SmallVector<int64_t> zeroCopies;
  for (int64_t i = 0; i < len; ++i)
    zeroCopies.push_back(!allowZero && i < xt.getRank() &&
                         xt.getDimSize(i) == declared[i]);
  Value minusOne = c.equal(s, c.scalar(i64, -1));
  Value ok = c.binary<OrOp>(
      c.equal(s, c.constant(RankedTensorType::get({len}, i64), declared)),
      minusOne);
  ok = c.binary<OrOp>(
      ok, c.binary<AndOp>(
              c.equal(s, c.scalar(i64, 0)),
              c.constant(RankedTensorType::get({len}, i1), zeroCopies)));
  Value numMinusOne = c.reduce(c.cast(minusOne, i64), "sum", {0}, false);
  ok = c.binary<AndOp>(ok,
                       c.compare<LessEqualOp>(numMinusOne, c.scalar(i64, 1)));
  return n.guard(ok, s,
                 "Reshape's shape ('" + n.inputName(1) +
                     "') must give the declared output shape " +
                     formatShape(declared));
}

LogicalResult importReshape(NodeImporter &n) {
  SmallVector<StringRef> known;
  if (n.opset() >= 14)
    known.push_back("allowzero");
  if (failed(n.checkAttributes(known)))
    return failure();
  FailureOr<Value> x = n.input(0);
  auto allowZero = n.intAttr("allowzero", 0);
  if (failed(x) || failed(allowZero))
    return failure();
  if (!n.constantInputOrNull(1)) {
    // A computed shape: the declared output shape is the only result with
    // the input's element count, whatever the shape's 0 and -1 entries.
    FailureOr<SmallVector<int64_t>> declared =
        n.declaredShapeForOperand(1, "Reshape's shape");
    if (failed(declared) || failed(checkShapeOperandLength(
                                n, 1, "Reshape's shape", declared->size())))
      return failure();
    RankedTensorType xt = n.type(*x);
    auto type = RankedTensorType::get(*declared, xt.getElementType());
    if (type.getNumElements() != xt.getNumElements())
      return n.refuseShapeOperand(1, "Reshape's shape")
             << ": the declared shape " << type << " does not hold the "
             << xt.getNumElements() << " elements of the input";
    if (failed(guardReshapeShape(n, xt, *declared, *allowZero != 0)))
      return failure();
    if (DenseElementsAttr c = n.constantInputOrNull(0)) {
      n.setConstantOutput(0, c.reshape(type), n.onnxType(0));
      return success();
    }
    return n.setResult(n.create<ReshapeOp>(type, *x));
  }
  FailureOr<DenseElementsAttr> shape = n.constantInput(1, "Reshape's shape");
  if (failed(shape))
    return failure();
  if (!shape->getElementType().isInteger(64) || shape->getType().getRank() != 1)
    return n.emitError() << "Reshape's shape must be a 1-D int64 tensor";
  SmallVector<int64_t> dims(shape->getValues<int64_t>());
  return n.setResult(n.create<ReshapeOp>(
      inferReshapeType(n.errorFn(), n.type(*x), dims, *allowZero != 0), *x));
}

LogicalResult importTranspose(NodeImporter &n) {
  if (failed(n.checkAttributes({"perm"})))
    return failure();
  FailureOr<Value> x = n.input(0);
  auto permAttr = n.intsAttr("perm");
  if (failed(x) || failed(permAttr))
    return failure();
  int64_t rank = n.type(*x).getRank();
  SmallVector<int64_t> perm;
  if (*permAttr)
    perm = **permAttr;
  else
    for (int64_t i = rank - 1; i >= 0; --i)
      perm.push_back(i);
  return n.setResult(n.create<TransposeOp>(
      inferTransposeType(n.errorFn(), n.type(*x), perm), *x, perm));
}

/// Concat of constants only (shape subgraphs): the folded result, or null
/// when some input is computed.
FailureOr<bool> foldConcat(NodeImporter &n) {
  SmallVector<DenseElementsAttr> values;
  SmallVector<RankedTensorType> types;
  for (int i = 0; i < n.numInputs(); ++i) {
    DenseElementsAttr c = n.constantInputOrNull(i);
    if (!c)
      return false;
    values.push_back(c);
    types.push_back(cast<RankedTensorType>(c.getType()));
  }
  if (values.empty())
    return false;
  auto axisAttr = n.intAttr("axis", 0);
  if (failed(axisAttr))
    return failure();
  auto axis = normalizeAxis(n.errorFn(), *axisAttr, types.front().getRank());
  if (failed(axis))
    return failure();
  auto type = inferConcatType(n.errorFn(), types, *axis);
  if (failed(type))
    return failure();
  if (!shouldFold(*type, values))
    return false;
  n.setConstantOutput(0, dsc::foldConcat(values, *axis, *type), n.onnxType(0));
  return true;
}

LogicalResult importConcat(NodeImporter &n) {
  if (failed(n.checkAttributes({"axis"})))
    return failure();
  if (!n.attr("axis"))
    return n.emitError() << "the required attribute 'axis' is missing";
  FailureOr<bool> folded = foldConcat(n);
  if (failed(folded) || *folded)
    return folded;
  SmallVector<Value> inputs;
  SmallVector<RankedTensorType> types;
  for (int i = 0; i < n.numInputs(); ++i) {
    FailureOr<Value> v = n.input(i);
    if (failed(v))
      return failure();
    inputs.push_back(*v);
    types.push_back(n.type(*v));
  }
  if (inputs.empty())
    return n.emitError() << "Concat needs at least one input";
  auto axis = normalizeAxis(n.errorFn(), *n.intAttr("axis", 0),
                            types.front().getRank());
  if (failed(axis))
    return failure();
  FailureOr<Value> r = n.create<ConcatOp>(
      inferConcatType(n.errorFn(), types, *axis), inputs, *axis);
  if (failed(r))
    return failure();
  n.setOutput(0, *r);
  return success();
}

LogicalResult importConstant(NodeImporter &n) {
  if (n.node().attribute_size() != 1)
    return n.emitError() << "Constant needs exactly one value attribute";
  const onnx::AttributeProto &a = n.node().attribute(0);
  Builder b(n.context());
  DenseElementsAttr value;
  int32_t onnxType = onnx::TensorProto::FLOAT;
  StringRef name = a.name();
  if (name == "value") {
    FailureOr<DenseElementsAttr> t = n.readTensor(a.t());
    if (failed(t))
      return failure();
    value = *t;
    onnxType = a.t().data_type();
  } else if (name == "value_float") {
    value = DenseElementsAttr::get(RankedTensorType::get({}, b.getF32Type()),
                                   a.f());
  } else if (name == "value_floats") {
    SmallVector<float> v(a.floats().begin(), a.floats().end());
    value = DenseElementsAttr::get(
        RankedTensorType::get({static_cast<int64_t>(v.size())}, b.getF32Type()),
        ArrayRef<float>(v));
  } else if (name == "value_int") {
    onnxType = onnx::TensorProto::INT64;
    value = DenseElementsAttr::get(
        RankedTensorType::get({}, b.getIntegerType(64)), a.i());
  } else if (name == "value_ints") {
    onnxType = onnx::TensorProto::INT64;
    SmallVector<int64_t> v(a.ints().begin(), a.ints().end());
    value = DenseElementsAttr::get(
        RankedTensorType::get({static_cast<int64_t>(v.size())},
                              b.getIntegerType(64)),
        ArrayRef<int64_t>(v));
  } else {
    return n.emitError() << "Constant's '" << name
                         << "' attribute is not supported (sparse and string "
                            "constants are not)";
  }
  n.setConstantOutput(0, value, onnxType);
  return success();
}

LogicalResult importIdentity(NodeImporter &n) {
  if (failed(n.checkAttributes({})))
    return failure();
  FailureOr<Value> x = n.input(0);
  if (failed(x))
    return failure();
  n.setOutput(0, *x);
  return success();
}

} // namespace

LogicalResult normalizeAxes(NodeImporter &n, SmallVectorImpl<int64_t> &axes,
                            int64_t rank) {
  for (int64_t &a : axes) {
    FailureOr<int64_t> axis = normalizeAxis(n.errorFn(), a, rank);
    if (failed(axis))
      return failure();
    a = *axis;
  }
  llvm::sort(axes);
  if (std::adjacent_find(axes.begin(), axes.end()) != axes.end())
    return n.emitError() << "axes contain a repeated axis";
  return success();
}

FailureOr<SmallVector<int64_t>> intsInput(NodeImporter &n, int i,
                                          StringRef what) {
  FailureOr<DenseElementsAttr> c = n.constantInput(i, what);
  if (failed(c))
    return failure();
  Type elem = c->getElementType();
  if (!isa<IntegerType>(elem) || elem.isInteger(1) ||
      c->getType().getRank() > 1)
    return n.emitError() << what << " must be a 1-D integer tensor, got "
                         << c->getType();
  return intValues(*c);
}

LogicalResult checkShapeOperandLength(NodeImporter &n, int i, StringRef what,
                                      size_t expected) {
  FailureOr<RankedTensorType> t = n.inputType(i);
  if (failed(t))
    return failure();
  if (t->getRank() != 1)
    return n.emitError() << what << " must be a 1-D integer tensor, got " << *t;
  if (!t->isDynamicDim(0) && t->getDimSize(0) != int64_t(expected))
    return n.emitError() << what << " has " << t->getDimSize(0)
                         << " entries but the declared output shape implies "
                         << expected;
  return success();
}

namespace {

/// An int64 1-D constant of `values`.
DenseElementsAttr int64Tensor(MLIRContext *ctx, ArrayRef<int64_t> values) {
  auto type = RankedTensorType::get({static_cast<int64_t>(values.size())},
                                    IntegerType::get(ctx, 64));
  return DenseElementsAttr::get(type, values);
}

/// Shape: the input's static shape as a constant, dims [start, end) from
/// opset 15 on.
LogicalResult importShape(NodeImporter &n) {
  SmallVector<StringRef> known;
  if (n.opset() >= 15)
    known = {"start", "end"};
  if (failed(n.checkAttributes(known)))
    return failure();
  FailureOr<RankedTensorType> xt = n.inputType(0);
  if (failed(xt))
    return failure();
  int64_t rank = xt->getRank();
  auto start = n.intAttr("start", 0), end = n.intAttr("end", rank);
  if (failed(start) || failed(end))
    return failure();
  // Negative values count from the end; both clamp to [0, rank].
  auto clampDim = [&](int64_t v) {
    return std::clamp<int64_t>(v < 0 ? v + rank : v, 0, rank);
  };
  int64_t lo = clampDim(*start), hi = std::max(lo, clampDim(*end));
  n.setConstantOutput(
      0, int64Tensor(n.context(), xt->getShape().slice(lo, hi - lo)),
      onnx::TensorProto::INT64);
  return success();
}

LogicalResult importSize(NodeImporter &n) {
  if (failed(n.checkAttributes({})))
    return failure();
  FailureOr<RankedTensorType> xt = n.inputType(0);
  if (failed(xt))
    return failure();
  auto type = RankedTensorType::get({}, IntegerType::get(n.context(), 64));
  n.setConstantOutput(0, DenseElementsAttr::get(type, xt->getNumElements()),
                      onnx::TensorProto::INT64);
  return success();
}

/// Output 0 := input 0 reshaped to `type` (folded when the input is a
/// constant).
LogicalResult setReshaped(NodeImporter &n, FailureOr<RankedTensorType> type) {
  if (failed(type))
    return failure();
  if (DenseElementsAttr c = n.constantInputOrNull(0)) {
    n.setConstantOutput(0, c.reshape(*type), n.onnxType(0));
    return success();
  }
  FailureOr<Value> x = n.input(0);
  if (failed(x))
    return failure();
  return n.setResult(n.create<ReshapeOp>(type, *x));
}

/// Unsqueeze and Squeeze: `axes` is an attribute before opset 13 and a
/// constant input from 13 on (optional for Squeeze).
FailureOr<SmallVector<int64_t>> squeezeAxes(NodeImporter &n, bool required) {
  if (n.opset() < 13) {
    if (failed(n.checkAttributes({"axes"})))
      return failure();
    auto axes = n.intsAttr("axes");
    if (failed(axes))
      return failure();
    if (!*axes && required)
      return n.emitError() << "the required attribute 'axes' is missing";
    return axes->value_or(SmallVector<int64_t>());
  }
  if (failed(n.checkAttributes({})))
    return failure();
  if (!n.hasInput(1) && !required)
    return SmallVector<int64_t>();
  return intsInput(n, 1, n.node().op_type() + "'s axes");
}

/// Squeeze/Unsqueeze with computed axes (opset 13 on): they only drop or
/// insert size-1 dims, so the declared output shape alone fixes the result
/// (the input reshaped to it) when both agree on the other dims.
FailureOr<bool> squeezeToDeclared(NodeImporter &n) {
  if (n.opset() < 13 || !n.hasInput(1) || n.constantInputOrNull(1))
    return false;
  std::string what = n.node().op_type() + "'s axes";
  if (failed(n.checkAttributes({})))
    return failure();
  FailureOr<SmallVector<int64_t>> declared = n.declaredShapeForOperand(1, what);
  FailureOr<Value> x = n.input(0);
  if (failed(declared) || failed(x))
    return failure();
  RankedTensorType xt = n.type(*x);
  // Whether `shorter` is `longer` with some size-1 dims removed.
  auto dropsOnes = [](ArrayRef<int64_t> longer, ArrayRef<int64_t> shorter) {
    size_t j = 0;
    for (int64_t d : longer) {
      if (j < shorter.size() && shorter[j] == d)
        ++j;
      else if (d != 1)
        return false;
    }
    return j == shorter.size();
  };
  bool unsqueeze = n.node().op_type() == "Unsqueeze";
  if (unsqueeze ? !dropsOnes(*declared, xt.getShape())
                : !dropsOnes(xt.getShape(), *declared))
    return n.refuseShapeOperand(1, what)
           << ": the declared shape [" << ArrayRef<int64_t>(*declared)
           << "] is not the input's " << xt << " with size-1 dims "
           << (unsqueeze ? "inserted" : "removed");
  // The run-time axes must name a set of size-1 dims (of the output for
  // Unsqueeze, of the input for Squeeze) whose removal from the longer
  // shape leaves the shorter one.
  ArrayRef<int64_t> longer =
      unsqueeze ? ArrayRef<int64_t>(*declared) : xt.getShape();
  ArrayRef<int64_t> shorter =
      unsqueeze ? xt.getShape() : ArrayRef<int64_t>(*declared);
  int64_t k = longer.size() - shorter.size();
  SmallVector<SmallVector<int64_t>> candidates;
  SmallVector<int64_t> chosen;
  std::function<void(int64_t)> search = [&](int64_t d) {
    if (candidates.size() > 64)
      return;
    if (int64_t(chosen.size()) == k) {
      SmallVector<int64_t> kept;
      for (int64_t i = 0; i < int64_t(longer.size()); ++i)
        if (!llvm::is_contained(chosen, i))
          kept.push_back(longer[i]);
      if (ArrayRef<int64_t>(kept) == shorter)
        candidates.push_back(chosen);
      return;
    }
    if (d == int64_t(longer.size()))
      return;
    if (longer[d] == 1) {
      chosen.push_back(d);
      search(d + 1);
      chosen.pop_back();
    }
    search(d + 1);
  };
  if (longer.size() <= 16)
    search(0);
  if (candidates.empty() || candidates.size() > 64)
    return n.refuseShapeOperand(1, what)
           << ": " << (candidates.empty() ? "no" : "too many")
           << " axis sets give the declared shape";
  FailureOr<RankedTensorType> at = n.inputType(1);
  if (failed(at))
    return failure();
  if (at->getRank() != 1 || at->getDimSize(0) != k)
    return n.refuseShapeOperand(1, what)
           << ": " << k << " axes give the declared shape, the operand is "
           << *at;
  Composer c(n);
  FailureOr<Value> axes = n.input(1);
  if (failed(axes))
    return failure();
  Value any;
  std::string sets;
  for (const auto &cand : candidates) {
    Value m = namesAxes(c, *axes, longer.size(), cand);
    any = any ? c.binary<OrOp>(any, m) : m;
    sets += (sets.empty() ? "" : " or ") + formatShape(cand);
  }
  if (failed(n.guard(any, c.cast(*axes, IntegerType::get(n.context(), 64)),
                     what + " ('" + n.inputName(1) + "') must be " + sets +
                         " (up to order and negative values) to give the "
                         "declared output shape")))
    return failure();
  if (failed(setReshaped(
          n, RankedTensorType::get(*declared, xt.getElementType()))))
    return failure();
  return true;
}

LogicalResult importUnsqueeze(NodeImporter &n) {
  FailureOr<bool> declared = squeezeToDeclared(n);
  if (failed(declared) || *declared)
    return failure(failed(declared));
  FailureOr<SmallVector<int64_t>> axes = squeezeAxes(n, /*required=*/true);
  FailureOr<RankedTensorType> xt = n.inputType(0);
  if (failed(axes) || failed(xt))
    return failure();
  return setReshaped(n, inferUnsqueezeType(n.errorFn(), *xt, *axes));
}

LogicalResult importSqueeze(NodeImporter &n) {
  FailureOr<bool> declared = squeezeToDeclared(n);
  if (failed(declared) || *declared)
    return failure(failed(declared));
  FailureOr<SmallVector<int64_t>> axes = squeezeAxes(n, /*required=*/false);
  FailureOr<RankedTensorType> xt = n.inputType(0);
  if (failed(axes) || failed(xt))
    return failure();
  return setReshaped(n, inferSqueezeType(n.errorFn(), *xt, *axes));
}

LogicalResult importCastTo(NodeImporter &n, int32_t toType);

/// Cast from and/or to a narrow type (float8, int4, ...): decode the input's
/// bytes to numbers, convert, encode into the result's bytes.
LogicalResult castNarrow(NodeImporter &n, const NarrowFormat *from,
                         const NarrowFormat *to, int32_t toType) {
  auto saturate = n.intAttr("saturate", 1);
  FailureOr<std::string> roundMode = n.stringAttr("round_mode", "up");
  FailureOr<Value> x = n.input(0);
  if (failed(saturate) || failed(roundMode) || failed(x))
    return failure();
  if (*roundMode != "up" && *roundMode != "down" && *roundMode != "nearest")
    return n.emitError() << "round_mode '" << *roundMode
                         << "' is not one of up, down, nearest";
  n.setOutputONNXType(0, toType);
  if (from == to) // the same narrow type: the bytes as they are
    return n.setResult(*x);
  Composer c(n);
  Value v = c.decodeNarrow(*x, n.onnxType(0));
  bool inUnsigned = !from && NodeImporter::isUnsignedInteger(n.onnxType(0));
  Builder b(n.context());
  Value r;
  if (!to) {
    r = c.cast(v, n.elementType(toType), inUnsigned,
               NodeImporter::isUnsignedInteger(toType));
  } else {
    // A float format encodes from f32 (exact from f16, bf16 and the other
    // narrow floats, rounded once from f64); an integer format from any
    // number.
    if (to->isFloat())
      v = c.cast(v, b.getF32Type(), inUnsigned);
    r = c.encodeNarrow(v, *to, *saturate != 0, *roundMode);
  }
  if (!r)
    return failure();
  return n.setResult(r);
}

LogicalResult importCast(NodeImporter &n) {
  SmallVector<StringRef> known = {"to"};
  if (n.opset() >= 19)
    known.push_back("saturate");
  // round_mode (opset 24) only affects casts to float8e8m0.
  if (n.opset() >= 24)
    known.push_back("round_mode");
  if (failed(n.checkAttributes(known)))
    return failure();
  if (!n.attr("to"))
    return n.emitError() << "the required attribute 'to' is missing";
  auto to = n.intAttr("to", 0);
  if (failed(to))
    return failure();
  return importCastTo(n, static_cast<int32_t>(*to));
}

/// CastLike: Cast to the element type of input 1.
LogicalResult importCastLike(NodeImporter &n) {
  SmallVector<StringRef> known;
  if (n.opset() >= 19)
    known.push_back("saturate");
  // round_mode (opset 24) only affects casts to float8e8m0.
  if (n.opset() >= 24)
    known.push_back("round_mode");
  if (failed(n.checkAttributes(known)) || failed(n.inputType(1)))
    return failure();
  if (!n.onnxType(1))
    return n.emitError() << "the element type of CastLike's target_type "
                            "input is unknown";
  return importCastTo(n, n.onnxType(1));
}

/// Dropout at inference is the identity; its optional mask output is all
/// true (bool from opset 10, the input's type before). Training mode with a
/// non-zero ratio drops random elements, which is refused.
LogicalResult importDropout(NodeImporter &n) {
  SmallVector<StringRef> known = {"ratio"};
  if (n.opset() >= 12)
    known = {"seed"};
  if (failed(n.checkAttributes(known)))
    return failure();
  FailureOr<Value> x = n.input(0);
  if (failed(x))
    return failure();
  if (n.opset() >= 12 && n.hasInput(2)) {
    // Inference (training_mode false) and ratio 0 are the identity with an
    // all-true mask; random dropout is refused, at import when both are
    // constants, else by a guard when the run asks for it.
    FailureOr<RankedTensorType> tt = n.inputType(2);
    if (failed(tt))
      return failure();
    if (tt->getNumElements() != 1 || !tt->getElementType().isInteger(1))
      return n.emitError() << "Dropout's training_mode must be a bool scalar";
    DenseElementsAttr training = n.constantInputOrNull(2);
    if (!training || *training.value_begin<bool>()) {
      Composer c(n);
      Value ratioZero;
      if (n.hasInput(1)) {
        FailureOr<Value> r = n.input(1);
        if (failed(r))
          return failure();
        if (c.type(*r).getNumElements() != 1 ||
            !isa<FloatType>(c.type(*r).getElementType()))
          return n.emitError() << "Dropout's ratio must be a float scalar";
        Value rv = c.reshape(*r, {});
        ratioZero = c.equal(rv, c.scalar(c.type(rv).getElementType(), 0.0));
      } else {
        ratioZero = c.splat({}, IntegerType::get(n.context(), 1), 0);
      }
      FailureOr<Value> t = n.input(2);
      if (failed(t))
        return failure();
      Value tv = c.reshape(*t, {});
      Value ok = c.binary<OrOp>(c.unary<NotOp>(tv), ratioZero);
      if (failed(n.guard(ok, tv,
                         "training_mode=1 with a non-zero ratio (random "
                         "dropout) is not supported; run the model for "
                         "inference")))
        return failure();
    }
  }
  n.setOutput(0, *x);
  if (!n.hasOutput(1))
    return success();
  RankedTensorType xt = n.type(*x);
  bool boolMask = n.opset() >= 10;
  Builder b(n.context());
  Type elem = boolMask ? b.getI1Type() : xt.getElementType();
  auto maskType = RankedTensorType::get(xt.getShape(), elem);
  Attribute one = boolMask ? Attribute(b.getBoolAttr(true))
                           : Attribute(b.getFloatAttr(elem, 1.0));
  n.setConstantOutput(1, DenseElementsAttr::get(maskType, one),
                      boolMask ? onnx::TensorProto::BOOL : n.onnxType(0));
  return success();
}

/// Cast of input 0 to the ONNX data type `toType`.
LogicalResult importCastTo(NodeImporter &n, int32_t toType) {
  FailureOr<RankedTensorType> xt = n.inputType(0);
  if (failed(xt))
    return failure();
  Type elem = n.elementType(toType);
  if (!elem)
    return n.emitError() << "Cast to " << NodeImporter::dtypeName(toType)
                         << " is not supported";
  FailureOr<RankedTensorType> type = inferCastType(n.errorFn(), *xt, elem);
  if (failed(type))
    return failure();
  const NarrowFormat *from = narrowFormatOfONNXType(n.onnxType(0));
  const NarrowFormat *to = narrowFormatOfONNXType(toType);
  if (from || to)
    return castNarrow(n, from, to, toType);
  bool inUnsigned = NodeImporter::isUnsignedInteger(n.onnxType(0));
  bool outUnsigned = NodeImporter::isUnsignedInteger(toType);
  if (DenseElementsAttr c = n.constantInputOrNull(0)) {
    n.setConstantOutput(0, foldCast(c, elem, inUnsigned, outUnsigned), toType);
    return success();
  }
  FailureOr<Value> x = n.input(0);
  if (failed(x))
    return failure();
  n.setOutputONNXType(0, toType);
  return n.setResult(n.create<CastOp>(type, *x, inUnsigned, outUnsigned));
}

LogicalResult importGather(NodeImporter &n) {
  if (failed(n.checkAttributes({"axis"})))
    return failure();
  FailureOr<RankedTensorType> dt = n.inputType(0), it = n.inputType(1);
  auto axisAttr = n.intAttr("axis", 0);
  if (failed(dt) || failed(it) || failed(axisAttr))
    return failure();
  auto axis = normalizeAxis(n.errorFn(), *axisAttr, dt->getRank());
  if (failed(axis))
    return failure();
  FailureOr<RankedTensorType> type =
      inferGatherType(n.errorFn(), *dt, *it, *axis);
  if (failed(type))
    return failure();
  if (isa<IntegerType>(it->getElementType()) &&
      NodeImporter::isUnsignedInteger(n.onnxType(1)))
    return n.emitError() << "unsigned indices are not supported";
  DenseElementsAttr data = n.constantInputOrNull(0);
  DenseElementsAttr indices = n.constantInputOrNull(1);
  SmallVector<int64_t> idx;
  if (indices) {
    // Known indices are checked here; negative ones count from the end.
    int64_t dim = dt->getDimSize(*axis);
    idx = intValues(indices);
    for (int64_t &i : idx) {
      if (i < -dim || i >= dim)
        return n.emitError() << "index " << i << " is out of range for axis "
                             << *axis << " of size " << dim;
      if (i < 0)
        i += dim;
    }
  }
  if (data && indices && shouldFold(*type, {data})) {
    n.setConstantOutput(0, foldGather(data, idx, it->getShape(), *axis, *type),
                        n.onnxType(0));
    return success();
  }
  FailureOr<Value> x = n.input(0), i = n.input(1);
  if (failed(x) || failed(i))
    return failure();
  return n.setResult(n.create<GatherOp>(type, *x, *i, *axis));
}

/// EyeLike: a constant of the (static) input's shape, ones on diagonal k.
LogicalResult importEyeLike(NodeImporter &n) {
  if (failed(n.checkAttributes({"dtype", "k"})))
    return failure();
  FailureOr<RankedTensorType> xt = n.inputType(0);
  auto k = n.intAttr("k", 0);
  auto dtype = n.intAttr("dtype", n.onnxType(0));
  if (failed(xt) || failed(k) || failed(dtype))
    return failure();
  if (xt->getRank() != 2)
    return n.emitError() << "expects a 2-D input, got " << *xt;
  Type elem = n.elementType(*dtype);
  if (!elem || !isa<FloatType, IntegerType>(elem))
    return n.emitError() << "dtype " << NodeImporter::dtypeName(*dtype)
                         << " is not supported";
  int64_t rows = xt->getDimSize(0), cols = xt->getDimSize(1);
  if (failed(n.checkResultShape({rows, cols})))
    return failure();
  Builder b(n.context());
  Attribute zero = b.getZeroAttr(elem),
            one = isa<FloatType>(elem) ? Attribute(b.getFloatAttr(elem, 1.0))
                                       : Attribute(b.getIntegerAttr(elem, 1));
  SmallVector<Attribute> values;
  values.reserve(rows * cols);
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < cols; ++j)
      values.push_back(j - i == *k ? one : zero);
  n.setConstantOutput(
      0,
      DenseElementsAttr::get(RankedTensorType::get({rows, cols}, elem), values),
      *dtype);
  return success();
}

LogicalResult importConstantOfShape(NodeImporter &n) {
  if (failed(n.checkAttributes({"value"})))
    return failure();
  FailureOr<SmallVector<int64_t>> shape;
  if (n.hasInput(0) && !n.constantInputOrNull(0)) {
    // A computed shape is the declared output shape.
    shape = n.declaredShapeForOperand(0, "ConstantOfShape's shape");
    if (failed(shape) ||
        failed(checkShapeOperandLength(n, 0, "ConstantOfShape's shape",
                                       shape->size())) ||
        failed(guardOperandEquals(n, 0, "ConstantOfShape's shape", *shape)))
      return failure();
  } else {
    shape = intsInput(n, 0, "ConstantOfShape's shape");
  }
  if (failed(shape))
    return failure();
  for (int64_t d : *shape)
    if (d < 0)
      return n.emitError() << "ConstantOfShape's shape has a negative entry";
  Builder b(n.context());
  DenseElementsAttr value =
      DenseElementsAttr::get(RankedTensorType::get({1}, b.getF32Type()), 0.0f);
  int32_t onnxType = onnx::TensorProto::FLOAT;
  if (const onnx::AttributeProto *a = n.attr("value")) {
    FailureOr<DenseElementsAttr> t = n.readTensor(a->t());
    if (failed(t))
      return failure();
    if (t->getNumElements() != 1)
      return n.emitError() << "ConstantOfShape's value must hold one element";
    value = *t;
    onnxType = a->t().data_type();
  }
  auto type = RankedTensorType::get(*shape, value.getElementType());
  n.setConstantOutput(0, value.resizeSplat(type), onnxType);
  return success();
}

/// Range of constant scalars: max(ceil((limit - start) / delta), 0) values.
/// Range: folded at import. The values are computed in double and rounded
/// once to the element type, which is what opset 27's stash_type (float or
/// double accumulation for float16/bfloat16; the default, float) asks for.
/// Range with start, limit or delta given at run time and a declared
/// output shape [N]: output[i] = start + i * delta (floats computed in the
/// stash type), guarded by max(ceil((limit - start) / delta), 0) == N.
LogicalResult importRangeRuntime(NodeImporter &n, bool stashDouble) {
  static const char *const what[] = {"Range's start", "Range's limit",
                                     "Range's delta"};
  int which = 0;
  while (which < 2 && n.constantInputOrNull(which))
    ++which;
  FailureOr<SmallVector<int64_t>> declared =
      n.declaredShapeForOperand(which, what[which]);
  if (failed(declared))
    return failure();
  Composer c(n);
  SmallVector<Value> args;
  for (int i = 0; i < 3; ++i) {
    FailureOr<Value> v = n.input(i);
    if (failed(v))
      return failure();
    if (c.type(*v).getNumElements() != 1)
      return n.emitError() << what[i] << " must be a scalar";
    args.push_back(c.reshape(*v, {}));
  }
  Type elem = c.type(args[0]).getElementType();
  if (c.type(args[1]).getElementType() != elem ||
      c.type(args[2]).getElementType() != elem || elem.isInteger(1))
    return n.emitError() << "start, limit and delta must share a numeric type";
  if (declared->size() != 1)
    return n.refuseShapeOperand(which, what[which])
           << ": the declared shape [" << ArrayRef<int64_t>(*declared)
           << "] is not 1-D";
  int64_t count = declared->front();
  Type f64 = Float64Type::get(n.context());
  Type i64 = IntegerType::get(n.context(), 64);
  // The element count in f64; a zero delta or a huge quotient is clamped
  // before the conversion so that it stays defined (and fails the guard).
  Value start64 = c.cast(args[0], f64), delta64 = c.cast(args[2], f64);
  Value zeroDelta = c.equal(delta64, c.scalar(f64, 0.0));
  Value q = c.div(c.sub(c.cast(args[1], f64), start64),
                  c.where(zeroDelta, c.scalar(f64, 1.0), delta64));
  q = c.where(c.equal(q, q), q, c.scalar(f64, 0.0)); // NaN bounds fail too
  q = c.clip(c.unary<CeilOp>(q), -1e15, 1e15);
  Value steps = c.cast(q, i64);
  steps = c.where(c.less(steps, c.scalar(i64, 0)), c.scalar(i64, 0), steps);
  Value ok = c.binary<AndOp>(c.equal(steps, c.scalar(i64, count)),
                             c.unary<NotOp>(zeroDelta));
  Value report =
      c.cast(c.concat({c.reshape(args[0], {1}), c.reshape(args[1], {1}),
                       c.reshape(args[2], {1})},
                      0),
             i64);
  if (failed(n.guard(ok, report,
                     "Range's start, limit and delta (given in that order, "
                     "as integers) must give the declared output shape " +
                         formatShape(*declared))))
    return failure();
  // Floats in the stash type, integers in their own.
  Type compute = isa<FloatType>(elem)
                     ? (stashDouble ? f64 : Type(Float32Type::get(n.context())))
                     : elem;
  SmallVector<int64_t> iota = llvm::to_vector(llvm::seq<int64_t>(0, count));
  Value values =
      c.add(c.cast(args[0], compute),
            c.mul(c.constant(RankedTensorType::get({count}, compute), iota),
                  c.cast(args[2], compute)));
  values = c.cast(values, elem);
  if (!values)
    return failure();
  n.setOutput(0, values);
  return success();
}

LogicalResult importRange(NodeImporter &n) {
  if (failed(n.checkAttributes(n.opset() >= 27 ? ArrayRef<StringRef>{"stash_type"}
                                               : ArrayRef<StringRef>{})))
    return failure();
  auto stash = n.intAttr("stash_type", onnx::TensorProto::FLOAT);
  if (failed(stash))
    return failure();
  if (*stash != onnx::TensorProto::FLOAT && *stash != onnx::TensorProto::DOUBLE)
    return n.emitError() << "stash_type " << *stash
                         << " is not FLOAT (1) or DOUBLE (11)";
  if (!n.constantInputOrNull(0) || !n.constantInputOrNull(1) ||
      !n.constantInputOrNull(2))
    return importRangeRuntime(n, *stash == onnx::TensorProto::DOUBLE);
  SmallVector<DenseElementsAttr> args;
  for (int i = 0; i < 3; ++i) {
    static const char *what[] = {"Range's start", "Range's limit",
                                 "Range's delta"};
    FailureOr<DenseElementsAttr> c = n.constantInput(i, what[i]);
    if (failed(c))
      return failure();
    if (c->getNumElements() != 1)
      return n.emitError() << what[i] << " must be a scalar";
    args.push_back(*c);
  }
  Type elem = args[0].getElementType();
  if (args[1].getElementType() != elem || args[2].getElementType() != elem ||
      elem.isInteger(1))
    return n.emitError() << "start, limit and delta must share a numeric type";
  auto scalar = [&](DenseElementsAttr a) {
    return isa<FloatType>(elem)
               ? (*a.value_begin<APFloat>()).convertToDouble()
               : double((*a.value_begin<APInt>()).getSExtValue());
  };
  double start = scalar(args[0]), limit = scalar(args[1]),
         delta = scalar(args[2]);
  if (delta == 0)
    return n.emitError() << "Range's delta must be non-zero";
  double steps = std::ceil((limit - start) / delta);
  if (!std::isfinite(steps) || steps > double(kMaxFoldedElements))
    return n.emitError() << "Range from " << start << " to " << limit << " by "
                         << delta << " is too large";
  int64_t count = std::max<int64_t>(0, static_cast<int64_t>(steps));
  auto type = RankedTensorType::get({count}, elem);
  SmallVector<double> values;
  for (int64_t i = 0; i < count; ++i)
    values.push_back(start + static_cast<double>(i) * delta);
  DenseElementsAttr result;
  if (isa<FloatType>(elem)) {
    result = denseFloatAttr(type, values);
  } else {
    SmallVector<APInt> ints;
    for (double v : values)
      ints.push_back(APInt(elem.getIntOrFloatBitWidth(),
                           static_cast<int64_t>(v), /*isSigned=*/true));
    result = DenseElementsAttr::get(type, ints);
  }
  n.setConstantOutput(0, result, n.onnxType(0));
  return success();
}

/// Guards a run-time Expand shape (operand 1) taken from the declared
/// output shape D: broadcast(x, shape) == D. Entry j of the shape lines up
/// with D's dim p = rank(D) - L + j and must be D[p], or 1 where x's dim
/// there (aligned right) already is D[p]; D's leading dims the shape does
/// not cover come from x.
LogicalResult guardExpandShape(NodeImporter &n, RankedTensorType xt,
                               ArrayRef<int64_t> declared) {
  Composer c(n);
  FailureOr<RankedTensorType> st = n.inputType(1);
  if (failed(st))
    return failure();
  int64_t rank = declared.size(), xRank = xt.getRank();
  if (st->getRank() != 1 || st->isDynamicDim(0) || st->getDimSize(0) > rank ||
      std::max(st->getDimSize(0), xRank) != rank)
    return n.refuseShapeOperand(1, "Expand's shape")
           << ": a shape of type " << *st << " cannot broadcast the input "
           << xt << " to the declared shape " << formatShape(declared);
  int64_t len = st->getDimSize(0);
  auto xDim = [&](int64_t p) {
    int64_t q = p - (rank - xRank);
    return q >= 0 ? xt.getDimSize(q) : 1;
  };
  SmallVector<int64_t> want, oneOk;
  for (int64_t j = 0; j < len; ++j) {
    int64_t p = rank - len + j;
    want.push_back(declared[p]);
    oneOk.push_back(xDim(p) == declared[p]);
  }
  Type i64 = IntegerType::get(n.context(), 64);
  FailureOr<Value> s = intVector(n, c, 1, "Expand's shape", len);
  if (failed(s))
    return failure();
  Value ok = c.binary<OrOp>(
      c.equal(*s, c.constant(RankedTensorType::get({len}, i64), want)),
      c.binary<AndOp>(c.equal(*s, c.scalar(i64, 1)),
                      c.constant(RankedTensorType::get(
                                     {len}, IntegerType::get(n.context(), 1)),
                                 oneOk)));
  return n.guard(c.allTrue(ok), *s,
                 "Expand's shape ('" + n.inputName(1) +
                     "') must broadcast the input to the declared output "
                     "shape " +
                     formatShape(declared));
}

/// Whether `from` broadcasts (numpy rules) exactly to `to`: every dim of
/// `from`, aligned right, is 1 or the matching dim of `to`.
bool areBroadcastable(ArrayRef<int64_t> from, ArrayRef<int64_t> to) {
  if (from.size() > to.size())
    return false;
  for (size_t i = 0; i < from.size(); ++i) {
    int64_t f = from[from.size() - 1 - i], t = to[to.size() - 1 - i];
    if (f != 1 && f != t)
      return false;
  }
  return true;
}

LogicalResult importExpand(NodeImporter &n) {
  if (failed(n.checkAttributes({})))
    return failure();
  FailureOr<RankedTensorType> xt = n.inputType(0);
  if (failed(xt))
    return failure();
  FailureOr<SmallVector<int64_t>> shape;
  if (n.hasInput(1) && !n.constantInputOrNull(1)) {
    // A computed shape: the result is the input broadcast to the declared
    // shape, whichever shape operand produced it (its 1 entries may as
    // well be the input's dims).
    shape = n.declaredShapeForOperand(1, "Expand's shape");
    if (failed(shape))
      return failure();
    if (!areBroadcastable(xt->getShape(), *shape) ||
        xt->getRank() > int64_t(shape->size()))
      return n.refuseShapeOperand(1, "Expand's shape")
             << ": the input " << *xt << " does not broadcast to the declared "
             << "shape [" << ArrayRef<int64_t>(*shape) << "]";
    if (failed(guardExpandShape(n, *xt, *shape)))
      return failure();
  } else {
    shape = intsInput(n, 1, "Expand's shape");
  }
  if (failed(shape))
    return failure();
  FailureOr<RankedTensorType> type = inferExpandType(n.errorFn(), *xt, *shape);
  if (failed(type))
    return failure();
  DenseElementsAttr c = n.constantInputOrNull(0);
  if (c && shouldFold(*type, {c})) {
    n.setConstantOutput(0, foldBroadcast(c, *type), n.onnxType(0));
    return success();
  }
  FailureOr<Value> x = n.input(0);
  if (failed(x))
    return failure();
  if (*type == *xt) {
    n.setOutput(0, *x);
    return success();
  }
  return n.setResult(n.create<ExpandOp>(type, *x));
}

/// Slice's starts/ends/axes/steps: attributes before opset 10 (no steps),
/// constant inputs from 10 on.
struct SliceParams {
  SmallVector<int64_t> starts, ends, axes, steps;
};

FailureOr<SliceParams> sliceParams(NodeImporter &n, int64_t rank) {
  SliceParams p;
  if (n.opset() < 10) {
    if (failed(n.checkAttributes({"starts", "ends", "axes"})))
      return failure();
    auto starts = n.intsAttr("starts"), ends = n.intsAttr("ends"),
         axes = n.intsAttr("axes");
    if (failed(starts) || failed(ends) || failed(axes))
      return failure();
    if (!*starts || !*ends)
      return n.emitError() << "the required attributes 'starts' and 'ends' "
                              "are missing";
    p.starts = **starts;
    p.ends = **ends;
    if (*axes)
      p.axes = **axes;
  } else {
    if (failed(n.checkAttributes({})))
      return failure();
    auto starts = intsInput(n, 1, "Slice's starts");
    auto ends = intsInput(n, 2, "Slice's ends");
    if (failed(starts) || failed(ends))
      return failure();
    p.starts = *starts;
    p.ends = *ends;
    if (n.hasInput(3)) {
      auto axes = intsInput(n, 3, "Slice's axes");
      if (failed(axes))
        return failure();
      p.axes = *axes;
    }
    if (n.hasInput(4)) {
      auto steps = intsInput(n, 4, "Slice's steps");
      if (failed(steps))
        return failure();
      p.steps = *steps;
    }
  }
  if (p.axes.empty())
    for (size_t i = 0; i < p.starts.size(); ++i)
      p.axes.push_back(i);
  if (p.steps.empty())
    p.steps.assign(p.starts.size(), 1);
  if (p.ends.size() != p.starts.size() || p.axes.size() != p.starts.size() ||
      p.steps.size() != p.starts.size())
    return n.emitError() << "starts, ends, axes and steps must have the same "
                            "length";
  if (static_cast<int64_t>(p.starts.size()) > rank)
    return n.emitError() << "Slice has more entries than the input's rank "
                         << rank;
  return p;
}

/// Slice (opset >= 10) with starts, ends, axes or steps given at run time,
/// and a declared output shape. For every input dim, the start and step of
/// the entry that names it (or 0 and 1) are computed at run time exactly as
/// ONNX clamps them, and the dim is gathered at start + i * step for i below
/// its declared size; a guard fails the run unless the entries give exactly
/// the declared sizes (and name distinct axes, with non-zero steps).
LogicalResult importSliceRuntime(NodeImporter &n, RankedTensorType xt) {
  if (failed(n.checkAttributes({})))
    return failure();
  static const char *const names[] = {"", "Slice's starts", "Slice's ends",
                                      "Slice's axes", "Slice's steps"};
  int which = 1;
  while (which < 4 && (!n.hasInput(which) || n.constantInputOrNull(which)))
    ++which;
  FailureOr<SmallVector<int64_t>> declared =
      n.declaredShapeForOperand(which, names[which]);
  FailureOr<RankedTensorType> st = n.inputType(1);
  if (failed(declared) || failed(st))
    return failure();
  int64_t rank = xt.getRank();
  if (int64_t(declared->size()) != rank)
    return n.refuseShapeOperand(which, names[which])
           << ": the declared shape [" << ArrayRef<int64_t>(*declared)
           << "] is not of the input's rank " << rank;
  if (st->getRank() != 1 || st->isDynamicDim(0) || st->getDimSize(0) > rank)
    return n.emitError() << "Slice's starts must be a 1-D tensor of at most "
                         << rank << " entries, got " << *st;
  int64_t len = st->getDimSize(0);
  Composer c(n);
  Type i64 = IntegerType::get(n.context(), 64);
  auto starts = intVector(n, c, 1, names[1], len);
  auto ends = intVector(n, c, 2, names[2], len);
  if (failed(starts) || failed(ends))
    return failure();
  Value axes, steps;
  SmallVector<Value> given = {*starts, *ends};
  std::string givenNames = n.hasInput(3) && n.hasInput(4)
                               ? "starts, ends, axes and steps"
                           : n.hasInput(3) ? "starts, ends and axes"
                           : n.hasInput(4) ? "starts, ends and steps"
                                           : "starts and ends";
  if (n.hasInput(3)) {
    auto a = intVector(n, c, 3, names[3], len);
    if (failed(a))
      return failure();
    axes = *a;
    given.push_back(axes);
  } else {
    axes = c.constant(RankedTensorType::get({len}, i64),
                      llvm::to_vector(llvm::seq<int64_t>(0, len)));
  }
  // With no or constant positive steps, a dim whose declared size is the
  // input's can only be taken whole (start 0, step 1): no gather for it.
  bool positiveSteps = true;
  if (n.hasInput(4)) {
    auto sv = intVector(n, c, 4, names[4], len);
    if (failed(sv))
      return failure();
    steps = *sv;
    given.push_back(steps);
    DenseElementsAttr k = n.constantInputOrNull(4);
    positiveSteps =
        k && llvm::all_of(intValues(k), [](int64_t s) { return s > 0; });
  } else {
    steps = c.splat({len}, i64, 1);
  }

  // Entries down [len, 1], dims across [1, rank].
  auto row = [&](ArrayRef<int64_t> values) {
    return c.constant(RankedTensorType::get({1, rank}, i64), values);
  };
  SmallVector<int64_t> dimSizes(xt.getShape()), dimSizesM1;
  for (int64_t d : dimSizes)
    dimSizesM1.push_back(d - 1);
  Value dims = row(dimSizes), dimsM1 = row(dimSizesM1);
  Value zero = c.scalar(i64, 0), one = c.scalar(i64, 1);
  auto column = [&](Value v) { return c.reshape(v, {len, 1}); };
  auto maxOf = [&](Value a, Value b) { return c.where(c.less(a, b), b, a); };
  auto minOf = [&](Value a, Value b) { return c.where(c.less(a, b), a, b); };
  Value a = column(axes);
  a = c.where(c.less(a, zero), c.add(a, c.scalar(i64, rank)), a);
  Value match = c.equal(a, row(llvm::to_vector(llvm::seq<int64_t>(0, rank))));
  Value step = column(steps);
  Value positive = c.compare<GreaterOp>(step, zero);
  // Negative starts/ends count from the end, then clamp to what a step in
  // their direction reaches: [0, dim] forwards, start [0, dim - 1] and end
  // [-1, dim - 1] backwards.
  Value s = column(*starts), e = column(*ends);
  s = c.where(c.less(s, zero), c.add(s, dims), s);
  e = c.where(c.less(e, zero), c.add(e, dims), e);
  Value hi = c.where(positive, dims, dimsM1);
  s = minOf(maxOf(s, zero), hi);
  e = minOf(maxOf(e, c.where(positive, zero, c.scalar(i64, -1))), hi);
  Value diff = c.where(positive, c.sub(e, s), c.sub(s, e));
  Value stride = c.where(positive, step, c.unary<NegOp>(step));
  Value safeStride = c.where(c.compare<GreaterOp>(stride, zero), stride, one);
  Value size = c.where(c.compare<GreaterOp>(diff, zero),
                       c.add(c.div(c.sub(diff, one), safeStride), one), zero);
  // Per dim: the naming entry's values (sums over the entries; a dim named
  // twice fails the guard).
  auto perDim = [&](Value grid) {
    return c.reduce(c.where(match, grid, zero), "sum", {0}, false);
  };
  Value count = c.reduce(c.cast(match, i64), "sum", {0}, false);
  Value unnamed = c.equal(count, zero);
  Value startD = perDim(s);
  Value stepD = c.add(perDim(step), c.cast(unnamed, i64));
  Value sizeD =
      c.add(perDim(size), c.where(unnamed, c.reshape(dims, {rank}), zero));
  Value ok = c.binary<AndOp>(
      c.equal(sizeD, c.constant(RankedTensorType::get({rank}, i64), *declared)),
      c.compare<LessEqualOp>(count, one));
  Value entriesOk = c.binary<AndOp>(
      c.equal(c.reduce(c.cast(match, i64), "sum", {1}, false), one),
      c.unary<NotOp>(c.equal(steps, zero)));
  Value cond = c.binary<AndOp>(c.allTrue(ok), c.allTrue(entriesOk));
  Value report = given.size() == 1 ? given[0] : c.concat(given, 0);
  if (!report ||
      failed(n.guard(cond, report,
                     "Slice's " + givenNames +
                         " (given in that order) must give the declared "
                         "output shape " +
                         formatShape(*declared))))
    return failure();

  FailureOr<Value> x = n.input(0);
  if (failed(x))
    return failure();
  Value v = *x;
  for (int64_t d = 0; d < rank; ++d) {
    int64_t out = (*declared)[d];
    if (xt.getDimSize(d) == 1 || (positiveSteps && out == xt.getDimSize(d)))
      continue;
    Value idx =
        c.add(c.slice(startD, {d}, {1}),
              c.mul(c.constant(RankedTensorType::get({out}, i64),
                               llvm::to_vector(llvm::seq<int64_t>(0, out))),
                    c.slice(stepD, {d}, {1})));
    if (!v || !idx)
      return failure();
    v = c.gather(v, idx, d);
    if (!v)
      return failure();
  }
  if (!v)
    return failure();
  n.setOutput(0, v);
  return success();
}

LogicalResult importSlice(NodeImporter &n) {
  FailureOr<RankedTensorType> xt = n.inputType(0);
  if (failed(xt))
    return failure();
  int64_t rank = xt->getRank();
  if (n.opset() >= 10 &&
      (!n.constantInputOrNull(1) || !n.constantInputOrNull(2) ||
       (n.hasInput(3) && !n.constantInputOrNull(3)) ||
       (n.hasInput(4) && !n.constantInputOrNull(4))))
    return importSliceRuntime(n, *xt);
  FailureOr<SliceParams> p = sliceParams(n, rank);
  if (failed(p))
    return failure();
  // Per dimension: start 0, step 1, the whole dimension unless sliced.
  SmallVector<int64_t> starts(rank, 0), steps(rank, 1), sizes(xt->getShape());
  SmallVector<bool> seen(rank, false);
  for (size_t i = 0; i < p->axes.size(); ++i) {
    auto axis = normalizeAxis(n.errorFn(), p->axes[i], rank);
    if (failed(axis))
      return failure();
    if (seen[*axis])
      return n.emitError() << "axis " << p->axes[i] << " is repeated";
    seen[*axis] = true;
    // A step of INT64_MIN takes one element, as -INT64_MAX does; clamping
    // keeps -step representable.
    int64_t dim = xt->getDimSize(*axis),
            step = std::max(p->steps[i], -std::numeric_limits<int64_t>::max());
    if (step == 0)
      return n.emitError() << "Slice's steps must be non-zero";
    // Negative starts/ends count from the end; then both clamp to the
    // range a step in that direction can reach (ONNX Slice).
    int64_t start = p->starts[i], end = p->ends[i];
    if (start < 0)
      start += dim;
    if (end < 0)
      end += dim;
    int64_t size;
    if (step > 0) {
      start = std::clamp<int64_t>(start, 0, dim);
      end = std::clamp<int64_t>(end, 0, dim);
      size = end > start ? (end - start - 1) / step + 1 : 0;
    } else {
      start = std::clamp<int64_t>(start, 0, dim - 1);
      end = std::clamp<int64_t>(end, -1, dim - 1);
      size = start > end ? (start - end - 1) / -step + 1 : 0;
    }
    starts[*axis] = size ? start : 0;
    steps[*axis] = step;
    sizes[*axis] = size;
  }
  FailureOr<RankedTensorType> type =
      inferSliceType(n.errorFn(), *xt, starts, steps, sizes);
  if (failed(type))
    return failure();
  DenseElementsAttr c = n.constantInputOrNull(0);
  if (c && shouldFold(*type, {c})) {
    n.setConstantOutput(0, foldSlice(c, starts, steps, *type), n.onnxType(0));
    return success();
  }
  FailureOr<Value> x = n.input(0);
  if (failed(x))
    return failure();
  if (*type == *xt && llvm::all_of(steps, [](int64_t s) { return s == 1; })) {
    n.setOutput(0, *x);
    return success();
  }
  return n.setResult(n.create<SliceOp>(type, *x, starts, steps));
}

} // namespace

void registerTensorImporters(OpRegistry &r) {
  r.add("Flatten", {1, 9, 11, 13, 21}, importFlatten);
  r.add("Reshape", {5, 13, 14, 19, 21}, importReshape);
  r.add("Transpose", {1, 13, 21}, importTranspose);
  r.add("Concat", {4, 11, 13}, importConcat);
  r.add("Constant", {1, 9, 11, 12, 13, 19, 21}, importConstant);
  r.add("Identity", {1, 13, 14, 16, 19, 21}, importIdentity);
  r.add("Shape", {1, 13, 15, 19, 21}, importShape);
  r.add("Size", {1, 13, 19, 21}, importSize);
  r.add("Unsqueeze", {1, 11, 13, 21}, importUnsqueeze);
  r.add("Squeeze", {1, 11, 13, 21}, importSqueeze);
  r.add("Cast", {6, 9, 13, 19, 21, 24}, importCast);
  r.add("Gather", {1, 11, 13}, importGather);
  r.add("ConstantOfShape", {9, 20, 21}, importConstantOfShape);
  r.add("EyeLike", {9, 22}, importEyeLike);
  r.add("Range", {11, 27}, importRange);
  r.add("Expand", {8, 13}, importExpand);
  r.add("Slice", {1, 10, 11, 13}, importSlice);
  r.add("CastLike", {15, 19, 21, 24}, importCastLike);
  r.add("Dropout", {7, 10, 12, 13, 22}, importDropout);
}

} // namespace dsc
