//===- Det.cpp - the Det importer -----------------------------------------===//
//
// Det of [..., M, M] for M <= 4 as the Leibniz sum over permutations of
// products of matrix elements (at most 24 products of 4 slices), built from
// slices, muls and adds. Larger matrices would need a pivoted LU
// factorization, which dsc has no op for.
//
//===----------------------------------------------------------------------===//
#include "../Compose.h"

#include <algorithm>

using namespace mlir;

namespace dsc {
namespace {

constexpr int64_t kMaxDetSize = 4;

LogicalResult importDet(NodeImporter &n) {
  if (failed(n.checkAttributes({})))
    return failure();
  FailureOr<Value> x = n.input(0);
  if (failed(x))
    return failure();
  RankedTensorType xt = n.type(*x);
  int64_t rank = xt.getRank();
  if (!isa<FloatType>(xt.getElementType()) || rank < 2 ||
      xt.getDimSize(rank - 1) != xt.getDimSize(rank - 2))
    return n.emitError() << "expects floating-point square matrices "
                            "[..., M, M], got "
                         << xt;
  int64_t m = xt.getDimSize(rank - 1);
  if (m < 1 || m > kMaxDetSize)
    return n.emitError() << "Det of " << m << "x" << m
                         << " matrices is not supported (at most "
                         << kMaxDetSize << "x" << kMaxDetSize << ")";
  Composer c(n);
  SmallVector<int64_t> batch(xt.getShape().drop_back(2));
  // element(i, j): x[..., i, j] as a [...] tensor.
  auto element = [&](int64_t i, int64_t j) {
    SmallVector<int64_t> starts(rank, 0), sizes(xt.getShape());
    starts[rank - 2] = i;
    starts[rank - 1] = j;
    sizes[rank - 2] = sizes[rank - 1] = 1;
    return c.reshape(c.slice(*x, starts, sizes), batch);
  };
  SmallVector<int64_t> perm = llvm::to_vector(llvm::seq<int64_t>(0, m));
  Value det;
  do {
    // The permutation's sign from its inversions.
    int64_t inversions = 0;
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = i + 1; j < m; ++j)
        inversions += perm[i] > perm[j];
    Value term = element(0, perm[0]);
    for (int64_t i = 1; i < m; ++i)
      term = c.mul(term, element(i, perm[i]));
    if (!det)
      det = term; // the identity permutation is even
    else
      det = inversions % 2 ? c.sub(det, term) : c.add(det, term);
  } while (std::next_permutation(perm.begin(), perm.end()));
  return n.setResult(det);
}

} // namespace

void registerDetImporters(OpRegistry &r) { r.add("Det", {11}, importDet); }

} // namespace dsc
