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
  /// A transpose: the loop along the one input's innermost dimension, when
  /// that is not `vecDim` (tiles of lanes x lanes, transposed in registers).
  std::optional<unsigned> inDim = std::nullopt;
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

/// The transpose plan of `op` (one memref input, contiguous along a loop
/// `t` that is not the output's innermost loop `vecDim`): 32-bit elements,
/// tiles of L x L with L = vectorBits / 32, and both loops at least L / 4
/// long: a 7x7 map's rows fill 7 of 16 lanes and still move 4x faster than
/// the scalar loop, a 3-channel image's would be mostly clamped rows.
std::optional<Plan> transposePlanFor(linalg::LinalgOp op, unsigned vecDim,
                                     int64_t vectorBits) {
  OpOperand *outOperand = op.getDpsInitOperand(0);
  if (op.payloadUsesValueFromOperand(outOperand))
    return std::nullopt;
  OpOperand *input = nullptr;
  for (OpOperand *in : op.getDpsInputOperands()) {
    if (!isa<MemRefType>(in->get().getType()))
      continue;
    if (input)
      return std::nullopt;
    input = in;
  }
  if (!input || input->get() == outOperand->get() || widestBits(op) != 32 ||
      getElementTypeOrSelf(input->get().getType()).getIntOrFloatBitWidth() !=
          32)
    return std::nullopt;
  AffineMap map = op.getMatchingIndexingMap(input);
  auto last = dyn_cast<AffineDimExpr>(map.getResults().back());
  if (!last || last.getPosition() == vecDim)
    return std::nullopt;
  unsigned t = last.getPosition();
  std::optional<Access> along = classify(input->get(), map, t);
  AffineMap outMap = op.getMatchingIndexingMap(outOperand);
  if (!along || along->kind != Access::Vector || along->stride != 1 ||
      !plainPosition(map, vecDim) || !plainPosition(map, t) ||
      !plainPosition(outMap, t))
    return std::nullopt;
  int64_t lanes = vectorBits / 32;
  SmallVector<int64_t> sizes = op.getStaticLoopRanges();
  if (lanes < 2 || 4 * sizes[vecDim] < lanes || 4 * sizes[t] < lanes)
    return std::nullopt;
  return Plan{vecDim, lanes, t};
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
      return transposePlanFor(op, vecDim, vectorBits);
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

/// The L x L matrix whose rows are `rows` (L a power of two), transposed:
/// log2(L) rounds, each interleaving row i with row i + L/2 into rows 2i and
/// 2i+1. A round moves an element at (row, column) to (row << 1 | column's
/// top bit, column << 1 | row's top bit), so after log2(L) rounds row and
/// column have traded places: L log2(L) two-source shuffles in all.
SmallVector<Value> transposeRows(OpBuilder &b, Location loc,
                                 SmallVector<Value> rows) {
  int64_t n = rows.size(), half = n / 2;
  SmallVector<int64_t> lo, hi;
  for (int64_t i = 0; i < half; ++i) {
    lo.append({i, n + i});
    hi.append({half + i, n + half + i});
  }
  for (int64_t round = 1; round < n; round *= 2) {
    SmallVector<Value> next;
    for (int64_t i = 0; i < half; ++i) {
      next.push_back(
          vector::ShuffleOp::create(b, loc, rows[i], rows[i + half], lo));
      next.push_back(
          vector::ShuffleOp::create(b, loc, rows[i], rows[i + half], hi));
    }
    rows = std::move(next);
  }
  return rows;
}

/// A transpose (plan.inDim set) as one scf.forall over L x L tiles of the
/// output's innermost loop v and the input's innermost loop t: L vector
/// loads along t (rows past v's end clamped to its last row), transposed in
/// registers, the body applied to each row, L vector stores along v (rows
/// past t's end skipped). Left to the scalar loops, each element was a load
/// a whole input row apart: ~10 GB/s where a copy streams at several times
/// that.
void emitTranspose(linalg::LinalgOp op, const Plan &plan) {
  OpBuilder b(op);
  Location loc = op.getLoc();
  SmallVector<int64_t> sizes = op.getStaticLoopRanges();
  int64_t lanes = plan.lanes;
  unsigned v = plan.vecDim, t = *plan.inDim;
  SmallVector<OpFoldResult> lbs, ubs, steps;
  for (auto [d, n] : llvm::enumerate(sizes)) {
    lbs.push_back(b.getIndexAttr(0));
    ubs.push_back(b.getIndexAttr(n));
    steps.push_back(b.getIndexAttr(d == v || d == t ? lanes : 1));
  }
  OpOperand *outOperand = op.getDpsInitOperand(0);
  Value out = outOperand->get();
  AffineMap outMap = op.getMatchingIndexingMap(outOperand);
  OpOperand *input = nullptr;
  for (OpOperand *in : op.getDpsInputOperands())
    if (isa<MemRefType>(in->get().getType()))
      input = in;
  AffineMap inMap = op.getMatchingIndexingMap(input);
  auto inType = VectorType::get(
      {lanes}, cast<MemRefType>(input->get().getType()).getElementType());

  scf::ForallOp::create(
      b, loc, lbs, ubs, steps, ValueRange{}, std::nullopt,
      [&](OpBuilder &nb, Location, ValueRange ivs) {
        auto index = [&](int64_t x) {
          return arith::ConstantIndexOp::create(nb, loc, x);
        };
        Value tMask = tailMask(nb, loc, sizes[t], ivs[t], lanes);
        Value vMask = tailMask(nb, loc, sizes[v], ivs[v], lanes);
        SmallVector<Value> rows;
        for (int64_t i = 0; i < lanes; ++i) {
          SmallVector<Value> dims(ivs);
          dims[v] = arith::AddIOp::create(nb, loc, ivs[v], index(i));
          if (sizes[v] % lanes != 0)
            dims[v] = arith::MinSIOp::create(nb, loc, dims[v],
                                              index(sizes[v] - 1));
          rows.push_back(loadLanes(nb, loc, inType, input->get(),
                                   applyIndexingMap(nb, loc, inMap, dims),
                                   tMask));
        }
        SmallVector<Value> cols = transposeRows(nb, loc, rows);
        for (int64_t j = 0; j < lanes; ++j) {
          SmallVector<Value> dims(ivs);
          dims[t] = arith::AddIOp::create(nb, loc, ivs[t], index(j));
          auto store = [&](OpBuilder &sb, Location) {
            Value result = evalElementwiseBody(
                sb, loc, op, lanes, /*acc=*/{},
                [&](OpOperand *) { return cols[j]; });
            storeLanes(sb, loc, result, out,
                       applyIndexingMap(sb, loc, outMap, dims), vMask);
          };
          if (j == 0 || sizes[t] % lanes == 0) {
            store(nb, loc);
            continue;
          }
          Value inside = arith::CmpIOp::create(
              nb, loc, arith::CmpIPredicate::slt, dims[t], index(sizes[t]));
          scf::IfOp::create(nb, loc, inside,
                            [&](OpBuilder &sb, Location l) {
                              store(sb, l);
                              scf::YieldOp::create(sb, l);
                            });
        }
        scf::InParallelOp::create(nb, loc);
      });
}

void emit(linalg::LinalgOp op, const Plan &plan) {
  if (plan.inDim)
    return emitTranspose(op, plan);
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
        auto indices = [&](AffineMap map) {
          return applyIndexingMap(nb, loc, map, SmallVector<Value>(ivs));
        };
        Value mask = tailMask(nb, loc, size, ivs[plan.vecDim], lanes);
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
