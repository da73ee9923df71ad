//===- FlattenEmptyIO.cpp - zero-element inputs and outputs as 1-D --------===//
#include "dsc/Target/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace dsc {
#define GEN_PASS_DEF_DSCFLATTENEMPTYIO
#include "dsc/Target/Passes.h.inc"

namespace {

/// The 1-D type of a static tensor of zero elements, or null.
RankedTensorType flatEmptyType(Type type) {
  auto t = dyn_cast<RankedTensorType>(type);
  if (!t || !t.hasStaticShape() || t.getNumElements() != 0)
    return nullptr;
  return RankedTensorType::get({0}, t.getElementType());
}

struct DSCFlattenEmptyIOPass
    : impl::DSCFlattenEmptyIOBase<DSCFlattenEmptyIOPass> {
  void runOnOperation() override {
    for (auto func : getOperation().getOps<func::FuncOp>()) {
      if (func.isExternal() || !func.getBody().hasOneBlock())
        continue;
      Block &body = func.getBody().front();
      OpBuilder b(func.getContext());
      SmallVector<Type> argTypes(func.getArgumentTypes());
      for (BlockArgument arg : body.getArguments()) {
        RankedTensorType flat = flatEmptyType(arg.getType());
        if (!flat)
          continue;
        if (!arg.use_empty()) {
          b.setInsertionPointToStart(&body);
          auto t = cast<RankedTensorType>(arg.getType());
          arg.replaceAllUsesWith(tensor::EmptyOp::create(
              b, arg.getLoc(), t.getShape(), t.getElementType()));
        }
        arg.setType(flat);
        argTypes[arg.getArgNumber()] = flat;
      }
      SmallVector<Type> resultTypes(func.getResultTypes());
      for (auto ret : body.getOps<func::ReturnOp>()) {
        b.setInsertionPoint(ret);
        for (OpOperand &operand : ret->getOpOperands()) {
          RankedTensorType flat = flatEmptyType(operand.get().getType());
          if (!flat)
            continue;
          operand.set(
              tensor::EmptyOp::create(b, ret.getLoc(), flat.getShape(),
                                      flat.getElementType()));
          resultTypes[operand.getOperandNumber()] = flat;
        }
      }
      func.setType(b.getFunctionType(argTypes, resultTypes));
    }
  }
};

} // namespace
} // namespace dsc
