//===- ChannelsLast.cpp - NHWC feature maps through regions of convolutions ===//
//
// dsc-contraction-kernels vectorizes an NCHW convolution along its output
// rows: a 56-wide row fills 56 of 64 lanes (4 vectors of 16), a 28-wide one
// 28 of 32, and ResNet's 3x3 convolutions stop at ~87 % of the FP32 peak.
// With the feature maps channels-last (NHWC) the same kernels vectorize
// along output channels, a multiple of the lanes, with the input a broadcast
// scalar whose consecutive reduction steps (input channels) are adjacent in
// memory, and write whole vectors of the output.
//
// This pass (linalg on tensors, FP32) gives every 4-D feature map of a
// region of convolutions the layout NHWC. A region is a set of values
// connected through ops whose layout can change without changing what they
// compute:
//
//   linalg.generic     each 4-D operand's indexing map permuted like its
//                      tensor (the loops stay; elementwise and reduction
//                      generics then have their loops interchanged so they
//                      walk the new layout in order)
//   tensor.empty / linalg.fill / tensor.pad / tensor.concat /
//   tensor.insert_slice / tensor.extract_slice (static, 4-D)
//                      shapes, pads, offsets and the concat dim permuted
//
// A 2-D convolution generic takes part if its input channels are a
// reduction loop of their own (the input a broadcast scalar, its constant
// OIHW weights made OHWI so the kernel's packed copy streams along input
// channels) or it is depthwise (input and packed weights both vectors along
// the channels), and its output channels fill the lanes as well as the
// kernels ask of a row (24 channels: 24 of 32 lanes; 8 of 16 do not).
// Others (grouped, 8 channels) are borders of the region, like every other
// op. At a border a value is transposed, once: into NHWC after a producer
// outside the region (the graph's input), back to NCHW before the first
// user outside it (a Flatten). A region is converted if it holds a
// convolution and its border copies move at most half as many elements as
// its convolutions write, or its convolutions multiply-accumulate at least
// 128 times per element copied: a lone 3x3 over 64 channels is converted,
// a lone 1x1 or a 3-channel one keeps NCHW.
//
//===----------------------------------------------------------------------===//
#include "Relayout.h"
#include "dsc/Dialect/Utils.h"
#include "dsc/Target/KernelStrategy.h"
#include "dsc/Target/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"

#include "llvm/ADT/EquivalenceClasses.h"
#include "llvm/ADT/SetVector.h"

using namespace mlir;

