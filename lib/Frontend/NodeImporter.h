//===- NodeImporter.h - the API every ONNX op importer uses -----*- C++ -*-===//
//
// One importer function per ONNX op, registered with the opset versions at
// which the op's specification changed; the importer picks the newest entry
// not newer than the model's opset. An importer reads inputs and attributes
// through NodeImporter, builds dsc ops with types from ShapeInference.h, and
// reports every problem at the node.
//
//===----------------------------------------------------------------------===//
#ifndef DSC_LIB_FRONTEND_NODEIMPORTER_H
#define DSC_LIB_FRONTEND_NODEIMPORTER_H

#include "dsc/Dialect/DSCDialect.h"
#include "dsc/Dialect/ShapeInference.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/StringMap.h"

#include "onnx/onnx_pb.h"

#include <functional>
#include <optional>

namespace dsc {

class GraphImporter;

class NodeImporter {
public:
  NodeImporter(GraphImporter &graph, const onnx::NodeProto &node,
               mlir::Location loc, int64_t opset);

  const onnx::NodeProto &node() const { return node_; }
  mlir::Location loc() const { return loc_; }
  int64_t opset() const { return opset_; }
  mlir::OpBuilder &builder();
  mlir::MLIRContext *context() { return builder().getContext(); }

  /// Diagnostics at the node.
  mlir::InFlightDiagnostic emitError();
  EmitErrorFn errorFn() { return emitErrorFn_; }

  // ---- inputs -------------------------------------------------------------
  /// Number of inputs, counting empty (omitted optional) ones.
  int numInputs() const { return node_.input_size(); }
  /// The name of input `i` for messages ("" when the node has no such
  /// input: protobuf's accessor would throw).
  std::string inputName(int i) const {
    return i >= 0 && i < node_.input_size() ? node_.input(i) : std::string();
  }
  bool hasInput(int i) const {
    return i < node_.input_size() && !node_.input(i).empty();
  }
  /// The input's value; errors if absent.
  mlir::FailureOr<mlir::Value> input(int i);
  /// The input's value, or a null Value when omitted.
  mlir::FailureOr<mlir::Value> optionalInput(int i);
  /// The input's value when it is a compile-time constant (initializer or
  /// Constant output); errors if absent or not constant.
  mlir::FailureOr<mlir::DenseElementsAttr> constantInput(int i,
                                                         llvm::StringRef what);
  /// The input's value when it is a compile-time constant, else null (no
  /// diagnostic): importers fold when every input is known.
  mlir::DenseElementsAttr constantInputOrNull(int i);
  /// The input's type, without materializing a constant input.
  mlir::FailureOr<mlir::RankedTensorType> inputType(int i);
  /// A TensorProto (e.g. a Constant's value) as an attribute.
  mlir::FailureOr<mlir::DenseElementsAttr>
  readTensor(const onnx::TensorProto &tensor);
  static mlir::RankedTensorType type(mlir::Value v) {
    return mlir::cast<mlir::RankedTensorType>(v.getType());
  }

  // ---- attributes ---------------------------------------------------------
  const onnx::AttributeProto *attr(llvm::StringRef name) const;
  mlir::FailureOr<int64_t> intAttr(llvm::StringRef name, int64_t dflt);
  mlir::FailureOr<float> floatAttr(llvm::StringRef name, float dflt);
  mlir::FailureOr<std::string> stringAttr(llvm::StringRef name,
                                          llvm::StringRef dflt);
  /// Integer list attribute; `std::nullopt` when absent.
  mlir::FailureOr<std::optional<llvm::SmallVector<int64_t>>>
  intsAttr(llvm::StringRef name);
  /// Errors on any attribute not in `known` (so that an attribute dsc would
  /// silently ignore cannot change the meaning of a model).
  mlir::LogicalResult checkAttributes(llvm::ArrayRef<llvm::StringRef> known);
  /// Errors when a result of static `shape` would have more than
  /// kMaxTensorElements elements (computed without overflow): importers that
  /// compute shapes from constant inputs check before building anything.
  mlir::LogicalResult checkResultShape(llvm::ArrayRef<int64_t> shape);

  // ---- subgraphs (If branches, Loop and Scan bodies) -----------------------
  /// Imports the graph attribute `name` inline with its inputs bound to
  /// `inputs` (it also sees every value defined before this node); returns
  /// its outputs and, in `outputTypes`, their ONNX element types.
  /// `inputTypes` are the ONNX element types of `inputs` (0: unknown), used
  /// for body inputs that declare no type.
  mlir::FailureOr<llvm::SmallVector<mlir::Value>>
  subgraph(llvm::StringRef name, llvm::ArrayRef<mlir::Value> inputs,
           llvm::ArrayRef<int32_t> inputTypes,
           llvm::SmallVectorImpl<int32_t> *outputTypes = nullptr);

