// RUN: dsc-opt %s --split-input-file --dsc-check-batch --verify-diagnostics --allow-unregistered-dialect | FileCheck %s

// Tests that a CNN-style chain (conv, batch norm, relu, pool, flatten
// reshape, gemm with shared weights) keeps samples apart and that its
// result is recorded as a batch output.
// CHECK-LABEL: func @cnn
// CHECK-SAME:  dsc.batch_outputs = array<i64: 0>
func.func @cnn(%x: tensor<1x2x4x4xf32>) -> tensor<1x3xf32>
    attributes {dsc.batch_inputs = array<i64: 0>} {
  %w = arith.constant dense<1.0> : tensor<4x2x3x3xf32>
  %s = arith.constant dense<1.0> : tensor<4xf32>
  %fw = arith.constant dense<1.0> : tensor<3x16xf32>
  %c = dsc.conv %x, %w {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x2x4x4xf32>, tensor<4x2x3x3xf32>) -> tensor<1x4x4x4xf32>
  %b = dsc.batch_norm %c, %s, %s, %s, %s {epsilon = 1.0e-05 : f64} : (tensor<1x4x4x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x4x4xf32>
  %r = dsc.relu %b : tensor<1x4x4x4xf32>
  %p = dsc.max_pool %r {ceil_mode = false, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x4x4x4xf32>) -> tensor<1x4x2x2xf32>
  %f = dsc.reshape %p : (tensor<1x4x2x2xf32>) -> tensor<1x16xf32>
  %g = dsc.gemm %f, %fw {alpha = 1.0 : f64, beta = 1.0 : f64, trans_a = false, trans_b = true} : (tensor<1x16xf32>, tensor<3x16xf32>) -> tensor<1x3xf32>
  return %g : tensor<1x3xf32>
}

// -----

// Tests a transformer-style block: per-sample matmuls, softmax and layer
// norm over later axes, a head transpose keeping dim 0, shared weights; a
// shared output (the second) is not a batch output.
// CHECK-LABEL: func @block
// CHECK-SAME:  dsc.batch_outputs = array<i64: 0>}
func.func @block(%x: tensor<1x4x8xf32>, %bias: tensor<1x1x8xf32>) -> (tensor<1x4x8xf32>, tensor<8xf32>)
    attributes {dsc.batch_inputs = array<i64: 0>} {
  %w = arith.constant dense<1.0> : tensor<8x8xf32>
  %g = arith.constant dense<1.0> : tensor<8xf32>
  %q = dsc.matmul %x, %w : (tensor<1x4x8xf32>, tensor<8x8xf32>) -> tensor<1x4x8xf32>
  %kt = dsc.transpose %q {perm = array<i64: 0, 2, 1>} : (tensor<1x4x8xf32>) -> tensor<1x8x4xf32>
  %s = dsc.matmul %q, %kt : (tensor<1x4x8xf32>, tensor<1x8x4xf32>) -> tensor<1x4x4xf32>
  %p = dsc.softmax %s {axis = 2 : i64} : tensor<1x4x4xf32>
  %o = dsc.matmul %p, %q : (tensor<1x4x4xf32>, tensor<1x4x8xf32>) -> tensor<1x4x8xf32>
  %a = dsc.add %o, %bias : (tensor<1x4x8xf32>, tensor<1x1x8xf32>) -> tensor<1x4x8xf32>
  %n = dsc.layer_norm %a, %g {axis = 2 : i64, epsilon = 1.0e-05 : f64} : (tensor<1x4x8xf32>, tensor<8xf32>) -> tensor<1x4x8xf32>
  %r = dsc.reduce %n {axes = array<i64: 1, 2>, keepdims = true, kind = "mean"} : (tensor<1x4x8xf32>) -> tensor<1x1x1xf32>
  %m = dsc.mul %n, %r : (tensor<1x4x8xf32>, tensor<1x1x1xf32>) -> tensor<1x4x8xf32>
  return %m, %g : tensor<1x4x8xf32>, tensor<8xf32>
}

// -----

// Tests that an embedding lookup (shared table, per-sample ids on axis 0)
// and a concat along a later axis keep dim 0 as the batch.
// CHECK-LABEL: func @embedding
func.func @embedding(%ids: tensor<1x3xi64>) -> tensor<1x6x4xf32>
    attributes {dsc.batch_inputs = array<i64: 0>} {
  %t = arith.constant dense<1.0> : tensor<10x4xf32>
  %e = dsc.gather %t, %ids {axis = 0 : i64} : (tensor<10x4xf32>, tensor<1x3xi64>) -> tensor<1x3x4xf32>
  %c = dsc.concat %e, %e {axis = 1 : i64} : (tensor<1x3x4xf32>, tensor<1x3x4xf32>) -> tensor<1x6x4xf32>
  return %c : tensor<1x6x4xf32>
}

// -----

// Tests that a reduction over axis 0 is refused at its node.
func.func @reduce_batch(%x: tensor<1x3xf32>) -> tensor<1x3xf32>
    attributes {dsc.batch_inputs = array<i64: 0>} {
  // expected-error @+1 {{a reduction over axis 0 mixes the elements of the batch 'N'; dsc runs a model with a symbolic batch once per sample, so specialize it with --shape N=<size>}}
  %r = dsc.reduce %x {axes = array<i64: 0>, keepdims = true, kind = "sum"} : (tensor<1x3xf32>) -> tensor<1x3xf32>
  return %r : tensor<1x3xf32>
}

// -----

// Tests that a reshape folding the batch into another dimension is refused.
func.func @reshape_batch(%x: tensor<1x3xf32>) -> tensor<3xf32>
    attributes {dsc.batch_inputs = array<i64: 0>} {
  // expected-error @+1 {{a reshape that does not keep the batch as dim 0 mixes}}
  %r = dsc.reshape %x : (tensor<1x3xf32>) -> tensor<3xf32>
  return %r : tensor<3xf32>
}

// -----

// Tests that a transpose moving the batch away from dim 0 is refused.
func.func @transpose_batch(%x: tensor<1x3xf32>) -> tensor<3x1xf32>
    attributes {dsc.batch_inputs = array<i64: 0>} {
  // expected-error @+1 {{a transpose that moves dim 0 mixes}}
  %r = dsc.transpose %x {perm = array<i64: 1, 0>} : (tensor<1x3xf32>) -> tensor<3x1xf32>
  return %r : tensor<3x1xf32>
}

// -----

// Tests that a matmul contracting over the batch (batch as B's rows) is
// refused.
func.func @matmul_rhs(%x: tensor<1x3xf32>) -> tensor<3x3xf32>
    attributes {dsc.batch_inputs = array<i64: 0>} {
  %a = arith.constant dense<1.0> : tensor<3x1xf32>
  // expected-error @+1 {{a matrix product over the batch dimension mixes}}
  %r = dsc.matmul %a, %x : (tensor<3x1xf32>, tensor<1x3xf32>) -> tensor<3x3xf32>
  return %r : tensor<3x3xf32>
}

// -----

// Tests that broadcasting against a shared operand with its own leading
// dimension (which would put the batch elsewhere) is refused.
func.func @broadcast_rank(%x: tensor<1x3xf32>) -> tensor<2x1x3xf32>
    attributes {dsc.batch_inputs = array<i64: 0>} {
  %c = arith.constant dense<1.0> : tensor<2x1x3xf32>
  // expected-error @+1 {{broadcasting that moves the batch dimension mixes}}
  %r = dsc.add %x, %c : (tensor<1x3xf32>, tensor<2x1x3xf32>) -> tensor<2x1x3xf32>
  return %r : tensor<2x1x3xf32>
}

// -----

// Tests that a shared block with dim 0 == 1 (Pad's constant border) may be
// concatenated to a per-sample tensor along a later axis, but nothing along
// axis 0.
// CHECK-LABEL: func @concat_border
// CHECK-SAME:  dsc.batch_outputs = array<i64: 0>
func.func @concat_border(%x: tensor<1x3xf32>) -> tensor<1x5xf32>
    attributes {dsc.batch_inputs = array<i64: 0>} {
  %c = arith.constant dense<0.0> : tensor<1x2xf32>
  %r = dsc.concat %c, %x {axis = 1 : i64} : (tensor<1x2xf32>, tensor<1x3xf32>) -> tensor<1x5xf32>
  return %r : tensor<1x5xf32>
}

// -----

func.func @concat_axis0(%x: tensor<1x3xf32>) -> tensor<2x3xf32>
    attributes {dsc.batch_inputs = array<i64: 0>} {
  // expected-error @+1 {{concatenation along axis 0 mixes}}
  %r = dsc.concat %x, %x {axis = 0 : i64} : (tensor<1x3xf32>, tensor<1x3xf32>) -> tensor<2x3xf32>
  return %r : tensor<2x3xf32>
}

// -----

// Tests that a softmax over axis 0 is refused.
func.func @softmax_batch(%x: tensor<1x3xf32>) -> tensor<1x3xf32>
    attributes {dsc.batch_inputs = array<i64: 0>} {
  // expected-error @+1 {{softmax over axis 0 mixes}}
  %r = dsc.softmax %x {axis = 0 : i64} : tensor<1x3xf32>
  return %r : tensor<1x3xf32>
}

// -----

// Tests that an op the check does not know is refused when it sees a
// per-sample operand.
func.func @unknown(%x: tensor<1x3xf32>) -> tensor<1x3xf32>
    attributes {dsc.batch_inputs = array<i64: 0>} {
  // expected-error @+1 {{dsc cannot tell whether 'test.unknown' keeps the elements of the batch 'N' apart}}
  %e = "test.unknown"(%x) : (tensor<1x3xf32>) -> tensor<1x3xf32>
  return %e : tensor<1x3xf32>
}

// -----

// Tests that an output declared with the batch must be computed per sample.
func.func @declared(%x: tensor<1x3xf32>) -> tensor<1x3xf32>
    attributes {dsc.batch_inputs = array<i64: 0>, dsc.batch_outputs = array<i64: 0>, dsc.output_names = ["y"]} {
  %c = arith.constant dense<1.0> : tensor<1x3xf32>
  // expected-error @+1 {{graph output 'y' is declared with the batch 'N' but is not computed sample by sample}}
  return %c : tensor<1x3xf32>
}

// -----

// Tests that functions without a dynamic batch are left alone.
// CHECK-LABEL: func @static
// CHECK-NOT:   dsc.batch_outputs
func.func @static(%x: tensor<2x3xf32>) -> tensor<3xf32> {
  %r = dsc.reduce %x {axes = array<i64: 0>, keepdims = false, kind = "sum"} : (tensor<2x3xf32>) -> tensor<3xf32>
  return %r : tensor<3xf32>
}

// -----

// Tests that a transposed convolution, a spatial resize and a top-k over a
// later axis keep samples apart.
// CHECK-LABEL: func @decoder
// CHECK-SAME:  dsc.batch_outputs = array<i64: 0, 1>
func.func @decoder(%x: tensor<1x1x2x2xf32>) -> (tensor<1x2x8x8xf32>, tensor<1x2x8x3xf32>)
    attributes {dsc.batch_inputs = array<i64: 0>} {
  %w = arith.constant dense<1.0> : tensor<1x2x2x2xf32>
  %t = dsc.conv_transpose %x, %w {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x1x2x2xf32>, tensor<1x2x2x2xf32>) -> tensor<1x2x4x4xf32>
  %r = dsc.resize %t {antialias = false, coordinate_transformation_mode = "asymmetric", cubic_coeff_a = -7.5e-01 : f64, exclude_outside = false, extrapolation_value = 0.0 : f64, mode = "nearest", nearest_mode = "floor", roi = array<f64: 0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0>, scales = array<f64: 1.0, 1.0, 2.0, 2.0>} : (tensor<1x2x4x4xf32>) -> tensor<1x2x8x8xf32>
  %v, %i = dsc.topk %r {axis = 3 : i64, k = 3 : i64, largest = true} : (tensor<1x2x8x8xf32>) -> (tensor<1x2x8x3xf32>, tensor<1x2x8x3xi64>)
  return %r, %v : tensor<1x2x8x8xf32>, tensor<1x2x8x3xf32>
}

// -----

// Tests that a top-k over axis 0 is refused.
func.func @topk_batch(%x: tensor<1x5xf32>) -> tensor<1x5xf32>
    attributes {dsc.batch_inputs = array<i64: 0>} {
  // expected-error @+1 {{a top-k selection over axis 0 mixes}}
  %v, %i = dsc.topk %x {axis = 0 : i64, k = 1 : i64, largest = true} : (tensor<1x5xf32>) -> (tensor<1x5xf32>, tensor<1x5xi64>)
  return %v : tensor<1x5xf32>
}
