// RUN: dsc-opt %s --split-input-file --verify-diagnostics

// Tests that operands whose shapes cannot be broadcast are rejected.
func.func @broadcast_mismatch(%a: tensor<2x3xf32>, %b: tensor<4xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'dsc.add' op shapes [2,3] and [4] cannot be broadcast together}}
  %0 = dsc.add %a, %b : (tensor<2x3xf32>, tensor<4xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Tests that binary operands must share the element type.
func.func @binary_element_types(%a: tensor<3xf32>, %b: tensor<3xi32>) -> tensor<3xf32> {
  // expected-error @+1 {{'dsc.mul' op operands have different element types ('f32' and 'i32')}}
  %0 = dsc.mul %a, %b : (tensor<3xf32>, tensor<3xi32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

// Tests that a result type other than the inferred one is rejected.
func.func @wrong_result_type(%a: tensor<2x3xf32>, %b: tensor<3xf32>) -> tensor<3x3xf32> {
  // expected-error @+1 {{'dsc.sub' op result type 'tensor<3x3xf32>' differs from the inferred type 'tensor<2x3xf32>'}}
  %0 = dsc.sub %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<3x3xf32>
  return %0 : tensor<3x3xf32>
}

// -----

// Tests that relu rejects integer tensors.
func.func @relu_integer(%a: tensor<4xi32>) -> tensor<4xi32> {
  // expected-error @+1 {{'dsc.relu' op expects a floating-point tensor}}
  %0 = dsc.relu %a : tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

// Tests that clip rejects min > max.
func.func @clip_min_gt_max(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'dsc.clip' op min 6.000000e+00 is greater than max 1.000000e+00}}
  %0 = dsc.clip %a {min = 6.0 : f64, max = 1.0 : f64} : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Tests that matmul rejects differing contraction dimensions.
func.func @matmul_k_mismatch(%a: tensor<2x3xf32>, %b: tensor<4x5xf32>) -> tensor<2x5xf32> {
  // expected-error @+1 {{'dsc.matmul' op matmul contraction dimensions differ: [2,3] x [4,5]}}
  %0 = dsc.matmul %a, %b : (tensor<2x3xf32>, tensor<4x5xf32>) -> tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}

// -----

// Tests that matmul rejects batch dimensions that do not broadcast.
func.func @matmul_batch_mismatch(%a: tensor<2x2x3xf32>, %b: tensor<3x3x5xf32>) -> tensor<2x2x5xf32> {
  // expected-error @+1 {{'dsc.matmul' op matmul batch dimensions of [2,2,3] and [3,3,5] cannot be broadcast}}
  %0 = dsc.matmul %a, %b : (tensor<2x2x3xf32>, tensor<3x3x5xf32>) -> tensor<2x2x5xf32>
  return %0 : tensor<2x2x5xf32>
}

// -----

// Tests that gemm rejects a C that does not broadcast to [M, N].
func.func @gemm_c_not_broadcastable(%a: tensor<2x3xf32>, %b: tensor<3x4xf32>, %c: tensor<3xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{'dsc.gemm' op Gemm C of shape [3] does not broadcast to [2,4]}}
  %0 = dsc.gemm %a, %b, %c {alpha = 1.0 : f64, beta = 1.0 : f64, trans_a = false, trans_b = false}
      : (tensor<2x3xf32>, tensor<3x4xf32>, tensor<3xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

// Tests that gemm rejects a C that would broadcast the result beyond [M, N].
func.func @gemm_c_too_large(%a: tensor<1x3xf32>, %b: tensor<3x4xf32>, %c: tensor<2x4xf32>) -> tensor<1x4xf32> {
  // expected-error @+1 {{'dsc.gemm' op Gemm C of shape [2,4] does not broadcast to [1,4]}}
  %0 = dsc.gemm %a, %b, %c {alpha = 1.0 : f64, beta = 1.0 : f64, trans_a = false, trans_b = false}
      : (tensor<1x3xf32>, tensor<3x4xf32>, tensor<2x4xf32>) -> tensor<1x4xf32>
  return %0 : tensor<1x4xf32>
}

// -----

// Tests that gemm checks the inner dimensions after transposition.
func.func @gemm_inner_mismatch(%a: tensor<2x3xf32>, %b: tensor<3x4xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'dsc.gemm' op Gemm inner dimensions differ (3 vs 4)}}
  %0 = dsc.gemm %a, %b {alpha = 1.0 : f64, beta = 1.0 : f64, trans_a = false, trans_b = true}
      : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Tests that conv rejects a group count that does not divide the channels.
func.func @conv_group(%x: tensor<1x6x8x8xf32>, %w: tensor<8x2x3x3xf32>) -> tensor<1x8x6x6xf32> {
  // expected-error @+1 {{'dsc.conv' op group 4 must divide input channels 6 and output channels 8}}
  %0 = dsc.conv %x, %w {dilations = array<i64: 1, 1>, group = 4 : i64,
                        pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>}
      : (tensor<1x6x8x8xf32>, tensor<8x2x3x3xf32>) -> tensor<1x8x6x6xf32>
  return %0 : tensor<1x8x6x6xf32>
}

// -----

// Tests that conv rejects weights with the wrong number of input channels.
func.func @conv_weight_channels(%x: tensor<1x3x8x8xf32>, %w: tensor<16x4x3x3xf32>) -> tensor<1x16x6x6xf32> {
  // expected-error @+1 {{'dsc.conv' op weights have 4 input channels per group but the input has 3 channels in 1 group(s)}}
  %0 = dsc.conv %x, %w {dilations = array<i64: 1, 1>, group = 1 : i64,
                        pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>}
      : (tensor<1x3x8x8xf32>, tensor<16x4x3x3xf32>) -> tensor<1x16x6x6xf32>
  return %0 : tensor<1x16x6x6xf32>
}

// -----

// Tests that conv rejects a pads array of the wrong length.
func.func @conv_pads_count(%x: tensor<1x3x8x8xf32>, %w: tensor<16x3x3x3xf32>) -> tensor<1x16x8x8xf32> {
  // expected-error @+1 {{'dsc.conv' op expects 2 strides, 2 dilations and 4 pads for 2 spatial dimensions, got 2, 2 and 2}}
  %0 = dsc.conv %x, %w {dilations = array<i64: 1, 1>, group = 1 : i64,
                        pads = array<i64: 1, 1>, strides = array<i64: 1, 1>}
      : (tensor<1x3x8x8xf32>, tensor<16x3x3x3xf32>) -> tensor<1x16x8x8xf32>
  return %0 : tensor<1x16x8x8xf32>
}

// -----

// Tests that conv rejects a bias whose length is not the output channels.
func.func @conv_bias(%x: tensor<1x3x8x8xf32>, %w: tensor<16x3x3x3xf32>, %b: tensor<8xf32>) -> tensor<1x16x6x6xf32> {
  // expected-error @+1 {{'dsc.conv' op bias must be [16], got 'tensor<8xf32>'}}
  %0 = dsc.conv %x, %w, %b {dilations = array<i64: 1, 1>, group = 1 : i64,
                            pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>}
      : (tensor<1x3x8x8xf32>, tensor<16x3x3x3xf32>, tensor<8xf32>) -> tensor<1x16x6x6xf32>
  return %0 : tensor<1x16x6x6xf32>
}

// -----

// Tests that a conv whose result type ignores the strides is rejected (the
// inferred-type check).
func.func @conv_wrong_result(%x: tensor<1x3x8x8xf32>, %w: tensor<16x3x3x3xf32>) -> tensor<1x16x6x6xf32> {
  // expected-error @+1 {{'dsc.conv' op result type 'tensor<1x16x6x6xf32>' differs from the inferred type 'tensor<1x16x3x3xf32>'}}
  %0 = dsc.conv %x, %w {dilations = array<i64: 1, 1>, group = 1 : i64,
                        pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>}
      : (tensor<1x3x8x8xf32>, tensor<16x3x3x3xf32>) -> tensor<1x16x6x6xf32>
  return %0 : tensor<1x16x6x6xf32>
}

// -----

// Tests that pooling rejects a pad as large as the kernel.
func.func @pool_pad_ge_kernel(%x: tensor<1x8x8x8xf32>) -> tensor<1x8x5x5xf32> {
  // expected-error @+1 {{'dsc.max_pool' op pads must be smaller than the kernel}}
  %0 = dsc.max_pool %x {ceil_mode = false, dilations = array<i64: 1, 1>,
                        kernel_shape = array<i64: 2, 2>, pads = array<i64: 2, 0, 0, 0>,
                        strides = array<i64: 2, 2>}
      : (tensor<1x8x8x8xf32>) -> tensor<1x8x5x5xf32>
  return %0 : tensor<1x8x5x5xf32>
}

// -----

// Tests that avg_pool checks its result type against ceil_mode.
func.func @avg_pool_ceil_result(%x: tensor<1x8x7x7xf32>) -> tensor<1x8x3x3xf32> {
  // expected-error @+1 {{'dsc.avg_pool' op result type 'tensor<1x8x3x3xf32>' differs from the inferred type 'tensor<1x8x4x4xf32>'}}
  %0 = dsc.avg_pool %x {ceil_mode = true, count_include_pad = false,
                        dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>,
                        pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>}
      : (tensor<1x8x7x7xf32>) -> tensor<1x8x3x3xf32>
  return %0 : tensor<1x8x3x3xf32>
}

// -----

// Tests that global_avg_pool needs spatial dimensions.
func.func @global_pool_rank(%x: tensor<1x8xf32>) -> tensor<1x8xf32> {
  // expected-error @+1 {{'dsc.global_avg_pool' op global pooling expects [N,C,D...] input, got 'tensor<1x8xf32>'}}
  %0 = dsc.global_avg_pool %x : (tensor<1x8xf32>) -> tensor<1x8xf32>
  return %0 : tensor<1x8xf32>
}

// -----

// Tests that batch_norm parameters must be [C].
func.func @batch_norm_param_shape(%x: tensor<1x8x4x4xf32>, %s: tensor<8xf32>, %b: tensor<4xf32>)
    -> tensor<1x8x4x4xf32> {
  // expected-error @+1 {{'dsc.batch_norm' op scale, bias, mean and variance must be [8], got 'tensor<4xf32>'}}
  %0 = dsc.batch_norm %x, %s, %b, %s, %s {epsilon = 1.0e-05 : f64}
      : (tensor<1x8x4x4xf32>, tensor<8xf32>, tensor<4xf32>, tensor<8xf32>, tensor<8xf32>)
      -> tensor<1x8x4x4xf32>
  return %0 : tensor<1x8x4x4xf32>
}

// -----

// Tests that batch_norm rejects a negative epsilon.
func.func @batch_norm_epsilon(%x: tensor<1x8x4x4xf32>, %s: tensor<8xf32>) -> tensor<1x8x4x4xf32> {
  // expected-error @+1 {{'dsc.batch_norm' op epsilon must be >= 0}}
  %0 = dsc.batch_norm %x, %s, %s, %s, %s {epsilon = -1.0 : f64}
      : (tensor<1x8x4x4xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>)
      -> tensor<1x8x4x4xf32>
  return %0 : tensor<1x8x4x4xf32>
}

// -----

// Tests that softmax rejects an axis outside [0, rank).
func.func @softmax_axis(%x: tensor<2x10xf32>) -> tensor<2x10xf32> {
  // expected-error @+1 {{'dsc.softmax' op axis 2 is out of range for rank 2}}
  %0 = dsc.softmax %x {axis = 2 : i64} : tensor<2x10xf32>
  return %0 : tensor<2x10xf32>
}

// -----

// Tests that reshape must keep the number of elements.
func.func @reshape_count(%x: tensor<2x3xf32>) -> tensor<7xf32> {
  // expected-error @+1 {{'dsc.reshape' op changes the number of elements (6 to 7)}}
  %0 = dsc.reshape %x : (tensor<2x3xf32>) -> tensor<7xf32>
  return %0 : tensor<7xf32>
}

// -----

// Tests that reshape must keep the element type.
func.func @reshape_element_type(%x: tensor<2x3xf32>) -> tensor<6xf16> {
  // expected-error @+1 {{'dsc.reshape' op changes the element type}}
  %0 = dsc.reshape %x : (tensor<2x3xf32>) -> tensor<6xf16>
  return %0 : tensor<6xf16>
}

// -----

// Tests that transpose rejects a perm that repeats a dimension.
func.func @transpose_not_permutation(%x: tensor<2x3x4xf32>) -> tensor<2x2x4xf32> {
  // expected-error @+1 {{'dsc.transpose' op perm is not a permutation of [0, 3)}}
  %0 = dsc.transpose %x {perm = array<i64: 0, 0, 2>} : (tensor<2x3x4xf32>) -> tensor<2x2x4xf32>
  return %0 : tensor<2x2x4xf32>
}

// -----

// Tests that transpose rejects a perm of the wrong length.
func.func @transpose_perm_length(%x: tensor<2x3x4xf32>) -> tensor<3x2x4xf32> {
  // expected-error @+1 {{'dsc.transpose' op perm has 2 entries for rank 3}}
  %0 = dsc.transpose %x {perm = array<i64: 1, 0>} : (tensor<2x3x4xf32>) -> tensor<3x2x4xf32>
  return %0 : tensor<3x2x4xf32>
}

// -----

// Tests that concat inputs must agree on every dimension but the axis.
func.func @concat_dimension_mismatch(%a: tensor<1x2xf32>, %b: tensor<2x3xf32>) -> tensor<1x5xf32> {
  // expected-error @+1 {{'dsc.concat' op Concat inputs differ in dimension 0 ([1,2] vs [2,3])}}
  %0 = dsc.concat %a, %b {axis = 1 : i64} : (tensor<1x2xf32>, tensor<2x3xf32>) -> tensor<1x5xf32>
  return %0 : tensor<1x5xf32>
}

// -----

// Tests that concat checks the result's axis size.
func.func @concat_result(%a: tensor<1x2xf32>, %b: tensor<1x3xf32>) -> tensor<1x6xf32> {
  // expected-error @+1 {{'dsc.concat' op result type 'tensor<1x6xf32>' differs from the inferred type 'tensor<1x5xf32>'}}
  %0 = dsc.concat %a, %b {axis = 1 : i64} : (tensor<1x2xf32>, tensor<1x3xf32>) -> tensor<1x6xf32>
  return %0 : tensor<1x6xf32>
}

// -----

// Tests that concat rejects a negative axis (axes are normalized at import).
func.func @concat_negative_axis(%a: tensor<1x2xf32>, %b: tensor<1x3xf32>) -> tensor<1x5xf32> {
  // expected-error @+1 {{'dsc.concat' op axis -1 is out of range for rank 2}}
  %0 = dsc.concat %a, %b {axis = -1 : i64} : (tensor<1x2xf32>, tensor<1x3xf32>) -> tensor<1x5xf32>
  return %0 : tensor<1x5xf32>
}

// -----

// Tests that conv rejects a kernel larger than the padded input.
func.func @conv_kernel_too_large(%x: tensor<1x3x2x2xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x1x1xf32> {
  // expected-error @+1 {{'dsc.conv' op kernel is larger than the padded input in spatial dimension 0}}
  %0 = dsc.conv %x, %w {dilations = array<i64: 1, 1>, group = 1 : i64,
                        pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>}
      : (tensor<1x3x2x2xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x1x1xf32>
  return %0 : tensor<1x4x1x1xf32>
}

// -----

// Tests that conv rejects a stride of 0.
func.func @conv_zero_stride(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+1 {{'dsc.conv' op strides must be >= 1}}
  %0 = dsc.conv %x, %w {dilations = array<i64: 1, 1>, group = 1 : i64,
                        pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 0, 1>}
      : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

// Tests that pooling needs one kernel entry per spatial dimension.
func.func @pool_kernel_rank(%x: tensor<1x8x8x8xf32>) -> tensor<1x8x4x4xf32> {
  // expected-error @+1 {{'dsc.avg_pool' op kernel_shape has 1 entries for 2 spatial dimensions}}
  %0 = dsc.avg_pool %x {ceil_mode = false, count_include_pad = false,
                        dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2>,
                        pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>}
      : (tensor<1x8x8x8xf32>) -> tensor<1x8x4x4xf32>
  return %0 : tensor<1x8x4x4xf32>
}

// -----

// Tests that matmul rejects rank-0 operands.
func.func @matmul_scalar(%a: tensor<f32>, %b: tensor<3xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{'dsc.matmul' op matmul operands must have rank >= 1}}
  %0 = dsc.matmul %a, %b : (tensor<f32>, tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

// Tests that gemm requires rank-2 A and B.
func.func @gemm_rank(%a: tensor<2x3x4xf32>, %b: tensor<4x5xf32>) -> tensor<2x5xf32> {
  // expected-error @+1 {{'dsc.gemm' op Gemm expects rank-2 A and B, got 'tensor<2x3x4xf32>' and 'tensor<4x5xf32>'}}
  %0 = dsc.gemm %a, %b {alpha = 1.0 : f64, beta = 1.0 : f64, trans_a = false, trans_b = false}
      : (tensor<2x3x4xf32>, tensor<4x5xf32>) -> tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}

// -----

// Tests that transpose rejects an out-of-range perm entry.
func.func @transpose_out_of_range(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {
  // expected-error @+1 {{'dsc.transpose' op perm is not a permutation of [0, 2)}}
  %0 = dsc.transpose %x {perm = array<i64: 1, 2>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

// Tests that sigmoid and tanh, like relu, reject integer tensors.
func.func @tanh_integer(%a: tensor<4xi8>) -> tensor<4xi8> {
  // expected-error @+1 {{'dsc.tanh' op expects a floating-point tensor}}
  %0 = dsc.tanh %a : tensor<4xi8>
  return %0 : tensor<4xi8>
}

// -----

// Tests that layer_norm's scale must broadcast to the normalized shape.
func.func @layer_norm_bad_scale(%x: tensor<2x4x5xf32>, %g: tensor<4xf32>) -> tensor<2x4x5xf32> {
  // expected-error @+1 {{'dsc.layer_norm' op scale and bias must broadcast to the normalized shape [5], got [4]}}
  %0 = dsc.layer_norm %x, %g {axis = 2 : i64, epsilon = 1.0e-05 : f64}
      : (tensor<2x4x5xf32>, tensor<4xf32>) -> tensor<2x4x5xf32>
  return %0 : tensor<2x4x5xf32>
}

// -----

// Tests that gelu only knows the "none" and "tanh" forms.
func.func @gelu_approximate(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'dsc.gelu' op approximate must be "none" or "tanh", got "fast"}}
  %0 = dsc.gelu %x {approximate = "fast"} : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Tests that neg rejects bool tensors.
func.func @neg_bool(%x: tensor<4xi1>) -> tensor<4xi1> {
  // expected-error @+1 {{'dsc.neg' op expects a floating-point or integer tensor}}
  %0 = dsc.neg %x : tensor<4xi1>
  return %0 : tensor<4xi1>
}

// -----

// Tests that pow needs a float or integer base, not a bool.
func.func @pow_bool_base(%x: tensor<4xi1>, %e: tensor<4xi32>) -> tensor<4xi1> {
  // expected-error @+1 {{'dsc.pow' op expects a floating-point or integer base, got 'tensor<4xi1>'}}
  %0 = dsc.pow %x, %e : (tensor<4xi1>, tensor<4xi32>) -> tensor<4xi1>
  return %0 : tensor<4xi1>
}

// -----

// Tests that avg_pool needs floats (max_pool also takes integers).
func.func @avg_pool_int(%x: tensor<1x1x4x4xi8>) -> tensor<1x1x2x2xi8> {
  // expected-error @+1 {{'dsc.avg_pool' op expects a floating-point tensor}}
  %0 = dsc.avg_pool %x {ceil_mode = false, count_include_pad = false,
                        dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>,
                        pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>}
      : (tensor<1x1x4x4xi8>) -> tensor<1x1x2x2xi8>
  return %0 : tensor<1x1x2x2xi8>
}

// -----

// Tests that a comparison's result is i1.
func.func @compare_result(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'dsc.less' op result type 'tensor<4xf32>' differs from the inferred type 'tensor<4xi1>'}}
  %0 = dsc.less %a, %a : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Tests that where's condition is i1.
func.func @where_condition(%c: tensor<4xi32>, %x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'dsc.where' op expects a bool (i1) condition, got 'tensor<4xi32>'}}
  %0 = dsc.where %c, %x, %x : (tensor<4xi32>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Tests that cast keeps the shape.
func.func @cast_shape(%x: tensor<4xf32>) -> tensor<2x2xi32> {
  // expected-error @+1 {{'dsc.cast' op result type 'tensor<2x2xi32>' differs from the inferred type 'tensor<4xi32>'}}
  %0 = dsc.cast %x : (tensor<4xf32>) -> tensor<2x2xi32>
  return %0 : tensor<2x2xi32>
}

// -----

// Tests that expand's result must be a broadcast of the input.
func.func @expand_shape(%x: tensor<3xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{'dsc.expand' op shape [3] cannot be expanded to [2,4]}}
  %0 = dsc.expand %x : (tensor<3xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

// Tests that reduce's kind is one of the known reductions.
func.func @reduce_kind(%x: tensor<2x3xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{'dsc.reduce' op unknown reduction kind 'median'}}
  %0 = dsc.reduce %x {axes = array<i64: 1>, keepdims = false, kind = "median"} : (tensor<2x3xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

// Tests that reduce's axes are sorted and unique.
func.func @reduce_axes(%x: tensor<2x3xf32>) -> tensor<f32> {
  // expected-error @+1 {{'dsc.reduce' op axes must be sorted and unique}}
  %0 = dsc.reduce %x {axes = array<i64: 1, 0>, keepdims = false, kind = "sum"} : (tensor<2x3xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

// Tests that float-only reductions reject integers.
func.func @reduce_mean_int(%x: tensor<2x3xi32>) -> tensor<2xi32> {
  // expected-error @+1 {{'dsc.reduce' op reduction 'mean' does not support 'tensor<2x3xi32>'}}
  %0 = dsc.reduce %x {axes = array<i64: 1>, keepdims = false, kind = "mean"} : (tensor<2x3xi32>) -> tensor<2xi32>
  return %0 : tensor<2xi32>
}

// -----

// Tests that gather's indices are integers.
func.func @gather_float_indices(%x: tensor<5xf32>, %i: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{'dsc.gather' op expects integer indices, got 'tensor<2xf32>'}}
  %0 = dsc.gather %x, %i {axis = 0 : i64} : (tensor<5xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

// Tests that a slice may not read outside its input.
func.func @slice_out_of_bounds(%x: tensor<8xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'dsc.slice' op slice of dimension 0 reads outside [0, 8)}}
  %0 = dsc.slice %x {starts = array<i64: 2>, steps = array<i64: 2>} : (tensor<8xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Tests that slice steps are non-zero.
func.func @slice_zero_step(%x: tensor<8xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'dsc.slice' op steps must be non-zero}}
  %0 = dsc.slice %x {starts = array<i64: 0>, steps = array<i64: 0>} : (tensor<8xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Tests that topk's k fits the axis.
func.func @topk_k_too_large(%x: tensor<2x3xf32>) -> (tensor<2x4xf32>, tensor<2x4xi64>) {
  // expected-error @+1 {{'dsc.topk' op k 4 is out of range for an axis of size 3}}
  %v, %i = dsc.topk %x {axis = 1 : i64, k = 4 : i64, largest = true} : (tensor<2x3xf32>) -> (tensor<2x4xf32>, tensor<2x4xi64>)
  return %v, %i : tensor<2x4xf32>, tensor<2x4xi64>
}

// -----

// Tests that topk's indices are i64.
func.func @topk_i32_indices(%x: tensor<2x3xf32>) -> (tensor<2x2xf32>, tensor<2x2xi32>) {
  // expected-error @+1 {{'dsc.topk' op indices type 'tensor<2x2xi32>' differs from the inferred type 'tensor<2x2xi64>'}}
  %v, %i = dsc.topk %x {axis = 1 : i64, k = 2 : i64, largest = true} : (tensor<2x3xf32>) -> (tensor<2x2xf32>, tensor<2x2xi32>)
  return %v, %i : tensor<2x2xf32>, tensor<2x2xi32>
}

// -----

func.func @decode_narrow_unknown_format(%x: tensor<4xi8>) -> tensor<4xf32> {
  // expected-error @+1 {{has an unknown format 'float7'}}
  %0 = dsc.decode_narrow %x {format = "float7"} : (tensor<4xi8>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @decode_narrow_int_to_float(%x: tensor<4xi8>) -> tensor<4xf32> {
  // expected-error @+1 {{decodes int4 to 'i8', not 'f32'}}
  %0 = dsc.decode_narrow %x {format = "int4"} : (tensor<4xi8>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @encode_narrow_f16(%x: tensor<4xf16>) -> tensor<4xi8> {
  // expected-error @+1 {{cannot encode 'f16' as float8e4m3fn}}
  %0 = dsc.encode_narrow %x {format = "float8e4m3fn"} : (tensor<4xf16>) -> tensor<4xi8>
  return %0 : tensor<4xi8>
}

// -----

func.func @encode_narrow_round_mode(%x: tensor<4xf32>) -> tensor<4xi8> {
  // expected-error @+1 {{has an unknown round_mode 'sideways'}}
  %0 = dsc.encode_narrow %x {format = "float8e8m0", round_mode = "sideways"} : (tensor<4xf32>) -> tensor<4xi8>
  return %0 : tensor<4xi8>
}