namespace dsc {
#define GEN_PASS_DEF_DSCCHANNELSLAST
#include "dsc/Target/Passes.h.inc"

namespace {

/// NCHW -> NHWC: dimension i of the new layout is dimension kPerm[i] of the
/// old one.
constexpr unsigned kPerm[4] = {0, 2, 3, 1};

template <typename T> SmallVector<T> permuted(ArrayRef<T> v) {
  return {v[kPerm[0]], v[kPerm[1]], v[kPerm[2]], v[kPerm[3]]};
}

/// The new position of old dimension `d`.
int64_t newPosition(int64_t d) {
  for (unsigned i = 0; i < 4; ++i)
    if (kPerm[i] == d)
      return i;
  return d;
}

RankedTensorType channelsLastType(Type t) {
  auto type = cast<RankedTensorType>(t);
  return type.clone(permuted(type.getShape()));
}

/// A 4-D tensor of static shape computed by the model (not a constant).
bool isFeatureMap(Value v) {
  auto t = dyn_cast<RankedTensorType>(v.getType());
  return t && t.getRank() == 4 && t.hasStaticShape() &&
         !matchPattern(v, m_Constant());
}

/// A region whose convolutions multiply-accumulate at least this many times
/// per element its border copies move is converted whatever its size: a
/// transpose moves an element in ~0.35 cycles (16x16 tiles in registers),
/// a convolution runs ~27 multiply-accumulates a cycle, so the copies cost
/// at most ~7 % of the convolutions, which lose 12 % of their lanes or more
/// along an NCHW row (14 of 16, 56 of 64). A lone 3x3 64->64 on 56x56
/// (288 per border element) is converted; a lone 1x1 256->64 (51) is not:
/// its 3.2 MB input transpose costs what NHWC gains.
constexpr int64_t kMacsPerBorderElement = 128;

bool isConv(linalg::GenericOp op) {
  auto kind = op->getAttrOfType<StringAttr>(kContractionAttr);
  return kind && kind.getValue() == "Conv";
}

/// A depthwise 2-D convolution generic: the input's channel index is the
/// output's (a parallel loop).
bool isDepthwise(linalg::GenericOp op) {
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  auto c = dyn_cast<AffineDimExpr>(maps[0].getResult(1));
  return c && maps[2].getResult(1) == c &&
         op.getIteratorTypesArray()[c.getPosition()] ==
             utils::IteratorType::parallel;
}

/// A 2-D convolution the kernels run well channels-last: f32, constant
/// weights, input channels a reduction loop of their own (the input a
/// broadcast scalar) or depthwise (input and weights vectors along the
/// channels), and output channels that fill the vector lanes as well as
/// the kernels ask of an output row (24 channels: 24 of 32 lanes).
bool channelsLastConv(linalg::GenericOp op, const KernelStrategy &s) {
  if (!isConv(op) || op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1)
    return false;
  auto out = dyn_cast<RankedTensorType>(op.getResultTypes()[0]);
  auto x = dyn_cast<RankedTensorType>(op.getDpsInputs()[0].getType());
  if (!out || !x || out.getRank() != 4 || x.getRank() != 4 ||
      !out.getElementType().isF32() || !x.getElementType().isF32() ||
      !isFeatureMap(op.getDpsInputs()[0]) ||
      laneUse(out.getDimSize(1), s) < kMinLaneUse ||
      (inputChannelLoop(op) == ~0u && !isDepthwise(op)) ||
      !matchPattern(op.getDpsInputs()[1], m_Constant()))
    return false;
  AffineMap outMap = op.getIndexingMapsArray()[2];
  return outMap.isProjectedPermutation() && outMap.getNumResults() == 4;
}

bool staticSlice(OffsetSizeAndStrideOpInterface op) {
  return !ShapedType::isDynamicShape(op.getStaticOffsets()) &&
         !ShapedType::isDynamicShape(op.getStaticSizes()) &&
         !ShapedType::isDynamicShape(op.getStaticStrides());
}

/// The feature maps an op whose layout may change connects (its 4-D
/// operands and results), or nullopt if its layout may not change.
std::optional<SmallVector<Value>> layoutFree(Operation *op,
                                             const KernelStrategy &s) {
  SmallVector<Value> maps;
  auto collect = [&](ValueRange values) {
    for (Value v : values)
      if (isFeatureMap(v))
        maps.push_back(v);
  };
  auto rank4 = [](Value v) {
    auto t = dyn_cast<RankedTensorType>(v.getType());
    return t && t.getRank() == 4 && t.hasStaticShape();
  };
  if (auto g = dyn_cast<linalg::GenericOp>(op)) {
    if (!g.hasPureTensorSemantics() || (isConv(g) && !channelsLastConv(g, s)))
      return std::nullopt;
    // A 4-D init must be a feature map (its result shares its layout).
    for (Value init : g.getDpsInits())
      if (rank4(init) && !isFeatureMap(init))
        return std::nullopt;
    collect(op->getOperands());
    collect(op->getResults());
    return maps;
  }
  if (auto pad = dyn_cast<tensor::PadOp>(op)) {
    if (!rank4(pad.getResult()) || !pad.getConstantPaddingValue() ||
        ShapedType::isDynamicShape(pad.getStaticLow()) ||
        ShapedType::isDynamicShape(pad.getStaticHigh()))
      return std::nullopt;
    collect({pad.getSource(), pad.getResult()});
    return maps;
  }
  if (auto ins = dyn_cast<tensor::InsertSliceOp>(op)) {
    if (!rank4(ins.getSource()) || !rank4(ins.getDest()) || !staticSlice(ins))
      return std::nullopt;
    collect({ins.getSource(), ins.getDest(), ins.getResult()});
    return maps;
  }
  if (auto ext = dyn_cast<tensor::ExtractSliceOp>(op)) {
    if (!rank4(ext.getSource()) || !rank4(ext.getResult()) ||
        !staticSlice(ext))
      return std::nullopt;
    collect({ext.getSource(), ext.getResult()});
    return maps;
  }
  if (auto cat = dyn_cast<tensor::ConcatOp>(op)) {
    if (!rank4(cat.getResult()))
      return std::nullopt;
    collect(op->getOperands());
    collect(op->getResults());
    return maps;
  }
  if (auto fill = dyn_cast<linalg::FillOp>(op)) {
    if (!fill.hasPureTensorSemantics() || !rank4(fill.getResult(0)))
      return std::nullopt;
    collect(fill.getDpsInits());
    collect(op->getResults());
    return maps;
  }
  if (auto empty = dyn_cast<tensor::EmptyOp>(op)) {
    if (!rank4(empty.getResult()))
      return std::nullopt;
    collect(op->getResults());
    return maps;
  }
  return std::nullopt;
}

/// Rewrites a layout-free op for its converted feature maps (`converted`).
void convertOp(Operation *op, const DenseSet<Value> &converted,
               RewriterBase &rewriter) {
  auto isConverted = [&](Value v) { return converted.contains(v); };
  auto permutedAttr = [&](ArrayRef<int64_t> v) {
    return rewriter.getDenseI64ArrayAttr(permuted(v));
  };
  rewriter.modifyOpInPlace(op, [&] {
    if (auto g = dyn_cast<linalg::GenericOp>(op)) {
      SmallVector<AffineMap> maps = g.getIndexingMapsArray();
      for (OpOperand &operand : op->getOpOperands()) {
        if (!isConverted(operand.get()))
          continue;
        AffineMap &m = maps[operand.getOperandNumber()];
        m = AffineMap::get(m.getNumDims(), m.getNumSymbols(),
                           permuted(m.getResults()), op->getContext());
      }
      g.setIndexingMapsAttr(rewriter.getAffineMapArrayAttr(maps));
    } else if (auto pad = dyn_cast<tensor::PadOp>(op)) {
      pad.setStaticLowAttr(permutedAttr(pad.getStaticLow()));
      pad.setStaticHighAttr(permutedAttr(pad.getStaticHigh()));
    } else if (auto ins = dyn_cast<tensor::InsertSliceOp>(op)) {
      ins.setStaticOffsetsAttr(permutedAttr(ins.getStaticOffsets()));
      ins.setStaticSizesAttr(permutedAttr(ins.getStaticSizes()));
      ins.setStaticStridesAttr(permutedAttr(ins.getStaticStrides()));
    } else if (auto ext = dyn_cast<tensor::ExtractSliceOp>(op)) {
      ext.setStaticOffsetsAttr(permutedAttr(ext.getStaticOffsets()));
      ext.setStaticSizesAttr(permutedAttr(ext.getStaticSizes()));
      ext.setStaticStridesAttr(permutedAttr(ext.getStaticStrides()));
    } else if (auto cat = dyn_cast<tensor::ConcatOp>(op)) {
      cat.setDim(newPosition(cat.getDim()));
    }
    for (Value r : op->getResults())
      if (isConverted(r))
        r.setType(channelsLastType(r.getType()));
  });
}

/// Loops of an elementwise or reduction generic in the order of the first
/// operand that reads every loop through a permutation (its output, else an
/// input), so the loop nest walks that operand's memory in order.
void walkInLayoutOrder(linalg::GenericOp op, RewriterBase &rewriter) {
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  auto isPermutation = [&](OpOperand &o) {
    return maps[o.getOperandNumber()].isPermutation();
  };
  auto inits = op.getDpsInitsMutable();
  auto init = llvm::find_if(inits, isPermutation);
  OpOperand *walked = init != inits.end() ? &*init : nullptr;
  if (!walked)
    for (OpOperand *in : op.getDpsInputOperands())
      if (isPermutation(*in)) {
        walked = in;
        break;
      }
  if (!walked)
    return;
  AffineMap m = maps[walked->getOperandNumber()];
  if (m.isIdentity())
    return;
  SmallVector<unsigned> interchange;
  for (AffineExpr e : m.getResults())
    interchange.push_back(cast<AffineDimExpr>(e).getPosition());
  (void)linalg::interchangeGenericOp(rewriter, op, interchange);
}

struct ChannelsLastPass : impl::DSCChannelsLastBase<ChannelsLastPass> {
  using Base::Base;

