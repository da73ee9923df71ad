//===- DSCKernelOps.td - fusion regions of the dsc dialect -*- tablegen -*-===//
//
// A dsc.kernel groups dsc ops that code generation turns into one kernel:
// one loop nest on a CPU, one launch on a GPU. Fusion passes form kernels;
// the body stays ordinary dsc ops, so every op's lowering and every
// verifier keeps working inside a kernel.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_KERNEL_OPS_TD
#define DSC_KERNEL_OPS_TD

include "mlir/IR/OpBase.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def DSC_KernelOp : Op<DSC_Dialect, "kernel", [
    RecursiveMemoryEffects, RecursivelySpeculatable,
    SingleBlockImplicitTerminator<"YieldOp">]> {
  let summary = "a group of dsc ops generated as one kernel";
  let description = [{
    The body computes the kernel's results from values defined above it
    (the region is not isolated: operands are captured). `fusion` names
    what was fused, root first, e.g. `"conv+add+relu"`; `--report` counts
    kernels and prints these names.

    Code generation makes the body one loop nest: a root (conv, matmul,
    gemm) followed by an elementwise epilogue computed in place on the
    root's result, or an elementwise chain computed in one pass.

    Example:
    ```mlir
    %0 = dsc.kernel "conv+relu" : tensor<1x16x8x8xf32> {
      %c = dsc.conv %x, %w, %b {...} : (...) -> tensor<1x16x8x8xf32>
      %r = dsc.relu %c : tensor<1x16x8x8xf32>
      dsc.yield %r : tensor<1x16x8x8xf32>
    }
    ```
  }];
  let arguments = (ins StrAttr:$fusion);
  let results = (outs Variadic<AnyRankedTensor>:$results);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = "$fusion attr-dict `:` type($results) $body";
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The values the body yields, one per result.
    ::mlir::Operation::operand_range getYielded() {
      return getBody().front().getTerminator()->getOperands();
    }
  }];
}

def DSC_YieldOp : Op<DSC_Dialect, "yield", [
    Pure, Terminator, HasParent<"KernelOp">]> {
  let summary = "the results of a dsc.kernel";
  let arguments = (ins Variadic<AnyRankedTensor>:$values);
  let assemblyFormat = "($values^ `:` type($values))? attr-dict";
  let builders = [OpBuilder<(ins), [{ /* nothing yielded */ }]>];
}

#endif // DSC_KERNEL_OPS_TD
