//===- Importer.cpp - ONNX ModelProto to a dsc-dialect function -----------===//
//
// Loads binary or text ONNX models, turns initializers into constants and
// graph inputs/outputs into the function signature, and dispatches every
// node to its per-op importer. Exceptions thrown by the ONNX library are
// caught in this file and become diagnostics.
//
//===----------------------------------------------------------------------===//
#include "NodeImporter.h"
#include "dsc/Dialect/NarrowFormats.h"
#include "dsc/Frontend/ONNXImporter.h"
#include "dsc/Passes/Fusion/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include "onnx/defs/parser.h"

#include <exception>
#include <limits>

using namespace mlir;

namespace dsc {

//===----------------------------------------------------------------------===//
// Locations
//===----------------------------------------------------------------------===//

static Location nodeLoc(MLIRContext *ctx, StringRef name, StringRef opType) {
  return NameLoc::get(StringAttr::get(ctx, name),
                      NameLoc::get(StringAttr::get(ctx, opType)));
}

std::string describeONNXLocation(Location loc) {
  // Fused or call-site locations made by passes keep the node inside.
  if (auto fused = dyn_cast<FusedLoc>(loc)) {
    for (Location l : fused.getLocations())
      if (std::string s = describeONNXLocation(l); !s.empty())
        return s;
    return "";
  }
  auto name = dyn_cast<NameLoc>(loc);
  if (!name)
    return "";
  auto opType = dyn_cast<NameLoc>(name.getChildLoc());
  if (!opType)
    return "";
  return ("node '" + name.getName().getValue() + "' (" +
          opType.getName().getValue() + ")")
      .str();
}

//===----------------------------------------------------------------------===//
// Tensors
//===----------------------------------------------------------------------===//

/// The MLIR element type of an ONNX TensorProto.DataType, or null.
static Type elementType(MLIRContext *ctx, int32_t dtype) {
  Builder b(ctx);
  switch (dtype) {
  case onnx::TensorProto::FLOAT:
    return b.getF32Type();
  case onnx::TensorProto::DOUBLE:
    return b.getF64Type();
  case onnx::TensorProto::FLOAT16:
    return b.getF16Type();
  case onnx::TensorProto::BFLOAT16:
    return b.getBF16Type();
  case onnx::TensorProto::INT8:
  case onnx::TensorProto::UINT8:
    return b.getIntegerType(8);
  case onnx::TensorProto::INT16:
  case onnx::TensorProto::UINT16:
    return b.getIntegerType(16);
  case onnx::TensorProto::INT32:
  case onnx::TensorProto::UINT32:
    return b.getIntegerType(32);
  case onnx::TensorProto::INT64:
  case onnx::TensorProto::UINT64:
    return b.getIntegerType(64);
  case onnx::TensorProto::BOOL:
    return b.getI1Type();
  default:
    // float8, int4 and the other narrow types: one element per byte
    // (NarrowFormats.h).
    if (narrowFormatOfONNXType(dtype))
      return b.getIntegerType(8);
    return {};
  }
}

/// The ONNX type of an MLIR element type, integers read as signed; 0 for
/// none.
static int32_t plainONNXType(Type elem) {
  if (elem.isF32())
    return onnx::TensorProto::FLOAT;
  if (elem.isF64())
    return onnx::TensorProto::DOUBLE;
  if (elem.isF16())
    return onnx::TensorProto::FLOAT16;
  if (elem.isBF16())
    return onnx::TensorProto::BFLOAT16;
  if (elem.isInteger(1))
    return onnx::TensorProto::BOOL;
  if (elem.isInteger(8))
    return onnx::TensorProto::INT8;
  if (elem.isInteger(16))
    return onnx::TensorProto::INT16;
  if (elem.isInteger(32))
    return onnx::TensorProto::INT32;
  if (elem.isInteger(64))
    return onnx::TensorProto::INT64;
  return 0;
}

static std::string dtypeName(int32_t dtype) {
  // Newer than the ONNX library dsc builds with; their format names are
  // ONNX's in lower case.
  if (const NarrowFormat *f = narrowFormatOfONNXType(dtype))
    return f->name.upper();
  if (onnx::TensorProto::DataType_IsValid(dtype))
    return onnx::TensorProto::DataType_Name(
        static_cast<onnx::TensorProto::DataType>(dtype));
  return "data type " + std::to_string(dtype);
}

/// The number of elements of the static `shape`, or failure past
/// kMaxTensorElements; never overflows.
static FailureOr<int64_t> checkNumElements(ArrayRef<int64_t> shape) {
  int64_t numel = 1;
  for (int64_t d : shape) {
    if (d < 0 || (d != 0 && numel > kMaxTensorElements / d))
      return failure();
    numel *= d;
  }
  return numel;
}

namespace {

/// Builds the DenseElementsAttr of a TensorProto (raw, typed or external
/// data). `baseDir` resolves external data files.
class TensorReader {
public:
  TensorReader(MLIRContext *ctx, StringRef baseDir)
      : ctx(ctx), baseDir(baseDir) {}

  FailureOr<DenseElementsAttr> read(const onnx::TensorProto &t,
                                    EmitErrorFn emitError) {
    Type elem = elementType(ctx, t.data_type());
    if (!elem)
      return emitError() << "tensor '" << t.name() << "' has unsupported "
                         << dtypeName(t.data_type());
    SmallVector<int64_t> shape;
    for (int64_t d : t.dims()) {
      if (d < 0)
        return emitError() << "tensor '" << t.name()
                           << "' has a negative dimension";
      shape.push_back(d);
    }
    FailureOr<int64_t> numel = checkNumElements(shape);
    if (failed(numel))
      return emitError() << "tensor '" << t.name() << "' has more than "
                         << kMaxTensorElements
                         << " elements, which dsc does not support";
    auto type = RankedTensorType::get(shape, elem);
    if (const NarrowFormat *f = narrowFormatOfONNXType(t.data_type()))
      return readNarrow(t, type, *numel, *f, emitError);
    int64_t elemBytes =
        elem.isInteger(1) ? 1 : (elem.getIntOrFloatBitWidth() / 8);
    int64_t bytes = *numel * elemBytes;

    std::string external;
    const std::string *raw = nullptr;
    if (t.data_location() == onnx::TensorProto::EXTERNAL) {
      if (failed(readExternal(t, bytes, external, emitError)))
        return failure();
      raw = &external;
    } else if (t.has_raw_data()) {
      raw = &t.raw_data();
    }
    if (raw) {
      if (static_cast<int64_t>(raw->size()) != bytes)
        return emitError() << "tensor '" << t.name() << "' holds "
                           << raw->size() << " bytes of data but its shape "
                           << type << " needs " << bytes;
      if (elem.isInteger(1)) {
        SmallVector<bool> values;
        for (char c : *raw)
          values.push_back(c != 0);
        return DenseElementsAttr::get(type, ArrayRef<bool>(values));
      }
      return DenseElementsAttr::getFromRawBuffer(
          type, ArrayRef<char>(raw->data(), raw->size()));
    }
    return readTyped(t, type, *numel, emitError);
  }

private:
  /// A narrow type: ONNX packs 8 / bits elements per byte (low bits first),
  /// in raw_data, external data or int32_data (one byte per int32); one
  /// value per int32 is accepted too. Unpacked to one element per byte.
  FailureOr<DenseElementsAttr> readNarrow(const onnx::TensorProto &t,
                                          RankedTensorType type, int64_t numel,
                                          const NarrowFormat &f,
                                          EmitErrorFn emitError) {
    int64_t perByte = 8 / f.bits;
    int64_t bytes = (numel + perByte - 1) / perByte;
    std::string packed;
    if (t.data_location() == onnx::TensorProto::EXTERNAL) {
      if (failed(readExternal(t, bytes, packed, emitError)))
        return failure();
    } else if (t.has_raw_data()) {
      packed = t.raw_data();
    } else if (t.int32_data_size() == numel && perByte > 1) {
      // One (unpacked) value per int32.
      SmallVector<int8_t> values;
      for (int32_t v : t.int32_data())
        values.push_back(static_cast<int8_t>(v & ((1 << f.bits) - 1)));
      return DenseElementsAttr::get(type, ArrayRef<int8_t>(values));
    } else {
      for (int32_t v : t.int32_data())
        packed.push_back(static_cast<char>(v & 0xff));
    }
    if (static_cast<int64_t>(packed.size()) != bytes)
      return emitError() << "tensor '" << t.name() << "' holds "
                         << packed.size() << " bytes of "
                         << dtypeName(t.data_type()) << " data but its shape "
                         << type << " needs " << bytes;
    SmallVector<int8_t> values(numel);
    unsigned mask = (1u << f.bits) - 1;
    for (int64_t i = 0; i < numel; ++i) {
      unsigned byte = static_cast<unsigned char>(packed[i / perByte]);
      values[i] = static_cast<int8_t>((byte >> (f.bits * (i % perByte))) & mask);
    }
    return DenseElementsAttr::get(type, ArrayRef<int8_t>(values));
  }

