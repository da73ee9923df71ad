// RUN: dsc-opt %s --dsc-expand-bf16 | FileCheck %s
// RUN: dsc-opt %s --dsc-expand-bf16=native-truncf=true | FileCheck %s --check-prefix=NATIVE

// Tests that f32 -> bf16 and bf16 -> f32 conversions become integer
// arithmetic (no __truncsfbf2 call to link).
// CHECK-LABEL: func @convert
// CHECK-NOT: arith.truncf
// CHECK-NOT: arith.extf
// CHECK: arith.bitcast
// CHECK: arith.shrui
// CHECK: return
// With native-truncf (AVX512-BF16) the truncation stays for LLVM
// (vcvtneps2bf16); the extension still becomes a shift.
// NATIVE-LABEL: func @convert
// NATIVE: arith.truncf %{{.*}} : f32 to bf16
// NATIVE-NOT: arith.extf
// NATIVE: return
func.func @convert(%x: f32, %y: bf16) -> (bf16, f32) {
  %0 = arith.truncf %x : f32 to bf16
  %1 = arith.extf %y : bf16 to f32
  return %0, %1 : bf16, f32
}
