// RUN: dsc-opt %s --split-input-file --dsc-pad-row-strides | FileCheck %s
// RUN: dsc-opt %s --split-input-file --dsc-pad-row-strides=way-bytes=0 | FileCheck %s --check-prefix=OFF

// Tests that the padded input of a stride-2 3x3 convolution over 512 f32
// channels (positions 2 x 2 KB apart) gets one cache line (16 f32) more per
// position, and that its border fill, the producer's interior subview and
// the convolution see the original shape through a subview of it.
// CHECK-LABEL: func.func @stride2_3x3(
// CHECK:         %[[WIDE:.*]] = memref.alloc() {alignment = 64 : i64} : memref<1x16x16x528xf32>
// CHECK:         %[[M:.*]] = memref.subview %[[WIDE]][0, 0, 0, 0] [1, 16, 16, 512] [1, 1, 1, 1] : memref<1x16x16x528xf32> to memref<1x16x16x512xf32, strided<[135168, 8448, 528, 1]>>
// CHECK:         linalg.fill ins(%{{.*}} : f32) outs(%[[M]] : memref<1x16x16x512xf32, strided<[135168, 8448, 528, 1]>>)
// CHECK:         %[[IN:.*]] = memref.subview %[[M]][0, 1, 1, 0] [1, 14, 14, 512] [1, 1, 1, 1] : memref<1x16x16x512xf32, strided<[135168, 8448, 528, 1]>> to memref<1x14x14x512xf32, strided<[135168, 8448, 528, 1], offset: 8976>>
// CHECK:         linalg.copy ins(%{{.*}} : memref<1x14x14x512xf32>) outs(%[[IN]] : {{.*}}offset: 8976>>)
// CHECK:         linalg.generic
// CHECK-SAME:        ins(%[[M]], %{{.*}} : memref<1x16x16x512xf32, strided<[135168, 8448, 528, 1]>>, memref<3x3x512x512xf32>)
// OFF-LABEL:   func.func @stride2_3x3(
// OFF:           memref.alloc() {alignment = 64 : i64} : memref<1x16x16x512xf32>
// OFF-NOT:       528
#in = affine_map<(n, h, w, co, kh, kw, ci) -> (n, h * 2 + kh, w * 2 + kw, ci)>
#w = affine_map<(n, h, w, co, kh, kw, ci) -> (kh, kw, ci, co)>
#out = affine_map<(n, h, w, co, kh, kw, ci) -> (n, h, w, co)>
func.func @stride2_3x3(%x: memref<1x14x14x512xf32>, %wt: memref<3x3x512x512xf32>,
                       %y: memref<1x7x7x512xf32>) {
  %zero = arith.constant 0.0 : f32
  %m = memref.alloc() {alignment = 64 : i64} : memref<1x16x16x512xf32>
  linalg.fill ins(%zero : f32) outs(%m : memref<1x16x16x512xf32>)
  %interior = memref.subview %m[0, 1, 1, 0] [1, 14, 14, 512] [1, 1, 1, 1]
      : memref<1x16x16x512xf32> to memref<1x14x14x512xf32, strided<[131072, 8192, 512, 1], offset: 8704>>
  linalg.copy ins(%x : memref<1x14x14x512xf32>)
      outs(%interior : memref<1x14x14x512xf32, strided<[131072, 8192, 512, 1], offset: 8704>>)
  linalg.generic {indexing_maps = [#in, #w, #out],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
      ins(%m, %wt : memref<1x16x16x512xf32>, memref<3x3x512x512xf32>) outs(%y : memref<1x7x7x512xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Tests the bf16 case of a 1x1 convolution (its window loops of one trip)
// over 2048 channels, 4 KB per position: one line is 32 bf16.
// CHECK-LABEL: func.func @pointwise_bf16(
// CHECK:         memref.alloc() : memref<1x7x7x2080xbf16>
// CHECK:         memref.subview %{{.*}}[0, 0, 0, 0] [1, 7, 7, 2048] [1, 1, 1, 1]
#in = affine_map<(n, h, w, co, kh, kw, ci) -> (n, h + kh, w + kw, ci)>
#w = affine_map<(n, h, w, co, kh, kw, ci) -> (kh, kw, ci, co)>
#out = affine_map<(n, h, w, co, kh, kw, ci) -> (n, h, w, co)>
func.func @pointwise_bf16(%x: memref<1x7x7x2048xbf16>, %wt: memref<1x1x2048x512xbf16>,
                          %y: memref<1x7x7x512xf32>) {
  %m = memref.alloc() : memref<1x7x7x2048xbf16>
  linalg.copy ins(%x : memref<1x7x7x2048xbf16>) outs(%m : memref<1x7x7x2048xbf16>)
  linalg.generic {indexing_maps = [#in, #w, #out],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
      ins(%m, %wt : memref<1x7x7x2048xbf16>, memref<1x1x2048x512xbf16>) outs(%y : memref<1x7x7x512xf32>) {
  ^bb0(%a: bf16, %b: bf16, %acc: f32):
    %ae = arith.extf %a : bf16 to f32
    %be = arith.extf %b : bf16 to f32
    %p = arith.mulf %ae, %be : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Tests what stays: positions 2 KB apart read at stride 1 (a 3x3 over 512
// f32 channels), a matrix product's rows 4 KB apart (no window: the kernels
// read such rows without set conflicts), and a buffer that a collapse_shape
// also uses (its layout could not change).
// CHECK-LABEL: func.func @kept(
// CHECK:         memref.alloc() : memref<1x9x9x512xf32>
// CHECK:         memref.alloc() : memref<64x1024xf32>
// CHECK:         memref.alloc() : memref<1x9x9x1024xf32>
// CHECK-NOT:     memref.alloc
#in = affine_map<(n, h, w, co, kh, kw, ci) -> (n, h + kh, w + kw, ci)>
#w = affine_map<(n, h, w, co, kh, kw, ci) -> (kh, kw, ci, co)>
#out = affine_map<(n, h, w, co, kh, kw, ci) -> (n, h, w, co)>
#a = affine_map<(i, j, k) -> (i, k)>
#b = affine_map<(i, j, k) -> (k, j)>
#c = affine_map<(i, j, k) -> (i, j)>
func.func @kept(%wt: memref<3x3x512x512xf32>, %y: memref<1x7x7x512xf32>,
                %b: memref<1024x64xf32>, %c: memref<64x64xf32>,
                %wt2: memref<3x3x1024x512xf32>) -> memref<81x1024xf32> {
  %m = memref.alloc() : memref<1x9x9x512xf32>
  linalg.generic {indexing_maps = [#in, #w, #out],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
      ins(%m, %wt : memref<1x9x9x512xf32>, memref<3x3x512x512xf32>) outs(%y : memref<1x7x7x512xf32>) {
  ^bb0(%x: f32, %w: f32, %acc: f32):
    %p = arith.mulf %x, %w : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  %a = memref.alloc() : memref<64x1024xf32>
  linalg.generic {indexing_maps = [#a, #b, #c],
                  iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<64x1024xf32>, memref<1024x64xf32>) outs(%c : memref<64x64xf32>) {
  ^bb0(%x: f32, %w: f32, %acc: f32):
    %p = arith.mulf %x, %w : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  %n = memref.alloc() : memref<1x9x9x1024xf32>
  linalg.generic {indexing_maps = [#in, #w, #out],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
      ins(%n, %wt2 : memref<1x9x9x1024xf32>, memref<3x3x1024x512xf32>) outs(%y : memref<1x7x7x512xf32>) {
  ^bb0(%x: f32, %w: f32, %acc: f32):
    %p = arith.mulf %x, %w : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  %flat = memref.collapse_shape %n [[0, 1, 2], [3]] : memref<1x9x9x1024xf32> into memref<81x1024xf32>
  return %flat : memref<81x1024xf32>
}
