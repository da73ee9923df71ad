// RUN: dsc-opt %s --split-input-file --dsc-convert-to-linalg --mlir-print-local-scope | FileCheck %s

// Tests a mean over two axes with keepdims: a sum from 0 over the reduced
// iterators into the dropped-dims shape, a division by the element count,
// and an expand_shape that puts the unit dims back.
// CHECK-LABEL: func @mean_keepdims
// CHECK: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[INIT:.+]] = linalg.fill ins(%[[ZERO]] : f32) outs(%{{.+}} : tensor<2xf32>)
// CHECK: %[[SUM:.+]] = linalg.generic
// CHECK-SAME: indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0)>]
// CHECK-SAME: iterator_types = ["parallel", "reduction", "reduction"]
// CHECK-SAME: outs(%[[INIT]] : tensor<2xf32>)
// CHECK: ^bb0(%[[X:.+]]: f32, %[[ACC:.+]]: f32):
// CHECK: arith.addf %[[ACC]], %[[X]] : f32
// CHECK: %[[MEAN:.+]] = linalg.generic
// CHECK: arith.constant 1.200000e+01 : f32
// CHECK: arith.divf
// CHECK: tensor.expand_shape %[[MEAN]] {{\[}}[0, 1, 2]] output_shape [2, 1, 1] : tensor<2xf32> into tensor<2x1x1xf32>
func.func @mean_keepdims(%x: tensor<2x3x4xf32>) -> tensor<2x1x1xf32> {
  %0 = dsc.reduce %x {axes = array<i64: 1, 2>, keepdims = true, kind = "mean"} : (tensor<2x3x4xf32>) -> tensor<2x1x1xf32>
  return %0 : tensor<2x1x1xf32>
}

// -----

// Tests that leading reduced dims join the first kept dim's group.
// CHECK-LABEL: func @leading_unit_dims
// CHECK: tensor.expand_shape %{{.+}} {{\[}}[0, 1], [2, 3]] output_shape [1, 3, 4, 1] : tensor<3x4xf32> into tensor<1x3x4x1xf32>
func.func @leading_unit_dims(%x: tensor<2x3x4x5xf32>) -> tensor<1x3x4x1xf32> {
  %0 = dsc.reduce %x {axes = array<i64: 0, 3>, keepdims = true, kind = "sum"} : (tensor<2x3x4x5xf32>) -> tensor<1x3x4x1xf32>
  return %0 : tensor<1x3x4x1xf32>
}

// -----

// Tests the identities and combiners: max from -inf, min from +inf, prod
// from 1, l1/l2/sum_square transform x first, l2 and log_sum finish with
// sqrt and log; integer max starts from the smallest signed value.
// CHECK-LABEL: func @kinds
// CHECK: arith.constant 0xFF800000 : f32
// CHECK: arith.maximumf
// CHECK: arith.constant 0x7F800000 : f32
// CHECK: arith.minimumf
// CHECK: arith.constant 1.000000e+00 : f32
// CHECK: arith.mulf %{{.+}}, %{{.+}} : f32
// CHECK: math.absf
// CHECK: ^bb0(%[[X:.+]]: f32, %[[ACC:.+]]: f32):
// CHECK: %[[SQ:.+]] = arith.mulf %[[X]], %[[X]] : f32
// CHECK: arith.addf %[[ACC]], %[[SQ]] : f32
// CHECK: math.sqrt
// CHECK: math.log
// CHECK: arith.constant -9223372036854775808 : i64
// CHECK: arith.maxsi
func.func @kinds(%x: tensor<3x4xf32>, %i: tensor<3x4xi64>) -> (tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xi64>) {
  %0 = dsc.reduce %x {axes = array<i64: 1>, keepdims = false, kind = "max"} : (tensor<3x4xf32>) -> tensor<3xf32>
  %1 = dsc.reduce %x {axes = array<i64: 1>, keepdims = false, kind = "min"} : (tensor<3x4xf32>) -> tensor<3xf32>
  %2 = dsc.reduce %x {axes = array<i64: 1>, keepdims = false, kind = "prod"} : (tensor<3x4xf32>) -> tensor<3xf32>
  %3 = dsc.reduce %x {axes = array<i64: 1>, keepdims = false, kind = "l1"} : (tensor<3x4xf32>) -> tensor<3xf32>
  %4 = dsc.reduce %x {axes = array<i64: 1>, keepdims = false, kind = "l2"} : (tensor<3x4xf32>) -> tensor<3xf32>
  %5 = dsc.reduce %x {axes = array<i64: 1>, keepdims = false, kind = "log_sum"} : (tensor<3x4xf32>) -> tensor<3xf32>
  %6 = dsc.reduce %i {axes = array<i64: 1>, keepdims = false, kind = "max"} : (tensor<3x4xi64>) -> tensor<3xi64>
  return %0, %1, %2, %3, %4, %5, %6 : tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xi64>
}

