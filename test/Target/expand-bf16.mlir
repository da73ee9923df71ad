// RUN: dsc-opt %s --dsc-expand-bf16 | FileCheck %s

// Tests that f32 -> bf16 and bf16 -> f32 conversions become integer
// arithmetic (no __truncsfbf2 call to link).
// CHECK-LABEL: func @convert
// CHECK-NOT: arith.truncf
// CHECK-NOT: arith.extf
// CHECK: arith.bitcast
// CHECK: arith.shrui
// CHECK: return
func.func @convert(%x: f32, %y: bf16) -> (bf16, f32) {
  %0 = arith.truncf %x : f32 to bf16
  %1 = arith.extf %y : bf16 to f32
  return %0, %1 : bf16, f32
}
