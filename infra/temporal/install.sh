#!/usr/bin/env bash
# Installs (or finds) the pinned Temporal CLI and prints its path. Idempotent: an existing
# binary of the pinned version is reused; nothing is downloaded when one is found.
# Order: $TEMPORAL_CLI_PATH, `temporal` on PATH, the cache dir, else `go install` into the cache dir.
set -euo pipefail

VERSION="1.5.1"
CACHE_BIN="${XDG_CACHE_HOME:-$HOME/.cache}/slab/temporal-${VERSION}/bin"

# The CLI built by `go install` reports "0.0.0-DEV (Server 1.29.1 ...)" because module installs carry no
# ldflags; server 1.29.1 is what v1.5.1 pins, so either form identifies the pinned version.
is_pinned() {
  local out
  out="$("$1" --version 2>/dev/null)" || return 1
  [[ "$out" == *"version ${VERSION}"* || "$out" == *"Server 1.29.1"* ]]
}

if [[ -n "${TEMPORAL_CLI_PATH:-}" ]]; then
  if is_pinned "$TEMPORAL_CLI_PATH"; then echo "$TEMPORAL_CLI_PATH"; exit 0; fi
  echo "TEMPORAL_CLI_PATH=$TEMPORAL_CLI_PATH is not Temporal CLI ${VERSION}" >&2
  exit 1
fi

if on_path="$(command -v temporal 2>/dev/null)" && is_pinned "$on_path"; then
  echo "$on_path"; exit 0
fi

if [[ -x "$CACHE_BIN/temporal" ]] && is_pinned "$CACHE_BIN/temporal"; then
  echo "$CACHE_BIN/temporal"; exit 0
fi

command -v go >/dev/null 2>&1 || { echo "go is required to build Temporal CLI ${VERSION}" >&2; exit 1; }
mkdir -p "$CACHE_BIN"
echo "building Temporal CLI v${VERSION} into $CACHE_BIN ..." >&2
GOBIN="$CACHE_BIN" go install "github.com/temporalio/cli/cmd/temporal@v${VERSION}" >&2
is_pinned "$CACHE_BIN/temporal" || { echo "built binary does not report version ${VERSION}" >&2; exit 1; }
echo "$CACHE_BIN/temporal"
