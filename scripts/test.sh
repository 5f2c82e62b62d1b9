#!/usr/bin/env bash
# The test command (README, CI): sets up everything on a fresh machine, runs every check and test against the real
# Temporal dev server and the real MariaDB, and stops what it started, whether the tests pass or not.
#
#   Dependencies    npm ci
#   Temporal CLI    $TEMPORAL_CLI, `temporal` on PATH, the cache, or `go install` (first time: a few minutes)
#   Temporal        a dev server of the tests' own on 127.0.0.1:$PRODUCT_ETL_TEST_TEMPORAL_PORT (default 17233),
#                   state in .tmp/test-temporal, so it never touches a dev server you run on 7233
#   MariaDB/MySQL   TEST_DATABASE_URL's server (default mysql://root@127.0.0.1:3306); started here if it is the
#                   local default and not running; every test makes its own database and drops it
set -euo pipefail
cd "$(dirname "$0")/.."

port="${PRODUCT_ETL_TEST_TEMPORAL_PORT:-17233}"
data_dir=".tmp/test-temporal"
started_mariadb=""

step() { printf '\n== %s\n' "$*"; }

cleanup() {
  local status=$?
  step "tear down"
  node bin/product-etl.js dev-server stop --port "$port" --data-dir "$data_dir" || true
  if [ -n "$started_mariadb" ]; then
    echo "stopping the MariaDB this script started (pid $started_mariadb)"
    kill "$started_mariadb" 2>/dev/null || true
  fi
  exit "$status"
}
trap cleanup EXIT

step "npm ci"
npm ci --no-audit --no-fund

step "MariaDB"
if [ -z "${TEST_DATABASE_URL:-}" ] && ! (exec 3<>/dev/tcp/127.0.0.1/3306) 2>/dev/null; then
  if [ -x /usr/sbin/mariadbd ]; then
    echo "nothing listens on 127.0.0.1:3306; starting the local MariaDB"
    /usr/sbin/mariadbd --user=mysql >/tmp/product-etl-test-mariadb.log 2>&1 &
    started_mariadb=$!
    for _ in $(seq 1 60); do (exec 3<>/dev/tcp/127.0.0.1/3306) 2>/dev/null && break; sleep 0.5; done
  else
    echo "error: no MySQL/MariaDB at 127.0.0.1:3306 and no local mariadbd to start; set TEST_DATABASE_URL" >&2
    exit 2
  fi
fi
echo "MySQL/MariaDB answers at ${TEST_DATABASE_URL:-mysql://root@127.0.0.1:3306}"

step "Prometheus and promtool (Debian's prometheus package)"
# test/integration/prometheus.test.ts runs a real Prometheus and alertRules.test.ts runs promtool on deploy/prometheus.
if command -v prometheus >/dev/null && command -v promtool >/dev/null; then
  echo "found $(promtool --version 2>&1 | head -1)"
elif { [ "$(id -u)" = 0 ] && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq prometheus >/dev/null; } \
  || { command -v sudo >/dev/null && sudo -n apt-get update -qq && sudo -n env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq prometheus >/dev/null; }; then
  # The package also starts a Prometheus service on :9090 where there is an init system; the tests run their own.
  echo "installed $(promtool --version 2>&1 | head -1)"
else
  printf '\n%s\n%s\n%s\n\n' \
    '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!' \
    '!!! prometheus/promtool missing and apt-get install prometheus failed: the Prometheus tests and  !!!' \
    '!!! the promtool checks of deploy/prometheus will be SKIPPED. Install the prometheus package.    !!!' >&2
fi
if command -v promtool >/dev/null; then
  promtool check rules deploy/prometheus/alert-rules.yml deploy/prometheus/recording-rules.yml
  promtool test rules deploy/prometheus/alert-rules.test.yml
fi

step "Temporal dev server (port $port, UI $((port + 1000)))"
rm -rf "$data_dir"
node bin/product-etl.js dev-server start --port "$port" --ui-port "$((port + 1000))" --data-dir "$data_dir"
export TEMPORAL_ADDRESS="127.0.0.1:$port" TEMPORAL_NAMESPACE=default

step "type check and lint"
npx tsc --noEmit -p tsconfig.json
npx eslint .

step "tests"
mkdir -p .tmp
set +e
npx jest --runInBand --json --outputFile=.tmp/jest-results.json "$@"
jest_status=$?
set -e
node -e '
  const r = require("./.tmp/jest-results.json");
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed` + (r.numPendingTests ? `, ${r.numPendingTests} skipped` : ""));
' || true
exit "$jest_status"
