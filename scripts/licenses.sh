#!/usr/bin/env bash
# The third-party notices shipped in each package: the license texts of every Rust crate compiled
# into it, from the crate's dependency graph for the package's targets (cargo-about, offline: only
# the license files the crates ship). Writing them fails when a crate's license is not accepted
# in licenses/about.toml.
#
#   scripts/licenses.sh           writes licenses/THIRD-PARTY-<package>.txt (the Python package's
#                                 into bindings-python/, with copies of the project's licenses:
#                                 maturin takes license files from the package's own folder only);
#                                 installs cargo-about (pinned below) into .tools/cargo-about when
#                                 missing (about 3 minutes); takes a few minutes
#   scripts/licenses.sh --check   (CI, seconds, no cargo-about) fails when a crate `cargo tree`
#                                 gives for a package and its targets is not in its file, or when
#                                 the file lists one that is in no target's graph any more (the
#                                 lock file changed: run scripts/licenses.sh), or when a copy of the
#                                 project's licenses differs. (cargo-about lists a few crates more
#                                 than cargo tree for Windows, e.g. schannel: harmless.)
#
# The package builds copy the files in (bindings-wasm/build.sh, bindings-mobile/kotlin/build-jar.sh,
# bindings-mobile/build-xcframework.sh; bindings-python/pyproject.toml's license-files), next to
# the project's own LICENSE-MIT and LICENSE-APACHE.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

CARGO_ABOUT_VERSION="0.9.3"
check=0
case "${1:-}" in
  --check) check=1 ;;
  "") ;;
  *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

# name | crate | manifest | targets it is built for (the release workflows')
packages=(
  "npm|p100-wasm|bindings-wasm/Cargo.toml|wasm32-unknown-unknown"
  "npm-sandbox|p100-sandbox|sandbox/Cargo.toml|x86_64-unknown-linux-gnu aarch64-unknown-linux-gnu x86_64-apple-darwin aarch64-apple-darwin x86_64-pc-windows-msvc"
  "python|p100-python|bindings-python/Cargo.toml|x86_64-unknown-linux-gnu aarch64-unknown-linux-gnu x86_64-unknown-linux-musl x86_64-apple-darwin aarch64-apple-darwin x86_64-pc-windows-msvc"
  "mobile|p100-mobile|bindings-mobile/Cargo.toml|aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios aarch64-linux-android armv7-linux-androideabi x86_64-linux-android x86_64-unknown-linux-gnu aarch64-unknown-linux-gnu x86_64-apple-darwin aarch64-apple-darwin x86_64-pc-windows-msvc"
)
notices() { if [ "$1" = python ]; then echo bindings-python/THIRD-PARTY-LICENSES.txt; else echo "licenses/THIRD-PARTY-$1.txt"; fi; }
# "name version" of every crate a notice file lists under a license.
listed() { grep -E '^  [A-Za-z0-9_-]+ [0-9]+\.[0-9]+' "$1" | sed -e 's/^  //' -e 's/ (.*//' | sort -u; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

if [ "$check" = 1 ]; then
  stale=()
  for entry in "${packages[@]}"; do
    IFS='|' read -r name crate _ targets <<<"$entry"
    out="$(notices "$name")"
    # What cargo-about lists: normal dependencies (build and dev ones are ignored, about.toml).
    for t in $targets; do
      cargo tree --quiet --locked -p "$crate" -e normal --target "$t" --prefix none --format '{p}'
    done | sed -e 's/ v\([0-9]\)/ \1/' -e 's/ (.*//' | sort -u >"$tmp/tree.txt"
    # The other way, against every target (cargo-about's cfg matching is looser than cargo
    # tree's: it lists a few Windows crates more): a crate no longer in the graph at all.
    cargo tree --quiet --locked -p "$crate" -e normal --target all --prefix none --format '{p}' |
      sed -e 's/ v\([0-9]\)/ \1/' -e 's/ (.*//' | sort -u >"$tmp/all.txt"
    listed "$out" >"$tmp/listed.txt"
    missing="$(comm -23 "$tmp/tree.txt" "$tmp/listed.txt")"
    gone="$(comm -13 "$tmp/all.txt" "$tmp/listed.txt")"
    if [ -z "$missing$gone" ]; then
      echo "licenses: $out: lists all $(wc -l <"$tmp/tree.txt") crates cargo tree gives, and none it does not"
    else
      [ -z "$missing" ] || printf 'licenses: %s: not listed: %s\n' "$out" "$(echo $missing)" >&2
      [ -z "$gone" ] || printf 'licenses: %s: listed, no longer a dependency: %s\n' "$out" "$(echo $gone)" >&2
      stale+=("$out")
    fi
  done
  for f in LICENSE-MIT LICENSE-APACHE; do
    cmp -s "$f" "bindings-python/$f" || stale+=("bindings-python/$f")
  done
  if [ "${#stale[@]}" -gt 0 ]; then
    echo "licenses: stale: ${stale[*]}; run scripts/licenses.sh" >&2
    exit 1
  fi
  exit 0
fi

tools="$root/.tools/cargo-about"
about="$tools/bin/cargo-about"
if [ "$("$about" --version 2>/dev/null)" != "cargo-about $CARGO_ABOUT_VERSION" ]; then
  echo "licenses: cargo install cargo-about $CARGO_ABOUT_VERSION into .tools/cargo-about (once)" >&2
  cargo install --quiet --locked --features cli --root "$tools" cargo-about --version "$CARGO_ABOUT_VERSION"
fi
for entry in "${packages[@]}"; do
  IFS='|' read -r name _ manifest targets <<<"$entry"
  out="$(notices "$name")"
  target_args=()
  for t in $targets; do target_args+=(--target "$t"); done
  "$about" about generate --offline --locked -c licenses/about.toml -m "$manifest" \
    "${target_args[@]}" -o "$tmp/$name.txt" licenses/third-party.hbs 2>"$tmp/$name.log" ||
    { cat "$tmp/$name.log" >&2; echo "licenses: cargo-about failed for $name ($manifest)" >&2; exit 1; }
  cp "$tmp/$name.txt" "$out"
  echo "licenses: wrote $out ($(listed "$out" | wc -l) crates)"
done
cp LICENSE-MIT LICENSE-APACHE bindings-python/