  void runOnOperation() override {
    if (vectorBits <= 0)
      return;
    KernelStrategy strategy = strategyFor(vectorBits);
    ModuleOp module = getOperation();
    MLIRContext *ctx = module.getContext();
    IRRewriter rewriter(ctx);

    // Regions: feature maps joined by the layout-free ops that use them.
    llvm::EquivalenceClasses<Value> regions;
    DenseSet<Operation *> layoutFreeOps;
    SmallVector<Operation *> ordered;
    llvm::SetVector<Value> members;
    module.walk([&](Operation *op) {
      std::optional<SmallVector<Value>> maps = layoutFree(op, strategy);
      if (!maps)
        return;
      layoutFreeOps.insert(op);
      ordered.push_back(op);
      for (Value v : *maps) {
        members.insert(v);
        regions.unionSets(v, maps->front());
      }
    });

    // What each region gains (elements its convolutions write, and their
    // multiply-accumulates) and costs (elements copied at its border).
    DenseMap<Value, int64_t> convElements, borderElements, convMacs;
    auto elements = [](Value v) {
      return cast<RankedTensorType>(v.getType()).getNumElements();
    };
    for (Operation *op : ordered) {
      auto g = dyn_cast<linalg::GenericOp>(op);
      if (!g || !isConv(g))
        continue;
      Value root = regions.getLeaderValue(g.getResult(0));
      convElements[root] += elements(g.getResult(0));
      int64_t macs = 1;
      for (int64_t r : g.getStaticLoopRanges())
        macs *= r;
      convMacs[root] += macs;
    }
    auto producedInside = [&](Value v) {
      Operation *def = v.getDefiningOp();
      return def && layoutFreeOps.contains(def);
    };
    auto usedOutside = [&](Value v) {
      return llvm::any_of(v.getUses(), [&](OpOperand &use) {
        return !layoutFreeOps.contains(use.getOwner());
      });
    };
    for (Value v : members) {
      if (!producedInside(v))
        borderElements[regions.getLeaderValue(v)] += elements(v);
      else if (usedOutside(v) && !v.getDefiningOp<tensor::EmptyOp>())
        borderElements[regions.getLeaderValue(v)] += elements(v);
    }
    DenseSet<Value> converted;
    for (Value v : members) {
      Value root = regions.getLeaderValue(v);
      int64_t gain = convElements.lookup(root);
      int64_t border = borderElements.lookup(root);
      if (gain > 0 && (2 * border <= gain ||
                       kMacsPerBorderElement * border <= convMacs.lookup(root)))
        converted.insert(v);
    }
    if (converted.empty())
      return;

    AffineExpr d0, d1, d2, d3;
    bindDims(ctx, d0, d1, d2, d3);
    for (Value v : members) {
      if (!converted.contains(v))
        continue;
      ArrayRef<int64_t> s = cast<RankedTensorType>(v.getType()).getShape();
      if (!producedInside(v)) {
        // Into NHWC after the producer; the region reads the copy.
        OpBuilder::InsertionGuard guard(rewriter);
        rewriter.setInsertionPointAfterValue(v);
        Value t = relayout(rewriter, v.getLoc(), v, permuted(s),
                           AffineMap::get(4, 0, {d0, d3, d1, d2}, ctx));
        v.replaceUsesWithIf(t, [&](OpOperand &use) {
          return layoutFreeOps.contains(use.getOwner());
        });
        // Already NHWC: the maps that read it are permuted below.
        converted.insert(t);
        continue;
      }
      SmallVector<OpOperand *> outside;
      for (OpOperand &use : v.getUses())
        if (!layoutFreeOps.contains(use.getOwner()))
          outside.push_back(&use);
      if (outside.empty())
        continue;
      OpBuilder::InsertionGuard guard(rewriter);
      Value back;
      if (auto empty = v.getDefiningOp<tensor::EmptyOp>()) {
        // Users outside the region get an NCHW tensor.empty of their own.
        rewriter.setInsertionPoint(empty);
        back = tensor::EmptyOp::create(rewriter, v.getLoc(), s,
                                       empty.getType().getElementType());
      } else {
        // Back to NCHW before the first user outside the region (not right
        // after the producer: a convolution and its epilogue stay adjacent).
        Block *block = v.getParentBlock();
        Operation *first = nullptr;
        for (OpOperand *use : outside) {
          Operation *user = block->findAncestorOpInBlock(*use->getOwner());
          if (user && (!first || user->isBeforeInBlock(first)))
            first = user;
        }
        if (first)
          rewriter.setInsertionPoint(first);
        else
          rewriter.setInsertionPointAfterValue(v);
        // Built while `v` is still NCHW-typed: the map reads it as NHWC.
        back = relayout(rewriter, v.getLoc(), v, s,
                        AffineMap::get(4, 0, {d0, d2, d3, d1}, ctx));
      }
      for (OpOperand *use : outside)
        use->set(back);
    }

    for (Operation *op : ordered) {
      bool touched = llvm::any_of(op->getOperands(),
                                  [&](Value v) { return converted.contains(v); }) ||
                     llvm::any_of(op->getResults(),
                                  [&](Value v) { return converted.contains(v); });
      if (!touched)
        continue;
      convertOp(op, converted, rewriter);
      auto g = dyn_cast<linalg::GenericOp>(op);
      if (!g)
        continue;
      if (!isConv(g)) {
        rewriter.setInsertionPoint(g);
        walkInLayoutOrder(g, rewriter);
        continue;
      }
      // Constant OIHW weights as OHWI: the kernel's packed copy then
      // streams along input channels (the input's last index now), its
      // innermost reduction loop.
      useOHWIWeights(rewriter, g, g.getIndexingMapsArray()[0].getResult(3));
    }
  }
};

} // namespace
} // namespace dsc
