//===- ApproximateMath.cpp - inline polynomial exp/tanh/erf ---------------===//
//
// Without this, every f32 exp, tanh and erf is a libm call per element:
// LLVM cannot vectorize the loop around it, and EfficientNet-B0 (SiLU)
// spent 35% of its time in glibc's expf. Upstream's polynomial
// approximations are arithmetic only, so the loops vectorize (and the
// contraction kernels' vector epilogues stay in registers).
//
//===----------------------------------------------------------------------===//
#include "dsc/Target/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cmath>

using namespace mlir;

namespace dsc {
#define GEN_PASS_DEF_DSCAPPROXIMATEMATH
#include "dsc/Target/Passes.h.inc"

namespace {

/// f32 erf as one rational function of the clamped argument, p(x) / q(x)
/// with p odd of degree 13 and q even of degree 8 (the coefficients of
/// Eigen's and XLA's f32 erf): 7 + 5 multiply-adds and one division, within
/// 4.5e-7 of erf over the whole range (2.5e-7 relative for tiny arguments;
/// checked against libm on 2M points). Upstream's approximation picks one
/// of several rational pieces per element, about twice the arithmetic; a
/// transformer's GELU spends a third of its FFN time there.
struct RationalErf : OpRewritePattern<math::ErfOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(math::ErfOp op,
                                PatternRewriter &rewriter) const override {
    Type type = op.getType();
    if (!getElementTypeOrSelf(type).isF32())
      return failure();
    Location loc = op.getLoc();
    auto cst = [&](double v) -> Value {
      Attribute f = rewriter.getF32FloatAttr(float(v));
      if (auto vec = dyn_cast<VectorType>(type))
        return arith::ConstantOp::create(
            rewriter, loc, DenseElementsAttr::get(vec, f));
      return arith::ConstantOp::create(rewriter, loc, cast<TypedAttr>(f));
    };
    auto fma = [&](Value a, Value b, Value c) -> Value {
      return math::FmaOp::create(rewriter, loc, a, b, c);
    };
    // erf(c x) of a constant c > 0 (GELU's erf(x / sqrt 2)): c goes into
    // the coefficients (the k-th power of x^2 scaled by c^2k, the numerator
    // by c once more) and the clamp, one multiply less per element.
    Value arg = op.getOperand();
    double c = 1.0;
    if (auto mul = arg.getDefiningOp<arith::MulFOp>()) {
      for (int i = 0; i < 2; ++i) {
        FloatAttr f;
        SplatElementsAttr splat;
        Value factor = mul->getOperand(i);
        if (matchPattern(factor, m_Constant(&splat)))
          f = dyn_cast<FloatAttr>(splat.getSplatValue<Attribute>());
        else
          matchPattern(factor, m_Constant(&f));
        if (f && f.getValueAsDouble() > 0 &&
            std::isfinite(f.getValueAsDouble())) {
          c = f.getValueAsDouble();
          arg = mul->getOperand(1 - i);
          break;
        }
      }
    }
    // erf is +-1 in f32 beyond |c x| = 4; the clamp keeps NaN (and, nsz,
    // is one vmaxps and one vminps: see ScalefExp).
    arith::FastMathFlags nsz = arith::FastMathFlags::nsz;
    Value x = arith::MinimumFOp::create(
        rewriter, loc,
        arith::MaximumFOp::create(rewriter, loc, arg, cst(-4.0 / c), nsz),
        cst(4.0 / c), nsz);
    Value x2 = arith::MulFOp::create(rewriter, loc, x, x);
    static constexpr double alpha[] = {
        -2.72614225801306e-10, 2.77068142495902e-08, -2.10102402082508e-06,
        -5.69250639462346e-05, -7.34990630326855e-04, -2.95459980854025e-03,
        -1.60960333262415e-02};
    static constexpr double beta[] = {
        -1.45660718464996e-05, -2.13374055278905e-04, -1.68282697438203e-03,
        -7.37332916720468e-03, -1.42647390514189e-02};
    // alpha[i] multiplies x^(2 (6 - i)) (times x), beta[i] x^(2 (4 - i)).
    Value p = cst(alpha[0] * std::pow(c, 13));
    for (int i = 1; i < 7; ++i)
      p = fma(x2, p, cst(alpha[i] * std::pow(c, 2 * (6 - i) + 1)));
    p = arith::MulFOp::create(rewriter, loc, x, p);
    Value q = cst(beta[0] * std::pow(c, 8));
    for (int i = 1; i < 5; ++i)
      q = fma(x2, q, cst(beta[i] * std::pow(c, 2 * (4 - i))));
    rewriter.replaceOpWithNewOp<arith::DivFOp>(op, p, q);
    return success();
  }
};

/// f32 exp on AVX-512: k = round(x log2 e) by adding and subtracting
/// 1.5 * 2^23 (one FMA and a subtract, no vrndscaleps), r = x - k ln 2 (in
/// Cephes' two parts), exp(r) as a degree-6 polynomial in Horner form (6
/// FMAs; fitted to exp's relative error on [-ln 2 / 2, ln 2 / 2], 2e-9 in
/// exact arithmetic), and the result exp(r) * 2^k by one vscalefps (through
/// llvm.ldexp for vectors that are not whole zmm registers), which
/// covers the whole exponent range: 0 below -104 (2^-150 rounds to zero),
/// infinity above 89, denormals between, no exponent arithmetic. 13 vector
/// instructions (the clamp's 2, k's 2, r's 2, the polynomial's 6, the
/// scaling) against upstream's 20 and Cephes' expf's 17 (1 + r + r^2 p(r)
/// with p of degree 5: 5 FMAs, a multiply, an FMA and an add), within 1.05
/// ulp of the exact exp on 5M points of [-104, 89] (Cephes' 0.99). NaN
/// propagates through the clamp (its max and min take x as the operand
/// returned on NaN), and x = +-inf is clamped first. Only where vscalefps
/// exists: elsewhere LLVM expands a vector ldexp into libm calls.
struct ScalefExp : OpRewritePattern<math::ExpOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(math::ExpOp op,
                                PatternRewriter &rewriter) const override {
    Type type = op.getType();
    auto vec = dyn_cast<VectorType>(type);
    if (!getElementTypeOrSelf(type).isF32() ||
        (vec && (vec.getRank() != 1 || vec.isScalable())))
      return failure();
    Location loc = op.getLoc();
    auto cst = [&](double v) -> Value {
      Attribute f = rewriter.getF32FloatAttr(float(v));
      if (vec)
        return arith::ConstantOp::create(rewriter, loc,
                                         DenseElementsAttr::get(vec, f));
      return arith::ConstantOp::create(rewriter, loc, cast<TypedAttr>(f));
    };
    auto fma = [&](Value a, Value b, Value c) -> Value {
      return math::FmaOp::create(rewriter, loc, a, b, c);
    };
    // exp(-y) (a sigmoid's) as exp of x = -y with the sign folded into the
    // constants: the clamp's bounds, k's factor, r = -s (s = y + k ln 2, so
    // the polynomial's odd coefficients change sign): no negation.
    double sign = 1.0;
    Value arg = op.getOperand();
    if (auto neg = arg.getDefiningOp<arith::NegFOp>()) {
      arg = neg.getOperand();
      sign = -1.0;
    }
    arith::FastMathFlags nsz = arith::FastMathFlags::nsz;
    Value x = arith::MinimumFOp::create(
        rewriter, loc,
        arith::MaximumFOp::create(rewriter, loc, arg,
                                  cst(sign > 0 ? -104.0 : -89.0), nsz),
        cst(sign > 0 ? 89.0 : 104.0), nsz);
    // x log2 e lies in [-150, 129]: added to 1.5 * 2^23, it is rounded to
    // an integer (to nearest even) in the low mantissa bits.
    Value magic = cst(12582912.0);
    Value k = arith::SubFOp::create(
        rewriter, loc, fma(x, cst(sign * 1.44269504088896341), magic), magic);
    // r = sign * x - k ln 2 (ln 2 in Cephes' two parts), computed as
    // sign * (x - sign k ln 2).
    Value r = fma(k, cst(-sign * 0.693359375), x);
    r = fma(k, cst(sign * 2.12194440e-4), r);
    // exp(r) ~ sum p[i] r^i (p[1] rounds to 1 in f32); in terms of the
    // computed value (sign * r), the odd coefficients times sign.
    static constexpr double p[] = {1.0,
                                   1.000000032165515,
                                   0.4999999420602323,
                                   0.16666431257846556,
                                   0.041668002658692145,
                                   0.008374155711467096,
                                   0.0013843622376241245};
    auto coefficient = [&](int i) { return i % 2 ? sign * p[i] : p[i]; };
    Value e = cst(coefficient(6));
    for (int i = 5; i >= 0; --i)
      e = fma(e, r, cst(coefficient(i)));
    // Whole 512-bit vectors: vscalefps on k as it is (an integral float),
    // 16 lanes at a time (LLVM splits wider vectors into zmm anyway), two
    // instructions fewer than ldexp's integer exponent, which LLVM converts
    // back to float for vscalefps (vcvttps2dq + vcvtdq2ps): SiLU's ~27 vector
    // instructions per 16 lanes, 2 of them.
    if (vec && vec.getNumElements() % 16 == 0) {
      Value allLanes = arith::ConstantOp::create(
          rewriter, loc, rewriter.getI16IntegerAttr(-1));
      // _MM_FROUND_CUR_DIRECTION (an immediate operand).
      Value rounding = arith::ConstantOp::create(rewriter, loc,
                                                 rewriter.getI32IntegerAttr(4));
      auto scalef = [&](Value e, Value k) -> Value {
        return LLVM::CallIntrinsicOp::create(
                   rewriter, loc, VectorType::get({16}, rewriter.getF32Type()),
                   rewriter.getStringAttr("llvm.x86.avx512.mask.scalef.ps.512"),
                   ValueRange{e, k, e, allLanes, rounding})
            .getResult(0);
      };
      if (vec.getNumElements() == 16) {
        rewriter.replaceOp(op, scalef(e, k));
        return success();
      }
      Value result = arith::ConstantOp::create(rewriter, loc, vec,
                                               rewriter.getZeroAttr(vec));
      for (int64_t i = 0; i < vec.getNumElements(); i += 16) {
        auto slice = [&](Value v) -> Value {
          return vector::ExtractStridedSliceOp::create(
              rewriter, loc, v, ArrayRef<int64_t>{i}, ArrayRef<int64_t>{16},
              ArrayRef<int64_t>{1});
        };
        result = vector::InsertStridedSliceOp::create(
            rewriter, loc, scalef(slice(e), slice(k)), result,
            ArrayRef<int64_t>{i}, ArrayRef<int64_t>{1});
      }
      rewriter.replaceOp(op, result);
      return success();
    }
    Type i32 = rewriter.getI32Type();
    Type intType = vec ? Type(VectorType::get(vec.getShape(), i32)) : i32;
    Value n = arith::FPToSIOp::create(rewriter, loc, intType, k);
    rewriter.replaceOpWithNewOp<LLVM::CallIntrinsicOp>(
        op, type, rewriter.getStringAttr("llvm.ldexp"), ValueRange{e, n});
    return success();
  }
};

struct ApproximateMathPass
    : impl::DSCApproximateMathBase<ApproximateMathPass> {
  using Base::Base;
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<RationalErf>(&getContext(), /*benefit=*/2);
    if (scalef)
      patterns.add<ScalefExp>(&getContext(), /*benefit=*/2);
    populateMathPolynomialApproximationPatterns(
        patterns, [](StringRef name) {
          return name == "math.exp" || name == "math.tanh" ||
                 name == "math.erf";
        });
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
} // namespace dsc
