//===- Folding.cpp - constant folding and simplification of dsc ops -------===//
//
// Folds run in the importer (NodeImporter::create uses createOrFold, so
// exporters' shape subgraphs become constants while importing) and in the
// graph phase's canonicalizer. A fold never builds a constant larger than
// kFoldLimitBytes.
//
//===----------------------------------------------------------------------===//
#include "dsc/Dialect/DSCDialect.h"
#include "dsc/Dialect/Utils.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;

namespace dsc {

Operation *DSCDialect::materializeConstant(OpBuilder &builder, Attribute value,
                                           Type type, Location loc) {
  auto typed = dyn_cast<TypedAttr>(value);
  if (!typed || typed.getType() != type)
    return nullptr;
  return arith::ConstantOp::create(builder, loc, type, typed);
}

namespace {

int64_t elementBytes(Type t) {
  return t.isIntOrFloat() ? (t.getIntOrFloatBitWidth() + 7) / 8 : 0;
}

bool withinLimit(RankedTensorType t) {
  return t && t.hasStaticShape() && elementBytes(t.getElementType()) &&
         t.getNumElements() * elementBytes(t.getElementType()) <=
             kFoldLimitBytes;
}

/// For every element of `resultShape`, the linear index of the element of an
/// operand of `shape` that numpy broadcasting reads.
SmallVector<int64_t> broadcastIndices(ArrayRef<int64_t> shape,
                                      ArrayRef<int64_t> resultShape) {
  int64_t rank = resultShape.size(), off = rank - shape.size();
  SmallVector<int64_t> strides(rank, 0);
  int64_t stride = 1;
  for (int64_t d = shape.size() - 1; d >= 0; --d) {
    strides[off + d] = shape[d] == 1 ? 0 : stride;
    stride *= shape[d];
  }
  int64_t n = 1;
  for (int64_t s : resultShape)
    n *= s;
  SmallVector<int64_t> out(n), idx(rank, 0);
  int64_t lin = 0;
  for (int64_t i = 0; i < n; ++i) {
    out[i] = lin;
    for (int64_t d = rank - 1; d >= 0; --d) {
      lin += strides[d];
      if (++idx[d] < resultShape[d])
        break;
      lin -= strides[d] * idx[d];
      idx[d] = 0;
    }
  }
  return out;
}

bool isSplatOf(Attribute a, double value) {
  auto dense = dyn_cast_or_null<SplatElementsAttr>(a);
  if (!dense)
    return false;
  if (isa<FloatType>(dense.getElementType()))
    return dense.getSplatValue<APFloat>().convertToDouble() == value;
  if (isa<IntegerType>(dense.getElementType()))
    return dense.getSplatValue<APInt>().getSExtValue() ==
           static_cast<int64_t>(value);
  return false;
}

/// x op c -> x for the identity constant c of op (x keeps its type).
OpFoldResult foldIdentity(Operation *op, Attribute lhs, Attribute rhs) {
  Value l = op->getOperand(0), r = op->getOperand(1);
  Type t = op->getResult(0).getType();
  bool additive = isa<AddOp, SubOp>(op);
  double id = additive ? 0.0 : 1.0;
  if (!isa<AddOp, SubOp, MulOp, DivOp>(op))
    return {};
  if (l.getType() == t && isSplatOf(rhs, id))
    return l;
  if (isa<AddOp, MulOp>(op) && r.getType() == t && isSplatOf(lhs, id))
    return r;
  return {};
}

} // namespace

OpFoldResult foldBinary(Operation *op, Attribute lhs, Attribute rhs) {
  if (OpFoldResult id = foldIdentity(op, lhs, rhs))
    return id;
  auto l = dyn_cast_or_null<DenseElementsAttr>(lhs);
  auto r = dyn_cast_or_null<DenseElementsAttr>(rhs);
  auto type = dyn_cast<RankedTensorType>(op->getResult(0).getType());
  if (!l || !r || !withinLimit(type))
    return {};
  SmallVector<int64_t> li = broadcastIndices(l.getType().getShape(),
                                             type.getShape());
  SmallVector<int64_t> ri = broadcastIndices(r.getType().getShape(),
                                             type.getShape());
  int64_t n = type.getNumElements();
  if (isa<FloatType>(type.getElementType())) {
    auto lv = l.getValues<APFloat>(), rv = r.getValues<APFloat>();
    SmallVector<APFloat> out;
    out.reserve(n);
    for (int64_t i = 0; i < n; ++i) {
      APFloat a = lv[li[i]], b = rv[ri[i]];
      auto rm = APFloat::rmNearestTiesToEven;
      if (isa<AddOp>(op))
        a.add(b, rm);
      else if (isa<SubOp>(op))
        a.subtract(b, rm);
      else if (isa<MulOp>(op))
        a.multiply(b, rm);
      else if (isa<DivOp>(op))
        a.divide(b, rm);
      else
        return {};
      out.push_back(a);
    }
    return DenseElementsAttr::get(type, out);
  }
  if (!isa<IntegerType>(type.getElementType()))
    return {};
  auto lv = l.getValues<APInt>(), rv = r.getValues<APInt>();
  SmallVector<APInt> out;
  out.reserve(n);
  for (int64_t i = 0; i < n; ++i) {
    APInt a = lv[li[i]], b = rv[ri[i]];
    if (isa<AddOp>(op))
      out.push_back(a + b);
    else if (isa<SubOp>(op))
      out.push_back(a - b);
    else if (isa<MulOp>(op))
      out.push_back(a * b);
    else if (auto div = dyn_cast<DivOp>(op); div && !b.isZero())
      out.push_back(div.getIsUnsigned() ? a.udiv(b) : a.sdiv(b));
    else
      return {};
  }
  return DenseElementsAttr::get(type, out);
}

namespace {

/// Applies `fn` to every element of a float constant.
OpFoldResult mapFloat(Attribute input, Type resultType,
                      llvm::function_ref<APFloat(APFloat)> fn) {
  auto c = dyn_cast_or_null<DenseElementsAttr>(input);
  auto type = dyn_cast<RankedTensorType>(resultType);
  if (!c || !isa<FloatType>(c.getElementType()) || !withinLimit(type))
    return {};
  if (c.isSplat())
    return SplatElementsAttr::get(type, fn(c.getSplatValue<APFloat>()));
  SmallVector<APFloat> out;
  for (APFloat v : c.getValues<APFloat>())
    out.push_back(fn(v));
  return DenseElementsAttr::get(type, out);
}

APFloat clampTo(APFloat v, std::optional<APFloat> lo,
                std::optional<APFloat> hi) {
  if (lo && v < *lo)
    v = *lo;
  if (hi && *hi < v)
    v = *hi;
  return v;
}

std::optional<APFloat> bound(std::optional<APFloat> b, Type elem) {
  if (!b)
    return std::nullopt;
  bool lost;
  APFloat v = *b;
  v.convert(cast<FloatType>(elem).getFloatSemantics(),
            APFloat::rmNearestTiesToEven, &lost);
  return v;
}

} // namespace

OpFoldResult ReluOp::fold(FoldAdaptor adaptor) {
  return mapFloat(adaptor.getInput(), getType(), [](APFloat v) {
    return v.isNegative() ? APFloat::getZero(v.getSemantics()) : v;
  });
}

namespace {

/// Applies `onFloat` / `onInt` to every element of a float / integer
/// constant.
OpFoldResult mapNumeric(Attribute input, Type resultType,
                        llvm::function_ref<APFloat(APFloat)> onFloat,
                        llvm::function_ref<APInt(APInt)> onInt) {
  auto c = dyn_cast_or_null<DenseElementsAttr>(input);
  auto type = dyn_cast<RankedTensorType>(resultType);
  if (!c || !withinLimit(type))
    return {};
  if (isa<FloatType>(c.getElementType()))
    return mapFloat(input, resultType, onFloat);
  auto intType = dyn_cast<IntegerType>(c.getElementType());
  if (!intType || intType.getWidth() == 1)
    return {};
  if (c.isSplat())
    return SplatElementsAttr::get(type, onInt(c.getSplatValue<APInt>()));
  SmallVector<APInt> out;
  for (APInt v : c.getValues<APInt>())
    out.push_back(onInt(v));
  return DenseElementsAttr::get(type, out);
}

} // namespace

OpFoldResult NegOp::fold(FoldAdaptor adaptor) {
  return mapNumeric(
      adaptor.getInput(), getType(),
      [](APFloat v) {
        v.changeSign();
        return v;
      },
      [](APInt v) { return -v; });
}

OpFoldResult AbsOp::fold(FoldAdaptor adaptor) {
  return mapNumeric(
      adaptor.getInput(), getType(),
      [](APFloat v) {
        v.clearSign();
        return v;
      },
      [](APInt v) { return v.abs(); });
}

OpFoldResult ClipOp::fold(FoldAdaptor adaptor) {
  Type elem = getType().getElementType();
  std::optional<APFloat> lo, hi;
  if (auto m = getMin())
    lo = bound(*m, elem);
  if (auto m = getMax())
    hi = bound(*m, elem);
  return mapFloat(adaptor.getInput(), getType(),
                  [&](APFloat v) { return clampTo(v, lo, hi); });
}

OpFoldResult ReshapeOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType())
    return getInput();
  if (auto prev = getInput().getDefiningOp<ReshapeOp>()) {
    getInputMutable().assign(prev.getInput());
    return getResult();
  }
  auto c = dyn_cast_or_null<DenseElementsAttr>(adaptor.getInput());
  if (c && withinLimit(getType()))
    return c.reshape(getType());
  return {};
}

