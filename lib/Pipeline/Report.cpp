//===- Report.cpp - what the graph passes did, for --report ---------------===//
#include "dsc/Pipeline/Report.h"
#include "dsc/Dialect/DSCDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/Support/Format.h"

using namespace mlir;

namespace dsc {

namespace {

int64_t tensorBytes(Type type) {
  auto t = dyn_cast<RankedTensorType>(type);
  if (!t || !t.hasStaticShape())
    return 0;
  int64_t bits = t.getElementType().getIntOrFloatBitWidth();
  return t.getNumElements() * ((bits + 7) / 8);
}

bool isDSC(Operation *op) { return isa<DSCDialect>(op->getDialect()); }

std::string megabytes(int64_t bytes) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << llvm::format("%.2f MB", bytes / 1e6);
  return s;
}

} // namespace

GraphStats measureGraph(ModuleOp module) {
  GraphStats stats;
  module.walk([&](func::FuncOp func) {
    llvm::SmallPtrSet<Value, 8> outputs;
    for (Block &block : func.getBody())
      if (auto ret = dyn_cast<func::ReturnOp>(block.getTerminator()))
        outputs.insert(ret.getOperands().begin(), ret.getOperands().end());
    func.walk([&](Operation *op) {
      if (!isDSC(op) || isa<YieldOp>(op))
        return;
      if (!isa<KernelOp>(op))
        ++stats.opCounts[op->getName().stripDialect().str()];
      if (op->getParentOfType<KernelOp>() || isa<ReshapeOp, GuardOp>(op))
        return;
      ++stats.kernels;
      if (auto kernel = dyn_cast<KernelOp>(op))
        ++stats.fusions[kernel.getFusion().str()];
      for (Value v : op->getResults())
        if (!outputs.contains(v))
          stats.intermediateBytes += tensorBytes(v.getType());
    });
  });
  return stats;
}

void CompileReport::readPrecision(ModuleOp module) {
  auto read = [&](StringRef name, std::map<std::string, int64_t> &out) {
    if (auto dict = module->getAttrOfType<DictionaryAttr>(name))
      for (NamedAttribute entry : dict)
        out[entry.getName().str()] =
            cast<IntegerAttr>(entry.getValue()).getInt();
  };
  read("dsc.bf16_contractions", bf16Ops);
  read("dsc.fp32_contractions", fp32Contractions);
}

std::map<std::string, int64_t> CompileReport::fp32Ops() const {
  std::map<std::string, int64_t> ops = optimized.opCounts;
  // ONNX op type -> the dsc op it was imported as.
  for (const auto &[onnx, count] : bf16Ops) {
    std::string name = StringRef(onnx).lower();
    auto it = ops.find(name);
    if (it == ops.end())
      continue;
    it->second -= count;
    if (it->second <= 0)
      ops.erase(it);
  }
  return ops;
}

