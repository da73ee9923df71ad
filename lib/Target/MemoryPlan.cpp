//===- MemoryPlan.cpp - one statically planned arena ----------------------===//
//
// After bufferization a model function is one block of ops on memrefs, so a
// buffer's lifetime is an interval of op positions in that block. Buffers are
// placed greedily, largest first, at the lowest offset free during their
// whole interval. A float cast's output (a bf16 rounding) is live from the
// start of the op chain that produces its input, since the kernels store
// it from that chain's loop (see chainStart).
//
//===----------------------------------------------------------------------===//
#include "dsc/Target/Passes.h"

#include "BufferAlias.h"
#include "LinalgMatchers.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Interfaces/DataLayoutInterfaces.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"
#include "llvm/ADT/SetVector.h"

using namespace mlir;

namespace dsc {
#define GEN_PASS_DEF_DSCPLANMEMORY
#include "dsc/Target/Passes.h.inc"

namespace {

struct Buffer {
  memref::AllocOp alloc;
  int64_t size = 0;  // bytes, rounded up to the alignment
  int64_t start = 0; // op positions in the function body, inclusive
  int64_t end = 0;
  int64_t offset = -1;
  bool overlapsInTime(const Buffer &o) const {
    return start <= o.end && o.start <= end;
  }
};

int64_t alignTo(int64_t v, int64_t a) { return (v + a - 1) / a * a; }

/// Last position (in `pos`) at which `root` or any view of it is used.
int64_t lastUse(Value root, const DenseMap<Operation *, int64_t> &pos,
                Block &body) {
  int64_t last = pos.lookup(root.getDefiningOp());
  SmallVector<Value> worklist = {root};
  while (!worklist.empty()) {
    Value v = worklist.pop_back_val();
    for (OpOperand &use : v.getUses()) {
      Operation *user = body.findAncestorOpInBlock(*use.getOwner());
      if (user)
        last = std::max(last, pos.lookup(user));
      if (auto view = dyn_cast<ViewLikeOpInterface>(use.getOwner()))
        if (view.getViewSource() == v)
          for (Value r : use.getOwner()->getResults())
            if (isa<BaseMemRefType>(r.getType()))
              worklist.push_back(r);
    }
  }
  return last;
}

/// The buffer a memref is a view of (an allocation, before planning).
Value rootOf(Value v) { return trace(v).root; }

/// Where the bf16 rounding (any elementwise float cast) `cast` may really
/// be written: dsc-contraction-kernels stores a rounding from the registers
/// of its input's producer, and dsc-fuse-parallel-loops merges it into the
/// producer's loop, so its output must not share bytes with what that
/// producer chain reads (a residual add's input, a pooling's map). The
/// chain: the ops just before `cast` that write its input's buffer, back to
/// one that writes it without reading it (a bias or zero init).
int64_t chainStart(linalg::GenericOp cast,
                   const DenseMap<Operation *, int64_t> &pos) {
  int64_t first = pos.lookup(cast);
  Value x = rootOf(cast.getDpsInputOperand(0)->get());
  for (Operation *op = cast->getPrevNode(); op; op = op->getPrevNode()) {
    if (isa<memref::AllocOp>(op) || isMemoryEffectFree(op))
      continue;
    auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
    if (!linalgOp || !linalgOp.hasPureBufferSemantics())
      break;
    OpOperand *write = nullptr;
    for (OpOperand &init : linalgOp.getDpsInitsMutable())
      if (rootOf(init.get()) == x)
        write = &init;
    if (!write)
      break;
    first = pos.lookup(op);
    bool reads = linalgOp.payloadUsesValueFromOperand(write) ||
                 llvm::any_of(linalgOp.getDpsInputOperands(), [&](OpOperand *in) {
                   return isa<MemRefType>(in->get().getType()) &&
                          rootOf(in->get()) == x;
                 });
    if (!reads)
      break;
  }
  return first;
}

struct DSCPlanMemoryPass : impl::DSCPlanMemoryBase<DSCPlanMemoryPass> {
  using Base::Base;

