// RUN: dsc-opt %s --split-input-file --dsc-convert-to-linalg --mlir-print-local-scope | FileCheck %s

// Tests that a padded ungrouped conv with bias zero-pads the spatial
// dimensions, initializes the output with the bias broadcast over
// (n, o...), and reduces over (c, kh, kw) into the result's own shape
// (channels indexed directly, no reshapes: an epilogue over the result
// iterates the same space).
// CHECK-LABEL: func @conv_bias
// CHECK-SAME: (%[[X:.+]]: tensor<1x3x8x8xf32>, %[[W:.+]]: tensor<16x3x3x3xf32>, %[[B:.+]]: tensor<16xf32>)
// CHECK: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[PAD:.+]] = tensor.pad %[[X]] low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK: tensor.yield %[[ZERO]] : f32
// CHECK: } : tensor<1x3x8x8xf32> to tensor<1x3x10x10xf32>
// CHECK-NOT: tensor.expand_shape
// CHECK: %[[EMPTY:.+]] = tensor.empty() : tensor<1x16x8x8xf32>
// CHECK: %[[INIT:.+]] = linalg.generic
// CHECK-SAME: indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d1)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>]
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel", "parallel"]
// CHECK-SAME: ins(%[[B]] : tensor<16xf32>) outs(%[[EMPTY]] : tensor<1x16x8x8xf32>)
// CHECK: ^bb0(%[[BV:.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT: linalg.yield %[[BV]] : f32
// CHECK: %[[ACC:.+]] = linalg.generic
// CHECK-SAME: indexing_maps = [affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d4, d2 + d5, d3 + d6)>, affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d1, d4, d5, d6)>, affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d2, d3)>]
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]
// CHECK-SAME: ins(%[[PAD]], %[[W]] : tensor<1x3x10x10xf32>, tensor<16x3x3x3xf32>) outs(%[[INIT]] : tensor<1x16x8x8xf32>)
// CHECK: ^bb0(%[[XV:.+]]: f32, %[[WV:.+]]: f32, %[[OV:.+]]: f32):
// CHECK: %[[P:.+]] = arith.mulf %[[XV]], %[[WV]] : f32
// CHECK: %[[S:.+]] = arith.addf %[[OV]], %[[P]] : f32
// CHECK: linalg.yield %[[S]] : f32
// CHECK-NOT: tensor.collapse_shape
// CHECK: return %[[ACC]]
func.func @conv_bias(%x: tensor<1x3x8x8xf32>, %w: tensor<16x3x3x3xf32>, %b: tensor<16xf32>) -> tensor<1x16x8x8xf32> {
  %0 = dsc.conv %x, %w, %b {dilations = array<i64: 1, 1>, group = 1 : i64,
                            pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>}
      : (tensor<1x3x8x8xf32>, tensor<16x3x3x3xf32>, tensor<16xf32>) -> tensor<1x16x8x8xf32>
  return %0 : tensor<1x16x8x8xf32>
}

// -----

