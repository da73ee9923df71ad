// RUN: dsc-opt %s --split-input-file --dsc-channels-last-inputs | FileCheck %s
// RUN: dsc-opt %s --split-input-file --dsc-channels-last-inputs="vector-bits=0" | FileCheck %s --check-prefix=OFF

#in = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d4, d2 + d5, d3 + d6)>
#w = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d1, d4, d5, d6)>
#out = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d2, d3)>

// Tests that a convolution with 7-wide output rows (vectorized along its
// output channels by dsc-contraction-kernels) reads an NHWC copy of its
// input, transposed before the pad and padded after it, through
// (n, h, w, c), and OHWI weights through (o, kh, kw, c).
// CHECK-DAG:   #[[NCHW:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d3, d1, d2)>
// CHECK-DAG:   #[[IN:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d2 + d5, d3 + d6, d4)>
// CHECK-DAG:   #[[W:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d1, d5, d6, d4)>
// CHECK-LABEL: func.func @conv7x7(
// CHECK:         %[[T:.*]] = linalg.generic {indexing_maps = [#[[NCHW]], {{.*}}]{{.*}} outs(%{{.*}} : tensor<1x7x7x64xf32>)
// CHECK:         %[[P:.*]] = tensor.pad %[[T]] low[0, 1, 1, 0] high[0, 1, 1, 0]
// CHECK:         : tensor<1x7x7x64xf32> to tensor<1x9x9x64xf32>
// CHECK:         %[[WT:.*]] = arith.constant dense<5.000000e-01> : tensor<64x3x3x64xf32>
// CHECK:         linalg.generic {indexing_maps = [#[[IN]], #[[W]], {{.*}}]{{.*}} ins(%[[P]], %[[WT]] : tensor<1x9x9x64xf32>, tensor<64x3x3x64xf32>)
// OFF-LABEL:   func.func @conv7x7(
// OFF-NOT:       tensor<1x7x7x64xf32>
func.func @conv7x7(%x: tensor<1x64x7x7xf32>) -> tensor<1x64x7x7xf32> {
  %zero = arith.constant 0.0 : f32
  %w = arith.constant dense<0.5> : tensor<64x64x3x3xf32>
  %p = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%a: index, %b: index, %c: index, %d: index):
    tensor.yield %zero : f32
  } : tensor<1x64x7x7xf32> to tensor<1x64x9x9xf32>
  %e = tensor.empty() : tensor<1x64x7x7xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<1x64x7x7xf32>) -> tensor<1x64x7x7xf32>
  %y = linalg.generic {indexing_maps = [#in, #w, #out], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
      ins(%p, %w : tensor<1x64x9x9xf32>, tensor<64x64x3x3xf32>) outs(%acc : tensor<1x64x7x7xf32>) attrs = {dsc.contraction = "Conv"} {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %c, %m : f32
    linalg.yield %s : f32
  } -> tensor<1x64x7x7xf32>
  return %y : tensor<1x64x7x7xf32>
}

// -----

#in = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d4, d2 + d5, d3 + d6)>
#w = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d1, d4, d5, d6)>
#out = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d2, d3)>

// Tests that a convolution with 32-wide output rows (vectorized along them)
// keeps its NCHW input.
// CHECK-LABEL: func.func @conv32(
// CHECK-NOT:     tensor<1x32x32x64xf32>
// CHECK:         linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<1x64x32x32xf32>, tensor<64x64x1x1xf32>)
func.func @conv32(%x: tensor<1x64x32x32xf32>) -> tensor<1x64x32x32xf32> {
  %zero = arith.constant 0.0 : f32
  %w = arith.constant dense<0.5> : tensor<64x64x1x1xf32>
  %e = tensor.empty() : tensor<1x64x32x32xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<1x64x32x32xf32>) -> tensor<1x64x32x32xf32>
  %y = linalg.generic {indexing_maps = [#in, #w, #out], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
      ins(%x, %w : tensor<1x64x32x32xf32>, tensor<64x64x1x1xf32>) outs(%acc : tensor<1x64x32x32xf32>) attrs = {dsc.contraction = "Conv"} {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %c, %m : f32
    linalg.yield %s : f32
  } -> tensor<1x64x32x32xf32>
  return %y : tensor<1x64x32x32xf32>
}

// -----

#in = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d4, d2 * 2 + d5, d3 * 2 + d6)>
#w = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d1, d4, d5, d6)>
#out = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d2, d3)>

// Tests that a stride-2 convolution vectorized along its output columns (a
// 3-channel stem) reads its input split by column parity, an odd width
// padded by one zero column first, through (.., kw mod 2, ow + kw floordiv 2).
// CHECK-DAG:   #[[SPLIT:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d4 * 2 + d3)>
// CHECK-DAG:   #[[PIN:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d4, d2 * 2 + d5, d6 mod 2, d3 + d6 floordiv 2)>
// CHECK-LABEL: func.func @stem_s2(
// CHECK:         %[[P:.*]] = tensor.pad %{{.*}} low[0, 0, 0, 0] high[0, 0, 0, 1]
// CHECK:         : tensor<1x3x33x33xf32> to tensor<1x3x33x34xf32>
// CHECK:         %[[S:.*]] = linalg.generic {indexing_maps = [#[[SPLIT]], {{.*}}]{{.*}} ins(%[[P]] : tensor<1x3x33x34xf32>) outs(%{{.*}} : tensor<1x3x33x2x17xf32>)
// CHECK:         linalg.generic {indexing_maps = [#[[PIN]], {{.*}}]{{.*}} ins(%[[S]], %{{.*}} : tensor<1x3x33x2x17xf32>, tensor<16x3x3x3xf32>)
func.func @stem_s2(%x: tensor<1x3x33x33xf32>) -> tensor<1x16x16x16xf32> {
  %zero = arith.constant 0.0 : f32
  %w = arith.constant dense<0.5> : tensor<16x3x3x3xf32>
  %e = tensor.empty() : tensor<1x16x16x16xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<1x16x16x16xf32>) -> tensor<1x16x16x16xf32>
  %y = linalg.generic {indexing_maps = [#in, #w, #out], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
      ins(%x, %w : tensor<1x3x33x33xf32>, tensor<16x3x3x3xf32>) outs(%acc : tensor<1x16x16x16xf32>) attrs = {dsc.contraction = "Conv"} {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %c, %m : f32
    linalg.yield %s : f32
  } -> tensor<1x16x16x16xf32>
  return %y : tensor<1x16x16x16xf32>
}
