#!/usr/bin/env bash
# Installs everything the builds and tests need on a fresh Debian machine. Idempotent: steps
# whose result is already present are skipped. Usage: scripts/setup.sh [rust|wasm|python|kotlin|all]
set -euo pipefail
cd "$(dirname "$0")/.."
what="${1:-all}"

log() { printf '\n==> %s\n' "$*"; }

need_apt() {
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  if [ ${#missing[@]} -gt 0 ]; then
    log "apt-get install ${missing[*]}"
    local sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
  fi
}

setup_rust() {
  command -v cargo >/dev/null || { echo "cargo not found: install Rust with rustup first" >&2; exit 1; }
  rustup component list --installed 2>/dev/null | grep -q '^rustfmt' || rustup component add rustfmt clippy
  rustup target list --installed | grep -qx wasm32-unknown-unknown || { log "rustup target add wasm32-unknown-unknown"; rustup target add wasm32-unknown-unknown; }
}

setup_wasm() {
  setup_rust
  need_apt binaryen
  # wasm-bindgen-cli must match the wasm-bindgen crate version exactly (from Cargo.lock).
  local want
  want=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/,""); print; exit}' Cargo.lock 2>/dev/null || true)
  if [ -n "$want" ]; then
    if ! wasm-bindgen --version 2>/dev/null | grep -q " $want\$"; then
      log "cargo install wasm-bindgen-cli --version $want (takes a few minutes)"
      cargo install wasm-bindgen-cli --version "$want"
    fi
  fi
}

setup_python() {
  setup_rust
  python3 -m pip --version >/dev/null
}

setup_kotlin() {
  setup_rust
  need_apt libjna-java
}

case "$what" in
  rust) setup_rust ;;
  wasm) setup_wasm ;;
  python) setup_python ;;
  kotlin) setup_kotlin ;;
  all) setup_rust; [ -d bindings-wasm ] && setup_wasm; [ -d bindings-python ] && setup_python; [ -d bindings-mobile ] && setup_kotlin; true ;;
  *) echo "usage: $0 [rust|wasm|python|kotlin|all]" >&2; exit 2 ;;
esac
