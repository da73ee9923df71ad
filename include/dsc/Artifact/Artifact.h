//===- Artifact.h - header, libraries and runner of a model -----*- C++ -*-===//
#ifndef DSC_ARTIFACT_ARTIFACT_H
#define DSC_ARTIFACT_ARTIFACT_H

#include "dsc/Target/TargetInfo.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace dsc {

struct TensorInfo {
  std::string name;
  int32_t dtype; // ONNX TensorProto.DataType
  llvm::SmallVector<int64_t> shape;
  /// Leads with the model's dynamic batch: `shape` is one element's (dim 0
  /// == 1) and the artefacts describe dim 0 as -1.
  bool batched = false;
};

/// Constant data moved out of the LLVM module: written as raw bytes and
/// assembled with `.incbin`, so large weights never become LLVM IR constants
/// (whose translation, verification and emission dominate compile time).
struct WeightBlob {
  struct Symbol {
    std::string name;
    uint64_t offset, size;
  };
  std::vector<Symbol> symbols;
  std::vector<char> bytes; // every symbol at a 64-byte aligned offset
};

/// Moves the initializers of constant `llvm.mlir.global`s of at least
/// `minBytes` (byte-sized element types) into a blob; the globals become
/// hidden external declarations named `<prefix>_w<k>`.
WeightBlob extractWeights(mlir::ModuleOp module, llvm::StringRef prefix,
                          uint64_t minBytes = 256);

struct ArtifactSpec {
  std::string name;      // a C identifier (file names and symbol prefix)
  std::string modelPath; // for the header comment
  std::vector<TensorInfo> inputs, outputs;
  /// The name of the dynamic batch (ONNX dim_param) when the model has one:
  /// the entry computes one batch element of the `batched` tensors.
  std::string dynamicBatch;
  int64_t arenaBytes = 0;
  int64_t weightsBytes = 0;
  /// The code uses AMX tiles: sessions ask the OS for AMX state first.
  bool usesAMX = false;
  /// The generated function: void entry(in..., out..., arena, ctx), bare
  /// pointers.
  std::string entrySymbol;
  /// Iterations of each outlined parallel loop k: the glue implements
  /// `<entry>_launch<k>` with dsc_parallel_for over them.
  std::vector<int64_t> parallelTripCounts;
  /// Weights taken out of the model object (see extractWeights).
  WeightBlob weights;
};

/// Where the artefact writer finds the runtime and the C driver.
struct Toolchain {
  std::string cc;         // clang driver (links .so and the runner)
  std::string runtimeDir; // include/dsc_runtime.h and <arch>/libdsc_rt.a
  /// The runtime library built for `target`'s architecture.
  std::string runtimeLibrary(const TargetInfo &target) const;
  /// Finds both next to the running executable (`<bin>/../lib/dsc`), unless
  /// DSC_RUNTIME_DIR / DSC_CC say otherwise, and checks that the runtime was
  /// built for `target`.
  static llvm::Expected<Toolchain> find(const char *argv0, void *mainAddr,
                                        const TargetInfo &target);
};

/// `stem` made a C identifier: characters outside [A-Za-z0-9_] become '_',
/// and a leading digit gets an 'm' prefix.
std::string cIdentifier(llvm::StringRef stem);

/// Writes `<name>.h`, `lib<name>.a`, `lib<name>.so` and the runner `<name>`
/// into `outDir`. Everything is built in a temporary sibling directory and
/// moved into place only when all steps succeeded, so a failure never leaves
/// a half-written `outDir`.
llvm::Error writeArtifacts(const ArtifactSpec &spec,
                           llvm::ArrayRef<char> object,
                           const TargetInfo &target, const Toolchain &toolchain,
                           llvm::StringRef outDir);

} // namespace dsc

#endif // DSC_ARTIFACT_ARTIFACT_H
