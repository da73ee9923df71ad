// RUN: dsc-opt %s --split-input-file --dsc-approximate-math | FileCheck %s
// RUN: dsc-opt %s --split-input-file --dsc-approximate-math="scalef=true" | FileCheck %s --check-prefix=SCALEF

// Tests that f32 exp, tanh and erf (scalar and vector) become arithmetic,
// and that f64 exp and f32 log are left to libm.
// CHECK-LABEL: func @approximated
// CHECK-NOT:   math.exp
// CHECK-NOT:   math.tanh
// CHECK-NOT:   math.erf
// CHECK:       return
func.func @approximated(%x: f32, %v: vector<16xf32>) -> (f32, f32, vector<16xf32>) {
  %e = math.exp %x : f32
  %t = math.tanh %x : f32
  %r = math.erf %v : vector<16xf32>
  return %e, %t, %r : f32, f32, vector<16xf32>
}

// -----

// CHECK-LABEL: func @left_to_libm
// CHECK:       math.exp {{.*}} : f64
// CHECK:       math.log {{.*}} : f32
func.func @left_to_libm(%x: f64, %y: f32) -> (f64, f32) {
  %e = math.exp %x : f64
  %l = math.log %y : f32
  return %e, %l : f64, f32
}

// -----

// Tests that f32 erf is one rational function of the argument clamped to
// [-4, 4]: an odd numerator (x times 7 terms in x^2) over an even
// denominator (5 terms), one division, no select between pieces.
// CHECK-LABEL: func @erf_rational
// CHECK:       %[[LO:.*]] = arith.maximumf %arg0, %{{.*}} : vector<16xf32>
// CHECK:       %[[X:.*]] = arith.minimumf %[[LO]], %{{.*}} : vector<16xf32>
// CHECK:       %[[X2:.*]] = arith.mulf %[[X]], %[[X]] : vector<16xf32>
// CHECK-COUNT-6: math.fma %[[X2]]
// CHECK:       %[[P:.*]] = arith.mulf %[[X]], %{{.*}} : vector<16xf32>
// CHECK-COUNT-4: math.fma %[[X2]]
// CHECK:       arith.divf %[[P]], %{{.*}} : vector<16xf32>
// CHECK-NOT:   arith.select
// CHECK:       return
func.func @erf_rational(%v: vector<16xf32>) -> vector<16xf32> {
  %r = math.erf %v : vector<16xf32>
  return %r : vector<16xf32>
}

// -----

