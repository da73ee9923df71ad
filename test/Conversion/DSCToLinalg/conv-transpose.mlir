// RUN: dsc-opt %s --split-input-file --dsc-convert-to-linalg --mlir-print-local-scope | FileCheck %s

// Tests that a stride-2 transposed convolution splits into 2 x 2 stride
// phases, each a stride-1 convolution of the input with the one kernel tap
// (of the 2 x 2 kernel) that reaches its outputs, the constant weights
// transposed to [M, C, 1, 1] at compile time; each phase's result is
// inserted into the output with stride 2.
// CHECK-LABEL: func @const_weights_stride2
// CHECK-SAME: (%[[X:.+]]: tensor<1x1x2x2xf32>)
// CHECK: %[[EMPTY:.+]] = tensor.empty() : tensor<1x2x4x4xf32>
// CHECK: %[[W0:.+]] = arith.constant dense<{{\[\[\[\[}}1.000000e+00]]], {{\[\[\[}}5.000000e+00]]]]> : tensor<2x1x1x1xf32>
// CHECK: %[[INIT0:.+]] = linalg.fill {{.*}} -> tensor<1x2x2x2xf32>
// CHECK: %[[P0:.+]] = linalg.generic
// CHECK-SAME: indexing_maps = [affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d4, d2 + d5, d3 + d6)>, affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d1, d4, d5, d6)>, affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d2, d3)>]
// CHECK-SAME: ins(%[[X]], %[[W0]] : tensor<1x1x2x2xf32>, tensor<2x1x1x1xf32>) outs(%[[INIT0]] : tensor<1x2x2x2xf32>)
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK: %[[R0:.+]] = tensor.insert_slice %[[P0]] into %[[EMPTY]][0, 0, 0, 0] [1, 2, 2, 2] [1, 1, 2, 2]
// CHECK: arith.constant dense<{{\[\[\[\[}}2.000000e+00]]], {{\[\[\[}}6.000000e+00]]]]>
// CHECK: %[[R1:.+]] = tensor.insert_slice %{{.+}} into %[[R0]][0, 0, 0, 1] [1, 2, 2, 2] [1, 1, 2, 2]
// CHECK: arith.constant dense<{{\[\[\[\[}}3.000000e+00]]], {{\[\[\[}}7.000000e+00]]]]>
// CHECK: %[[R2:.+]] = tensor.insert_slice %{{.+}} into %[[R1]][0, 0, 1, 0] [1, 2, 2, 2] [1, 1, 2, 2]
// CHECK: arith.constant dense<{{\[\[\[\[}}4.000000e+00]]], {{\[\[\[}}8.000000e+00]]]]>
// CHECK: %[[R3:.+]] = tensor.insert_slice %{{.+}} into %[[R2]][0, 0, 1, 1] [1, 2, 2, 2] [1, 1, 2, 2]
// CHECK: return %[[R3]]
func.func @const_weights_stride2(%x: tensor<1x1x2x2xf32>) -> tensor<1x2x4x4xf32> {
  %w = arith.constant dense<[[[[1.0, 2.0], [3.0, 4.0]], [[5.0, 6.0], [7.0, 8.0]]]]> : tensor<1x2x2x2xf32>
  %0 = dsc.conv_transpose %x, %w {dilations = array<i64: 1, 1>, group = 1 : i64,
                                  pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>}
      : (tensor<1x1x2x2xf32>, tensor<1x2x2x2xf32>) -> tensor<1x2x4x4xf32>
  return %0 : tensor<1x2x4x4xf32>
}

// -----

