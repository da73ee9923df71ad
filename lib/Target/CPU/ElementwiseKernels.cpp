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
// last partial tile is masked. An output of at most 4 channels takes runs of
// 16 positions instead (all their channels in one vector, shuffled from
// channel planes or from the input's own interleaving), and a transpose
// tiles of L x L. Left to the scalar loop lowering, LLVM saw
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
  /// Few channels (see interleavePlanFor): the loop of the output's next
  /// dimension, whose `lanes` positions of `slots` elements each (the
  /// channels and any gap up to the next position) make one vector.
  std::optional<unsigned> posDim = std::nullopt;
  int64_t slots = 0;
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

/// The few-channels plan of `op`: an output whose innermost dimension (the
/// channels, `vecDim`) has at most 4 elements and whose next dimension
/// (positions, loop `p`) steps by at most 4 elements, so that 16 positions
/// are one contiguous run of at most 64 elements: a 3-channel image made
/// channels-last (from NCHW planes), or rounded into a padded 4-channel bf16
/// buffer. Each memref input is planar (contiguous along `p`, one vector of
/// positions per channel) or interleaved like the output (one contiguous
/// run); both are shuffled into the output's lane order, the body evaluated
/// on the whole run and stored through a mask that skips the gap. Along the
/// channels (3 of 16 lanes per position) or left scalar, these loops moved
/// an element or a position at a time.
std::optional<Plan> interleavePlanFor(linalg::LinalgOp op, unsigned vecDim,
                                      int64_t vectorBits) {
  OpOperand *outOperand = op.getDpsInitOperand(0);
  Value out = outOperand->get();
  auto outType = cast<MemRefType>(out.getType());
  AffineMap outMap = op.getMatchingIndexingMap(outOperand);
  SmallVector<int64_t> sizes = op.getStaticLoopRanges();
  int64_t lanes = vectorBits / 32;
  if (op.payloadUsesValueFromOperand(outOperand) || widestBits(op) > 32 ||
      lanes < 4 || outType.getRank() < 2 || sizes[vecDim] > 4)
    return std::nullopt;
  unsigned rank = outMap.getNumResults();
  auto posExpr = dyn_cast<AffineDimExpr>(outMap.getResult(rank - 2));
  if (!posExpr)
    return std::nullopt;
  unsigned p = posExpr.getPosition();
  std::optional<int64_t> slots = memoryStride(out, outMap, p);
  if (!slots || *slots < sizes[vecDim] || *slots > 4 || sizes[p] < lanes)
    return std::nullopt;
  for (OpOperand *in : op.getDpsInputOperands()) {
    Value v = in->get();
    auto type = dyn_cast<MemRefType>(v.getType());
    if (!type)
      continue;
    AffineMap map = op.getMatchingIndexingMap(in);
    if (v == out || !innermostContiguous(v) ||
        type.getElementType().isInteger(1) || !plainPosition(map, p))
      return std::nullopt;
    // Innermost the positions (planar) or the channels (interleaved). A
    // planar input may reach its channel planes through any outer index
    // (rows 2i and 2i + 1 of a matrix written in row pairs for vdpbf16ps,
    // see dsc-bf16-contractions: `2 i + k`).
    auto inner = dyn_cast<AffineDimExpr>(map.getResults().back());
    if (!inner || (inner.getPosition() != p && inner.getPosition() != vecDim))
      return std::nullopt;
    if (inner.getPosition() == vecDim) {
      if (!plainPosition(map, vecDim))
        return std::nullopt;
      std::optional<int64_t> inSlots = memoryStride(v, map, p);
      if (!inSlots || *inSlots < sizes[vecDim] || *inSlots > 4)
        return std::nullopt;
    }
  }
  Plan plan{vecDim, lanes};
  plan.posDim = p;
  plan.slots = *slots;
  return plan;
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
  if (std::optional<Plan> few = interleavePlanFor(op, vecDim, vectorBits))
    return few;
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

/// A few-channels op (plan.posDim set) as one scf.forall over runs of
/// `lanes` positions (see interleavePlanFor).
void emitInterleave(linalg::LinalgOp op, const Plan &plan) {
  OpBuilder b(op);
  Location loc = op.getLoc();
  SmallVector<int64_t> sizes = op.getStaticLoopRanges();
  int64_t positions = plan.lanes, slots = plan.slots;
  unsigned c = plan.vecDim, p = *plan.posDim;
  int64_t channels = sizes[c], width = positions * slots;
  SmallVector<OpFoldResult> lbs, ubs, steps;
  for (auto [d, n] : llvm::enumerate(sizes)) {
    lbs.push_back(b.getIndexAttr(0));
    ubs.push_back(b.getIndexAttr(d == c ? 1 : n));
    steps.push_back(b.getIndexAttr(d == p ? positions : 1));
  }
  OpOperand *outOperand = op.getDpsInitOperand(0);
  Value out = outOperand->get();
  AffineMap outMap = op.getMatchingIndexingMap(outOperand);
  // Lane j * slots + k of the run: channel k of position j (k < channels;
  // the others are the gap, never stored).
  SmallVector<bool> inChannel;
  for (int64_t j = 0; j < width; ++j)
    inChannel.push_back(j % slots < channels);

  scf::ForallOp::create(
      b, loc, lbs, ubs, steps, ValueRange{}, std::nullopt,
      [&](OpBuilder &nb, Location, ValueRange ivs) {
        auto index = [&](int64_t x) {
          return arith::ConstantIndexOp::create(nb, loc, x);
        };
        // Valid positions of the run (a last, shorter one where `positions`
        // does not divide the loop), as lanes of a run `stride` wide each,
        // less a `gap` after the last one; null when all lanes are.
        Value rest;
        if (sizes[p] % positions)
          rest = arith::MinSIOp::create(
              nb, loc, arith::SubIOp::create(nb, loc, index(sizes[p]), ivs[p]),
              index(positions));
        auto runMask = [&](int64_t stride, int64_t gap = 0) -> Value {
          if (!rest && !gap)
            return {};
          Value count =
              rest ? arith::MulIOp::create(nb, loc, rest, index(stride))
                         .getResult()
                   : index(positions * stride);
          if (gap)
            count = arith::SubIOp::create(nb, loc, count, index(gap));
          return vector::CreateMaskOp::create(
              nb, loc, VectorType::get({positions * stride}, nb.getI1Type()),
              ValueRange{count});
        };
        auto at = [&](AffineMap map, int64_t channel) {
          SmallVector<Value> dims(ivs);
          dims[c] = index(channel);
          return applyIndexingMap(nb, loc, map, dims);
        };
        Value result = evalElementwiseBody(
            nb, loc, op, width, /*acc=*/{}, [&](OpOperand *in) -> Value {
              Value v = in->get();
              AffineMap map = op.getMatchingIndexingMap(in);
              Type element = cast<MemRefType>(v.getType()).getElementType();
              SmallVector<int64_t> order;
              if (map.getResults().back() ==
                  getAffineDimExpr(c, op.getContext())) {
                // Interleaved: one run of positions x its own slots.
                // (The last position's gap is not read: it may end the
                // buffer.)
                int64_t inSlots = *memoryStride(v, map, p);
                Value whole = loadLanes(
                    nb, loc, VectorType::get({positions * inSlots}, element), v,
                    at(map, 0), runMask(inSlots, inSlots - channels));
                for (int64_t j = 0; j < width; ++j)
                  order.push_back(inChannel[j] ? j / slots * inSlots + j % slots
                                               : 0);
                return vector::ShuffleOp::create(nb, loc, whole, whole, order);
              }
              // Planar: a vector of positions per channel, concatenated.
              auto type = VectorType::get({positions}, element);
              SmallVector<Value> planes;
              for (int64_t k = 0; k < channels; ++k)
                planes.push_back(
                    loadLanes(nb, loc, type, v, at(map, k), runMask(1)));
              while (planes.size() > 1) {
                SmallVector<Value> joined;
                for (size_t i = 0; i + 1 < planes.size(); i += 2) {
                  int64_t n = cast<VectorType>(planes[i].getType())
                                  .getNumElements(),
                          m = cast<VectorType>(planes[i + 1].getType())
                                  .getNumElements();
                  joined.push_back(vector::ShuffleOp::create(
                      nb, loc, planes[i], planes[i + 1],
                      llvm::to_vector(llvm::seq<int64_t>(0, n + m))));
                }
                if (planes.size() % 2)
                  joined.push_back(planes.back());
                planes = std::move(joined);
              }
              // Channel k of position j is lane k * positions + j.
              for (int64_t j = 0; j < width; ++j)
                order.push_back(
                    inChannel[j] ? (j % slots) * positions + j / slots : 0);
              return vector::ShuffleOp::create(nb, loc, planes[0], planes[0],
                                               order);
            });
        Value mask = runMask(slots);
        if (slots > channels) {
          Value gap = arith::ConstantOp::create(
              nb, loc,
              DenseElementsAttr::get(VectorType::get({width}, nb.getI1Type()),
                                     ArrayRef<bool>(inChannel)));
          mask = mask ? arith::AndIOp::create(nb, loc, gap, mask).getResult()
                      : gap;
        }
        storeLanes(nb, loc, result, out, at(outMap, 0), mask);
        scf::InParallelOp::create(nb, loc);
      });
}

void emit(linalg::LinalgOp op, const Plan &plan) {
  if (plan.inDim)
    return emitTranspose(op, plan);
  if (plan.posDim)
    return emitInterleave(op, plan);
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
