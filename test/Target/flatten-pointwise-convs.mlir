// RUN: dsc-opt %s --split-input-file --dsc-flatten-pointwise-convs --canonicalize | FileCheck %s
// RUN: dsc-opt %s --split-input-file --dsc-flatten-pointwise-convs="vector-bits=0" | FileCheck %s --check-prefix=OFF

#in = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d4, d2 + d5, d3 + d6)>
#w = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d1, d4, d5, d6)>
#out = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d2, d3)>
#bias = affine_map<(d0, d1, d2, d3) -> (d1)>
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>

// Tests that an NCHW 1x1 convolution on 56-wide rows (56 of 64 lanes)
// becomes a contraction over the input's whole channel planes (3136
// positions): x [1, 256, 3136] through (n, c, p), the weights [64, 256]
// through (f, c), and that its bias broadcast and its in-place residual add
// and ReLU are collapsed with it, one reshape left at each end.
// CHECK-DAG:   #[[X:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d3, d2)>
// CHECK-DAG:   #[[W:.*]] = affine_map<(d0, d1, d2, d3) -> (d1, d3)>
// CHECK-DAG:   #[[O:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @pointwise(
// CHECK-SAME:      %[[ARG:.*]]: tensor<1x256x56x56xf32>, %[[RES:.*]]: tensor<1x64x56x56xf32>)
// CHECK:         %[[B:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<1x64x3136xf32>)
// CHECK:         %[[XF:.*]] = tensor.collapse_shape %[[ARG]] {{\[}}[0], [1], [2, 3]] : tensor<1x256x56x56xf32> into tensor<1x256x3136xf32>
// CHECK:         %[[C:.*]] = linalg.generic {indexing_maps = [#[[X]], #[[W]], #[[O]]], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
// CHECK-SAME:        ins(%[[XF]], %{{.*}} : tensor<1x256x3136xf32>, tensor<64x256xf32>) outs(%[[B]] : tensor<1x64x3136xf32>) attrs = {dsc.contraction = "Conv"}
// CHECK:         %[[RF:.*]] = tensor.collapse_shape %[[RES]]
// CHECK:         %[[E:.*]] = linalg.generic {{.*}} ins(%[[RF]] : tensor<1x64x3136xf32>) outs(%[[C]] : tensor<1x64x3136xf32>)
// CHECK:         %[[Y:.*]] = tensor.expand_shape %[[E]] {{\[}}[0], [1], [2, 3]] output_shape [1, 64, 56, 56]
// CHECK:         return %[[Y]]
// OFF-LABEL:   func.func @pointwise(
// OFF-NOT:       3136
func.func @pointwise(%x: tensor<1x256x56x56xf32>, %r: tensor<1x64x56x56xf32>) -> tensor<1x64x56x56xf32> {
  %zero = arith.constant 0.0 : f32
  %w = arith.constant dense<0.5> : tensor<64x256x1x1xf32>
  %b = arith.constant dense<0.25> : tensor<64xf32>
  %e = tensor.empty() : tensor<1x64x56x56xf32>
  %acc = linalg.generic {indexing_maps = [#bias, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%b : tensor<64xf32>) outs(%e : tensor<1x64x56x56xf32>) {
  ^bb0(%a: f32, %o: f32):
    linalg.yield %a : f32
  } -> tensor<1x64x56x56xf32>
  %y = linalg.generic {indexing_maps = [#in, #w, #out], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
      ins(%x, %w : tensor<1x256x56x56xf32>, tensor<64x256x1x1xf32>) outs(%acc : tensor<1x64x56x56xf32>) attrs = {dsc.contraction = "Conv"} {
  ^bb0(%a: f32, %c: f32, %o: f32):
    %m = arith.mulf %a, %c : f32
    %s = arith.addf %o, %m : f32
    linalg.yield %s : f32
  } -> tensor<1x64x56x56xf32>
  %z = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%r : tensor<1x64x56x56xf32>) outs(%y : tensor<1x64x56x56xf32>) {
  ^bb0(%a: f32, %o: f32):
    %s = arith.addf %o, %a : f32
    %t = arith.maximumf %s, %zero : f32
    linalg.yield %t : f32
  } -> tensor<1x64x56x56xf32>
  return %z : tensor<1x64x56x56xf32>
}

// -----

#in = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d4, d2 + d5, d3 + d6)>
#w = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d1, d4, d5, d6)>
#out = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d2, d3)>

// Tests that a 1x1 convolution whose rows fill the lanes already (32 wide)
// stays as it is, and that a 3x3 window is never flattened.
// CHECK-LABEL: func.func @full_rows(
// CHECK-NOT:     tensor.collapse_shape
// CHECK:         linalg.generic {{.*}} ins(%{{.*}} : tensor<1x16x32x32xf32>, tensor<32x16x1x1xf32>)
func.func @full_rows(%x: tensor<1x16x32x32xf32>) -> tensor<1x32x32x32xf32> {
  %zero = arith.constant 0.0 : f32
  %w = arith.constant dense<0.5> : tensor<32x16x1x1xf32>
  %e = tensor.empty() : tensor<1x32x32x32xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<1x32x32x32xf32>) -> tensor<1x32x32x32xf32>
  %y = linalg.generic {indexing_maps = [#in, #w, #out], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
      ins(%x, %w : tensor<1x16x32x32xf32>, tensor<32x16x1x1xf32>) outs(%acc : tensor<1x32x32x32xf32>) attrs = {dsc.contraction = "Conv"} {
  ^bb0(%a: f32, %c: f32, %o: f32):
    %m = arith.mulf %a, %c : f32
    %s = arith.addf %o, %m : f32
    linalg.yield %s : f32
  } -> tensor<1x32x32x32xf32>
  return %y : tensor<1x32x32x32xf32>
}

// CHECK-LABEL: func.func @window(
// CHECK-NOT:     tensor.collapse_shape
func.func @window(%x: tensor<1x16x14x14xf32>) -> tensor<1x32x12x12xf32> {
  %zero = arith.constant 0.0 : f32
  %w = arith.constant dense<0.5> : tensor<32x16x3x3xf32>
  %e = tensor.empty() : tensor<1x32x12x12xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<1x32x12x12xf32>) -> tensor<1x32x12x12xf32>
  %y = linalg.generic {indexing_maps = [#in, #w, #out], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
      ins(%x, %w : tensor<1x16x14x14xf32>, tensor<32x16x3x3xf32>) outs(%acc : tensor<1x32x12x12xf32>) attrs = {dsc.contraction = "Conv"} {
  ^bb0(%a: f32, %c: f32, %o: f32):
    %m = arith.mulf %a, %c : f32
    %s = arith.addf %o, %m : f32
    linalg.yield %s : f32
  } -> tensor<1x32x12x12xf32>
  return %y : tensor<1x32x12x12xf32>
}

// CHECK-LABEL: func.func @zero_init(
// CHECK:         %[[F:.*]] = linalg.fill {{.*}} -> tensor<1x64x144xf32>
// CHECK:         linalg.generic {{.*}} outs(%[[F]] : tensor<1x64x144xf32>)
func.func @zero_init(%x: tensor<1x32x12x12xf32>) -> tensor<1x64x12x12xf32> {
  %zero = arith.constant 0.0 : f32
  %w = arith.constant dense<0.5> : tensor<64x32x1x1xf32>
  %e = tensor.empty() : tensor<1x64x12x12xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<1x64x12x12xf32>) -> tensor<1x64x12x12xf32>
  %y = linalg.generic {indexing_maps = [#in, #w, #out], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
      ins(%x, %w : tensor<1x32x12x12xf32>, tensor<64x32x1x1xf32>) outs(%acc : tensor<1x64x12x12xf32>) attrs = {dsc.contraction = "Conv"} {
  ^bb0(%a: f32, %c: f32, %o: f32):
    %m = arith.mulf %a, %c : f32
    %s = arith.addf %o, %m : f32
    linalg.yield %s : f32
  } -> tensor<1x64x12x12xf32>
  return %y : tensor<1x64x12x12xf32>
}
