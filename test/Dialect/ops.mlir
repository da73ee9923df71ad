// RUN: dsc-opt %s | dsc-opt | FileCheck %s

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
