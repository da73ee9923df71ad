//===- ChannelsLastInputs.cpp - NHWC inputs for convolutions along channels -===//
//
// dsc-contraction-kernels vectorizes a convolution whose output rows are
// short (7x7 feature maps) or whose input is strided along its output
// channels instead: the weights are the vector operand and every input
// element is a broadcast scalar. Read from NCHW, consecutive reduction steps
// (input channels) are a feature map apart, so every broadcast touches a new
// cache line and a register block's reduction walks a line per channel and
// tap: ResNet-50's last stage ran at 35-65 % of peak on L2 traffic.
//
// This pass (linalg on tensors, FP32, before bufferization so the copy gets
// an arena slot) makes the same decision as the kernel pass from the
// convolution's shape and gives such a convolution its input channels-last:
//
//   %t = linalg.generic ins(%x : NxCxHxW) outs(NxHxWxC)       (transpose)
//   [%t = tensor.pad %t low[0, ph, pw, 0] ...]              (the conv's pads)
//   conv reads %t through (n, h', w', c) instead of (n, c, h', w')
//
// so a line holds 16 consecutive channels of one position. The copy is one
// pass over an input that is small wherever this applies; a tensor read by
// several such convolutions (a block's input feeds its first conv and the
// downsample) is transposed once.
//
//===----------------------------------------------------------------------===//
#include "Relayout.h"
#include "dsc/Dialect/Utils.h"
#include "dsc/Target/KernelStrategy.h"
#include "dsc/Target/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;

