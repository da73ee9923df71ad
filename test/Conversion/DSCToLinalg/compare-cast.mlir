// RUN: dsc-opt %s --split-input-file --dsc-convert-to-linalg --mlir-print-local-scope | FileCheck %s

// Tests that pow converts an integer exponent to the base's type before
// powf, reading the exponent broadcast.
// CHECK-LABEL: func @pow_int_exponent
// CHECK: linalg.generic
// CHECK-SAME: indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>]
// CHECK: ^bb0(%[[B:.+]]: f32, %[[E:.+]]: i64, %{{.+}}: f32):
// CHECK: %[[F:.+]] = arith.sitofp %[[E]] : i64 to f32
// CHECK: math.powf %[[B]], %[[F]] : f32
func.func @pow_int_exponent(%x: tensor<2x3xf32>, %e: tensor<3xi64>) -> tensor<2x3xf32> {
  %0 = dsc.pow %x, %e : (tensor<2x3xf32>, tensor<3xi64>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Tests max/min: NaN-propagating float ops, signed integer ops.
// CHECK-LABEL: func @max_min
// CHECK: arith.maximumf
// CHECK: arith.minimumf
// CHECK: arith.maxsi
// CHECK: arith.minsi
func.func @max_min(%a: tensor<4xf32>, %b: tensor<4xf32>, %i: tensor<4xi32>) -> (tensor<4xf32>, tensor<4xi32>) {
  %0 = dsc.max %a, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %1 = dsc.min %0, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %2 = dsc.max %i, %i : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  %3 = dsc.min %2, %i : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  return %1, %3 : tensor<4xf32>, tensor<4xi32>
}

// -----

// Tests the comparison predicates: ordered float, signed integer, unsigned
// for bool; the result element type is i1. Where selects.
// CHECK-LABEL: func @compare_where
// CHECK: arith.cmpf oeq
// CHECK: arith.cmpf olt
// CHECK: arith.cmpf ole
// CHECK: arith.cmpi sgt
// CHECK: arith.cmpi sge
// CHECK: arith.cmpi ult
// CHECK: linalg.generic
// CHECK-SAME: ins(%{{.+}}, %{{.+}}, %{{.+}} : tensor<4xi1>, tensor<4xf32>, tensor<f32>) outs(%{{.+}} : tensor<4xf32>)
// CHECK: ^bb0(%[[C:.+]]: i1, %[[X:.+]]: f32, %[[Y:.+]]: f32, %{{.+}}: f32):
// CHECK: arith.select %[[C]], %[[X]], %[[Y]] : f32
func.func @compare_where(%a: tensor<4xf32>, %b: tensor<4xf32>, %i: tensor<4xi64>, %c: tensor<4xi1>, %z: tensor<f32>) -> (tensor<4xi1>, tensor<4xi1>, tensor<4xi1>, tensor<4xi1>, tensor<4xf32>) {
  %0 = dsc.equal %a, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xi1>
  %1 = dsc.less %a, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xi1>
  %2 = dsc.less_equal %a, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xi1>
  %3 = dsc.greater %i, %i : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi1>
  %4 = dsc.greater_equal %i, %i : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi1>
  %5 = dsc.less %c, %0 : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1>
  %6 = dsc.where %5, %a, %z : (tensor<4xi1>, tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  return %1, %2, %3, %4, %6 : tensor<4xi1>, tensor<4xi1>, tensor<4xi1>, tensor<4xi1>, tensor<4xf32>
}

// -----

// Tests cast: float to int rounds toward zero (fptosi), to bool is != 0
// (unordered, so NaN is true), bool to float is unsigned, an unsigned input
// zero-extends, a signed one sign-extends, floats truncate or extend, and
// f16 <-> bf16 goes through f32.
// CHECK-LABEL: func @cast
// CHECK: arith.fptosi %{{.+}} : f32 to i64
// CHECK: arith.cmpf une
// CHECK: arith.uitofp %{{.+}} : i1 to f32
// CHECK: arith.extui %{{.+}} : i32 to i64
// CHECK: arith.extsi %{{.+}} : i32 to i64
// CHECK: arith.trunci %{{.+}} : i64 to i32
// CHECK: arith.truncf %{{.+}} : f32 to f16
// CHECK: %[[W:.+]] = arith.extf %{{.+}} : f16 to f32
// CHECK: arith.truncf %[[W]] : f32 to bf16
// CHECK: arith.fptoui %{{.+}} : f32 to i8
func.func @cast(%x: tensor<4xf32>, %i: tensor<4xi32>, %b: tensor<4xi1>, %l: tensor<4xi64>, %h: tensor<4xf16>) -> (tensor<4xi64>, tensor<4xi1>, tensor<4xf32>, tensor<4xi64>, tensor<4xi64>, tensor<4xi32>, tensor<4xf16>, tensor<4xbf16>, tensor<4xi8>) {
  %0 = dsc.cast %x : (tensor<4xf32>) -> tensor<4xi64>
  %1 = dsc.cast %x : (tensor<4xf32>) -> tensor<4xi1>
  %2 = dsc.cast %b : (tensor<4xi1>) -> tensor<4xf32>
  %3 = dsc.cast %i {input_unsigned} : (tensor<4xi32>) -> tensor<4xi64>
  %4 = dsc.cast %i : (tensor<4xi32>) -> tensor<4xi64>
  %5 = dsc.cast %l : (tensor<4xi64>) -> tensor<4xi32>
  %6 = dsc.cast %x : (tensor<4xf32>) -> tensor<4xf16>
  %7 = dsc.cast %h : (tensor<4xf16>) -> tensor<4xbf16>
  %8 = dsc.cast %x {result_unsigned} : (tensor<4xf32>) -> tensor<4xi8>
  return %0, %1, %2, %3, %4, %5, %6, %7, %8 : tensor<4xi64>, tensor<4xi1>, tensor<4xf32>, tensor<4xi64>, tensor<4xi64>, tensor<4xi32>, tensor<4xf16>, tensor<4xbf16>, tensor<4xi8>
}

// -----

// Tests that expand is a broadcasting copy.
// CHECK-LABEL: func @expand
// CHECK: linalg.generic
// CHECK-SAME: indexing_maps = [affine_map<(d0, d1, d2) -> (d1, 0)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>]
// CHECK: ^bb0(%[[X:.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT: linalg.yield %[[X]] : f32
func.func @expand(%x: tensor<3x1xf32>) -> tensor<2x3x4xf32> {
  %0 = dsc.expand %x : (tensor<3x1xf32>) -> tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}
