//===- ContractionKernels.cpp - register-blocked vector contractions ------===//
//
// Every contraction `linalg.generic` on memrefs (out += a * b: matmuls,
// batched matmuls, convolutions, depthwise convolutions; and pooling
// windows, out = max(out, b) or out + b) becomes one loop
// nest of register-blocked vector code, together with the elementwise op
// that initializes its output just before it (bias broadcast, fill, beta*C)
// and the in-place elementwise epilogue just after it (bias or residual add,
// activations), which kernel formation and lowering put there:
//
//   scf.forall over output tiles (rows x vector lanes)       <- thread pool
//     acc[r] = init(r)                       (vectors, in registers)
//     scf.for over the reduction, iter_args = acc
//       acc[r] = fma(broadcast(a[r, k]), b[r, k, v0 : v0 + L], acc[r])
//     out[r, v0 : v0 + L] = epilogue(acc[r], ...)           (one store)
//
// The vector dimension is by default the output's innermost loop. The
// operand that does not depend on it (`a`: matmul's lhs, a convolution's
// weights) is read as broadcast scalars; the other (`b`) as vectors,
// contiguous or with a constant stride (2L lanes loaded, every other kept).
// Where that wastes lanes (7-wide feature maps) or strides, the vector
// dimension is an output channel instead: the constant weights become `b`,
// and the output and the epilogue's operands are gathered and scattered.
// Constant `b` operands are re-laid at compile time in lane blocks
// ([n / L, ..., L]) so a tile's reduction reads one contiguous stream.
// "Rows" are output loops that only `a` depends on (matmul's m, a
// convolution's output channel), which reuse each `b` vector, and loops that
// only `b` depends on (a convolution's output row), which reuse each `a`
// scalar; their tile sizes come from the strategy table below, chosen to
// keep the accumulators in the register file and to balance loads against
// FMAs; a row tile that does not divide its loop leaves a shorter last tile,
// a case in the same tile loop.
// Lanes past the end of the vector dimension are masked.
//
//===----------------------------------------------------------------------===//
#include "../BufferAlias.h"
#include "../LinalgMatchers.h"
#include "VectorAccess.h"
#include "dsc/Dialect/Utils.h"
#include "dsc/Target/KernelStrategy.h"
#include "dsc/Target/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/X86Vector/X86VectorDialect.h"
#include "mlir/Dialect/AMX/AMXDialect.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include <map>

using namespace mlir;

