// RUN: dsc-opt %s --split-input-file --dsc-fuse-parallel-loops | FileCheck %s

// Tests that an initialization, an accumulation and an in-place epilogue
// over the same output argument fuse into one loop, although the loops also
// read another argument, a global and an arena view (the ABI makes them
// distinct buffers).
// CHECK-LABEL: func @fuse_three
// CHECK-COUNT-1: scf.parallel
// CHECK-NOT: scf.parallel
memref.global "private" constant @bias : memref<4xf32> = dense<1.0>
func.func @fuse_three(%in: memref<4x8xf32>, %out: memref<4x8xf32>, %arena: memref<128xi8>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %b = memref.get_global @bias : memref<4xf32>
  %t = memref.view %arena[%c0][] : memref<128xi8> to memref<4x8xf32>
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c8) step (%c1, %c1) {
    %v = memref.load %b[%i] : memref<4xf32>
    memref.store %v, %out[%i, %j] : memref<4x8xf32>
  }
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c8) step (%c1, %c1) {
    %x = memref.load %in[%i, %j] : memref<4x8xf32>
    %y = memref.load %t[%i, %j] : memref<4x8xf32>
    %a = memref.load %out[%i, %j] : memref<4x8xf32>
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %a, %p : f32
    memref.store %s, %out[%i, %j] : memref<4x8xf32>
  }
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c8) step (%c1, %c1) {
    %a = memref.load %out[%i, %j] : memref<4x8xf32>
    %z = arith.constant 0.0 : f32
    %r = arith.maximumf %a, %z : f32
    memref.store %r, %out[%i, %j] : memref<4x8xf32>
  }
  return
}

// -----

// Tests that loops stay apart when the second reads, at another index, what
// the first wrote (a transpose of the intermediate).
// CHECK-LABEL: func @other_index
// CHECK-COUNT-2: scf.parallel
func.func @other_index(%in: memref<4x4xf32>, %out: memref<4x4xf32>, %arena: memref<64xi8>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %t = memref.view %arena[%c0][] : memref<64xi8> to memref<4x4xf32>
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c4) step (%c1, %c1) {
    %x = memref.load %in[%i, %j] : memref<4x4xf32>
    memref.store %x, %t[%i, %j] : memref<4x4xf32>
  }
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c4) step (%c1, %c1) {
    %x = memref.load %t[%j, %i] : memref<4x4xf32>
    memref.store %x, %out[%i, %j] : memref<4x4xf32>
  }
  return
}

// -----

// Tests that two views of the arena whose byte ranges overlap are treated as
// one buffer: the second loop reads through another view what the first
// wrote, so no fusion.
// CHECK-LABEL: func @overlapping_views
// CHECK-COUNT-2: scf.parallel
func.func @overlapping_views(%in: memref<4xf32>, %out: memref<4xf32>, %arena: memref<64xi8>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %a = memref.view %arena[%c0][] : memref<64xi8> to memref<4xf32>
  %b = memref.view %arena[%c8][] : memref<64xi8> to memref<4xf32>
  scf.parallel (%i) = (%c0) to (%c4) step (%c1) {
    %x = memref.load %in[%i] : memref<4xf32>
    memref.store %x, %a[%i] : memref<4xf32>
  }
  scf.parallel (%i) = (%c0) to (%c4) step (%c1) {
    %x = memref.load %b[%i] : memref<4xf32>
    memref.store %x, %out[%i] : memref<4xf32>
  }
  return
}

// -----

// Tests that disjoint views of the arena are distinct buffers.
// CHECK-LABEL: func @disjoint_views
// CHECK-COUNT-1: scf.parallel
// CHECK-NOT: scf.parallel
func.func @disjoint_views(%in: memref<4xf32>, %out: memref<4xf32>, %arena: memref<64xi8>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c16 = arith.constant 16 : index
  %a = memref.view %arena[%c0][] : memref<64xi8> to memref<4xf32>
  %b = memref.view %arena[%c16][] : memref<64xi8> to memref<4xf32>
  scf.parallel (%i) = (%c0) to (%c4) step (%c1) {
    %x = memref.load %in[%i] : memref<4xf32>
    memref.store %x, %a[%i] : memref<4xf32>
  }
  scf.parallel (%i) = (%c0) to (%c4) step (%c1) {
    %x = memref.load %b[%i] : memref<4xf32>
    memref.store %x, %out[%i] : memref<4xf32>
  }
  return
}
