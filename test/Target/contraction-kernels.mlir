// RUN: dsc-opt %s --split-input-file --dsc-contraction-kernels | FileCheck %s
// RUN: dsc-opt %s --split-input-file --dsc-contraction-kernels="vector-bits=256" | FileCheck %s --check-prefix=AVX2
// RUN: dsc-opt %s --split-input-file --dsc-contraction-kernels="bf16-dot=1 amx=1" | FileCheck %s --check-prefix=AMX

#mA = affine_map<(m, n, k) -> (m, k)>
#mB = affine_map<(m, n, k) -> (k, n)>
#mC = affine_map<(m, n, k) -> (m, n)>
#id = affine_map<(m, n) -> (m, n)>
#row = affine_map<(m, n) -> (n)>

// Tests that a matmul with its bias initialization and ReLU epilogue becomes
// one forall over 14x32 output tiles (without a kernel window, 28
// accumulators: the broadcasts fold into the FMAs) whose accumulators stay
// in vectors across the k loop: a is broadcast, b loaded as two 16-lane
// halves of one 32-lane vector, the output stored once, and no linalg op is
// left.
// CHECK-LABEL: func @matmul_bias_relu
// CHECK:       scf.forall (%{{.*}}, %{{.*}}) = (0, 0) to (64, 64) step (14, 32)
// CHECK-COUNT-8: vector.load %arg3
// CHECK:       scf.for {{.*}} iter_args
// CHECK:         memref.load %arg0
// CHECK:         vector.broadcast
// CHECK:         vector.load %arg1
// CHECK:         vector.fma
// CHECK:       arith.maximumf {{.*}} : vector<32xf32>
// CHECK:       vector.store {{.*}}, %arg2
// CHECK-NOT:   linalg.generic
// With AVX2's 12 accumulators the block is 6 rows: 10 full tiles and a
// last tile of 4 rows, a case of the same loop nest (its own copy of the
// block: 4 rows, 4 stores), not a nest of its own that would walk b again.
// AVX2-LABEL: func @matmul_bias_relu
// AVX2:       scf.forall (%[[M:.*]], %{{.*}}) = (0, 0) to (64, 64) step (6, 16)
// AVX2:       %[[C60:.*]] = arith.constant 60 : index
// AVX2:       %[[LAST:.*]] = arith.cmpi eq, %[[M]], %[[C60]]
// AVX2:       scf.if %[[LAST]] {
// AVX2:         vector.fma {{.*}} : vector<16xf32>
// AVX2-COUNT-4: vector.store
// AVX2-NOT:     vector.store
// AVX2:       } else {
// AVX2-COUNT-6: vector.store
// AVX2-NOT:   scf.forall
// AVX2:       return
func.func @matmul_bias_relu(%a: memref<64x128xf32>, %b: memref<128x64xf32>,
                            %out: memref<64x64xf32>, %bias: memref<64xf32>) {
  linalg.generic {indexing_maps = [#row, #id],
                  iterator_types = ["parallel", "parallel"]}
      ins(%bias : memref<64xf32>) outs(%out : memref<64x64xf32>) {
  ^bb0(%x: f32, %o: f32):
    linalg.yield %x : f32
  }
  linalg.generic {indexing_maps = [#mA, #mB, #mC],
                  iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<64x128xf32>, memref<128x64xf32>)
      outs(%out : memref<64x64xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#id], iterator_types = ["parallel", "parallel"]}
      outs(%out : memref<64x64xf32>) {
  ^bb0(%o: f32):
    %z = arith.constant 0.0 : f32
    %r = arith.maximumf %o, %z : f32
    linalg.yield %r : f32
  }
  return
}

// -----

#mA = affine_map<(m, n, k) -> (m, k)>
#mB = affine_map<(m, n, k) -> (k, n)>
#mC = affine_map<(m, n, k) -> (m, n)>
#id = affine_map<(m, n) -> (m, n)>
#row = affine_map<(m, n) -> (n)>

// Tests that the lines of a residual the epilogue adds are prefetched per
// row before the reduction (8 rows x 32 lanes: two 64-byte lines each),
// and that an epilogue operand broadcast along the rows (a per-column
// scale, read from L1) is not.
// CHECK-LABEL: func @residual_prefetch
// CHECK:       scf.forall
// CHECK-COUNT-16: memref.prefetch %arg3[{{.*}}], read, locality<3>, data
// CHECK-NOT:   memref.prefetch
// CHECK:       scf.for {{.*}} iter_args
// CHECK:       vector.load %arg3
// CHECK:       arith.addf {{.*}} : vector<32xf32>
func.func @residual_prefetch(%a: memref<64x128xf32>, %b: memref<128x64xf32>,
                             %out: memref<64x64xf32>, %res: memref<64x64xf32>,
                             %scale: memref<64xf32>) {
  linalg.generic {indexing_maps = [#mA, #mB, #mC],
                  iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<64x128xf32>, memref<128x64xf32>)
      outs(%out : memref<64x64xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#id, #row, #id],
                  iterator_types = ["parallel", "parallel"]}
      ins(%res, %scale : memref<64x64xf32>, memref<64xf32>)
      outs(%out : memref<64x64xf32>) {
  ^bb0(%r: f32, %c: f32, %o: f32):
    %m = arith.mulf %o, %c : f32
    %s = arith.addf %m, %r : f32
    linalg.yield %s : f32
  }
  return
}

// -----

#x = affine_map<(n, f, p, c) -> (n, c, p)>
#w = affine_map<(n, f, p, c) -> (f, c)>
#o = affine_map<(n, f, p, c) -> (n, f, p)>
memref.global "private" constant @w1x1 : memref<64x256xf32> = dense<0.5>

// Tests that a flattened NCHW 1x1 (x's channel planes 3136 elements, 12.5
// KB, apart) prefetches into L1, at every reduction step, the two lines of
// its 32 lanes that the step 16 channels later loads (the channel clamped
// to the last one, the second line's lane to the plane's end), and that an
// activation whose rows are under a page apart (next test) does not.
// CHECK-LABEL: func @rows_ahead
// CHECK:         scf.for %[[C:.*]] = {{.*}} iter_args
// CHECK:           %[[AHEAD:.*]] = arith.addi %[[C]], %c16
// CHECK:           %[[CH:.*]] = arith.minui %[[AHEAD]], %c255
// CHECK:           memref.prefetch %arg0[%{{.*}}, %[[CH]], %{{.*}}], read, locality<3>, data
// CHECK:           arith.minui %{{.*}}, %c3135
// CHECK:           memref.prefetch %arg0[%{{.*}}, %[[CH]], %{{.*}}], read, locality<3>, data
// CHECK-NOT:       memref.prefetch
// CHECK:           vector.fma
func.func @rows_ahead(%x: memref<1x256x3136xf32>, %out: memref<1x64x3136xf32>) {
  %w = memref.get_global @w1x1 : memref<64x256xf32>
  linalg.generic {indexing_maps = [#x, #w, #o],
                  iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %w : memref<1x256x3136xf32>, memref<64x256xf32>)
      outs(%out : memref<1x64x3136xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// CHECK-LABEL: func @rows_near
// CHECK-NOT:     memref.prefetch
func.func @rows_near(%x: memref<1x256x196xf32>, %out: memref<1x64x196xf32>) {
  %w = memref.get_global @w1x1 : memref<64x256xf32>
  linalg.generic {indexing_maps = [#x, #w, #o],
                  iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %w : memref<1x256x196xf32>, memref<64x256xf32>)
      outs(%out : memref<1x64x196xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

#mA = affine_map<(n, m, k) -> (m, k)>
#mB = affine_map<(n, m, k) -> (k, n)>
#mC = affine_map<(n, m, k) -> (m, n)>
memref.global "private" constant @big : memref<512x1024xf32> = dense<0.5>

// Tests that a matmul with few rows (49: a 1x1 convolution on a 7x7 map)
// over 2 MB of constant weights, packed in blocks of 32 columns that are
// the outermost tile loop (its loops ordered as a convolution's, output
// channels first), prefetches into L2 lines of the next block (its share
// by row tile, scaled to the step, clamped to the weights' end) once per
// chunk of 4 reduction steps, the loop unrolled by the chunk: the last tile
// (7 rows) 3 lines per chunk, then 4 x 7 rows of FMAs; with 256 rows it
// does not prefetch.
// CHECK-LABEL: func @next_block_prefetch
// CHECK:       memref.collapse_shape %{{.*}} {{\[\[}}0, 1, 2]] : memref<32x512x32xf32> into memref<524288xf32>
// CHECK:       scf.forall ({{.*}}) = (0, 0) to (1024, 49) step (32, 14)
// CHECK:       scf.for %[[K:.*]] = {{.*}} to %c512 step %c4
// CHECK:         arith.divui %[[K]], %c4
// CHECK:         arith.minui %{{.*}}, %c524287
// CHECK-COUNT-3: memref.prefetch %{{.*}}, read, locality<2>, data : memref<524288xf32>
// CHECK-NOT:     memref.prefetch
// CHECK-COUNT-28: vector.fma
// CHECK-NOT:     memref.prefetch
// CHECK:         scf.yield
// CHECK-LABEL: func @many_rows
// CHECK-NOT:   memref.prefetch
func.func @next_block_prefetch(%a: memref<49x512xf32>, %out: memref<49x1024xf32>) {
  %b = memref.get_global @big : memref<512x1024xf32>
  linalg.generic {indexing_maps = [#mA, #mB, #mC],
                  iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<49x512xf32>, memref<512x1024xf32>)
      outs(%out : memref<49x1024xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}
func.func @many_rows(%a: memref<256x512xf32>, %out: memref<256x1024xf32>) {
  %b = memref.get_global @big : memref<512x1024xf32>
  linalg.generic {indexing_maps = [#mA, #mB, #mC],
                  iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<256x512xf32>, memref<512x1024xf32>)
      outs(%out : memref<256x1024xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// Tests that a matmul in loop order (rows, columns) over constant weights
// of 1 MB or more (half of L2 and beyond) cycles through its row tiles
// innermost where that re-reads fewer bytes (32 column blocks x 512 KB of
// a, not 19 row tiles x 2 MB of b; with 1 MB, 16 x 512 KB against 19 x 1
// MB), and keeps loop order with weights that stay in L2 (512 KB).
#rA = affine_map<(m, n, k) -> (m, k)>
#rB = affine_map<(m, n, k) -> (k, n)>
#rC = affine_map<(m, n, k) -> (m, n)>
memref.global "private" constant @mid : memref<512x512xf32> = dense<0.5>
memref.global "private" constant @half : memref<512x256xf32> = dense<0.5>
// CHECK-LABEL: func @rows_inner
// CHECK:       scf.forall ({{.*}}) = (0, 0) to (1024, 256) step (32, 14)
// CHECK-LABEL: func @rows_inner_1mb
// CHECK:       scf.forall ({{.*}}) = (0, 0) to (512, 256) step (32, 14)
// CHECK-LABEL: func @rows_outer
// CHECK:       scf.forall ({{.*}}) = (0, 0) to (256, 256) step (14, 32)
func.func @rows_inner(%a: memref<256x512xf32>, %out: memref<256x1024xf32>) {
  %b = memref.get_global @big : memref<512x1024xf32>
  linalg.generic {indexing_maps = [#rA, #rB, #rC],
                  iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<256x512xf32>, memref<512x1024xf32>)
      outs(%out : memref<256x1024xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}
func.func @rows_inner_1mb(%a: memref<256x512xf32>, %out: memref<256x512xf32>) {
  %b = memref.get_global @mid : memref<512x512xf32>
  linalg.generic {indexing_maps = [#rA, #rB, #rC],
                  iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<256x512xf32>, memref<512x512xf32>)
      outs(%out : memref<256x512xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}
func.func @rows_outer(%a: memref<256x512xf32>, %out: memref<256x256xf32>) {
  %b = memref.get_global @half : memref<512x256xf32>
  linalg.generic {indexing_maps = [#rA, #rB, #rC],
                  iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<256x512xf32>, memref<512x256xf32>)
      outs(%out : memref<256x256xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

#x = affine_map<(n, f, oh, ow, kh, kw, c) -> (n, oh + kh, ow + kw, c)>
#w = affine_map<(n, f, oh, ow, kh, kw, c) -> (f, kh, kw, c)>
#o = affine_map<(n, f, oh, ow, kh, kw, c) -> (n, oh, ow, f)>
memref.global "private" constant @w3 : memref<256x3x3x256xf32> = dense<0.5>

memref.global "private" constant @w3small : memref<64x3x3x64xf32> = dense<0.5>
memref.global "private" constant @w3mid : memref<128x3x3x128xf32> = dense<0.5>

// Tests that a convolution whose weights stay in L2 (147 KB; 590 KB, under
// half of L2) keeps its tiles in the output's order even though its input
// (26 KB; 51 KB) is the smaller operand: rows first, output channels
// innermost.
// CHECK-LABEL: func @l2_weights_output_order
// CHECK:       scf.forall ({{.*}}) = (0, 0, 0, 0) to (1, 8, 8, 128) step (1, 1, 8, 32)
// CHECK-LABEL: func @small_weights_output_order
// CHECK:       scf.forall ({{.*}}) = (0, 0, 0, 0) to (1, 8, 8, 64) step (1, 1, 8, 32)
func.func @l2_weights_output_order(%in: memref<1x10x10x128xf32>, %out: memref<1x8x8x128xf32>) {
  %wt = memref.get_global @w3mid : memref<128x3x3x128xf32>
  linalg.generic {indexing_maps = [#x, #w, #o],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel",
                                    "reduction", "reduction", "reduction"]}
      ins(%in, %wt : memref<1x10x10x128xf32>, memref<128x3x3x128xf32>)
      outs(%out : memref<1x8x8x128xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}
func.func @small_weights_output_order(%in: memref<1x10x10x64xf32>, %out: memref<1x8x8x64xf32>) {
  %wt = memref.get_global @w3small : memref<64x3x3x64xf32>
  linalg.generic {indexing_maps = [#x, #w, #o],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel",
                                    "reduction", "reduction", "reduction"]}
      ins(%in, %wt : memref<1x10x10x64xf32>, memref<64x3x3x64xf32>)
      outs(%out : memref<1x8x8x64xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// Tests that where a tile's share of the next weight block outnumbers its
// reduction steps (a channels-last 3x3 on 7x7 with its taps unrolled around
// the channel loop: 659 of the block's 4608 lines over 256 steps), every
// step prefetches 3 consecutive lines.
// CHECK-LABEL: func @taps_unrolled
// CHECK:       scf.forall ({{.*}}) = (0, 0, 0, 0) to (256, 1, 7, 7) step (32, 1, 1, 7)
// CHECK:       scf.for {{.*}} to %c256
// CHECK-COUNT-3: memref.prefetch %{{.*}}, read, locality<2>, data : memref<589824xf32>
// CHECK-NOT:   memref.prefetch
// CHECK:       vector.fma
func.func @taps_unrolled(%in: memref<1x9x9x256xf32>, %out: memref<1x7x7x256xf32>) {
  %wt = memref.get_global @w3 : memref<256x3x3x256xf32>
  linalg.generic {indexing_maps = [#x, #w, #o],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel",
                                    "reduction", "reduction", "reduction"]}
      ins(%in, %wt : memref<1x9x9x256xf32>, memref<256x3x3x256xf32>)
      outs(%out : memref<1x7x7x256xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Tests that a vector dimension that is not a multiple of the lanes (20 of
// 32) reads and writes through masks, and that a named matmul is matched
// too (it is generalized first).
// CHECK-LABEL: func @masked_named
// CHECK:       vector.create_mask
// CHECK:       vector.maskedload %arg1
// CHECK:       vector.fma
// CHECK:       vector.maskedstore %arg2
// CHECK-NOT:   linalg.
func.func @masked_named(%a: memref<16x8xf32>, %b: memref<8x20xf32>,
                        %out: memref<16x20xf32>) {
  linalg.matmul ins(%a, %b : memref<16x8xf32>, memref<8x20xf32>)
                outs(%out : memref<16x20xf32>)
  return
}

// -----

#x = affine_map<(n, f, oh, ow, c, kh, kw) -> (n, c, oh * 2 + kh, ow * 2 + kw)>
#w = affine_map<(n, f, oh, ow, c, kh, kw) -> (f, c, kh, kw)>
#o = affine_map<(n, f, oh, ow, c, kh, kw) -> (n, f, oh, ow)>

// Tests that a stride-2 convolution reads its input as vectors of twice the
// lanes and keeps every other lane, that the 3x3 window is unrolled (nine
// FMAs per row of the register block and channel step) and that the loop
// over input channels stays a loop.
// CHECK-LABEL: func @conv_stride2
// CHECK:       scf.forall
// CHECK:       scf.for
// CHECK:       vector.maskedload %arg0{{.*}} vector<32xf32>
// CHECK:       vector.shuffle {{.*}} [0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30]
// CHECK:       vector.fma
// CHECK-NOT:   linalg.generic
func.func @conv_stride2(%in: memref<1x8x17x33xf32>, %wt: memref<16x8x3x3xf32>,
                        %out: memref<1x16x8x16xf32>) {
  linalg.generic {indexing_maps = [#x, #w, #o],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel",
                                    "reduction", "reduction", "reduction"]}
      ins(%in, %wt : memref<1x8x17x33xf32>, memref<16x8x3x3xf32>)
      outs(%out : memref<1x16x8x16xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

#mA = affine_map<(m, n, k) -> (m, k)>
#mB = affine_map<(m, n, k) -> (k, n)>
#mC = affine_map<(m, n, k) -> (m, n)>
#tr = affine_map<(m, n) -> (n, m)>
#id = affine_map<(m, n) -> (m, n)>

// Tests what stays for the loop lowering, an integer contraction, and that
// an epilogue reading another buffer transposed (strided along the output's
// lanes) is fused and reads that buffer with a gather.
// CHECK-LABEL: func @left_alone
// CHECK:       linalg.generic
// CHECK-SAME:  ins(%arg0, %arg1 : memref<8x8xi32>, memref<8x8xi32>)
// CHECK:       scf.forall
// CHECK:       vector.fma
// CHECK:       arith.constant dense<[0, 16, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224, 240]> : vector<16xi32>
// CHECK:       vector.gather %arg5
// CHECK:       arith.addf {{.*}} : vector<16xf32>
// CHECK-NOT:   linalg.generic
func.func @left_alone(%ai: memref<8x8xi32>, %bi: memref<8x8xi32>, %oi: memref<8x8xi32>,
                      %a: memref<16x16xf32>, %b: memref<16x16xf32>,
                      %t: memref<16x16xf32>, %out: memref<16x16xf32>) {
  linalg.generic {indexing_maps = [#mA, #mB, #mC],
                  iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%ai, %bi : memref<8x8xi32>, memref<8x8xi32>) outs(%oi : memref<8x8xi32>) {
  ^bb0(%x: i32, %y: i32, %acc: i32):
    %p = arith.muli %x, %y : i32
    %s = arith.addi %acc, %p : i32
    linalg.yield %s : i32
  }
  linalg.generic {indexing_maps = [#mA, #mB, #mC],
                  iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<16x16xf32>, memref<16x16xf32>)
      outs(%out : memref<16x16xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#tr, #id], iterator_types = ["parallel", "parallel"]}
      ins(%t : memref<16x16xf32>) outs(%out : memref<16x16xf32>) {
  ^bb0(%x: f32, %o: f32):
    %r = arith.addf %o, %x : f32
    linalg.yield %r : f32
  }
  return
}

// -----

#x = affine_map<(n, f, oh, ow, c, kh, kw) -> (n, c, oh + kh, ow + kw)>
#w = affine_map<(n, f, oh, ow, c, kh, kw) -> (f, c, kh, kw)>
#o = affine_map<(n, f, oh, ow, c, kh, kw) -> (n, f, oh, ow)>
#b = affine_map<(n, f, oh, ow) -> (f)>
#id = affine_map<(n, f, oh, ow) -> (n, f, oh, ow)>
memref.global "private" constant @weights : memref<64x8x3x3xf32> = dense<0.5>
memref.global "private" constant @bias : memref<64xf32> = dense<1.0>

// Tests that a convolution with 7-wide output rows (9 of 16 lanes would be
// wasted) is vectorized along its output channels instead: the constant
// weights are re-laid [f / 32, c, kh, kw, 32] in a new global (the old one
// goes),
// the input is broadcast, the bias is a vector along the channels, and the
// output and the residual are gathered and scattered (32 lanes, two
// vectors of channels, 7 output columns per tile: the one of two equal row
// loops nearest the input's innermost index).
// CHECK-LABEL: memref.global "private" constant @weights_packed0x32 : memref<2x8x3x3x32xf32>
// CHECK-NOT:   @weights :
// CHECK-LABEL: func @conv_channels
// CHECK:       memref.get_global @weights_packed0x32
// CHECK:       scf.forall
// CHECK-SAME:  step (1, 32, 1, 7)
// CHECK:       vector.load %{{.*}} : memref<64xf32>, vector<32xf32>
// CHECK:       scf.for
// CHECK:       memref.load %arg0
// CHECK:       vector.broadcast
// CHECK:       vector.load %{{.*}} : memref<2x8x3x3x32xf32>, vector<32xf32>
// CHECK:       vector.fma
// CHECK:       vector.gather %arg2
// CHECK:       arith.addf {{.*}} : vector<32xf32>
// CHECK:       vector.scatter %arg1
// CHECK-NOT:   linalg.generic
func.func @conv_channels(%in: memref<1x8x9x9xf32>, %out: memref<1x64x7x7xf32>,
                         %res: memref<1x64x7x7xf32>) {
  %wt = memref.get_global @weights : memref<64x8x3x3xf32>
  %bias = memref.get_global @bias : memref<64xf32>
  linalg.generic {indexing_maps = [#b, #id],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%bias : memref<64xf32>) outs(%out : memref<1x64x7x7xf32>) {
  ^bb0(%x: f32, %o: f32):
    linalg.yield %x : f32
  }
  linalg.generic {indexing_maps = [#x, #w, #o],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel",
                                    "reduction", "reduction", "reduction"]}
      ins(%in, %wt : memref<1x8x9x9xf32>, memref<64x8x3x3xf32>)
      outs(%out : memref<1x64x7x7xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#id, #id],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%res : memref<1x64x7x7xf32>) outs(%out : memref<1x64x7x7xf32>) {
  ^bb0(%r: f32, %o: f32):
    %s = arith.addf %o, %r : f32
    linalg.yield %s : f32
  }
  return
}

// -----

#mA = affine_map<(m, n, k) -> (m, k)>
#mBt = affine_map<(m, n, k) -> (n, k)>
#mC = affine_map<(m, n, k) -> (m, n)>
memref.global "private" constant @fc : memref<1000x256xf32> = dense<0.25>

// Tests that a Gemm with a transposed constant B (a fully connected layer
// as exporters write it) reads B re-laid in blocks of its tiles
// ([n / L, k, L], one contiguous stream per tile), the last block of
// 1000 columns padded with zeros so that B's loads need no mask; only the
// output's last tile is masked. B is 1 MB, a stream from memory: tiles of
// 7 vectors (112 lanes), 9 of them for the threads to share, not 8 vectors.
// CHECK-LABEL: memref.global "private" constant @fc_packed0x112 : memref<9x256x112xf32>
// CHECK-SAME:  0000803E00000000
// CHECK-LABEL: func @gemm_trans_b
// CHECK:       scf.forall {{.*}} to (1, 1000) step (1, 112)
// CHECK:         vector.create_mask
// CHECK:         scf.for
// CHECK-NOT:       vector.maskedload
// CHECK:           vector.load {{.*}} : memref<9x256x112xf32>, vector<112xf32>
// CHECK:           vector.fma
// CHECK:         vector.maskedstore %arg1
// CHECK-NOT:   linalg.generic
func.func @gemm_trans_b(%a: memref<1x256xf32>, %out: memref<1x1000xf32>) {
  %b = memref.get_global @fc : memref<1000x256xf32>
  linalg.generic {indexing_maps = [#mA, #mBt, #mC],
                  iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<1x256xf32>, memref<1000x256xf32>)
      outs(%out : memref<1x1000xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

#v = affine_map<(k) -> (k)>
#s = affine_map<(k) -> ()>

// Tests that a contraction into a rank-0 output (a dot product, as a
// LayerNormalization over every axis has) is left alone, not crashed on.
// CHECK-LABEL: func @dot_to_scalar
// CHECK:       linalg.generic
func.func @dot_to_scalar(%a: memref<256xf32>, %b: memref<256xf32>, %out: memref<f32>) {
  linalg.generic {indexing_maps = [#v, #v, #s], iterator_types = ["reduction"]}
      ins(%a, %b : memref<256xf32>, memref<256xf32>) outs(%out : memref<f32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %r = arith.addf %acc, %p : f32
    linalg.yield %r : f32
  }
  return
}

// -----

#mA = affine_map<(m, n, k) -> (m, k)>
#mB = affine_map<(m, n, k) -> (k, n)>
#mC = affine_map<(m, n, k) -> (m, n)>
memref.global "private" constant @w : memref<128x64xf32> = dense<0.25>

// Tests that a constant B whose columns split into whole 32-lane tiles is
// re-laid in lane blocks [n / 32, k, 32] and read at (n floordiv 32, k, 0).
// CHECK-LABEL: memref.global "private" constant @w_packed1x32 : memref<2x128x32xf32>
// CHECK-LABEL: func @matmul_const_b
// CHECK:       scf.for %[[K:.*]] = {{.*}} iter_args
// CHECK:       vector.load %{{.*}}[%{{.*}}, %[[K]], %{{.*}}] : memref<2x128x32xf32>, vector<32xf32>
func.func @matmul_const_b(%a: memref<16x128xf32>, %out: memref<16x64xf32>) {
  %b = memref.get_global @w : memref<128x64xf32>
  linalg.generic {indexing_maps = [#mA, #mB, #mC],
                  iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<16x128xf32>, memref<128x64xf32>)
      outs(%out : memref<16x64xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

#mA = affine_map<(m, n, k) -> (m, k)>
#mB = affine_map<(m, n, k) -> (k, n)>
#mC = affine_map<(m, n, k) -> (m, n)>
memref.global "private" constant @r : memref<128x64xf32> = dense<0.25>

// Tests that two contractions reading one constant (the steps of an
// unrolled recurrent cell) share its packed copy and the original is erased
// once.
// CHECK-LABEL: memref.global "private" constant @r_packed1x32 : memref<2x128x32xf32>
// CHECK-NOT:   memref.global
// CHECK-LABEL: func @two_matmuls_one_weight
// CHECK-COUNT-2: memref.get_global @r_packed1x32
func.func @two_matmuls_one_weight(%a: memref<16x128xf32>, %o1: memref<16x64xf32>,
                                  %o2: memref<16x64xf32>) {
  %b = memref.get_global @r : memref<128x64xf32>
  linalg.generic {indexing_maps = [#mA, #mB, #mC],
                  iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<16x128xf32>, memref<128x64xf32>)
      outs(%o1 : memref<16x64xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  %b2 = memref.get_global @r : memref<128x64xf32>
  linalg.generic {indexing_maps = [#mA, #mB, #mC],
                  iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b2 : memref<16x128xf32>, memref<128x64xf32>)
      outs(%o2 : memref<16x64xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

#pin = affine_map<(n, c, h, w, kh, kw) -> (n, c, 2 * h + kh, 2 * w + kw)>
#pwin = affine_map<(n, c, h, w, kh, kw) -> (kh, kw)>
#pout = affine_map<(n, c, h, w, kh, kw) -> (n, c, h, w)>
#pid = affine_map<(n, c, h, w) -> (n, c, h, w)>

// Tests that a 3x3 stride-2 max pooling window (out = maxnum(out, in), the
// window operand only giving the loop sizes) runs as vector maxima along the
// output row with its fill initialization in registers: every other lane
// of a 32-lane load, the window operand never read.
// CHECK-LABEL: func @max_pool_3x3_s2
// CHECK:       scf.forall
// CHECK:         vector.broadcast %{{.*}} : f32 to vector<16xf32>
// CHECK-NOT:     memref.load %arg1
// CHECK:         vector.maskedload %arg0{{.*}} : memref<1x16x33x33xf32>, vector<32xi1>, vector<32xf32>
// CHECK:         vector.shuffle
// CHECK:         arith.maxnumf {{.*}} : vector<16xf32>
// CHECK:         vector.store {{.*}}, %arg2
// CHECK-NOT:   linalg.generic
func.func @max_pool_3x3_s2(%in: memref<1x16x33x33xf32>, %win: memref<3x3xf32>,
                           %out: memref<1x16x16x16xf32>) {
  %lowest = arith.constant -3.40282347E+38 : f32
  linalg.fill ins(%lowest : f32) outs(%out : memref<1x16x16x16xf32>)
  linalg.generic {indexing_maps = [#pin, #pwin, #pout],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
      ins(%in, %win : memref<1x16x33x33xf32>, memref<3x3xf32>)
      outs(%out : memref<1x16x16x16xf32>) {
  ^bb0(%x: f32, %unused: f32, %acc: f32):
    %m = arith.maxnumf %acc, %x : f32
    linalg.yield %m : f32
  }
  return
}

// -----

#qin = affine_map<(n, h, w, c, kh, kw) -> (n, 2 * h + kh, 2 * w + kw, c)>
#qwin = affine_map<(n, h, w, c, kh, kw) -> (kh, kw)>
#qout = affine_map<(n, h, w, c, kh, kw) -> (n, h, w, c)>
#qid = affine_map<(n, h, w, c) -> (n, h, w, c)>

// Tests a channels-last max pool over a bf16 map (--precision=bf16: the
// input widened in the body): bf16 vectors along the channels, widened,
// maxima in f32 registers; and its result's bf16 rounding stored by the
// kernel, the f32 arena output not at all.
// CHECK-LABEL: func @max_pool_bf16
// CHECK:       scf.forall
// CHECK:         vector.load %arg0{{.*}} : memref<1x9x9x32xbf16>, vector<32xbf16>
// CHECK:         arith.extf %{{.*}} : vector<32xbf16> to vector<32xf32>
// CHECK:         arith.maxnumf {{.*}} : vector<32xf32>
// CHECK-NOT:     vector.store {{.*}} : memref<1x4x4x32xf32>
// CHECK:         vector.store {{.*}} : memref<1x4x4x32xbf16>, vector<32xbf16>
// CHECK-NOT:   linalg.generic
func.func @max_pool_bf16(%in: memref<1x9x9x32xbf16>, %win: memref<3x3xf32>,
                         %arena: memref<8192xi8>, %r: memref<1x4x4x32xbf16>) {
  %c0 = arith.constant 0 : index
  %ninf = arith.constant 0xFF800000 : f32
  %out = memref.view %arena[%c0][] : memref<8192xi8> to memref<1x4x4x32xf32>
  linalg.fill ins(%ninf : f32) outs(%out : memref<1x4x4x32xf32>)
  linalg.generic {indexing_maps = [#qin, #qwin, #qout],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
      ins(%in, %win : memref<1x9x9x32xbf16>, memref<3x3xf32>)
      outs(%out : memref<1x4x4x32xf32>) {
  ^bb0(%x: bf16, %unused: f32, %acc: f32):
    %w = arith.extf %x : bf16 to f32
    %m = arith.maxnumf %acc, %w : f32
    linalg.yield %m : f32
  }
  linalg.generic {indexing_maps = [#qid, #qid], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%out : memref<1x4x4x32xf32>) outs(%r : memref<1x4x4x32xbf16>) {
  ^bb0(%x: f32, %o: bf16):
    %t = arith.truncf %x : f32 to bf16
    linalg.yield %t : bf16
  }
  return
}

// -----

#lin = affine_map<(n, c, h, w, kh, kw) -> (n, 2 * h + kh, 2 * w + kw, c)>
#lwin = affine_map<(n, c, h, w, kh, kw) -> (kh, kw)>
#lout = affine_map<(n, c, h, w, kh, kw) -> (n, h, w, c)>

// Tests that a channels-last max pool whose loops keep the ONNX op's NCHW
// order tiles in the output's memory order (positions outermost, channel
// blocks innermost): its window operand has no rows to cycle, so it is not
// a reason to keep the input's channel blocks outermost.
// CHECK-LABEL: func @max_pool_channels_last
// CHECK:       scf.forall ({{.*}}) = (0, 0, 0, 0) to (1, 4, 4, 64) step (1, 1, 4, 32)
func.func @max_pool_channels_last(%in: memref<1x9x9x64xf32>, %win: memref<3x3xf32>,
                                  %out: memref<1x4x4x64xf32>) {
  %lowest = arith.constant -3.40282347E+38 : f32
  linalg.fill ins(%lowest : f32) outs(%out : memref<1x4x4x64xf32>)
  linalg.generic {indexing_maps = [#lin, #lwin, #lout],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
      ins(%in, %win : memref<1x9x9x64xf32>, memref<3x3xf32>)
      outs(%out : memref<1x4x4x64xf32>) {
  ^bb0(%x: f32, %unused: f32, %acc: f32):
    %m = arith.maxnumf %acc, %x : f32
    linalg.yield %m : f32
  }
  return
}

// -----

#rA = affine_map<(m, n, k) -> (m, k)>
#rB = affine_map<(m, n, k) -> (k, n)>
#rC = affine_map<(m, n, k) -> (m, n)>

// Tests reduction blocks: with `b` an activation (not a constant that could
// be packed), the tile loop keeps only the vector dimension, the reduction
// runs in blocks of 128 with the `a` row tiles looped inside each block, the
// first block initializing the accumulators (else partial sums are loaded)
// and every block storing them.
// CHECK-LABEL: func @matmul_activations
// CHECK:       scf.forall (%{{.*}}) = (0) to (256) step (32)
// CHECK:         scf.for %[[K0:.*]] = %{{.*}} to %{{.*}} step %c128
// CHECK:           %[[FIRST:.*]] = arith.cmpi eq, %[[K0]], %{{.*}}
// CHECK:           scf.for %{{.*}} = %{{.*}} to %{{.*}} step %c14
// CHECK:             scf.if %[[FIRST]] -> (vector<32xf32>
// CHECK:             scf.for %{{.*}} = %[[K0]] to %{{.*}} step %{{.*}} iter_args
// CHECK:               vector.fma
// CHECK:             vector.store
func.func @matmul_activations(%a: memref<64x256xf32>, %b: memref<256x256xf32>,
                              %out: memref<64x256xf32>) {
  linalg.generic {indexing_maps = [#rA, #rB, #rC],
                  iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<64x256xf32>, memref<256x256xf32>)
      outs(%out : memref<64x256xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

#dx = affine_map<(n, h, w, c, kh, kw) -> (n, h + kh, w + kw, c)>
#dw = affine_map<(n, h, w, c, kh, kw) -> (c, 0, kh, kw)>
#do = affine_map<(n, h, w, c, kh, kw) -> (n, h, w, c)>
memref.global "private" constant @dwweights : memref<32x1x3x3xf32> = dense<0.5>

// Tests that a channels-last depthwise convolution reads both its input and
// its weights (packed with the channels innermost) as vectors along the
// channels: no broadcast, 4 output columns of 32 channels per tile (half
// the accumulators of a broadcast kernel: neighbouring columns and taps
// share input vectors, which stay in registers).
// CHECK-LABEL: func @depthwise_nhwc
// CHECK:       memref.get_global @dwweights_packed0x32 : memref<1x1x3x3x32xf32>
// CHECK:       scf.forall
// CHECK-SAME:  step (1, 1, 4, 32)
// CHECK-NOT:   vector.broadcast
// CHECK:       vector.load %arg0{{.*}} : memref<1x10x10x32xf32>, vector<32xf32>
// CHECK:       vector.load %{{.*}} : memref<1x1x3x3x32xf32>, vector<32xf32>
// CHECK:       vector.fma
// CHECK-NOT:   linalg.generic
func.func @depthwise_nhwc(%in: memref<1x10x10x32xf32>, %out: memref<1x8x8x32xf32>) {
  %w = memref.get_global @dwweights : memref<32x1x3x3xf32>
  linalg.generic {indexing_maps = [#dx, #dw, #do],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
      ins(%in, %w : memref<1x10x10x32xf32>, memref<32x1x3x3xf32>) outs(%out : memref<1x8x8x32xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %o, %m : f32
    linalg.yield %s : f32
  }
  return
}

// -----

#ma = affine_map<(m, n, k) -> (m, k)>
#mb = affine_map<(m, n, k) -> (k, n)>
#mo = affine_map<(m, n, k) -> (m, n)>
memref.global "private" constant @fc : memref<16x512xf32> = dense<0.5>
memref.global "private" constant @fc_big : memref<64x512xf32> = dense<0.5>

// Tests that a product with one output row (a classifier's matrix-vector
// product) takes 8 vectors of 16 lanes per tile instead of 2, so 8
// independent accumulators hide the FMA latency; with 64 KB of weights or
// more (a stream from memory) tiles of 32 / 8 = 4 vectors, 8 tiles for the
// threads to share.
// CHECK-LABEL: func @matvec
// CHECK:       scf.forall
// CHECK-SAME:  step (1, 128)
// CHECK:       vector.fma {{.*}} : vector<128xf32>
// CHECK-LABEL: func @matvec_streamed
// CHECK:       scf.forall
// CHECK-SAME:  step (1, 64)
// CHECK:       vector.fma {{.*}} : vector<64xf32>
func.func @matvec(%a: memref<1x16xf32>, %out: memref<1x512xf32>) {
  %b = memref.get_global @fc : memref<16x512xf32>
  linalg.generic {indexing_maps = [#ma, #mb, #mo],
                  iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<1x16xf32>, memref<16x512xf32>) outs(%out : memref<1x512xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %m = arith.mulf %x, %y : f32
    %s = arith.addf %o, %m : f32
    linalg.yield %s : f32
  }
  return
}
func.func @matvec_streamed(%a: memref<1x64xf32>, %out: memref<1x512xf32>) {
  %b = memref.get_global @fc_big : memref<64x512xf32>
  linalg.generic {indexing_maps = [#ma, #mb, #mo],
                  iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<1x64xf32>, memref<64x512xf32>) outs(%out : memref<1x512xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %m = arith.mulf %x, %y : f32
    %s = arith.addf %o, %m : f32
    linalg.yield %s : f32
  }
  return
}

// -----

#sx = affine_map<(n, oh, ow, co, kh, kw, ci) -> (n, oh * 2 + kh, ow * 2 + kw, ci)>
#sw = affine_map<(n, oh, ow, co, kh, kw, ci) -> (co, kh, kw, ci)>
#sy = affine_map<(n, oh, ow, co, kh, kw, ci) -> (n, oh, ow, co)>
memref.global "private" constant @stem : memref<32x7x7x3xf32> = dense<0.25>

// Tests that a channels-last stem (3 input channels, stride 2) loops over
// its kernel taps and unrolls only the channels: with (kw, ci) unrolled,
// neighbouring output columns would read the same input elements at other
// taps, and LLVM keeps each loaded broadcast live across the whole body
// (spills). One body: 8 output columns x 3 channels.
// CHECK-LABEL: func @stem_taps_looped
// CHECK:       scf.forall
// CHECK:       scf.for
// CHECK:       scf.for
// CHECK-COUNT-24: memref.load %arg0[{{.*}}, %c{{[0-2]}}_{{[0-9]+}}] : memref<1x21x21x3xf32>
// CHECK-NOT:   memref.load %arg0
// CHECK:       scf.yield
func.func @stem_taps_looped(%x: memref<1x21x21x3xf32>, %out: memref<1x8x8x32xf32>) {
  %w = memref.get_global @stem : memref<32x7x7x3xf32>
  linalg.generic {indexing_maps = [#sx, #sw, #sy],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel",
                                    "reduction", "reduction", "reduction"]}
      ins(%x, %w : memref<1x21x21x3xf32>, memref<32x7x7x3xf32>)
      outs(%out : memref<1x8x8x32xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

#s2x = affine_map<(n, oh, ow, co, kh, kw, ci) -> (n, oh * 2 + kh, ow * 2 + kw, ci)>
#s2w = affine_map<(n, oh, ow, co, kh, kw, ci) -> (co, kh, kw, ci)>
#s2y = affine_map<(n, oh, ow, co, kh, kw, ci) -> (n, oh, ow, co)>
memref.global "private" constant @w512 : memref<32x3x3x512xf32> = dense<0.25>

// Tests that a stride-2 convolution over 512 channels, whose tile rows read
// input positions 4 KB apart (one L1 set), loops over its taps around the
// channel loop instead of unrolling the 9 taps inside it.
// CHECK-LABEL: func @stride2_rows_share_set
// CHECK:       scf.forall
// CHECK:       scf.for %{{.*}} = %c0{{.*}} to %c3
// CHECK:       scf.for %{{.*}} = %c0{{.*}} to %c3
// CHECK:       scf.for %{{.*}} = %c0{{.*}} to %c512
// CHECK-NOT:   scf.for
// CHECK-COUNT-4: memref.load %arg0
// CHECK-NOT:   memref.load %arg0
// CHECK:       scf.yield
func.func @stride2_rows_share_set(%x: memref<1x9x9x512xf32>, %out: memref<1x4x4x32xf32>) {
  %w = memref.get_global @w512 : memref<32x3x3x512xf32>
  linalg.generic {indexing_maps = [#s2x, #s2w, #s2y],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel",
                                    "reduction", "reduction", "reduction"]}
      ins(%x, %w : memref<1x9x9x512xf32>, memref<32x3x3x512xf32>)
      outs(%out : memref<1x4x4x32xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

#zx = affine_map<(n, oh, ow, co, kh, kw, ci) -> (n, oh + kh, ow + kw, ci)>
#zw = affine_map<(n, oh, ow, co, kh, kw, ci) -> (co, kh, kw, ci)>
#zy = affine_map<(n, oh, ow, co, kh, kw, ci) -> (n, oh, ow, co)>
memref.global "private" constant @wz : memref<32x3x3x64xf32> = dense<0.25>

// Tests that a convolution whose input is a zero pad (dsc.zero_border from
// dsc-decompose-pads) on a small map gives its first and last output rows
// their own copies of the register block (scf.if on the tile's base, inside
// the one loop nest), each with its base a constant, and leaves out the
// products with the border: rows 0 and 6 skip the kh = 0 / kh = 2 taps
// (2 x 19 of 3 x 21 products per channel step: columns 0 and 6, one tile
// whose base is always 0, skip kw = 0 / kw = 2 too), the rows between them
// only the border columns (3 x 19).
// CHECK-LABEL: func @zero_border_skipped
// CHECK:       scf.forall {{.*}} = (0, 0, 0, 0) to (1, 7, 7, 32) step (1, 1, 7, 32)
// CHECK:       scf.if
// CHECK-COUNT-38: vector.fma
// CHECK-NOT:   vector.fma
// CHECK:       scf.if
// CHECK-COUNT-38: vector.fma
// CHECK-NOT:   vector.fma
// CHECK:       } else {
// CHECK-COUNT-57: vector.fma
// CHECK-NOT:   vector.fma
func.func @zero_border_skipped(%x: memref<1x9x9x64xf32>, %out: memref<1x7x7x32xf32>) {
  %w = memref.get_global @wz : memref<32x3x3x64xf32>
  linalg.generic {indexing_maps = [#zx, #zw, #zy],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel",
                                    "reduction", "reduction", "reduction"]}
      ins(%x, %w : memref<1x9x9x64xf32>, memref<32x3x3x64xf32>)
      outs(%out : memref<1x7x7x32xf32>)
      attrs = {dsc.zero_border = [array<i64: 0, 1, 1, 0, 0, 1, 1, 0>, array<i64>]} {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

#ra = affine_map<(m, n, k) -> (m, k)>
#rb = affine_map<(m, n, k) -> (k, n)>
#ro = affine_map<(m, n, k) -> (m, n)>
#rid = affine_map<(m, n) -> (m, n)>

// Tests that the bf16 rounding of a contraction's output right after it
// (--precision=bf16: the next contraction's input) is stored by the kernel
// from its registers, and the rounding op goes; and that it stays an op of
// its own where its output shares bytes with an input of the kernel (two
// views of the arena).
// CHECK-LABEL: func @rounded_output
// CHECK:       scf.forall
// CHECK:       vector.fma
// CHECK:       vector.store %{{.*}}, %arg2{{.*}} : memref<16x32xf32>, vector<32xf32>
// CHECK:       arith.truncf %{{.*}} : vector<32xf32> to vector<32xbf16>
// CHECK:       vector.store %{{.*}}, %arg3{{.*}} : memref<16x32xbf16>, vector<32xbf16>
// CHECK-NOT:   linalg.generic
func.func @rounded_output(%a: memref<16x64xf32>, %b: memref<64x32xf32>,
                          %out: memref<16x32xf32>, %r: memref<16x32xbf16>) {
  linalg.generic {indexing_maps = [#ra, #rb, #ro],
                  iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<16x64xf32>, memref<64x32xf32>) outs(%out : memref<16x32xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %m = arith.mulf %x, %y : f32
    %s = arith.addf %o, %m : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#rid, #rid], iterator_types = ["parallel", "parallel"]}
      ins(%out : memref<16x32xf32>) outs(%r : memref<16x32xbf16>) {
  ^bb0(%x: f32, %o: bf16):
    %t = arith.truncf %x : f32 to bf16
    linalg.yield %t : bf16
  }
  return
}

// CHECK-LABEL: func @rounded_over_input
// CHECK:       scf.forall
// CHECK-NOT:   vector<32xbf16>
// CHECK:       linalg.generic
func.func @rounded_over_input(%arena: memref<8192xi8>, %b: memref<64x32xf32>,
                              %out: memref<16x32xf32>) {
  %c0 = arith.constant 0 : index
  %a = memref.view %arena[%c0][] : memref<8192xi8> to memref<16x64xf32>
  linalg.generic {indexing_maps = [#ra, #rb, #ro],
                  iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<16x64xf32>, memref<64x32xf32>) outs(%out : memref<16x32xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %m = arith.mulf %x, %y : f32
    %s = arith.addf %o, %m : f32
    linalg.yield %s : f32
  }
  %r = memref.view %arena[%c0][] : memref<8192xi8> to memref<16x32xbf16>
  linalg.generic {indexing_maps = [#rid, #rid], iterator_types = ["parallel", "parallel"]}
      ins(%out : memref<16x32xf32>) outs(%r : memref<16x32xbf16>) {
  ^bb0(%x: f32, %o: bf16):
    %t = arith.truncf %x : f32 to bf16
    linalg.yield %t : bf16
  }
  return
}

// -----

#pa = affine_map<(m, n, k) -> (m, k)>
#pb = affine_map<(m, n, k) -> (k, n)>
#po = affine_map<(m, n, k) -> (m, n)>
#pid = affine_map<(m, n) -> (m, n)>

// Tests that the rounding is found past the zero fills of its padded
// buffer's border (disjoint from the interior it writes and from the
// kernel's buffers), and that an arena output read by nothing but the
// rounding is not stored in f32 at all.
// CHECK-LABEL: func @rounded_into_padded
// CHECK:       linalg.fill
// CHECK:       scf.forall
// CHECK-NOT:   vector.store %{{.*}} : memref<16x32xf32>
// CHECK:       vector.store %{{.*}} : memref<16x32xbf16, strided<[34, 1], offset: 35>>, vector<32xbf16>
// CHECK-NOT:   linalg.generic
func.func @rounded_into_padded(%arena: memref<8192xi8>, %a: memref<16x64xf32>,
                               %b: memref<64x32xf32>) {
  %c0 = arith.constant 0 : index
  %c4096 = arith.constant 4096 : index
  %zero = arith.constant 0.0 : bf16
  %out = memref.view %arena[%c0][] : memref<8192xi8> to memref<16x32xf32>
  %padded = memref.view %arena[%c4096][] : memref<8192xi8> to memref<18x34xbf16>
  linalg.generic {indexing_maps = [#pa, #pb, #po],
                  iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<16x64xf32>, memref<64x32xf32>) outs(%out : memref<16x32xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %m = arith.mulf %x, %y : f32
    %s = arith.addf %o, %m : f32
    linalg.yield %s : f32
  }
  %top = memref.subview %padded[0, 0] [1, 34] [1, 1]
      : memref<18x34xbf16> to memref<1x34xbf16, strided<[34, 1]>>
  linalg.fill ins(%zero : bf16) outs(%top : memref<1x34xbf16, strided<[34, 1]>>)
  %interior = memref.subview %padded[1, 1] [16, 32] [1, 1]
      : memref<18x34xbf16> to memref<16x32xbf16, strided<[34, 1], offset: 35>>
  linalg.generic {indexing_maps = [#pid, #pid], iterator_types = ["parallel", "parallel"]}
      ins(%out : memref<16x32xf32>) outs(%interior : memref<16x32xbf16, strided<[34, 1], offset: 35>>) {
  ^bb0(%x: f32, %o: bf16):
    %t = arith.truncf %x : f32 to bf16
    linalg.yield %t : bf16
  }
  return
}

// Tests that an arena output whose slot the memory plan gives to the next
// tensor (one view value for both: its users say nothing) is not stored in
// f32 when nothing reads it before that tensor's init overwrites it all;
// the next contraction stores its own output there.
// CHECK-LABEL: func @rounded_slot_reused
// CHECK:       scf.forall
// CHECK-NOT:   vector.store %{{.*}} : memref<16x32xf32>
// CHECK:       vector.store %{{.*}} : memref<16x32xbf16>, vector<32xbf16>
// CHECK:       scf.forall
// CHECK:       vector.store %{{.*}} : memref<16x32xf32>, vector<32xf32>
func.func @rounded_slot_reused(%arena: memref<8192xi8>, %a: memref<16x64xf32>,
                               %b: memref<64x32xf32>, %c: memref<16x32xf32>) {
  %c0 = arith.constant 0 : index
  %c4096 = arith.constant 4096 : index
  %zero = arith.constant 0.0 : f32
  %out = memref.view %arena[%c0][] : memref<8192xi8> to memref<16x32xf32>
  %r = memref.view %arena[%c4096][] : memref<8192xi8> to memref<16x32xbf16>
  linalg.generic {indexing_maps = [#pa, #pb, #po],
                  iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<16x64xf32>, memref<64x32xf32>) outs(%out : memref<16x32xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %m = arith.mulf %x, %y : f32
    %s = arith.addf %o, %m : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#pid, #pid], iterator_types = ["parallel", "parallel"]}
      ins(%out : memref<16x32xf32>) outs(%r : memref<16x32xbf16>) {
  ^bb0(%x: f32, %o: bf16):
    %t = arith.truncf %x : f32 to bf16
    linalg.yield %t : bf16
  }
  linalg.fill ins(%zero : f32) outs(%out : memref<16x32xf32>)
  linalg.generic {indexing_maps = [#pa, #pb, #po],
                  iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<16x64xf32>, memref<64x32xf32>) outs(%out : memref<16x32xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %m = arith.mulf %x, %y : f32
    %s = arith.addf %o, %m : f32
    linalg.yield %s : f32
  }
  memref.copy %out, %c : memref<16x32xf32> to memref<16x32xf32>
  return
}

// Tests that the rounding may overwrite the residual its epilogue reads
// when it is the same bytes read through the output's own indexing (the
// next block's bf16 copy taking the slot of the one this block adds): each
// row reads its residual before storing over it. The kernel stores the
// rounding and no loop of its own is left.
// CHECK-LABEL: func @rounded_over_residual
// CHECK:       scf.forall
// CHECK:       vector.load %{{.*}} : memref<16x32xbf16>, vector<32xbf16>
// CHECK:       vector.store %{{.*}} : memref<16x32xbf16>, vector<32xbf16>
// CHECK-NOT:   linalg.generic
func.func @rounded_over_residual(%arena: memref<8192xi8>, %a: memref<16x64xf32>,
                                 %b: memref<64x32xf32>) {
  %c0 = arith.constant 0 : index
  %c4096 = arith.constant 4096 : index
  %out = memref.view %arena[%c0][] : memref<8192xi8> to memref<16x32xf32>
  %res = memref.view %arena[%c4096][] : memref<8192xi8> to memref<16x32xbf16>
  %r = memref.view %arena[%c4096][] : memref<8192xi8> to memref<16x32xbf16>
  linalg.generic {indexing_maps = [#pa, #pb, #po],
                  iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<16x64xf32>, memref<64x32xf32>) outs(%out : memref<16x32xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %m = arith.mulf %x, %y : f32
    %s = arith.addf %o, %m : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#pid, #pid], iterator_types = ["parallel", "parallel"]}
      ins(%res : memref<16x32xbf16>) outs(%out : memref<16x32xf32>) {
  ^bb0(%x: bf16, %o: f32):
    %w = arith.extf %x : bf16 to f32
    %t = arith.addf %o, %w : f32
    linalg.yield %t : f32
  }
  linalg.generic {indexing_maps = [#pid, #pid], iterator_types = ["parallel", "parallel"]}
      ins(%out : memref<16x32xf32>) outs(%r : memref<16x32xbf16>) {
  ^bb0(%x: f32, %o: bf16):
    %t = arith.truncf %x : f32 to bf16
    linalg.yield %t : bf16
  }
  return
}

// Tests that an arena output a later op reads (a residual add's input,
// after its rounding) is stored in f32 as well as rounded.
// CHECK-LABEL: func @rounded_read_later
// CHECK:       scf.forall
// CHECK:       vector.store %{{.*}} : memref<16x32xf32>, vector<32xf32>
// CHECK:       vector.store %{{.*}} : memref<16x32xbf16>, vector<32xbf16>
func.func @rounded_read_later(%arena: memref<8192xi8>, %a: memref<16x64xf32>,
                              %b: memref<64x32xf32>, %c: memref<16x32xf32>) {
  %c0 = arith.constant 0 : index
  %c4096 = arith.constant 4096 : index
  %out = memref.view %arena[%c0][] : memref<8192xi8> to memref<16x32xf32>
  %r = memref.view %arena[%c4096][] : memref<8192xi8> to memref<16x32xbf16>
  linalg.generic {indexing_maps = [#pa, #pb, #po],
                  iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<16x64xf32>, memref<64x32xf32>) outs(%out : memref<16x32xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %m = arith.mulf %x, %y : f32
    %s = arith.addf %o, %m : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#pid, #pid], iterator_types = ["parallel", "parallel"]}
      ins(%out : memref<16x32xf32>) outs(%r : memref<16x32xbf16>) {
  ^bb0(%x: f32, %o: bf16):
    %t = arith.truncf %x : f32 to bf16
    linalg.yield %t : bf16
  }
  linalg.generic {indexing_maps = [#pid, #pid], iterator_types = ["parallel", "parallel"]}
      ins(%out : memref<16x32xf32>) outs(%c : memref<16x32xf32>) {
  ^bb0(%x: f32, %o: f32):
    %t = arith.addf %x, %o : f32
    linalg.yield %t : f32
  }
  return
}

// Tests that two roundings of one output (a fire module's squeeze output,
// read by a 1x1 expand unpadded and by a 3x3 expand zero-padded) are both
// stored by the kernel from its registers, past the padded buffer's border
// fill, and both ops go; and that a third one into bytes a fill before it
// writes stays an op of its own.
// CHECK-LABEL: func @rounded_twice
// CHECK:       linalg.fill
// CHECK:       scf.forall
// CHECK-NOT:   vector.store %{{.*}} : memref<16x32xf32>
// CHECK:       arith.truncf %{{.*}} : vector<32xf32> to vector<32xbf16>
// CHECK-NEXT:  vector.store %{{.*}} : memref<16x32xbf16>, vector<32xbf16>
// CHECK-NEXT:  vector.store %{{.*}} : memref<16x32xbf16, strided<[34, 1], offset: 35>>, vector<32xbf16>
// CHECK-NOT:   linalg.generic
func.func @rounded_twice(%arena: memref<16384xi8>, %a: memref<16x64xf32>,
                         %b: memref<64x32xf32>) {
  %c0 = arith.constant 0 : index
  %c4096 = arith.constant 4096 : index
  %c8192 = arith.constant 8192 : index
  %zero = arith.constant 0.0 : bf16
  %out = memref.view %arena[%c0][] : memref<16384xi8> to memref<16x32xf32>
  %plain = memref.view %arena[%c8192][] : memref<16384xi8> to memref<16x32xbf16>
  %padded = memref.view %arena[%c4096][] : memref<16384xi8> to memref<18x34xbf16>
  linalg.generic {indexing_maps = [#pa, #pb, #po],
                  iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<16x64xf32>, memref<64x32xf32>) outs(%out : memref<16x32xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %m = arith.mulf %x, %y : f32
    %s = arith.addf %o, %m : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#pid, #pid], iterator_types = ["parallel", "parallel"]}
      ins(%out : memref<16x32xf32>) outs(%plain : memref<16x32xbf16>) {
  ^bb0(%x: f32, %o: bf16):
    %t = arith.truncf %x : f32 to bf16
    linalg.yield %t : bf16
  }
  %top = memref.subview %padded[0, 0] [1, 34] [1, 1]
      : memref<18x34xbf16> to memref<1x34xbf16, strided<[34, 1]>>
  linalg.fill ins(%zero : bf16) outs(%top : memref<1x34xbf16, strided<[34, 1]>>)
  %interior = memref.subview %padded[1, 1] [16, 32] [1, 1]
      : memref<18x34xbf16> to memref<16x32xbf16, strided<[34, 1], offset: 35>>
  linalg.generic {indexing_maps = [#pid, #pid], iterator_types = ["parallel", "parallel"]}
      ins(%out : memref<16x32xf32>) outs(%interior : memref<16x32xbf16, strided<[34, 1], offset: 35>>) {
  ^bb0(%x: f32, %o: bf16):
    %t = arith.truncf %x : f32 to bf16
    linalg.yield %t : bf16
  }
  return
}

// Tests that the second rounding is found past another kernel that reads
// the first (a fire module's 1x1 expand): the padded buffer's border fill and
// the kernel move before that kernel, which follows them reading the
// rounding; and that one writing the f32 output stops the search (that
// kernel then stores the rounding of its own output).
// CHECK-LABEL: func @rounded_past_consumer
// CHECK:       linalg.fill
// CHECK:       scf.forall
// CHECK:       arith.truncf %{{.*}} : vector<32xf32> to vector<32xbf16>
// CHECK-NEXT:  vector.store %{{.*}} : memref<16x32xbf16>, vector<32xbf16>
// CHECK-NEXT:  vector.store %{{.*}} : memref<16x32xbf16, strided<[34, 1], offset: 35>>, vector<32xbf16>
// CHECK:       scf.forall
// CHECK:       memref.load %{{.*}} : memref<16x32xbf16>
// CHECK-NOT:   linalg.generic
// CHECK-LABEL: func @rounded_past_writer
// CHECK:       %[[SECOND:.*]] = memref.view %{{.*}}[%c4096]
// CHECK:       scf.forall
// CHECK-NOT:   vector.store %{{.*}}, %[[SECOND]]
// CHECK:       scf.forall
// CHECK:       vector.store %{{.*}}, %[[SECOND]]
func.func @rounded_past_consumer(%arena: memref<16384xi8>, %a: memref<16x64xf32>,
                                 %b: memref<64x32xf32>, %c: memref<32x32xbf16>,
                                 %o2: memref<16x32xf32>) {
  %c0 = arith.constant 0 : index
  %c4096 = arith.constant 4096 : index
  %c8192 = arith.constant 8192 : index
  %zero = arith.constant 0.0 : bf16
  %out = memref.view %arena[%c0][] : memref<16384xi8> to memref<16x32xf32>
  %plain = memref.view %arena[%c8192][] : memref<16384xi8> to memref<16x32xbf16>
  %padded = memref.view %arena[%c4096][] : memref<16384xi8> to memref<18x34xbf16>
  linalg.generic {indexing_maps = [#pa, #pb, #po],
                  iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<16x64xf32>, memref<64x32xf32>) outs(%out : memref<16x32xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %m = arith.mulf %x, %y : f32
    %s = arith.addf %o, %m : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#pid, #pid], iterator_types = ["parallel", "parallel"]}
      ins(%out : memref<16x32xf32>) outs(%plain : memref<16x32xbf16>) {
  ^bb0(%x: f32, %o: bf16):
    %t = arith.truncf %x : f32 to bf16
    linalg.yield %t : bf16
  }
  linalg.generic {indexing_maps = [#pa, #pb, #po],
                  iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%plain, %c : memref<16x32xbf16>, memref<32x32xbf16>) outs(%o2 : memref<16x32xf32>) {
  ^bb0(%x: bf16, %y: bf16, %o: f32):
    %xf = arith.extf %x : bf16 to f32
    %yf = arith.extf %y : bf16 to f32
    %m = arith.mulf %xf, %yf : f32
    %s = arith.addf %o, %m : f32
    linalg.yield %s : f32
  }
  %top = memref.subview %padded[0, 0] [1, 34] [1, 1]
      : memref<18x34xbf16> to memref<1x34xbf16, strided<[34, 1]>>
  linalg.fill ins(%zero : bf16) outs(%top : memref<1x34xbf16, strided<[34, 1]>>)
  %interior = memref.subview %padded[1, 1] [16, 32] [1, 1]
      : memref<18x34xbf16> to memref<16x32xbf16, strided<[34, 1], offset: 35>>
  linalg.generic {indexing_maps = [#pid, #pid], iterator_types = ["parallel", "parallel"]}
      ins(%out : memref<16x32xf32>) outs(%interior : memref<16x32xbf16, strided<[34, 1], offset: 35>>) {
  ^bb0(%x: f32, %o: bf16):
    %t = arith.truncf %x : f32 to bf16
    linalg.yield %t : bf16
  }
  return
}
func.func @rounded_past_writer(%arena: memref<16384xi8>, %a: memref<16x64xf32>,
                               %b: memref<64x32xf32>, %c: memref<32x32xbf16>) {
  %c0 = arith.constant 0 : index
  %c4096 = arith.constant 4096 : index
  %c8192 = arith.constant 8192 : index
  %out = memref.view %arena[%c0][] : memref<16384xi8> to memref<16x32xf32>
  %plain = memref.view %arena[%c8192][] : memref<16384xi8> to memref<16x32xbf16>
  %second = memref.view %arena[%c4096][] : memref<16384xi8> to memref<16x32xbf16>
  linalg.generic {indexing_maps = [#pa, #pb, #po],
                  iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<16x64xf32>, memref<64x32xf32>) outs(%out : memref<16x32xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %m = arith.mulf %x, %y : f32
    %s = arith.addf %o, %m : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#pid, #pid], iterator_types = ["parallel", "parallel"]}
      ins(%out : memref<16x32xf32>) outs(%plain : memref<16x32xbf16>) {
  ^bb0(%x: f32, %o: bf16):
    %t = arith.truncf %x : f32 to bf16
    linalg.yield %t : bf16
  }
  linalg.generic {indexing_maps = [#pa, #pb, #po],
                  iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%plain, %c : memref<16x32xbf16>, memref<32x32xbf16>) outs(%out : memref<16x32xf32>) {
  ^bb0(%x: bf16, %y: bf16, %o: f32):
    %xf = arith.extf %x : bf16 to f32
    %yf = arith.extf %y : bf16 to f32
    %m = arith.mulf %xf, %yf : f32
    %s = arith.addf %o, %m : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#pid, #pid], iterator_types = ["parallel", "parallel"]}
      ins(%out : memref<16x32xf32>) outs(%second : memref<16x32xbf16>) {
  ^bb0(%x: f32, %o: bf16):
    %t = arith.truncf %x : f32 to bf16
    linalg.yield %t : bf16
  }
  return
}

// CHECK-LABEL: func @rounded_over_fill
// CHECK:       scf.forall
// CHECK:       vector.store %{{.*}} : memref<16x32xbf16>, vector<32xbf16>
// CHECK:       linalg.fill
// CHECK:       linalg.generic
func.func @rounded_over_fill(%arena: memref<16384xi8>, %a: memref<16x64xf32>,
                             %b: memref<64x32xf32>) {
  %c0 = arith.constant 0 : index
  %c4096 = arith.constant 4096 : index
  %c8192 = arith.constant 8192 : index
  %zero = arith.constant 0.0 : bf16
  %out = memref.view %arena[%c0][] : memref<16384xi8> to memref<16x32xf32>
  %plain = memref.view %arena[%c8192][] : memref<16384xi8> to memref<16x32xbf16>
  %second = memref.view %arena[%c4096][] : memref<16384xi8> to memref<16x32xbf16>
  linalg.generic {indexing_maps = [#pa, #pb, #po],
                  iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<16x64xf32>, memref<64x32xf32>) outs(%out : memref<16x32xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %m = arith.mulf %x, %y : f32
    %s = arith.addf %o, %m : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#pid, #pid], iterator_types = ["parallel", "parallel"]}
      ins(%out : memref<16x32xf32>) outs(%plain : memref<16x32xbf16>) {
  ^bb0(%x: f32, %o: bf16):
    %t = arith.truncf %x : f32 to bf16
    linalg.yield %t : bf16
  }
  linalg.fill ins(%zero : bf16) outs(%second : memref<16x32xbf16>)
  linalg.generic {indexing_maps = [#pid, #pid], iterator_types = ["parallel", "parallel"]}
      ins(%out : memref<16x32xf32>) outs(%second : memref<16x32xbf16>) {
  ^bb0(%x: f32, %o: bf16):
    %t = arith.truncf %x : f32 to bf16
    linalg.yield %t : bf16
  }
  return
}

// -----

#mA = affine_map<(m, n, k) -> (m, k)>
#mB = affine_map<(m, n, k) -> (k, n)>
#mC = affine_map<(m, n, k) -> (m, n)>

// Tests that where two row tilings load as often per FMA (26 rows: 13+13, or
// 14 and a remainder of 12), the one without a remainder is taken (one copy
// of the register block fewer).
// CHECK-LABEL: func @twenty_six_rows
// CHECK:       scf.forall (%{{.*}}, %{{.*}}) = (0, 0) to (26, 32) step (13, 32)
// CHECK-NOT:   scf.forall
func.func @twenty_six_rows(%a: memref<26x64xf32>, %b: memref<64x32xf32>,
                           %out: memref<26x32xf32>) {
  linalg.generic {indexing_maps = [#mA, #mB, #mC],
                  iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<26x64xf32>, memref<64x32xf32>)
      outs(%out : memref<26x32xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

#xa = affine_map<(m, n, k) -> (m, k)>
#xb = affine_map<(m, n, k) -> (k, n)>
#xo = affine_map<(m, n, k) -> (m, n)>
#xid = affine_map<(m, n) -> (m, n)>
#xrow = affine_map<(m, n) -> (n)>
memref.global "private" constant @xw : memref<512x32xbf16> = dense<1.0>

// Tests that with AMX a bf16 matmul that fits its tiles (K a multiple of 32,
// whole 16-lane columns, rows of `a` at a constant stride) runs tdpbf16ps:
// blocks of 32 rows as two tiles of 16 (each tile of the pair-packed weights
// serves both) by two columns, 8 chunks of 32 of K per step (32 tile
// multiplies per load and store of the 4 f32 tiles, which live in a 32x32
// stack buffer aligned to a cache line); the first step starts from tilezero, the other loads the
// f32 tiles and stores them back; then each row read back is added to its
// bias (the init) and stored before the next row is read. Without an init
// the output's values are.
// Without AMX (the first RUN line) the same matmul takes the FMA kernels.
// CHECK-LABEL: func @amx_bias
// CHECK-NOT:   amx.
// AMX-LABEL: func @amx_bias
// AMX:       scf.forall ({{.*}}) = (0, 0) to (64, 32) step (32, 32)
// AMX:       %[[TILES:.*]] = memref.alloca() {alignment = 64 : i64} : memref<32x32xf32>
// AMX-COUNT-4: amx.tile_zero : !amx.tile<16x16xf32>
// AMX:       amx.tile_load %arg0[{{.*}}], %c512{{.*}} : memref<64x512xbf16> into !amx.tile<16x32xbf16>
// AMX:       amx.tile_load %{{.*}} : memref<1x256x64xbf16> into !amx.tile<16x32xbf16>
// AMX-COUNT-2: amx.tile_mulf
// AMX:       amx.tile_load %{{.*}} : memref<1x256x64xbf16> into !amx.tile<16x32xbf16>
// AMX-COUNT-2: amx.tile_mulf
// AMX-COUNT-28: amx.tile_mulf
// AMX-NOT:   amx.tile_mulf
// AMX-COUNT-4: amx.tile_store %[[TILES]]
// AMX:       scf.for %{{.*}} = %c256{{.*}} to %c512{{.*}} step %c256
// AMX-COUNT-4: amx.tile_load %[[TILES]]
// AMX-COUNT-32: amx.tile_mulf
// AMX:       vector.load %[[TILES]]
// AMX:       vector.load %arg1
// AMX:       arith.addf %{{.*}} : vector<32xf32>
// AMX-NOT:   linalg.generic
// AMX-LABEL: func @amx_accumulate
// AMX:       amx.tile_zero
// AMX:       amx.tile_store
// AMX:       vector.load %{{.*}} : memref<32x32xf32>, vector<32xf32>
// AMX-NEXT:  vector.load %arg1
// AMX-NEXT:  arith.addf
// AMX-NEXT:  vector.store {{.*}} %arg1
// Tests that rows from a zero-filled output are the sums read back as they
// are (the tiles start at +0: adding +0 again changes nothing).
// AMX-LABEL: func @amx_zero_init
// AMX:       amx.tile_store
// AMX:       %[[SUM:.*]] = vector.load %{{.*}} : memref<32x32xf32>, vector<32xf32>
// AMX-NOT:   arith.addf
// AMX:       vector.store %[[SUM]], %arg1
// AMX-NOT:   arith.addf
// AMX:       return
func.func @amx_bias(%x: memref<64x512xbf16>, %bias: memref<32xf32>,
                    %out: memref<64x32xf32>) {
  %w = memref.get_global @xw : memref<512x32xbf16>
  linalg.generic {indexing_maps = [#xrow, #xid],
                  iterator_types = ["parallel", "parallel"]}
      ins(%bias : memref<32xf32>) outs(%out : memref<64x32xf32>) {
  ^bb0(%v: f32, %o: f32):
    linalg.yield %v : f32
  }
  linalg.generic {indexing_maps = [#xa, #xb, #xo],
                  iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : memref<64x512xbf16>, memref<512x32xbf16>)
      outs(%out : memref<64x32xf32>) {
  ^bb0(%p: bf16, %q: bf16, %acc: f32):
    %pf = arith.extf %p : bf16 to f32
    %qf = arith.extf %q : bf16 to f32
    %m = arith.mulf %pf, %qf : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  }
  return
}
func.func @amx_accumulate(%x: memref<64x512xbf16>, %out: memref<64x32xf32>) {
  %w = memref.get_global @xw : memref<512x32xbf16>
  linalg.generic {indexing_maps = [#xa, #xb, #xo],
                  iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : memref<64x512xbf16>, memref<512x32xbf16>)
      outs(%out : memref<64x32xf32>) {
  ^bb0(%p: bf16, %q: bf16, %acc: f32):
    %pf = arith.extf %p : bf16 to f32
    %qf = arith.extf %q : bf16 to f32
    %m = arith.mulf %pf, %qf : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  }
  return
}

func.func @amx_zero_init(%x: memref<64x512xbf16>, %out: memref<64x32xf32>) {
  %w = memref.get_global @xw : memref<512x32xbf16>
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%out : memref<64x32xf32>)
  linalg.generic {indexing_maps = [#xa, #xb, #xo],
                  iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : memref<64x512xbf16>, memref<512x32xbf16>)
      outs(%out : memref<64x32xf32>) {
  ^bb0(%p: bf16, %q: bf16, %acc: f32):
    %pf = arith.extf %p : bf16 to f32
    %qf = arith.extf %q : bf16 to f32
    %m = arith.mulf %pf, %qf : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  }
  return
}

// -----

#sx = affine_map<(n, h, w, f, c, kh, kw) -> (n, h * 2 + kh, w * 2 + kw, c)>
#sw = affine_map<(n, h, w, f, c, kh, kw) -> (f, kh, kw, c)>
#so = affine_map<(n, h, w, f, c, kh, kw) -> (n, h, w, f)>
memref.global "private" constant @stem_w : memref<32x7x7x4xbf16> = dense<1.0>

// Tests that with AMX a channels-last bf16 stem over 4 channels (an RGB
// image and its zero channel) reads its kernel rows as channels: the input
// viewed as [1, 38, 16, 28] with output column w's row of 7 taps x 4
// channels at element 8 * w (rows overlap), the weights the same bytes as
// [32, 7, 1, 28], and the convolution then runs on AMX tiles (28 channels:
// one partial chunk of 14 pairs per kernel row). Without AMX it is left as
// it is.
// CHECK-LABEL: func @stem_rows
// CHECK-NOT:   memref.reinterpret_cast
// AMX-LABEL: func @stem_rows
// AMX:       memref.reinterpret_cast %arg0 to offset: [0], sizes: [1, 38, 16, 28], strides: [5776, 152, 8, 1]
// AMX:       amx.tile_load %{{.*}} : memref<1x38x16x28xbf16, strided<[5776, 152, 8, 1]>> into !amx.tile<16x28xbf16>
// AMX:       amx.tile_mulf
func.func @stem_rows(%x: memref<1x38x38x4xbf16>, %out: memref<1x16x16x32xf32>) {
  %w = memref.get_global @stem_w : memref<32x7x7x4xbf16>
  linalg.generic {indexing_maps = [#sx, #sw, #so],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
      ins(%x, %w : memref<1x38x38x4xbf16>, memref<32x7x7x4xbf16>)
      outs(%out : memref<1x16x16x32xf32>) {
  ^bb0(%p: bf16, %q: bf16, %acc: f32):
    %pf = arith.extf %p : bf16 to f32
    %qf = arith.extf %q : bf16 to f32
    %m = arith.mulf %pf, %qf : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  }
  return
}

// -----

#x = affine_map<(n, f, oh, ow, kh, kw, c) -> (n, oh + kh, ow + kw, c)>
#w = affine_map<(n, f, oh, ow, kh, kw, c) -> (f, kh, kw, c)>
#o = affine_map<(n, f, oh, ow, kh, kw, c) -> (n, oh, ow, f)>
memref.global "private" constant @w3b : memref<256x3x3x256xbf16> = dense<0.5>

// Tests that an AMX kernel over weights beyond L2 with few output positions
// (a 3x3 256->256 on 7x7, 1.2 MB in bf16, blocks of 32 output channels
// outermost) prefetches into L2 its tile's share of the next block, spread
// over the taps of each step of the pair loop: 1317 of the block's 2304
// lines per tile of 4 output rows (28 positions), 165 per step of 32
// channels, 9 or 10 per tap of each register block. And that its tiles take
// 4 output rows (here the case of the last 3, a buffer of 21 rows): each
// step runs register blocks of two tiles of `a` by two columns one after
// the other (2 rows, then 1), each from and back to the stack buffer.
// AMX-LABEL: func @amx_next_block
// AMX:       memref.collapse_shape %{{.*}} {{\[\[}}0, 1, 2, 3, 4]] : memref<8x3x3x128x64xbf16> into memref<589824xbf16>
// AMX:       scf.forall ({{.*}}) = (0, 0, 0, 0) to (256, 1, 7, 7) step (32, 1, 4, 7)
// AMX:       memref.alloca() {alignment = 64 : i64} : memref<21x32xf32>
// AMX-COUNT-4: amx.tile_zero : !amx.tile<7x16xf32>
// AMX-COUNT-2: amx.tile_load %arg0
// AMX-COUNT-2: amx.tile_mulf {{.*}} !amx.tile<7x16xf32>
// AMX:       amx.tile_load
// AMX-COUNT-2: amx.tile_mulf
// AMX-COUNT-9: memref.prefetch %{{.*}}, read, locality<2>, data : memref<589824xbf16>
// AMX-NEXT:  arith.constant
// AMX-COUNT-2: amx.tile_load %arg0
// AMX:       amx.tile_load
// AMX-COUNT-2: amx.tile_mulf
// AMX:       amx.tile_load
// AMX-COUNT-2: amx.tile_mulf
// AMX-COUNT-9: memref.prefetch
// AMX-COUNT-4: amx.tile_store
// AMX-NOT:   amx.tile_mulf
// AMX-COUNT-2: amx.tile_zero : !amx.tile<7x16xf32>
// AMX-NOT:   amx.tile_zero
// AMX:       amx.tile_load %arg0
// AMX-NOT:   amx.tile_load %arg0
// AMX:       amx.tile_load
// AMX:       amx.tile_mulf
// AMX:       amx.tile_load
// AMX:       amx.tile_mulf
// AMX-NEXT:  arith.constant
// AMX-COUNT-2: amx.tile_store
func.func @amx_next_block(%in: memref<1x9x9x256xbf16>, %out: memref<1x7x7x256xf32>) {
  %wt = memref.get_global @w3b : memref<256x3x3x256xbf16>
  linalg.generic {indexing_maps = [#x, #w, #o],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel",
                                    "reduction", "reduction", "reduction"]}
      ins(%in, %wt : memref<1x9x9x256xbf16>, memref<256x3x3x256xbf16>)
      outs(%out : memref<1x7x7x256xf32>) {
  ^bb0(%x: bf16, %y: bf16, %acc: f32):
    %xf = arith.extf %x : bf16 to f32
    %yf = arith.extf %y : bf16 to f32
    %p = arith.mulf %xf, %yf : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

#x = affine_map<(n, f, oh, ow, kh, kw, c) -> (n, oh + kh, ow + kw, c)>
#x1 = affine_map<(n, f, oh, ow, kh, kw, c) -> (n, 2 * oh + kh, 2 * ow + kw, c)>
#w = affine_map<(n, f, oh, ow, kh, kw, c) -> (f, kh, kw, c)>
#o = affine_map<(n, f, oh, ow, kh, kw, c) -> (n, oh, ow, f)>
memref.global "private" constant @w3x3 : memref<64x3x3x64xf32> = dense<0.5>
memref.global "private" constant @w1x1 : memref<64x1x1x64xf32> = dense<0.5>
memref.global "private" constant @wdown : memref<1024x1x1x512xf32> = dense<0.5>

// Tests the register block's rows on a 14-wide map: a 1x1 convolution,
// whose broadcasts fold into the FMAs, takes 14 rows of two vectors (28
// accumulators); a 3x3 one, whose neighbouring taps keep more vectors
// live, 7 (16 accumulators at most).
// CHECK-LABEL: func @rows_without_window
// CHECK:       scf.forall ({{.*}}) = (0, 0, 0, 0) to (1, 14, 14, 64) step (1, 1, 14, 32)
// CHECK-LABEL: func @rows_with_window
// CHECK:       scf.forall ({{.*}}) = (0, 0, 0, 0) to (1, 14, 14, 64) step (1, 1, 7, 32)
func.func @rows_without_window(%in: memref<1x14x14x64xf32>, %out: memref<1x14x14x64xf32>) {
  %wt = memref.get_global @w1x1 : memref<64x1x1x64xf32>
  linalg.generic {indexing_maps = [#x, #w, #o],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel",
                                    "reduction", "reduction", "reduction"]}
      ins(%in, %wt : memref<1x14x14x64xf32>, memref<64x1x1x64xf32>)
      outs(%out : memref<1x14x14x64xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}
func.func @rows_with_window(%in: memref<1x16x16x64xf32>, %out: memref<1x14x14x64xf32>) {
  %wt = memref.get_global @w3x3 : memref<64x3x3x64xf32>
  linalg.generic {indexing_maps = [#x, #w, #o],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel",
                                    "reduction", "reduction", "reduction"]}
      ins(%in, %wt : memref<1x16x16x64xf32>, memref<64x3x3x64xf32>)
      outs(%out : memref<1x14x14x64xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// Tests that a stride-2 1x1 convolution over constant weights beyond L2 (2
// MB) counts the input it reads (every other row and column of 28x28x512:
// 400 KB, not 1.6 MB): 32 output-channel blocks re-reading 400 KB are fewer
// bytes than 14 row tiles re-reading the weights, so the row tiles cycle
// innermost.
// CHECK-LABEL: func @strided_input_bytes
// CHECK:       scf.forall ({{.*}}) = (0, 0, 0, 0) to (1024, 1, 14, 14) step (32, 1, 1, 14)
func.func @strided_input_bytes(%in: memref<1x28x28x512xf32>, %out: memref<1x14x14x1024xf32>) {
  %wt = memref.get_global @wdown : memref<1024x1x1x512xf32>
  linalg.generic {indexing_maps = [#x1, #w, #o],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel",
                                    "reduction", "reduction", "reduction"]}
      ins(%in, %wt : memref<1x28x28x512xf32>, memref<1024x1x1x512xf32>)
      outs(%out : memref<1x14x14x1024xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

#mA = affine_map<(m, n, k) -> (m, k)>
#mB = affine_map<(m, n, k) -> (k, n)>
#mC = affine_map<(m, n, k) -> (m, n)>
memref.global "private" constant @fc : memref<512x512xf32> = dense<0.5>

// Tests that a matrix-vector product over 1 MB of constant weights (tiles of
// 64 lanes, each block one stream of 512 steps x 64 elements) prefetches its
// own stream 2 KB (512 elements) ahead: at every chunk of 4 steps (the loop
// unrolled) the chunk's 16 lines, that far on, and not the next block.
// CHECK-LABEL: func @matvec_stream_ahead
// CHECK:       memref.collapse_shape %{{.*}} into memref<262144xf32>
// CHECK:       scf.forall ({{.*}}) = (0, 0) to (1, 512) step (1, 64)
// CHECK:         scf.for %[[K:.*]] = %{{.*}} to %c512 step %c4
// CHECK:           %[[CHUNK:.*]] = arith.divui %[[K]], %c4
// CHECK:           %[[BLOCK:.*]] = arith.divui
// CHECK:           %[[FIRST:.*]] = arith.muli %[[BLOCK]], %c32768
// CHECK:           %[[STEP:.*]] = arith.muli %[[CHUNK]], %c256
// CHECK:           %[[AT:.*]] = arith.addi %[[FIRST]], %[[STEP]]
// CHECK:           arith.addi %[[AT]], %c512
// CHECK-COUNT-16:  memref.prefetch %{{.*}}, read, locality<2>, data : memref<262144xf32>
// CHECK-NOT:       memref.prefetch
// CHECK-COUNT-4:   vector.fma
// CHECK-NOT:       memref.prefetch
// CHECK:           scf.yield
func.func @matvec_stream_ahead(%a: memref<1x512xf32>, %out: memref<1x512xf32>) {
  %b = memref.get_global @fc : memref<512x512xf32>
  linalg.generic {indexing_maps = [#mA, #mB, #mC],
                  iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<1x512xf32>, memref<512x512xf32>)
      outs(%out : memref<1x512xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Tests that a matmul whose row tiles cycle innermost over 1 MB of packed
// constant weights, and whose `a` (512x1024, 2 MB) is more than 1 MB, goes
// in row panels: two of 19 tiles of 14 rows (266 rows, the last panel 246),
// the panels the outermost tile loop and each panel's row tiles a serial
// loop inside the tile, the last tile of 8 rows a case of it; with `a` of
// 1 MB (256x1024) the rows cycle in the tile loop itself.
#pA = affine_map<(m, n, k) -> (m, k)>
#pB = affine_map<(m, n, k) -> (k, n)>
#pC = affine_map<(m, n, k) -> (m, n)>
memref.global "private" constant @w1mb : memref<1024x256xf32> = dense<0.5>
// CHECK-LABEL: func @row_panels
// CHECK:       scf.forall (%[[P:.*]], %{{.*}}) = (0, 0) to (512, 256) step (266, 32)
// CHECK:         %[[END:.*]] = arith.addi %[[P]], %c266
// CHECK:         %[[HI:.*]] = arith.minui %[[END]], %c512
// CHECK:         scf.for %[[R:.*]] = %[[P]] to %[[HI]] step %c14
// CHECK:           arith.cmpi eq, %[[R]], %c504
// CHECK-COUNT-8:   vector.fma
// CHECK:           } else {
// CHECK-COUNT-14:  vector.fma
// CHECK-LABEL: func @one_panel
// CHECK:       scf.forall ({{.*}}) = (0, 0) to (256, 256) step (32, 14)
// CHECK-NOT:   scf.for {{.*}} step %c14
func.func @row_panels(%a: memref<512x1024xf32>, %out: memref<512x256xf32>) {
  %b = memref.get_global @w1mb : memref<1024x256xf32>
  linalg.generic {indexing_maps = [#pA, #pB, #pC],
                  iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<512x1024xf32>, memref<1024x256xf32>)
      outs(%out : memref<512x256xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}
func.func @one_panel(%a: memref<256x1024xf32>, %out: memref<256x256xf32>) {
  %b = memref.get_global @w1mb : memref<1024x256xf32>
  linalg.generic {indexing_maps = [#pA, #pB, #pC],
                  iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<256x1024xf32>, memref<1024x256xf32>)
      outs(%out : memref<256x256xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Tests that with AMX a channels-last bf16 1x1 convolution on a 14-wide map
// over 1024 channels takes 4 rows of a second row loop (output rows) per
// block, each tile of `b` serving two tiles of `a` (f32 tiles of 4 x 14 rows
// in a 56x32 buffer; the last 2 rows a case), and over 512 channels one
// output row of 14.
// AMX-LABEL: func @amx_second_rows
// AMX:       scf.forall ({{.*}}) = (0, 0, 0, 0) to (1, 14, 14, 32) step (1, 4, 14, 32)
// AMX:         memref.alloca() {alignment = 64 : i64} : memref<28x32xf32>
// AMX:         memref.alloca() {alignment = 64 : i64} : memref<56x32xf32>
// AMX-LABEL: func @amx_one_row
// AMX:       scf.forall ({{.*}}) = (0, 0, 0, 0) to (1, 14, 14, 32) step (1, 1, 14, 32)
// AMX:         memref.alloca() {alignment = 64 : i64} : memref<14x32xf32>
#ax = affine_map<(n, h, w, f, c) -> (n, h, w, c)>
#aw = affine_map<(n, h, w, f, c) -> (f, c)>
#ao = affine_map<(n, h, w, f, c) -> (n, h, w, f)>
memref.global "private" constant @w1024 : memref<32x1024xbf16> = dense<1.0>
memref.global "private" constant @w512 : memref<32x512xbf16> = dense<1.0>
func.func @amx_second_rows(%x: memref<1x14x14x1024xbf16>, %out: memref<1x14x14x32xf32>) {
  %w = memref.get_global @w1024 : memref<32x1024xbf16>
  linalg.generic {indexing_maps = [#ax, #aw, #ao],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %w : memref<1x14x14x1024xbf16>, memref<32x1024xbf16>)
      outs(%out : memref<1x14x14x32xf32>) {
  ^bb0(%p: bf16, %q: bf16, %acc: f32):
    %pf = arith.extf %p : bf16 to f32
    %qf = arith.extf %q : bf16 to f32
    %m = arith.mulf %pf, %qf : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  }
  return
}
func.func @amx_one_row(%x: memref<1x14x14x512xbf16>, %out: memref<1x14x14x32xf32>) {
  %w = memref.get_global @w512 : memref<32x512xbf16>
  linalg.generic {indexing_maps = [#ax, #aw, #ao],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %w : memref<1x14x14x512xbf16>, memref<32x512xbf16>)
      outs(%out : memref<1x14x14x32xf32>) {
  ^bb0(%p: bf16, %q: bf16, %acc: f32):
    %pf = arith.extf %p : bf16 to f32
    %qf = arith.extf %q : bf16 to f32
    %m = arith.mulf %pf, %qf : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Tests that with AMX a channels-last bf16 3x3 over 128 channels on a
// 28-wide map (one register block: two tiles of 14 rows) runs all four
// 32-channel chunks of its pair loop in one step, 9 taps x 4 chunks x 4
// tile multiplies between the zeroed f32 tiles and their one store (no loop
// over the channels; the tiles are not stored and reloaded per chunk), and
// that a 3x3 over 256 channels on a 14-wide map, whose block is two
// register blocks (4 output rows of 14) that share the step's tiles of `b`
// from L1, keeps one chunk per step: a loop from channel 32 in steps of 32;
// its case of the last 2 rows (one register block) takes 4 chunks a step.
// AMX-LABEL: func @amx_window_one_step
// AMX:       amx.tile_zero
// AMX-NOT:   amx.tile_store
// AMX-NOT:   scf.for
// AMX-COUNT-144: amx.tile_mulf
// AMX-NOT:   amx.tile_mulf
// AMX-COUNT-4: amx.tile_store
// AMX-NOT:   amx.tile_mulf
// AMX-LABEL: func @amx_window_chunk_steps
// AMX:       memref.alloca() {alignment = 64 : i64} : memref<28x32xf32>
// AMX:       scf.for %{{.*}} = %c128{{.*}} to %c256{{.*}} step %c128
// AMX:       memref.alloca() {alignment = 64 : i64} : memref<56x32xf32>
// AMX:       scf.for %{{.*}} = %c32{{.*}} to %c256{{.*}} step %c32
#wx = affine_map<(n, oh, ow, f, kh, kw, c) -> (n, oh + kh, ow + kw, c)>
#ww = affine_map<(n, oh, ow, f, kh, kw, c) -> (f, kh, kw, c)>
#wo = affine_map<(n, oh, ow, f, kh, kw, c) -> (n, oh, ow, f)>
memref.global "private" constant @w128 : memref<32x3x3x128xbf16> = dense<1.0>
memref.global "private" constant @w256 : memref<32x3x3x256xbf16> = dense<1.0>
func.func @amx_window_one_step(%x: memref<1x30x30x128xbf16>, %out: memref<1x28x28x32xf32>) {
  %w = memref.get_global @w128 : memref<32x3x3x128xbf16>
  linalg.generic {indexing_maps = [#wx, #ww, #wo],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
      ins(%x, %w : memref<1x30x30x128xbf16>, memref<32x3x3x128xbf16>)
      outs(%out : memref<1x28x28x32xf32>) {
  ^bb0(%p: bf16, %q: bf16, %acc: f32):
    %pf = arith.extf %p : bf16 to f32
    %qf = arith.extf %q : bf16 to f32
    %m = arith.mulf %pf, %qf : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  }
  return
}
func.func @amx_window_chunk_steps(%x: memref<1x16x16x256xbf16>, %out: memref<1x14x14x32xf32>) {
  %w = memref.get_global @w256 : memref<32x3x3x256xbf16>
  linalg.generic {indexing_maps = [#wx, #ww, #wo],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
      ins(%x, %w : memref<1x16x16x256xbf16>, memref<32x3x3x256xbf16>)
      outs(%out : memref<1x14x14x32xf32>) {
  ^bb0(%p: bf16, %q: bf16, %acc: f32):
    %pf = arith.extf %p : bf16 to f32
    %qf = arith.extf %q : bf16 to f32
    %m = arith.mulf %pf, %qf : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  }
  return
}

// -----

#pa = affine_map<(b, i, j, k) -> (b, i, k)>
#pb = affine_map<(b, i, j, k) -> (b, k floordiv 2, j * 2 + k mod 2)>
#po = affine_map<(b, i, j, k) -> (b, i, j)>

// Tests that with AMX a `b` that is an activation in row pairs ([b, k / 2,
// 2 j], an attention's keys or values after dsc-bf16-contractions) is read
// by tile loads as it is: 16 rows of pairs, 64 bytes each, at the buffer's
// row stride, no packed copy.
// AMX-LABEL: func @amx_row_paired
// AMX-NOT:   memref.get_global
// AMX:       scf.forall ({{.*}}) = (0, 0, 0) to (2, 64, 32) step (1, 32, 32)
// AMX:       amx.tile_load %arg0{{.*}} : memref<2x64x32xbf16> into !amx.tile<16x32xbf16>
// AMX:       amx.tile_load %arg1{{.*}} : memref<2x16x64xbf16> into !amx.tile<16x32xbf16>
// AMX-COUNT-2: amx.tile_mulf
// AMX:       amx.tile_load %arg1{{.*}} : memref<2x16x64xbf16> into !amx.tile<16x32xbf16>
// AMX-COUNT-2: amx.tile_mulf
func.func @amx_row_paired(%q: memref<2x64x32xbf16>, %k: memref<2x16x64xbf16>,
                          %out: memref<2x64x32xf32>) {
  linalg.generic {indexing_maps = [#pa, #pb, #po],
                  iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%q, %k : memref<2x64x32xbf16>, memref<2x16x64xbf16>)
      outs(%out : memref<2x64x32xf32>) {
  ^bb0(%x: bf16, %y: bf16, %acc: f32):
    %xf = arith.extf %x : bf16 to f32
    %yf = arith.extf %y : bf16 to f32
    %p = arith.mulf %xf, %yf : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

#mA = affine_map<(m, n, k) -> (m, k)>
#mB = affine_map<(m, n, k) -> (k, n)>
#mC = affine_map<(m, n, k) -> (m, n)>
#id = affine_map<(m, n) -> (m, n)>
#row = affine_map<(m, n) -> (n)>

// Tests that an init reading the output (dsc-accumulate-residuals: a
// residual's buffer given the bias, `out + bias`) is one kernel with the
// matmul: the accumulators start from the bias alone, the output's rows
// (the residual) are prefetched before the reduction and added after it,
// then the ReLU, one store per vector, no linalg op left.
// CHECK-LABEL: func @matmul_into_residual
// CHECK:       scf.forall
// CHECK-COUNT-4: memref.prefetch %arg2
// CHECK:       scf.for {{.*}} iter_args
// CHECK:         vector.fma
// CHECK:       vector.load %arg2
// CHECK:       arith.addf
// CHECK:       arith.maximumf {{.*}} : vector<32xf32>
// CHECK:       vector.store {{.*}}, %arg2
// CHECK-NOT:   linalg.generic
// AMX-LABEL:   func @matmul_into_residual
// AMX-NOT:     linalg.generic
func.func @matmul_into_residual(%a: memref<64x128xf32>, %b: memref<128x64xf32>,
                                %out: memref<64x64xf32>, %bias: memref<64xf32>) {
  linalg.generic {indexing_maps = [#row, #id],
                  iterator_types = ["parallel", "parallel"]}
      ins(%bias : memref<64xf32>) outs(%out : memref<64x64xf32>) {
  ^bb0(%x: f32, %o: f32):
    %s = arith.addf %o, %x : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#mA, #mB, #mC],
                  iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<64x128xf32>, memref<128x64xf32>)
      outs(%out : memref<64x64xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#id], iterator_types = ["parallel", "parallel"]}
      outs(%out : memref<64x64xf32>) {
  ^bb0(%o: f32):
    %z = arith.constant 0.0 : f32
    %r = arith.maximumf %o, %z : f32
    linalg.yield %r : f32
  }
  return
}
