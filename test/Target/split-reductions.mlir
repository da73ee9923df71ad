// RUN: dsc-opt %s --split-input-file --dsc-split-reductions | FileCheck %s

// Tests that a global sum over a 56x7 map (NHWC, one image) becomes 14 bands
// of 4 rows (the input's rows expanded to [14, 4]), each summed into its own
// slice of a zero partial as a parallel dimension, then the bands summed
// into the original init.
// CHECK-DAG:   #[[IN:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d1, d0, d2, d3, d4)>
// CHECK-DAG:   #[[PART:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d4)>
// CHECK-DAG:   #[[BANDS:.*]] = affine_map<(d0, d1, d2) -> (d2, d0, d1)>
// CHECK-DAG:   #[[OUT:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func.func @global_sum(
// CHECK-SAME:    %[[X:.*]]: tensor<1x56x7x96xf32>)
// CHECK:         %[[INIT:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<1x96xf32>)
// CHECK:         %[[XB:.*]] = tensor.expand_shape %[[X]] {{\[}}[0], [1, 2], [3], [4]] output_shape [1, 14, 4, 7, 96]
// CHECK:         %[[E:.*]] = tensor.empty() : tensor<14x1x96xf32>
// CHECK:         %[[Z:.*]] = arith.constant 0.000000e+00 : f32
// CHECK:         %[[PI:.*]] = linalg.fill ins(%[[Z]] : f32) outs(%[[E]] : tensor<14x1x96xf32>)
// CHECK:         %[[P:.*]] = linalg.generic {indexing_maps = [#[[IN]], #[[PART]]], iterator_types = ["parallel", "parallel", "reduction", "reduction", "parallel"]}
// CHECK-SAME:        ins(%[[XB]] : tensor<1x14x4x7x96xf32>) outs(%[[PI]] : tensor<14x1x96xf32>)
// CHECK:           arith.addf
// CHECK:         %[[R:.*]] = linalg.generic {indexing_maps = [#[[BANDS]], #[[OUT]]], iterator_types = ["parallel", "parallel", "reduction"]}
// CHECK-SAME:        ins(%[[P]] : tensor<14x1x96xf32>) outs(%[[INIT]] : tensor<1x96xf32>)
// CHECK:           arith.addf
// CHECK:         return %[[R]]
#map_in = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#map_out = affine_map<(d0, d1, d2, d3) -> (d0, d3)>
func.func @global_sum(%x: tensor<1x56x7x96xf32>) -> tensor<1x96xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x96xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<1x96xf32>) -> tensor<1x96xf32>
  %r = linalg.generic {indexing_maps = [#map_in, #map_out],
                       iterator_types = ["parallel", "reduction", "reduction", "parallel"]}
      ins(%x : tensor<1x56x7x96xf32>) outs(%init : tensor<1x96xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %out, %in : f32
    linalg.yield %s : f32
  } -> tensor<1x96xf32>
  return %r : tensor<1x96xf32>
}

// -----

// Tests that a max reduction's partials start from -inf, and that 13 rows
// (prime) become 13 bands of one row.
// CHECK-LABEL: func.func @global_max(
// CHECK:         arith.constant 0xFF800000 : f32
// CHECK:         linalg.generic {{.*}} ins(%{{.*}} : tensor<1x13x1x13x256xf32>) outs(%{{.*}} : tensor<13x1x256xf32>)
// CHECK:           arith.maximumf
// CHECK:         linalg.generic {{.*}} ins(%{{.*}} : tensor<13x1x256xf32>) outs(%{{.*}} : tensor<1x256xf32>)
// CHECK:           arith.maximumf
#map_in = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#map_out = affine_map<(d0, d1, d2, d3) -> (d0, d3)>
func.func @global_max(%x: tensor<1x13x13x256xf32>, %init: tensor<1x256xf32>) -> tensor<1x256xf32> {
  %r = linalg.generic {indexing_maps = [#map_in, #map_out],
                       iterator_types = ["parallel", "reduction", "reduction", "parallel"]}
      ins(%x : tensor<1x13x13x256xf32>) outs(%init : tensor<1x256xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.maximumf %in, %out : f32
    linalg.yield %s : f32
  } -> tensor<1x256xf32>
  return %r : tensor<1x256xf32>
}

// -----

// Tests that reductions stay as they are with a parallel loop of 8 trips or
// more outside them (LayerNorm's row sums over 128 rows), with too little
// work, or with a body that is not a plain combiner.
// CHECK-LABEL: func.func @kept(
// CHECK-NOT:     tensor.empty
// CHECK-COUNT-3: linalg.generic
// CHECK-NOT:     linalg.generic
#rows_in = affine_map<(d0, d1) -> (d0, d1)>
#rows_out = affine_map<(d0, d1) -> (d0)>
#map_in = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#map_out = affine_map<(d0, d1, d2, d3) -> (d0, d3)>
func.func @kept(%rows: tensor<128x1024xf32>, %acc: tensor<128xf32>,
                %small: tensor<1x7x7x64xf32>, %big: tensor<1x56x56x64xf32>,
                %init: tensor<1x64xf32>)
    -> (tensor<128xf32>, tensor<1x64xf32>, tensor<1x64xf32>) {
  %r0 = linalg.generic {indexing_maps = [#rows_in, #rows_out],
                        iterator_types = ["parallel", "reduction"]}
      ins(%rows : tensor<128x1024xf32>) outs(%acc : tensor<128xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %out, %in : f32
    linalg.yield %s : f32
  } -> tensor<128xf32>
  %r1 = linalg.generic {indexing_maps = [#map_in, #map_out],
                        iterator_types = ["parallel", "reduction", "reduction", "parallel"]}
      ins(%small : tensor<1x7x7x64xf32>) outs(%init : tensor<1x64xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %out, %in : f32
    linalg.yield %s : f32
  } -> tensor<1x64xf32>
  %r2 = linalg.generic {indexing_maps = [#map_in, #map_out],
                        iterator_types = ["parallel", "reduction", "reduction", "parallel"]}
      ins(%big : tensor<1x56x56x64xf32>) outs(%init : tensor<1x64xf32>) {
  ^bb0(%in: f32, %out: f32):
    %sq = arith.mulf %in, %in : f32
    %s = arith.addf %out, %sq : f32
    linalg.yield %s : f32
  } -> tensor<1x64xf32>
  return %r0, %r1, %r2 : tensor<128xf32>, tensor<1x64xf32>, tensor<1x64xf32>
}
