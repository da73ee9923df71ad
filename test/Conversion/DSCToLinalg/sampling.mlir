// RUN: dsc-opt %s --split-input-file --dsc-convert-to-linalg --mlir-print-local-scope | FileCheck %s

// Tests that nearest grid sampling is one parallel generic over the output
// that reads the grid (x from channel 0 for the width, y from channel 1 for
// the height), unnormalizes (align_corners false: ((g + 1) * size - 1) / 2),
// rounds half to even and gathers the input, zero outside.
// CHECK-LABEL: func @grid_nearest_zeros
// CHECK-SAME: (%[[X:.+]]: tensor<1x2x3x4xf32>, %[[G:.+]]: tensor<1x5x6x2xf32>)
// CHECK: %[[Y:.+]] = linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel", "parallel"]
// CHECK-SAME: outs(%{{.+}} : tensor<1x2x5x6xf32>)
// CHECK: %[[N:.+]] = linalg.index 0 : index
// CHECK: %[[C:.+]] = linalg.index 1 : index
// CHECK: %[[OH:.+]] = linalg.index 2 : index
// CHECK: %[[OW:.+]] = linalg.index 3 : index
// CHECK: %[[GY:.+]] = tensor.extract %[[G]][%[[N]], %[[OH]], %[[OW]], %c1] : tensor<1x5x6x2xf32>
// CHECK: math.roundeven
// CHECK: %[[GX:.+]] = tensor.extract %[[G]][%[[N]], %[[OH]], %[[OW]], %c0] : tensor<1x5x6x2xf32>
// CHECK: math.roundeven
// CHECK: %[[V:.+]] = tensor.extract %[[X]][%[[N]], %[[C]], %{{.+}}, %{{.+}}] : tensor<1x2x3x4xf32>
// CHECK: %[[S:.+]] = arith.select %{{.+}}, %[[V]], %{{.+}} : f32
// CHECK: linalg.yield %[[S]] : f32
// CHECK: return %[[Y]]
func.func @grid_nearest_zeros(%x: tensor<1x2x3x4xf32>, %g: tensor<1x5x6x2xf32>) -> tensor<1x2x5x6xf32> {
  %0 = dsc.grid_sample %x, %g {align_corners = false, mode = "nearest", padding_mode = "zeros"}
      : (tensor<1x2x3x4xf32>, tensor<1x5x6x2xf32>) -> tensor<1x2x5x6xf32>
  return %0 : tensor<1x2x5x6xf32>
}

// -----

// Tests that bilinear sampling of a 3-D input reads the 8 corner taps of
// each output element.
// CHECK-LABEL: func @grid_linear_3d_border
// CHECK: linalg.generic
// CHECK-COUNT-8: tensor.extract %{{.+}} : tensor<1x1x2x3x4xf32>
// CHECK-NOT: tensor.extract
// CHECK: linalg.yield
func.func @grid_linear_3d_border(%x: tensor<1x1x2x3x4xf32>, %g: tensor<1x2x2x2x3xf32>) -> tensor<1x1x2x2x2xf32> {
  %0 = dsc.grid_sample %x, %g {align_corners = true, mode = "linear", padding_mode = "border"}
      : (tensor<1x1x2x3x4xf32>, tensor<1x2x2x2x3xf32>) -> tensor<1x1x2x2x2xf32>
  return %0 : tensor<1x1x2x2x2xf32>
}

// -----

// Tests that RoiAlign reduces the sampling_ratio x sampling_ratio samples of
// each bin (two reduction dims) with four bilinear taps each, from the
// image of the box's batch index, then divides by the sample count (avg).
// CHECK-LABEL: func @roi_avg
// CHECK-SAME: (%[[X:.+]]: tensor<1x2x8x8xf32>, %[[R:.+]]: tensor<3x4xf32>, %[[B:.+]]: tensor<3xi64>)
// CHECK: %[[S:.+]] = tensor.empty() : tensor<2x2xf32>
// CHECK: %[[Z:.+]] = linalg.fill
// CHECK: %[[ACC:.+]] = linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]
// CHECK-SAME: ins(%[[S]] : tensor<2x2xf32>) outs(%[[Z]] : tensor<3x2x2x2xf32>)
// CHECK: tensor.extract %[[R]]
// CHECK: tensor.extract %[[B]]
// CHECK-COUNT-4: tensor.extract %[[X]]
// CHECK: linalg.yield
// CHECK: %[[Y:.+]] = linalg.generic
// CHECK-SAME: ins(%[[ACC]]
// CHECK: arith.constant 4.000000e+00 : f32
// CHECK: arith.divf
// CHECK: return %[[Y]]
func.func @roi_avg(%x: tensor<1x2x8x8xf32>, %r: tensor<3x4xf32>, %b: tensor<3xi64>) -> tensor<3x2x2x2xf32> {
  %0 = dsc.roi_align %x, %r, %b {half_pixel = true, mode = "avg", sampling_ratio = 2 : i64, spatial_scale = 1.0 : f64}
      : (tensor<1x2x8x8xf32>, tensor<3x4xf32>, tensor<3xi64>) -> tensor<3x2x2x2xf32>
  return %0 : tensor<3x2x2x2xf32>
}
