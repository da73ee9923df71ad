//===- Rotary.cpp - the RotaryEmbedding importer --------------------------===//
//
// RotaryEmbedding (opset 23) composed as ONNX's function body does: the
// caches gathered at the position ids, the rotated part of each head split
// into halves (or even/odd elements when interleaved), rotated with muls
// and adds, and put back. The input stays in its layout: a 4-D input
// [B, H, S, D] takes caches [B, 1, S, D/2], a 3-D one [B, S, H*D] is viewed
// as [B, S, H, D] with caches [B, S, 1, D/2].
//
//===----------------------------------------------------------------------===//
#include "../Compose.h"

using namespace mlir;

namespace dsc {
namespace {

LogicalResult importRotaryEmbedding(NodeImporter &n) {
  if (failed(n.checkAttributes(
          {"interleaved", "num_heads", "rotary_embedding_dim"})))
    return failure();
  auto interleaved = n.intAttr("interleaved", 0);
  auto numHeads = n.intAttr("num_heads", 0);
  auto rotaryDim = n.intAttr("rotary_embedding_dim", 0);
  FailureOr<Value> x = n.input(0), cosCache = n.input(1), sinCache = n.input(2),
                   positions = n.optionalInput(3);
  if (failed(interleaved) || failed(numHeads) || failed(rotaryDim) ||
      failed(x) || failed(cosCache) || failed(sinCache) || failed(positions))
    return failure();
  RankedTensorType xt = n.type(*x);
  Type elem = xt.getElementType();
  int64_t rank = xt.getRank();
  if (!isa<FloatType>(elem) || (rank != 3 && rank != 4))
    return n.emitError() << "expects a floating-point input [B, H, S, D] or "
                            "[B, S, H*D], got "
                         << xt;
  int64_t batch = xt.getDimSize(0);
  int64_t seq = xt.getDimSize(rank == 4 ? 2 : 1);
  SmallVector<int64_t> heads; // x as [.., D] with heads explicit
  if (rank == 4) {
    heads.assign(xt.getShape().begin(), xt.getShape().end());
  } else {
    if (*numHeads <= 0 || xt.getDimSize(2) % *numHeads != 0)
      return n.emitError() << "a 3-D input needs num_heads dividing its "
                              "hidden size "
                           << xt.getDimSize(2) << ", got " << *numHeads;
    heads = {batch, seq, *numHeads, xt.getDimSize(2) / *numHeads};
  }
  int64_t headSize = heads.back();
  int64_t rd = *rotaryDim == 0 ? headSize : *rotaryDim;
  if (rd <= 0 || rd > headSize || rd % 2 != 0)
    return n.emitError() << "rotary_embedding_dim " << rd
                         << " must be even and at most the head size "
                         << headSize;
  int64_t half = rd / 2;

  Composer c(n);
  // Caches as [B, S, rd/2].
  Value cosV = *cosCache, sinV = *sinCache;
  if (*positions) {
    RankedTensorType pt = n.type(*positions);
    auto gather = [&](Value cache) -> Value {
      FailureOr<RankedTensorType> t =
          inferGatherType(n.errorFn(), n.type(cache), pt, 0);
      return succeeded(t)
                 ? c.cast(*n.create<GatherOp>(t, cache, *positions, int64_t(0)),
                          elem)
                 : Value();
    };
    cosV = gather(cosV);
    sinV = gather(sinV);
  }
  for (Value v : {cosV, sinV}) {
    if (!v)
      return failure();
    if (Composer::shape(v) != ArrayRef<int64_t>{batch, seq, half})
      return n.emitError() << "expects caches giving [" << batch << ", " << seq
                           << ", " << half << "] (with position_ids: [max "
                           << "position, " << half << "]), got " << n.type(v);
  }
  SmallVector<int64_t> cacheShape =
      rank == 4 ? SmallVector<int64_t>{batch, 1, seq, half}
                : SmallVector<int64_t>{batch, seq, 1, half};
  cosV = c.reshape(c.cast(cosV, elem), cacheShape);
  sinV = c.reshape(c.cast(sinV, elem), cacheShape);

  Value xh = c.reshape(*x, heads);
  int64_t last = 3;
  Value rotated = c.sliceAlong(xh, last, 0, rd);
  Value x1, x2;
  SmallVector<int64_t> halfShape(heads);
  halfShape[last] = half;
  if (*interleaved) {
    SmallVector<int64_t> starts(4, 0), steps(4, 1);
    steps[last] = 2;
    x1 = c.slice(rotated, starts, halfShape, steps);
    starts[last] = 1;
    x2 = c.slice(rotated, starts, halfShape, steps);
  } else {
    x1 = c.sliceAlong(rotated, last, 0, half);
    x2 = c.sliceAlong(rotated, last, half, half);
  }
  Value real = c.sub(c.mul(cosV, x1), c.mul(sinV, x2));
  Value imag = c.add(c.mul(sinV, x1), c.mul(cosV, x2));
  if (*interleaved) {
    SmallVector<int64_t> pairShape(halfShape);
    pairShape.push_back(1);
    SmallVector<int64_t> rotShape(heads);
    rotShape[last] = rd;
    rotated = c.reshape(
        c.concat({c.reshape(real, pairShape), c.reshape(imag, pairShape)}, 4),
        rotShape);
  } else {
    rotated = c.concat({real, imag}, last);
  }
  if (rd < headSize)
    rotated =
        c.concat({rotated, c.sliceAlong(xh, last, rd, headSize - rd)}, last);
  Value y = c.reshape(rotated, xt.getShape());
  if (!y)
    return failure();
  n.setOutput(0, y);
  return success();
}

} // namespace

void registerRotaryImporters(OpRegistry &r) {
  r.add("RotaryEmbedding", {23}, importRotaryEmbedding);
}

} // namespace dsc
