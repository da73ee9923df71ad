//===- Report.h - what the graph passes did, for --report -------*- C++ -*-===//
//
// `dsc compile --report` compares the dsc module right after import with the
// module after the graph passes: ONNX nodes in, kernels out, which fusions
// formed, which ops folding removed, and how many bytes of intermediate
// tensors no longer reach memory; then the memory plan and phase times.
//
//===----------------------------------------------------------------------===//
#ifndef DSC_PIPELINE_REPORT_H
#define DSC_PIPELINE_REPORT_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/JSON.h"

#include <map>
#include <string>
#include <vector>

namespace dsc {

/// The compute of one dsc module at the graph level.
struct GraphStats {
  /// Kernels: dsc.kernel regions plus every other dsc op that does work
  /// (reshape is a view and constants are data, so neither counts).
  int64_t kernels = 0;
  /// Bytes of all tensors produced by kernels that are not graph outputs.
  int64_t intermediateBytes = 0;
  /// dsc op name -> count, kernel bodies included.
  std::map<std::string, int64_t> opCounts;
  /// Fusion name (e.g. "conv+add+relu") -> number of kernels.
  std::map<std::string, int64_t> fusions;
};

GraphStats measureGraph(mlir::ModuleOp module);

struct CompileReport {
  std::string model;
  int64_t onnxNodes = 0;
  GraphStats imported, optimized;
  bool graphOpt = true;
  int64_t arenaBytes = 0, arenaLowerBound = 0, weightsBytes = 0;
  /// `--precision`: "fp32" or "bf16"; with bf16 whether the contractions
  /// use vdpbf16ps (else f32 FMAs of the bf16-rounded inputs), and the
  /// contractions converted / left in f32, per ONNX op type (from
  /// dsc-bf16-contractions).
  std::string precision = "fp32";
  bool bf16Dot = false;
  /// Contraction kernels that use vdpbf16ps (-1: not lowered that far).
  int64_t bf16DotKernels = -1;
  /// Of those, the ones on AMX tiles (tdpbf16ps).
  int64_t amxKernels = 0;
  std::map<std::string, int64_t> bf16Ops, fp32Contractions;
  /// Reads what dsc-bf16-contractions recorded on `module`.
  void readPrecision(mlir::ModuleOp module);
  /// dsc op counts after the graph passes that stayed f32 (all of them but
  /// the converted contractions).
  std::map<std::string, int64_t> fp32Ops() const;
  /// (phase, seconds) in order.
  std::vector<std::pair<std::string, double>> phases;

  void print(llvm::raw_ostream &os) const;
  llvm::json::Value toJSON() const;
};

} // namespace dsc

#endif // DSC_PIPELINE_REPORT_H
