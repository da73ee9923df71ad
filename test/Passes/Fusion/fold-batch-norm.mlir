// RUN: dsc-opt %s --split-input-file --dsc-fold-batch-norm | FileCheck %s

// Tests that batch_norm after a conv with bias folds into new constant
// weights and bias: s = scale / sqrt(var + eps) = [2, 0.5];
// W' = W * s per output channel, b' = (b - mean) * s + shift.
// CHECK-LABEL: func @conv_bias
// CHECK-DAG:   %[[W:.+]] = arith.constant dense<2.000000e+00> : tensor<2x1x1x1xf32>
// CHECK-DAG:   %[[B:.+]] = arith.constant dense<[5.000000e+00, 1.000000e+00]> : tensor<2xf32>
// CHECK:       %[[C:.+]] = dsc.conv %arg0, %[[W]], %[[B]]
// CHECK-NOT:   dsc.batch_norm
// CHECK:       return %[[C]]
func.func @conv_bias(%x: tensor<1x1x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %w = arith.constant dense<[[[[1.0]]], [[[4.0]]]]> : tensor<2x1x1x1xf32>
  %b = arith.constant dense<[3.0, 2.0]> : tensor<2xf32>
  %scale = arith.constant dense<[2.0, 1.0]> : tensor<2xf32>
  %shift = arith.constant dense<[1.0, 0.0]> : tensor<2xf32>
  %mean = arith.constant dense<[1.0, 0.0]> : tensor<2xf32>
  %var = arith.constant dense<[1.0, 4.0]> : tensor<2xf32>
  %c = dsc.conv %x, %w, %b {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  %y = dsc.batch_norm %c, %scale, %shift, %mean, %var {epsilon = 0.0 : f64} : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  return %y : tensor<1x2x4x4xf32>
}

// -----

// Tests that a conv without bias gets one: b' = -mean * s + shift.
// CHECK-LABEL: func @conv_no_bias
// CHECK-DAG:   %[[B:.+]] = arith.constant dense<[-1.000000e+00, 0.000000e+00]> : tensor<2xf32>
// CHECK:       dsc.conv %arg0, %{{.+}}, %[[B]]
// CHECK-NOT:   dsc.batch_norm
func.func @conv_no_bias(%x: tensor<1x1x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %w = arith.constant dense<1.0> : tensor<2x1x1x1xf32>
  %scale = arith.constant dense<[2.0, 1.0]> : tensor<2xf32>
  %shift = arith.constant dense<[1.0, 0.0]> : tensor<2xf32>
  %mean = arith.constant dense<[1.0, 0.0]> : tensor<2xf32>
  %var = arith.constant dense<[1.0, 4.0]> : tensor<2xf32>
  %c = dsc.conv %x, %w {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %y = dsc.batch_norm %c, %scale, %shift, %mean, %var {epsilon = 0.0 : f64} : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  return %y : tensor<1x2x4x4xf32>
}

// -----

// Tests that nothing folds when the conv result has a second use.
// CHECK-LABEL: func @conv_second_use
// CHECK: dsc.conv
// CHECK: dsc.batch_norm
func.func @conv_second_use(%x: tensor<1x1x4x4xf32>) -> (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) {
  %w = arith.constant dense<1.0> : tensor<2x1x1x1xf32>
  %p = arith.constant dense<1.0> : tensor<2xf32>
  %c = dsc.conv %x, %w {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %y = dsc.batch_norm %c, %p, %p, %p, %p {epsilon = 1.0e-05 : f64} : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  return %y, %c : tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>
}

// -----

// Tests that nothing folds when the statistics are not constants.
// CHECK-LABEL: func @runtime_statistics
// CHECK: dsc.conv
// CHECK: dsc.batch_norm
func.func @runtime_statistics(%x: tensor<1x1x4x4xf32>, %mean: tensor<2xf32>) -> tensor<1x2x4x4xf32> {
  %w = arith.constant dense<1.0> : tensor<2x1x1x1xf32>
  %p = arith.constant dense<1.0> : tensor<2xf32>
  %c = dsc.conv %x, %w {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %y = dsc.batch_norm %c, %p, %p, %mean, %p {epsilon = 1.0e-05 : f64} : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  return %y : tensor<1x2x4x4xf32>
}

// -----

// Tests that a batch_norm whose input is not a conv stays.
// CHECK-LABEL: func @not_conv
// CHECK: dsc.batch_norm
func.func @not_conv(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %p = arith.constant dense<1.0> : tensor<2xf32>
  %y = dsc.batch_norm %x, %p, %p, %p, %p {epsilon = 1.0e-05 : f64} : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  return %y : tensor<1x2x4x4xf32>
}
