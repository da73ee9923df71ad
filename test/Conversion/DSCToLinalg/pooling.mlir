// RUN: dsc-opt %s --split-input-file --dsc-convert-to-linalg --mlir-print-local-scope | FileCheck %s

// Tests that max pooling pads with the lowest finite float (so padding never
// wins), starts from the same value and reduces windows with maxnumf (NaN
// inputs lose, as in ONNX Runtime); the input map is o * stride + kk *
// dilation and the kernel tensor only carries the window's loop bounds.
// CHECK-LABEL: func @max_pool
// CHECK-SAME: (%[[X:.+]]: tensor<1x8x8x8xf32>)
// CHECK: %[[LOW:.+]] = arith.constant -3.40282347E+38 : f32
// CHECK: %[[PAD:.+]] = tensor.pad %[[X]] low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK: tensor.yield %[[LOW]] : f32
// CHECK: } : tensor<1x8x8x8xf32> to tensor<1x8x10x10xf32>
// CHECK: %[[WIN:.+]] = tensor.empty() : tensor<3x3xf32>
// CHECK: %[[EMPTY:.+]] = tensor.empty() : tensor<1x8x4x4xf32>
// CHECK: %[[LOW2:.+]] = arith.constant -3.40282347E+38 : f32
// CHECK: %[[INIT:.+]] = linalg.fill ins(%[[LOW2]] : f32) outs(%[[EMPTY]] : tensor<1x8x4x4xf32>)
// CHECK: %[[R:.+]] = linalg.generic
// CHECK-SAME: indexing_maps = [affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2 * 2 + d4, d3 * 2 + d5)>, affine_map<(d0, d1, d2, d3, d4, d5) -> (d4, d5)>, affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3)>]
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]
// CHECK-SAME: ins(%[[PAD]], %[[WIN]] : tensor<1x8x10x10xf32>, tensor<3x3xf32>) outs(%[[INIT]] : tensor<1x8x4x4xf32>)
// CHECK: ^bb0(%[[IN:.+]]: f32, %{{.+}}: f32, %[[ACC:.+]]: f32):
// CHECK: %[[M:.+]] = arith.maxnumf %[[ACC]], %[[IN]] : f32
// CHECK: linalg.yield %[[M]]
// CHECK: return %[[R]]
func.func @max_pool(%x: tensor<1x8x8x8xf32>) -> tensor<1x8x4x4xf32> {
  %0 = dsc.max_pool %x {ceil_mode = false, dilations = array<i64: 1, 1>,
                        kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>,
                        strides = array<i64: 2, 2>}
      : (tensor<1x8x8x8xf32>) -> tensor<1x8x4x4xf32>
  return %0 : tensor<1x8x4x4xf32>
}

// -----

// Tests that ceil mode pads past the end so the last (partial) window is in
// bounds: 7 + 1 extra = 8 covers windows at 0, 2, 4, 6.
// CHECK-LABEL: func @max_pool_ceil
// CHECK: %[[LOW:.+]] = arith.constant -3.40282347E+38 : f32
// CHECK: tensor.pad %{{.+}} low[0, 0, 0, 0] high[0, 0, 1, 1]
// CHECK: tensor.yield %[[LOW]] : f32
// CHECK: } : tensor<1x8x7x7xf32> to tensor<1x8x8x8xf32>
// CHECK: linalg.generic
// CHECK-SAME: ins(%{{.+}}, %{{.+}} : tensor<1x8x8x8xf32>, tensor<2x2xf32>) outs(%{{.+}} : tensor<1x8x4x4xf32>)
func.func @max_pool_ceil(%x: tensor<1x8x7x7xf32>) -> tensor<1x8x4x4xf32> {
  %0 = dsc.max_pool %x {ceil_mode = true, dilations = array<i64: 1, 1>,
                        kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>,
                        strides = array<i64: 2, 2>}
      : (tensor<1x8x7x7xf32>) -> tensor<1x8x4x4xf32>
  return %0 : tensor<1x8x4x4xf32>
}

// -----

// Tests that a dilated max pool multiplies the kernel index by the dilation.
// CHECK-LABEL: func @max_pool_dilated
// CHECK-NOT: tensor.pad
// CHECK: linalg.generic
// CHECK-SAME: indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2 + d3 * 2)>
func.func @max_pool_dilated(%x: tensor<1x2x9xf32>) -> tensor<1x2x5xf32> {
  %0 = dsc.max_pool %x {ceil_mode = false, dilations = array<i64: 2>,
                        kernel_shape = array<i64: 3>, pads = array<i64: 0, 0>,
                        strides = array<i64: 1>}
      : (tensor<1x2x9xf32>) -> tensor<1x2x5xf32>
  return %0 : tensor<1x2x5xf32>
}

