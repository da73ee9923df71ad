//===- FusePatterns.cpp - decomposed subgraphs into named dsc ops ---------===//
//
// Exporters spell GELU, LayerNormalization, Softmax and attention as chains
// of primitive ops. These patterns recognize the chains (in the forms
// exporters emit, with either operand order of commutative ops) and replace
// them with dsc.gelu, dsc.layer_norm, dsc.softmax and dsc.attention, so that
// code generation sees one op where the model had five to ten. Every
// intermediate value of a matched chain must have no use outside it.
//
//===----------------------------------------------------------------------===//
#include "dsc/Dialect/DSCDialect.h"
#include "dsc/Passes/Fusion/Passes.h"

#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cmath>

using namespace mlir;

namespace dsc {
#define GEN_PASS_DEF_DSCFUSEPATTERNS
#include "dsc/Passes/Fusion/Passes.h.inc"

namespace {

/// The value of a float constant whose elements are all equal.
std::optional<double> splatValue(Value v) {
  DenseElementsAttr a;
  if (!v || !matchPattern(v, m_Constant(&a)) ||
      !isa<FloatType>(a.getElementType()) || !a.isSplat())
    return std::nullopt;
  return a.getSplatValue<APFloat>().convertToDouble();
}

bool isSplat(Value v, double want, double relTol = 1e-4) {
  std::optional<double> got = splatValue(v);
  return got && std::abs(*got - want) <= relTol * std::abs(want);
}

/// For a binary op, the operand other than one satisfying `pred` (trying
/// both orders when `commutative`).
template <typename OpT>
Value otherThan(OpT op, llvm::function_ref<bool(Value)> pred,
                bool commutative = true) {
  if (pred(op.getRhs()))
    return op.getLhs();
  if (commutative && pred(op.getLhs()))
    return op.getRhs();
  return {};
}

bool usedOnlyBy(Value v, ArrayRef<Operation *> users) {
  return llvm::all_of(v.getUsers(), [&](Operation *u) {
    return llvm::is_contained(users, u);
  });
}

bool isFloatTensor(Value v) {
  auto t = dyn_cast<RankedTensorType>(v.getType());
  return t && isa<FloatType>(t.getElementType());
}

//===----------------------------------------------------------------------===//
// GELU
//===----------------------------------------------------------------------===//

/// x^3 as pow(x, 3), x * (x * x) or (x * x) * x; returns x.
Value matchCube(Value v) {
  if (auto pow = v.getDefiningOp<PowOp>())
    return isSplat(pow.getExponent(), 3.0) ? pow.getBase() : Value();
  auto mul = v.getDefiningOp<MulOp>();
  if (!mul)
    return {};
  for (auto [a, b] : {std::pair(mul.getLhs(), mul.getRhs()),
                      std::pair(mul.getRhs(), mul.getLhs())}) {
    auto sq = b.getDefiningOp<MulOp>();
    if (sq && sq.getLhs() == a && sq.getRhs() == a && sq->hasOneUse())
      return a;
  }
  return {};
}

/// `1 + inner(x)` where inner is erf(x / sqrt 2) or erf(x * 1/sqrt 2)
/// ("none") or tanh(sqrt(2/pi) * (x + 0.044715 x^3)) ("tanh"); returns x and
/// the form.
std::optional<std::pair<Value, StringRef>> matchGeluCore(Value p) {
  auto add = p.getDefiningOp<AddOp>();
  if (!add || !add->hasOneUse())
    return std::nullopt;
  Value t = otherThan(add, [](Value v) { return isSplat(v, 1.0); });
  if (!t || !t.hasOneUse())
    return std::nullopt;
  if (auto erf = t.getDefiningOp<ErfOp>()) {
    Value u = erf.getInput();
    if (!u.hasOneUse())
      return std::nullopt;
    if (auto div = u.getDefiningOp<DivOp>();
        div && isSplat(div.getRhs(), std::sqrt(2.0)))
      return std::pair(div.getLhs(), StringRef("none"));
    if (auto mul = u.getDefiningOp<MulOp>())
      if (Value x =
              otherThan(mul, [](Value v) { return isSplat(v, M_SQRT1_2); }))
        return std::pair(x, StringRef("none"));
    return std::nullopt;
  }
  auto tanh = t.getDefiningOp<TanhOp>();
  if (!tanh || !tanh.getInput().hasOneUse())
    return std::nullopt;
  auto scaled = tanh.getInput().getDefiningOp<MulOp>();
  if (!scaled)
    return std::nullopt;
  Value inner = otherThan(
      scaled, [](Value v) { return isSplat(v, std::sqrt(2.0 / M_PI)); });
  auto sum = inner ? inner.getDefiningOp<AddOp>() : AddOp();
  if (!sum || !inner.hasOneUse())
    return std::nullopt;
  for (auto [x, term] : {std::pair(sum.getLhs(), sum.getRhs()),
                         std::pair(sum.getRhs(), sum.getLhs())}) {
    auto cubic = term.getDefiningOp<MulOp>();
    if (!cubic || !term.hasOneUse())
      continue;
    Value cube = otherThan(cubic, [](Value v) { return isSplat(v, 0.044715); });
    if (cube && cube.hasOneUse() && matchCube(cube) == x)
      return std::pair(x, StringRef("tanh"));
  }
  return std::nullopt;
}

/// The factors of a product tree of single-use muls (at most two levels).
void productLeaves(Value v, bool isRoot, int depth,
                   SmallVectorImpl<Value> &leaves) {
  auto mul = v.getDefiningOp<MulOp>();
  if (mul && depth < 2 && (isRoot || v.hasOneUse())) {
    productLeaves(mul.getLhs(), false, depth + 1, leaves);
    productLeaves(mul.getRhs(), false, depth + 1, leaves);
    return;
  }
  leaves.push_back(v);
}

/// x * 0.5 * (1 + inner(x)), any association of the three factors.
struct FuseGelu : OpRewritePattern<MulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MulOp root,
                                PatternRewriter &rewriter) const override {
    if (!isFloatTensor(root.getResult()))
      return failure();
    SmallVector<Value> leaves;
    productLeaves(root.getResult(), true, 0, leaves);
    if (leaves.size() != 3)
      return failure();
    for (int half = 0; half < 3; ++half) {
      if (!isSplat(leaves[half], 0.5))
        continue;
      for (int core = 0; core < 3; ++core) {
        if (core == half)
          continue;
        auto matched = matchGeluCore(leaves[core]);
        Value x = leaves[3 - half - core];
        if (!matched || matched->first != x || x.getType() != root.getType())
          continue;
        rewriter.replaceOpWithNewOp<GeluOp>(
            root, root.getType(), x, rewriter.getStringAttr(matched->second));
        return success();
      }
    }
    return failure();
  }
};

