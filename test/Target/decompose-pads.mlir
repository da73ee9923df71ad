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

// Tests that a convolution reading a zero pad records where the pad's
// border is (per input: low widths, then high widths; none for the
// weights), for dsc-contraction-kernels to leave those products out, and
// that a pad with another value (a max pool's -inf) records nothing.
// CHECK-LABEL: func.func @conv_reads_pad(
// CHECK:         linalg.generic
// CHECK-SAME:      dsc.zero_border = [array<i64: 0, 1, 1, 0, 0, 1, 1, 0>, array<i64>]
// CHECK-LABEL: func.func @max_pool_reads_pad(
// CHECK-NOT:     dsc.zero_border
#cx = affine_map<(n, oh, ow, co, kh, kw, ci) -> (n, oh + kh, ow + kw, ci)>
#cw = affine_map<(n, oh, ow, co, kh, kw, ci) -> (co, kh, kw, ci)>
#cy = affine_map<(n, oh, ow, co, kh, kw, ci) -> (n, oh, ow, co)>
func.func @conv_reads_pad(%x: tensor<1x7x7x8xf32>, %w: tensor<16x3x3x8xf32>,
                          %init: tensor<1x7x7x16xf32>) -> tensor<1x7x7x16xf32> {
  %zero = arith.constant 0.0 : f32
  %p = tensor.pad %x low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%a: index, %b: index, %c: index, %d: index):
    tensor.yield %zero : f32
  } : tensor<1x7x7x8xf32> to tensor<1x9x9x8xf32>
  %c = linalg.generic {indexing_maps = [#cx, #cw, #cy],
                       iterator_types = ["parallel", "parallel", "parallel", "parallel",
                                         "reduction", "reduction", "reduction"]}
      ins(%p, %w : tensor<1x9x9x8xf32>, tensor<16x3x3x8xf32>) outs(%init : tensor<1x7x7x16xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %o, %m : f32
    linalg.yield %s : f32
  } -> tensor<1x7x7x16xf32>
  return %c : tensor<1x7x7x16xf32>
}

#px = affine_map<(n, oh, ow, c, kh, kw) -> (n, oh + kh, ow + kw, c)>
#pw = affine_map<(n, oh, ow, c, kh, kw) -> (kh, kw)>
#py = affine_map<(n, oh, ow, c, kh, kw) -> (n, oh, ow, c)>
func.func @max_pool_reads_pad(%x: tensor<1x7x7x8xf32>, %win: tensor<3x3xf32>,
                              %init: tensor<1x7x7x8xf32>) -> tensor<1x7x7x8xf32> {
  %ninf = arith.constant 0xFF800000 : f32
  %p = tensor.pad %x low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%a: index, %b: index, %c: index, %d: index):
    tensor.yield %ninf : f32
  } : tensor<1x7x7x8xf32> to tensor<1x9x9x8xf32>
  %m = linalg.generic {indexing_maps = [#px, #pw, #py],
                       iterator_types = ["parallel", "parallel", "parallel", "parallel",
                                         "reduction", "reduction"]}
      ins(%p, %win : tensor<1x9x9x8xf32>, tensor<3x3xf32>) outs(%init : tensor<1x7x7x8xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %r = arith.maximumf %o, %a : f32
    linalg.yield %r : f32
  } -> tensor<1x7x7x8xf32>
  return %m : tensor<1x7x7x8xf32>
}

