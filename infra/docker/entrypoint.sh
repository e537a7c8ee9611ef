#!/bin/sh
# Runs `slab` in the image. The GPU flavour's CUDA/cuDNN libraries live in /opt/cuda (see the
# Dockerfile); their directories go on LD_LIBRARY_PATH so libtensorflow finds them.
set -e
cuda_libs=$(cat /opt/cuda/ld-library-path 2>/dev/null || true)
if [ -n "$cuda_libs" ]; then
  export LD_LIBRARY_PATH="$cuda_libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi
# node directly, not the npm bin wrapper: signals reach the process that handles them.
exec node --import tsx /app/apps/cli/src/main.ts "$@"
