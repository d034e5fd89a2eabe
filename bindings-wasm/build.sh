#!/usr/bin/env bash
# Builds the npm package `p100` into bindings-wasm/pkg/:
#   1. the crate p100-wasm for wasm32-unknown-unknown with the size-optimised profile
#      `release-wasm` (opt-level s, fat LTO, panic=abort);
#   2. wasm-bindgen-cli, pinned to the exact version of the wasm-bindgen crate in Cargo.lock,
#      `--target nodejs` (CommonJS; index.mjs re-exports it for `import`, so there is one copy of
#      the module and of the error classes whichever way the package is loaded);
#   3. wasm-opt -Oz when one is installed that produces a working module (binaryen from npm,
#      a devDependency here, or the system's, e.g. Debian's binaryen);
#   4. the entry points, error classes, typings, package.json and README (with p100/testing);
#   5. the sandbox server of p100/testing: `cargo build --release -p p100-sandbox`, stripped, as
#      the platform package @p100/sandbox-<platform>-<arch> in bindings-wasm/pkg-sandbox-<platform>-<arch>/.
# Installs wasm-bindgen-cli and the wasm32 target when missing. Usage: bindings-wasm/build.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
cd "$root"

log() { printf '==> %s\n' "$*"; }

# The platforms p100/testing has a sandbox package for (optionalDependencies of the package).
sandbox_platforms="${P100_SANDBOX_PLATFORMS:-linux-x64 linux-arm64 darwin-x64 darwin-arm64 win32-x64}"

# --- tools -------------------------------------------------------------------------------
command -v cargo >/dev/null || { echo "build.sh: cargo not found (install Rust with rustup)" >&2; exit 1; }
command -v node >/dev/null || { echo "build.sh: node not found (Node >= 20 is needed)" >&2; exit 1; }
if command -v rustup >/dev/null && ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi
want=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/,""); print; exit}' Cargo.lock)
[ -n "$want" ] || { echo "build.sh: wasm-bindgen not found in Cargo.lock" >&2; exit 1; }
if ! wasm-bindgen --version 2>/dev/null | grep -q " $want\$"; then
  log "cargo install wasm-bindgen-cli --version $want --locked (once; takes a few minutes)"
  # Its lock file can name a version the registry (or a mirror of it) no longer serves; then
  # the newest compatible versions are taken instead, as scripts/setup.sh does.
  cargo install wasm-bindgen-cli --version "$want" --locked ||
    cargo install wasm-bindgen-cli --version "$want"
fi

if command -v npm >/dev/null && [ ! -x "$here/node_modules/.bin/wasm-opt" ] && [ -f "$here/package-lock.json" ]; then
  log "npm ci (bindings-wasm dev tools: binaryen, typescript)"
  (cd "$here" && npm ci --no-audit --no-fund)
fi

# --- 1. the wasm -------------------------------------------------------------------------
log "cargo build -p p100-wasm --target wasm32-unknown-unknown --profile release-wasm"
# strip=false for this build only: stripping drops the `target_features` section that
# wasm-bindgen reads to know which wasm features (reference types…) the module uses; the
# symbols are removed later by wasm-bindgen and wasm-opt instead.
CARGO_PROFILE_RELEASE_WASM_STRIP=false \
cargo build -p p100-wasm --target wasm32-unknown-unknown --profile release-wasm
target_dir=$(cargo metadata --format-version 1 --no-deps | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).target_directory))')
wasm="$target_dir/wasm32-unknown-unknown/release-wasm/p100_wasm.wasm"

