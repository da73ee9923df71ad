//===- DSCDialect.h - the dsc dialect ---------------------------*- C++ -*-===//
#ifndef DSC_DIALECT_DSCDIALECT_H
#define DSC_DIALECT_DSCDIALECT_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "dsc/Dialect/DSCDialect.h.inc"

namespace dsc::OpTrait {
/// Marks ops computed element by element after numpy broadcasting of their
/// operands to the result shape (add, relu, clip, ...): one scalar function
/// per result element, no reduction, no data movement. Fusion groups them
/// into kernels and the kernel lowering builds their scalar bodies.
template <typename ConcreteType>
class ElementwiseBroadcast
    : public mlir::OpTrait::TraitBase<ConcreteType, ElementwiseBroadcast> {};
} // namespace dsc::OpTrait

#define GET_OP_CLASSES
#include "dsc/Dialect/DSCOps.h.inc"

#endif // DSC_DIALECT_DSCDIALECT_H