// -----

// Tests that an unpadded average pool sums into a zero init and multiplies
// by one uniform reciprocal (1/4).
// CHECK-LABEL: func @avg_pool_uniform
// CHECK-SAME: (%[[X:.+]]: tensor<1x8x8x8xf32>)
// CHECK-NOT: tensor.pad
// CHECK: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[INIT:.+]] = linalg.fill ins(%[[ZERO]] : f32)
// CHECK: %[[SUM:.+]] = linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]
// CHECK-SAME: ins(%[[X]], %{{.+}} : tensor<1x8x8x8xf32>, tensor<2x2xf32>) outs(%[[INIT]] : tensor<1x8x4x4xf32>)
// CHECK: ^bb0(%[[IN:.+]]: f32, %{{.+}}: f32, %[[ACC:.+]]: f32):
// CHECK: arith.addf %[[ACC]], %[[IN]] : f32
// CHECK: %[[R:.+]] = linalg.generic
// CHECK-SAME: indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>]
// CHECK-SAME: ins(%[[SUM]] : tensor<1x8x4x4xf32>)
// CHECK: ^bb0(%[[S:.+]]: f32, %{{.+}}: f32):
// CHECK: %[[RECIP:.+]] = arith.constant 2.500000e-01 : f32
// CHECK: %[[AVG:.+]] = arith.mulf %[[S]], %[[RECIP]] : f32
// CHECK: linalg.yield %[[AVG]]
// CHECK: return %[[R]]
func.func @avg_pool_uniform(%x: tensor<1x8x8x8xf32>) -> tensor<1x8x4x4xf32> {
  %0 = dsc.avg_pool %x {ceil_mode = false, count_include_pad = false,
                        dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>,
                        pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>}
      : (tensor<1x8x8x8xf32>) -> tensor<1x8x4x4xf32>
  return %0 : tensor<1x8x4x4xf32>
}

// -----

