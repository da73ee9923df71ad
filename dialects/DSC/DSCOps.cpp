//===- DSCOps.cpp - dsc dialect ops and verifiers
//--------------------------===//
#include "dsc/Dialect/DSCDialect.h"
#include "dsc/Dialect/NarrowFormats.h"
#include "dsc/Dialect/ShapeInference.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace dsc;

#include "dsc/Dialect/DSCDialect.cpp.inc"

void DSCDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "dsc/Dialect/DSCOps.cpp.inc"
      >();
}

/// Every verifier: infer the result type with the shared function and
/// compare with the op's.
static LogicalResult checkResult(Operation *op,
                                 FailureOr<RankedTensorType> inferred) {
  if (failed(inferred))
    return failure();
  Type actual = op->getResult(0).getType();
  if (actual != *inferred)
    return op->emitOpError() << "result type " << actual
                             << " differs from the inferred type " << *inferred;
  return success();
}

static RankedTensorType rt(Value v) {
  return v ? cast<RankedTensorType>(v.getType()) : RankedTensorType();
}

#define DSC_BINARY_VERIFIER(OP)                                                \
  LogicalResult OP::verify() {                                                 \
    return checkResult(*this,                                                  \
                       inferBroadcastType([&] { return emitOpError(); },       \
                                          rt(getLhs()), rt(getRhs())));        \
  }
DSC_BINARY_VERIFIER(AddOp)
DSC_BINARY_VERIFIER(SubOp)
DSC_BINARY_VERIFIER(MulOp)
DSC_BINARY_VERIFIER(DivOp)
DSC_BINARY_VERIFIER(MaxOp)
DSC_BINARY_VERIFIER(MinOp)
#undef DSC_BINARY_VERIFIER

#define DSC_COMPARE_VERIFIER(OP)                                               \
  LogicalResult OP::verify() {                                                 \
    return checkResult(*this, inferCompareType([&] { return emitOpError(); },  \
                                               rt(getLhs()), rt(getRhs())));   \
  }
DSC_COMPARE_VERIFIER(EqualOp)
DSC_COMPARE_VERIFIER(LessOp)
DSC_COMPARE_VERIFIER(LessEqualOp)
DSC_COMPARE_VERIFIER(GreaterOp)
DSC_COMPARE_VERIFIER(GreaterEqualOp)
#undef DSC_COMPARE_VERIFIER

LogicalResult PowOp::verify() {
  return checkResult(*this, inferPowType([&] { return emitOpError(); },
                                         rt(getBase()), rt(getExponent())));
}

LogicalResult WhereOp::verify() {
  return checkResult(*this, inferWhereType([&] { return emitOpError(); },
                                           rt(getCondition()), rt(getX()),
                                           rt(getY())));
}

LogicalResult CastOp::verify() {
  return checkResult(*this, inferCastType([&] { return emitOpError(); },
                                          rt(getInput()),
                                          rt(getResult()).getElementType()));
}

LogicalResult BitCastOp::verify() {
  return checkResult(*this, inferBitCastType([&] { return emitOpError(); },
                                             rt(getInput()),
                                             rt(getResult()).getElementType()));
}

/// Shared by decode_narrow/encode_narrow: a known format, same shapes, the
/// byte side `i8`, the number side `number` (checked by the caller).
static FailureOr<const NarrowFormat *>
verifyNarrow(Operation *op, StringRef format, RankedTensorType bytes,
             RankedTensorType numbers) {
  const NarrowFormat *f = narrowFormatNamed(format);
  if (!f)
    return op->emitOpError() << "has an unknown format '" << format << "'";
  if (bytes.getShape() != numbers.getShape())
    return op->emitOpError() << "changes the shape";
  if (!bytes.getElementType().isInteger(8))
    return op->emitOpError() << "expects the bytes of " << format
                             << " as i8, got " << bytes;
  return f;
}

LogicalResult DecodeNarrowOp::verify() {
  RankedTensorType in = rt(getInput()), out = rt(getResult());
  FailureOr<const NarrowFormat *> f = verifyNarrow(*this, getFormat(), in, out);
  if (failed(f))
    return failure();
  Type want = (*f)->isFloat() ? Type(Float32Type::get(getContext()))
                              : Type(IntegerType::get(getContext(), 8));
  if (out.getElementType() != want)
    return emitOpError() << "decodes " << getFormat() << " to " << want
                         << ", not " << out.getElementType();
  return success();
}