  template <typename T, typename Field>
  FailureOr<DenseElementsAttr>
  fromField(const onnx::TensorProto &t, RankedTensorType type, int64_t numel,
            const Field &field, EmitErrorFn emitError) {
    if (field.size() != numel)
      return emitError() << "tensor '" << t.name() << "' holds " << field.size()
                         << " values but its shape " << type << " needs "
                         << numel;
    SmallVector<T> values(field.begin(), field.end());
    return DenseElementsAttr::get(type, ArrayRef<T>(values));
  }

  FailureOr<DenseElementsAttr> readTyped(const onnx::TensorProto &t,
                                         RankedTensorType type, int64_t numel,
                                         EmitErrorFn emitError) {
    switch (t.data_type()) {
    case onnx::TensorProto::FLOAT:
      return fromField<float>(t, type, numel, t.float_data(), emitError);
    case onnx::TensorProto::DOUBLE:
      return fromField<double>(t, type, numel, t.double_data(), emitError);
    case onnx::TensorProto::INT64:
      return fromField<int64_t>(t, type, numel, t.int64_data(), emitError);
    case onnx::TensorProto::UINT64:
      return fromField<uint64_t>(t, type, numel, t.uint64_data(), emitError);
    case onnx::TensorProto::UINT32:
      return fromField<uint32_t>(t, type, numel, t.uint64_data(), emitError);
    case onnx::TensorProto::INT32:
      return fromField<int32_t>(t, type, numel, t.int32_data(), emitError);
    case onnx::TensorProto::INT16:
    case onnx::TensorProto::UINT16:
      return fromField<int16_t>(t, type, numel, t.int32_data(), emitError);
    case onnx::TensorProto::INT8:
    case onnx::TensorProto::UINT8:
      return fromField<int8_t>(t, type, numel, t.int32_data(), emitError);
    case onnx::TensorProto::BOOL:
      return fromField<bool>(t, type, numel, t.int32_data(), emitError);
    case onnx::TensorProto::FLOAT16:
    case onnx::TensorProto::BFLOAT16: {
      // Stored as the 16-bit patterns in int32_data.
      if (t.int32_data_size() != numel)
        return emitError() << "tensor '" << t.name() << "' holds "
                           << t.int32_data_size() << " values but needs "
                           << numel;
      SmallVector<char> rawBits;
      for (int32_t v : t.int32_data()) {
        rawBits.push_back(static_cast<char>(v & 0xff));
        rawBits.push_back(static_cast<char>((v >> 8) & 0xff));
      }
      return DenseElementsAttr::getFromRawBuffer(type, rawBits);
    }
    default:
      return emitError() << "tensor '" << t.name() << "' has unsupported "
                         << dtypeName(t.data_type());
    }
  }

  LogicalResult readExternal(const onnx::TensorProto &t, int64_t bytes,
                             std::string &out, EmitErrorFn emitError) {
    std::string location;
    int64_t offset = 0, length = -1;
    for (const auto &kv : t.external_data()) {
      if (kv.key() == "location")
        location = kv.value();
      else if (kv.key() == "offset" || kv.key() == "length") {
        int64_t v;
        if (StringRef(kv.value()).getAsInteger(10, v) || v < 0)
          return emitError() << "tensor '" << t.name() << "' has a bad "
                             << kv.key() << " '" << kv.value() << "'";
        (kv.key() == "offset" ? offset : length) = v;
      }
    }
    if (location.empty())
      return emitError() << "tensor '" << t.name()
                         << "' is stored externally but names no location";
    if (baseDir.empty())
      return emitError() << "tensor '" << t.name()
                         << "' is stored externally, but the model was not "
                            "loaded from a file; load it from its directory";
    SmallString<256> path(baseDir);
    llvm::sys::path::append(path, location);
    // Only regular files: a device or a pipe could be read without end.
    llvm::sys::fs::file_status status;
    if (!llvm::sys::fs::status(path, status) &&
        !llvm::sys::fs::is_regular_file(status))
      return emitError() << "external data file '" << path << "' of tensor '"
                         << t.name() << "' is not a regular file";
    auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                              /*RequiresNullTerminator=*/false);
    if (!buffer)
      return emitError() << "cannot read external data file '" << path
                         << "' of tensor '" << t.name()
                         << "': " << buffer.getError().message();
    int64_t size = (*buffer)->getBufferSize();
    if (length < 0)
      length = size - offset;
    if (offset > size || length > size - offset)
      return emitError() << "external data of tensor '" << t.name()
                         << "' (offset " << offset << ", length " << length
                         << ") lies beyond the end of '" << path << "' ("
                         << size << " bytes)";
    if (length != bytes)
      return emitError() << "external data of tensor '" << t.name() << "' has "
                         << length << " bytes but its shape needs " << bytes;
    out.assign((*buffer)->getBufferStart() + offset, length);
    return success();
  }

  MLIRContext *ctx;
  std::string baseDir;
};

} // namespace

//===----------------------------------------------------------------------===//
// GraphImporter
//===----------------------------------------------------------------------===//

/// For the default-domain op `opType` (ONNXOpVersions.inc): the opset in
/// (from, to] that introduced its definition in effect at `to`; 0 when the
/// definition is the same at both opsets (or the op is not in the table), -1
/// when the op does not exist at `from` yet.
static int64_t definitionChange(StringRef opType, int64_t from, int64_t to);

class GraphImporter {
public:
  GraphImporter(MLIRContext *ctx, StringRef baseDir,
                const ImportOptions &options)
      : ctx(ctx), builder(ctx), tensors(ctx, baseDir), options(options) {}

  OwningOpRef<ModuleOp> import(const onnx::ModelProto &model,
                               StringRef modelName);

  OpBuilder &getBuilder() { return builder; }

  using NodeList = google::protobuf::RepeatedPtrField<onnx::NodeProto>;
  /// Imports `nodes` in order: the main graph's, or a subgraph's (whose
  /// node names get `namePrefix`).
  LogicalResult importNodes(const NodeList &nodes, StringRef namePrefix);
  /// Imports a subgraph (an If branch, a Loop or Scan body) inline, its
  /// inputs bound to `inputs`; returns its outputs (and their ONNX types).
  FailureOr<SmallVector<Value>>
  importSubgraph(const onnx::GraphProto &graph, ArrayRef<Value> inputs,
                 ArrayRef<int32_t> inputTypes, NodeImporter &parent,
                 SmallVectorImpl<int32_t> *outputTypes);

  FailureOr<Value> lookup(StringRef name, NodeImporter &node) {
    auto it = values.find(name);
    if (it != values.end())
      return it->second;
    auto c = constants.find(name);
    if (c != constants.end()) {
      Value v = materialize(c->second);
      values[name] = v;
      return v;
    }
    auto init = initializers.find(name);
    if (init != initializers.end()) {
      FailureOr<DenseElementsAttr> attr =
          tensors.read(*init->second, node.errorFn());
      if (failed(attr))
        return failure();
      constants[name] = *attr;
      Value v = materialize(*attr);
      values[name] = v;
      return v;
    }
    if (auto later = laterProducers.find(name); later != laterProducers.end())
      return node.emitError()
             << "input '" << name << "' is produced by node '" << later->second
             << "', which comes later: the graph has a cycle or is not "
                "sorted topologically";
    return node.emitError() << "input '" << name
                            << "' is not produced by any earlier node and is "
                               "neither a graph input nor an initializer";
  }

  FailureOr<DenseElementsAttr> lookupConstant(StringRef name,
                                              NodeImporter &node) {
    auto c = constants.find(name);
    if (c != constants.end())
      return c->second;
    auto init = initializers.find(name);
    if (init != initializers.end()) {
      FailureOr<DenseElementsAttr> attr =
          tensors.read(*init->second, node.errorFn());
      if (succeeded(attr))
        constants[name] = *attr;
      return attr;
    }
    return failure();
  }

  /// The ONNX element type of a value (0 when unknown): the signedness that
  /// MLIR's signless integers do not carry.
  int32_t onnxType(StringRef name) const { return onnxTypes.lookup(name); }
  /// The ONNX type an output of `node` of `type` gets by default.
  int32_t inheritedONNXType(const onnx::NodeProto &node, ShapedType type);
  /// Refuses a narrow-typed input to an op that would compute on its bytes.
  LogicalResult checkNarrowInputs(const onnx::NodeProto &node, Location loc);
  void setONNXType(StringRef name, int32_t dtype) { onnxTypes[name] = dtype; }

  void define(StringRef name, Value v) { values[name] = v; }
  void defineConstant(StringRef name, DenseElementsAttr attr) {
    constants[name] = attr;
    values.erase(name);
  }
  TensorReader &tensorReader() { return tensors; }

