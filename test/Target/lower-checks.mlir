// RUN: dsc-opt %s --split-input-file --dsc-lower-checks --verify-diagnostics | FileCheck %s

// Tests that a check splits the entry: on false it calls dsc_guard_fail with
// the context, the message (a private constant) and the given values in a
// stack array, then returns; the rest of the entry runs on true.
// CHECK-DAG:   llvm.mlir.global internal constant @entry_guard0("node 'r' (Reshape): bad\00")
// CHECK-DAG:   func.func private @dsc_guard_fail(!llvm.ptr, !llvm.ptr, !llvm.ptr, i64)
// CHECK-LABEL: func.func @entry(
// CHECK-SAME:    %[[OUT:.*]]: memref<2xf32>, %{{.*}}: memref<64xi8>, %[[CTX:.*]]: !llvm.ptr)
// CHECK:         cf.cond_br %{{.*}}, ^[[OK:.*]], ^[[FAIL:.*]]
// CHECK:       ^[[FAIL]]:
// CHECK:         %[[MSG:.*]] = llvm.mlir.addressof @entry_guard0
// CHECK:         %[[N:.*]] = llvm.mlir.constant(2 : i64)
// CHECK:         %[[BUF:.*]] = llvm.alloca %[[N]] x i64
// CHECK:         llvm.store %{{.*}}, %{{.*}} : i64, !llvm.ptr
// CHECK:         llvm.store %{{.*}}, %{{.*}} : i64, !llvm.ptr
// CHECK:         call @dsc_guard_fail(%[[CTX]], %[[MSG]], %[[BUF]], %[[N]])
// CHECK-NEXT:    return
// CHECK:       ^[[OK]]:
// CHECK:         memref.store
// CHECK:         return
func.func @entry(%out: memref<2xf32>, %arena: memref<64xi8>, %ctx: !llvm.ptr) attributes {dsc.arena_bytes = 64 : i64} {
  %ok = arith.constant false
  %a = arith.constant 3 : i64
  %b = arith.constant 4 : i64
  dsc.check %ok, %a, %b {message = "node 'r' (Reshape): bad"} : i64, i64
  %c0 = arith.constant 0 : index
  %f = arith.constant 1.0 : f32
  memref.store %f, %out[%c0] : memref<2xf32>
  return
}

// -----

// Tests that a check outside the planned entry is refused.
func.func @helper(%ok: i1) {
  // expected-error @below {{a run-time check must be in the top-level block of the planned entry function}}
  dsc.check %ok {message = "x"}
  return
}
