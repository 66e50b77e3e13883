#!/usr/bin/env bash
# The spec-change classifier checked against the compiler: COUNT seeded random edits of
# the spec (properties added, removed, retyped, made required or optional; enums;
# constraints; parameters; operations; x-stablemint), each classified by
# `stablemint_diff::classify`, generated in a reused copy of the repository
# (target/classifier-fuzz), and type-checked with tests/downstream/every_item, a crate
# that uses every public item of the base API (in target/downstream).
#
#   scripts/classifier-fuzz.sh [COUNT] [SEED]      (default 5 edits, seed 1)
#
# Prints each edit, its changes and whether every_item still compiles, then a Markdown
# table of the counts per rule id. Exits with 1 when an edit whose every change is
# non-breaking does not compile, or when the generator accepts an edit and generates
# code that does not compile, and with 2 when every_item does not compile against
# the base (it is out of date: `--print-api` lists what it must use). The same seed
# makes the same edits. The first run builds every_item's dependencies (about a
# minute); each edit then takes a few seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
count="${1:-5}"
seed="${2:-1}"
cargo run --quiet -p stablemint-tests --example classifier_fuzz -- "$count" "$seed"
