//===- TargetInfo.cpp - per-target code generation parameters -------------===//
#include "dsc/Target/TargetInfo.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"

using namespace llvm;

namespace dsc {

static std::string hostFeatures() {
  std::string features;
  for (const auto &f : sys::getHostCPUFeatures()) {
    if (!features.empty())
      features += ",";
    features += (f.second ? "+" : "-") + f.first().str();
  }
  return features;
}

Expected<TargetInfo> TargetInfo::lookup(StringRef target, StringRef cpu) {
  Triple host(sys::getProcessTriple());
  if (target == "host")
    target = host.getArch() == Triple::aarch64 ? "aarch64" : "x86_64";
  TargetInfo info;
  info.name = target.str();
  if (target == "x86_64" || target == "x86-64") {
    info.kind = Kind::X86_64;
    info.triple = "x86_64-unknown-linux-gnu";
    bool native = host.getArch() == Triple::x86_64 &&
                  (cpu.empty() || cpu == "native" || cpu == "host");
    if (native) {
      info.cpu = sys::getHostCPUName().str();
      info.features = hostFeatures();
    } else {
      info.cpu = cpu.empty() ? "x86-64-v3" : cpu.str();
    }
    bool avx512 = StringRef(info.features).contains("+avx512f") ||
                  StringRef(info.cpu).contains("avx512") ||
                  StringRef(info.cpu).starts_with("znver4") ||
                  StringRef(info.cpu).starts_with("znver5") ||
                  info.cpu == "x86-64-v4";
    info.vectorBits = avx512 ? 512 : 256;
    return info;
  }
  if (target == "aarch64" || target == "cuda")
    return createStringError(
        inconvertibleErrorCode(),
        "target '%s' is not supported yet (supported: x86_64, host)",
        target.str().c_str());
  return createStringError(inconvertibleErrorCode(),
                           "unknown target '%s' (supported: x86_64, host)",
                           target.str().c_str());
}

} // namespace dsc
