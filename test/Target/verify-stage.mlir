// RUN: split-file %s %t
// RUN: dsc-opt %t/linalg.mlir --dsc-verify-stage=stage=linalg | FileCheck %t/linalg.mlir
// RUN: dsc-opt %t/linalg.mlir --dsc-verify-stage | FileCheck %t/linalg.mlir
// RUN: dsc-opt %t/llvm.mlir --dsc-verify-stage=stage=llvm | FileCheck %t/llvm.mlir
// RUN: dsc-opt %t/invalid.mlir --split-input-file --dsc-verify-stage=stage=linalg --verify-diagnostics
// RUN: dsc-opt %t/invalid-llvm.mlir --dsc-verify-stage=stage=llvm --verify-diagnostics
// RUN: not dsc-opt %t/linalg.mlir --dsc-verify-stage=stage=tensor 2>&1 | FileCheck %s --check-prefix=STAGE

// Tests that an unknown stage name is rejected.
// STAGE: error: unknown stage 'tensor' (expected linalg or llvm)

//--- linalg.mlir
// Tests that linalg, tensor, arith and func ops pass the linalg stage
// unchanged (the default stage).
// CHECK-LABEL: func @lowered
// CHECK: tensor.empty
// CHECK: linalg.fill
// CHECK: return
func.func @lowered(%x: tensor<4xf32>) -> tensor<4xf32> {
  %cst = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4xf32>
  %f = linalg.fill ins(%cst : f32) outs(%e : tensor<4xf32>) -> tensor<4xf32>
  return %f : tensor<4xf32>
}

//--- llvm.mlir
// Tests that a module of LLVM dialect ops passes the llvm stage.
// CHECK-LABEL: llvm.func @lowered
// CHECK: llvm.return
llvm.func @lowered(%p: !llvm.ptr) {
  %c = llvm.mlir.constant(1.0 : f32) : f32
  llvm.store %c, %p : f32, !llvm.ptr
  llvm.return
}

//--- invalid.mlir
// Tests that a dsc op left at the linalg stage is reported at its location.
func.func @leftover(%x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{'dsc.relu' has no lowering to linalg for these operand types and attributes; this model cannot be compiled yet}}
  %0 = dsc.relu %x : tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

// Tests that every leftover dsc op is reported, not only the first.
func.func @two_leftovers(%x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{'dsc.sigmoid' has no lowering to linalg}}
  %0 = dsc.sigmoid %x : tensor<2xf32>
  // expected-error @+1 {{'dsc.tanh' has no lowering to linalg}}
  %1 = dsc.tanh %0 : tensor<2xf32>
  return %1 : tensor<2xf32>
}

//--- invalid-llvm.mlir
// Tests that a non-LLVM op (here the func and its return) left at the llvm
// stage is reported.
// expected-error @+1 {{'func.func' survived the lowering to LLVM (a missing conversion in the CPU pipeline)}}
func.func @not_lowered() {
  // expected-error @+1 {{'func.return' survived the lowering to LLVM}}
  return
}