OpFoldResult TransposeOp::fold(FoldAdaptor adaptor) {
  ArrayRef<int64_t> perm = getPerm();
  if (llvm::equal(perm, llvm::seq<int64_t>(0, perm.size())))
    return getInput();
  if (auto prev = getInput().getDefiningOp<TransposeOp>()) {
    // result[i] = prev[perm[i]] = x[prevPerm[perm[i]]].
    SmallVector<int64_t> composed;
    for (int64_t p : perm)
      composed.push_back(prev.getPerm()[p]);
    getInputMutable().assign(prev.getInput());
    setPerm(composed);
    return getResult();
  }
  auto c = dyn_cast_or_null<DenseElementsAttr>(adaptor.getInput());
  auto type = getType();
  if (!c || !withinLimit(type))
    return {};
  return transposeDense(c, c.getType().getShape(), perm, type);
}

OpFoldResult ConcatOp::fold(FoldAdaptor adaptor) {
  auto type = getType();
  // Operands of zero elements add nothing (a non-empty result means they
  // are empty along the axis): drop them, in place.
  if (type.getNumElements() > 0) {
    bool dropped = false;
    for (int i = getInputs().size() - 1; i >= 0; --i)
      if (cast<RankedTensorType>(getInputs()[i].getType()).getNumElements() ==
          0) {
        getInputsMutable().erase(i);
        dropped = true;
      }
    if (dropped && !(getInputs().size() == 1 &&
                     getInputs()[0].getType() == getType()))
      return getResult();
  }
  if (getInputs().size() == 1 && getInputs()[0].getType() == getType())
    return getInputs()[0];
  if (!withinLimit(type))
    return {};
  SmallVector<DenseElementsAttr> parts;
  for (Attribute a : adaptor.getInputs()) {
    auto c = dyn_cast_or_null<DenseElementsAttr>(a);
    if (!c)
      return {};
    parts.push_back(c);
  }
  int64_t axis = getAxis(), eb = elementBytes(type.getElementType());
  if (type.getElementType().isInteger(1))
    return {};
  int64_t outer = 1;
  for (int64_t d = 0; d < axis; ++d)
    outer *= type.getDimSize(d);
  std::vector<char> out;
  out.reserve(type.getNumElements() * eb);
  for (int64_t o = 0; o < outer; ++o)
    for (DenseElementsAttr c : parts) {
      int64_t chunk = c.getType().getNumElements() / outer;
      if (c.isSplat()) {
        // A splat's raw data is one element.
        ArrayRef<char> one = c.getRawData();
        for (int64_t i = 0; i < chunk; ++i)
          out.insert(out.end(), one.begin(), one.begin() + eb);
        continue;
      }
      ArrayRef<char> raw = c.getRawData();
      out.insert(out.end(), raw.begin() + o * chunk * eb,
                 raw.begin() + (o + 1) * chunk * eb);
    }
  return DenseElementsAttr::getFromRawBuffer(type, out);
}

