// RUN: dsc-opt %s --split-input-file --verify-diagnostics

// Tests that softmax rejects a negative axis (axes are normalized at import)
// and reports it as written.
func.func @softmax_negative_axis(%x: tensor<2x10xf32>) -> tensor<2x10xf32> {
  // expected-error @+1 {{'dsc.softmax' op axis -1 is out of range for rank 2}}
  %0 = dsc.softmax %x {axis = -1 : i64} : tensor<2x10xf32>
  return %0 : tensor<2x10xf32>
}

