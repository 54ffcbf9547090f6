#!/usr/bin/env bash
# A throwaway PostgreSQL for the ledger tests, on 127.0.0.1 only.
#
#   eval "$(tests/scripts/postgres.sh start)"   # installs when missing, starts, exports EXCHANGE_TEST_POSTGRES
#   tests/scripts/postgres.sh stop              # stops it and removes its data directory
#
# stdout carries only the `export EXCHANGE_TEST_POSTGRES=...` line; progress goes to stderr.
# The cluster lives in $EXCHANGE_PG_DIR (default: $TMPDIR/exchange-test-postgres), trusts local
# connections (it never listens beyond 127.0.0.1 and uses a private socket directory) and keeps
# PostgreSQL's durable defaults (fsync, synchronous_commit) so the tests see real flushes.
set -euo pipefail

mode="${1:-start}"
dir="${EXCHANGE_PG_DIR:-${TMPDIR:-/tmp}/exchange-test-postgres}"
data="$dir/data"
database="exchange_test"

log() { echo "postgres.sh: $*" >&2; }

find_bin() {
  local found
  found="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  if [[ -n "$found" && -x "$found/initdb" ]]; then
    echo "$found"
  fi
}

# initdb and postgres refuse to run as root: run them as the postgres user then.
as_owner() {
  if [[ "$(id -u)" == "0" ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

install_if_missing() {
  if [[ -n "$(find_bin)" ]]; then
    return
  fi
  if [[ "$(id -u)" != "0" ]]; then
    log "PostgreSQL server binaries are missing and installing them needs root (apt-get install postgresql)."
    exit 1
  fi
  log "installing PostgreSQL with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >&2
  # The Debian package starts a cluster of its own; the tests use a private one instead.
  if command -v pg_ctlcluster >/dev/null 2>&1; then
    for cluster in /etc/postgresql/*/main; do
      [[ -d "$cluster" ]] || continue
      version="$(basename "$(dirname "$cluster")")"
      pg_ctlcluster "$version" main stop >&2 2>/dev/null || true
    done
  fi
}

free_port() {
  local port
  for port in $(seq 54329 54429); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return
    fi
  done
  log "no free port between 54329 and 54429"
  exit 1
}

connection_string() {
  echo "Host=127.0.0.1;Port=$1;Username=postgres;Database=$database;Pooling=true;Maximum Pool Size=50"
}

start() {
  install_if_missing
  local bin port
  bin="$(find_bin)"
  if [[ -f "$dir/port" ]] && as_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    port="$(cat "$dir/port")"
    log "already running on 127.0.0.1:$port"
    echo "export EXCHANGE_TEST_POSTGRES='$(connection_string "$port")'"
    return
  fi

  rm -rf "$dir"
  mkdir -p "$dir"
  if [[ "$(id -u)" == "0" ]]; then
    chown postgres:postgres "$dir"
  fi
  as_owner "$bin/initdb" -D "$data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  port="$(free_port)"
  echo "$port" > "$dir/port.tmp" && mv "$dir/port.tmp" "$dir/port"
  as_owner "$bin/pg_ctl" -D "$data" -w -t 30 -l "$dir/server.log" \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $data -c max_connections=200" start >/dev/null
  as_owner "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres "$database"
  log "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') running on 127.0.0.1:$port (data in $data)"
  echo "export EXCHANGE_TEST_POSTGRES='$(connection_string "$port")'"
}

stop() {
  local bin
  bin="$(find_bin)"
  if [[ -n "$bin" && -d "$data" ]]; then
    as_owner "$bin/pg_ctl" -D "$data" -w -m fast stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
  log "stopped"
}

case "$mode" in
  start) start ;;
  stop) stop ;;
  *) log "usage: $0 start|stop"; exit 2 ;;
esac
