// RUN: dsc-opt %s --split-input-file --dsc-convert-to-linalg --mlir-print-local-scope | FileCheck %s

// Tests that bitcast between types of one width is arith.bitcast per element.
// CHECK-LABEL: func @bitcast_f32_i32
// CHECK: linalg.generic
// CHECK: ^bb0(%[[X:.+]]: f32, %{{.+}}: i32):
// CHECK: arith.bitcast %[[X]] : f32 to i32
func.func @bitcast_f32_i32(%x: tensor<2x3xf32>) -> tensor<2x3xi32> {
  %0 = dsc.bitcast %x : (tensor<2x3xf32>) -> tensor<2x3xi32>
  return %0 : tensor<2x3xi32>
}

// -----

// Tests that a bool (a byte of 0 or 1) bitcasts to 8-bit integers by zero
// extension, and an 8-bit integer to a bool as x != 0.
// CHECK-LABEL: func @bitcast_bool
// CHECK: arith.extui %{{.+}} : i1 to i8
// CHECK: arith.cmpi ne, %{{.+}}, %{{.+}} : i8
func.func @bitcast_bool(%x: tensor<4xi1>) -> tensor<4xi1> {
  %0 = dsc.bitcast %x : (tensor<4xi1>) -> tensor<4xi8>
  %1 = dsc.bitcast %0 : (tensor<4xi8>) -> tensor<4xi1>
  return %1 : tensor<4xi1>
}
