#!/usr/bin/env bash
# Installs everything the builds and tests need on a fresh Debian machine. Idempotent: steps
# whose result is already present are skipped. Usage: scripts/setup.sh [rust|wasm|python|kotlin|swift|docs|all]
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

# Swift on Linux: Debian 13 ("trixie") ships Swift 6 as the package `swiftlang`. This machine may
# run an older Debian, so Swift goes into a Debian 13 root made by debootstrap under a cache
# folder (${P100_CACHE:-$HOME/.cache/p100}/swift-trixie, about 2.5 GB); scripts/swift.sh runs
# `swift` there with the repository visible at the same path. Only Debian's packages are used.
swift_root() { echo "${P100_CACHE:-$HOME/.cache/p100}/swift-trixie"; }

setup_swift() {
  setup_rust
  local root marker
  root="$(swift_root)"
  marker="$root/.p100-swiftlang-installed"
  # (usr/bin/swift is an absolute symlink into the root: test its target from outside.)
  [ -f "$marker" ] && [ -x "$root/usr/libexec/swift/bin/swift" ] && return 0
  [ "$(id -u)" = 0 ] || { echo "setup.sh swift: debootstrap and chroot need root" >&2; exit 1; }
  need_apt debootstrap
  # Never delete a root that still has something mounted inside (a bind mount of the repository).
  if grep -q " $root/" /proc/mounts; then
    echo "setup.sh swift: $root has mounts inside; unmount them first:" >&2
    grep " $root/" /proc/mounts >&2
    exit 1
  fi
  if [ ! -f "$root/.p100-debootstrap-done" ]; then
    log "debootstrap --variant=minbase trixie $root (Debian 13 root for Swift)"
    rm -rf "$root"
    mkdir -p "$(dirname "$root")"
    debootstrap --variant=minbase trixie "$root" "${P100_DEBIAN_MIRROR:-http://deb.debian.org/debian}" >/dev/null
    touch "$root/.p100-debootstrap-done"
  fi
  log "apt-get install swiftlang inside $root (about 450 MB to download)"
  # apt's maintainer scripts (and swift) want /proc: mounted in a private mount namespace, so it
  # is gone when the command ends, however it ends.
  unshare --mount --propagation private /bin/sh -c '
    mount -t proc proc "$1/proc" &&
    chroot "$1" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive \
      sh -c "apt-get update -qq && apt-get install -y -qq --no-install-recommends swiftlang libc6-dev ca-certificates >/dev/null" &&
    chroot "$1" /usr/bin/env -i PATH=/usr/bin:/bin swift --version' sh "$root"
  touch "$marker"
}

# The documentation site's browser check (scripts/docs.sh): Debian's headless-capable Chromium.
setup_docs() {
  need_apt chromium fonts-dejavu-core
}

case "$what" in
  rust) setup_rust ;;
  docs) setup_docs ;;
  wasm) setup_wasm ;;
  python) setup_python ;;
  kotlin) setup_kotlin ;;
  swift) setup_swift ;;
  all)
    setup_rust
    # The Swift root (debootstrap and a 450 MB download: network and disk, little CPU) is made in
    # the background while wasm-bindgen-cli compiles (CPU). The host's packages are installed
    # first, in one apt-get, so that the two never wait for each other's dpkg lock.
    host=()
    [ -d bindings-wasm ] && host+=(binaryen)
    [ -d bindings-mobile ] && host+=(libjna-java)
    if [ -d bindings-mobile ] && [ ! -f "$(swift_root)/.p100-swiftlang-installed" ] && [ "$(id -u)" = 0 ]; then
      host+=(debootstrap)
    fi
    [ ${#host[@]} -eq 0 ] || need_apt "${host[@]}"
    swift_pid=""
    if [ -d bindings-mobile ]; then
      swift_log="$(mktemp)"
      setup_swift >"$swift_log" 2>&1 &
      swift_pid=$!
    fi
    [ -d bindings-wasm ] && setup_wasm
    [ -d bindings-python ] && setup_python
    [ -d bindings-mobile ] && setup_kotlin
    if [ -n "$swift_pid" ]; then
      swift_ok=0
      wait "$swift_pid" || swift_ok=$?
      cat "$swift_log"
      rm -f "$swift_log"
      [ "$swift_ok" = 0 ] || { echo "setup.sh: the Swift root failed (output above)" >&2; exit 1; }
    fi
    ;;
  *) echo "usage: $0 [rust|wasm|python|kotlin|swift|docs|all]" >&2; exit 2 ;;
esac
