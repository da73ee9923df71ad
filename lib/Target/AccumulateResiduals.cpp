//===- AccumulateResiduals.cpp - residual adds as contraction inits -------===//
//
// A residual block ends in `z = act(conv(x) + bias + r)`: the contraction
// starts from its bias, its in-place epilogue adds the residual `r` (a
// feature map written a few layers before) and applies the activation. As
// buffers that is a fresh output, written whole, beside `r`, read whole:
// ResNet-50's 56x56x256 maps are 3.2 MB each, more than a core's L2, so the
// output's lines are fetched from L3 only to be overwritten (a write
// allocate) while `r`'s stream in too, and both stay live in the arena.
//
// Where the epilogue is `r`'s last reader, this pass (linalg on tensors,
// FP32) moves the add into the contraction's init, written in place into
// `r`: `init = r + bias` (outs `r`), `z = act(conv(x, init))`. Bufferized,
// the contraction then accumulates into `r`'s buffer, as oneDNN's and
// MLAS's fused sums do: each line is read once and written back, and the
// arena holds one map instead of two. dsc-contraction-kernels starts such a
// kernel's accumulators from the bias and adds the output's rows (r, which
// it prefetches) after the reduction: the same sums in the same order as
// before. Where it cannot (partial sums passing through the output between
// reduction blocks, AMX tiles, no kernel at all) the init is evaluated
// first: (r + bias) + products, a reassociation like any other kernel's.
//
//===----------------------------------------------------------------------===//
#include "dsc/Dialect/Utils.h"
#include "dsc/Target/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;