namespace dsc {
#define GEN_PASS_DEF_DSCCONTRACTIONKERNELS
#include "dsc/Target/Passes.h.inc"

namespace {

/// One contraction with its optional init and epilogue ops.
struct Group {
  linalg::GenericOp contraction;
  linalg::LinalgOp init;     // writes the output just before (optional)
  // The init reads the output too (dsc-accumulate-residuals: `out + bias`
  // into a residual's buffer): its rows are loaded first.
  bool initReadsOut = false;
  // That init is `out + v`: the output added after the reduction instead.
  bool initAddsOut = false;
  linalg::LinalgOp epilogue; // updates the output in place after (optional)
  // The output's bf16 roundings right after (--precision=bf16: the next
  // contractions' inputs), into buffers the kernel does not read: its rows
  // are stored rounded into each as well, and the ops go. Several where the
  // output feeds an unpadded and a zero-padded consumer (a fire module's
  // squeeze output, read by a 1x1 and a 3x3 expand).
  SmallVector<linalg::GenericOp, 2> roundings;
  // Where the roundings come after other kernels' ops (the 1x1 expand that
  // reads the first rounding, before the second one's border fills): the
  // first of those ops, which the kernel goes before, and the fills after
  // them, which move there too (empty otherwise: the kernel takes the last
  // rounding's place).
  Operation *before = nullptr;
  SmallVector<Operation *> hoisted;
  // With roundings, whether the f32 output is read after the kernel at all
  // (an arena view whose bytes nothing reads before they are written again
  // is not stored; see readLater).
  bool keepOut = true;
  Value out;
  unsigned vecDim;
  bool outGather = false;  // vecDim is an outer output index: gathered and scattered
  int64_t bStride;
  bool packB = false;      // b is a constant to re-lay with vecDim innermost
  // `a` read as vectors along vecDim too (element stride aStride), not one
  // broadcast scalar: a depthwise convolution channels-last, whose input
  // and (packed) weights both run along the channels in the lanes.
  bool aVector = false;
  int64_t aStride = 1;
  int64_t forcedLanes = 0; // vector length fixed by the caller (no masks)
  // b packed in lane blocks padded with zeros to whole blocks: its loads
  // need no mask even where the output's are masked.
  bool bPadded = false;
  bool bf16 = false;       // an input is bf16, widened to f32 in the body
  // vdpbf16ps: pairs of reduction loop `pairDim` (the innermost index of
  // `a`, which is read as one 32-bit pair) meet `b` packed at compile time
  // as [n / L, ..., K / 2, L * 2] (a pair per lane, lanes contiguous).
  bool dot = false;
  int64_t dotColumns = 1; // 16-lane columns per row of the dot kernel
  unsigned pairDim = ~0u;
  // With `dot`: the reduction on AMX tiles (tdpbf16ps): tiles of up to 16
  // rows of `a` (up to 32 bf16 of the pair loop each, at a constant stride)
  // times tiles of the packed `b` per 16 lanes, accumulated in f32 tiles
  // (see Emitter::amxProducts).
  bool amx = false;
  SmallVector<unsigned> aRows, bRows; // row-candidate loops
  // A pooling window (out = max/maxnum/add(out, b); `a` is the window's
  // shape operand, never read) instead of out += a * b.
  enum class Combine { FMA, Max, MaxNum, Add } combine = Combine::FMA;
  // The operands as the kernel reads them (after packing).
  Value aBuf, bBuf;
  AffineMap aMap, bMap;
  // Where `a` is a zero pad (dsc.zero_border, see dsc-decompose-pads): per
  // index of `a`, the widths of its zero border below and above; empty if
  // unknown.
  SmallVector<int64_t> aZeroLo, aZeroHi;
};

/// The constant global behind `v` (a memref.get_global of a constant with
/// dense contents and the identity layout), or null.
memref::GlobalOp constantGlobal(Value v) {
  auto get = v.getDefiningOp<memref::GetGlobalOp>();
  if (!get)
    return {};
  auto global = SymbolTable::lookupNearestSymbolFrom<memref::GlobalOp>(
      get, get.getNameAttr());
  if (!global || !global.getConstant() ||
      !isa_and_nonnull<DenseElementsAttr>(global.getInitialValueAttr()) ||
      !cast<MemRefType>(v.getType()).getLayout().isIdentity())
    return {};
  return global;
}

/// Can `operand` (read through `map`) be re-laid at compile time so that
/// its `vecDim` index is the innermost, contiguous one?
bool packable(Value operand, AffineMap map, unsigned vecDim) {
  std::optional<unsigned> pos = plainPosition(map, vecDim);
  return pos && *pos + 1 != map.getNumResults() && constantGlobal(operand);
}

/// A copy of the constant `operand` re-laid for vector loads along loop
/// `vecDim` (a new global, shared by every kernel that asks for the same
/// layout), and the indexing map that reads it. The index that is `vecDim`
/// moves innermost; with `blockLanes` it is also split into blocks of that
/// many lanes that go outermost ([size / L, other indices..., L]), so a
/// kernel's whole reduction over one block of lanes reads one contiguous
/// stream instead of rows a power-of-two stride apart (which conflict in
/// L1: a 1024-wide matmul's rows are 4 KB apart). A last partial block is
/// padded with zeros.
std::pair<Value, AffineMap> packConstant(Value operand, AffineMap map,
                                         unsigned vecDim,
                                         int64_t blockLanes = 0) {
  auto get = operand.getDefiningOp<memref::GetGlobalOp>();
  memref::GlobalOp global = constantGlobal(operand);
  unsigned pos = *plainPosition(map, vecDim);
  unsigned rank = map.getNumResults();
  auto type = cast<MemRefType>(operand.getType());
  bool blocked = blockLanes > 0;
  int64_t size = type.getDimSize(pos);
  if (blocked)
    size = llvm::divideCeil(size, blockLanes) * blockLanes;
  MLIRContext *ctx = map.getContext();

  SmallVector<int64_t> shape;
  SmallVector<AffineExpr> exprs;
  AffineExpr v = map.getResult(pos);
  if (blocked) {
    shape.push_back(size / blockLanes);
    exprs.push_back(v.floorDiv(blockLanes));
  }
  for (unsigned i = 0; i < rank; ++i)
    if (i != pos) {
      shape.push_back(type.getDimSize(i));
      exprs.push_back(map.getResult(i));
    }
  shape.push_back(blocked ? blockLanes : size);
  exprs.push_back(blocked ? v % blockLanes : v);
  AffineMap newMap =
      AffineMap::get(map.getNumDims(), map.getNumSymbols(), exprs, ctx);

  std::string name = (global.getSymName() + "_packed" + Twine(pos) +
                      (blocked ? "x" + Twine(blockLanes) : Twine()))
                         .str();
  auto module = global->getParentOfType<ModuleOp>();
  auto packedGlobal = module.lookupSymbol<memref::GlobalOp>(name);
  auto newType = MemRefType::get(shape, type.getElementType());
  if (!packedGlobal) {
    auto dense = cast<DenseElementsAttr>(global.getInitialValueAttr());
    if (size != type.getDimSize(pos))
      dense = padDenseWithZeros(dense, pos, size);
    // The source viewed with `pos` split into [blocks, lanes] when blocked
    // (the same bytes), then transposed into the new order.
    SmallVector<int64_t> sourceShape, perm;
    for (unsigned i = 0; i < rank; ++i) {
      if (i == pos && blocked) {
        sourceShape.append({size / blockLanes, blockLanes});
        continue;
      }
      sourceShape.push_back(type.getDimSize(i));
    }
    auto source = [&](unsigned i) { return blocked && i > pos ? i + 1 : i; };
    if (blocked)
      perm.push_back(pos);
    for (unsigned i = 0; i < rank; ++i)
      if (i != pos)
        perm.push_back(source(i));
    perm.push_back(blocked ? pos + 1 : pos);
    DenseElementsAttr packed = transposeDense(
        dense, sourceShape, perm,
        RankedTensorType::get(shape, type.getElementType()));
    OpBuilder mb(global);
    packedGlobal = memref::GlobalOp::create(
        mb, global.getLoc(), name, mb.getStringAttr("private"), newType,
        packed, /*constant=*/true, global.getAlignmentAttr());
  }
  OpBuilder b(get);
  b.setInsertionPointAfter(get);
  Value packedValue = memref::GetGlobalOp::create(b, get.getLoc(), newType,
                                                  packedGlobal.getSymName());
  return {packedValue, newMap};
}

/// The constant bf16 `operand` re-laid for vdpbf16ps along loop `vecDim`
/// in vectors of `lanes`, pairing reduction loop `pairDim`: [size_v / L,
/// the other indices..., K / 2, L * 2], element (v, k) at [v / L, ...,
/// k / 2, (v % L) * 2 + k % 2]. A tile's reduction then reads one
/// contiguous stream of 2L-element vectors. The pair loop must be even; a
/// last partial block of lanes is padded with zeros (read without a mask).
std::pair<Value, AffineMap> packPairs(Value operand, AffineMap map,
                                      unsigned vecDim, unsigned pairDim,
                                      int64_t lanes) {
  auto get = operand.getDefiningOp<memref::GetGlobalOp>();
  memref::GlobalOp global = constantGlobal(operand);
  unsigned posV = *plainPosition(map, vecDim);
  unsigned posK = *plainPosition(map, pairDim);
  unsigned rank = map.getNumResults();
  auto type = cast<MemRefType>(operand.getType());
  int64_t sizeV = llvm::divideCeil(type.getDimSize(posV), lanes) * lanes,
          sizeK = type.getDimSize(posK);
  MLIRContext *ctx = map.getContext();

  // The source viewed with v split into [v / L, L] and k into [k / 2, 2].
  SmallVector<int64_t> sourceShape;
  SmallVector<int64_t> firstOf(rank);
  for (unsigned i = 0; i < rank; ++i) {
    firstOf[i] = sourceShape.size();
    if (i == posV)
      sourceShape.append({sizeV / lanes, lanes});
    else if (i == posK)
      sourceShape.append({sizeK / 2, 2});
    else
      sourceShape.push_back(type.getDimSize(i));
  }
  SmallVector<int64_t> perm = {firstOf[posV]}, shape = {sizeV / lanes},
                       packedShape = {sizeV / lanes};
  AffineExpr v = map.getResult(posV), k = map.getResult(posK);
  SmallVector<AffineExpr> exprs = {v.floorDiv(lanes)};
  for (unsigned i = 0; i < rank; ++i)
    if (i != posV && i != posK) {
      perm.push_back(firstOf[i]);
      shape.push_back(type.getDimSize(i));
      packedShape.push_back(type.getDimSize(i));
      exprs.push_back(map.getResult(i));
    }
  perm.append({firstOf[posK], firstOf[posV] + 1, firstOf[posK] + 1});
  shape.append({sizeK / 2, lanes, 2});
  packedShape.append({sizeK / 2, lanes * 2});
  exprs.append({k.floorDiv(2), (v % lanes) * 2 + k % 2});
  AffineMap newMap =
      AffineMap::get(map.getNumDims(), map.getNumSymbols(), exprs, ctx);

  std::string name = (global.getSymName() + "_pairs" + Twine(posV) + "_" +
                      Twine(posK) + "x" + Twine(lanes))
                         .str();
  auto module = global->getParentOfType<ModuleOp>();
  auto packedGlobal = module.lookupSymbol<memref::GlobalOp>(name);
  auto newType = MemRefType::get(packedShape, type.getElementType());
  if (!packedGlobal) {
    auto dense = cast<DenseElementsAttr>(global.getInitialValueAttr());
    if (sizeV != type.getDimSize(posV))
      dense = padDenseWithZeros(dense, posV, sizeV);
    DenseElementsAttr packed =
        transposeDense(dense, sourceShape, perm,
                       RankedTensorType::get(shape, type.getElementType()));
    packed = packed.reshape(
        RankedTensorType::get(packedShape, type.getElementType()));
    OpBuilder mb(global);
    packedGlobal = memref::GlobalOp::create(
        mb, global.getLoc(), name, mb.getStringAttr("private"), newType, packed,
        /*constant=*/true, global.getAlignmentAttr());
  }
  OpBuilder b(get);
  b.setInsertionPointAfter(get);
  Value packedValue = memref::GetGlobalOp::create(b, get.getLoc(), newType,
                                                  packedGlobal.getSymName());
  return {packedValue, newMap};
}

/// The last index of `map` that uses loop `d`, or -1.
int64_t innermostUse(AffineMap map, unsigned d) {
  int64_t last = -1;
  for (auto [i, e] : llvm::enumerate(map.getResults()))
    if (e.isFunctionOfDim(d))
      last = i;
  return last;
}

/// Does the output have one row: no loop of it but the vector loop longer
/// than 1 (a classifier's matrix-vector product, a squeeze-and-excitation
/// FC on a 1x1 map)?
bool oneOutputRow(const Group &g) {
  linalg::GenericOp op = g.contraction;
  SmallVector<int64_t> sizes = op.getStaticLoopRanges();
  AffineMap out = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
  return !g.outGather && llvm::all_of(out.getResults(), [&](AffineExpr e) {
    auto d = dyn_cast<AffineDimExpr>(e);
    return !d || d.getPosition() == g.vecDim || sizes[d.getPosition()] <= 1;
  });
}

/// The reduction loop k when `b` is a bf16 activation that
/// dsc-bf16-contractions wrote in row pairs, [..., k / 2, 2 n] read through
/// (..., k floordiv 2, n * 2 + k mod 2) with n the vector loop: the layout
/// packPairs gives constant weights (without the lane blocks), which the
/// dot and AMX kernels read as they are. ~0u otherwise. (As matched, such a
/// `b` is a vector at element stride 2, which the f32 FMA path reads as
/// that.)
unsigned rowPairedDim(const Group &g) {
  auto type = dyn_cast<MemRefType>(g.bBuf.getType());
  unsigned rank = g.bMap.getNumResults();
  if (!type || !type.getElementType().isBF16() || rank < 2 ||
      !type.hasStaticShape() || !type.getLayout().isIdentity() ||
      type.getShape().back() % 32 || constantGlobal(g.bBuf))
    return ~0u;
  MLIRContext *ctx = g.bMap.getContext();
  auto half = dyn_cast<AffineBinaryOpExpr>(g.bMap.getResult(rank - 2));
  if (!half || half.getKind() != AffineExprKind::FloorDiv ||
      half.getRHS() != getAffineConstantExpr(2, ctx))
    return ~0u;
  auto k = dyn_cast<AffineDimExpr>(half.getLHS());
  if (!k ||
      g.bMap.getResult(rank - 1) != getAffineDimExpr(g.vecDim, ctx) * 2 + k % 2)
    return ~0u;
  for (AffineExpr e : g.bMap.getResults().drop_back(2))
    if (e.isFunctionOfDim(k.getPosition()) || e.isFunctionOfDim(g.vecDim))
      return ~0u;
  return k.getPosition();
}

/// The reduction loop whose pairs vdpbf16ps can take: the innermost index
/// of `a` (contiguous, so a pair is one 32-bit load) — the loop itself, or
/// `k mod 2` of a [..., k / 2, ..., 2] layout (a convolution's input in
/// channel pairs) — and a plain index of the constant `b` (or the loop `b`
/// is in row pairs of, see rowPairedDim), with an even trip count; ~0u if
/// there is none.
unsigned pairableDim(const Group &g) {
  linalg::GenericOp op = g.contraction;
  unsigned rowPaired = rowPairedDim(g);
  // One output row: the dot kernel would be one 16-lane column, a single
  // dependent chain; the f32 kernel on widened bf16 tiles 8 columns and
  // still streams half the bytes of f32 weights.
  if (!g.bf16 || g.bStride != (rowPaired != ~0u ? 2 : 1) ||
      g.aMap.getNumResults() == 0 || oneOutputRow(g))
    return ~0u;
  for (Value buf : {g.aBuf, g.bBuf}) {
    auto t = dyn_cast<MemRefType>(buf.getType());
    if (!t || !t.getElementType().isBF16())
      return ~0u;
  }
  if (!innermostContiguous(g.aBuf) ||
      (rowPaired == ~0u &&
       (!constantGlobal(g.bBuf) || !plainPosition(g.bMap, g.vecDim))))
    return ~0u;
  AffineExpr last = g.aMap.getResults().back();
  unsigned d;
  if (auto k = dyn_cast<AffineDimExpr>(last)) {
    d = k.getPosition();
    if (plainPosition(g.aMap, d) != g.aMap.getNumResults() - 1)
      return ~0u;
  } else {
    auto mod = dyn_cast<AffineBinaryOpExpr>(last);
    if (!mod || mod.getKind() != AffineExprKind::Mod ||
        !isa<AffineDimExpr>(mod.getLHS()) ||
        mod.getRHS() != getAffineConstantExpr(2, mod.getContext()) ||
        cast<MemRefType>(g.aBuf.getType()).getShape().back() != 2)
      return ~0u;
    auto pair = cast<AffineDimExpr>(mod.getLHS());
    d = pair.getPosition();
    for (AffineExpr e : g.aMap.getResults().drop_back())
      if (e.isFunctionOfDim(d) && e != pair.floorDiv(2))
        return ~0u;
  }
  SmallVector<int64_t> sizes = op.getStaticLoopRanges();
  if (op.getIteratorTypesArray()[d] != utils::IteratorType::reduction ||
      sizes[d] % 2 != 0 ||
      (rowPaired == ~0u ? !plainPosition(g.bMap, d) : d != rowPaired))
    return ~0u;
  return d;
}

/// Matches out[...] = out + a * b (either association) over f32 with one
/// broadcast and one vector operand when loop `vecDim` (an output index;
/// by default the innermost) is vectorized. A constant that reads `vecDim`
/// through an outer index can be the vector operand once packed.
std::optional<Group> matchContraction(linalg::GenericOp op,
                                      std::optional<unsigned> vecDim = {}) {
  if (!op.hasPureBufferSemantics() || op.getNumDpsInputs() != 2 ||
      op.getNumDpsInits() != 1 || op.getNumReductionLoops() == 0)
    return std::nullopt;
  Block *body = op.getBlock();
  Value a0 = body->getArgument(0), a1 = body->getArgument(1),
        acc = body->getArgument(2);
  // bf16 inputs (--precision=bf16) are widened to f32 before the product.
  DenseMap<Value, Value> widened;
  Operation *first = &body->front();
  while (auto ext = dyn_cast<arith::ExtFOp>(first)) {
    Value in = ext.getIn();
    if ((in != a0 && in != a1) || !in.getType().isBF16() ||
        !ext.getType().isF32())
      return std::nullopt;
    widened[ext.getResult()] = in;
    first = first->getNextNode();
  }
  // A pooling window: one max/maxnum/add of the output and one input, the
  // other input (the window's shape) unused.
  // (With --precision=bf16 a max pool may read its input in bf16, widened
  // first: see dsc-bf16-contractions.)
  Group::Combine combine = Group::Combine::FMA;
  Value pooled = a0;
  if (widened.size() == 1 && widened.begin()->second == a0 &&
      isa<arith::MaximumFOp, arith::MaxNumFOp>(first))
    pooled = widened.begin()->first;
  if ((widened.empty() || pooled != a0) &&
      llvm::hasNItems(body->without_terminator(), 1 + widened.size()) &&
      isa<arith::MaximumFOp, arith::MaxNumFOp, arith::AddFOp>(first) &&
      pooled.getType().isF32() && acc.getType().isF32() && a1.use_empty() &&
      first->getResult(0) == body->getTerminator()->getOperand(0) &&
      ((first->getOperand(0) == acc && first->getOperand(1) == pooled) ||
       (first->getOperand(1) == acc && first->getOperand(0) == pooled))) {
    combine = isa<arith::MaximumFOp>(first)  ? Group::Combine::Max
              : isa<arith::MaxNumFOp>(first) ? Group::Combine::MaxNum
                                             : Group::Combine::Add;
  } else if (!llvm::hasNItems(body->without_terminator(), 2 + widened.size())) {
    return std::nullopt;
  }
  // out + a * b (either association), a and b widened from bf16 or f32.
  auto isMulAdd = [&]() -> bool {
    auto mul = dyn_cast<arith::MulFOp>(first);
    auto add = dyn_cast<arith::AddFOp>(mul ? mul->getNextNode() : nullptr);
    auto yield = dyn_cast<linalg::YieldOp>(body->getTerminator());
    if (!mul || !add || !yield || yield.getValues().front() != add.getResult())
      return false;
    auto source = [&](Value v) {
      Value w = widened.lookup(v);
      return w ? w : v;
    };
    Value m0 = source(mul.getLhs()), m1 = source(mul.getRhs());
    if (!((m0 == a0 && m1 == a1) || (m0 == a1 && m1 == a0)))
      return false;
    for (Value in : {a0, a1})
      if (!in.getType().isF32() && !in.getType().isBF16())
        return false;
    if (!((add.getLhs() == acc && add.getRhs() == mul.getResult()) ||
          (add.getRhs() == acc && add.getLhs() == mul.getResult())))
      return false;
    if (!acc.getType().isF32())
      return false;
    return true;
  };
  if (combine == Group::Combine::FMA && !isMulAdd())
    return std::nullopt;
  Group g;
  g.contraction = op;
  g.combine = combine;
  g.bf16 = a0.getType().isBF16() || a1.getType().isBF16();
  g.out = op.getDpsInitOperand(0)->get();
  auto outType = dyn_cast<MemRefType>(g.out.getType());
  // Identity or strided with a contiguous row (the interior of a padded
  // buffer its consumer reads: dsc-decompose-pads).
  if (!outType || !outType.hasStaticShape() || outType.getRank() == 0 ||
      !outType.isStrided() || !innermostContiguous(g.out))
    return std::nullopt;
  AffineMap outMap = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
  if (!outMap.isProjectedPermutation() ||
      outMap.getNumResults() != op.getNumParallelLoops())
    return std::nullopt;
  unsigned innermost =
      cast<AffineDimExpr>(outMap.getResults().back()).getPosition();
  g.vecDim = vecDim.value_or(innermost);
  g.outGather = g.vecDim != innermost;
  if (g.outGather && !plainPosition(outMap, g.vecDim))
    return std::nullopt;

  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  bool pack[2] = {false, false};
  std::optional<Access> accs[2];
  for (int i = 0; i < 2; ++i) {
    Value in = op.getDpsInputOperand(i)->get();
    accs[i] = classify(in, maps[i], g.vecDim);
    if (!accs[i] && packable(in, maps[i], g.vecDim)) {
      accs[i] = Access{Access::Vector, 1};
      pack[i] = true;
    }
  }
  if (!accs[0] || !accs[1])
    return std::nullopt;
  // The broadcast operand is `a`, the vector operand `b`; with two vector
  // operands (a channels-last depthwise convolution), `b` is the packed
  // constant.
  unsigned aIndex, bIndex;
  if (accs[0]->kind == Access::Broadcast && accs[1]->kind == Access::Vector)
    std::tie(aIndex, bIndex) = std::make_pair(0u, 1u);
  else if (accs[1]->kind == Access::Broadcast &&
           accs[0]->kind == Access::Vector)
    std::tie(aIndex, bIndex) = std::make_pair(1u, 0u);
  else if (combine == Group::Combine::FMA &&
           accs[0]->kind == Access::Vector &&
           accs[1]->kind == Access::Vector && pack[0] != pack[1] &&
           !g.outGather)
    std::tie(aIndex, bIndex) =
        pack[1] ? std::make_pair(0u, 1u) : std::make_pair(1u, 0u);
  else
    return std::nullopt;
  g.aVector = accs[aIndex]->kind == Access::Vector;
  g.aStride = accs[aIndex]->stride;
  g.bStride = accs[bIndex]->stride;
  g.packB = pack[bIndex];
  g.aBuf = op.getDpsInputOperand(aIndex)->get();
  g.bBuf = op.getDpsInputOperand(bIndex)->get();
  g.aMap = maps[aIndex];
  g.bMap = maps[bIndex];
  if (auto borders = op->getAttrOfType<ArrayAttr>("dsc.zero_border");
      borders && aIndex < borders.size()) {
    auto widths = dyn_cast<DenseI64ArrayAttr>(borders[aIndex]);
    size_t rank = g.aMap.getNumResults();
    if (widths && size_t(widths.size()) == 2 * rank &&
        cast<MemRefType>(g.aBuf.getType()).getRank() == int64_t(rank)) {
      g.aZeroLo.assign(widths.asArrayRef().take_front(rank));
      g.aZeroHi.assign(widths.asArrayRef().drop_front(rank));
    }
  }
  for (Value in : op.getDpsInputs())
    if (in == g.out)
      return std::nullopt;

  for (AffineExpr e : outMap.getResults()) {
    unsigned d = cast<AffineDimExpr>(e).getPosition();
    if (d == g.vecDim)
      continue;
    bool inA = g.aMap.isFunctionOfDim(d), inB = g.bMap.isFunctionOfDim(d);
    if (inA && !inB)
      g.aRows.push_back(d);
    else if (inB && !inA)
      g.bRows.push_back(d);
  }
  return g;
}

/// The op right before / after `op` in its block, skipping ops without
/// memory effects (views, constants) that the fused nest may move past.
Operation *neighbour(Operation *op, bool before) {
  Operation *n = before ? op->getPrevNode() : op->getNextNode();
  while (n && isMemoryEffectFree(n) && n->getNumRegions() == 0)
    n = before ? n->getPrevNode() : n->getNextNode();
  return n;
}

/// Whether `x` and `y` are static slices of one memref that share no
/// element (the border slabs and the interior of a padded buffer).
bool disjointSlices(Value x, Value y) {
  auto sx = x.getDefiningOp<memref::SubViewOp>();
  auto sy = y.getDefiningOp<memref::SubViewOp>();
  if (!sx || !sy || sx.getSource() != sy.getSource())
    return false;
  ArrayRef<int64_t> ox = sx.getStaticOffsets(), oy = sy.getStaticOffsets();
  ArrayRef<int64_t> nx = sx.getStaticSizes(), ny = sy.getStaticSizes();
  if (ShapedType::isDynamicShape(ox) || ShapedType::isDynamicShape(oy) ||
      ShapedType::isDynamicShape(nx) || ShapedType::isDynamicShape(ny) ||
      !sx.hasUnitStride() || !sy.hasUnitStride() || ox.size() != oy.size())
    return false;
  for (size_t d = 0; d < ox.size(); ++d)
    if (ox[d] + nx[d] <= oy[d] || oy[d] + ny[d] <= ox[d])
      return true;
  return false;
}

/// Whether two memrefs of one type are the same bytes: one value, or views
/// of the arena at one offset.
bool sameBytes(Value x, Value y) {
  if (x == y)
    return true;
  if (x.getType() != y.getType() || !x.getDefiningOp<memref::ViewOp>() ||
      !y.getDefiningOp<memref::ViewOp>())
    return false;
  BufferRange rx = trace(x), ry = trace(y);
  return rx.root == ry.root && rx.bytes && rx.bytes == ry.bytes;
}

/// Whether `op` rounds all of `out` to bf16 (identity maps, one
/// arith.truncf).
bool roundsToBF16(Operation *op, Value out) {
  auto generic = dyn_cast_or_null<linalg::GenericOp>(op);
  if (!generic || generic.getNumDpsInputs() != 1 ||
      generic.getDpsInputOperand(0)->get() != out)
    return false;
  auto trunc = dyn_cast_or_null<arith::TruncFOp>(elementwiseFloatCast(generic));
  return trunc && trunc.getType().isBF16();
}

/// The ops after `last` that round all of `g.out` to bf16, each into a
/// buffer that shares no byte with anything the kernel reads or writes nor
/// with another's: the kernel then stores each row rounded into each
/// (g.roundings).
///
/// Fills in between (the zero border of a padded buffer a rounding writes
/// the interior of, see dsc-decompose-pads) are passed over when they write
/// no byte the kernel uses and none of the roundings'. So are other
/// kernels' linalg ops (a fire module's 1x1 expand, which reads the first
/// rounding, before the 3x3 expand's padded rounding) that touch no byte of
/// g.out and none of the fills and roundings after them: the kernel then goes
/// before the first of those ops (g.before), the fills after them with it
/// (g.hoisted); else it takes the last rounding's place.
void findRoundings(Operation *last, Group &g) {
  if (g.outGather)
    return;
  SmallVector<Value> used = {g.aBuf, g.bBuf, g.out};
  if (g.init)
    llvm::append_range(used, g.init->getOperands());
  // An epilogue input the rounding overwrites element for element (a
  // residual add reading the block input's bf16 copy, whose slot the next
  // copy takes) is fine: each row reads it before storing over it, and no
  // other row reads those elements.
  SmallVector<Value> inPlace;
  if (g.epilogue) {
    AffineMap outMap =
        g.epilogue.getMatchingIndexingMap(g.epilogue.getDpsInitOperand(0));
    for (OpOperand &operand : g.epilogue->getOpOperands()) {
      Value v = operand.get();
      if (g.epilogue.isDpsInput(&operand) && isa<MemRefType>(v.getType()) &&
          g.epilogue.getMatchingIndexingMap(&operand) == outMap)
        inPlace.push_back(v);
      else
        used.push_back(v);
    }
  }
  llvm::erase_if(used, [](Value v) { return !isa<MemRefType>(v.getType()); });
  // Buffers of the passed-over ops, and the fills found after them.
  SmallVector<Value> passed;
  SmallVector<Operation *> skipped, lateFills;
  SmallVector<Value> filled, rounded;
  auto clashes = [&](Value x, ArrayRef<Value> with) {
    return llvm::any_of(with, [&](Value v) { return mayAlias(v, x); });
  };
  auto overlaps = [&](Value x, ArrayRef<Value> with) {
    return llvm::any_of(
        with, [&](Value v) { return mayAlias(v, x) && !disjointSlices(v, x); });
  };
  constexpr unsigned kMaxSkipped = 8;
  for (Operation *next = last->getNextNode(); next;
       next = next->getNextNode()) {
    if (isMemoryEffectFree(next) && next->getNumRegions() == 0)
      continue;
    if (auto fill = dyn_cast<linalg::FillOp>(next);
        fill && fill.hasPureBufferSemantics()) {
      Value f = fill.getDpsInitOperand(0)->get();
      if (clashes(f, used) || overlaps(f, rounded) || clashes(f, passed))
        break;
      filled.push_back(f);
      if (!skipped.empty())
        lateFills.push_back(fill);
      continue;
    }
    if (roundsToBF16(next, g.out)) {
      auto op = cast<linalg::GenericOp>(next);
      Value r = op.getDpsInitOperand(0)->get();
      if (clashes(r, used) || clashes(r, rounded) || overlaps(r, filled) ||
          clashes(r, passed) ||
          llvm::any_of(inPlace, [&](Value v) {
            return mayAlias(v, r) && !sameBytes(v, r);
          }))
        break;
      rounded.push_back(r);
      g.roundings.push_back(op);
      if (!skipped.empty()) {
        g.before = skipped.front();
        g.hoisted = lateFills;
      }
      continue;
    }
    // Another kernel's op, passed over if it touches no byte of g.out (it
    // may read a rounding found before it: the kernel stays before it) and,
    // as checked above, none of the fills and roundings found after it,
    // which move before it. Not a float cast: that may be an earlier
    // kernel's rounding, which that kernel's emission erases.
    auto other = dyn_cast<linalg::LinalgOp>(next);
    auto generic = dyn_cast<linalg::GenericOp>(next);
    if (!other || !other.hasPureBufferSemantics() ||
        (generic && elementwiseFloatCast(generic)) ||
        skipped.size() == kMaxSkipped)
      break;
    SmallVector<Value> buffers;
    for (Value v : other->getOperands())
      if (isa<MemRefType>(v.getType()))
        buffers.push_back(v);
    if (clashes(g.out, buffers))
      break;
    llvm::append_range(passed, buffers);
    skipped.push_back(next);
  }
}

/// Whether the values of `out` may be read after `last` (a kernel's last
/// op) before all of them are written again. Only an arena view can be
/// dead. dsc-plan-memory lets two buffers share bytes only when their
/// lifetimes are disjoint, so a later op reads out's values only through
/// out's own view (bufferization gives one buffer to several tensors, e.g.
/// the outputs of successive blocks, so that view's users say nothing);
/// this walks the entry's ops after `last`, keeping the byte ranges of the
/// view that later inits have overwritten (an op that writes the whole view
/// without reading it: parallel loops, a permutation map, a payload that
/// ignores the old values). A read through the view of bytes not yet
/// overwritten (an input, or an output whose old values the payload uses),
/// an op it cannot see into, or a nested block keeps it; all of it
/// overwritten, or the end of the entry, ends it.
bool readLater(Operation *last, Value out) {
  std::optional<std::pair<int64_t, int64_t>> mine = trace(out).bytes;
  if (!out.getDefiningOp<memref::ViewOp>() || !mine ||
      !isa<func::FuncOp>(last->getParentOp()))
    return true;
  // Overwritten parts of out, as disjoint sorted [begin, end) ranges.
  SmallVector<std::pair<int64_t, int64_t>> killed;
  auto covered = [&](std::pair<int64_t, int64_t> r) {
    int64_t at = std::max(r.first, mine->first);
    int64_t end = std::min(r.second, mine->second);
    for (auto [lo, hi] : killed)
      if (lo <= at && at < hi)
        at = hi;
    return at >= end;
  };
  auto kill = [&](std::pair<int64_t, int64_t> r) {
    killed.push_back({std::max(r.first, mine->first),
                      std::min(r.second, mine->second)});
    llvm::sort(killed);
    SmallVector<std::pair<int64_t, int64_t>> merged;
    for (auto k : killed)
      if (!merged.empty() && k.first <= merged.back().second)
        merged.back().second = std::max(merged.back().second, k.second);
      else
        merged.push_back(k);
    killed = merged;
  };
  auto viewOf = [](Value v) {
    while (!v.getDefiningOp<memref::ViewOp>())
      if (auto like = v.getDefiningOp<ViewLikeOpInterface>())
        v = like.getViewSource();
      else
        return Value();
    return v;
  };
  // Whether `v` may read bytes of out that still hold its values.
  auto readsOut = [&](Value v) {
    if (!isa<MemRefType>(v.getType()) || viewOf(v) != out)
      return false;
    std::optional<std::pair<int64_t, int64_t>> r = trace(v).bytes;
    return !r || !covered(*r);
  };
  for (Operation *op = last->getNextNode(); op; op = op->getNextNode()) {
    if (isMemoryEffectFree(op) && op->getNumRegions() == 0)
      continue;
    bool touches = false;
    op->walk([&](Operation *x) {
      for (Value v : x->getOperands())
        touches |= isa<MemRefType>(v.getType()) && viewOf(v) == out;
    });
    if (!touches)
      continue;
    auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
    if (!linalgOp || !linalgOp.hasPureBufferSemantics())
      return true;
    for (OpOperand *in : linalgOp.getDpsInputOperands())
      if (readsOut(in->get()))
        return true;
    for (OpOperand &init : linalgOp.getDpsInitsMutable()) {
      if (viewOf(init.get()) != out)
        continue;
      if (linalgOp.payloadUsesValueFromOperand(&init)) {
        if (readsOut(init.get()))
          return true;
        continue;
      }
      std::optional<std::pair<int64_t, int64_t>> theirs =
          trace(init.get()).bytes;
      if (init.get() == out && theirs &&
          linalgOp.getNumParallelLoops() == linalgOp.getNumLoops() &&
          linalgOp.getMatchingIndexingMap(&init).isPermutation())
        kill(*theirs);
    }
    if (covered(*mine))
      return false;
  }
  return false;
}

/// Elementwise op writing exactly `out` (init) or updating it (epilogue)
/// whose operands can be read per row of the contraction's register block.
/// The loop of the elementwise `op` that corresponds to the contraction's
/// vector loop (both write the same output).
unsigned laneOf(linalg::LinalgOp op, const Group &g) {
  linalg::GenericOp c = g.contraction;
  AffineMap cOut = c.getMatchingIndexingMap(c.getDpsInitOperand(0));
  AffineMap eOut = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
  unsigned p = *plainPosition(cOut, g.vecDim);
  return eOut.getDimPosition(p);
}

bool fitsGroup(linalg::LinalgOp op, const Group &g, bool readsOut) {
  Value out = g.out;
  if (!op || !isVectorizableElementwise(op, readsOut) ||
      op.getDpsInitOperand(0)->get() != out)
    return false;
  unsigned lane = laneOf(op, g);
  for (OpOperand *in : op.getDpsInputOperands()) {
    if (in->get() == out)
      return false;
    // Bools take a byte each in memory but a bit each in a vector load's
    // <N x i1> (and a contiguous vector.gather canonicalizes back to such a
    // load): an op reading them stays a loop of its own.
    if (auto t = dyn_cast<MemRefType>(in->get().getType());
        t && t.getElementType().isInteger(1))
      return false;
    std::optional<Access> a = classify(
        in->get(), op.getMatchingIndexingMap(in), lane, /*allowGather=*/true);
    if (!a || a->stride != 1)
      return false;
  }
  return true;
}

/// Whether the elementwise `op` yields `out + v` and reads its output
/// value nowhere else (v of its inputs only).
bool addsOut(linalg::LinalgOp op) {
  Block *body = op.getBlock();
  BlockArgument out = op.getMatchingBlockArgument(op.getDpsInitOperand(0));
  auto add =
      body->getTerminator()->getOperand(0).getDefiningOp<arith::AddFOp>();
  return add && out.hasOneUse() && (add.getLhs() == out || add.getRhs() == out);
}

/// Whether the in-place `op` (`out + v`) is the init of the contraction
/// right after it, which accumulates into the same buffer: that one then
/// adds `out` after its reduction (prefetched), where as the previous one's
/// epilogue it would load `out` before its reduction.
bool initOfNext(linalg::LinalgOp op) {
  auto next = dyn_cast_or_null<linalg::GenericOp>(neighbour(op, false));
  return next && next->hasAttr(kContractionAttr) && addsOut(op) &&
         next.getNumDpsInits() == 1 &&
         next.getDpsInits()[0] == op.getDpsInits()[0];
}

/// The line size the software prefetches step by.
constexpr int64_t kCacheLineBytes = 64;

int64_t bytesOf(Value memref) {
  auto type = cast<MemRefType>(memref.getType());
  return type.getNumElements() * type.getElementTypeBitWidth() / 8;
}

/// Bytes of `memref` that one pass of loops of `loopSizes` reads through
/// `map`: per index, the distinct values its expression takes (at most the
/// product of its loops' trips and the span between its extremes: a
/// stride-2 1x1 convolution reads every other row and column of its input,
/// a quarter of it), at most the index's extent.
int64_t bytesRead(Value memref, AffineMap map, ArrayRef<int64_t> loopSizes) {
  auto type = cast<MemRefType>(memref.getType());
  int64_t elements = 1;
  for (auto [j, e] : llvm::enumerate(map.getResults())) {
    int64_t extent = type.getDimSize(j), product = 1, span = 1;
    for (unsigned d = 0; d < map.getNumDims(); ++d) {
      if (!e.isFunctionOfDim(d))
        continue;
      std::optional<int64_t> k = linearCoefficient(e, d);
      if (!k) { // not linear in d: count the whole extent
        product = span = extent;
        break;
      }
      product *= loopSizes[d];
      span += std::abs(*k) * (loopSizes[d] - 1);
    }
    elements *= std::min({extent, product, span});
  }
  return elements * type.getElementTypeBitWidth() / 8;
}

/// Packed constant weights from this size on (half of a 2 MB L2, whose other
/// half holds the activations and the output) are streamed from memory block
/// by block: their row tiles cycle innermost (with a kernel window, where
/// `a` is smaller; without, where that re-reads fewer bytes), and prefetch
/// the next block (see Emitter::emit and planSlabPrefetch).
constexpr int64_t kStreamedBlocksBytes = 1 << 20;
/// How far ahead in its own stream a matrix-vector product prefetches its
/// weights (see SlabPrefetch): one core of a Xeon read a cold stream at 10.1
/// GB/s on demand, 15.4 GB/s with prefetcht1 2 KB ahead (13.6 at 512 bytes,
/// 14.2 at 1 KB, 13.7 at 4 KB).
constexpr int64_t kStreamAheadBytes = 2048;
/// Bytes of `a` that the row tiles cycled innermost may read before they go
/// in panels (half of a 2 MB L2; see Emitter::emit).
constexpr int64_t kRowPanelBytes = 1 << 20;
/// Steps of a reduction loop without a kernel window per prefetch of the
/// weights (see planSlabPrefetch).
constexpr int64_t kStepsPerPrefetch = 4;
/// Matrix-vector products over at least this many bytes of constant weights
/// are split into about kMatVecTiles column tiles (see plan()).
constexpr int64_t kStreamedWeightBytes = 64 * 1024;
constexpr int64_t kMatVecTiles = 8;

/// Bytes between the rows of an activation `b` that consecutive reduction
/// steps read, from which the kernel prefetches them (see
/// Emitter::planRowsAhead): a 4 KB page.
constexpr int64_t kFarRowBytes = 4096;
/// Reduction steps ahead that such a prefetch reaches.
constexpr int64_t kRowsAheadSteps = 16;

/// Channels of the pair loop from which AMX kernels without a kernel window
/// take a second row loop (see Emitter::amxSecondRows): each tile of `b`
/// then serves two tiles of `a`. ResNet-50 BF16's 1x1s over 1024 and 2048
/// channels 9-22% faster each at one thread, the model 7.69 -> 7.35 ms at
/// one thread, 4.40 -> 4.35 at two (EfficientNet-B0's 1152-channel 1x1s
/// level); over 256 and 512 channels (the bottleneck ends, whose epilogue
/// adds a residual) 9-30% slower, the model +4% at two threads.
constexpr int64_t kAMXSecondRowsReduction = 1024;
/// Tiles of `a` per AMX register block: 2 x 2 f32 tiles (two columns), two
/// of `a` and one of `b` live, eight tile registers in all.
constexpr size_t kAMXGroupParts = 2;
/// Tile multiplies per f32 tile in one step of the AMX pair loop (see
/// Emitter::amxSteps), at least where the loop allows: between steps the
/// f32 tiles go to a stack buffer and back.
constexpr int64_t kAMXStepProducts = 8;
/// ... where the kernel has a window and its block is one register block:
/// up to 40, all the chunks of a 3x3 over 64 or 128 channels in one step.
/// Storing the f32 tiles after a step and loading them for the next waits
/// for its last tdpbf16ps and for the stores to reach L1, which drains the
/// AMX pipeline once per chunk (a loop of that shape at 1.40 TFLOP/s, 1.56
/// with the tiles kept across chunks). ResNet-18 BF16's 3x3s on 56x56 and
/// 28x28 5-10 % faster each, the model 4.08 -> 3.97 ms at one thread, 2.08
/// -> 2.05 at two; ResNet-50 8.74 -> 8.55 / 4.91 -> 4.88; ten 3x3 128->128
/// on 28x28 10 % faster. Not with more register blocks: the step's tiles of
/// `b` (18 KB a chunk of a 3x3 over 32 output channels) must still be in L1
/// for the next block (a 3x3 256->256 on 14x14 level at 40), nor without a
/// window (the 1x1s measured level or 2-3 % slower).
constexpr int64_t kAMXWindowStepProducts = 40;
/// Rows of the second row loop per AMX tile (see amxSecondRows): 4, so that
/// every step loads the weights it needs for two register blocks of two
/// tiles of `a`, the second time from L1 (with 2 rows, a block per tile,
/// they came from L2 or memory for every block). ResNet-18 BF16 3.88 ->
/// 3.66 ms at one thread (its 3x3 512->512 on 7x7 0.40 -> 0.31 ms in a
/// profile), ResNet-50 9.5 -> 9.2; 8 rows, or the same on 28-wide maps
/// (whose a-row tiles are already two), measured slower.
constexpr int64_t kAMXSecondRows = 4;

struct Emitter {
  OpBuilder &b;
  Location loc;
  Group &g;
  KernelStrategy s;
  SmallVector<int64_t> loopSizes = {};
  int64_t lanes = 0;     // vector length L (a multiple of s.lanes)
  int64_t vecTile = 0;   // output elements per tile along the vector dim
  bool masked = false;   // some tile has fewer than `lanes` valid lanes
  unsigned aRow = ~0u, bRow = ~0u;
  int64_t aRowTile = 1, bRowTile = 1;
  VectorType vecType = {};

