// RUN: dsc-opt %s --split-input-file --dsc-copies-to-linalg | FileCheck %s

// Tests that a copy into a strided view (as bufferization makes for padding
// and concatenation) becomes a linalg.copy with the same operands.
// CHECK-LABEL: func @copy_into_subview
// CHECK-SAME: (%[[A:[^:]+]]: memref<4x4xf32>, %[[B:[^:]+]]: memref<2x8x8xf32>)
// CHECK: %[[S:.+]] = memref.subview %[[B]][0, 2, 2] [1, 4, 4] [1, 1, 1]
// CHECK-NOT: memref.copy
// CHECK: linalg.copy ins(%[[A]] : memref<4x4xf32>) outs(%[[S]] : memref<4x4xf32, strided<[8, 1], offset: 18>>)
// CHECK-NOT: memref.copy
// CHECK: return
func.func @copy_into_subview(%a: memref<4x4xf32>, %b: memref<2x8x8xf32>) {
  %s = memref.subview %b[0, 2, 2] [1, 4, 4] [1, 1, 1]
      : memref<2x8x8xf32> to memref<4x4xf32, strided<[8, 1], offset: 18>>
  memref.copy %a, %s : memref<4x4xf32> to memref<4x4xf32, strided<[8, 1], offset: 18>>
  return
}

// -----

// Tests that contiguous copies (e.g. into an out-parameter) are rewritten
// too, including ones nested in regions.
// CHECK-LABEL: func @contiguous_and_nested
// CHECK-SAME: (%[[A:[^:]+]]: memref<8xi32>, %[[OUT:[^:]+]]: memref<8xi32>, %[[C:[^:]+]]: i1)
// CHECK: linalg.copy ins(%[[A]] : memref<8xi32>) outs(%[[OUT]] : memref<8xi32>)
// CHECK: scf.if %[[C]]
// CHECK-NEXT: linalg.copy ins(%[[OUT]] : memref<8xi32>) outs(%[[A]] : memref<8xi32>)
// CHECK-NOT: memref.copy
func.func @contiguous_and_nested(%a: memref<8xi32>, %out: memref<8xi32>, %c: i1) {
  memref.copy %a, %out : memref<8xi32> to memref<8xi32>
  scf.if %c {
    memref.copy %out, %a : memref<8xi32> to memref<8xi32>
  }
  return
}

// -----

// Tests that a copy of a view onto itself is erased, not turned into a
// loop that reads and writes the same elements.
// CHECK-LABEL: func @self_copy
// CHECK-NEXT: memref.subview
// CHECK-NEXT: return
func.func @self_copy(%b: memref<2x8x8xf32>) {
  %s = memref.subview %b[0, 0, 0] [1, 2, 8] [1, 1, 1]
      : memref<2x8x8xf32> to memref<2x8xf32, strided<[8, 1]>>
  memref.copy %s, %s : memref<2x8xf32, strided<[8, 1]>> to memref<2x8xf32, strided<[8, 1]>>
  return
}

// -----

// Tests that a copy between two equal subviews of one buffer (bufferization
// gives a padded buffer's border slab one for its fill and one for putting
// it back) is erased too.
// CHECK-LABEL: func @equal_subviews
// CHECK-NOT:   linalg.copy
// CHECK:       return
func.func @equal_subviews(%b: memref<2x8x8xf32>) {
  %s = memref.subview %b[0, 0, 0] [1, 2, 8] [1, 1, 1]
      : memref<2x8x8xf32> to memref<2x8xf32, strided<[8, 1]>>
  %t = memref.subview %b[0, 0, 0] [1, 2, 8] [1, 1, 1]
      : memref<2x8x8xf32> to memref<2x8xf32, strided<[8, 1]>>
  memref.copy %s, %t : memref<2x8xf32, strided<[8, 1]>> to memref<2x8xf32, strided<[8, 1]>>
  return
}

// -----

// Tests that IR without copies is left unchanged.
// CHECK-LABEL: func @no_copy
// CHECK-NEXT: return
func.func @no_copy() {
  return
}
