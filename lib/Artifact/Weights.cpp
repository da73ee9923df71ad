//===- Weights.cpp - constant data as raw bytes, not LLVM constants -------===//
#include "dsc/Artifact/Artifact.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/BuiltinAttributes.h"

using namespace mlir;

namespace dsc {

WeightBlob extractWeights(ModuleOp module, llvm::StringRef prefix,
                          uint64_t minBytes) {
  WeightBlob blob;
  OpBuilder b(module.getContext());
  for (auto global : module.getOps<LLVM::GlobalOp>()) {
    auto dense = dyn_cast_or_null<DenseElementsAttr>(global.getValueAttr());
    if (!global.getConstant() || !dense || global.getInitializerBlock())
      continue;
    Type elem = dense.getElementType();
    if (!elem.isIntOrFloat() || elem.getIntOrFloatBitWidth() % 8 != 0)
      continue;
    uint64_t elemBytes = elem.getIntOrFloatBitWidth() / 8;
    uint64_t size = elemBytes * dense.getNumElements();
    if (size < minBytes)
      continue;
    // Raw data is the host's byte order, little-endian like every target.
    ArrayRef<char> raw = dense.getRawData();
    uint64_t offset = (blob.bytes.size() + 63) / 64 * 64;
    blob.bytes.resize(offset, 0);
    if (dense.isSplat())
      for (int64_t i = 0, e = dense.getNumElements(); i < e; ++i)
        blob.bytes.insert(blob.bytes.end(), raw.begin(),
                          raw.begin() + elemBytes);
    else
      blob.bytes.insert(blob.bytes.end(), raw.begin(), raw.end());
    std::string name = (prefix + "_w" + llvm::Twine(blob.symbols.size())).str();
    blob.symbols.push_back({name, offset, size});

    // The global becomes a declaration of the assembled symbol. Hidden: it
    // is defined in the same library, so no GOT indirection.
    StringAttr oldName = global.getSymNameAttr();
    if (failed(SymbolTable::replaceAllSymbolUses(oldName, b.getStringAttr(name),
                                                 module)))
      continue;
    global.setSymName(name);
    global.setLinkage(LLVM::Linkage::External);
    global.setVisibility_(LLVM::Visibility::Hidden);
    global.setDsoLocal(true);
    global.removeValueAttr();
    global.setAlignment(64);
  }
  return blob;
}

} // namespace dsc
