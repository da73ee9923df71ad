// RUN: dsc-opt %s --split-input-file --dsc-convert-to-linalg --mlir-print-local-scope | FileCheck %s

// Tests that a 2-D matmul becomes linalg.matmul into a zero-filled init,
// marked as the contraction of an ONNX MatMul (for --precision=bf16).
// CHECK-LABEL: func @matmul_2d
// CHECK-SAME: (%[[A:.+]]: tensor<2x3xf32>, %[[B:.+]]: tensor<3x5xf32>)
// CHECK: %[[EMPTY:.+]] = tensor.empty() : tensor<2x5xf32>
// CHECK: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[FILL:.+]] = linalg.fill ins(%[[ZERO]] : f32) outs(%[[EMPTY]] : tensor<2x5xf32>)
// CHECK: %[[MM:.+]] = linalg.matmul {dsc.contraction = "MatMul"} ins(%[[A]], %[[B]] : tensor<2x3xf32>, tensor<3x5xf32>) outs(%[[FILL]] : tensor<2x5xf32>)
// CHECK-NOT: linalg.generic
// CHECK: return %[[MM]]
func.func @matmul_2d(%a: tensor<2x3xf32>, %b: tensor<3x5xf32>) -> tensor<2x5xf32> {
  %0 = dsc.matmul %a, %b : (tensor<2x3xf32>, tensor<3x5xf32>) -> tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}

// -----

// Tests that a batched matmul against a 2-D rhs is a generic over
// (b, m, n, k) whose rhs map has no batch dimension.
// CHECK-LABEL: func @matmul_batched
// CHECK-SAME: (%[[A:.+]]: tensor<4x2x3xf32>, %[[B:.+]]: tensor<3x5xf32>)
// CHECK: %[[FILL:.+]] = linalg.fill
// CHECK: linalg.generic
// CHECK-SAME: indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>, affine_map<(d0, d1, d2, d3) -> (d3, d2)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>]
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel", "reduction"]
// CHECK-SAME: ins(%[[A]], %[[B]] : tensor<4x2x3xf32>, tensor<3x5xf32>) outs(%[[FILL]] : tensor<4x2x5xf32>)
// CHECK: ^bb0(%[[X:.+]]: f32, %[[Y:.+]]: f32, %[[ACC:.+]]: f32):
// CHECK: %[[P:.+]] = arith.mulf %[[X]], %[[Y]] : f32
// CHECK: %[[S:.+]] = arith.addf %[[ACC]], %[[P]] : f32
// CHECK: linalg.yield %[[S]]
func.func @matmul_batched(%a: tensor<4x2x3xf32>, %b: tensor<3x5xf32>) -> tensor<4x2x5xf32> {
  %0 = dsc.matmul %a, %b : (tensor<4x2x3xf32>, tensor<3x5xf32>) -> tensor<4x2x5xf32>
  return %0 : tensor<4x2x5xf32>
}

// -----

// Tests that batch dimensions broadcast: a size-1 batch dimension of the lhs
// reads index 0 and the shorter rhs aligns right.
// CHECK-LABEL: func @matmul_batch_broadcast
// CHECK: linalg.generic
// CHECK-SAME: indexing_maps = [affine_map<(d0, d1, d2, d3, d4) -> (d0, 0, d2, d4)>, affine_map<(d0, d1, d2, d3, d4) -> (d1, d4, d3)>, affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3)>]
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]
func.func @matmul_batch_broadcast(%a: tensor<4x1x2x3xf32>, %b: tensor<6x3x5xf32>) -> tensor<4x6x2x5xf32> {
  %0 = dsc.matmul %a, %b : (tensor<4x1x2x3xf32>, tensor<6x3x5xf32>) -> tensor<4x6x2x5xf32>
  return %0 : tensor<4x6x2x5xf32>
}

// -----

