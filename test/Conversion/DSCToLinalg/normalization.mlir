// RUN: dsc-opt %s --split-input-file --dsc-convert-to-linalg --mlir-print-local-scope | FileCheck %s

// Tests that batch_norm is one parallel generic reading the [C] parameters
// through the channel map (d1) and computing
// (x - mean) * (scale * rsqrt(var + eps)) + bias.
// CHECK-LABEL: func @batch_norm
// CHECK-SAME: (%[[X:.+]]: tensor<1x8x4x4xf32>, %[[S:.+]]: tensor<8xf32>, %[[B:.+]]: tensor<8xf32>, %[[M:.+]]: tensor<8xf32>, %[[V:.+]]: tensor<8xf32>)
// CHECK: %[[EMPTY:.+]] = tensor.empty() : tensor<1x8x4x4xf32>
// CHECK: %[[R:.+]] = linalg.generic
// CHECK-SAME: indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d1)>, affine_map<(d0, d1, d2, d3) -> (d1)>, affine_map<(d0, d1, d2, d3) -> (d1)>, affine_map<(d0, d1, d2, d3) -> (d1)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>]
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel", "parallel"]
// CHECK-SAME: ins(%[[X]], %[[S]], %[[B]], %[[M]], %[[V]] : {{.+}}) outs(%[[EMPTY]] : tensor<1x8x4x4xf32>)
// CHECK: ^bb0(%[[XV:.+]]: f32, %[[SV:.+]]: f32, %[[BV:.+]]: f32, %[[MV:.+]]: f32, %[[VV:.+]]: f32, %{{.+}}: f32):
// CHECK: %[[EPS:.+]] = arith.constant 9.99999974E-6 : f32
// CHECK: %[[VE:.+]] = arith.addf %[[VV]], %[[EPS]] : f32
// CHECK: %[[INV:.+]] = math.rsqrt %[[VE]] : f32
// CHECK: %[[C:.+]] = arith.subf %[[XV]], %[[MV]] : f32
// CHECK: %[[K:.+]] = arith.mulf %[[SV]], %[[INV]] : f32
// CHECK: %[[Y:.+]] = arith.mulf %[[C]], %[[K]] : f32
// CHECK: %[[OUT:.+]] = arith.addf %[[Y]], %[[BV]] : f32
// CHECK: linalg.yield %[[OUT]] : f32
// CHECK: return %[[R]]
func.func @batch_norm(%x: tensor<1x8x4x4xf32>, %s: tensor<8xf32>, %b: tensor<8xf32>,
                      %m: tensor<8xf32>, %v: tensor<8xf32>) -> tensor<1x8x4x4xf32> {
  %0 = dsc.batch_norm %x, %s, %b, %m, %v {epsilon = 1.0e-05 : f64}
      : (tensor<1x8x4x4xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>)
      -> tensor<1x8x4x4xf32>
  return %0 : tensor<1x8x4x4xf32>
}

// -----

