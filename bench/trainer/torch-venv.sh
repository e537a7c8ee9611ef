#!/usr/bin/env bash
# PyTorch for the trainer bench only: a venv in bench/trainer/.venv (ignored) with torch from PyPI.
# PyPI's Linux wheel is the CUDA build (its nvidia-* dependencies come along, ~3 GB); the bench runs
# it on the CPU with one thread. Idempotent; prints the venv's python.
set -euo pipefail
cd "$(dirname "$0")"
TORCH_VERSION="${SLAB_BENCH_TORCH_VERSION:-2.5.1}"
if ! .venv/bin/python -c "import torch; assert torch.__version__.startswith('$TORCH_VERSION')" >/dev/null 2>&1; then
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check "torch==$TORCH_VERSION" numpy >&2
fi
echo "$PWD/.venv/bin/python"
