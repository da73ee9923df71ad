// RUN: dsc-opt %s --split-input-file --dsc-accumulate-residuals | FileCheck %s

#x = affine_map<(d0, d1, d2) -> (d0, d2)>
#w = affine_map<(d0, d1, d2) -> (d2, d1)>
#o = affine_map<(d0, d1, d2) -> (d0, d1)>
#bias = affine_map<(d0, d1) -> (d1)>
#id = affine_map<(d0, d1) -> (d0, d1)>

// Tests that a contraction whose epilogue adds a residual it is the last
// reader of starts from that residual instead: the bias broadcast becomes
// `r + bias` written into r, and the epilogue keeps only its ReLU.
// CHECK-LABEL: func.func @residual_relu(
// CHECK:         %[[R:.*]] = linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<64x32xf32>, tensor<32x48xf32>) outs(%{{.*}} : tensor<64x48xf32>) attrs = {dsc.contraction = "MatMul"}
// CHECK:         %[[INIT:.*]] = linalg.generic {{.*}} ins(%{{.*}} : tensor<48xf32>) outs(%[[R]] : tensor<64x48xf32>)
// CHECK-NEXT:    ^bb0(%[[B:.*]]: f32, %[[O:.*]]: f32):
// CHECK-NEXT:      %[[S:.*]] = arith.addf %[[O]], %[[B]] : f32
// CHECK-NEXT:      linalg.yield %[[S]]
// CHECK:         %[[Y:.*]] = linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<64x48xf32>, tensor<48x48xf32>) outs(%[[INIT]] : tensor<64x48xf32>) attrs = {dsc.contraction = "MatMul"}
// CHECK:         %[[Z:.*]] = linalg.generic {{.*}} outs(%[[Y]] : tensor<64x48xf32>) {
// CHECK-NEXT:    ^bb0(%[[V:.*]]: f32):
// CHECK-NEXT:      %[[M:.*]] = arith.maximumf %[[V]], %{{.*}} : f32
// CHECK-NEXT:      linalg.yield %[[M]]
// CHECK:         linalg.generic {{.*}} outs(%[[Z]] : tensor<64x48xf32>)
func.func @residual_relu(%x: tensor<64x32xf32>, %h: tensor<64x48xf32>) -> tensor<64x48xf32> {
  %zero = arith.constant 0.0 : f32
  %w0 = arith.constant dense<0.5> : tensor<32x48xf32>
  %w1 = arith.constant dense<0.25> : tensor<48x48xf32>
  %b = arith.constant dense<0.125> : tensor<48xf32>
  %e = tensor.empty() : tensor<64x48xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<64x48xf32>) -> tensor<64x48xf32>
  %r = linalg.generic {indexing_maps = [#x, #w, #o], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w0 : tensor<64x32xf32>, tensor<32x48xf32>) outs(%f : tensor<64x48xf32>) attrs = {dsc.contraction = "MatMul"} {
  ^bb0(%a: f32, %c: f32, %o: f32):
    %m = arith.mulf %a, %c : f32
    %s = arith.addf %o, %m : f32
    linalg.yield %s : f32
  } -> tensor<64x48xf32>
  %e1 = tensor.empty() : tensor<64x48xf32>
  %acc = linalg.generic {indexing_maps = [#bias, #id], iterator_types = ["parallel", "parallel"]}
      ins(%b : tensor<48xf32>) outs(%e1 : tensor<64x48xf32>) {
  ^bb0(%a: f32, %o: f32):
    linalg.yield %a : f32
  } -> tensor<64x48xf32>
  %y = linalg.generic {indexing_maps = [#x, #w, #o], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%h, %w1 : tensor<64x48xf32>, tensor<48x48xf32>) outs(%acc : tensor<64x48xf32>) attrs = {dsc.contraction = "MatMul"} {
  ^bb0(%a: f32, %c: f32, %o: f32):
    %m = arith.mulf %a, %c : f32
    %s = arith.addf %o, %m : f32
    linalg.yield %s : f32
  } -> tensor<64x48xf32>
  %z = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%r : tensor<64x48xf32>) outs(%y : tensor<64x48xf32>) {
  ^bb0(%a: f32, %o: f32):
    %s = arith.addf %a, %o : f32
    %t = arith.maximumf %s, %zero : f32
    linalg.yield %t : f32
  } -> tensor<64x48xf32>
  %u = linalg.generic {indexing_maps = [#id], iterator_types = ["parallel", "parallel"]}
      outs(%z : tensor<64x48xf32>) {
  ^bb0(%o: f32):
    %t = arith.mulf %o, %o : f32
    linalg.yield %t : f32
  } -> tensor<64x48xf32>
  return %u : tensor<64x48xf32>
}

// -----

#x = affine_map<(d0, d1, d2) -> (d0, d2)>
#w = affine_map<(d0, d1, d2) -> (d2, d1)>
#o = affine_map<(d0, d1, d2) -> (d0, d1)>
#id = affine_map<(d0, d1) -> (d0, d1)>

// Tests that with a zero fill and a plain add (no activation), the
// contraction accumulates into `r + 0` and the epilogue goes.
// CHECK-LABEL: func.func @residual_only(
// CHECK:         %[[R:.*]] = linalg.generic {{.*}} attrs = {dsc.contraction = "MatMul"}
// CHECK:         %[[INIT:.*]] = linalg.generic {{.*}} outs(%[[R]] : tensor<64x48xf32>)
// CHECK:         %[[Y:.*]] = linalg.generic {{.*}} outs(%[[INIT]] : tensor<64x48xf32>) attrs = {dsc.contraction = "MatMul"}
// CHECK-NOT:     linalg.generic
// CHECK:         tensor.expand_shape %[[Y]]
func.func @residual_only(%x: tensor<64x32xf32>, %h: tensor<64x48xf32>) -> tensor<1x64x48xf32> {
  %zero = arith.constant 0.0 : f32
  %w0 = arith.constant dense<0.5> : tensor<32x48xf32>
  %w1 = arith.constant dense<0.25> : tensor<48x48xf32>
  %e = tensor.empty() : tensor<64x48xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<64x48xf32>) -> tensor<64x48xf32>
  %r = linalg.generic {indexing_maps = [#x, #w, #o], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w0 : tensor<64x32xf32>, tensor<32x48xf32>) outs(%f : tensor<64x48xf32>) attrs = {dsc.contraction = "MatMul"} {
  ^bb0(%a: f32, %c: f32, %o: f32):
    %m = arith.mulf %a, %c : f32
    %s = arith.addf %o, %m : f32
    linalg.yield %s : f32
  } -> tensor<64x48xf32>
  %e1 = tensor.empty() : tensor<64x48xf32>
  %f1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<64x48xf32>) -> tensor<64x48xf32>
  %y = linalg.generic {indexing_maps = [#x, #w, #o], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%h, %w1 : tensor<64x48xf32>, tensor<48x48xf32>) outs(%f1 : tensor<64x48xf32>) attrs = {dsc.contraction = "MatMul"} {
  ^bb0(%a: f32, %c: f32, %o: f32):
    %m = arith.mulf %a, %c : f32
    %s = arith.addf %o, %m : f32
    linalg.yield %s : f32
  } -> tensor<64x48xf32>
  %z = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%r : tensor<64x48xf32>) outs(%y : tensor<64x48xf32>) {
  ^bb0(%a: f32, %o: f32):
    %s = arith.addf %o, %a : f32
    linalg.yield %s : f32
  } -> tensor<64x48xf32>
  %out = tensor.expand_shape %z [[0, 1], [2]] output_shape [1, 64, 48] : tensor<64x48xf32> into tensor<1x64x48xf32>
  return %out : tensor<1x64x48xf32>
}

// -----

#x = affine_map<(d0, d1, d2) -> (d0, d2)>
#w = affine_map<(d0, d1, d2) -> (d2, d1)>
#o = affine_map<(d0, d1, d2) -> (d0, d1)>
#id = affine_map<(d0, d1) -> (d0, d1)>

// Tests what is left alone: a residual read again after the add (@read_later),
// one that is a function argument (@argument), and a result returned
// (@returned: the caller's buffer is written directly).
// CHECK-LABEL: func.func @read_later(
// CHECK:         linalg.fill
// CHECK:         linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<64x48xf32>, tensor<64x48xf32>)
// CHECK-LABEL: func.func @argument(
// CHECK:         linalg.fill
// CHECK:         arith.addf %{{.*}}, %{{.*}} : f32
// CHECK-NEXT:    linalg.yield
// CHECK-LABEL: func.func @returned(
// CHECK:         linalg.fill
// CHECK:         arith.addf %{{.*}}, %{{.*}} : f32
// CHECK-NEXT:    linalg.yield
func.func @read_later(%x: tensor<64x32xf32>, %h: tensor<64x48xf32>) -> (tensor<64x48xf32>, tensor<64x48xf32>) {
  %zero = arith.constant 0.0 : f32
  %w0 = arith.constant dense<0.5> : tensor<32x48xf32>
  %w1 = arith.constant dense<0.25> : tensor<48x48xf32>
  %e = tensor.empty() : tensor<64x48xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<64x48xf32>) -> tensor<64x48xf32>
  %r = linalg.generic {indexing_maps = [#x, #w, #o], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w0 : tensor<64x32xf32>, tensor<32x48xf32>) outs(%f : tensor<64x48xf32>) attrs = {dsc.contraction = "MatMul"} {
  ^bb0(%a: f32, %c: f32, %o: f32):
    %m = arith.mulf %a, %c : f32
    %s = arith.addf %o, %m : f32
    linalg.yield %s : f32
  } -> tensor<64x48xf32>
  %e1 = tensor.empty() : tensor<64x48xf32>
  %f1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<64x48xf32>) -> tensor<64x48xf32>
  %y = linalg.generic {indexing_maps = [#x, #w, #o], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%h, %w1 : tensor<64x48xf32>, tensor<48x48xf32>) outs(%f1 : tensor<64x48xf32>) attrs = {dsc.contraction = "MatMul"} {
  ^bb0(%a: f32, %c: f32, %o: f32):
    %m = arith.mulf %a, %c : f32
    %s = arith.addf %o, %m : f32
    linalg.yield %s : f32
  } -> tensor<64x48xf32>
  %z = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%r : tensor<64x48xf32>) outs(%y : tensor<64x48xf32>) {
  ^bb0(%a: f32, %o: f32):
    %s = arith.addf %o, %a : f32
    linalg.yield %s : f32
  } -> tensor<64x48xf32>
  %v = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%z, %r : tensor<64x48xf32>, tensor<64x48xf32>) outs(%e : tensor<64x48xf32>) {
  ^bb0(%a: f32, %c: f32, %o: f32):
    %s = arith.mulf %a, %c : f32
    linalg.yield %s : f32
  } -> tensor<64x48xf32>
  %v2 = tensor.expand_shape %v [[0, 1], [2]] output_shape [1, 64, 48] : tensor<64x48xf32> into tensor<1x64x48xf32>
  %v3 = tensor.collapse_shape %v2 [[0, 1], [2]] : tensor<1x64x48xf32> into tensor<64x48xf32>
  return %v3, %z : tensor<64x48xf32>, tensor<64x48xf32>
}

func.func @argument(%r: tensor<64x48xf32>, %h: tensor<64x48xf32>) -> tensor<1x64x48xf32> {
  %zero = arith.constant 0.0 : f32
  %w1 = arith.constant dense<0.25> : tensor<48x48xf32>
  %e1 = tensor.empty() : tensor<64x48xf32>
  %f1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<64x48xf32>) -> tensor<64x48xf32>
  %y = linalg.generic {indexing_maps = [#x, #w, #o], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%h, %w1 : tensor<64x48xf32>, tensor<48x48xf32>) outs(%f1 : tensor<64x48xf32>) attrs = {dsc.contraction = "MatMul"} {
  ^bb0(%a: f32, %c: f32, %o: f32):
    %m = arith.mulf %a, %c : f32
    %s = arith.addf %o, %m : f32
    linalg.yield %s : f32
  } -> tensor<64x48xf32>
  %z = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%r : tensor<64x48xf32>) outs(%y : tensor<64x48xf32>) {
  ^bb0(%a: f32, %o: f32):
    %s = arith.addf %o, %a : f32
    linalg.yield %s : f32
  } -> tensor<64x48xf32>
  %out = tensor.expand_shape %z [[0, 1], [2]] output_shape [1, 64, 48] : tensor<64x48xf32> into tensor<1x64x48xf32>
  return %out : tensor<1x64x48xf32>
}

