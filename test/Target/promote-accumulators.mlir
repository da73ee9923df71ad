// RUN: dsc-opt %s --split-input-file --dsc-promote-accumulators | FileCheck %s

// Tests that a reduction's output element read and written at
// loop-invariant indices becomes an iter_arg (one load before, one store
// after), innermost loop first so the outer loop is promoted too, and that
// the accumulating add may be reassociated.
// CHECK-LABEL: func.func @row_sum(
// CHECK-SAME:    %[[IN:.*]]: memref<4x8x16xf32>, %[[OUT:.*]]: memref<4xf32>)
// CHECK:         scf.parallel (%[[I:.*]]) =
// CHECK:           %[[INIT:.*]] = memref.load %[[OUT]][%[[I]]]
// CHECK:           %[[SUM:.*]] = scf.for %{{.*}} iter_args(%[[A:.*]] = %[[INIT]]) -> (f32)
// CHECK:             %[[INNER:.*]] = scf.for %{{.*}} iter_args(%[[B:.*]] = %[[A]]) -> (f32)
// CHECK-NOT:           memref.store
// CHECK:               %[[X:.*]] = memref.load %[[IN]]
// CHECK:               %[[S:.*]] = arith.addf %[[B]], %[[X]] fastmath<reassoc> : f32
// CHECK:               scf.yield %[[S]] : f32
// CHECK:             scf.yield %[[INNER]] : f32
// CHECK:           memref.store %[[SUM]], %[[OUT]][%[[I]]]
func.func @row_sum(%in: memref<4x8x16xf32>, %out: memref<4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  scf.parallel (%i) = (%c0) to (%c4) step (%c1) {
    scf.for %j = %c0 to %c8 step %c1 {
      scf.for %k = %c0 to %c16 step %c1 {
        %a = memref.load %out[%i] : memref<4xf32>
        %x = memref.load %in[%i, %j, %k] : memref<4x8x16xf32>
        %s = arith.addf %a, %x : f32
        memref.store %s, %out[%i] : memref<4xf32>
      }
    }
    scf.reduce
  }
  return
}

// -----

// Tests that a loop that also writes another buffer keeps its loads and
// stores: the element could be observed through it.
// CHECK-LABEL: func.func @other_write(
// CHECK:         scf.for
// CHECK-NOT:       iter_args
// CHECK:           memref.load %{{.*}}[%{{.*}}] : memref<4xf32>
// CHECK:           memref.store %{{.*}} : memref<16xf32>
// CHECK:           memref.store %{{.*}} : memref<4xf32>
func.func @other_write(%in: memref<16xf32>, %out: memref<4xf32>, %log: memref<16xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  scf.for %k = %c0 to %c16 step %c1 {
    %a = memref.load %out[%c0] : memref<4xf32>
    %x = memref.load %in[%k] : memref<16xf32>
    memref.store %a, %log[%k] : memref<16xf32>
    %s = arith.maximumf %a, %x : f32
    memref.store %s, %out[%c0] : memref<4xf32>
  }
  return
}

// -----

// Tests that an element read at indices that vary in the loop (not a
// reduction's output) is left alone.
// CHECK-LABEL: func.func @varying(
// CHECK:         scf.for
// CHECK-NOT:       iter_args
// CHECK:           memref.store
func.func @varying(%buf: memref<16xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %two = arith.constant 2.0 : f32
  scf.for %k = %c0 to %c16 step %c1 {
    %a = memref.load %buf[%k] : memref<16xf32>
    %s = arith.mulf %a, %two : f32
    memref.store %s, %buf[%k] : memref<16xf32>
  }
  return
}

// -----

// Tests that a maxnum accumulation stays in memory (LLVM 22 vectorizes the
// promoted form wrongly: the scalar remainder is skipped without NaNs).
// CHECK-LABEL: func.func @max_pool_window(
// CHECK:         scf.for
// CHECK-NOT:       iter_args
// CHECK:           arith.maxnumf
// CHECK:           memref.store
func.func @max_pool_window(%in: memref<5xf32>, %out: memref<1xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c5 = arith.constant 5 : index
  scf.for %k = %c0 to %c5 step %c1 {
    %a = memref.load %out[%c0] : memref<1xf32>
    %x = memref.load %in[%k] : memref<5xf32>
    %m = arith.maxnumf %a, %x : f32
    memref.store %m, %out[%c0] : memref<1xf32>
  }
  return
}
