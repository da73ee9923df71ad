//===- DSCOps.td - the dsc dialect -------------------------*- tablegen -*-===//
//
// Tensor-level operators imported from ONNX. Shapes are inferred once at
// import by the free functions in ShapeInference.h; every op's verifier calls
// the same function, so an op whose result type disagrees with its operands
// and attributes cannot exist.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_OPS_TD
#define DSC_OPS_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/CommonTypeConstraints.td"
include "mlir/IR/CommonAttrConstraints.td"
include "mlir/IR/BuiltinAttributes.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/Interfaces/InferTypeOpInterface.td"

def DSC_Dialect : Dialect {
  let name = "dsc";
  let cppNamespace = "::dsc";
  let summary = "Tensor-level operators of the dsc ONNX compiler";
  let description = [{
    The dsc dialect holds a model between ONNX import and code generation.
    Ops work on ranked tensors with value semantics and follow ONNX
    semantics (numpy broadcasting, NCHW layouts); attributes are normalized
    at import (explicit pads, non-negative axes), so later passes never see
    ONNX's defaults or opset differences.
  }];
  let dependentDialects = ["mlir::arith::ArithDialect"];
  let hasConstantMaterializer = 1;
}

/// See dsc::OpTrait::ElementwiseBroadcast.
def DSC_Elementwise : NativeOpTrait<"ElementwiseBroadcast"> {
  let cppNamespace = "::dsc::OpTrait";
}

class DSC_Op<string mnemonic, list<Trait> traits = []>
    : Op<DSC_Dialect, mnemonic, !listconcat(traits, [Pure])> {
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

class DSC_BinaryOp<string mnemonic, string onnxName, list<Trait> traits = [],
                   dag params = (ins), string more = "">
    : DSC_Op<mnemonic, !listconcat(traits, [DSC_Elementwise])> {
  let summary = "elementwise " # onnxName # " with numpy broadcasting";
  let description = [{
    Applies the operation elementwise after broadcasting both operands to a
    common shape with numpy rules (ONNX `}] # onnxName # [{`, opset 7+).
    Operands and result share the element type.}] # more # [{

    Example:
    ```mlir
    %0 = dsc.}] # mnemonic # [{ %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
    ```
  }];
  let arguments = !con((ins AnyRankedTensor:$lhs, AnyRankedTensor:$rhs), params);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` functional-type(operands, results)
  }];
  // Constant operands fold (Folding.cpp); x + 0, x - 0, x * 1, x / 1 fold
  // to x when x already has the result type.
  let hasFolder = 1;
  let extraClassDefinition = [{
    ::mlir::OpFoldResult $cppClass::fold(FoldAdaptor adaptor) {
      return ::dsc::foldBinary(*this, adaptor.getLhs(), adaptor.getRhs());
    }
  }];
}

def DSC_AddOp : DSC_BinaryOp<"add", "Add", [Commutative]>;
def DSC_SubOp : DSC_BinaryOp<"sub", "Sub">;
def DSC_MulOp : DSC_BinaryOp<"mul", "Mul", [Commutative]>;
// Division and ordering differ between signed and unsigned integers (MLIR
// integers are signless); `is_unsigned` reads integer operands as unsigned.
defvar DSC_UnsignedDoc = [{ Integers are signed unless `is_unsigned` is
    set, which reads them as unsigned (ONNX uint8..uint64).}];
def DSC_DivOp : DSC_BinaryOp<"div", "Div", [], (ins UnitAttr:$is_unsigned),
                             DSC_UnsignedDoc>;
def DSC_MaxOp : DSC_BinaryOp<"max", "Max", [Commutative],
                             (ins UnitAttr:$is_unsigned), DSC_UnsignedDoc>;
def DSC_MinOp : DSC_BinaryOp<"min", "Min", [Commutative],
                             (ins UnitAttr:$is_unsigned), DSC_UnsignedDoc>;

def DSC_PowOp : DSC_Op<"pow", [DSC_Elementwise]> {
  let summary = "elementwise power with numpy broadcasting";
  let description = [{
    `base ^ exponent` after numpy broadcasting (ONNX Pow). The base is a
    floating-point or signed integer tensor and the result has its element
    type; the exponent is a floating-point or (signed) integer tensor. An
    integer base to an integer exponent is exact (wrapping on overflow; a
    negative exponent gives 1 / base^-e truncated toward zero); to a float
    exponent it is the f64 power truncated toward zero.

    Example:
    ```mlir
    %0 = dsc.pow %x, %e : (tensor<2x3xf32>, tensor<i64>) -> tensor<2x3xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$base, AnyRankedTensor:$exponent);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $base `,` $exponent attr-dict `:` functional-type(operands, results)
  }];
}

class DSC_CompareOp<string mnemonic, string onnxName, string formula>
    : DSC_Op<mnemonic, [DSC_Elementwise]> {
  let summary = "elementwise " # formula # " with numpy broadcasting";
  let description = [{
    Compares the operands elementwise after numpy broadcasting (ONNX
    `}] # onnxName # [{`); operands share a float, integer or bool
    element type and the result is `i1`. Float comparisons with NaN are
    false. Integers compare as signed unless `is_unsigned` is set (ONNX
    uint8..uint64); bools compare as unsigned.

    Example:
    ```mlir
    %0 = dsc.}] # mnemonic # [{ %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$lhs, AnyRankedTensor:$rhs,
                   UnitAttr:$is_unsigned);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` functional-type(operands, results)
  }];
  let hasFolder = 1;
}

def DSC_EqualOp : DSC_CompareOp<"equal", "Equal", "a == b">;
def DSC_LessOp : DSC_CompareOp<"less", "Less", "a < b">;
def DSC_LessEqualOp : DSC_CompareOp<"less_equal", "LessOrEqual", "a <= b">;
def DSC_GreaterOp : DSC_CompareOp<"greater", "Greater", "a > b">;
def DSC_GreaterEqualOp
    : DSC_CompareOp<"greater_equal", "GreaterOrEqual", "a >= b">;

