// RUN: dsc-opt %s --split-input-file --dsc-elide-output-copies | FileCheck %s

// Tests that a result computed into an alloc and then copied into its
// out-parameter is computed into the out-parameter directly.
// CHECK-LABEL: func @direct(
// CHECK-SAME:    %[[IN:.*]]: memref<4xf32>, %[[OUT:.*]]: memref<4xf32>)
// CHECK-NOT:     memref.alloc
// CHECK:         linalg.copy ins(%[[IN]] : memref<4xf32>) outs(%[[OUT]] : memref<4xf32>)
// CHECK-NOT:     memref.copy
// CHECK:         return
func.func @direct(%in: memref<4xf32>, %out: memref<4xf32>) {
  %a = memref.alloc() : memref<4xf32>
  linalg.copy ins(%in : memref<4xf32>) outs(%a : memref<4xf32>)
  memref.copy %a, %out : memref<4xf32> to memref<4xf32>
  return
}

// -----

// Tests that with one alloc feeding two outputs only the last copy (the
// alloc's last use) is elided: the value is computed into the second output,
// which is then copied into the first.
// CHECK-LABEL: func @used_after(
// CHECK-SAME:    %[[IN:.*]]: memref<4xf32>, %[[OUT0:.*]]: memref<4xf32>, %[[OUT1:.*]]: memref<4xf32>)
// CHECK-NOT:     memref.alloc
// CHECK:         linalg.copy ins(%[[IN]] : memref<4xf32>) outs(%[[OUT1]] : memref<4xf32>)
// CHECK-NEXT:    memref.copy %[[OUT1]], %[[OUT0]]
// CHECK-NEXT:    return
func.func @used_after(%in: memref<4xf32>, %out0: memref<4xf32>, %out1: memref<4xf32>) {
  %a = memref.alloc() : memref<4xf32>
  linalg.copy ins(%in : memref<4xf32>) outs(%a : memref<4xf32>)
  memref.copy %a, %out0 : memref<4xf32> to memref<4xf32>
  memref.copy %a, %out1 : memref<4xf32> to memref<4xf32>
  return
}

// -----

// Tests that a copy from an input argument (not an alloc) is kept.
// CHECK-LABEL: func @from_input(
// CHECK:         memref.copy
func.func @from_input(%in: memref<4xf32>, %out: memref<4xf32>) {
  memref.copy %in, %out : memref<4xf32> to memref<4xf32>
  return
}
