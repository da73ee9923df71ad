// RUN: dsc-opt %s --split-input-file --dsc-convert-to-linalg --mlir-print-local-scope | FileCheck %s

// Tests that decoding float8e4m3fn works on the byte widened to i32: sign,
// exponent and mantissa fields, the rebiased f32 pattern for normals, the
// scaled mantissa for subnormals, and 0x7F/0xFF as NaN.
// CHECK-LABEL: func @decode_e4m3fn
// CHECK: linalg.generic
// CHECK: arith.extui %{{.+}} : i8 to i32
// CHECK-DAG: arith.constant 7 : i32
// CHECK-DAG: arith.constant 120 : i32
// CHECK: arith.sitofp
// CHECK: arith.constant 0.001953125 : f32
// CHECK: arith.bitcast %{{.+}} : i32 to f32
// CHECK: arith.constant 127 : i32
// CHECK: arith.constant 0x7FC00000 : f32
func.func @decode_e4m3fn(%x: tensor<4xi8>) -> tensor<4xf32> {
  %0 = dsc.decode_narrow %x {format = "float8e4m3fn"} : (tensor<4xi8>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Tests that int4 decodes by sign-extending the low nibble (shift up 4,
// arithmetic shift back) and uint4 by masking it.
// CHECK-LABEL: func @decode_int4
// CHECK: %[[C4:.+]] = arith.constant 4 : i8
// CHECK: %[[UP:.+]] = arith.shli %{{.+}}, %[[C4]] : i8
// CHECK: arith.shrsi %[[UP]], %[[C4]] : i8
// CHECK-LABEL: func @decode_uint4
// CHECK: %[[M:.+]] = arith.constant 15 : i8
// CHECK: arith.andi %{{.+}}, %[[M]] : i8
func.func @decode_int4(%x: tensor<4xi8>) -> tensor<4xi8> {
  %0 = dsc.decode_narrow %x {format = "int4"} : (tensor<4xi8>) -> tensor<4xi8>
  return %0 : tensor<4xi8>
}
func.func @decode_uint4(%x: tensor<4xi8>) -> tensor<4xi8> {
  %0 = dsc.decode_narrow %x {format = "uint4"} : (tensor<4xi8>) -> tensor<4xi8>
  return %0 : tensor<4xi8>
}

// -----

// Tests that encoding to float8e5m2 rounds the f32 pattern to nearest even
// (adds 2^20 - 1 plus the kept lsb, shifts by 21), takes the subnormal code
// from a scaled roundeven, and without saturation maps overflow to the
// infinity code 0x7C and NaN to 0x7E.
// CHECK-LABEL: func @encode_e5m2
// CHECK: arith.bitcast %{{.+}} : f32 to i32
// CHECK: math.roundeven
// CHECK: arith.constant 1048575 : i32
// CHECK: arith.constant 21 : i32
// CHECK: arith.constant 123 : i32
// CHECK: arith.constant 124 : i32
// CHECK: arith.constant 126 : i32
// CHECK: arith.trunci %{{.+}} : i32 to i8
func.func @encode_e5m2(%x: tensor<4xf32>) -> tensor<4xi8> {
  %0 = dsc.encode_narrow %x {format = "float8e5m2", saturate = false} : (tensor<4xf32>) -> tensor<4xi8>
  return %0 : tensor<4xi8>
}

// -----

// Tests that a float to int4 encoding truncates only in-range values
// (-9 < x < 8, else 0) and keeps the low nibble.
// CHECK-LABEL: func @encode_int4
// CHECK-DAG: arith.constant -9.000000e+00 : f32
// CHECK-DAG: arith.constant 8.000000e+00 : f32
// CHECK: arith.cmpf ogt
// CHECK: arith.cmpf olt
// CHECK: arith.fptosi
// CHECK: arith.andi %{{.+}}, %{{.+}} : i32
func.func @encode_int4(%x: tensor<4xf32>) -> tensor<4xi8> {
  %0 = dsc.encode_narrow %x {format = "int4"} : (tensor<4xf32>) -> tensor<4xi8>
  return %0 : tensor<4xi8>
}

