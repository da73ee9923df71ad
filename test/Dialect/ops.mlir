// RUN: dsc-opt %s --split-input-file | dsc-opt --split-input-file | FileCheck %s

// Tests that dsc ops round-trip through the printer and parser.
// CHECK-LABEL: func @elementwise
func.func @elementwise(%a: tensor<2x3xf32>, %b: tensor<3xf32>) -> tensor<2x3xf32> {
  // CHECK: dsc.add %{{.*}}, %{{.*}} : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %0 = dsc.add %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: dsc.relu %{{.*}} : tensor<2x3xf32>
  %1 = dsc.relu %0 : tensor<2x3xf32>
  // CHECK: dsc.clip %{{.*}} {max = 6.000000e+00 : f64, min = 0.000000e+00 : f64} : tensor<2x3xf32>
  %2 = dsc.clip %1 {min = 0.0 : f64, max = 6.0 : f64} : tensor<2x3xf32>
  return %2 : tensor<2x3xf32>
}

// -----

// Tests that the four binary ops round-trip, with broadcasting on either
// side and with integer element types.
// CHECK-LABEL: func @binary
// CHECK-SAME: (%[[A:.+]]: tensor<4x1x3xf32>, %[[B:.+]]: tensor<2x1xf32>, %[[I:.+]]: tensor<5xi32>)
func.func @binary(%a: tensor<4x1x3xf32>, %b: tensor<2x1xf32>, %i: tensor<5xi32>)
    -> (tensor<4x2x3xf32>, tensor<4x2x3xf32>, tensor<4x2x3xf32>, tensor<4x2x3xf32>, tensor<5xi32>) {
  // CHECK: dsc.add %[[A]], %[[B]] : (tensor<4x1x3xf32>, tensor<2x1xf32>) -> tensor<4x2x3xf32>
  %0 = dsc.add %a, %b : (tensor<4x1x3xf32>, tensor<2x1xf32>) -> tensor<4x2x3xf32>
  // CHECK: dsc.sub %[[B]], %[[A]] : (tensor<2x1xf32>, tensor<4x1x3xf32>) -> tensor<4x2x3xf32>
  %1 = dsc.sub %b, %a : (tensor<2x1xf32>, tensor<4x1x3xf32>) -> tensor<4x2x3xf32>
  // CHECK: dsc.mul %[[A]], %[[B]] : (tensor<4x1x3xf32>, tensor<2x1xf32>) -> tensor<4x2x3xf32>
  %2 = dsc.mul %a, %b : (tensor<4x1x3xf32>, tensor<2x1xf32>) -> tensor<4x2x3xf32>
  // CHECK: dsc.div %[[A]], %[[B]] : (tensor<4x1x3xf32>, tensor<2x1xf32>) -> tensor<4x2x3xf32>
  %3 = dsc.div %a, %b : (tensor<4x1x3xf32>, tensor<2x1xf32>) -> tensor<4x2x3xf32>
  // CHECK: dsc.add %[[I]], %[[I]] : (tensor<5xi32>, tensor<5xi32>) -> tensor<5xi32>
  %4 = dsc.add %i, %i : (tensor<5xi32>, tensor<5xi32>) -> tensor<5xi32>
  return %0, %1, %2, %3, %4 : tensor<4x2x3xf32>, tensor<4x2x3xf32>, tensor<4x2x3xf32>, tensor<4x2x3xf32>, tensor<5xi32>
}

// -----

// Tests that the unary ops round-trip, and that clip keeps a single bound.
// CHECK-LABEL: func @unary
func.func @unary(%x: tensor<1x16xf32>) -> tensor<1x16xf32> {
  // CHECK: %[[R:.+]] = dsc.relu %{{.+}} : tensor<1x16xf32>
  %0 = dsc.relu %x : tensor<1x16xf32>
  // CHECK: %[[S:.+]] = dsc.sigmoid %[[R]] : tensor<1x16xf32>
  %1 = dsc.sigmoid %0 : tensor<1x16xf32>
  // CHECK: %[[T:.+]] = dsc.tanh %[[S]] : tensor<1x16xf32>
  %2 = dsc.tanh %1 : tensor<1x16xf32>
  // CHECK: %[[C:.+]] = dsc.clip %[[T]] {min = -1.000000e+00 : f64} : tensor<1x16xf32>
  %3 = dsc.clip %2 {min = -1.0 : f64} : tensor<1x16xf32>
  // CHECK: dsc.clip %[[C]] {max = 2.500000e-01 : f64} : tensor<1x16xf32>
  %4 = dsc.clip %3 {max = 0.25 : f64} : tensor<1x16xf32>
  // CHECK: dsc.clip %{{.+}} : tensor<1x16xf32>
  %5 = dsc.clip %4 : tensor<1x16xf32>
  return %5 : tensor<1x16xf32>
}