//===----------------------------------------------------------------------===//
// Comparisons, logical ops, Mod, Not and Where on constants
//===----------------------------------------------------------------------===//

namespace {

struct BroadcastOperands {
  DenseElementsAttr lhs, rhs;
  SmallVector<int64_t> lhsIndex, rhsIndex;
  RankedTensorType type;
};

/// Both operands constant and the result small enough: their elements'
/// indices for every result element (numpy broadcasting).
std::optional<BroadcastOperands> broadcastConstants(Operation *op,
                                                    Attribute lhs,
                                                    Attribute rhs) {
  auto l = dyn_cast_or_null<DenseElementsAttr>(lhs);
  auto r = dyn_cast_or_null<DenseElementsAttr>(rhs);
  auto type = dyn_cast<RankedTensorType>(op->getResult(0).getType());
  if (!l || !r || !withinLimit(type) ||
      l.getElementType() != r.getElementType())
    return std::nullopt;
  return BroadcastOperands{
      l, r, broadcastIndices(l.getType().getShape(), type.getShape()),
      broadcastIndices(r.getType().getShape(), type.getShape()), type};
}

/// A comparison: `pred` of the ordering of each pair (unordered for NaN).
/// Integers compare signed unless the op reads them as unsigned; bools as
/// 0 < 1.
OpFoldResult foldCompare(Operation *op, Attribute lhs, Attribute rhs,
                         llvm::function_ref<bool(APFloat::cmpResult)> pred) {
  std::optional<BroadcastOperands> c = broadcastConstants(op, lhs, rhs);
  if (!c)
    return {};
  int64_t n = c->type.getNumElements();
  SmallVector<bool> out;
  out.reserve(n);
  Type elem = c->lhs.getElementType();
  if (isa<FloatType>(elem)) {
    auto lv = c->lhs.getValues<APFloat>(), rv = c->rhs.getValues<APFloat>();
    for (int64_t i = 0; i < n; ++i)
      out.push_back(pred(lv[c->lhsIndex[i]].compare(rv[c->rhsIndex[i]])));
  } else if (isa<IntegerType>(elem)) {
    bool isUnsigned = op->hasAttr("is_unsigned") || elem.isInteger(1);
    auto lv = c->lhs.getValues<APInt>(), rv = c->rhs.getValues<APInt>();
    for (int64_t i = 0; i < n; ++i) {
      APInt a = lv[c->lhsIndex[i]], b = rv[c->rhsIndex[i]];
      APFloat::cmpResult cmp = a == b ? APFloat::cmpEqual
                               : (isUnsigned ? a.ult(b) : a.slt(b))
                                   ? APFloat::cmpLessThan
                                   : APFloat::cmpGreaterThan;
      out.push_back(pred(cmp));
    }
  } else {
    return {};
  }
  return DenseElementsAttr::get(c->type, ArrayRef<bool>(out));
}

/// An integer (or bool) op of two operands; `fn` gives nullopt where the
/// result is undefined (division by zero), which leaves the op unfolded.
OpFoldResult
foldIntBinary(Operation *op, Attribute lhs, Attribute rhs,
              llvm::function_ref<std::optional<APInt>(APInt, APInt)> fn) {
  std::optional<BroadcastOperands> c = broadcastConstants(op, lhs, rhs);
  if (!c || !isa<IntegerType>(c->lhs.getElementType()) ||
      c->type.getElementType() != c->lhs.getElementType())
    return {};
  int64_t n = c->type.getNumElements();
  auto lv = c->lhs.getValues<APInt>(), rv = c->rhs.getValues<APInt>();
  SmallVector<APInt> out;
  out.reserve(n);
  for (int64_t i = 0; i < n; ++i) {
    std::optional<APInt> v = fn(lv[c->lhsIndex[i]], rv[c->rhsIndex[i]]);
    if (!v)
      return {};
    out.push_back(*v);
  }
  return DenseElementsAttr::get(c->type, out);
}

using CmpResult = APFloat::cmpResult;

} // namespace

