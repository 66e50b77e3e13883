#!/usr/bin/env bash
# Checks openapi/stablemint.yaml against the official OpenAPI 3.0 schema with the Python
# openapi-spec-validator (from PyPI, installed into ./.venv by scripts/python-env.sh).
# `cargo test` has a Rust-side check of its own (tests/tests/spec_valid.rs); this one is
# an independent validator that nobody here wrote. CI runs it.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$("$root/scripts/python-env.sh")"
output="$("$venv/bin/openapi-spec-validator" "$root/openapi/stablemint.yaml")"
echo "$output"
case "$output" in
  *": OK") ;;
  *) echo "openapi-spec-validator rejected the spec" >&2; exit 1 ;;
esac
