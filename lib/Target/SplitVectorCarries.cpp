//===- SplitVectorCarries.cpp - loop-carried vectors in power-of-2 pieces -===//
//
// A vector whose length is not a power of two (a squeeze-and-excitation FC
// with 48 outputs accumulates in one vector<48xf32>) is legalized well by
// LLVM inside a block, but as a loop-carried phi the x86 and AArch64
// backends scalarize it: every iteration of the reduction loop rebuilt the
// accumulator from 48 scalars (~100 shuffles per FMA step; EfficientNet-B0
// spent 0.19 ms of its 9.3 in its SE FCs' loops). Carried as power-of-two
// pieces (32 + 16) the same loop is three FMAs on registers:
//
//   scf.for ... iter_args(%a = %init) -> vector<48xf32>
// becomes
//   scf.for ... iter_args(%a0 = %init[0:32], %a1 = %init[32:48])
//     %a = insert %a1 into (insert %a0 into zeros)   (folded by LLVM)
//     ...
//     scf.yield %r[0:32], %r[32:48]
//
//===----------------------------------------------------------------------===//
#include "dsc/Target/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;

namespace dsc {
#define GEN_PASS_DEF_DSCSPLITVECTORCARRIES
#include "dsc/Target/Passes.h.inc"

namespace {

/// Offsets and sizes of the power-of-two pieces of a rank-1 vector type
/// whose length is not a power of two (largest first); empty otherwise.
SmallVector<std::pair<int64_t, int64_t>> piecesOf(Type type) {
  SmallVector<std::pair<int64_t, int64_t>> out;
  auto vt = dyn_cast<VectorType>(type);
  if (!vt || vt.getRank() != 1 || vt.isScalable() ||
      llvm::isPowerOf2_64(vt.getNumElements()))
    return out;
  int64_t offset = 0, left = vt.getNumElements();
  while (left > 0) {
    int64_t size = int64_t(1) << llvm::Log2_64(left);
    out.push_back({offset, size});
    offset += size;
    left -= size;
  }
  return out;
}

Value slice(OpBuilder &b, Location loc, Value v,
            std::pair<int64_t, int64_t> piece) {
  return vector::ExtractStridedSliceOp::create(
      b, loc, v, ArrayRef<int64_t>{piece.first},
      ArrayRef<int64_t>{piece.second}, ArrayRef<int64_t>{1});
}

/// `parts` inserted into `whole` (zeros of the full type) at their pieces.
Value join(OpBuilder &b, Location loc, Value whole, ValueRange parts,
           ArrayRef<std::pair<int64_t, int64_t>> pieces) {
  for (auto [part, piece] : llvm::zip_equal(parts, pieces))
    whole = vector::InsertStridedSliceOp::create(b, loc, part, whole,
                                                 ArrayRef<int64_t>{piece.first},
                                                 ArrayRef<int64_t>{1});
  return whole;
}

/// Rewrites `loop` with its non-power-of-two vector iter_args carried in
/// pieces; returns false when it has none.
bool splitCarries(scf::ForOp loop) {
  SmallVector<SmallVector<std::pair<int64_t, int64_t>>> pieces;
  bool any = false;
  for (Value init : loop.getInitArgs()) {
    pieces.push_back(piecesOf(init.getType()));
    any |= !pieces.back().empty();
  }
  if (!any)
    return false;
  Location loc = loop.getLoc();
  IRRewriter b(loop);
  SmallVector<Value> inits, zeros;
  for (auto [init, parts] : llvm::zip_equal(loop.getInitArgs(), pieces)) {
    Type type = init.getType();
    zeros.push_back(parts.empty() ? Value()
                                  : arith::ConstantOp::create(
                                        b, loc, type, b.getZeroAttr(type)));
    if (parts.empty())
      inits.push_back(init);
    for (auto piece : parts)
      inits.push_back(slice(b, loc, init, piece));
  }
  auto split = scf::ForOp::create(b, loc, loop.getLowerBound(),
                                  loop.getUpperBound(), loop.getStep(), inits);
  split->setAttrs(loop->getAttrs());
  split.setUnsignedCmp(loop.getUnsignedCmp());

  // The old body's arguments, rebuilt from the pieces at the top of the body
  // (which the builder leaves empty: the loop has iter_args).
  Block *body = split.getBody();
  b.setInsertionPointToStart(body);
  SmallVector<Value> args = {split.getInductionVar()};
  unsigned next = 0;
  for (auto [zero, parts] : llvm::zip_equal(zeros, pieces)) {
    ValueRange carried =
        split.getRegionIterArgs().slice(next, parts.empty() ? 1 : parts.size());
    next += carried.size();
    args.push_back(parts.empty() ? carried.front()
                                 : join(b, loc, zero, carried, parts));
  }
  b.mergeBlocks(loop.getBody(), body, args);

  auto yield = cast<scf::YieldOp>(body->getTerminator());
  b.setInsertionPoint(yield);
  SmallVector<Value> yielded;
  for (auto [v, parts] : llvm::zip_equal(yield.getOperands(), pieces)) {
    if (parts.empty())
      yielded.push_back(v);
    for (auto piece : parts)
      yielded.push_back(slice(b, loc, v, piece));
  }
  scf::YieldOp::create(b, yield.getLoc(), yielded);
  yield.erase();

  b.setInsertionPointAfter(split);
  SmallVector<Value> results;
  next = 0;
  for (auto [zero, parts] : llvm::zip_equal(zeros, pieces)) {
    ValueRange got =
        split.getResults().slice(next, parts.empty() ? 1 : parts.size());
    next += got.size();
    results.push_back(parts.empty() ? got.front()
                                    : join(b, loc, zero, got, parts));
  }
  b.replaceOp(loop, results);
  return true;
}

struct SplitVectorCarriesPass
    : impl::DSCSplitVectorCarriesBase<SplitVectorCarriesPass> {
  void runOnOperation() override {
    SmallVector<scf::ForOp> loops;
    getOperation()->walk([&](scf::ForOp loop) { loops.push_back(loop); });
    for (scf::ForOp loop : loops)
      splitCarries(loop);
  }
};

} // namespace
} // namespace dsc
