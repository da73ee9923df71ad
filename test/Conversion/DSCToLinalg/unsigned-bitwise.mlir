// RUN: dsc-opt %s --split-input-file --dsc-convert-to-linalg --mlir-print-local-scope | FileCheck %s

// Tests that is_unsigned selects the unsigned integer ops and predicates.
// CHECK-LABEL: func @unsigned
// CHECK: arith.divui %{{.+}}, %{{.+}} : i32
// CHECK: arith.maxui %{{.+}}, %{{.+}} : i32
// CHECK: arith.minui %{{.+}}, %{{.+}} : i32
// CHECK: arith.cmpi ult, %{{.+}}, %{{.+}} : i32
// CHECK: arith.cmpi sge, %{{.+}}, %{{.+}} : i32
func.func @unsigned(%a: tensor<4xi32>, %b: tensor<4xi32>)
    -> (tensor<4xi32>, tensor<4xi32>, tensor<4xi32>, tensor<4xi1>, tensor<4xi1>) {
  %0 = dsc.div %a, %b {is_unsigned} : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  %1 = dsc.max %a, %b {is_unsigned} : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  %2 = dsc.min %a, %b {is_unsigned} : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  %3 = dsc.less %a, %b {is_unsigned} : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi1>
  %4 = dsc.greater_equal %a, %b : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi1>
  return %0, %1, %2, %3, %4 : tensor<4xi32>, tensor<4xi32>, tensor<4xi32>, tensor<4xi1>, tensor<4xi1>
}

// -----

// Tests that shift amounts outside [0, width) (unsigned compare) give 0,
// or the sign fill (a shift by width - 1) for an arithmetic right shift.
// CHECK-LABEL: func @shifts
// CHECK: %[[W:.+]] = arith.constant 16 : i16
// CHECK: %[[OUT:.+]] = arith.cmpi uge, %[[AMT:.+]], %[[W]] : i16
// CHECK: %[[Z:.+]] = arith.constant 0 : i16
// CHECK: %[[SAFE:.+]] = arith.select %[[OUT]], %[[Z]], %[[AMT]] : i16
// CHECK: %[[SH:.+]] = arith.shli %{{.+}}, %[[SAFE]] : i16
// CHECK: arith.select %[[OUT]], %[[Z]], %[[SH]] : i16
// CHECK: %[[OUT2:.+]] = arith.cmpi uge
// CHECK: %[[LAST:.+]] = arith.constant 15 : i16
// CHECK: %[[CL:.+]] = arith.select %[[OUT2]], %[[LAST]], %{{.+}} : i16
// CHECK: arith.shrsi %{{.+}}, %[[CL]] : i16
func.func @shifts(%a: tensor<4xi16>, %b: tensor<4xi16>) -> (tensor<4xi16>, tensor<4xi16>) {
  %0 = dsc.bit_shift %a, %b {left = true, is_signed} : (tensor<4xi16>, tensor<4xi16>) -> tensor<4xi16>
  %1 = dsc.bit_shift %a, %b {left = false, is_signed} : (tensor<4xi16>, tensor<4xi16>) -> tensor<4xi16>
  return %0, %1 : tensor<4xi16>, tensor<4xi16>
}

// -----

// Tests that and/or/xor/not on integers are the bitwise arith ops (not is
// xor with all ones).
// CHECK-LABEL: func @bitwise
// CHECK: arith.andi %{{.+}}, %{{.+}} : i64
// CHECK: arith.ori %{{.+}}, %{{.+}} : i64
// CHECK: arith.xori %{{.+}}, %{{.+}} : i64
// CHECK: %[[ONES:.+]] = arith.constant -1 : i64
// CHECK: arith.xori %{{.+}}, %[[ONES]] : i64
func.func @bitwise(%a: tensor<2x3xi64>, %b: tensor<3xi64>) -> tensor<2x3xi64> {
  %0 = dsc.and %a, %b : (tensor<2x3xi64>, tensor<3xi64>) -> tensor<2x3xi64>
  %1 = dsc.or %0, %b : (tensor<2x3xi64>, tensor<3xi64>) -> tensor<2x3xi64>
  %2 = dsc.xor %1, %a : (tensor<2x3xi64>, tensor<2x3xi64>) -> tensor<2x3xi64>
  %3 = dsc.not %2 : tensor<2x3xi64>
  return %3 : tensor<2x3xi64>
}