def DSC_WhereOp : DSC_Op<"where", [DSC_Elementwise]> {
  let summary = "elementwise select with numpy broadcasting";
  let description = [{
    `condition ? x : y` after broadcasting all three operands to a common
    shape (ONNX Where). `condition` is `i1`; `x`, `y` and the result share
    an element type.

    Example:
    ```mlir
    %0 = dsc.where %c, %x, %y
        : (tensor<2x1xi1>, tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$condition, AnyRankedTensor:$x,
                   AnyRankedTensor:$y);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $condition `,` $x `,` $y attr-dict `:` functional-type(operands, results)
  }];
  let hasFolder = 1;
}

def DSC_CastOp : DSC_Op<"cast", [DSC_Elementwise]> {
  let summary = "elementwise conversion to the result's element type";
  let description = [{
    ONNX Cast between float, integer and bool (`i1`) element types; the shape
    is unchanged. Float to integer rounds toward zero; to bool tests for
    non-zero; bool to a number gives 0 or 1. Integers are sign-extended and
    converted as signed unless `input_unsigned` is set; `result_unsigned`
    makes float to integer conversions unsigned.

    Example:
    ```mlir
    %0 = dsc.cast %x : (tensor<2x3xf32>) -> tensor<2x3xi64>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, UnitAttr:$input_unsigned,
                   UnitAttr:$result_unsigned);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def DSC_BitCastOp : DSC_Op<"bitcast", [DSC_Elementwise]> {
  let summary = "elementwise reinterpretation of the bits as another type";
  let description = [{
    ONNX BitCast: each element's bits read as the result's element type of
    the same width (a bool (`i1`) is one byte: to an 8-bit integer it gives
    0 or 1, an 8-bit integer gives the bool `x != 0`). The shape is
    unchanged.

    Example:
    ```mlir
    %0 = dsc.bitcast %x : (tensor<2x3xf32>) -> tensor<2x3xi32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def DSC_DecodeNarrowOp : DSC_Op<"decode_narrow", [DSC_Elementwise]> {
  let summary = "elementwise decoding of a narrow ONNX type held in bytes";
  let description = [{
    Reads each `i8` element as the bit pattern of the narrow ONNX type
    `format` (NarrowFormats.h: `float8e4m3fn`, `float8e4m3fnuz`,
    `float8e5m2`, `float8e5m2fnuz`, `float8e8m0`, `float4e2m1`, `int4`,
    `uint4`, `int2`, `uint2`; the pattern in the low bits) and gives its
    value: `f32` for the float formats (exact; NaN and infinities as the
    format defines them), `i8` for the integer ones (sign- or zero-extended).
    The shape is unchanged.

    Example:
    ```mlir
    %0 = dsc.decode_narrow %x {format = "float8e4m3fn"} : (tensor<4xi8>) -> tensor<4xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, StrAttr:$format);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def DSC_EncodeNarrowOp : DSC_Op<"encode_narrow", [DSC_Elementwise]> {
  let summary = "elementwise encoding into a narrow ONNX type held in bytes";
  let description = [{
    ONNX Cast of each element to the narrow type `format` (see
    dsc.decode_narrow), giving its bit pattern in the low bits of an `i8`.
    From `f32` to a float format: round to nearest even; a value beyond the
    largest finite one (or an infinity) becomes that largest value with
    `saturate`, else NaN (infinity for float8e5m2); float4e2m1 always
    saturates. float8e8m0 keeps the exponent, rounded by `round_mode`
    (`up`, `down` or `nearest`). To an integer format: from a float, toward
    zero, and a value out of range (or NaN) gives 0, as ONNX's reference
    does; from an integer, the low bits (wrapping).

    Example:
    ```mlir
    %0 = dsc.encode_narrow %x {format = "float8e5m2", saturate = false} : (tensor<4xf32>) -> tensor<4xi8>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, StrAttr:$format,
                   DefaultValuedAttr<BoolAttr, "true">:$saturate,
                   DefaultValuedAttr<StrAttr, "\"up\"">:$round_mode);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def DSC_ExpandOp : DSC_Op<"expand", [DSC_Elementwise]> {
  let summary = "numpy broadcast to the result's shape";
  let description = [{
    Copies the input broadcast (numpy rules) to the result's static shape,
    which is the broadcast of the input shape with ONNX Expand's constant
    shape input.

    Example:
    ```mlir
    %0 = dsc.expand %x : (tensor<3x1xf32>) -> tensor<2x3x4xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

class DSC_UnaryOp<string mnemonic, string formula,
                  string operand = "a floating-point tensor">
    : DSC_Op<mnemonic, [SameOperandsAndResultType, DSC_Elementwise]> {
  let summary = "elementwise " # formula;
  let description = [{
    Computes `}] # formula # [{` for every element of }] # operand # [{.

    Example:
    ```mlir
    %0 = dsc.}] # mnemonic # [{ %x : tensor<1x16xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

def DSC_ReluOp : DSC_UnaryOp<"relu", "max(x, 0)"> {
  let hasFolder = 1;
}
def DSC_SigmoidOp : DSC_UnaryOp<"sigmoid", "1 / (1 + exp(-x))">;
def DSC_TanhOp : DSC_UnaryOp<"tanh", "tanh(x)">;
def DSC_ErfOp : DSC_UnaryOp<"erf", "erf(x)">;
def DSC_ExpOp : DSC_UnaryOp<"exp", "exp(x)">;
def DSC_LogOp : DSC_UnaryOp<"log", "log(x)">;
def DSC_SqrtOp : DSC_UnaryOp<"sqrt", "sqrt(x)">;
def DSC_ReciprocalOp : DSC_UnaryOp<"reciprocal", "1 / x">;
def DSC_FloorOp : DSC_UnaryOp<"floor", "floor(x)">;
def DSC_CeilOp : DSC_UnaryOp<"ceil", "ceil(x)">;
def DSC_SoftplusOp : DSC_UnaryOp<"softplus", "log(1 + exp(x))">;
def DSC_HardSwishOp
    : DSC_UnaryOp<"hard_swish", "x * max(0, min(1, x / 6 + 1 / 2))">;
def DSC_NegOp
    : DSC_UnaryOp<"neg", "-x", "a floating-point or signed integer tensor"> {
  // Folds so that shape arithmetic on constants (e.g. Neg of an axis in the
  // expanded LayerNormalization function) stays a compile-time constant.
  let hasFolder = 1;
}
def DSC_AbsOp
    : DSC_UnaryOp<"abs", "|x|", "a floating-point or signed integer tensor"> {
  let hasFolder = 1;
}

/// A unary float op with scalar parameters (attributes).
class DSC_ParamUnaryOp<string mnemonic, dag params>
    : DSC_Op<mnemonic, [SameOperandsAndResultType, DSC_Elementwise]> {
  let arguments = !con((ins AnyRankedTensor:$input), params);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

def DSC_LeakyReluOp : DSC_ParamUnaryOp<"leaky_relu", (ins F64Attr:$alpha)> {
  let summary = "elementwise x >= 0 ? x : alpha * x";
  let description = [{
    ONNX LeakyRelu (the default alpha 0.01 is made explicit at import).

    Example:
    ```mlir
    %0 = dsc.leaky_relu %x {alpha = 1.0e-01 : f64} : tensor<1x8xf32>
    ```
  }];
}

def DSC_HardSigmoidOp
    : DSC_ParamUnaryOp<"hard_sigmoid", (ins F64Attr:$alpha, F64Attr:$beta)> {
  let summary = "elementwise max(0, min(1, alpha * x + beta))";
  let description = [{
    ONNX HardSigmoid (defaults alpha 0.2, beta 0.5 made explicit at import).

    Example:
    ```mlir
    %0 = dsc.hard_sigmoid %x {alpha = 2.0e-01 : f64, beta = 5.0e-01 : f64} : tensor<1x8xf32>
    ```
  }];
}

def DSC_EluOp : DSC_ParamUnaryOp<"elu", (ins F64Attr:$alpha)> {
  let summary = "elementwise x >= 0 ? x : alpha * (exp(x) - 1)";
  let description = [{
    ONNX Elu (the default alpha 1.0 is made explicit at import).

    Example:
    ```mlir
    %0 = dsc.elu %x {alpha = 1.0 : f64} : tensor<1x8xf32>
    ```
  }];
}

def DSC_GeluOp : DSC_ParamUnaryOp<"gelu", (ins StrAttr:$approximate)> {
  let summary = "elementwise Gaussian error linear unit";
  let description = [{
    ONNX Gelu (opset 20). `approximate` is `"none"` for the exact form
    `0.5 * x * (1 + erf(x / sqrt(2)))` or `"tanh"` for
    `0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x^3)))`.

    Example:
    ```mlir
    %0 = dsc.gelu %x {approximate = "tanh"} : tensor<1x8xf32>
    ```
  }];
}

/// Further unary float ops (ONNX trigonometric, hyperbolic and rounding ops,
/// Softsign, Mish).
def DSC_SinOp : DSC_UnaryOp<"sin", "sin(x)">;
def DSC_CosOp : DSC_UnaryOp<"cos", "cos(x)">;
def DSC_TanOp : DSC_UnaryOp<"tan", "tan(x)">;
def DSC_AsinOp : DSC_UnaryOp<"asin", "asin(x)">;
def DSC_AcosOp : DSC_UnaryOp<"acos", "acos(x)">;
def DSC_AtanOp : DSC_UnaryOp<"atan", "atan(x)">;
def DSC_SinhOp : DSC_UnaryOp<"sinh", "sinh(x)">;
def DSC_CoshOp : DSC_UnaryOp<"cosh", "cosh(x)">;
def DSC_AsinhOp : DSC_UnaryOp<"asinh", "asinh(x)">;
def DSC_AcoshOp : DSC_UnaryOp<"acosh", "acosh(x)">;
def DSC_AtanhOp : DSC_UnaryOp<"atanh", "atanh(x)">;
def DSC_RoundOp
    : DSC_UnaryOp<"round", "x rounded to the nearest integer, halves to even">;
def DSC_SoftsignOp : DSC_UnaryOp<"softsign", "x / (1 + |x|)">;
def DSC_MishOp : DSC_UnaryOp<"mish", "x * tanh(log(1 + exp(x)))">;
def DSC_SignOp
    : DSC_UnaryOp<"sign", "x > 0 ? 1 : (x < 0 ? -1 : x)",
                  "a floating-point or signed integer tensor">;
// ONNX Not (bools) and BitwiseNot (integers): one op, as `~x` on `i1` is
// logical not.
def DSC_NotOp : DSC_UnaryOp<"not", "~x (bitwise not; logical not of bools)",
                            "a bool (`i1`) or integer tensor"> {
  let hasFolder = 1;
}

/// A binary op with numpy broadcasting and no folder; `params` are extra
/// attributes.
class DSC_BroadcastOp<string mnemonic, string summaryText, string onnxName,
                      dag params = (ins)>
    : DSC_Op<mnemonic, [DSC_Elementwise]> {
  let summary = summaryText;
  let description = [{
    ONNX `}] # onnxName # [{` elementwise after broadcasting both operands
    to a common shape with numpy rules; operands and result share the
    element type.

    Example:
    ```mlir
    %0 = dsc.}] # mnemonic # [{ %a, %b : (tensor<2x3xi1>, tensor<3xi1>) -> tensor<2x3xi1>
    ```
  }];
  let arguments = !con((ins AnyRankedTensor:$lhs, AnyRankedTensor:$rhs), params);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` functional-type(operands, results)
  }];
}

// ONNX And/Or/Xor on bools and BitwiseAnd/Or/Xor on integers are one op
// family: on `i1` the bitwise operation is the logical one, and the
// lowering (arith.andi/ori/xori) is the same for every integer width.
// They, Mod, Not and the comparisons fold on constants: the shape
// arithmetic of ONNX function bodies (e.g. expanded Attention's grouped-query
// test Where(And(Not(Equal(h, g)), ...))) stays constant.
def DSC_AndOp : DSC_BroadcastOp<"and", "elementwise and: logical on bools, "
                                "bitwise on integers", "And` / `BitwiseAnd"> {
  let hasFolder = 1;
}
def DSC_OrOp : DSC_BroadcastOp<"or", "elementwise or: logical on bools, "
                               "bitwise on integers", "Or` / `BitwiseOr"> {
  let hasFolder = 1;
}
def DSC_XorOp : DSC_BroadcastOp<"xor", "elementwise xor: logical on bools, "
                                "bitwise on integers", "Xor` / `BitwiseXor"> {
  let hasFolder = 1;
}
def DSC_ModOp
    : DSC_BroadcastOp<"mod", "elementwise remainder", "Mod",
                      (ins BoolAttr:$fmod, UnitAttr:$is_unsigned)> {
  // `fmod` truncates (the remainder has the dividend's sign, C fmod);
  // otherwise the remainder has the divisor's sign (Python %, numpy.mod,
  // for integers and floats). `is_unsigned` reads integers as unsigned.
  let hasFolder = 1;
}
def DSC_BitShiftOp
    : DSC_BroadcastOp<"bit_shift", "elementwise shift of integers",
                      "BitShift", (ins BoolAttr:$left, UnitAttr:$is_signed)> {
  // `left` shifts toward the most significant bit. A right shift is
  // logical, or arithmetic with `is_signed` (signed types, opset 28). A
  // shift amount that is negative or at least the bit width gives what the
  // sign fill alone gives: -1 for an arithmetic right shift of a negative
  // value, else 0.
}
def DSC_PReluOp
    : DSC_BroadcastOp<"prelu", "elementwise x < 0 ? slope * x : x", "PRelu"> {
  // The slope (rhs) broadcasts to the input (lhs) shape; the result has the
  // input's shape.
}

/// An elementwise float test with a bool result of the input's shape.
class DSC_TestOp<string mnemonic, string summaryText, dag params = (ins)>
    : DSC_Op<mnemonic, [DSC_Elementwise]> {
  let summary = summaryText;
  let description = [{
    Example:
    ```mlir
    %0 = dsc.}] # mnemonic # [{ %x : (tensor<2x3xf32>) -> tensor<2x3xi1>
    ```
  }];
  let arguments = !con((ins AnyRankedTensor:$input), params);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def DSC_IsNaNOp : DSC_TestOp<"is_nan", "elementwise x is NaN (ONNX IsNaN)">;
def DSC_IsInfOp
    : DSC_TestOp<"is_inf", "elementwise x is an infinity (ONNX IsInf)",
                 (ins BoolAttr:$detect_negative, BoolAttr:$detect_positive)>;

def DSC_SeluOp
    : DSC_ParamUnaryOp<"selu", (ins F64Attr:$alpha, F64Attr:$gamma)> {
  let summary = "elementwise gamma * (x > 0 ? x : alpha * (exp(x) - 1))";
  let description = [{
    ONNX Selu (defaults made explicit at import).

    Example:
    ```mlir
    %0 = dsc.selu %x {alpha = 1.67 : f64, gamma = 1.05 : f64} : tensor<1x8xf32>
    ```
  }];
}

def DSC_CeluOp : DSC_ParamUnaryOp<"celu", (ins F64Attr:$alpha)> {
  let summary = "elementwise max(0, x) + min(0, alpha * (exp(x / alpha) - 1))";
  let description = [{
    ONNX Celu (the default alpha 1.0 is made explicit at import).

    Example:
    ```mlir
    %0 = dsc.celu %x {alpha = 1.0 : f64} : tensor<1x8xf32>
    ```
  }];
}

def DSC_ThresholdedReluOp
    : DSC_ParamUnaryOp<"thresholded_relu", (ins F64Attr:$alpha)> {
  let summary = "elementwise x > alpha ? x : 0";
  let description = [{
    ONNX ThresholdedRelu (the default alpha 1.0 is made explicit at import).

    Example:
    ```mlir
    %0 = dsc.thresholded_relu %x {alpha = 1.0 : f64} : tensor<1x8xf32>
    ```
  }];
}

def DSC_ShrinkOp
    : DSC_ParamUnaryOp<"shrink", (ins F64Attr:$bias, F64Attr:$lambd)> {
  let summary =
      "elementwise x < -lambd ? x + bias : (x > lambd ? x - bias : 0)";
  let description = [{
    ONNX Shrink (defaults bias 0, lambd 0.5 made explicit at import).

    Example:
    ```mlir
    %0 = dsc.shrink %x {bias = 0.0 : f64, lambd = 5.0e-01 : f64} : tensor<1x8xf32>
    ```
  }];
}

def DSC_ClipOp : DSC_Op<"clip", [SameOperandsAndResultType, DSC_Elementwise]> {
  let hasFolder = 1;
  let summary = "elementwise clamp to [min, max]";
  let description = [{
    Clamps every element to `[min, max]`; a missing bound is unbounded.
    ONNX Clip's bounds (attributes before opset 11, constant inputs after)
    become attributes at import.

    Example:
    ```mlir
    %0 = dsc.clip %x {min = 0.0 : f64, max = 6.0 : f64} : tensor<1x8xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, OptionalAttr<F64Attr>:$min,
                   OptionalAttr<F64Attr>:$max);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