void CompileReport::print(llvm::raw_ostream &os) const {
  os << "dsc report: " << model << "\n";
  os << "  ONNX nodes in:      " << onnxNodes << "\n";
  os << "  kernels out:        " << optimized.kernels << "  (without graph "
     << "passes: " << imported.kernels << ")\n";
  if (!graphOpt)
    os << "  graph passes:       off (--no-fusion)\n";
  if (!optimized.fusions.empty()) {
    os << "  fusions:\n";
    for (const auto &[name, count] : optimized.fusions)
      os << "    " << llvm::format("%5d", count) << " x " << name << "\n";
  }
  // Ops the graph passes removed (folded, or replaced by named ops) and
  // the named ops that patterns formed.
  auto countIn = [](const std::map<std::string, int64_t> &m,
                    const std::string &name) -> int64_t {
    auto it = m.find(name);
    return it == m.end() ? 0 : it->second;
  };
  std::vector<std::string> removed, formed;
  for (const auto &[name, count] : imported.opCounts)
    if (int64_t after = countIn(optimized.opCounts, name); after < count)
      removed.push_back(std::to_string(count - after) + " x " + name);
  for (const auto &[name, count] : optimized.opCounts)
    if (int64_t before = countIn(imported.opCounts, name); before < count)
      formed.push_back(std::to_string(count - before) + " x " + name);
  auto printList = [&](StringRef label, ArrayRef<std::string> list) {
    if (list.empty())
      return;
    os << label;
    for (const std::string &r : list)
      os << " " << r << ";";
    os << "\n";
  };
  printList("  ops folded/replaced:", removed);
  printList("  named ops formed:   ", formed);
  os << "  intermediate tensors: " << megabytes(imported.intermediateBytes)
     << " -> " << megabytes(optimized.intermediateBytes) << " ("
     << megabytes(imported.intermediateBytes - optimized.intermediateBytes)
     << " never written)\n";
  if (precision == "bf16") {
    os << "  precision:          bf16: MatMul/Gemm/Conv take bf16 inputs and "
          "accumulate in fp32 (";
    if (!bf16Dot)
      os << "fp32 FMAs of the bf16 inputs: the target has no AVX512-BF16, "
            "or --no-vectorize";
    else if (bf16DotKernels < 0)
      os << "vdpbf16ps where the kernel allows";
    else {
      os << "vdpbf16ps in " << bf16DotKernels << " kernels";
      if (amxKernels > 0)
        os << " (" << amxKernels << " of them on AMX tiles, tdpbf16ps)";
      os << ", fp32 FMAs of the bf16 inputs in the others";
    }
    os << ")\n";
    auto list = [&](const std::map<std::string, int64_t> &m) {
      std::string s;
      for (const auto &[name, count] : m)
        s += " " + std::to_string(count) + " x " + name + ";";
      return s.empty() ? std::string(" none") : s;
    };
    os << "    in bf16:         " << list(bf16Ops) << "\n";
    if (!fp32Contractions.empty())
      os << "    kept in fp32:    " << list(fp32Contractions)
         << " (faster in f32 on this target, or not f32 "
            "multiply-accumulates)\n";
    os << "    in fp32 (ops):   " << list(fp32Ops()) << "\n";
  }
  if (arenaBytes)
    os << "  arena:              " << megabytes(arenaBytes)
       << " (lower bound " << megabytes(arenaLowerBound) << ")\n";
  if (weightsBytes)
    os << "  weights:            " << megabytes(weightsBytes) << "\n";
  os << "  phases:            ";
  double total = 0;
  for (const auto &[phase, seconds] : phases) {
    os << " " << phase << " " << llvm::format("%.2f", seconds) << " s;";
    total += seconds;
  }
  os << " total " << llvm::format("%.2f", total) << " s\n";
}

llvm::json::Value CompileReport::toJSON() const {
  auto stats = [](const GraphStats &s) {
    llvm::json::Object ops, fusions;
    for (const auto &[name, count] : s.opCounts)
      ops[name] = count;
    for (const auto &[name, count] : s.fusions)
      fusions[name] = count;
    return llvm::json::Object{{"kernels", s.kernels},
                              {"intermediate_bytes", s.intermediateBytes},
                              {"ops", std::move(ops)},
                              {"fusions", std::move(fusions)}};
  };
  llvm::json::Array phaseList;
  for (const auto &[phase, seconds] : phases)
    phaseList.push_back(llvm::json::Object{{"phase", phase},
                                           {"seconds", seconds}});
  auto counts = [](const std::map<std::string, int64_t> &m) {
    llvm::json::Object o;
    for (const auto &[name, count] : m)
      o[name] = count;
    return o;
  };
  llvm::json::Object precisionInfo{{"mode", precision}};
  if (precision == "bf16") {
    precisionInfo["dot"] = bf16Dot ? "vdpbf16ps" : "fma";
    if (bf16DotKernels >= 0)
      precisionInfo["vdpbf16ps_kernels"] = bf16DotKernels;
    precisionInfo["amx_kernels"] = amxKernels;
    precisionInfo["bf16"] = counts(bf16Ops);
    precisionInfo["fp32_contractions"] = counts(fp32Contractions);
    precisionInfo["fp32_ops"] = counts(fp32Ops());
  }
  return llvm::json::Object{{"model", model},
                            {"precision", std::move(precisionInfo)},
                            {"onnx_nodes", onnxNodes},
                            {"graph_passes", graphOpt},
                            {"imported", stats(imported)},
                            {"optimized", stats(optimized)},
                            {"arena_bytes", arenaBytes},
                            {"arena_lower_bound", arenaLowerBound},
                            {"weights_bytes", weightsBytes},
                            {"phases", std::move(phaseList)}};
}

} // namespace dsc
