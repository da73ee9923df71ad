#!/usr/bin/env python3
"""Trains the digits demo CNN with numpy only and exports it to ONNX.

Data: scikit-learn's bundled 8x8 digits (load_digits, 1797 images, no
download), pixels scaled by 1/16 to [0, 1]. Split: 20 % held out, stratified,
random_state 0 (sklearn.model_selection.train_test_split).

Network (NCHW):
    image [N,1,8,8]
    Conv 1->8, 3x3, pad 1 (no bias) - BatchNormalization - Relu - MaxPool 2x2
    Conv 8->16, 3x3, pad 1 (no bias) - BatchNormalization - Relu - MaxPool 2x2
    Flatten [N,64] - Gemm 64->10 (transB) -> logits [N,10]

Forward and backward passes are written by hand (im2col convolution,
batch-statistics BatchNormalization, 2x2 max pooling, softmax cross-entropy),
optimized with Adam. After training, the BatchNormalization statistics are
recomputed exactly over the whole training set. The ONNX model (opset 13) has
a static batch dimension equal to the held-out split size.

Writes, next to this script: digits.onnx, test_images.npy (float32
[N,1,8,8]), test_labels.npy (int64 [N]), expected.json.

    .venv/bin/python models/digits/train.py
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

HERE = Path(__file__).resolve().parent
SPLIT_SEED = 0
TEST_SIZE = 0.2
TRAIN_SEED = 1234
EPOCHS = 40
BATCH = 32
LR = 3e-3
WEIGHT_DECAY = 1e-4
BN_EPS = 1e-5
OPSET = 13

# --------------------------------------------------------------------------
# layers (forward returns a cache for backward)
# --------------------------------------------------------------------------


def im2col3x3(x: np.ndarray) -> np.ndarray:
    """[N,C,H,W] -> [N,H,W,C*9] for a 3x3 kernel, stride 1, pad 1."""
    n, c, h, w = x.shape
    xp = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    cols = np.empty((n, h, w, c, 3, 3), dtype=x.dtype)
    for i in range(3):
        for j in range(3):
            cols[:, :, :, :, i, j] = xp[:, :, i:i + h, j:j + w].transpose(0, 2, 3, 1)
    return cols.reshape(n, h, w, c * 9)


def col2im3x3(dcols: np.ndarray, shape) -> np.ndarray:
    n, c, h, w = shape
    dcols = dcols.reshape(n, h, w, c, 3, 3)
    dxp = np.zeros((n, c, h + 2, w + 2), dtype=dcols.dtype)
    for i in range(3):
        for j in range(3):
            dxp[:, :, i:i + h, j:j + w] += dcols[:, :, :, :, i, j].transpose(0, 3, 1, 2)
    return dxp[:, :, 1:-1, 1:-1]


def conv_forward(x, w):
    cols = im2col3x3(x)                              # [N,H,W,C*9]
    out = cols @ w.reshape(w.shape[0], -1).T         # [N,H,W,M]
    return out.transpose(0, 3, 1, 2), (x.shape, cols)


def conv_backward(dout, w, cache):
    xshape, cols = cache
    d = dout.transpose(0, 2, 3, 1)                   # [N,H,W,M]
    dw = (d.reshape(-1, d.shape[-1]).T @ cols.reshape(-1, cols.shape[-1])).reshape(w.shape)
    dcols = d @ w.reshape(w.shape[0], -1)
    return col2im3x3(dcols, xshape), dw


def bn_forward_train(x, gamma, beta):
    mean = x.mean(axis=(0, 2, 3))
    var = x.var(axis=(0, 2, 3))
    inv = 1.0 / np.sqrt(var + BN_EPS)
    xhat = (x - mean[None, :, None, None]) * inv[None, :, None, None]
    out = gamma[None, :, None, None] * xhat + beta[None, :, None, None]
    return out, (xhat, inv)


def bn_forward_eval(x, gamma, beta, mean, var):
    inv = 1.0 / np.sqrt(var + BN_EPS)
    return gamma[None, :, None, None] * (x - mean[None, :, None, None]) * inv[None, :, None, None] \
        + beta[None, :, None, None]


def bn_backward(dout, gamma, cache):
    xhat, inv = cache
    m = dout.shape[0] * dout.shape[2] * dout.shape[3]
    dbeta = dout.sum(axis=(0, 2, 3))
    dgamma = (dout * xhat).sum(axis=(0, 2, 3))
    dxhat = dout * gamma[None, :, None, None]
    dx = (inv[None, :, None, None] / m) * (
        m * dxhat - dxhat.sum(axis=(0, 2, 3))[None, :, None, None]
        - xhat * (dxhat * xhat).sum(axis=(0, 2, 3))[None, :, None, None])
    return dx, dgamma, dbeta


def maxpool_forward(x):
    n, c, h, w = x.shape
    win = x.reshape(n, c, h // 2, 2, w // 2, 2).transpose(0, 1, 2, 4, 3, 5).reshape(
        n, c, h // 2, w // 2, 4)
    idx = win.argmax(axis=-1)
    out = np.take_along_axis(win, idx[..., None], axis=-1)[..., 0]
    return out, (x.shape, idx)


def maxpool_backward(dout, cache):
    (n, c, h, w), idx = cache
    dwin = np.zeros((n, c, h // 2, w // 2, 4), dtype=dout.dtype)
    np.put_along_axis(dwin, idx[..., None], dout[..., None], axis=-1)
    return dwin.reshape(n, c, h // 2, w // 2, 2, 2).transpose(0, 1, 2, 4, 3, 5).reshape(n, c, h, w)


# --------------------------------------------------------------------------
# the network
# --------------------------------------------------------------------------


def init_params(rng):
    def he(shape, fan_in):
        return (rng.standard_normal(shape) * np.sqrt(2.0 / fan_in)).astype(np.float32)

    return {
        "conv1_w": he((8, 1, 3, 3), 9),
        "bn1_gamma": np.ones(8, np.float32), "bn1_beta": np.zeros(8, np.float32),
        "conv2_w": he((16, 8, 3, 3), 72),
        "bn2_gamma": np.ones(16, np.float32), "bn2_beta": np.zeros(16, np.float32),
        "fc_w": he((10, 64), 64), "fc_b": np.zeros(10, np.float32),
    }


def forward_train(p, x):
    caches = {}
    h, caches["c1"] = conv_forward(x, p["conv1_w"])
    h, caches["b1"] = bn_forward_train(h, p["bn1_gamma"], p["bn1_beta"])
    caches["r1"] = h > 0
    h = h * caches["r1"]
    h, caches["p1"] = maxpool_forward(h)
    h, caches["c2"] = conv_forward(h, p["conv2_w"])
    h, caches["b2"] = bn_forward_train(h, p["bn2_gamma"], p["bn2_beta"])
    caches["r2"] = h > 0
    h = h * caches["r2"]
    h, caches["p2"] = maxpool_forward(h)
    flat = h.reshape(h.shape[0], -1)
    caches["flat"] = flat
    logits = flat @ p["fc_w"].T + p["fc_b"]
    return logits, caches


def backward(p, caches, dlogits):
    g = {}
    flat = caches["flat"]
    g["fc_w"] = dlogits.T @ flat
    g["fc_b"] = dlogits.sum(axis=0)
    dh = (dlogits @ p["fc_w"]).reshape(-1, 16, 2, 2)
    dh = maxpool_backward(dh, caches["p2"]) * caches["r2"]
    dh, g["bn2_gamma"], g["bn2_beta"] = bn_backward(dh, p["bn2_gamma"], caches["b2"])
    dh, g["conv2_w"] = conv_backward(dh, p["conv2_w"], caches["c2"])
    dh = maxpool_backward(dh, caches["p1"]) * caches["r1"]
    dh, g["bn1_gamma"], g["bn1_beta"] = bn_backward(dh, p["bn1_gamma"], caches["b1"])
    _, g["conv1_w"] = conv_backward(dh, p["conv1_w"], caches["c1"])
    return g


def population_stats(p, x):
    """Exact BatchNormalization statistics over `x` (the training set)."""
    h, _ = conv_forward(x, p["conv1_w"])
    m1, v1 = h.mean(axis=(0, 2, 3)), h.var(axis=(0, 2, 3))
    h = np.maximum(bn_forward_eval(h, p["bn1_gamma"], p["bn1_beta"], m1, v1), 0)
    h, _ = maxpool_forward(h)
    h, _ = conv_forward(h, p["conv2_w"])
    m2, v2 = h.mean(axis=(0, 2, 3)), h.var(axis=(0, 2, 3))
    return {"bn1_mean": m1, "bn1_var": v1, "bn2_mean": m2, "bn2_var": v2}


def forward_eval(p, s, x):
    h, _ = conv_forward(x, p["conv1_w"])
    h = np.maximum(bn_forward_eval(h, p["bn1_gamma"], p["bn1_beta"], s["bn1_mean"], s["bn1_var"]), 0)
    h, _ = maxpool_forward(h)
    h, _ = conv_forward(h, p["conv2_w"])
    h = np.maximum(bn_forward_eval(h, p["bn2_gamma"], p["bn2_beta"], s["bn2_mean"], s["bn2_var"]), 0)
    h, _ = maxpool_forward(h)
    return h.reshape(h.shape[0], -1) @ p["fc_w"].T + p["fc_b"]


def softmax_xent(logits, y):
    z = logits - logits.max(axis=1, keepdims=True)
    e = np.exp(z)
    prob = e / e.sum(axis=1, keepdims=True)
    n = logits.shape[0]
    loss = -np.log(prob[np.arange(n), y] + 1e-12).mean()
    d = prob
    d[np.arange(n), y] -= 1.0
    return loss, d / n


def train(x, y, rng, epochs=EPOCHS, log=print):
    p = init_params(rng)
    m = {k: np.zeros_like(v) for k, v in p.items()}
    v = {k: np.zeros_like(val) for k, val in p.items()}
    b1, b2, step = 0.9, 0.999, 0
    steps_per_epoch = int(np.ceil(len(x) / BATCH))
    total = epochs * steps_per_epoch
    for epoch in range(epochs):
        order = rng.permutation(len(x))
        losses = []
        for i in range(0, len(x), BATCH):
            idx = order[i:i + BATCH]
            if len(idx) < 2:
                continue
            logits, caches = forward_train(p, x[idx])
            loss, dlogits = softmax_xent(logits, y[idx])
            losses.append(loss)
            grads = backward(p, caches, dlogits)
            step += 1
            lr = LR * 0.5 * (1 + np.cos(np.pi * step / total))  # cosine decay
            for k in p:
                gk = grads[k].astype(np.float32)
                if k.endswith("_w"):
                    gk = gk + WEIGHT_DECAY * p[k]
                m[k] = b1 * m[k] + (1 - b1) * gk
                v[k] = b2 * v[k] + (1 - b2) * gk * gk
                mhat = m[k] / (1 - b1 ** step)
                vhat = v[k] / (1 - b2 ** step)
                p[k] = (p[k] - lr * mhat / (np.sqrt(vhat) + 1e-8)).astype(np.float32)
        if epoch % 5 == 4 or epoch == epochs - 1:
            log(f"epoch {epoch + 1:3d}  loss {np.mean(losses):.4f}")
    return p


# --------------------------------------------------------------------------
# export
# --------------------------------------------------------------------------


def export_onnx(p, s, batch: int) -> onnx.ModelProto:
    f32 = np.float32
    inits = [numpy_helper.from_array(np.asarray(a, f32), name) for name, a in [
        ("conv1.weight", p["conv1_w"]),
        ("bn1.scale", p["bn1_gamma"]), ("bn1.bias", p["bn1_beta"]),
        ("bn1.mean", s["bn1_mean"]), ("bn1.var", s["bn1_var"]),
        ("conv2.weight", p["conv2_w"]),
        ("bn2.scale", p["bn2_gamma"]), ("bn2.bias", p["bn2_beta"]),
        ("bn2.mean", s["bn2_mean"]), ("bn2.var", s["bn2_var"]),
        ("fc.weight", p["fc_w"]), ("fc.bias", p["fc_b"]),
    ]]
    conv = dict(kernel_shape=[3, 3], pads=[1, 1, 1, 1], strides=[1, 1])
    pool = dict(kernel_shape=[2, 2], strides=[2, 2])
    nodes = [
        helper.make_node("Conv", ["image", "conv1.weight"], ["conv1"], name="conv1", **conv),
        helper.make_node("BatchNormalization",
                         ["conv1", "bn1.scale", "bn1.bias", "bn1.mean", "bn1.var"], ["bn1"],
                         name="bn1", epsilon=BN_EPS),
        helper.make_node("Relu", ["bn1"], ["relu1"], name="relu1"),
        helper.make_node("MaxPool", ["relu1"], ["pool1"], name="pool1", **pool),
        helper.make_node("Conv", ["pool1", "conv2.weight"], ["conv2"], name="conv2", **conv),
        helper.make_node("BatchNormalization",
                         ["conv2", "bn2.scale", "bn2.bias", "bn2.mean", "bn2.var"], ["bn2"],
                         name="bn2", epsilon=BN_EPS),
        helper.make_node("Relu", ["bn2"], ["relu2"], name="relu2"),
        helper.make_node("MaxPool", ["relu2"], ["pool2"], name="pool2", **pool),
        helper.make_node("Flatten", ["pool2"], ["flatten"], name="flatten", axis=1),
        helper.make_node("Gemm", ["flatten", "fc.weight", "fc.bias"], ["logits"], name="fc",
                         transB=1),
    ]
    graph = helper.make_graph(
        nodes, "digits_cnn",
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, [batch, 1, 8, 8])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [batch, 10])],
        inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                              producer_name="dsc-digits-train", doc_string=(
                                  "8x8 digits CNN trained with numpy; input pixels / 16"))
    model.ir_version = 8
    onnx.checker.check_model(model, full_check=True)
    return model


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=str(HERE), help="output directory (default: next to this script)")
    ap.add_argument("--epochs", type=int, default=EPOCHS)
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    t0 = time.time()
    digits = load_digits()
    x = (digits.images.astype(np.float32) / 16.0)[:, None, :, :]
    y = digits.target.astype(np.int64)
    x_tr, x_te, y_tr, y_te = train_test_split(
        x, y, test_size=TEST_SIZE, stratify=y, random_state=SPLIT_SEED)
    print(f"train {len(x_tr)}, held out {len(x_te)}")

    rng = np.random.default_rng(TRAIN_SEED)
    p = train(x_tr, y_tr, rng, epochs=args.epochs)
    s = population_stats(p, x_tr)
    train_acc = float((forward_eval(p, s, x_tr).argmax(1) == y_tr).mean())
    np_logits = forward_eval(p, s, x_te)
    np_acc = float((np_logits.argmax(1) == y_te).mean())
    print(f"numpy: train accuracy {train_acc:.4f}, held-out accuracy {np_acc:.4f} "
          f"({time.time() - t0:.1f} s)")

    model = export_onnx(p, s, len(x_te))
    import onnxruntime as ort

    sess = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    ort_logits = sess.run(["logits"], {"image": x_te})[0]
    max_diff = float(np.abs(ort_logits - np_logits).max())
    if max_diff > 1e-3:
        raise SystemExit(f"ONNX export disagrees with the numpy forward pass: {max_diff}")
    pred = ort_logits.argmax(1)
    correct = int((pred == y_te).sum())
    acc = correct / len(y_te)
    print(f"onnxruntime: held-out accuracy {acc:.4f} ({correct}/{len(y_te)}), "
          f"max |onnx - numpy| {max_diff:.2e}")

    onnx.save(model, str(out / "digits.onnx"))
    np.save(out / "test_images.npy", np.ascontiguousarray(x_te, dtype=np.float32))
    np.save(out / "test_labels.npy", y_te.astype(np.int64))
    expected = {
        "model": "digits.onnx",
        "input": {"name": "image", "shape": [len(x_te), 1, 8, 8], "dtype": "float32",
                  "scaling": "pixel / 16 (sklearn digits pixels are 0..16)"},
        "output": {"name": "logits", "shape": [len(x_te), 10], "dtype": "float32"},
        "held_out_accuracy": round(acc, 6),
        "held_out_correct": correct,
        "num_held_out": len(y_te),
        "train_accuracy": round(train_acc, 6),
        "dataset": "sklearn.datasets.load_digits (1797 images, 8x8)",
        "split": {"function": "sklearn.model_selection.train_test_split",
                  "test_size": TEST_SIZE, "stratify": True, "random_state": SPLIT_SEED},
        "training": {"seed": TRAIN_SEED, "epochs": args.epochs, "batch_size": BATCH,
                     "optimizer": "Adam, cosine-decayed lr", "lr": LR,
                     "weight_decay": WEIGHT_DECAY},
        "opset": OPSET,
        "accuracy_measured_with": f"onnxruntime {ort.__version__}",
    }
    (out / "expected.json").write_text(json.dumps(expected, indent=2) + "\n")
    print(f"wrote {out}/digits.onnx, test_images.npy, test_labels.npy, expected.json")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
