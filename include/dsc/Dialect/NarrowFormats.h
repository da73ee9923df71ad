//===- NarrowFormats.h - 8-bit floats and sub-byte types --------*- C++ -*-===//
//
// ONNX's narrow element types (float8 variants, float8e8m0, float4e2m1,
// int4/uint4, int2/uint2) have no arithmetic of their own in dsc: a tensor of
// one holds one element per byte (`i8`), the value's bit pattern in the low
// bits and the upper bits zero (how ml_dtypes and the runtime's .npy files
// store them). dsc.decode_narrow turns such bytes into numbers and
// dsc.encode_narrow numbers into bytes; everything else only moves bytes.
// This table is the one description of the formats, shared by the importer,
// the verifiers and the lowering.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_DIALECT_NARROWFORMATS_H
#define DSC_DIALECT_NARROWFORMATS_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include <cstdint>

namespace dsc {

struct NarrowFormat {
  enum Kind {
    /// Sign, exponent, mantissa; all-ones exponent and mantissa is NaN, no
    /// infinities (float8e4m3fn).
    FloatFN,
    /// No infinities, no negative zero: 0x80 is the only NaN (`fnuz`).
    FloatFNUZ,
    /// IEEE-like: all-ones exponent is infinity (mantissa 0) or NaN.
    FloatIEEE,
    /// No NaN, no infinity (float4e2m1).
    FloatFinite,
    /// An unsigned 8-bit exponent, no mantissa; 0xFF is NaN (float8e8m0).
    FloatE8M0,
    SignedInt,
    UnsignedInt,
  };
  llvm::StringLiteral name; // dsc.decode_narrow's `format`
  int32_t onnxType;         // ONNX TensorProto.DataType
  Kind kind;
  unsigned bits;            // of the encoding
  unsigned expBits, manBits;
  int bias;
  /// The largest finite magnitude's code (without the sign bit).
  unsigned maxCode;

  bool isFloat() const { return kind != SignedInt && kind != UnsignedInt; }
  /// The integer range of the integer formats.
  int64_t minInt() const {
    return kind == SignedInt ? -(int64_t(1) << (bits - 1)) : 0;
  }
  int64_t maxInt() const {
    return kind == SignedInt ? (int64_t(1) << (bits - 1)) - 1
                             : (int64_t(1) << bits) - 1;
  }
};

inline llvm::ArrayRef<NarrowFormat> narrowFormats() {
  static const NarrowFormat formats[] = {
      {"float8e4m3fn", 17, NarrowFormat::FloatFN, 8, 4, 3, 7, 0x7E},
      {"float8e4m3fnuz", 18, NarrowFormat::FloatFNUZ, 8, 4, 3, 8, 0x7F},
      {"float8e5m2", 19, NarrowFormat::FloatIEEE, 8, 5, 2, 15, 0x7B},
      {"float8e5m2fnuz", 20, NarrowFormat::FloatFNUZ, 8, 5, 2, 16, 0x7F},
      {"uint4", 21, NarrowFormat::UnsignedInt, 4, 0, 0, 0, 0},
      {"int4", 22, NarrowFormat::SignedInt, 4, 0, 0, 0, 0},
      {"float4e2m1", 23, NarrowFormat::FloatFinite, 4, 2, 1, 1, 0x7},
      {"float8e8m0", 24, NarrowFormat::FloatE8M0, 8, 8, 0, 127, 0xFE},
      {"uint2", 25, NarrowFormat::UnsignedInt, 2, 0, 0, 0, 0},
      {"int2", 26, NarrowFormat::SignedInt, 2, 0, 0, 0, 0},
  };
  return formats;
}

/// The format of an ONNX data type, or null for a type that is not narrow.
inline const NarrowFormat *narrowFormatOfONNXType(int32_t onnxType) {
  for (const NarrowFormat &f : narrowFormats())
    if (f.onnxType == onnxType)
      return &f;
  return nullptr;
}

inline const NarrowFormat *narrowFormatNamed(llvm::StringRef name) {
  for (const NarrowFormat &f : narrowFormats())
    if (f.name == name)
      return &f;
  return nullptr;
}

} // namespace dsc

#endif // DSC_DIALECT_NARROWFORMATS_H
