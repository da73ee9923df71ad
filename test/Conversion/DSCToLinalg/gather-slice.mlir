// RUN: dsc-opt %s --split-input-file --dsc-convert-to-linalg --mlir-print-local-scope | FileCheck %s

// Tests gather along axis 1: a generic over the result reads the indices
// at the result dims that replace the axis, wraps negative indices, clamps
// into range and extracts from the data.
// CHECK-LABEL: func @gather_axis1
// CHECK-SAME: (%[[DATA:.+]]: tensor<2x5x3xf32>, %[[IDX:.+]]: tensor<4xi64>)
// CHECK: linalg.generic
// CHECK-SAME: indexing_maps = [affine_map<(d0, d1, d2) -> (d1)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>]
// CHECK-SAME: ins(%[[IDX]] : tensor<4xi64>)
// CHECK: ^bb0(%[[I:.+]]: i64, %{{.+}}: f32):
// CHECK: %[[D0:.+]] = linalg.index 0 : index
// CHECK: %[[D2:.+]] = linalg.index 2 : index
// CHECK: %[[II:.+]] = arith.index_cast %[[I]] : i64 to index
// CHECK: %[[N:.+]] = arith.constant 5 : index
// CHECK: %[[NEG:.+]] = arith.cmpi slt, %[[II]], %{{.+}} : index
// CHECK: %[[WRAP:.+]] = arith.addi %[[II]], %[[N]] : index
// CHECK: %[[SEL:.+]] = arith.select %[[NEG]], %[[WRAP]], %[[II]] : index
// CHECK: %[[LO:.+]] = arith.maxsi %[[SEL]], %{{.+}} : index
// CHECK: %[[HI:.+]] = arith.minsi %[[LO]], %{{.+}} : index
// CHECK: tensor.extract %[[DATA]][%[[D0]], %[[HI]], %[[D2]]] : tensor<2x5x3xf32>
func.func @gather_axis1(%x: tensor<2x5x3xf32>, %i: tensor<4xi64>) -> tensor<2x4x3xf32> {
  %0 = dsc.gather %x, %i {axis = 1 : i64} : (tensor<2x5x3xf32>, tensor<4xi64>) -> tensor<2x4x3xf32>
  return %0 : tensor<2x4x3xf32>
}

// -----

// Tests that positive steps are a strided extract_slice.
// CHECK-LABEL: func @slice_positive
// CHECK: tensor.extract_slice %{{.+}}[1, 1] [1, 3] [1, 3] : tensor<2x8xf32> to tensor<1x3xf32>
func.func @slice_positive(%x: tensor<2x8xf32>) -> tensor<1x3xf32> {
  %0 = dsc.slice %x {starts = array<i64: 1, 1>, steps = array<i64: 1, 3>} : (tensor<2x8xf32>) -> tensor<1x3xf32>
  return %0 : tensor<1x3xf32>
}

// -----

// Tests that a negative step reads start + i * step element by element.
// CHECK-LABEL: func @slice_negative
// CHECK: linalg.generic
// CHECK: %[[J:.+]] = linalg.index 1 : index
// CHECK: %[[STEP:.+]] = arith.constant -2 : index
// CHECK: %[[OFF:.+]] = arith.muli %[[J]], %[[STEP]] : index
// CHECK: %[[START:.+]] = arith.constant 7 : index
// CHECK: %[[COL:.+]] = arith.addi %[[OFF]], %[[START]] : index
// CHECK: tensor.extract %{{.+}}[%{{.+}}, %[[COL]]] : tensor<2x8xf32>
func.func @slice_negative(%x: tensor<2x8xf32>) -> tensor<2x4xf32> {
  %0 = dsc.slice %x {starts = array<i64: 0, 7>, steps = array<i64: 1, -2>} : (tensor<2x8xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

// Tests that gather_elements iterates the indices' shape and reads data
// with the axis coordinate replaced by the (normalized, clamped) index.
// CHECK-LABEL: func @gather_elements
// CHECK: linalg.generic
// CHECK: %[[I0:.+]] = linalg.index 0 : index
// CHECK: %[[IDX:.+]] = arith.minsi
// CHECK: tensor.extract %{{.+}}[%[[I0]], %[[IDX]]] : tensor<3x4xf32>
func.func @gather_elements(%d: tensor<3x4xf32>, %i: tensor<3x2xi64>) -> tensor<3x2xf32> {
  %0 = dsc.gather_elements %d, %i {axis = 1 : i64} : (tensor<3x4xf32>, tensor<3x2xi64>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

// Tests that a scatter is one generic over the data's dimensions then the
// updates' (reduction), selecting the combined value where the update
// targets the element; scatter_nd reads its index tuple with extracts.
// CHECK-LABEL: func @scatters
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel", "reduction", "reduction"]
// CHECK: arith.addf
// CHECK: arith.select
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel", "reduction", "reduction"]
// CHECK: tensor.extract %{{.+}}[%{{.+}}, %{{.+}}] : tensor<2x1xi64>
// CHECK: arith.select
func.func @scatters(%d: tensor<3x4xf32>, %i: tensor<3x2xi64>, %u: tensor<3x2xf32>,
                    %j: tensor<2x1xi64>, %v: tensor<2x4xf32>) -> (tensor<3x4xf32>, tensor<3x4xf32>) {
  %0 = dsc.scatter_elements %d, %i, %u {axis = 1 : i64, reduction = "add"} : (tensor<3x4xf32>, tensor<3x2xi64>, tensor<3x2xf32>) -> tensor<3x4xf32>
  %1 = dsc.scatter_nd %d, %j, %v {reduction = "none"} : (tensor<3x4xf32>, tensor<2x1xi64>, tensor<2x4xf32>) -> tensor<3x4xf32>
  return %0, %1 : tensor<3x4xf32>, tensor<3x4xf32>
}
