// RUN: dsc-opt %s --split-input-file --dsc-convert-to-linalg --mlir-print-local-scope | FileCheck %s

// Tests that nearest resizing is one generic over the output that gathers
// the input at compile-time index tables of the resized dimensions
// (asymmetric floor: output o reads o / 2) and at the output's own index
// elsewhere.
// CHECK-LABEL: func @nearest_asymmetric_2x
// CHECK-SAME: (%[[X:.+]]: tensor<1x2x2x3xf32>)
// CHECK-DAG: %[[H:.+]] = arith.constant dense<[0, 0, 1, 1]> : tensor<4xi64>
// CHECK-DAG: %[[W:.+]] = arith.constant dense<[0, 0, 1, 1, 2, 2]> : tensor<6xi64>
// CHECK: %[[Y:.+]] = linalg.generic
// CHECK-SAME: indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d2)>, affine_map<(d0, d1, d2, d3) -> (d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>]
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel", "parallel"]
// CHECK-SAME: ins(%[[H]], %[[W]] : tensor<4xi64>, tensor<6xi64>)
// CHECK: ^bb0(%[[HI:.+]]: i64, %[[WI:.+]]: i64, %{{.+}}: f32):
// CHECK: %[[N:.+]] = linalg.index 0 : index
// CHECK: %[[C:.+]] = linalg.index 1 : index
// CHECK: %[[HX:.+]] = arith.index_cast %[[HI]] : i64 to index
// CHECK: %[[WX:.+]] = arith.index_cast %[[WI]] : i64 to index
// CHECK: %[[V:.+]] = tensor.extract %[[X]][%[[N]], %[[C]], %[[HX]], %[[WX]]] : tensor<1x2x2x3xf32>
// CHECK: linalg.yield %[[V]] : f32
// CHECK: return %[[Y]]
func.func @nearest_asymmetric_2x(%x: tensor<1x2x2x3xf32>) -> tensor<1x2x4x6xf32> {
  %0 = dsc.resize %x {antialias = false, coordinate_transformation_mode = "asymmetric",
                      cubic_coeff_a = -7.5e-01 : f64, exclude_outside = false,
                      extrapolation_value = 0.0 : f64, mode = "nearest", nearest_mode = "floor",
                      roi = array<f64: 0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0>,
                      scales = array<f64: 1.0, 1.0, 2.0, 2.0>}
      : (tensor<1x2x2x3xf32>) -> tensor<1x2x4x6xf32>
  return %0 : tensor<1x2x4x6xf32>
}

// -----

