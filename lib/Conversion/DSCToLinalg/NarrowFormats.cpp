//===- NarrowFormats.cpp - decode/encode of float8, int4 and kin ----------===//
//
// The scalar bodies of dsc.decode_narrow and dsc.encode_narrow: integer
// arithmetic on the bit patterns (LLVM has no float8 or float4 types, and
// the encodings must match ONNX's reference bit for bit: round to nearest
// even, saturation, NaN and infinity per format). Every format is described
// by NarrowFormats.h; nothing here is specific to one of them beyond its
// Kind.
//
//===----------------------------------------------------------------------===//
#include "PopulatePatterns.h"
#include "dsc/Dialect/NarrowFormats.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"

#include <cmath>

using namespace mlir;

namespace dsc {
namespace {

/// Small builder for i32 bit arithmetic.
struct Bits {
  OpBuilder &b;
  Location loc;

  Type i32() { return b.getI32Type(); }
  Value c(int64_t v) {
    return arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(v));
  }
  Value f(double v) { return floatConst(b, loc, b.getF32Type(), v); }
  Value andI(Value x, int64_t m) { return arith::AndIOp::create(b, loc, x, c(m)); }
  Value orI(Value x, Value y) { return arith::OrIOp::create(b, loc, x, y); }
  Value shl(Value x, int64_t s) {
    return s ? Value(arith::ShLIOp::create(b, loc, x, c(s))) : x;
  }
  Value shr(Value x, int64_t s) {
    return s ? Value(arith::ShRUIOp::create(b, loc, x, c(s))) : x;
  }
  Value add(Value x, Value y) { return arith::AddIOp::create(b, loc, x, y); }
  Value sub(Value x, Value y) { return arith::SubIOp::create(b, loc, x, y); }
  Value cmp(arith::CmpIPredicate p, Value x, Value y) {
    return arith::CmpIOp::create(b, loc, p, x, y);
  }
  Value eq(Value x, int64_t v) { return cmp(arith::CmpIPredicate::eq, x, c(v)); }
  Value sel(Value cond, Value x, Value y) {
    return arith::SelectOp::create(b, loc, cond, x, y);
  }
  Value asFloat(Value x) {
    return arith::BitcastOp::create(b, loc, b.getF32Type(), x);
  }
  Value asInt(Value x) { return arith::BitcastOp::create(b, loc, i32(), x); }
};

Value decodeFloat(Bits &k, Value v, const NarrowFormat &f) {
  if (f.kind == NarrowFormat::FloatE8M0) {
    // 2^(v - 127): an f32 exponent field, except 2^-127 (an f32 subnormal).
    Value bits = k.sel(k.eq(v, 0), k.c(0x00400000), k.shl(v, 23));
    return k.sel(k.eq(v, 0xFF), k.f(NAN), k.asFloat(bits));
  }
  unsigned e = f.expBits, m = f.manBits;
  Value s = k.shr(v, e + m);
  Value exp = k.andI(k.shr(v, m), (1 << e) - 1);
  Value man = k.andI(v, (1 << m) - 1);
  // Normal: rebias the exponent, widen the mantissa.
  Value normal =
      k.orI(k.orI(k.shl(s, 31), k.shl(k.add(exp, k.c(127 - f.bias)), 23)),
            k.shl(man, 23 - m));
  // Subnormal: man * 2^(1 - bias - m), exact in f32.
  Value mag = arith::MulFOp::create(
      k.b, k.loc, arith::SIToFPOp::create(k.b, k.loc, k.b.getF32Type(), man),
      k.f(std::ldexp(1.0, 1 - f.bias - static_cast<int>(m))));
  Value subnormal = k.sel(k.eq(s, 1), arith::NegFOp::create(k.b, k.loc, mag),
                          mag);
  Value r = k.sel(k.eq(exp, 0), subnormal, k.asFloat(normal));
  switch (f.kind) {
  case NarrowFormat::FloatFN: // S.1111.111
    return k.sel(k.eq(k.andI(v, (1 << (f.bits - 1)) - 1), (1 << (f.bits - 1)) - 1),
                 k.f(NAN), r);
  case NarrowFormat::FloatFNUZ: // 0x80 only
    return k.sel(k.eq(v, 1 << (f.bits - 1)), k.f(NAN), r);
  case NarrowFormat::FloatIEEE: {
    Value inf = k.asFloat(k.orI(k.shl(s, 31), k.c(0x7F800000)));
    Value special = k.sel(k.eq(man, 0), inf, k.f(NAN));
    return k.sel(k.eq(exp, (1 << e) - 1), special, r);
  }
  default:
    return r;
  }
}

/// The code of f32 `x` in float format `f` (not e8m0), as ONNX's reference
/// (ml_dtypes) gives it: round to nearest even, then overflow per `saturate`.
Value encodeFloat(Bits &k, Value x, const NarrowFormat &f, bool saturate) {
  unsigned e = f.expBits, m = f.manBits;
  Value u = k.asInt(x);
  Value s = k.shr(u, 31);
  Value a = k.andI(u, 0x7FFFFFFF);
  Value isNaN = k.cmp(arith::CmpIPredicate::ugt, a, k.c(0x7F800000));
  Value isInf = k.eq(a, 0x7F800000);
  // Below the smallest normal magnitude 2^(1 - bias) the code counts units
  // of the smallest subnormal, 2^(1 - bias - m): scale exactly, round even.
  Value isSub = k.cmp(arith::CmpIPredicate::ult, k.shr(a, 23),
                      k.c(128 - f.bias));
  Value absX = k.asFloat(a);
  Value scaled = arith::MulFOp::create(
      k.b, k.loc, k.sel(isSub, absX, k.f(0.0)),
      k.f(std::ldexp(1.0, f.bias - 1 + static_cast<int>(m))));
  Value subCode = arith::FPToSIOp::create(
      k.b, k.loc, k.i32(), math::RoundEvenOp::create(k.b, k.loc, scaled));
  // Normal: round the mantissa to m bits (to nearest, ties to even) on the
  // bit pattern, then rebias the exponent; a carry moves into the exponent.
  unsigned shift = 23 - m;
  Value rounded = k.add(k.add(a, k.c((1 << (shift - 1)) - 1)),
                        k.andI(k.shr(a, shift), 1));
  Value normalCode = k.sub(k.shr(rounded, shift), k.c((127 - f.bias) << m));
  Value code = k.sel(isSub, subCode, normalCode);
  Value overflow = k.orI(
      k.cmp(arith::CmpIPredicate::sgt, code, k.c(f.maxCode)), isInf);
  int64_t signBit = 1 << (f.bits - 1);
  int64_t overflowCode, nanCode;
  switch (f.kind) {
  case NarrowFormat::FloatFN:
    overflowCode = saturate ? f.maxCode : signBit - 1;
    nanCode = signBit - 1;
    break;
  case NarrowFormat::FloatFNUZ:
    overflowCode = saturate ? f.maxCode : signBit;
    nanCode = signBit;
    break;
  case NarrowFormat::FloatIEEE:
    overflowCode = saturate ? f.maxCode : ((1 << e) - 1) << m;
    nanCode = (((1 << e) - 1) << m) | (1 << (m - 1));
    break;
  default: // float4e2m1: no NaN, no infinity.
    overflowCode = f.maxCode;
    nanCode = 0;
    break;
  }
  Value mag = k.sel(overflow, k.c(overflowCode), code);
  Value signedCode = k.orI(mag, k.shl(s, f.bits - 1));
  if (f.kind == NarrowFormat::FloatFNUZ) // no negative zero
    signedCode = k.sel(k.eq(mag, 0), mag, signedCode);
  Value nan = k.c(nanCode);
  if (f.kind == NarrowFormat::FloatFinite) // ml_dtypes: NaN -> -0, -NaN -> +0
    nan = k.shl(arith::XOrIOp::create(k.b, k.loc, s, k.c(1)), f.bits - 1);
  return k.sel(isNaN, nan, signedCode);
}

/// float8e8m0 from f32: the exponent field, rounded as ONNX's reference
/// (to_float8e8m0) does; the sign is ignored.
Value encodeE8M0(Bits &k, Value x, bool saturate, StringRef roundMode) {
  Value u = k.asInt(x);
  Value exp = k.andI(k.shr(u, 23), 0xFF);
  Value special = k.eq(exp, 0xFF);
  Value no = arith::ConstantOp::create(k.b, k.loc, k.b.getBoolAttr(false));
  auto nonZero = [&](int64_t mask) {
    return k.cmp(arith::CmpIPredicate::ne, k.andI(u, mask), k.c(0));
  };
  Value up = no;
  if (roundMode == "up") {
    up = nonZero(0x7FFFFF);
  } else if (roundMode == "nearest") {
    Value lsb = k.cmp(arith::CmpIPredicate::ne, exp, k.c(0));
    Value rest = k.orI(k.orI(nonZero(0x200000), nonZero(0x1FFFFF)), lsb);
    up = arith::AndIOp::create(k.b, k.loc, nonZero(0x400000), rest);
  }
  if (saturate)
    up = arith::AndIOp::create(
        k.b, k.loc, up, k.cmp(arith::CmpIPredicate::ne, exp, k.c(0xFE)));
  Value r = k.add(exp, arith::ExtUIOp::create(k.b, k.loc, k.i32(), up));
  return k.sel(special, k.c(0xFF), r);
}

} // namespace

