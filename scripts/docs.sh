#!/usr/bin/env bash
# Builds the documentation site into docs/site/ (git-ignored), runs every code sample of it
# against a sandbox, and checks the built site in a real browser. Called by scripts/test-all.sh
# (CI); works from a fresh clone (installs what it needs, idempotently).
#
#   1. tools: Debian's chromium (scripts/setup.sh docs); docs/.venv from docs/requirements.txt
#      (mkdocs-material, pdoc, websocket-client; every version pinned); npm ci in docs/
#      (@redocly/cli, typedoc, typescript; lockfile'd)
#   2. what the samples and the references need: the release sandbox; the npm package
#      (bindings-wasm/pkg, built by bindings-wasm/build.sh when missing); the Python wheel
#      (DOCS_PY_WHEEL, else the one bindings-python/test.sh built, else built here with maturin)
#      installed into docs/.venv
#   3. references under docs/content/reference/ (git-ignored; mkdocs copies them into the site):
#      api/ (Redoc, @redocly/cli build-docs, from
#      openapi/p100.openapi.json), rust/ (cargo doc -p p100 --no-deps), node/ (typedoc on the
#      package's typings), python/ (pdoc on the installed wheel), swift/ (DocC over the symbol
#      graph of a Linux build of the Swift package, when the Swift root is there)
#   4. mkdocs build --strict → docs/site/ (every link of the pages, and of the nav, must resolve)
#   5. every code sample of docs/content (docs/tools/samples.py): Rust, Node and Python run
#      against a fresh sandbox each; Kotlin compiled and run on the JVM when the Kotlin
#      toolchain and library of bindings-mobile/test.sh are there (required with
#      DOCS_REQUIRE_KOTLIN=1, as in CI); Swift samples built and run on Linux through
#      scripts/swift.sh when the Swift root and libp100_mobile.a are there (required with
#      DOCS_REQUIRE_SWIFT=1, as in CI)
#   6. browser check (docs/tools/browser_check.py): headless chromium over the DevTools
#      protocol loads the site from a local server on 127.0.0.1, follows the navigation to every
#      page, fails on console errors, uncaught exceptions or failed loads, and saves a
#      screenshot of the home page to target/ci-artifacts/docs-home.png
#
# Usage: scripts/docs.sh [--no-samples] [--no-browser]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
docs="$root/docs"
target="${CARGO_TARGET_DIR:-$root/target}"
case "$target" in /*) ;; *) target="$root/$target" ;; esac
site="$docs/site"
artifacts="$root/target/ci-artifacts"
run_samples=1
run_browser=1
for a in "$@"; do
  case "$a" in
    --no-samples) run_samples=0 ;;
    --no-browser) run_browser=0 ;;
    *) echo "usage: $0 [--no-samples] [--no-browser]" >&2; exit 2 ;;
  esac
done

export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true NO_MKDOCS_2_WARNING=1
# Each step's banner says how long the step before it took (CI's time budget is tight).
step_start=$SECONDS
step() {
  printf '\n---- docs: %s (the step before took %d s) ----\n' "$*" $((SECONDS - step_start))
  step_start=$SECONDS
}
t_start=$(date +%s)

# ---- 1. tools -------------------------------------------------------------------------------
step "tools"
scripts/setup.sh docs
venv="$docs/.venv"
py="$venv/bin/python"
if [ ! -x "$py" ]; then
  python3 -m venv "$venv"
fi
if [ ! -f "$venv/.requirements" ] || ! cmp -s "$docs/requirements.txt" "$venv/.requirements"; then
  "$py" -m pip install -q --disable-pip-version-check -r "$docs/requirements.txt"
  cp "$docs/requirements.txt" "$venv/.requirements"
fi
if [ ! -f "$docs/node_modules/.package-lock.json" ] || [ "$docs/package-lock.json" -nt "$docs/node_modules/.package-lock.json" ]; then
  (cd "$docs" && npm ci --no-audit --no-fund --loglevel=error)
fi

# ---- 2. the sandbox, the npm package, the wheel ---------------------------------------------
step "the sandbox, the npm package and the Python wheel"
cargo build --quiet -p p100-sandbox --release
sandbox_bin="$target/release/p100-sandbox"
if [ ! -f bindings-wasm/pkg/package.json ] || [ ! -f bindings-wasm/pkg/native/p100_wasm_bg.wasm ]; then
  bindings-wasm/build.sh
fi
if [ ! -d bindings-wasm/node_modules/undici ]; then
  (cd bindings-wasm && npm ci --no-audit --no-fund --loglevel=error)
fi
wheel="${DOCS_PY_WHEEL:-}"
if [ -z "$wheel" ]; then
  wheel="$(ls "$target"/python-test/wheels/p100-*.whl 2>/dev/null | head -1 || true)"
fi
if [ -z "$wheel" ]; then
  # No wheel from bindings-python/test.sh: a plain maturin build for this machine.
  "$py" -m pip install -q --disable-pip-version-check "$(grep '^maturin==' bindings-python/scripts/wheel-tools.txt)"
  rm -rf "$target/docs-wheel"
  "$py" -m maturin build --quiet --release -m bindings-python/Cargo.toml -o "$target/docs-wheel" -i "$py" >&2
  wheel="$(ls "$target"/docs-wheel/p100-*.whl | head -1)"
fi
echo "wheel: $wheel"
"$py" -m pip install -q --disable-pip-version-check --force-reinstall --no-deps "$wheel"

# ---- 3. references --------------------------------------------------------------------------
step "references: Redoc, rustdoc, typedoc, pdoc, DocC"
# Generated into the docs_dir (git-ignored folders), so mkdocs copies them into the site and
# its strict link check sees every link to them.
ref="$docs/content/reference"
rm -rf "$ref/api" "$ref/rust" "$ref/node" "$ref/python" "$ref/swift"
spec="$root/openapi/p100.openapi.json"
[ -f "$spec" ] || { echo "docs: $spec is missing (the API reference is rendered from it)" >&2; exit 1; }
mkdir -p "$ref/api"
# --inlineBundle: Redoc's script inside the page (by default it loads from a CDN: a site that
# needs the network to render, and fails the offline browser check).
"$docs/node_modules/.bin/redocly" build-docs "$spec" --output "$ref/api/index.html" \
  --title "P100 Partner API" --inlineBundle >/dev/null
# The one remote asset left is the "API docs by Redocly" logo image, hard-coded to Redocly's CDN:
# the same attribution as an inline SVG, so the site makes no request outside itself.
"$py" - "$ref/api/index.html" <<'PY'
import sys, urllib.parse
path = sys.argv[1]
html = open(path, encoding="utf-8").read()
svg = ('<svg xmlns="http://www.w3.org/2000/svg" width="70" height="14"><text x="0" y="11" '
       'font-family="sans-serif" font-size="11" fill="#666">Redocly</text></svg>')
data = "data:image/svg+xml," + urllib.parse.quote(svg)
n = 0
for url in ("https://cdn.redoc.ly/redoc/logo-mini-full.svg", "https://cdn.redoc.ly/redoc/logo-mini.svg"):
    n += html.count(url)
    html = html.replace(url, data)
if n == 0:
    sys.exit("docs: Redoc's logo URL was not found: check the page for remote assets")
open(path, "w", encoding="utf-8").write(html)
PY
# Broken intra-doc links and other rustdoc warnings fail the build: in the docs of the private
# items too (what contributors read), then the public docs that are published (last, so that
# they are the ones in target/doc: rustdoc leaves pages it did not write, so the private ones are
# removed first).
RUSTDOCFLAGS="-D warnings" cargo doc --quiet -p p100 --no-deps --document-private-items
rm -rf "$target/doc/p100"
RUSTDOCFLAGS="-D warnings" cargo doc --quiet -p p100 --no-deps
rm -rf "$ref/rust"
cp -r "$target/doc" "$ref/rust"
tsconfig="$target/docs-typedoc.tsconfig.json"
mkdir -p "$target"
cat >"$tsconfig" <<EOF
{
  "compilerOptions": { "module": "nodenext", "moduleResolution": "nodenext", "target": "es2022",
                       "strict": true, "skipLibCheck": true, "types": [] },
  "files": ["$root/bindings-wasm/pkg/index.d.mts", "$root/bindings-wasm/pkg/testing.d.mts"]
}
EOF
"$docs/node_modules/.bin/typedoc" --options "$docs/typedoc.json" --tsconfig "$tsconfig" --logLevel Warn \
  --entryPoints "$root/bindings-wasm/pkg/index.d.mts" --entryPoints "$root/bindings-wasm/pkg/testing.d.mts" \
  --out "$ref/node"
# pdoc reads module dictionaries: the names `import p100` loads on first use (`Outcome`,
# `Fingerprint`, `webhooks.WebhookEvent`, which need `typing`) are resolved before it runs,
# and the pages must then document them.
(cd "$target" && "$venv/bin/python" - "$ref/python" <<'PY'
import sys

import p100
import p100.webhooks
from pdoc.__main__ import cli

_ = (p100.Outcome, p100.Fingerprint, p100.webhooks.WebhookEvent)
cli(["--no-show-source", "-o", sys.argv[1], "p100"])
PY
)
# What a name that did not resolve lacks: Outcome's and WebhookEvent's value, Fingerprint's class.
for check in 'p100.html:id="Outcome-view-value"' 'p100.html:<span class="name">Fingerprint</span><wbr>' \
             'p100/webhooks.html:id="WebhookEvent-view-value"'; do
  grep -qF "${check#*:}" "$ref/python/${check%%:*}" \
    || { echo "docs: pdoc did not document ${check#*:} in ${check%%:*}" >&2; exit 1; }
done
# Swift: DocC over the symbol graph of a Linux build of the package (Debian's Swift through
# scripts/swift.sh; the static library of `cargo build -p p100-mobile`), when both are there
# (required with DOCS_REQUIRE_SWIFT=1, as in CI); else a page that says it was not built.
rm -rf "$ref/swift"
swift_root="${P100_CACHE:-$HOME/.cache/p100}/swift-trixie"
if [ -f "$target/debug/libp100_mobile.a" ] && { [ -f "$swift_root/.p100-swiftlang-installed" ] || [ "${P100_SWIFT_NATIVE:-0}" = 1 ]; }; then
  graphs="$target/docs-swift-symbolgraph"
  rm -rf "$graphs" && mkdir -p "$graphs"
  P100_RUST_LIB_DIR="$target/debug" "$root/scripts/swift.sh" build --package-path "$root/bindings-mobile/swift" \
    --scratch-path "$target/docs-swift-build" -Xswiftc -emit-symbol-graph -Xswiftc -emit-symbol-graph-dir \
    -Xswiftc "$graphs" >/dev/null
  "$root/scripts/swift.sh" --cmd docc convert --additional-symbol-graph-dir "$graphs" \
    --output-path "$target/docs-swift-docc" --fallback-display-name P100 \
    --fallback-bundle-identifier io.p100.sdk --fallback-bundle-version "$(sed -n 's/^version = "\(.*\)"/\1/p' "$root/Cargo.toml" | head -n1)" \
    --transform-for-static-hosting --hosting-base-path reference/swift >/dev/null
  cp -r "$target/docs-swift-docc" "$ref/swift"
  # The DocC renderer asks for the optional theme file at the hosting base path (a 404 otherwise).
  echo '{"meta": {}, "theme": {}, "features": {}}' >"$ref/swift/theme-settings.json"
elif [ "${DOCS_REQUIRE_SWIFT:-0}" = 1 ]; then
  echo "docs: the Swift reference needs scripts/setup.sh swift and bindings-mobile/test.sh's libp100_mobile.a" >&2
  exit 1
else
  mkdir -p "$ref/swift/documentation/p100"
  cat >"$ref/swift/documentation/p100/index.html" <<'HTML'
<!doctype html><html lang="en"><head><meta charset="utf-8"><title>P100 Swift reference: not built</title>
<link rel="icon" href="data:,"></head><body><p>The Swift reference (DocC) was not built on this
machine: it needs <code>scripts/setup.sh swift</code> and <code>bindings-mobile/test.sh</code>
first. CI builds it.</p></body></html>
HTML
  echo "swift reference: NOT BUILT (scripts/setup.sh swift, then bindings-mobile/test.sh)"
fi
for f in api/index.html rust/p100/index.html node/index.html python/index.html swift/documentation/p100/index.html; do
  [ -s "$ref/$f" ] || { echo "docs: reference/$f was not built" >&2; exit 1; }
done

# ---- 4. mkdocs ------------------------------------------------------------------------------
step "mkdocs build --strict"
rm -rf "$site"
(cd "$docs" && "$venv/bin/mkdocs" build --strict --quiet)
# Pages without an icon of their own (Redoc's) make browsers ask for /favicon.ico.
cp "$site/assets/images/favicon.png" "$site/favicon.ico"
echo "site: $site ($(du -sh "$site" | cut -f1))"

# ---- 5. samples -----------------------------------------------------------------------------
if [ "$run_samples" = 1 ]; then
  step "every code sample of the site, against a sandbox"
  langs="rust,js,python"
  kotlin_args=()
  kotlin_home="$root/.tools/node_modules/kotlin-compiler"
  mobile_jar="$root/bindings-mobile/build/p100.jar"
  native="$target/debug"
  if [ -x "$kotlin_home/bin/kotlinc" ] && [ -f "$mobile_jar" ] && [ -f "$native/libp100_mobile.so" ]; then
    klib="$kotlin_home/lib"
    deps="/usr/share/java/jna.jar:$klib/kotlinx-coroutines-core-jvm.jar"
    langs="$langs,kotlin"
    kotlin_args=(--kotlin-cp "$kotlin_home/bin/kotlinc;$mobile_jar:$deps;$mobile_jar:$deps:$klib/kotlin-stdlib.jar;$native")
  elif [ "${DOCS_REQUIRE_KOTLIN:-0}" = 1 ]; then
    echo "docs: the Kotlin samples need bindings-mobile/test.sh's kotlinc, p100.jar and libp100_mobile.so" >&2
    exit 1
  else
    echo "kotlin samples: NOT RUN (run bindings-mobile/test.sh first: it builds kotlinc, p100.jar and libp100_mobile.so)"
  fi
  swift_args=()
  swift_root="${P100_CACHE:-$HOME/.cache/p100}/swift-trixie"
  if [ -f "$native/libp100_mobile.a" ] && { [ -f "$swift_root/.p100-swiftlang-installed" ] || [ "${P100_SWIFT_NATIVE:-0}" = 1 ]; }; then
    langs="$langs,swift"
    swift_args=(--swift-lib-dir "$native")
  elif [ "${DOCS_REQUIRE_SWIFT:-0}" = 1 ]; then
    echo "docs: the Swift samples need scripts/setup.sh swift and bindings-mobile/test.sh's libp100_mobile.a" >&2
    exit 1
  else
    echo "swift samples: NOT RUN (scripts/setup.sh swift, then bindings-mobile/test.sh, builds what they need)"
  fi
  # The Rust samples build in the same target directory as everything else (reusing its builds).
  CARGO_TARGET_DIR="$target" "$py" "$docs/tools/samples.py" --content "$docs/content" --work "$target/docs-samples" \
    --sandbox-bin "$sandbox_bin" --langs "$langs" --python "$py" --node-pkg "$root/bindings-wasm/pkg" \
    "${kotlin_args[@]}" "${swift_args[@]}"
fi

# ---- 6. browser -----------------------------------------------------------------------------
if [ "$run_browser" = 1 ]; then
  step "browser check (headless chromium)"
  mkdir -p "$artifacts"
  "$py" "$docs/tools/browser_check.py" --site "$site" --mkdocs "$docs/mkdocs.yml" \
    --screenshot "$artifacts/docs-home.png"
  echo "screenshot of the home page: $artifacts/docs-home.png"
fi

step "done in $(($(date +%s) - t_start)) s"
