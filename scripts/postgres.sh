#!/usr/bin/env bash
# A throwaway PostgreSQL server from Debian's packages, for scripts that need one (not
# for `cargo test`, which never does).
#
#   scripts/postgres.sh start DIR   initialise DIR (if new) and start a server on
#                                   127.0.0.1; prints its URL (postgres://shop@127.0.0.1:PORT/shop)
#   scripts/postgres.sh stop DIR    stop it (fast shutdown); nothing if it is not running
#
# DIR is a directory of its own (the scripts use one under target/). The server runs as
# the unprivileged user `nobody` (PostgreSQL refuses to run as root), listens on
# 127.0.0.1 only, keeps its socket in DIR, and trusts local connections: it holds test
# data and nothing else. Installs the `postgresql` package with apt when it is missing.
set -euo pipefail

usage() {
  echo "usage: scripts/postgres.sh start|stop DIR" >&2
  exit 2
}
[ $# -eq 2 ] || usage
action="$1"
dir="$(mkdir -p "$2" && cd "$2" && pwd)"
data="$dir/data"
user=nobody

# Debian installs the server's programs under /usr/lib/postgresql/<major>/bin.
bin_dir() {
  local found
  found="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  if [ -n "$found" ] && [ -x "$found/pg_ctl" ]; then
    echo "$found"
  fi
}

as_user() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u "$user" -- "$@"
  else
    "$@"
  fi
}

case "$action" in
  start)
    bin="$(bin_dir)"
    if [ -z "$bin" ]; then
      sudo=""
      if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
      echo "installing postgresql with apt" >&2
      $sudo apt-get update -qq
      DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql >/dev/null
      bin="$(bin_dir)"
    fi
    [ -n "$bin" ] || { echo "error: no PostgreSQL server programs under /usr/lib/postgresql" >&2; exit 1; }
    if [ "$(id -u)" -eq 0 ]; then
      chown "$user" "$dir"
      # Every directory above DIR must let the server's user through.
      if ! runuser -u "$user" -- test -x "$dir"; then
        echo "error: the user $user cannot reach $dir; give the directories above it o+x" >&2
        exit 1
      fi
    fi
    if [ ! -f "$data/PG_VERSION" ]; then
      as_user "$bin/initdb" -D "$data" -U shop -A trust --no-sync -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; exit 1; }
    fi
    # A free port from 55432 up.
    port=55432
    while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
      port=$((port + 1))
    done
    as_user "$bin/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c max_connections=100" start >/dev/null \
      || { cat "$dir/server.log" >&2; exit 1; }
    as_user "$bin/psql" -h 127.0.0.1 -p "$port" -U shop -d postgres -qAtc "CREATE DATABASE shop" >/dev/null 2>&1 || true
    echo "postgres://shop@127.0.0.1:$port/shop"
    ;;
  stop)
    bin="$(bin_dir)"
    if [ -n "$bin" ] && [ -f "$data/postmaster.pid" ]; then
      as_user "$bin/pg_ctl" -D "$data" -m fast -w -t 60 stop >/dev/null || true
    fi
    ;;
  *)
    usage
    ;;
esac