// Tests that a matrix-vector product has no n loop: loops (m, k).
// CHECK-LABEL: func @matvec
// CHECK: linalg.generic
// CHECK-SAME: indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0)>]
// CHECK-SAME: iterator_types = ["parallel", "reduction"]
// CHECK-SAME: outs(%{{.+}} : tensor<2xf32>)
func.func @matvec(%a: tensor<2x3xf32>, %v: tensor<3xf32>) -> tensor<2xf32> {
  %0 = dsc.matmul %a, %v : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

// Tests that a vector-matrix product has no m loop: loops (n, k).
// CHECK-LABEL: func @vecmat
// CHECK: linalg.generic
// CHECK-SAME: indexing_maps = [affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d1, d0)>, affine_map<(d0, d1) -> (d0)>]
// CHECK-SAME: iterator_types = ["parallel", "reduction"]
func.func @vecmat(%v: tensor<3xf32>, %b: tensor<3x5xf32>) -> tensor<5xf32> {
  %0 = dsc.matmul %v, %b : (tensor<3xf32>, tensor<3x5xf32>) -> tensor<5xf32>
  return %0 : tensor<5xf32>
}

// -----

// Tests that a vector-vector product reduces to a rank-0 tensor.
// CHECK-LABEL: func @dot
// CHECK: linalg.generic
// CHECK-SAME: indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>, affine_map<(d0) -> ()>]
// CHECK-SAME: iterator_types = ["reduction"]
// CHECK-SAME: outs(%{{.+}} : tensor<f32>)
func.func @dot(%v: tensor<3xf32>, %w: tensor<3xf32>) -> tensor<f32> {
  %0 = dsc.matmul %v, %w : (tensor<3xf32>, tensor<3xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

// Tests that a vector times a batched matrix keeps the batch loop.
// CHECK-LABEL: func @vec_batched_mat
// CHECK: linalg.generic
// CHECK-SAME: indexing_maps = [affine_map<(d0, d1, d2) -> (d2)>, affine_map<(d0, d1, d2) -> (d0, d2, d1)>, affine_map<(d0, d1, d2) -> (d0, d1)>]
// CHECK-SAME: iterator_types = ["parallel", "parallel", "reduction"]
func.func @vec_batched_mat(%v: tensor<3xf32>, %b: tensor<4x3x5xf32>) -> tensor<4x5xf32> {
  %0 = dsc.matmul %v, %b : (tensor<3xf32>, tensor<4x3x5xf32>) -> tensor<4x5xf32>
  return %0 : tensor<4x5xf32>
}

// -----

// Tests that gemm with alpha = beta = 1 starts the accumulator from C
// broadcast to [M, N] (no scaling), and trans_b reads B as (n, k).
// CHECK-LABEL: func @gemm_c_as_init
// CHECK-SAME: (%[[A:.+]]: tensor<1x64xf32>, %[[W:.+]]: tensor<10x64xf32>, %[[C:.+]]: tensor<10xf32>)
// CHECK: %[[EMPTY:.+]] = tensor.empty() : tensor<1x10xf32>
// CHECK: %[[INIT:.+]] = linalg.generic
// CHECK-SAME: indexing_maps = [affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>]
// CHECK-SAME: ins(%[[C]] : tensor<10xf32>) outs(%[[EMPTY]] : tensor<1x10xf32>)
// CHECK: ^bb0(%[[CV:.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT: linalg.yield %[[CV]] : f32
// CHECK: %[[R:.+]] = linalg.generic
// CHECK-SAME: indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1)>]
// CHECK-SAME: iterator_types = ["parallel", "parallel", "reduction"]
// CHECK-SAME: ins(%[[A]], %[[W]] : tensor<1x64xf32>, tensor<10x64xf32>) outs(%[[INIT]] : tensor<1x10xf32>)
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK-NOT: linalg.generic
// CHECK: return %[[R]]
func.func @gemm_c_as_init(%a: tensor<1x64xf32>, %w: tensor<10x64xf32>, %c: tensor<10xf32>) -> tensor<1x10xf32> {
  %0 = dsc.gemm %a, %w, %c {alpha = 1.0 : f64, beta = 1.0 : f64, trans_a = false, trans_b = true}
      : (tensor<1x64xf32>, tensor<10x64xf32>, tensor<10xf32>) -> tensor<1x10xf32>
  return %0 : tensor<1x10xf32>
}

// -----

// Tests that with alpha = 1 and beta != 1 the init is beta * C (C [M, 1]
// broadcast along n), and trans_a reads A as (k, m).
// CHECK-LABEL: func @gemm_beta_init
// CHECK-SAME: (%[[A:.+]]: tensor<64x2xf32>, %[[W:.+]]: tensor<64x10xf32>, %[[C:.+]]: tensor<2x1xf32>)
// CHECK: %[[INIT:.+]] = linalg.generic
// CHECK-SAME: indexing_maps = [affine_map<(d0, d1) -> (d0, 0)>, affine_map<(d0, d1) -> (d0, d1)>]
// CHECK-SAME: ins(%[[C]] : tensor<2x1xf32>)
// CHECK: ^bb0(%[[CV:.+]]: f32, %{{.+}}: f32):
// CHECK: %[[BETA:.+]] = arith.constant 5.000000e-01 : f32
// CHECK: %[[SC:.+]] = arith.mulf %[[CV]], %[[BETA]] : f32
// CHECK: linalg.yield %[[SC]]
// CHECK: linalg.generic
// CHECK-SAME: indexing_maps = [affine_map<(d0, d1, d2) -> (d2, d0)>, affine_map<(d0, d1, d2) -> (d2, d1)>, affine_map<(d0, d1, d2) -> (d0, d1)>]
// CHECK-SAME: ins(%[[A]], %[[W]] : tensor<64x2xf32>, tensor<64x10xf32>) outs(%[[INIT]] : tensor<2x10xf32>)
func.func @gemm_beta_init(%a: tensor<64x2xf32>, %w: tensor<64x10xf32>, %c: tensor<2x1xf32>) -> tensor<2x10xf32> {
  %0 = dsc.gemm %a, %w, %c {alpha = 1.0 : f64, beta = 0.5 : f64, trans_a = true, trans_b = false}
      : (tensor<64x2xf32>, tensor<64x10xf32>, tensor<2x1xf32>) -> tensor<2x10xf32>
  return %0 : tensor<2x10xf32>
}

// -----

// Tests that alpha != 1 accumulates from zero and applies alpha * acc +
// beta * C in an epilogue, so alpha does not scale C.
// CHECK-LABEL: func @gemm_alpha_epilogue
// CHECK-SAME: (%[[A:.+]]: tensor<2x64xf32>, %[[W:.+]]: tensor<64x10xf32>, %[[C:.+]]: tensor<10xf32>)
// CHECK: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[FILL:.+]] = linalg.fill ins(%[[ZERO]] : f32)
// CHECK: %[[ACC:.+]] = linalg.generic
// CHECK-SAME: indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d2, d1)>, affine_map<(d0, d1, d2) -> (d0, d1)>]
// CHECK-SAME: outs(%[[FILL]] : tensor<2x10xf32>)
// CHECK: %[[R:.+]] = linalg.generic
// CHECK-SAME: indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>]
// CHECK-SAME: iterator_types = ["parallel", "parallel"]
// CHECK-SAME: ins(%[[ACC]], %[[C]] : tensor<2x10xf32>, tensor<10xf32>)
// CHECK: ^bb0(%[[P:.+]]: f32, %[[CV:.+]]: f32, %{{.+}}: f32):
// CHECK: %[[ALPHA:.+]] = arith.constant 2.000000e+00 : f32
// CHECK: %[[PA:.+]] = arith.mulf %[[P]], %[[ALPHA]] : f32
// CHECK: %[[BETA:.+]] = arith.constant 3.000000e+00 : f32
// CHECK: %[[CB:.+]] = arith.mulf %[[CV]], %[[BETA]] : f32
// CHECK: %[[SUM:.+]] = arith.addf %[[PA]], %[[CB]] : f32
// CHECK: linalg.yield %[[SUM]]
// CHECK: return %[[R]]
func.func @gemm_alpha_epilogue(%a: tensor<2x64xf32>, %w: tensor<64x10xf32>, %c: tensor<10xf32>) -> tensor<2x10xf32> {
  %0 = dsc.gemm %a, %w, %c {alpha = 2.0 : f64, beta = 3.0 : f64, trans_a = false, trans_b = false}
      : (tensor<2x64xf32>, tensor<64x10xf32>, tensor<10xf32>) -> tensor<2x10xf32>
  return %0 : tensor<2x10xf32>
}

// -----

// Tests that alpha != 1 without C scales only the product.
// CHECK-LABEL: func @gemm_alpha_no_c
// CHECK: linalg.fill
// CHECK: %[[ACC:.+]] = linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel", "reduction"]
// CHECK: linalg.generic
// CHECK-SAME: indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>]
// CHECK-SAME: ins(%[[ACC]] : tensor<2x10xf32>)
// CHECK: ^bb0(%[[P:.+]]: f32, %{{.+}}: f32):
// CHECK: %[[ALPHA:.+]] = arith.constant 5.000000e-01 : f32
// CHECK: %[[PA:.+]] = arith.mulf %[[P]], %[[ALPHA]] : f32
// CHECK-NEXT: linalg.yield %[[PA]]
func.func @gemm_alpha_no_c(%a: tensor<2x64xf32>, %w: tensor<64x10xf32>) -> tensor<2x10xf32> {
  %0 = dsc.gemm %a, %w {alpha = 0.5 : f64, beta = 1.0 : f64, trans_a = false, trans_b = false}
      : (tensor<2x64xf32>, tensor<64x10xf32>) -> tensor<2x10xf32>
  return %0 : tensor<2x10xf32>
}

// -----

// Tests that beta = 0 drops C entirely (zero init, no epilogue).
// CHECK-LABEL: func @gemm_beta_zero
// CHECK-SAME: %[[C:[^:]+]]: tensor<10xf32>)
// CHECK: linalg.fill
// CHECK: %[[R:.+]] = linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel", "reduction"]
// CHECK-NOT: linalg.generic
// CHECK-NOT: %[[C]]
// CHECK: return %[[R]]
func.func @gemm_beta_zero(%a: tensor<2x64xf32>, %w: tensor<64x10xf32>, %c: tensor<10xf32>) -> tensor<2x10xf32> {
  %0 = dsc.gemm %a, %w, %c {alpha = 1.0 : f64, beta = 0.0 : f64, trans_a = false, trans_b = false}
      : (tensor<2x64xf32>, tensor<64x10xf32>, tensor<10xf32>) -> tensor<2x10xf32>
  return %0 : tensor<2x10xf32>
}