LogicalResult EncodeNarrowOp::verify() {
  RankedTensorType in = rt(getInput()), out = rt(getResult());
  FailureOr<const NarrowFormat *> f = verifyNarrow(*this, getFormat(), out, in);
  if (failed(f))
    return failure();
  Type e = in.getElementType();
  if ((*f)->isFloat() ? !e.isF32() : !(isa<FloatType>(e) || e.isSignlessInteger()))
    return emitOpError() << "cannot encode " << e << " as " << getFormat();
  if (getRoundMode() != "up" && getRoundMode() != "down" &&
      getRoundMode() != "nearest")
    return emitOpError() << "has an unknown round_mode '" << getRoundMode()
                         << "'";
  return success();
}

LogicalResult ExpandOp::verify() {
  return checkResult(*this, inferExpandType([&] { return emitOpError(); },
                                            rt(getInput()),
                                            rt(getResult()).getShape()));
}

static LogicalResult verifyFloatUnary(Operation *op) {
  if (!isa<FloatType>(rt(op->getOperand(0)).getElementType()))
    return op->emitOpError() << "expects a floating-point tensor";
  return success();
}
LogicalResult ReluOp::verify() { return verifyFloatUnary(*this); }
LogicalResult SigmoidOp::verify() { return verifyFloatUnary(*this); }
LogicalResult TanhOp::verify() { return verifyFloatUnary(*this); }
LogicalResult ErfOp::verify() { return verifyFloatUnary(*this); }
LogicalResult ExpOp::verify() { return verifyFloatUnary(*this); }
LogicalResult LogOp::verify() { return verifyFloatUnary(*this); }
LogicalResult SqrtOp::verify() { return verifyFloatUnary(*this); }
LogicalResult ReciprocalOp::verify() { return verifyFloatUnary(*this); }
LogicalResult FloorOp::verify() { return verifyFloatUnary(*this); }
LogicalResult CeilOp::verify() { return verifyFloatUnary(*this); }
LogicalResult SoftplusOp::verify() { return verifyFloatUnary(*this); }
LogicalResult HardSwishOp::verify() { return verifyFloatUnary(*this); }
LogicalResult LeakyReluOp::verify() { return verifyFloatUnary(*this); }
LogicalResult HardSigmoidOp::verify() { return verifyFloatUnary(*this); }
LogicalResult EluOp::verify() { return verifyFloatUnary(*this); }

LogicalResult SinOp::verify() { return verifyFloatUnary(*this); }
LogicalResult CosOp::verify() { return verifyFloatUnary(*this); }
LogicalResult TanOp::verify() { return verifyFloatUnary(*this); }
LogicalResult AsinOp::verify() { return verifyFloatUnary(*this); }
LogicalResult AcosOp::verify() { return verifyFloatUnary(*this); }
LogicalResult AtanOp::verify() { return verifyFloatUnary(*this); }
LogicalResult SinhOp::verify() { return verifyFloatUnary(*this); }
LogicalResult CoshOp::verify() { return verifyFloatUnary(*this); }
LogicalResult AsinhOp::verify() { return verifyFloatUnary(*this); }
LogicalResult AcoshOp::verify() { return verifyFloatUnary(*this); }
LogicalResult AtanhOp::verify() { return verifyFloatUnary(*this); }
LogicalResult RoundOp::verify() { return verifyFloatUnary(*this); }
LogicalResult SoftsignOp::verify() { return verifyFloatUnary(*this); }
LogicalResult MishOp::verify() { return verifyFloatUnary(*this); }
LogicalResult SeluOp::verify() { return verifyFloatUnary(*this); }
LogicalResult CeluOp::verify() {
  if (getAlpha().convertToDouble() == 0)
    return emitOpError() << "alpha must be non-zero";
  return verifyFloatUnary(*this);
}
LogicalResult ThresholdedReluOp::verify() { return verifyFloatUnary(*this); }
LogicalResult ShrinkOp::verify() { return verifyFloatUnary(*this); }

LogicalResult NotOp::verify() {
  if (!isa<IntegerType>(rt(getInput()).getElementType()))
    return emitOpError() << "expects a bool (i1) or integer tensor";
  return success();
}