  // ---- shapes of undeclared values (see declaredShape) --------------------
  /// Elementwise ops whose result has the shape of their input 0 (CastLike:
  /// the target type operand aside).
  static bool isUnaryElementwise(const onnx::NodeProto &node) {
    static const llvm::StringSet<> ops = {
        "Abs",        "Cast",  "CastLike", "Ceil",    "Cos",  "Erf",
        "Exp",        "Floor", "Identity", "Log",     "Neg",  "Not",
        "Reciprocal", "Relu",  "Round",    "Sigmoid", "Sign", "Sin",
        "Softplus",   "Sqrt",  "Tanh"};
    return ops.contains(node.op_type()) && node.input_size() >= 1 &&
           (node.input_size() == 1 || node.op_type() == "CastLike");
  }
  /// Two-operand ops with numpy broadcasting.
  static bool isBinaryElementwise(const onnx::NodeProto &node) {
    static const llvm::StringSet<> ops = {"Add", "Sub", "Mul", "Div", "Pow"};
    return ops.contains(node.op_type()) && node.input_size() == 2;
  }
  const onnx::NodeProto *producer(StringRef name) const {
    if (producers.empty())
      for (const auto &node : graph->node())
        for (const auto &out : node.output())
          producers[out] = &node;
    return producers.lookup(name);
  }
  /// Whether a value is known to be rank 0 from the graph alone: a rank-0
  /// graph input or initializer, a scalar Constant, or elementwise ops of
  /// such values.
  bool isScalarValue(StringRef name, int depth) const {
    if (depth >= 16 || name.empty())
      return false;
    auto cached = scalarCache.find(name);
    if (cached != scalarCache.end())
      return cached->second;
    bool result = computeIsScalar(name, depth);
    scalarCache[name] = result;
    return result;
  }
  bool computeIsScalar(StringRef name, int depth) const {
    for (const auto &in : graph->input())
      if (in.name() == name)
        return in.type().tensor_type().has_shape() &&
               in.type().tensor_type().shape().dim_size() == 0;
    for (const auto &init : graph->initializer())
      if (init.name() == name)
        return init.dims_size() == 0;
    const onnx::NodeProto *p = producer(name);
    if (!p)
      return false;
    if (p->op_type() == "Constant") {
      for (const auto &a : p->attribute()) {
        if (a.name() == "value_int" || a.name() == "value_float")
          return true;
        if (a.name() == "value")
          return a.t().dims_size() == 0;
      }
      return false;
    }
    if (isUnaryElementwise(*p))
      return isScalarValue(p->input(0), depth + 1);
    if (isBinaryElementwise(*p))
      return isScalarValue(p->input(0), depth + 1) &&
             isScalarValue(p->input(1), depth + 1);
    return false;
  }
  /// The values a value's shape comes from through shape-preserving
  /// elementwise ops (unary ops, binary ops with a scalar or a same-shaped
  /// operand), sorted; empty for a scalar. Values with the same non-empty
  /// roots have the same shape.
  SmallVector<std::string> shapeRoots(StringRef name, int depth) const {
    auto cached = rootsCache.find(name);
    if (cached != rootsCache.end())
      return cached->second;
    SmallVector<std::string> result = computeShapeRoots(name, depth);
    rootsCache[name] = result;
    return result;
  }
  SmallVector<std::string> computeShapeRoots(StringRef name, int depth) const {
    if (isScalarValue(name, 0))
      return {};
    const onnx::NodeProto *p = depth < 16 ? producer(name) : nullptr;
    if (p && isUnaryElementwise(*p))
      return shapeRoots(p->input(0), depth + 1);
    if (p && isBinaryElementwise(*p)) {
      SmallVector<std::string> a = shapeRoots(p->input(0), depth + 1),
                               b = shapeRoots(p->input(1), depth + 1);
      if (a.empty())
        return b;
      if (b.empty() || a == b)
        return a;
    }
    return {name.str()};
  }

  /// The static shape the graph declares for a value (a graph output or a
  /// value_info entry), if any. An undeclared value read by an elementwise
  /// op whose result has its shape (a unary op, a binary op with a scalar or
  /// a same-shaped operand) has that result's declared shape: ONNX function
  /// bodies (the `_expanded` tests) declare only the final output, e.g.
  /// ReduceSum -> Sqrt -> CastLike -> output, or a window's Range -> Mul by
  /// a scalar -> Cos -> ... -> output.
  std::optional<SmallVector<int64_t>> declaredShape(StringRef name,
                                                    int depth = 0) const {
    if (!graph)
      return std::nullopt;
    auto fromInfo = [&](const onnx::ValueInfoProto &info)
        -> std::optional<SmallVector<int64_t>> {
      const auto &tt = info.type().tensor_type();
      if (info.name() != name || !tt.has_shape())
        return std::nullopt;
      SmallVector<int64_t> shape;
      for (const auto &d : tt.shape().dim()) {
        if (!d.has_dim_value())
          return std::nullopt;
        shape.push_back(d.dim_value());
      }
      return shape;
    };
    for (const auto &info : graph->output())
      if (auto s = fromInfo(info))
        return s;
    for (const auto &info : graph->value_info())
      if (auto s = fromInfo(info))
        return s;
    constexpr int kMaxDepth = 16;
    if (depth >= kMaxDepth)
      return std::nullopt;
    for (const auto &node : graph->node()) {
      if (node.output_size() < 1 || node.output(0).empty())
        continue;
      bool carries = false;
      if (isUnaryElementwise(node) && node.input(0) == name) {
        carries = true;
      } else if (isBinaryElementwise(node) &&
                 (node.input(0) == name || node.input(1) == name)) {
        // The result has this value's shape when the other operand is a
        // scalar, or has this value's shape too (same roots).
        StringRef other = node.input(0) == name ? node.input(1) : node.input(0);
        SmallVector<std::string> mine = shapeRoots(name, 0);
        carries = isScalarValue(other, 0) ||
                  (!mine.empty() && shapeRoots(other, 0) == mine);
      }
      if (!carries)
        continue;
      if (auto s = declaredShape(node.output(0), depth + 1))
        return s;
    }
    return std::nullopt;
  }

  /// Defines every output of `node` as an empty constant when the graph
  /// declares each of them with a static shape of zero elements and a
  /// supported element type; fails (defining nothing) otherwise.
  LogicalResult defineDeclaredEmptyOutputs(const onnx::NodeProto &node) {
    if (!graph || node.output_size() == 0)
      return failure();
    SmallVector<std::pair<RankedTensorType, int32_t>> types;
    for (const std::string &out : node.output()) {
      if (out.empty())
        continue;
      std::optional<std::pair<RankedTensorType, int32_t>> t;
      auto fromInfo = [&](const onnx::ValueInfoProto &info) {
        if (t || info.name() != out || !info.type().has_tensor_type())
          return;
        const auto &tt = info.type().tensor_type();
        Type elem = elementType(ctx, tt.elem_type());
        if (!elem || !tt.has_shape())
          return;
        SmallVector<int64_t> shape;
        for (const auto &d : tt.shape().dim()) {
          if (!d.has_dim_value() || d.dim_value() < 0)
            return;
          shape.push_back(d.dim_value());
        }
        if (llvm::is_contained(shape, 0))
          t = {RankedTensorType::get(shape, elem), tt.elem_type()};
      };
      for (const auto &info : graph->output())
        fromInfo(info);
      for (const auto &info : graph->value_info())
        fromInfo(info);
      if (!t)
        return failure();
      types.push_back(*t);
    }
    if (types.empty())
      return failure();
    int k = 0;
    for (const std::string &out : node.output()) {
      if (out.empty())
        continue;
      auto [type, dtype] = types[k++];
      defineConstant(out, DenseElementsAttr::get(type, ArrayRef<Attribute>{}));
      onnxTypes[out] = dtype;
    }
    return success();
  }

private:
  /// Constants go to the top of the function body.
  Value materialize(DenseElementsAttr attr) {
    OpBuilder::InsertionGuard guard(builder);
    builder.setInsertionPointToStart(entryBlock);
    return arith::ConstantOp::create(builder, builder.getUnknownLoc(), attr);
  }

  FailureOr<RankedTensorType> valueInfoType(const onnx::ValueInfoProto &info,
                                            StringRef role, Location loc);

  /// Tensors are limited to kMaxTensorElements: a declared or inferred shape
  /// past it is an error, not an allocation (nor an overflow) later on.
  static LogicalResult checkSize(ShapedType type, StringRef name,
                                 Location loc) {
    if (succeeded(checkNumElements(type.getShape())))
      return success();
    if (llvm::any_of(type.getShape(), [](int64_t d) { return d < 0; }))
      return emitError(loc) << "tensor '" << name << "' (" << type
                            << ") has a dimension of unknown size; dsc needs "
                               "static shapes";
    return emitError(loc) << "tensor '" << name << "' (" << type
                          << ") has more than " << kMaxTensorElements
                          << " elements, which dsc does not support";
  }