namespace dsc {
#define GEN_PASS_DEF_DSCACCUMULATERESIDUALS
#include "dsc/Target/Passes.h.inc"

namespace {

/// An elementwise generic: one init, all loops parallel, the init written
/// through an identity map.
bool isElementwise(linalg::GenericOp op) {
  return op && op.hasPureTensorSemantics() && op.getNumDpsInits() == 1 &&
         op.getNumParallelLoops() == op.getNumLoops() &&
         op.getMatchingIndexingMap(op.getDpsInitOperand(0)).isIdentity();
}

/// The epilogue's residual: the input `r` of `epi` whose body begins its use
/// of the output value with `out + r` (either order), each block argument
/// used by that add only and `r` read at the output's own indices.
OpOperand *residualOperand(linalg::GenericOp epi, arith::AddFOp &add) {
  Block *body = epi.getBlock();
  BlockArgument outArg = body->getArgument(epi.getNumDpsInputs());
  if (!outArg.hasOneUse())
    return nullptr;
  add = dyn_cast<arith::AddFOp>(*outArg.user_begin());
  if (!add)
    return nullptr;
  Value other = add.getLhs() == outArg ? add.getRhs() : add.getLhs();
  auto arg = dyn_cast<BlockArgument>(other);
  if (!arg || arg.getOwner() != body || arg == outArg || !arg.hasOneUse())
    return nullptr;
  OpOperand *in = epi.getDpsInputOperand(arg.getArgNumber());
  AffineMap outMap = epi.getMatchingIndexingMap(epi.getDpsInitOperand(0));
  if (epi.getMatchingIndexingMap(in) != outMap ||
      in->get().getType() != epi.getResultTypes()[0])
    return nullptr;
  return in;
}

/// Whether the epilogue `epi` is the last reader of `r` and of every value
/// it is a reshape of or reshaped to (one buffer after bufferization), all
/// in one block and read before `first` otherwise: then writing `r` in
/// place at `first` keeps it, no copy. Not a function argument (a caller's
/// buffer) or a constant.
bool lastReader(Value r, linalg::GenericOp epi, Operation *first) {
  Value root = r;
  while (Operation *def = root.getDefiningOp()) {
    if (auto c = dyn_cast<tensor::CollapseShapeOp>(def))
      root = c.getSrc();
    else if (auto e = dyn_cast<tensor::ExpandShapeOp>(def))
      root = e.getSrc();
    else
      break;
  }
  Operation *def = root.getDefiningOp();
  if (!def || !isa<linalg::LinalgOp>(def) || def->getBlock() != epi->getBlock())
    return false;
  SmallVector<Value> worklist = {root};
  while (!worklist.empty()) {
    Value v = worklist.pop_back_val();
    for (Operation *user : v.getUsers()) {
      if (user == epi.getOperation())
        continue;
      if (isa<tensor::CollapseShapeOp, tensor::ExpandShapeOp>(user)) {
        worklist.push_back(user->getResult(0));
        continue;
      }
      if (user->getBlock() != epi->getBlock() || !user->isBeforeInBlock(first))
        return false;
    }
  }
  return true;
}

/// Rewrites `conv` (f32 contraction) with the init producer `init` and the
/// epilogue `epi` whose add of `res` it absorbs; see the file comment.
void absorb(linalg::GenericOp conv, Operation *init, linalg::GenericOp epi,
            OpOperand *res, arith::AddFOp add, RewriterBase &rewriter) {
  Location loc = conv.getLoc();
  Value r = res->get();
  auto outType = cast<RankedTensorType>(conv.getResultTypes()[0]);
  unsigned rank = outType.getRank();

  // The new init: `r + init's value`, written into r.
  rewriter.setInsertionPoint(init);
  Value newInit;
  if (auto fill = dyn_cast<linalg::FillOp>(init)) {
    Value v = fill.getInputs()[0];
    SmallVector<AffineMap> maps = {rewriter.getMultiDimIdentityMap(rank)};
    SmallVector<utils::IteratorType> iters(rank, utils::IteratorType::parallel);
    newInit = linalg::GenericOp::create(
                  rewriter, loc, TypeRange{outType}, ValueRange{},
                  ValueRange{r}, maps, iters,
                  [&](OpBuilder &b, Location l, ValueRange args) {
                    Value sum = arith::AddFOp::create(b, l, args[0], v);
                    linalg::YieldOp::create(b, l, sum);
                  })
                  ->getResult(0);
  } else {
    auto gen = cast<linalg::GenericOp>(init);
    SmallVector<AffineMap> maps = gen.getIndexingMapsArray();
    auto created = linalg::GenericOp::create(
        rewriter, loc, TypeRange{outType}, gen.getDpsInputs(), ValueRange{r},
        maps, gen.getIteratorTypesArray(),
        [&](OpBuilder &b, Location l, ValueRange args) {
          IRMapping map;
          map.map(gen.getBlock()->getArguments(), args);
          for (Operation &op : gen.getBlock()->without_terminator())
            b.clone(op, map);
          Value v = map.lookupOrDefault(
              gen.getBlock()->getTerminator()->getOperand(0));
          Value sum = arith::AddFOp::create(b, l, args.back(), v);
          linalg::YieldOp::create(b, l, sum);
        });
    newInit = created->getResult(0);
  }
  rewriter.modifyOpInPlace(conv,
                           [&] { conv.getDpsInitsMutable()[0].set(newInit); });

  // The epilogue without the add: its output value where the sum was.
  Block *body = epi.getBlock();
  BlockArgument outArg = body->getArgument(epi.getNumDpsInputs());
  auto yield = cast<linalg::YieldOp>(body->getTerminator());
  if (yield.getNumOperands() == 1 && yield.getOperand(0) == add.getResult() &&
      &body->front() == add.getOperation()) {
    rewriter.replaceOp(epi, conv->getResult(0));
  } else {
    SmallVector<Value> ins;
    SmallVector<AffineMap> maps;
    for (OpOperand *in : epi.getDpsInputOperands())
      if (in != res) {
        ins.push_back(in->get());
        maps.push_back(epi.getMatchingIndexingMap(in));
      }
    maps.push_back(epi.getMatchingIndexingMap(epi.getDpsInitOperand(0)));
    rewriter.setInsertionPoint(epi);
    auto created = linalg::GenericOp::create(
        rewriter, epi.getLoc(), epi.getResultTypes(), ins,
        ValueRange{conv->getResult(0)}, maps, epi.getIteratorTypesArray(),
        [&](OpBuilder &b, Location, ValueRange args) {
          IRMapping map;
          unsigned k = 0;
          for (OpOperand *in : epi.getDpsInputOperands())
            if (in != res)
              map.map(body->getArgument(in->getOperandNumber()), args[k++]);
          map.map(outArg, args.back());
          map.map(add.getResult(), args.back());
          for (Operation &op : body->without_terminator())
            if (&op != add.getOperation())
              b.clone(op, map);
          b.clone(*body->getTerminator(), map);
        });
    for (NamedAttribute attr : epi->getDiscardableAttrs())
      created->setAttr(attr.getName(), attr.getValue());
    rewriter.replaceOp(epi, created->getResults());
  }
  rewriter.eraseOp(init);
}

struct DSCAccumulateResidualsPass
    : impl::DSCAccumulateResidualsBase<DSCAccumulateResidualsPass> {
  using Base::Base;

  void runOnOperation() override {
    struct Match {
      linalg::GenericOp conv, epi;
      Operation *init;
      OpOperand *res;
      arith::AddFOp add;
    };
    SmallVector<Match> matches;
    getOperation()->walk([&](linalg::GenericOp conv) {
      if (!conv->hasAttr(kContractionAttr) || conv.getNumDpsInits() != 1 ||
          !conv.hasPureTensorSemantics() || conv.getNumReductionLoops() == 0)
        return;
      auto outType = dyn_cast<RankedTensorType>(conv.getResultTypes()[0]);
      if (!outType || !outType.getElementType().isF32() ||
          !outType.hasStaticShape() ||
          !conv.getMatchingIndexingMap(conv.getDpsInitOperand(0))
               .isProjectedPermutation())
        return;
      for (Value in : conv.getDpsInputs())
        if (!getElementTypeOrSelf(in.getType()).isF32())
          return;
      // The init: a bias broadcast or a fill, read by the conv only.
      Value initValue = conv.getDpsInits()[0];
      Operation *init = initValue.getDefiningOp();
      if (!init || !initValue.hasOneUse() ||
          init->getBlock() != conv->getBlock())
        return;
      if (auto fill = dyn_cast<linalg::FillOp>(init)) {
        if (!fill.hasPureTensorSemantics())
          return;
      } else if (auto gen = dyn_cast<linalg::GenericOp>(init)) {
        if (!isElementwise(gen) ||
            gen.payloadUsesValueFromOperand(gen.getDpsInitOperand(0)))
          return;
      } else {
        return;
      }
      // The epilogue: the conv's only user, updating it in place.
      Value y = conv->getResult(0);
      if (!y.hasOneUse())
        return;
      auto epi = dyn_cast<linalg::GenericOp>(*y.user_begin());
      if (!isElementwise(epi) || epi.getDpsInits()[0] != y ||
          epi->getBlock() != conv->getBlock())
        return;
      arith::AddFOp add;
      OpOperand *res = residualOperand(epi, add);
      if (!res || !lastReader(res->get(), epi, init))
        return;
      Operation *resDef = res->get().getDefiningOp();
      if (!resDef || resDef->getBlock() != init->getBlock() ||
          !resDef->isBeforeInBlock(init))
        return;
      // A padded consumer or a graph output wants the result written into
      // its own buffer (dsc-decompose-pads, dsc-elide-output-copies): into
      // r's, it would be copied there.
      for (Operation *user : epi->getResult(0).getUsers())
        if (isa<tensor::PadOp, func::ReturnOp>(user))
          return;
      matches.push_back({conv, epi, init, res, add});
    });
    IRRewriter rewriter(&getContext());
    for (Match &m : matches)
      absorb(m.conv, m.init, m.epi, m.res, m.add, rewriter);
  }
};

} // namespace
} // namespace dsc