// Tests that count_include_pad = true with pads counts the pad positions:
// every 3x3 window divides by 9, a uniform scalar.
// CHECK-LABEL: func @avg_pool_include_pad
// CHECK: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK: tensor.pad %{{.+}} low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK: tensor.yield %[[ZERO]] : f32
// CHECK: linalg.generic
// CHECK: arith.addf
// CHECK: linalg.generic
// CHECK: arith.constant 0.111111112 : f32
// CHECK: arith.mulf
// CHECK-NOT: dense<
func.func @avg_pool_include_pad(%x: tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32> {
  %0 = dsc.avg_pool %x {ceil_mode = false, count_include_pad = true,
                        dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>,
                        pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>}
      : (tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32>
  return %0 : tensor<1x8x4x4xf32>
}

// -----

// Tests that count_include_pad = false with pads divides by the number of
// input positions per window: a constant [O_h, O_w] tensor of reciprocals
// (corners 1/4, edges 1/6, centre 1/9) broadcast over (n, c).
// CHECK-LABEL: func @avg_pool_exclude_pad
// CHECK: %[[PAD:.+]] = tensor.pad
// CHECK: %[[SUM:.+]] = linalg.generic
// CHECK-SAME: ins(%[[PAD]], %{{.+}} : tensor<1x8x5x5xf32>, tensor<3x3xf32>)
// CHECK: %[[DIV:.+]] = arith.constant dense<{{\[}}[2.500000e-01, 0.166666672, 2.500000e-01], [0.166666672, 0.111111112, 0.166666672], [2.500000e-01, 0.166666672, 2.500000e-01]]> : tensor<3x3xf32>
// CHECK: %[[R:.+]] = linalg.generic
// CHECK-SAME: indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>]
// CHECK-SAME: ins(%[[SUM]], %[[DIV]] : tensor<1x8x3x3xf32>, tensor<3x3xf32>)
// CHECK: ^bb0(%[[S:.+]]: f32, %[[D:.+]]: f32, %{{.+}}: f32):
// CHECK: %[[AVG:.+]] = arith.mulf %[[S]], %[[D]] : f32
// CHECK: linalg.yield %[[AVG]]
// CHECK: return %[[R]]
func.func @avg_pool_exclude_pad(%x: tensor<1x8x3x3xf32>) -> tensor<1x8x3x3xf32> {
  %0 = dsc.avg_pool %x {ceil_mode = false, count_include_pad = false,
                        dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>,
                        pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>}
      : (tensor<1x8x3x3xf32>) -> tensor<1x8x3x3xf32>
  return %0 : tensor<1x8x3x3xf32>
}

// -----

// Tests that ceil mode's extra end padding is not counted even with
// count_include_pad = true: the last window of 5 (stride 2, kernel 2) covers
// one input position.
// CHECK-LABEL: func @avg_pool_ceil
// CHECK: tensor.pad %{{.+}} low[0, 0, 0, 0] high[0, 0, 1, 1]
// CHECK: } : tensor<1x1x5x5xf32> to tensor<1x1x6x6xf32>
// CHECK: arith.constant dense<{{\[}}[2.500000e-01, 2.500000e-01, 5.000000e-01], [2.500000e-01, 2.500000e-01, 5.000000e-01], [5.000000e-01, 5.000000e-01, 1.000000e+00]]> : tensor<3x3xf32>
func.func @avg_pool_ceil(%x: tensor<1x1x5x5xf32>) -> tensor<1x1x3x3xf32> {
  %0 = dsc.avg_pool %x {ceil_mode = true, count_include_pad = true,
                        dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>,
                        pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>}
      : (tensor<1x1x5x5xf32>) -> tensor<1x1x3x3xf32>
  return %0 : tensor<1x1x3x3xf32>
}

// -----

// Tests that global average pooling sums all spatial dimensions into
// [N, C], divides by their element count and expands back to [N, C, 1, 1].
// CHECK-LABEL: func @global_avg_pool
// CHECK-SAME: (%[[X:.+]]: tensor<1x64x7x7xf32>)
// CHECK: %[[EMPTY:.+]] = tensor.empty() : tensor<1x64xf32>
// CHECK: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[INIT:.+]] = linalg.fill ins(%[[ZERO]] : f32) outs(%[[EMPTY]] : tensor<1x64xf32>)
// CHECK: %[[SUM:.+]] = linalg.generic
// CHECK-SAME: indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1)>]
// CHECK-SAME: iterator_types = ["parallel", "parallel", "reduction", "reduction"]
// CHECK-SAME: ins(%[[X]] : tensor<1x64x7x7xf32>) outs(%[[INIT]] : tensor<1x64xf32>)
// CHECK: arith.addf
// CHECK: %[[MEAN:.+]] = linalg.generic
// CHECK-SAME: ins(%[[SUM]] : tensor<1x64xf32>)
// CHECK: ^bb0(%[[S:.+]]: f32, %{{.+}}: f32):
// CHECK: %[[N:.+]] = arith.constant 4.900000e+01 : f32
// CHECK: %[[D:.+]] = arith.divf %[[S]], %[[N]] : f32
// CHECK: linalg.yield %[[D]]
// CHECK: %[[OUT:.+]] = tensor.expand_shape %[[MEAN]] {{\[}}[0], [1, 2, 3]] output_shape [1, 64, 1, 1] : tensor<1x64xf32> into tensor<1x64x1x1xf32>
// CHECK: return %[[OUT]]
func.func @global_avg_pool(%x: tensor<1x64x7x7xf32>) -> tensor<1x64x1x1xf32> {
  %0 = dsc.global_avg_pool %x : (tensor<1x64x7x7xf32>) -> tensor<1x64x1x1xf32>
  return %0 : tensor<1x64x1x1xf32>
}

// -----

// Tests that integer max pooling pads with and starts from the signed
// minimum and reduces with maxsi (unsigned inputs arrive biased to signed
// order from the importer).
// CHECK-LABEL: func @max_pool_i8
// CHECK: %[[LOW:.+]] = arith.constant -128 : i8
// CHECK: tensor.pad
// CHECK: tensor.yield %[[LOW]] : i8
// CHECK: linalg.fill
// CHECK: linalg.generic
// CHECK: arith.maxsi
func.func @max_pool_i8(%x: tensor<1x2x5x5xi8>) -> tensor<1x2x5x5xi8> {
  %0 = dsc.max_pool %x {ceil_mode = false, dilations = array<i64: 1, 1>,
                        kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>,
                        strides = array<i64: 1, 1>}
      : (tensor<1x2x5x5xi8>) -> tensor<1x2x5x5xi8>
  return %0 : tensor<1x2x5x5xi8>
}
