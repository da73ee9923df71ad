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

def DSCPadRowStrides : Pass<"dsc-pad-row-strides", "mlir::ModuleOp"> {
  let summary = "Pad feature maps whose positions a convolution reads a "
                "multiple of the L1 way size apart";
  let description = [{
    Runs after bufferization, before `dsc-plan-memory`. Where a contraction
    with a kernel window (a convolution: `stride * d_p + d_r` in the
    position dimension next to the innermost) reads a buffer whose positions
    are then a multiple of `way-bytes` apart (a stride-2 3x3 over 512 f32
    channels: 8 KB), every row of its register tile reads a line of the same
    L1 set. The `memref.alloc` then gets one cache line more in its innermost
    dimension and its uses a subview of the original shape (a strided
    layout). Only allocations used by linalg ops and subviews alone change.
  }];
  let options = [
    Option<"wayBytes", "way-bytes", "int64_t", /*default=*/"4096",
           "Bytes of one way of the L1 data cache (addresses this far apart "
           "share a set); 0 disables the pass">
  ];
  let dependentDialects = ["mlir::memref::MemRefDialect"];
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

def DSCFlattenEmptyIO : Pass<"dsc-flatten-empty-io", "mlir::ModuleOp"> {
  let summary = "Give graph inputs and outputs of zero elements a 1-D type";
  let description = [{
    Runs on tensors, before bufferization. A tensor of zero elements holds
    no data, yet the entry ABI passes every input and output as a bare
    pointer, which LLVM lowering gives only to memrefs with static strides;
    an identity layout with a zero-size dimension that is not the outermost
    one (`tensor<3x0x5xf32>`) has dynamic strides. Each such argument and
    result becomes `tensor<0xT>` (the artefact describes the declared shape
    from the imported signature): uses of an argument read a `tensor.empty`
    of the original type instead, and a returned value is replaced by a
    `tensor.empty`, so nothing is ever read from or written to an empty
    caller buffer.
  }];
  let dependentDialects = ["mlir::tensor::TensorDialect"];
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

def DSCSplitReductions : Pass<"dsc-split-reductions"> {
  let summary = "Split a reduction with no parallel loop into bands of rows";
  let description = [{
    A one-input `linalg.generic` reduction on tensors (add, max or min of
    its input into its output: a global average or max pool) whose parallel
    loops outside its first reduction dimension have fewer than 8 trips
    becomes two: the first reduction dimension split into P bands (the
    largest divisor of its size up to 16) as a parallel dimension, each
    band reduced into its own slice of a partial result that starts from
    the combiner's neutral element; then the partial results reduced over
    the bands into the original init. The bands are rows of the map, so the
    thread pool splits them as it split the producer's rows.
  }];
  let options = [
    Option<"minWork", "min-work", "int64_t", "32768",
           "Iterations (all loops) below which a reduction stays as it is">,
  ];
  let dependentDialects = ["mlir::arith::ArithDialect",
                           "mlir::linalg::LinalgDialect",
                           "mlir::tensor::TensorDialect"];
}

def DSCSplitVectorCarries : Pass<"dsc-split-vector-carries"> {
  let summary = "Carry non-power-of-two vectors through scf.for in pieces";
  let description = [{
    An `scf.for` iter_arg of a rank-1 vector type whose length is not a
    power of two (a matrix-vector product's accumulator over 48 outputs)
    becomes one iter_arg per power-of-two piece (32 + 16), joined at the
    top of the body and sliced at the yield. LLVM's x86 and AArch64
    backends scalarize a loop-carried phi of such a vector (every step
    rebuilt it from its elements); within a block they legalize it well.
  }];
  let dependentDialects = ["mlir::arith::ArithDialect",
                           "mlir::vector::VectorDialect"];
}

def DSCExpandBF16 : Pass<"dsc-expand-bf16"> {
  let summary = "Expand f32 <-> bf16 conversions into integer arithmetic";
  let description = [{
    `arith.truncf` to bf16 and `arith.extf` from bf16 become integer
    shifts and round-to-nearest-even, so no compiler-rt builtin
    (`__truncsfbf2`) is needed at link time. With `native-truncf` (a target
    with AVX512-BF16) `arith.truncf` stays for LLVM, which lowers it to one
    `vcvtneps2bf16` per 16 lanes instead of about eight integer operations.
  }];
  let options = [
    Option<"nativeTruncF", "native-truncf", "bool", /*default=*/"false",
           "The target converts f32 to bf16 natively (AVX512-BF16): keep "
           "arith.truncf to bf16">
  ];
  let dependentDialects = ["mlir::arith::ArithDialect"];
}

def DSCBF16MaskedLoadsAsI16 : Pass<"dsc-bf16-masked-loads-as-i16"> {
  let summary = "Masked loads of bf16 vectors as i16 vectors (LLVM dialect)";
  let description = [{
    On a CPU without native bf16 LLVM promotes bf16 to f32, and a masked
    load of a bf16 vector is scalarized into per-lane loads that are
    truncated back to bf16 through compiler-rt's `__truncsfbf2`, which the
    artefacts do not link. The same bits loaded as i16 and bitcast need no
    conversion: `llvm.intr.masked.load` of `vector<Nxbf16>` becomes one of
    `vector<Nxi16>` (pass-through bitcast too) followed by a bitcast.
  }];
  let dependentDialects = ["mlir::LLVM::LLVMDialect"];
}

def DSCApproximateMath : Pass<"dsc-approximate-math"> {
  let summary = "f32 exp, tanh and erf as inline polynomials";
  let description = [{
    Rewrites f32 (scalar and vector) `math.exp` and `math.tanh` into
    upstream's polynomial approximations (arithmetic only, within a few ulp
    of libm for exp) and `math.erf` into one rational function of the
    argument clamped to [-4, 4] (within 4.5e-7 of erf; half the arithmetic
    of upstream's piecewise one: a BERT encoder's BF16 GELU epilogues; a
    constant multiple of the argument, GELU's x / sqrt 2, folds into the
    coefficients and the clamp), so
    that loops around them vectorize instead of calling libm once per
    element. Other math ops and other types are left to the libm and LLVM
    lowerings. With `scalef` (AVX-512) exp is a degree-6 polynomial in
    r = x - k ln 2 (k rounded by adding 1.5 * 2^23) scaled by vscalefps,
    which covers the whole exponent range: 13 instructions per vector
    against upstream's 20, within 1.05 ulp.
  }];
  let options = [
    Option<"scalef", "scalef", "bool", /*default=*/"false",
           "The target has vscalefps (AVX-512): f32 exp scales by 2^k with "
           "it instead of range checks and exponent arithmetic">
  ];
  let dependentDialects = ["mlir::arith::ArithDialect",
                           "mlir::LLVM::LLVMDialect",
                           "mlir::math::MathDialect",
                           "mlir::vector::VectorDialect"];
}

def DSCBF16Contractions : Pass<"dsc-bf16-contractions", "mlir::ModuleOp"> {
  let summary = "MatMul, Gemm and Conv contractions with bf16 inputs, f32 accumulation";
  let description = [{
    `--precision=bf16`. Runs on linalg on tensors. Every contraction that
    `dsc-convert-to-linalg` marked with `dsc.contraction` (an ONNX MatMul,
    Gemm or Conv, or one of an attention's two) over f32 is rewritten to
    read bf16 operands and accumulate in f32 (`acc + extf(a) * extf(b)`):
    constant operands (weights) become
    bf16 constants, rounded at compile time; other operands get one
    elementwise `arith.truncf` each (shared by every contraction that reads
    the same value). Both roundings are to nearest, ties to even. The
    rewritten contraction carries `dsc.precision = "bf16"`. A padded
    operand is the pad (in bf16, the padding value rounded) of its source's
    rounding, and a max pool's output is rounded as a max pool over its
    input's rounding (widened in its body; exact either way). Unless
    `f32-activations` is set, an activation whose other readers are all
    elementwise linalg.generic ops (a residual add) has them read its bf16
    copy, widened in their body, so only that copy needs storing; nothing
    else changes precision. The module records the converted contractions per
    ONNX op type in `dsc.bf16_contractions` (and marked ones it could not
    convert in `dsc.fp32_contractions`) for the compile report.

    With `pair-activations` (targets with vdpbf16ps) a convolution's input
    with an even channel count is written as `[n, c / 2, spatial..., 2]`
    (channel pairs innermost) and read through `(c floordiv 2, ..., c mod
    2)`, so a pair of input channels is one 32-bit load; and the `b` of a
    product of two activations (an attention's `q k` and `probs v`, marked
    `AttentionMatMul`), read as `[..., k, n]`, is written in row pairs,
    `[..., k / 2, n, 2]` collapsed to `[..., k / 2, 2 n]` and read through
    `(k floordiv 2, 2 n + k mod 2)`, the layout of the kernels' packed
    constant weights. With `amx` as
    well, an NCHW convolution over an odd number of input channels stays
    f32: padded to pairs it fills no AMX tile row, and on the f32 FMA path
    over widened bf16 (vdpbf16ps runs at half the FMA rate on those CPUs) a
    stem took twice the f32 time (ResNet-50's 2.5 vs 1.24 ms); a
    channels-last one with constant weights (an RGB stem) takes bf16, its
    kernel rows read as channels by dsc-contraction-kernels.
  }];
  let options = [
    Option<"pairActivations", "pair-activations", "bool", /*default=*/"false",
           "Lay convolution inputs out in channel pairs for vdpbf16ps">,
    Option<"amx", "amx", "bool", /*default=*/"false",
           "The target has AMX-BF16 (with pair-activations): an NCHW "
           "convolution over an odd number of input channels (no AMX tile "
           "row) stays f32, faster than bf16 on the FMA path there">,
    Option<"f32Activations", "f32-activations", "bool", /*default=*/"false",
           "Keep an activation that a bf16 contraction reads in f32 for its "
           "elementwise readers too (default: they read its bf16 copy)">
  ];
  let dependentDialects = ["mlir::arith::ArithDialect",
                           "mlir::linalg::LinalgDialect",
                           "mlir::tensor::TensorDialect"];
}

def DSCChannelsLast : Pass<"dsc-channels-last", "mlir::ModuleOp"> {
  let summary = "NHWC feature maps through regions of convolutions";
  let description = [{
    Runs on linalg on tensors (FP32). Gives every 4-D feature map of a
    region of 2-D convolutions the layout NHWC, so `dsc-contraction-kernels`
    vectorizes the convolutions along their output channels (whole vectors)
    instead of along output rows (a 56-wide row fills 56 of 64 lanes).

    A region is a set of 4-D values connected through ops whose layout may
    change: `linalg.generic` (each 4-D operand's indexing map permuted like
    its tensor; elementwise and reduction generics then walk the new layout
    in order), `tensor.empty`, `linalg.fill`, `tensor.pad`,
    `tensor.insert_slice`, `tensor.extract_slice` and `tensor.concat` with
    static shapes. A convolution with constant weights takes part if its
    input channels are a reduction loop of their own (the weights become
    OHWI) or it is depthwise, and its output channels use at least 60 % of
    the vector lanes they take (24 of 32); others (grouped, 8 channels)
    border the region like any other op.
    Values are transposed once at the border: into NHWC after a producer
    outside the region, back to NCHW before the first user outside it. A
    region is converted if it holds a convolution and its border copies move
    at most half as many elements as its convolutions write, or its
    convolutions multiply-accumulate at least 128 times per element copied
    (a lone 3x3 over 64 channels).
  }];
  let options = [
    Option<"vectorBits", "vector-bits", "int64_t", /*default=*/"512",
           "Vector register width of the contraction kernels (0: no change)">
  ];
  let dependentDialects = ["mlir::arith::ArithDialect",
                           "mlir::linalg::LinalgDialect",
                           "mlir::tensor::TensorDialect"];
}

def DSCChannelsLastInputs : Pass<"dsc-channels-last-inputs", "mlir::ModuleOp"> {
  let summary = "Channels-last inputs for convolutions vectorized along output channels";
  let description = [{
    Runs on linalg on tensors (FP32). A 2-D convolution that
    `dsc-contraction-kernels` will vectorize along its output channels
    (output rows that would use under 60 % of the vector lanes, or an input
    strided along the output row; output channels a multiple of the lanes
    and a reduction of at least 64) reads its input from an NHWC copy,
    transposed once per value (and padded after the transpose when the
    convolution's input was a `tensor.pad`), so that the broadcast input
    elements of consecutive reduction steps share cache lines.

    A stride-2 convolution vectorized along its output columns whose input
    is at most 1 MB (a network's stem) reads its input split by column
    parity, `[n, c, h, 2, w / 2]`, through `(.., kw mod 2, ow + kw floordiv
    2)`: unit-stride vector loads instead of twice the lanes and a shuffle.
  }];
  let options = [
    Option<"vectorBits", "vector-bits", "int64_t", /*default=*/"512",
           "Vector register width of the contraction kernels (0: no change)">
  ];
  let dependentDialects = ["mlir::linalg::LinalgDialect",
                           "mlir::tensor::TensorDialect"];
}

def DSCAccumulateResiduals : Pass<"dsc-accumulate-residuals", "mlir::ModuleOp"> {
  let summary = "Residual adds after f32 contractions as their inits, in place";
  let description = [{
    Runs on linalg on tensors (FP32). A contraction whose init is a bias
    broadcast or a fill and whose in-place epilogue first adds a residual
    `r` (`out + r`, read at the output's indices), where that epilogue is
    `r`'s last reader, starts from `r` instead: the init becomes `r + bias`
    written into `r` (outs `r`), and the epilogue keeps the rest of its body
    (an activation) or goes. Bufferized, the contraction accumulates into
    the residual's buffer: no separate output whose lines are fetched only
    to be overwritten, one map live instead of two. Not where the result
    feeds a `tensor.pad` or the function's return (their producers write
    into those buffers directly).
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect",
                           "mlir::arith::ArithDialect"];
}

def DSCFlattenPointwiseConvs : Pass<"dsc-flatten-pointwise-convs", "mlir::ModuleOp"> {
  let summary = "NCHW 1x1 convolutions as matmuls over whole channel planes";
  let description = [{
    Runs on linalg on tensors (FP32), after `dsc-channels-last` and
    `dsc-channels-last-inputs`. An f32 2-D convolution that stayed NCHW with
    a 1x1 window, unit strides and no padding is `out[n, f, h, w] += x[n,
    c, h, w] * w[f, c]`: its input's channel planes are contiguous rows of
    H * W positions. Where vectorizing along those rows fills more lanes
    than along the output's rows (a 56-wide map uses 56 of 64 lanes, its
    3136 positions all of them), the convolution becomes `out[n, f, p] +=
    x[n, c, p] * w[f, c]` on collapsed views (`tensor.collapse_shape`,
    p = h * W + w), expanded back after; the elementwise op that
    initializes its output (a bias broadcast) and the chain of in-place
    elementwise ops after it (residual add, activation) are collapsed the
    same way, so the reshapes between them fold and the contraction kernel
    keeps its init and epilogue.
  }];
  let options = [
    Option<"vectorBits", "vector-bits", "int64_t", /*default=*/"512",
           "Vector register width of the contraction kernels (0: no change)">
  ];
  let dependentDialects = ["mlir::linalg::LinalgDialect",
                           "mlir::tensor::TensorDialect"];
}

def DSCUnshareInits : Pass<"dsc-unshare-inits", "mlir::ModuleOp"> {
  let summary = "One copy of a constant accumulator init per in-place writer";
  let description = [{
    Runs on tensors before bufferization. A linalg op that materializes
    constants into a `tensor.empty` (a zero `linalg.fill`, a bias broadcast)
    whose result CSE made the DPS init of several ops (every layer's FFN
    matmul accumulating into one zero tensor) is cloned, with its
    `tensor.empty`, right before each writer but the first (or before every
    writer where the value is also read), so that each init bufferizes in
    place. Shared, one-shot bufferization gives the value one buffer and
    every other writer a copy of it, which the contraction kernel then reads
    back instead of starting from its init op.
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect",
                           "mlir::tensor::TensorDialect"];
}

def DSCDecomposePads : Pass<"dsc-decompose-pads", "mlir::ModuleOp"> {
  let summary = "tensor.pad with a constant value as border fills + insert_slice";
  let description = [{
    Runs on tensors before bufferization. Each static `tensor.pad` with a
    constant padding value becomes fills of its border only (one slab per
    padded side, each a `linalg.fill` of its own `tensor.empty` inserted into
    the padded tensor) and a `tensor.insert_slice` of the source into the
    interior, so that `eliminate-empty-tensors` can make the fills and the
    source's producer write into the padded buffer directly (no copy of
    every padded feature map, no element written twice). Pads with a dynamic
    shape fill the whole tensor first. Before that, every `linalg.generic`
    that reads a static zero pad (directly or through a float extension or
    truncation, the bf16 rounding) gets `dsc.zero_border`: per DPS input,
    the pad's low widths then its high widths (an empty array for inputs
    that are no zero pad), for dsc-contraction-kernels.
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect",
                           "mlir::tensor::TensorDialect"];
}

def DSCPromoteAccumulators : Pass<"dsc-promote-accumulators"> {
  let summary = "Reduction accumulators carried in loop iter_args";
  let description = [{
    Runs on scf loops over memrefs. In an `scf.for` whose body loads and
    stores one element at loop-invariant indices (a reduction's output
    element) and writes no other memory, the element becomes an iter_arg:
    one load before the loop, one store after it, so the reduction does not
    wait on a store-to-load forward every step. Innermost loops first.
  }];
  let dependentDialects = ["mlir::memref::MemRefDialect",
                           "mlir::scf::SCFDialect"];
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
    (`vector-bits`; without a kernel window, where every broadcast folds
    into its FMA, AVX-512 blocks take 28 accumulators instead of 16); a
    remainder of rows is a shorter last tile, a case of
    the same tile loop (at equal loads per FMA the tiling without one is
    taken). Over packed constant weights of 1 MB or more the row tiles
    cycle innermost where that re-reads fewer bytes, and where they would
    read more than 1 MB of `a` the rows go in panels under 1 MB (the
    outermost tile loop; a serial loop over a panel's row tiles in each
    tile). Products
    with the zero border of a padded input (`dsc.zero_border`) are left out
    where the input index is known at compile time; on small maps the tiles
    that read the border run their own copy of the block (an `scf.if` on the
    tile's base) with the base a constant. The bf16 roundings of the output
    right after a kernel (the next contractions' inputs) are stored by the
    kernel too, and the f32 store dropped where nothing else reads it.
    Software prefetches: each register block prefetches the lines of the
    epilogue's per-row operands (a residual) before its reduction; where
    at most 196 output positions share a block of packed constant weights
    of 1 MB or more and the blocks are the outermost tile loop, every
    reduction step prefetches into L2 its part of the tile's share of the
    next block (one line, or several where the share outnumbers the steps;
    on AMX per step of the pair loop, spread over its taps); a
    matrix-vector product prefetches its own stream 2 KB ahead instead.
    Without a kernel window the prefetches go once per chunk of 4 steps of
    the innermost reduction loop, which is unrolled by the chunk.

    With `amx` (and `bf16-dot`), a vdpbf16ps kernel whose plan fits AMX tiles
    (16-lane columns, the pair loop innermost in `a` at unit stride, rows of
    `a` at a constant stride along the a-row loop; a partial last column
    block or chunk of 32 is fine) runs on them instead: blocks of one
    or two tiles of up to 16 rows (two halves of the a-row loop, or for a
    windowed convolution on a short row loop, and a 1x1 over 1024 channels
    or more, one per row of 4 rows of a second row loop, computed as
    register blocks of two tiles one after the other), per kernel tap and
    32 channels an `amx.tile_load` of each `a` tile and of a 16x32 tile of
    the packed `b` per column, `amx.tile_mulf` into f32 tiles that live in
    a cache-line-aligned stack buffer between steps of several 32-channel
    chunks of the pair loop (all of a 3x3's chunks over up to 128 channels
    where its block is one register block); the module gets
    `dsc.amx_kernels`. The other bf16
    contractions then take the f32 FMA path (vdpbf16ps runs at half the FMA
    rate on CPUs with AMX). First, a channels-last bf16 convolution over at
    most 8 input channels (an RGB stem with its zero channel) reads its
    kernel rows as channels: its input viewed as [N, H, Wout, KW * C]
    (`memref.reinterpret_cast`, overlapping rows) and its weights as
    [F, KH, 1, KW * C], so 28 channels of a 7x7 stem fill AMX tile rows.
  }];
  let options = [
    Option<"vectorBits", "vector-bits", "int64_t", /*default=*/"512",
           "Width of the target's vector registers (512 AVX-512, 256 AVX2, "
           "128 NEON)">,
    Option<"bf16Dot", "bf16-dot", "bool", /*default=*/"false",
           "The target has AVX512-BF16: contractions over bf16 inputs use "
           "x86vector.avx512.dot (vdpbf16ps) with pairs of the reduction; "
           "without it they widen the inputs and use f32 FMAs">,
    Option<"amx", "amx", "bool", /*default=*/"false",
           "The target has AMX-BF16 (with bf16-dot): bf16 contractions whose "
           "rows and channel pairs fit AMX tiles run on them (amx.tile_mulf, "
           "tdpbf16ps), the rest on vdpbf16ps">
  ];
  let dependentDialects = ["mlir::affine::AffineDialect",
                           "mlir::arith::ArithDialect",
                           "mlir::memref::MemRefDialect",
                           "mlir::scf::SCFDialect",
                           "mlir::vector::VectorDialect",
                           "mlir::x86vector::X86VectorDialect",
                           "mlir::amx::AMXDialect"];
}

def DSCElementwiseKernels : Pass<"dsc-elementwise-kernels", "mlir::ModuleOp"> {
  let summary = "Vector loops for the elementwise ops no contraction kernel took";
  let description = [{
    Runs on memrefs after `dsc-contraction-kernels`. Each elementwise linalg
    op at function level (all loops parallel, the output written through a
    permutation map with a contiguous innermost dimension, a body of
    arithmetic and the math ops with vector forms) becomes an `scf.forall`
    over the output's outer loops and tiles of `vector-bits` / (widest
    element bits) lanes along its innermost dimension. Inputs are read as
    vectors along that loop (unit stride) or as broadcast scalars; a last
    partial tile is masked. A transpose (one 32-bit input contiguous along
    another loop) takes tiles of lanes x lanes, loaded along the input's
    innermost loop, transposed in registers with interleaving shuffles and
    stored along the output's. An output of at most 4 channels whose
    positions step by at most 4 elements (a 3-channel image made
    channels-last, or rounded into a padded 4-channel bf16 buffer) takes runs
    of `vector-bits` / 32 positions instead: each input's channel planes, or
    its own interleaving, shuffled into the output's position order, stored
    through a mask that skips the gap between positions. Ops whose inputs
    would need other gathers or that read bools stay for the loop lowering.
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
    the entry's `dsc.parallel_trip_counts`. A loop holding AMX ops is always
    outlined, whatever its work: LLVM configures the tile registers once per
    function, and an entry holding several kernels' tiles ran out of them.
  }];
  let options = [
    Option<"minWork", "min-work", "int64_t", /*default=*/"16384",
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