// -----

// Tests that matmul round-trips for 2-D, batched (broadcast batch) and
// vector operands.
// CHECK-LABEL: func @matmul
func.func @matmul(%a: tensor<2x3xf32>, %b: tensor<3x5xf32>, %c: tensor<4x2x3xf32>,
                  %v: tensor<3xf32>) -> (tensor<2x5xf32>, tensor<4x2x5xf32>, tensor<2xf32>, tensor<5xf32>) {
  // CHECK: dsc.matmul %{{.+}}, %{{.+}} : (tensor<2x3xf32>, tensor<3x5xf32>) -> tensor<2x5xf32>
  %0 = dsc.matmul %a, %b : (tensor<2x3xf32>, tensor<3x5xf32>) -> tensor<2x5xf32>
  // CHECK: dsc.matmul %{{.+}}, %{{.+}} : (tensor<4x2x3xf32>, tensor<3x5xf32>) -> tensor<4x2x5xf32>
  %1 = dsc.matmul %c, %b : (tensor<4x2x3xf32>, tensor<3x5xf32>) -> tensor<4x2x5xf32>
  // CHECK: dsc.matmul %{{.+}}, %{{.+}} : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2xf32>
  %2 = dsc.matmul %a, %v : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2xf32>
  // CHECK: dsc.matmul %{{.+}}, %{{.+}} : (tensor<3xf32>, tensor<3x5xf32>) -> tensor<5xf32>
  %3 = dsc.matmul %v, %b : (tensor<3xf32>, tensor<3x5xf32>) -> tensor<5xf32>
  return %0, %1, %2, %3 : tensor<2x5xf32>, tensor<4x2x5xf32>, tensor<2xf32>, tensor<5xf32>
}

// -----

// Tests that gemm round-trips with and without the optional C operand.
// CHECK-LABEL: func @gemm
// CHECK-SAME: (%[[A:.+]]: tensor<1x64xf32>, %[[W:.+]]: tensor<10x64xf32>, %[[C:.+]]: tensor<10xf32>)
func.func @gemm(%a: tensor<1x64xf32>, %w: tensor<10x64xf32>, %bias: tensor<10xf32>)
    -> (tensor<1x10xf32>, tensor<1x10xf32>) {
  // CHECK: dsc.gemm %[[A]], %[[W]], %[[C]] {alpha = 1.000000e+00 : f64, beta = 1.000000e+00 : f64, trans_a = false, trans_b = true}
  // CHECK-SAME: : (tensor<1x64xf32>, tensor<10x64xf32>, tensor<10xf32>) -> tensor<1x10xf32>
  %0 = dsc.gemm %a, %w, %bias {alpha = 1.0 : f64, beta = 1.0 : f64, trans_a = false, trans_b = true}
      : (tensor<1x64xf32>, tensor<10x64xf32>, tensor<10xf32>) -> tensor<1x10xf32>
  // CHECK: dsc.gemm %[[A]], %[[W]] {alpha = 5.000000e-01 : f64, beta = 0.000000e+00 : f64, trans_a = false, trans_b = true}
  // CHECK-SAME: : (tensor<1x64xf32>, tensor<10x64xf32>) -> tensor<1x10xf32>
  %1 = dsc.gemm %a, %w {alpha = 0.5 : f64, beta = 0.0 : f64, trans_a = false, trans_b = true}
      : (tensor<1x64xf32>, tensor<10x64xf32>) -> tensor<1x10xf32>
  return %0, %1 : tensor<1x10xf32>, tensor<1x10xf32>
}

