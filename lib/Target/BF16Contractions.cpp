//===- BF16Contractions.cpp - MatMul/Gemm/Conv with bf16 inputs
//------------===//
//
// `--precision=bf16`: the contractions DSCToLinalg built for ONNX MatMul,
// Gemm and Conv (marked with `dsc.contraction`) read bf16 copies of their
// f32 operands and accumulate in f32:
//
//   %x16 = linalg.generic {truncf}  ins(%x : f32) outs(bf16)     activations
//   %w16 = arith.constant dense<...> : tensor<...xbf16>          weights,
//                                       rounded here, at compile time
//   linalg.generic ins(%x16, %w16) outs(%acc : f32) {
//     acc + extf(x) * extf(w) }
//
// Rounding is to nearest, ties to even, in both places. Everything else
// (and the graph's inputs and outputs) stays f32. The contraction kernels
// turn the body into `vdpbf16ps` where the target has avx512_bf16 and into
// f32 FMAs of the widened inputs elsewhere; the loop lowering computes the
// same products, so every target gets the same numbers up to summation
// order.
//
//===----------------------------------------------------------------------===//
#include "dsc/Dialect/Utils.h"
#include "dsc/Target/Passes.h"

#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"

#include <functional>
#include <map>

using namespace mlir;

namespace dsc {
#define GEN_PASS_DEF_DSCBF16CONTRACTIONS
#include "dsc/Target/Passes.h.inc"

namespace {

/// f32 -> bf16, round to nearest even; NaN stays a (quiet) NaN.
uint16_t roundToBF16(float f) {
  uint32_t bits;
  std::memcpy(&bits, &f, 4);
  if ((bits & 0x7fffffffu) > 0x7f800000u)
    return static_cast<uint16_t>((bits >> 16) | 0x40);
  bits += 0x7fffu + ((bits >> 16) & 1u);
  return static_cast<uint16_t>(bits >> 16);
}

/// The f32 constant `c` as a bf16 constant of the same shape.
DenseElementsAttr toBF16(DenseElementsAttr c) {
  auto type = cast<RankedTensorType>(c.getType());
  auto newType =
      RankedTensorType::get(type.getShape(), BFloat16Type::get(c.getContext()));
  SmallVector<uint16_t> out;
  if (c.isSplat()) {
    out.push_back(roundToBF16(c.getSplatValue<float>()));
  } else {
    out.reserve(c.getNumElements());
    for (float f : c.getValues<float>())
      out.push_back(roundToBF16(f));
  }
  return DenseElementsAttr::getFromRawBuffer(
      newType, ArrayRef<char>(reinterpret_cast<const char *>(out.data()),
                              out.size() * sizeof(uint16_t)));
}

bool isF32Tensor(Value v) {
  auto t = dyn_cast<RankedTensorType>(v.getType());
  return t && t.getElementType().isF32() && t.hasStaticShape();
}

/// out = acc + a * b (either order) over f32, as DSCToLinalg builds it.
bool isMultiplyAccumulate(linalg::GenericOp op) {
  if (op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1)
    return false;
  for (Value v : op->getOperands())
    if (!isF32Tensor(v))
      return false;
  Block *body = op.getBlock();
  if (!llvm::hasNItems(body->without_terminator(), 2))
    return false;
  auto mul = dyn_cast<arith::MulFOp>(&body->front());
  auto add = dyn_cast<arith::AddFOp>(mul ? mul->getNextNode() : nullptr);
  auto yield = cast<linalg::YieldOp>(body->getTerminator());
  if (!mul || !add || yield.getValues().front() != add.getResult())
    return false;
  Value a0 = body->getArgument(0), a1 = body->getArgument(1),
        acc = body->getArgument(2);
  return ((mul.getLhs() == a0 && mul.getRhs() == a1) ||
          (mul.getLhs() == a1 && mul.getRhs() == a0)) &&
         ((add.getLhs() == acc && add.getRhs() == mul.getResult()) ||
          (add.getRhs() == acc && add.getLhs() == mul.getResult()));
}

/// A channels-last convolution whose input channels (its innermost index, a
/// reduction loop no other index uses) are odd in number: an RGB stem.
bool oddChannelsLast(linalg::GenericOp op) {
  AffineMap in = op.getIndexingMapsArray()[0];
  auto x = cast<RankedTensorType>(op.getDpsInputs()[0].getType());
  auto c = in.getNumResults()
               ? dyn_cast<AffineDimExpr>(in.getResults().back())
               : nullptr;
  if (!c || !x.hasStaticShape() || x.getRank() != 4 ||
      x.getShape().back() % 2 == 0 ||
      op.getIteratorTypesArray()[c.getPosition()] !=
          utils::IteratorType::reduction)
    return false;
  return llvm::count_if(in.getResults(), [&](AffineExpr e) {
           return e.isFunctionOfDim(c.getPosition());
         }) == 1;
}

/// A convolution over an odd number of input channels (an RGB image), in
/// either layout: channels-last, or NCHW (index 1 of the input a reduction
/// loop).
bool oddInputChannels(linalg::GenericOp op) {
  if (oddChannelsLast(op))
    return true;
  AffineMap in = op.getIndexingMapsArray()[0];
  auto x = dyn_cast<RankedTensorType>(op.getDpsInputs()[0].getType());
  if (!x || !x.hasStaticShape() || x.getRank() != 4 ||
      in.getNumResults() != 4 || x.getDimSize(1) % 2 == 0)
    return false;
  auto c = dyn_cast<AffineDimExpr>(in.getResult(1));
  return c && op.getIteratorTypesArray()[c.getPosition()] ==
                  utils::IteratorType::reduction;
}

/// Whether a channels-last convolution with an odd input channel count
/// has a kernel row dsc-contraction-kernels can read as channels on AMX:
/// its zero-padded channels (at most 8) times the kernel width, at least
/// 2 taps.
bool foldsKernelRow(linalg::GenericOp op) {
  auto w = dyn_cast<RankedTensorType>(op.getDpsInputs()[1].getType());
  auto x = cast<RankedTensorType>(op.getDpsInputs()[0].getType());
  int64_t channels = x.getShape().back() + 1;
  return w && w.getRank() == 4 && channels <= 8 && w.getDimSize(2) >= 2;
}

/// A depthwise convolution's input map from which bf16 pays (f32 bytes).
constexpr int64_t kDepthwiseBF16Bytes = 1 << 20;

/// Contractions that run faster in f32 than with vdpbf16ps, kept f32:
/// depthwise convolutions (whose input channel is no reduction loop of its
/// own: each input element feeds only the few taps of its channel) over a
/// map under kDepthwiseBF16Bytes in f32: read from L2, their widened bf16
/// loads cost more than the bytes save (MobileNetV3-Small +8 % with all of
/// them in bf16), while a larger map, which the producer then stores
/// rounded (from its registers), moves half the bytes (MobileNetV2's 112²
/// and 56² expansions: BF16 2.7 -> 2.35 ms); and channels-last convolutions with an odd
/// input channel count whose weights are not constant (no zero channel can
/// be appended at compile time; an RGB stem with constant weights gets one).
/// With AMX, every convolution over an odd number of input channels (an
/// RGB stem; see the pass description).
/// (One-row products, a classifier's matrix-vector product, are converted:
/// their kernel widens the bf16 weights, half the bytes to stream.)
bool slowerInBF16(linalg::GenericOp op, bool amx) {
  AffineMap in = op.getIndexingMapsArray()[0];
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  auto x = cast<RankedTensorType>(op.getDpsInputs()[0].getType());
  if (in.getNumResults() == 4 &&
      llvm::none_of(in.getResults(), [&](AffineExpr e) {
        auto d = dyn_cast<AffineDimExpr>(e);
        return d &&
               iterators[d.getPosition()] == utils::IteratorType::reduction;
      }) &&
      (!x.hasStaticShape() || x.getNumElements() * 4 < kDepthwiseBF16Bytes))
    return true;
  // With AMX a channels-last one with constant weights and a short kernel
  // row (a 7x7 RGB stem: 7 x 4 channels) takes bf16: dsc-contraction-kernels
  // reads its kernel rows as channels, which fill AMX tile rows.
  if (amx && oddInputChannels(op) &&
      !(oddChannelsLast(op) && matchPattern(op.getDpsInputs()[1], m_Constant()) &&
        foldsKernelRow(op)))
    return true;
  return oddChannelsLast(op) &&
         !matchPattern(op.getDpsInputs()[1], m_Constant());
}

/// For vdpbf16ps on a product of two activations (an attention's q k and
/// probs v, a MatMul of two computed tensors): the loops (k, n) when `b`
/// (input 1, not constant) is read as [..., k, n] with k the reduction loop
/// that is the innermost index of `a` and n the output's innermost loop,
/// with an even k and whole 16-lane columns of n. Its bf16 copy is then
/// written in row pairs, [..., k / 2, 2 n] (element (k, n) at (k floordiv
/// 2, 2 n + k mod 2)): the layout dsc-contraction-kernels packs constant
/// weights into, so a lane's pair is one 32-bit word and 16 lanes' pairs
/// one 64-byte vector or AMX tile row.
std::optional<std::pair<unsigned, unsigned>>
pairableRows(linalg::GenericOp op) {
  Value bIn = op.getDpsInputs()[1];
  if (matchPattern(bIn, m_Constant()))
    return std::nullopt;
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  AffineMap a = maps[0], bm = maps[1], out = maps[2];
  auto bType = cast<RankedTensorType>(bIn.getType());
  if (a.getNumResults() == 0 || bm.getNumResults() < 2 ||
      out.getNumResults() == 0)
    return std::nullopt;
  auto k = dyn_cast<AffineDimExpr>(a.getResults().back());
  auto n = dyn_cast<AffineDimExpr>(bm.getResults().back());
  unsigned rank = bm.getNumResults();
  if (!k || !n || bm.getResult(rank - 2) != k || out.getResults().back() != n ||
      op.getIteratorTypesArray()[k.getPosition()] !=
          utils::IteratorType::reduction)
    return std::nullopt;
  for (AffineExpr e : bm.getResults().drop_back(2))
    if (e.isFunctionOfDim(k.getPosition()) ||
        e.isFunctionOfDim(n.getPosition()))
      return std::nullopt;
  for (AffineExpr e : a.getResults().drop_back())
    if (e.isFunctionOfDim(k.getPosition()))
      return std::nullopt;
  if (bType.getDimSize(rank - 2) % 2 || bType.getDimSize(rank - 1) % 16)
    return std::nullopt;
  return std::make_pair(k.getPosition(), n.getPosition());
}

/// Whether elementwise `op` updates a bf16 contraction's output in place
/// (its init that output, or the result of such an update): a residual
/// add or activation fused after the contraction, whose result is the
/// contraction kernel's.
bool updatesBF16Contraction(linalg::GenericOp op) {
  while (op && op.getNumDpsInits() == 1) {
    auto producer =
        op.getDpsInitOperand(0)->get().getDefiningOp<linalg::GenericOp>();
    if (!producer)
      return false;
    if (auto precision =
            producer->getAttrOfType<StringAttr>("dsc.precision"))
      return precision.getValue() == "bf16";
    if (producer->hasAttr(kContractionAttr) ||
        producer.getNumParallelLoops() != producer.getNumLoops())
      return false;
    op = producer;
  }
  return false;
}

/// `f` rounded to bf16 (nearest even), as a double.
double roundedValue(FloatAttr f) {
  uint32_t bits = uint32_t(roundToBF16(float(f.getValueAsDouble()))) << 16;
  float r;
  std::memcpy(&r, &bits, 4);
  return r;
}

/// A max pool on tensors: an f32 linalg.generic whose body is
/// max(out, first input) alone, its init a fill with a constant.
struct MaxPool {
  linalg::GenericOp op;
  FloatAttr init;
  bool maxnum;
};
std::optional<MaxPool> matchMaxPool(Value v) {
  auto op = v.getDefiningOp<linalg::GenericOp>();
  if (!op || op->hasAttr(kContractionAttr) || op.getNumDpsInits() != 1 ||
      op.getNumDpsInputs() < 1 || !isF32Tensor(v) ||
      !isF32Tensor(op.getDpsInputs()[0]) ||
      op.getRegion().front().getOperations().size() != 2)
    return std::nullopt;
  auto fill = op.getDpsInits()[0].getDefiningOp<linalg::FillOp>();
  FloatAttr init;
  if (!fill || !matchPattern(fill.getInputs()[0], m_Constant(&init)))
    return std::nullopt;
  Block &body = op.getRegion().front();
  Operation &max = body.front();
  Value in = body.getArgument(0), out = body.getArguments().back();
  bool maxnum = isa<arith::MaxNumFOp>(max);
  if ((!maxnum && !isa<arith::MaximumFOp>(max)) ||
      !((max.getOperand(0) == in && max.getOperand(1) == out) ||
        (max.getOperand(0) == out && max.getOperand(1) == in)) ||
      body.getTerminator()->getOperand(0) != max.getResult(0))
    return std::nullopt;
  return MaxPool{op, init, maxnum};
}

/// The uses of `v` other than by `except` (its rounding) when all are inputs
/// of elementwise ops that update a bf16 contraction's output in place (a
/// residual add in a later block); none otherwise (the graph's result, a
/// layout copy, a pad, a pooling window, an f32 contraction, an op
/// updating `v` itself), so that only values headed for another bf16
/// contraction's kernel read a rounded copy.
std::optional<SmallVector<OpOperand *>> elementwiseReads(Value v,
                                                         Operation *except) {
  SmallVector<OpOperand *> uses;
  for (OpOperand &use : v.getUses()) {
    Operation *user = use.getOwner();
    if (user == except || isOpTriviallyDead(user))
      continue;
    auto generic = dyn_cast<linalg::GenericOp>(user);
    if (!generic || generic->hasAttr(kContractionAttr) ||
        !generic.hasPureTensorSemantics() || !generic.isDpsInput(&use) ||
        generic.getNumParallelLoops() != generic.getNumLoops() ||
        !updatesBF16Contraction(generic))
      return std::nullopt;
    uses.push_back(&use);
  }
  return uses;
}

/// Where every other reader of activation `v` is an elementwise update of
/// a bf16 contraction's output (a residual add in a later block), those
/// read `v`'s bf16 copy `r` and widen it in their body, so `v` itself is
/// read only by its rounding and its producer stores only the bf16 copy: a
/// residual stream then moves half the bytes, as OpenVINO's bf16 does.
void readRoundedCopy(Value v, Value r) {
  std::optional<SmallVector<OpOperand *>> uses =
      elementwiseReads(v, r.getDefiningOp());
  if (!uses)
    return;
  for (OpOperand *use : *uses) {
    auto generic = cast<linalg::GenericOp>(use->getOwner());
    BlockArgument arg = generic.getMatchingBlockArgument(use);
    use->set(r);
    arg.setType(cast<RankedTensorType>(r.getType()).getElementType());
    OpBuilder b = OpBuilder::atBlockBegin(arg.getOwner());
    auto wide = arith::ExtFOp::create(b, generic.getLoc(), b.getF32Type(), arg);
    arg.replaceAllUsesExcept(wide, wide);
  }
}

struct BF16ContractionsPass
    : impl::DSCBF16ContractionsBase<BF16ContractionsPass> {
  using Base::Base;
  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = module.getContext();
    IRRewriter rewriter(ctx);
    Type bf16 = BFloat16Type::get(ctx);

    SmallVector<linalg::LinalgOp> marked;
    module.walk([&](linalg::LinalgOp op) {
      if (op->hasAttr(kContractionAttr) && op.hasPureTensorSemantics())
        marked.push_back(op);
    });

    std::map<std::string, int64_t> converted, kept;
    SmallVector<linalg::GenericOp> bf16Ops;
    // One bf16 copy per activation, however many contractions read it
    // (a block's input feeds its first conv and the downsample; Q, K and V
    // read one normalized tensor).
    // `v` rounded to bf16 (nearest even) into `init` through `maps`.
    auto truncate = [&](Value v, Value init, ArrayRef<AffineMap> maps,
                        Location loc) -> Value {
      auto initType = cast<RankedTensorType>(init.getType());
      return linalg::GenericOp::create(
                 rewriter, loc, TypeRange{initType}, ValueRange{v},
                 ValueRange{init}, maps,
                 SmallVector<utils::IteratorType>(
                     initType.getRank(), utils::IteratorType::parallel),
                 [&](OpBuilder &b, Location l, ValueRange args) {
                   linalg::YieldOp::create(
                       b, l,
                       arith::TruncFOp::create(b, l, bf16, args[0])
                           .getResult());
                 })
          .getResult(0);
    };
    DenseMap<Value, Value> rounded;
    SmallVector<Value> roundedInOrder;
    std::function<Value(Value, Location)> roundActivation;
    roundActivation = [&](Value v, Location loc) -> Value {
      if (Value r = rounded.lookup(v))
        return r;
      OpBuilder::InsertionGuard guard(rewriter);
      auto type = cast<RankedTensorType>(v.getType());
      // A padded activation (a 3x3 convolution's or a max pool's input) is
      // the pad of its source's rounding with the padding value rounded:
      // exact, and the source's other readers can then share that bf16
      // copy (readRoundedCopy).
      FloatAttr padValue;
      if (auto pad = v.getDefiningOp<tensor::PadOp>();
          pad && pad.getConstantPaddingValue() &&
          matchPattern(pad.getConstantPaddingValue(), m_Constant(&padValue))) {
        Value inner = roundActivation(pad.getSource(), loc);
        rewriter.setInsertionPointAfterValue(v);
        Value value = arith::ConstantOp::create(
            rewriter, loc, bf16,
            rewriter.getFloatAttr(bf16, roundedValue(padValue)));
        Value r = tensor::PadOp::create(rewriter, loc, type.clone(bf16), inner,
                                        pad.getMixedLowPad(),
                                        pad.getMixedHighPad(), value);
        rounded[v] = r;
        return r;
      }
      // A max pool's output is the same max pool over its input's rounding
      // (rounding is monotonic, so it commutes with max): exact, and the
      // map before the pool (a stem's output) is then stored in bf16 too.
      if (std::optional<MaxPool> pool = matchMaxPool(v)) {
        Value input = roundActivation(pool->op.getDpsInputs()[0], loc);
        rewriter.setInsertionPointAfterValue(v);
        auto initType = cast<RankedTensorType>(pool->op.getResultTypes()[0]);
        Value empty = tensor::EmptyOp::create(rewriter, loc,
                                              initType.getShape(),
                                              rewriter.getF32Type());
        Value init =
            linalg::FillOp::create(
                rewriter, loc,
                ValueRange{arith::ConstantOp::create(rewriter, loc, pool->init)},
                ValueRange{empty})
                .getResult(0);
        SmallVector<Value> inputs(pool->op.getDpsInputs());
        inputs[0] = input;
        bool maxnum = pool->maxnum;
        // The max in f32 of the widened inputs (exact), so the pooling
        // kernel keeps its f32 accumulators; rounding its result is exact.
        Value max =
            linalg::GenericOp::create(
                rewriter, loc, TypeRange{initType}, inputs, ValueRange{init},
                pool->op.getIndexingMapsArray(),
                pool->op.getIteratorTypesArray(),
                [&](OpBuilder &b, Location l, ValueRange args) {
                  Value in =
                      arith::ExtFOp::create(b, l, b.getF32Type(), args[0]);
                  Value m = maxnum ? arith::MaxNumFOp::create(b, l, args.back(),
                                                              in)
                                         .getResult()
                                   : arith::MaximumFOp::create(b, l,
                                                               args.back(), in)
                                         .getResult();
                  linalg::YieldOp::create(b, l, m);
                })
                .getResult(0);
        AffineMap id = rewriter.getMultiDimIdentityMap(type.getRank());
        Value r = truncate(
            max,
            tensor::EmptyOp::create(rewriter, loc, type.getShape(), bf16),
            {id, id}, loc);
        roundedInOrder.push_back(v);
        rounded[v] = r;
        return r;
      }
      roundedInOrder.push_back(v);
      rewriter.setInsertionPointAfterValue(v);
      Value empty =
          tensor::EmptyOp::create(rewriter, loc, type.getShape(), bf16);
      AffineMap id = rewriter.getMultiDimIdentityMap(type.getRank());
      Value r = truncate(v, empty, {id, id}, loc);
      rounded[v] = r;
      return r;
    };

    // `v` rounded with index `dim` in pairs, [..., d / 2, ..., 2] (pairs
    // innermost), read back through (d floordiv 2, ..., d mod 2): a pair
    // vdpbf16ps multiplies is one 32-bit word. For convolutions
    // (pairActivations) the input's channels, dim 1, so that the pair (c,
    // c + 1) a kernel multiplies with one 32-bit weight pair is one load.
    DenseMap<std::pair<Value, unsigned>, Value> paired;
    auto roundInPairs = [&](Value v, unsigned dim, Location loc) -> Value {
      if (Value r = paired.lookup({v, dim}))
        return r;
      OpBuilder::InsertionGuard guard(rewriter);
      rewriter.setInsertionPointAfterValue(v);
      auto type = cast<RankedTensorType>(v.getType());
      SmallVector<int64_t> shape(type.getShape());
      shape[dim] /= 2;
      shape.push_back(2);
      Value empty = tensor::EmptyOp::create(rewriter, loc, shape, bf16);
      unsigned rank = shape.size();
      SmallVector<AffineExpr> in;
      for (unsigned i = 0; i + 1 < rank; ++i)
        in.push_back(rewriter.getAffineDimExpr(i));
      in[dim] = in[dim] * 2 + rewriter.getAffineDimExpr(rank - 1);
      SmallVector<AffineMap> maps = {AffineMap::get(rank, 0, in, ctx),
                                     rewriter.getMultiDimIdentityMap(rank)};
      Value r = truncate(v, empty, maps, loc);
      paired[{v, dim}] = r;
      return r;
    };
    auto pairChannels = [&](Value v, Location loc) {
      return roundInPairs(v, 1, loc);
    };
    // `b` of a product of two activations for vdpbf16ps (pairableRows):
    // its bf16 copy in row pairs, [..., k / 2, n, 2] collapsed to
    // [..., k / 2, 2 n].
    auto pairRows = [&](Value v, Location loc) -> Value {
      Value r = roundInPairs(
          v, cast<RankedTensorType>(v.getType()).getRank() - 2, loc);
      OpBuilder::InsertionGuard guard(rewriter);
      rewriter.setInsertionPointAfterValue(r);
      int64_t rank = cast<RankedTensorType>(r.getType()).getRank();
      SmallVector<ReassociationIndices> groups;
      for (int64_t i = 0; i + 2 < rank; ++i)
        groups.push_back({i});
      groups.push_back({rank - 2, rank - 1});
      return tensor::CollapseShapeOp::create(rewriter, loc, r, groups)
          .getResult();
    };

    for (linalg::LinalgOp op : marked) {
      std::string kind =
          cast<StringAttr>(op->getAttr(kContractionAttr)).getValue().str();
      linalg::GenericOp generic = dyn_cast<linalg::GenericOp>(*op);
      if (!generic) {
        rewriter.setInsertionPoint(op);
        FailureOr<linalg::GenericOp> g =
            linalg::generalizeNamedOp(rewriter, op);
        if (failed(g)) {
          ++kept[kind];
          continue;
        }
        generic = *g;
        markContraction(generic, kind);
      }
      if (!isMultiplyAccumulate(generic) ||
          (pairActivations && slowerInBF16(generic, amx))) {
        ++kept[kind];
        continue;
      }
      Location loc = generic.getLoc();
      SmallVector<Value> inputs;
      SmallVector<AffineMap> maps = generic.getIndexingMapsArray();
      // A convolution's input channel loop: index 1 of the input (a plain
      // reduction loop that no other index uses), read by the weights too.
      // An odd channel count (an RGB image) gets one zero channel, in the
      // input and in the constant weights, so the pairs are whole.
      DenseElementsAttr weights;
      bool oddChannels = false;
      bool channelPairs = [&]() -> bool {
        if (!pairActivations || kind != "Conv")
          return false;
        Value x = generic.getDpsInputs()[0];
        auto xType = cast<RankedTensorType>(x.getType());
        DenseElementsAttr dense;
        if (matchPattern(x, m_Constant(&dense)) || xType.getRank() < 3)
          return false;
        // Only where dsc-contraction-kernels takes vdpbf16ps along output
        // channels (16 lanes, a reduction of 64 or more; see
        // matchAlongChannels): a paired input elsewhere would leave the
        // contraction to scalar loops.
        auto yType = cast<RankedTensorType>(generic.getResultTypes()[0]);
        int64_t reduction = 1;
        SmallVector<int64_t> ranges = generic.getStaticLoopRanges();
        for (auto [d, it] : llvm::enumerate(generic.getIteratorTypesArray()))
          if (it == utils::IteratorType::reduction)
            reduction *= ranges[d];
        if (yType.getRank() < 3 || yType.getDimSize(1) % 16 != 0 ||
            reduction < 64)
          return false;
        oddChannels = xType.getDimSize(1) % 2 != 0;
        if (oddChannels &&
            !matchPattern(generic.getDpsInputs()[1], m_Constant(&weights)))
          return false;
        auto c = dyn_cast<AffineDimExpr>(maps[0].getResult(1));
        if (!c || generic.getIteratorTypesArray()[c.getPosition()] !=
                      utils::IteratorType::reduction)
          return false;
        for (auto [i, e] : llvm::enumerate(maps[0].getResults()))
          if (i != 1 && e.isFunctionOfDim(c.getPosition()))
            return false;
        return llvm::is_contained(maps[1].getResults(), AffineExpr(c));
      }();
      // A channels-last convolution with an odd input channel count (an
      // RGB stem): one zero channel appended to the input and the constant
      // weights, so vdpbf16ps gets whole pairs of its innermost index.
      unsigned padDim = 1;
      if (!channelPairs && pairActivations && kind == "Conv" &&
          oddChannelsLast(generic) &&
          matchPattern(generic.getDpsInputs()[1], m_Constant(&weights))) {
        oddChannels = true;
        padDim = 3;
      }
      if (channelPairs) {
        AffineExpr c = maps[0].getResult(1);
        SmallVector<AffineExpr> exprs(maps[0].getResults());
        exprs[1] = c.floorDiv(2);
        exprs.push_back(c % 2);
        maps[0] = AffineMap::get(maps[0].getNumDims(), 0, exprs, ctx);
      }
      // `in` with one zero channel appended along `dim`.
      auto appendZeroChannel = [&](Value in, unsigned dim) -> Value {
        OpBuilder::InsertionGuard guard(rewriter);
        rewriter.setInsertionPointAfterValue(in);
        auto xType = cast<RankedTensorType>(in.getType());
        SmallVector<OpFoldResult> low(xType.getRank(),
                                      rewriter.getIndexAttr(0)),
            high(low);
        high[dim] = rewriter.getIndexAttr(1);
        SmallVector<int64_t> shape(xType.getShape());
        shape[dim] += 1;
        Value zero = arith::ConstantOp::create(rewriter, loc,
                                               rewriter.getF32FloatAttr(0.0f));
        return tensor::PadOp::create(
            rewriter, loc, RankedTensorType::get(shape, xType.getElementType()),
            in, low, high, zero);
      };
      for (auto [i, in] : llvm::enumerate(generic.getDpsInputs())) {
        if (i == 0 && (oddChannels || channelPairs)) {
          Value x = oddChannels ? appendZeroChannel(in, padDim) : in;
          inputs.push_back(channelPairs ? pairChannels(x, loc)
                                        : roundActivation(x, loc));
          continue;
        }
        if (i == 1 && oddChannels) {
          AffineExpr c = generic.getIndexingMapsArray()[0].getResult(padDim);
          ArrayRef<AffineExpr> wExprs = maps[1].getResults();
          unsigned dim = llvm::find(wExprs, c) - wExprs.begin();
          rewriter.setInsertionPointAfterValue(in);
          inputs.push_back(arith::ConstantOp::create(
              rewriter, in.getLoc(), toBF16(padDenseWithZeros(
                  weights, dim, weights.getType().getDimSize(dim) + 1))));
          continue;
        }
        if (i == 1 && pairActivations && kind != "Conv") {
          if (auto kn = pairableRows(generic)) {
            auto [k, n] = *kn;
            AffineExpr kd = rewriter.getAffineDimExpr(k),
                       nd = rewriter.getAffineDimExpr(n);
            SmallVector<AffineExpr> exprs(maps[1].getResults().drop_back(2));
            exprs.push_back(kd.floorDiv(2));
            exprs.push_back(nd * 2 + kd % 2);
            maps[1] = AffineMap::get(maps[1].getNumDims(), 0, exprs, ctx);
            inputs.push_back(pairRows(in, loc));
            continue;
          }
        }
        DenseElementsAttr dense;
        if (matchPattern(in, m_Constant(&dense))) {
          rewriter.setInsertionPointAfterValue(in);
          inputs.push_back(
              arith::ConstantOp::create(rewriter, in.getLoc(), toBF16(dense)));
        } else {
          inputs.push_back(roundActivation(in, loc));
        }
      }
      rewriter.setInsertionPoint(generic);
      auto body = [&](OpBuilder &b, Location l, ValueRange args) {
        Value x = arith::ExtFOp::create(b, l, b.getF32Type(), args[0]);
        Value y = arith::ExtFOp::create(b, l, b.getF32Type(), args[1]);
        Value p = arith::MulFOp::create(b, l, x, y);
        linalg::YieldOp::create(
            b, l, arith::AddFOp::create(b, l, args[2], p).getResult());
      };
      auto replacement = linalg::GenericOp::create(
          rewriter, loc, generic.getResultTypes(), inputs,
          generic.getDpsInits(), maps, generic.getIteratorTypesArray(), body);
      markContraction(replacement, kind);
      replacement->setAttr("dsc.precision", rewriter.getStringAttr("bf16"));
      rewriter.replaceOp(generic, replacement.getResults());
      bf16Ops.push_back(replacement);
      ++converted[kind];
    }

    if (!f32Activations) {
      for (Value v : roundedInOrder)
        readRoundedCopy(v, rounded.lookup(v));
      // A bf16 contraction's output that only such updates read (a
      // downsample's, the residual of its stage's first block) gets a bf16
      // copy for them as well.
      for (linalg::GenericOp op : bf16Ops) {
        Value v = op->getResult(0);
        std::optional<SmallVector<OpOperand *>> uses =
            elementwiseReads(v, nullptr);
        if (isF32Tensor(v) && !rounded.count(v) && uses && !uses->empty())
          readRoundedCopy(v, roundActivation(v, op.getLoc()));
      }
    }

    // For the compile report: which weight layers now take bf16 inputs.
    auto dict = [&](const std::map<std::string, int64_t> &m) {
      SmallVector<NamedAttribute> entries;
      for (const auto &[name, count] : m)
        entries.emplace_back(
            StringAttr::get(ctx, name),
            IntegerAttr::get(IntegerType::get(ctx, 64), count));
      return DictionaryAttr::get(ctx, entries);
    };
    module->setAttr("dsc.bf16_contractions", dict(converted));
    module->setAttr("dsc.fp32_contractions", dict(kept));
  }
};

} // namespace
} // namespace dsc
