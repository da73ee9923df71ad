//===- DSCGuardOps.td - run-time checks of compile-time assumptions -*- tablegen -*-===//
//
// dsc compiles static shapes. Where a shape-setting operand (Reshape's shape,
// Reduce*'s axes, Slice's starts, ...) is only known when the model runs,
// the importer takes what the graph declares and guards it: the generated
// code checks the run-time value and, when it contradicts the assumption,
// the run returns an error (DSC_ERR_GUARD) with a message instead of
// computing anything wrong.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_GUARD_OPS_TD
#define DSC_GUARD_OPS_TD

include "mlir/IR/OpBase.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def DSC_GuardOp : Op<DSC_Dialect, "guard", [MemoryEffects<[MemWrite]>]> {
  let summary = "fail the run unless every element of a condition is true";
  let description = [{
    Checks at run time that every element of `condition` (an `i1` tensor)
    is true. If one is not, the model's entry returns at once: nothing after
    the guard runs, the outputs are not written, and `dsc_session_run`
    returns `DSC_ERR_GUARD` with `message` followed by the values of
    `given` (an optional integer or bool tensor; at most its first 16
    elements are shown), e.g. `node 'r' (Reshape): shape 'shape' must give
    the declared output shape [2, 3]; given [3, 2]`.

    The importer builds the condition from ordinary dsc ops; guards with
    a constant true condition fold away, and `dsc-convert-to-linalg` moves
    every guard with the ops it depends on to the start of the function,
    so guards run before any output is written.

    Example:
    ```mlir
    dsc.guard %ok, %shape {message = "node 'r' (Reshape): ..."}
        : tensor<2xi1>, tensor<2xi64>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$condition,
                   Optional<AnyRankedTensor>:$given, StrAttr:$message);
  let results = (outs);
  let hasVerifier = 1;
  let hasCanonicalizeMethod = 1;
  let assemblyFormat = [{
    $condition (`,` $given^)? attr-dict `:` type($condition) (`,` type($given)^)?
  }];
}

def DSC_CheckOp : Op<DSC_Dialect, "check", [MemoryEffects<[MemWrite]>]> {
  let summary = "scalar form of dsc.guard, lowered to an early return";
  let description = [{
    What `dsc.guard` becomes in `dsc-convert-to-linalg`: `condition` is one
    `i1`, `given` up to 16 `i64` values to report. `dsc-lower-checks` (after
    the thread-pool outlining, in the entry function only) turns it into a
    branch: on false the entry calls the runtime's `dsc_guard_fail(ctx,
    message, given, num_given)` and returns.

    Example:
    ```mlir
    dsc.check %ok, %g0, %g1 {message = "node 'r' (Reshape): ..."} : i64, i64
    ```
  }];
  let arguments = (ins I1:$condition, Variadic<I64>:$given, StrAttr:$message);
  let results = (outs);
  let assemblyFormat = [{
    $condition (`,` $given^)? attr-dict (`:` type($given)^)?
  }];
}

#endif // DSC_GUARD_OPS_TD