# --- 2. wasm-bindgen ---------------------------------------------------------------------
pkg="$here/pkg"
rm -rf "$pkg"
mkdir -p "$pkg/native"
log "wasm-bindgen $want --target nodejs"
wasm-bindgen --target nodejs --out-dir "$pkg/native" --out-name p100_wasm "$wasm"
# The raw wasm ABI typings are internal (and full of `any`): not shipped.
rm -f "$pkg/native/.gitignore" "$pkg/native/package.json" "$pkg/native/p100_wasm_bg.wasm.d.ts"
# The hand-written declarations (js/types.d.ts), then the resource groups (groups.cjs) and their
# typings from the operation manifest, next to the declarations wasm-bindgen wrote.
cat "$here/js/types.d.ts" >> "$pkg/native/p100_wasm.d.ts"
node "$here/scripts/groups.mjs" "$root/tests/operations.json" "$pkg"
# Requests take only the documented values of their enums (`KnownCurrency`…): tsc catches a typo.
node "$here/scripts/request-types.mjs" "$root/tests/operations.json" "$pkg"

# --- 3. wasm-opt ---------------------------------------------------------------------------
# Candidates, in order: binaryen from npm (devDependency, pinned in package-lock.json), then the
# system's (Debian's binaryen). Debian bookworm ships binaryen 108, which rewrites the module's
# externref table as a funcref table and breaks it, so every result is loaded once before it
# is kept; when no candidate gives a working module the unoptimised one stays.
bg="$pkg/native/p100_wasm_bg.wasm"
loads() { node -e 'require(process.argv[1]).version()' "$pkg/native/p100_wasm.js" >/dev/null 2>&1; }
optimised=""
for opt in "$here/node_modules/.bin/wasm-opt" "$(command -v wasm-opt || true)"; do
  [ -n "$opt" ] && [ -x "$opt" ] || continue
  log "wasm-opt -Oz ($("$opt" --version 2>/dev/null | head -1), $opt)"
  cp "$bg" "$bg.orig"
  # The features rustc enables by default for wasm32-unknown-unknown.
  if "$opt" -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
      --enable-mutable-globals --enable-reference-types --enable-multivalue \
      --strip-debug --strip-producers -o "$bg.opt" "$bg" && mv "$bg.opt" "$bg" && loads; then
    rm -f "$bg.orig"
    optimised="$opt"
    break
  fi
  echo "build.sh: warning: $opt did not produce a working module; trying the next one" >&2
  rm -f "$bg.opt"
  mv "$bg.orig" "$bg"
done
if [ -z "$optimised" ]; then
  echo "build.sh: warning: no working wasm-opt (run npm ci in bindings-wasm/); the wasm is not -Oz optimised" >&2
fi
loads || { echo "build.sh: the built module does not load" >&2; exit 1; }