// Tests a grouped, strided, dilated conv without bias: asymmetric pads
// (begins then ends), channels split into 2 groups of 2 inputs and 4
// outputs, input map o * stride + kk * dilation, and a zero-filled init.
// CHECK-LABEL: func @conv_grouped_strided_dilated
// CHECK-SAME: (%[[X:.+]]: tensor<1x4x8x8xf32>, %[[W:.+]]: tensor<8x2x3x3xf32>)
// CHECK: %[[PAD:.+]] = tensor.pad %[[X]] low[0, 0, 0, 0] high[0, 0, 0, 1]
// CHECK: } : tensor<1x4x8x8xf32> to tensor<1x4x8x9xf32>
// CHECK: %[[XG:.+]] = tensor.expand_shape %[[PAD]] {{\[}}[0], [1, 2], [3], [4]] output_shape [1, 2, 2, 8, 9]
// CHECK: %[[WG:.+]] = tensor.expand_shape %[[W]] {{\[}}[0, 1], [2], [3], [4]] output_shape [2, 4, 2, 3, 3]
// CHECK: %[[EMPTY:.+]] = tensor.empty() : tensor<1x2x4x2x3xf32>
// CHECK: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[FILL:.+]] = linalg.fill ins(%[[ZERO]] : f32) outs(%[[EMPTY]] : tensor<1x2x4x2x3xf32>)
// CHECK: %[[ACC:.+]] = linalg.generic
// CHECK-SAME: indexing_maps = [affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1, d5, d3 * 2 + d6 * 2, d4 * 3 + d7)>, affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d1, d2, d5, d6, d7)>, affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1, d2, d3, d4)>]
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]
// CHECK-SAME: ins(%[[XG]], %[[WG]] : tensor<1x2x2x8x9xf32>, tensor<2x4x2x3x3xf32>) outs(%[[FILL]] : tensor<1x2x4x2x3xf32>)
// CHECK: tensor.collapse_shape %[[ACC]] {{\[}}[0], [1, 2], [3], [4]] : tensor<1x2x4x2x3xf32> into tensor<1x8x2x3xf32>
func.func @conv_grouped_strided_dilated(%x: tensor<1x4x8x8xf32>, %w: tensor<8x2x3x3xf32>) -> tensor<1x8x2x3xf32> {
  %0 = dsc.conv %x, %w {dilations = array<i64: 2, 1>, group = 2 : i64,
                        pads = array<i64: 0, 0, 0, 1>, strides = array<i64: 2, 3>}
      : (tensor<1x4x8x8xf32>, tensor<8x2x3x3xf32>) -> tensor<1x8x2x3xf32>
  return %0 : tensor<1x8x2x3xf32>
}

// -----

// Tests that a 1-D conv without padding has no tensor.pad and one spatial
// loop pair.
// CHECK-LABEL: func @conv_1d_no_pad
// CHECK-SAME: (%[[X:.+]]: tensor<2x4x10xf32>, %[[W:.+]]: tensor<6x4x3xf32>)
// CHECK-NOT: tensor.pad
// CHECK: linalg.generic
// CHECK-SAME: indexing_maps = [affine_map<(d0, d1, d2, d3, d4) -> (d0, d3, d2 + d4)>, affine_map<(d0, d1, d2, d3, d4) -> (d1, d3, d4)>, affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2)>]
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction"]
// CHECK-SAME: ins(%[[X]], %[[W]] : tensor<2x4x10xf32>, tensor<6x4x3xf32>)
func.func @conv_1d_no_pad(%x: tensor<2x4x10xf32>, %w: tensor<6x4x3xf32>) -> tensor<2x6x8xf32> {
  %0 = dsc.conv %x, %w {dilations = array<i64: 1>, group = 1 : i64,
                        pads = array<i64: 0, 0>, strides = array<i64: 1>}
      : (tensor<2x4x10xf32>, tensor<6x4x3xf32>) -> tensor<2x6x8xf32>
  return %0 : tensor<2x6x8xf32>
}

// -----

// Tests that a depthwise conv (group = channels, one output per group) reads
// input channel m for output channel m and weight [m, 0, kh, kw]: no channel
// reduction, no reshapes.
// CHECK-LABEL: func @conv_depthwise
// CHECK-NOT: tensor.expand_shape
// CHECK: linalg.generic
// CHECK-SAME: ins(%{{.+}} : tensor<4xf32>) outs(%{{.+}} : tensor<1x4x4x4xf32>)
// CHECK: linalg.generic
// CHECK-SAME: indexing_maps = [affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2 + d4, d3 + d5)>, affine_map<(d0, d1, d2, d3, d4, d5) -> (d1, 0, d4, d5)>, affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3)>]
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]
// CHECK-SAME: outs(%{{.+}} : tensor<1x4x4x4xf32>)
// CHECK-NOT: tensor.collapse_shape
func.func @conv_depthwise(%x: tensor<1x4x6x6xf32>, %w: tensor<4x1x3x3xf32>, %b: tensor<4xf32>) -> tensor<1x4x4x4xf32> {
  %0 = dsc.conv %x, %w, %b {dilations = array<i64: 1, 1>, group = 4 : i64,
                            pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>}
      : (tensor<1x4x6x6xf32>, tensor<4x1x3x3xf32>, tensor<4xf32>) -> tensor<1x4x4x4xf32>
  return %0 : tensor<1x4x4x4xf32>
}
