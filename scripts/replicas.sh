#!/usr/bin/env bash
# The merchant example (examples/merchant) as several replicas on one PostgreSQL
# database, under faults: PostgreSQL from Debian's packages (scripts/postgres.sh, its
# data under target/replicas/postgres, on 127.0.0.1, stopped at the end), three
# `merchant-example` processes built without the sandbox (as for production) on that
# database and on one StableMint mock that loses answers, answers 503 and answers late,
# and 200 shoppers checking out at once, each try on a random replica. The driver is
# examples/merchant/examples/replicas.rs; it prints p50 and p99 checkout latency and
# fails unless every order got exactly one session. Not part of `cargo test`; CI runs it.
#
#   scripts/replicas.sh [SHOPPERS] [REPLICAS]     (defaults 200 and 3)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
shoppers="${1:-200}"
replicas="${2:-3}"

target_dir="${CARGO_TARGET_DIR:-$root/target}"
work="$target_dir/replicas"
rm -rf "$work"
mkdir -p "$work"

# The production binary (no in-process sandbox) and the driver. Built first, so that
# PostgreSQL runs only while it is needed.
cargo build --quiet -p merchant-example --no-default-features --bin merchant-example
cp "$target_dir/debug/merchant-example" "$work/merchant-example"
cargo build --quiet -p merchant-example --example replicas

cleanup() {
  # The driver, and the replicas it started, in the process group of their own.
  if [ -n "${group:-}" ]; then
    kill -TERM -- "-$group" 2>/dev/null || true
  fi
  scripts/postgres.sh stop "$work/postgres" || true
}
trap cleanup EXIT
trap 'exit 1' INT TERM
url="$(scripts/postgres.sh start "$work/postgres")"
echo "PostgreSQL: ${url%%\?*}"

# The run itself takes well under a minute; two minutes is its budget. It runs in a
# session of its own, so that the cleanup can end its replicas even if it is killed.
setsid timeout 120 "$target_dir/debug/examples/replicas" \
  --merchant "$work/merchant-example" \
  --database-url "$url" \
  --replicas "$replicas" \
  --shoppers "$shoppers" \
  --logs "$work/logs" &
group=$!
status=0
wait "$group" || status=$?
group=""
exit "$status"
