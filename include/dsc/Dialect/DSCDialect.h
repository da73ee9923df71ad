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

#define GET_OP_CLASSES
#include "dsc/Dialect/DSCOps.h.inc"

#endif // DSC_DIALECT_DSCDIALECT_H