  /// Bodies nest (a Loop in an If branch); a corrupt model must not
  /// recurse without bound.
  static constexpr int kMaxSubgraphDepth = 16;
  int subgraphDepth = 0;
  /// The opset the importers read, and the model's own (lower than
  /// kMinOpset for an old model whose ops are read at kMinOpset).
  int64_t opset = 0, modelOpset = 0;
  MLIRContext *ctx;
  OpBuilder builder;
  TensorReader tensors;
  const ImportOptions &options;
  Block *entryBlock = nullptr;
  llvm::StringMap<Value> values;
  llvm::StringMap<DenseElementsAttr> constants;
  llvm::StringMap<const onnx::TensorProto *> initializers;
  llvm::StringMap<int32_t> onnxTypes;
  /// Opsets of the non-default domains the model imports.
  llvm::StringMap<int64_t> domainOpsets;
  const onnx::GraphProto *graph = nullptr;
  // Caches of declaredShape's analysis of `graph` (values are SSA names).
  mutable llvm::StringMap<const onnx::NodeProto *> producers;
  mutable llvm::StringMap<bool> scalarCache;
  mutable llvm::StringMap<SmallVector<std::string>> rootsCache;
  /// Outputs of the nodes not imported yet, by name, with their node's name
  /// (for the diagnostic about a cycle).
  llvm::StringMap<std::string> laterProducers;
};

FailureOr<RankedTensorType>
GraphImporter::valueInfoType(const onnx::ValueInfoProto &info, StringRef role,
                             Location loc) {
  if (!info.type().has_tensor_type())
    return emitError(loc) << role << " '" << info.name()
                          << "' is not a tensor (sequences, maps and "
                             "optionals are not supported)";
  const auto &tt = info.type().tensor_type();
  Type elem = elementType(ctx, tt.elem_type());
  if (!elem)
    return emitError(loc) << role << " '" << info.name() << "' has "
                          << (tt.elem_type() ? dtypeName(tt.elem_type())
                                             : std::string("no element type"))
                          << ", which dsc does not support";
  if (!tt.has_shape())
    return emitError(loc) << role << " '" << info.name()
                          << "' has no shape; dsc needs ranked inputs";
  SmallVector<int64_t> shape;
  for (const auto &dim : tt.shape().dim()) {
    if (dim.has_dim_value() && dim.dim_value() >= 0) {
      shape.push_back(dim.dim_value());
      continue;
    }
    if (dim.has_dim_param()) {
      auto it = options.dimSizes.find(dim.dim_param());
      if (it != options.dimSizes.end()) {
        shape.push_back(it->second);
        continue;
      }
      return emitError(loc)
             << role << " '" << info.name() << "' has the symbolic dimension '"
             << dim.dim_param() << "'; give it a size with --shape "
             << dim.dim_param()
             << "=<size> (only one symbolic batch, found nowhere but as "
                "dimension 0 of graph inputs and outputs, can stay unsized)";
    }
    return emitError(loc) << role << " '" << info.name()
                          << "' has a dimension of unknown size; dsc needs "
                             "static shapes";
  }
  return RankedTensorType::get(shape, elem);
}

OwningOpRef<ModuleOp> GraphImporter::import(const onnx::ModelProto &model,
                                            StringRef modelName) {
  Location modelLoc =
      FileLineColLoc::get(StringAttr::get(ctx, modelName), 0, 0);
  // The default domain's opset, and those of the other domains dsc knows
  // (a model of only ai.onnx.ml or training ops imports no default opset).
  int64_t opset = -1;
  for (const auto &imp : model.opset_import()) {
    if (imp.domain().empty() || imp.domain() == "ai.onnx")
      opset = imp.version();
    else
      domainOpsets[imp.domain()] = imp.version();
  }
  bool otherDomainsOnly =
      opset < 0 && !domainOpsets.empty() &&
      llvm::all_of(model.graph().node(), [](const onnx::NodeProto &n) {
        return !n.domain().empty() && n.domain() != "ai.onnx";
      });
  if (otherDomainsOnly)
    opset = kMaxOpset; // no default-domain node reads it
  if (opset < 0) {
    emitError(modelLoc) << "the model imports no opset of the default ONNX "
                           "domain";
    return nullptr;
  }
  // Opsets below 7 are read as opset 7 (what the importers implement), node
  // by node where the op's definition is the same at both (importNodes).
  if (opset < 1 || opset > kMaxOpset) {
    emitError(modelLoc) << "the model uses ONNX opset " << opset
                        << "; dsc supports opsets 1 to "
                        << kMaxOpset
                        << " (convert it with onnx.version_converter)";
    return nullptr;
  }
  const onnx::GraphProto &graph = model.graph();
  this->graph = &graph;

  OwningOpRef<ModuleOp> module = ModuleOp::create(modelLoc);
  for (const auto &t : graph.initializer()) {
    if (t.name().empty()) {
      emitError(modelLoc) << "the graph has an initializer without a name";
      return nullptr;
    }
    initializers[t.name()] = &t;
    onnxTypes[t.name()] = t.data_type();
  }
  for (const auto &t : graph.sparse_initializer()) {
    emitError(modelLoc) << "sparse initializer '" << t.values().name()
                        << "' is not supported";
    return nullptr;
  }

  // Signature: graph inputs that are not initializers.
  SmallVector<Type> argTypes;
  SmallVector<Attribute> inputNames;
  SmallVector<int32_t> inputDtypes;
  SmallVector<std::pair<std::string, RankedTensorType>> emptyInputs;
  llvm::StringSet<> seenInputs;
  for (const auto &in : graph.input()) {
    if (initializers.count(in.name()))
      continue;
    Location loc = NameLoc::get(StringAttr::get(ctx, in.name()), modelLoc);
    if (!seenInputs.insert(in.name()).second) {
      emitError(loc) << "graph input '" << in.name() << "' is declared twice";
      return nullptr;
    }
    FailureOr<RankedTensorType> type = valueInfoType(in, "graph input", loc);
    if (failed(type) || failed(checkSize(*type, in.name(), loc)))
      return nullptr;
    // A zero-element input carries no data: its value is known from its type
    // alone (empty axes, the `like` of CastLike), so it imports as a constant
    // and the runtime argument stays unread.
    if (type->getNumElements() == 0)
      emptyInputs.push_back({in.name(), *type});
    argTypes.push_back(*type);
    onnxTypes[in.name()] = in.type().tensor_type().elem_type();
    inputNames.push_back(StringAttr::get(ctx, in.name()));
    inputDtypes.push_back(in.type().tensor_type().elem_type());
  }
  if (graph.output_size() == 0) {
    emitError(modelLoc) << "the graph has no outputs";
    return nullptr;
  }

  builder.setInsertionPointToEnd(module->getBody());
  auto func = func::FuncOp::create(builder, modelLoc, options.functionName,
                                   builder.getFunctionType(argTypes, {}));
  entryBlock = func.addEntryBlock();
  for (auto [i, name] : llvm::enumerate(inputNames))
    values[cast<StringAttr>(name).getValue()] = entryBlock->getArgument(i);
  for (auto &[name, type] : emptyInputs)
    defineConstant(name, DenseElementsAttr::get(type, ArrayRef<Attribute>{}));
  builder.setInsertionPointToEnd(entryBlock);

  this->modelOpset = opset;
  this->opset = std::max(opset, kMinOpset);
  if (failed(importNodes(graph.node(), "")))
    return nullptr;

  // Results: graph outputs, checked against their declared types.
  SmallVector<Value> results;
  SmallVector<Attribute> outputNames;
  SmallVector<int32_t> outputDtypes;
  for (const auto &out : graph.output()) {
    Location loc = NameLoc::get(StringAttr::get(ctx, out.name()), modelLoc);
    auto known = values.find(out.name());
    Value v;
    if (known != values.end()) {
      v = known->second;
    } else if (auto c = constants.find(out.name()); c != constants.end()) {
      v = materialize(c->second);
    } else if (auto init = initializers.find(out.name());
               init != initializers.end()) {
      FailureOr<DenseElementsAttr> attr =
          tensors.read(*init->second, [&] { return emitError(loc); });
      if (failed(attr))
        return nullptr;
      v = materialize(*attr);
    } else {
      emitError(loc) << "graph output '" << out.name()
                     << "' is not produced by any node";
      return nullptr;
    }
    auto type = cast<RankedTensorType>(v.getType());
    int32_t dtype = out.type().tensor_type().elem_type();
    int32_t tracked = onnxTypes.lookup(out.name());
    if (out.type().has_tensor_type() && dtype != 0) {
      // Narrow types share i8 with int8: the tracked ONNX type tells them
      // apart.
      bool narrow = narrowFormatOfONNXType(dtype) ||
                    narrowFormatOfONNXType(tracked);
      if (elementType(ctx, dtype) != type.getElementType() ||
          (narrow && tracked && tracked != dtype)) {
        InFlightDiagnostic diag = emitError(loc);
        diag << "graph output '" << out.name() << "' is declared "
                       << dtypeName(dtype) << " but computes ";
        if (narrow && tracked)
          diag << dtypeName(tracked);
        else
          diag << type.getElementType();
        return nullptr;
      }
      const auto &tt = out.type().tensor_type();
      if (tt.has_shape()) {
        bool mismatch = tt.shape().dim_size() != type.getRank();
        for (int d = 0; !mismatch && d < tt.shape().dim_size(); ++d)
          mismatch = tt.shape().dim(d).has_dim_value() &&
                     tt.shape().dim(d).dim_value() != type.getDimSize(d);
        if (mismatch) {
          emitError(loc) << "graph output '" << out.name()
                         << "' is declared with a shape that differs from "
                            "the inferred "
                         << type;
          return nullptr;
        }
      }
    } else {
      // Undeclared: take the dtype from the computed type (signless ints are
      // taken as signed).
      Type e = type.getElementType();
      dtype = tracked && elementType(ctx, tracked) == e ? tracked
                                                        : plainONNXType(e);
    }
    results.push_back(v);
    outputNames.push_back(StringAttr::get(ctx, out.name()));
    outputDtypes.push_back(dtype);
  }
  func::ReturnOp::create(builder, modelLoc, results);
  func.setFunctionType(
      builder.getFunctionType(argTypes, TypeRange(ValueRange(results))));
  func->setAttr("dsc.input_names", builder.getArrayAttr(inputNames));
  func->setAttr("dsc.input_dtypes", builder.getDenseI32ArrayAttr(inputDtypes));
  func->setAttr("dsc.output_names", builder.getArrayAttr(outputNames));
  func->setAttr("dsc.output_dtypes",
                builder.getDenseI32ArrayAttr(outputDtypes));
  module->getOperation()->setAttr("dsc.opset",
                                  builder.getI64IntegerAttr(opset));
  // Constants that folding made unused (their values live on as attributes),
  // and ops whose results became constants (empty results): dsc ops are
  // pure, so a dead one is erased, users before producers.
  for (Operation &op :
       llvm::make_early_inc_range(llvm::reverse(entryBlock->getOperations())))
    if (isOpTriviallyDead(&op))
      op.erase();
  // For `dsc compile --report`: how many ONNX nodes went in.
  module->getOperation()->setAttr(
      "dsc.onnx_nodes", builder.getI64IntegerAttr(graph.node_size()));
  if (failed(mlir::verify(*module)))
    return nullptr;
  return module;
}

