//===- PopulatePatterns.h - dsc-to-linalg pattern families ------*- C++ -*-===//
//
// One file per op family (Elementwise, Linear, Conv, Pooling, Normalization,
// DataMovement, Resize, Sampling), each contributing its patterns here, plus the helpers
// they share.
//
//===----------------------------------------------------------------------===//
#ifndef DSC_LIB_CONVERSION_DSCTOLINALG_POPULATEPATTERNS_H
#define DSC_LIB_CONVERSION_DSCTOLINALG_POPULATEPATTERNS_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/DialectConversion.h"

namespace dsc {

void populateElementwisePatterns(mlir::RewritePatternSet &patterns);
void populateLinearPatterns(mlir::RewritePatternSet &patterns);
void populateConvPatterns(mlir::RewritePatternSet &patterns);
void populatePoolingPatterns(mlir::RewritePatternSet &patterns);
void populateNormalizationPatterns(mlir::RewritePatternSet &patterns);
void populateDataMovementPatterns(mlir::RewritePatternSet &patterns);
void populateAttentionPatterns(mlir::RewritePatternSet &patterns);
void populateReductionPatterns(mlir::RewritePatternSet &patterns);
void populateResizePatterns(mlir::RewritePatternSet &patterns);
void populateSamplingPatterns(mlir::RewritePatternSet &patterns);
void populateGuardPatterns(mlir::RewritePatternSet &patterns);

/// Moves every dsc.guard under `scope`, with the ops it depends on, to the
/// start of its function (Guard.cpp), so guards run before any output is
/// written; runs before the per-op patterns.
void hoistGuards(mlir::Operation *scope);

/// Rewrites every dsc.kernel under `scope` into its root op (still dsc) and
/// one in-place elementwise epilogue generic (Kernel.cpp); runs before the
/// per-op patterns.
mlir::LogicalResult lowerKernels(mlir::Operation *scope);

//===----------------------------------------------------------------------===//
// Shared helpers
//===----------------------------------------------------------------------===//

using BodyBuilder = llvm::function_ref<mlir::Value(
    mlir::OpBuilder &, mlir::Location, mlir::ValueRange)>;

/// The indexing map that reads an operand of `operandShape` broadcast (numpy
/// rules, aligned right) to the iteration space `resultShape`.
mlir::AffineMap broadcastMap(mlir::MLIRContext *ctx,
                             llvm::ArrayRef<int64_t> operandShape,
                             llvm::ArrayRef<int64_t> resultShape);

/// An all-parallel linalg.generic producing `resultType` from `inputs`, each
/// broadcast to the result shape; `body` gets one scalar per input.
mlir::Value buildElementwise(mlir::OpBuilder &b, mlir::Location loc,
                             mlir::RankedTensorType resultType,
                             mlir::ValueRange inputs, BodyBuilder body);

/// out += lhs * rhs as a linalg.generic over loops (numParallel parallel,
/// then numReduction reduction ones) with the given maps, marked as a
/// contraction of `kind` (dsc.contraction: "MatMul", "Gemm", "Conv",
/// "AttentionMatMul"; see dsc-bf16-contractions).
mlir::Value buildContraction(mlir::OpBuilder &b, mlir::Location loc,
                             mlir::Value lhs, mlir::Value rhs, mlir::Value init,
                             llvm::ArrayRef<mlir::AffineMap> maps,
                             int64_t numParallel, int64_t numReduction,
                             llvm::StringRef kind);

/// tensor.empty of `type` filled with `value`.
mlir::Value buildFilled(mlir::OpBuilder &b, mlir::Location loc,
                        mlir::RankedTensorType type, mlir::TypedAttr value);

/// One element of an ElementwiseBroadcast op: `args` are the scalars of its
/// operands (already broadcast); fails for an op without a scalar function.
mlir::FailureOr<mlir::Value> buildScalarElementwise(mlir::OpBuilder &b,
                                                    mlir::Location loc,
                                                    mlir::Operation *op,
                                                    mlir::ValueRange args);

/// `x` converted to `to` as ONNX Cast does (see dsc.cast); the flags say
/// whether integers on either side are unsigned.
mlir::Value castScalar(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                       mlir::Type to, bool inputUnsigned, bool resultUnsigned);

struct NarrowFormat;
/// dsc.decode_narrow of one byte (NarrowFormats.cpp): f32 for float formats,
/// i8 for integer ones.
mlir::Value decodeNarrowScalar(mlir::OpBuilder &b, mlir::Location loc,
                               mlir::Value byte, const NarrowFormat &format);
/// dsc.encode_narrow of one number into its byte.
mlir::Value encodeNarrowScalar(mlir::OpBuilder &b, mlir::Location loc,
                               mlir::Value x, const NarrowFormat &format,
                               bool saturate, llvm::StringRef roundMode);
/// A float constant of type `type`.
mlir::Value floatConst(mlir::OpBuilder &b, mlir::Location loc, mlir::Type type,
                       double value);

/// The lowest finite value of a float type (the identity of max-reductions,
/// and the pad value of max pooling).
mlir::TypedAttr lowestFloatAttr(mlir::FloatType type);

/// `x` padded with `value` by `low`/`high` per dimension (no-op when all 0).
mlir::Value padTensor(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                      llvm::ArrayRef<int64_t> low, llvm::ArrayRef<int64_t> high,
                      mlir::TypedAttr value);

/// A linalg.generic reducing dimensions `axes` of `input` into `init` (whose
/// shape drops them) with `combine(acc, x, reduced)`; `reducedInputs`,
/// shaped like `init`, are read alongside and passed as `reduced`.
mlir::Value buildReduction(
    mlir::OpBuilder &b, mlir::Location loc, mlir::Value input,
    mlir::ValueRange reducedInputs, mlir::Value init,
    llvm::ArrayRef<int64_t> axes,
    llvm::function_ref<mlir::Value(mlir::OpBuilder &, mlir::Location,
                                   mlir::Value, mlir::Value, mlir::ValueRange)>
        combine);

/// A linalg.generic reducing dimension `axis` of `input` into `init` (whose
/// shape drops that dimension) with `combine(acc, x)`.
mlir::Value buildAxisReduction(
    mlir::OpBuilder &b, mlir::Location loc, mlir::Value input, mlir::Value init,
    int64_t axis,
    llvm::function_ref<mlir::Value(mlir::OpBuilder &, mlir::Location,
                                   mlir::Value, mlir::Value)>
        combine);

/// Softmax of `input` along `axis`: max, exp(x - max) and its sum, divide;
/// `zeroEmptyRows` makes a row whose scores are all -inf 0, not NaN.
mlir::Value buildSoftmax(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::Value input, int64_t axis,
                         bool zeroEmptyRows = false);

} // namespace dsc

#endif // DSC_LIB_CONVERSION_DSCTOLINALG_POPULATEPATTERNS_H