# --- 4. the package ----------------------------------------------------------------------
version=$(cargo metadata --format-version 1 --no-deps | node -e '
  let s=""; process.stdin.on("data",d=>s+=d).on("end",()=>{
    const p = JSON.parse(s).packages.find(p => p.name === "p100-wasm");
    console.log(p.version);
  })')
cp "$here/js/index.cjs" "$here/js/errors.cjs" "$here/js/errors.d.ts" "$pkg/"
# Typings for each way of loading (what attw and publint ask for): index.d.cts for `require`
# (CommonJS declarations, the hand-written js/index.d.ts), index.d.mts for `import` (ESM
# declarations re-exporting the same, plus the default export index.mjs has).
cp "$here/js/index.d.ts" "$pkg/index.d.cts"
{
  echo "// ESM typings of the \`p100\` package (index.mjs); the same API as index.d.cts."
  sed -e 's|from "./native/p100_wasm"|from "./native/p100_wasm.js"|' -e 's|from "./errors"|from "./errors.js"|' "$here/js/index.d.ts"
  echo 'declare const p100: typeof import("./index.cjs");'
  echo 'export default p100;'
} > "$pkg/index.d.mts"
cp "$here/README.md" "$pkg/README.md"
# The licenses: the package's own, and those of the Rust crates compiled into the wasm
# (licenses/THIRD-PARTY-npm.txt, written by scripts/licenses.sh).
cp "$here/../LICENSE-MIT" "$here/../LICENSE-APACHE" "$pkg/"
cp "$here/../licenses/THIRD-PARTY-npm.txt" "$pkg/THIRD-PARTY-LICENSES.txt"

# p100/testing: the sandbox for tests (testing.cjs, testing.mjs re-exporting it, typings per way
# of loading as for the main entry).
cp "$here/js/testing.cjs" "$here/js/testing.mjs" "$pkg/"
cp "$here/js/testing.d.ts" "$pkg/testing.d.cts"
{
  echo "// ESM typings of \`p100/testing\` (testing.mjs); the same API as testing.d.cts."
  sed -e 's|from "./index.cjs"|from "./index.mjs"|' "$here/js/testing.d.ts"
} > "$pkg/testing.d.mts"
# For TypeScript's old `node10` resolution, which does not read `exports` (what attw checks).
mkdir -p "$pkg/testing"
echo '{ "private": true, "main": "../testing.cjs", "types": "../testing.d.cts" }' > "$pkg/testing/package.json"

# index.mjs: the ESM entry re-exports the CommonJS one by name (listed from the built module).
node -e '
  const names = Object.keys(require(process.argv[1])).sort();
  const lines = [
    "// ESM entry of the `p100` package: re-exports the CommonJS entry (one module instance).",
    "import p100 from \"./index.cjs\";",
    "",
    ...names.map(n => `export const ${n} = p100.${n};`),
    "export default p100;",
    "",
  ];
  require("fs").writeFileSync(process.argv[2], lines.join("\n"));
' "$pkg/index.cjs" "$pkg/index.mjs"

node -e '
  const [version, out, platforms] = process.argv.slice(1);
  const pkg = {
    name: "p100",
    version,
    description: "Client for the P100 Partner API (users, KYC, balances, exchange, SEPA, crypto, cards, webhooks) for Node.js, with TypeScript types.",
    license: "MIT OR Apache-2.0",
    keywords: ["p100", "payments", "sepa", "crypto", "fintech", "wasm"],
    repository: { type: "git", url: "git+https://example.invalid/p100-sdk.git", directory: "bindings-wasm" },
    homepage: "https://example.invalid/p100-sdk#readme",
    bugs: { url: "https://example.invalid/p100-sdk/issues" },
    type: "commonjs",
    main: "./index.cjs",
    module: "./index.mjs",
    types: "./index.d.cts",
    exports: {
      ".": {
        import: { types: "./index.d.mts", default: "./index.mjs" },
        require: { types: "./index.d.cts", default: "./index.cjs" },
      },
      "./testing": {
        import: { types: "./testing.d.mts", default: "./testing.mjs" },
        require: { types: "./testing.d.cts", default: "./testing.cjs" },
      },
      "./package.json": "./package.json",
    },
    // Loading the package only defines classes and functions (the wasm instantiates on first
    // load, with no global effect): bundlers may drop it when nothing of it is used.
    sideEffects: false,
    // undici 7 (the HTTP client of Node itself) needs Node 20.18.1 or newer.
    engines: { node: ">=20.18.1" },
    // The one runtime dependency: js/transport.cjs sends through undici.request.
    dependencies: { undici: "^" + require(process.argv[4] + "/package.json").devDependencies.undici },
    files: [
      "index.cjs", "index.mjs", "index.d.cts", "index.d.mts", "errors.cjs", "errors.d.ts", "groups.cjs",
      "native/p100_wasm.js", "native/p100_wasm.d.ts", "native/p100_wasm_bg.wasm", "native/snippets/", "README.md",
      "LICENSE-MIT", "LICENSE-APACHE", "THIRD-PARTY-LICENSES.txt",
      "testing.cjs", "testing.mjs", "testing.d.cts", "testing.d.mts", "testing/package.json",
    ],
    // The sandbox server of p100/testing, one package per platform (npm installs the one whose
    // os/cpu match, as esbuild does); the same version as this package.
    optionalDependencies: Object.fromEntries(platforms.split(" ").map((p) => [`@p100/sandbox-${p}`, version])),
  };
  require("fs").writeFileSync(out, JSON.stringify(pkg, null, 2) + "\n");
' "$version" "$pkg/package.json" "$sandbox_platforms" "$here"

# --- 5. the sandbox's platform package ----------------------------------------------------
# p100/testing runs the sandbox server, a native binary: one npm package per platform,
# `@p100/sandbox-<platform>-<arch>` with `os`/`cpu` so npm installs only the matching one (as
# esbuild ships its binary). This machine's is built here into pkg-sandbox-<platform>-<arch>/;
# the release workflow builds the others. `strip` drops the symbols.
log "cargo build --release -p p100-sandbox (the platform package of p100/testing)"
cargo build --release -p p100-sandbox
plat=$(node -p 'process.platform + "-" + process.arch')
case " $sandbox_platforms " in
  *" $plat "*) ;;
  *) echo "build.sh: warning: $plat is not among the platforms the package lists ($sandbox_platforms)" >&2 ;;