//===----------------------------------------------------------------------===//
// NodeImporter
//===----------------------------------------------------------------------===//

LogicalResult
GraphImporter::importNodes(const NodeList &nodes, StringRef namePrefix) {
  auto nodeName = [&](const onnx::NodeProto &node, size_t index) {
    return (namePrefix + (node.name().empty()
                              ? node.op_type() + "_" + std::to_string(index)
                              : node.name()))
        .str();
  };
  for (auto [index, node] : llvm::enumerate(nodes))
    for (const std::string &out : node.output())
      if (!out.empty())
        laterProducers.try_emplace(out, nodeName(node, index));

  const OpRegistry &registry = OpRegistry::get();
  for (auto [index, node] : llvm::enumerate(nodes)) {
    std::string name = nodeName(node, index);
    for (const std::string &out : node.output())
      laterProducers.erase(out);
    Location loc = nodeLoc(ctx, name, node.op_type());
    StringRef domain = node.domain();
    if (domain == "ai.onnx")
      domain = "";
    int64_t nodeOpset = opset;
    if (!domain.empty()) {
      if (!OpRegistry::isSupportedDomain(domain))
        return emitError(loc) << "operator domain '" << domain
                              << "' is not supported (dsc supports the "
                                 "default ONNX domain, ai.onnx.ml, "
                                 "ai.onnx.preview and "
                                 "ai.onnx.preview.training)";
      auto it = domainOpsets.find(domain);
      if (it == domainOpsets.end())
        return emitError(loc) << "the model imports no opset of the domain '"
                              << domain << "' its node uses";
      nodeOpset = it->second;
    }
    if (domain.empty() && modelOpset < opset) {
      int64_t changed = definitionChange(node.op_type(), modelOpset, opset);
      if (changed < 0)
        return emitError(loc) << node.op_type() << " does not exist at ONNX "
                              << "opset " << modelOpset << ", the model's";
      if (changed > 0)
        return emitError(loc)
               << "dsc supports " << node.op_type() << " from opset "
               << changed << "; the model's opset " << modelOpset
               << " has an older definition of it (opsets below "
               << kMinOpset << " are read as opset " << kMinOpset
               << " where an op is defined alike; convert the model with "
                  "onnx.version_converter)";
    }
    int64_t oldest = 0, newer = 0;
    ImportFn fn =
        registry.lookup(domain, node.op_type(), nodeOpset, &oldest, &newer);
    if (!fn) {
      if (newer)
        return emitError(loc)
               << "dsc supports " << node.op_type()
               << " as defined before opset " << newer << "; the model's opset "
               << opset << " uses its newer definition";
      if (oldest)
        return emitError(loc) << "dsc supports " << node.op_type()
                              << " from opset " << oldest
                              << "; the model uses opset " << nodeOpset;
      if (!domain.empty())
        return emitError(loc) << "operator '" << node.op_type()
                              << "' of domain '" << domain
                              << "' is not supported by dsc";
      return emitError(loc) << "operator '" << node.op_type()
                            << "' is not supported by dsc";
    }
    // A node whose every output the graph declares with zero elements
    // computes nothing: its outputs are empty constants, whatever its
    // operands hold (a Slice with run-time starts that selects nothing).
    if (succeeded(defineDeclaredEmptyOutputs(node)))
      continue;
    if (failed(checkNarrowInputs(node, loc)))
      return failure();
    NodeImporter importer(*this, node, loc, nodeOpset);
    if (failed(fn(importer)))
      return failure();
    for (int i = 0; i < node.output_size(); ++i) {
      const std::string &out = node.output(i);
      if (out.empty())
        continue;
      if (!values.count(out) && !constants.count(out))
        return emitError(loc)
               << "output " << i << " ('" << out << "') is not supported";
      Type type;
      if (auto v = values.find(out); v != values.end())
        type = v->second.getType();
      else
        type = constants.lookup(out).getType();
      // Unless the importer said otherwise, an output keeps the ONNX type of
      // the first input of the same element type (uint8 stays uint8, float8
      // stays float8 through data movement), else the plain one of its
      // element type.
      if (!onnxTypes.count(out))
        if (int32_t t = inheritedONNXType(node, cast<ShapedType>(type)))
          onnxTypes[out] = t;
      if (failed(checkSize(cast<ShapedType>(type), out, loc)))
        return failure();
    }
  }
  return success();
}

int32_t GraphImporter::inheritedONNXType(const onnx::NodeProto &node,
                                         ShapedType type) {
  Type elem = type.getElementType();
  for (const std::string &in : node.input()) {
    if (in.empty())
      continue;
    int32_t t = onnxTypes.lookup(in);
    if (t && dsc::elementType(ctx, t) == elem)
      return t;
  }
  return plainONNXType(elem);
}

/// Ops that read a narrow-typed (float8, int4, ...) input only as bytes to
/// move, or that convert it; any other op would compute on the bytes.
static bool acceptsNarrowInputs(StringRef op) {
  static const llvm::StringSet<> ops = {
      "Identity", "Reshape",   "Flatten",        "Squeeze",  "Unsqueeze",
      "Transpose", "Concat",   "Slice",          "Split",    "Gather",
      "GatherElements", "GatherND", "Expand",    "Tile",     "Shape",
      "Size",     "Where",     "Cast",           "CastLike", "QuantizeLinear",
      "DequantizeLinear", "If", "Loop",          "Scan"};
  return ops.contains(op);
}

LogicalResult GraphImporter::checkNarrowInputs(const onnx::NodeProto &node,
                                               Location loc) {
  if (acceptsNarrowInputs(node.op_type()))
    return success();
  for (const std::string &in : node.input())
    if (!in.empty())
      if (const NarrowFormat *f = narrowFormatOfONNXType(onnxTypes.lookup(in)))
        return emitError(loc)
               << "input '" << in << "' has data type " << f->name
               << ", which " << node.op_type()
               << " does not support in dsc (only casts, "
                  "(de)quantization and data movement do); cast it to "
                  "float first";
  return success();
}

