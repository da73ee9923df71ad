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
  std::string name;     // as given to --target
  std::string triple;   // LLVM target triple
  std::string cpu;      // LLVM CPU name
  std::string features; // LLVM feature string
  unsigned vectorBits;  // widest native vector register

  /// `target` is x86_64 or host (aarch64/cuda are named but not built yet);
  /// `cpu` empty means: the host CPU for a host target, else a portable one.
  static llvm::Expected<TargetInfo> lookup(llvm::StringRef target,
                                           llvm::StringRef cpu);
};

} // namespace dsc

#endif // DSC_TARGET_TARGETINFO_H
