//===- Passes.td - dsc graph fusion passes ------------------*- tablegen -*-===//
#ifndef DSC_PASSES_FUSION_PASSES
#define DSC_PASSES_FUSION_PASSES

include "mlir/Pass/PassBase.td"

def DSCFoldBatchNorm : Pass<"dsc-fold-batch-norm"> {
  let summary = "Fold inference batch normalization into the preceding conv";
  let description = [{
    `batch_norm(conv(x, W, b), scale, bias, mean, var)` with constant
    weights, bias and statistics, where the conv has no other use, becomes
    `conv(x, W', b')` with `W'[m] = W[m] * s[m]`, `b'[m] = (b[m] - mean[m]) *
    s[m] + bias[m]` and `s = scale / sqrt(var + epsilon)`, computed at
    compile time in double precision. The new conv carries both ops'
    locations.
  }];
  let dependentDialects = ["mlir::arith::ArithDialect"];
}

#endif // DSC_PASSES_FUSION_PASSES