  Value index(int64_t v) {
    return arith::ConstantIndexOp::create(b, loc, v);
  }

  /// Register block shape: lanes per row and rows of each kind.
  void plan() {
    loopSizes = g.contraction.getStaticLoopRanges();
    int64_t sizeV = loopSizes[g.vecDim];
    int64_t maxLanes = s.lanes * s.maxColumns;
    // One output row (a classifier's matrix-vector product, a squeeze-and-
    // excitation FC on a 1x1 map): no rows to block, so the register block
    // is columns only, and two of them left every FMA waiting on the last
    // (a 1000x1024 Gemm at 20 GFLOP/s). Up to 8 independent columns.
    if (s.maxColumns > 1 && oneOutputRow(g)) {
      maxLanes = s.lanes * std::min<int64_t>(8, s.maxAccumulators / 2);
      // Constant weights of kStreamedWeightBytes or more stream from memory
      // or L3 at a few bytes per cycle, far slower than their FMAs: tiles
      // narrow enough for kMatVecTiles of them, so that the threads split
      // the stream (a squeeze-and-excitation FC 576 -> 144 was two tiles,
      // of 128 and 16 lanes, and ran on one thread; MobileNetV3-Small at
      // two threads 0.94 -> 0.90 ms, BF16 0.77 -> 0.73).
      if (constantGlobal(g.bBuf) && bytesOf(g.bBuf) >= kStreamedWeightBytes) {
        int64_t columns = llvm::divideCeil(sizeV, s.lanes);
        maxLanes = std::min(
            maxLanes, s.lanes * std::max<int64_t>(1, columns / kMatVecTiles));
      }
    }
    if (g.forcedLanes) {
      lanes = vecTile = g.forcedLanes;
    } else if (sizeV <= maxLanes) {
      lanes = llvm::alignTo(sizeV, s.lanes);
      vecTile = sizeV;
    } else {
      lanes = maxLanes;
      vecTile = maxLanes;
    }
    masked = vecTile != lanes || sizeV % vecTile != 0;
    int64_t columns = lanes / s.lanes;
    // With `a` in vectors (depthwise), neighbouring rows and taps load the
    // same input vectors, which LLVM then keeps live across steps: half the
    // accumulators leave registers for them (8 rows spilled on every tap).
    // Without a window each broadcast folds into its FMA (see
    // KernelStrategy): ResNet-50's 1x1 convolutions on 14x14 in rows of 14,
    // not 7, 5-18% faster each; the model ~2%, BERT's encoder 8%.
    bool folded = g.combine == Group::Combine::FMA && !g.aVector && !g.dot &&
                  !hasWindow();
    int64_t rowBudget = std::max<int64_t>(
        1, (folded ? s.maxFoldedAccumulators : s.maxAccumulators) /
               (g.aVector ? 2 * columns : columns));
    // The largest row loop; among equal ones the one nearest the operand's
    // innermost index, so a tile's rows share cache lines (an NHWC
    // convolution's a-rows along output columns, not output rows: a stem's
    // 8 rows along H touched 22 input rows per tap).
    auto pickLargest = [&](ArrayRef<unsigned> dims, AffineMap map) {
      unsigned best = ~0u;
      for (unsigned d : dims)
        if (best == ~0u || loopSizes[d] > loopSizes[best] ||
            (loopSizes[d] == loopSizes[best] &&
             innermostUse(map, d) > innermostUse(map, best)))
          best = d;
      return best;
    };
    aRow = pickLargest(g.aRows, g.aMap);
    bRow = pickLargest(g.bRows, g.bMap);
    if (g.dot) {
      // Rows whose `a` pairs are adjacent in memory (a convolution's output
      // columns): a tile's broadcasts then share cache lines, where rows
      // along output rows would touch a line per row and pair.
      for (AffineExpr e : llvm::reverse(g.aMap.getResults())) {
        if (e.isFunctionOfDim(g.pairDim))
          continue;
        for (unsigned d : g.aRows)
          if (e.isFunctionOfDim(d))
            aRow = d;
        break;
      }
    }
    // Minimize loads per FMA over the whole output: a-rows cost one
    // broadcast each, b-rows one vector load per column (twice the lanes
    // when strided). A row count that does not divide its loop leaves a
    // shorter last tile (13 rows: 3 tiles of 4 and one of 1), a case of the
    // tile loop with its own copy of the register block, counted here at its
    // own cost. At equal cost the tiling with fewer tile shapes wins (14
    // rows: 7+7, not 8 and 6; when the remainder was a loop nest of its own,
    // which walked all of `b` again, -3% on ResNet-50 in BF16).
    double bestCost = 1e9;
    int64_t bestShapes = 0; // set with bestCost by the first candidate
    int64_t aSize = aRow == ~0u ? 1 : loopSizes[aRow];
    int64_t bSize = bRow == ~0u ? 1 : loopSizes[bRow];
    int64_t bLoads = columns * (g.bStride > 1 ? 2 : 1);
    int64_t aLoads = g.aVector ? columns * (g.aStride > 1 ? 2 : 1) : 1;
    for (int64_t ra = 1; ra <= std::min(aSize, rowBudget); ++ra) {
      for (int64_t rb = 1; ra * rb <= rowBudget && rb <= bSize; ++rb) {
        double loads = 0, fmas = 0;
        for (auto [na, ta] : pieces(aSize, ra))
          for (auto [nb, tb] : pieces(bSize, rb)) {
            loads += double(na) * nb * (ta * aLoads + tb * bLoads);
            fmas += double(na) * nb * ta * tb * columns;
          }
        double cost = loads / fmas;
        int64_t shapes = pieces(aSize, ra).size() * pieces(bSize, rb).size();
        bool tie = cost < bestCost + 1e-9;
        if (cost < bestCost - 1e-9 || (tie && shapes < bestShapes) ||
            (tie && shapes == bestShapes && ra * rb > aRowTile * bRowTile)) {
          bestShapes = shapes;
          bestCost = cost;
          aRowTile = ra;
          bRowTile = rb;
        }
      }
    }
    vecType = VectorType::get({lanes}, b.getF32Type());
  }

  /// (tiles, rows per tile) covering `size` rows with tiles of `tile`.
  static SmallVector<std::pair<int64_t, int64_t>> pieces(int64_t size,
                                                         int64_t tile) {
    SmallVector<std::pair<int64_t, int64_t>> out;
    if (size / tile)
      out.push_back({size / tile, tile});
    if (size % tile)
      out.push_back({1, size % tile});
    return out;
  }

  /// Per loop, whether it is one tile with a case (below): its base is
  /// then the constant 0.
  SmallVector<bool> pinned = {};
  /// Per loop, the tiles (base, rows) in a range of several tiles that run
  /// their own copy of the register block, chosen by scf.if on the base,
  /// with the base a constant, inside the one loop nest, so that the tile
  /// order (and the cache reuse it gives) stays: those that read `a`'s zero
  /// border, and the last, shorter tile where the tile does not divide the
  /// loop (as a nest of its own it walked all of `b` again).
  struct Case {
    int64_t base, tile;
  };
  SmallVector<SmallVector<Case>> cases = {};

  bool isPinned(unsigned d) const { return !pinned.empty() && pinned[d]; }

  /// Whether index `j` of `a` has a zero border.
  bool hasZeroBorder(unsigned j) const {
    return !g.aZeroLo.empty() && (g.aZeroLo[j] || g.aZeroHi[j]);
  }

  /// Smallest and largest value of index `j` of `a` with each loop d in
  /// [lo[d], hi[d]], if the index is linear in every loop.
  std::optional<std::pair<int64_t, int64_t>>
  aIndexBounds(unsigned j, ArrayRef<int64_t> lo, ArrayRef<int64_t> hi) const {
    AffineExpr e = g.aMap.getResult(j);
    SmallVector<AffineExpr> zeros(g.aMap.getNumDims(),
                                  getAffineConstantExpr(0, e.getContext()));
    auto c = dyn_cast<AffineConstantExpr>(e.replaceDims(zeros));
    if (!c)
      return std::nullopt;
    int64_t min = c.getValue(), max = c.getValue();
    for (unsigned d = 0; d < g.aMap.getNumDims(); ++d) {
      std::optional<int64_t> k = linearCoefficient(e, d);
      if (!k)
        return std::nullopt;
      min += *k * (*k > 0 ? lo[d] : hi[d]);
      max += *k * (*k > 0 ? hi[d] : lo[d]);
    }
    return std::make_pair(min, max);
  }

  /// Whether a row at loop values `at` reads only `a`'s zero border at some
  /// index whose loops are all constants here: its product is left out.
  bool readsZeroBorder(ArrayRef<Value> at) const {
    if (g.aZeroLo.empty())
      return false;
    SmallVector<int64_t> value(at.size(), 0);
    ArrayRef<int64_t> shape = cast<MemRefType>(g.aBuf.getType()).getShape();
    for (auto [j, e] : llvm::enumerate(g.aMap.getResults())) {
      if (!hasZeroBorder(j))
        continue;
      bool known = true;
      for (auto [d, v] : llvm::enumerate(at)) {
        if (!e.isFunctionOfDim(d))
          continue;
        std::optional<int64_t> c = getConstantIntValue(v);
        known &= c.has_value();
        value[d] = c.value_or(0);
      }
      if (!known)
        continue;
      auto bounds = aIndexBounds(j, value, value);
      if (bounds && (bounds->first < g.aZeroLo[j] ||
                     bounds->first >= shape[j] - g.aZeroHi[j]))
        return true;
    }
    return false;
  }

