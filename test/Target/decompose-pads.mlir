// RUN: dsc-opt %s --dsc-decompose-pads --eliminate-empty-tensors | FileCheck %s

// Tests that a zero pad becomes fills of its border only (one slab per
// padded side: rows 0 and 9 whole, then columns 0 and 9 of the interior
// rows) and an insert_slice of the source into its interior, and that the
// fills and the source's producer (here an elementwise op on an empty
// tensor) then write into slices of the padded tensor, so bufferization
// needs no copy and no element is written twice.
// CHECK-LABEL: func.func @pad_relu(
// CHECK:         %[[E:.*]] = tensor.empty() : tensor<1x4x10x10xf32>
// CHECK:         %[[S0:.*]] = tensor.extract_slice %[[E]][0, 0, 0, 0] [1, 4, 1, 10] [1, 1, 1, 1]
// CHECK:         %[[F0:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[S0]] : tensor<1x4x1x10xf32>)
// CHECK:         %[[I0:.*]] = tensor.insert_slice %[[F0]] into %[[E]][0, 0, 0, 0] [1, 4, 1, 10]
// CHECK:         tensor.extract_slice %[[I0]][0, 0, 9, 0] [1, 4, 1, 10] [1, 1, 1, 1]
// CHECK:         %[[I1:.*]] = tensor.insert_slice %{{.*}} into %[[I0]][0, 0, 9, 0] [1, 4, 1, 10]
// CHECK:         tensor.extract_slice %[[I1]][0, 0, 1, 0] [1, 4, 8, 1] [1, 1, 1, 1]
// CHECK:         %[[I2:.*]] = tensor.insert_slice %{{.*}} into %[[I1]][0, 0, 1, 0] [1, 4, 8, 1]
// CHECK:         tensor.extract_slice %[[I2]][0, 0, 1, 9] [1, 4, 8, 1] [1, 1, 1, 1]
// CHECK:         %[[I3:.*]] = tensor.insert_slice %{{.*}} into %[[I2]][0, 0, 1, 9] [1, 4, 8, 1]
// CHECK:         %[[SLICE:.*]] = tensor.extract_slice %[[I3]][0, 0, 1, 1] [1, 4, 8, 8] [1, 1, 1, 1]
// CHECK:         %[[RELU:.*]] = linalg.generic {{.*}} outs(%[[SLICE]] : tensor<1x4x8x8xf32>)
// CHECK:         tensor.insert_slice %[[RELU]] into %[[I3]][0, 0, 1, 1] [1, 4, 8, 8] [1, 1, 1, 1]
// CHECK-NOT:     tensor.pad
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
func.func @pad_relu(%x: tensor<1x4x8x8xf32>) -> tensor<1x4x10x10xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x4x8x8xf32>
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x : tensor<1x4x8x8xf32>) outs(%e : tensor<1x4x8x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %zero : f32
    linalg.yield %m : f32
  } -> tensor<1x4x8x8xf32>
  %p = tensor.pad %r low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%a: index, %b: index, %c: index, %d: index):
    tensor.yield %zero : f32
  } : tensor<1x4x8x8xf32> to tensor<1x4x10x10xf32>
  return %p : tensor<1x4x10x10xf32>
}
