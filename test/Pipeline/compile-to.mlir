// RUN: dsc-opt %s --dsc-pipeline="compile-to=dsc" | FileCheck %s --check-prefix=DSC
// RUN: dsc-opt %s --dsc-pipeline="compile-to=linalg" | FileCheck %s --check-prefix=LINALG --implicit-check-not="= dsc." --implicit-check-not="dsc.yield" --implicit-check-not="memref"
// RUN: dsc-opt %s --dsc-pipeline="compile-to=linalg" --mlir-print-op-generic | grep -oE '^ *(%%[^=]+= )?"[a-z_]+\.[a-z_]+"' | grep -oE '"[a-z_]+\.' | sort -u | FileCheck %s --check-prefix=DIALECTS
// RUN: dsc-opt %s --dsc-pipeline="compile-to=llvm" | FileCheck %s --check-prefix=LLVM --implicit-check-not="memref" --implicit-check-not="func.func" --implicit-check-not="malloc" --implicit-check-not="memrefCopy"

// Tests the phases of the pipeline on a small conv + relu + gemm function
// whose weights are constants.

// Tests that compile-to=dsc stops after the graph passes: conv and relu
// form one kernel.
// DSC-LABEL: func @model
// DSC: dsc.kernel "conv+relu"
// DSC: dsc.conv
// DSC: dsc.relu
// DSC: dsc.yield
// DSC: dsc.reshape
// DSC: dsc.gemm

// Tests that at the linalg phase only linalg, tensor and arith ops remain
// (and no buffers yet).
// The dialects of all ops at the linalg phase, one line each:
// DIALECTS: "arith.
// DIALECTS-NEXT: "builtin.
// DIALECTS-NEXT: "func.
// DIALECTS-NEXT: "linalg.
// DIALECTS-NEXT: "tensor.
// DIALECTS-EMPTY:
// LINALG-LABEL: func.func @model
// LINALG-SAME: (%{{.+}}: tensor<1x3x8x8xf32>) -> tensor<1x10xf32>
// LINALG: arith.constant
// LINALG: tensor.pad
// LINALG: linalg.generic
// LINALG-SAME: iterator_types = ["parallel", "parallel", "parallel", "parallel"]
// The conv+relu kernel's epilogue runs in place on the conv's result.
// LINALG: %[[ACC:.+]] = linalg.generic
// LINALG-SAME: iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]
// LINALG: linalg.generic
// LINALG-SAME: outs(%[[ACC]] :
// LINALG: arith.maximumf
// LINALG: tensor.collapse_shape
// LINALG: linalg.generic
// LINALG-SAME: iterator_types = ["parallel", "parallel"]
// LINALG: linalg.generic
// LINALG-SAME: iterator_types = ["parallel", "parallel", "reduction"]
// LINALG: return

// Tests that at the llvm phase the model is one llvm.func taking bare
// pointers (the input, the out-parameter for the result and the arena, plus
// any trailing runtime pointers) and returning nothing, with the arena plan
// recorded, the weights as constant globals (432 + 16 + 10240 + 40 bytes),
// and no memref, malloc or memrefCopy call left.
// LLVM: module attributes {dsc.weights_bytes = 10728 : i64}
// LLVM: llvm.mlir.global private constant
// LLVM: llvm.func @model(%[[IN:[^:]+]]: !llvm.ptr, %[[OUT:[^:]+]]: !llvm.ptr, %[[ARENA:[^:]+]]: !llvm.ptr{{(, %[^:]+: !llvm.ptr)*}}) attributes {{{.*}}dsc.arena_bytes = {{[1-9][0-9]*}} : i64, dsc.arena_lower_bound = {{[1-9][0-9]*}} : i64
// LLVM: llvm.load
// LLVM: llvm.{{(intr.masked.)?}}store
// LLVM: llvm.return
func.func @model(%x: tensor<1x3x8x8xf32>) -> tensor<1x10xf32> {
  %w = arith.constant dense<0.5> : tensor<4x3x3x3xf32>
  %b = arith.constant dense<0.1> : tensor<4xf32>
  %gw = arith.constant dense<0.25> : tensor<10x256xf32>
  %gb = arith.constant dense<1.0> : tensor<10xf32>
  %0 = dsc.conv %x, %w, %b {dilations = array<i64: 1, 1>, group = 1 : i64,
                            pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>}
      : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
  %1 = dsc.relu %0 : tensor<1x4x8x8xf32>
  %2 = dsc.reshape %1 : (tensor<1x4x8x8xf32>) -> tensor<1x256xf32>
  %3 = dsc.gemm %2, %gw, %gb {alpha = 1.0 : f64, beta = 1.0 : f64, trans_a = false, trans_b = true}
      : (tensor<1x256xf32>, tensor<10x256xf32>, tensor<10xf32>) -> tensor<1x10xf32>
  return %3 : tensor<1x10xf32>
}