  // ---- outputs ------------------------------------------------------------
  int numOutputs() const { return node_.output_size(); }
  bool hasOutput(int i) const {
    return i < node_.output_size() && !node_.output(i).empty();
  }
  /// Errors if any output beyond the first `n` is requested.
  mlir::LogicalResult checkOutputsAtMost(int n, llvm::StringRef why);
  void setOutput(int i, mlir::Value value);
  /// The static shape the graph declares for output `i` (as a graph output
  /// or in value_info), if any.
  std::optional<llvm::SmallVector<int64_t>> declaredOutputShape(int i) const;
  /// Computed shape operands (Reshape's shape, Reduce*'s axes, Tile's
  /// repeats, ...). dsc compiles static shapes, so such an operand is read
  /// at import. When it is not a constant, the importer may instead derive
  /// the op from the static shape the graph declares for output `out`, but
  /// only where every operand value consistent with the input shapes and
  /// that declared shape gives the same result: then the operand's run-time
  /// value is never needed. Returns the declared shape, or reports (with
  /// refuseShapeOperand) that operand `i`, named `what`, must be a constant.
  mlir::FailureOr<llvm::SmallVector<int64_t>>
  declaredShapeForOperand(int i, llvm::StringRef what, int out = 0);
  /// The refusal of a computed shape operand `i` whose value the declared
  /// output shape does not fix; callers may stream the reason after it.
  mlir::InFlightDiagnostic refuseShapeOperand(int i, llvm::StringRef what);
  /// Checks at run time that every element of `condition` (an i1 tensor)
  /// is true, else the run fails (DSC_ERR_GUARD) with "node '<name>'
  /// (<op>): <expected>; given [...]" listing `given` (an integer tensor,
  /// may be null). A constant true condition builds nothing; a constant
  /// false one is an error now. Used where the importer assumed a run-time
  /// operand's value (declaredShapeForOperand) or chose among values.
  mlir::LogicalResult guard(mlir::Value condition, mlir::Value given,
                            const llvm::Twine &expected);
  /// Output 0 := `value` when it was built: `return n.setResult(n.create...)`.
  mlir::LogicalResult setResult(mlir::FailureOr<mlir::Value> value) {
    if (mlir::failed(value))
      return mlir::failure();
    setOutput(0, *value);
    return mlir::success();
  }
  /// Records a compile-time constant output (also usable as a value) of
  /// ONNX element type `onnxType`.
  void setConstantOutput(int i, mlir::DenseElementsAttr value,
                         int32_t onnxType);
  /// The ONNX TensorProto.DataType of input `i` (0 when unknown); it tells
  /// unsigned from signed integers.
  int32_t onnxType(int i) const;
  /// Records the ONNX type of output `i` where it differs from the first
  /// input's (Cast, comparisons).
  void setOutputONNXType(int i, int32_t onnxType);
  /// The MLIR element type of an ONNX data type, or null if unsupported.
  mlir::Type elementType(int32_t onnxType);
  /// The name of an ONNX data type (FLOAT, INT64, ...) for diagnostics.
  static std::string dtypeName(int32_t onnxType);
  static bool isUnsignedInteger(int32_t onnxType) {
    return onnxType == onnx::TensorProto::UINT8 ||
           onnxType == onnx::TensorProto::UINT16 ||
           onnxType == onnx::TensorProto::UINT32 ||
           onnxType == onnx::TensorProto::UINT64;
  }

