//===- TargetInfo.cpp - per-target code generation parameters -------------===//
#include "dsc/Target/TargetInfo.h"
#include "dsc/Target/ObjectEmitter.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
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

static Error fail(const Twine &msg) {
  return createStringError(inconvertibleErrorCode(), msg);
}

/// Checks `cpu` against LLVM's list for `triple`.
static Error checkCPU(StringRef triple, StringRef cpu, StringRef examples) {
  initializeLLVMTargets();
  std::string error;
  const Target *target = TargetRegistry::lookupTarget(Triple(triple), error);
  if (!target)
    return fail("no LLVM backend for " + triple + ": " + error);
  std::unique_ptr<MCSubtargetInfo> sti(
      target->createMCSubtargetInfo(Triple(triple), "", ""));
  if (!sti || !sti->isCPUStringValid(cpu))
    return fail("unknown CPU '" + cpu + "' for " + triple + " (e.g. " +
                examples + ")");
  return Error::success();
}

bool TargetInfo::hasFeature(StringRef name) const {
  initializeLLVMTargets();
  std::string error;
  const Target *target = TargetRegistry::lookupTarget(Triple(triple), error);
  if (!target)
    return false;
  std::unique_ptr<MCSubtargetInfo> sti(
      target->createMCSubtargetInfo(Triple(triple), cpu, features));
  return sti && sti->checkFeatures(("+" + name).str());
}

Expected<TargetInfo> TargetInfo::lookup(StringRef target, StringRef cpu) {
  Triple host(sys::getProcessTriple());
  StringRef hostArch = host.getArch() == Triple::aarch64 ? "aarch64" : "x86_64";
  if (target == "host")
    target = hostArch;
  if (target == "x86-64")
    target = "x86_64";
  if (target == "arm64")
    target = "aarch64";
  TargetInfo info;
  info.arch = target.str();
  bool wantNative = cpu.empty() || cpu == "native" || cpu == "host";
  info.native = target == hostArch;
  if (target == "x86_64") {
    info.kind = Kind::X86_64;
    info.triple = "x86_64-unknown-linux-gnu";
    if (info.native && wantNative) {
      info.cpu = sys::getHostCPUName().str();
      info.features = hostFeatures();
    } else {
      info.cpu = wantNative ? "x86-64-v3" : cpu.str();
      if (Error e = checkCPU(info.triple, info.cpu,
                             "x86-64-v3, x86-64-v4, skylake-avx512, znver4"))
        return std::move(e);
    }
    bool avx512 = StringRef(info.features).contains("+avx512f") ||
                  info.cpu == "x86-64-v4" ||
                  StringRef(info.cpu).contains("avx512") ||
                  StringRef(info.cpu).starts_with("znver4") ||
                  StringRef(info.cpu).starts_with("znver5") ||
                  StringRef(info.cpu).starts_with("sapphirerapids");
    info.vectorBits = avx512 ? 512 : 256;
    info.bf16Dot = avx512 && info.hasFeature("avx512bf16");
    info.amx = info.bf16Dot && info.hasFeature("amx-bf16") &&
               info.hasFeature("amx-tile");
    return info;
  }
  if (target == "aarch64") {
    info.kind = Kind::AArch64;
    info.triple = "aarch64-unknown-linux-gnu";
    if (info.native && wantNative) {
      info.cpu = sys::getHostCPUName().str();
      info.features = hostFeatures();
    } else {
      // NEON (AdvSIMD) is part of every AArch64 Linux CPU; the CPU name adds
      // dotprod/i8mm/bf16 where it has them.
      info.cpu = wantNative ? "generic" : cpu.str();
      info.features = "+neon";
      if (Error e = checkCPU(info.triple, info.cpu,
                             "cortex-a72, cortex-a76, neoverse-n1, "
                             "neoverse-v1, apple-m1"))
        return std::move(e);
    }
    info.vectorBits = 128;
    return info;
  }
  if (target == "cuda")
    return fail("target 'cuda' is not supported yet (supported: host, "
                "x86_64, aarch64)");
  return fail("unknown target '" + target +
              "' (supported: host, x86_64, aarch64)");
}

} // namespace dsc
