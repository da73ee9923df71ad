// RUN: dsc-opt %s --split-input-file --dsc-convert-to-linalg --mlir-print-local-scope | FileCheck %s

// Tests that causal attention lowers to the scores contraction, one pass
// in place on the scores (the contraction kernel's epilogue) that scales
// and adds the mask value where key j > query i + offset (computed from
// linalg.index, no mask tensor), the softmax, and the contraction with v;
// both contractions are marked as such, of kind AttentionMatMul
// (dsc-bf16-contractions converts them).
// CHECK-LABEL: func @causal
// CHECK-NOT: dsc.attention
// CHECK: %[[S:.+]] = linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel", "reduction"]
// CHECK-SAME: dsc.contraction = "AttentionMatMul"
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel"]
// CHECK-SAME: outs(%[[S]] : tensor<2x3x5xf32>)
// CHECK: arith.mulf
// CHECK: %[[I:.+]] = linalg.index 1 : index
// CHECK: %[[J:.+]] = linalg.index 2 : index
// CHECK: %[[DIAG:.+]] = arith.addi %[[I]], %c2
// CHECK: %[[MASKED:.+]] = arith.cmpi sgt, %[[J]], %[[DIAG]]
// CHECK: arith.select %[[MASKED]]
// CHECK: math.exp
// CHECK: arith.divf
// CHECK: arith.mulf
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel", "reduction"]
// CHECK-SAME: dsc.contraction = "AttentionMatMul"
func.func @causal(%q: tensor<2x3x8xf32>, %k: tensor<2x8x5xf32>, %v: tensor<2x5x4xf32>) -> tensor<2x3x4xf32> {
  %0 = dsc.attention %q, %k, %v {mask_kind = "causal", mask_value = -1.0e9 : f64, offset = 2 : i64, scale = 0.5 : f64, window = 0 : i64}
      : (tensor<2x3x8xf32>, tensor<2x8x5xf32>, tensor<2x5x4xf32>) -> tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// -----

// Tests that a runtime mask is read with a broadcasting map and added.
// CHECK-LABEL: func @additive
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel", "reduction"]
// CHECK: linalg.generic
// CHECK-SAME: affine_map<(d0, d1) -> (0, d1)>
// CHECK: arith.mulf
// CHECK-NEXT: arith.addf
func.func @additive(%q: tensor<3x8xf32>, %k: tensor<8x5xf32>, %v: tensor<5x4xf32>, %m: tensor<1x5xf32>) -> tensor<3x4xf32> {
  %0 = dsc.attention %q, %k, %v, %m {mask_kind = "none", mask_value = 0.0 : f64, offset = 0 : i64, scale = 1.0 : f64, window = 0 : i64}
      : (tensor<3x8xf32>, tensor<8x5xf32>, tensor<5x4xf32>, tensor<1x5xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}