  /// Builds `OpTy` with a result type computed by `inferred`, folded when
  /// its inputs allow (constant inputs give a constant, which later nodes
  /// can read with constantInput); reports at the node and fails when
  /// inference failed.
  template <typename OpTy, typename... Args>
  mlir::FailureOr<mlir::Value>
  create(mlir::FailureOr<mlir::RankedTensorType> inferred, Args &&...args) {
    if (mlir::failed(inferred))
      return mlir::failure();
    return builder().createOrFold<OpTy>(loc_, mlir::TypeRange{*inferred},
                                        std::forward<Args>(args)...);
  }

private:
  GraphImporter &graph_;
  const onnx::NodeProto &node_;
  mlir::Location loc_;
  int64_t opset_;
  std::function<mlir::InFlightDiagnostic()> emitErrorFn_ = [this] {
    return emitError();
  };
};

using ImportFn = mlir::LogicalResult (*)(NodeImporter &);

/// op type -> importers keyed by the opset version they start at.
class OpRegistry {
public:
  /// Registers `fn` for `opType` at each version in `sinceVersions` (the
  /// opsets where ONNX changed the op; `fn` reads `opset()` where the
  /// versions differ in semantics).
  void add(llvm::StringRef opType, std::initializer_list<int64_t> sinceVersions,
           ImportFn fn);
  /// The importer for `opType` at `opset`; `oldest` receives the first
  /// supported version when the op is known but `opset` predates it, and
  /// `newerDefinition` the opset of a signature change (ONNXOpVersions.inc)
  /// that no importer of the op covers yet.
  ImportFn lookup(llvm::StringRef opType, int64_t opset, int64_t *oldest,
                  int64_t *newerDefinition = nullptr) const;
  /// The same for an op of another domain ("" is the default one) at that
  /// domain's opset.
  void add(llvm::StringRef domain, llvm::StringRef opType,
           std::initializer_list<int64_t> sinceVersions, ImportFn fn);
  ImportFn lookup(llvm::StringRef domain, llvm::StringRef opType,
                  int64_t opset, int64_t *oldest,
                  int64_t *newerDefinition = nullptr) const;
  /// ai.onnx.ml, ai.onnx.preview and ai.onnx.preview.training besides the
  /// default domain.
  static bool isSupportedDomain(llvm::StringRef domain);
  static const OpRegistry &get();

private:
  llvm::StringMap<llvm::SmallVector<std::pair<int64_t, ImportFn>>> ops_;
};

// Per-family registration (lib/Frontend/Ops/*.cpp).
void registerElementwiseImporters(OpRegistry &registry);
void registerNNImporters(OpRegistry &registry);
void registerTensorImporters(OpRegistry &registry);
void registerReductionImporters(OpRegistry &registry);
void registerLayoutImporters(OpRegistry &registry);
void registerControlFlowImporters(OpRegistry &registry);
void registerRecurrentImporters(OpRegistry &registry);
void registerEinsumImporters(OpRegistry &registry);
void registerLossImporters(OpRegistry &registry);
void registerIndexingImporters(OpRegistry &registry);
void registerDetImporters(OpRegistry &registry);
void registerQuantizeImporters(OpRegistry &registry);
void registerSequenceImporters(OpRegistry &registry);
void registerLinearAttentionImporters(OpRegistry &registry);
void registerSignalImporters(OpRegistry &registry);
void registerSamplingImporters(OpRegistry &registry);
void registerRotaryImporters(OpRegistry &registry);
void registerTrainingImporters(OpRegistry &registry);
void registerMLImporters(OpRegistry &registry);
void registerPreviewImporters(OpRegistry &registry);
void registerTextImporters(OpRegistry &registry);

/// "[2, 3]": a shape or a list of values in diagnostics and guard messages.
std::string formatShape(llvm::ArrayRef<int64_t> values);

/// Normalizes `axes` (negative counts from the end) against `rank`, sorts
/// them and errors on a repeated axis.
mlir::LogicalResult normalizeAxes(NodeImporter &n,
                                  llvm::SmallVectorImpl<int64_t> &axes,
                                  int64_t rank);

/// Input `i` as int64 values when it is a 1-D (or scalar) integer constant;
/// `what` names it in diagnostics.
mlir::FailureOr<llvm::SmallVector<int64_t>> intsInput(NodeImporter &n, int i,
                                                      llvm::StringRef what);

/// Checks a computed shape operand `i` (see
/// NodeImporter::declaredShapeForOperand): it must be 1-D and, where its
/// length is static, hold `expected` entries.
mlir::LogicalResult checkShapeOperandLength(NodeImporter &n, int i,
                                            llvm::StringRef what,
                                            size_t expected);

/// Resolves auto_pad into explicit [begins..., ends...] pads for window ops
/// (Conv, pooling); `pads` is the attribute value when auto_pad is NOTSET.
mlir::FailureOr<llvm::SmallVector<int64_t>>
resolvePads(NodeImporter &node, llvm::ArrayRef<int64_t> inputSpatial,
            llvm::ArrayRef<int64_t> kernel, llvm::ArrayRef<int64_t> strides,
            llvm::ArrayRef<int64_t> dilations);

} // namespace dsc

#endif // DSC_LIB_FRONTEND_NODEIMPORTER_H
