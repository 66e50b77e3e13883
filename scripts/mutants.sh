#!/usr/bin/env bash
# Mutation testing: which code could change without any test noticing. Too slow for CI
# (hours on 2 cores); run it after changing the client, the validators or the mock.
#
#   scripts/mutants.sh [CRATE...]      (default: stablemint stablemint-validate stablemint-mock)
#
# Installs cargo-mutants (from the crates registry) if it is missing, then mutates each
# crate in turn and runs the workspace's tests against every mutant, except the ones that
# only compile other things: the two spec-evolution tests that build downstream crates,
# and the derive's tests (its trybuild cases); they take minutes each, and what they
# check does not run the mutated crates' code. Results go to target/mutants/<crate>/mutants.out; the summary
# line of each crate is printed at the end. BENCHMARKS.md records the last counts.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
version="27.1.0"
if ! cargo mutants --version 2>/dev/null | grep -q "$version"; then
  cargo install --locked "cargo-mutants@$version"
fi
crates=("$@")
if [ ${#crates[@]} -eq 0 ]; then
  crates=(stablemint stablemint-validate stablemint-mock)
fi
for crate in "${crates[@]}"; do
  echo "=== $crate"
  # Exit code 2 means "some mutants were missed": a result, not a failure of the script.
  cargo mutants --package "$crate" --test-workspace true --jobs 1 --timeout 300 \
    --output "target/mutants/$crate" \
    -- --exclude stablemint-validate-derive \
    -- --skip additive_spec_edits_break_no_downstream_build --skip a_new_operation_reaches_users \
    || [ $? -eq 2 ]
done
for crate in "${crates[@]}"; do
  printf '%s: ' "$crate"
  tail -n 1 "target/mutants/$crate/mutants.out/outcomes.json" >/dev/null 2>&1 || true
  grep -h -c . "target/mutants/$crate/mutants.out/caught.txt" 2>/dev/null | sed 's/$/ caught/' | tr '\n' ' '
  grep -h -c . "target/mutants/$crate/mutants.out/missed.txt" 2>/dev/null | sed 's/$/ missed/' | tr '\n' ' '
  grep -h -c . "target/mutants/$crate/mutants.out/unviable.txt" 2>/dev/null | sed 's/$/ unviable/' | tr '\n' ' '
  grep -h -c . "target/mutants/$crate/mutants.out/timeout.txt" 2>/dev/null | sed 's/$/ timeout/' | tr '\n' ' '
  echo
done