// -----

// Tests that conv round-trips with a bias and grouped without one.
// CHECK-LABEL: func @conv
// CHECK-SAME: (%[[X:.+]]: tensor<1x4x8x8xf32>, %[[W:.+]]: tensor<16x4x3x3xf32>, %[[B:.+]]: tensor<16xf32>, %[[WG:.+]]: tensor<8x2x3x3xf32>)
func.func @conv(%x: tensor<1x4x8x8xf32>, %w: tensor<16x4x3x3xf32>, %b: tensor<16xf32>,
                %wg: tensor<8x2x3x3xf32>) -> (tensor<1x16x8x8xf32>, tensor<1x8x2x3xf32>) {
  // CHECK: dsc.conv %[[X]], %[[W]], %[[B]] {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>}
  // CHECK-SAME: : (tensor<1x4x8x8xf32>, tensor<16x4x3x3xf32>, tensor<16xf32>) -> tensor<1x16x8x8xf32>
  %0 = dsc.conv %x, %w, %b {dilations = array<i64: 1, 1>, group = 1 : i64,
                            pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>}
      : (tensor<1x4x8x8xf32>, tensor<16x4x3x3xf32>, tensor<16xf32>) -> tensor<1x16x8x8xf32>
  // CHECK: dsc.conv %[[X]], %[[WG]] {dilations = array<i64: 2, 1>, group = 2 : i64, pads = array<i64: 0, 0, 0, 1>, strides = array<i64: 2, 3>}
  // CHECK-SAME: : (tensor<1x4x8x8xf32>, tensor<8x2x3x3xf32>) -> tensor<1x8x2x3xf32>
  %1 = dsc.conv %x, %wg {dilations = array<i64: 2, 1>, group = 2 : i64,
                         pads = array<i64: 0, 0, 0, 1>, strides = array<i64: 2, 3>}
      : (tensor<1x4x8x8xf32>, tensor<8x2x3x3xf32>) -> tensor<1x8x2x3xf32>
  return %0, %1 : tensor<1x16x8x8xf32>, tensor<1x8x2x3xf32>
}

// -----

// Tests that the pooling ops round-trip, including ceil mode.
// CHECK-LABEL: func @pooling
func.func @pooling(%x: tensor<1x8x7x7xf32>) -> (tensor<1x8x4x4xf32>, tensor<1x8x7x7xf32>, tensor<1x8x1x1xf32>) {
  // CHECK: dsc.max_pool %{{.+}} {ceil_mode = true, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>}
  // CHECK-SAME: : (tensor<1x8x7x7xf32>) -> tensor<1x8x4x4xf32>
  %0 = dsc.max_pool %x {ceil_mode = true, dilations = array<i64: 1, 1>,
                        kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>,
                        strides = array<i64: 2, 2>}
      : (tensor<1x8x7x7xf32>) -> tensor<1x8x4x4xf32>
  // CHECK: dsc.avg_pool %{{.+}} {ceil_mode = false, count_include_pad = false, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>}
  // CHECK-SAME: : (tensor<1x8x7x7xf32>) -> tensor<1x8x7x7xf32>
  %1 = dsc.avg_pool %x {ceil_mode = false, count_include_pad = false,
                        dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>,
                        pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>}
      : (tensor<1x8x7x7xf32>) -> tensor<1x8x7x7xf32>
  // CHECK: dsc.global_avg_pool %{{.+}} : (tensor<1x8x7x7xf32>) -> tensor<1x8x1x1xf32>
  %2 = dsc.global_avg_pool %x : (tensor<1x8x7x7xf32>) -> tensor<1x8x1x1xf32>
  return %0, %1, %2 : tensor<1x8x4x4xf32>, tensor<1x8x7x7xf32>, tensor<1x8x1x1xf32>
}

// -----

