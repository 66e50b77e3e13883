#!/usr/bin/env bash
# Downstream build weight: how long a crate that depends on `stablemint` takes to build
# cold (debug), against its floor: a crate with reqwest 0.13 (rustls, no provider) plus
# rustls on ring, tokio and serde_json alone, which any StableMint client needs anyway.
#
#   scripts/downstream-weight.sh [RUNS]        (default 3)
#
# Both crates use the workspace's Cargo.lock (the same versions). Dependencies are
# fetched first, so no download is timed. Each run builds both from an empty target
# directory, one after the other, alternating which goes first; the ratio of the two
# times is what to read, because absolute times depend on the machine and its load.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
runs="${1:-3}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/floor/src" "$work/consumer/src"
cat > "$work/floor/Cargo.toml" <<TOML
[package]
name = "floor"
version = "0.0.0"
edition = "2024"
[workspace]
[dependencies]
reqwest = { version = "0.13", default-features = false, features = ["json", "rustls-no-provider"] }
rustls = { version = "0.23", default-features = false, features = ["ring", "std"] }
serde_json = "1"
tokio = { version = "1", features = ["macros", "rt"] }
TOML
cat > "$work/floor/src/main.rs" <<'RS'
#[tokio::main(flavor = "current_thread")]
async fn main() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::new();
    let body = serde_json::json!({"userId": "u"});
    let _ = client.post("https://127.0.0.1:9/session/embedded").json(&body).send().await;
}
RS
cat > "$work/consumer/Cargo.toml" <<TOML
[package]
name = "consumer"
version = "0.0.0"
edition = "2024"
[workspace]
[dependencies]
stablemint = { path = "$root/crates/stablemint" }
tokio = { version = "1", features = ["macros", "rt"] }
TOML
cat > "$work/consumer/src/main.rs" <<'RS'
#[tokio::main(flavor = "current_thread")]
async fn main() {
    let client = stablemint::Client::builder(stablemint::Credentials::new("k", "s"))
        .base_url("https://127.0.0.1:9")
        .build()
        .unwrap();
    let request: stablemint::types::EmbeddedSessionRequest =
        serde_free(r#"{"userId":"u","userEmail":"a@b.co","userCountryCode":"DE","currency":"EUR"}"#);
    let _ = client.create_embedded_session(&request).await;
}

fn serde_free(json: &str) -> stablemint::types::EmbeddedSessionRequest {
    stablemint::request_from_json(json).unwrap()
}
RS
for crate in floor consumer; do
  cp "$root/Cargo.lock" "$work/$crate/Cargo.lock"
  cargo fetch --quiet --manifest-path "$work/$crate/Cargo.toml"
done

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/{print $2}') GiB; $(rustc --version)"
echo "syn versions in the consumer's tree: $(cargo tree --quiet --manifest-path "$work/consumer/Cargo.toml" -e normal,build --prefix none | grep -o '^syn v[0-9.]*' | sort -u | xargs)"
build() { # crate -> seconds
  rm -rf "$work/$1/target"
  local start end
  start=$(date +%s.%N)
  cargo build --quiet --offline --manifest-path "$work/$1/Cargo.toml"
  end=$(date +%s.%N)
  echo "$end - $start" | bc
}
for run in $(seq 1 "$runs"); do
  if [ $((run % 2)) -eq 1 ]; then
    floor=$(build floor); consumer=$(build consumer)
  else
    consumer=$(build consumer); floor=$(build floor)
  fi
  printf 'run %d: floor %.1f s, consumer %.1f s, ratio %.3f\n' "$run" "$floor" "$consumer" "$(echo "$consumer / $floor" | bc -l)"
done
