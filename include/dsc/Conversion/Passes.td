//===- Passes.td - dsc conversion passes -------------------*- tablegen -*-===//
#ifndef DSC_CONVERSION_PASSES
#define DSC_CONVERSION_PASSES

include "mlir/Pass/PassBase.td"

def ConvertDSCToLinalg : Pass<"dsc-convert-to-linalg", "mlir::ModuleOp"> {
  let summary = "Lower dsc ops to linalg/tensor/arith/math on tensors";
  let description = [{
    Rewrites every dsc op into destination-passing linalg ops on tensors
    (one conversion file per op family under lib/Conversion/DSCToLinalg).
    Any dsc op left afterwards is an error at that op's ONNX node.
  }];
  let dependentDialects = [
    "mlir::arith::ArithDialect", "mlir::linalg::LinalgDialect",
    "mlir::math::MathDialect", "mlir::tensor::TensorDialect"
  ];
}

#endif // DSC_CONVERSION_PASSES
