// RUN: dsc-opt %s --split-input-file --dsc-outline-parallel | FileCheck %s

// Tests that work is counted in ops, not innermost iterations: 128 tiles of
// a short 8-step reduction whose body is 128 vector FMAs (a register-blocked
// convolution tile, ~133K ops) reach the default threshold (131072) and are
// outlined, although 128 x 8 iterations alone would not.
// CHECK-LABEL: func.func @tiles(
// CHECK:         call @tiles_launch0
// CHECK-LABEL: func.func @tiles_par0(
func.func @tiles(%w: memref<8x128xf32>, %out: memref<128x16xf32>, %arena: memref<64xi8>) attributes {dsc.arena_bytes = 64 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c128 = arith.constant 128 : index
  %zero = arith.constant dense<0.0> : vector<16xf32>
  scf.parallel (%i) = (%c0) to (%c128) step (%c1) {
    %acc = scf.for %k = %c0 to %c8 step %c1 iter_args(%a = %zero) -> (vector<16xf32>) {
      %s = memref.load %w[%k, %i] : memref<8x128xf32>
      %b = vector.broadcast %s : f32 to vector<16xf32>
      %f0 = vector.fma %b, %b, %a : vector<16xf32>
      %f1 = vector.fma %b, %f0, %f0 : vector<16xf32>
      %f2 = vector.fma %b, %f1, %f1 : vector<16xf32>
      %f3 = vector.fma %b, %f2, %f2 : vector<16xf32>
      %f4 = vector.fma %b, %f3, %f3 : vector<16xf32>
      %f5 = vector.fma %b, %f4, %f4 : vector<16xf32>
      %f6 = vector.fma %b, %f5, %f5 : vector<16xf32>
      %f7 = vector.fma %b, %f6, %f6 : vector<16xf32>
      %f8 = vector.fma %b, %f7, %f7 : vector<16xf32>
      %f9 = vector.fma %b, %f8, %f8 : vector<16xf32>
      %f10 = vector.fma %b, %f9, %f9 : vector<16xf32>
      %f11 = vector.fma %b, %f10, %f10 : vector<16xf32>
      %f12 = vector.fma %b, %f11, %f11 : vector<16xf32>
      %f13 = vector.fma %b, %f12, %f12 : vector<16xf32>
      %f14 = vector.fma %b, %f13, %f13 : vector<16xf32>
      %f15 = vector.fma %b, %f14, %f14 : vector<16xf32>
      %f16 = vector.fma %b, %f15, %f15 : vector<16xf32>
      %f17 = vector.fma %b, %f16, %f16 : vector<16xf32>
      %f18 = vector.fma %b, %f17, %f17 : vector<16xf32>
      %f19 = vector.fma %b, %f18, %f18 : vector<16xf32>
      %f20 = vector.fma %b, %f19, %f19 : vector<16xf32>
      %f21 = vector.fma %b, %f20, %f20 : vector<16xf32>
      %f22 = vector.fma %b, %f21, %f21 : vector<16xf32>
      %f23 = vector.fma %b, %f22, %f22 : vector<16xf32>
      %f24 = vector.fma %b, %f23, %f23 : vector<16xf32>
      %f25 = vector.fma %b, %f24, %f24 : vector<16xf32>
      %f26 = vector.fma %b, %f25, %f25 : vector<16xf32>
      %f27 = vector.fma %b, %f26, %f26 : vector<16xf32>
      %f28 = vector.fma %b, %f27, %f27 : vector<16xf32>
      %f29 = vector.fma %b, %f28, %f28 : vector<16xf32>
      %f30 = vector.fma %b, %f29, %f29 : vector<16xf32>
      %f31 = vector.fma %b, %f30, %f30 : vector<16xf32>
      %f32 = vector.fma %b, %f31, %f31 : vector<16xf32>
      %f33 = vector.fma %b, %f32, %f32 : vector<16xf32>
      %f34 = vector.fma %b, %f33, %f33 : vector<16xf32>
      %f35 = vector.fma %b, %f34, %f34 : vector<16xf32>
      %f36 = vector.fma %b, %f35, %f35 : vector<16xf32>
      %f37 = vector.fma %b, %f36, %f36 : vector<16xf32>
      %f38 = vector.fma %b, %f37, %f37 : vector<16xf32>
      %f39 = vector.fma %b, %f38, %f38 : vector<16xf32>
      %f40 = vector.fma %b, %f39, %f39 : vector<16xf32>
      %f41 = vector.fma %b, %f40, %f40 : vector<16xf32>
      %f42 = vector.fma %b, %f41, %f41 : vector<16xf32>
      %f43 = vector.fma %b, %f42, %f42 : vector<16xf32>
      %f44 = vector.fma %b, %f43, %f43 : vector<16xf32>
      %f45 = vector.fma %b, %f44, %f44 : vector<16xf32>
      %f46 = vector.fma %b, %f45, %f45 : vector<16xf32>
      %f47 = vector.fma %b, %f46, %f46 : vector<16xf32>
      %f48 = vector.fma %b, %f47, %f47 : vector<16xf32>
      %f49 = vector.fma %b, %f48, %f48 : vector<16xf32>
      %f50 = vector.fma %b, %f49, %f49 : vector<16xf32>
      %f51 = vector.fma %b, %f50, %f50 : vector<16xf32>
      %f52 = vector.fma %b, %f51, %f51 : vector<16xf32>
      %f53 = vector.fma %b, %f52, %f52 : vector<16xf32>
      %f54 = vector.fma %b, %f53, %f53 : vector<16xf32>
      %f55 = vector.fma %b, %f54, %f54 : vector<16xf32>
      %f56 = vector.fma %b, %f55, %f55 : vector<16xf32>
      %f57 = vector.fma %b, %f56, %f56 : vector<16xf32>
      %f58 = vector.fma %b, %f57, %f57 : vector<16xf32>
      %f59 = vector.fma %b, %f58, %f58 : vector<16xf32>
      %f60 = vector.fma %b, %f59, %f59 : vector<16xf32>
      %f61 = vector.fma %b, %f60, %f60 : vector<16xf32>
      %f62 = vector.fma %b, %f61, %f61 : vector<16xf32>
      %f63 = vector.fma %b, %f62, %f62 : vector<16xf32>
      %f64 = vector.fma %b, %f63, %f63 : vector<16xf32>
      %f65 = vector.fma %b, %f64, %f64 : vector<16xf32>
      %f66 = vector.fma %b, %f65, %f65 : vector<16xf32>
      %f67 = vector.fma %b, %f66, %f66 : vector<16xf32>
      %f68 = vector.fma %b, %f67, %f67 : vector<16xf32>
      %f69 = vector.fma %b, %f68, %f68 : vector<16xf32>
      %f70 = vector.fma %b, %f69, %f69 : vector<16xf32>
      %f71 = vector.fma %b, %f70, %f70 : vector<16xf32>
      %f72 = vector.fma %b, %f71, %f71 : vector<16xf32>
      %f73 = vector.fma %b, %f72, %f72 : vector<16xf32>
      %f74 = vector.fma %b, %f73, %f73 : vector<16xf32>
      %f75 = vector.fma %b, %f74, %f74 : vector<16xf32>
      %f76 = vector.fma %b, %f75, %f75 : vector<16xf32>
      %f77 = vector.fma %b, %f76, %f76 : vector<16xf32>
      %f78 = vector.fma %b, %f77, %f77 : vector<16xf32>
      %f79 = vector.fma %b, %f78, %f78 : vector<16xf32>
      %f80 = vector.fma %b, %f79, %f79 : vector<16xf32>
      %f81 = vector.fma %b, %f80, %f80 : vector<16xf32>
      %f82 = vector.fma %b, %f81, %f81 : vector<16xf32>
      %f83 = vector.fma %b, %f82, %f82 : vector<16xf32>
      %f84 = vector.fma %b, %f83, %f83 : vector<16xf32>
      %f85 = vector.fma %b, %f84, %f84 : vector<16xf32>
      %f86 = vector.fma %b, %f85, %f85 : vector<16xf32>
      %f87 = vector.fma %b, %f86, %f86 : vector<16xf32>
      %f88 = vector.fma %b, %f87, %f87 : vector<16xf32>
      %f89 = vector.fma %b, %f88, %f88 : vector<16xf32>
      %f90 = vector.fma %b, %f89, %f89 : vector<16xf32>
      %f91 = vector.fma %b, %f90, %f90 : vector<16xf32>
      %f92 = vector.fma %b, %f91, %f91 : vector<16xf32>
      %f93 = vector.fma %b, %f92, %f92 : vector<16xf32>
      %f94 = vector.fma %b, %f93, %f93 : vector<16xf32>
      %f95 = vector.fma %b, %f94, %f94 : vector<16xf32>
      %f96 = vector.fma %b, %f95, %f95 : vector<16xf32>
      %f97 = vector.fma %b, %f96, %f96 : vector<16xf32>
      %f98 = vector.fma %b, %f97, %f97 : vector<16xf32>
      %f99 = vector.fma %b, %f98, %f98 : vector<16xf32>
      %f100 = vector.fma %b, %f99, %f99 : vector<16xf32>
      %f101 = vector.fma %b, %f100, %f100 : vector<16xf32>
      %f102 = vector.fma %b, %f101, %f101 : vector<16xf32>
      %f103 = vector.fma %b, %f102, %f102 : vector<16xf32>
      %f104 = vector.fma %b, %f103, %f103 : vector<16xf32>
      %f105 = vector.fma %b, %f104, %f104 : vector<16xf32>
      %f106 = vector.fma %b, %f105, %f105 : vector<16xf32>
      %f107 = vector.fma %b, %f106, %f106 : vector<16xf32>
      %f108 = vector.fma %b, %f107, %f107 : vector<16xf32>
      %f109 = vector.fma %b, %f108, %f108 : vector<16xf32>
      %f110 = vector.fma %b, %f109, %f109 : vector<16xf32>
      %f111 = vector.fma %b, %f110, %f110 : vector<16xf32>
      %f112 = vector.fma %b, %f111, %f111 : vector<16xf32>
      %f113 = vector.fma %b, %f112, %f112 : vector<16xf32>
      %f114 = vector.fma %b, %f113, %f113 : vector<16xf32>
      %f115 = vector.fma %b, %f114, %f114 : vector<16xf32>
      %f116 = vector.fma %b, %f115, %f115 : vector<16xf32>
      %f117 = vector.fma %b, %f116, %f116 : vector<16xf32>
      %f118 = vector.fma %b, %f117, %f117 : vector<16xf32>
      %f119 = vector.fma %b, %f118, %f118 : vector<16xf32>
      %f120 = vector.fma %b, %f119, %f119 : vector<16xf32>
      %f121 = vector.fma %b, %f120, %f120 : vector<16xf32>
      %f122 = vector.fma %b, %f121, %f121 : vector<16xf32>
      %f123 = vector.fma %b, %f122, %f122 : vector<16xf32>
      %f124 = vector.fma %b, %f123, %f123 : vector<16xf32>
      %f125 = vector.fma %b, %f124, %f124 : vector<16xf32>
      %f126 = vector.fma %b, %f125, %f125 : vector<16xf32>
      %f127 = vector.fma %b, %f126, %f126 : vector<16xf32>
      scf.yield %f127 : vector<16xf32>
    }
    %s0 = vector.extract %acc[0] : f32 from vector<16xf32>
    memref.store %s0, %out[%i, %c0] : memref<128x16xf32>
    scf.reduce
  }
  return
}

