#!/usr/bin/env bash
# Runs Swift on Linux with Debian 13's toolchain (package `swiftlang`, Swift 6), from the Debian 13
# root that `scripts/setup.sh swift` makes (and makes on first use here):
#
#   scripts/swift.sh build --package-path bindings-mobile/swift      # = swift build …
#   scripts/swift.sh --cmd swift-format lint -r bindings-mobile/swift/Tests   # any command
#
# The command runs in the current directory, which must be inside this repository: the
# repository is bind-mounted into the root at the same path, with /proc and /dev. The mounts live
# in a private mount namespace (unshare), so they vanish when the command ends, however it ends,
# and several runs can overlap. Variables named P100_* and SWIFT_* are passed through; nothing
# else of the caller's environment is. The folder P100_RUST_LIB_DIR is mounted too, when it
# lies outside the repository. On a machine with its own `swift` (macOS, or Linux with
# Swift installed) set P100_SWIFT_NATIVE=1 to run that one instead.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"

cmd=(swift "$@")
if [ "${1:-}" = "--cmd" ]; then
  shift
  [ $# -gt 0 ] || { echo "usage: $0 [--cmd COMMAND] ARGS…" >&2; exit 2; }
  cmd=("$@")
fi

if [ "${P100_SWIFT_NATIVE:-0}" = 1 ]; then
  exec "${cmd[@]}"
fi

root="${P100_CACHE:-$HOME/.cache/p100}/swift-trixie"
[ -f "$root/.p100-swiftlang-installed" ] || "$repo/scripts/setup.sh" swift >&2
[ "$(id -u)" = 0 ] || { echo "scripts/swift.sh: chroot and mounts need root" >&2; exit 1; }

cwd="$(pwd -P)"
repo_real="$(cd "$repo" && pwd -P)"
case "$cwd/" in
  "$repo_real"/*) ;;
  *) echo "scripts/swift.sh: run it from inside the repository ($repo_real), not $cwd" >&2; exit 2 ;;
esac

# The Rust library folder (P100_RUST_LIB_DIR, e.g. under a CARGO_TARGET_DIR) is mounted too when
# it lies outside the repository.
extra=""
if [ -n "${P100_RUST_LIB_DIR:-}" ] && [ -d "$P100_RUST_LIB_DIR" ]; then
  extra="$(cd "$P100_RUST_LIB_DIR" && pwd -P)"
  case "$extra/" in "$repo_real"/*) extra="" ;; esac
fi

envs=(HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/usr/libexec/swift/bin LANG=C.UTF-8
      TERM="${TERM:-dumb}")
while IFS= read -r name; do
  case "$name" in P100_*|SWIFT_*) envs+=("$name=${!name}") ;; esac
done < <(compgen -e)

exec unshare --mount --propagation private /bin/bash -c '
  set -euo pipefail
  root=$1 repo=$2 cwd=$3 extra=$4 nenv=$5
  shift 5
  envs=("${@:1:$nenv}")
  shift "$nenv"
  mount -t proc proc "$root/proc"
  mount --rbind /dev "$root/dev"
  mkdir -p "$root$repo"
  mount --bind "$repo" "$root$repo"
  if [ -n "$extra" ]; then
    mkdir -p "$root$extra"
    mount --bind "$extra" "$root$extra"
  fi
  exec chroot "$root" /usr/bin/env -i "${envs[@]}" /bin/sh -c '\''cd "$0" && exec "$@"'\'' "$cwd" "$@"
' bash "$root" "$repo_real" "$cwd" "$extra" "${#envs[@]}" "${envs[@]}" "${cmd[@]}"
