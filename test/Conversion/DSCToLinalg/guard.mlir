// RUN: dsc-opt %s --split-input-file --dsc-convert-to-linalg --mlir-print-local-scope | FileCheck %s
// RUN: dsc-opt %s --split-input-file --canonicalize | FileCheck %s --check-prefix=CANON

// Tests that a guard moves, with the ops it depends on, before the ops that
// do not feed it, and becomes an and-reduction of its condition plus a
// dsc.check that reports the given values as i64.
// CHECK-LABEL: func @guard
// CHECK-SAME:    (%[[X:.*]]: tensor<2x3xf32>, %[[S:.*]]: tensor<2xi64>)
// CHECK:         %[[EQ:.*]] = linalg.generic
// CHECK:           arith.cmpi eq
// CHECK:         %[[ALL:.*]] = linalg.reduce ins(%[[EQ]] : tensor<2xi1>)
// CHECK:           arith.andi
// CHECK:         %[[OK:.*]] = tensor.extract %[[ALL]][] : tensor<i1>
// CHECK:         %[[G0:.*]] = tensor.extract %[[S]][%{{.*}}] : tensor<2xi64>
// CHECK:         %[[G1:.*]] = tensor.extract %[[S]][%{{.*}}] : tensor<2xi64>
// CHECK:         dsc.check %[[OK]], %[[G0]], %[[G1]] {message = "node 'r' (Reshape): must be [3, 2]"} : i64, i64
// CHECK:         math.exp
// CHECK:         tensor.collapse_shape
func.func @guard(%x: tensor<2x3xf32>, %s: tensor<2xi64>) -> tensor<3x2xf32> {
  %e = dsc.exp %x : tensor<2x3xf32>
  %want = arith.constant dense<[3, 2]> : tensor<2xi64>
  %eq = dsc.equal %s, %want : (tensor<2xi64>, tensor<2xi64>) -> tensor<2xi1>
  dsc.guard %eq, %s {message = "node 'r' (Reshape): must be [3, 2]"} : tensor<2xi1>, tensor<2xi64>
  %y = dsc.reshape %e : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}

// -----

// Tests that a rank-0 condition is extracted directly, bools are reported
// as 0/1 and a guard without values reports none.
// CHECK-LABEL: func @scalar
// CHECK:         %[[OK:.*]] = tensor.extract %{{.*}}[] : tensor<i1>
// CHECK:         %[[B:.*]] = tensor.extract %{{.*}}[] : tensor<i1>
// CHECK:         %[[V:.*]] = arith.extui %[[B]] : i1 to i64
// CHECK:         dsc.check %[[OK]], %[[V]] {message = "m"} : i64
// CHECK:         %[[OK2:.*]] = tensor.extract %{{.*}}[] : tensor<i1>
// CHECK:         dsc.check %[[OK2]] {message = "n"}
func.func @scalar(%t: tensor<i1>) {
  %ok = dsc.not %t : tensor<i1>
  dsc.guard %ok, %t {message = "m"} : tensor<i1>, tensor<i1>
  dsc.guard %ok {message = "n"} : tensor<i1>
  return
}

// -----

// Tests that a guard on a constant true condition folds away (and that
// canonicalization keeps the other guards: they have an effect).
// CHECK-LABEL: func @constant_true
// CHECK:         dsc.check
// CANON-LABEL: func @guard
// CANON:         dsc.guard
// CANON-LABEL: func @scalar
// CANON-COUNT-2: dsc.guard
// CANON-LABEL: func @constant_true
// CANON-NOT:     dsc.guard
func.func @constant_true() {
  %t = arith.constant dense<true> : tensor<2xi1>
  dsc.guard %t {message = "never"} : tensor<2xi1>
  return
}