#define DSC_LOGICAL_VERIFIER(OP)                                               \
  LogicalResult OP::verify() {                                                 \
    return checkResult(*this, inferLogicalType([&] { return emitOpError(); },  \
                                               rt(getLhs()), rt(getRhs())));   \
  }
DSC_LOGICAL_VERIFIER(AndOp)
DSC_LOGICAL_VERIFIER(OrOp)
DSC_LOGICAL_VERIFIER(XorOp)
#undef DSC_LOGICAL_VERIFIER

LogicalResult BitShiftOp::verify() {
  return checkResult(*this, inferBitShiftType([&] { return emitOpError(); },
                                              rt(getLhs()), rt(getRhs())));
}

LogicalResult ModOp::verify() {
  return checkResult(*this,
                     inferModType([&] { return emitOpError(); }, rt(getLhs()),
                                  rt(getRhs()), getFmod()));
}

LogicalResult PReluOp::verify() {
  return checkResult(*this, inferPReluType([&] { return emitOpError(); },
                                           rt(getLhs()), rt(getRhs())));
}

LogicalResult IsNaNOp::verify() {
  return checkResult(
      *this, inferFloatTestType([&] { return emitOpError(); }, rt(getInput())));
}

LogicalResult IsInfOp::verify() {
  return checkResult(
      *this, inferFloatTestType([&] { return emitOpError(); }, rt(getInput())));
}

/// Neg and Abs also take integers (i1 has no sign).
static LogicalResult verifyNumericUnary(Operation *op) {
  Type elem = rt(op->getOperand(0)).getElementType();
  if (!isa<FloatType, IntegerType>(elem) || elem.isInteger(1))
    return op->emitOpError() << "expects a floating-point or integer tensor";
  return success();
}
LogicalResult NegOp::verify() { return verifyNumericUnary(*this); }
LogicalResult SignOp::verify() { return verifyNumericUnary(*this); }
LogicalResult AbsOp::verify() { return verifyNumericUnary(*this); }

LogicalResult GeluOp::verify() {
  if (failed(verifyFloatUnary(*this)))
    return failure();
  if (getApproximate() != "none" && getApproximate() != "tanh")
    return emitOpError() << "approximate must be \"none\" or \"tanh\", got \""
                         << getApproximate() << "\"";
  return success();
}

LogicalResult LayerNormOp::verify() {
  if (getEpsilon().convertToDouble() < 0)
    return emitOpError() << "epsilon must be >= 0";
  return checkResult(*this, inferLayerNormType(
                                [&] { return emitOpError(); }, rt(getInput()),
                                rt(getScale()), rt(getBias()),
                                static_cast<int64_t>(getAxis())));
}

LogicalResult ClipOp::verify() {
  if (failed(verifyFloatUnary(*this)))
    return failure();
  if (getMin() && getMax() &&
      getMin()->convertToDouble() > getMax()->convertToDouble())
    return emitOpError() << "min " << getMin()->convertToDouble()
                         << " is greater than max "
                         << getMax()->convertToDouble();
  return success();
}

LogicalResult MatMulOp::verify() {
  return checkResult(*this, inferMatMulType([&] { return emitOpError(); },
                                            rt(getLhs()), rt(getRhs())));
}

LogicalResult GemmOp::verify() {
  return checkResult(*this, inferGemmType([&] { return emitOpError(); },
                                          rt(getA()), rt(getB()), rt(getC()),
                                          getTransA(), getTransB()));
}

LogicalResult ConvOp::verify() {
  return checkResult(
      *this, inferConvType([&] { return emitOpError(); }, rt(getInput()),
                           rt(getWeight()), rt(getBias()), getStrides(),
                           getPads(), getDilations(), getGroup()));
}

LogicalResult ConvTransposeOp::verify() {
  return checkResult(*this, inferConvTransposeType(
                                [&] { return emitOpError(); }, rt(getInput()),
                                rt(getWeight()), rt(getBias()), getStrides(),
                                getPads(), getDilations(), getGroup()));
}

