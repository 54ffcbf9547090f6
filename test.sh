#!/usr/bin/env bash
# Runs every test of the Need-to-Know Exchange: buf lint, the build (warnings are errors), every test
# project (unit, system over real sockets and TLS, ledger on SQLite and PostgreSQL, the console in
# Chromium), and the policy bundle's own tests and analysis. Installs what the tests need when it is missing.
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
# The console's browser tests drive Debian's Chromium; the console formats dates in Dutch and English (ICU).
[[ -x /usr/bin/chromium ]] || missing+=(chromium)
ls /usr/lib/*/libicuuc.so.* >/dev/null 2>&1 || missing+=(libicu72)
# kubectl renders the Kubernetes manifests' Kustomize overlays (Debian's package; no cluster is needed).
command -v kubectl >/dev/null || missing+=(kubernetes-client)
if ((${#missing[@]})); then apt_install "${missing[@]}"; fi
# buf (lint, and buf curl as a client nobody here wrote), Node's gRPC client for the edge tests, axe-core for the console,
# kubernetes-models (the Kubernetes API schemas) and yaml for the manifests' check.
if [[ ! -x .tools/node_modules/.bin/buf || ! -d .tools/node_modules/@grpc/grpc-js || ! -d .tools/node_modules/@grpc/proto-loader \
      || ! -f .tools/node_modules/axe-core/axe.min.js || ! -d .tools/node_modules/kubernetes-models || ! -d .tools/node_modules/yaml ]]; then
  npm install --prefix .tools --no-audit --no-fund --loglevel=error \
    @bufbuild/buf@1.75.0 @grpc/grpc-js@1.14.7 @grpc/proto-loader@0.8.1 axe-core@4.14.1 kubernetes-models@5.1.0 yaml@2.9.1
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
# The acceptance scenario's system test keeps its ledger here, for the replay below.
export EXCHANGE_SCENARIO_LEDGER="$results.scenario-ledger.db"
status=0
# The console's browser tests start an exchange and a browser of their own: they run after the other
# test projects rather than beside them, so the machine's two cores are not shared three ways.
filter="$results.slnf"
{
  printf '{"solution":{"path":"%s","projects":[' "$root/Exchange.sln"
  dotnet sln Exchange.sln list | grep -E '\.csproj$' | grep -v 'Exchange.Console.Tests' | sed 's/.*/"&"/' | paste -sd, -
  printf ']}}\n'
} > "$filter"
dotnet test --solution "$filter" --no-build --results-directory "$results" 2>&1 | tee "$results.log" || status=$?
dotnet test --project tests/Exchange.Console.Tests --no-build --results-directory "$results" 2>&1 | tee -a "$results.log" || status=$?

log "policy bundle"
dotnet run --no-build --project tools/Exchange.Cli -- policy test policies || status=1
dotnet run --no-build --project tools/Exchange.Cli -- policy check policies || status=1
# docs/legal-bases.md is generated from the bundle; it must say what the bundle says.
dotnet run --no-build --project tools/Exchange.Cli -- policy docs policies --output docs/legal-bases.md --check || status=1

log "policy replay over the scenario's ledger"
# A lawyer's proposal: give Veilig Thuis the injuries (HEALTH) in police reports too. Replayed over the story's
# recorded decisions, it must change exactly the pushed incident; the bundle as it is must change nothing.
if [[ -f "$EXCHANGE_SCENARIO_LEDGER" ]]; then
  candidate="$(mktemp -d)"
  cp -r policies/. "$candidate"
  sed -i '/- id: police-to-veilig-thuis/,/obligations:/ s/MEASURE, CRIMINAL\]/MEASURE, CRIMINAL, HEALTH]/' "$candidate/rules/police.yaml"
  replay() { dotnet run --no-build --project tools/Exchange.Cli -- policy replay --ledger "$EXCHANGE_SCENARIO_LEDGER" --bundle "$@"; }
  { replay "$candidate" \
      && replay policies --output json >"$results.replay-same.json" \
      && replay "$candidate" --output json >"$results.replay-candidate.json" \
      && node tests/scripts/replay-check.mjs "$results.replay-same.json" "$results.replay-candidate.json"; } || status=1
  rm -rf "$candidate"
else
  echo "test.sh: the scenario test left no ledger at $EXCHANGE_SCENARIO_LEDGER" >&2
  status=1
fi

log "Kubernetes manifests"
# Each rendering of deploy/kubernetes validates against the API schemas and describes the launcher's exchange: a
# Deployment per process of the topology (listed by the launcher itself), probes on the ports the services serve.
kubernetes_check() {
  local out="$results.kubernetes"
  mkdir -p "$out"
  dotnet run --no-build --project deploy/Exchange.Local -- --list-processes >"$out/processes.json" || return 1
  local overlay
  for overlay in base overlays/regional; do
    kubectl kustomize "deploy/kubernetes/$overlay" >"$out/${overlay//\//-}.yaml" || return 1
  done
  node tests/scripts/kubernetes-check.mjs "$out/processes.json" "$out/base.yaml" "$out/overlays-regional.yaml"
}
kubernetes_check || status=1

# One closing line a person (and CI) can read: totals over every test project.
passed=$(grep -E '^\s+succeeded: [0-9]+' "$results.log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -E '^\s+failed: [0-9]+' "$results.log" | awk '{s+=$2} END {print s+0}')
skipped=$(grep -E '^\s+skipped: [0-9]+' "$results.log" | awk '{s+=$2} END {print s+0}')
echo
# CI shows the end of this output: name the failed tests per class and each distinct error here, not only thousands of lines above.
if ((failed)); then
  node tests/scripts/failure-summary.mjs "$results.log" || grep -E '^failed [A-Za-z_]' "$results.log" || true
fi
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
exit "$status"
