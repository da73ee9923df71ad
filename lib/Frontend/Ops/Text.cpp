//===- Text.cpp - TfIdfVectorizer -----------------------------------------===//
//
// TfIdfVectorizer counts the pool's n-grams in each row of integer tokens.
// The pool is an attribute, so the count is a composition: for each n-gram
// size n and skip distance s, the n shifted windows of the row are compared
// with every pool n-gram of that size at once ([B, M, L] booleans), and-ed,
// summed over the positions, and a constant one-hot matmul scatters the
// counts to their output columns. Counts are small integers, exact in f32.
//
//===----------------------------------------------------------------------===//
#include "../Compose.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

#include <map>

using namespace mlir;

namespace dsc {
namespace {

/// TfIdfVectorizer (opset 9) on int32/int64 tokens [C] or [B, C]; strings
/// (pool_strings) are refused as dsc has no string tensors.
LogicalResult importTfIdfVectorizer(NodeImporter &n) {
  if (failed(n.checkAttributes({"max_gram_length", "max_skip_count",
                                "min_gram_length", "mode", "ngram_counts",
                                "ngram_indexes", "pool_int64s", "pool_strings",
                                "weights"})))
    return failure();
  if (n.attr("pool_strings"))
    return n.emitError() << "pool_strings needs string tensors, which dsc "
                            "does not support; use pool_int64s";
  FailureOr<Value> x = n.input(0);
  auto maxGram = n.intAttr("max_gram_length", -1);
  auto minGram = n.intAttr("min_gram_length", -1);
  auto maxSkip = n.intAttr("max_skip_count", -1);
  auto mode = n.stringAttr("mode", "");
  auto countsAttr = n.intsAttr("ngram_counts");
  auto indexesAttr = n.intsAttr("ngram_indexes");
  auto poolAttr = n.intsAttr("pool_int64s");
  if (failed(x) || failed(maxGram) || failed(minGram) || failed(maxSkip) ||
      failed(mode) || failed(countsAttr) || failed(indexesAttr) ||
      failed(poolAttr))
    return failure();
  if (*mode != "TF" && *mode != "IDF" && *mode != "TFIDF")
    return n.emitError() << "mode must be TF, IDF or TFIDF, got '" << *mode
                         << "'";
  if (!*countsAttr || !*indexesAttr || !*poolAttr)
    return n.emitError() << "needs the attributes ngram_counts, "
                            "ngram_indexes and pool_int64s";
  if (*minGram < 1 || *maxGram < *minGram || *maxSkip < 0)
    return n.emitError() << "needs 1 <= min_gram_length <= max_gram_length "
                            "and max_skip_count >= 0";
  ArrayRef<int64_t> counts = **countsAttr, indexes = **indexesAttr,
                    pool = **poolAttr;
  SmallVector<float> weights;
  if (const onnx::AttributeProto *w = n.attr("weights"))
    weights.assign(w->floats().begin(), w->floats().end());
  int64_t outSize = 0;
  for (int64_t i : indexes) {
    if (i < 0)
      return n.emitError() << "ngram_indexes must be non-negative";
    outSize = std::max(outSize, i + 1);
  }
  if (!weights.empty() && weights.size() != indexes.size())
    return n.emitError() << "weights has " << weights.size()
                         << " entries; ngram_indexes " << indexes.size();
  RankedTensorType xt = n.type(*x);
  if (!isa<IntegerType>(xt.getElementType()) ||
      xt.getElementType().isInteger(1) || xt.getRank() > 2)
    return n.emitError() << "expects integer tokens [C] or [B, C], got " << xt;
  // The pool's n-grams of sizes in [min, max] by size, with their output
  // columns. Ids run over the whole pool (other sizes too); a repeated
  // n-gram keeps the last id, as ONNX's reference.
  std::map<int64_t, std::map<SmallVector<int64_t>, int64_t>> grams;
  int64_t id = 0;
  for (size_t i = 0; i < counts.size(); ++i) {
    int64_t size = i + 1;
    int64_t begin = counts[i];
    int64_t end = i + 1 < counts.size() ? counts[i + 1]
                                        : static_cast<int64_t>(pool.size());
    if (begin < 0 || end < begin || end > static_cast<int64_t>(pool.size()) ||
        (end - begin) % size)
      return n.emitError() << "ngram_counts do not split pool_int64s into "
                              "n-grams of sizes 1, 2, ...";
    for (int64_t at = begin; at < end; at += size, ++id) {
      if (id >= static_cast<int64_t>(indexes.size()))
        return n.emitError() << "ngram_indexes has " << indexes.size()
                             << " entries, fewer than the pool's n-grams";
      if (size >= *minGram && size <= *maxGram)
        grams[size][SmallVector<int64_t>(
            pool.begin() + at, pool.begin() + at + size)] = indexes[id];
    }
  }

  Composer c(n);
  Builder b(n.context());
  Type i64 = b.getI64Type(), f32 = b.getF32Type();
  int64_t rows = xt.getRank() == 2 ? xt.getDimSize(0) : 1;
  int64_t length = xt.getRank() == 0 ? 1 : xt.getShape().back();
  // Compared as i64: a pool value outside int32 never matches an int32 token.
  Value tokens = c.reshape(c.cast(*x, i64), {rows, 1, length});
  Value total = c.splat({rows, outSize}, f32, 0.0);
  for (auto &[size, table] : grams) {
    int64_t m = table.size();
    // Column k of the [1, M, 1] tables: element k of each n-gram.
    SmallVector<SmallVector<int64_t>> columns(size);
    SmallVector<int64_t> scatter(m * outSize, 0);
    int64_t row = 0;
    for (auto &[gram, column] : table) {
      for (int64_t k = 0; k < size; ++k)
        columns[k].push_back(gram[k]);
      scatter[row++ * outSize + column] = 1;
    }
    Value found;
    // Unigrams are counted once; longer n-grams at every skip distance.
    int64_t skips = size == 1 ? 1 : *maxSkip + 1;
    for (int64_t s = 1; s <= skips; ++s) {
      int64_t positions = length - s * (size - 1);
      if (positions <= 0)
        break;
      Value match;
      for (int64_t k = 0; k < size; ++k) {
        Value window = c.sliceAlong(tokens, 2, s * k, positions);
        Value eq =
            c.equal(window, c.constant(RankedTensorType::get({1, m, 1}, i64),
                                       columns[k]));
        if (!eq)
          return failure();
        if (!match) {
          match = eq;
          continue;
        }
        FailureOr<Value> a = n.create<AndOp>(
            inferLogicalType(n.errorFn(), c.type(match), c.type(eq)), match,
            eq);
        if (failed(a))
          return failure();
        match = *a;
      }
      Value hits = c.reduce(c.cast(match, f32), "sum", {2}, false);
      found = found ? c.add(found, hits) : hits;
    }
    if (!found)
      continue;
    total = c.add(
        total,
        c.matmul(found, c.constant(RankedTensorType::get({m, outSize}, f32),
                                   scatter)));
  }
  Value y = total;
  if (*mode != "TF") {
    if (*mode == "IDF")
      y = c.where(c.compare<GreaterOp>(y, c.scalar(f32, 0.0)),
                  c.scalar(f32, 1.0), c.scalar(f32, 0.0));
    if (!weights.empty()) {
      // weights[i] is the weight of the pool's i-th n-gram (the spec, and
      // ONNX Runtime; ONNX's reference reads it per output column).
      SmallVector<float> perColumn(outSize, 0.0f);
      for (auto [i, column] : llvm::enumerate(indexes))
        perColumn[column] = weights[i];
      auto wt = RankedTensorType::get({outSize}, f32);
      y = c.mul(y, arith::ConstantOp::create(
                       n.builder(), n.loc(),
                       DenseElementsAttr::get(wt, ArrayRef<float>(perColumn))));
    }
  }
  if (xt.getRank() < 2)
    y = c.reshape(y, {outSize});
  if (!y)
    return failure();
  n.setOutput(0, y);
  n.setOutputONNXType(0, onnx::TensorProto::FLOAT);
  return success();
}

} // namespace

void registerTextImporters(OpRegistry &r) {
  r.add("TfIdfVectorizer", {9}, importTfIdfVectorizer);
}

} // namespace dsc