// Tests linear resizing of one dimension: a generic with a reduction over
// the two taps reads index and weight tables (half_pixel, 4 -> 3: source
// coordinates 1/6, 3/2, 17/6) and accumulates weight * input into zeros.
// CHECK-LABEL: func @linear_half_pixel_width
// CHECK-SAME: (%[[X:.+]]: tensor<2x4xf32>)
// CHECK: %[[INIT:.+]] = linalg.fill {{.*}} -> tensor<2x3xf32>
// CHECK: %[[IDX:.+]] = arith.constant dense<{{\[\[}}0, 1], [1, 2], [2, 3]]> : tensor<3x2xi64>
// CHECK: %[[WTS:.+]] = arith.constant dense<{{\[\[}}0.833333313, 0.166666672], [5.000000e-01, 5.000000e-01], [0.166666672, 0.833333313]]> : tensor<3x2xf32>
// CHECK: %[[Y:.+]] = linalg.generic
// CHECK-SAME: indexing_maps = [affine_map<(d0, d1, d2) -> (d1, d2)>, affine_map<(d0, d1, d2) -> (d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1)>]
// CHECK-SAME: iterator_types = ["parallel", "parallel", "reduction"]
// CHECK-SAME: ins(%[[IDX]], %[[WTS]] : tensor<3x2xi64>, tensor<3x2xf32>) outs(%[[INIT]] : tensor<2x3xf32>)
// CHECK: ^bb0(%[[I:.+]]: i64, %[[WV:.+]]: f32, %[[ACC:.+]]: f32):
// CHECK: %[[R:.+]] = linalg.index 0 : index
// CHECK: %[[IX:.+]] = arith.index_cast %[[I]] : i64 to index
// CHECK: %[[V:.+]] = tensor.extract %[[X]][%[[R]], %[[IX]]] : tensor<2x4xf32>
// CHECK: %[[P:.+]] = arith.mulf %[[V]], %[[WV]] : f32
// CHECK: %[[S:.+]] = arith.addf %[[ACC]], %[[P]] : f32
// CHECK: linalg.yield %[[S]] : f32
// CHECK: return %[[Y]]
func.func @linear_half_pixel_width(%x: tensor<2x4xf32>) -> tensor<2x3xf32> {
  %0 = dsc.resize %x {antialias = false, coordinate_transformation_mode = "half_pixel",
                      cubic_coeff_a = -7.5e-01 : f64, exclude_outside = false,
                      extrapolation_value = 0.0 : f64, mode = "linear", nearest_mode = "round_prefer_floor",
                      roi = array<f64: 0.0, 0.0, 1.0, 1.0>, scales = array<f64: 1.0, 0.75>}
      : (tensor<2x4xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Tests tf_crop_and_resize with nearest: positions mapped outside the
// input (x = 1.5 y + 1.5 > 3 for y = 2) carry index -1 and select the
// extrapolation value; the tie at 1.5 rounds to the floor.
// CHECK-LABEL: func @nearest_crop_extrapolation
// CHECK: %[[T:.+]] = arith.constant dense<[1, 3, -1]> : tensor<3xi64>
// CHECK: linalg.generic
// CHECK-SAME: ins(%[[T]] : tensor<3xi64>)
// CHECK: ^bb0(%[[I:.+]]: i64, %{{.+}}: f32):
// CHECK: %[[ZERO:.+]] = arith.constant 0 : i64
// CHECK: %[[OUT:.+]] = arith.cmpi slt, %[[I]], %[[ZERO]] : i64
// CHECK: %[[SAFE:.+]] = arith.maxsi %[[I]], %[[ZERO]] : i64
// CHECK: %[[V:.+]] = tensor.extract
// CHECK: %[[E:.+]] = arith.constant 7.000000e+00 : f32
// CHECK: arith.select %[[OUT]], %[[E]], %[[V]] : f32
func.func @nearest_crop_extrapolation(%x: tensor<4xf32>) -> tensor<3xf32> {
  %0 = dsc.resize %x {antialias = false, coordinate_transformation_mode = "tf_crop_and_resize",
                      cubic_coeff_a = -7.5e-01 : f64, exclude_outside = false,
                      extrapolation_value = 7.0 : f64, mode = "nearest", nearest_mode = "round_prefer_floor",
                      roi = array<f64: 0.5, 1.5>, scales = array<f64: 0.75>}
      : (tensor<4xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

// Tests linear tf_crop_and_resize: extrapolated rows get zero weights and
// start from the extrapolation value (a broadcast [out, 1] table).
// CHECK-LABEL: func @linear_crop_extrapolation
// CHECK: %[[BIAS:.+]] = arith.constant dense<{{\[\[}}0.000000e+00], [0.000000e+00], [5.000000e+00]]> : tensor<3x1xf32>
// CHECK: %[[INIT:.+]] = linalg.generic
// CHECK-SAME: ins(%[[BIAS]] : tensor<3x1xf32>)
// CHECK: %[[IDX:.+]] = arith.constant dense<{{\[\[}}0, 1], [2, 3], [3, 3]]> : tensor<3x2xi64>
// CHECK: %[[WTS:.+]] = arith.constant dense<{{\[\[}}2.500000e-01, 7.500000e-01], [7.500000e-01, 2.500000e-01], [0.000000e+00, 0.000000e+00]]> : tensor<3x2xf32>
// CHECK: linalg.generic
// CHECK-SAME: ins(%[[IDX]], %[[WTS]] : tensor<3x2xi64>, tensor<3x2xf32>) outs(%[[INIT]] : tensor<3x4xf32>)
func.func @linear_crop_extrapolation(%x: tensor<4x4xf32>) -> tensor<3x4xf32> {
  %0 = dsc.resize %x {antialias = false, coordinate_transformation_mode = "tf_crop_and_resize",
                      cubic_coeff_a = -7.5e-01 : f64, exclude_outside = false,
                      extrapolation_value = 5.0 : f64, mode = "linear", nearest_mode = "round_prefer_floor",
                      roi = array<f64: 0.25, 0.0, 1.25, 1.0>, scales = array<f64: 0.75, 1.0>}
      : (tensor<4x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

// Tests that a resize changing nothing (scales 1, same shape) is the input.
// CHECK-LABEL: func @cubic_identity
// CHECK-SAME: (%[[X:.+]]: tensor<1x3xf32>)
// CHECK-NEXT: return %[[X]]
func.func @cubic_identity(%x: tensor<1x3xf32>) -> tensor<1x3xf32> {
  %0 = dsc.resize %x {antialias = false, coordinate_transformation_mode = "half_pixel",
                      cubic_coeff_a = -7.5e-01 : f64, exclude_outside = false,
                      extrapolation_value = 0.0 : f64, mode = "cubic", nearest_mode = "round_prefer_floor",
                      roi = array<f64: 0.0, 0.0, 1.0, 1.0>, scales = array<f64: 1.0, 1.0>}
      : (tensor<1x3xf32>) -> tensor<1x3xf32>
  return %0 : tensor<1x3xf32>
}

// -----

// Tests nearest resizing with run-time scales: a generic over the output
// positions of the resized dimension computes its index table at run time
// from the scale it reads (entry 1 of %s, widened to f64): the half_pixel
// source coordinate, its floor, and round_prefer_floor's choice between the
// two neighbours, clamped into the input. The gather then reads that table.
// CHECK-LABEL: func @nearest_runtime_scales
// CHECK-SAME: (%[[X:.+]]: tensor<2x3xf32>, %[[S:.+]]: tensor<2xf32>)
// CHECK: %[[EMPTY:.+]] = tensor.empty() : tensor<5xi64>
// CHECK: %[[T:.+]] = linalg.generic
// CHECK-SAME: iterator_types = ["parallel"]
// CHECK-SAME: outs(%[[EMPTY]] : tensor<5xi64>)
// CHECK: %[[E:.+]] = tensor.extract %[[S]][%{{.+}}] : tensor<2xf32>
// CHECK: %[[SC:.+]] = arith.extf %[[E]] : f32 to f64
// CHECK: arith.divf %{{.+}}, %[[SC]] : f64
// CHECK: math.floor
// CHECK: arith.cmpf ole
// CHECK: arith.maxsi
// CHECK: arith.minsi
// CHECK: linalg.yield %{{.+}} : i64
// CHECK: %[[Y:.+]] = linalg.generic
// CHECK-SAME: ins(%[[T]] : tensor<5xi64>)
// CHECK: tensor.extract %[[X]]
// CHECK: return %[[Y]]
func.func @nearest_runtime_scales(%x: tensor<2x3xf32>, %s: tensor<2xf32>) -> tensor<2x5xf32> {
  %0 = dsc.resize %x scales(%s) {antialias = false, coordinate_transformation_mode = "half_pixel",
                      cubic_coeff_a = -7.5e-01 : f64, exclude_outside = false,
                      extrapolation_value = 0.0 : f64, mode = "nearest",
                      nearest_mode = "round_prefer_floor",
                      roi = array<f64: 0.0, 0.0, 1.0, 1.0>,
                      runtime_axes = array<i64: -1, 1>,
                      scales = array<f64: 1.0, 1.6666666666666667>}
      : (tensor<2x3xf32>, tensor<2xf32>) -> tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}

// -----

// Tests linear tf_crop_and_resize with a run-time roi: the table generic
// yields indices (-1 where the source coordinate leaves the input) and
// weights per output position and tap; the resizing generic reads index 0
// there and puts the extrapolation value at tap 0.
// CHECK-LABEL: func @linear_runtime_roi
// CHECK-SAME: (%[[X:.+]]: tensor<4xf32>, %[[R:.+]]: tensor<2xf32>)
// CHECK: %[[TI:.+]]:2 = linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel"]
// CHECK-SAME: outs(%{{.+}}, %{{.+}} : tensor<3x2xi64>, tensor<3x2xf32>)
// CHECK: tensor.extract %[[R]]
// CHECK: tensor.extract %[[R]]
// CHECK: linalg.yield %{{.+}}, %{{.+}} : i64, f32
// CHECK: %[[Y:.+]] = linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "reduction"]
// CHECK-SAME: ins(%[[TI]]#0, %[[TI]]#1 : tensor<3x2xi64>, tensor<3x2xf32>)
// CHECK: arith.cmpi slt
// CHECK: arith.maxsi
// CHECK: tensor.extract %[[X]]
// CHECK: arith.constant -2.000000e+00 : f32
// CHECK: arith.select
// CHECK: return %[[Y]]
func.func @linear_runtime_roi(%x: tensor<4xf32>, %roi: tensor<2xf32>) -> tensor<3xf32> {
  %0 = dsc.resize %x roi(%roi) {antialias = false, coordinate_transformation_mode = "tf_crop_and_resize",
                      cubic_coeff_a = -7.5e-01 : f64, exclude_outside = false,
                      extrapolation_value = -2.0 : f64, mode = "linear",
                      nearest_mode = "round_prefer_floor",
                      roi = array<f64: 0.0, 1.0>, runtime_axes = array<i64: 0>,
                      scales = array<f64: 0.75>}
      : (tensor<4xf32>, tensor<2xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}