  LogicalResult planFunction(func::FuncOp func) {
    if (!llvm::hasSingleElement(func.getBody()))
      return func.emitError("memory planning expects a single-block function");
    Block &body = func.getBody().front();
    DenseMap<Operation *, int64_t> pos;
    int64_t i = 0;
    for (Operation &op : body)
      pos[&op] = i++;

    // Buffers float casts write: from the start of their input's chain.
    DenseMap<Value, int64_t> castStart;
    for (Operation &op : body)
      if (auto cast = dyn_cast<linalg::GenericOp>(op);
          cast && cast.hasPureBufferSemantics() && elementwiseFloatCast(cast)) {
        Value root = rootOf(cast.getDpsInitOperand(0)->get());
        int64_t start = chainStart(cast, pos);
        auto [it, inserted] = castStart.try_emplace(root, start);
        if (!inserted)
          it->second = std::min(it->second, start);
      }

    DataLayout layout = DataLayout::closest(func);
    SmallVector<Buffer> buffers;
    WalkResult walk = func.walk([&](memref::AllocOp alloc) {
      MemRefType type = alloc.getType();
      if (alloc->getBlock() != &body)
        return alloc.emitError("allocation inside a loop cannot be planned "
                               "statically"),
               WalkResult::interrupt();
      if (!type.hasStaticShape() || !type.getLayout().isIdentity())
        return alloc.emitError("dynamically shaped allocation ")
                   << type << " cannot be planned statically",
               WalkResult::interrupt();
      Buffer b;
      b.alloc = alloc;
      int64_t elemBytes = std::max<int64_t>(
          1, layout.getTypeSize(type.getElementType()).getFixedValue());
      b.size = alignTo(std::max<int64_t>(1, type.getNumElements() * elemBytes),
                       alignment);
      b.start = pos.lookup(alloc);
      if (auto it = castStart.find(alloc.getResult()); it != castStart.end())
        b.start = std::min(b.start, it->second);
      b.end = lastUse(alloc.getResult(), pos, body);
      buffers.push_back(b);
      return WalkResult::advance();
    });
    if (walk.wasInterrupted())
      return failure();

    // Largest first; each at the lowest offset clear of every placed buffer
    // that is live at the same time.
    SmallVector<Buffer *> order;
    for (Buffer &b : buffers)
      order.push_back(&b);
    llvm::stable_sort(order, [](Buffer *a, Buffer *b) {
      return a->size > b->size || (a->size == b->size && a->start < b->start);
    });
    int64_t arenaBytes = 0;
    SmallVector<Buffer *> placed;
    for (Buffer *b : order) {
      SmallVector<std::pair<int64_t, int64_t>> busy;
      for (Buffer *p : placed)
        if (p->overlapsInTime(*b))
          busy.push_back({p->offset, p->offset + p->size});
      llvm::sort(busy);
      int64_t offset = 0;
      for (auto [lo, hi] : busy) {
        if (offset + b->size <= lo)
          break;
        offset = std::max(offset, hi);
      }
      b->offset = offset;
      arenaBytes = std::max(arenaBytes, offset + b->size);
      placed.push_back(b);
    }

    // The lower bound: the most bytes live at any one position.
    int64_t lowerBound = 0;
    for (int64_t p = 0; p < i; ++p) {
      int64_t live = 0;
      for (Buffer &b : buffers)
        if (b.start <= p && p <= b.end)
          live += b.size;
      lowerBound = std::max(lowerBound, live);
    }

    // The arena becomes the trailing argument; allocs become views.
    OpBuilder builder(func.getContext());
    auto arenaType = MemRefType::get({std::max<int64_t>(arenaBytes, 1)},
                                     builder.getI8Type());
    if (failed(func.insertArgument(func.getNumArguments(), arenaType,
                                   builder.getDictionaryAttr({}),
                                   func.getLoc())))
      return func.emitError("cannot add the arena argument");
    Value arena = body.getArgument(body.getNumArguments() - 1);
    for (Buffer &b : buffers) {
      builder.setInsertionPoint(b.alloc);
      Value offset =
          arith::ConstantIndexOp::create(builder, b.alloc.getLoc(), b.offset);
      Value view =
          memref::ViewOp::create(builder, b.alloc.getLoc(), b.alloc.getType(),
                                 arena, offset, ValueRange{});
      b.alloc.replaceAllUsesWith(view);
      b.alloc.erase();
    }
    func->setAttr("dsc.arena_bytes", builder.getI64IntegerAttr(arenaBytes));
    func->setAttr("dsc.arena_lower_bound",
                  builder.getI64IntegerAttr(lowerBound));
    return success();
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (alignment < 1 || (alignment & (alignment - 1))) {
      module.emitError("alignment must be a power of two");
      return signalPassFailure();
    }
    for (auto func : module.getOps<func::FuncOp>())
      if (!func.isExternal() && failed(planFunction(func)))
        return signalPassFailure();
    // Constant data, for the artefact's size macros.
    DataLayout layout = DataLayout::closest(module);
    int64_t weights = 0;
    module.walk([&](memref::GlobalOp global) {
      if (!global.getConstant())
        return;
      MemRefType type = global.getType();
      int64_t elemBytes = std::max<int64_t>(
          1, layout.getTypeSize(type.getElementType()).getFixedValue());
      weights += type.getNumElements() * elemBytes;
    });
    module->setAttr("dsc.weights_bytes",
                    OpBuilder(module).getI64IntegerAttr(weights));
  }
};

} // namespace
} // namespace dsc