// Tests that batch_norm and softmax round-trip.
// CHECK-LABEL: func @normalization
// CHECK-SAME: (%[[X:.+]]: tensor<1x8x4x4xf32>, %[[S:.+]]: tensor<8xf32>, %[[B:.+]]: tensor<8xf32>, %[[M:.+]]: tensor<8xf32>, %[[V:.+]]: tensor<8xf32>, %[[L:.+]]: tensor<2x10xf32>)
func.func @normalization(%x: tensor<1x8x4x4xf32>, %s: tensor<8xf32>, %b: tensor<8xf32>,
                         %m: tensor<8xf32>, %v: tensor<8xf32>, %l: tensor<2x10xf32>)
    -> (tensor<1x8x4x4xf32>, tensor<2x10xf32>) {
  // CHECK: dsc.batch_norm %[[X]], %[[S]], %[[B]], %[[M]], %[[V]] {epsilon = 1.000000e-05 : f64}
  // CHECK-SAME: : (tensor<1x8x4x4xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<1x8x4x4xf32>
  %0 = dsc.batch_norm %x, %s, %b, %m, %v {epsilon = 1.0e-05 : f64}
      : (tensor<1x8x4x4xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>)
      -> tensor<1x8x4x4xf32>
  // CHECK: dsc.softmax %[[L]] {axis = 1 : i64} : tensor<2x10xf32>
  %1 = dsc.softmax %l {axis = 1 : i64} : tensor<2x10xf32>
  return %0, %1 : tensor<1x8x4x4xf32>, tensor<2x10xf32>
}

// -----

// Tests that reshape (including to and from rank 0), transpose and concat
// round-trip.
// CHECK-LABEL: func @data_movement
func.func @data_movement(%x: tensor<1x16x2x2xf32>, %s: tensor<1xf32>, %t: tensor<1x3x4x5xf32>,
                         %a: tensor<1x2xf32>, %b: tensor<1x3xf32>)
    -> (tensor<1x64xf32>, tensor<f32>, tensor<1x1xf32>, tensor<1x4x5x3xf32>, tensor<1x7xf32>) {
  // CHECK: dsc.reshape %{{.+}} : (tensor<1x16x2x2xf32>) -> tensor<1x64xf32>
  %0 = dsc.reshape %x : (tensor<1x16x2x2xf32>) -> tensor<1x64xf32>
  // CHECK: %[[SC:.+]] = dsc.reshape %{{.+}} : (tensor<1xf32>) -> tensor<f32>
  %1 = dsc.reshape %s : (tensor<1xf32>) -> tensor<f32>
  // CHECK: dsc.reshape %[[SC]] : (tensor<f32>) -> tensor<1x1xf32>
  %2 = dsc.reshape %1 : (tensor<f32>) -> tensor<1x1xf32>
  // CHECK: dsc.transpose %{{.+}} {perm = array<i64: 0, 2, 3, 1>} : (tensor<1x3x4x5xf32>) -> tensor<1x4x5x3xf32>
  %3 = dsc.transpose %t {perm = array<i64: 0, 2, 3, 1>} : (tensor<1x3x4x5xf32>) -> tensor<1x4x5x3xf32>
  // CHECK: dsc.concat %{{.+}}, %{{.+}}, %{{.+}} {axis = 1 : i64} : (tensor<1x2xf32>, tensor<1x3xf32>, tensor<1x2xf32>) -> tensor<1x7xf32>
  %4 = dsc.concat %a, %b, %a {axis = 1 : i64} : (tensor<1x2xf32>, tensor<1x3xf32>, tensor<1x2xf32>) -> tensor<1x7xf32>
  return %0, %1, %2, %3, %4 : tensor<1x64xf32>, tensor<f32>, tensor<1x1xf32>, tensor<1x4x5x3xf32>, tensor<1x7xf32>
}

// -----

