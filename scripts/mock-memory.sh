#!/usr/bin/env bash
# Mock memory: the resident memory (VmRSS) of `stablemint mock` with its default cap of
# 100,000 idempotency keys, after 100,000 and after 1,000,000 signed requests, each
# with its own idempotency key, sent on loopback.
#
#   scripts/mock-memory.sh [CONCURRENCY] [KEY_LENGTH]      (defaults 16 and 36)
#
# KEY_LENGTH is each idempotency key's length, at most 255 (the longest the mock takes).
#
# Builds release binaries, starts target/release/stablemint mock -q on a free port of
# 127.0.0.1, runs tests/examples/loadgen.rs --keys against it (keys 0 to
# 99,999, then 100,000 to 999,999), reads VmRSS and VmHWM from /proc/<pid>/status after
# each phase, and stops the mock.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
concurrency="${1:-16}"
key_length="${2:-36}"

cargo build --quiet --release -p stablemint-cli
cargo build --quiet --release -p stablemint-tests --example loadgen

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
target/release/stablemint mock -q --port "$port" \
  --api-key bench-key-0001 --api-secret bench-made-up-secret >/dev/null &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 300); do
  if curl -s -o /dev/null "http://127.0.0.1:$port/"; then break; fi
  sleep 0.1
done

rss() { # label
  awk -v label="$1" '/^VmRSS:/{rss=$2} /^VmHWM:/{hwm=$2}
    END{printf "%-34s VmRSS %7.1f MiB   VmHWM %7.1f MiB\n", label, rss/1024, hwm/1024}' "/proc/$pid/status"
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -sr)"
echo "mock: target/release/stablemint mock -q (default idempotency TTL 24 h, cap 100,000 keys)"
echo "load: $concurrency concurrent connections, signed POST /session/embedded (userCountryCode DE), one new key of $key_length characters per request"
rss "started, no request yet"
target/release/examples/loadgen --url "http://127.0.0.1:$port" --keys 0 --count 100000 --concurrency "$concurrency" --key-length "$key_length"
rss "after 100,000 keyed requests"
target/release/examples/loadgen --url "http://127.0.0.1:$port" --keys 100000 --count 900000 --concurrency "$concurrency" --key-length "$key_length"
rss "after 1,000,000 keyed requests"