  /// Whether tiles of parallel loop `d` are worth emitting apart where they
  /// read `a`'s zero border (then known at compile time per unrolled step):
  /// on maps up to 16 wide, where a 3x3's border taps are 5-10 % of its
  /// products per direction (a 28-wide map's 2.4 % gained ~0.3 % on
  /// ResNet-50 for 7 more kernel bodies per convolution, and compile time
  /// grew by a third), and only where the border index's reduction loops
  /// are all unrolled.
  bool splitsAtBorder(unsigned d, ArrayRef<unsigned> unrolled) const {
    if (g.aZeroLo.empty() || d == g.vecDim || loopSizes[d] > 16 ||
        g.combine != Group::Combine::FMA)
      return false;
    bool any = false;
    for (auto [j, e] : llvm::enumerate(g.aMap.getResults())) {
      if (!hasZeroBorder(j) || !e.isFunctionOfDim(d))
        continue;
      for (unsigned r = 0; r < g.aMap.getNumDims(); ++r)
        if (e.isFunctionOfDim(r) && r != d &&
            g.contraction.getIteratorTypesArray()[r] ==
                utils::IteratorType::reduction &&
            !llvm::is_contained(unrolled, r))
          return false;
      any = true;
    }
    return any;
  }

  /// Whether the tile [o, o + tile) of loop `d` may read `a`'s zero border.
  bool tileTouchesBorder(unsigned d, int64_t o, int64_t tile) const {
    SmallVector<int64_t> lo(loopSizes.size(), 0), hi(loopSizes);
    for (int64_t &h : hi)
      --h;
    lo[d] = o;
    hi[d] = o + tile - 1;
    ArrayRef<int64_t> shape = cast<MemRefType>(g.aBuf.getType()).getShape();
    for (auto [j, e] : llvm::enumerate(g.aMap.getResults())) {
      if (!hasZeroBorder(j) || !e.isFunctionOfDim(d))
        continue;
      auto bounds = aIndexBounds(j, lo, hi);
      if (!bounds || bounds->first < g.aZeroLo[j] ||
          bounds->second >= shape[j] - g.aZeroHi[j])
        return true;
    }
    return false;
  }

  int64_t tileOf(unsigned d) const {
    if (d == g.vecDim)
      return vecTile;
    if (d == aRow)
      return aRowTile;
    if (d == bRow)
      return bRowTile;
    return 1;
  }

  /// Indices of `map` applied to the loop values `dims`.
  SmallVector<Value> indices(AffineMap map, ArrayRef<Value> dims) {
    return applyIndexingMap(b, loc, map, dims);
  }

  /// Valid lanes in the tile starting at `v0` along the vector dimension.
  Value mask(Value v0, int64_t stride = 1) {
    int64_t sizeV = loopSizes[g.vecDim];
    if (stride == 1 && !masked)
      return Value();
    Value valid;
    if (sizeV % vecTile == 0) {
      valid = index((vecTile - 1) * stride + 1);
    } else {
      Value rest = arith::SubIOp::create(b, loc, index(sizeV), v0);
      Value n = arith::MinSIOp::create(b, loc, rest, index(vecTile));
      valid = arith::AddIOp::create(
          b, loc,
          arith::MulIOp::create(
              b, loc, arith::SubIOp::create(b, loc, n, index(1)),
              index(stride)),
          index(1));
    }
    auto type = VectorType::get({lanes * stride}, b.getI1Type());
    return vector::CreateMaskOp::create(b, loc, type, ValueRange{valid});
  }

  /// `lanes` elements from `idx` on (every `stride`-th of `lanes * stride`
  /// loaded), through mask `m` when there is one.
  Value loadVector(Value memref, ArrayRef<Value> idx, Value m,
                   int64_t stride = 1) {
    Type elem = cast<MemRefType>(memref.getType()).getElementType();
    Value v = loadLanes(b, loc, VectorType::get({lanes * stride}, elem),
                        memref, idx, m);
    if (stride == 1)
      return v;
    SmallVector<int64_t> picks;
    for (int64_t i = 0; i < lanes; ++i)
      picks.push_back(i * stride);
    return vector::ShuffleOp::create(b, loc, v, v, picks);
  }

  /// Indices of lane `l`: `map` at `dims` with loop `vd` advanced by l.
  SmallVector<Value> laneIndices(AffineMap map, ArrayRef<Value> dims,
                                 unsigned vd, int64_t l) {
    SmallVector<Value> at(dims.begin(), dims.end());
    if (l)
      at[vd] = arith::AddIOp::create(b, loc, dims[vd], index(l));
    return indices(map, at);
  }

  /// Element offsets of the lanes (lane l at l * stride, the memory stride
  /// of loop `vd` through `map`), for vector.gather / vector.scatter, or
  /// null when the memref's layout does not give a static stride.
  Value laneOffsets(Value memref, AffineMap map, unsigned vd) {
    auto type = cast<MemRefType>(memref.getType());
    auto [strides, offset] = type.getStridesAndOffset();
    std::optional<unsigned> pos = plainPosition(map, vd);
    if (!pos || ShapedType::isDynamic(strides[*pos]) || strides.back() != 1)
      return Value();
    SmallVector<int32_t> offsets;
    for (int64_t l = 0; l < lanes; ++l)
      offsets.push_back(static_cast<int32_t>(l * strides[*pos]));
    auto vt = VectorType::get({lanes}, b.getI32Type());
    return arith::ConstantOp::create(b, loc, vt,
                                     DenseElementsAttr::get(vt, ArrayRef(offsets)));
  }

  /// A bf16 scalar or vector (--precision=bf16 inputs) as f32; f32 as is.
  Value widen(Value v) {
    Type f32 = b.getF32Type();
    if (getElementTypeOrSelf(v.getType()) == f32)
      return v;
    Type to = f32;
    if (auto vt = dyn_cast<VectorType>(v.getType()))
      to = VectorType::get(vt.getShape(), f32);
    return arith::ExtFOp::create(b, loc, to, v);
  }

  Value allLanes() {
    auto vt = VectorType::get({lanes}, b.getI1Type());
    return arith::ConstantOp::create(b, loc, vt,
                                     DenseElementsAttr::get(vt, true));
  }

  /// Lanes strided along the vector loop (operands of the init and epilogue
  /// along output channels): one gather from lane 0's position (vgatherdps
  /// with AVX-512; LLVM scalarizes it where there is none). No masks: these
  /// kernels' tiles are whole.
  Value gatherLanes(Value memref, AffineMap map, ArrayRef<Value> dims,
                    unsigned vd) {
    Type elem = cast<MemRefType>(memref.getType()).getElementType();
    auto vt = VectorType::get({lanes}, elem);
    SmallVector<Value> idx = indices(map, dims);
    if (Value offsets = laneOffsets(memref, map, vd)) {
      Value zero = arith::ConstantOp::create(b, loc, vt, b.getZeroAttr(vt));
      return vector::GatherOp::create(b, loc, vt, memref, idx, offsets,
                                      allLanes(), zero);
    }
    SmallVector<Value> elems;
    for (int64_t l = 0; l < lanes; ++l)
      elems.push_back(
          memref::LoadOp::create(b, loc, memref, laneIndices(map, dims, vd, l)));
    return vector::FromElementsOp::create(b, loc, vt, elems);
  }

  void scatterLanes(Value value, Value memref, AffineMap map,
                    ArrayRef<Value> dims, unsigned vd) {
    SmallVector<Value> idx = indices(map, dims);
    if (Value offsets = laneOffsets(memref, map, vd)) {
      vector::ScatterOp::create(b, loc, Type(), memref, idx, offsets, allLanes(),
                                value);
      return;
    }
    for (int64_t l = 0; l < lanes; ++l) {
      Value lane = vector::ExtractOp::create(b, loc, value, ArrayRef<int64_t>{l});
      memref::StoreOp::create(b, loc, lane, memref,
                              laneIndices(map, dims, vd, l));
    }
  }

  /// The loop values of the elementwise `op` (the init or epilogue) in
  /// terms of the contraction's `dims`, through the output they share.
  SmallVector<Value> elementwiseDims(linalg::LinalgOp op,
                                     ArrayRef<Value> dims) {
    AffineMap cOut = g.contraction.getMatchingIndexingMap(
        g.contraction.getDpsInitOperand(0));
    AffineMap eOut = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
    SmallVector<Value> eDims(op.getNumLoops());
    for (unsigned p = 0; p < eOut.getNumResults(); ++p)
      eDims[eOut.getDimPosition(p)] = dims[cOut.getDimPosition(p)];
    return eDims;
  }

  /// Evaluates the body of the elementwise `op` for one row: `dims` are the
  /// contraction's loop values at the row's first lane, `acc` the value of
  /// the output (epilogue) or null (init).
  Value evalElementwise(linalg::LinalgOp op, ArrayRef<Value> dims, Value acc,
                        Value m) {
    SmallVector<Value> eDims = elementwiseDims(op, dims);
    unsigned lane = laneOf(op, g);

    return evalElementwiseBody(b, loc, op, lanes, acc, [&](OpOperand *in) {
      Value v = in->get();
      AffineMap inMap = op.getMatchingIndexingMap(in);
      Access::Kind kind = classify(v, inMap, lane, /*allowGather=*/true)->kind;
      if (kind == Access::Gather)
        return gatherLanes(v, inMap, eDims, lane);
      SmallVector<Value> idx = indices(inMap, eDims);
      if (kind == Access::Vector)
        return loadVector(v, idx, m);
      return broadcastElement(b, loc, v, idx, lanes);
    });
  }

  /// Prefetches the lines of one row that the epilogue reads from memory
  /// besides the output (a residual). The epilogue runs after the whole
  /// reduction, too far ahead for the out-of-order window to start those
  /// loads early, and a residual written a few layers before comes from L3
  /// or memory: issued before the reduction, the misses overlap it
  /// (ResNet-50's 1x1 64->256 with its residual add at 56x56: 0.6 -> 0.45
  /// ms in a profile, as fast as the same convolution without the add).
  void prefetchEpilogue(ArrayRef<Value> dims) {
    linalg::LinalgOp op = g.epilogue;
    SmallVector<Value> eDims = elementwiseDims(op, dims);
    unsigned lane = laneOf(op, g);
    for (OpOperand *in : op.getDpsInputOperands()) {
      Value v = in->get();
      AffineMap inMap = op.getMatchingIndexingMap(in);
      std::optional<Access> access = classify(v, inMap, lane);
      if (!access || access->kind != Access::Vector)
        continue;
      // One that only the lanes index (a per-channel scale) is the same
      // for every row and stays in L1.
      bool perRow = false;
      for (unsigned d = 0; d < op.getNumLoops(); ++d)
        perRow |= d != lane && inMap.isFunctionOfDim(d);
      if (!perRow)
        continue;
      // The row's elements lie along the innermost index (Vector access).
      prefetchRow(v, indices(inMap, eDims), access->stride);
    }
  }

  /// Prefetches into L1 the lines of the `lanes * stride` elements of
  /// `memref` from `idx` on along its innermost index.
  void prefetchRow(Value memref, SmallVector<Value> idx, int64_t stride) {
    int64_t elementBytes =
        cast<MemRefType>(memref.getType()).getElementTypeBitWidth() / 8;
    int64_t span = lanes * stride;
    int64_t perLine = std::max<int64_t>(1, kCacheLineBytes / elementBytes);
    Value first = idx.back();
    for (int64_t e = 0; e < span; e += perLine) {
      idx.back() = e ? offset(first, e) : first;
      memref::PrefetchOp::create(b, loc, memref, idx, /*isWrite=*/false,
                                 /*localityHint=*/3, /*isDataCache=*/true);
    }
  }

  /// Prefetching of the next output-channel block's constant weights (see
  /// planSlabPrefetch).
  struct SlabPrefetch {
    Value flat;                    // b viewed as one dimension (null: none)
    SmallVector<unsigned> pixels;  // parallel loops b does not depend on
    int64_t pixelCount = 1, rowsPerTile = 1;
    int64_t slabElements = 0, slabLines = 0, lineElements = 0;
    SmallVector<unsigned> steps;   // the reduction's loops, outermost first
    int64_t iterations = 1;        // of those loops (or AMX steps) per tile
    // A matrix-vector product's tile reads its block as one stream, step
    // after step: it prefetches its own stream kStreamAheadBytes ahead
    // (this many elements), each step the lines of its stepElements.
    int64_t aheadElements = 0, stepElements = 0;
    // Steps of the innermost reduction loop per prefetch (see
    // planSlabPrefetch); `iterations` and `stepElements` count such chunks.
    int64_t chunk = 1;
  };

  /// Where a convolution or matmul has few output positions per block of
  /// its packed constant weights (at most a 14x14 map's 196: ResNet-50's
  /// stages 3 and 4, a classifier's 1) and the weights are streamed
  /// (kStreamedBlocksBytes), every block of weights comes from memory, and the
  /// tiles that compute with it are too few to hide that first read: the
  /// block's first tile waits on memory (a 3x3 512->512 on 7x7, 590 KB per
  /// block of 32 output channels, read at ~8 GB/s). With the blocks outermost
  /// in the tile order, every tile then also prefetches into L2 its share of
  /// the next block's lines, spread over its reduction steps (on AMX,
  /// amxProducts' steps of the pair loop, each step's lines spread over its
  /// taps). On AMX, where the products are fast enough that a block's first
  /// tile spent most of its time waiting on the weights: the 3x3 512->512 on
  /// 7x7 0.346 -> 0.303 ms alone, ResNet-50 BF16 10.9 -> 9.4 ms at one
  /// thread, 5.85 -> 5.3 at two, ResNet-18 3.8 -> 3.6.
  SlabPrefetch planSlabPrefetch(ArrayRef<unsigned> parallel,
                                ArrayRef<unsigned> looped, int64_t kBlock) {
    SlabPrefetch p;
    auto type = dyn_cast<MemRefType>(g.bBuf.getType());
    // (Packed constants only: their lane blocks are the outermost index.)
    if (kBlock || g.combine != Group::Combine::FMA || !(g.bPadded || g.dot) ||
        !constantGlobal(g.bBuf) || !type || !type.getLayout().isIdentity() ||
        type.getRank() < 2 || bytesOf(g.bBuf) < kStreamedBlocksBytes)
      return p;
    int64_t blocks = type.getDimSize(0);
    if (blocks < 2 || vecTile != lanes)
      return p;
    // The weight blocks must be the outermost tile loop.
    for (unsigned d : parallel) {
      if (d == g.vecDim)
        break;
      if (loopSizes[d] > tileOf(d))
        return p;
    }
    for (unsigned d : parallel)
      if (d != g.vecDim && !g.bMap.isFunctionOfDim(d)) {
        p.pixels.push_back(d);
        p.pixelCount *= loopSizes[d];
        p.rowsPerTile *= tileOf(d);
      }
    if (p.pixelCount > 196)
      return p;
    int64_t elementBytes = type.getElementTypeBitWidth() / 8;
    p.lineElements = kCacheLineBytes / elementBytes;
    p.slabElements = type.getNumElements() / blocks;
    p.slabLines = llvm::divideCeil(p.slabElements, p.lineElements);
    if (g.amx) {
      // amxProducts' steps of the pair loop (no loops around them).
      AMXSteps s = amxSteps();
      if (!s.outer.empty())
        return p;
      p.iterations = s.count();
    } else {
      p.steps.assign(looped.begin(), looped.end());
      for (unsigned d : looped)
        p.iterations *= loopSizes[d] / stepOf(d);
    }
    // One output row: the tile's block is its whole stream, which the next
    // block's prefetch only doubled (two streams on demand: level); ahead
    // in its own stream the prefetches keep more lines in flight (a chain
    // of ten 2048x2048 f32 matrix-vector products from memory 12.5 -> 8.1
    // ms at one thread, 5.8 -> 3.9 at two; MobileNetV3-Small, whose
    // classifier streams 4 MB, -4% at one thread).
    if (!g.amx && p.pixelCount == 1 && looped.size() == 1 &&
        p.slabElements % p.iterations == 0) {
      p.stepElements = p.slabElements / p.iterations;
      p.aheadElements = kStreamAheadBytes / elementBytes;
    }
    // Without a kernel window a step is one row of FMAs (14 or 28), and
    // the prefetch's address (a division, a clamp: nine instructions) at
    // every step took a quarter of the instructions of a 7-row tile: the
    // innermost loop goes in chunks of kStepsPerPrefetch steps (unrolled),
    // one prefetch point each (its lines consecutive). Five 1x1 pairs
    // 2048->512->2048 on 7x7 (40 MB of weights) 6.77 -> 6.00 ms at one
    // thread (chunks of 2: 6.26; of 8: as 4); ResNet-50's 1x1s on 14x14 2-5%
    // faster each; BERT's encoder 5.49 -> 5.33 ms / 3.58 -> 3.38 at one /
    // two threads, MobileNetV2 5.17 -> 5.10 / 2.88 -> 2.82, SqueezeNet
    // -2%, the others level (medians of alternating runs). A window's step is
    // nine taps of FMAs, whose prefetch costs little (chunked, the stride-2
    // 3x3s ran 3-6% slower).
    if (!g.amx && !looped.empty() && !hasWindow()) {
      unsigned d = looped.back();
      int64_t trips = loopSizes[d] / stepOf(d);
      for (int64_t q = std::min(kStepsPerPrefetch, trips); q > 1; --q)
        if (trips % q == 0) {
          p.chunk = q;
          break;
        }
      p.iterations /= p.chunk;
      p.stepElements *= p.chunk;
    }
    SmallVector<ReassociationIndices> all(1);
    for (int64_t i = 0; i < type.getRank(); ++i)
      all[0].push_back(i);
    p.flat = memref::CollapseShapeOp::create(b, loc, g.bBuf, all);
    return p;
  }

