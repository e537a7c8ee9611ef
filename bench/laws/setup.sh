#!/usr/bin/env bash
# Creates bench/laws/.venv with numpy + scipy for the side-by-side reference (bench only).
set -euo pipefail
cd "$(dirname "$0")"
python3 -m venv .venv
.venv/bin/pip install --quiet --disable-pip-version-check numpy scipy
.venv/bin/python -c 'import numpy, scipy; print("numpy", numpy.__version__, "scipy", scipy.__version__)'