// -----

// Tests log_sum_exp: the maximum first, then sum(exp(x - max)) reading the
// maximum alongside, then max + log(sum).
// CHECK-LABEL: func @log_sum_exp
// CHECK: %[[MAX:.+]] = linalg.generic
// CHECK: arith.maximumf
// CHECK: %[[SUM:.+]] = linalg.generic
// CHECK-SAME: ins(%{{.+}}, %[[MAX]] : tensor<3x4xf32>, tensor<3xf32>)
// CHECK: ^bb0(%[[X:.+]]: f32, %[[M:.+]]: f32, %[[ACC:.+]]: f32):
// CHECK: %[[D:.+]] = arith.subf %[[X]], %[[M]] : f32
// CHECK: %[[E:.+]] = math.exp %[[D]] : f32
// CHECK: arith.addf %[[ACC]], %[[E]] : f32
// CHECK: linalg.generic
// CHECK-SAME: ins(%[[MAX]], %[[SUM]] : tensor<3xf32>, tensor<3xf32>)
// CHECK: ^bb0(%[[M2:.+]]: f32, %[[S:.+]]: f32, %{{.+}}: f32):
// CHECK: %[[L:.+]] = math.log %[[S]] : f32
// CHECK: arith.addf %[[M2]], %[[L]] : f32
func.func @log_sum_exp(%x: tensor<3x4xf32>) -> tensor<3xf32> {
  %0 = dsc.reduce %x {axes = array<i64: 1>, keepdims = false, kind = "log_sum_exp"} : (tensor<3x4xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

// Tests that arg_reduce is one generic carrying the best value and its
// index: strict comparison for the first index, non-strict for the last.
// CHECK-LABEL: func @arg_reduce
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "reduction"]
// CHECK-SAME: outs(%{{.+}}, %{{.+}} : tensor<2xf32>, tensor<2xi64>)
// CHECK: %[[GT:.+]] = arith.cmpf ogt
// CHECK: %[[I:.+]] = linalg.index 1 : index
// CHECK: arith.index_cast %[[I]] : index to i64
// CHECK: linalg.generic
// CHECK: arith.cmpi sle
func.func @arg_reduce(%x: tensor<2x3xf32>, %y: tensor<2x3xi32>) -> (tensor<2xi64>, tensor<2xi64>) {
  %0 = dsc.arg_reduce %x {axis = 1 : i64, kind = "max", select_last_index = false} : (tensor<2x3xf32>) -> tensor<2xi64>
  %1 = dsc.arg_reduce %y {axis = 1 : i64, kind = "min", select_last_index = true} : (tensor<2x3xi32>) -> tensor<2xi64>
  return %0, %1 : tensor<2xi64>, tensor<2xi64>
}

// -----

// Tests that topk is two generics: the rank of each element along the axis
// (elements before it: better, or equal at a lower index), then for each
// output position j the element and index whose rank is j; unsigned
// integers compare unsigned.
// CHECK-LABEL: func @topk
// CHECK: %[[RANKS:.+]] = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1)>, affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d0, d1)>], iterator_types = ["parallel", "parallel", "reduction"]}
// CHECK-SAME: outs(%{{.+}} : tensor<2x5xi64>)
// CHECK: arith.cmpf oeq
// CHECK: arith.cmpi slt
// CHECK: arith.cmpf ogt
// CHECK: arith.extui
// CHECK: %[[SEL:.+]]:2 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d0, d1)>, affine_map<(d0, d1, d2) -> (d0, d1)>], iterator_types = ["parallel", "parallel", "reduction"]}
// CHECK-SAME: ins(%{{.+}}, %[[RANKS]] : tensor<2x5xf32>, tensor<2x5xi64>)
// CHECK-SAME: outs(%{{.+}}, %{{.+}} : tensor<2x3xf32>, tensor<2x3xi64>)
// CHECK: arith.cmpi eq
// CHECK: arith.select
// CHECK: arith.select
// CHECK: arith.cmpi ult
// CHECK: return %[[SEL]]#0, %[[SEL]]#1
func.func @topk(%x: tensor<2x5xf32>, %y: tensor<4xi64>) -> (tensor<2x3xf32>, tensor<2x3xi64>, tensor<2xi64>, tensor<2xi64>) {
  %v, %i = dsc.topk %x {axis = 1 : i64, k = 3 : i64, largest = true} : (tensor<2x5xf32>) -> (tensor<2x3xf32>, tensor<2x3xi64>)
  %w, %j = dsc.topk %y {axis = 0 : i64, k = 2 : i64, largest = false, unsigned_input} : (tensor<4xi64>) -> (tensor<2xi64>, tensor<2xi64>)
  return %v, %i, %w, %j : tensor<2x3xf32>, tensor<2x3xi64>, tensor<2xi64>, tensor<2xi64>
}