  /// One prefetch at a reduction step `red` of the tile at `base`: its
  /// share of the next block's lines, the step's part of that share.
  void prefetchSlab(const SlabPrefetch &p, ArrayRef<Value> base,
                    ArrayRef<Value> red) {
    SmallVector<Value> trips;
    SmallVector<int64_t> tripSizes;
    for (unsigned d : p.steps) {
      int64_t per = stepOf(d) * (d == p.steps.back() ? p.chunk : 1);
      trips.push_back(per == 1
                          ? red[d]
                          : arith::DivUIOp::create(b, loc, red[d], index(per)));
      tripSizes.push_back(loopSizes[d] / per);
    }
    Value step = linear(trips, tripSizes);
    if (p.aheadElements) {
      // [block][step][stepElements]: this step's elements, that far ahead.
      Value block =
          arith::DivUIOp::create(b, loc, base[g.vecDim], index(lanes));
      Value ahead =
          add(add(mul(block, p.slabElements), mul(step, p.stepElements)),
              index(p.aheadElements));
      int64_t perStep = llvm::divideCeil(p.stepElements, p.lineElements);
      prefetchLines(p, {ahead, index(0), perStep}, 0, perStep);
      return;
    }
    SlabLines lines = slabLines(p, base, step);
    prefetchLines(p, lines, 0, lines.perStep);
  }

  Value mul(Value x, int64_t c) {
    return c == 1 ? x : arith::MulIOp::create(b, loc, x, index(c));
  }
  Value add(Value x, Value y) { return arith::AddIOp::create(b, loc, x, y); }
  /// Row-major number of `values` in loops of `sizes`.
  Value linear(ArrayRef<Value> values, ArrayRef<int64_t> sizes) {
    Value n;
    for (auto [v, size] : llvm::zip(values, sizes))
      n = n ? add(mul(n, size), v) : v;
    return n ? n : index(0);
  }

  /// The lines a tile prefetches at one of its steps: `perStep` from
  /// element `next` + `line` lines.
  struct SlabLines {
    Value next, line;
    int64_t perStep;
  };

  /// The lines of step number `step` of the tile at `base`.
  SlabLines slabLines(const SlabPrefetch &p, ArrayRef<Value> base,
                      Value step) {
    // The tile's first position.
    SmallVector<Value> at;
    SmallVector<int64_t> sizes;
    for (unsigned d : p.pixels) {
      at.push_back(base[d]);
      sizes.push_back(loopSizes[d]);
    }
    Value pos = linear(at, sizes);
    // The tile's share of lines, `perStep` consecutive ones per step where
    // the share outnumbers the steps (taps unrolled: 512 steps for 1317
    // lines), else one line at the step's proportional place.
    int64_t share = llvm::divideCeil(p.rowsPerTile * p.slabLines, p.pixelCount);
    int64_t perStep = llvm::divideCeil(share, p.iterations);
    Value first = arith::DivUIOp::create(b, loc, mul(pos, p.slabLines),
                                         index(p.pixelCount));
    Value within = perStep > 1 ? mul(step, perStep)
                               : arith::DivUIOp::create(b, loc, mul(step, share),
                                                        index(p.iterations));
    Value block = arith::DivUIOp::create(b, loc, base[g.vecDim], index(lanes));
    Value next = mul(add(block, index(1)), p.slabElements);
    return {next, add(first, within), perStep};
  }

  /// Prefetches lines [from, to) of a step's `lines`.
  void prefetchLines(const SlabPrefetch &p, const SlabLines &lines,
                     int64_t from, int64_t to) {
    int64_t last = cast<MemRefType>(p.flat.getType()).getNumElements() - 1;
    for (int64_t k = from; k < to; ++k) {
      Value line = k ? add(lines.line, index(k)) : lines.line;
      Value element = add(lines.next, mul(line, p.lineElements));
      element = arith::MinUIOp::create(b, loc, element, index(last));
      memref::PrefetchOp::create(b, loc, p.flat, ValueRange{element},
                                 /*isWrite=*/false, /*localityHint=*/2,
                                 /*isDataCache=*/true);
    }
  }

  /// Prefetching of an activation `b` whose reduction steps read rows a
  /// page or more apart (an NCHW input's channel planes, which a flattened
  /// 1x1 reads as a matrix): each step loads the tile's lanes from the next
  /// row, a stream per row that the hardware prefetchers do not follow, so
  /// the first `a` tile of a reduction block waited on every load (a quarter
  /// of the samples of the bench's 1x1 256->64 on 56x56 sat on it). Each
  /// step then prefetches into L1 the lines that the step kRowsAheadSteps
  /// later loads.
  struct RowsAhead {
    unsigned dim = ~0u;       // the reduction loop that steps between rows
    int64_t lines = 0;        // lines of one step's vector
    int64_t lineElements = 0; // elements of `b` per line
  };

  RowsAhead planRowsAhead(ArrayRef<unsigned> looped) {
    RowsAhead p;
    auto type = dyn_cast<MemRefType>(g.bBuf.getType());
    if (looped.empty() || hasWindow() || g.dot || g.amx || g.outGather ||
        g.combine != Group::Combine::FMA || g.bStride != 1 || bRowTile != 1 ||
        !type || constantGlobal(g.bBuf))
      return p;
    unsigned d = looped.back();
    int64_t elementBytes = type.getElementTypeBitWidth() / 8;
    std::optional<int64_t> rowStride = memoryStride(g.bBuf, g.bMap, d);
    if (!rowStride || *rowStride * elementBytes < kFarRowBytes ||
        memoryStride(g.bBuf, g.bMap, g.vecDim) != 1)
      return p;
    p.dim = d;
    p.lines = llvm::divideCeil(vecTile * elementBytes, kCacheLineBytes);
    p.lineElements = kCacheLineBytes / elementBytes;
    return p;
  }

  /// The prefetches of one reduction step `red` (see planRowsAhead).
  void prefetchRowsAhead(const RowsAhead &p, ArrayRef<Value> red) {
    SmallVector<Value> at(red);
    int64_t last = loopSizes[p.dim] - 1;
    at[p.dim] = arith::MinUIOp::create(
        b, loc, offset(red[p.dim], kRowsAheadSteps * stepOf(p.dim)),
        index(last));
    int64_t lastLane = loopSizes[g.vecDim] - 1;
    for (int64_t k = 0; k < p.lines; ++k) {
      SmallVector<Value> lineAt = at;
      if (k)
        lineAt[g.vecDim] = arith::MinUIOp::create(
            b, loc, offset(at[g.vecDim], k * p.lineElements), index(lastLane));
      memref::PrefetchOp::create(b, loc, g.bBuf, indices(g.bMap, lineAt),
                                 /*isWrite=*/false, /*localityHint=*/3,
                                 /*isDataCache=*/true);
    }
  }

  /// Whether the register block of this plan fits AMX tiles (g.dot): whole
  /// 16-lane columns (the weights padded to them), pairs of the pair loop,
  /// and rows of `a` along the a-row loop at a constant stride.
  bool fitsAMX() const {
    if (!g.dot || g.outGather || g.combine != Group::Combine::FMA ||
        aRow == ~0u || lanes % 16 || vecTile != lanes ||
        loopSizes[g.pairDim] % 2 ||
        !cast<MemRefType>(g.aBuf.getType()).getElementType().isBF16())
      return false;
    std::optional<int64_t> aStride = memoryStride(g.aBuf, g.aMap, aRow);
    // A tile row of `a` is 32 consecutive elements of the pair loop: its
    // innermost index alone, at unit stride (channels-last, not an NCHW
    // input in channel pairs, whose next pair is a plane away).
    auto last = dyn_cast<AffineDimExpr>(g.aMap.getResults().back());
    bool pairsInnermost =
        last && last.getPosition() == g.pairDim &&
        llvm::count_if(g.aMap.getResults(),
                       [&](AffineExpr e) {
                         return e.isFunctionOfDim(g.pairDim);
                       }) == 1 &&
        memoryStride(g.aBuf, g.aMap, g.pairDim) == 1;
    // (A last, partial column block is fine: the weights are padded to
    // whole blocks and the output's rows are stored through the mask.)
    return pairsInnermost && aStride && *aStride > 0;
  }

  /// Rows of the a-row loop per AMX register block: two equal tiles of up
  /// to 16 rows (2 x 2 f32 tiles, 2 of `a` and one of `b` live at a time),
  /// so that each tile of `b` serves two of `a`, where such a block divides
  /// the loop (56 rows: 28 = 14 + 14); else one tile of 16 rows and a last
  /// shorter one. LLVM gives each of the eight tile registers one shape for
  /// the whole function (one ldtilecfg), so blocks of two tiles beside a
  /// remainder's other shapes ran out of them and spilled tiles to the stack
  /// (a 3x3 64->64 on 56x56 in 32 + 24 rows: 0.27 -> 0.42 ms).
  int64_t amxRows(int64_t most = 32) const {
    int64_t size = loopSizes[aRow];
    if (!amxTwoTiles())
      most = std::min<int64_t>(most, 16);
    for (int64_t t = std::min<int64_t>(most, size); t >= 8; --t)
      if (size % t == 0 && (t <= 16 || t % 2 == 0))
        return t;
    return std::min<int64_t>(16, size);
  }

  /// Whether blocks may take two tiles of `a`: not where the pair loop has
  /// both whole chunks of 32 and a last partial one (48 channels: 32 + 16),
  /// whose tiles of `a` and `b` are two more shapes (ten registers' worth).
  bool amxTwoTiles() const {
    int64_t k = loopSizes[g.pairDim];
    return k % 32 == 0 || k < 32;
  }

  /// Tile registers the AMX kernel of this plan needs: LLVM configures each
  /// of the eight once per function with one shape, so tiles of different
  /// shapes never share one, and more than eight is a compile error ("ran
  /// out of registers"). Per tile shape, the most that one step of one
  /// block shape keeps live (the f32 tiles of every part and column, a tile
  /// of `a` per part, two of `b`), summed over the shapes; the block shapes
  /// are the whole block and the last, shorter tiles along either row loop,
  /// the steps those of whole 32-channel chunks and of a last partial one.
  int64_t amxRegisters() const {
    int64_t columns = lanes / 16, k = loopSizes[g.pairDim];
    SmallVector<int64_t> widths;
    if (k >= 32)
      widths.push_back(32);
    if (k % 32)
      widths.push_back(k % 32);
    // (rows per tile of `a`, tiles of `a`) of each block shape.
    SmallVector<std::pair<int64_t, int64_t>> blocks;
    SmallVector<int64_t> aShapes = {aRowTile}, bShapes = {bRowTile};
    if (loopSizes[aRow] % aRowTile)
      aShapes.push_back(loopSizes[aRow] % aRowTile);
    if (bRow != ~0u && loopSizes[bRow] % bRowTile)
      bShapes.push_back(loopSizes[bRow] % bRowTile);
    for (int64_t rows : aShapes)
      for (int64_t second : bShapes)
        blocks.push_back(std::make_pair(
            rows > 16 ? rows / 2 : rows,
            std::min<int64_t>((rows > 16 ? 2 : 1) * second, kAMXGroupParts)));
    std::map<std::tuple<int64_t, int64_t, bool>, int64_t> most;
    for (auto [rows, parts] : blocks)
      for (int64_t width : widths) {
        std::map<std::tuple<int64_t, int64_t, bool>, int64_t> live;
        live[{rows, 16, true}] += parts * columns;
        live[{rows, width, false}] += parts;
        live[{width / 2, 32, false}] += 2;
        for (auto [shape, n] : live)
          most[shape] = std::max(most[shape], n);
      }
    int64_t total = 0;
    for (auto [shape, n] : most)
      total += n;
    return total;
  }

  /// A second row loop for AMX blocks whose a-row loop is short (a 14- or
  /// 7-wide map: one tile of 14 or 7 rows): another loop only `a` reads (a
  /// convolution's output rows), kAMXSecondRows of whose rows give the block
  /// more tiles of `a`, so that each tile of `b` serves two in a register
  /// block, and the block's next register blocks read it again from L1 (the
  /// last rows a case with the same tile shapes). ~0u if none. With a
  /// kernel window (3x3: ResNet-18 BF16 -5 %), and without one over a
  /// reduction of kAMXSecondRowsReduction channels or more (see there).
  unsigned amxSecondRows() const {
    if (aRowTile > 16 || bRow != ~0u ||
        (!orderReduction().window &&
         loopSizes[g.pairDim] < kAMXSecondRowsReduction) ||
        !amxTwoTiles())
      return ~0u;
    unsigned best = ~0u;
    for (unsigned d : g.aRows)
      if (d != aRow && loopSizes[d] >= 2 &&
          (best == ~0u || loopSizes[d] > loopSizes[best]))
        best = d;
    return best;
  }

  /// How amxProducts walks the reduction: the loops other than the pair
  /// loop, kernel taps (up to 7) unrolled into each step of the pair loop,
  /// longer ones as loops around it; chunks of 32 of the pair loop per step.
  struct AMXSteps {
    SmallVector<unsigned> outer, taps;
    int64_t tapCount = 1; // kernel taps per 32-channel chunk
    int64_t chunks = 1, fullChunks = 0, tail = 0;
    /// Steps per trip of the outer loops.
    int64_t count() const { return fullChunks / chunks + (tail ? 1 : 0); }
  };

  /// Tiles of `a` in the block: one per row of the second row loop, or two
  /// halves of an a-row tile over 16 rows.
  int64_t amxTilesOfA() const { return bRowTile * (aRowTile > 16 ? 2 : 1); }

  AMXSteps amxSteps() const {
    AMXSteps s;
    for (auto [d, it] :
         llvm::enumerate(g.contraction.getIteratorTypesArray()))
      if (it == utils::IteratorType::reduction && d != g.pairDim)
        (loopSizes[d] <= 7 ? s.taps : s.outer).push_back(d);
    s.fullChunks = loopSizes[g.pairDim] / 32;
    s.tail = loopSizes[g.pairDim] % 32;
    // Chunks per step, so that a step's products (at least
    // kAMXStepProducts tile multiplies per f32 tile where the loop allows)
    // outweigh loading and storing the f32 tiles: with one chunk a matmul
    // or 1x1 moved 12 KB through L1 per 4 tdpbf16ps (a 128x256x1024 matmul
    // at a third of its 3x3's speed). A kernel window whose block is one
    // register block (two tiles of `a`) takes up to kAMXWindowStepProducts
    // (see there).
    for (unsigned d : s.taps)
      s.tapCount *= loopSizes[d];
    bool oneGroup = amxTilesOfA() <= int64_t(kAMXGroupParts);
    int64_t products =
        s.tapCount > 1 && oneGroup ? kAMXWindowStepProducts : kAMXStepProducts;
    for (int64_t u = std::min<int64_t>(s.fullChunks,
                                       llvm::divideCeil(products, s.tapCount));
         u >= 1; --u)
      if (s.fullChunks % u == 0) {
        s.chunks = u;
        break;
      }
    return s;
  }

  /// The reduction of the register block at `base` on AMX tiles, into the
  /// rows of `tiles` (amxTileBuffer; emit() then adds each row to its
  /// initial value). The block's rows are tiles of `a` (16 rows each at
  /// most: one or two halves of the a-row tile, for each row of the second
  /// row loop), its lanes one or two columns of 16, computed in register
  /// blocks of two tiles of `a` (see kAMXGroupParts). The f32 tiles live in
  /// that stack buffer of the block's rows between steps of the pair loop
  /// (x86_amx values cannot cross blocks once the loops are branches;
  /// dsc-outline-parallel moves the buffer to the outlined function's entry):
  /// each step, register block after register block, loads them, adds the
  /// products of every kernel tap (per tap the tiles of `a`, then per column a
  /// tile of `b` for all of them) and stores them back; the epilogue then reads
  /// the rows. (Kept in the output instead, they wrote an f32 map that only its
  /// bf16 rounding is read from.) Each step also issues its part of `slab`, the
  /// tile's prefetch of the next weight block (see planSlabPrefetch).
  void amxProducts(ArrayRef<Value> base, const SlabPrefetch &slab,
                   Value tiles) {
    int64_t columns = lanes / 16;
    Type f32 = b.getF32Type(), bf16 = b.getBF16Type();
    // (first row in rowAt, rows) of each tile of `a`: for each row of the
    // second row loop (bRow, see amxSecondRows), the a-row tile or its two
    // halves where it has more than 16 rows. (rowAt is aRow-major: row
    // i * bRowTile + j.)
    SmallVector<std::pair<int64_t, int64_t>> parts;
    int64_t halves = amxTilesOfA() / bRowTile, rows = aRowTile / halves;
    for (int64_t j = 0; j < bRowTile; ++j)
      for (int64_t h = 0; h < halves; ++h)
        parts.push_back({h * rows * bRowTile + j, rows});
    // Chunks of the pair loop are 32 wide (a 64-byte tile row of `a`, 16
    // rows of pairs of `b`), the last `tail` wide where 32 does not divide
    // it (16 or 48 channels: AMX tiles take any even width).
    AMXSteps steps = amxSteps();
    ArrayRef<unsigned> outer = steps.outer, taps = steps.taps;
    int64_t chunks = steps.chunks, fullChunks = steps.fullChunks,
            tail = steps.tail, tapCount = steps.tapCount;
    auto bType = [&](int64_t width) {
      return amx::TileType::get({width / 2, 32}, bf16);
    };
    SmallVector<SmallVector<Value>> rowAt = rowDims(base);
    Value aStride = index(*memoryStride(g.aBuf, g.aMap, aRow));
    // Row r of the block at row r of `tiles`; a tile's rows are every
    // bRowTile-th from its first.
    Value tileStride = index(bRowTile * lanes);
    auto cType = [&](size_t p) {
      return amx::TileType::get({parts[p].second, 16}, f32);
    };
    // The f32 tile of part p and column c.
    auto tileAt = [&](size_t p, int64_t c) {
      return SmallVector<Value>{index(parts[p].first), index(16 * c)};
    };

    auto loop = [&](int64_t from, int64_t size, int64_t step,
                    function_ref<void(Value)> bodyFn) {
      scf::ForOp::create(
          b, loc, index(from), index(size), index(step), ValueRange{},
          [&](OpBuilder &fb, Location, Value iv, ValueRange) {
            OpBuilder::InsertionGuard inner(b);
            b.setInsertionPointToStart(fb.getInsertionBlock());
            bodyFn(iv);
            scf::YieldOp::create(b, loc);
          });
    };
    std::function<void(size_t, SmallVector<Value>)> walk =
        [&](size_t level, SmallVector<Value> at) {
          if (level < outer.size()) {
            unsigned d = outer[level];
            loop(0, loopSizes[d], 1, [&](Value iv) {
              SmallVector<Value> next = at;
              next[d] = iv;
              walk(level + 1, next);
            });
            return;
          }
          // One step of the pair loop from k0: `count` chunks `width` wide.
          // The f32 tiles start at zero in the first step (peeled off the
          // loop), else from the stack buffer.
          auto pairStep = [&](Value k0, bool zero, int64_t count,
                              int64_t width) {
            // The step's share of the next weight block (see
            // planSlabPrefetch), spread over its taps.
            std::optional<SlabLines> lines;
            if (slab.flat)
              lines = slabLines(
                  slab, base,
                  arith::DivUIOp::create(b, loc, k0, index(32 * chunks)));
            int64_t groups = llvm::divideCeil(parts.size(), kAMXGroupParts);
            int64_t tapIndex = 0, tapTotal = count * tapCount * groups;
            for (size_t g0 = 0; g0 < parts.size(); g0 += kAMXGroupParts) {
              size_t g1 = std::min<size_t>(g0 + kAMXGroupParts, parts.size());
              // acc[(p - g0) * columns + c]
              SmallVector<Value> acc;
              for (size_t p = g0; p < g1; ++p)
                for (int64_t c = 0; c < columns; ++c)
                  acc.push_back(
                      zero ? amx::TileZeroOp::create(b, loc, cType(p))
                                 .getResult()
                           : amx::TileLoadOp::create(b, loc, cType(p), tiles,
                                                     tileAt(p, c), tileStride)
                                 .getResult());
              for (int64_t u = 0; u < count; ++u) {
                at[g.pairDim] = offset(k0, 32 * u);
                SmallVector<int64_t> counter(taps.size(), 0);
                while (true) {
                  SmallVector<Value> step = at;
                  for (auto [t, d] : llvm::enumerate(taps))
                    step[d] = index(counter[t]);
                  SmallVector<Value> aTiles;
                  for (size_t p = g0; p < g1; ++p) {
                    auto [first, rows] = parts[p];
                    SmallVector<Value> aAt = step;
                    aAt[aRow] = rowAt[first][aRow];
                    if (bRow != ~0u)
                      aAt[bRow] = rowAt[first][bRow];
                    aTiles.push_back(amx::TileLoadOp::create(
                        b, loc, amx::TileType::get({rows, width}, bf16), g.aBuf,
                        indices(g.aMap, aAt), aStride));
                  }
                  for (int64_t c = 0; c < columns; ++c) {
                    SmallVector<Value> bAt = step;
                    bAt[g.vecDim] = offset(step[g.vecDim], 16 * c);
                    Value bTile = amx::TileLoadOp::create(
                        b, loc, bType(width), g.bBuf, indices(g.bMap, bAt));
                    for (size_t p = g0; p < g1; ++p) {
                      Value &cTile = acc[(p - g0) * columns + c];
                      cTile = amx::TileMulFOp::create(
                          b, loc, cType(p), aTiles[p - g0], bTile, cTile);
                    }
                  }
                  if (lines) {
                    prefetchLines(slab, *lines,
                                  lines->perStep * tapIndex / tapTotal,
                                  lines->perStep * (tapIndex + 1) / tapTotal);
                    ++tapIndex;
                  }
                  size_t t = 0;
                  for (; t < taps.size(); ++t) {
                    if (++counter[t] < loopSizes[taps[t]])
                      break;
                    counter[t] = 0;
                  }
                  if (t == taps.size())
                    break;
                }
              }
              for (size_t p = g0; p < g1; ++p)
                for (int64_t c = 0; c < columns; ++c)
                  amx::TileStoreOp::create(b, loc, tiles, tileAt(p, c),
                                           acc[(p - g0) * columns + c],
                                           tileStride);
            }
          };
          // Outer loops (none in a CNN) start every step from the buffer:
          // their first iteration cannot be told apart at compile time.
          int64_t from = 0, stepSize = 32 * chunks, end = 32 * fullChunks;
          bool zero = outer.empty();
          if (zero && fullChunks) {
            pairStep(index(0), /*zero=*/true, chunks, 32);
            from = stepSize;
            zero = false;
          }
          if (from < end)
            loop(from, end, stepSize, [&](Value k0) {
              pairStep(k0, /*zero=*/false, chunks, 32);
            });
          if (tail)
            pairStep(index(end), zero, 1, tail);
        };
    // With outer loops the tiles start at zero in the buffer.
    if (!outer.empty())
      for (size_t p = 0; p < parts.size(); ++p)
        for (int64_t c = 0; c < columns; ++c)
          amx::TileStoreOp::create(b, loc, tiles, tileAt(p, c),
                                   amx::TileZeroOp::create(b, loc, cType(p)),
                                   tileStride);
    walk(0, SmallVector<Value>(base));
  }

