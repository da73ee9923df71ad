//===- Einsum.cpp - the Einsum importer -----------------------------------===//
//
// Einsum is parsed at import and built from dsc ops: each operand first
// takes the diagonal of repeated labels (transpose, reshape, strided slice)
// and sums out labels no other operand or the output uses; operands are
// then combined left to right by one batched matmul each (labels shared
// and still needed are batch dimensions, shared and no longer needed are
// contracted); a final transpose gives the output order.
//
//===----------------------------------------------------------------------===//
#include "../Compose.h"

#include "llvm/ADT/STLExtras.h"

#include <map>

using namespace mlir;

namespace dsc {
namespace {

/// A label: a letter's character code, or kEllipsis + k for the k-th
/// (from the left) dimension that "..." stands for.
constexpr int kEllipsis = 1000;

struct Term {
  Value value;
  SmallVector<int> labels; // one per dimension
};

/// The labels of one side of the equation; `rank` is the operand's rank
/// (for "..."), `ellipsisRank` the broadcast rank all "..." share.
FailureOr<SmallVector<int>> parseTerm(NodeImporter &n, StringRef term,
                                      int64_t rank, int64_t ellipsisRank,
                                      bool isOutput) {
  SmallVector<int> labels;
  size_t dots = term.find("...");
  if (dots != StringRef::npos && term.find("...", dots + 1) != StringRef::npos)
    return n.emitError() << "Einsum term '" << term
                         << "' has more than one ellipsis";
  StringRef before = dots == StringRef::npos ? term : term.take_front(dots);
  StringRef after = dots == StringRef::npos ? "" : term.drop_front(dots + 3);
  auto letters = [&](StringRef s) -> LogicalResult {
    for (char c : s) {
      if (!llvm::isAlpha(c))
        return n.emitError()
               << "Einsum term '" << term << "' has the character '" << c
               << "'; expected letters and '...'";
      labels.push_back(c);
    }
    return success();
  };
  if (failed(letters(before)))
    return failure();
  if (dots != StringRef::npos) {
    int64_t count =
        isOutput ? ellipsisRank : rank - int64_t(before.size() + after.size());
    if (count < 0)
      return n.emitError() << "Einsum term '" << term
                           << "' has more labels than its operand's rank "
                           << rank;
    // Right-aligned against the broadcast "..." dimensions.
    for (int64_t k = 0; k < count; ++k)
      labels.push_back(kEllipsis + ellipsisRank - count + k);
  }
  if (failed(letters(after)))
    return failure();
  if (!isOutput && int64_t(labels.size()) != rank)
    return n.emitError() << "Einsum term '" << term << "' has " << labels.size()
                         << " labels for an operand of rank " << rank;
  return labels;
}

LogicalResult importEinsum(NodeImporter &n) {
  if (failed(n.checkAttributes({"equation"})))
    return failure();
  if (!n.attr("equation"))
    return n.emitError() << "the required attribute 'equation' is missing";
  auto equationAttr = n.stringAttr("equation", "");
  if (failed(equationAttr))
    return failure();
  std::string equation;
  for (char c : *equationAttr)
    if (c != ' ')
      equation.push_back(c);
  StringRef eq(equation);
  size_t arrow = eq.find("->");
  StringRef lhs = eq.take_front(arrow);
  SmallVector<StringRef> inputTerms;
  lhs.split(inputTerms, ',');
  if (int(inputTerms.size()) != n.numInputs() || n.numInputs() == 0)
    return n.emitError() << "Einsum equation '" << *equationAttr << "' has "
                         << inputTerms.size() << " operand terms for "
                         << n.numInputs() << " inputs";

  SmallVector<Value> inputs;
  Type elem;
  int64_t ellipsisRank = 0;
  for (auto [i, term] : llvm::enumerate(inputTerms)) {
    FailureOr<Value> v = n.input(i);
    if (failed(v))
      return failure();
    RankedTensorType t = n.type(*v);
    if (!isa<FloatType>(t.getElementType()) ||
        (elem && elem != t.getElementType()))
      return n.emitError() << "Einsum expects floating-point inputs of one "
                              "element type, got "
                           << t;
    elem = t.getElementType();
    inputs.push_back(*v);
    size_t dots = term.find("...");
    if (dots != StringRef::npos)
      ellipsisRank = std::max<int64_t>(ellipsisRank,
                                       t.getRank() - int64_t(term.size() - 3));
  }

  Composer c(n);
  SmallVector<Term> terms;
  std::map<int, int64_t> sizes;
  for (auto [i, term] : llvm::enumerate(inputTerms)) {
    auto labels = parseTerm(n, term, Composer::type(inputs[i]).getRank(),
                            ellipsisRank, false);
    if (failed(labels))
      return failure();
    for (auto [d, label] : llvm::enumerate(*labels)) {
      int64_t size = Composer::shape(inputs[i])[d];
      auto [it, inserted] = sizes.try_emplace(label, size);
      if (!inserted && it->second != size) {
        // "..." dimensions broadcast; letters must agree.
        if (label >= kEllipsis && (it->second == 1 || size == 1))
          it->second = std::max(it->second, size);
        else
          return n.emitError()
                 << "Einsum label '"
                 << (label >= kEllipsis ? std::string("...")
                                        : std::string(1, label))
                 << "' has sizes " << it->second << " and " << size;
      }
    }
    terms.push_back({inputs[i], *labels});
  }

  // The output's labels: given, or (implicit) the ellipsis dimensions then
  // the letters used exactly once, in alphabetical order.
  SmallVector<int> outLabels;
  if (arrow != StringRef::npos) {
    auto labels = parseTerm(n, eq.drop_front(arrow + 2), 0, ellipsisRank, true);
    if (failed(labels))
      return failure();
    outLabels = *labels;
    for (int label : outLabels) {
      if (!sizes.count(label))
        return n.emitError() << "Einsum output label '" << char(label)
                             << "' is not used by any input";
      if (llvm::count(outLabels, label) > 1)
        return n.emitError()
               << "Einsum output label '" << char(label) << "' is repeated";
    }
  } else {
    for (int k = 0; k < ellipsisRank; ++k)
      outLabels.push_back(kEllipsis + k);
    std::map<int, int> uses;
    for (Term &t : terms)
      for (int label : t.labels)
        if (label < kEllipsis)
          ++uses[label];
    for (auto [label, count] : uses)
      if (count == 1)
        outLabels.push_back(label);
  }

  // Broadcast size-1 "..." dimensions, take diagonals of repeated labels.
  for (Term &t : terms) {
    SmallVector<int64_t> full;
    for (int label : t.labels)
      full.push_back(sizes[label]);
    t.value = c.expand(t.value, full);
    for (;;) {
      int64_t p = -1, q = -1;
      for (int64_t a = 0; a < int64_t(t.labels.size()) && p < 0; ++a)
        for (int64_t b = a + 1; b < int64_t(t.labels.size()); ++b)
          if (t.labels[a] == t.labels[b]) {
            p = a;
            q = b;
            break;
          }
      if (p < 0)
        break;
      // Move the pair last, flatten it, and read every (size + 1)-th.
      SmallVector<int64_t> perm;
      SmallVector<int> labels;
      for (int64_t d = 0; d < int64_t(t.labels.size()); ++d)
        if (d != p && d != q) {
          perm.push_back(d);
          labels.push_back(t.labels[d]);
        }
      perm.append({p, q});
      int64_t size = sizes[t.labels[p]];
      Value v = c.transpose(t.value, perm);
      SmallVector<int64_t> shape(Composer::shape(v).drop_back(2));
      shape.push_back(size * size);
      v = c.reshape(v, shape);
      SmallVector<int64_t> starts(shape.size(), 0), steps(shape.size(), 1);
      steps.back() = size + 1;
      shape.back() = size;
      t.value = c.slice(v, starts, shape, steps);
      labels.push_back(t.labels[p]);
      t.labels = labels;
    }
  }

  // Labels needed after term `i`: the output's and later terms'.
  auto neededAfter = [&](size_t i, int label) {
    if (llvm::is_contained(outLabels, label))
      return true;
    for (size_t j = i + 1; j < terms.size(); ++j)
      if (llvm::is_contained(terms[j].labels, label))
        return true;
    return false;
  };
  auto sumOut = [&](Term &t, llvm::function_ref<bool(int)> keep) {
    SmallVector<int64_t> axes;
    SmallVector<int> labels;
    for (auto [d, label] : llvm::enumerate(t.labels)) {
      if (keep(label))
        labels.push_back(label);
      else
        axes.push_back(d);
    }
    if (!axes.empty()) {
      t.value = c.reduce(t.value, "sum", axes, false);
      t.labels = labels;
    }
  };
  // Labels of one operand only that the output does not keep.
  for (size_t i = 0; i < terms.size(); ++i)
    sumOut(terms[i], [&](int label) {
      if (llvm::is_contained(outLabels, label))
        return true;
      for (size_t j = 0; j < terms.size(); ++j)
        if (j != i && llvm::is_contained(terms[j].labels, label))
          return true;
      return false;
    });

  Term acc = terms.front();
  for (size_t i = 1; i < terms.size(); ++i) {
    Term &b = terms[i];
    SmallVector<int> batch, contracted, aOnly, bOnly;
    for (int label : acc.labels) {
      if (!llvm::is_contained(b.labels, label))
        aOnly.push_back(label);
      else if (neededAfter(i, label))
        batch.push_back(label);
      else
        contracted.push_back(label);
    }
    for (int label : b.labels)
      if (!llvm::is_contained(acc.labels, label))
        bOnly.push_back(label);
    auto arrange = [&](Term &t, ArrayRef<SmallVector<int> *> groups) {
      SmallVector<int64_t> perm, shape;
      for (SmallVector<int> *g : groups) {
        int64_t size = 1;
        for (int label : *g) {
          perm.push_back(llvm::find(t.labels, label) - t.labels.begin());
          size *= sizes[label];
        }
        shape.push_back(size);
      }
      return c.reshape(c.transpose(t.value, perm), shape);
    };
    Value a3 = arrange(acc, {&batch, &aOnly, &contracted});
    Value b3 = arrange(b, {&batch, &contracted, &bOnly});
    Value product = c.matmul(a3, b3);
    SmallVector<int> labels(batch);
    labels.append(aOnly);
    labels.append(bOnly);
    SmallVector<int64_t> shape;
    for (int label : labels)
      shape.push_back(sizes[label]);
    acc = {c.reshape(product, shape), labels};
  }
  sumOut(acc, [&](int label) { return llvm::is_contained(outLabels, label); });
  SmallVector<int64_t> perm;
  for (int label : outLabels)
    perm.push_back(llvm::find(acc.labels, label) - acc.labels.begin());
  return n.setResult(c.transpose(acc.value, perm));
}

} // namespace

void registerEinsumImporters(OpRegistry &r) {
  r.add("Einsum", {12}, importEinsum);
}

} // namespace dsc