esac
exe=""; case "$plat" in win32-*) exe=".exe" ;; esac
sbpkg="$here/pkg-sandbox-$plat"
rm -rf "$sbpkg"
mkdir -p "$sbpkg/bin"
cp "$target_dir/release/p100-sandbox$exe" "$sbpkg/bin/p100-sandbox$exe"
if [ -z "$exe" ] && command -v strip >/dev/null; then
  case "$plat" in darwin-*) strip -x "$sbpkg/bin/p100-sandbox" ;; *) strip --strip-all "$sbpkg/bin/p100-sandbox" ;; esac
else
  echo "build.sh: warning: the sandbox binary is not stripped (no strip)" >&2
fi
chmod 755 "$sbpkg/bin/p100-sandbox$exe"
cp "$here/../LICENSE-MIT" "$here/../LICENSE-APACHE" "$sbpkg/"
cp "$here/../licenses/THIRD-PARTY-npm-sandbox.txt" "$sbpkg/THIRD-PARTY-LICENSES.txt"
"$sbpkg/bin/p100-sandbox$exe" --version >/dev/null || { echo "build.sh: the stripped sandbox binary does not run" >&2; exit 1; }
node -e '
  const [version, plat, exe, out] = process.argv.slice(1);
  const [os, cpu] = plat.split("-");
  const pkg = {
    name: `@p100/sandbox-${plat}`,
    version,
    description: `The P100 sandbox server (a local, stateful P100 Partner API for tests) for ${plat}: the binary p100/testing runs. Install p100 instead; this package comes with it.`,
    license: "MIT OR Apache-2.0",
    repository: { type: "git", url: "git+https://example.invalid/p100-sdk.git", directory: "sandbox" },
    homepage: "https://example.invalid/p100-sdk#readme",
    bugs: { url: "https://example.invalid/p100-sdk/issues" },
    type: "commonjs", // no JS inside; publint asks for it anyway
    os: [os],
    cpu: [cpu],
    // Built against glibc (2.34 or newer when built on Debian 12): musl systems (Alpine) cannot run it.
    ...(os === "linux" ? { libc: ["glibc"] } : {}),
    // Yarn PnP: the binary must be a file on disk.
    preferUnplugged: true,
    files: [`bin/p100-sandbox${exe}`, "README.md", "LICENSE-MIT", "LICENSE-APACHE", "THIRD-PARTY-LICENSES.txt"],
  };
  require("fs").writeFileSync(out, JSON.stringify(pkg, null, 2) + "\n");
' "$version" "$plat" "$exe" "$sbpkg/package.json"
cat >"$sbpkg/README.md" <<EOF
# @p100/sandbox-$plat

The P100 sandbox server for $plat: a local, stateful P100 Partner API server for tests. It is the
binary that \`import { Sandbox } from "p100/testing"\` starts. It comes with the \`p100\` package as
an optional dependency: there is nothing to install besides \`p100\`.
EOF
log "pkg-sandbox-$plat/ written: @p100/sandbox-$plat@$version; binary $(wc -c < "$sbpkg/bin/p100-sandbox$exe") bytes (stripped)"

raw=$(wc -c < "$bg")
gz=$(gzip -9 -c "$bg" | wc -c)
log "pkg/ written: p100@$version; wasm $raw bytes raw, $gz bytes gzipped (gzip -9)"