  /// The stack buffer of a register block's f32 tiles (see amxProducts):
  /// its rows, `lanes` wide. Aligned to a cache line: at the stack's
  /// 16-byte alignment every 64-byte tile row and every vector the epilogue
  /// reads back straddled two lines (ten 3x3 256->256 on 14x14 1.63 -> 1.46
  /// ms, 128->128 on 28x28 1.60 -> 1.54; ResNet-18 BF16 3.41 -> 3.25 ms,
  /// ResNet-50 8.9 -> 8.4 at one thread).
  Value amxTileBuffer() {
    return memref::AllocaOp::create(
        b, loc, MemRefType::get({aRowTile * bRowTile, lanes}, b.getF32Type()),
        b.getI64IntegerAttr(kCacheLineBytes));
  }

  /// `v + i`, folded when `v` is a constant (a pinned tile's base).
  Value offset(Value v, int64_t i) {
    if (std::optional<int64_t> c = getConstantIntValue(v))
      return index(*c + i);
    return arith::AddIOp::create(b, loc, v, index(i));
  }

  /// Loop values of every row of the register block, given the tile's base.
  SmallVector<SmallVector<Value>> rowDims(ArrayRef<Value> base) {
    SmallVector<SmallVector<Value>> rows;
    for (int64_t i = 0; i < aRowTile; ++i)
      for (int64_t j = 0; j < bRowTile; ++j) {
        SmallVector<Value> dims(base.begin(), base.end());
        if (i)
          dims[aRow] = offset(base[aRow], i);
        if (j)
          dims[bRow] = offset(base[bRow], j);
        rows.push_back(dims);
      }
    return rows;
  }

  /// Reduction block for emit(), or 0 for none: only where `b` is an
  /// activation read in place (not a packed constant stream), the reduction
  /// is one plain loop (no kernel window) longer than a block, and the tile
  /// loops without the `a` rows still give the thread pool work to split.
  /// A block's panel of `b` takes at most a third of a 48 KB L1.
  int64_t reductionBlock(bool window, ArrayRef<unsigned> looped,
                         int64_t unrolledTrips) const {
    if (g.dot || g.outGather || window || aRow == ~0u || looped.size() != 1 ||
        unrolledTrips != 1 || constantGlobal(g.bBuf))
      return 0;
    if (loopSizes[aRow] / aRowTile < 2)
      return 0;
    int64_t tiles = 1;
    for (auto [d, it] : llvm::enumerate(g.contraction.getIteratorTypesArray()))
      if (it == utils::IteratorType::parallel && d != aRow)
        tiles *= llvm::divideCeil(loopSizes[d], tileOf(d));
    if (tiles < 8)
      return 0;
    int64_t size = loopSizes[looped.front()];
    int64_t panelRow = bRowTile * lanes * g.bStride * 4;
    int64_t target = std::max<int64_t>(16, 16384 / panelRow);
    for (int64_t kb = std::min(target, size / 2); kb >= 16; --kb)
      if (size % kb == 0)
        return kb;
    return 0;
  }

  /// vdpbf16ps steps its pair loop by 2.
  int64_t stepOf(unsigned d) const { return d == g.pairDim ? 2 : 1; }

  /// How emit() walks the reduction: the loops it emits as scf.for
  /// (outermost first) and those it unrolls into one body (innermost first),
  /// `reduction` in the order of innermostUse.
  struct ReductionOrder {
    SmallVector<unsigned> reduction, looped, unrolled;
    int64_t unrolledTrips = 1;
    bool window = false;
  };

  /// Whether a reduction loop is a kernel window (2 to 7 taps).
  bool hasWindow() const {
    for (auto [d, it] : llvm::enumerate(g.contraction.getIteratorTypesArray()))
      if (it == utils::IteratorType::reduction && loopSizes[d] > 1 &&
          loopSizes[d] <= 7)
        return true;
    return false;
  }

  ReductionOrder orderReduction() const {
    ReductionOrder o;
    for (auto [d, it] :
         llvm::enumerate(g.contraction.getIteratorTypesArray()))
      if (it == utils::IteratorType::reduction)
        o.reduction.push_back(d);
    o.window = hasWindow();
    SmallVector<unsigned> &reduction = o.reduction, &looped = o.looped,
                          &unrolled = o.unrolled;
    int64_t &unrolledTrips = o.unrolledTrips;
    bool window = o.window;

    // The reduction: small loops (kernel windows) unrolled into one body,
    // the rest as scf.for, outermost first. The loops that index `a`
    // nearest its innermost dimension unroll first: a channels-last stem's
    // (kw, ci) are 21 adjacent input elements, while its 49 taps unrolled
    // around a loop over 3 channels took a row pointer per tap and row
    // (spilled general registers, 60 % of peak).
    std::stable_sort(reduction.begin(), reduction.end(),
                     [&](unsigned x, unsigned y) {
                       return innermostUse(g.aMap, x) <
                              innermostUse(g.aMap, y);
                     });
    // A short pair loop (the 4 channels of a padded RGB stem) unrolls like
    // a window.
    for (unsigned d : llvm::reverse(reduction)) {
      int64_t trips = loopSizes[d] / stepOf(d);
      if (trips <= 7 && (d != g.pairDim || trips <= 4) &&
          unrolledTrips * trips <= s.maxUnroll) {
        unrolled.push_back(d);
        unrolledTrips *= trips;
      } else {
        looped.push_back(d);
      }
    }
    std::reverse(looped.begin(), looped.end());
    // Along output channels with `a` channels-last (its innermost index a
    // reduction loop: dsc-channels-last-inputs): that loop innermost and the
    // kernel taps around it, so one position's line of channels serves 16
    // consecutive steps. Unrolled taps inside it would touch rows x taps
    // lines per step, a multiple of 2 KB apart in a wide feature map, more
    // than an L1 set holds.
    // So does a convolution whose tile rows read positions a multiple of
    // 4 KB apart (a stride-2 3x3 over 512 channels): every row's line then
    // falls in the same L1 set, and rows x taps lines per step thrash it
    // (ResNet-50's layer4 stride-2 3x3 at 45 % of peak).
    // A channels-last stem (3 input channels, stride 2) loops its taps too
    // and unrolls only the channels: with (kw, ci) unrolled, neighbouring
    // rows read the same input elements at other taps, LLVM loads each once
    // and keeps it live across the body, and the broadcasts spilled (ResNet's
    // 7x7 stem at 67 % of peak; 1.38 -> 0.96 ms). A bf16 stem, whose 4
    // channels are 2 steps of the pair loop, the same way (0.84 -> 0.63 ms).
    if (auto c = dyn_cast<AffineDimExpr>(g.aMap.getResults().back());
        c && llvm::is_contained(reduction, c.getPosition()) &&
        !unrolled.empty()) {
      unsigned ci = c.getPosition();
      bool fewChannels = window && loopSizes[ci] <= 7;
      // (A bf16 stem's 4 channels are 2 steps of its pair loop.)
      if (ci == g.pairDim && !fewChannels)
        return o;
      std::optional<int64_t> rowStride =
          aRow == ~0u ? std::nullopt : memoryStride(g.aBuf, g.aMap, aRow);
      int64_t elementBytes =
          cast<MemRefType>(g.aBuf.getType()).getElementTypeBitWidth() / 8;
      bool rowsShareSet =
          window && rowStride && *rowStride && aRowTile > 1 &&
          (*rowStride * elementBytes) % 4096 == 0;
      if (g.outGather || fewChannels || rowsShareSet) {
        looped.clear();
        for (unsigned d : reduction)
          if (d != ci && loopSizes[d] > 1)
            looped.push_back(d);
        unrolled.clear();
        unrolledTrips = 1;
        if (fewChannels) {
          unrolled.push_back(ci);
          unrolledTrips = loopSizes[ci] / stepOf(ci);
        } else {
          looped.push_back(ci);
        }
      }
    }

    return o;
  }

