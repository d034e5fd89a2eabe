#!/usr/bin/env bash
# Builds the `p100` wheel for Linux with maturin + zig (the `ziglang` package from PyPI), so one
# build machine makes wheels for old and other Linuxes: glibc >= 2.17 (manylinux2014) on x86_64
# and aarch64, musl >= 1.2 (musllinux_1_2) on x86_64. The same script runs in CI
# (bindings-python/test.sh) and in the release workflow (.github/workflows/release.yml).
#
#   scripts/build-wheel.sh [TARGET] [OUT_DIR]
#     TARGET   x86_64-unknown-linux-gnu (default) | aarch64-unknown-linux-gnu  -> manylinux2014
#              x86_64-unknown-linux-musl | aarch64-unknown-linux-musl          -> musllinux_1_2
#     OUT_DIR  where the wheel goes (default: $CARGO_TARGET_DIR/wheels, else ../target/wheels);
#              wheels of other versions or targets already there are left alone.
#
# Needs cargo/rustup, and maturin + ziglang (scripts/wheel-tools.txt) in the Python environment
# of $PYTHON (default: the python3 on PATH). Prints the path of the wheel as its last line.
set -euo pipefail
HERE="$(cd "$(dirname "$0")/.." && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"

target="${1:-x86_64-unknown-linux-gnu}"
out="${2:-${CARGO_TARGET_DIR:-$ROOT/target}/wheels}"
case "$target" in
  x86_64-unknown-linux-gnu | aarch64-unknown-linux-gnu) compat=manylinux2014 ;;
  x86_64-unknown-linux-musl | aarch64-unknown-linux-musl) compat=musllinux_1_2 ;;
  *) echo "build-wheel.sh: unsupported target $target (Linux only; macOS and Windows wheels are built by maturin-action in the release workflow)" >&2; exit 2 ;;
esac

PYTHON="$(command -v "${PYTHON:-python3}")"
# Absolute (not resolving the venv's symlink): the zig linker wrapper runs in other directories.
PYTHON="$(cd "$(dirname "$PYTHON")" && pwd)/$(basename "$PYTHON")"
# maturin finds zig as `python3 -m ziglang`: the tools' environment goes first on PATH.
export PATH="$(dirname "$PYTHON"):$PATH"
"$PYTHON" -m ziglang version >/dev/null 2>&1 || {
  echo "build-wheel.sh: no ziglang in $PYTHON: pip install -r $HERE/scripts/wheel-tools.txt" >&2; exit 1; }
"$PYTHON" -m maturin --version >/dev/null 2>&1 || {
  echo "build-wheel.sh: no maturin in $PYTHON: pip install -r $HERE/scripts/wheel-tools.txt" >&2; exit 1; }

if [ "$target" != "$(rustc -vV | sed -n 's/^host: //p')" ]; then
  rustup target add "$target" >/dev/null
fi

mkdir -p "$out"
version="$(sed -n 's/^version = "\(.*\)"/\1/p' "$HERE/pyproject.toml" | head -n1)"
arch="${target%%-*}"
pattern="p100-$version-*${compat%%_*}*_$arch.whl"
# Only this target's wheel is replaced, so the last line names exactly the one just built.
rm -f "$out"/$pattern
"$PYTHON" -m maturin build --release --quiet --zig --strip \
  --target "$target" --compatibility "$compat" \
  --manifest-path "$HERE/Cargo.toml" --out "$out" >&2
wheel="$(ls "$out"/$pattern)"
[ "$(printf '%s\n' "$wheel" | wc -l)" = 1 ] || { echo "build-wheel.sh: expected one wheel, got: $wheel" >&2; exit 1; }
echo "$wheel"
