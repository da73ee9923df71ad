// RUN: dsc-opt %s --split-input-file --dsc-plan-memory | FileCheck %s
// RUN: dsc-opt %s --split-input-file --dsc-plan-memory=alignment=16 | FileCheck %s --check-prefix=ALIGN16

// Tests that every alloc becomes a view into a trailing memref<Nxi8> arena
// argument, and that a buffer whose last use is over reuses the space of a
// dead one: %a dies at the first call, so %c takes offset 0 again while %b,
// live across both calls, sits at 1024.
// CHECK-LABEL: func @reuse
// CHECK-SAME: (%[[IN:[^:]+]]: memref<256xf32>, %[[OUT:[^:]+]]: memref<256xf32>, %[[ARENA:[^:]+]]: memref<1536xi8>)
// CHECK-SAME: attributes {dsc.arena_bytes = 1536 : i64, dsc.arena_lower_bound = 1536 : i64}
// CHECK-NOT: memref.alloc
// CHECK: %[[OFF_A:.+]] = arith.constant 0 : index
// CHECK: %[[A:.+]] = memref.view %[[ARENA]][%[[OFF_A]]][] : memref<1536xi8> to memref<256xf32>
// CHECK: memref.copy %[[IN]], %[[A]]
// CHECK: %[[OFF_B:.+]] = arith.constant 1024 : index
// CHECK: %[[B:.+]] = memref.view %[[ARENA]][%[[OFF_B]]][] : memref<1536xi8> to memref<128xf32>
// CHECK: call @use_ab(%[[A]], %[[B]])
// CHECK: %[[OFF_C:.+]] = arith.constant 0 : index
// CHECK: %[[C:.+]] = memref.view %[[ARENA]][%[[OFF_C]]][] : memref<1536xi8> to memref<256xf32>
// CHECK: call @use_bc(%[[B]], %[[C]])
// CHECK: memref.copy %[[C]], %[[OUT]]
// CHECK-NOT: memref.dealloc
// CHECK: return
func.func private @use_ab(memref<256xf32>, memref<128xf32>)
func.func private @use_bc(memref<128xf32>, memref<256xf32>)
func.func @reuse(%in: memref<256xf32>, %out: memref<256xf32>) {
  %a = memref.alloc() {alignment = 64 : i64} : memref<256xf32>
  memref.copy %in, %a : memref<256xf32> to memref<256xf32>
  %b = memref.alloc() {alignment = 64 : i64} : memref<128xf32>
  func.call @use_ab(%a, %b) : (memref<256xf32>, memref<128xf32>) -> ()
  %c = memref.alloc() {alignment = 64 : i64} : memref<256xf32>
  func.call @use_bc(%b, %c) : (memref<128xf32>, memref<256xf32>) -> ()
  memref.copy %c, %out : memref<256xf32> to memref<256xf32>
  return
}

// -----

// Tests that the plan (largest first, lowest free offset) can exceed the
// lower bound (the most bytes live at once): D (256 B) and B (192 B) share
// offset 0, C (128 B) goes to 256, and A (128 B), live with B and C, only
// fits at 384; at most C + A + B = 448 bytes are ever live together.
// CHECK-LABEL: func @greedy_above_lower_bound
// CHECK-SAME: %{{[^:]+}}: memref<512xi8>)
// CHECK-SAME: attributes {dsc.arena_bytes = 512 : i64, dsc.arena_lower_bound = 448 : i64}
// CHECK: arith.constant 0 : index
// CHECK: memref.view {{.+}} to memref<64xf32>
// CHECK: arith.constant 256 : index
// CHECK: memref.view {{.+}} to memref<32xf32>
// CHECK: arith.constant 384 : index
// CHECK: memref.view {{.+}} to memref<32xf32>
// CHECK: arith.constant 0 : index
// CHECK: memref.view {{.+}} to memref<48xf32>
func.func private @use_d(memref<64xf32>)
func.func private @use_ca(memref<32xf32>, memref<32xf32>)
func.func private @use_b(memref<48xf32>)
func.func @greedy_above_lower_bound() {
  %d = memref.alloc() : memref<64xf32>
  %c = memref.alloc() : memref<32xf32>
  func.call @use_d(%d) : (memref<64xf32>) -> ()
  %a = memref.alloc() : memref<32xf32>
  %b = memref.alloc() : memref<48xf32>
  func.call @use_ca(%c, %a) : (memref<32xf32>, memref<32xf32>) -> ()
  func.call @use_b(%b) : (memref<48xf32>) -> ()
  return
}

// -----

