//===- PadRowStrides.cpp - feature-map rows off the same L1 set -----------===//
//
// A convolution's register block reads one input position per output column
// of its tile: positions `stride * C` elements apart. Where that distance is
// a multiple of the L1 data cache's way size (4 KB on x86-64: 8 KB apart for
// a stride-2 3x3 over 512 f32 channels) every row of the tile reads a line
// of the same L1 set, and with the taps' lines per step the set thrashes:
// ResNet-50's layer4 stride-2 3x3 512->512 ran at 45 % of peak (1.84 ms)
// against 69 % (1.39 ms) for the same convolution over 528 channels.
//
// Here such a feature map's buffer gets one cache line more per position,
// and every use sees the original shape through a subview of it:
//
//   %m = memref.alloc() : memref<1x16x16x512xf32>
// becomes
//   %p = memref.alloc() : memref<1x16x16x528xf32>
//   %m = memref.subview %p[0, 0, 0, 0] [1, 16, 16, 512] [1, 1, 1, 1]
//          : ... to memref<1x16x16x512xf32, strided<[135168, 8448, 528, 1]>>
//
// Positions are then 2112 bytes apart: a tile's rows fall in distinct sets.
// The buffer's other users (the producer writing its interior, fills of the
// border, elementwise readers) are linalg ops that take any strided layout.
//
//===----------------------------------------------------------------------===//
#include "dsc/Target/Passes.h"

#include "BufferAlias.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/BuiltinOps.h"

using namespace mlir;

namespace dsc {
#define GEN_PASS_DEF_DSCPADROWSTRIDES
#include "dsc/Target/Passes.h.inc"

namespace {

/// The padding: one cache line per position.
constexpr int64_t kLineBytes = 64;

/// Whether every use of `v`, through subviews, is a linalg op (which takes
/// any strided layout) or a subview: then its type may change to a strided
/// one.
bool onlyLinalgUses(Value v) {
  for (Operation *user : v.getUsers()) {
    if (auto sv = dyn_cast<memref::SubViewOp>(user)) {
      if (!onlyLinalgUses(sv.getResult()))
        return false;
    } else if (!isa<linalg::LinalgOp>(user)) {
      return false;
    }
  }
  return true;
}

/// The stride of window expression `e` (`stride * d_p + d_r`, `d_p` a
/// parallel loop, `d_r` reduction loops): how many indices apart
/// consecutive values of `d_p` read; none where `e` is not such a window.
std::optional<int64_t> windowStep(linalg::LinalgOp op, AffineExpr e) {
  SmallVector<utils::IteratorType> iters = op.getIteratorTypesArray();
  int64_t step = 0;
  bool window = false;
  std::function<bool(AffineExpr, int64_t)> walk = [&](AffineExpr x,
                                                      int64_t scale) {
    if (auto d = dyn_cast<AffineDimExpr>(x)) {
      if (iters[d.getPosition()] == utils::IteratorType::reduction)
        window = true;
      else if (step)
        return false; // two parallel loops: not a plain window
      else
        step = scale;
      return true;
    }
    auto bin = dyn_cast<AffineBinaryOpExpr>(x);
    if (!bin)
      return isa<AffineConstantExpr>(x);
    if (x.getKind() == AffineExprKind::Add)
      return walk(bin.getLHS(), scale) && walk(bin.getRHS(), scale);
    if (x.getKind() == AffineExprKind::Mul)
      if (auto c = dyn_cast<AffineConstantExpr>(bin.getRHS()))
        return walk(bin.getLHS(), scale * c.getValue());
    return false;
  };
  if (!walk(e, 1) || !window || step <= 0)
    return std::nullopt;
  return step;
}

struct PadRowStridesPass : impl::DSCPadRowStridesBase<PadRowStridesPass> {
  using Base::Base;

  void runOnOperation() override {
    if (wayBytes <= 0)
      return;
    // The allocations some window contraction reads with positions a
    // multiple of the way size apart.
    llvm::SetVector<Operation *> aliased;
    getOperation()->walk([&](linalg::LinalgOp op) {
      if (!op.hasPureBufferSemantics() || op.getNumReductionLoops() == 0)
        return;
      for (OpOperand *in : op.getDpsInputOperands()) {
        auto type = dyn_cast<MemRefType>(in->get().getType());
        // (Through other views than subviews too: onlyLinalgUses then
        // keeps the allocation as it is.)
        auto alloc = trace(in->get()).root.getDefiningOp<memref::AllocOp>();
        if (!type || type.getRank() < 2 || !alloc)
          continue;
        MemRefType allocType = alloc.getType();
        if (allocType.getRank() != type.getRank() ||
            !allocType.hasStaticShape() ||
            !allocType.getLayout().isIdentity() ||
            !allocType.getElementType().isIntOrFloat() ||
            allocType.getElementTypeBitWidth() % 8)
          continue;
        AffineMap map = op.getMatchingIndexingMap(in);
        std::optional<int64_t> step =
            windowStep(op, map.getResult(type.getRank() - 2));
        int64_t rowBytes = allocType.getShape().back() *
                           allocType.getElementTypeBitWidth() / 8;
        if (step && rowBytes > 0 && (*step * rowBytes) % wayBytes == 0)
          aliased.insert(alloc);
      }
    });
    for (Operation *op : aliased) {
      auto alloc = cast<memref::AllocOp>(op);
      if (onlyLinalgUses(alloc.getResult()))
        pad(alloc);
    }
  }

  void pad(memref::AllocOp alloc) {
    MemRefType type = alloc.getType();
    int64_t extra = kLineBytes * 8 / type.getElementTypeBitWidth();
    SmallVector<int64_t> shape(type.getShape());
    shape.back() += extra;
    OpBuilder b(alloc);
    Location loc = alloc.getLoc();
    auto wide = memref::AllocOp::create(
        b, loc,
        MemRefType::get(shape, type.getElementType(),
                        MemRefLayoutAttrInterface(), type.getMemorySpace()),
        alloc.getAlignmentAttr());
    wide->setAttrs(alloc->getAttrs());
    SmallVector<OpFoldResult> zeros(type.getRank(), b.getIndexAttr(0)),
        ones(type.getRank(), b.getIndexAttr(1)), sizes;
    for (int64_t s : type.getShape())
      sizes.push_back(b.getIndexAttr(s));
    auto view = memref::SubViewOp::create(b, loc, wide, zeros, sizes, ones);
    retarget(alloc.getResult(), view.getResult());
    alloc.erase();
  }

  /// Points every use of `from` at `to` (the same shape, another layout),
  /// rebuilding subviews of it for the new layout.
  void retarget(Value from, Value to) {
    for (OpOperand &use : llvm::make_early_inc_range(from.getUses())) {
      auto sv = dyn_cast<memref::SubViewOp>(use.getOwner());
      if (!sv) {
        use.set(to);
        continue;
      }
      OpBuilder b(sv);
      auto source = cast<MemRefType>(to.getType());
      MemRefType resultType = memref::SubViewOp::inferRankReducedResultType(
          sv.getType().getShape(), source, sv.getMixedOffsets(),
          sv.getMixedSizes(), sv.getMixedStrides());
      auto rebuilt = memref::SubViewOp::create(
          b, sv.getLoc(), resultType, to, sv.getMixedOffsets(),
          sv.getMixedSizes(), sv.getMixedStrides());
      retarget(sv.getResult(), rebuilt.getResult());
      sv.erase();
    }
  }
};

} // namespace
} // namespace dsc