Value decodeNarrowScalar(OpBuilder &b, Location loc, Value byte,
                         const NarrowFormat &f) {
  Bits k{b, loc};
  int64_t mask = (int64_t(1) << f.bits) - 1;
  if (!f.isFloat()) {
    Type i8 = b.getI8Type();
    auto c8 = [&](int64_t v) {
      return arith::ConstantOp::create(b, loc, b.getIntegerAttr(i8, v));
    };
    if (f.kind == NarrowFormat::UnsignedInt)
      return arith::AndIOp::create(b, loc, byte, c8(mask));
    // Sign-extend the low bits: up to the top, arithmetic shift back.
    Value shift = c8(8 - f.bits);
    Value up = arith::ShLIOp::create(b, loc, byte, shift);
    return arith::ShRSIOp::create(b, loc, up, shift);
  }
  Value v = k.andI(arith::ExtUIOp::create(b, loc, k.i32(), byte), mask);
  return decodeFloat(k, v, f);
}

Value encodeNarrowScalar(OpBuilder &b, Location loc, Value x,
                         const NarrowFormat &f, bool saturate,
                         StringRef roundMode) {
  Bits k{b, loc};
  Type i8 = b.getI8Type();
  int64_t mask = (int64_t(1) << f.bits) - 1;
  Value code;
  if (f.kind == NarrowFormat::FloatE8M0) {
    code = encodeE8M0(k, x, saturate, roundMode);
  } else if (f.isFloat()) {
    code = encodeFloat(k, x, f, saturate);
  } else if (auto ft = dyn_cast<FloatType>(x.getType())) {
    // Toward zero; out of range or NaN gives 0 (ONNX's reference casts with
    // ml_dtypes, which does this).
    if (ft.getWidth() < 32)
      x = arith::ExtFOp::create(b, loc, b.getF32Type(), x);
    Type xt = x.getType();
    Value lo = floatConst(b, loc, xt, static_cast<double>(f.minInt() - 1));
    Value hi = floatConst(b, loc, xt, static_cast<double>(f.maxInt() + 1));
    Value inRange = arith::AndIOp::create(
        b, loc, arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, x, lo),
        arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, x, hi));
    Value safe = arith::SelectOp::create(b, loc, inRange, x,
                                         floatConst(b, loc, xt, 0.0));
    code = k.andI(arith::FPToSIOp::create(b, loc, k.i32(), safe), mask);
  } else {
    // From an integer: the low bits.
    unsigned w = x.getType().getIntOrFloatBitWidth();
    Value t = w > 8 ? Value(arith::TruncIOp::create(b, loc, i8, x))
              : w < 8 ? Value(arith::ExtUIOp::create(b, loc, i8, x))
                      : x;
    return arith::AndIOp::create(
        b, loc, t, arith::ConstantOp::create(b, loc, b.getIntegerAttr(i8, mask)));
  }
  return arith::TruncIOp::create(b, loc, i8, code);
}

} // namespace dsc
