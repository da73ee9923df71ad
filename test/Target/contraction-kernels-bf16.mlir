// RUN: dsc-opt %s --split-input-file --dsc-contraction-kernels="bf16-dot=true" | FileCheck %s --check-prefix=DOT
// RUN: dsc-opt %s --split-input-file --dsc-contraction-kernels | FileCheck %s --check-prefix=FMA

#mA = affine_map<(m, n, k) -> (m, k)>
#mB = affine_map<(m, n, k) -> (k, n)>
#mC = affine_map<(m, n, k) -> (m, n)>
memref.global "private" constant @w : memref<64x32xbf16> = dense<0.5>

// Tests that a bf16 matmul (--precision=bf16) with constant weights becomes
// vdpbf16ps on AVX512-BF16: the weights re-laid as [n / 32][k / 2][32 * 2]
// (a pair of k per lane, two 16-lane columns per row), k stepping by 2,
// a[m, k : k + 2] loaded as one 32-bit word broadcast to every lane, and
// one x86vector.avx512.dot per column accumulating its 16 f32 lanes.
// DOT-LABEL: memref.global "private" constant @w_pairs1_0x32 : memref<1x32x64xbf16>
// DOT-LABEL: func @matmul_bf16
// DOT:       scf.forall
// DOT:       scf.for %{{.*}} = %{{.*}} to %{{.*}} step %c2{{.*}} iter_args
// DOT:         vector.load %{{.*}} : memref<16x64xbf16>, vector<2xbf16>
// DOT:         vector.bitcast {{.*}} : vector<2xbf16> to vector<1xi32>
// DOT:         vector.broadcast {{.*}} : i32 to vector<32xi32>
// DOT:         vector.bitcast {{.*}} : vector<32xi32> to vector<64xbf16>
// DOT:         vector.load %{{.*}} : memref<1x32x64xbf16>, vector<64xbf16>
// DOT:         x86vector.avx512.dot {{.*}} : vector<32xbf16> -> vector<16xf32>
// DOT:         vector.insert_strided_slice {{.*}} {offsets = [0], strides = [1]} : vector<16xf32> into vector<32xf32>
// DOT:         x86vector.avx512.dot {{.*}} : vector<32xbf16> -> vector<16xf32>
// DOT:         vector.insert_strided_slice {{.*}} {offsets = [16], strides = [1]} : vector<16xf32> into vector<32xf32>
// DOT-NOT:   vector.fma
// Without AVX512-BF16 the same contraction widens the bf16 inputs and
// uses f32 FMAs.
// FMA-LABEL: func @matmul_bf16
// FMA:       scf.for
// FMA:         memref.load %{{.*}} : memref<16x64xbf16>
// FMA:         arith.extf {{.*}} : bf16 to f32
// FMA:         arith.extf {{.*}} : vector<32xbf16> to vector<32xf32>
// FMA:         vector.fma
// FMA-NOT:   x86vector
func.func @matmul_bf16(%a: memref<16x64xbf16>, %out: memref<16x32xf32>) {
  %b = memref.get_global @w : memref<64x32xbf16>
  linalg.generic {indexing_maps = [#mA, #mB, #mC],
                  iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<16x64xbf16>, memref<64x32xbf16>)
      outs(%out : memref<16x32xf32>) {
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
memref.global "private" constant @w24 : memref<64x24xbf16> = dense<0.5>

// Tests that 24 output columns (no whole 32- or 16-lane tiling) still take
// vdpbf16ps: 16-lane tiles, the weights padded with zeros to two whole
// blocks ([2][32][32], unmasked loads), and only the output of the last
// tile (8 valid lanes) masked.
// DOT-LABEL: memref.global "private" constant @w24_pairs1_0x16 : memref<2x32x32xbf16>
// DOT-SAME:  003F003F00000000
// DOT-LABEL: func @matmul_bf16_masked
// DOT:       scf.forall {{.*}} step (16, 16)
// DOT:         vector.create_mask {{.*}} : vector<16xi1>
// DOT:         vector.maskedload %arg1
// DOT:         scf.for
// DOT-NOT:       vector.maskedload
// DOT:           vector.load %{{.*}} : memref<2x32x32xbf16>, vector<32xbf16>
// DOT:           x86vector.avx512.dot
// DOT:         vector.maskedstore %arg1
// DOT-NOT:   vector.fma
func.func @matmul_bf16_masked(%a: memref<16x64xbf16>, %out: memref<16x24xf32>) {
  %b = memref.get_global @w24 : memref<64x24xbf16>
  linalg.generic {indexing_maps = [#mA, #mB, #mC],
                  iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<16x64xbf16>, memref<64x24xbf16>)
      outs(%out : memref<16x24xf32>) {
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

// Tests that a bf16 contraction vdpbf16ps cannot take (an odd reduction:
// no whole pairs) still becomes a vector kernel, with f32 FMAs of the
// widened inputs, on an AVX512-BF16 target too.
// DOT-LABEL: func @odd_k
// DOT:       arith.extf {{.*}} : vector<16xbf16> to vector<16xf32>
// DOT:       vector.fma
// DOT-NOT:   x86vector.avx512.dot
func.func @odd_k(%a: memref<8x7xbf16>, %b: memref<7x16xbf16>, %out: memref<8x16xf32>) {
  linalg.generic {indexing_maps = [#mA, #mB, #mC],
                  iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<8x7xbf16>, memref<7x16xbf16>)
      outs(%out : memref<8x16xf32>) {
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

#x = affine_map<(n, o, h, w, c, kh, kw) -> (n, c floordiv 2, h + kh, w + kw, c mod 2)>
#w = affine_map<(n, o, h, w, c, kh, kw) -> (o, c, kh, kw)>
#y = affine_map<(n, o, h, w, c, kh, kw) -> (n, o, h, w)>
memref.global "private" constant @cw : memref<16x16x3x3xbf16> = dense<0.25>

// Tests that a bf16 convolution whose input is in channel pairs
// ([n, c / 2, h, w, 2], dsc-bf16-contractions{pair-activations}) runs along
// its output channels with vdpbf16ps: the weights packed as pairs of input
// channels per output-channel lane, the input pair loaded as one word and
// the output gathered and scattered once per row. (16 input channels: 8
// pair steps, looped; 4 or fewer unroll like a window.)
// DOT-LABEL: memref.global "private" constant @cw_pairs0_1x16 : memref<1x3x3x8x32xbf16>
// DOT-LABEL: func @conv_pairs
// DOT:       vector.gather
// DOT:       scf.for %{{.*}} = %{{.*}} to %{{.*}} step %c2{{.*}} iter_args
// DOT:         vector.load %{{.*}} : memref<1x8x6x6x2xbf16>, vector<2xbf16>
// DOT:         x86vector.avx512.dot {{.*}} : vector<32xbf16> -> vector<16xf32>
// DOT:       vector.scatter
// FMA-LABEL: func @conv_pairs
// FMA-NOT:   x86vector
func.func @conv_pairs(%x: memref<1x8x6x6x2xbf16>, %out: memref<1x16x4x4xf32>) {
  %w = memref.get_global @cw : memref<16x16x3x3xbf16>
  linalg.generic {indexing_maps = [#x, #w, #y],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel",
                                    "reduction", "reduction", "reduction"]}
      ins(%x, %w : memref<1x8x6x6x2xbf16>, memref<16x16x3x3xbf16>)
      outs(%out : memref<1x16x4x4xf32>) {
  ^bb0(%a: bf16, %b: bf16, %acc: f32):
    %af = arith.extf %a : bf16 to f32
    %bf = arith.extf %b : bf16 to f32
    %p = arith.mulf %af, %bf : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

#sx = affine_map<(n, h, w, o, c, kh, kw) -> (n, h + kh, w + kw, c)>
#sw = affine_map<(n, h, w, o, c, kh, kw) -> (o, kh, kw, c)>
#sy = affine_map<(n, h, w, o, c, kh, kw) -> (n, h, w, o)>
memref.global "private" constant @stem : memref<32x3x3x4xbf16> = dense<0.25>

// Tests that a channels-last convolution with 4 input channels (an RGB stem
// padded to whole pairs) loops over its taps and unrolls its 2 pair steps
// inside them, like an f32 stem: one body of 2 pair steps x 8 output
// columns x 2 16-lane halves, no loop over the pairs.
// DOT-LABEL: func @stem_pairs_unrolled
// DOT:       scf.forall
// DOT:       scf.for
// DOT:       scf.for
// DOT-NOT:   scf.for
// DOT-COUNT-32: x86vector.avx512.dot
// DOT-NOT:   x86vector.avx512.dot
// DOT:       scf.yield
// DOT:       vector.store
func.func @stem_pairs_unrolled(%x: memref<1x10x10x4xbf16>, %out: memref<1x8x8x32xf32>) {
  %w = memref.get_global @stem : memref<32x3x3x4xbf16>
  linalg.generic {indexing_maps = [#sx, #sw, #sy],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel",
                                    "reduction", "reduction", "reduction"]}
      ins(%x, %w : memref<1x10x10x4xbf16>, memref<32x3x3x4xbf16>)
      outs(%out : memref<1x8x8x32xf32>) {
  ^bb0(%a: bf16, %b: bf16, %acc: f32):
    %af = arith.extf %a : bf16 to f32
    %bf = arith.extf %b : bf16 to f32
    %p = arith.mulf %af, %bf : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

#pa = affine_map<(b, i, j, k) -> (b, i, k)>
#pb = affine_map<(b, i, j, k) -> (b, k floordiv 2, j * 2 + k mod 2)>
#po = affine_map<(b, i, j, k) -> (b, i, j)>

// Tests that a `b` that is an activation in row pairs ([b, k / 2, 2 j],
// dsc-bf16-contractions' copy for an attention's scores) takes vdpbf16ps
// as it is: no packed global, one 64-element load per step of k (both
// columns' pairs) at (k / 2, 2 j). Without AVX512-BF16 the f32 FMA path
// reads it at element stride 2 (masked at the row's end).
// DOT-LABEL: func @row_paired
// DOT-NOT:   memref.get_global
// DOT:       scf.forall ({{.*}}) = (0, 0, 0) to (2, 64, 32)
// DOT:         vector.load %arg0{{.*}} : memref<2x64x32xbf16>, vector<2xbf16>
// DOT:         vector.load %arg1{{.*}} : memref<2x16x64xbf16>, vector<64xbf16>
// DOT:         x86vector.avx512.dot {{.*}} : vector<32xbf16> -> vector<16xf32>
// DOT:         x86vector.avx512.dot {{.*}} : vector<32xbf16> -> vector<16xf32>
// FMA-LABEL: func @row_paired
// FMA:         vector.maskedload %arg1{{.*}} : memref<2x16x64xbf16>, vector<64xi1>, vector<64xbf16> into vector<64xbf16>
// FMA:         vector.fma
func.func @row_paired(%q: memref<2x64x32xbf16>, %k: memref<2x16x64xbf16>,
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
