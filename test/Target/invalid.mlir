// RUN: dsc-opt %s --split-input-file --dsc-plan-memory --verify-diagnostics
// RUN: not dsc-opt %s --split-input-file --dsc-plan-memory=alignment=48 2>&1 | FileCheck %s --check-prefix=ALIGN

// ALIGN: error: alignment must be a power of two

// Tests that a dynamically shaped allocation cannot be planned.
func.func @dynamic_alloc(%n: index) {
  // expected-error @+1 {{dynamically shaped allocation 'memref<?xf32>' cannot be planned statically}}
  %a = memref.alloc(%n) : memref<?xf32>
  return
}

// -----

// Tests that an allocation inside a loop cannot be planned.
func.func @alloc_in_loop() {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  scf.for %i = %c0 to %c4 step %c1 {
    // expected-error @+1 {{allocation inside a loop cannot be planned statically}}
    %a = memref.alloc() : memref<4xf32>
  }
  return
}

// -----

// Tests that an allocation with a non-identity layout cannot be planned
// (the message says "dynamically shaped" although the shape is static, so
// only its end is checked).
func.func @strided_alloc() {
  // expected-error @+1 {{allocation 'memref<4x4xf32, strided<[8, 1]>>' cannot be planned statically}}
  %a = memref.alloc() : memref<4x4xf32, strided<[8, 1]>>
  return
}

// -----

// Tests that a function with more than one block is rejected.
// expected-error @+1 {{memory planning expects a single-block function}}
func.func @multi_block(%c: i1) {
  cf.cond_br %c, ^bb1, ^bb2
^bb1:
  return
^bb2:
  return
}