func.func @returned(%x: tensor<64x32xf32>, %h: tensor<64x48xf32>) -> tensor<64x48xf32> {
  %zero = arith.constant 0.0 : f32
  %w0 = arith.constant dense<0.5> : tensor<32x48xf32>
  %w1 = arith.constant dense<0.25> : tensor<48x48xf32>
  %e = tensor.empty() : tensor<64x48xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<64x48xf32>) -> tensor<64x48xf32>
  %r = linalg.generic {indexing_maps = [#x, #w, #o], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w0 : tensor<64x32xf32>, tensor<32x48xf32>) outs(%f : tensor<64x48xf32>) attrs = {dsc.contraction = "MatMul"} {
  ^bb0(%a: f32, %c: f32, %o: f32):
    %m = arith.mulf %a, %c : f32
    %s = arith.addf %o, %m : f32
    linalg.yield %s : f32
  } -> tensor<64x48xf32>
  %e1 = tensor.empty() : tensor<64x48xf32>
  %f1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<64x48xf32>) -> tensor<64x48xf32>
  %y = linalg.generic {indexing_maps = [#x, #w, #o], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%h, %w1 : tensor<64x48xf32>, tensor<48x48xf32>) outs(%f1 : tensor<64x48xf32>) attrs = {dsc.contraction = "MatMul"} {
  ^bb0(%a: f32, %c: f32, %o: f32):
    %m = arith.mulf %a, %c : f32
    %s = arith.addf %o, %m : f32
    linalg.yield %s : f32
  } -> tensor<64x48xf32>
  %z = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%r : tensor<64x48xf32>) outs(%y : tensor<64x48xf32>) {
  ^bb0(%a: f32, %o: f32):
    %s = arith.addf %o, %a : f32
    linalg.yield %s : f32
  } -> tensor<64x48xf32>
  return %z : tensor<64x48xf32>
}