// Tests that batch_norm on a rank-2 input still reads parameters along d1.
// CHECK-LABEL: func @batch_norm_2d
// CHECK: linalg.generic
// CHECK-SAME: indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>]
// CHECK: math.rsqrt
func.func @batch_norm_2d(%x: tensor<2x3xf32>, %p: tensor<3xf32>) -> tensor<2x3xf32> {
  %0 = dsc.batch_norm %x, %p, %p, %p, %p {epsilon = 1.0e-03 : f64}
      : (tensor<2x3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Tests that softmax is a max reduction (from the lowest float), exp(x -
// max), a sum reduction (from zero), its reciprocal once per row and a
// multiplication, with the reduced tensors read through a map that drops
// the axis.
// CHECK-LABEL: func @softmax
// CHECK-SAME: (%[[X:.+]]: tensor<2x10xf32>)
// CHECK: %[[LOW:.+]] = arith.constant -3.40282347E+38 : f32
// CHECK: %[[MAXINIT:.+]] = linalg.fill ins(%[[LOW]] : f32) outs(%{{.+}} : tensor<2xf32>)
// CHECK: %[[MAX:.+]] = linalg.generic
// CHECK-SAME: indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>]
// CHECK-SAME: iterator_types = ["parallel", "reduction"]
// CHECK-SAME: ins(%[[X]] : tensor<2x10xf32>) outs(%[[MAXINIT]] : tensor<2xf32>)
// CHECK: ^bb0(%[[IN:.+]]: f32, %[[ACC:.+]]: f32):
// CHECK: arith.maximumf %[[ACC]], %[[IN]] fastmath<nsz> : f32
// CHECK: %[[EXP:.+]] = linalg.generic
// CHECK-SAME: indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>, affine_map<(d0, d1) -> (d0, d1)>]
// CHECK-SAME: iterator_types = ["parallel", "parallel"]
// CHECK-SAME: ins(%[[X]], %[[MAX]] : tensor<2x10xf32>, tensor<2xf32>)
// CHECK: ^bb0(%[[XV:.+]]: f32, %[[MV:.+]]: f32, %{{.+}}: f32):
// CHECK: %[[D:.+]] = arith.subf %[[XV]], %[[MV]] : f32
// CHECK: %[[E:.+]] = math.exp %[[D]] : f32
// CHECK: linalg.yield %[[E]]
// CHECK: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[SUMINIT:.+]] = linalg.fill ins(%[[ZERO]] : f32) outs(%{{.+}} : tensor<2xf32>)
// CHECK: %[[SUM:.+]] = linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "reduction"]
// CHECK-SAME: ins(%[[EXP]] : tensor<2x10xf32>) outs(%[[SUMINIT]] : tensor<2xf32>)
// CHECK: arith.addf
// CHECK: %[[INV:.+]] = linalg.generic
// CHECK-SAME: indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>]
// CHECK-SAME: ins(%[[SUM]] : tensor<2xf32>)
// CHECK: ^bb0(%[[SV:.+]]: f32, %{{.+}}: f32):
// CHECK: %[[ONE:.+]] = arith.constant 1.000000e+00 : f32
// CHECK: %[[RCP:.+]] = arith.divf %[[ONE]], %[[SV]] : f32
// CHECK: linalg.yield %[[RCP]]
// CHECK: %[[R:.+]] = linalg.generic
// CHECK-SAME: ins(%[[EXP]], %[[INV]] : tensor<2x10xf32>, tensor<2xf32>)
// CHECK: ^bb0(%[[EV:.+]]: f32, %[[IV:.+]]: f32, %{{.+}}: f32):
// CHECK: %[[Q:.+]] = arith.mulf %[[EV]], %[[IV]] : f32
// CHECK: linalg.yield %[[Q]]
// CHECK: return %[[R]]
func.func @softmax(%x: tensor<2x10xf32>) -> tensor<2x10xf32> {
  %0 = dsc.softmax %x {axis = 1 : i64} : tensor<2x10xf32>
  return %0 : tensor<2x10xf32>
}

// -----

// Tests that a float16 softmax takes the max in f16 (exact) but computes the
// exps, their sum and the quotient in f32, rounding once: a sum accumulated
// in f16 drifts by several ulps from ONNX Runtime and ONNX's reference.
// CHECK-LABEL: func @softmax_f16
// CHECK: %[[MAX:.+]] = linalg.generic
// CHECK: arith.maximumf %{{.+}}, %{{.+}} : f16
// CHECK: %[[EXP:.+]] = linalg.generic
// CHECK-SAME: outs(%{{.+}} : tensor<2x10xf32>)
// CHECK: ^bb0(%[[XV:.+]]: f16, %[[MV:.+]]: f16, %{{.+}}: f32):
// CHECK: %[[XW:.+]] = arith.extf %[[XV]] : f16 to f32
// CHECK: %[[MW:.+]] = arith.extf %[[MV]] : f16 to f32
// CHECK: arith.subf %[[XW]], %[[MW]] : f32
// CHECK: %[[SUM:.+]] = linalg.generic
// CHECK-SAME: outs(%{{.+}} : tensor<2xf32>)
// CHECK: arith.addf %{{.+}}, %{{.+}} : f32
// CHECK: %[[INV:.+]] = linalg.generic
// CHECK-SAME: ins(%[[SUM]] : tensor<2xf32>) outs(%{{.+}} : tensor<2xf32>)
// CHECK: linalg.generic
// CHECK-SAME: ins(%[[EXP]], %[[INV]] : tensor<2x10xf32>, tensor<2xf32>) outs(%{{.+}} : tensor<2x10xf16>)
// CHECK: %[[Q:.+]] = arith.mulf %{{.+}}, %{{.+}} : f32
// CHECK: arith.truncf %[[Q]] : f32 to f16
func.func @softmax_f16(%x: tensor<2x10xf16>) -> tensor<2x10xf16> {
  %0 = dsc.softmax %x {axis = 1 : i64} : tensor<2x10xf16>
  return %0 : tensor<2x10xf16>
}

// -----

// Tests that softmax along a middle axis reduces that dimension only.
// CHECK-LABEL: func @softmax_middle_axis
// CHECK: linalg.generic
// CHECK-SAME: indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d2)>]
// CHECK-SAME: iterator_types = ["parallel", "reduction", "parallel"]
// CHECK-SAME: outs(%{{.+}} : tensor<3x5xf32>)
// CHECK: arith.maximumf
// CHECK: linalg.generic
// CHECK-SAME: indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>]
// CHECK: math.exp
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "reduction", "parallel"]
// CHECK: arith.addf
// CHECK: linalg.generic
// CHECK: arith.divf
func.func @softmax_middle_axis(%x: tensor<3x4x5xf32>) -> tensor<3x4x5xf32> {
  %0 = dsc.softmax %x {axis = 1 : i64} : tensor<3x4x5xf32>
  return %0 : tensor<3x4x5xf32>
}

// -----

// Tests that layer_norm over the last two dims sums, divides by the group
// size, sums squared deviations about the mean, takes rsqrt(var + eps) once
// per group and normalizes, scales (broadcast over the trailing dims) and
// shifts in one elementwise pass.
// CHECK-LABEL: func @layer_norm_axis1
// CHECK: linalg.generic
// CHECK-SAME: indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0)>]
// CHECK-SAME: iterator_types = ["parallel", "reduction", "reduction"]
// CHECK: arith.addf
// CHECK: linalg.generic
// CHECK: arith.constant 2.000000e+01 : f32
// CHECK: arith.divf
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "reduction", "reduction"]
// CHECK: arith.subf
// CHECK: arith.mulf
// CHECK: linalg.generic
// CHECK: arith.constant 1.000000e-03 : f32
// CHECK: math.rsqrt
// CHECK: linalg.generic
// CHECK-SAME: indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0)>, affine_map<(d0, d1, d2) -> (d0)>, affine_map<(d0, d1, d2) -> (d2)>, affine_map<(d0, d1, d2) -> (d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>]
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel"]
// CHECK: arith.subf
// CHECK: arith.mulf
// CHECK: arith.mulf
// CHECK: arith.addf
func.func @layer_norm_axis1(%x: tensor<2x4x5xf32>, %g: tensor<5xf32>, %b: tensor<4x5xf32>) -> tensor<2x4x5xf32> {
  %0 = dsc.layer_norm %x, %g, %b {axis = 1 : i64, epsilon = 1.0e-03 : f64}
      : (tensor<2x4x5xf32>, tensor<5xf32>, tensor<4x5xf32>) -> tensor<2x4x5xf32>
  return %0 : tensor<2x4x5xf32>
}
