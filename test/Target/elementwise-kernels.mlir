// RUN: dsc-opt %s --split-input-file --dsc-elementwise-kernels | FileCheck %s
// RUN: dsc-opt %s --split-input-file --dsc-elementwise-kernels="vector-bits=128" | FileCheck %s --check-prefix=NEON

#id = affine_map<(n, h, w, c) -> (n, h, w, c)>
#chan = affine_map<(n, h, w, c) -> (n, 0, 0, c)>

// Tests that a squeeze-and-excitation multiply (a 7x7x576 map times a
// per-channel scale) becomes one forall over rows and 16-lane tiles of the
// channels: the map read as vectors, the scale as vectors too (its index
// along the channels is the vector loop), the output stored once per tile;
// 576 = 36 x 16 needs no mask. No linalg op is left.
// CHECK-LABEL: func @se_multiply
// CHECK:       scf.forall (%[[N:.+]], %[[H:.+]], %[[W:.+]], %[[C:.+]]) = (0, 0, 0, 0) to (1, 7, 7, 576) step (1, 1, 1, 16)
// CHECK-DAG:     %[[S:.+]] = vector.load %arg0[%[[N]], %{{.+}}, %{{.+}}, %[[C]]] : memref<1x1x1x576xf32>, vector<16xf32>
// CHECK-DAG:     %[[X:.+]] = vector.load %arg1[%[[N]], %[[H]], %[[W]], %[[C]]] : memref<1x7x7x576xf32>, vector<16xf32>
// CHECK:         %[[P:.+]] = arith.mulf %[[S]], %[[X]] : vector<16xf32>
// CHECK:         vector.store %[[P]], %arg1[%[[N]], %[[H]], %[[W]], %[[C]]]
// CHECK-NOT:   linalg.generic
// NEON-LABEL: func @se_multiply
// NEON:       scf.forall {{.*}} step (1, 1, 1, 4)
// NEON:         arith.mulf {{.*}} : vector<4xf32>
func.func @se_multiply(%s: memref<1x1x1x576xf32>, %x: memref<1x7x7x576xf32>) {
  linalg.generic {indexing_maps = [#chan, #id, #id],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%s, %x : memref<1x1x1x576xf32>, memref<1x7x7x576xf32>)
      outs(%x : memref<1x7x7x576xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %m = arith.mulf %a, %b : f32
    linalg.yield %m : f32
  }
  return
}

// -----

#id3 = affine_map<(c, h, w) -> (c, h, w)>
#perc = affine_map<(c, h, w) -> (c)>

// Tests that an NCHW map with 7-wide rows takes one masked 16-lane tile per
// row (7 valid lanes), that an operand indexed only by outer loops is one
// scalar load broadcast to every lane, and that an op reading its output
// loads it through the same mask.
// CHECK-LABEL: func @masked_rows
// CHECK:       scf.forall (%[[C:.+]], %[[H:.+]], %[[W:.+]]) = (0, 0, 0) to (8, 7, 7) step (1, 1, 16)
// CHECK:         %[[R:.+]] = arith.subi %c7, %[[W]]
// CHECK:         %[[V:.+]] = arith.minsi %[[R]], %c16
// CHECK:         %[[M:.+]] = vector.create_mask %[[V]] : vector<16xi1>
// CHECK:         %[[O:.+]] = vector.maskedload %arg1[%[[C]], %[[H]], %[[W]]], %[[M]]
// CHECK:         %[[B:.+]] = memref.load %arg0[%[[C]]]
// CHECK:         %[[BB:.+]] = vector.broadcast %[[B]] : f32 to vector<16xf32>
// CHECK:         %[[SUM:.+]] = arith.addf %[[O]], %[[BB]] : vector<16xf32>
// CHECK:         vector.maskedstore %arg1[%[[C]], %[[H]], %[[W]]], %[[M]], %[[SUM]]
func.func @masked_rows(%bias: memref<8xf32>, %x: memref<8x7x7xf32>) {
  linalg.generic {indexing_maps = [#perc, #id3],
                  iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%bias : memref<8xf32>) outs(%x : memref<8x7x7xf32>) {
  ^bb0(%b: f32, %o: f32):
    %s = arith.addf %o, %b : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Tests that rounding to bf16 (an input of a bf16 convolution) takes 16
// lanes, the widest element type's count, and that a fill broadcasts its
// scalar.
// CHECK-LABEL: func @truncf_and_fill
// CHECK:       scf.forall {{.*}} to (1, 14, 14, 96) step (1, 1, 1, 16)
// CHECK:         %[[X:.+]] = vector.load %arg0{{.*}} : memref<1x14x14x96xf32>, vector<16xf32>
// CHECK:         %[[T:.+]] = arith.truncf %[[X]] : vector<16xf32> to vector<16xbf16>
// CHECK:         vector.store %[[T]], %arg1
// CHECK:       scf.forall {{.*}} to (4, 32) step (1, 16)
// CHECK:         %[[Z:.+]] = vector.broadcast %{{.+}} : f32 to vector<16xf32>
// CHECK:         vector.store %[[Z]], %arg2
#id4 = affine_map<(n, h, w, c) -> (n, h, w, c)>
func.func @truncf_and_fill(%x: memref<1x14x14x96xf32>, %y: memref<1x14x14x96xbf16>,
                           %z: memref<4x32xf32>) {
  linalg.generic {indexing_maps = [#id4, #id4],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x : memref<1x14x14x96xf32>) outs(%y : memref<1x14x14x96xbf16>) {
  ^bb0(%a: f32, %o: bf16):
    %t = arith.truncf %a : f32 to bf16
    linalg.yield %t : bf16
  }
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%z : memref<4x32xf32>)
  return
}

// -----

#nchw = affine_map<(n, c, h, w) -> (n, c, h, w)>
#toNhwc = affine_map<(n, c, h, w) -> (n, h, w, c)>

// Tests what stays for the loop lowering: a transpose into 3 channels of 4
// positions a row (3 of 16 rows of a transpose tile, fewer positions than a
// run of 16: see @few_channels), an
// op reading bools, an op whose vector loop has one
// iteration, and an integer division (divided lane by lane, a masked-off
// lane's zero divisor would trap).
// CHECK-LABEL: func @left_alone
// CHECK-NOT:   scf.forall
// CHECK-COUNT-4: linalg.generic
func.func @left_alone(%x: memref<1x3x4x4xf32>, %y: memref<1x4x4x3xf32>,
                      %c: memref<16xi1>, %a: memref<16xf32>,
                      %p: memref<8x1xf32>, %i: memref<10xi32>,
                      %j: memref<10xi32>) {
  linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>],
                  iterator_types = ["parallel"]}
      ins(%i : memref<10xi32>) outs(%j : memref<10xi32>) {
  ^bb0(%v: i32, %o: i32):
    %q = arith.divsi %o, %v : i32
    linalg.yield %q : i32
  }
  linalg.generic {indexing_maps = [#nchw, #toNhwc],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x : memref<1x3x4x4xf32>) outs(%y : memref<1x4x4x3xf32>) {
  ^bb0(%v: f32, %o: f32):
    linalg.yield %v : f32
  }
  linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>],
                  iterator_types = ["parallel"]}
      ins(%c : memref<16xi1>) outs(%a : memref<16xf32>) {
  ^bb0(%v: i1, %o: f32):
    %z = arith.constant 0.0 : f32
    %s = arith.select %v, %o, %z : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>],
                  iterator_types = ["parallel", "parallel"]}
      outs(%p : memref<8x1xf32>) {
  ^bb0(%o: f32):
    %n = arith.negf %o : f32
    linalg.yield %n : f32
  }
  return
}

// -----

#src = affine_map<(i, j) -> (j, i)>
#dst = affine_map<(i, j) -> (i, j)>

// Tests that a transpose (the input contiguous along i, the output along j)
// becomes one forall over 16x16 tiles: 16 loads along i (masked to the 40-16k
// valid lanes; rows past j's end clamped to row 32), 4 rounds of 8 pairs of
// interleaving shuffles, 16 stores along j (masked to 33-16k lanes), those
// past i's end skipped. With 4 lanes (AArch64) the tiles are 4x4, 2 rounds.
// CHECK-LABEL: func @transpose
// CHECK:       scf.forall (%{{.*}}, %{{.*}}) = (0, 0) to (40, 33) step (16, 16)
// CHECK-COUNT-16: vector.maskedload %arg0
// CHECK-COUNT-64: vector.shuffle
// CHECK:         vector.maskedstore %arg1
// CHECK-COUNT-15: scf.if
// CHECK-NOT:   linalg.generic
// NEON-LABEL: func @transpose
// NEON:       scf.forall {{.*}} step (4, 4)
// NEON-COUNT-8: vector.shuffle {{.*}} : vector<4xf32>, vector<4xf32>
// NEON-NOT:     vector.shuffle
func.func @transpose(%x: memref<33x40xf32>, %y: memref<40x33xf32>) {
  linalg.generic {indexing_maps = [#src, #dst],
                  iterator_types = ["parallel", "parallel"]}
      ins(%x : memref<33x40xf32>) outs(%y : memref<40x33xf32>) {
  ^bb0(%a: f32, %o: f32):
    linalg.yield %a : f32
  }
  return
}

// -----

#nchw3 = affine_map<(n, c, h, w) -> (n, c, h, w)>
#nhwc3 = affine_map<(n, c, h, w) -> (n, h, w, c)>
#id3 = affine_map<(n, h, w, c) -> (n, h, w, c)>

// Tests that an output of few channels (at most 4) whose positions step by
// at most 4 elements takes runs of 16 positions: an NCHW image made
// channels-last loads 16 positions of each channel plane (masked to the
// 40 - 16k valid ones), joins the three and shuffles them into position
// order, one 48-lane store; its rounding into a padded 4-channel bf16
// buffer loads 16 positions x 3 channels at once (masked to 20 - 16k), the
// body on the whole run, stored through a mask that skips every 4th lane
// (the pad channel, written by the fill, which stores only those lanes).
// CHECK-LABEL: func @few_channels
// NEON-LABEL: func @few_channels
// NEON:       scf.forall ({{.*}}) = (0, 0, 0, 0) to (1, 1, 8, 40) step (1, 1, 1, 4)
// NEON:         vector.store %{{.*}}, %arg1{{.*}} : memref<1x8x40x3xf32>, vector<12xf32>
// CHECK:       scf.forall ({{.*}}) = (0, 0, 0, 0) to (1, 1, 8, 40) step (1, 1, 1, 16)
// CHECK-COUNT-3: vector.maskedload %arg0{{.*}} : memref<1x3x8x40xf32>, vector<16xi1>, vector<16xf32>
// CHECK:         vector.shuffle {{.*}} : vector<16xf32>, vector<16xf32>
// CHECK:         vector.shuffle {{.*}} : vector<32xf32>, vector<16xf32>
// CHECK:         %[[R:.+]] = vector.shuffle %{{.*}}, %{{.*}} [0, 16, 32, 1, 17, 33, 2, {{.*}}] : vector<48xf32>, vector<48xf32>
// CHECK:         vector.maskedstore %arg1{{.*}}, %[[R]] : memref<1x8x40x3xf32>, vector<48xi1>, vector<48xf32>
// CHECK:       scf.forall ({{.*}}) = (0, 0, 0, 0) to (1, 8, 20, 1) step (1, 1, 16, 1)
// CHECK:         %[[X:.+]] = vector.maskedload %{{.*}} : memref<1x8x20x3xf32, strided<[960, 120, 3, 1]>>, vector<48xi1>, vector<48xf32>
// CHECK:         %[[S:.+]] = vector.shuffle %[[X]], %[[X]] [0, 1, 2, 0, 3, 4, 5, 0, 6, {{.*}}] : vector<48xf32>, vector<48xf32>
// CHECK:         %[[T:.+]] = arith.truncf %[[S]] : vector<64xf32> to vector<64xbf16>
// CHECK:         %[[G:.+]] = arith.constant dense<[true, true, true, false, true, {{.*}}]> : vector<64xi1>
// CHECK:         %[[M:.+]] = arith.andi %[[G]], %{{.*}} : vector<64xi1>
// CHECK:         vector.maskedstore %{{.*}}, %[[M]], %[[T]] : memref<1x8x20x3xbf16, strided<[640, 80, 4, 1]>>, vector<64xi1>, vector<64xbf16>
// CHECK:       scf.forall ({{.*}}) = (0, 0, 0, 0) to (1, 8, 20, 1) step (1, 1, 16, 1)
// CHECK:         arith.constant dense<[true, false, false, false, true, {{.*}}]> : vector<64xi1>
// CHECK:         vector.maskedstore {{.*}} : memref<1x8x20x1xbf16, strided<[640, 80, 4, 1], offset: 3>>, vector<64xi1>, vector<64xbf16>
// CHECK-NOT:   linalg.generic
// CHECK-NOT:   linalg.fill
func.func @few_channels(%x: memref<1x3x8x40xf32>, %y: memref<1x8x40x3xf32>,
                        %p: memref<1x8x20x4xbf16>) {
  linalg.generic {indexing_maps = [#nchw3, #nhwc3],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x : memref<1x3x8x40xf32>) outs(%y : memref<1x8x40x3xf32>) {
  ^bb0(%v: f32, %o: f32):
    linalg.yield %v : f32
  }
  %in = memref.subview %y[0, 0, 0, 0] [1, 8, 20, 3] [1, 1, 1, 1]
      : memref<1x8x40x3xf32> to memref<1x8x20x3xf32, strided<[960, 120, 3, 1]>>
  %rgb = memref.subview %p[0, 0, 0, 0] [1, 8, 20, 3] [1, 1, 1, 1]
      : memref<1x8x20x4xbf16> to memref<1x8x20x3xbf16, strided<[640, 80, 4, 1]>>
  linalg.generic {indexing_maps = [#id3, #id3],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%in : memref<1x8x20x3xf32, strided<[960, 120, 3, 1]>>)
      outs(%rgb : memref<1x8x20x3xbf16, strided<[640, 80, 4, 1]>>) {
  ^bb0(%v: f32, %o: bf16):
    %t = arith.truncf %v : f32 to bf16
    linalg.yield %t : bf16
  }
  %pad = memref.subview %p[0, 0, 0, 3] [1, 8, 20, 1] [1, 1, 1, 1]
      : memref<1x8x20x4xbf16> to memref<1x8x20x1xbf16, strided<[640, 80, 4, 1], offset: 3>>
  %zero = arith.constant 0.0 : bf16
  linalg.fill ins(%zero : bf16) outs(%pad : memref<1x8x20x1xbf16, strided<[640, 80, 4, 1], offset: 3>>)
  return
}

// -----

#rows = affine_map<(b, i, n, t) -> (b, i * 2 + t, n)>
#pairs = affine_map<(b, i, n, t) -> (b, i, n, t)>

// Tests that the rounding of a matrix into row pairs (dsc-bf16-contractions'
// copy of an activation `b` for vdpbf16ps, [b, k / 2, n, 2]) is a
// few-channels op whose two channel planes are rows 2i and 2i + 1: per run
// of 16 columns one load from each row, interleaved into 32 lanes, rounded
// and stored at once.
// CHECK-LABEL: func @row_pairs
// CHECK:       scf.forall (%[[B:.+]], %[[I:.+]], %[[N:.+]], %{{.+}}) = (0, 0, 0, 0) to (2, 4, 32, 1) step (1, 1, 16, 1)
// CHECK:         %[[EVEN:.+]] = affine.apply #{{.+}}(%[[I]])
// CHECK:         vector.load %arg0[%[[B]], %[[EVEN]], %[[N]]] : memref<2x8x32xf32>, vector<16xf32>
// CHECK:         %[[ODD:.+]] = affine.apply #{{.+}}(%[[I]])
// CHECK:         vector.load %arg0[%[[B]], %[[ODD]], %[[N]]] : memref<2x8x32xf32>, vector<16xf32>
// CHECK:         %[[J:.+]] = vector.shuffle %{{.*}}, %{{.*}} [0, 1, {{.*}}, 31] : vector<16xf32>, vector<16xf32>
// CHECK:         %[[S:.+]] = vector.shuffle %[[J]], %[[J]] [0, 16, 1, 17, 2, 18, {{.*}}, 15, 31] : vector<32xf32>, vector<32xf32>
// CHECK:         %[[T:.+]] = arith.truncf %[[S]] : vector<32xf32> to vector<32xbf16>
// CHECK:         vector.store %[[T]], %arg1[%[[B]], %[[I]], %[[N]], %{{.*}}] : memref<2x4x32x2xbf16>, vector<32xbf16>
// CHECK-NOT:   linalg.generic
func.func @row_pairs(%x: memref<2x8x32xf32>, %y: memref<2x4x32x2xbf16>) {
  linalg.generic {indexing_maps = [#rows, #pairs],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x : memref<2x8x32xf32>) outs(%y : memref<2x4x32x2xbf16>) {
  ^bb0(%v: f32, %o: bf16):
    %t = arith.truncf %v : f32 to bf16
    linalg.yield %t : bf16
  }
  return
}