//===----------------------------------------------------------------------===//
// LayerNormalization and Softmax
//===----------------------------------------------------------------------===//

/// A keepdims reduction of `kind` over the trailing axes [axis, rank).
std::optional<int64_t> trailingReduce(Value v, StringRef kind) {
  auto r = v.getDefiningOp<ReduceOp>();
  if (!r || r.getKind() != kind || !r.getKeepdims())
    return std::nullopt;
  int64_t rank = cast<RankedTensorType>(r.getInput().getType()).getRank();
  ArrayRef<int64_t> axes = r.getAxes();
  if (axes.empty())
    return std::nullopt;
  for (auto [i, a] : llvm::enumerate(axes))
    if (a != rank - static_cast<int64_t>(axes.size()) +
                 static_cast<int64_t>(i))
      return std::nullopt;
  return axes.front();
}

/// A constant that broadcasts over the trailing shape only, reshaped to it.
Value trailingConstant(PatternRewriter &rewriter, Location loc, Value c,
                       ArrayRef<int64_t> trailing) {
  DenseElementsAttr a;
  if (!c || !matchPattern(c, m_Constant(&a)))
    return {};
  auto type = RankedTensorType::get(trailing, a.getElementType());
  if (a.isSplat())
    return arith::ConstantOp::create(
        rewriter, loc,
        SplatElementsAttr::get(type, a.getSplatValue<Attribute>()));
  if (a.getNumElements() != type.getNumElements())
    return {};
  // Only leading 1s may be dropped (numpy alignment is from the right).
  ArrayRef<int64_t> shape = a.getType().getShape();
  int64_t extra = shape.size() - trailing.size();
  if (extra < 0 ||
      !llvm::all_of(shape.take_front(extra), [](int64_t d) { return d == 1; }))
    return {};
  return arith::ConstantOp::create(rewriter, loc, a.reshape(type));
}

