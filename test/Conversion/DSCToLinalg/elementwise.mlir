// RUN: dsc-opt %s --split-input-file --dsc-convert-to-linalg --mlir-print-local-scope | FileCheck %s

// Tests that a binary op broadcasts both operands with numpy rules: size-1
// dimensions that the result expands read index 0, missing leading
// dimensions are dropped from the map.
// CHECK-LABEL: func @add_broadcast
// CHECK-SAME: (%[[A:.+]]: tensor<4x1x3xf32>, %[[B:.+]]: tensor<2x1xf32>)
// CHECK: %[[INIT:.+]] = tensor.empty() : tensor<4x2x3xf32>
// CHECK: %[[R:.+]] = linalg.generic
// CHECK-SAME: indexing_maps = [affine_map<(d0, d1, d2) -> (d0, 0, d2)>, affine_map<(d0, d1, d2) -> (d1, 0)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>]
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel"]
// CHECK-SAME: ins(%[[A]], %[[B]] : tensor<4x1x3xf32>, tensor<2x1xf32>) outs(%[[INIT]] : tensor<4x2x3xf32>)
// CHECK: ^bb0(%[[X:.+]]: f32, %[[Y:.+]]: f32, %{{.+}}: f32):
// CHECK: %[[S:.+]] = arith.addf %[[X]], %[[Y]] : f32
// CHECK: linalg.yield %[[S]] : f32
// CHECK: return %[[R]]
func.func @add_broadcast(%a: tensor<4x1x3xf32>, %b: tensor<2x1xf32>) -> tensor<4x2x3xf32> {
  %0 = dsc.add %a, %b : (tensor<4x1x3xf32>, tensor<2x1xf32>) -> tensor<4x2x3xf32>
  return %0 : tensor<4x2x3xf32>
}

// -----

// Tests that a size-1 dimension that stays 1 in the result keeps its
// dimension expression (no broadcast), and a scalar operand has an empty map.
// CHECK-LABEL: func @no_broadcast_of_unit
// CHECK: linalg.generic
// CHECK-SAME: indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> ()>, affine_map<(d0, d1) -> (d0, d1)>]
// CHECK: arith.mulf
func.func @no_broadcast_of_unit(%a: tensor<1x8xf32>, %s: tensor<f32>) -> tensor<1x8xf32> {
  %0 = dsc.mul %a, %s : (tensor<1x8xf32>, tensor<f32>) -> tensor<1x8xf32>
  return %0 : tensor<1x8xf32>
}

// -----

// Tests that float sub/mul/div use the float arith ops.
// CHECK-LABEL: func @float_ops
// CHECK: linalg.generic
// CHECK: arith.subf
// CHECK: linalg.generic
// CHECK: arith.mulf
// CHECK: linalg.generic
// CHECK: arith.divf
func.func @float_ops(%a: tensor<5xf32>, %b: tensor<5xf32>) -> tensor<5xf32> {
  %0 = dsc.sub %a, %b : (tensor<5xf32>, tensor<5xf32>) -> tensor<5xf32>
  %1 = dsc.mul %0, %b : (tensor<5xf32>, tensor<5xf32>) -> tensor<5xf32>
  %2 = dsc.div %1, %b : (tensor<5xf32>, tensor<5xf32>) -> tensor<5xf32>
  return %2 : tensor<5xf32>
}

// -----

// Tests that integer element types use the integer arith ops (signed,
// truncating division).
// CHECK-LABEL: func @int_ops
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel"]
// CHECK: ^bb0(%{{.+}}: i32, %{{.+}}: i32, %{{.+}}: i32):
// CHECK: arith.addi
// CHECK: arith.subi
// CHECK: arith.muli
// CHECK: arith.divsi
// CHECK-NOT: arith.{{.*}}f
func.func @int_ops(%a: tensor<5xi32>, %b: tensor<5xi32>) -> tensor<5xi32> {
  %0 = dsc.add %a, %b : (tensor<5xi32>, tensor<5xi32>) -> tensor<5xi32>
  %1 = dsc.sub %0, %b : (tensor<5xi32>, tensor<5xi32>) -> tensor<5xi32>
  %2 = dsc.mul %1, %b : (tensor<5xi32>, tensor<5xi32>) -> tensor<5xi32>
  %3 = dsc.div %2, %b : (tensor<5xi32>, tensor<5xi32>) -> tensor<5xi32>
  return %3 : tensor<5xi32>
}

// -----

