// RUN: dsc-opt %s --split-input-file --dsc-split-vector-carries | FileCheck %s

// Tests that a loop-carried vector<48xf32> (a matrix-vector product's
// accumulator over 48 outputs) is carried as a 32-lane and a 16-lane piece,
// joined at the top of the body and sliced at the yield, and that the
// loop's result is joined again after it.
// CHECK-LABEL: func.func @matvec_48(
// CHECK-SAME:    %[[X:.*]]: memref<64xf32>, %[[W:.*]]: memref<64x48xf32>, %[[INIT:.*]]: vector<48xf32>)
// CHECK-DAG:     %[[ZERO:.*]] = arith.constant dense<0.000000e+00> : vector<48xf32>
// CHECK-DAG:     %[[I0:.*]] = vector.extract_strided_slice %[[INIT]] {offsets = [0], sizes = [32], strides = [1]} : vector<48xf32> to vector<32xf32>
// CHECK-DAG:     %[[I1:.*]] = vector.extract_strided_slice %[[INIT]] {offsets = [32], sizes = [16], strides = [1]} : vector<48xf32> to vector<16xf32>
// CHECK:         %[[R:.*]]:2 = scf.for %[[K:.*]] = %{{.*}} iter_args(%[[A0:.*]] = %[[I0]], %[[A1:.*]] = %[[I1]]) -> (vector<32xf32>, vector<16xf32>)
// CHECK:           %[[J0:.*]] = vector.insert_strided_slice %[[A0]], %[[ZERO]] {offsets = [0], strides = [1]} : vector<32xf32> into vector<48xf32>
// CHECK:           %[[ACC:.*]] = vector.insert_strided_slice %[[A1]], %[[J0]] {offsets = [32], strides = [1]} : vector<16xf32> into vector<48xf32>
// CHECK:           %[[F:.*]] = vector.fma %{{.*}}, %{{.*}}, %[[ACC]] : vector<48xf32>
// CHECK-DAG:       %[[Y0:.*]] = vector.extract_strided_slice %[[F]] {offsets = [0], sizes = [32]
// CHECK-DAG:       %[[Y1:.*]] = vector.extract_strided_slice %[[F]] {offsets = [32], sizes = [16]
// CHECK:           scf.yield %[[Y0]], %[[Y1]] : vector<32xf32>, vector<16xf32>
// CHECK:         %[[O0:.*]] = vector.insert_strided_slice %[[R]]#0, %[[ZERO]] {offsets = [0], strides = [1]}
// CHECK:         %[[O1:.*]] = vector.insert_strided_slice %[[R]]#1, %[[O0]] {offsets = [32], strides = [1]}
// CHECK:         return %[[O1]] : vector<48xf32>
func.func @matvec_48(%x: memref<64xf32>, %w: memref<64x48xf32>,
                     %init: vector<48xf32>) -> vector<48xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %r = scf.for %k = %c0 to %c64 step %c1 iter_args(%acc = %init) -> (vector<48xf32>) {
    %s = memref.load %x[%k] : memref<64xf32>
    %b = vector.broadcast %s : f32 to vector<48xf32>
    %v = vector.load %w[%k, %c0] : memref<64x48xf32>, vector<48xf32>
    %f = vector.fma %b, %v, %acc : vector<48xf32>
    scf.yield %f : vector<48xf32>
  }
  return %r : vector<48xf32>
}

// -----

// Tests that power-of-two vectors and scalars are carried as they are, in
// their order among the split ones (112 = 64 + 32 + 16 lanes).
// CHECK-LABEL: func.func @mixed(
// CHECK:         scf.for %{{.*}} iter_args(%{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}) -> (vector<32xf32>, vector<64xf32>, vector<32xf32>, vector<16xf32>, f32)
// CHECK:           scf.yield %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : vector<32xf32>, vector<64xf32>, vector<32xf32>, vector<16xf32>, f32
// CHECK-NOT:     scf.for
func.func @mixed(%a: vector<32xf32>, %b: vector<112xf32>, %s: f32)
    -> (vector<32xf32>, vector<112xf32>, f32) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %r:3 = scf.for %i = %c0 to %c8 step %c1 iter_args(%x = %a, %y = %b, %z = %s)
      -> (vector<32xf32>, vector<112xf32>, f32) {
    %x1 = arith.addf %x, %x : vector<32xf32>
    %y1 = arith.addf %y, %y : vector<112xf32>
    %z1 = arith.addf %z, %z : f32
    scf.yield %x1, %y1, %z1 : vector<32xf32>, vector<112xf32>, f32
  }
  return %r#0, %r#1, %r#2 : vector<32xf32>, vector<112xf32>, f32
}