  void emit() {
    linalg::GenericOp op = g.contraction;
    SmallVector<utils::IteratorType> iters = op.getIteratorTypesArray();
    SmallVector<unsigned> parallel, reduction;
    for (auto [d, it] : llvm::enumerate(iters))
      (it == utils::IteratorType::parallel ? parallel : reduction)
          .push_back(d);
    // Tile order for cache reuse: consecutive tiles that differ only in the
    // loops of one operand re-read that operand in full while the other's
    // block stays cached. With a kernel window (b's block is re-read by
    // every tap, so it is worth keeping in L1/L2), cycle through `a` when it
    // is the smaller operand: an early, wide convolution's weights loop
    // innermost and each input block is read once (ResNet-50's 3x3 64->64
    // at 56x56: 53% -> 81% of peak). Without a window (1x1 convolutions,
    // matmuls) b's loads stream better from memory in loop order (the 1x1
    // 256->64 at 56x56 drops from 76% to 51% of peak when reordered),
    // except where b is packed constant weights beyond L2 that the `a` tiles
    // would each stream again from L3: then `a` cycles innermost when that
    // re-reads fewer bytes (a 1024^3 matmul: 128 row tiles x 4 MB of b
    // against 32 column blocks x 4 MB of a; 22.8 -> 12.5 ms on a Xeon whose
    // core reads L3 at ~26 GB/s). From 1 MB, half of L2 (its other half
    // holds `a` and the output): each block of b is then read from memory
    // once, with the next one prefetched meanwhile (planSlabPrefetch), where
    // the first row tile's pass over all of b waited on memory (ResNet-50's
    // 1x1 convolutions 1024->256 and 256->1024 on 14x14, 1 MB each, 14-31%
    // faster in a profile; the model 3.5% at one thread, BERT's encoder,
    // whose feed-forward weights are 1 MB, 3% / 5% at one / two threads).
    ReductionOrder order = orderReduction();
    bool window = order.window;
    // Not where `b` stays in L2 (under kStreamedBlocksBytes): read again per
    // row tile it costs L2 bandwidth only, and at two threads the tiles in
    // output order split rows, each thread's input mostly in its own L2,
    // where cycling rows split output channels and both threads read the
    // whole input (ResNet-18 BF16's 3x3 128->128 on 28x28, 230 KB of input
    // and 295 KB of weights: 2.42 -> 2.32 ms at two threads, ResNet-50 5.24
    // -> 5.12, MobileNetV2 1.50 -> 1.48; one thread level; in FP32, 590 KB
    // of weights, that 3x3 alone 0.67 -> 0.62 ms at two threads, ResNet-18
    // 9.86 -> 9.77, one thread and ResNet-50 level).
    // (Only where `a` has rows to cycle: a pooling window's operand is
    // tiny but gives no loop, and the input's channel blocks outermost
    // read every position's lines in as many passes: SqueezeNet's 3x3 max
    // pool over 111x111x64, 3 MB beyond L2, 0.27 -> under 0.1 ms.)
    bool aInner = window && !g.aRows.empty() &&
                  bytesOf(g.aBuf) < bytesOf(g.bBuf) &&
                  bytesOf(g.bBuf) >= kStreamedBlocksBytes;
    if (!window && (g.bPadded || g.dot) &&
        bytesOf(g.bBuf) >= kStreamedBlocksBytes) {
      int64_t aTiles = 1, bTiles = 1;
      for (unsigned d : parallel)
        (llvm::is_contained(g.aRows, d) ? aTiles : bTiles) *=
            llvm::divideCeil(loopSizes[d], tileOf(d));
      aInner = aTiles > 1 &&
               double(aTiles) * bytesOf(g.bBuf) >
                   double(bTiles) * bytesRead(g.aBuf, g.aMap, loopSizes);
    }
    if (aInner)
      std::stable_partition(parallel.begin(), parallel.end(), [&](unsigned d) {
        return !llvm::is_contained(g.aRows, d);
      });
    // Row panels: where the rows cycled innermost read more of `a` than
    // half of L2 (kRowPanelBytes), every block of `b` read all of `a` again
    // from L3 (a 1024^3 GEMM: 32 passes over 4 MB). The a-row loop then
    // goes in panels of equal tile counts, each under kRowPanelBytes, the
    // outermost tile loop: within a panel the blocks of `b` go as before,
    // each cycling the panel's row tiles (a serial loop in the tile), so
    // the panel stays in L2 while `b` streams once per panel. GEMM 1024^3
    // 13.9 -> 12.5 ms at one thread, 6.66 -> 6.32 at two (panels of 512 KB:
    // 12.6 / 6.42); 2048x256x1024 7.2 -> 6.0 / 3.74 -> 3.11; 4096x1024x1024
    // 54.7 -> 49.2 / 26.2 -> 25.3 (medians of alternating runs). Only such
    // large matmuls: the models' convolutions and BERT's encoder read at
    // most 800 KB of `a`.
    int64_t aPanel = 0;
    if (aInner && !window && aRow != ~0u) {
      int64_t aBytes = bytesRead(g.aBuf, g.aMap, loopSizes);
      int64_t panels = llvm::divideCeil(aBytes, kRowPanelBytes);
      int64_t tiles = llvm::divideCeil(loopSizes[aRow], aRowTile);
      int64_t rows = llvm::divideCeil(tiles, panels) * aRowTile;
      if (panels > 1 && rows < loopSizes[aRow]) {
        aPanel = rows;
        llvm::erase(parallel, aRow);
        parallel.insert(parallel.begin(), aRow);
      }
    }
    // Otherwise the tiles go in the output's memory order (the loops keep
    // the ONNX op's NCHW order through dsc-channels-last, which put output
    // channels outermost): the thread pool's chunks are then bands of the
    // map, each thread writes whole lines of its own, and with the pool's
    // home chunks the next kernel's band of a thread is mostly what it
    // wrote (channel blocks split between threads shared every line of a
    // bf16 output and read half of each input from the other core's L2).
    // BF16 at two threads: MobileNetV2 2.32 -> 1.85 ms, ResNet-50 7.8 ->
    // 6.15; FP32 MobileNetV2 3.8 -> 3.3.
    if (!aInner) {
      AffineMap om = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
      auto posOf = [&](unsigned d) {
        for (auto [i, e] : llvm::enumerate(om.getResults()))
          if (e.isFunctionOfDim(d))
            return int64_t(i);
        return int64_t(-1);
      };
      // (Dims are distinct loop indices: ties only for dims the output
      // does not index, kept in loop order.)
      llvm::sort(parallel, [&](unsigned x, unsigned y) {
        return std::make_pair(posOf(x), x) < std::make_pair(posOf(y), y);
      });
    }
    reduction = order.reduction;
    SmallVector<unsigned> looped = order.looped, unrolled = order.unrolled;
    int64_t unrolledTrips = order.unrolledTrips;

    // Reduction blocks (1x1 convolutions, matmuls of two activations): `b`
    // is read from memory, not a packed constant stream, and its rows are
    // far apart (a feature map's channels). A tile then walks the whole
    // reduction down columns of `b` that no prefetcher follows, and the next
    // `a` tile reads them again from L3. With the reduction in blocks whose
    // panel of `b` fits in L1 and the `a` tiles looped innermost (partial
    // sums kept in the output between blocks), every block of `b` is read
    // from memory once and then from L1 by every `a` tile.
    int64_t kBlock = reductionBlock(window, looped, unrolledTrips);
    unsigned kDim = kBlock ? looped.front() : ~0u;
    if (kBlock)
      llvm::erase(parallel, aRow);

    SmallVector<OpFoldResult> lbs, ubs, steps;
    for (unsigned d : parallel) {
      lbs.push_back(b.getIndexAttr(0));
      ubs.push_back(b.getIndexAttr(loopSizes[d]));
      steps.push_back(b.getIndexAttr(d == aRow && aPanel ? aPanel : tileOf(d)));
    }
    AffineMap aMap = g.aMap, bMap = g.bMap;
    AffineMap outMap =
        op.getMatchingIndexingMap(op.getDpsInitOperand(0));
    Value aBuf = g.aBuf, bBuf = g.bBuf;
    SlabPrefetch slab = planSlabPrefetch(parallel, looped, kBlock);
    RowsAhead rowsAhead = planRowsAhead(looped);

    // scf.forall, not scf.parallel: upstream's sibling fusion of parallel
    // loops sees only memref.load/store and would miss the vector accesses;
    // it becomes scf.parallel after that fusion.
    scf::ForallOp::create(
        b, loc, lbs, ubs, steps, ValueRange{}, std::nullopt,
        [&](OpBuilder &nb, Location, ValueRange ivs) {
          OpBuilder::InsertionGuard guard(b);
          b.setInsertionPointToStart(nb.getInsertionBlock());
          SmallVector<Value> base(op.getNumLoops());
          for (auto [d, iv] : llvm::zip(parallel, ivs))
            base[d] = isPinned(d) ? index(0) : iv;
          Value zero = index(0);
          for (unsigned d : reduction)
            base[d] = zero;
          Value v0 = base[g.vecDim];
          Value outMask = mask(v0);
          Value bMask = g.bPadded ? Value() : mask(v0, g.bStride);
          Value aMask = g.aVector ? mask(v0, g.aStride) : Value();

          // One register block at `base`; with reduction blocks, over
          // [kLo, kLo + kBlock) of loop kDim, the first block initializing
          // the accumulators and the last one applying the epilogue (the
          // others read and write partial sums).
          auto block = [&](ArrayRef<Value> base, Value kLo, Value first,
                           Value last) {
            SmallVector<SmallVector<Value>> rows = rowDims(base);

            // The initial value of the row at `dims`: the init's, or the
            // output's.
            auto outRow = [&](ArrayRef<Value> dims) -> Value {
              if (g.outGather)
                return gatherLanes(g.out, outMap, dims, g.vecDim);
              return loadVector(g.out, indices(outMap, dims), outMask);
            };
            // An init `out + v` (a residual's buffer given its bias) adds
            // the output's rows after the reduction instead, prefetched
            // before it like an epilogue's residual: loaded first, every
            // accumulator's chain waited on them. Not where partial sums
            // pass through the output between reduction blocks.
            bool deferOut = g.initAddsOut && !kLo && !g.amx && !g.outGather;
            auto initialRow = [&](ArrayRef<Value> dims) -> Value {
              if (!g.init)
                return outRow(dims);
              Value acc;
              if (deferOut)
                acc = arith::ConstantOp::create(
                    b, loc, DenseElementsAttr::get(vecType, -0.0f));
              else if (g.initReadsOut)
                acc = outRow(dims);
              return evalElementwise(g.init, dims, acc, outMask);
            };
            auto initial = [&]() {
              SmallVector<Value> accs;
              for (auto &dims : rows)
                accs.push_back(initialRow(dims));
              return accs;
            };
            auto partial = [&]() {
              SmallVector<Value> accs;
              for (auto &dims : rows)
                accs.push_back(
                    loadVector(g.out, indices(outMap, dims), outMask));
              return accs;
            };
            // `then` when `cond` holds, else `otherwise`, as an scf.if.
            auto select = [&](Value cond,
                              function_ref<SmallVector<Value>()> then,
                              function_ref<SmallVector<Value>()> otherwise) {
              auto branch = [&](function_ref<SmallVector<Value>()> f) {
                return [&, f](OpBuilder &ib, Location) {
                  OpBuilder::InsertionGuard inner(b);
                  b.setInsertionPoint(ib.getInsertionBlock(),
                                      ib.getInsertionPoint());
                  scf::YieldOp::create(b, loc, f());
                };
              };
              auto ifOp = scf::IfOp::create(b, loc, cond, branch(then),
                                            branch(otherwise));
              return SmallVector<Value>(ifOp.getResults());
            };
            if (g.epilogue && !g.outGather)
              for (auto &dims : rows)
                prefetchEpilogue(dims);
            if (deferOut)
              for (auto &dims : rows)
                prefetchRow(g.out, indices(outMap, dims), 1);
            // The row at `dims` with its sums `result`: the epilogue's
            // value where `final`, stored, and its bf16 roundings.
            auto storeRow = [&](ArrayRef<Value> dims, Value result,
                                bool final) {
              if (final && deferOut)
                result = arith::AddFOp::create(b, loc, outRow(dims), result);
              if (final && g.epilogue)
                result = evalElementwise(g.epilogue, dims, result, outMask);
              if (final && !g.keepOut) {
                // Only the roundings are read later.
              } else if (g.outGather) {
                scatterLanes(result, g.out, outMap, dims, g.vecDim);
              } else {
                storeLanes(b, loc, result, g.out, indices(outMap, dims),
                           outMask);
              }
              if (final && !g.roundings.empty()) {
                Value narrow = arith::TruncFOp::create(
                    b, loc, VectorType::get({lanes}, b.getBF16Type()), result);
                for (linalg::GenericOp rounding : g.roundings)
                  storeLanes(b, loc, narrow,
                             rounding.getDpsInitOperand(0)->get(),
                             indices(outMap, dims), outMask);
              }
            };
            // On AMX the rows come from the tile buffer after all the
            // products, each row then on its own to its stores: its initial
            // value, its sums, its epilogue. (With all rows' initial values
            // first and the sums added to all of them, as the FMA kernels'
            // accumulators are, LLVM kept 64 rows of a 32 x 32 block live
            // at once and spilled half of them: a 1x1 64->256 on 56x56 at
            // 137 us where a C loop of the same tiles took 54.) An initial
            // +0 (a zero-filled output) is not added: the tiles start at +0,
            // so their sums are never -0 and adding +0 changes nothing.
            if (g.amx && !kLo) {
              Value tiles = amxTileBuffer();
              amxProducts(base, slab, tiles);
              for (auto [r, dims] : llvm::enumerate(rows)) {
                Value sum = vector::LoadOp::create(
                    b, loc, vecType, tiles, ValueRange{index(r), index(0)});
                Value init = initialRow(dims), zero = init;
                if (auto splat = init.getDefiningOp<vector::BroadcastOp>())
                  zero = splat.getSource();
                if (!matchPattern(zero, m_PosZeroFloat()))
                  sum = arith::AddFOp::create(b, loc, init, sum);
                storeRow(dims, sum, /*final=*/true);
              }
              return;
            }
            SmallVector<Value> accs =
                kLo ? select(first, initial, partial) : initial();

            // One reduction step at loop values `red` (reduction dims set).
            auto step = [&](ArrayRef<Value> red, SmallVector<Value> &acc) {
              DenseMap<unsigned, Value> bcasts, vecs;
              for (auto [r, dims] : llvm::enumerate(rows)) {
                SmallVector<Value> at(dims.begin(), dims.end());
                for (unsigned d : reduction)
                  at[d] = red[d];
                // A product with a's zero border adds nothing.
                if (g.combine == Group::Combine::FMA && readsZeroBorder(at))
                  continue;
                unsigned ai = (r / bRowTile), bi = (r % bRowTile);
                Value &bc = bcasts[ai];
                Value &bv = vecs[bi];
                if (g.combine != Group::Combine::FMA) {
                  if (!bv) {
                    bv = loadVector(bBuf, indices(bMap, at), bMask, g.bStride);
                    if (getElementTypeOrSelf(bv.getType()).isBF16())
                      bv = arith::ExtFOp::create(b, loc, vecType, bv);
                  }
                  switch (g.combine) {
                  case Group::Combine::Max:
                    acc[r] = arith::MaximumFOp::create(b, loc, acc[r], bv);
                    break;
                  case Group::Combine::MaxNum:
                    acc[r] = arith::MaxNumFOp::create(b, loc, acc[r], bv);
                    break;
                  default:
                    acc[r] = arith::AddFOp::create(b, loc, acc[r], bv);
                    break;
                  }
                  continue;
                }
                if (g.dot) {
                  // a[.., k : k + 2] as one 32-bit word in every lane; b
                  // holds the lanes' pairs; vdpbf16ps adds both products.
                  auto pairs = VectorType::get({2 * lanes}, b.getBF16Type());
                  if (!bc) {
                    Value pair = vector::LoadOp::create(
                        b, loc, VectorType::get({2}, b.getBF16Type()), aBuf,
                        indices(aMap, at));
                    Value word = vector::ExtractOp::create(
                        b, loc,
                        vector::BitCastOp::create(
                            b, loc, VectorType::get({1}, b.getI32Type()), pair),
                        ArrayRef<int64_t>{0});
                    bc = vector::BitCastOp::create(
                        b, loc, pairs,
                        vector::BroadcastOp::create(
                            b, loc, VectorType::get({lanes}, b.getI32Type()),
                            word));
                  }
                  if (!bv)
                    bv = vector::LoadOp::create(b, loc, pairs, bBuf,
                                                indices(bMap, at));
                  // One vdpbf16ps per 16-lane column, on its slices (the
                  // halves of a 32-lane row are two zmm; a 16-lane row's
                  // slices are the whole vectors and fold away).
                  auto col = VectorType::get({16}, b.getF32Type());
                  Value row = acc[r];
                  for (int64_t c = 0; c < lanes / 16; ++c) {
                    auto slice = [&](Value v, int64_t n) {
                      return vector::ExtractStridedSliceOp::create(
                          b, loc, v, ArrayRef<int64_t>{c * n},
                          ArrayRef<int64_t>{n}, ArrayRef<int64_t>{1});
                    };
                    Value d = x86vector::DotBF16Op::create(
                        b, loc, col, slice(row, 16), slice(bc, 32),
                        slice(bv, 32));
                    acc[r] = vector::InsertStridedSliceOp::create(
                        b, loc, d, acc[r], ArrayRef<int64_t>{c * 16},
                        ArrayRef<int64_t>{1});
                  }
                  continue;
                }
                if (!bc && g.aVector) {
                  bc = widen(
                      loadVector(aBuf, indices(aMap, at), aMask, g.aStride));
                } else if (!bc) {
                  Value a =
                      memref::LoadOp::create(b, loc, aBuf, indices(aMap, at));
                  bc = vector::BroadcastOp::create(b, loc, vecType, widen(a));
                }
                if (!bv)
                  bv = widen(
                      loadVector(bBuf, indices(bMap, at), bMask, g.bStride));
                acc[r] = vector::FMAOp::create(b, loc, vecType, bc, bv, acc[r]);
              }
            };
            // Unrolled reduction dims enumerate every combination.
            auto unrolledSteps = [&](SmallVector<Value> red,
                                     SmallVector<Value> &acc) {
              SmallVector<int64_t> counter(unrolled.size(), 0);
              while (true) {
                for (auto [k, d] : llvm::enumerate(unrolled))
                  red[d] = index(counter[k]);
                step(red, acc);
                size_t k = 0;
                for (; k < unrolled.size(); ++k) {
                  counter[k] += stepOf(unrolled[k]);
                  if (counter[k] < loopSizes[unrolled[k]])
                    break;
                  counter[k] = 0;
                }
                if (k == unrolled.size())
                  break;
              }
            };
            std::function<SmallVector<Value>(size_t, SmallVector<Value>,
                                             SmallVector<Value>)>
                nest = [&](size_t level, SmallVector<Value> red,
                           SmallVector<Value> acc) -> SmallVector<Value> {
              if (level == looped.size()) {
                if (slab.flat)
                  prefetchSlab(slab, base, red);
                if (rowsAhead.dim != ~0u)
                  prefetchRowsAhead(rowsAhead, red);
                unrolledSteps(red, acc);
                return acc;
              }
              unsigned d = looped[level];
              Value lo = index(0), hi = index(loopSizes[d]);
              if (d == kDim) {
                lo = kLo;
                hi = arith::AddIOp::create(b, loc, kLo, index(kBlock));
              }
              // The innermost loop in chunks of slab.chunk steps, one
              // prefetch per chunk.
              int64_t chunk =
                  slab.flat && level + 1 == looped.size() ? slab.chunk : 1;
              auto loop = scf::ForOp::create(
                  b, loc, lo, hi, index(stepOf(d) * chunk), acc,
                  [&](OpBuilder &fb, Location, Value iv, ValueRange iter) {
                    OpBuilder::InsertionGuard inner(b);
                    b.setInsertionPointToStart(fb.getInsertionBlock());
                    SmallVector<Value> r2 = red;
                    r2[d] = iv;
                    SmallVector<Value> result;
                    if (chunk == 1) {
                      result = nest(level + 1, r2, SmallVector<Value>(iter));
                    } else {
                      prefetchSlab(slab, base, r2);
                      result.assign(iter.begin(), iter.end());
                      for (int64_t j = 0; j < chunk; ++j) {
                        r2[d] = offset(iv, j * stepOf(d));
                        unrolledSteps(r2, result);
                      }
                    }
                    scf::YieldOp::create(b, loc, result);
                  });
              return SmallVector<Value>(loop.getResults());
            };
            accs = nest(0, SmallVector<Value>(base), accs);

            auto store = [&](bool final) {
              for (auto [r, dims] : llvm::enumerate(rows))
                storeRow(dims, accs[r], final);
              return SmallVector<Value>();
            };
            if (kLo)
              select(
                  last, [&] { return store(true); },
                  [&] { return store(false); });
            else
              store(true);
          };

          // Tiles with a case take their own copy of the block, with their
          // base a constant and their own row count (see `cases`).
          auto withCases = [&](SmallVector<Value> at,
                               function_ref<void(ArrayRef<Value>)> leaf) {
            std::function<void(SmallVector<Value>, unsigned)> dispatch =
                [&](SmallVector<Value> at, unsigned d) {
                  while (d < cases.size() && cases[d].empty())
                    ++d;
                  if (d == cases.size())
                    return leaf(at);
                  std::function<void(size_t)> chain = [&](size_t i) {
                    SmallVector<Value> sub = at;
                    if (i == cases[d].size())
                      return dispatch(sub, d + 1);
                    sub[d] = index(cases[d][i].base);
                    Value here = arith::CmpIOp::create(
                        b, loc, arith::CmpIPredicate::eq, at[d], sub[d]);
                    auto ifOp = scf::IfOp::create(b, loc, here, true);
                    OpBuilder::InsertionGuard inner(b);
                    b.setInsertionPointToStart(ifOp.thenBlock());
                    // A row loop's case has its own row count.
                    int64_t *rows = d == aRow   ? &aRowTile
                                    : d == bRow ? &bRowTile
                                                : nullptr;
                    int64_t full = rows ? *rows : 0;
                    if (rows)
                      *rows = cases[d][i].tile;
                    dispatch(sub, d + 1);
                    if (rows)
                      *rows = full;
                    b.setInsertionPointToStart(ifOp.elseBlock());
                    chain(i + 1);
                  };
                  chain(0);
                };
            dispatch(std::move(at), 0);
          };
          // The `a` row tiles in [lo, hi) as a serial loop, each a block
          // (its cases included) with the reduction-block arguments.
          auto rowTiles = [&](Value lo, Value hi, Value kLo, Value first,
                              Value last) {
            scf::ForOp::create(
                b, loc, lo, hi, index(aRowTile), ValueRange{},
                [&](OpBuilder &ab, Location, Value ai, ValueRange) {
                  OpBuilder::InsertionGuard inner(b);
                  b.setInsertionPointToStart(ab.getInsertionBlock());
                  SmallVector<Value> at(base);
                  at[aRow] = ai;
                  withCases(at, [&](ArrayRef<Value> at) {
                    block(at, kLo, first, last);
                  });
                  scf::YieldOp::create(b, loc);
                });
          };
          if (aPanel) {
            // The panel's row tiles, the last panel's fewer.
            rowTiles(base[aRow],
                     arith::MinUIOp::create(b, loc,
                                            add(base[aRow], index(aPanel)),
                                            index(loopSizes[aRow])),
                     Value(), Value(), Value());
          } else if (!kBlock) {
            withCases(SmallVector<Value>(base), [&](ArrayRef<Value> at) {
              block(at, Value(), Value(), Value());
            });
          } else {
            // Reduction blocks outside, the `a` row tiles inside.
            int64_t size = loopSizes[kDim];
            scf::ForOp::create(
                b, loc, index(0), index(size), index(kBlock), ValueRange{},
                [&](OpBuilder &kb, Location, Value k0, ValueRange) {
                  OpBuilder::InsertionGuard inner(b);
                  b.setInsertionPointToStart(kb.getInsertionBlock());
                  Value first = arith::CmpIOp::create(
                      b, loc, arith::CmpIPredicate::eq, k0, index(0));
                  Value last =
                      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                            k0, index(size - kBlock));
                  rowTiles(index(0), index(loopSizes[aRow]), k0, first, last);
                  scf::YieldOp::create(b, loc);
                });
          }
          scf::InParallelOp::create(b, loc);
        });
  }
};

/// Share of the computed lanes that are real outputs, vectorizing along the
/// output's innermost loop.
double laneUse(const Group &g, const KernelStrategy &s) {
  linalg::GenericOp c = g.contraction;
  return laneUse(c.getStaticLoopRanges()[g.vecDim], s);
}

/// Small output rows (a 7x7 feature map wastes 9 of 16 lanes; a Gemm with
/// few columns more): vectorize along an outer output loop that only a
/// constant operand reads (a convolution's output channels), packing that
/// constant so the loop is its innermost index. The output and the
/// epilogue's operands are then gathered and scattered, once per
/// output, against a whole reduction of vector FMAs.
std::optional<Group> matchAlongChannels(linalg::GenericOp op,
                                        const KernelStrategy &s) {
  if (op.getNumDpsInits() != 1 || op.getNumDpsInputs() != 2)
    return std::nullopt;
  SmallVector<int64_t> sizes = op.getStaticLoopRanges();
  int64_t reductionTrips = 1;
  for (auto [d, it] : llvm::enumerate(op.getIteratorTypesArray()))
    if (it == utils::IteratorType::reduction)
      reductionTrips *= sizes[d];
  if (reductionTrips < kMinChannelReduction)
    return std::nullopt;
  AffineMap outMap = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
  if (outMap.getNumResults() < 2)
    return std::nullopt;
  std::optional<Group> best;
  for (AffineExpr e : outMap.getResults().drop_back()) {
    auto dim = dyn_cast<AffineDimExpr>(e);
    if (!dim || sizes[dim.getPosition()] % s.lanes != 0)
      continue;
    unsigned d = dim.getPosition();
    std::optional<Group> g = matchContraction(op, d);
    if (!g || (best && sizes[best->vecDim] >= sizes[d]))
      continue;
    int64_t wide = s.lanes * std::min<int64_t>(2, s.maxColumns);
    g->forcedLanes = sizes[d] % wide == 0 ? wide : s.lanes;
    best = g;
  }
  return best;
}

/// With AMX: a channels-last bf16 convolution over few input channels (an
/// RGB stem: 3 + 1 zero channel) reads its kernel row as channels. Output
/// column w's taps (kw, c) are the KW * C consecutive input elements from
/// (sw * w) * C on, so the input viewed with shape [N, H, Wout, KW * C] and
/// strides [., W * C, sw * C, 1] (rows overlap; memref.reinterpret_cast)
/// and the constant weights [F, KH, KW, C] reshaped to [F, KH, 1, KW * C]
/// (the same bytes) make a convolution whose channels fill AMX tile rows:
/// 28 of a 7x7 stem's 32, where 4 channels give no whole tile row (the FMA
/// path over widened bf16 is twice as slow as f32 there). The same
/// products in the same order per output, so the same numbers.
void foldKernelRowIntoChannels(linalg::GenericOp op) {
  if (!op.hasPureBufferSemantics() || op.getNumDpsInputs() != 2 ||
      op.getNumDpsInits() != 1 || op.getNumLoops() != 7 ||
      op.getNumReductionLoops() != 3)
    return;
  Value x = op.getDpsInputs()[0], w = op.getDpsInputs()[1];
  auto xType = dyn_cast<MemRefType>(x.getType());
  auto wType = dyn_cast<MemRefType>(w.getType());
  memref::GlobalOp global = constantGlobal(w);
  if (!xType || !wType || !global || !xType.getElementType().isBF16() ||
      xType.getRank() != 4 || wType.getRank() != 4 ||
      !xType.hasStaticShape() || !xType.getLayout().isIdentity() ||
      !isa<DenseElementsAttr>(global.getInitialValueAttr()))
    return;
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  AffineMap xm = maps[0], wm = maps[1];
  SmallVector<unsigned> wDims;
  for (AffineExpr e : wm.getResults())
    if (auto d = dyn_cast<AffineDimExpr>(e))
      wDims.push_back(d.getPosition());
  if (wDims.size() != 4 || xm.getNumResults() != 4)
    return;
  unsigned kw = wDims[2], c = wDims[3];
  SmallVector<utils::IteratorType> iters = op.getIteratorTypesArray();
  int64_t channels = xType.getDimSize(3), width = wType.getDimSize(2);
  if (xm.getResult(3) != getAffineDimExpr(c, op.getContext()) ||
      iters[kw] != utils::IteratorType::reduction ||
      iters[c] != utils::IteratorType::reduction || channels % 2 != 0 ||
      channels > 8 || width < 2 || wType.getDimSize(3) != channels)
    return;
  // Input column: exactly sw * w + kw (one other loop, no constant).
  AffineExpr column = xm.getResult(2);
  SmallVector<unsigned> others;
  for (unsigned d = 0; d < xm.getNumDims(); ++d)
    if (d != kw && column.isFunctionOfDim(d))
      others.push_back(d);
  if (others.size() != 1)
    return;
  unsigned col = others.front();
  std::optional<int64_t> sw = linearCoefficient(column, col);
  MLIRContext *ctx = op.getContext();
  auto reads = [&](unsigned result, unsigned d) {
    return xm.getResult(result).isFunctionOfDim(d);
  };
  unsigned dims = xm.getNumDims();
  if (!sw || *sw <= 0 ||
      simplifyAffineExpr(column, dims, 0) !=
          simplifyAffineExpr(getAffineDimExpr(col, ctx) * *sw +
                                 getAffineDimExpr(kw, ctx),
                             dims, 0) ||
      iters[col] != utils::IteratorType::parallel || reads(0, kw) ||
      reads(1, kw) || reads(0, c) || reads(1, c))
    return;
  int64_t stride = *sw;
  auto outType = cast<MemRefType>(op.getDpsInits()[0].getType());
  std::optional<unsigned> outCol;
  AffineMap om = maps[2];
  for (auto [i, e] : llvm::enumerate(om.getResults()))
    if (e == getAffineDimExpr(col, op.getContext()))
      outCol = i;
  if (!outCol || outType.isDynamicDim(*outCol))
    return;
  int64_t cols = outType.getDimSize(*outCol);
  ArrayRef<int64_t> xs = xType.getShape();
  if (stride * (cols - 1) + width > xs[2])
    return;

  OpBuilder b(op);
  Location loc = op.getLoc();
  int64_t folded = width * channels;
  auto viewType = MemRefType::get(
      {xs[0], xs[1], cols, folded}, xType.getElementType(),
      StridedLayoutAttr::get(ctx, 0,
                             {xs[1] * xs[2] * xs[3], xs[2] * xs[3],
                              stride * xs[3], 1}));
  Value view = memref::ReinterpretCastOp::create(
      b, loc, viewType, x, 0, {xs[0], xs[1], cols, folded},
      {xs[1] * xs[2] * xs[3], xs[2] * xs[3], stride * xs[3], 1});
  std::string name = (global.getSymName() + "_rows").str();
  auto module = op->getParentOfType<ModuleOp>();
  auto newType = MemRefType::get(
      {wType.getDimSize(0), wType.getDimSize(1), 1, folded},
      wType.getElementType());
  auto rows = module.lookupSymbol<memref::GlobalOp>(name);
  if (!rows) {
    auto dense = cast<DenseElementsAttr>(global.getInitialValueAttr());
    OpBuilder mb(global);
    rows = memref::GlobalOp::create(
        mb, global.getLoc(), name, mb.getStringAttr("private"), newType,
        dense.reshape(RankedTensorType::get(newType.getShape(),
                                            newType.getElementType())),
        /*constant=*/true, global.getAlignmentAttr());
  }
  Value weights =
      memref::GetGlobalOp::create(b, loc, newType, rows.getSymName());
  SmallVector<AffineExpr> xe(xm.getResults());
  xe[2] = getAffineDimExpr(col, ctx) + getAffineDimExpr(kw, ctx);
  maps[0] = AffineMap::get(xm.getNumDims(), 0, xe, ctx);
  auto foldedOp = linalg::GenericOp::create(
      b, loc, TypeRange{}, ValueRange{view, weights}, op.getDpsInits(), maps,
      iters, [](OpBuilder &, Location, ValueRange) {});
  foldedOp.getRegion().takeBody(op.getRegion());
  // (Not dsc.zero_border: its widths are per dim of the unfolded input.)
  for (NamedAttribute attr : op->getDiscardableAttrs())
    if (attr.getName() != "dsc.zero_border")
      foldedOp->setAttr(attr.getName(), attr.getValue());
  op.erase();
}

struct DSCContractionKernelsPass
    : impl::DSCContractionKernelsBase<DSCContractionKernelsPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    IRRewriter rewriter(module.getContext());
    // Named contractions become generics so one matcher sees them all.
    SmallVector<linalg::LinalgOp> named;
    module.walk([&](linalg::LinalgOp op) {
      if (isa<linalg::MatmulOp, linalg::BatchMatmulOp>(op) &&
          op.hasPureBufferSemantics())
        named.push_back(op);
    });
    for (linalg::LinalgOp op : named) {
      rewriter.setInsertionPoint(op);
      (void)linalg::generalizeNamedOp(rewriter, op);
    }

