//===- Passes.td - dsc graph fusion passes ------------------*- tablegen -*-===//
#ifndef DSC_PASSES_FUSION_PASSES
#define DSC_PASSES_FUSION_PASSES

include "mlir/Pass/PassBase.td"

def DSCFoldBatchNorm : Pass<"dsc-fold-batch-norm"> {
  let summary = "Fold inference batch normalization into the preceding "
                "conv or gemm";
  let description = [{
    `batch_norm(conv(x, W, b), scale, bias, mean, var)` with constant
    weights, bias and statistics, where the conv has no other use, becomes
    `conv(x, W', b')` with `W'[m] = W[m] * s[m]`, `b'[m] = (b[m] - mean[m]) *
    s[m] + bias[m]` and `s = scale / sqrt(var + epsilon)`, computed at
    compile time in double precision. The new conv carries both ops'
    locations. After a gemm (BN over `[M, N]`, channels = columns), column
    `n` of `op(B)` scales by `s[n]` and the new C is
    `(beta * C - mean) * s + bias` (per column, or `[M, N]` when C has rows).
  }];
  let dependentDialects = ["mlir::arith::ArithDialect"];
}

def DSCFusePatterns : Pass<"dsc-fuse-patterns"> {
  let summary = "Recognize decomposed GELU, LayerNorm, Softmax and attention";
  let description = [{
    Replaces the primitive-op chains exporters emit with named ops:
    `x * 0.5 * (1 + erf(x / sqrt 2))` and the tanh form with `dsc.gelu`;
    `(x - mean) / sqrt(var + eps) [* gamma] [+ beta]` over trailing axes
    with `dsc.layer_norm`; `exp(x - max) / sum` along one axis with
    `dsc.softmax`; `matmul(softmax(q @ k * scale + mask), v)` with
    `dsc.attention`, where a constant causal or sliding-window mask becomes
    a structural attribute. Intermediates must have no other use.
  }];
  let dependentDialects = ["mlir::arith::ArithDialect"];
}

def DSCFormKernels : Pass<"dsc-form-kernels", "mlir::ModuleOp"> {
  let summary = "Group conv/matmul/gemm epilogues and elementwise chains "
                "into dsc.kernel regions";
  let description = [{
    A root (dsc.conv, dsc.matmul, dsc.gemm) takes the elementwise ops that
    consume it at its result type (bias and residual adds, activations,
    scales, SiLU's `x * sigmoid(x)`), greedily in program order; the
    remaining elementwise ops of one shape form chains. A group is kept only
    when no value but its last is used outside it, so its tail can be
    computed in place inside the root's loop nest. Each group becomes one
    `dsc.kernel` named after its ops (`"conv+add+relu"`).
  }];
  let options = [
    Option<"maxOps", "max-ops", "unsigned", /*default=*/"16",
           "The most ops one kernel may hold">
  ];
  let statistics = [
    Statistic<"numKernels", "kernels", "Kernels formed">,
    Statistic<"numFusedOps", "fused-ops", "Ops placed in kernels">
  ];
}

def DSCCheckBatch : Pass<"dsc-check-batch", "mlir::func::FuncOp"> {
  let summary = "Check that a model with a dynamic batch keeps samples apart";
  let description = [{
    For a function whose `dsc.batch_inputs` lists arguments imported with
    their symbolic batch dimension (dim 0) set to 1: tags the values whose
    dim 0 is the batch and accepts only ops that provably treat dim 0 sample
    by sample (elementwise ops with shared operands broadcasting over it;
    conv/pool/normalization on NC...; matmul/gemm with the batch in the rows
    or leading dimensions of the left operand; reductions and softmax over
    other axes; concat (shared blocks repeat per sample), gather, slice,
    transpose and reshape that keep dim 0 as the batch). Any other op with a
    per-sample operand is an error at its ONNX node, naming
    `--shape N=<size>`. Writes `dsc.batch_outputs`: the results computed per
    sample. The importer runs the same check (checkBatchSeparable) on every
    model with a dynamic batch.
  }];
}

#endif // DSC_PASSES_FUSION_PASSES
