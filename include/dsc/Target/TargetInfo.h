//===- TargetInfo.h - what code generation needs to know --------*- C++ -*-===//
//
// Backend differences live behind this one description (triple, CPU,
// features, vector width), so the pipeline is shared by every CPU target.
//
//===----------------------------------------------------------------------===//
#ifndef DSC_TARGET_TARGETINFO_H
#define DSC_TARGET_TARGETINFO_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include <string>

namespace dsc {

struct TargetInfo {
  enum class Kind { X86_64, AArch64 };
  Kind kind;
  std::string arch;     // x86_64 or aarch64: names the runtime build to link
  std::string triple;   // LLVM target triple
  std::string cpu;      // LLVM CPU name
  std::string features; // LLVM feature string
  unsigned vectorBits;  // widest native vector register
  bool native = false;  // generated code runs on this machine
  bool vectorize = true; // LLVM's loop and SLP vectorizers
  bool bf16Dot = false;  // AVX512-BF16 (vdpbf16ps) with 512-bit vectors
  bool amx = false;      // AMX-BF16 tiles (tdpbf16ps), with bf16Dot

  /// Whether the CPU with `features` has the LLVM feature `name`
  /// (e.g. "avx512bf16"), as LLVM's subtarget tables say.
  bool hasFeature(llvm::StringRef name) const;

  /// `target` is host, x86_64 or aarch64 (cuda is named but not built yet);
  /// `cpu` empty means: the host CPU for a native target, else a portable
  /// baseline (x86-64-v3; generic AArch64 with NEON). Unknown CPUs are
  /// refused with the list of valid ones.
  static llvm::Expected<TargetInfo> lookup(llvm::StringRef target,
                                           llvm::StringRef cpu);
};

} // namespace dsc

#endif // DSC_TARGET_TARGETINFO_H
