//===- ONNXImporter.h - ONNX models to the dsc dialect ----------*- C++ -*-===//
#ifndef DSC_FRONTEND_ONNXIMPORTER_H
#define DSC_FRONTEND_ONNXIMPORTER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/StringMap.h"

namespace dsc {

/// The opsets of the default ONNX domain that the importer accepts (up to
/// the newest the onnx package we test against knows). Per op, definitions
/// newer than its importers are refused (lib/Frontend/ONNXOpVersions.inc).
constexpr int64_t kMinOpset = 7;
constexpr int64_t kMaxOpset = 28;
/// The most elements a tensor (input, initializer or intermediate) may have:
/// larger declared or inferred shapes are refused at import.
constexpr int64_t kMaxTensorElements = int64_t(1) << 32;

struct ImportOptions {
  /// Sizes for symbolic dimensions (`--shape N=8`), by dim_param name.
  llvm::StringMap<int64_t> dimSizes;
  /// Name of the generated function.
  std::string functionName = "main_graph";
};

/// Imports an ONNX model from a binary `.onnx` file or the ONNX text format
/// (chosen by content), resolving external data relative to the file. All
/// problems are reported as MLIR diagnostics located at the ONNX node
/// (`loc("node_name"("OpType"))`); returns null after an error.
mlir::OwningOpRef<mlir::ModuleOp> importONNXFile(mlir::MLIRContext &context,
                                                 llvm::StringRef path,
                                                 const ImportOptions &options);

/// Imports an ONNX model held in memory, binary or text format (chosen by
/// content); importONNXFile reads the file and calls this. `path` names the
/// model in diagnostics; external data files are resolved relative to
/// `baseDir`, and refused when it is empty (the fuzzer's setting).
mlir::OwningOpRef<mlir::ModuleOp>
importONNXBuffer(mlir::MLIRContext &context, llvm::StringRef bytes,
                 const ImportOptions &options,
                 llvm::StringRef path = "<memory>",
                 llvm::StringRef baseDir = "");

/// Describes a diagnostic location made by the importer, e.g.
/// "node 'conv1' (Conv)"; empty for other locations.
std::string describeONNXLocation(mlir::Location loc);

} // namespace dsc

#endif // DSC_FRONTEND_ONNXIMPORTER_H
