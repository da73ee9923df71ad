// RUN: dsc-opt %s --split-input-file --dsc-convert-to-linalg --mlir-print-local-scope | FileCheck %s

// Tests that the float unary ops become one elementwise generic each with
// their math/arith scalar.
// CHECK-LABEL: func @unary
// CHECK: math.exp
// CHECK: math.log
// CHECK: math.sqrt
// CHECK: %[[ONE:.+]] = arith.constant 1.000000e+00 : f32
// CHECK-NEXT: arith.divf %[[ONE]], %{{.+}} : f32
// CHECK: math.floor
// CHECK: math.ceil
// CHECK: arith.negf
// CHECK: math.absf
func.func @unary(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = dsc.exp %x : tensor<4xf32>
  %1 = dsc.log %0 : tensor<4xf32>
  %2 = dsc.sqrt %1 : tensor<4xf32>
  %3 = dsc.reciprocal %2 : tensor<4xf32>
  %4 = dsc.floor %3 : tensor<4xf32>
  %5 = dsc.ceil %4 : tensor<4xf32>
  %6 = dsc.neg %5 : tensor<4xf32>
  %7 = dsc.abs %6 : tensor<4xf32>
  return %7 : tensor<4xf32>
}

// -----

// Tests that integer neg is 0 - x and integer abs is math.absi.
// CHECK-LABEL: func @integer_neg_abs
// CHECK: ^bb0(%[[X:.+]]: i64, %{{.+}}: i64):
// CHECK: %[[Z:.+]] = arith.constant 0 : i64
// CHECK: arith.subi %[[Z]], %[[X]] : i64
// CHECK: math.absi %{{.+}} : i64
func.func @integer_neg_abs(%x: tensor<3xi64>) -> tensor<3xi64> {
  %0 = dsc.neg %x : tensor<3xi64>
  %1 = dsc.abs %0 : tensor<3xi64>
  return %1 : tensor<3xi64>
}

// -----

// Tests the parametrized activations: leaky_relu and elu select on x < 0
// (elu with expm1), hard_sigmoid clamps alpha * x + beta to [0, 1], and
// hard_swish multiplies x by hard_sigmoid(x) with alpha 1/6, beta 1/2.
// CHECK-LABEL: func @params
// CHECK: ^bb0(%[[X:.+]]: f32, %{{.+}}: f32):
// CHECK: %[[A:.+]] = arith.constant 2.500000e-01 : f32
// CHECK: %[[AX:.+]] = arith.mulf %[[X]], %[[A]] : f32
// CHECK: %[[NEG:.+]] = arith.cmpf olt, %[[X]], %{{.+}} : f32
// CHECK: arith.select %[[NEG]], %[[AX]], %[[X]] : f32
// CHECK: math.expm1
// CHECK: arith.cmpf olt
// CHECK: arith.select
// CHECK: %[[AL:.+]] = arith.constant 2.000000e-01 : f32
// CHECK: arith.mulf %{{.+}}, %[[AL]] : f32
// CHECK: %[[BE:.+]] = arith.constant 5.000000e-01 : f32
// CHECK: arith.addf %{{.+}}, %[[BE]] : f32
// CHECK: arith.minimumf
// CHECK: arith.maximumf
// CHECK: ^bb0(%[[Y:.+]]: f32, %{{.+}}: f32):
// CHECK: arith.constant 0.166666672 : f32
// CHECK: arith.minimumf
// CHECK: %[[HS:.+]] = arith.maximumf
// CHECK: arith.mulf %[[Y]], %[[HS]] : f32
func.func @params(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = dsc.leaky_relu %x {alpha = 0.25 : f64} : tensor<4xf32>
  %1 = dsc.elu %0 {alpha = 1.0 : f64} : tensor<4xf32>
  %2 = dsc.hard_sigmoid %1 {alpha = 0.2 : f64, beta = 0.5 : f64} : tensor<4xf32>
  %3 = dsc.hard_swish %2 : tensor<4xf32>
  return %3 : tensor<4xf32>
}

// -----

// Tests that softplus is computed as max(x, 0) + log1p(exp(-|x|)).
// CHECK-LABEL: func @softplus
// CHECK: ^bb0(%[[X:.+]]: f32, %{{.+}}: f32):
// CHECK: %[[ABS:.+]] = math.absf %[[X]] : f32
// CHECK: %[[NEG:.+]] = arith.negf %[[ABS]] : f32
// CHECK: %[[E:.+]] = math.exp %[[NEG]] : f32
// CHECK: %[[L:.+]] = math.log1p %[[E]] : f32
// CHECK: %[[R:.+]] = arith.maximumf %[[X]], %{{.+}} : f32
// CHECK: arith.addf %[[R]], %[[L]] : f32
func.func @softplus(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = dsc.softplus %x : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Tests gelu's two forms: 0.5 x (1 + erf(x / sqrt 2)) and
// 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3))), each as one
// multiply-add of 0.5 x.
// CHECK-LABEL: func @gelu
// CHECK: ^bb0(%[[X:.+]]: f32, %{{.+}}: f32):
// CHECK: %[[C:.+]] = arith.constant 0.707106769 : f32
// CHECK: %[[S:.+]] = arith.mulf %[[X]], %[[C]] : f32
// CHECK: %[[E:.+]] = math.erf %[[S]] : f32
// CHECK: %[[H:.+]] = arith.mulf %[[X]], %{{.+}} : f32
// CHECK: math.fma %[[H]], %[[E]], %[[H]] : f32
// CHECK: ^bb0(%[[Y:.+]]: f32, %{{.+}}: f32):
// CHECK: %[[Y2:.+]] = arith.mulf %[[Y]], %[[Y]] : f32
// CHECK: %[[Y3:.+]] = arith.mulf %[[Y]], %[[Y2]] : f32
// CHECK: arith.constant 4.471500e-02 : f32
// CHECK: arith.constant 0.797884583 : f32
// CHECK: math.tanh
func.func @gelu(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %0 = dsc.gelu %x {approximate = "none"} : tensor<4xf32>
  %1 = dsc.gelu %x {approximate = "tanh"} : tensor<4xf32>
  return %0, %1 : tensor<4xf32>, tensor<4xf32>
}