// Tests that sizes round up to the alignment (64 bytes by default, or the
// pass option) and that an i1 element counts as one byte.
// CHECK-LABEL: func @alignment
// CHECK-SAME: memref<192xi8>
// CHECK-SAME: dsc.arena_bytes = 192 : i64, dsc.arena_lower_bound = 192 : i64
// CHECK: arith.constant 0 : index
// CHECK: memref.view {{.+}} to memref<10xf32>
// CHECK: arith.constant 64 : index
// CHECK: memref.view {{.+}} to memref<3xi1>
// CHECK: arith.constant 128 : index
// CHECK: memref.view {{.+}} to memref<2x3xf16>
// ALIGN16-LABEL: func @alignment
// ALIGN16-SAME: memref<80xi8>
// ALIGN16-SAME: dsc.arena_bytes = 80 : i64, dsc.arena_lower_bound = 80 : i64
// ALIGN16: arith.constant 0 : index
// ALIGN16: memref.view {{.+}} to memref<10xf32>
// ALIGN16: arith.constant 48 : index
// ALIGN16: memref.view {{.+}} to memref<3xi1>
// ALIGN16: arith.constant 64 : index
// ALIGN16: memref.view {{.+}} to memref<2x3xf16>
func.func private @use3(memref<10xf32>, memref<3xi1>, memref<2x3xf16>)
func.func @alignment() {
  %a = memref.alloc() : memref<10xf32>
  %b = memref.alloc() : memref<3xi1>
  %c = memref.alloc() : memref<2x3xf16>
  func.call @use3(%a, %b, %c) : (memref<10xf32>, memref<3xi1>, memref<2x3xf16>) -> ()
  return
}

// -----

// Tests that a view of an alloc (expand_shape) keeps the alloc live until
// the view's last use, so %b cannot take %a's space.
// CHECK-LABEL: func @expand_shape_extends_liveness
// CHECK-SAME: %[[ARENA:[^:]+]]: memref<512xi8>)
// CHECK-SAME: dsc.arena_bytes = 512 : i64
// CHECK: %[[OFF_A:.+]] = arith.constant 0 : index
// CHECK: %[[A:.+]] = memref.view %[[ARENA]][%[[OFF_A]]][] : memref<512xi8> to memref<64xf32>
// CHECK: %[[V:.+]] = memref.expand_shape %[[A]] {{\[}}[0, 1]] output_shape [8, 8]
// CHECK: %[[OFF_B:.+]] = arith.constant 256 : index
// CHECK: %[[B:.+]] = memref.view %[[ARENA]][%[[OFF_B]]][] : memref<512xi8> to memref<64xf32>
// CHECK: call @use_flat(%[[B]])
// CHECK: call @use_2d(%[[V]])
func.func private @use_flat(memref<64xf32>)
func.func private @use_2d(memref<8x8xf32>)
func.func @expand_shape_extends_liveness() {
  %a = memref.alloc() : memref<64xf32>
  %v = memref.expand_shape %a [[0, 1]] output_shape [8, 8] : memref<64xf32> into memref<8x8xf32>
  %b = memref.alloc() : memref<64xf32>
  func.call @use_flat(%b) : (memref<64xf32>) -> ()
  func.call @use_2d(%v) : (memref<8x8xf32>) -> ()
  return
}

// -----

// Tests the same without the late use of the view: %a is dead once its view
// is made, so %b reuses offset 0.
// CHECK-LABEL: func @dead_view_allows_reuse
// CHECK-SAME: memref<256xi8>
// CHECK-SAME: dsc.arena_bytes = 256 : i64
// CHECK: arith.constant 0 : index
// CHECK: arith.constant 0 : index
func.func private @use_2d(memref<8x8xf32>)
func.func private @use_flat(memref<64xf32>)
func.func @dead_view_allows_reuse() {
  %a = memref.alloc() : memref<64xf32>
  %v = memref.expand_shape %a [[0, 1]] output_shape [8, 8] : memref<64xf32> into memref<8x8xf32>
  func.call @use_2d(%v) : (memref<8x8xf32>) -> ()
  %b = memref.alloc() : memref<64xf32>
  func.call @use_flat(%b) : (memref<64xf32>) -> ()
  return
}

// -----

