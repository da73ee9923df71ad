// RUN: dsc-opt %s --split-input-file --dsc-convert-to-linalg --mlir-print-local-scope | FileCheck %s

// Tests that a rank-4 to rank-2 reshape collapses to 1-D and expands to the
// result shape (two views, no copy).
// CHECK-LABEL: func @reshape_collapse_expand
// CHECK-SAME: (%[[X:.+]]: tensor<1x16x2x2xf32>)
// CHECK: %[[FLAT:.+]] = tensor.collapse_shape %[[X]] {{\[}}[0, 1, 2, 3]] : tensor<1x16x2x2xf32> into tensor<64xf32>
// CHECK: %[[R:.+]] = tensor.expand_shape %[[FLAT]] {{\[}}[0, 1]] output_shape [1, 64] : tensor<64xf32> into tensor<1x64xf32>
// CHECK: return %[[R]]
func.func @reshape_collapse_expand(%x: tensor<1x16x2x2xf32>) -> tensor<1x64xf32> {
  %0 = dsc.reshape %x : (tensor<1x16x2x2xf32>) -> tensor<1x64xf32>
  return %0 : tensor<1x64xf32>
}

// -----

// Tests that a 1-D input is only expanded.
// CHECK-LABEL: func @reshape_expand_only
// CHECK-SAME: (%[[X:.+]]: tensor<6xf32>)
// CHECK-NOT: tensor.collapse_shape
// CHECK: %[[R:.+]] = tensor.expand_shape %[[X]] {{\[}}[0, 1]] output_shape [2, 3] : tensor<6xf32> into tensor<2x3xf32>
// CHECK: return %[[R]]
func.func @reshape_expand_only(%x: tensor<6xf32>) -> tensor<2x3xf32> {
  %0 = dsc.reshape %x : (tensor<6xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Tests that a 1-D result is only collapsed.
// CHECK-LABEL: func @reshape_collapse_only
// CHECK-SAME: (%[[X:.+]]: tensor<2x3xf32>)
// CHECK: %[[R:.+]] = tensor.collapse_shape %[[X]] {{\[}}[0, 1]] : tensor<2x3xf32> into tensor<6xf32>
// CHECK-NOT: tensor.expand_shape
// CHECK: return %[[R]]
func.func @reshape_collapse_only(%x: tensor<2x3xf32>) -> tensor<6xf32> {
  %0 = dsc.reshape %x : (tensor<2x3xf32>) -> tensor<6xf32>
  return %0 : tensor<6xf32>
}

// -----

// Tests that a reshape to rank 0 is a collapse with empty reassociation.
// CHECK-LABEL: func @reshape_to_scalar
// CHECK-SAME: (%[[X:.+]]: tensor<1x1xf32>)
// CHECK: %[[R:.+]] = tensor.collapse_shape %[[X]] [] : tensor<1x1xf32> into tensor<f32>
// CHECK: return %[[R]]
func.func @reshape_to_scalar(%x: tensor<1x1xf32>) -> tensor<f32> {
  %0 = dsc.reshape %x : (tensor<1x1xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

// Tests that a reshape from rank 0 is an expand with empty reassociation.
// CHECK-LABEL: func @reshape_from_scalar
// CHECK-SAME: (%[[X:.+]]: tensor<f32>)
// CHECK: %[[R:.+]] = tensor.expand_shape %[[X]] [] output_shape [1, 1, 1] : tensor<f32> into tensor<1x1x1xf32>
// CHECK: return %[[R]]
func.func @reshape_from_scalar(%x: tensor<f32>) -> tensor<1x1x1xf32> {
  %0 = dsc.reshape %x : (tensor<f32>) -> tensor<1x1x1xf32>
  return %0 : tensor<1x1x1xf32>
}

// -----

// Tests that a reshape to the same type folds away.
// CHECK-LABEL: func @reshape_identity
// CHECK-SAME: (%[[X:.+]]: tensor<2x3xf32>)
// CHECK-NEXT: return %[[X]]
func.func @reshape_identity(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = dsc.reshape %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Tests that transpose becomes linalg.transpose with the same permutation.
// CHECK-LABEL: func @transpose
// CHECK-SAME: (%[[X:.+]]: tensor<1x3x4x5xf32>)
// CHECK: %[[INIT:.+]] = tensor.empty() : tensor<1x4x5x3xf32>
// CHECK: %[[R:.+]] = linalg.transpose ins(%[[X]] : tensor<1x3x4x5xf32>) outs(%[[INIT]] : tensor<1x4x5x3xf32>) permutation = [0, 2, 3, 1]
// CHECK: return %[[R]]
func.func @transpose(%x: tensor<1x3x4x5xf32>) -> tensor<1x4x5x3xf32> {
  %0 = dsc.transpose %x {perm = array<i64: 0, 2, 3, 1>} : (tensor<1x3x4x5xf32>) -> tensor<1x4x5x3xf32>
  return %0 : tensor<1x4x5x3xf32>
}

// -----

// Tests that concat inserts every input into an empty result at running
// offsets along the axis (0, 2, 5), repeated inputs included.
// CHECK-LABEL: func @concat
// CHECK-SAME: (%[[A:.+]]: tensor<1x2x4xf32>, %[[B:.+]]: tensor<1x3x4xf32>)
// CHECK: %[[E:.+]] = tensor.empty() : tensor<1x7x4xf32>
// CHECK: %[[S0:.+]] = tensor.insert_slice %[[A]] into %[[E]][0, 0, 0] [1, 2, 4] [1, 1, 1] : tensor<1x2x4xf32> into tensor<1x7x4xf32>
// CHECK: %[[S1:.+]] = tensor.insert_slice %[[B]] into %[[S0]][0, 2, 0] [1, 3, 4] [1, 1, 1] : tensor<1x3x4xf32> into tensor<1x7x4xf32>
// CHECK: %[[S2:.+]] = tensor.insert_slice %[[A]] into %[[S1]][0, 5, 0] [1, 2, 4] [1, 1, 1] : tensor<1x2x4xf32> into tensor<1x7x4xf32>
// CHECK: return %[[S2]]
func.func @concat(%a: tensor<1x2x4xf32>, %b: tensor<1x3x4xf32>) -> tensor<1x7x4xf32> {
  %0 = dsc.concat %a, %b, %a {axis = 1 : i64}
      : (tensor<1x2x4xf32>, tensor<1x3x4xf32>, tensor<1x2x4xf32>) -> tensor<1x7x4xf32>
  return %0 : tensor<1x7x4xf32>
}

// -----

// Tests that concat along the last axis offsets that dimension.
// CHECK-LABEL: func @concat_last_axis
// CHECK: tensor.insert_slice %{{.+}} into %{{.+}}[0, 0] [2, 1] [1, 1] : tensor<2x1xi64> into tensor<2x4xi64>
// CHECK: tensor.insert_slice %{{.+}} into %{{.+}}[0, 1] [2, 3] [1, 1] : tensor<2x3xi64> into tensor<2x4xi64>
func.func @concat_last_axis(%a: tensor<2x1xi64>, %b: tensor<2x3xi64>) -> tensor<2x4xi64> {
  %0 = dsc.concat %a, %b {axis = 1 : i64} : (tensor<2x1xi64>, tensor<2x3xi64>) -> tensor<2x4xi64>
  return %0 : tensor<2x4xi64>
}
