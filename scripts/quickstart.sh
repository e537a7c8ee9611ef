#!/usr/bin/env bash
# Fresh machine to fitted law: set up everything, then run examples/quickstart.yaml end to end on the
# embedded default (Temporal dev server + SQLite), printing the fitted law and the console URL.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec npx tsx apps/cli/src/main.ts run "${1:-examples/quickstart.yaml}" "${@:2}"
