//===- Kernel.cpp - dsc.kernel to one root plus one in-place epilogue -----===//
//
// A kernel's elementwise ops become ONE linalg.generic whose body chains
// their scalar functions (buildScalarElementwise). With a conv / matmul /
// gemm root, that generic's init is the root's result: the epilogue runs in
// place on the accumulator, over the same iteration space as the root's
// parallel loops, so after bufferization the root's loops, its bias
// initialization and the epilogue fuse into one loop nest
// (scf-parallel-loop-fusion) and no intermediate reaches memory twice.
//
//===----------------------------------------------------------------------===//
#include "PopulatePatterns.h"
#include "dsc/Dialect/DSCDialect.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/IRMapping.h"

using namespace mlir;

namespace dsc {
namespace {

LogicalResult lowerKernel(KernelOp kernel) {
  Location loc = kernel.getLoc();
  MLIRContext *ctx = kernel.getContext();
  SmallVector<Operation *> ops;
  for (Operation &op : kernel.getBody().front().without_terminator())
    ops.push_back(&op);
  if (kernel.getNumResults() != 1 || ops.empty())
    return kernel.emitOpError() << "expects one result and a non-empty body";
  auto type = cast<RankedTensorType>(kernel.getResult(0).getType());

  OpBuilder b(kernel);
  ArrayRef<Operation *> tail = ops;
  Value init;
  Operation *root = ops.front();
  if (!root->hasTrait<OpTrait::ElementwiseBroadcast>()) {
    // The root stays a dsc op (lowered by its own pattern next) and its
    // result is the epilogue's accumulator.
    init = b.clone(*root)->getResult(0);
    if (init.getType() != type)
      return root->emitOpError() << "kernel root type differs from the kernel";
    tail = tail.drop_front();
  } else {
    init = tensor::EmptyOp::create(b, loc, type.getShape(),
                                   type.getElementType());
  }
  if (tail.empty()) {
    kernel.getResult(0).replaceAllUsesWith(init);
    kernel.erase();
    return success();
  }

  // Operands defined outside the kernel, read with broadcasting maps.
  llvm::SmallPtrSet<Operation *, 8> inside(ops.begin(), ops.end());
  SmallVector<Value> inputs;
  for (Operation *op : tail)
    for (Value v : op->getOperands())
      if (!inside.contains(v.getDefiningOp()) && !llvm::is_contained(inputs, v))
        inputs.push_back(v);
  SmallVector<AffineMap> maps;
  for (Value v : inputs)
    maps.push_back(broadcastMap(
        ctx, cast<RankedTensorType>(v.getType()).getShape(), type.getShape()));
  maps.push_back(b.getMultiDimIdentityMap(type.getRank()));

  bool ok = true;
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{type}, inputs, ValueRange{init}, maps,
      SmallVector<utils::IteratorType>(type.getRank(),
                                       utils::IteratorType::parallel),
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        IRMapping scalars;
        for (auto [v, arg] : llvm::zip(inputs, args))
          scalars.map(v, arg);
        if (tail.size() != ops.size())
          scalars.map(root->getResult(0), args.back());
        Value last;
        for (Operation *op : tail) {
          SmallVector<Value> operands;
          for (Value v : op->getOperands())
            operands.push_back(scalars.lookup(v));
          FailureOr<Value> scalar =
              buildScalarElementwise(nb, op->getLoc(), op, operands);
          if (failed(scalar)) {
            op->emitOpError() << "has no scalar form for kernel fusion";
            ok = false;
            last = args.back();
            break;
          }
          scalars.map(op->getResult(0), *scalar);
          last = *scalar;
        }
        linalg::YieldOp::create(nb, nloc, last);
      });
  if (!ok)
    return failure();
  kernel.getResult(0).replaceAllUsesWith(generic.getResult(0));
  kernel.erase();
  return success();
}

} // namespace

LogicalResult lowerKernels(Operation *scope) {
  SmallVector<KernelOp> kernels;
  scope->walk([&](KernelOp k) { kernels.push_back(k); });
  for (KernelOp k : kernels)
    if (failed(lowerKernel(k)))
      return failure();
  return success();
}

} // namespace dsc
