#!/usr/bin/env bash
# Installs what building and testing dsc needs; idempotent and quick when all
# is present. Debian packages (LLVM/MLIR 22, clang-22, lld-22, protobuf, ONNX,
# oneDNN, ninja, the aarch64 cross toolchain, qemu-user) and a .venv with the
# Python packages used by tests, benchmarks and the demo model.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  llvm-22-dev libmlir-22-dev mlir-22-tools llvm-22-tools clang-22 lld-22
  libprotobuf-dev protobuf-compiler libonnx-dev libdnnl-dev
  ninja-build cmake make
  qemu-user gcc-aarch64-linux-gnu libc6-dev-arm64-cross
)
PY_PACKAGES=(onnx onnxruntime numpy scikit-learn)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "bootstrap: installing Debian packages: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq || true
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The .venv: re-created only when missing or when a package is not importable.
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "bootstrap: creating .venv"
  "$PY" -m venv .venv
fi
if ! .venv/bin/python -c "import onnx, onnxruntime, numpy, sklearn" 2>/dev/null; then
  echo "bootstrap: installing Python packages into .venv: ${PY_PACKAGES[*]}"
  .venv/bin/pip install -q --disable-pip-version-check "${PY_PACKAGES[@]}"
fi
