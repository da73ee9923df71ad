// RUN: dsc-opt %s --split-input-file --dsc-flatten-empty-io | FileCheck %s

// Tests that zero-element arguments and results become 1-D (a bare pointer
// in the ABI) while the others keep their types: a use of an empty argument
// reads a tensor.empty of its type, a returned empty value is a new
// tensor.empty.
// CHECK-LABEL: func @io(
// CHECK-SAME:    %[[X:.*]]: tensor<2x3xf32>, %{{.*}}: tensor<0xf32>) -> (tensor<0xi64>, tensor<2x3xf32>, tensor<0xf32>)
// CHECK:         %[[E:.*]] = tensor.empty() : tensor<3x0x5xf32>
// CHECK:         dsc.relu %[[E]] : tensor<3x0x5xf32>
// CHECK:         %[[R0:.*]] = tensor.empty() : tensor<0xi64>
// CHECK:         %[[R2:.*]] = tensor.empty() : tensor<0xf32>
// CHECK:         return %[[R0]], %[[X]], %[[R2]]
func.func @io(%x: tensor<2x3xf32>, %e: tensor<3x0x5xf32>) -> (tensor<4x0xi64>, tensor<2x3xf32>, tensor<3x0x5xf32>) {
  %c = arith.constant dense<> : tensor<4x0xi64>
  %r = dsc.relu %e : tensor<3x0x5xf32>
  return %c, %x, %r : tensor<4x0xi64>, tensor<2x3xf32>, tensor<3x0x5xf32>
}