//===----------------------------------------------------------------------===//
// Linear algebra
//===----------------------------------------------------------------------===//

def DSC_MatMulOp : DSC_Op<"matmul"> {
  let summary = "numpy matrix product";
  let description = [{
    numpy `matmul` semantics (ONNX MatMul): the last two dimensions are
    multiplied, leading (batch) dimensions broadcast, and a rank-1 operand
    is a vector whose dimension is dropped from the result.

    Example:
    ```mlir
    %0 = dsc.matmul %a, %b : (tensor<4x2x3xf32>, tensor<3x5xf32>) -> tensor<4x2x5xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$lhs, AnyRankedTensor:$rhs);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` functional-type(operands, results)
  }];
}

def DSC_GemmOp : DSC_Op<"gemm"> {
  let summary = "alpha * op(A) * op(B) + beta * C";
  let description = [{
    ONNX Gemm on rank-2 operands: `op(X)` transposes when `trans_a` /
    `trans_b` is set; `c`, when present, broadcasts to the `[M, N]` result
    with numpy rules.

    Example:
    ```mlir
    %0 = dsc.gemm %a, %w, %bias {alpha = 1.0 : f64, beta = 1.0 : f64,
                                 trans_a = false, trans_b = true}
        : (tensor<1x64xf32>, tensor<10x64xf32>, tensor<10xf32>) -> tensor<1x10xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$a, AnyRankedTensor:$b,
                   Optional<AnyRankedTensor>:$c, F64Attr:$alpha, F64Attr:$beta,
                   BoolAttr:$trans_a, BoolAttr:$trans_b);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $a `,` $b (`,` $c^)? attr-dict `:` functional-type(operands, results)
  }];
}

//===----------------------------------------------------------------------===//
// Convolution and pooling (NC[D...] layout)
//===----------------------------------------------------------------------===//

def DSC_ConvOp : DSC_Op<"conv"> {
  let summary = "grouped N-d convolution (NCHW, weights MCHW)";
  let description = [{
    ONNX Conv with explicit pads (`[begin_0, ..., begin_k, end_0, ...,
    end_k]`; auto_pad is resolved at import). `x` is `[N, C, D_1..D_k]`,
    `w` is `[M, C / group, K_1..K_k]` and the optional `bias` is `[M]`.

    Example:
    ```mlir
    %0 = dsc.conv %x, %w, %b {dilations = array<i64: 1, 1>, group = 1 : i64,
                              pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>}
        : (tensor<1x3x8x8xf32>, tensor<16x3x3x3xf32>, tensor<16xf32>) -> tensor<1x16x8x8xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, AnyRankedTensor:$weight,
                   Optional<AnyRankedTensor>:$bias, DenseI64ArrayAttr:$strides,
                   DenseI64ArrayAttr:$pads, DenseI64ArrayAttr:$dilations,
                   I64Attr:$group);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
}

def DSC_ConvTransposeOp : DSC_Op<"conv_transpose"> {
  let summary = "grouped N-d transposed convolution (NCHW, weights CMHW)";
  let description = [{
    ONNX ConvTranspose: every input element scatters `x[n, c, i] * w[c, m,
    k]` to output position `i * stride + k * dilation - pads_begin`. `x` is
    `[N, C, D_1..D_k]`, `w` is `[C, M / group, K_1..K_k]`, the optional
    `bias` is `[M]`. The full output (size `s * (D - 1) + (K - 1) * d + 1`
    per spatial dimension) is cropped by `pads` (`[begin_0, ..., end_k]`);
    a negative pad extends the output with positions no input reaches (bias
    only): ONNX's `output_padding` and an `output_shape` larger than the
    full output are resolved at import into negative end pads.

    Example:
    ```mlir
    %0 = dsc.conv_transpose %x, %w {dilations = array<i64: 1, 1>, group = 1 : i64,
                                    pads = array<i64: 1, 1, 0, 0>, strides = array<i64: 2, 2>}
        : (tensor<1x8x4x4xf32>, tensor<8x4x3x3xf32>) -> tensor<1x4x8x8xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, AnyRankedTensor:$weight,
                   Optional<AnyRankedTensor>:$bias, DenseI64ArrayAttr:$strides,
                   DenseI64ArrayAttr:$pads, DenseI64ArrayAttr:$dilations,
                   I64Attr:$group);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
}

class DSC_PoolOp<string mnemonic, string what, dag extraArgs = (ins)>
    : DSC_Op<mnemonic> {
  let summary = what # " over sliding windows (NC[D...] layout)";
  let arguments = !con((ins AnyRankedTensor:$input,
                            DenseI64ArrayAttr:$kernel_shape,
                            DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                            DenseI64ArrayAttr:$dilations, BoolAttr:$ceil_mode),
                       extraArgs);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def DSC_MaxPoolOp : DSC_PoolOp<"max_pool", "maximum"> {
  let description = [{
    ONNX MaxPool (values only) of floats or integers (compared signed; the
    importer biases uint8 into signed order). Pads are explicit; padded
    positions never win. `ceil_mode` rounds the output size up; a window may then start in
    the end padding but always overlaps the input or its begin padding.

    Example:
    ```mlir
    %0 = dsc.max_pool %x {ceil_mode = false, dilations = array<i64: 1, 1>,
                          kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>,
                          strides = array<i64: 2, 2>}
        : (tensor<1x8x8x8xf32>) -> tensor<1x8x4x4xf32>
    ```
  }];
}

def DSC_AvgPoolOp : DSC_PoolOp<"avg_pool", "average",
                               (ins BoolAttr:$count_include_pad)> {
  let description = [{
    ONNX AveragePool. With `count_include_pad` the divisor counts explicit
    pad positions (but not positions past them that `ceil_mode` adds);
    without it, only input positions are counted.

    Example:
    ```mlir
    %0 = dsc.avg_pool %x {ceil_mode = false, count_include_pad = false,
                          dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>,
                          pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>}
        : (tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32>
    ```
  }];
}

def DSC_GlobalAvgPoolOp : DSC_Op<"global_avg_pool"> {
  let summary = "mean over all spatial dimensions";
  let description = [{
    ONNX GlobalAveragePool: `[N, C, D_1..D_k]` to `[N, C, 1..1]`.

    Example:
    ```mlir
    %0 = dsc.global_avg_pool %x : (tensor<1x64x7x7xf32>) -> tensor<1x64x1x1xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

//===----------------------------------------------------------------------===//
// Normalization
//===----------------------------------------------------------------------===//

def DSC_BatchNormOp : DSC_Op<"batch_norm"> {
  let summary = "inference-mode batch normalization over channel dim 1";
  let description = [{
    `(x - mean) / sqrt(var + epsilon) * scale + bias`, with the four
    parameter tensors of shape `[C]` broadcast along dimension 1 of `x`.

    Example:
    ```mlir
    %0 = dsc.batch_norm %x, %scale, %bias, %mean, %var {epsilon = 1.0e-05 : f64}
        : (tensor<1x8x4x4xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>)
        -> tensor<1x8x4x4xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, AnyRankedTensor:$scale,
                   AnyRankedTensor:$bias, AnyRankedTensor:$mean,
                   AnyRankedTensor:$variance, F64Attr:$epsilon);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $input `,` $scale `,` $bias `,` $mean `,` $variance attr-dict `:`
    functional-type(operands, results)
  }];
}

def DSC_LayerNormOp : DSC_Op<"layer_norm", [AllTypesMatch<["input", "result"]>]> {
  let summary = "normalization over the trailing dimensions from `axis` on";
  let description = [{
    ONNX LayerNormalization (opset 17, first output only): for every index
    of the leading dimensions `[0, axis)`, the elements of the trailing
    dimensions are normalized to zero mean and unit variance,
    `(x - mean) / sqrt(var + epsilon)`, then multiplied by `scale` and
    shifted by the optional `bias`; both broadcast (numpy rules) to the
    trailing shape.

    Example:
    ```mlir
    %0 = dsc.layer_norm %x, %gamma, %beta {axis = 2 : i64, epsilon = 1.0e-05 : f64}
        : (tensor<1x16x64xf32>, tensor<64xf32>, tensor<64xf32>) -> tensor<1x16x64xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, AnyRankedTensor:$scale,
                   Optional<AnyRankedTensor>:$bias, I64Attr:$axis,
                   F64Attr:$epsilon);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $input `,` $scale (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
}

def DSC_SoftmaxOp : DSC_Op<"softmax", [SameOperandsAndResultType]> {
  let summary = "softmax along one axis";
  let description = [{
    `exp(x - max(x)) / sum(exp(x - max(x)))` along `axis` (non-negative).
    ONNX Softmax before opset 13, which coerces to 2-D, is imported as a
    reshape around this op.

    Example:
    ```mlir
    %0 = dsc.softmax %x {axis = 1 : i64} : tensor<2x10xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, I64Attr:$axis);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

def DSC_ReduceOp : DSC_Op<"reduce"> {
  let summary = "reduction over a set of axes";
  let description = [{
    ONNX ReduceSum / ReduceMean / ReduceMax / ReduceMin / ReduceProd /
    ReduceL1 / ReduceL2 / ReduceSumSquare / ReduceLogSum / ReduceLogSumExp
    as one op: `kind` is one of `sum`, `mean`, `max`, `min`, `prod`, `l1`,
    `l2`, `sum_square`, `log_sum`, `log_sum_exp`. `axes` are non-negative,
    sorted and unique (an empty list reduces nothing); `keepdims` keeps the
    reduced dimensions with size 1. `sum`, `max`, `min`, `prod`, `l1` and
    `sum_square` also accept signed integers.

    Example:
    ```mlir
    %0 = dsc.reduce %x {axes = array<i64: 1>, keepdims = true, kind = "mean"}
        : (tensor<2x3x4xf32>) -> tensor<2x1x4xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, StrAttr:$kind,
                   DenseI64ArrayAttr:$axes, BoolAttr:$keepdims);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def DSC_ArgReduceOp : DSC_Op<"arg_reduce"> {
  let summary = "index of the maximum or minimum along one axis";
  let description = [{
    ONNX ArgMax (`kind` = `"max"`) and ArgMin (`"min"`): the int64 index of
    the first extreme element along `axis` (non-negative), or of the last
    with `select_last_index`. The axis is dropped from the result (ONNX's
    keepdims is a reshape at import). Float or signed integer input.

    Example:
    ```mlir
    %0 = dsc.arg_reduce %x {axis = 1 : i64, kind = "max", select_last_index = false}
        : (tensor<2x3x4xf32>) -> tensor<2x4xi64>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, StrAttr:$kind, I64Attr:$axis,
                   BoolAttr:$select_last_index);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def DSC_TopKOp : DSC_Op<"topk"> {
  let summary = "the k largest or smallest elements along one axis";
  let description = [{
    ONNX TopK with a static `k`: `values` holds the `k` greatest elements
    along `axis` (non-negative) when `largest` is set, else the `k` least,
    best first; `indices` holds their int64 positions along the axis. Equal
    values are ordered by lower index first, as ONNX specifies. Both results
    have the input's shape with `k` along the axis. Float or integer input;
    `unsigned_input` compares integers as unsigned.

    Example:
    ```mlir
    %v, %i = dsc.topk %x {axis = 1 : i64, k = 3 : i64, largest = true}
        : (tensor<2x10xf32>) -> (tensor<2x3xf32>, tensor<2x3xi64>)
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, I64Attr:$axis, I64Attr:$k,
                   BoolAttr:$largest, UnitAttr:$unsigned_input);
  let results = (outs AnyRankedTensor:$values, AnyRankedTensor:$indices);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def DSC_AttentionOp : DSC_Op<"attention"> {
  let summary = "scaled dot-product attention";
  let description = [{
    `softmax(q @ k * scale + mask) @ v` with the softmax over the last
    dimension: `q` is `[..., Sq, D]`, `k` is `[..., D, Sk]` (already
    transposed, as the product's right operand), `v` is `[..., Sk, Dv]`,
    with equal leading (batch, head) dimensions; the result is
    `[..., Sq, Dv]`. Formed by dsc-fuse-patterns from the MatMul - scale -
    mask - Softmax - MatMul chain of exported models.

    The mask is structural when `mask_kind` is `"causal"` (key j is masked
    for query i when j > i + offset) or `"sliding_window"` (also when
    i + offset - j >= window): masked scores get `mask_value` added, the
    others nothing, and no mask tensor is read. The optional `mask` operand
    (any tensor broadcastable to `[..., Sq, Sk]`) is added in every case.
    A query row whose every score is masked to -inf gives 0 (as ONNX
    Attention specifies), not NaN.

    Example:
    ```mlir
    %0 = dsc.attention %q, %k, %v {mask_kind = "causal", mask_value = -1.0e+09 : f64,
                                   offset = 0 : i64, scale = 0.125 : f64, window = 0 : i64}
        : (tensor<1x4x16x64xf32>, tensor<1x4x64x16xf32>, tensor<1x4x16x64xf32>)
        -> tensor<1x4x16x64xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$q, AnyRankedTensor:$k,
                   AnyRankedTensor:$v, Optional<AnyRankedTensor>:$mask,
                   F64Attr:$scale, StrAttr:$mask_kind, F64Attr:$mask_value,
                   I64Attr:$window, I64Attr:$offset);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $q `,` $k `,` $v (`,` $mask^)? attr-dict `:` functional-type(operands, results)
  }];
}

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

def DSC_ReshapeOp : DSC_Op<"reshape"> {
  let hasFolder = 1;
  let summary = "reinterpret a tensor with the result's static shape";
  let description = [{
    Row-major reshape; the target shape is the result type (ONNX Reshape's
    shape input and Flatten are resolved at import).

    Example:
    ```mlir
    %0 = dsc.reshape %x : (tensor<1x16x2x2xf32>) -> tensor<1x64xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def DSC_TransposeOp : DSC_Op<"transpose"> {
  let hasFolder = 1;
  let summary = "permute dimensions";
  let description = [{
    `result.shape[i] = input.shape[perm[i]]`.

    Example:
    ```mlir
    %0 = dsc.transpose %x {perm = array<i64: 0, 2, 3, 1>}
        : (tensor<1x3x4x5xf32>) -> tensor<1x4x5x3xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, DenseI64ArrayAttr:$perm);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def DSC_ConcatOp : DSC_Op<"concat"> {
  let hasFolder = 1;
  let summary = "concatenate along one axis";
  let description = [{
    Joins tensors of equal rank and element type that agree on every
    dimension but `axis` (non-negative).

    Example:
    ```mlir
    %0 = dsc.concat %a, %b {axis = 1 : i64}
        : (tensor<1x2xf32>, tensor<1x3xf32>) -> tensor<1x5xf32>
    ```
  }];
  let arguments = (ins Variadic<AnyRankedTensor>:$inputs, I64Attr:$axis);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$inputs attr-dict `:` functional-type(operands, results)";
}

def DSC_GatherOp : DSC_Op<"gather"> {
  let summary = "take slices of `data` along `axis` at `indices`";
  let description = [{
    ONNX Gather: `result[i..., j..., k...] = data[i..., indices[j...], k...]`
    where `i...` are the `axis` leading indices (`axis` is non-negative).
    Indices are signed integers; a negative index counts from the end of
    the axis.

    Example:
    ```mlir
    %0 = dsc.gather %data, %idx {axis = 0 : i64}
        : (tensor<10x4xf32>, tensor<2x3xi64>) -> tensor<2x3x4xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$data, AnyRankedTensor:$indices,
                   I64Attr:$axis);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $data `,` $indices attr-dict `:` functional-type(operands, results)
  }];
}

def DSC_GatherElementsOp : DSC_Op<"gather_elements"> {
  let summary = "take elements of `data` along `axis` at `indices`";
  let description = [{
    ONNX GatherElements: `result[i...] = data[i... with i_axis replaced by
    indices[i...]]`. `indices` has the rank of `data` and the result its
    shape; a negative index counts from the end of the axis.

    Example:
    ```mlir
    %0 = dsc.gather_elements %data, %idx {axis = 1 : i64}
        : (tensor<3x4xf32>, tensor<3x2xi64>) -> tensor<3x2xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$data, AnyRankedTensor:$indices,
                   I64Attr:$axis);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $data `,` $indices attr-dict `:` functional-type(operands, results)
  }];
}

class DSC_ScatterOp<string mnemonic, string what, dag params>
    : DSC_Op<mnemonic> {
  let summary = "copy of `data` with `updates` written at `indices` (" # what # ")";
  let arguments = !con((ins AnyRankedTensor:$data, AnyRankedTensor:$indices,
                            AnyRankedTensor:$updates, StrAttr:$reduction),
                       params);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $data `,` $indices `,` $updates attr-dict `:` functional-type(operands, results)
  }];
}

def DSC_ScatterElementsOp
    : DSC_ScatterOp<"scatter_elements", "ONNX ScatterElements",
                    (ins I64Attr:$axis)> {
  let description = [{
    For every element of `updates` (shaped like `indices`, of `data`'s
    rank) at `i...`, the result at `i...` with `i_axis` replaced by
    `indices[i...]` (negative counts from the end) becomes the update
    (`reduction` "none") or is combined with it ("add", "mul", "max",
    "min"), in row-major order of the updates.

    Example:
    ```mlir
    %0 = dsc.scatter_elements %d, %i, %u {axis = 1 : i64, reduction = "none"}
        : (tensor<3x4xf32>, tensor<3x2xi64>, tensor<3x2xf32>) -> tensor<3x4xf32>
    ```
  }];
}

def DSC_ScatterNDOp : DSC_ScatterOp<"scatter_nd", "ONNX ScatterND", (ins)> {
  let description = [{
    `indices` is `[..., k]`: each of its leading positions addresses a slice
    `data[idx_0, ..., idx_{k-1}, :, ...]` that the matching slice of
    `updates` (`indices.shape[:-1] + data.shape[k:]`) replaces or is
    combined with (`reduction` as for scatter_elements), in row-major order.

    Example:
    ```mlir
    %0 = dsc.scatter_nd %d, %i, %u {reduction = "add"}
        : (tensor<4x3xf32>, tensor<2x1xi64>, tensor<2x3xf32>) -> tensor<4x3xf32>
    ```
  }];
}

def DSC_SliceOp : DSC_Op<"slice"> {
  let summary = "strided slice with static starts and steps";
  let description = [{
    `result[i...] = input[starts[d] + i_d * steps[d]...]` for every
    dimension `d`; the result's shape gives the sizes. ONNX Slice's constant
    starts/ends/axes/steps are normalized at import (negative and clamped
    values resolved, one entry per dimension). Steps are non-zero and may be
    negative.

    Example:
    ```mlir
    %0 = dsc.slice %x {starts = array<i64: 0, 7>, steps = array<i64: 1, -2>}
        : (tensor<2x8xf32>) -> tensor<2x4xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, DenseI64ArrayAttr:$starts,
                   DenseI64ArrayAttr:$steps);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def DSC_ResizeOp : DSC_Op<"resize", [AttrSizedOperandSegments]> {
  let summary = "resample a tensor to the result's shape (ONNX Resize)";
  let description = [{
    ONNX Resize (and Upsample) with everything that decides the output
    resolved at import: the result type is the output shape, `scales` the
    per-dimension scale used to map output to input coordinates (ONNX's
    sizes, axes and keep_aspect_ratio_policy are folded into it) and `roi`
    the per-dimension region `[start_0.., end_0..]` (read only by
    `tf_crop_and_resize`). Where ONNX gives scales or roi at run time (the
    output shape then comes from the graph's declared shape), the optional
    operands `scale_values` (1-D float, one per entry) and `roi_values`
    (1-D float, starts then ends) hold them and `runtime_axes[d]` is the
    entry dimension d reads (-1: none, the attributes hold its values);
    source coordinates and filter weights are then computed at run time. `mode` is `nearest`, `linear` or `cubic`;
    `coordinate_transformation_mode` and `nearest_mode` take ONNX's values,
    plus `tf_half_pixel_for_nn` (Resize-11) and the nearest mode `simple`
    (Resize-10 and Upsample: floor when upsampling a dimension, ceil when
    downsampling it). Interpolation is separable, one dimension after
    another, as in ONNX's reference implementation; `antialias` widens
    linear and cubic filters when downsampling.

    Example:
    ```mlir
    %0 = dsc.resize %x {antialias = false, coordinate_transformation_mode = "asymmetric",
                        cubic_coeff_a = -7.5e-01 : f64, exclude_outside = false,
                        extrapolation_value = 0.0 : f64, mode = "nearest",
                        nearest_mode = "floor", roi = array<f64: 0.0, 0.0, 0.0, 0.0,
                        1.0, 1.0, 1.0, 1.0>, scales = array<f64: 1.0, 1.0, 2.0, 2.0>}
        : (tensor<1x8x4x4xf32>) -> tensor<1x8x8x8xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input,
                   Optional<AnyRankedTensor>:$scale_values,
                   Optional<AnyRankedTensor>:$roi_values, StrAttr:$mode,
                   StrAttr:$coordinate_transformation_mode,
                   StrAttr:$nearest_mode, F64Attr:$cubic_coeff_a,
                   BoolAttr:$exclude_outside, F64Attr:$extrapolation_value,
                   BoolAttr:$antialias, DenseF64ArrayAttr:$scales,
                   DenseF64ArrayAttr:$roi,
                   OptionalAttr<DenseI64ArrayAttr>:$runtime_axes);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $input (`scales` `(` $scale_values^ `)`)? (`roi` `(` $roi_values^ `)`)?
    attr-dict `:` functional-type(operands, results)
  }];
}

def DSC_GridSampleOp : DSC_Op<"grid_sample"> {
  let summary = "sample `input` at the normalized coordinates of `grid` (ONNX GridSample)";
  let description = [{
    ONNX GridSample (opsets 16-22): `input` is `[N, C, D_1..D_k]`, `grid`
    `[N, O_1..O_k, k]` with, in its last dimension, coordinates in [-1, 1]
    in reverse order of the input's spatial dimensions (x = width first).
    The result `[N, C, O_1..O_k]` samples each channel there: `mode` is
    `nearest` (ties to even), `linear` or `cubic` (Keys, a = -0.75, 2-D
    only); `padding_mode` `zeros`, `border` or `reflection` decides the
    values outside; `align_corners` maps -1 and 1 to the centers (true) or
    the outer edges (false) of the corner pixels.

    Example:
    ```mlir
    %0 = dsc.grid_sample %x, %grid {align_corners = false, mode = "linear",
                                    padding_mode = "zeros"}
        : (tensor<1x3x4x4xf32>, tensor<1x6x6x2xf32>) -> tensor<1x3x6x6xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, AnyRankedTensor:$grid,
                   StrAttr:$mode, StrAttr:$padding_mode,
                   BoolAttr:$align_corners);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $input `,` $grid attr-dict `:` functional-type(operands, results)
  }];
}

def DSC_RoiAlignOp : DSC_Op<"roi_align"> {
  let summary = "average or max of bilinear samples per region bin (ONNX RoiAlign)";
  let description = [{
    ONNX RoiAlign (opsets 10-22) with a fixed sampling ratio: `input` is
    `[N, C, H, W]`, `rois` `[R, 4]` boxes `(x1, y1, x2, y2)` in input
    coordinates times `spatial_scale`, `batch_indices` `[R]` (i64) their
    images. The result `[R, C, OH, OW]` (its shape gives OH and OW) splits
    each box into OH x OW bins and reduces `sampling_ratio` x
    `sampling_ratio` bilinear samples per bin with `mode` `avg` or `max`
    (max of the weighted corner values, as ONNX Runtime).
    `half_pixel` shifts the box by -0.5 pixel (ONNX's
    coordinate_transformation_mode; `output_half_pixel` does not, and
    also forces boxes to be at least 1x1).

    Example:
    ```mlir
    %0 = dsc.roi_align %x, %rois, %b {half_pixel = true, mode = "avg",
                                      sampling_ratio = 2 : i64,
                                      spatial_scale = 1.0 : f64}
        : (tensor<1x1x10x10xf32>, tensor<3x4xf32>, tensor<3xi64>)
        -> tensor<3x1x5x5xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, AnyRankedTensor:$rois,
                   AnyRankedTensor:$batch_indices, StrAttr:$mode,
                   I64Attr:$sampling_ratio, F64Attr:$spatial_scale,
                   BoolAttr:$half_pixel);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $input `,` $rois `,` $batch_indices attr-dict `:` functional-type(operands, results)
  }];
}

include "dsc/Dialect/DSCKernelOps.td"
include "dsc/Dialect/DSCGuardOps.td"

#endif // DSC_OPS_TD