    if (amx) {
      SmallVector<linalg::GenericOp> convs;
      module.walk([&](linalg::GenericOp op) { convs.push_back(op); });
      for (linalg::GenericOp op : convs)
        foldKernelRowIntoChannels(op);
    }

    KernelStrategy strategy = strategyFor(vectorBits);
    SmallVector<Group, 8> groups;
    module.walk([&](linalg::GenericOp op) {
      std::optional<Group> g = matchContraction(op);
      // Strided convolutions read twice the lanes and shuffle them: along
      // output channels their input is a broadcast scalar instead.
      if (!g || laneUse(*g, strategy) < kMinLaneUse ||
          (g->bStride > 1 && rowPairedDim(*g) == ~0u))
        if (std::optional<Group> alt = matchAlongChannels(op, strategy))
          g = alt;
      if (!g)
        return;
      auto init =
          dyn_cast_or_null<linalg::LinalgOp>(neighbour(op, /*before=*/true));
      // (An in-place init may also fit the previous contraction as its
      // epilogue, where that one writes the same buffer: a downsampling
      // 1x1's output given the next bias. One `out + v` is left to this
      // contraction there (initOfNext); any other stays the previous one's.)
      bool claimed = !groups.empty() && init && groups.back().epilogue == init;
      if (!claimed && fitsGroup(init, *g, /*readsOut=*/true)) {
        g->init = init;
        g->initReadsOut =
            init.payloadUsesValueFromOperand(init.getDpsInitOperand(0));
        g->initAddsOut = g->initReadsOut && addsOut(init);
      }
      auto epi =
          dyn_cast_or_null<linalg::LinalgOp>(neighbour(op, /*before=*/false));
      if (fitsGroup(epi, *g, /*readsOut=*/true) && !initOfNext(epi))
        g->epilogue = epi;
      findRoundings(
          g->epilogue ? g->epilogue.getOperation() : op.getOperation(), *g);
      if (!g->roundings.empty())
        g->keepOut = readLater(g->roundings.back(), g->out);
      groups.push_back(*g);
    });

    SmallVector<memref::GlobalOp> packedFrom;
    int64_t dotKernels = 0, amxKernels = 0;
    for (Group &g : groups) {
      Operation *last = g.epilogue ? g.epilogue.getOperation()
                                   : g.contraction.getOperation();
      OpBuilder b(last);
      // vdpbf16ps works on whole 16-lane vectors: a row of several columns
      // takes one vdpbf16ps per column. A last partial tile (1000 output
      // channels) reads weights padded to whole blocks and masks only its
      // output; tiles gathered along channels must be whole.
      unsigned pairDim = bf16Dot && vectorBits >= 512 ? pairableDim(g) : ~0u;
      // A `b` in row pairs (rowPairedDim) is read as it is by the dot and
      // AMX kernels (whole vectors: its lanes are not padded to blocks);
      // the f32 FMA path reads it at element stride 2.
      bool rowPaired = pairDim != ~0u && rowPairedDim(g) != ~0u;
      if (pairDim != ~0u) {
        KernelStrategy dotStrategy = strategy;
        int64_t forced = g.forcedLanes;
        if (rowPaired)
          g.bStride = 1;
        if (forced) {
          g.forcedLanes = 16; // along channels: a multiple of 16 lanes
          dotStrategy.maxColumns = 1;
        }
        // Whole tiles first: 48 output columns take three 16-lane tiles, not
        // a 32-lane one and a half-masked one. The first fit keeps its
        // column count in dotStrategy.
        int64_t columns = dotStrategy.maxColumns;
        auto fits = [&](int64_t c, bool allowMask) {
          dotStrategy.maxColumns = c;
          Emitter trial{b, g.contraction.getLoc(), g, dotStrategy};
          trial.plan();
          return (!trial.masked || (allowMask && !g.outGather && !rowPaired)) &&
                 trial.lanes % 16 == 0 && trial.vecTile == trial.lanes;
        };
        if (fits(columns, false) || fits(1, false) || fits(columns, true) ||
            fits(1, true)) {
          g.dotColumns = dotStrategy.maxColumns;
          g.dot = true;
          g.pairDim = pairDim;
          // A CPU with AMX (Sapphire Rapids and later) runs vdpbf16ps at
          // half its f32 FMA rate (one every other cycle, 32 flops a cycle
          // against 64): a dot kernel that does not fit AMX tiles (a stem's
          // 4 channels) takes the f32 FMA path on the widened inputs
          // instead (ResNet-50 at 1 thread 24.4 -> 23.3 ms, its 7x7 stem
          // 2.75 ms on vdpbf16ps; SqueezeNet 5.2 -> 4.8 ms).
          Emitter trial{b, g.contraction.getLoc(), g, dotStrategy};
          trial.plan();
          if (amx && !trial.fitsAMX()) {
            g.dot = false;
            g.pairDim = ~0u;
            g.forcedLanes = forced;
          } else {
            ++dotKernels;
          }
        } else {
          g.forcedLanes = forced;
        }
        if (!g.dot && rowPaired)
          g.bStride = 2;
      }
      KernelStrategy used = strategy;
      if (g.dot)
        used.maxColumns = g.dotColumns;
      Emitter e{b, g.contraction.getLoc(), g, used};
      e.plan();
      // On AMX: blocks of rows along the a-row loop (see amxRows), and of two
      // rows of a second row loop where the first is short (amxSecondRows).
      // Where that needs more than the eight tile registers, blocks of one
      // tile of up to 16 rows; where those still do (remainders and a
      // partial chunk, each a shape of its own), vdpbf16ps.
      if (amx && e.fitsAMX()) {
        unsigned planned = e.bRow;
        int64_t aTile = e.aRowTile, bTile = e.bRowTile;
        e.aRowTile = e.amxRows();
        e.bRowTile = 1;
        if (unsigned second = e.amxSecondRows(); second != ~0u) {
          e.bRow = second;
          e.bRowTile = std::min(e.loopSizes[second], kAMXSecondRows);
        }
        if (e.amxRegisters() > 8) {
          e.bRow = planned;
          e.bRowTile = 1;
          e.aRowTile = e.amxRows(16);
        }
        if (e.amxRegisters() <= 8) {
          g.amx = true;
          ++amxKernels;
        } else {
          e.aRowTile = aTile;
          e.bRowTile = bTile;
        }
      }
      // Constant vector operands (weights) in lane blocks when every tile
      // starts at a block (a last partial block padded with zeros, read
      // without a mask); else, if they must be, re-laid with the vector
      // loop innermost.
      Operation *unpacked = nullptr;
      bool blockable = constantGlobal(g.bBuf) && g.bStride == 1 &&
                       plainPosition(g.bMap, g.vecDim) &&
                       g.bMap.getNumResults() >= 2 && e.vecTile == e.lanes;
      if (g.dot && !rowPaired) {
        if (!llvm::is_contained(packedFrom, constantGlobal(g.bBuf)))
          packedFrom.push_back(constantGlobal(g.bBuf));
        unpacked = g.bBuf.getDefiningOp();
        std::tie(g.bBuf, g.bMap) =
            packPairs(g.bBuf, g.bMap, g.vecDim, g.pairDim, e.lanes);
      } else if (g.packB || blockable) {
        // Several contractions may read one weight (e.g. the steps of an
        // unrolled recurrent cell): it is packed once and erased once.
        if (!llvm::is_contained(packedFrom, constantGlobal(g.bBuf)))
          packedFrom.push_back(constantGlobal(g.bBuf));
        unpacked = g.bBuf.getDefiningOp();
        std::tie(g.bBuf, g.bMap) = packConstant(g.bBuf, g.bMap, g.vecDim,
                                                blockable ? e.lanes : 0);
        g.bStride = 1;
        g.bPadded = blockable;
      }
      // Where the last rounding is, after the view ops between it and
      // `last` (memory-effect free) that define the roundings' outputs; or
      // before the other kernels' ops it passed over, with those view ops
      // (in order) and the fills after them.
      if (g.before) {
        SmallVector<Operation *> views;
        for (Operation *op = g.before; op != g.roundings.back();
             op = op->getNextNode())
          if (isMemoryEffectFree(op) && op->getNumRegions() == 0)
            views.push_back(op);
        for (Operation *op : views)
          op->moveBefore(g.before);
        for (Operation *fill : g.hoisted)
          fill->moveBefore(g.before);
        b.setInsertionPoint(g.before);
      } else if (!g.roundings.empty())
        b.setInsertionPoint(g.roundings.back());
      else
        b.setInsertionPointAfter(last);
      // The row tiles of each loop, in one loop nest: a last, shorter tile
      // (a remainder) and, on small maps, the tiles whose rows read a's zero
      // border (a convolution's first and last output rows and columns) are
      // cases of the tile loop (see Emitter::cases), each with its base a
      // constant, so that its products with the border are left out at
      // compile time (a 3x3 over a 7x7 map: 2 of 21 taps per direction). A
      // loop of one tile with a case is pinned to it instead.
      SmallVector<unsigned> unrolled = e.orderReduction().unrolled;
      e.pinned.assign(e.loopSizes.size(), false);
      e.cases.assign(e.loopSizes.size(), {});
      for (auto [d, it] : llvm::enumerate(
               g.contraction.getIteratorTypesArray())) {
        if (it != utils::IteratorType::parallel || d == g.vecDim)
          continue;
        int64_t size = e.loopSizes[d], tile = e.tileOf(d);
        // (AMX tiles read the border from memory: no per-tile copies.)
        bool border = !g.amx && e.splitsAtBorder(d, unrolled);
        for (int64_t o = 0; o < size; o += tile) {
          int64_t rows = std::min(tile, size - o);
          if (rows != tile || (border && e.tileTouchesBorder(d, o, rows)))
            e.cases[d].push_back({o, rows});
        }
        if (size == tile && !e.cases[d].empty()) {
          e.pinned[d] = true;
          e.cases[d].clear();
        }
      }
      e.emit();
      if (g.epilogue)
        g.epilogue->erase();
      for (linalg::GenericOp rounding : g.roundings)
        rounding->erase();
      g.contraction->erase();
      if (g.init)
        g.init->erase();
      if (unpacked && unpacked->use_empty())
        unpacked->erase();
    }
    if (bf16Dot)
      module->setAttr(
          "dsc.bf16_dot_kernels",
          IntegerAttr::get(IntegerType::get(module.getContext(), 64),
                           dotKernels));
    if (amxKernels)
      module->setAttr(
          "dsc.amx_kernels",
          IntegerAttr::get(IntegerType::get(module.getContext(), 64),
                           amxKernels));
    // Weights that live on only in their packed layout.
    for (memref::GlobalOp global : packedFrom)
      if (global && SymbolTable::symbolKnownUseEmpty(global, module))
        global->erase();
  }
};

} // namespace
} // namespace dsc