LogicalResult ResizeOp::verify() {
  int64_t rank = rt(getInput()).getRank();
  std::optional<ArrayRef<int64_t>> axes = getRuntimeAxes();
  if ((getScaleValues() || getRoiValues()) != axes.has_value())
    return emitOpError("runtime_axes goes with scale_values or roi_values");
  if (axes && static_cast<int64_t>(axes->size()) != rank)
    return emitOpError("runtime_axes needs one entry per dimension");
  for (Value v : {getScaleValues(), getRoiValues()})
    if (v && (rt(v).getRank() != 1 || !isa<FloatType>(rt(v).getElementType())))
      return emitOpError("scale_values and roi_values must be 1-D float");
  return checkResult(
      *this, inferResizeType([&] { return emitOpError(); }, rt(getInput()),
                             rt(getResult()).getShape(), getScales(), getRoi(),
                             getMode(), getCoordinateTransformationMode(),
                             getNearestMode()));
}

LogicalResult GridSampleOp::verify() {
  return checkResult(*this, inferGridSampleType([&] { return emitOpError(); },
                                                rt(getInput()), rt(getGrid()),
                                                getMode(), getPaddingMode()));
}

LogicalResult RoiAlignOp::verify() {
  RankedTensorType result = rt(getResult());
  if (result.getRank() != 4)
    return emitOpError() << "expects a rank-4 result, got " << result;
  return checkResult(
      *this, inferRoiAlignType([&] { return emitOpError(); }, rt(getInput()),
                               rt(getRois()), rt(getBatchIndices()),
                               result.getDimSize(2), result.getDimSize(3),
                               getMode(), getSamplingRatio()));
}

LogicalResult MaxPoolOp::verify() {
  return checkResult(*this, inferPoolType([&] { return emitOpError(); },
                                          rt(getInput()), getKernelShape(),
                                          getStrides(), getPads(),
                                          getDilations(), getCeilMode()));
}

LogicalResult AvgPoolOp::verify() {
  if (!isa<FloatType>(rt(getInput()).getElementType()))
    return emitOpError() << "expects a floating-point tensor";
  return checkResult(*this, inferPoolType([&] { return emitOpError(); },
                                          rt(getInput()), getKernelShape(),
                                          getStrides(), getPads(),
                                          getDilations(), getCeilMode()));
}

LogicalResult GlobalAvgPoolOp::verify() {
  return checkResult(*this, inferGlobalPoolType([&] { return emitOpError(); },
                                                rt(getInput())));
}

LogicalResult BatchNormOp::verify() {
  if (getEpsilon().convertToDouble() < 0)
    return emitOpError() << "epsilon must be >= 0";
  return checkResult(
      *this, inferBatchNormType([&] { return emitOpError(); }, rt(getInput()),
                                {rt(getScale()), rt(getBias()), rt(getMean()),
                                 rt(getVariance())}));
}

LogicalResult SoftmaxOp::verify() {
  if (failed(verifyFloatUnary(*this)))
    return failure();
  int64_t axis = static_cast<int64_t>(getAxis());
  if (axis < 0 || axis >= rt(getInput()).getRank())
    return emitOpError() << "axis " << axis << " is out of range for rank "
                         << rt(getInput()).getRank();
  return success();
}

LogicalResult ReshapeOp::verify() {
  RankedTensorType in = rt(getInput()), out = rt(getResult());
  if (in.getElementType() != out.getElementType())
    return emitOpError() << "changes the element type";
  if (!in.hasStaticShape() || !out.hasStaticShape())
    return emitOpError() << "expects static shapes";
  if (in.getNumElements() != out.getNumElements())
    return emitOpError() << "changes the number of elements ("
                         << in.getNumElements() << " to "
                         << out.getNumElements() << ")";
  return success();
}

LogicalResult TransposeOp::verify() {
  return checkResult(*this, inferTransposeType([&] { return emitOpError(); },
                                               rt(getInput()), getPerm()));
}

LogicalResult ReduceOp::verify() {
  return checkResult(*this, inferReduceType([&] { return emitOpError(); },
                                            rt(getInput()), getKind(),
                                            getAxes(), getKeepdims()));
}

LogicalResult ArgReduceOp::verify() {
  return checkResult(*this,
                     inferArgReduceType([&] { return emitOpError(); },
                                        rt(getInput()), getKind(), getAxis()));
}

LogicalResult TopKOp::verify() {
  FailureOr<RankedTensorType> values = inferTopKType(
      [&] { return emitOpError(); }, rt(getInput()), getAxis(), getK());
  if (failed(checkResult(*this, values)))
    return failure();
  auto indices = RankedTensorType::get(values->getShape(),
                                       IntegerType::get(getContext(), 64));
  if (getIndices().getType() != indices)
    return emitOpError() << "indices type " << getIndices().getType()
                         << " differs from the inferred type " << indices;
  return success();
}

