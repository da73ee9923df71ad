// RUN: dsc-opt %s --split-input-file --dsc-outline-parallel="min-work=1024" | FileCheck %s

// Tests that a top-level parallel loop is outlined over the shortest prefix
// of dimensions giving >= 64 chunks, the rest staying an inner parallel
// loop, and that the entry gains the runtime context and calls the launcher.
// CHECK-LABEL: func.func @entry(
// CHECK-SAME:    %[[IN:.*]]: memref<128x16xf32>, %[[OUT:.*]]: memref<128x16xf32>, %[[ARENA:.*]]: memref<64xi8>, %[[CTX:.*]]: !llvm.ptr)
// CHECK-SAME:    dsc.parallel_trip_counts = array<i64: 128>
// CHECK-NOT:     scf.parallel
// CHECK:         call @entry_launch0(%[[CTX]], %[[IN]], %[[OUT]], %[[ARENA]])
// CHECK:         return
// CHECK-LABEL: func.func private @entry_launch0(!llvm.ptr, memref<128x16xf32>, memref<128x16xf32>, memref<64xi8>)
// CHECK-LABEL: func.func @entry_par0(
// CHECK-SAME:    %[[A:.*]]: memref<128x16xf32>, %[[B:.*]]: memref<128x16xf32>, %{{.*}}: memref<64xi8>, %[[BEGIN:.*]]: index, %[[END:.*]]: index)
// CHECK:         scf.for %[[I:.*]] = %[[BEGIN]] to %[[END]]
// CHECK:           scf.parallel (%[[J:.*]]) =
// CHECK:             %[[V:.*]] = memref.load %[[A]][%{{.*}}, %[[J]]]
// CHECK:             memref.store %{{.*}}, %[[B]][%{{.*}}, %[[J]]]
func.func @entry(%in: memref<128x16xf32>, %out: memref<128x16xf32>, %arena: memref<64xi8>) attributes {dsc.arena_bytes = 64 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %c128 = arith.constant 128 : index
  %two = arith.constant 2.0 : f32
  scf.parallel (%i, %j) = (%c0, %c0) to (%c128, %c16) step (%c1, %c1) {
    %v = memref.load %in[%i, %j] : memref<128x16xf32>
    %w = arith.mulf %v, %two : f32
    memref.store %w, %out[%i, %j] : memref<128x16xf32>
    scf.reduce
  }
  return
}

// -----

// Tests that a loop with too little work stays in the entry, which still
// gets the context argument and an empty trip-count list.
// CHECK-LABEL: func.func @small(
// CHECK-SAME:    !llvm.ptr
// CHECK-SAME:    dsc.parallel_trip_counts = array<i64>
// CHECK:         scf.parallel
// CHECK-NOT:   func.func @small_par0
func.func @small(%out: memref<4xf32>, %arena: memref<1xi8>) attributes {dsc.arena_bytes = 0 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %z = arith.constant 0.0 : f32
  scf.parallel (%i) = (%c0) to (%c4) step (%c1) {
    memref.store %z, %out[%i] : memref<4xf32>
    scf.reduce
  }
  return
}

// -----

// Tests that functions without a memory plan (not a model entry) are left
// alone.
// CHECK-LABEL: func.func @helper(%{{.*}}: memref<4096xf32>) {
// CHECK:         scf.parallel
func.func @helper(%out: memref<4096xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4096 = arith.constant 4096 : index
  %z = arith.constant 0.0 : f32
  scf.parallel (%i) = (%c0) to (%c4096) step (%c1) {
    memref.store %z, %out[%i] : memref<4096xf32>
    scf.reduce
  }
  return
}

// -----

// Tests that a static stack buffer in the loop body (a kernel's per-tile
// scratch) moves to the outlined function's entry block, ahead of the loop
// over its iterations, instead of growing the stack every iteration.
// CHECK-LABEL: func.func @scratch_par0(
// CHECK-NEXT:    %[[S:.*]] = memref.alloca() : memref<16xf32>
// CHECK:         scf.for
// CHECK-NOT:     memref.alloca
// CHECK:         memref.store %{{.*}}, %[[S]]
func.func @scratch(%in: memref<128x16xf32>, %out: memref<128x16xf32>, %arena: memref<64xi8>) attributes {dsc.arena_bytes = 64 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %c128 = arith.constant 128 : index
  scf.parallel (%i, %j) = (%c0, %c0) to (%c128, %c16) step (%c1, %c1) {
    %s = memref.alloca() : memref<16xf32>
    %v = memref.load %in[%i, %j] : memref<128x16xf32>
    memref.store %v, %s[%j] : memref<16xf32>
    %w = memref.load %s[%j] : memref<16xf32>
    memref.store %w, %out[%i, %j] : memref<128x16xf32>
    scf.reduce
  }
  return
}