/// (x - mean(x)) / sqrt(mean((x - mean(x))^2) + eps) [* gamma] [+ beta]
/// over trailing axes, rooted at the division.
struct FuseLayerNorm : OpRewritePattern<DivOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(DivOp div,
                                PatternRewriter &rewriter) const override {
    Value d = div.getLhs();
    auto center = d.getDefiningOp<SubOp>();
    if (!center || !isFloatTensor(d) || d.getType() != div.getType())
      return failure();
    Value x = center.getLhs();
    auto meanAxis = trailingReduce(center.getRhs(), "mean");
    if (!meanAxis || center.getRhs().getDefiningOp()->getOperand(0) != x ||
        !center.getRhs().hasOneUse() || x.getType() != d.getType())
      return failure();
    auto sqrt = div.getRhs().getDefiningOp<SqrtOp>();
    if (!sqrt || !div.getRhs().hasOneUse())
      return failure();
    auto addEps = sqrt.getInput().getDefiningOp<AddOp>();
    if (!addEps || !sqrt.getInput().hasOneUse())
      return failure();
    Value var;
    std::optional<double> eps;
    for (auto [a, b] : {std::pair(addEps.getLhs(), addEps.getRhs()),
                        std::pair(addEps.getRhs(), addEps.getLhs())})
      if ((eps = splatValue(b))) {
        var = a;
        break;
      }
    if (!var || !var.hasOneUse() || trailingReduce(var, "mean") != meanAxis)
      return failure();
    Value sq = var.getDefiningOp()->getOperand(0);
    Operation *sqOp = sq.getDefiningOp();
    if (!sqOp || !sq.hasOneUse())
      return failure();
    bool isSquare =
        (isa<PowOp>(sqOp) && sqOp->getOperand(0) == d &&
         isSplat(sqOp->getOperand(1), 2.0)) ||
        (isa<MulOp>(sqOp) && sqOp->getOperand(0) == d &&
         sqOp->getOperand(1) == d);
    if (!isSquare || !usedOnlyBy(d, {sqOp, div}))
      return failure();

    // Optional affine tail: * gamma, then + beta (constants over the
    // normalized dimensions).
    auto type = cast<RankedTensorType>(div.getType());
    ArrayRef<int64_t> trailing = type.getShape().drop_front(*meanAxis);
    Location loc = div.getLoc();
    Operation *last = div;
    Value gamma, beta;
    if (div->hasOneUse())
      if (auto mul = dyn_cast<MulOp>(*div->user_begin());
          mul && mul.getType() == type) {
        Value g = mul.getLhs() == div.getResult() ? mul.getRhs()
                                                  : mul.getLhs();
        if ((gamma = trailingConstant(rewriter, loc, g, trailing)))
          last = mul;
      }
    if (last->hasOneUse())
      if (auto add = dyn_cast<AddOp>(*last->user_begin());
          add && add.getType() == type) {
        Value b = add.getLhs() == last->getResult(0) ? add.getRhs()
                                                      : add.getLhs();
        if ((beta = trailingConstant(rewriter, loc, b, trailing)))
          last = add;
      }
    if (!gamma)
      gamma = arith::ConstantOp::create(
          rewriter, loc,
          SplatElementsAttr::get(
              RankedTensorType::get(trailing, type.getElementType()),
              rewriter.getFloatAttr(type.getElementType(), 1.0)));
    rewriter.setInsertionPoint(last);
    rewriter.replaceOpWithNewOp<LayerNormOp>(
        last, type, x, gamma, beta, rewriter.getI64IntegerAttr(*meanAxis),
        rewriter.getF64FloatAttr(*eps));
    return success();
  }
};