// -----

// Tests that a loop over a block of a reduction (from an outer loop's
// index %k0 to %k0 + 64: a kernel's reduction block) counts 64 trips, not
// one: 8 tiles x 2 blocks x 8 rows x 64 x 3 ops (~25K ops) reach the
// default threshold (16384) and are outlined (counted as one trip each,
// ~640 ops, they were not: a BERT encoder's attention-times-V matmuls ran
// on one thread).
// CHECK-LABEL: func.func @blocks(
// CHECK:         call @blocks_launch0
// CHECK-LABEL: func.func @blocks_par0(
func.func @blocks(%w: memref<128x8xf32>, %out: memref<8x16xf32>, %arena: memref<64xi8>) attributes {dsc.arena_bytes = 64 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c64 = arith.constant 64 : index
  %c128 = arith.constant 128 : index
  %zero = arith.constant dense<0.0> : vector<16xf32>
  scf.parallel (%i) = (%c0) to (%c8) step (%c1) {
    scf.for %k0 = %c0 to %c128 step %c64 {
      scf.for %r = %c0 to %c8 step %c1 {
        %end = arith.addi %k0, %c64 : index
        %acc = scf.for %k = %k0 to %end step %c1 iter_args(%a = %zero) -> (vector<16xf32>) {
          %s = memref.load %w[%k, %i] : memref<128x8xf32>
          %b = vector.broadcast %s : f32 to vector<16xf32>
          %f = vector.fma %b, %b, %a : vector<16xf32>
          scf.yield %f : vector<16xf32>
        }
        vector.store %acc, %out[%i, %c0] : memref<8x16xf32>, vector<16xf32>
      }
    }
    scf.reduce
  }
  return
}