// Tests that with scalef (AVX-512) f32 exp clamps its argument to [-104,
// 89] (nsz: one vmaxps/vminps each, NaN kept), rounds k = x log2 e by
// adding and subtracting 1.5 * 2^23 (no roundeven), reduces r = x - k ln 2
// in two parts, evaluates a degree-6 polynomial in r as 6 FMAs and scales it
// by 2^k with vscalefps on the float k (16 lanes at a time; llvm.ldexp of
// an integer k for other widths), no range selects. exp(-y) takes y as it
// is, the sign folded into the clamp and the constants.
// Without it, upstream's approximation (selects for the range).
// SCALEF-LABEL: func @exp_scalef
// SCALEF:       %[[LO:.*]] = arith.maximumf %arg0, %{{.*}} fastmath<nsz> : vector<16xf32>
// SCALEF:       %[[X:.*]] = arith.minimumf %[[LO]], %{{.*}} fastmath<nsz> : vector<16xf32>
// SCALEF:       %[[KM:.*]] = math.fma %[[X]], %{{.*}}, %[[M:.*]] : vector<16xf32>
// SCALEF:       %[[K:.*]] = arith.subf %[[KM]], %[[M]] : vector<16xf32>
// SCALEF-NOT:   math.roundeven
// SCALEF:       math.fma %[[K]], %{{.*}}, %[[X]] : vector<16xf32>
// SCALEF:       %[[R:.*]] = math.fma %[[K]]
// SCALEF-COUNT-5: math.fma %{{.*}}, %[[R]]
// SCALEF:       %[[E:.*]] = math.fma %{{.*}}, %[[R]]
// SCALEF-NOT:   arith.mulf
// SCALEF-NOT:   arith.fptosi
// SCALEF:       llvm.call_intrinsic "llvm.x86.avx512.mask.scalef.ps.512"(%[[E]], %[[K]], %[[E]], %{{.*}}, %{{.*}}) : (vector<16xf32>, vector<16xf32>, vector<16xf32>, i16, i32) -> vector<16xf32>
// SCALEF-NOT:   arith.select
// SCALEF-LABEL: func @exp_scalef_wide
// SCALEF-COUNT-2: vector.extract_strided_slice %{{.*}} {offsets = [0], sizes = [16], strides = [1]} : vector<32xf32> to vector<16xf32>
// SCALEF:       llvm.call_intrinsic "llvm.x86.avx512.mask.scalef.ps.512"
// SCALEF:       vector.insert_strided_slice %{{.*}} {offsets = [0], strides = [1]} : vector<16xf32> into vector<32xf32>
// SCALEF-COUNT-2: vector.extract_strided_slice %{{.*}} {offsets = [16], sizes = [16], strides = [1]} : vector<32xf32> to vector<16xf32>
// SCALEF:       llvm.call_intrinsic "llvm.x86.avx512.mask.scalef.ps.512"
// SCALEF:       vector.insert_strided_slice %{{.*}} {offsets = [16], strides = [1]} : vector<16xf32> into vector<32xf32>
// SCALEF-LABEL: func @exp_scalef_negated
// SCALEF-NOT:   arith.negf
// SCALEF-DAG:   %[[B89:.*]] = arith.constant dense<-8.900000e+01>
// SCALEF-DAG:   %[[B104:.*]] = arith.constant dense<1.040000e+02>
// SCALEF:       %[[LO:.*]] = arith.maximumf %arg0, %[[B89]] fastmath<nsz> : vector<16xf32>
// SCALEF:       arith.minimumf %[[LO]], %[[B104]] fastmath<nsz> : vector<16xf32>
// SCALEF-NOT:   arith.negf
// SCALEF:       return
// SCALEF-LABEL: func @exp_scalef_narrow
// SCALEF:       %[[N:.*]] = arith.fptosi %{{.*}} : vector<8xf32> to vector<8xi32>
// SCALEF:       llvm.call_intrinsic "llvm.ldexp"(%{{.*}}, %[[N]]) : (vector<8xf32>, vector<8xi32>) -> vector<8xf32>
// CHECK-LABEL: func @exp_scalef
// CHECK:       arith.select
// CHECK-NOT:   llvm.call_intrinsic
func.func @exp_scalef(%v: vector<16xf32>) -> vector<16xf32> {
  %e = math.exp %v : vector<16xf32>
  return %e : vector<16xf32>
}
func.func @exp_scalef_wide(%v: vector<32xf32>) -> vector<32xf32> {
  %e = math.exp %v : vector<32xf32>
  return %e : vector<32xf32>
}
func.func @exp_scalef_negated(%v: vector<16xf32>) -> vector<16xf32> {
  %n = arith.negf %v : vector<16xf32>
  %e = math.exp %n : vector<16xf32>
  return %e : vector<16xf32>
}
func.func @exp_scalef_narrow(%v: vector<8xf32>) -> vector<8xf32> {
  %e = math.exp %v : vector<8xf32>
  return %e : vector<8xf32>
}

// -----

// Tests that erf of a constant multiple c x (GELU's x / sqrt 2) folds c into
// the clamp (+-4 / c) and the coefficients: no multiply of the argument.
// CHECK-LABEL: func @erf_scaled
// CHECK:       %[[LO:.*]] = arith.maximumf %arg0, %{{.*}} fastmath<nsz> : vector<16xf32>
// CHECK:       %[[X:.*]] = arith.minimumf %[[LO]], %{{.*}} fastmath<nsz> : vector<16xf32>
// CHECK:       arith.mulf %[[X]], %[[X]] : vector<16xf32>
// CHECK-NOT:   arith.mulf %arg0
func.func @erf_scaled(%v: vector<16xf32>) -> vector<16xf32> {
  %c = arith.constant dense<0.707106769> : vector<16xf32>
  %s = arith.mulf %v, %c : vector<16xf32>
  %e = math.erf %s : vector<16xf32>
  return %e : vector<16xf32>
}
