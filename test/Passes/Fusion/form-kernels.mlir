// RUN: dsc-opt %s --split-input-file --dsc-form-kernels | FileCheck %s

// Tests that a conv takes its residual add and relu: one kernel at the relu's
// place, named root first, yielding the relu.
// CHECK-LABEL: func @conv_residual_relu
// CHECK: %[[K:.+]] = dsc.kernel "conv+add+relu" : tensor<1x4x8x8xf32> {
// CHECK-NEXT: %[[C:.+]] = dsc.conv
// CHECK-NEXT: %[[A:.+]] = dsc.add %[[C]], %arg1
// CHECK-NEXT: %[[R:.+]] = dsc.relu %[[A]]
// CHECK-NEXT: dsc.yield %[[R]] : tensor<1x4x8x8xf32>
// CHECK-NEXT: }
// CHECK-NEXT: return %[[K]]
func.func @conv_residual_relu(%x: tensor<1x3x8x8xf32>, %r: tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32> {
  %w = arith.constant dense<0.5> : tensor<4x3x3x3xf32>
  %c = dsc.conv %x, %w {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32>
  %a = dsc.add %c, %r : (tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  %y = dsc.relu %a : tensor<1x4x8x8xf32>
  return %y : tensor<1x4x8x8xf32>
}

// -----

// Tests SiLU, x * sigmoid(x): the root's value has two users, both inside
// the kernel.
// CHECK-LABEL: func @matmul_bias_silu
// CHECK: dsc.kernel "matmul+add+sigmoid+mul"
// CHECK: dsc.matmul
// CHECK: %[[B:.+]] = dsc.add
// CHECK: %[[S:.+]] = dsc.sigmoid %[[B]]
// CHECK: %[[M:.+]] = dsc.mul %[[B]], %[[S]]
// CHECK: dsc.yield %[[M]]
func.func @matmul_bias_silu(%x: tensor<2x8xf32>, %w: tensor<8x16xf32>, %b: tensor<16xf32>) -> tensor<2x16xf32> {
  %m = dsc.matmul %x, %w : (tensor<2x8xf32>, tensor<8x16xf32>) -> tensor<2x16xf32>
  %a = dsc.add %m, %b : (tensor<2x16xf32>, tensor<16xf32>) -> tensor<2x16xf32>
  %s = dsc.sigmoid %a : tensor<2x16xf32>
  %y = dsc.mul %a, %s : (tensor<2x16xf32>, tensor<2x16xf32>) -> tensor<2x16xf32>
  return %y : tensor<2x16xf32>
}

// -----

// Tests that an activation with a second use ends the kernel: the relu is
// the kernel's result, its two users stay outside (and form no chain: each
// is a single op).
// CHECK-LABEL: func @activation_two_uses
// CHECK: %[[K:.+]] = dsc.kernel "gemm+relu"
// CHECK: dsc.yield
// CHECK: dsc.sigmoid %[[K]]
// CHECK: dsc.tanh %[[K]]
func.func @activation_two_uses(%x: tensor<1x8xf32>, %w: tensor<4x8xf32>) -> (tensor<1x4xf32>, tensor<1x4xf32>) {
  %g = dsc.gemm %x, %w {alpha = 1.0 : f64, beta = 1.0 : f64, trans_a = false, trans_b = true} : (tensor<1x8xf32>, tensor<4x8xf32>) -> tensor<1x4xf32>
  %r = dsc.relu %g : tensor<1x4xf32>
  %s = dsc.sigmoid %r : tensor<1x4xf32>
  %t = dsc.tanh %r : tensor<1x4xf32>
  return %s, %t : tensor<1x4xf32>, tensor<1x4xf32>
}

// -----

// Tests that a root whose result is also used outside is not fused: the
// epilogue cannot run in place on a value someone else reads.
// CHECK-LABEL: func @root_escapes
// CHECK-NOT: dsc.kernel
// CHECK: dsc.conv
// CHECK: dsc.relu
func.func @root_escapes(%x: tensor<1x3x8x8xf32>) -> (tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>) {
  %w = arith.constant dense<0.5> : tensor<4x3x3x3xf32>
  %c = dsc.conv %x, %w {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32>
  %y = dsc.relu %c : tensor<1x4x8x8xf32>
  return %c, %y : tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>
}

// -----

// Tests that a consumer which broadcasts the root to a larger shape is not
// part of its epilogue (it iterates another space).
// CHECK-LABEL: func @broadcast_up
// CHECK-NOT: dsc.kernel
func.func @broadcast_up(%x: tensor<1x8xf32>, %w: tensor<8x4xf32>, %t: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %m = dsc.matmul %x, %w : (tensor<1x8xf32>, tensor<8x4xf32>) -> tensor<1x4xf32>
  %y = dsc.add %m, %t : (tensor<1x4xf32>, tensor<3x4xf32>) -> tensor<3x4xf32>
  return %y : tensor<3x4xf32>
}

// -----

// Tests an elementwise chain without a contraction root (x * 0.5 * (1 +
// erf(x * c)), the erf form of GELU): one kernel.
// CHECK-LABEL: func @elementwise_chain
// CHECK: dsc.kernel "mul+erf+add+mul+mul"
// CHECK-COUNT-5: dsc.{{mul|erf|add}}
// CHECK: dsc.yield
func.func @elementwise_chain(%x: tensor<2x16xf32>) -> tensor<2x16xf32> {
  %c = arith.constant dense<0.70710678> : tensor<f32>
  %one = arith.constant dense<1.0> : tensor<f32>
  %half = arith.constant dense<0.5> : tensor<f32>
  %0 = dsc.mul %x, %c : (tensor<2x16xf32>, tensor<f32>) -> tensor<2x16xf32>
  %1 = dsc.erf %0 : tensor<2x16xf32>
  %2 = dsc.add %1, %one : (tensor<2x16xf32>, tensor<f32>) -> tensor<2x16xf32>
  %3 = dsc.mul %x, %2 : (tensor<2x16xf32>, tensor<2x16xf32>) -> tensor<2x16xf32>
  %4 = dsc.mul %3, %half : (tensor<2x16xf32>, tensor<f32>) -> tensor<2x16xf32>
  return %4 : tensor<2x16xf32>
}

// -----

// Tests that an op between the root and its epilogue that does not use the
// group stays where it is, and the kernel moves to the epilogue's place.
// CHECK-LABEL: func @interleaved
// CHECK: %[[T:.+]] = dsc.tanh %arg1
// CHECK: dsc.kernel "matmul+add"
// CHECK: dsc.add %{{.+}}, %[[T]]
func.func @interleaved(%x: tensor<2x8xf32>, %y: tensor<2x4xf32>, %w: tensor<8x4xf32>) -> tensor<2x4xf32> {
  %m = dsc.matmul %x, %w : (tensor<2x8xf32>, tensor<8x4xf32>) -> tensor<2x4xf32>
  %t = dsc.tanh %y : tensor<2x4xf32>
  %a = dsc.add %m, %t : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  return %a : tensor<2x4xf32>
}
