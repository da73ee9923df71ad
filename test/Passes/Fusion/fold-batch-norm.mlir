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

// -----

// Tests batch_norm after a gemm with trans_b and a row bias: s = [2, 0.5],
// t = shift - mean * s = [1, 0]; B rows (output columns) scale by s,
// C' = beta * C * s + t = [2 * 3 * 2 + 1, 2 * 2 * 0.5] = [13, 2], beta' = 1.
// CHECK-LABEL: func @gemm_trans_b
// CHECK-DAG: %[[B:.+]] = arith.constant dense<{{\[}}[2.000000e+00, 4.000000e+00], [5.000000e-01, 1.000000e+00]]> : tensor<2x2xf32>
// CHECK-DAG: %[[C:.+]] = arith.constant dense<[1.300000e+01, 2.000000e+00]> : tensor<2xf32>
// CHECK: dsc.gemm %arg0, %[[B]], %[[C]] {alpha = 1.000000e+00 : f64, beta = 1.000000e+00 : f64, trans_a = false, trans_b = true}
// CHECK-NOT: dsc.batch_norm
func.func @gemm_trans_b(%x: tensor<3x2xf32>) -> tensor<3x2xf32> {
  %w = arith.constant dense<[[1.0, 2.0], [1.0, 2.0]]> : tensor<2x2xf32>
  %c = arith.constant dense<[[3.0, 2.0]]> : tensor<1x2xf32>
  %scale = arith.constant dense<[2.0, 1.0]> : tensor<2xf32>
  %shift = arith.constant dense<[1.0, 0.0]> : tensor<2xf32>
  %mean = arith.constant dense<[0.0, 0.0]> : tensor<2xf32>
  %var = arith.constant dense<[1.0, 4.0]> : tensor<2xf32>
  %g = dsc.gemm %x, %w, %c {alpha = 1.0 : f64, beta = 2.0 : f64, trans_a = false, trans_b = true} : (tensor<3x2xf32>, tensor<2x2xf32>, tensor<1x2xf32>) -> tensor<3x2xf32>
  %y = dsc.batch_norm %g, %scale, %shift, %mean, %var {epsilon = 0.0 : f64} : (tensor<3x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}

// -----

// Tests a gemm without C (B not transposed: columns scale): C' = t.
// CHECK-LABEL: func @gemm_no_c
// CHECK-DAG: %[[B:.+]] = arith.constant dense<{{\[}}[2.000000e+00, 5.000000e-01]]> : tensor<1x2xf32>
// CHECK-DAG: %[[C:.+]] = arith.constant dense<[-1.000000e+00, 0.000000e+00]> : tensor<2xf32>
// CHECK: dsc.gemm %arg0, %[[B]], %[[C]]
func.func @gemm_no_c(%x: tensor<3x1xf32>) -> tensor<3x2xf32> {
  %w = arith.constant dense<[[1.0, 1.0]]> : tensor<1x2xf32>
  %scale = arith.constant dense<[2.0, 1.0]> : tensor<2xf32>
  %shift = arith.constant dense<[1.0, 0.0]> : tensor<2xf32>
  %mean = arith.constant dense<[1.0, 0.0]> : tensor<2xf32>
  %var = arith.constant dense<[1.0, 4.0]> : tensor<2xf32>
  %g = dsc.gemm %x, %w {alpha = 1.0 : f64, beta = 1.0 : f64, trans_a = false, trans_b = false} : (tensor<3x1xf32>, tensor<1x2xf32>) -> tensor<3x2xf32>
  %y = dsc.batch_norm %g, %scale, %shift, %mean, %var {epsilon = 0.0 : f64} : (tensor<3x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}

// -----

// Tests that a gemm whose B is computed is left alone.
// CHECK-LABEL: func @gemm_runtime_b
// CHECK: dsc.gemm
// CHECK: dsc.batch_norm
func.func @gemm_runtime_b(%x: tensor<3x2xf32>, %w: tensor<2x2xf32>) -> tensor<3x2xf32> {
  %scale = arith.constant dense<[2.0, 1.0]> : tensor<2xf32>
  %shift = arith.constant dense<[1.0, 0.0]> : tensor<2xf32>
  %mean = arith.constant dense<[1.0, 0.0]> : tensor<2xf32>
  %var = arith.constant dense<[1.0, 4.0]> : tensor<2xf32>
  %g = dsc.gemm %x, %w {alpha = 1.0 : f64, beta = 1.0 : f64, trans_a = false, trans_b = false} : (tensor<3x2xf32>, tensor<2x2xf32>) -> tensor<3x2xf32>
  %y = dsc.batch_norm %g, %scale, %shift, %mean, %var {epsilon = 0.0 : f64} : (tensor<3x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}
