#!/usr/bin/env bash
# Runs every test of the Need-to-Know Exchange: buf lint, the build (warnings are errors), every test
# project (unit, system over real sockets and TLS, ledger on SQLite and PostgreSQL), and the policy
# bundle's own tests and analysis. Installs what the tests need when it is missing.
set -euo pipefail
cd "$(dirname "$0")"
root="$PWD"

log() { printf '\n== %s\n' "$*"; }

apt_install() {
  if [[ "$(id -u)" != 0 ]]; then
    echo "test.sh: missing $* and not root; install them with: sudo apt-get install -y $*" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "$@"
}

log "tools"
missing=()
command -v node >/dev/null || missing+=(nodejs npm)
# curl and jq: docs/integrating.md's commands, which a test runs as written.
command -v curl >/dev/null || missing+=(curl)
command -v jq >/dev/null || missing+=(jq)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
if ((${#missing[@]})); then apt_install "${missing[@]}"; fi
# buf (lint, and buf curl as a client nobody here wrote) and Node's gRPC client for the edge tests.
if [[ ! -x .tools/node_modules/.bin/buf || ! -d .tools/node_modules/@grpc/grpc-js || ! -d .tools/node_modules/@grpc/proto-loader ]]; then
  npm install --prefix .tools --no-audit --no-fund --loglevel=error \
    @bufbuild/buf@1.75.0 @grpc/grpc-js@1.14.7 @grpc/proto-loader@0.8.1
fi

log "buf lint"
.tools/node_modules/.bin/buf lint
echo "buf lint: clean"

log "build"
dotnet build Exchange.sln -nologo -clp:NoSummary -warnaserror

log "PostgreSQL on 127.0.0.1 for the ledger tests"
export EXCHANGE_PG_DIR="${TMPDIR:-/tmp}/exchange-test-postgres-$$"
pg_env="$(tests/scripts/postgres.sh start)" || { echo "test.sh: PostgreSQL did not start" >&2; exit 1; }
eval "$pg_env"
trap 'tests/scripts/postgres.sh stop >/dev/null 2>&1 || true' EXIT

log "tests"
mkdir -p "$root/TestResults"
results="$root/TestResults/run-$$"
status=0
dotnet test --solution Exchange.sln --no-build --results-directory "$results" 2>&1 | tee "$results.log" || status=$?

log "policy bundle"
dotnet run --no-build --project tools/Exchange.Cli -- policy test policies || status=1
dotnet run --no-build --project tools/Exchange.Cli -- policy check policies || status=1

# One closing line a person (and CI) can read: totals over every test project.
passed=$(grep -E '^\s+succeeded: [0-9]+' "$results.log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -E '^\s+failed: [0-9]+' "$results.log" | awk '{s+=$2} END {print s+0}')
skipped=$(grep -E '^\s+skipped: [0-9]+' "$results.log" | awk '{s+=$2} END {print s+0}')
echo
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
exit "$status"
