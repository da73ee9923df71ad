#!/usr/bin/env python3
"""The dsc demo: compile the digits CNN, run it on the held-out images, check
accuracy and logits against onnxruntime.

    .venv/bin/python scripts/demo.py --dsc build/bin/dsc   (what `make demo` runs)

Compiles models/digits/digits.onnx with `dsc compile` into build/demo/, runs
the generated runner with --repeat 50, prints the first 16 predictions beside
the labels, the held-out accuracy and the runner's latency line. Exits
non-zero when the accuracy differs from models/digits/expected.json by more
than one sample or the logits differ from onnxruntime (rtol 1e-4, atol 1e-4).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
MODEL_DIR = ROOT / "models" / "digits"


def fail(msg: str) -> int:
    print(f"demo: FAILED: {msg}", file=sys.stderr)
    return 1


def run(cmd: list[str]) -> subprocess.CompletedProcess:
    print("$ " + " ".join(str(c) for c in cmd), flush=True)
    return subprocess.run([str(c) for c in cmd], capture_output=True, text=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dsc", default=os.environ.get("DSC", str(ROOT / "build" / "bin" / "dsc")))
    ap.add_argument("--build-dir", default=str(ROOT / "build" / "demo"))
    ap.add_argument("--repeat", type=int, default=50)
    ap.add_argument("--threads", type=int, default=None, help="runner threads (default: its own)")
    args = ap.parse_args()

    dsc = Path(args.dsc)
    if not dsc.is_absolute():
        dsc = (Path.cwd() / dsc) if (Path.cwd() / dsc).exists() else ROOT / dsc
    if not dsc.is_file():
        return fail(f"dsc not found at {dsc} (build it first)")
    model = MODEL_DIR / "digits.onnx"
    images_path = MODEL_DIR / "test_images.npy"
    labels = np.load(MODEL_DIR / "test_labels.npy")
    expected = json.loads((MODEL_DIR / "expected.json").read_text())
    build = Path(args.build_dir)
    out_dir = build / "out"

    # Compile (a fresh out dir each time: dsc must not find stale artifacts).
    if build.exists():
        shutil.rmtree(build)
    build.parent.mkdir(parents=True, exist_ok=True)
    p = run([dsc, "compile", model, "-o", build])
    if p.returncode != 0:
        sys.stderr.write(p.stdout + p.stderr)
        return fail(f"dsc compile exited with {p.returncode}")
    runner = build / "digits"
    if not runner.is_file():
        return fail(f"dsc compile did not write the runner {runner}")
    artifacts = ", ".join(sorted(f.name for f in build.iterdir() if f.is_file()))
    print(f"compiled into {build}: {artifacts}")

    # Run.
    cmd = [runner, "--input", f"image={images_path}", "--output-dir", out_dir,
           "--repeat", str(args.repeat)]
    if args.threads is not None:
        cmd += ["--threads", str(args.threads)]
    p = run(cmd)
    if p.returncode != 0:
        sys.stderr.write(p.stdout + p.stderr)
        return fail(f"runner exited with {p.returncode}")
    latency = [line for line in (p.stdout + p.stderr).splitlines() if line.startswith("latency:")]
    logits_path = out_dir / "logits.npy"
    if not logits_path.is_file():
        return fail(f"runner did not write {logits_path}")
    logits = np.load(logits_path)

    n = len(labels)
    if logits.shape != (n, 10) or logits.dtype != np.float32:
        return fail(f"logits have shape {logits.shape} / {logits.dtype}, expected ({n}, 10) float32")
    pred = logits.argmax(axis=1)
    correct = int((pred == labels).sum())
    acc = correct / n

    print()
    print("first 16 held-out images:")
    print("  label      " + " ".join(f"{int(v):2d}" for v in labels[:16]))
    print("  prediction " + " ".join(f"{int(v):2d}" for v in pred[:16]))
    print("             " + " ".join(" ." if a == b else " x" for a, b in zip(pred[:16], labels[:16])))
    print()
    print(f"held-out accuracy: {acc:.4f} ({correct}/{n}); "
          f"expected {expected['held_out_accuracy']:.4f} ({expected['held_out_correct']}/{n})")
    if latency:
        print(f"batch of {n} images, {latency[0]}")
    else:
        print("(the runner printed no latency line)")

    status = 0
    if not latency or not re.match(
            r"latency: median [0-9.]+ ms, min [0-9.]+ ms, max [0-9.]+ ms over \d+ runs \(\d+ threads?\)",
            latency[0]):
        status = fail(f"no well-formed latency line in the runner's output:\n{p.stdout}{p.stderr}")
    if abs(correct - expected["held_out_correct"]) > 1:
        status = fail(f"accuracy {correct}/{n} differs from expected.json "
                      f"({expected['held_out_correct']}/{n}) by more than one sample")

    import onnxruntime as ort

    sess = ort.InferenceSession(str(model), providers=["CPUExecutionProvider"])
    ref = sess.run(["logits"], {"image": np.load(images_path)})[0]
    err = np.abs(logits.astype(np.float64) - ref)
    bad = err > 1e-4 + 1e-4 * np.abs(ref)
    print(f"max |dsc - onnxruntime| over the logits: {err.max():.3g}")
    if bad.any():
        i = np.unravel_index(int(np.argmax(np.where(bad, err, -1))), err.shape)
        status = fail(f"{int(bad.sum())} logits differ from onnxruntime beyond rtol 1e-4, atol 1e-4; "
                      f"worst at {tuple(int(v) for v in i)}: {logits[i]} vs {ref[i]}")
    if status == 0:
        print("demo: OK")
    return status


if __name__ == "__main__":
    sys.exit(main())
