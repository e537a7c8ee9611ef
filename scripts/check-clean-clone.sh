#!/usr/bin/env bash
# Clean-clone check: the committed tree must stand alone. Clones HEAD into an empty temp directory
# outside the workspace (no ../shared or other sibling checkout above it), runs the set-up there and
# the README's replay example end to end (`slab run examples/replay-chinchilla.yaml`).
#
# To stay cheap it reuses what is safe to reuse: node_modules is hard-linked from this checkout
# (its workspace links are relative, so they point into the clone) and the Temporal CLI comes from
# ~/.cache/slab. Ends with one line "[check] clean-clone: passed|failed" (counted by count-tests.mjs).
# Usage: bash scripts/check-clean-clone.sh [--keep]   (--keep leaves the temp directory for a look)
set -uo pipefail
src="$(cd "$(dirname "$0")/.." && pwd)"
keep="${1:-}"
log() { printf '\033[1m[clean-clone]\033[0m %s\n' "$*" >&2; }
# No folder named `shared` may stand beside the clone or above it (the repository must not find one).
clean_base() {
  local dir
  dir="$(cd "$1" 2>/dev/null && pwd)" || return 1
  case "$dir/" in "$src/"*) return 1 ;; esac
  while :; do
    [ -e "$dir/shared" ] && return 1
    [ "$dir" = / ] && return 0
    dir="$(dirname "$dir")"
  done
}
base=""
for cand in "${TMPDIR:-/tmp}" /tmp /var/tmp "$HOME/.cache/slab"; do
  mkdir -p "$cand" 2>/dev/null && clean_base "$cand" && { base="$cand"; break; }
done
[ -n "$base" ] || { log "no temp directory without a 'shared' folder above it"; echo "[check] clean-clone: failed"; exit 1; }
tmp="$(mktemp -d "$base/slab-clean-clone.XXXXXX")"
clone="$tmp/scaling-lab"
finish() {
  local rc=$1
  [ "$keep" = "--keep" ] && log "left in $tmp" || rm -rf "$tmp"
  echo "[check] clean-clone: $([ "$rc" = 0 ] && echo passed || echo failed)"
  exit "$rc"
}

log "cloning $(git -C "$src" rev-parse --short HEAD) into $clone"
git clone -q --no-local "$src" "$clone" || finish 1

if [ -d "$src/node_modules/@slab/spec" ]; then
  # Hard links: no copy of 800 MB. npm would rewrite files in place only if it reinstalled, and the
  # set-up skips that when the lock file matches; `.package-lock.json` is copied, not linked, so
  # marking it fresh does not touch this checkout.
  cp -al "$src/node_modules" "$clone/node_modules" || finish 1
  if cmp -s "$src/package-lock.json" "$clone/package-lock.json"; then
    cp --remove-destination "$src/node_modules/.package-lock.json" "$clone/node_modules/.package-lock.json"
    touch "$clone/node_modules/.package-lock.json"
  else
    log "the committed package-lock.json differs from this checkout's: the set-up will run npm install"
    rm -rf "$clone/node_modules"
  fi
fi

# The Python trainer example's venv (NumPy) is reused the same way when this checkout has one.
[ -d "$src/.venv" ] && cp -al "$src/.venv" "$clone/.venv"

cd "$clone" || finish 1
export SLAB_STATE_DIR="$tmp/state" SLAB_SKIP_BROWSER="${SLAB_SKIP_BROWSER:-}"
log "set-up"
bash scripts/setup.sh >"$tmp/setup.log" 2>&1 || { tail -20 "$tmp/setup.log" >&2; finish 1; }

port="$(node -e "const s=require('net').createServer().listen(0,()=>{console.log(s.address().port);s.close()})")"
log "slab run examples/replay-chinchilla.yaml (gateway port $port)"
out="$tmp/run.log"
timeout 300 npx slab run examples/replay-chinchilla.yaml --port "$port" >"$out" 2>&1
rc=$?
cat "$out" >&2
if [ "$rc" != 0 ]; then log "slab run exited $rc"; finish 1; fi
grep -q '^prediction ' "$out" || { log "no prediction printed"; finish 1; }
finish 0