LogicalResult GatherElementsOp::verify() {
  return checkResult(*this, inferGatherElementsType(
                                [&] { return emitOpError(); }, rt(getData()),
                                rt(getIndices()), getAxis()));
}

LogicalResult ScatterElementsOp::verify() {
  return checkResult(*this, inferScatterElementsType(
                                [&] { return emitOpError(); }, rt(getData()),
                                rt(getIndices()), rt(getUpdates()),
                                getReduction(), getAxis()));
}

LogicalResult ScatterNDOp::verify() {
  return checkResult(*this,
                     inferScatterNDType([&] { return emitOpError(); },
                                        rt(getData()), rt(getIndices()),
                                        rt(getUpdates()), getReduction()));
}

LogicalResult GatherOp::verify() {
  return checkResult(*this, inferGatherType([&] { return emitOpError(); },
                                            rt(getData()), rt(getIndices()),
                                            getAxis()));
}

LogicalResult SliceOp::verify() {
  return checkResult(*this,
                     inferSliceType([&] { return emitOpError(); },
                                    rt(getInput()), getStarts(), getSteps(),
                                    rt(getResult()).getShape()));
}

LogicalResult ConcatOp::verify() {
  SmallVector<RankedTensorType> types;
  for (Value v : getInputs())
    types.push_back(rt(v));
  return checkResult(
      *this, inferConcatType([&] { return emitOpError(); }, types, getAxis()));
}

#define GET_OP_CLASSES
#include "dsc/Dialect/DSCOps.cpp.inc"

LogicalResult KernelOp::verify() {
  auto yielded = getYielded();
  if (!llvm::equal(yielded.getTypes(), getResultTypes()))
    return emitOpError() << "yields " << yielded.size()
                         << " values whose types differ from its results";
  return success();
}

LogicalResult GuardOp::verify() {
  if (!rt(getCondition()).getElementType().isInteger(1))
    return emitOpError() << "expects an i1 condition";
  if (getGiven() && !isa<IntegerType>(rt(getGiven()).getElementType()))
    return emitOpError() << "expects integer or bool values to report";
  return success();
}

/// A guard whose condition folded to all-true checks nothing.
LogicalResult GuardOp::canonicalize(GuardOp op, PatternRewriter &rewriter) {
  DenseElementsAttr cond;
  if (!matchPattern(op.getCondition(), m_Constant(&cond)) ||
      !llvm::all_of(cond.getValues<bool>(), [](bool b) { return b; }))
    return failure();
  rewriter.eraseOp(op);
  return success();
}

LogicalResult AttentionOp::verify() {
  RankedTensorType q = rt(getQ()), k = rt(getK()), v = rt(getV()),
                   out = getType();
  int64_t rank = q.getRank();
  if (rank < 2 || k.getRank() != rank || v.getRank() != rank ||
      out.getRank() != rank)
    return emitOpError() << "expects q, k, v and the result of one rank >= 2";
  ArrayRef<int64_t> qs = q.getShape(), ks = k.getShape(), vs = v.getShape();
  if (qs.drop_back(2) != ks.drop_back(2) || qs.drop_back(2) != vs.drop_back(2))
    return emitOpError() << "expects equal leading dimensions of q, k and v";
  if (qs[rank - 1] != ks[rank - 2] || ks[rank - 1] != vs[rank - 2])
    return emitOpError() << "expects q [..., Sq, D], k [..., D, Sk] and "
                            "v [..., Sk, Dv]";
  SmallVector<int64_t> expected(qs.drop_back());
  expected.push_back(vs[rank - 1]);
  if (out.getShape() != ArrayRef<int64_t>(expected) ||
      out.getElementType() != q.getElementType())
    return emitOpError() << "result type differs from [..., Sq, Dv] of q's "
                            "element type";
  StringRef kind = getMaskKind();
  if (kind != "none" && kind != "causal" && kind != "sliding_window")
    return emitOpError() << "mask_kind must be none, causal or sliding_window";
  if (kind == "sliding_window" && getWindow() < 1)
    return emitOpError() << "sliding_window needs window >= 1";
  return success();
}