OpFoldResult EqualOp::fold(FoldAdaptor adaptor) {
  return foldCompare(*this, adaptor.getLhs(), adaptor.getRhs(),
                     [](CmpResult r) { return r == APFloat::cmpEqual; });
}

OpFoldResult LessOp::fold(FoldAdaptor adaptor) {
  return foldCompare(*this, adaptor.getLhs(), adaptor.getRhs(),
                     [](CmpResult r) { return r == APFloat::cmpLessThan; });
}

OpFoldResult LessEqualOp::fold(FoldAdaptor adaptor) {
  return foldCompare(*this, adaptor.getLhs(), adaptor.getRhs(),
                     [](CmpResult r) {
                       return r == APFloat::cmpLessThan ||
                              r == APFloat::cmpEqual;
                     });
}

OpFoldResult GreaterOp::fold(FoldAdaptor adaptor) {
  return foldCompare(*this, adaptor.getLhs(), adaptor.getRhs(),
                     [](CmpResult r) { return r == APFloat::cmpGreaterThan; });
}

OpFoldResult GreaterEqualOp::fold(FoldAdaptor adaptor) {
  return foldCompare(*this, adaptor.getLhs(), adaptor.getRhs(),
                     [](CmpResult r) {
                       return r == APFloat::cmpGreaterThan ||
                              r == APFloat::cmpEqual;
                     });
}

