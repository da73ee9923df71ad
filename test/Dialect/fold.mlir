// RUN: dsc-opt %s --split-input-file --canonicalize | FileCheck %s

// Tests constant folding of binary ops with numpy broadcasting (float and
// integer, incl. truncating integer division).
// CHECK-LABEL: func @binary_constants
// CHECK-DAG: %[[F:.+]] = arith.constant dense<{{\[}}[1.100000e+01, 2.200000e+01], [1.300000e+01, 2.400000e+01]]> : tensor<2x2xf32>
// CHECK-DAG: %[[I:.+]] = arith.constant dense<[3, -3]> : tensor<2xi64>
// CHECK: return %[[F]], %[[I]]
func.func @binary_constants() -> (tensor<2x2xf32>, tensor<2xi64>) {
  %a = arith.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %b = arith.constant dense<[10.0, 20.0]> : tensor<2xf32>
  %s = dsc.add %a, %b : (tensor<2x2xf32>, tensor<2xf32>) -> tensor<2x2xf32>
  %i = arith.constant dense<[7, -7]> : tensor<2xi64>
  %j = arith.constant dense<2> : tensor<i64>
  %q = dsc.div %i, %j : (tensor<2xi64>, tensor<i64>) -> tensor<2xi64>
  return %s, %q : tensor<2x2xf32>, tensor<2xi64>
}

// -----

