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

/// Offsets and sizes of a vector's pieces.
using Pieces = SmallVector<std::pair<int64_t, int64_t>>;

/// The power-of-two pieces of a rank-1 vector type whose length is not a
/// power of two (largest first); empty otherwise.
Pieces piecesOf(Type type) {
  Pieces out;
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

/// Each of `values` as its pieces (vector.extract_strided_slice), or as it
/// is where it has none, in one flat list.
SmallVector<Value> splitAll(OpBuilder &b, Location loc, ValueRange values,
                            ArrayRef<Pieces> pieces) {
  SmallVector<Value> out;
  for (auto [v, parts] : llvm::zip_equal(values, pieces)) {
    if (parts.empty())
      out.push_back(v);
    for (auto [offset, size] : parts)
      out.push_back(vector::ExtractStridedSliceOp::create(
          b, loc, v, ArrayRef<int64_t>{offset}, ArrayRef<int64_t>{size},
          ArrayRef<int64_t>{1}));
  }
  return out;
}

/// The inverse of splitAll: each value's consecutive pieces in `flat`
/// inserted into its zeros (`zeros`, null where it has no pieces).
SmallVector<Value> joinAll(OpBuilder &b, Location loc, ValueRange flat,
                           ArrayRef<Value> zeros, ArrayRef<Pieces> pieces) {
  SmallVector<Value> out;
  for (auto [zero, parts] : llvm::zip_equal(zeros, pieces)) {
    if (parts.empty()) {
      out.push_back(flat.front());
      flat = flat.drop_front();
      continue;
    }
    Value whole = zero;
    for (auto [offset, size] : parts) {
      whole = vector::InsertStridedSliceOp::create(b, loc, flat.front(), whole,
                                                   ArrayRef<int64_t>{offset},
                                                   ArrayRef<int64_t>{1});
      flat = flat.drop_front();
    }
    out.push_back(whole);
  }
  return out;
}

/// Rewrites `loop` with its non-power-of-two vector iter_args carried in
/// pieces; returns false when it has none.
bool splitCarries(scf::ForOp loop) {
  SmallVector<Pieces> pieces;
  bool any = false;
  for (Value init : loop.getInitArgs()) {
    pieces.push_back(piecesOf(init.getType()));
    any |= !pieces.back().empty();
  }
  if (!any)
    return false;
  Location loc = loop.getLoc();
  IRRewriter b(loop);
  SmallVector<Value> zeros;
  for (auto [init, parts] : llvm::zip_equal(loop.getInitArgs(), pieces)) {
    Type type = init.getType();
    zeros.push_back(parts.empty() ? Value()
                                  : arith::ConstantOp::create(
                                        b, loc, type, b.getZeroAttr(type)));
  }
  auto split = scf::ForOp::create(b, loc, loop.getLowerBound(),
                                  loop.getUpperBound(), loop.getStep(),
                                  splitAll(b, loc, loop.getInitArgs(), pieces));
  split->setAttrs(loop->getAttrs());
  split.setUnsignedCmp(loop.getUnsignedCmp());

  // The old body's arguments, rebuilt from the pieces at the top of the body
  // (which the builder leaves empty: the loop has iter_args).
  Block *body = split.getBody();
  b.setInsertionPointToStart(body);
  SmallVector<Value> args = {split.getInductionVar()};
  llvm::append_range(args,
                     joinAll(b, loc, split.getRegionIterArgs(), zeros, pieces));
  b.mergeBlocks(loop.getBody(), body, args);

  auto yield = cast<scf::YieldOp>(body->getTerminator());
  b.setInsertionPoint(yield);
  scf::YieldOp::create(b, yield.getLoc(),
                       splitAll(b, loc, yield.getOperands(), pieces));
  yield.erase();

  b.setInsertionPointAfter(split);
  b.replaceOp(loop, joinAll(b, loc, split.getResults(), zeros, pieces));
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
