//===- ObjectEmitter.cpp - LLVM dialect to object code, in-process --------===//
#include "dsc/Target/ObjectEmitter.h"

#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/Verifier.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Target/TargetOptions.h"

#include <mutex>

using namespace llvm;

namespace dsc {

void initializeLLVMTargets() {
  static std::once_flag once;
  std::call_once(once, [] {
    InitializeAllTargetInfos();
    InitializeAllTargets();
    InitializeAllTargetMCs();
    InitializeAllAsmPrinters();
  });
}

static Error fail(const Twine &msg) {
  return createStringError(inconvertibleErrorCode(), msg);
}

Error emitObject(mlir::ModuleOp module, const TargetInfo &target,
                 SmallVectorImpl<char> &object) {
  initializeLLVMTargets();
  mlir::registerBuiltinDialectTranslation(*module.getContext());
  mlir::registerLLVMDialectTranslation(*module.getContext());

  LLVMContext llvmContext;
  std::unique_ptr<Module> llvmModule =
      mlir::translateModuleToLLVMIR(module, llvmContext, "dsc_model");
  if (!llvmModule)
    return fail("translation of the LLVM dialect to LLVM IR failed");

  Triple triple(target.triple);
  std::string lookupError;
  const Target *llvmTarget = TargetRegistry::lookupTarget(triple, lookupError);
  if (!llvmTarget)
    return fail("no LLVM backend for " + target.triple + ": " + lookupError);
  TargetOptions options;
  std::unique_ptr<TargetMachine> machine(llvmTarget->createTargetMachine(
      triple, target.cpu, target.features, options, Reloc::PIC_, std::nullopt,
      CodeGenOptLevel::Aggressive));
  if (!machine)
    return fail("cannot create a target machine for " + target.triple);
  llvmModule->setTargetTriple(triple);
  llvmModule->setDataLayout(machine->createDataLayout());
  for (Function &f : *llvmModule)
    if (!f.isDeclaration()) {
      f.addFnAttr("target-cpu", target.cpu);
      if (!target.features.empty())
        f.addFnAttr("target-features", target.features);
    }
  if (verifyModule(*llvmModule, &errs()))
    return fail("generated LLVM IR does not verify");

  // The standard O3 pipeline (vectorizers included) with this machine.
  LoopAnalysisManager lam;
  FunctionAnalysisManager fam;
  CGSCCAnalysisManager cgam;
  ModuleAnalysisManager mam;
  PipelineTuningOptions tuning;
  tuning.LoopVectorization = target.vectorize;
  tuning.SLPVectorization = target.vectorize;
  PassBuilder pb(machine.get(), tuning);
  pb.registerModuleAnalyses(mam);
  pb.registerCGSCCAnalyses(cgam);
  pb.registerFunctionAnalyses(fam);
  pb.registerLoopAnalyses(lam);
  pb.crossRegisterProxies(lam, fam, cgam, mam);
  ModulePassManager mpm =
      pb.buildPerModuleDefaultPipeline(OptimizationLevel::O3);
  mpm.run(*llvmModule, mam);

  raw_svector_ostream os(object);
  legacy::PassManager codegen;
  if (machine->addPassesToEmitFile(codegen, os, nullptr,
                                   CodeGenFileType::ObjectFile))
    return fail("the LLVM backend cannot emit object files for " +
                target.triple);
  codegen.run(*llvmModule);
  return Error::success();
}

} // namespace dsc
