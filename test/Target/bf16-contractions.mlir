// RUN: dsc-opt %s --split-input-file --dsc-bf16-contractions | FileCheck %s
// RUN: dsc-opt %s --split-input-file --dsc-bf16-contractions="pair-activations=true" --mlir-print-local-scope | FileCheck %s --check-prefix=PAIRS

// RUN: dsc-opt %s --split-input-file --dsc-bf16-contractions="f32-activations=true" | FileCheck %s --check-prefix=F32ACT
#mA = affine_map<(m, n, k) -> (m, k)>
#mB = affine_map<(m, n, k) -> (k, n)>
#mC = affine_map<(m, n, k) -> (m, n)>

// Tests that a marked matmul with constant weights reads a bf16 copy of its
// activation (one truncf loop) and the weights as a bf16 constant rounded
// to nearest even at compile time, widens both in the body and accumulates
// in f32; the result stays f32. 1.00390625 = 1 + 2^-8 is a tie between
// bf16 1.0 and 1.0078125 and rounds down to the even 1.0 (0x3F80);
// 1.01171875 = 1 + 3 * 2^-8, a tie between 1.0078125 and 1.015625, rounds up
// to the even 1.015625 (0x3F82).
// CHECK-LABEL: module attributes
// CHECK-SAME:  dsc.bf16_contractions = {MatMul = 1 : i64}
// CHECK-LABEL: func @matmul_const_weights
// CHECK:       %[[X:.*]] = linalg.generic
// CHECK:         arith.truncf %{{.*}} : f32 to bf16
// CHECK:       } -> tensor<4x1xbf16>
// CHECK:       %[[W:.*]] = arith.constant dense<{{\[}}[1.000000e+00, 1.015630e+00]{{\]}}> : tensor<1x2xbf16>
// CHECK:       linalg.generic
// CHECK-SAME:    ins(%[[X]], %[[W]] : tensor<4x1xbf16>, tensor<1x2xbf16>)
// CHECK-SAME:    dsc.contraction = "MatMul", dsc.precision = "bf16"
// CHECK:         arith.extf %{{.*}} : bf16 to f32
// CHECK:         arith.extf %{{.*}} : bf16 to f32
// CHECK:         arith.mulf
// CHECK:         arith.addf
// CHECK:       } -> tensor<4x2xf32>
func.func @matmul_const_weights(%x: tensor<4x1xf32>, %init: tensor<4x2xf32>) -> tensor<4x2xf32> {
  %w = arith.constant dense<[[1.00390625, 1.01171875]]> : tensor<1x2xf32>
  %r = linalg.generic {indexing_maps = [#mA, #mB, #mC],
                       iterator_types = ["parallel", "parallel", "reduction"]}
      {dsc.contraction = "MatMul"}
      ins(%x, %w : tensor<4x1xf32>, tensor<1x2xf32>) outs(%init : tensor<4x2xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<4x2xf32>
  return %r : tensor<4x2xf32>
}

// -----

#mA = affine_map<(m, n, k) -> (m, k)>
#mB = affine_map<(m, n, k) -> (k, n)>
#mC = affine_map<(m, n, k) -> (m, n)>

// Tests that a contraction without the mark (attention, resize weights,
// pooling: not an ONNX MatMul/Gemm/Conv) stays f32, and that a marked one
// whose accumulator is not f32 is kept and counted as kept.
// CHECK-LABEL: module attributes
// CHECK-SAME:  dsc.bf16_contractions = {}, dsc.fp32_contractions = {MatMul = 1 : i64}
// CHECK-LABEL: func @unmarked_and_f16
// CHECK-NOT:   bf16
// CHECK:       ins(%{{.*}}, %{{.*}} : tensor<4x8xf32>, tensor<8x2xf32>)
// CHECK-NOT:   bf16
// CHECK:       ins(%{{.*}}, %{{.*}} : tensor<4x8xf16>, tensor<8x2xf16>)
// CHECK-NOT:   bf16
func.func @unmarked_and_f16(%x: tensor<4x8xf32>, %w: tensor<8x2xf32>, %init: tensor<4x2xf32>,
                            %h: tensor<4x8xf16>, %hw: tensor<8x2xf16>, %hinit: tensor<4x2xf16>)
    -> (tensor<4x2xf32>, tensor<4x2xf16>) {
  %r = linalg.generic {indexing_maps = [#mA, #mB, #mC],
                       iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<4x8xf32>, tensor<8x2xf32>) outs(%init : tensor<4x2xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<4x2xf32>
  %q = linalg.generic {indexing_maps = [#mA, #mB, #mC],
                       iterator_types = ["parallel", "parallel", "reduction"]}
      {dsc.contraction = "MatMul"}
      ins(%h, %hw : tensor<4x8xf16>, tensor<8x2xf16>) outs(%hinit : tensor<4x2xf16>) {
  ^bb0(%a: f16, %b: f16, %acc: f16):
    %p = arith.mulf %a, %b : f16
    %s = arith.addf %acc, %p : f16
    linalg.yield %s : f16
  } -> tensor<4x2xf16>
  return %r, %q : tensor<4x2xf32>, tensor<4x2xf16>
}

// -----

// Tests that a named linalg.matmul (2-D MatMul) is generalized and that one
// activation read by two contractions is rounded once.
// CHECK-LABEL: module attributes
// CHECK-SAME:  dsc.bf16_contractions = {MatMul = 2 : i64}
// CHECK-LABEL: func @shared_activation
// CHECK:       arith.truncf
// CHECK-NOT:   arith.truncf
// CHECK:       dsc.precision = "bf16"
// CHECK:       dsc.precision = "bf16"
func.func @shared_activation(%x: tensor<4x8xf32>, %init: tensor<4x2xf32>)
    -> (tensor<4x2xf32>, tensor<4x2xf32>) {
  %w1 = arith.constant dense<0.5> : tensor<8x2xf32>
  %w2 = arith.constant dense<0.25> : tensor<8x2xf32>
  %r1 = linalg.matmul {dsc.contraction = "MatMul"}
      ins(%x, %w1 : tensor<4x8xf32>, tensor<8x2xf32>) outs(%init : tensor<4x2xf32>) -> tensor<4x2xf32>
  %r2 = linalg.matmul {dsc.contraction = "MatMul"}
      ins(%x, %w2 : tensor<4x8xf32>, tensor<8x2xf32>) outs(%init : tensor<4x2xf32>) -> tensor<4x2xf32>
  return %r1, %r2 : tensor<4x2xf32>, tensor<4x2xf32>
}

// -----

#x = affine_map<(n, o, h, w, c, kh, kw) -> (n, c, h + kh, w + kw)>
#w = affine_map<(n, o, h, w, c, kh, kw) -> (o, c, kh, kw)>
#y = affine_map<(n, o, h, w, c, kh, kw) -> (n, o, h, w)>

// Tests that with pair-activations (targets with vdpbf16ps) a convolution's
// input is written in channel pairs, [n, c / 2, h, w, 2], and read through
// (c floordiv 2, ..., c mod 2); the weights keep their layout (the kernel
// pass packs them). (Only for convolutions the kernel pass runs with
// vdpbf16ps along output channels: 16k of them, a reduction of >= 64.)
// PAIRS-LABEL: func @conv_pairs
// PAIRS:       linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3, d4) -> (d0, d1 * 2 + d4, d2, d3)>, affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3, d4)>]
// PAIRS:         arith.truncf
// PAIRS:       } -> tensor<1x4x6x6x2xbf16>
// PAIRS:       linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d4 floordiv 2, d2 + d5, d3 + d6, d4 mod 2)>
// PAIRS-SAME:    ins(%{{.*}}, %{{.*}} : tensor<1x4x6x6x2xbf16>, tensor<16x8x3x3xbf16>)
// CHECK-LABEL: func @conv_pairs
// CHECK-NOT:   x2xbf16
// CHECK:       ins(%{{.*}}, %{{.*}} : tensor<1x8x6x6xbf16>, tensor<16x8x3x3xbf16>)
func.func @conv_pairs(%x: tensor<1x8x6x6xf32>, %init: tensor<1x16x4x4xf32>) -> tensor<1x16x4x4xf32> {
  %w = arith.constant dense<0.5> : tensor<16x8x3x3xf32>
  %r = linalg.generic {indexing_maps = [#x, #w, #y],
                       iterator_types = ["parallel", "parallel", "parallel", "parallel",
                                         "reduction", "reduction", "reduction"]}
      {dsc.contraction = "Conv"}
      ins(%x, %w : tensor<1x8x6x6xf32>, tensor<16x8x3x3xf32>) outs(%init : tensor<1x16x4x4xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<1x16x4x4xf32>
  return %r : tensor<1x16x4x4xf32>
}

// -----

#x = affine_map<(n, o, h, w, c, kh, kw) -> (n, c, h + kh, w + kw)>
#w = affine_map<(n, o, h, w, c, kh, kw) -> (o, c, kh, kw)>
#y = affine_map<(n, o, h, w, c, kh, kw) -> (n, o, h, w)>

// Tests that an odd channel count (an RGB image) gets a zero channel in the
// input (tensor.pad) and in the weights, so the pairs are whole.
// PAIRS-LABEL: func @conv_rgb
// PAIRS:       tensor.pad
// PAIRS:       } : tensor<1x3x12x12xf32> to tensor<1x4x12x12xf32>
// PAIRS:       } -> tensor<1x2x12x12x2xbf16>
// PAIRS:       arith.constant dense<{{.*}}> : tensor<16x4x7x7xbf16>
// PAIRS:       ins(%{{.*}}, %{{.*}} : tensor<1x2x12x12x2xbf16>, tensor<16x4x7x7xbf16>)
func.func @conv_rgb(%x: tensor<1x3x12x12xf32>, %init: tensor<1x16x6x6xf32>) -> tensor<1x16x6x6xf32> {
  %w = arith.constant dense<0.5> : tensor<16x3x7x7xf32>
  %r = linalg.generic {indexing_maps = [#x, #w, #y],
                       iterator_types = ["parallel", "parallel", "parallel", "parallel",
                                         "reduction", "reduction", "reduction"]}
      {dsc.contraction = "Conv"}
      ins(%x, %w : tensor<1x3x12x12xf32>, tensor<16x3x7x7xf32>) outs(%init : tensor<1x16x6x6xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<1x16x6x6xf32>
  return %r : tensor<1x16x6x6xf32>
}

// -----

#mA = affine_map<(m, n, k) -> (m, k)>
#mB = affine_map<(m, n, k) -> (k, n)>
#mC = affine_map<(m, n, k) -> (m, n)>
#cx = affine_map<(n, h, w, f, c, kh, kw) -> (n, h + kh, w + kw, c)>
#cw = affine_map<(n, h, w, f, c, kh, kw) -> (f, kh, kw, c)>
#co = affine_map<(n, h, w, f, c, kh, kw) -> (n, h, w, f)>

// Tests that, for vdpbf16ps targets, a depthwise convolution stays f32
// (rounding its input would be a pass over the map for a few taps per
// element); that a channels-last convolution with 3 input channels (an RGB
// stem) gets a zero fourth channel in its input (its rounding padded, in
// bf16) and in its constant weights, so vdpbf16ps has whole pairs; and that a
// matrix-vector product (one output row) takes bf16 weights (its kernel
// widens them: half the bytes to stream). Without pair-activations (other
// targets) all three take bf16 inputs, unpadded.
// PAIRS:       dsc.bf16_contractions = {Conv = 1 : i64, Gemm = 1 : i64}, dsc.fp32_contractions = {Conv = 1 : i64}
// PAIRS-LABEL: func.func @f32_faster(
// PAIRS:         %[[R:.+]] = linalg.generic {{.*}} ins(%arg1 : tensor<1x8x8x3xf32>) outs(%{{.*}} : tensor<1x8x8x3xbf16>)
// PAIRS:         arith.truncf {{.*}} : f32 to bf16
// PAIRS:         %[[X:.+]] = tensor.pad %[[R]] low[0, 0, 0, 0] high[0, 0, 0, 1]
// PAIRS:         tensor<1x8x8x3xbf16> to tensor<1x8x8x4xbf16>
// PAIRS:         arith.constant dense<5.000000e-01> : tensor<64x32xbf16>
// PAIRS:         } -> tensor<1x32xf32>
// PAIRS:         arith.constant dense<"0x003F003F003F0000{{.*}}> : tensor<16x3x3x4xbf16>
// PAIRS:         linalg.generic {{.*}} ins(%[[X]], %{{.*}} : tensor<1x8x8x4xbf16>, tensor<16x3x3x4xbf16>) outs(%{{.*}} : tensor<1x6x6x16xf32>)
// PAIRS:         } -> tensor<1x6x6x16xf32>
// PAIRS-NOT:     bf16
// PAIRS:         return
// CHECK:       dsc.bf16_contractions = {Conv = 2 : i64, Gemm = 1 : i64}, dsc.fp32_contractions = {}
// CHECK-LABEL: func.func @f32_faster(
#dx = affine_map<(n, h, w, c, kh, kw) -> (n, h + kh, w + kw, c)>
#dw = affine_map<(n, h, w, c, kh, kw) -> (kh, kw, c)>
#do = affine_map<(n, h, w, c, kh, kw) -> (n, h, w, c)>
func.func @f32_faster(%v: tensor<1x64xf32>, %x: tensor<1x8x8x3xf32>, %z: tensor<1x8x8x32xf32>)
    -> (tensor<1x32xf32>, tensor<1x6x6x16xf32>, tensor<1x6x6x32xf32>) {
  %zero = arith.constant 0.0 : f32
  %w = arith.constant dense<0.5> : tensor<64x32xf32>
  %e = tensor.empty() : tensor<1x32xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<1x32xf32>) -> tensor<1x32xf32>
  %r = linalg.generic {indexing_maps = [#mA, #mB, #mC], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%v, %w : tensor<1x64xf32>, tensor<64x32xf32>) outs(%acc : tensor<1x32xf32>) attrs = {dsc.contraction = "Gemm"} {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %c, %m : f32
    linalg.yield %s : f32
  } -> tensor<1x32xf32>
  %k = arith.constant dense<0.5> : tensor<16x3x3x3xf32>
  %e2 = tensor.empty() : tensor<1x6x6x16xf32>
  %acc2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<1x6x6x16xf32>) -> tensor<1x6x6x16xf32>
  %y = linalg.generic {indexing_maps = [#cx, #cw, #co], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
      ins(%x, %k : tensor<1x8x8x3xf32>, tensor<16x3x3x3xf32>) outs(%acc2 : tensor<1x6x6x16xf32>) attrs = {dsc.contraction = "Conv"} {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %c, %m : f32
    linalg.yield %s : f32
  } -> tensor<1x6x6x16xf32>
  %dk = arith.constant dense<0.25> : tensor<3x3x32xf32>
  %e3 = tensor.empty() : tensor<1x6x6x32xf32>
  %acc3 = linalg.fill ins(%zero : f32) outs(%e3 : tensor<1x6x6x32xf32>) -> tensor<1x6x6x32xf32>
  %d = linalg.generic {indexing_maps = [#dx, #dw, #do], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
      ins(%z, %dk : tensor<1x8x8x32xf32>, tensor<3x3x32xf32>) outs(%acc3 : tensor<1x6x6x32xf32>) attrs = {dsc.contraction = "Conv"} {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %c, %m : f32
    linalg.yield %s : f32
  } -> tensor<1x6x6x32xf32>
  return %r, %y, %d : tensor<1x32xf32>, tensor<1x6x6x16xf32>, tensor<1x6x6x32xf32>
}

// -----

#mA = affine_map<(m, n, k) -> (m, k)>
#mB = affine_map<(m, n, k) -> (k, n)>
#mC = affine_map<(m, n, k) -> (m, n)>
#id = affine_map<(m, n) -> (m, n)>

// Tests a residual stream: %x feeds a matmul and, as the residual, an
// elementwise add after it. The add reads %x's bf16 copy (the one the
// matmul reads) and widens it in its body, so %x's only reader is its
// rounding and its producer need not store it in f32; the add's own result,
// which the function returns, stays f32 and is not rounded. With
// f32-activations the add reads %x itself.
// CHECK-LABEL: func @residual_reads_copy
// CHECK:       %[[X:.*]] = linalg.generic {{.*}} ins(%arg0 : tensor<4x8xf32>) outs(%{{.*}} : tensor<4x8xbf16>)
// CHECK:         arith.truncf
// CHECK:       %[[Y:.*]] = linalg.generic {{.*}} ins(%[[X]], %{{.*}} : tensor<4x8xbf16>, tensor<8x8xbf16>)
// CHECK:       linalg.generic {{.*}} ins(%[[X]] : tensor<4x8xbf16>) outs(%[[Y]] : tensor<4x8xf32>)
// CHECK-NEXT:  ^bb0(%[[IN:.*]]: bf16, %[[OUT:.*]]: f32):
// CHECK-NEXT:    %[[W:.*]] = arith.extf %[[IN]] : bf16 to f32
// CHECK-NEXT:    arith.addf %[[OUT]], %[[W]] : f32
// CHECK-NOT:   arith.truncf
// CHECK:       return
// F32ACT-LABEL: func @residual_reads_copy
// F32ACT:       linalg.generic {{.*}} ins(%arg0 : tensor<4x8xf32>) outs(%{{.*}} : tensor<4x8xf32>)
// F32ACT-NEXT:  ^bb0(%{{.*}}: f32, %{{.*}}: f32):
func.func @residual_reads_copy(%x: tensor<4x8xf32>, %init: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %w = arith.constant dense<0.5> : tensor<8x8xf32>
  %y = linalg.generic {indexing_maps = [#mA, #mB, #mC],
                       iterator_types = ["parallel", "parallel", "reduction"]}
      {dsc.contraction = "MatMul"}
      ins(%x, %w : tensor<4x8xf32>, tensor<8x8xf32>) outs(%init : tensor<4x8xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<4x8xf32>
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<4x8xf32>) outs(%y : tensor<4x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %out, %in : f32
    linalg.yield %s : f32
  } -> tensor<4x8xf32>
  return %r : tensor<4x8xf32>
}

// -----

#cx = affine_map<(n, h, w, f, c, kh, kw) -> (n, h + kh, w + kw, c)>
#cw = affine_map<(n, h, w, f, c, kh, kw) -> (f, kh, kw, c)>
#co = affine_map<(n, h, w, f, c, kh, kw) -> (n, h, w, f)>

// Tests that a zero-padded convolution input is the pad (in bf16, zero
// border) of its source's rounding, exact since rounding keeps zeros; and
// that an activation the function also returns keeps its f32 readers: the
// residual add after the convolution reads %x, not its bf16 copy.
// CHECK-LABEL: func @padded_and_returned
// CHECK:       %[[X:.*]] = linalg.generic {{.*}} ins(%arg0 : tensor<1x4x4x8xf32>) outs(%{{.*}} : tensor<1x4x4x8xbf16>)
// CHECK:       %[[P:.*]] = tensor.pad %[[X]] low[0, 1, 1, 0] high[0, 1, 1, 0]
// CHECK:         tensor.yield %{{.*}} : bf16
// CHECK:       %[[C:.*]] = linalg.generic {{.*}} ins(%[[P]], %{{.*}} : tensor<1x6x6x8xbf16>, tensor<8x3x3x8xbf16>)
// CHECK:       linalg.generic {{.*}} ins(%arg0 : tensor<1x4x4x8xf32>) outs(%[[C]] : tensor<1x4x4x8xf32>)
// CHECK-NEXT:  ^bb0(%{{.*}}: f32, %{{.*}}: f32):
// CHECK:       return %arg0,
#id = affine_map<(n, h, w, c) -> (n, h, w, c)>
func.func @padded_and_returned(%x: tensor<1x4x4x8xf32>, %init: tensor<1x4x4x8xf32>)
    -> (tensor<1x4x4x8xf32>, tensor<1x4x4x8xf32>) {
  %zero = arith.constant 0.0 : f32
  %w = arith.constant dense<0.5> : tensor<8x3x3x8xf32>
  %p = tensor.pad %x low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x4x4x8xf32> to tensor<1x6x6x8xf32>
  %c = linalg.generic {indexing_maps = [#cx, #cw, #co],
                       iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
      {dsc.contraction = "Conv"}
      ins(%p, %w : tensor<1x6x6x8xf32>, tensor<8x3x3x8xf32>) outs(%init : tensor<1x4x4x8xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  } -> tensor<1x4x4x8xf32>
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x : tensor<1x4x4x8xf32>) outs(%c : tensor<1x4x4x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %out, %in : f32
    linalg.yield %s : f32
  } -> tensor<1x4x4x8xf32>
  return %x, %r : tensor<1x4x4x8xf32>, tensor<1x4x4x8xf32>
}

// -----

#mA = affine_map<(m, n, k) -> (m, k)>
#mB = affine_map<(m, n, k) -> (k, n)>
#mC = affine_map<(m, n, k) -> (m, n)>
#id = affine_map<(m, n) -> (m, n)>
#tr = affine_map<(m, n) -> (n, m)>

// Tests a downsample: %d, a bf16 matmul's output read only by the residual
// add updating another bf16 matmul's output in place, gets a bf16 copy that
// the add widens. The add's result, read by a transpose into a new tensor
// (a layout copy to the graph's output: no update of a contraction), keeps
// its f32 reader.
// CHECK-LABEL: func @downsample_copy
// CHECK:       %[[D:.*]] = linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<4x8xbf16>, tensor<8x8xbf16>) outs(%arg1 : tensor<4x8xf32>)
// CHECK:       %[[DR:.*]] = linalg.generic {{.*}} ins(%[[D]] : tensor<4x8xf32>) outs(%{{.*}} : tensor<4x8xbf16>)
// CHECK:       %[[Y:.*]] = linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<4x8xbf16>, tensor<8x8xbf16>) outs(%arg2 : tensor<4x8xf32>)
// CHECK:       %[[R:.*]] = linalg.generic {{.*}} ins(%[[DR]] : tensor<4x8xbf16>) outs(%[[Y]] : tensor<4x8xf32>)
// CHECK:         arith.extf
// CHECK:       linalg.generic {{.*}} ins(%[[R]] : tensor<4x8xf32>) outs(%arg3 : tensor<8x4xf32>)
// CHECK-NEXT:  ^bb0(%{{.*}}: f32, %{{.*}}: f32):
// F32ACT-LABEL: func @downsample_copy
// F32ACT-NOT:   ins({{.*}} : tensor<4x8xbf16>) outs({{.*}} : tensor<4x8xf32>)
// F32ACT:       return
func.func @downsample_copy(%x: tensor<4x8xf32>, %i1: tensor<4x8xf32>, %i2: tensor<4x8xf32>,
                           %i3: tensor<8x4xf32>) -> tensor<8x4xf32> {
  %w = arith.constant dense<0.5> : tensor<8x8xf32>
  %d = linalg.generic {indexing_maps = [#mA, #mB, #mC],
                       iterator_types = ["parallel", "parallel", "reduction"]}
      {dsc.contraction = "MatMul"}
      ins(%x, %w : tensor<4x8xf32>, tensor<8x8xf32>) outs(%i1 : tensor<4x8xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<4x8xf32>
  %w2 = arith.constant dense<0.25> : tensor<8x8xf32>
  %y = linalg.generic {indexing_maps = [#mA, #mB, #mC],
                       iterator_types = ["parallel", "parallel", "reduction"]}
      {dsc.contraction = "MatMul"}
      ins(%x, %w2 : tensor<4x8xf32>, tensor<8x8xf32>) outs(%i2 : tensor<4x8xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<4x8xf32>
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%d : tensor<4x8xf32>) outs(%y : tensor<4x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %out, %in : f32
    linalg.yield %s : f32
  } -> tensor<4x8xf32>
  %t = linalg.generic {indexing_maps = [#id, #tr], iterator_types = ["parallel", "parallel"]}
      ins(%r : tensor<4x8xf32>) outs(%i3 : tensor<8x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<8x4xf32>
  return %t : tensor<8x4xf32>
}

// -----

#dx = affine_map<(n, h, w, c, kh, kw) -> (n, h + kh, w + kw, c)>
#dw = affine_map<(n, h, w, c, kh, kw) -> (kh, kw, c)>
#do = affine_map<(n, h, w, c, kh, kw) -> (n, h, w, c)>

// Tests that for vdpbf16ps targets a depthwise convolution over a map of at
// least 1 MiB in f32 (here 130x130x16) takes bf16 inputs: its producer then
// stores the rounded map, half the bytes, which outweighs the widening of
// its loads (a smaller one, read from L2, stays f32: @f32_faster).
// PAIRS:       dsc.bf16_contractions = {Conv = 1 : i64}, dsc.fp32_contractions = {}
// PAIRS-LABEL: func.func @large_depthwise(
// PAIRS:         linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<1x130x130x16xbf16>, tensor<3x3x16xbf16>)
func.func @large_depthwise(%x: tensor<1x130x130x16xf32>, %init: tensor<1x128x128x16xf32>)
    -> tensor<1x128x128x16xf32> {
  %w = arith.constant dense<0.5> : tensor<3x3x16xf32>
  %r = linalg.generic {indexing_maps = [#dx, #dw, #do],
                       iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
      {dsc.contraction = "Conv"}
      ins(%x, %w : tensor<1x130x130x16xf32>, tensor<3x3x16xf32>) outs(%init : tensor<1x128x128x16xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  } -> tensor<1x128x128x16xf32>
  return %r : tensor<1x128x128x16xf32>
}

// -----

#px = affine_map<(n, h, w, c, kh, kw) -> (n, h * 2 + kh, w * 2 + kw, c)>
#pw = affine_map<(n, h, w, c, kh, kw) -> (kh, kw)>
#po = affine_map<(n, h, w, c, kh, kw) -> (n, h, w, c)>
#cx = affine_map<(n, h, w, f, c) -> (n, h, w, c)>
#cw = affine_map<(n, h, w, f, c) -> (f, c)>
#co = affine_map<(n, h, w, f, c) -> (n, h, w, f)>

// Tests that a max pool's output read by a bf16 convolution is rounded as
// the same pool over its input's rounding (rounding is monotonic: exact):
// the pool's padded input is the pad of the source's bf16 copy (the -inf
// border rounded), the pool widens it and keeps f32 accumulators, and its
// result is rounded for the convolution; so the map before the pool (a
// stem's output) needs no f32 copy.
// CHECK-LABEL: func @max_pool
// CHECK:       %[[X:.*]] = linalg.generic {{.*}} ins(%arg0 : tensor<1x8x8x16xf32>) outs(%{{.*}} : tensor<1x8x8x16xbf16>)
// CHECK:       %[[P:.*]] = tensor.pad %[[X]] low[0, 1, 1, 0] high[0, 1, 1, 0]
// CHECK:         tensor.yield %{{.*}} : bf16
// CHECK:       %[[M:.*]] = linalg.generic {{.*}} ins(%[[P]], %{{.*}} : tensor<1x10x10x16xbf16>, tensor<3x3xf32>) outs(%{{.*}} : tensor<1x4x4x16xf32>)
// CHECK-NEXT:  ^bb0(%[[IN:.*]]: bf16, %{{.*}}: f32, %[[OUT:.*]]: f32):
// CHECK-NEXT:    %[[W:.*]] = arith.extf %[[IN]] : bf16 to f32
// CHECK-NEXT:    arith.maxnumf %[[OUT]], %[[W]] : f32
// CHECK:       %[[R:.*]] = linalg.generic {{.*}} ins(%[[M]] : tensor<1x4x4x16xf32>) outs(%{{.*}} : tensor<1x4x4x16xbf16>)
// CHECK:         arith.truncf
// CHECK:       linalg.generic {{.*}} ins(%[[R]], %{{.*}} : tensor<1x4x4x16xbf16>, tensor<16x16xbf16>)
func.func @max_pool(%x: tensor<1x8x8x16xf32>, %init: tensor<1x4x4x16xf32>) -> tensor<1x4x4x16xf32> {
  %ninf = arith.constant 0xFF800000 : f32
  %p = tensor.pad %x low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %ninf : f32
  } : tensor<1x8x8x16xf32> to tensor<1x10x10x16xf32>
  %win = tensor.empty() : tensor<3x3xf32>
  %e = tensor.empty() : tensor<1x4x4x16xf32>
  %f = linalg.fill ins(%ninf : f32) outs(%e : tensor<1x4x4x16xf32>) -> tensor<1x4x4x16xf32>
  %m = linalg.generic {indexing_maps = [#px, #pw, #po],
                       iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
      ins(%p, %win : tensor<1x10x10x16xf32>, tensor<3x3xf32>) outs(%f : tensor<1x4x4x16xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %mx = arith.maxnumf %o, %a : f32
    linalg.yield %mx : f32
  } -> tensor<1x4x4x16xf32>
  %w = arith.constant dense<0.5> : tensor<16x16xf32>
  %c = linalg.generic {indexing_maps = [#cx, #cw, #co],
                       iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]}
      {dsc.contraction = "Conv"}
      ins(%m, %w : tensor<1x4x4x16xf32>, tensor<16x16xf32>) outs(%init : tensor<1x4x4x16xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %mm = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %mm : f32
    linalg.yield %s : f32
  } -> tensor<1x4x4x16xf32>
  return %c : tensor<1x4x4x16xf32>
}

// -----

#qa = affine_map<(b, i, j, k) -> (b, i, k)>
#qb = affine_map<(b, i, j, k) -> (b, k, j)>
#qo = affine_map<(b, i, j, k) -> (b, i, j)>

// Tests that an attention's scores contraction (two activations, kind
// AttentionMatMul) takes bf16 inputs; for vdpbf16ps its `b` (the keys, [b,
// k, j]) is rounded into row pairs, [b, k / 2, j, 2] collapsed to [b, k / 2,
// 2 j] and read through (k floordiv 2, j * 2 + k mod 2), the layout the
// kernels pack constant weights into; elsewhere it is rounded as it is.
// CHECK-LABEL: module attributes
// CHECK-SAME:  dsc.bf16_contractions = {AttentionMatMul = 1 : i64}
// CHECK-LABEL: func @scores
// CHECK:       %[[K:.+]] = linalg.generic
// CHECK-SAME:  ins(%arg1 : tensor<2x8x32xf32>) outs(%{{.+}} : tensor<2x8x32xbf16>)
// CHECK:       ins(%{{.+}}, %[[K]] : tensor<2x4x8xbf16>, tensor<2x8x32xbf16>)
// PAIRS-LABEL: func @scores
// PAIRS:       %[[P:.+]] = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1 * 2 + d3, d2)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>]
// PAIRS-SAME:  ins(%arg1 : tensor<2x8x32xf32>) outs(%{{.+}} : tensor<2x4x32x2xbf16>)
// PAIRS:         arith.truncf
// PAIRS:       %[[C:.+]] = tensor.collapse_shape %[[P]] {{\[\[}}0], [1], [2, 3]] : tensor<2x4x32x2xbf16> into tensor<2x4x64xbf16>
// PAIRS:       linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d3 floordiv 2, d2 * 2 + d3 mod 2)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>]
// PAIRS-SAME:  ins(%{{.+}}, %[[C]] : tensor<2x4x8xbf16>, tensor<2x4x64xbf16>)
// PAIRS-SAME:  dsc.contraction = "AttentionMatMul", dsc.precision = "bf16"
func.func @scores(%q: tensor<2x4x8xf32>, %k: tensor<2x8x32xf32>,
                  %init: tensor<2x4x32xf32>) -> tensor<2x4x32xf32> {
  %r = linalg.generic {indexing_maps = [#qa, #qb, #qo],
                       iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      {dsc.contraction = "AttentionMatMul"}
      ins(%q, %k : tensor<2x4x8xf32>, tensor<2x8x32xf32>) outs(%init : tensor<2x4x32xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<2x4x32xf32>
  return %r : tensor<2x4x32xf32>
}
