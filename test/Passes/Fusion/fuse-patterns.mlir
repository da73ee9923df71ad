// RUN: dsc-opt %s --split-input-file --dsc-fuse-patterns --canonicalize | FileCheck %s

// Tests GELU's erf form in the three associations exporters emit.
// CHECK-LABEL: func @gelu_erf
// CHECK-SAME: (%[[X:.+]]: tensor<2x8xf32>)
// CHECK-NOT: dsc.erf
// CHECK: %[[A:.+]] = dsc.gelu %[[X]] {approximate = "none"}
// CHECK: %[[B:.+]] = dsc.gelu %[[X]] {approximate = "none"}
// CHECK: %[[C:.+]] = dsc.gelu %[[X]] {approximate = "none"}
// CHECK: return %[[A]], %[[B]], %[[C]]
func.func @gelu_erf(%x: tensor<2x8xf32>) -> (tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x8xf32>) {
  %sqrt2 = arith.constant dense<1.41421354> : tensor<f32>
  %rsqrt2 = arith.constant dense<0.707106769> : tensor<f32>
  %one = arith.constant dense<1.0> : tensor<f32>
  %half = arith.constant dense<0.5> : tensor<f32>
  // (x * (1 + erf(x / sqrt2))) * 0.5
  %0 = dsc.div %x, %sqrt2 : (tensor<2x8xf32>, tensor<f32>) -> tensor<2x8xf32>
  %1 = dsc.erf %0 : tensor<2x8xf32>
  %2 = dsc.add %1, %one : (tensor<2x8xf32>, tensor<f32>) -> tensor<2x8xf32>
  %3 = dsc.mul %x, %2 : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  %a = dsc.mul %3, %half : (tensor<2x8xf32>, tensor<f32>) -> tensor<2x8xf32>
  // (x * 0.5) * (1 + erf(x * rsqrt2))
  %4 = dsc.mul %x, %rsqrt2 : (tensor<2x8xf32>, tensor<f32>) -> tensor<2x8xf32>
  %5 = dsc.erf %4 : tensor<2x8xf32>
  %6 = dsc.add %one, %5 : (tensor<f32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  %7 = dsc.mul %half, %x : (tensor<f32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  %b = dsc.mul %7, %6 : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  // x * ((1 + erf(x / sqrt2)) * 0.5)
  %8 = dsc.div %x, %sqrt2 : (tensor<2x8xf32>, tensor<f32>) -> tensor<2x8xf32>
  %9 = dsc.erf %8 : tensor<2x8xf32>
  %10 = dsc.add %9, %one : (tensor<2x8xf32>, tensor<f32>) -> tensor<2x8xf32>
  %11 = dsc.mul %10, %half : (tensor<2x8xf32>, tensor<f32>) -> tensor<2x8xf32>
  %c = dsc.mul %x, %11 : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  return %a, %b, %c : tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x8xf32>
}

// -----

// Tests GELU's tanh form with x^3 as pow and as x * x * x.
// CHECK-LABEL: func @gelu_tanh
// CHECK-NOT: dsc.tanh
// CHECK: dsc.gelu %arg0 {approximate = "tanh"}
// CHECK: dsc.gelu %arg0 {approximate = "tanh"}
func.func @gelu_tanh(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %three = arith.constant dense<3.0> : tensor<f32>
  %k = arith.constant dense<0.044715> : tensor<f32>
  %c = arith.constant dense<0.797884583> : tensor<f32>
  %one = arith.constant dense<1.0> : tensor<f32>
  %half = arith.constant dense<0.5> : tensor<f32>
  %0 = dsc.pow %x, %three : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %1 = dsc.mul %0, %k : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %2 = dsc.add %x, %1 : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %3 = dsc.mul %2, %c : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %4 = dsc.tanh %3 : tensor<4xf32>
  %5 = dsc.add %4, %one : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %6 = dsc.mul %x, %half : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %a = dsc.mul %6, %5 : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %sq = dsc.mul %x, %x : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %cube = dsc.mul %x, %sq : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %7 = dsc.mul %k, %cube : (tensor<f32>, tensor<4xf32>) -> tensor<4xf32>
  %8 = dsc.add %7, %x : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %9 = dsc.mul %c, %8 : (tensor<f32>, tensor<4xf32>) -> tensor<4xf32>
  %10 = dsc.tanh %9 : tensor<4xf32>
  %11 = dsc.add %one, %10 : (tensor<f32>, tensor<4xf32>) -> tensor<4xf32>
  %12 = dsc.mul %x, %11 : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %b = dsc.mul %12, %half : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  return %a, %b : tensor<4xf32>, tensor<4xf32>
}

// -----

// Tests that a GELU-like chain whose erf result has a second use, or whose
// constant is wrong, stays as it is.
// CHECK-LABEL: func @gelu_not
// CHECK-NOT: dsc.gelu
// CHECK: dsc.erf
// CHECK: dsc.erf
func.func @gelu_not(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %sqrt2 = arith.constant dense<1.41421354> : tensor<f32>
  %one = arith.constant dense<1.0> : tensor<f32>
  %half = arith.constant dense<0.5> : tensor<f32>
  %third = arith.constant dense<0.3> : tensor<f32>
  %0 = dsc.div %x, %sqrt2 : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %1 = dsc.erf %0 : tensor<4xf32>
  %2 = dsc.add %1, %one : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %3 = dsc.mul %x, %2 : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %a = dsc.mul %3, %half : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %4 = dsc.div %x, %sqrt2 : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %5 = dsc.erf %4 : tensor<4xf32>
  %6 = dsc.add %5, %one : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %7 = dsc.mul %x, %6 : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %b = dsc.mul %7, %third : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  return %a, %b, %1 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}

// -----

// Tests LayerNorm over the last axis with gamma and beta ([1, 16] gamma is
// reshaped to the normalized shape), and over two axes without them.
// CHECK-LABEL: func @layer_norm
// CHECK-SAME: (%[[X:.+]]: tensor<2x4x16xf32>)
// CHECK-NOT: dsc.reduce
// CHECK-DAG: %[[ONES:.+]] = arith.constant dense<1.000000e+00> : tensor<4x16xf32>
// CHECK-DAG: %[[G:.+]] = arith.constant dense<2.000000e+00> : tensor<16xf32>
// CHECK-DAG: %[[B:.+]] = arith.constant dense<{{.+}}> : tensor<16xf32>
// CHECK: %[[A:.+]] = dsc.layer_norm %[[X]], %[[G]], %[[B]] {axis = 2 : i64, epsilon = 9.9999997473787516E-6 : f64}
// CHECK: %[[C:.+]] = dsc.layer_norm %[[X]], %[[ONES]] {axis = 1 : i64, epsilon = 9.9999999747524271E-7 : f64}
// CHECK: return %[[A]], %[[C]]
func.func @layer_norm(%x: tensor<2x4x16xf32>) -> (tensor<2x4x16xf32>, tensor<2x4x16xf32>) {
  %two = arith.constant dense<2.0> : tensor<f32>
  %eps = arith.constant dense<1.0e-5> : tensor<f32>
  %gamma = arith.constant dense<2.0> : tensor<1x16xf32>
  %beta = arith.constant dense<[0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0]> : tensor<16xf32>
  %m = dsc.reduce %x {axes = array<i64: 2>, keepdims = true, kind = "mean"} : (tensor<2x4x16xf32>) -> tensor<2x4x1xf32>
  %d = dsc.sub %x, %m : (tensor<2x4x16xf32>, tensor<2x4x1xf32>) -> tensor<2x4x16xf32>
  %p = dsc.pow %d, %two : (tensor<2x4x16xf32>, tensor<f32>) -> tensor<2x4x16xf32>
  %v = dsc.reduce %p {axes = array<i64: 2>, keepdims = true, kind = "mean"} : (tensor<2x4x16xf32>) -> tensor<2x4x1xf32>
  %ve = dsc.add %v, %eps : (tensor<2x4x1xf32>, tensor<f32>) -> tensor<2x4x1xf32>
  %s = dsc.sqrt %ve : tensor<2x4x1xf32>
  %n = dsc.div %d, %s : (tensor<2x4x16xf32>, tensor<2x4x1xf32>) -> tensor<2x4x16xf32>
  %g = dsc.mul %n, %gamma : (tensor<2x4x16xf32>, tensor<1x16xf32>) -> tensor<2x4x16xf32>
  %a = dsc.add %beta, %g : (tensor<16xf32>, tensor<2x4x16xf32>) -> tensor<2x4x16xf32>
  %eps2 = arith.constant dense<1.0e-6> : tensor<f32>
  %m2 = dsc.reduce %x {axes = array<i64: 1, 2>, keepdims = true, kind = "mean"} : (tensor<2x4x16xf32>) -> tensor<2x1x1xf32>
  %d2 = dsc.sub %x, %m2 : (tensor<2x4x16xf32>, tensor<2x1x1xf32>) -> tensor<2x4x16xf32>
  %p2 = dsc.mul %d2, %d2 : (tensor<2x4x16xf32>, tensor<2x4x16xf32>) -> tensor<2x4x16xf32>
  %v2 = dsc.reduce %p2 {axes = array<i64: 1, 2>, keepdims = true, kind = "mean"} : (tensor<2x4x16xf32>) -> tensor<2x1x1xf32>
  %ve2 = dsc.add %eps2, %v2 : (tensor<f32>, tensor<2x1x1xf32>) -> tensor<2x1x1xf32>
  %s2 = dsc.sqrt %ve2 : tensor<2x1x1xf32>
  %c = dsc.div %d2, %s2 : (tensor<2x4x16xf32>, tensor<2x1x1xf32>) -> tensor<2x4x16xf32>
  return %a, %c : tensor<2x4x16xf32>, tensor<2x4x16xf32>
}

// -----

// Tests that a LayerNorm-like chain over a leading axis, or whose centered
// value is used elsewhere, stays as it is.
// CHECK-LABEL: func @layer_norm_not
// CHECK-NOT: dsc.layer_norm
func.func @layer_norm_not(%x: tensor<4x16xf32>) -> (tensor<4x16xf32>, tensor<4x16xf32>) {
  %two = arith.constant dense<2.0> : tensor<f32>
  %eps = arith.constant dense<1.0e-5> : tensor<f32>
  %m = dsc.reduce %x {axes = array<i64: 0>, keepdims = true, kind = "mean"} : (tensor<4x16xf32>) -> tensor<1x16xf32>
  %d = dsc.sub %x, %m : (tensor<4x16xf32>, tensor<1x16xf32>) -> tensor<4x16xf32>
  %p = dsc.pow %d, %two : (tensor<4x16xf32>, tensor<f32>) -> tensor<4x16xf32>
  %v = dsc.reduce %p {axes = array<i64: 0>, keepdims = true, kind = "mean"} : (tensor<4x16xf32>) -> tensor<1x16xf32>
  %ve = dsc.add %v, %eps : (tensor<1x16xf32>, tensor<f32>) -> tensor<1x16xf32>
  %s = dsc.sqrt %ve : tensor<1x16xf32>
  %n = dsc.div %d, %s : (tensor<4x16xf32>, tensor<1x16xf32>) -> tensor<4x16xf32>
  %m2 = dsc.reduce %x {axes = array<i64: 1>, keepdims = true, kind = "mean"} : (tensor<4x16xf32>) -> tensor<4x1xf32>
  %d2 = dsc.sub %x, %m2 : (tensor<4x16xf32>, tensor<4x1xf32>) -> tensor<4x16xf32>
  %p2 = dsc.pow %d2, %two : (tensor<4x16xf32>, tensor<f32>) -> tensor<4x16xf32>
  %v2 = dsc.reduce %p2 {axes = array<i64: 1>, keepdims = true, kind = "mean"} : (tensor<4x16xf32>) -> tensor<4x1xf32>
  %ve2 = dsc.add %v2, %eps : (tensor<4x1xf32>, tensor<f32>) -> tensor<4x1xf32>
  %s2 = dsc.sqrt %ve2 : tensor<4x1xf32>
  %n2 = dsc.div %d2, %s2 : (tensor<4x16xf32>, tensor<4x1xf32>) -> tensor<4x16xf32>
  %o = dsc.add %n2, %d2 : (tensor<4x16xf32>, tensor<4x16xf32>) -> tensor<4x16xf32>
  return %n, %o : tensor<4x16xf32>, tensor<4x16xf32>
}

// -----

// Tests Softmax from exp(x - max) / sum, and from exp(x) / sum.
// CHECK-LABEL: func @softmax
// CHECK: %[[A:.+]] = dsc.softmax %arg0 {axis = 1 : i64}
// CHECK: %[[B:.+]] = dsc.softmax %arg0 {axis = 0 : i64}
// CHECK: return %[[A]], %[[B]]
func.func @softmax(%x: tensor<3x5xf32>) -> (tensor<3x5xf32>, tensor<3x5xf32>) {
  %m = dsc.reduce %x {axes = array<i64: 1>, keepdims = true, kind = "max"} : (tensor<3x5xf32>) -> tensor<3x1xf32>
  %d = dsc.sub %x, %m : (tensor<3x5xf32>, tensor<3x1xf32>) -> tensor<3x5xf32>
  %e = dsc.exp %d : tensor<3x5xf32>
  %s = dsc.reduce %e {axes = array<i64: 1>, keepdims = true, kind = "sum"} : (tensor<3x5xf32>) -> tensor<3x1xf32>
  %a = dsc.div %e, %s : (tensor<3x5xf32>, tensor<3x1xf32>) -> tensor<3x5xf32>
  %e2 = dsc.exp %x : tensor<3x5xf32>
  %s2 = dsc.reduce %e2 {axes = array<i64: 0>, keepdims = true, kind = "sum"} : (tensor<3x5xf32>) -> tensor<1x5xf32>
  %b = dsc.div %e2, %s2 : (tensor<3x5xf32>, tensor<1x5xf32>) -> tensor<3x5xf32>
  return %a, %b : tensor<3x5xf32>, tensor<3x5xf32>
}

// -----

// Tests attention with a constant causal mask (-1e9 above the diagonal)
// and a scale by division: one dsc.attention with a structural mask.
// CHECK-LABEL: func @attention_causal
// CHECK-SAME: (%[[Q:.+]]: tensor<1x2x3x4xf32>, %[[K:.+]]: tensor<1x2x4x3xf32>, %[[V:.+]]: tensor<1x2x3x4xf32>)
// CHECK-NOT: dsc.softmax
// CHECK: %[[A:.+]] = dsc.attention %[[Q]], %[[K]], %[[V]] {mask_kind = "causal", mask_value = -1.000000e+09 : f64, offset = 0 : i64, scale = 5.000000e-01 : f64, window = 0 : i64}
// CHECK: return %[[A]]
func.func @attention_causal(%q: tensor<1x2x3x4xf32>, %k: tensor<1x2x4x3xf32>, %v: tensor<1x2x3x4xf32>) -> tensor<1x2x3x4xf32> {
  %c = arith.constant dense<2.0> : tensor<f32>
  %mask = arith.constant dense<[[0.0, -1.0e9, -1.0e9], [0.0, 0.0, -1.0e9], [0.0, 0.0, 0.0]]> : tensor<3x3xf32>
  %s = dsc.matmul %q, %k : (tensor<1x2x3x4xf32>, tensor<1x2x4x3xf32>) -> tensor<1x2x3x3xf32>
  %d = dsc.div %s, %c : (tensor<1x2x3x3xf32>, tensor<f32>) -> tensor<1x2x3x3xf32>
  %m = dsc.add %d, %mask : (tensor<1x2x3x3xf32>, tensor<3x3xf32>) -> tensor<1x2x3x3xf32>
  %p = dsc.softmax %m {axis = 3 : i64} : tensor<1x2x3x3xf32>
  %o = dsc.matmul %p, %v : (tensor<1x2x3x3xf32>, tensor<1x2x3x4xf32>) -> tensor<1x2x3x4xf32>
  return %o : tensor<1x2x3x4xf32>
}

// -----

// Tests a sliding-window mask of width 2 (keys i-1..i) and a runtime mask
// (kept as the additive operand), both scaled by multiplication.
// CHECK-LABEL: func @attention_window_and_runtime
// CHECK: dsc.attention %arg0, %arg1, %arg2 {mask_kind = "sliding_window", mask_value = 0xFFF0000000000000 : f64, offset = 0 : i64, scale = 2.500000e-01 : f64, window = 2 : i64}
// CHECK: dsc.attention %arg0, %arg1, %arg2, %arg3 {mask_kind = "none", mask_value = 0.000000e+00 : f64, offset = 0 : i64, scale = 2.500000e-01 : f64, window = 0 : i64}
func.func @attention_window_and_runtime(%q: tensor<4x8xf32>, %k: tensor<8x4xf32>, %v: tensor<4x8xf32>, %rm: tensor<4x4xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>) {
  %c = arith.constant dense<0.25> : tensor<f32>
  %mask = arith.constant dense<[[0.0, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.0, 0xFF800000, 0xFF800000], [0xFF800000, 0.0, 0.0, 0xFF800000], [0xFF800000, 0xFF800000, 0.0, 0.0]]> : tensor<4x4xf32>
  %s = dsc.matmul %q, %k : (tensor<4x8xf32>, tensor<8x4xf32>) -> tensor<4x4xf32>
  %d = dsc.mul %c, %s : (tensor<f32>, tensor<4x4xf32>) -> tensor<4x4xf32>
  %m = dsc.add %mask, %d : (tensor<4x4xf32>, tensor<4x4xf32>) -> tensor<4x4xf32>
  %p = dsc.softmax %m {axis = 1 : i64} : tensor<4x4xf32>
  %a = dsc.matmul %p, %v : (tensor<4x4xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %s2 = dsc.matmul %q, %k : (tensor<4x8xf32>, tensor<8x4xf32>) -> tensor<4x4xf32>
  %d2 = dsc.mul %s2, %c : (tensor<4x4xf32>, tensor<f32>) -> tensor<4x4xf32>
  %m2 = dsc.add %d2, %rm : (tensor<4x4xf32>, tensor<4x4xf32>) -> tensor<4x4xf32>
  %p2 = dsc.softmax %m2 {axis = 1 : i64} : tensor<4x4xf32>
  %b = dsc.matmul %p2, %v : (tensor<4x4xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  return %a, %b : tensor<4x8xf32>, tensor<4x8xf32>
}

// -----

// Tests that softmax over a non-last axis, or scores with a second use, do
// not become attention.
// CHECK-LABEL: func @attention_not
// CHECK-NOT: dsc.attention
// CHECK: dsc.softmax %{{.+}} {axis = 0 : i64}
// CHECK-NOT: dsc.attention
// CHECK: dsc.softmax %{{.+}} {axis = 1 : i64}
// CHECK-NOT: dsc.attention
func.func @attention_not(%q: tensor<4x8xf32>, %k: tensor<8x4xf32>, %v: tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x4xf32>) {
  %s = dsc.matmul %q, %k : (tensor<4x8xf32>, tensor<8x4xf32>) -> tensor<4x4xf32>
  %p = dsc.softmax %s {axis = 0 : i64} : tensor<4x4xf32>
  %a = dsc.matmul %p, %v : (tensor<4x4xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %s2 = dsc.matmul %q, %k : (tensor<4x8xf32>, tensor<8x4xf32>) -> tensor<4x4xf32>
  %p2 = dsc.softmax %s2 {axis = 1 : i64} : tensor<4x4xf32>
  %b = dsc.matmul %p2, %v : (tensor<4x4xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  return %a, %b, %s2 : tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x4xf32>
}