namespace dsc {
#define GEN_PASS_DEF_DSCCHANNELSLASTINPUTS
#include "dsc/Target/Passes.h.inc"

namespace {

/// Will dsc-contraction-kernels vectorize `op` along its output channels
/// (see laneUse and matchAlongChannels there)?
bool alongChannels(linalg::GenericOp op, const KernelStrategy &s) {
  auto out = cast<RankedTensorType>(op.getResultTypes()[0]);
  if (out.getRank() != 4 || !out.hasStaticShape() ||
      out.getDimSize(1) % s.lanes != 0)
    return false;
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  int64_t reduction = 1;
  for (auto [d, it] : llvm::enumerate(op.getIteratorTypesArray()))
    if (it == utils::IteratorType::reduction)
      reduction *= ranges[d];
  if (reduction < kMinChannelReduction)
    return false;
  // The output column loop and its coefficient in the input's last index.
  AffineMap outMap = op.getIndexingMapsArray()[2];
  auto ow = dyn_cast<AffineDimExpr>(outMap.getResult(3));
  if (!ow)
    return false;
  AffineExpr wIndex = op.getIndexingMapsArray()[0].getResult(3);
  int64_t stride = 1;
  wIndex.walk([&](AffineExpr e) {
    auto mul = dyn_cast<AffineBinaryOpExpr>(e);
    if (mul && mul.getKind() == AffineExprKind::Mul &&
        mul.getLHS() == AffineExpr(ow))
      if (auto k = dyn_cast<AffineConstantExpr>(mul.getRHS()))
        stride = k.getValue();
  });
  return stride > 1 || laneUse(out.getDimSize(3), s) < kMinLaneUse;
}

/// For an input read at `ow * 2 (+ kw)` along its rows (a stride-2
/// convolution vectorized along output columns): the loops ow and kw (kw
/// ~0u if the index has no tap), else nullopt.
std::optional<std::pair<unsigned, unsigned>> strideTwoColumns(
    linalg::GenericOp op) {
  auto ow = dyn_cast<AffineDimExpr>(op.getIndexingMapsArray()[2].getResult(3));
  if (!ow)
    return std::nullopt;
  AffineExpr w = op.getIndexingMapsArray()[0].getResult(3);
  auto isTwiceOw = [&](AffineExpr e) {
    auto mul = dyn_cast<AffineBinaryOpExpr>(e);
    auto k = mul ? dyn_cast<AffineConstantExpr>(mul.getRHS()) : nullptr;
    return mul && mul.getKind() == AffineExprKind::Mul &&
           mul.getLHS() == AffineExpr(ow) && k && k.getValue() == 2;
  };
  if (isTwiceOw(w))
    return std::make_pair(ow.getPosition(), ~0u);
  auto add = dyn_cast<AffineBinaryOpExpr>(w);
  if (!add || add.getKind() != AffineExprKind::Add)
    return std::nullopt;
  AffineExpr tap = isTwiceOw(add.getLHS())   ? add.getRHS()
                   : isTwiceOw(add.getRHS()) ? add.getLHS()
                                             : AffineExpr();
  auto kw = dyn_cast_or_null<AffineDimExpr>(tap);
  if (!kw || op.getIteratorTypesArray()[kw.getPosition()] !=
                 utils::IteratorType::reduction)
    return std::nullopt;
  return std::make_pair(ow.getPosition(), kw.getPosition());
}

/// Inputs up to this size get a parity-split copy for a stride-2
/// convolution (the copy is one more pass over the input).
constexpr int64_t kMaxPhaseSplitBytes = int64_t(1) << 20;

struct ChannelsLastInputsPass
    : impl::DSCChannelsLastInputsBase<ChannelsLastInputsPass> {
  using Base::Base;

  void runOnOperation() override {
    if (vectorBits <= 0)
      return;
    KernelStrategy strategy = strategyFor(vectorBits);
    ModuleOp module = getOperation();
    MLIRContext *ctx = module.getContext();
    IRRewriter rewriter(ctx);

    SmallVector<linalg::GenericOp> convs, strided;
    module.walk([&](linalg::GenericOp op) {
      auto kind = op->getAttrOfType<StringAttr>(kContractionAttr);
      if (!kind || kind.getValue() != "Conv" || !op.hasPureTensorSemantics() ||
          op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1)
        return;
      auto x = dyn_cast<RankedTensorType>(op.getDpsInputs()[0].getType());
      if (!x || !x.hasStaticShape() || !x.getElementType().isF32() ||
          matchPattern(op.getDpsInputs()[0], m_Constant()))
        return;
      if (inputChannelLoop(op) != ~0u && alongChannels(op, strategy))
        convs.push_back(op);
      else if (x.getRank() == 4 && strideTwoColumns(op) &&
               x.getNumElements() * 4 <= kMaxPhaseSplitBytes)
        strided.push_back(op);
    });

    // NCHW -> NHWC, one copy per value.
    DenseMap<Value, Value> transposed;
    auto channelsLast = [&](Value v) -> Value {
      Value &t = transposed[v];
      if (!t)
        t = channelsLastCopy(rewriter, v);
      return t;
    };

    for (linalg::GenericOp op : convs) {
      Value x = op.getDpsInputs()[0];
      Value t;
      // A padded input: transpose the unpadded value, then pad the
      // channels-last copy the same way (padding only H and W).
      auto pad = x.getDefiningOp<tensor::PadOp>();
      auto padded = [&]() -> bool {
        if (!pad || pad.getResultType().getRank() != 4)
          return false;
        ArrayRef<int64_t> lo = pad.getStaticLow(), hi = pad.getStaticHigh();
        return !ShapedType::isDynamicShape(lo) &&
               !ShapedType::isDynamicShape(hi) && lo[0] == 0 && hi[0] == 0 &&
               lo[1] == 0 && hi[1] == 0 && pad.getConstantPaddingValue();
      };
      if (padded()) {
        Value inner = channelsLast(pad.getSource());
        auto it = transposed.find(x);
        if (it != transposed.end()) {
          t = it->second;
        } else {
          OpBuilder::InsertionGuard guard(rewriter);
          rewriter.setInsertionPoint(pad);
          ArrayRef<int64_t> lo = pad.getStaticLow(), hi = pad.getStaticHigh();
          auto idx = [&](int64_t v) { return rewriter.getIndexAttr(v); };
          SmallVector<OpFoldResult> low = {idx(0), idx(lo[2]), idx(lo[3]),
                                           idx(0)};
          SmallVector<OpFoldResult> high = {idx(0), idx(hi[2]), idx(hi[3]),
                                            idx(0)};
          ArrayRef<int64_t> s = pad.getResultType().getShape();
          auto type = RankedTensorType::get({s[0], s[2], s[3], s[1]},
                                            pad.getResultType().getElementType());
          t = tensor::PadOp::create(rewriter, pad.getLoc(), type, inner, low,
                                    high, pad.getConstantPaddingValue());
          transposed[x] = t;
        }
      } else {
        t = channelsLast(x);
      }
      SmallVector<AffineMap> maps = op.getIndexingMapsArray();
      ArrayRef<AffineExpr> in = maps[0].getResults();
      AffineExpr ci = in[1];
      maps[0] = AffineMap::get(maps[0].getNumDims(), 0,
                               {in[0], in[2], in[3], in[1]}, ctx);
      rewriter.modifyOpInPlace(op, [&] {
        op->setOperand(0, t);
        op.setIndexingMapsAttr(rewriter.getAffineMapArrayAttr(maps));
      });
      // Constant OIHW weights as OHWI, so the kernel's packed copy streams
      // along input channels, its innermost loop.
      useOHWIWeights(rewriter, op, ci);
    }

    // Stride-2 convolutions along output columns: the input's columns
    // split by parity, [n, c, h, 2, w / 2] (an odd width padded with a zero
    // column the convolution never reads), read through
    // (.., kw mod 2, ow + kw floordiv 2): unit-stride vector loads where
    // the kernel loaded twice the lanes and kept every other one.
    DenseMap<Value, Value> split;
    for (linalg::GenericOp op : strided) {
      auto [ow, kw] = *strideTwoColumns(op);
      Value x = op.getDpsInputs()[0];
      Value t = split.lookup(x);
      if (!t) {
        OpBuilder::InsertionGuard guard(rewriter);
        rewriter.setInsertionPointAfterValue(x);
        Location loc = x.getLoc();
        auto type = cast<RankedTensorType>(x.getType());
        SmallVector<int64_t> shape(type.getShape());
        Value src = x;
        if (shape[3] % 2) {
          auto idx = [&](int64_t v) { return rewriter.getIndexAttr(v); };
          SmallVector<OpFoldResult> low(4, idx(0)), high(4, idx(0));
          high[3] = idx(1);
          ++shape[3];
          Value zero = arith::ConstantOp::create(
              rewriter, loc, rewriter.getFloatAttr(type.getElementType(), 0));
          src = tensor::PadOp::create(
              rewriter, loc,
              RankedTensorType::get(shape, type.getElementType()), x, low,
              high, zero);
        }
        AffineExpr n, c, h, p, j;
        bindDims(ctx, n, c, h, p, j);
        t = relayout(rewriter, loc, src,
                     {shape[0], shape[1], shape[2], 2, shape[3] / 2},
                     AffineMap::get(5, 0, {n, c, h, j * 2 + p}, ctx));
        split[x] = t;
      }
      SmallVector<AffineMap> maps = op.getIndexingMapsArray();
      SmallVector<AffineExpr> in(maps[0].getResults());
      AffineExpr owE = rewriter.getAffineDimExpr(ow);
      if (kw == ~0u) {
        in[3] = rewriter.getAffineConstantExpr(0);
        in.push_back(owE);
      } else {
        AffineExpr kwE = rewriter.getAffineDimExpr(kw);
        in[3] = kwE % 2;
        in.push_back(owE + kwE.floorDiv(2));
      }
      maps[0] = AffineMap::get(maps[0].getNumDims(), 0, in, ctx);
      rewriter.modifyOpInPlace(op, [&] {
        op->setOperand(0, t);
        op.setIndexingMapsAttr(rewriter.getAffineMapArrayAttr(maps));
      });
    }
  }
};

} // namespace
} // namespace dsc
