#!/usr/bin/env bash
# Creates (or refreshes) the repository's Python virtualenv at ./.venv with the tools
# listed in scripts/python-requirements.txt, and prints the venv's path.
# Idempotent: reinstalls only when the requirements file changes. The scripts that use
# Python call it (`cargo test` never does), so nothing is installed by hand.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$root/.venv"
requirements="$root/scripts/python-requirements.txt"
stamp="$venv/.requirements.sha256"
want="$(sha256sum "$requirements" | cut -d' ' -f1)"

# Several test processes may call this at once: one installs, the others wait.
mkdir -p "$venv"
exec 9>"$venv.lock"
flock 9

if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv" >&2
fi
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements" >&2
  echo "$want" > "$stamp"
fi
echo "$venv"
