#!/usr/bin/env bash
# The test command: set up (idempotent), then lint, typecheck and test every project through Nx.
# Ends with one line "N passed, N failed" (vitest tests + failed lint/typecheck tasks + the
# "[check] NAME: passed|failed" lines of whole-repository checks such as the clean-clone run).
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || { echo "0 passed, 1 failed"; exit 1; }
export NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false FORCE_COLOR=0 NO_COLOR=1
export TEMPORAL_CLI_PATH="${TEMPORAL_CLI_PATH:-$(bash infra/temporal/install.sh)}"
# SLAB_TEST_STORE=postgres runs the store-using tests on PostgreSQL: one throw-away server for the
# whole run (each test still gets its own database), stopped on exit. (Not SLAB_STORE: the `slab`
# processes tests start would take that as their own store.)
if [[ "${SLAB_TEST_STORE:-}" == postgres* && -z "${SLAB_TEST_POSTGRES:-}" ]]; then
  pg_dir=$(mktemp -d)
  trap 'bash scripts/postgres.sh stop "$pg_dir"; rm -rf "$pg_dir"' EXIT
  SLAB_TEST_POSTGRES=$(SLAB_POSTGRES_OPTS='-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300' bash scripts/postgres.sh start "$pg_dir") || { echo "0 passed, 1 failed"; exit 1; }
  export SLAB_TEST_POSTGRES
fi
log=$(mktemp)
# CI runs everything for real; locally Nx may replay unchanged projects from its cache.
cache_flag=()
[ -n "${CI:-}" ] && cache_flag=(--skip-nx-cache)
# Lint and typecheck in parallel; tests one project at a time (several start real servers).
npx nx run-many -t lint typecheck --parallel=2 --outputStyle=stream "${cache_flag[@]}" 2>&1 | tee "$log"
static_rc=${PIPESTATUS[0]}
npx nx run-many -t test --parallel=1 --outputStyle=stream "${cache_flag[@]}" 2>&1 | tee -a "$log"
test_rc=${PIPESTATUS[0]}
# The committed tree alone (cloned outside the workspace) sets up and runs the replay example.
bash scripts/check-clean-clone.sh 2>&1 | tee -a "$log"
node scripts/count-tests.mjs "$log" "$static_rc" "$test_rc"
