#!/usr/bin/env bash
# The main job end to end on this machine: install, Temporal dev server (built with `go install` the first time,
# then left running for the UI), migrate, demo staging rows, a worker, the sync, its summary, and where the UI is.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x node_modules/.bin/product-etl ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
exec node bin/product-etl.js demo "$@"