// -----

// Tests that a nested parallel loop's trips count too (it runs sequentially
// inside the outer loop's body): 14 bands of a global pooling x 4 x 56
// positions x 144 channels x 4 ops (~1.8M ops) are outlined; counted
// without the channels (~12.5K ops) they were not, and the bands of
// dsc-split-reductions ran on one thread.
// CHECK-LABEL: func.func @bands(
// CHECK:         call @bands_launch0
// CHECK-LABEL: func.func @bands_par0(
func.func @bands(%in: memref<14x4x56x144xf32>, %part: memref<14x144xf32>, %arena: memref<64xi8>) attributes {dsc.arena_bytes = 64 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c14 = arith.constant 14 : index
  %c56 = arith.constant 56 : index
  %c144 = arith.constant 144 : index
  scf.parallel (%p) = (%c0) to (%c14) step (%c1) {
    scf.for %i = %c0 to %c4 step %c1 {
      scf.for %w = %c0 to %c56 step %c1 {
        scf.parallel (%c) = (%c0) to (%c144) step (%c1) {
          %x = memref.load %in[%p, %i, %w, %c] : memref<14x4x56x144xf32>
          %a = memref.load %part[%p, %c] : memref<14x144xf32>
          %s = arith.addf %a, %x : f32
          memref.store %s, %part[%p, %c] : memref<14x144xf32>
          scf.reduce
        }
      }
    }
    scf.reduce
  }
  return
}