// Tests that liveness follows chains of views (subview of a collapse_shape)
// and uses inside nested regions, which count at the enclosing op.
// CHECK-LABEL: func @subview_chain_and_nested_use
// CHECK-SAME: memref<512xi8>
// CHECK-SAME: dsc.arena_bytes = 512 : i64, dsc.arena_lower_bound = 512 : i64
// CHECK: %[[OFF_A:.+]] = arith.constant 0 : index
// CHECK: %[[A:.+]] = memref.view %{{.+}}[%[[OFF_A]]][] : memref<512xi8> to memref<8x8xf32>
// CHECK: %[[FLAT:.+]] = memref.collapse_shape %[[A]]
// CHECK: %[[SUB:.+]] = memref.subview %[[FLAT]][8] [16] [1]
// CHECK: arith.constant 256 : index
// CHECK: scf.for
// CHECK: memref.load %[[SUB]]
func.func private @use_flat(memref<64xf32>)
func.func @subview_chain_and_nested_use() {
  %a = memref.alloc() : memref<8x8xf32>
  %flat = memref.collapse_shape %a [[0, 1]] : memref<8x8xf32> into memref<64xf32>
  %sub = memref.subview %flat[8] [16] [1] : memref<64xf32> to memref<16xf32, strided<[1], offset: 8>>
  %b = memref.alloc() : memref<64xf32>
  func.call @use_flat(%b) : (memref<64xf32>) -> ()
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  scf.for %i = %c0 to %c16 step %c1 {
    %x = memref.load %sub[%i] : memref<16xf32, strided<[1], offset: 8>>
    memref.store %x, %b[%i] : memref<64xf32>
  }
  return
}

// -----

// Tests that a function without allocations still gets a (1-byte) arena
// argument and a zero-sized plan, and that external functions are left alone.
// CHECK-LABEL: func private @external(memref<4xf32>)
// CHECK-LABEL: func @no_allocs
// CHECK-SAME: (%{{[^:]+}}: memref<4xf32>, %{{[^:]+}}: memref<1xi8>)
// CHECK-SAME: attributes {dsc.arena_bytes = 0 : i64, dsc.arena_lower_bound = 0 : i64}
func.func private @external(memref<4xf32>)
func.func @no_allocs(%x: memref<4xf32>) {
  func.call @external(%x) : (memref<4xf32>) -> ()
  return
}

// -----

// Tests that dsc.weights_bytes on the module sums the sizes of constant
// memref.globals (64 + 12 bytes) and ignores mutable ones.
// CHECK: module attributes {dsc.weights_bytes = 76 : i64}
// CHECK-LABEL: func @weights
// CHECK-SAME: dsc.arena_bytes = 0 : i64
memref.global "private" constant @w : memref<4x4xf32> = dense<1.0>
memref.global "private" constant @b : memref<3xi32> = dense<[1, 2, 3]>
memref.global "private" @state : memref<100xf32> = uninitialized
func.func @weights(%out: memref<4x4xf32>) {
  %w = memref.get_global @w : memref<4x4xf32>
  memref.copy %w, %out : memref<4x4xf32> to memref<4x4xf32>
  return
}

// -----

// Tests that a module without globals records zero weight bytes.
// CHECK: module attributes {dsc.weights_bytes = 0 : i64}
func.func @empty() {
  return
}

// -----

#id = affine_map<(d0) -> (d0)>

// Tests that a bf16 rounding's buffer is live from the start of the op chain
// producing its input (zero init, in-place residual add), since the kernels
// store the rounding from that chain's loop: %r must not take the bytes of
// %res, which the add reads, though %res is dead by the time %r is
// allocated.
// CHECK-LABEL: func @rounding_from_chain_start
// CHECK: arith.constant 0 : index
// CHECK: memref.view {{.+}} to memref<256xf32>
// CHECK: arith.constant 1024 : index
// CHECK: memref.view {{.+}} to memref<256xf32>
// CHECK: arith.constant 2048 : index
// CHECK: memref.view {{.+}} to memref<256xbf16>
func.func @rounding_from_chain_start(%in: memref<256xf32>, %o: memref<256xbf16>) {
  %zero = arith.constant 0.0 : f32
  %res = memref.alloc() : memref<256xf32>
  memref.copy %in, %res : memref<256xf32> to memref<256xf32>
  %out = memref.alloc() : memref<256xf32>
  linalg.fill ins(%zero : f32) outs(%out : memref<256xf32>)
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
      ins(%res : memref<256xf32>) outs(%out : memref<256xf32>) {
  ^bb0(%a: f32, %b: f32):
    %s = arith.addf %a, %b : f32
    linalg.yield %s : f32
  }
  %r = memref.alloc() : memref<256xbf16>
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
      ins(%out : memref<256xf32>) outs(%r : memref<256xbf16>) {
  ^bb0(%a: f32, %b: bf16):
    %t = arith.truncf %a : f32 to bf16
    linalg.yield %t : bf16
  }
  memref.copy %r, %o : memref<256xbf16> to memref<256xbf16>
  return
}
