//===- DSCDialect.h - the dsc dialect ---------------------------*- C++ -*-===//
#ifndef DSC_DIALECT_DSCDIALECT_H
#define DSC_DIALECT_DSCDIALECT_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
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

namespace dsc {
/// The folder shared by all binary elementwise ops (Folding.cpp).
mlir::OpFoldResult foldBinary(mlir::Operation *op, mlir::Attribute lhs,
                              mlir::Attribute rhs);
/// Folding never builds a constant larger than this (bytes): beyond it the
/// compile-time copy costs more than computing once at run time.
constexpr int64_t kFoldLimitBytes = int64_t(64) << 20;
} // namespace dsc

#define GET_OP_CLASSES
#include "dsc/Dialect/DSCOps.h.inc"

#endif // DSC_DIALECT_DSCDIALECT_H
