//===- Passes.td - dsc target passes -----------------------*- tablegen -*-===//
#ifndef DSC_TARGET_PASSES
#define DSC_TARGET_PASSES

include "mlir/Pass/PassBase.td"

def DSCPlanMemory : Pass<"dsc-plan-memory", "mlir::ModuleOp"> {
  let summary = "Place every intermediate buffer in one statically planned arena";
  let description = [{
    Runs after bufferization on functions whose body is one block. Every
    static `memref.alloc` becomes a `memref.view` into a new trailing
    `memref<Nxi8>` argument (the arena) at a compile-time offset. Offsets are
    packed from liveness intervals (an alloc lives from its definition to
    the last use of it or any view of it), largest buffers first, each at
    the lowest offset that overlaps no live-at-the-same-time buffer.

    The function gets `dsc.arena_bytes` (the plan's size) and
    `dsc.arena_lower_bound` (the largest sum of simultaneously live buffer
    sizes: no plan can be smaller) attributes. Dynamic allocations are an
    error.
  }];
  let options = [
    Option<"alignment", "alignment", "int64_t", /*default=*/"64",
           "Byte alignment of every buffer in the arena">
  ];
  let dependentDialects = ["mlir::arith::ArithDialect",
                           "mlir::memref::MemRefDialect"];
}

def DSCCopiesToLinalg : Pass<"dsc-copies-to-linalg", "mlir::ModuleOp"> {
  let summary = "Rewrite memref.copy as linalg.copy";
  let description = [{
    Bufferization copies into strided views (padding, concatenation,
    out-parameters) with `memref.copy`, whose LLVM lowering calls
    `memrefCopy` from MLIR's runtime library unless both sides are
    contiguous. Generated code must need nothing but libc, so every copy
    becomes a `linalg.copy` that later lowers to loops.
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect"];
}

def DSCElideOutputCopies : Pass<"dsc-elide-output-copies", "mlir::ModuleOp"> {
  let summary = "Compute results directly into the caller's output buffers";
  let description = [{
    After `buffer-results-to-out-params`, each result is computed into a
    `memref.alloc` and then copied into its out-parameter. When that copy is
    the allocation's last use and the out-parameter has no other use, the
    allocation is replaced by the out-parameter and the copy disappears: one
    pass over the data and one arena buffer fewer per output. (Callers pass
    output buffers that alias no input, as the C API requires.)
  }];
}

def DSCFuseParallelLoops : Pass<"dsc-fuse-parallel-loops", "mlir::ModuleOp"> {
  let summary = "Fuse adjacent scf.parallel loops over the same space";
  let description = [{
    Runs upstream's sibling parallel-loop fusion with an alias model that
    knows the entry ABI: distinct memref arguments and globals never alias,
    arena views alias only when their byte ranges overlap. A kernel's bias
    initialization, root loops and in-place epilogue become one loop nest.
  }];
}

def DSCExpandBF16 : Pass<"dsc-expand-bf16"> {
  let summary = "Expand f32 <-> bf16 conversions into integer arithmetic";
  let description = [{
    `arith.truncf` to bf16 and `arith.extf` from bf16 become integer
    shifts and round-to-nearest-even, so no compiler-rt builtin
    (`__truncsfbf2`) is needed at link time.
  }];
  let dependentDialects = ["mlir::arith::ArithDialect"];
}

def DSCApproximateMath : Pass<"dsc-approximate-math"> {
  let summary = "f32 exp, tanh and erf as inline polynomials";
  let description = [{
    Rewrites f32 (scalar and vector) `math.exp`, `math.tanh` and `math.erf`
    into upstream's polynomial approximations (arithmetic only, within a few
    ulp of libm for exp), so that loops around them vectorize instead of
    calling libm once per element. Other math ops and other types are left
    to the libm and LLVM lowerings.
  }];
  let dependentDialects = ["mlir::arith::ArithDialect",
                           "mlir::math::MathDialect",
                           "mlir::vector::VectorDialect"];
}

def DSCContractionKernels : Pass<"dsc-contraction-kernels", "mlir::ModuleOp"> {
  let summary = "Register-blocked vector code for contractions and their epilogues";
  let description = [{
    Runs on memrefs after memory planning. Each contraction `linalg.generic`
    (out += a * b over f32: matmuls, batched matmuls, convolutions) becomes
    an `scf.forall` over output tiles whose body keeps a register block of
    vector accumulators across an `scf.for` reduction: `a` (the operand
    independent of the vector loop) is read as broadcast scalars, `b` as
    vectors (contiguous or strided). The vector loop is the output's
    innermost one, or an output channel when that wastes lanes or strides
    (the constant weights are then packed with the channel innermost, and
    the output is gathered and scattered). Constant `b` operands are re-laid
    in lane blocks as new globals. The elementwise op that initializes the
    output right before the contraction and the in-place elementwise
    epilogue right after it are evaluated on the accumulators, so the output
    is written once. Tile sizes come from a strategy table per vector width
    (`vector-bits`); a remainder of rows gets its own loop nest.
  }];
  let options = [
    Option<"vectorBits", "vector-bits", "int64_t", /*default=*/"512",
           "Width of the target's vector registers (512 AVX-512, 256 AVX2, "
           "128 NEON)">
  ];
  let dependentDialects = ["mlir::affine::AffineDialect",
                           "mlir::arith::ArithDialect",
                           "mlir::memref::MemRefDialect",
                           "mlir::scf::SCFDialect",
                           "mlir::vector::VectorDialect"];
}

def DSCOutlineParallel : Pass<"dsc-outline-parallel", "mlir::ModuleOp"> {
  let summary = "Run top-level parallel loops on the runtime's thread pool";
  let description = [{
    Runs on the planned entry function (the one with `dsc.arena_bytes`),
    after linalg became `scf.parallel` loops. The entry gets a trailing
    `!llvm.ptr` argument: the runtime context (`dsc_context *`).

    Each top-level `scf.parallel` with static bounds and enough work is
    outlined into a public function `@<entry>_par<k>(args..., %begin,
    %end)` that runs the linearized iterations [begin, end) and has the
    entry's own arguments (the loop's other operands are constants and views
    that are re-created inside). The loop is replaced by a call to the
    external `@<entry>_launch<k>(ctx, args...)`, which the artefact's C glue
    implements with `dsc_parallel_for` over the iteration count recorded in
    the entry's `dsc.parallel_trip_counts`.
  }];
  let options = [
    Option<"minWork", "min-work", "int64_t", /*default=*/"131072",
           "Outline a loop only when the operations it executes (its "
           "iterations times each body op weighted by the static trip counts "
           "of the loops around it) reach this">
  ];
  let dependentDialects = ["mlir::arith::ArithDialect", "mlir::func::FuncDialect",
                           "mlir::LLVM::LLVMDialect", "mlir::scf::SCFDialect"];
}

def DSCLowerChecks : Pass<"dsc-lower-checks", "mlir::ModuleOp"> {
  let summary = "Turn run-time checks (dsc.check) into early returns";
  let description = [{
    Runs after `dsc-outline-parallel`, on the entry function (the one with
    `dsc.arena_bytes` and the trailing `!llvm.ptr` context argument). Each
    `dsc.check` splits the entry's block: when its condition is false the
    entry calls the runtime's `dsc_guard_fail(ctx, message, given,
    num_given)` (the message a private constant string, the given values
    in a stack array) and returns, so nothing after the check runs and no
    output is written. A check anywhere else is an error.
  }];
  let dependentDialects = ["mlir::cf::ControlFlowDialect",
                           "mlir::func::FuncDialect",
                           "mlir::LLVM::LLVMDialect"];
}

def DSCVerifyStage : Pass<"dsc-verify-stage", "mlir::ModuleOp"> {
  let summary = "Check that only the ops allowed at a pipeline stage remain";
  let description = [{
    A stage boundary contract: after `dsc-convert-to-linalg` no dsc op may
    remain (stage=linalg); before LLVM IR translation only the LLVM dialect
    and the builtin module may remain (stage=llvm). A leftover op is reported
    at its location (the ONNX node it came from) with what to do.
  }];
  let options = [
    Option<"stage", "stage", "std::string", /*default=*/"\"linalg\"",
           "Stage to check: linalg or llvm">
  ];
}

#endif // DSC_TARGET_PASSES
