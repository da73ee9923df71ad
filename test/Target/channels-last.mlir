// RUN: dsc-opt %s --split-input-file --dsc-channels-last | FileCheck %s
// RUN: dsc-opt %s --split-input-file --dsc-channels-last="vector-bits=0" | FileCheck %s --check-prefix=OFF

#bias = affine_map<(d0, d1, d2, d3) -> (d1)>
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#in = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d4, d2 + d5, d3 + d6)>
#w = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d1, d4, d5, d6)>
#out = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d2, d3)>
#gap = affine_map<(d0, d1, d2, d3) -> (d0, d1)>

// Tests that a region of a padded 3x3 convolution (bias init, ReLU
// epilogue), a 1x1 convolution, a residual add and a global average pool
// runs NHWC: the graph
// input is transposed once, the pad pads H and W, the convolution reads
// (n, h + kh, w + kw, c) and OHWI weights and writes (n, h, w, c), the
// elementwise ops walk the NHWC maps in order, and the pool's loops are
// interchanged so that channels are innermost after its reductions.
// CHECK-DAG:   #[[TOHWC:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d3, d1, d2)>
// CHECK-DAG:   #[[ID:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG:   #[[BIAS:.*]] = affine_map<(d0, d1, d2, d3) -> (d3)>
// CHECK-DAG:   #[[IN:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d2 + d5, d3 + d6, d4)>
// CHECK-DAG:   #[[W:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d1, d5, d6, d4)>
// CHECK-DAG:   #[[OUT:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d2, d3, d1)>
// CHECK-DAG:   #[[GAP:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d3)>
// CHECK-LABEL: func.func @block(
// CHECK-SAME:      %[[X:.*]]: tensor<1x64x8x8xf32>
// CHECK:         %[[T:.*]] = linalg.generic {indexing_maps = [#[[TOHWC]], #[[ID]]]{{.*}} ins(%[[X]] : tensor<1x64x8x8xf32>) outs(%{{.*}} : tensor<1x8x8x64xf32>)
// CHECK:         %[[P:.*]] = tensor.pad %[[T]] low[0, 1, 1, 0] high[0, 1, 1, 0]
// CHECK:         : tensor<1x8x8x64xf32> to tensor<1x10x10x64xf32>
// CHECK:         %[[B:.*]] = linalg.generic {indexing_maps = [#[[BIAS]], #[[ID]]]{{.*}} outs(%{{.*}} : tensor<1x8x8x64xf32>)
// CHECK:         %[[WT:.*]] = arith.constant dense<5.000000e-01> : tensor<64x3x3x64xf32>
// CHECK:         %[[C:.*]] = linalg.generic {indexing_maps = [#[[IN]], #[[W]], #[[OUT]]]{{.*}} ins(%[[P]], %[[WT]] : tensor<1x10x10x64xf32>, tensor<64x3x3x64xf32>) outs(%[[B]] : tensor<1x8x8x64xf32>)
// CHECK:         %[[R:.*]] = linalg.generic {indexing_maps = [#[[ID]]]{{.*}} outs(%[[C]] : tensor<1x8x8x64xf32>)
// CHECK:         %[[C1:.*]] = linalg.generic {indexing_maps = [#[[IN]], #[[W]], #[[OUT]]]{{.*}} ins(%[[R]], %{{.*}} : tensor<1x8x8x64xf32>, tensor<64x1x1x64xf32>)
// CHECK:         %[[S:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[ID]]]{{.*}} ins(%[[T]] : tensor<1x8x8x64xf32>) outs(%[[C1]] : tensor<1x8x8x64xf32>)
// CHECK:         linalg.generic {indexing_maps = [#[[ID]], #[[GAP]]], iterator_types = ["parallel", "reduction", "reduction", "parallel"]} ins(%[[S]] : tensor<1x8x8x64xf32>) outs(%{{.*}} : tensor<1x64xf32>)
// OFF-LABEL:   func.func @block(
// OFF-NOT:       tensor<1x8x8x64xf32>
func.func @block(%x: tensor<1x64x8x8xf32>) -> tensor<1x64xf32> {
  %zero = arith.constant 0.0 : f32
  %b = arith.constant dense<0.25> : tensor<64xf32>
  %w = arith.constant dense<0.5> : tensor<64x64x3x3xf32>
  %p = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x64x8x8xf32> to tensor<1x64x10x10xf32>
  %e = tensor.empty() : tensor<1x64x8x8xf32>
  %init = linalg.generic {indexing_maps = [#bias, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%b : tensor<64xf32>) outs(%e : tensor<1x64x8x8xf32>) {
  ^bb0(%a: f32, %o: f32):
    linalg.yield %a : f32
  } -> tensor<1x64x8x8xf32>
  %y = linalg.generic {indexing_maps = [#in, #w, #out], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
      ins(%p, %w : tensor<1x64x10x10xf32>, tensor<64x64x3x3xf32>) outs(%init : tensor<1x64x8x8xf32>) attrs = {dsc.contraction = "Conv"} {
  ^bb0(%a: f32, %c: f32, %o: f32):
    %m = arith.mulf %a, %c : f32
    %s = arith.addf %o, %m : f32
    linalg.yield %s : f32
  } -> tensor<1x64x8x8xf32>
  %r = linalg.generic {indexing_maps = [#id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      outs(%y : tensor<1x64x8x8xf32>) {
  ^bb0(%o: f32):
    %m = arith.maximumf %o, %zero : f32
    linalg.yield %m : f32
  } -> tensor<1x64x8x8xf32>
  %w1 = arith.constant dense<0.5> : tensor<64x64x1x1xf32>
  %f1 = linalg.fill ins(%zero : f32) outs(%e : tensor<1x64x8x8xf32>) -> tensor<1x64x8x8xf32>
  %y1 = linalg.generic {indexing_maps = [#in, #w, #out], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
      ins(%r, %w1 : tensor<1x64x8x8xf32>, tensor<64x64x1x1xf32>) outs(%f1 : tensor<1x64x8x8xf32>) attrs = {dsc.contraction = "Conv"} {
  ^bb0(%a: f32, %c: f32, %o: f32):
    %m = arith.mulf %a, %c : f32
    %s = arith.addf %o, %m : f32
    linalg.yield %s : f32
  } -> tensor<1x64x8x8xf32>
  %sum = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x : tensor<1x64x8x8xf32>) outs(%y1 : tensor<1x64x8x8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %s = arith.addf %o, %a : f32
    linalg.yield %s : f32
  } -> tensor<1x64x8x8xf32>
  %e2 = tensor.empty() : tensor<1x64xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e2 : tensor<1x64xf32>) -> tensor<1x64xf32>
  %g = linalg.generic {indexing_maps = [#id, #gap], iterator_types = ["parallel", "parallel", "reduction", "reduction"]}
      ins(%sum : tensor<1x64x8x8xf32>) outs(%f : tensor<1x64xf32>) {
  ^bb0(%a: f32, %o: f32):
    %s = arith.addf %o, %a : f32
    linalg.yield %s : f32
  } -> tensor<1x64xf32>
  return %g : tensor<1x64xf32>
}

// -----

#in = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d4, d2 + d5, d3 + d6)>
#w = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d1, d4, d5, d6)>
#out = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d2, d3)>

// Tests that a feature map leaving the region (returned) is transposed back
// to NCHW before its user.
// CHECK-DAG:   #[[TOCHW:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d2, d3, d1)>
// CHECK-LABEL: func.func @returned(
// CHECK:         linalg.generic {{.*}} outs(%{{.*}} : tensor<1x16x16x64xf32>) {{.*}}dsc.contraction = "Conv"
// CHECK:         %[[C:.*]] = linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<1x16x16x64xf32>, tensor<16x1x1x64xf32>) outs(%{{.*}} : tensor<1x16x16x16xf32>) {{.*}}dsc.contraction = "Conv"
// CHECK:         %[[BACK:.*]] = linalg.generic {indexing_maps = [#[[TOCHW]], {{.*}}]{{.*}} ins(%[[C]] : tensor<1x16x16x16xf32>) outs(%{{.*}} : tensor<1x16x16x16xf32>)
// CHECK:         return %[[BACK]] : tensor<1x16x16x16xf32>
func.func @returned(%x: tensor<1x16x16x16xf32>) -> tensor<1x16x16x16xf32> {
  %zero = arith.constant 0.0 : f32
  %w1 = arith.constant dense<0.5> : tensor<64x16x1x1xf32>
  %w2 = arith.constant dense<0.5> : tensor<16x64x1x1xf32>
  %e1 = tensor.empty() : tensor<1x64x16x16xf32>
  %acc1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<1x64x16x16xf32>) -> tensor<1x64x16x16xf32>
  %y = linalg.generic {indexing_maps = [#in, #w, #out], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
      ins(%x, %w1 : tensor<1x16x16x16xf32>, tensor<64x16x1x1xf32>) outs(%acc1 : tensor<1x64x16x16xf32>) attrs = {dsc.contraction = "Conv"} {
  ^bb0(%a: f32, %c: f32, %o: f32):
    %m = arith.mulf %a, %c : f32
    %s = arith.addf %o, %m : f32
    linalg.yield %s : f32
  } -> tensor<1x64x16x16xf32>
  %e2 = tensor.empty() : tensor<1x16x16x16xf32>
  %acc2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<1x16x16x16xf32>) -> tensor<1x16x16x16xf32>
  %z = linalg.generic {indexing_maps = [#in, #w, #out], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
      ins(%y, %w2 : tensor<1x64x16x16xf32>, tensor<16x64x1x1xf32>) outs(%acc2 : tensor<1x16x16x16xf32>) attrs = {dsc.contraction = "Conv"} {
  ^bb0(%a: f32, %c: f32, %o: f32):
    %m = arith.mulf %a, %c : f32
    %s = arith.addf %o, %m : f32
    linalg.yield %s : f32
  } -> tensor<1x16x16x16xf32>
  return %z : tensor<1x16x16x16xf32>
}

// -----

#in = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d4, d2 + d5, d3 + d6)>
#w = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d1, d4, d5, d6)>
#out = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d2, d3)>
#dw = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2 + d4, d3 + d5)>
#dww = affine_map<(d0, d1, d2, d3, d4, d5) -> (d1, d4, d5)>
#dwo = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3)>

// Tests that depthwise convolutions take part (the input read through
// (n, h + kh, w + kw, c), the output written (n, h, w, c), the weights
// unchanged: the kernels pack them) and so does a convolution with 24
// output channels (24 of 32 lanes); the result goes back to NCHW.
// CHECK-DAG:   #[[DWIN:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d2 + d4, d3 + d5, d1)>
// CHECK-DAG:   #[[DWW:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d1, d4, d5)>
// CHECK-DAG:   #[[DWOUT:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d2, d3, d1)>
// CHECK-LABEL: func.func @between_depthwise(
// CHECK:         linalg.generic {indexing_maps = [#[[DWIN]], #[[DWW]], #[[DWOUT]]]{{.*}} ins(%{{.*}}, %{{.*}} : tensor<1x16x16x32xf32>, tensor<32x1x1xf32>)
// CHECK:         linalg.generic {{.*}} outs(%{{.*}} : tensor<1x16x16x24xf32>) {{.*}}dsc.contraction = "Conv"
// CHECK:         linalg.generic {{.*}} ins(%{{.*}} : tensor<1x16x16x24xf32>) outs(%{{.*}} : tensor<1x24x16x16xf32>)
// CHECK:         return
func.func @between_depthwise(%x: tensor<1x32x16x16xf32>) -> tensor<1x24x16x16xf32> {
  %zero = arith.constant 0.0 : f32
  %k = arith.constant dense<0.5> : tensor<32x1x1xf32>
  %w = arith.constant dense<0.5> : tensor<32x32x1x1xf32>
  %w24 = arith.constant dense<0.5> : tensor<24x32x1x1xf32>
  %e = tensor.empty() : tensor<1x32x16x16xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<1x32x16x16xf32>) -> tensor<1x32x16x16xf32>
  %d = linalg.generic {indexing_maps = [#dw, #dww, #dwo], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
      ins(%x, %k : tensor<1x32x16x16xf32>, tensor<32x1x1xf32>) outs(%acc : tensor<1x32x16x16xf32>) attrs = {dsc.contraction = "Conv"} {
  ^bb0(%a: f32, %c: f32, %o: f32):
    %m = arith.mulf %a, %c : f32
    %s = arith.addf %o, %m : f32
    linalg.yield %s : f32
  } -> tensor<1x32x16x16xf32>
  %y = linalg.generic {indexing_maps = [#in, #w, #out], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
      ins(%d, %w : tensor<1x32x16x16xf32>, tensor<32x32x1x1xf32>) outs(%acc : tensor<1x32x16x16xf32>) attrs = {dsc.contraction = "Conv"} {
  ^bb0(%a: f32, %c: f32, %o: f32):
    %m = arith.mulf %a, %c : f32
    %s = arith.addf %o, %m : f32
    linalg.yield %s : f32
  } -> tensor<1x32x16x16xf32>
  %d2 = linalg.generic {indexing_maps = [#dw, #dww, #dwo], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
      ins(%y, %k : tensor<1x32x16x16xf32>, tensor<32x1x1xf32>) outs(%acc : tensor<1x32x16x16xf32>) attrs = {dsc.contraction = "Conv"} {
  ^bb0(%a: f32, %c: f32, %o: f32):
    %m = arith.mulf %a, %c : f32
    %s = arith.addf %o, %m : f32
    linalg.yield %s : f32
  } -> tensor<1x32x16x16xf32>
  %e24 = tensor.empty() : tensor<1x24x16x16xf32>
  %acc24 = linalg.fill ins(%zero : f32) outs(%e24 : tensor<1x24x16x16xf32>) -> tensor<1x24x16x16xf32>
  %z = linalg.generic {indexing_maps = [#in, #w, #out], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
      ins(%d2, %w24 : tensor<1x32x16x16xf32>, tensor<24x32x1x1xf32>) outs(%acc24 : tensor<1x24x16x16xf32>) attrs = {dsc.contraction = "Conv"} {
  ^bb0(%a: f32, %c: f32, %o: f32):
    %m = arith.mulf %a, %c : f32
    %s = arith.addf %o, %m : f32
    linalg.yield %s : f32
  } -> tensor<1x24x16x16xf32>
  return %z : tensor<1x24x16x16xf32>
}

// -----

#in = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d4, d2 + d5, d3 + d6)>
#w = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d1, d4, d5, d6)>
#out = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d2, d3)>

// Tests that a convolution with 8 output channels (8 of 16 lanes) borders
// a region, so one on its own keeps NCHW.
// CHECK-LABEL: func.func @few_channels(
// CHECK-NOT:     tensor<1x16x16x8xf32>
// CHECK:         return
func.func @few_channels(%x: tensor<1x64x16x16xf32>) -> tensor<1x8x16x16xf32> {
  %zero = arith.constant 0.0 : f32
  %w = arith.constant dense<0.5> : tensor<8x64x1x1xf32>
  %e = tensor.empty() : tensor<1x8x16x16xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<1x8x16x16xf32>) -> tensor<1x8x16x16xf32>
  %y = linalg.generic {indexing_maps = [#in, #w, #out], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
      ins(%x, %w : tensor<1x64x16x16xf32>, tensor<8x64x1x1xf32>) outs(%acc : tensor<1x8x16x16xf32>) attrs = {dsc.contraction = "Conv"} {
  ^bb0(%a: f32, %c: f32, %o: f32):
    %m = arith.mulf %a, %c : f32
    %s = arith.addf %o, %m : f32
    linalg.yield %s : f32
  } -> tensor<1x8x16x16xf32>
  return %y : tensor<1x8x16x16xf32>
}

// -----

#in = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d4, d2 + d5, d3 + d6)>
#w = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d1, d4, d5, d6)>
#out = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d2, d3)>

// Tests that a lone 3x3 convolution over 64 channels is converted: its
// border copies move more than twice the elements it writes,
// but it multiply-accumulates 250 times per element copied (>= 128).
// CHECK-LABEL: func.func @lone_3x3(
// CHECK:         linalg.generic {{.*}} outs(%{{.*}} : tensor<1x16x16x64xf32>)
// CHECK:         linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<1x16x16x64xf32>, tensor<64x3x3x64xf32>) outs(%{{.*}} : tensor<1x14x14x64xf32>) {{.*}}dsc.contraction = "Conv"
// CHECK:         linalg.generic {{.*}} ins(%{{.*}} : tensor<1x14x14x64xf32>) outs(%{{.*}} : tensor<1x64x14x14xf32>)
func.func @lone_3x3(%x: tensor<1x64x16x16xf32>) -> tensor<1x64x14x14xf32> {
  %zero = arith.constant 0.0 : f32
  %w = arith.constant dense<0.5> : tensor<64x64x3x3xf32>
  %e = tensor.empty() : tensor<1x64x14x14xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<1x64x14x14xf32>) -> tensor<1x64x14x14xf32>
  %y = linalg.generic {indexing_maps = [#in, #w, #out], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
      ins(%x, %w : tensor<1x64x16x16xf32>, tensor<64x64x3x3xf32>) outs(%acc : tensor<1x64x14x14xf32>) attrs = {dsc.contraction = "Conv"} {
  ^bb0(%a: f32, %c: f32, %o: f32):
    %m = arith.mulf %a, %c : f32
    %s = arith.addf %o, %m : f32
    linalg.yield %s : f32
  } -> tensor<1x64x14x14xf32>
  return %y : tensor<1x64x14x14xf32>
}

// -----

#in = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d4, d2 + d5, d3 + d6)>
#w = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d1, d4, d5, d6)>
#out = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d2, d3)>

// Tests that a lone 1x1 convolution 64 -> 64 keeps NCHW: 32 multiply-
// accumulates per element its border copies would move.
// CHECK-LABEL: func.func @lone_1x1(
// CHECK-NOT:     tensor<1x16x16x64xf32>
// CHECK:         return
func.func @lone_1x1(%x: tensor<1x64x16x16xf32>) -> tensor<1x64x16x16xf32> {
  %zero = arith.constant 0.0 : f32
  %w = arith.constant dense<0.5> : tensor<64x64x1x1xf32>
  %e = tensor.empty() : tensor<1x64x16x16xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<1x64x16x16xf32>) -> tensor<1x64x16x16xf32>
  %y = linalg.generic {indexing_maps = [#in, #w, #out], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
      ins(%x, %w : tensor<1x64x16x16xf32>, tensor<64x64x1x1xf32>) outs(%acc : tensor<1x64x16x16xf32>) attrs = {dsc.contraction = "Conv"} {
  ^bb0(%a: f32, %c: f32, %o: f32):
    %m = arith.mulf %a, %c : f32
    %s = arith.addf %o, %m : f32
    linalg.yield %s : f32
  } -> tensor<1x64x16x16xf32>
  return %y : tensor<1x64x16x16xf32>
}
