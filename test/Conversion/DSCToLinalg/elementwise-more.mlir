// RUN: dsc-opt %s --split-input-file --dsc-convert-to-linalg --mlir-print-local-scope | FileCheck %s

// Tests that the trigonometric, hyperbolic and rounding ops become their
// math ops (round halves to even).
// CHECK-LABEL: func @math_unary
// CHECK: math.sin
// CHECK: math.cos
// CHECK: math.tan
// CHECK: math.asin
// CHECK: math.acos
// CHECK: math.atan
// CHECK: math.sinh
// CHECK: math.cosh
// CHECK: math.asinh
// CHECK: math.acosh
// CHECK: math.atanh
// CHECK: math.roundeven
func.func @math_unary(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = dsc.sin %x : tensor<4xf32>
  %1 = dsc.cos %0 : tensor<4xf32>
  %2 = dsc.tan %1 : tensor<4xf32>
  %3 = dsc.asin %2 : tensor<4xf32>
  %4 = dsc.acos %3 : tensor<4xf32>
  %5 = dsc.atan %4 : tensor<4xf32>
  %6 = dsc.sinh %5 : tensor<4xf32>
  %7 = dsc.cosh %6 : tensor<4xf32>
  %8 = dsc.asinh %7 : tensor<4xf32>
  %9 = dsc.acosh %8 : tensor<4xf32>
  %10 = dsc.atanh %9 : tensor<4xf32>
  %11 = dsc.round %10 : tensor<4xf32>
  return %11 : tensor<4xf32>
}

// -----

// Tests that the bool ops are bitwise i1 ops (not is xor with true).
// CHECK-LABEL: func @logical
// CHECK: arith.andi %{{.+}}, %{{.+}} : i1
// CHECK: arith.ori %{{.+}}, %{{.+}} : i1
// CHECK: arith.xori %{{.+}}, %{{.+}} : i1
// CHECK: %[[T:.+]] = arith.constant true
// CHECK: arith.xori %{{.+}}, %[[T]] : i1
func.func @logical(%a: tensor<2x3xi1>, %b: tensor<3xi1>) -> tensor<2x3xi1> {
  %0 = dsc.and %a, %b : (tensor<2x3xi1>, tensor<3xi1>) -> tensor<2x3xi1>
  %1 = dsc.or %0, %b : (tensor<2x3xi1>, tensor<3xi1>) -> tensor<2x3xi1>
  %2 = dsc.xor %1, %a : (tensor<2x3xi1>, tensor<2x3xi1>) -> tensor<2x3xi1>
  %3 = dsc.not %2 : tensor<2x3xi1>
  return %3 : tensor<2x3xi1>
}

// -----

// Tests that integer Mod without fmod corrects remsi toward the divisor's
// sign, with fmod is remsi alone, unsigned is remui, float is remf.
// CHECK-LABEL: func @mod
// CHECK: %[[R:.+]] = arith.remsi
// CHECK: arith.xori
// CHECK: %[[SUM:.+]] = arith.addi %[[R]]
// CHECK: arith.select %{{.+}}, %[[SUM]], %[[R]] : i32
// CHECK: arith.remsi
// CHECK-NOT: arith.select
// CHECK: arith.remui
// CHECK: arith.remf
func.func @mod(%a: tensor<4xi32>, %b: tensor<4xi32>, %c: tensor<4xf32>)
    -> (tensor<4xi32>, tensor<4xi32>, tensor<4xi32>, tensor<4xf32>) {
  %0 = dsc.mod %a, %b {fmod = false} : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  %1 = dsc.mod %a, %b {fmod = true} : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  %2 = dsc.mod %a, %b {fmod = false, is_unsigned} : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  %3 = dsc.mod %c, %c {fmod = true} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0, %1, %2, %3 : tensor<4xi32>, tensor<4xi32>, tensor<4xi32>, tensor<4xf32>
}

// -----

// Tests that BitShift left is shli and right is the logical shrui.
// CHECK-LABEL: func @bit_shift
// CHECK: arith.shli %{{.+}}, %{{.+}} : i8
// CHECK: arith.shrui %{{.+}}, %{{.+}} : i8
func.func @bit_shift(%a: tensor<4xi8>, %b: tensor<4xi8>) -> tensor<4xi8> {
  %0 = dsc.bit_shift %a, %b {left = true} : (tensor<4xi8>, tensor<4xi8>) -> tensor<4xi8>
  %1 = dsc.bit_shift %0, %b {left = false} : (tensor<4xi8>, tensor<4xi8>) -> tensor<4xi8>
  return %1 : tensor<4xi8>
}

