//===- ShapeInference.h - result types of dsc ops ---------------*- C++ -*-===//
//
// One inference function per op, shared by the ONNX importer (which builds
// ops with the inferred type and reports failures at the ONNX node) and the
// op verifiers (which check that the result type is the inferred one).
//
//===----------------------------------------------------------------------===//
#ifndef DSC_DIALECT_SHAPEINFERENCE_H
#define DSC_DIALECT_SHAPEINFERENCE_H

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/Support/LLVM.h"

namespace dsc {

using EmitErrorFn = llvm::function_ref<mlir::InFlightDiagnostic()>;
using mlir::RankedTensorType;

/// numpy broadcasting of two shapes (also checks equal element types).
mlir::FailureOr<RankedTensorType> inferBroadcastType(EmitErrorFn emitError,
                                                     RankedTensorType lhs,
                                                     RankedTensorType rhs);
/// The broadcast shape of two shapes, or failure when incompatible.
mlir::FailureOr<llvm::SmallVector<int64_t>>
broadcastShapes(llvm::ArrayRef<int64_t> lhs, llvm::ArrayRef<int64_t> rhs);

mlir::FailureOr<RankedTensorType> inferMatMulType(EmitErrorFn emitError,
                                                  RankedTensorType lhs,
                                                  RankedTensorType rhs);

/// `c` may be null.
mlir::FailureOr<RankedTensorType>
inferGemmType(EmitErrorFn emitError, RankedTensorType a, RankedTensorType b,
              RankedTensorType c, bool transA, bool transB);

/// `bias` may be null. `pads` holds all begins then all ends.
mlir::FailureOr<RankedTensorType>
inferConvType(EmitErrorFn emitError, RankedTensorType input,
              RankedTensorType weight, RankedTensorType bias,
              llvm::ArrayRef<int64_t> strides, llvm::ArrayRef<int64_t> pads,
              llvm::ArrayRef<int64_t> dilations, int64_t group);

/// ConvTranspose: weights [C, M / group, K...]; `pads` (begins then ends)
/// crop the full output and may be negative (extension, see
/// dsc.conv_transpose). `bias` may be null.
mlir::FailureOr<RankedTensorType>
inferConvTransposeType(EmitErrorFn emitError, RankedTensorType input,
                       RankedTensorType weight, RankedTensorType bias,
                       llvm::ArrayRef<int64_t> strides,
                       llvm::ArrayRef<int64_t> pads,
                       llvm::ArrayRef<int64_t> dilations, int64_t group);

/// Resize: the result has `outputShape` (of the input's rank) and the
/// input's element type; checks one positive scale per dimension, 2 * rank
/// roi values and the mode strings (dsc.resize). Linear and cubic modes
/// need a float input.
mlir::FailureOr<RankedTensorType>
inferResizeType(EmitErrorFn emitError, RankedTensorType input,
                llvm::ArrayRef<int64_t> outputShape,
                llvm::ArrayRef<double> scales, llvm::ArrayRef<double> roi,
                llvm::StringRef mode, llvm::StringRef coordinateMode,
                llvm::StringRef nearestMode);

/// GridSample: a float input [N, C, D_1..D_k] (k >= 1) and grid
/// [N, O_1..O_k, k] of its type give [N, C, O_1..O_k]; checks the mode
/// (cubic only for k = 2) and padding strings.
mlir::FailureOr<RankedTensorType>
inferGridSampleType(EmitErrorFn emitError, RankedTensorType input,
                    RankedTensorType grid, llvm::StringRef mode,
                    llvm::StringRef paddingMode);

/// RoiAlign: a float input [N, C, H, W], rois [R, 4] of its type and i64
/// batch indices [R] give [R, C, outputHeight, outputWidth]; the mode is avg
/// or max and the sampling ratio positive.
mlir::FailureOr<RankedTensorType>
inferRoiAlignType(EmitErrorFn emitError, RankedTensorType input,
                  RankedTensorType rois, RankedTensorType batchIndices,
                  int64_t outputHeight, int64_t outputWidth,
                  llvm::StringRef mode, int64_t samplingRatio);

/// Output size of one spatial dimension of a window op.
int64_t windowOutputSize(int64_t in, int64_t kernel, int64_t stride,
                         int64_t padBegin, int64_t padEnd, int64_t dilation,
                         bool ceilMode);

mlir::FailureOr<RankedTensorType>
inferPoolType(EmitErrorFn emitError, RankedTensorType input,
              llvm::ArrayRef<int64_t> kernel, llvm::ArrayRef<int64_t> strides,
              llvm::ArrayRef<int64_t> pads, llvm::ArrayRef<int64_t> dilations,
              bool ceilMode);

mlir::FailureOr<RankedTensorType> inferGlobalPoolType(EmitErrorFn emitError,
                                                      RankedTensorType input);

mlir::FailureOr<RankedTensorType>
inferBatchNormType(EmitErrorFn emitError, RankedTensorType input,
                   llvm::ArrayRef<RankedTensorType> params);

/// LayerNormalization: `scale` and `bias` (may be null) must broadcast to
/// the input's dimensions [axis, rank).
mlir::FailureOr<RankedTensorType>
inferLayerNormType(EmitErrorFn emitError, RankedTensorType input,
                   RankedTensorType scale, RankedTensorType bias,
                   int64_t axis);

mlir::FailureOr<RankedTensorType>
inferTransposeType(EmitErrorFn emitError, RankedTensorType input,
                   llvm::ArrayRef<int64_t> perm);

mlir::FailureOr<RankedTensorType>
inferConcatType(EmitErrorFn emitError, llvm::ArrayRef<RankedTensorType> inputs,
                int64_t axis);

/// ONNX Reshape's target shape: 0 copies the input dim (unless allowZero),
/// one -1 is inferred.
mlir::FailureOr<RankedTensorType>
inferReshapeType(EmitErrorFn emitError, RankedTensorType input,
                 llvm::ArrayRef<int64_t> shape, bool allowZero);

/// numpy broadcasting of the shapes of `operands` (any element types) to a
/// tensor of `elementType`.
mlir::FailureOr<RankedTensorType>
inferBroadcastShape(EmitErrorFn emitError,
                    llvm::ArrayRef<RankedTensorType> operands,
                    mlir::Type elementType);

/// Pow: a float base, a float or integer exponent; the base's element type.
mlir::FailureOr<RankedTensorType> inferPowType(EmitErrorFn emitError,
                                               RankedTensorType base,
                                               RankedTensorType exponent);

/// Comparisons: equal element types, an i1 result.
mlir::FailureOr<RankedTensorType> inferCompareType(EmitErrorFn emitError,
                                                   RankedTensorType lhs,
                                                   RankedTensorType rhs);

/// And, Or, Xor: bool or integer operands; BitShift: integer operands; Mod:
/// numeric operands (`kind` names the op in diagnostics); the broadcast shape
/// of the operands' element type.
mlir::FailureOr<RankedTensorType> inferLogicalType(EmitErrorFn emitError,
                                                   RankedTensorType lhs,
                                                   RankedTensorType rhs);
mlir::FailureOr<RankedTensorType> inferBitShiftType(EmitErrorFn emitError,
                                                    RankedTensorType lhs,
                                                    RankedTensorType rhs);
mlir::FailureOr<RankedTensorType> inferModType(EmitErrorFn emitError,
                                               RankedTensorType lhs,
                                               RankedTensorType rhs, bool fmod);

/// PRelu: a float input and a slope that broadcasts (numpy rules) to the
/// input's shape, which the result keeps.
mlir::FailureOr<RankedTensorType> inferPReluType(EmitErrorFn emitError,
                                                 RankedTensorType input,
                                                 RankedTensorType slope);

/// IsNaN, IsInf: a float input; an i1 result of its shape.
mlir::FailureOr<RankedTensorType> inferFloatTestType(EmitErrorFn emitError,
                                                     RankedTensorType input);

/// Where: an i1 condition, x and y of one element type.
mlir::FailureOr<RankedTensorType> inferWhereType(EmitErrorFn emitError,
                                                 RankedTensorType condition,
                                                 RankedTensorType x,
                                                 RankedTensorType y);

/// Cast: float, integer or i1 on both sides, same shape.
mlir::FailureOr<RankedTensorType> inferCastType(EmitErrorFn emitError,
                                                RankedTensorType input,
                                                mlir::Type elementType);

/// BitCast: float, integer or i1 (stored as one byte) of the same width on
/// both sides, same shape.
mlir::FailureOr<RankedTensorType> inferBitCastType(EmitErrorFn emitError,
                                                   RankedTensorType input,
                                                   mlir::Type elementType);

/// Expand: the numpy broadcast of the input's shape and `shape`.
mlir::FailureOr<RankedTensorType>
inferExpandType(EmitErrorFn emitError, RankedTensorType input,
                llvm::ArrayRef<int64_t> shape);

/// dsc.reduce's kinds (sum, mean, max, ...).
bool isReduceKind(llvm::StringRef kind);

/// Reduce: `axes` non-negative, sorted and unique; float input unless the
/// kind also works on integers.
mlir::FailureOr<RankedTensorType> inferReduceType(EmitErrorFn emitError,
                                                  RankedTensorType input,
                                                  llvm::StringRef kind,
                                                  llvm::ArrayRef<int64_t> axes,
                                                  bool keepDims);

/// ArgReduce: kind "max" or "min", a float or integer input, `axis`
/// non-negative; an i64 result without the axis.
mlir::FailureOr<RankedTensorType> inferArgReduceType(EmitErrorFn emitError,
                                                     RankedTensorType input,
                                                     llvm::StringRef kind,
                                                     int64_t axis);

/// TopK: a float or integer input, `axis` non-negative, 0 <= k <= the
/// axis' size; the type of the values (that of the indices is the same
/// shape in i64).
mlir::FailureOr<RankedTensorType> inferTopKType(EmitErrorFn emitError,
                                                RankedTensorType input,
                                                int64_t axis, int64_t k);

/// Gather: `axis` non-negative, integer indices.
mlir::FailureOr<RankedTensorType> inferGatherType(EmitErrorFn emitError,
                                                  RankedTensorType data,
                                                  RankedTensorType indices,
                                                  int64_t axis);

/// GatherElements: integer indices of the data's rank, `axis`
/// non-negative; the data's element type in the indices' shape.
mlir::FailureOr<RankedTensorType>
inferGatherElementsType(EmitErrorFn emitError, RankedTensorType data,
                        RankedTensorType indices, int64_t axis);

/// ScatterElements: indices and updates of one shape and the data's rank,
/// `axis` non-negative; ScatterND: indices [..., k] with k <= rank(data)
/// and updates indices.shape[:-1] + data.shape[k:]. Both: `reduction` is
/// none, add, mul, max or min; the result has the data's type.
mlir::FailureOr<RankedTensorType>
inferScatterElementsType(EmitErrorFn emitError, RankedTensorType data,
                         RankedTensorType indices, RankedTensorType updates,
                         llvm::StringRef reduction, int64_t axis);
mlir::FailureOr<RankedTensorType> inferScatterNDType(EmitErrorFn emitError,
                                                     RankedTensorType data,
                                                     RankedTensorType indices,
                                                     RankedTensorType updates,
                                                     llvm::StringRef reduction);

/// Slice: one start and one non-zero step per dimension and the result's
/// `sizes`; every accessed element must lie inside the input.
mlir::FailureOr<RankedTensorType> inferSliceType(EmitErrorFn emitError,
                                                 RankedTensorType input,
                                                 llvm::ArrayRef<int64_t> starts,
                                                 llvm::ArrayRef<int64_t> steps,
                                                 llvm::ArrayRef<int64_t> sizes);

/// Unsqueeze: `axes` index the result (negative counts from its end).
mlir::FailureOr<RankedTensorType>
inferUnsqueezeType(EmitErrorFn emitError, RankedTensorType input,
                   llvm::ArrayRef<int64_t> axes);

/// Squeeze: drops `axes` (each of size 1), or every size-1 dimension when
/// `axes` is empty.
mlir::FailureOr<RankedTensorType>
inferSqueezeType(EmitErrorFn emitError, RankedTensorType input,
                 llvm::ArrayRef<int64_t> axes);

/// Checks that `axis` lies in [-rank, rank) (or [-rank-1, rank] when
/// `inclusive`) and returns it made non-negative.
mlir::FailureOr<int64_t> normalizeAxis(EmitErrorFn emitError, int64_t axis,
                                       int64_t rank, bool inclusive = false);

} // namespace dsc

#endif // DSC_DIALECT_SHAPEINFERENCE_H