// Tests that x + 0, x * 1, 1 * x and x / 1 fold to x, but not when the
// constant broadcasts x to a larger shape.
// CHECK-LABEL: func @identities
// CHECK-SAME: (%[[X:.+]]: tensor<2x3xf32>)
// CHECK: %[[B:.+]] = dsc.add %[[X]], %{{.+}} : (tensor<2x3xf32>, tensor<4x2x3xf32>)
// CHECK: return %[[X]], %[[X]], %[[X]], %[[X]], %[[B]]
func.func @identities(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<4x2x3xf32>) {
  %zero = arith.constant dense<0.0> : tensor<3xf32>
  %one = arith.constant dense<1.0> : tensor<f32>
  %zeros = arith.constant dense<0.0> : tensor<4x2x3xf32>
  %0 = dsc.add %x, %zero : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %1 = dsc.mul %x, %one : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32>
  %2 = dsc.mul %one, %x : (tensor<f32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %3 = dsc.div %x, %one : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32>
  %4 = dsc.add %x, %zeros : (tensor<2x3xf32>, tensor<4x2x3xf32>) -> tensor<4x2x3xf32>
  return %0, %1, %2, %3, %4 : tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<4x2x3xf32>
}

// -----

// Tests that 0 - x and x / 2 are not identities.
// CHECK-LABEL: func @not_identities
// CHECK: dsc.sub
// CHECK: dsc.div
func.func @not_identities(%x: tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>) {
  %zero = arith.constant dense<0.0> : tensor<3xf32>
  %two = arith.constant dense<2.0> : tensor<3xf32>
  %0 = dsc.sub %zero, %x : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  %1 = dsc.div %x, %two : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %0, %1 : tensor<3xf32>, tensor<3xf32>
}

// -----

// Tests relu and clip on constants.
// CHECK-LABEL: func @activations
// CHECK-DAG: arith.constant dense<[0.000000e+00, 5.000000e-01, 2.000000e+00]> : tensor<3xf32>
// CHECK-DAG: arith.constant dense<[-1.000000e+00, 5.000000e-01, 1.000000e+00]> : tensor<3xf32>
// CHECK-NOT: dsc.
func.func @activations() -> (tensor<3xf32>, tensor<3xf32>) {
  %c = arith.constant dense<[-3.0, 0.5, 2.0]> : tensor<3xf32>
  %0 = dsc.relu %c : tensor<3xf32>
  %1 = dsc.clip %c {min = -1.0 : f64, max = 1.0 : f64} : tensor<3xf32>
  return %0, %1 : tensor<3xf32>, tensor<3xf32>
}

// -----

// Tests that reshape chains merge, a reshape to the same type vanishes, and
// a constant reshapes at compile time.
// CHECK-LABEL: func @reshapes
// CHECK-SAME: (%[[X:.+]]: tensor<2x6xf32>)
// CHECK-DAG: %[[C:.+]] = arith.constant dense<{{\[}}[1, 2], [3, 4]]> : tensor<2x2xi64>
// CHECK: %[[R:.+]] = dsc.reshape %[[X]] : (tensor<2x6xf32>) -> tensor<3x4xf32>
// CHECK: return %[[R]], %[[X]], %[[C]]
func.func @reshapes(%x: tensor<2x6xf32>) -> (tensor<3x4xf32>, tensor<2x6xf32>, tensor<2x2xi64>) {
  %0 = dsc.reshape %x : (tensor<2x6xf32>) -> tensor<12xf32>
  %1 = dsc.reshape %0 : (tensor<12xf32>) -> tensor<3x4xf32>
  %2 = dsc.reshape %x : (tensor<2x6xf32>) -> tensor<2x6xf32>
  %c = arith.constant dense<[1, 2, 3, 4]> : tensor<4xi64>
  %3 = dsc.reshape %c : (tensor<4xi64>) -> tensor<2x2xi64>
  return %1, %2, %3 : tensor<3x4xf32>, tensor<2x6xf32>, tensor<2x2xi64>
}

// -----

// Tests that transposes compose (and cancel), and a constant transposes at
// compile time.
// CHECK-LABEL: func @transposes
// CHECK-SAME: (%[[X:.+]]: tensor<2x3x4xf32>)
// CHECK-DAG: %[[C:.+]] = arith.constant dense<{{\[}}[1.000000e+00, 4.000000e+00], [2.000000e+00, 5.000000e+00], [3.000000e+00, 6.000000e+00]]> : tensor<3x2xf32>
// CHECK: %[[T:.+]] = dsc.transpose %[[X]] {perm = array<i64: 2, 1, 0>} : (tensor<2x3x4xf32>) -> tensor<4x3x2xf32>
// CHECK: return %[[T]], %[[X]], %[[C]]
func.func @transposes(%x: tensor<2x3x4xf32>) -> (tensor<4x3x2xf32>, tensor<2x3x4xf32>, tensor<3x2xf32>) {
  %0 = dsc.transpose %x {perm = array<i64: 1, 2, 0>} : (tensor<2x3x4xf32>) -> tensor<3x4x2xf32>
  %1 = dsc.transpose %0 {perm = array<i64: 1, 0, 2>} : (tensor<3x4x2xf32>) -> tensor<4x3x2xf32>
  %2 = dsc.transpose %x {perm = array<i64: 0, 2, 1>} : (tensor<2x3x4xf32>) -> tensor<2x4x3xf32>
  %3 = dsc.transpose %2 {perm = array<i64: 0, 2, 1>} : (tensor<2x4x3xf32>) -> tensor<2x3x4xf32>
  %c = arith.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %4 = dsc.transpose %c {perm = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return %1, %3, %4 : tensor<4x3x2xf32>, tensor<2x3x4xf32>, tensor<3x2xf32>
}

// -----

// Tests that constants concatenate at compile time (a splat among them) and
// a one-input concat is its input.
// CHECK-LABEL: func @concats
// CHECK-SAME: (%[[X:.+]]: tensor<2xi64>)
// CHECK-DAG: %[[C:.+]] = arith.constant dense<{{\[}}[1, 2, 7], [3, 4, 7]]> : tensor<2x3xi64>
// CHECK: return %[[C]], %[[X]]
func.func @concats(%x: tensor<2xi64>) -> (tensor<2x3xi64>, tensor<2xi64>) {
  %a = arith.constant dense<[[1, 2], [3, 4]]> : tensor<2x2xi64>
  %b = arith.constant dense<7> : tensor<2x1xi64>
  %0 = dsc.concat %a, %b {axis = 1 : i64} : (tensor<2x2xi64>, tensor<2x1xi64>) -> tensor<2x3xi64>
  %1 = dsc.concat %x {axis = 0 : i64} : (tensor<2xi64>) -> tensor<2xi64>
  return %0, %1 : tensor<2x3xi64>, tensor<2xi64>
}

// -----

// Tests that concat drops operands of zero elements: with one operand left
// it is that operand, with two a concat of the two.
// CHECK-LABEL: func @concat_empty
// CHECK-SAME: (%[[X:.+]]: tensor<2x3xf32>, %[[E:.+]]: tensor<2x0xf32>, %[[Y:.+]]: tensor<2x1xf32>)
// CHECK: %[[C:.+]] = dsc.concat %[[X]], %[[Y]] {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x1xf32>) -> tensor<2x4xf32>
// CHECK: return %[[X]], %[[C]]
func.func @concat_empty(%x: tensor<2x3xf32>, %e: tensor<2x0xf32>, %y: tensor<2x1xf32>) -> (tensor<2x3xf32>, tensor<2x4xf32>) {
  %0 = dsc.concat %e, %x, %e {axis = 1 : i64} : (tensor<2x0xf32>, tensor<2x3xf32>, tensor<2x0xf32>) -> tensor<2x3xf32>
  %1 = dsc.concat %x, %e, %y {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x0xf32>, tensor<2x1xf32>) -> tensor<2x4xf32>
  return %0, %1 : tensor<2x3xf32>, tensor<2x4xf32>
}