// -----

// Tests IsNaN as an unordered self-comparison and IsInf comparing with the
// infinities its flags select.
// CHECK-LABEL: func @float_tests
// CHECK: arith.cmpf uno
// CHECK: arith.constant 0x7F800000 : f32
// CHECK-NOT: 0xFF800000
// CHECK: return
func.func @float_tests(%x: tensor<4xf32>) -> (tensor<4xi1>, tensor<4xi1>) {
  %0 = dsc.is_nan %x : (tensor<4xf32>) -> tensor<4xi1>
  %1 = dsc.is_inf %x {detect_negative = false, detect_positive = true} : (tensor<4xf32>) -> tensor<4xi1>
  return %0, %1 : tensor<4xi1>, tensor<4xi1>
}

// -----

// Tests that PRelu reads the slope broadcast to the input's shape and
// selects slope * x for negative x.
// CHECK-LABEL: func @prelu
// CHECK: linalg.generic
// CHECK-SAME: affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>
// CHECK: ^bb0(%[[X:.+]]: f32, %[[S:.+]]: f32, %{{.+}}: f32):
// CHECK: %[[M:.+]] = arith.mulf %[[X]], %[[S]]
// CHECK: %[[NEG:.+]] = arith.cmpf olt, %[[X]]
// CHECK: arith.select %[[NEG]], %[[M]], %[[X]]
func.func @prelu(%x: tensor<2x3xf32>, %s: tensor<3xf32>) -> tensor<2x3xf32> {
  %0 = dsc.prelu %x, %s : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Tests the parametrized activations' scalar bodies lower (Selu, Celu via
// expm1, ThresholdedRelu, Shrink), and Sign, Softsign, Mish.
// CHECK-LABEL: func @params
// CHECK: math.expm1
// CHECK: math.expm1
// CHECK: arith.cmpf ogt
// CHECK: arith.cmpf olt
// CHECK: arith.cmpf ogt
// CHECK: math.absf
// CHECK: math.tanh
func.func @params(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = dsc.selu %x {alpha = 1.5 : f64, gamma = 1.0 : f64} : tensor<4xf32>
  %1 = dsc.celu %0 {alpha = 2.0 : f64} : tensor<4xf32>
  %2 = dsc.thresholded_relu %1 {alpha = 1.0 : f64} : tensor<4xf32>
  %3 = dsc.shrink %2 {bias = 0.0 : f64, lambd = 0.5 : f64} : tensor<4xf32>
  %4 = dsc.softsign %3 : tensor<4xf32>
  %5 = dsc.mish %4 : tensor<4xf32>
  return %5 : tensor<4xf32>
}

// -----

// Tests that integer Sign selects -1, 1 or x with signed comparisons.
// CHECK-LABEL: func @sign_int
// CHECK: arith.cmpi sgt
// CHECK: arith.cmpi slt
// CHECK: arith.select
// CHECK: arith.select
func.func @sign_int(%x: tensor<4xi64>) -> tensor<4xi64> {
  %0 = dsc.sign %x : tensor<4xi64>
  return %0 : tensor<4xi64>
}

// -----

// Tests that an integer base to an integer exponent is exact integer code
// (square-and-multiply over the exponent's bits, no float math), and that a
// float exponent computes in f64 and truncates to the base's type.
// CHECK-LABEL: func @pow_int
// CHECK: linalg.generic
// CHECK-NOT: math.powf
// CHECK: arith.muli
// CHECK: arith.select
// CHECK: linalg.generic
// CHECK: arith.sitofp %{{.+}} : i32 to f64
// CHECK: math.powf %{{.+}}, %{{.+}} : f64
// CHECK: arith.fptosi %{{.+}} : f64 to i32
func.func @pow_int(%b: tensor<4xi32>, %e: tensor<4xi8>, %f: tensor<4xf32>) -> (tensor<4xi32>, tensor<4xi32>) {
  %0 = dsc.pow %b, %e : (tensor<4xi32>, tensor<4xi8>) -> tensor<4xi32>
  %1 = dsc.pow %b, %f : (tensor<4xi32>, tensor<4xf32>) -> tensor<4xi32>
  return %0, %1 : tensor<4xi32>, tensor<4xi32>
}