// -----

// Tests that a vector load of constant weights counts its elements (they
// stream from memory at about an element per cycle): 9 column tiles of a
// matrix-vector product over 384 x 144 weights (221 KB; 384 x 4 ops per
// tile, ~13.8K in all, under the threshold) count 384 x (16 + 3) per tile
// (~66K) and are outlined, so the threads share the weight stream.
// CHECK-LABEL: func.func @streamed(
// CHECK:         call @streamed_launch0
// CHECK-LABEL: func.func @streamed_par0(
memref.global "private" constant @se_fc : memref<9x384x16xf32> = dense<0.5>
func.func @streamed(%x: memref<384xf32>, %out: memref<9x16xf32>, %arena: memref<64xi8>) attributes {dsc.arena_bytes = 64 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c9 = arith.constant 9 : index
  %c384 = arith.constant 384 : index
  %zero = arith.constant dense<0.0> : vector<16xf32>
  %w = memref.get_global @se_fc : memref<9x384x16xf32>
  scf.parallel (%t) = (%c0) to (%c9) step (%c1) {
    %acc = scf.for %k = %c0 to %c384 step %c1 iter_args(%a = %zero) -> (vector<16xf32>) {
      %s = memref.load %x[%k] : memref<384xf32>
      %v = vector.load %w[%t, %k, %c0] : memref<9x384x16xf32>, vector<16xf32>
      %b = vector.broadcast %s : f32 to vector<16xf32>
      %f = vector.fma %b, %v, %a : vector<16xf32>
      scf.yield %f : vector<16xf32>
    }
    vector.store %acc, %out[%t, %c0] : memref<9x16xf32>, vector<16xf32>
    scf.reduce
  }
  return
}
