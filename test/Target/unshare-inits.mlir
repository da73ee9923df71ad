// RUN: dsc-opt %s --split-input-file --dsc-unshare-inits | FileCheck %s

#mA = affine_map<(m, n, k) -> (m, k)>
#mB = affine_map<(m, n, k) -> (k, n)>
#mC = affine_map<(m, n, k) -> (m, n)>

// Tests that a zero fill that two matmuls accumulate into (CSE merged the
// two layers' fills) is cloned, with its tensor.empty, right before the
// second one, so each bufferizes in place; the first keeps the original.
// CHECK-LABEL: func @two_writers
// CHECK:       %[[E:.*]] = tensor.empty() : tensor<4x8xf32>
// CHECK:       %[[Z:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[E]] : tensor<4x8xf32>)
// CHECK:       %[[R1:.*]] = linalg.generic {{.*}} outs(%[[Z]] : tensor<4x8xf32>)
// CHECK:       %[[E2:.*]] = tensor.empty() : tensor<4x8xf32>
// CHECK:       %[[Z2:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[E2]] : tensor<4x8xf32>)
// CHECK:       linalg.generic {{.*}} ins(%[[R1]], %{{.*}} : tensor<4x8xf32>, tensor<8x8xf32>) outs(%[[Z2]] : tensor<4x8xf32>)
func.func @two_writers(%x: tensor<4x8xf32>, %w: tensor<8x8xf32>) -> tensor<4x8xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x8xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
  %r1 = linalg.generic {indexing_maps = [#mA, #mB, #mC], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<4x8xf32>, tensor<8x8xf32>) outs(%z : tensor<4x8xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %c, %m : f32
    linalg.yield %s : f32
  } -> tensor<4x8xf32>
  %r2 = linalg.generic {indexing_maps = [#mA, #mB, #mC], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%r1, %w : tensor<4x8xf32>, tensor<8x8xf32>) outs(%z : tensor<4x8xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %c, %m : f32
    linalg.yield %s : f32
  } -> tensor<4x8xf32>
  return %r2 : tensor<4x8xf32>
}

// -----

#id = affine_map<(m, n) -> (m, n)>
#row = affine_map<(m, n) -> (n)>

// Tests that where the shared init is also read (here returned), every
// writer gets a clone and the reader keeps the original; and that a fill
// with a single writer and no reader is left alone.
// CHECK-LABEL: func @writer_and_reader
// CHECK:       %[[B:.*]] = linalg.generic {{.*}} ins(%cst : tensor<8xf32>)
// CHECK:       %[[B2:.*]] = linalg.generic {{.*}} ins(%cst : tensor<8xf32>)
// CHECK:       linalg.generic {{.*}} ins(%arg0 : tensor<4x8xf32>) outs(%[[B2]] : tensor<4x8xf32>)
// CHECK:       return %[[B]],
// CHECK-LABEL: func @single_writer
// CHECK-COUNT-1: linalg.fill
// CHECK-NOT:   linalg.fill
func.func @writer_and_reader(%x: tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>) {
  %bias = arith.constant dense<1.0> : tensor<8xf32>
  %e = tensor.empty() : tensor<4x8xf32>
  %b = linalg.generic {indexing_maps = [#row, #id], iterator_types = ["parallel", "parallel"]}
      ins(%bias : tensor<8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%v: f32, %o: f32):
    linalg.yield %v : f32
  } -> tensor<4x8xf32>
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<4x8xf32>) outs(%b : tensor<4x8xf32>) {
  ^bb0(%v: f32, %o: f32):
    %s = arith.addf %v, %o : f32
    linalg.yield %s : f32
  } -> tensor<4x8xf32>
  return %b, %r : tensor<4x8xf32>, tensor<4x8xf32>
}
func.func @single_writer(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x8xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<4x8xf32>) outs(%z : tensor<4x8xf32>) {
  ^bb0(%v: f32, %o: f32):
    %s = arith.addf %v, %o : f32
    linalg.yield %s : f32
  } -> tensor<4x8xf32>
  return %r : tensor<4x8xf32>
}