// Tests that the border is also recorded on a convolution that reads the
// pad through its bf16 rounding (--precision=bf16): truncation keeps zeros.
// CHECK-LABEL: func.func @conv_reads_rounded_pad(
// CHECK:         arith.truncf
// CHECK:         linalg.generic
// CHECK-SAME:      dsc.zero_border = [array<i64: 0, 1, 1, 0, 0, 1, 1, 0>, array<i64>]
#rid = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
func.func @conv_reads_rounded_pad(%x: tensor<1x7x7x8xf32>, %w: tensor<16x3x3x8xbf16>,
                                  %init: tensor<1x7x7x16xf32>) -> tensor<1x7x7x16xf32> {
  %zero = arith.constant 0.0 : f32
  %p = tensor.pad %x low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%a: index, %b: index, %c: index, %d: index):
    tensor.yield %zero : f32
  } : tensor<1x7x7x8xf32> to tensor<1x9x9x8xf32>
  %e = tensor.empty() : tensor<1x9x9x8xbf16>
  %r = linalg.generic {indexing_maps = [#rid, #rid], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%p : tensor<1x9x9x8xf32>) outs(%e : tensor<1x9x9x8xbf16>) {
  ^bb0(%in: f32, %out: bf16):
    %t = arith.truncf %in : f32 to bf16
    linalg.yield %t : bf16
  } -> tensor<1x9x9x8xbf16>
  %c = linalg.generic {indexing_maps = [#cx, #cw, #cy],
                       iterator_types = ["parallel", "parallel", "parallel", "parallel",
                                         "reduction", "reduction", "reduction"]}
      ins(%r, %w : tensor<1x9x9x8xbf16>, tensor<16x3x3x8xbf16>) outs(%init : tensor<1x7x7x16xf32>) {
  ^bb0(%a: bf16, %b: bf16, %o: f32):
    %af = arith.extf %a : bf16 to f32
    %bf = arith.extf %b : bf16 to f32
    %m = arith.mulf %af, %bf : f32
    %s = arith.addf %o, %m : f32
    linalg.yield %s : f32
  } -> tensor<1x7x7x16xf32>
  return %c : tensor<1x7x7x16xf32>
}

// Tests that the bf16 rounding of a zero pad becomes a zero pad of the
// rounded source (the same values): the rounding then reads the producer's
// own output, which dsc-contraction-kernels stores from its registers, and
// the border is filled with bf16 zeros. The padded tensor is created before
// the chain that writes the rounded source (here its producer), since that
// kernel will write the interior.
// CHECK-LABEL: func.func @rounding_before_pad(
// CHECK:         %[[E:.*]] = tensor.empty() : tensor<1x9x9x8xbf16>
// CHECK:         %[[R:.*]] = linalg.generic
// CHECK:           arith.maximumf
// CHECK:         linalg.fill ins(%{{.*}} : bf16)
// CHECK:         linalg.generic {{.*}} ins(%[[R]] : tensor<1x7x7x8xf32>) outs(%{{.*}} : tensor<1x7x7x8xbf16>)
// CHECK-NEXT:    ^bb0
// CHECK-NEXT:      arith.truncf %{{.*}} : f32 to bf16
// CHECK-NOT:     tensor<1x9x9x8xf32>
#rp = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
func.func @rounding_before_pad(%x: tensor<1x7x7x8xf32>) -> tensor<1x9x9x8xbf16> {
  %zero = arith.constant 0.0 : f32
  %e0 = tensor.empty() : tensor<1x7x7x8xf32>
  %relu = linalg.generic {indexing_maps = [#rp, #rp], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x : tensor<1x7x7x8xf32>) outs(%e0 : tensor<1x7x7x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %zero : f32
    linalg.yield %m : f32
  } -> tensor<1x7x7x8xf32>
  %p = tensor.pad %relu low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%a: index, %b: index, %c: index, %d: index):
    tensor.yield %zero : f32
  } : tensor<1x7x7x8xf32> to tensor<1x9x9x8xf32>
  %e = tensor.empty() : tensor<1x9x9x8xbf16>
  %r = linalg.generic {indexing_maps = [#rp, #rp], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%p : tensor<1x9x9x8xf32>) outs(%e : tensor<1x9x9x8xbf16>) {
  ^bb0(%in: f32, %out: bf16):
    %t = arith.truncf %in : f32 to bf16
    linalg.yield %t : bf16
  } -> tensor<1x9x9x8xbf16>
  return %r : tensor<1x9x9x8xbf16>
}
