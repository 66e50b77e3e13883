#!/usr/bin/env bash
# Mock-server benchmark: throughput and p50/p99 latency of the StableMint mock and of
# Prism (npm @stoplight/prism-cli, a widely used OpenAPI mock server) serving the same
# spec, under the same fixed concurrent load on loopback, side by side in one run.
#
#   scripts/bench-mock.sh [CONCURRENCY] [SECONDS]      (defaults 16 and 10)
#
# Installs Prism into target/prism (npm registry), builds release binaries, starts both
# servers on 127.0.0.1, runs tests/examples/loadgen.rs against each, and stops them.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
concurrency="${1:-16}"
seconds="${2:-10}"
prism_version="5.16.0"

prism_dir="$root/target/prism"
prism="$prism_dir/node_modules/.bin/prism"
if [ ! -x "$prism" ] || ! "$prism" --version 2>/dev/null | grep -qx "$prism_version"; then
  echo "installing @stoplight/prism-cli@$prism_version into target/prism" >&2
  mkdir -p "$prism_dir"
  npm install --silent --no-audit --no-fund --prefix "$prism_dir" "@stoplight/prism-cli@$prism_version" >&2
fi

cargo build --quiet --release -p stablemint-cli
cargo build --quiet --release -p stablemint-tests --example loadgen

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT

wait_for() { # url
  for _ in $(seq 1 300); do
    if curl -s -o /dev/null "$1"; then return 0; fi
    sleep 0.1
  done
  echo "nothing answered at $1" >&2; return 1
}

mock_port="$(free_port)"
target/release/stablemint mock -q --port "$mock_port" \
  --api-key bench-key-0001 --api-secret bench-made-up-secret >/dev/null 2>&1 &
pids+=($!)
prism_port="$(free_port)"
"$prism" mock openapi/stablemint.yaml --host 127.0.0.1 --port "$prism_port" --errors false >/dev/null 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$mock_port/"
wait_for "http://127.0.0.1:$prism_port/"

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/{print $2}') GiB"
echo "load: $concurrency concurrent connections, ${seconds} s measured after 2 s warm-up, signed POST /session/embedded"
for target in "stablemint-mock http://127.0.0.1:$mock_port" "prism http://127.0.0.1:$prism_port"; do
  set -- $target
  target/release/examples/loadgen --name "$1" --url "$2" --concurrency "$concurrency" --seconds "$seconds"
done
