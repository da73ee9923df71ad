//===- SplitReductions.cpp - bands of a reduction with no parallel loop --===//
//
// A global pooling reduces a whole feature map to one value per channel:
//
//   out[n, c] += in[n, h, w, c]     (parallel n, reduction h w, parallel c)
//
// Its loop nest (scf.parallel n { for h { for w { parallel c }}}) has no
// outer parallel loop with more than the batch's trips, so it ran on one
// thread while the other waited: EfficientNet-B0's 16 squeeze-and-excitation
// averages (2.75 M elements) were most of its serial time at two threads.
// Here the outermost reduction dimension is split into P bands of rows that
// become a parallel loop, each band's partial result its own slice:
//
//   part[p, n, c] += in[n, p * H/P + i, w, c]   (parallel n p, red. i w, c)
//   out[n, c] += part[p, n, c]                   (parallel n c, reduction p)
//
// The bands are rows of the map, as the kernel that wrote it split them
// among threads, so each thread mostly reads what it wrote. The partials
// start from the combiner's neutral element; the original init (a fill, a
// bias) stays the init of the final, P-deep reduction.
//
//===----------------------------------------------------------------------===//
#include "dsc/Target/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/IRMapping.h"

using namespace mlir;

namespace dsc {
#define GEN_PASS_DEF_DSCSPLITREDUCTIONS
#include "dsc/Target/Passes.h.inc"

namespace {

/// Most bands: the thread pool splits a loop into 4 chunks per thread, so 16
/// bands feed 4 threads; more would only grow the final reduction.
constexpr int64_t kMaxBands = 16;
/// Outer parallel trips from which the reduction is parallel already.
constexpr int64_t kParallelTrips = 8;

/// The combiner of a one-input reduction whose body is `yield op(in, out)`
/// (either operand order), or null.
Operation *combinerOf(linalg::GenericOp op) {
  Block &body = op.getRegion().front();
  if (body.getOperations().size() != 2)
    return nullptr;
  Operation *comb = &body.front();
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  if (comb->getNumOperands() != 2 || comb->getNumResults() != 1 ||
      yield.getNumOperands() != 1 || yield.getOperand(0) != comb->getResult(0))
    return nullptr;
  Value in = body.getArgument(0), out = body.getArgument(1);
  if (!((comb->getOperand(0) == in && comb->getOperand(1) == out) ||
        (comb->getOperand(0) == out && comb->getOperand(1) == in)))
    return nullptr;
  if (!isa<arith::AddFOp, arith::AddIOp, arith::MaximumFOp, arith::MaxNumFOp,
           arith::MinimumFOp, arith::MinNumFOp>(comb))
    return nullptr;
  return comb;
}

/// Splits `op` if it qualifies (see the file comment); returns whether it did.
bool splitReduction(linalg::GenericOp op, int64_t minWork) {
  if (!op.hasPureTensorSemantics() || op.getNumDpsInputs() != 1 ||
      op.getNumDpsInits() != 1 || op.getNumReductionLoops() == 0 ||
      !llvm::all_of(op.getIndexingMapsArray(),
                    [](AffineMap m) { return m.isProjectedPermutation(); }))
    return false;
  Operation *comb = combinerOf(op);
  std::optional<TypedAttr> neutral =
      comb ? arith::getNeutralElement(comb) : std::nullopt;
  if (!neutral)
    return false;
  SmallVector<int64_t> sizes = op.getStaticLoopRanges();
  if (ShapedType::isDynamicShape(sizes))
    return false;
  SmallVector<utils::IteratorType> iters = op.getIteratorTypesArray();
  // The first reduction dimension and the parallel trips outside it.
  unsigned d = 0;
  int64_t outer = 1, work = 1;
  while (iters[d] != utils::IteratorType::reduction)
    outer *= sizes[d++];
  for (int64_t s : sizes)
    work *= s;
  if (outer >= kParallelTrips || work < minWork)
    return false;
  int64_t bands = 1;
  for (int64_t p = std::min(kMaxBands, sizes[d]); p >= 2 && bands == 1; --p)
    if (sizes[d] % p == 0)
      bands = p;
  if (bands == 1)
    return false;
  int64_t rows = sizes[d] / bands;

  MLIRContext *ctx = op.getContext();
  Location loc = op.getLoc();
  OpBuilder b(op);
  unsigned numDims = op.getNumLoops();
  // Partial op: dims (p, original dims...), the input expanded so that its
  // index of d, p * rows + i, is the two indices (p, i).
  AffineExpr p = getAffineDimExpr(0, ctx);
  AffineMap oldIn = op.getIndexingMapsArray()[0];
  Value input = op.getDpsInputs()[0];
  auto inType = cast<RankedTensorType>(input.getType());
  SmallVector<AffineExpr> inExprs;
  SmallVector<ReassociationIndices> groups;
  SmallVector<int64_t> inShape;
  for (auto [r, e] : llvm::enumerate(oldIn.getResults())) {
    groups.push_back({int64_t(inExprs.size())});
    if (e.isFunctionOfDim(d)) {
      groups.back().push_back(int64_t(inExprs.size()) + 1);
      inExprs.append({p, getAffineDimExpr(d + 1, ctx)});
      inShape.append({bands, rows});
    } else {
      inExprs.push_back(e.shiftDims(numDims, 1));
      inShape.push_back(inType.getDimSize(r));
    }
  }
  AffineMap inMap = AffineMap::get(numDims + 1, 0, inExprs, ctx);
  input = tensor::ExpandShapeOp::create(
      b, loc, RankedTensorType::get(inShape, inType.getElementType()), input,
      groups);
  AffineMap outMap = op.getIndexingMapsArray()[1];
  SmallVector<AffineExpr> partExprs = {p};
  for (AffineExpr e : outMap.getResults())
    partExprs.push_back(e.shiftDims(numDims, 1));
  AffineMap partMap = AffineMap::get(numDims + 1, 0, partExprs, ctx);

  Value init = op.getDpsInits()[0];
  auto initType = cast<RankedTensorType>(init.getType());
  SmallVector<int64_t> partShape = {bands};
  llvm::append_range(partShape, initType.getShape());
  Value empty =
      tensor::EmptyOp::create(b, loc, partShape, initType.getElementType());
  Value zero = arith::ConstantOp::create(b, loc, *neutral);
  Value partInit = linalg::FillOp::create(b, loc, zero, empty).getResult(0);
  SmallVector<utils::IteratorType> partIters = {utils::IteratorType::parallel};
  llvm::append_range(partIters, iters);
  auto part = linalg::GenericOp::create(
      b, loc, partInit.getType(), ValueRange{input}, ValueRange{partInit},
      ArrayRef<AffineMap>{inMap, partMap}, partIters);
  IRMapping map;
  op.getRegion().cloneInto(&part.getRegion(), map);

  // Final op: dims (output dims..., p), reducing the bands.
  unsigned outRank = initType.getRank();
  SmallVector<AffineExpr> finalIn = {getAffineDimExpr(outRank, ctx)};
  for (unsigned i = 0; i < outRank; ++i)
    finalIn.push_back(getAffineDimExpr(i, ctx));
  SmallVector<utils::IteratorType> finalIters(outRank,
                                              utils::IteratorType::parallel);
  finalIters.push_back(utils::IteratorType::reduction);
  auto final = linalg::GenericOp::create(
      b, loc, op->getResultTypes(), part->getResults(), ValueRange{init},
      ArrayRef<AffineMap>{AffineMap::get(outRank + 1, 0, finalIn, ctx),
                          AffineMap::getMultiDimIdentityMap(outRank + 1, ctx)
                              .getMajorSubMap(outRank)},
      finalIters);
  IRMapping map2;
  op.getRegion().cloneInto(&final.getRegion(), map2);
  op->replaceAllUsesWith(final->getResults());
  op->erase();
  return true;
}

struct SplitReductionsPass : impl::DSCSplitReductionsBase<SplitReductionsPass> {
  using Base::Base;
  void runOnOperation() override {
    SmallVector<linalg::GenericOp> ops;
    getOperation()->walk([&](linalg::GenericOp op) { ops.push_back(op); });
    for (linalg::GenericOp op : ops)
      splitReduction(op, minWork);
  }
};

} // namespace
} // namespace dsc
