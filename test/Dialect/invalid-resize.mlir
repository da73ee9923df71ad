// RUN: dsc-opt %s --split-input-file --verify-diagnostics

// Tests that a transposed convolution's result has the full output size
// less the pads: 2 * (3 - 1) + 3 - 1 - 0 = 6 (a negative pad extends).
func.func @conv_transpose_result(%x: tensor<1x2x3x3xf32>, %w: tensor<2x3x3x3xf32>) -> tensor<1x3x5x5xf32> {
  // expected-error @+1 {{'dsc.conv_transpose' op result type 'tensor<1x3x5x5xf32>' differs from the inferred type 'tensor<1x3x7x7xf32>'}}
  %0 = dsc.conv_transpose %x, %w {dilations = array<i64: 1, 1>, group = 1 : i64,
                                  pads = array<i64: 1, 1, -1, -1>, strides = array<i64: 2, 2>}
      : (tensor<1x2x3x3xf32>, tensor<2x3x3x3xf32>) -> tensor<1x3x5x5xf32>
  return %0 : tensor<1x3x5x5xf32>
}

// -----

// Tests that a transposed convolution's group must divide the input channels.
func.func @conv_transpose_group(%x: tensor<1x3x3x3xf32>, %w: tensor<3x1x3x3xf32>) -> tensor<1x2x5x5xf32> {
  // expected-error @+1 {{'dsc.conv_transpose' op group 2 must divide input channels 3}}
  %0 = dsc.conv_transpose %x, %w {dilations = array<i64: 1, 1>, group = 2 : i64,
                                  pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>}
      : (tensor<1x3x3x3xf32>, tensor<3x1x3x3xf32>) -> tensor<1x2x5x5xf32>
  return %0 : tensor<1x2x5x5xf32>
}

// -----

// Tests that resize needs one scale per dimension.
func.func @resize_scales(%x: tensor<2x4xf32>) -> tensor<2x8xf32> {
  // expected-error @+1 {{'dsc.resize' op Resize of a rank-2 input needs 2 output sizes, 2 scales and 4 roi values}}
  %0 = dsc.resize %x {antialias = false, coordinate_transformation_mode = "asymmetric",
                      cubic_coeff_a = -7.5e-01 : f64, exclude_outside = false,
                      extrapolation_value = 0.0 : f64, mode = "nearest", nearest_mode = "floor",
                      roi = array<f64: 0.0, 0.0, 1.0, 1.0>, scales = array<f64: 2.0>}
      : (tensor<2x4xf32>) -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

// Tests that resize modes are checked.
func.func @resize_mode(%x: tensor<2x4xf32>) -> tensor<2x8xf32> {
  // expected-error @+1 {{'dsc.resize' op Resize mode 'bicubic' is not one of nearest, linear, cubic}}
  %0 = dsc.resize %x {antialias = false, coordinate_transformation_mode = "asymmetric",
                      cubic_coeff_a = -7.5e-01 : f64, exclude_outside = false,
                      extrapolation_value = 0.0 : f64, mode = "bicubic", nearest_mode = "floor",
                      roi = array<f64: 0.0, 0.0, 1.0, 1.0>, scales = array<f64: 1.0, 2.0>}
      : (tensor<2x4xf32>) -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

// Tests that linear resizing needs a float input.
func.func @resize_linear_int(%x: tensor<2x4xi32>) -> tensor<2x8xi32> {
  // expected-error @+1 {{'dsc.resize' op expects a floating-point tensor, got 'tensor<2x4xi32>'}}
  %0 = dsc.resize %x {antialias = false, coordinate_transformation_mode = "asymmetric",
                      cubic_coeff_a = -7.5e-01 : f64, exclude_outside = false,
                      extrapolation_value = 0.0 : f64, mode = "linear", nearest_mode = "floor",
                      roi = array<f64: 0.0, 0.0, 1.0, 1.0>, scales = array<f64: 1.0, 2.0>}
      : (tensor<2x4xi32>) -> tensor<2x8xi32>
  return %0 : tensor<2x8xi32>
}
