//===- KernelStrategy.h - register blocks of the contraction kernels ------===//
//
// The strategy table of dsc-contraction-kernels, shared with the passes
// that prepare layouts for it on tensors (dsc-channels-last-inputs), so both
// make the same decision about a convolution.
//
//===----------------------------------------------------------------------===//
#ifndef DSC_TARGET_KERNELSTRATEGY_H
#define DSC_TARGET_KERNELSTRATEGY_H

#include "llvm/Support/MathExtras.h"

#include <cstdint>

namespace dsc {

/// Register-file limits per vector width. A row of the register block is
/// `maxColumns` vectors at most; the block holds at most `maxAccumulators`
/// vectors, leaving room for the loaded operands.
///
/// Without a kernel window (1x1 convolutions, matmuls) a step loads one row
/// of `b` vectors and uses each broadcast scalar once, which AVX-512 folds
/// into its FMA (an embedded {1to16} memory operand): the accumulators may
/// then take the register file but the `b` row, `maxFoldedAccumulators`.
/// With a window LLVM keeps the `b` vectors of neighbouring taps live, and
/// the same block spills (ResNet-50's 3x3 convolutions ~60% slower at 28).
struct KernelStrategy {
  int64_t lanes;                 // f32 lanes per vector register
  int64_t maxAccumulators;       // vector registers the accumulators may take
  int64_t maxColumns;            // vector registers per row
  int64_t maxUnroll;             // reduction iterations unrolled into one body
  int64_t maxFoldedAccumulators; // ... without a kernel window
};

inline KernelStrategy strategyFor(int64_t vectorBits) {
  if (vectorBits >= 512) // AVX-512: 32 zmm
    return {16, 16, 2, 64, 28};
  if (vectorBits >= 256) // AVX2: 16 ymm, broadcasts need a register
    return {8, 12, 2, 32, 12};
  return {4, 20, 4, 32, 20}; // NEON: 32 q registers of 4 floats
}

/// Share of the computed lanes that are real outputs when a row of `size`
/// outputs is vectorized along its length.
inline double laneUse(int64_t size, const KernelStrategy &s) {
  int64_t maxLanes = s.lanes * s.maxColumns;
  int64_t computed = size <= maxLanes ? llvm::alignTo(size, s.lanes)
                                      : llvm::alignTo(size, maxLanes);
  return double(size) / computed;
}

/// Below this lane use (a 7-wide feature map uses 7 of 16 lanes) a
/// convolution is vectorized along its output channels instead.
inline constexpr double kMinLaneUse = 0.6;
/// ... and only with a reduction at least this long.
inline constexpr int64_t kMinChannelReduction = 64;

} // namespace dsc

#endif // DSC_TARGET_KERNELSTRATEGY_H