// Tests that with stride 1 there is one phase: the input is only padded
// (by K - 1 - pad), run-time weights are flipped and transposed per group
// by a generic (kernel index 2 - k), and two groups use the grouped
// convolution with the bias as its initial value.
// CHECK-LABEL: func @runtime_weights_group2
// CHECK-SAME: (%[[X:.+]]: tensor<1x4x3x3xf32>, %[[W:.+]]: tensor<4x1x3x3xf32>, %[[B:.+]]: tensor<2xf32>)
// CHECK: %[[PAD:.+]] = tensor.pad %[[X]] low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK: %[[WG:.+]] = tensor.expand_shape %[[W]] {{\[\[}}0, 1], [2], [3], [4]] output_shape [2, 2, 1, 3, 3]
// CHECK: %[[FLIP:.+]] = linalg.generic
// CHECK-SAME: indexing_maps = [affine_map<(d0, d1, d2, d3, d4) -> (d0, d2, d1, -d3 + 2, -d4 + 2)>, affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3, d4)>]
// CHECK-SAME: ins(%[[WG]] : tensor<2x2x1x3x3xf32>)
// CHECK: %[[WC:.+]] = tensor.collapse_shape %[[FLIP]] {{.*}} into tensor<2x2x3x3xf32>
// CHECK: tensor.expand_shape %[[PAD]] {{.*}} into tensor<1x2x2x5x5xf32>
// CHECK: tensor.expand_shape %[[WC]] {{.*}} into tensor<2x1x2x3x3xf32>
// CHECK: tensor.expand_shape %[[B]]
// CHECK: linalg.generic
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]
// CHECK: %[[Y:.+]] = tensor.collapse_shape {{.*}} into tensor<1x2x3x3xf32>
// CHECK: return %[[Y]]
func.func @runtime_weights_group2(%x: tensor<1x4x3x3xf32>, %w: tensor<4x1x3x3xf32>, %b: tensor<2xf32>) -> tensor<1x2x3x3xf32> {
  %0 = dsc.conv_transpose %x, %w, %b {dilations = array<i64: 1, 1>, group = 2 : i64,
                                      pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>}
      : (tensor<1x4x3x3xf32>, tensor<4x1x3x3xf32>, tensor<2xf32>) -> tensor<1x2x3x3xf32>
  return %0 : tensor<1x2x3x3xf32>
}

// -----

// Tests a begin pad larger than the kernel span (K - 1 = 1 < 3) and a
// negative end pad (output_padding): in the even phase, tap 1 reads inputs
// 1..4 (input 0 lands before the output); in the odd phase, tap 0 reads
// inputs 2..4 and one zero past the end (the extended output).
// CHECK-LABEL: func @crop_and_extend
// CHECK-SAME: (%[[X:.+]]: tensor<1x1x5xf32>, %[[W:.+]]: tensor<1x1x2xf32>)
// CHECK: %[[EMPTY:.+]] = tensor.empty() : tensor<1x1x8xf32>
// CHECK: %[[X0:.+]] = tensor.extract_slice %[[X]][0, 0, 1] [1, 1, 4] [1, 1, 1] : tensor<1x1x5xf32> to tensor<1x1x4xf32>
// CHECK: linalg.generic
// CHECK-SAME: affine_map<(d0, d1, d2, d3) -> (d0, d2, d1, d3 * -2 + 1)>
// CHECK: %[[P0:.+]] = linalg.generic
// CHECK-SAME: ins(%[[X0]], %{{.+}} : tensor<1x1x4xf32>, tensor<1x1x1xf32>)
// CHECK: %[[R0:.+]] = tensor.insert_slice %[[P0]] into %[[EMPTY]][0, 0, 0] [1, 1, 4] [1, 1, 2]
// CHECK: %[[X1:.+]] = tensor.extract_slice %[[X]][0, 0, 2] [1, 1, 3] [1, 1, 1] : tensor<1x1x5xf32> to tensor<1x1x3xf32>
// CHECK: %[[PAD:.+]] = tensor.pad %[[X1]] low[0, 0, 0] high[0, 0, 1]
// CHECK: linalg.generic
// CHECK-SAME: affine_map<(d0, d1, d2, d3) -> (d0, d2, d1, d3 * -2)>
// CHECK: %[[P1:.+]] = linalg.generic
// CHECK-SAME: ins(%[[PAD]], %{{.+}} : tensor<1x1x4xf32>, tensor<1x1x1xf32>)
// CHECK: %[[R1:.+]] = tensor.insert_slice %[[P1]] into %[[R0]][0, 0, 1] [1, 1, 4] [1, 1, 2]
// CHECK: return %[[R1]]
func.func @crop_and_extend(%x: tensor<1x1x5xf32>, %w: tensor<1x1x2xf32>) -> tensor<1x1x8xf32> {
  %0 = dsc.conv_transpose %x, %w {dilations = array<i64: 1>, group = 1 : i64,
                                  pads = array<i64: 3, -1>, strides = array<i64: 2>}
      : (tensor<1x1x5xf32>, tensor<1x1x2xf32>) -> tensor<1x1x8xf32>
  return %0 : tensor<1x1x8xf32>
}
