#!/usr/bin/env bash
# Runs schemathesis (from PyPI, installed into ./.venv) against openapi/stablemint.yaml
# with the StableMint mock as the target: it must find no server error and no response
# that breaks the spec.
#
#   scripts/schemathesis.sh [MAX_SECONDS]      (default 120)
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
cargo build --quiet -p stablemint-cli

export STABLEMINT_API_KEY="schemathesis-key-0001"
export STABLEMINT_API_SECRET="schemathesis-made-up-secret"
log="$(mktemp)"
target/debug/stablemint mock --port 0 \
  --api-key "$STABLEMINT_API_KEY" --api-secret "$STABLEMINT_API_SECRET" >"$log" 2>&1 &
mock_pid=$!
trap 'kill "$mock_pid" 2>/dev/null || true; wait "$mock_pid" 2>/dev/null || true; rm -f "$log"' EXIT

url=""
for _ in $(seq 1 100); do
  url="$(sed -n 's/^StableMint mock listening on //p' "$log")"
  [ -n "$url" ] && break
  kill -0 "$mock_pid" 2>/dev/null || { cat "$log" >&2; echo "the mock exited" >&2; exit 1; }
  sleep 0.1
done
[ -n "$url" ] || { echo "the mock did not start" >&2; exit 1; }
echo "mock at $url"

export PYTHONPATH="$root/scripts${PYTHONPATH:+:$PYTHONPATH}"
export SCHEMATHESIS_HOOKS=schemathesis_hooks
"$venv/bin/schemathesis" run openapi/stablemint.yaml \
  --url "$url" \
  --checks not_a_server_error,response_schema_conformance,content_type_conformance,response_headers_conformance,unsupported_method,allow_header_conformance,missing_required_header \
  --max-time "$max_seconds" \
  --request-timeout 5 \
  --workers 2 \
  --seed 20261126 \
  --no-color