FailureOr<SmallVector<Value>> GraphImporter::importSubgraph(
    const onnx::GraphProto &graph, ArrayRef<Value> inputs,
    ArrayRef<int32_t> inputTypes, NodeImporter &parent,
    SmallVectorImpl<int32_t> *outputTypes) {
  if (graph.input_size() != static_cast<int>(inputs.size()))
    return parent.emitError()
           << "subgraph '" << graph.name() << "' takes " << graph.input_size()
           << " inputs; the node gives it " << inputs.size();
  if (++subgraphDepth > kMaxSubgraphDepth) {
    --subgraphDepth;
    return parent.emitError() << "subgraphs are nested more than "
                              << kMaxSubgraphDepth << " deep";
  }
  // The body sees the outer scope; what it defines (inputs, initializers,
  // node outputs) shadows the outer names only while it is imported.
  auto savedValues = values;
  auto savedConstants = constants;
  auto savedTypes = onnxTypes;
  auto savedInitializers = initializers;
  llvm::scope_exit restore([&] {
    values = std::move(savedValues);
    constants = std::move(savedConstants);
    onnxTypes = std::move(savedTypes);
    initializers = std::move(savedInitializers);
    --subgraphDepth;
  });
  for (const auto &t : graph.initializer()) {
    values.erase(t.name());
    constants.erase(t.name());
    initializers[t.name()] = &t;
    onnxTypes[t.name()] = t.data_type();
  }
  for (auto [i, in, value] : llvm::enumerate(graph.input(), inputs)) {
    values[in.name()] = value;
    constants.erase(in.name());
    // A constant input (an unrolled iteration's counter) keeps folding.
    DenseElementsAttr attr;
    if (matchPattern(value, m_Constant(&attr)))
      constants[in.name()] = attr;
    // Body inputs often declare no type (ONNX function bodies); then they
    // have the type of what the node binds to them, which the caller knows
    // (a CastLike or an unsigned op in the body needs it).
    if (in.type().has_tensor_type() && in.type().tensor_type().elem_type())
      onnxTypes[in.name()] = in.type().tensor_type().elem_type();
    else if (i < inputTypes.size() && inputTypes[i])
      onnxTypes[in.name()] = inputTypes[i];
    else
      onnxTypes.erase(in.name());
  }
  // Body nodes are named after their node: 'loop_1/add_0'.
  std::string prefix;
  if (auto name = dyn_cast<NameLoc>(parent.loc()))
    prefix = name.getName().str() + "/";
  if (failed(importNodes(graph.node(), prefix)))
    return failure();
  SmallVector<Value> results;
  for (const auto &out : graph.output()) {
    FailureOr<Value> v = lookup(out.name(), parent);
    if (failed(v))
      return failure();
    results.push_back(*v);
    if (outputTypes) {
      int32_t t = onnxTypes.lookup(out.name());
      if (!t && out.type().has_tensor_type())
        t = out.type().tensor_type().elem_type();
      outputTypes->push_back(t);
    }
  }
  return results;
}

NodeImporter::NodeImporter(GraphImporter &graph, const onnx::NodeProto &node,
                           Location loc, int64_t opset)
    : graph_(graph), node_(node), loc_(loc), opset_(opset) {}

OpBuilder &NodeImporter::builder() { return graph_.getBuilder(); }

InFlightDiagnostic NodeImporter::emitError() { return mlir::emitError(loc_); }

FailureOr<SmallVector<Value>>
NodeImporter::subgraph(StringRef name, ArrayRef<Value> inputs,
                       ArrayRef<int32_t> inputTypes,
                       SmallVectorImpl<int32_t> *outputTypes) {
  const onnx::AttributeProto *a = attr(name);
  if (!a || a->type() != onnx::AttributeProto::GRAPH || !a->has_g())
    return emitError() << "needs the graph attribute '" << name << "'";
  return graph_.importSubgraph(a->g(), inputs, inputTypes, *this, outputTypes);
}

FailureOr<Value> NodeImporter::input(int i) {
  if (!hasInput(i))
    return emitError() << "input " << i << " is required but missing";
  FailureOr<Value> v = graph_.lookup(node_.input(i), *this);
  if (failed(v))
    return failure();
  if (!isa<RankedTensorType>(v->getType()))
    return emitError() << "input '" << node_.input(i) << "' is not a tensor";
  return v;
}

FailureOr<Value> NodeImporter::optionalInput(int i) {
  if (!hasInput(i))
    return Value();
  return input(i);
}

FailureOr<DenseElementsAttr> NodeImporter::constantInput(int i,
                                                         StringRef what) {
  if (!hasInput(i))
    return emitError() << what << " (input " << i << ") is missing";
  FailureOr<DenseElementsAttr> c = graph_.lookupConstant(node_.input(i), *this);
  if (failed(c))
    return emitError() << what << " ('" << node_.input(i)
                       << "') must be a constant (an initializer or a "
                          "Constant node); computed values are not "
                          "supported yet";
  return c;
}

DenseElementsAttr NodeImporter::constantInputOrNull(int i) {
  if (!hasInput(i))
    return {};
  FailureOr<DenseElementsAttr> c = graph_.lookupConstant(node_.input(i), *this);
  return succeeded(c) ? *c : DenseElementsAttr();
}

FailureOr<RankedTensorType> NodeImporter::inputType(int i) {
  if (DenseElementsAttr c = constantInputOrNull(i))
    return cast<RankedTensorType>(c.getType());
  FailureOr<Value> v = input(i);
  if (failed(v))
    return failure();
  return type(*v);
}

FailureOr<DenseElementsAttr>
NodeImporter::readTensor(const onnx::TensorProto &tensor) {
  return graph_.tensorReader().read(tensor, errorFn());
}

const onnx::AttributeProto *NodeImporter::attr(StringRef name) const {
  for (const auto &a : node_.attribute())
    if (a.name() == name)
      return &a;
  return nullptr;
}

FailureOr<int64_t> NodeImporter::intAttr(StringRef name, int64_t dflt) {
  const onnx::AttributeProto *a = attr(name);
  if (!a)
    return dflt;
  if (a->type() != onnx::AttributeProto::INT && !a->has_i())
    return emitError() << "attribute '" << name << "' must be an integer";
  return a->i();
}

FailureOr<float> NodeImporter::floatAttr(StringRef name, float dflt) {
  const onnx::AttributeProto *a = attr(name);
  if (!a)
    return dflt;
  if (a->type() != onnx::AttributeProto::FLOAT && !a->has_f())
    return emitError() << "attribute '" << name << "' must be a float";
  return a->f();
}

FailureOr<std::string> NodeImporter::stringAttr(StringRef name,
                                                StringRef dflt) {
  const onnx::AttributeProto *a = attr(name);
  if (!a)
    return dflt.str();
  if (a->type() != onnx::AttributeProto::STRING && !a->has_s())
    return emitError() << "attribute '" << name << "' must be a string";
  return a->s();
}

FailureOr<std::optional<SmallVector<int64_t>>>
NodeImporter::intsAttr(StringRef name) {
  const onnx::AttributeProto *a = attr(name);
  if (!a)
    return std::optional<SmallVector<int64_t>>();
  if (a->type() != onnx::AttributeProto::INTS && a->ints_size() == 0 &&
      a->type() != onnx::AttributeProto::UNDEFINED)
    return emitError() << "attribute '" << name
                       << "' must be a list of integers";
  return std::optional<SmallVector<int64_t>>(
      SmallVector<int64_t>(a->ints().begin(), a->ints().end()));
}

LogicalResult NodeImporter::checkAttributes(ArrayRef<StringRef> known) {
  for (const auto &a : node_.attribute())
    if (!llvm::is_contained(known, a.name()))
      return emitError() << "attribute '" << a.name()
                         << "' is not supported for " << node_.op_type()
                         << " at opset " << opset_;
  return success();
}

LogicalResult NodeImporter::checkResultShape(ArrayRef<int64_t> shape) {
  if (succeeded(checkNumElements(shape)))
    return success();
  std::string dims;
  llvm::raw_string_ostream os(dims);
  llvm::interleave(shape, os, ",");
  return emitError() << "the result would have the shape [" << dims
                     << "], more than " << kMaxTensorElements
                     << " elements, which dsc does not support";
}

LogicalResult NodeImporter::checkOutputsAtMost(int n, StringRef why) {
  for (int i = n; i < node_.output_size(); ++i)
    if (!node_.output(i).empty())
      return emitError() << "output " << i << " ('" << node_.output(i)
                         << "') is not supported: " << why;
  return success();
}

void NodeImporter::setOutput(int i, Value value) {
  if (!hasOutput(i))
    return;
  // A folded value is a constant: later nodes may need it as one (e.g. the
  // shape input of Reshape computed by Shape -> Gather -> Concat).
  DenseElementsAttr folded;
  if (auto c = value.getDefiningOp<arith::ConstantOp>();
      c && (folded = dyn_cast<DenseElementsAttr>(c.getValue()))) {
    graph_.defineConstant(node_.output(i), folded);
    return;
  }
  // A result of zero elements is known from its type alone: later nodes
  // read it as a constant (and only its shape), so no empty tensor reaches
  // code generation.
  auto type = cast<RankedTensorType>(value.getType());
  if (type.hasStaticShape() && type.getNumElements() == 0) {
    graph_.defineConstant(node_.output(i),
                          DenseElementsAttr::get(type, ArrayRef<Attribute>{}));
    return;
  }
  graph_.define(node_.output(i), value);
}

void NodeImporter::setConstantOutput(int i, DenseElementsAttr value,
                                     int32_t onnxType) {
  if (!hasOutput(i))
    return;
  graph_.defineConstant(node_.output(i), value);
  graph_.setONNXType(node_.output(i), onnxType);
}

std::optional<SmallVector<int64_t>>
NodeImporter::declaredOutputShape(int i) const {
  if (!hasOutput(i))
    return std::nullopt;
  return graph_.declaredShape(node_.output(i));
}

InFlightDiagnostic NodeImporter::refuseShapeOperand(int i, StringRef what) {
  return emitError() << what << " ('"
                     << (hasInput(i) ? node_.input(i) : std::string())
                     << "') must be a constant (an initializer or a Constant "
                        "node), or the graph must declare an output shape "
                        "that fixes it";
}

