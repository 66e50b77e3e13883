#!/usr/bin/env bash
# Drives the merchant example's checkout page (examples/merchant) in headless Chromium
# through chromedriver, with the driver in examples/merchant-browser-test: the catalog
# and the server's total, a field error, a 503, a lost answer, a locked database,
# StableMint refusing (with hostile text), a request altered to carry an amount, an
# expiry at the end of time, an expired session, a double click and the
# Content-Security-Policy. Each error state is checked to show a message and a support
# reference and nothing for the operator. Screenshots of each state go to
# target/browser-test/ for review. Not part of `cargo test`; CI runs it.
#
# Installs Debian's chromium and chromium-driver with apt when they are missing.
# Everything it talks to runs on 127.0.0.1 and is started by the driver itself.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  echo "installing chromium and chromium-driver with apt" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium chromium-driver >/dev/null
fi

cargo build --quiet -p merchant-browser-test
target_dir="${CARGO_TARGET_DIR:-$root/target}"
# The cases take about 20 s; three minutes is their budget, build excluded.
timeout 180 "$target_dir/debug/merchant-browser-test" \
  --chromium "$(command -v chromium)" \
  --chromedriver "$(command -v chromedriver)" \
  --screenshots "$target_dir/browser-test"
