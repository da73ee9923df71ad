// RUN: dsc-opt %s --split-input-file --dsc-convert-to-linalg --mlir-print-local-scope | FileCheck %s

// Tests that a conv kernel lowers to the conv's generic plus ONE epilogue
// generic whose init is the conv's result (in place), reading the residual
// with an identity map and the bias row with a broadcast map, and chaining
// add, add, relu in its body.
// CHECK-LABEL: func @conv_epilogue
// CHECK-SAME: (%[[X:.+]]: tensor<1x3x8x8xf32>, %[[R:.+]]: tensor<1x4x8x8xf32>, %[[S:.+]]: tensor<4x1x1xf32>)
// CHECK-NOT: dsc.
// CHECK: %[[ACC:.+]] = linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]
// CHECK: %[[Y:.+]] = linalg.generic
// CHECK-SAME: indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d1, 0, 0)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>]
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel", "parallel"]
// CHECK-SAME: ins(%[[S]], %[[R]] : tensor<4x1x1xf32>, tensor<1x4x8x8xf32>) outs(%[[ACC]] : tensor<1x4x8x8xf32>)
// CHECK: ^bb0(%[[SV:.+]]: f32, %[[RV:.+]]: f32, %[[OUT:.+]]: f32):
// CHECK: %[[A:.+]] = arith.addf %[[OUT]], %[[SV]] : f32
// CHECK: %[[B:.+]] = arith.addf %[[A]], %[[RV]] : f32
// CHECK: %[[M:.+]] = arith.maximumf %[[B]], %{{.+}} : f32
// CHECK: linalg.yield %[[M]] : f32
// CHECK: return %[[Y]]
func.func @conv_epilogue(%x: tensor<1x3x8x8xf32>, %r: tensor<1x4x8x8xf32>, %s: tensor<4x1x1xf32>) -> tensor<1x4x8x8xf32> {
  %w = arith.constant dense<0.5> : tensor<4x3x3x3xf32>
  %k = dsc.kernel "conv+add+add+relu" : tensor<1x4x8x8xf32> {
    %c = dsc.conv %x, %w {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32>
    %a = dsc.add %c, %s : (tensor<1x4x8x8xf32>, tensor<4x1x1xf32>) -> tensor<1x4x8x8xf32>
    %b = dsc.add %a, %r : (tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
    %y = dsc.relu %b : tensor<1x4x8x8xf32>
    dsc.yield %y : tensor<1x4x8x8xf32>
  }
  return %k : tensor<1x4x8x8xf32>
}

// -----

// Tests that an elementwise chain lowers to one generic over a fresh tensor,
// its operand read once even though two ops use it.
// CHECK-LABEL: func @chain
// CHECK: %[[E:.+]] = tensor.empty() : tensor<2x16xf32>
// CHECK: linalg.generic
// CHECK-SAME: ins(%arg0 : tensor<2x16xf32>) outs(%[[E]] : tensor<2x16xf32>)
// CHECK: ^bb0(%[[XV:.+]]: f32, %{{.+}}: f32):
// CHECK: %[[NEG:.+]] = arith.negf %[[XV]]
// CHECK: math.exp %[[NEG]]
// CHECK: %[[SIG:.+]] = arith.divf
// CHECK: %[[Y:.+]] = arith.mulf %[[XV]], %[[SIG]] : f32
// CHECK: linalg.yield %[[Y]]
// CHECK-NOT: linalg.generic
func.func @chain(%x: tensor<2x16xf32>) -> tensor<2x16xf32> {
  %k = dsc.kernel "sigmoid+mul" : tensor<2x16xf32> {
    %s = dsc.sigmoid %x : tensor<2x16xf32>
    %y = dsc.mul %x, %s : (tensor<2x16xf32>, tensor<2x16xf32>) -> tensor<2x16xf32>
    dsc.yield %y : tensor<2x16xf32>
  }
  return %k : tensor<2x16xf32>
}