// Tests that erf and layer_norm (with and without bias) round-trip.
// CHECK-LABEL: func @layer_norm_erf
// CHECK: dsc.layer_norm %{{.*}}, %{{.*}}, %{{.*}} {axis = 2 : i64, epsilon = 1.000000e-05 : f64} : (tensor<1x4x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<1x4x8xf32>
// CHECK: dsc.layer_norm %{{.*}}, %{{.*}} {axis = 1 : i64, epsilon = 1.000000e-03 : f64} : (tensor<1x4x8xf32>, tensor<4x8xf32>) -> tensor<1x4x8xf32>
// CHECK: dsc.erf %{{.*}} : tensor<1x4x8xf32>
func.func @layer_norm_erf(%x: tensor<1x4x8xf32>, %g: tensor<8xf32>, %b: tensor<8xf32>, %g2: tensor<4x8xf32>) -> tensor<1x4x8xf32> {
  %0 = dsc.layer_norm %x, %g, %b {axis = 2 : i64, epsilon = 1.0e-05 : f64} : (tensor<1x4x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<1x4x8xf32>
  %1 = dsc.layer_norm %0, %g2 {axis = 1 : i64, epsilon = 1.0e-03 : f64} : (tensor<1x4x8xf32>, tensor<4x8xf32>) -> tensor<1x4x8xf32>
  %2 = dsc.erf %1 : tensor<1x4x8xf32>
  return %2 : tensor<1x4x8xf32>
}

// -----

// Tests that the activations, comparisons, cast and data-movement ops added
// for exported graphs round-trip.
// CHECK-LABEL: func @widened
// CHECK: dsc.gelu %{{.*}} {approximate = "tanh"} : tensor<2x3xf32>
// CHECK: dsc.leaky_relu %{{.*}} {alpha = 1.000000e-01 : f64} : tensor<2x3xf32>
// CHECK: dsc.pow %{{.*}}, %{{.*}} : (tensor<2x3xf32>, tensor<i64>) -> tensor<2x3xf32>
// CHECK: dsc.greater %{{.*}}, %{{.*}} : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
// CHECK: dsc.where %{{.*}}, %{{.*}}, %{{.*}} : (tensor<2x3xi1>, tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
// CHECK: dsc.cast %{{.*}} {result_unsigned} : (tensor<2x3xf32>) -> tensor<2x3xi8>
// CHECK: dsc.expand %{{.*}} : (tensor<3xf32>) -> tensor<2x3xf32>
// CHECK: dsc.reduce %{{.*}} {axes = array<i64: 1>, keepdims = true, kind = "log_sum_exp"} : (tensor<2x3xf32>) -> tensor<2x1xf32>
// CHECK: dsc.gather %{{.*}}, %{{.*}} {axis = 1 : i64} : (tensor<2x3xf32>, tensor<4xi32>) -> tensor<2x4xf32>
// CHECK: dsc.slice %{{.*}} {starts = array<i64: 1, 2>, steps = array<i64: 1, -1>} : (tensor<2x3xf32>) -> tensor<1x3xf32>
func.func @widened(%x: tensor<2x3xf32>, %b: tensor<3xf32>, %e: tensor<i64>, %i: tensor<4xi32>) -> (tensor<2x3xf32>, tensor<2x3xi8>, tensor<2x3xf32>, tensor<2x1xf32>, tensor<2x4xf32>, tensor<1x3xf32>) {
  %0 = dsc.gelu %x {approximate = "tanh"} : tensor<2x3xf32>
  %1 = dsc.leaky_relu %0 {alpha = 0.1 : f64} : tensor<2x3xf32>
  %2 = dsc.pow %1, %e : (tensor<2x3xf32>, tensor<i64>) -> tensor<2x3xf32>
  %3 = dsc.greater %2, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
  %4 = dsc.where %3, %2, %b : (tensor<2x3xi1>, tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %5 = dsc.cast %4 {result_unsigned} : (tensor<2x3xf32>) -> tensor<2x3xi8>
  %6 = dsc.expand %b : (tensor<3xf32>) -> tensor<2x3xf32>
  %7 = dsc.reduce %x {axes = array<i64: 1>, keepdims = true, kind = "log_sum_exp"} : (tensor<2x3xf32>) -> tensor<2x1xf32>
  %8 = dsc.gather %x, %i {axis = 1 : i64} : (tensor<2x3xf32>, tensor<4xi32>) -> tensor<2x4xf32>
  %9 = dsc.slice %x {starts = array<i64: 1, 2>, steps = array<i64: 1, -1>} : (tensor<2x3xf32>) -> tensor<1x3xf32>
  return %4, %5, %6, %7, %8, %9 : tensor<2x3xf32>, tensor<2x3xi8>, tensor<2x3xf32>, tensor<2x1xf32>, tensor<2x4xf32>, tensor<1x3xf32>
}