// Tests that relu is max(x, 0) in an all-parallel identity generic.
// CHECK-LABEL: func @relu
// CHECK: linalg.generic
// CHECK-SAME: indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>]
// CHECK-SAME: iterator_types = ["parallel", "parallel"]
// CHECK: ^bb0(%[[X:.+]]: f32, %{{.+}}: f32):
// CHECK: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[M:.+]] = arith.maximumf %[[X]], %[[ZERO]] fastmath<nsz> : f32
// CHECK: linalg.yield %[[M]]
func.func @relu(%x: tensor<1x16xf32>) -> tensor<1x16xf32> {
  %0 = dsc.relu %x : tensor<1x16xf32>
  return %0 : tensor<1x16xf32>
}

// -----

// Tests that sigmoid is 1 / min(1 + exp(-x), FLT_MAX), the division
// marked ninf (its operands are finite) so LLVM may use a reciprocal
// estimate.
// CHECK-LABEL: func @sigmoid
// CHECK: ^bb0(%[[X:.+]]: f32, %{{.+}}: f32):
// CHECK: %[[NEG:.+]] = arith.negf %[[X]] : f32
// CHECK: %[[E:.+]] = math.exp %[[NEG]] : f32
// CHECK: %[[ONE:.+]] = arith.constant 1.000000e+00 : f32
// CHECK: %[[D:.+]] = arith.addf %[[ONE]], %[[E]] : f32
// CHECK: %[[MAX:.+]] = arith.constant 3.40282347E+38 : f32
// CHECK: %[[C:.+]] = arith.minimumf %[[D]], %[[MAX]] : f32
// CHECK: %[[R:.+]] = arith.divf %[[ONE]], %[[C]] fastmath<ninf,arcp,contract> : f32
// CHECK: linalg.yield %[[R]]
func.func @sigmoid(%x: tensor<1x16xf32>) -> tensor<1x16xf32> {
  %0 = dsc.sigmoid %x : tensor<1x16xf32>
  return %0 : tensor<1x16xf32>
}

// -----

// Tests that tanh becomes math.tanh.
// CHECK-LABEL: func @tanh
// CHECK: ^bb0(%[[X:.+]]: f32, %{{.+}}: f32):
// CHECK: %[[T:.+]] = math.tanh %[[X]] : f32
// CHECK: linalg.yield %[[T]]
func.func @tanh(%x: tensor<1x16xf32>) -> tensor<1x16xf32> {
  %0 = dsc.tanh %x : tensor<1x16xf32>
  return %0 : tensor<1x16xf32>
}

// -----

// Tests that clip applies max with min and min with max, and only the bounds
// that are present.
// CHECK-LABEL: func @clip
// CHECK: ^bb0(%[[X:.+]]: f32, %{{.+}}: f32):
// CHECK: %[[LO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[A:.+]] = arith.maximumf %[[X]], %[[LO]] fastmath<nsz> : f32
// CHECK: %[[HI:.+]] = arith.constant 6.000000e+00 : f32
// CHECK: %[[B:.+]] = arith.minimumf %[[A]], %[[HI]] fastmath<nsz> : f32
// CHECK: linalg.yield %[[B]]
// CHECK: ^bb0(%[[X2:.+]]: f32, %{{.+}}: f32):
// CHECK-NOT: arith.maximumf
// CHECK: %[[HI2:.+]] = arith.constant 2.000000e+00 : f32
// CHECK: %[[C:.+]] = arith.minimumf %[[X2]], %[[HI2]] fastmath<nsz> : f32
// CHECK: linalg.yield %[[C]]
func.func @clip(%x: tensor<1x16xf32>) -> tensor<1x16xf32> {
  %0 = dsc.clip %x {min = 0.0 : f64, max = 6.0 : f64} : tensor<1x16xf32>
  %1 = dsc.clip %0 {max = 2.0 : f64} : tensor<1x16xf32>
  return %1 : tensor<1x16xf32>
}

// -----

// Tests that unary ops keep the element type of non-f32 floats.
// CHECK-LABEL: func @relu_f16
// CHECK: ^bb0(%{{.+}}: f16, %{{.+}}: f16):
// CHECK: arith.constant 0.000000e+00 : f16
// CHECK: arith.maximumf %{{.+}} : f16
func.func @relu_f16(%x: tensor<3xf16>) -> tensor<3xf16> {
  %0 = dsc.relu %x : tensor<3xf16>
  return %0 : tensor<3xf16>
}

// -----

// Tests that erf lowers to math.erf in an elementwise generic.
// CHECK-LABEL: func @erf
// CHECK: linalg.generic
// CHECK: math.erf %{{.+}} : f32
func.func @erf(%x: tensor<3xf32>) -> tensor<3xf32> {
  %0 = dsc.erf %x : tensor<3xf32>
  return %0 : tensor<3xf32>
}