/// exp(x - max(x)) / sum(exp(x - max(x))) (or without the max) along one
/// axis, rooted at the division.
struct FuseSoftmax : OpRewritePattern<DivOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(DivOp div,
                                PatternRewriter &rewriter) const override {
    Value e = div.getLhs();
    auto exp = e.getDefiningOp<ExpOp>();
    auto sum = div.getRhs().getDefiningOp<ReduceOp>();
    if (!exp || !sum || sum.getKind() != "sum" || !sum.getKeepdims() ||
        sum.getAxes().size() != 1 || sum.getInput() != e ||
        !div.getRhs().hasOneUse() || e.getType() != div.getType() ||
        !usedOnlyBy(e, {sum, div}))
      return failure();
    int64_t axis = sum.getAxes()[0];
    Value x = exp.getInput();
    if (auto sub = x.getDefiningOp<SubOp>(); sub && x.hasOneUse()) {
      auto max = sub.getRhs().getDefiningOp<ReduceOp>();
      if (max && max.getKind() == "max" && max.getKeepdims() &&
          max.getAxes() == ArrayRef<int64_t>{axis} &&
          max.getInput() == sub.getLhs() && sub.getRhs().hasOneUse())
        x = sub.getLhs();
    }
    if (x.getType() != div.getType())
      return failure();
    rewriter.replaceOpWithNewOp<SoftmaxOp>(div, div.getType(), x,
                                           rewriter.getI64IntegerAttr(axis));
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Attention
//===----------------------------------------------------------------------===//

/// The structure of a constant additive mask over [Sq, Sk] (leading dims 1):
/// causal or a sliding window, with the one value masked scores receive.
struct MaskShape {
  StringRef kind;
  double value = 0;
  int64_t window = 0;
};

std::optional<MaskShape> structuralMask(Value mask, int64_t sq, int64_t sk) {
  DenseElementsAttr a;
  if (!matchPattern(mask, m_Constant(&a)) || a.isSplat() ||
      !isa<FloatType>(a.getElementType()))
    return std::nullopt;
  ArrayRef<int64_t> shape = a.getType().getShape();
  if (shape.size() < 2 || shape[shape.size() - 2] != sq ||
      shape.back() != sk ||
      !llvm::all_of(shape.drop_back(2), [](int64_t d) { return d == 1; }))
    return std::nullopt;
  auto values = a.getValues<APFloat>();
  std::optional<double> masked;
  int64_t off = sk - sq;
  // Per query row, unmasked keys must be one band [lo, i + off] of zeros;
  // every other entry is the same large negative value.
  SmallVector<int64_t> los;
  for (int64_t i = 0; i < sq; ++i) {
    int64_t lo = -1;
    for (int64_t j = 0; j < sk; ++j) {
      double v = values[i * sk + j].convertToDouble();
      bool open = j <= i + off;
      if (open && v == 0.0) {
        if (lo < 0)
          lo = j;
        continue;
      }
      if (open && lo >= 0)
        return std::nullopt; // a hole inside the band
      if (v == 0.0 || (masked && *masked != v) || !(v < -1e3))
        return std::nullopt;
      masked = v;
    }
    if (lo < 0)
      return std::nullopt;
    los.push_back(lo);
  }
  if (!masked)
    return std::nullopt;
  // A window w opens keys [max(0, i + off - w + 1), i + off].
  int64_t window = 0;
  for (int64_t i = 0; i < sq; ++i)
    if (los[i] > 0)
      window = i + off - los[i] + 1;
  for (int64_t i = 0; i < sq && window; ++i)
    if (los[i] != std::max<int64_t>(0, i + off - window + 1))
      return std::nullopt;
  return MaskShape{window ? "sliding_window" : "causal", *masked, window};
}

/// matmul(softmax(add(scale(matmul(q, k)), mask?), last), v).
struct FuseAttention : OpRewritePattern<MatMulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MatMulOp out,
                                PatternRewriter &rewriter) const override {
    auto softmax = out.getLhs().getDefiningOp<SoftmaxOp>();
    if (!softmax || !out.getLhs().hasOneUse())
      return failure();
    auto sType = cast<RankedTensorType>(softmax.getType());
    int64_t rank = sType.getRank();
    if (rank < 2 || softmax.getAxis() != rank - 1)
      return failure();
    Value z = softmax.getInput(), mask;
    if (auto add = z.getDefiningOp<AddOp>(); add && z.hasOneUse()) {
      // The scores side leads back to a matmul (possibly scaled).
      auto leadsToScores = [](Value v) {
        Operation *def = v.getDefiningOp();
        return isa_and_nonnull<MatMulOp, MulOp, DivOp>(def);
      };
      if (leadsToScores(add.getLhs()) && add.getLhs().getType() == sType) {
        z = add.getLhs();
        mask = add.getRhs();
      } else if (leadsToScores(add.getRhs()) &&
                 add.getRhs().getType() == sType) {
        z = add.getRhs();
        mask = add.getLhs();
      } else {
        return failure();
      }
      if (!z.hasOneUse())
        return failure();
    }
    double scale = 1.0;
    if (auto mul = z.getDefiningOp<MulOp>()) {
      Value s = otherThan(mul, [](Value v) { return splatValue(v).has_value(); });
      if (!s || !z.hasOneUse())
        return failure();
      scale = *splatValue(mul.getLhs() == s ? mul.getRhs() : mul.getLhs());
      z = s;
    } else if (auto div = z.getDefiningOp<DivOp>()) {
      std::optional<double> c = splatValue(div.getRhs());
      if (!c || *c == 0.0 || !z.hasOneUse())
        return failure();
      scale = 1.0 / *c;
      z = div.getLhs();
    }
    auto scores = z.getDefiningOp<MatMulOp>();
    if (!scores || !z.hasOneUse() || z.getType() != sType)
      return failure();
    Value q = scores.getLhs(), k = scores.getRhs(), v = out.getRhs();
    auto qt = cast<RankedTensorType>(q.getType());
    auto kt = cast<RankedTensorType>(k.getType());
    auto vt = cast<RankedTensorType>(v.getType());
    if (qt.getRank() != rank || kt.getRank() != rank || vt.getRank() != rank ||
        qt.getShape().drop_back(2) != kt.getShape().drop_back(2) ||
        qt.getShape().drop_back(2) != vt.getShape().drop_back(2))
      return failure();

    StringRef kind = "none";
    double maskValue = 0.0;
    int64_t window = 0;
    if (mask) {
      if (auto s = structuralMask(mask, sType.getDimSize(rank - 2),
                                  sType.getDimSize(rank - 1))) {
        kind = s->kind;
        maskValue = s->value;
        window = s->window;
        mask = Value();
      }
    }
    rewriter.replaceOpWithNewOp<AttentionOp>(
        out, out.getType(), q, k, v, mask, rewriter.getF64FloatAttr(scale),
        rewriter.getStringAttr(kind), rewriter.getF64FloatAttr(maskValue),
        rewriter.getI64IntegerAttr(window),
        rewriter.getI64IntegerAttr(sType.getDimSize(rank - 1) -
                                   sType.getDimSize(rank - 2)));
    return success();
  }
};

struct FusePatternsPass : impl::DSCFusePatternsBase<FusePatternsPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FuseGelu, FuseLayerNorm, FuseSoftmax, FuseAttention>(
        &getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
} // namespace dsc
