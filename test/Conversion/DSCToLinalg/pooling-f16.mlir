// RUN: dsc-opt %s --dsc-convert-to-linalg --mlir-print-local-scope | FileCheck %s

// Tests that a non-uniform divisor tensor is built in the pool's element type.
// CHECK-LABEL: func @avg_pool_exclude_pad_f16
// CHECK-NOT: dsc.avg_pool
// CHECK: arith.constant dense<{{.+}}> : tensor<3x3xf16>
// CHECK: linalg.generic
// CHECK: arith.mulf %{{.+}}, %{{.+}} : f16
func.func @avg_pool_exclude_pad_f16(%x: tensor<1x8x3x3xf16>) -> tensor<1x8x3x3xf16> {
  %0 = dsc.avg_pool %x {ceil_mode = false, count_include_pad = false,
                        dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>,
                        pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>}
      : (tensor<1x8x3x3xf16>) -> tensor<1x8x3x3xf16>
  return %0 : tensor<1x8x3x3xf16>
}