std::string formatShape(ArrayRef<int64_t> values) {
  std::string s = "[";
  for (auto [i, v] : llvm::enumerate(values))
    s += (i ? ", " : "") + std::to_string(v);
  return s + "]";
}

LogicalResult NodeImporter::guard(Value condition, Value given,
                                  const Twine &expected) {
  if (!condition)
    return failure();
  DenseElementsAttr c;
  if (matchPattern(condition, m_Constant(&c))) {
    if (llvm::all_of(c.getValues<bool>(), [](bool b) { return b; }))
      return success();
    return emitError() << expected;
  }
  std::string message = describeONNXLocation(loc_);
  message += (message.empty() ? "" : ": ") + expected.str();
  GuardOp::create(builder(), loc_, condition, given,
                  builder().getStringAttr(message));
  return success();
}

FailureOr<SmallVector<int64_t>>
NodeImporter::declaredShapeForOperand(int i, StringRef what, int out) {
  if (!hasInput(i))
    return emitError() << what << " (input " << i << ") is missing";
  // The operand must exist as a value (a graph input or a computed one).
  if (failed(input(i)))
    return failure();
  std::optional<SmallVector<int64_t>> declared = declaredOutputShape(out);
  if (!declared)
    return refuseShapeOperand(i, what)
           << "; the graph declares no static shape for output '"
           << (hasOutput(out) ? node_.output(out) : std::string()) << "'";
  return *declared;
}

int32_t NodeImporter::onnxType(int i) const {
  return hasInput(i) ? graph_.onnxType(node_.input(i)) : 0;
}

void NodeImporter::setOutputONNXType(int i, int32_t onnxType) {
  if (hasOutput(i))
    graph_.setONNXType(node_.output(i), onnxType);
}

Type NodeImporter::elementType(int32_t onnxType) {
  return dsc::elementType(context(), onnxType);
}

std::string NodeImporter::dtypeName(int32_t onnxType) {
  return dsc::dtypeName(onnxType);
}

//===----------------------------------------------------------------------===//
// OpRegistry
//===----------------------------------------------------------------------===//

void OpRegistry::add(StringRef opType, std::initializer_list<int64_t> versions,
                     ImportFn fn) {
  auto &entries = ops_[opType];
  for (int64_t v : versions)
    entries.push_back({v, fn});
  llvm::sort(entries, [](auto &a, auto &b) { return a.first < b.first; });
}

namespace {
/// Per default-domain op, the opsets where its signature changed (generated
/// from the onnx package's schema history).
const llvm::StringMap<SmallVector<int64_t>> &signatureChanges() {
  static const llvm::StringMap<SmallVector<int64_t>> table = {
#include "ONNXOpVersions.inc"
  };
  return table;
}
} // namespace

static std::string registryKey(StringRef domain, StringRef opType) {
  return domain.empty() ? opType.str() : (domain + ":" + opType).str();
}

void OpRegistry::add(StringRef domain, StringRef opType,
                     std::initializer_list<int64_t> sinceVersions,
                     ImportFn fn) {
  add(registryKey(domain, opType), sinceVersions, fn);
}

bool OpRegistry::isSupportedDomain(StringRef domain) {
  return domain.empty() || domain == "ai.onnx.ml" ||
         domain == "ai.onnx.preview" || domain == "ai.onnx.preview.training";
}

ImportFn OpRegistry::lookup(StringRef domain, StringRef opType, int64_t opset,
                            int64_t *oldest, int64_t *newerDefinition) const {
  if (!domain.empty())
    return lookup(registryKey(domain, opType), opset, oldest, nullptr);
  return lookup(opType, opset, oldest, newerDefinition);
}

static int64_t definitionChange(StringRef opType, int64_t from, int64_t to) {
  auto changes = signatureChanges().find(opType);
  if (changes == signatureChanges().end())
    return 0;
  if (changes->second.empty() || changes->second.front() > from)
    return -1;
  // The version of the definition in effect at `to`, when it is newer than
  // `from`'s.
  int64_t last = 0;
  for (int64_t v : changes->second)
    if (v <= to)
      last = v;
  return last > from ? last : 0;
}

ImportFn OpRegistry::lookup(StringRef opType, int64_t opset, int64_t *oldest,
                            int64_t *newerDefinition) const {
  auto it = ops_.find(opType);
  if (it == ops_.end())
    return nullptr;
  ImportFn best = nullptr;
  int64_t bestSince = 0;
  for (auto &[since, fn] : it->second)
    if (since <= opset) {
      best = fn;
      bestSince = since;
    }
  if (!best && oldest)
    *oldest = it->second.front().first;
  // A definition newer than every importer of the op must not be read with
  // the old semantics.
  auto changes = signatureChanges().find(opType);
  if (best && changes != signatureChanges().end())
    for (int64_t v : changes->second)
      if (v > bestSince && v <= opset) {
        if (newerDefinition)
          *newerDefinition = v;
        return nullptr;
      }
  return best;
}

const OpRegistry &OpRegistry::get() {
  static const OpRegistry registry = [] {
    OpRegistry r;
    registerElementwiseImporters(r);
    registerNNImporters(r);
    registerTensorImporters(r);
    registerReductionImporters(r);
    registerLayoutImporters(r);
    registerControlFlowImporters(r);
    registerRecurrentImporters(r);
    registerEinsumImporters(r);
    registerLossImporters(r);
    registerIndexingImporters(r);
    registerDetImporters(r);
    registerQuantizeImporters(r);
    registerSequenceImporters(r);
    registerLinearAttentionImporters(r);
    registerSignalImporters(r);
    registerSamplingImporters(r);
    registerRotaryImporters(r);
    registerTrainingImporters(r);
    registerMLImporters(r);
    registerPreviewImporters(r);
    registerTextImporters(r);
    return r;
  }();
  return registry;
}

//===----------------------------------------------------------------------===//
// Loading
//===----------------------------------------------------------------------===//

//===----------------------------------------------------------------------===//
// Dynamic batch
//===----------------------------------------------------------------------===//

/// Whether dimension 0 of `info` is the symbolic dimension `name`.
static bool leadingDimIs(const onnx::ValueInfoProto &info, StringRef name) {
  if (!info.type().has_tensor_type() || !info.type().tensor_type().has_shape())
    return false;
  const auto &shape = info.type().tensor_type().shape();
  return shape.dim_size() > 0 && shape.dim(0).has_dim_param() &&
         shape.dim(0).dim_param() == name;
}

/// The symbolic batch of a model: the one dim_param without a --shape size,
/// found only as dimension 0 of graph inputs (and, if at all, of graph
/// outputs). Empty when there is none, or when unsized symbolic dimensions
/// appear anywhere else; the import then reports them as before.
static std::string findDynamicBatch(const onnx::GraphProto &graph,
                                    const ImportOptions &options) {
  llvm::StringSet<> initializerNames;
  for (const auto &t : graph.initializer())
    initializerNames.insert(t.name());
  std::string name;
  for (const auto &in : graph.input()) {
    if (initializerNames.contains(in.name()) || !in.type().has_tensor_type() ||
        !in.type().tensor_type().has_shape())
      continue;
    for (auto [i, dim] :
         llvm::enumerate(in.type().tensor_type().shape().dim())) {
      if (!dim.has_dim_param() || options.dimSizes.count(dim.dim_param()))
        continue;
      if (i != 0 || (!name.empty() && name != dim.dim_param()))
        return "";
      name = dim.dim_param();
    }
  }
  if (name.empty())
    return "";
  for (const auto &out : graph.output())
    if (out.type().has_tensor_type() && out.type().tensor_type().has_shape())
      for (auto [i, dim] :
           llvm::enumerate(out.type().tensor_type().shape().dim()))
        if (i != 0 && dim.has_dim_param() && dim.dim_param() == name)
          return "";
  return name;
}

/// Whether `b` is `a` with dim 0 scaled from 1 to 2 (batch 1 vs 2).
static bool batchScaled(Type a, Type b) {
  auto ta = dyn_cast<RankedTensorType>(a), tb = dyn_cast<RankedTensorType>(b);
  if (!ta || !tb || ta.getRank() < 1 || ta.getRank() != tb.getRank() ||
      ta.getElementType() != tb.getElementType() || ta.getDimSize(0) != 1 ||
      tb.getDimSize(0) != 2)
    return false;
  return ta.getShape().drop_front() == tb.getShape().drop_front();
}