OpFoldResult AndOp::fold(FoldAdaptor adaptor) {
  return foldIntBinary(*this, adaptor.getLhs(), adaptor.getRhs(),
                       [](APInt a, APInt b) -> std::optional<APInt> {
                         return a & b;
                       });
}

OpFoldResult OrOp::fold(FoldAdaptor adaptor) {
  return foldIntBinary(*this, adaptor.getLhs(), adaptor.getRhs(),
                       [](APInt a, APInt b) -> std::optional<APInt> {
                         return a | b;
                       });
}

OpFoldResult XorOp::fold(FoldAdaptor adaptor) {
  return foldIntBinary(*this, adaptor.getLhs(), adaptor.getRhs(),
                       [](APInt a, APInt b) -> std::optional<APInt> {
                         return a ^ b;
                       });
}

OpFoldResult ModOp::fold(FoldAdaptor adaptor) {
  bool truncated = getFmod(), isUnsigned = getIsUnsigned();
  return foldIntBinary(*this, adaptor.getLhs(), adaptor.getRhs(),
                       [&](APInt a, APInt b) -> std::optional<APInt> {
                         if (b.isZero())
                           return std::nullopt;
                         if (isUnsigned)
                           return a.urem(b);
                         APInt r = a.srem(b);
                         // Python's %: the remainder takes the divisor's
                         // sign.
                         if (!truncated && !r.isZero() &&
                             r.isNegative() != b.isNegative())
                           r += b;
                         return r;
                       });
}

OpFoldResult NotOp::fold(FoldAdaptor adaptor) {
  // Logical not of bools, bitwise not of integers.
  auto c = dyn_cast_or_null<DenseElementsAttr>(adaptor.getInput());
  if (!c || !isa<IntegerType>(c.getElementType()) || !withinLimit(getType()))
    return {};
  SmallVector<APInt> out;
  for (APInt v : c.getValues<APInt>())
    out.push_back(~v);
  return DenseElementsAttr::get(getType(), out);
}

OpFoldResult WhereOp::fold(FoldAdaptor adaptor) {
  auto cond = dyn_cast_or_null<DenseElementsAttr>(adaptor.getCondition());
  if (!cond)
    return {};
  // A uniform condition selects one operand when it needs no broadcast.
  if (cond.isSplat()) {
    Value chosen = cond.getSplatValue<bool>() ? getX() : getY();
    if (chosen.getType() == getType())
      return chosen;
  }
  auto x = dyn_cast_or_null<DenseElementsAttr>(adaptor.getX());
  auto y = dyn_cast_or_null<DenseElementsAttr>(adaptor.getY());
  RankedTensorType type = getType();
  if (!x || !y || !withinLimit(type) ||
      x.getElementType() != type.getElementType())
    return {};
  ArrayRef<int64_t> shape = type.getShape();
  SmallVector<int64_t> ci = broadcastIndices(cond.getType().getShape(), shape),
                       xi = broadcastIndices(x.getType().getShape(), shape),
                       yi = broadcastIndices(y.getType().getShape(), shape);
  auto cv = cond.getValues<bool>();
  SmallVector<Attribute> out;
  auto xv = x.getValues<Attribute>(), yv = y.getValues<Attribute>();
  for (int64_t i = 0, n = type.getNumElements(); i < n; ++i)
    out.push_back(cv[ci[i]] ? xv[xi[i]] : yv[yi[i]]);
  return DenseElementsAttr::get(type, out);
}

} // namespace dsc
