//===- ElementwiseKernels.cpp - elementwise linalg ops as vector loops ----===//
//
// The elementwise ops no contraction kernel took (a squeeze-and-excitation
// multiply, a residual add after a pooling, the bf16 rounding of a
// convolution's input, fills and copies) become one scf.forall over the
// output's outer loops and tiles of L lanes along its innermost, contiguous
// dimension:
//
//   scf.forall (d0, ..., v0) in (D0, ..., ceil(S / L) * L) step (1, ..., L)
//     out[d0, ..., v0 : v0 + L] = body(in0[...], in1[...], ...)
//
// Inputs are read as vectors along the same loop (contiguous) or as one
// scalar broadcast to every lane (an index that does not depend on it); a
// last partial tile is masked. Left to the scalar loop lowering, LLVM saw
// the outlined loops over a shared arena pointer and could not prove a
// store does not feed the next iteration's load, so these loops stayed
// scalar (or were linearized with a division per element).
//
//===----------------------------------------------------------------------===//
#include "VectorAccess.h"
#include "dsc/Target/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;

namespace dsc {
#define GEN_PASS_DEF_DSCELEMENTWISEKERNELS
#include "dsc/Target/Passes.h.inc"

namespace {

/// What one elementwise op needs to become a vector loop.
struct Plan {
  unsigned vecDim; // the loop along the output's innermost dimension
  int64_t lanes;   // vector length
};

/// Widest element type the op reads, writes or computes with (bools, one
/// bit per lane, aside).
unsigned widestBits(linalg::LinalgOp op) {
  unsigned bits = 0;
  auto note = [&](Type t) {
    t = getElementTypeOrSelf(t);
    if (t.isIntOrFloat() && t.getIntOrFloatBitWidth() > 1)
      bits = std::max(bits, t.getIntOrFloatBitWidth());
  };
  for (Value v : op->getOperands())
    note(v.getType());
  for (Operation &inner : op.getBlock()->without_terminator())
    for (Type t : inner.getResultTypes())
      note(t);
  return bits;
}

std::optional<Plan> planFor(linalg::LinalgOp op, int64_t vectorBits) {
  if (!llvm::isa<func::FuncOp>(op->getParentOp()) ||
      !isVectorizableElementwise(op, /*readsOut=*/true))
    return std::nullopt;
  // Integer division has no vector instruction: LLVM divides lane by lane,
  // masked-off lanes too, whose zero divisor would trap.
  if (llvm::any_of(op.getBlock()->without_terminator(), [](Operation &inner) {
        return isa<arith::DivSIOp, arith::DivUIOp, arith::RemSIOp,
                   arith::RemUIOp, arith::CeilDivSIOp, arith::CeilDivUIOp,
                   arith::FloorDivSIOp>(inner);
      }))
    return std::nullopt;
  Value out = op.getDpsInitOperand(0)->get();
  auto outType = dyn_cast<MemRefType>(out.getType());
  if (!outType || outType.getRank() == 0 || !innermostContiguous(out))
    return std::nullopt;
  // Bools take a byte each in memory but a bit each in a vector load.
  for (Value v : op->getOperands())
    if (auto t = dyn_cast<MemRefType>(v.getType());
        t && t.getElementType().isInteger(1))
      return std::nullopt;
  AffineMap outMap = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
  unsigned vecDim = outMap.getDimPosition(outMap.getNumResults() - 1);
  if (op.getStaticLoopRanges()[vecDim] < 2)
    return std::nullopt;
  for (OpOperand *in : op.getDpsInputOperands()) {
    AffineMap map = op.getMatchingIndexingMap(in);
    std::optional<Access> a = classify(in->get(), map, vecDim);
    if (!a || a->kind == Access::Gather ||
        (a->kind == Access::Vector && a->stride != 1))
      return std::nullopt;
    // Reading the buffer it writes elsewhere than where it writes: the
    // scalar loop's order matters.
    if (in->get() == out && map != outMap)
      return std::nullopt;
  }
  unsigned bits = widestBits(op);
  if (bits == 0 || vectorBits / bits < 2)
    return std::nullopt;
  return Plan{vecDim, vectorBits / bits};
}

void emit(linalg::LinalgOp op, const Plan &plan) {
  OpBuilder b(op);
  Location loc = op.getLoc();
  SmallVector<int64_t> sizes = op.getStaticLoopRanges();
  int64_t lanes = plan.lanes, size = sizes[plan.vecDim];
  SmallVector<OpFoldResult> lbs, ubs, steps;
  for (auto [d, n] : llvm::enumerate(sizes)) {
    lbs.push_back(b.getIndexAttr(0));
    ubs.push_back(b.getIndexAttr(n));
    steps.push_back(b.getIndexAttr(d == plan.vecDim ? lanes : 1));
  }
  OpOperand *outOperand = op.getDpsInitOperand(0);
  Value out = outOperand->get();
  AffineMap outMap = op.getMatchingIndexingMap(outOperand);

  // scf.forall, like the contraction kernels: sibling fusion of parallel
  // loops sees only memref.load/store and would miss the vector accesses.
  scf::ForallOp::create(
      b, loc, lbs, ubs, steps, ValueRange{}, std::nullopt,
      [&](OpBuilder &nb, Location, ValueRange ivs) {
        auto index = [&](int64_t v) {
          return arith::ConstantIndexOp::create(nb, loc, v);
        };
        auto indices = [&](AffineMap map) {
          return applyIndexingMap(nb, loc, map, SmallVector<Value>(ivs));
        };
        Value mask;
        if (size % lanes != 0) {
          Value rest =
              arith::SubIOp::create(nb, loc, index(size), ivs[plan.vecDim]);
          Value valid = arith::MinSIOp::create(nb, loc, rest, index(lanes));
          mask = vector::CreateMaskOp::create(
              nb, loc, VectorType::get({lanes}, nb.getI1Type()),
              ValueRange{valid});
        }
        auto load = [&](Value memref, AffineMap map) {
          auto type = VectorType::get(
              {lanes}, cast<MemRefType>(memref.getType()).getElementType());
          return loadLanes(nb, loc, type, memref, indices(map), mask);
        };
        Value acc;
        if (op.payloadUsesValueFromOperand(outOperand))
          acc = load(out, outMap);
        Value result =
            evalElementwiseBody(nb, loc, op, lanes, acc, [&](OpOperand *in) {
              Value v = in->get();
              AffineMap map = op.getMatchingIndexingMap(in);
              if (classify(v, map, plan.vecDim)->kind == Access::Vector)
                return load(v, map);
              return broadcastElement(nb, loc, v, indices(map), lanes);
            });
        storeLanes(nb, loc, result, out, indices(outMap), mask);
        scf::InParallelOp::create(nb, loc);
      });
}

struct DSCElementwiseKernelsPass
    : impl::DSCElementwiseKernelsBase<DSCElementwiseKernelsPass> {
  using Base::Base;

  void runOnOperation() override {
    SmallVector<std::pair<linalg::LinalgOp, Plan>> work;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (std::optional<Plan> plan = planFor(op, vectorBits))
        work.push_back({op, *plan});
    });
    for (auto &[op, plan] : work) {
      emit(op, plan);
      op->erase();
    }
  }
};

} // namespace
} // namespace dsc