/// The batch-1 import `f1` against the batch-2 import `f2` of the same
/// model: the importer folds shape computations (Shape, Size, a Reshape's
/// target), so a value that depends on the batch size, or a reshape that
/// only looks batch-preserving at size 1 ([N, K] -> [1, N*K]), shows up as
/// a difference. Per-sample values (`tagged`) must be scaled, everything
/// else identical, except splat constants that repeat per sample
/// (ConstantOfShape(Shape(x))).
static LogicalResult compareBatchImports(func::FuncOp f1, func::FuncOp f2,
                                         const llvm::DenseSet<Value> &tagged,
                                         StringRef batch) {
  SmallVector<Operation *> ops1, ops2;
  f1.getBody().walk([&](Operation *op) { ops1.push_back(op); });
  f2.getBody().walk([&](Operation *op) { ops2.push_back(op); });
  // The first difference, at whichever of the two ops came from a node (a
  // node folded away at one batch size leaves the other's next op).
  auto nodeAtOrAfter = [&](size_t i) -> Location {
    for (auto *ops : {&ops1, &ops2})
      for (size_t k = i; k < ops->size(); ++k)
        if (!describeONNXLocation((*ops)[k]->getLoc()).empty())
          return (*ops)[k]->getLoc();
    return f1.getLoc();
  };
  auto refuse = [&](size_t i) {
    return emitError(nodeAtOrAfter(i))
           << "the model computes with the size of the batch '" << batch
           << "' (its shapes or constants differ between batch sizes 1 and "
              "2 other than per sample), which running it once per sample "
              "does not reproduce; specialize it with --shape "
           << batch << "=<size>";
  };
  for (size_t i = 0; i < std::min(ops1.size(), ops2.size()); ++i) {
    Operation *a = ops1[i], *b = ops2[i];
    if (a->getName() != b->getName() ||
        a->getNumOperands() != b->getNumOperands() ||
        a->getNumResults() != b->getNumResults())
      return refuse(i);
    bool replicated = false;
    if (a->getAttrDictionary() != b->getAttrDictionary()) {
      auto ca = dyn_cast<arith::ConstantOp>(a);
      auto cb = dyn_cast<arith::ConstantOp>(b);
      auto da = ca ? dyn_cast<DenseElementsAttr>(ca.getValue()) : nullptr;
      auto db = cb ? dyn_cast<DenseElementsAttr>(cb.getValue()) : nullptr;
      // Empty constants (a per-sample result of zero elements) hold no
      // values to compare.
      bool empty = da && db && da.getNumElements() == 0 &&
                   db.getNumElements() == 0;
      auto va = dyn_cast_or_null<SplatElementsAttr>(da);
      auto vb = dyn_cast_or_null<SplatElementsAttr>(db);
      if (!empty &&
          (!va || !vb ||
           va.getSplatValue<Attribute>() != vb.getSplatValue<Attribute>()))
        return refuse(i);
      if (!batchScaled(da.getType(), db.getType()))
        return refuse(i);
      replicated = true;
    }
    for (auto [ra, rb] : llvm::zip(a->getResults(), b->getResults())) {
      if (tagged.contains(ra) ? !batchScaled(ra.getType(), rb.getType())
                              : !replicated && ra.getType() != rb.getType())
        return refuse(i);
    }
  }
  if (ops1.size() != ops2.size())
    return refuse(std::min(ops1.size(), ops2.size()));
  return success();
}

/// Imports a model whose batch `batch` has no --shape size: at batch 1,
/// marked (`dsc.dynamic_batch` on the module, `dsc.batch_inputs` /
/// `dsc.batch_outputs` on the function), checked to keep samples apart
/// (checkBatchSeparable), and checked against an import at batch 2.
static OwningOpRef<ModuleOp> importDynamicBatch(MLIRContext &context,
                                                const onnx::ModelProto &model,
                                                const ImportOptions &options,
                                                StringRef batch, StringRef path,
                                                StringRef baseDir) {
  StringRef fileName = llvm::sys::path::filename(path);
  ImportOptions one = options;
  one.dimSizes[batch] = 1;
  GraphImporter importer(&context, baseDir, one);
  OwningOpRef<ModuleOp> module = importer.import(model, fileName);
  if (!module)
    return nullptr;
  auto func = cast<func::FuncOp>(*module->getOps<func::FuncOp>().begin());

  const onnx::GraphProto &graph = model.graph();
  llvm::StringSet<> initializerNames;
  for (const auto &t : graph.initializer())
    initializerNames.insert(t.name());
  SmallVector<int64_t> inputs, outputs;
  int64_t arg = 0;
  for (const auto &in : graph.input()) {
    if (initializerNames.contains(in.name()))
      continue;
    if (leadingDimIs(in, batch))
      inputs.push_back(arg);
    ++arg;
  }
  for (auto [i, out] : llvm::enumerate(graph.output()))
    if (leadingDimIs(out, batch))
      outputs.push_back(i);
  Builder b(&context);
  (*module)->setAttr("dsc.dynamic_batch", b.getStringAttr(batch));
  func->setAttr("dsc.batch_inputs", b.getDenseI64ArrayAttr(inputs));
  func->setAttr("dsc.batch_outputs", b.getDenseI64ArrayAttr(outputs));
  llvm::DenseSet<Value> tagged;
  if (failed(checkBatchSeparable(func, &tagged)))
    return nullptr;

  // The same model at batch 2; its diagnostics are taken over, not printed.
  ImportOptions two = options;
  two.dimSizes[batch] = 2;
  std::string firstError;
  Location errorLoc = FileLineColLoc::get(&context, path, 0, 0);
  OwningOpRef<ModuleOp> second;
  {
    ScopedDiagnosticHandler capture(&context, [&](Diagnostic &diag) {
      if (diag.getSeverity() == DiagnosticSeverity::Error &&
          firstError.empty()) {
        firstError = diag.str();
        errorLoc = diag.getLocation();
      }
      return success();
    });
    GraphImporter importer2(&context, baseDir, two);
    second = importer2.import(model, fileName);
  }
  if (!second) {
    emitError(errorLoc) << "with the batch '" << batch
                        << "' of size 2: " << firstError
                        << "; the model does not compile for a dynamic "
                           "batch, specialize it with --shape "
                        << batch << "=<size>";
    return nullptr;
  }
  auto func2 = cast<func::FuncOp>(*second->getOps<func::FuncOp>().begin());
  if (failed(compareBatchImports(func, func2, tagged, batch)))
    return nullptr;
  return module;
}

OwningOpRef<ModuleOp> importONNXBuffer(MLIRContext &context, StringRef bytes,
                                       const ImportOptions &options,
                                       StringRef path, StringRef baseDir) {
  context.loadDialect<DSCDialect, arith::ArithDialect, func::FuncDialect>();
  Location fileLoc = FileLineColLoc::get(&context, path, 0, 0);
  // Messages are located at the file, which the driver prints first.
  if (bytes.empty()) {
    emitError(fileLoc) << "the file is empty, not an ONNX model";
    return nullptr;
  }

  onnx::ModelProto model;
  try {
    // Binary protobuf first; then the ONNX text format, which starts with
    // '<' (the model header), an identifier or a '#' comment.
    bool binary = bytes.size() <= size_t(std::numeric_limits<int>::max()) &&
                  model.ParseFromArray(bytes.data(), int(bytes.size()));
    if (!binary)
      model.Clear(); // a failed parse leaves partial fields behind
    if (binary && model.has_graph()) {
      // parsed
    } else {
      StringRef trimmed = bytes.ltrim();
      bool looksText =
          !trimmed.empty() &&
          (trimmed.front() == '<' || trimmed.front() == '#' ||
           std::isalpha(static_cast<unsigned char>(trimmed.front())));
      std::string why;
      if (looksText) {
        onnx::ModelProto textModel;
        std::string text = bytes.str();
        onnx::Common::Status status =
            onnx::OnnxParser::Parse(textModel, text.c_str());
        if (status.IsOK()) {
          model = std::move(textModel);
          binary = false;
        } else {
          // The parser's message continues with a context dump: keep line 1.
          why = StringRef(status.ErrorMessage()).split('\n').first.trim().str();
        }
      }
      if (!model.has_graph()) {
        if (binary && why.empty())
          emitError(fileLoc) << "the model has no graph";
        else
          emitError(fileLoc)
              << "not a valid ONNX model: it parses neither as a binary "
                 "ModelProto nor as the ONNX text format"
              << (why.empty() ? "" : " (text format: " + why + ")");
        return nullptr;
      }
    }
  } catch (const std::exception &e) {
    emitError(fileLoc) << "not a valid ONNX model: " << e.what();
    return nullptr;
  }

  std::string batch = findDynamicBatch(model.graph(), options);
  if (!batch.empty())
    return importDynamicBatch(context, model, options, batch, path, baseDir);
  GraphImporter importer(&context, baseDir, options);
  return importer.import(model, llvm::sys::path::filename(path));
}

OwningOpRef<ModuleOp> importONNXFile(MLIRContext &context, StringRef path,
                                     const ImportOptions &options) {
  auto buffer = llvm::MemoryBuffer::getFileOrSTDIN(path, /*IsText=*/false);
  if (!buffer) {
    emitError(FileLineColLoc::get(&context, path, 0, 0))
        << "cannot read the model: " << buffer.getError().message();
    return nullptr;
  }
  SmallString<256> dir(path);
  llvm::sys::path::remove_filename(dir);
  if (dir.empty())
    dir = ".";
  return importONNXBuffer(context, (*buffer)->getBuffer(), options, path, dir);
}

} // namespace dsc
