#!/usr/bin/env bash
# Runs schemathesis (from PyPI, installed into ./.venv) against the StableMint mock: it
# must find no server error and no response that breaks the spec.
#
#   scripts/schemathesis.sh [MAX_SECONDS]      (default 120, for each of the two runs)
#
# Two runs:
#   1. openapi/stablemint.yaml against `stablemint mock`;
#   2. the same spec with the operations of tests/fixtures/every-shape.yaml (one of every
#      shape the generator binds), generated anew in target/every-shape, against the mock
#      built from that copy (tests/downstream/every_shape, `serve`).
#
# Checks: not_a_server_error, response_schema_conformance, content_type_conformance,
# response_headers_conformance, unsupported_method, allow_header_conformance,
# missing_required_header. Not status_code_conformance: StableMint's documentation
# describes only the 200 response, so the spec lists no error statuses (see README),
# and every 4xx the mock answers would count as "undocumented".
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
max_seconds="${1:-120}"

venv="$(scripts/python-env.sh)"
export STABLEMINT_API_KEY="schemathesis-key-0001"
export STABLEMINT_API_SECRET="schemathesis-made-up-secret"
export PYTHONPATH="$root/scripts${PYTHONPATH:+:$PYTHONPATH}"
export SCHEMATHESIS_HOOKS=schemathesis_hooks

pids=()
logs=()
cleanup() {
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -f "${logs[@]}"
}
trap cleanup EXIT

# Starts a mock with "$@" and prints its URL once it says where it listens.
start_mock() {
  local log
  log="$(mktemp)"
  logs+=("$log")
  "$@" >"$log" 2>&1 &
  local pid=$!
  pids+=("$pid")
  local url=""
  for _ in $(seq 1 100); do
    url="$(sed -n 's/^StableMint mock listening on //p' "$log")"
    [ -n "$url" ] && break
    kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; echo "the mock exited" >&2; exit 1; }
    sleep 0.1
  done
  [ -n "$url" ] || { cat "$log" >&2; echo "the mock did not start" >&2; exit 1; }
  echo "$url"
}

# Runs schemathesis on the spec "$1" against the mock at "$2".
fuzz() {
  echo "schemathesis: $1 against $2"
  "$venv/bin/schemathesis" run "$1" \
    --url "$2" \
    --checks not_a_server_error,response_schema_conformance,content_type_conformance,response_headers_conformance,unsupported_method,allow_header_conformance,missing_required_header \
    --max-time "$max_seconds" \
    --request-timeout 5 \
    --workers 2 \
    --seed 20261126 \
    --no-color
}

cargo build --quiet -p stablemint-cli
url="$(start_mock target/debug/stablemint mock --port 0 \
  --api-key "$STABLEMINT_API_KEY" --api-secret "$STABLEMINT_API_SECRET")"
fuzz openapi/stablemint.yaml "$url"

# The downstream crate's mock uses its own made-up credentials.
export STABLEMINT_API_KEY="every-shape-key-0001"
export STABLEMINT_API_SECRET="every-shape-made-up-secret"
mapfile -t prepared < <(cargo run --quiet -p stablemint-tests --example every_shape_copy -- target/every-shape)
spec="${prepared[0]}"
manifest="${prepared[1]}"
CARGO_TARGET_DIR="$root/target/downstream" cargo build --quiet --manifest-path "$manifest"
url="$(start_mock "$root/target/downstream/debug/downstream-every-shape" serve)"
fuzz "$spec" "$url"
