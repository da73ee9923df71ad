//===- ConstantFolding.h - numpy-like folds on constant tensors -*- C++ -*-===//
//
// Shape subgraphs of exporters (Shape -> Gather -> Unsqueeze -> Concat ->
// Reshape) only import when their values are known at compile time; these
// helpers compute the results of data-movement and cast ops on
// DenseElementsAttr so that importers can record them as constants.
//
//===----------------------------------------------------------------------===//
#ifndef DSC_LIB_FRONTEND_CONSTANTFOLDING_H
#define DSC_LIB_FRONTEND_CONSTANTFOLDING_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"

namespace dsc {

/// Non-splat results with more elements than this are computed at run time
/// instead: folding copies every element through APInt/APFloat.
constexpr int64_t kMaxFoldedElements = int64_t(1) << 20;

/// Whether a fold producing `type` from `inputs` is cheap enough.
bool shouldFold(mlir::RankedTensorType type,
                llvm::ArrayRef<mlir::DenseElementsAttr> inputs);

/// The elements of an integer (or bool) constant as int64 (sign-extended;
/// bool as 0/1).
llvm::SmallVector<int64_t> intValues(mlir::DenseElementsAttr value);

/// A tensor of `type` whose element at each index is element
/// `source(index).second` (a row-major flat index) of
/// `sources[source(index).first]`; all sources share `type`'s element type.
mlir::DenseElementsAttr remapElements(
    llvm::ArrayRef<mlir::DenseElementsAttr> sources,
    mlir::RankedTensorType type,
    llvm::function_ref<std::pair<unsigned, int64_t>(llvm::ArrayRef<int64_t>)>
        source);

/// numpy broadcast of `value` to `type`'s shape.
mlir::DenseElementsAttr foldBroadcast(mlir::DenseElementsAttr value,
                                      mlir::RankedTensorType type);

/// Gather along `axis` with non-negative `indices` of shape `indicesShape`.
mlir::DenseElementsAttr foldGather(mlir::DenseElementsAttr data,
                                   llvm::ArrayRef<int64_t> indices,
                                   llvm::ArrayRef<int64_t> indicesShape,
                                   int64_t axis, mlir::RankedTensorType type);

/// result[i...] = value[starts[d] + i_d * steps[d]...].
mlir::DenseElementsAttr foldSlice(mlir::DenseElementsAttr value,
                                  llvm::ArrayRef<int64_t> starts,
                                  llvm::ArrayRef<int64_t> steps,
                                  mlir::RankedTensorType type);

mlir::DenseElementsAttr foldConcat(llvm::ArrayRef<mlir::DenseElementsAttr> in,
                                   int64_t axis, mlir::RankedTensorType type);

/// Integer sum/prod/max/min over sorted `axes` (the shape arithmetic of
/// exporters, e.g. ReduceProd of a Shape slice); null for other kinds or
/// element types.
mlir::DenseElementsAttr foldIntReduce(mlir::DenseElementsAttr value,
                                      llvm::StringRef kind,
                                      llvm::ArrayRef<int64_t> axes,
                                      mlir::RankedTensorType type);

/// ONNX Cast of a constant (same rules as dsc.cast's lowering).
mlir::DenseElementsAttr foldCast(mlir::DenseElementsAttr value, mlir::Type to,
                                 bool inputUnsigned, bool resultUnsigned);

} // namespace dsc

#endif // DSC_LIB_FRONTEND_CONSTANTFOLDING_H
