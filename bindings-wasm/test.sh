#!/usr/bin/env bash
# Tests of the npm package `p100` (called by scripts/test-all.sh; runs on a fresh machine).
#   1. installs what is missing (wasm32 target, wasm-bindgen-cli, npm dev tools), idempotently;
#   2. lints: rustfmt + clippy (wasm32) of the binding, tsc --strict over the typings and the
#      Node examples, `node --check` of the package's JS;
#   3. builds the package (build.sh) and the sandbox;
#   4. starts the sandbox on a free loopback port (stopped on exit);
#   5. node --test: the shared scenarios (partner_day and the fault matrix, each on a sandbox of
#      its own, with a summary of steps and matrix cells passed), every error class and outcome,
#      reconcile, panics, jitter seeding, webhooks, waitFor, exact money, 200 concurrent calls,
#      the package manifest and typings;
#   6. compiles and runs the Node examples against the sandbox;
#   7. `npm pack`s the package, installs the tarball into an empty folder and uses it from a
#      CommonJS and an ESM script;
#   8. `npm pack`s the package and the sandbox's platform package, installs both into a fresh
#      folder (offline, from the tarballs) and runs the README's test snippet of p100/testing
#      there with `node --test`, with no cargo on PATH.
# Exits non-zero on any failure.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
cd "$root"
export CARGO_TERM_COLOR=never

# Each step's banner says how long the step before it took (CI's time budget is tight).
step_start=$SECONDS
step() {
  printf '\n---- bindings-wasm: %s (the step before took %d s) ----\n' "$*" $((SECONDS - step_start))
  step_start=$SECONDS
}

tmp="$(mktemp -d)"
sandbox_pid=""
cleanup() {
  if [ -n "$sandbox_pid" ]; then
    kill "$sandbox_pid" 2>/dev/null || true
    wait "$sandbox_pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

# ---- 1. tools ----------------------------------------------------------------------------
step "tools"
command -v node >/dev/null || { echo "node (>= 20) is required" >&2; exit 1; }
node -e 'if (+process.versions.node.split(".")[0] < 20) { console.error("Node >= 20.18.1 required"); process.exit(1) }'
command -v npm >/dev/null || { echo "npm is required" >&2; exit 1; }
if [ -x scripts/setup.sh ]; then scripts/setup.sh wasm; fi

# npm ci when node_modules is missing or older than the lock file.
npm_ci() {
  local dir="$1"
  if [ ! -f "$dir/node_modules/.package-lock.json" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    (cd "$dir" && npm ci --no-audit --no-fund)
  fi
}
npm_ci "$here"

# ---- 2a. Rust lints ----------------------------------------------------------------------
step "rustfmt --check and clippy (wasm32)"
rustfmt --check --edition 2021 "$here"/src/*.rs core/src/bindings/wasm.rs
cargo clippy -p p100-wasm -p p100 --features p100/wasm --target wasm32-unknown-unknown -- -D warnings
cargo test -p p100-wasm --quiet   # builds for the host too (the decoder's tests are in the core)

# ---- 3. build ----------------------------------------------------------------------------
step "build the package"
"$here/build.sh"

step "build the sandbox"
cargo build -p p100-sandbox --release
target_dir=$(cargo metadata --format-version 1 --no-deps | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).target_directory))')
sandbox_bin="$target_dir/release/p100-sandbox"

# p100/testing is tested as a user imports it: the built package and the sandbox's platform
# package linked into node_modules where an install would put them.
plat=$(node -p 'process.platform + "-" + process.arch')
mkdir -p "$here/node_modules/@p100"
ln -sfn ../pkg "$here/node_modules/p100"
ln -sfn "../../pkg-sandbox-$plat" "$here/node_modules/@p100/sandbox-$plat"

# ---- 2b. JS/TS lints (need the built typings) ---------------------------------------------
step "node --check and tsc --strict over the typings"
for f in "$here"/pkg/*.cjs "$here"/pkg/*.mjs "$here"/tests/*.mjs; do node --check "$f"; done
"$here/node_modules/.bin/tsc" -p "$here/tests/types"

# ---- 2c. the ecosystem's own package checkers ---------------------------------------------
step "publint (no warning, no suggestion) and attw --pack (types right for require and import)"
publint_out="$(cd "$here/pkg" && "$here/node_modules/.bin/publint" --strict 2>&1)" || { echo "$publint_out"; exit 1; }
echo "$publint_out"
# publint exits 0 on suggestions: the package must have none either.
grep -q "All good!" <<<"$publint_out" || { echo "publint: not clean" >&2; exit 1; }
(cd "$here/pkg" && "$here/node_modules/.bin/attw" --pack . --format ascii)
publint_out="$(cd "$here/pkg-sandbox-$plat" && "$here/node_modules/.bin/publint" --strict 2>&1)" || { echo "$publint_out"; exit 1; }
echo "@p100/sandbox-$plat: $publint_out"
grep -q "All good!" <<<"$publint_out" || { echo "publint (@p100/sandbox-$plat): not clean" >&2; exit 1; }

# ---- 4. sandbox --------------------------------------------------------------------------
step "start the sandbox"
export P100_API_KEY="wasm-test-key-$RANDOM$RANDOM"
"$sandbox_bin" --port 0 --api-key "$P100_API_KEY" --settle-ms 100 >"$tmp/sandbox.out" 2>"$tmp/sandbox.err" &
sandbox_pid=$!
for _ in $(seq 1 100); do
  grep -q "listening on" "$tmp/sandbox.out" 2>/dev/null && break
  kill -0 "$sandbox_pid" 2>/dev/null || { cat "$tmp/sandbox.err" >&2; echo "the sandbox did not start" >&2; exit 1; }
  sleep 0.1
done
P100_BASE_URL=$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' "$tmp/sandbox.out" | head -1)
[ -n "$P100_BASE_URL" ] || { echo "the sandbox did not report its address" >&2; exit 1; }
export P100_BASE_URL
# The shared scenarios start a sandbox of their own per scenario, with its settings.
export P100_SANDBOX_BIN="$sandbox_bin"
echo "sandbox at $P100_BASE_URL"

# ---- 5. node --test ----------------------------------------------------------------------
step "node --test"
# One file at a time: the files share the sandbox and some inject faults.
node --test --test-concurrency=1 "$here"/tests/*.test.mjs

step "the scenarios through Prism: every request and accepted reply checked against openapi/p100.openapi.json"
# @stoplight/prism-cli as a validating proxy (--errors) in front of each scenario's sandbox
# (tests/scenarios.test.mjs, P100_PRISM). Not errors_and_faults or fault_matrix: their injected
# faults break the spec on purpose.
[ -x "$root/openapi/node_modules/.bin/prism" ] || (cd "$root/openapi" && npm ci --no-audit --no-fund)
P100_PRISM="$root/openapi/node_modules/.bin/prism|$root/openapi/p100.openapi.json" \
  P100_SCENARIOS=partner_day,kyc_models,orders_and_links \
  node --test "$here/tests/scenarios.test.mjs"

# ---- 6. examples -------------------------------------------------------------------------
step "examples/node: tsc --strict, then run against the sandbox"
examples="$root/examples/node"
npm_ci "$examples"
(cd "$examples" && rm -rf dist && ./node_modules/.bin/tsc -p .)
for f in balances create_user exchange sepa card errors; do
  echo "== examples/node/dist/$f.js"
  node "$examples/dist/$f.js"
done

# ---- 7. npm pack → empty folder → require and import -------------------------------------
step "npm pack, install into an empty folder, use from CommonJS and ESM"
(cd "$here/pkg" && npm pack --silent --pack-destination "$tmp" >/dev/null)
tarball=$(ls "$tmp"/p100-*.tgz)
mkdir "$tmp/app"
cat >"$tmp/app/package.json" <<'EOF'
{ "name": "p100-pack-check", "private": true, "version": "1.0.0" }
EOF
(cd "$tmp/app" && npm install --no-audit --no-fund --prefer-offline "$tarball" >/dev/null)
cat >"$tmp/app/check.cjs" <<'EOF'
const { Client, P100Error, ApiError } = require("p100");
(async () => {
  const client = new Client({ apiKey: process.env.P100_API_KEY, baseUrl: process.env.P100_BASE_URL });
  const b = await client.partner.balances();
  if (typeof b.fiatBalances[0].amount !== "string") throw new Error("amount is not a string");
  try {
    await client.users.balances("nobody-pack-check");
    throw new Error("expected an ApiError");
  } catch (e) {
    if (!(e instanceof ApiError) || !(e instanceof P100Error) || e.code !== "P412") throw e;
  }
  console.log("CommonJS: ok");
})().catch((e) => { console.error(e); process.exit(1); });
EOF
cat >"$tmp/app/check.mjs" <<'EOF'
import { Client, P100Error, ApiError } from "p100";
import p100 from "p100";
const client = new Client({ apiKey: process.env.P100_API_KEY, baseUrl: process.env.P100_BASE_URL });
const b = await client.partner.balances();
if (typeof b.fiatBalances[0].amount !== "string") throw new Error("amount is not a string");
try {
  await client.users.balances("nobody-pack-check");
  throw new Error("expected an ApiError");
} catch (e) {
  if (!(e instanceof ApiError) || !(e instanceof P100Error) || e.code !== "P412") throw e;
}
if (p100.Client !== Client) throw new Error("default export differs");
console.log("ESM: ok");
EOF
(cd "$tmp/app" && node check.cjs && node check.mjs)
size=$(wc -c < "$here/pkg/native/p100_wasm_bg.wasm")
gz=$(gzip -9 -c "$here/pkg/native/p100_wasm_bg.wasm" | wc -c)
echo "package: $(basename "$tarball") $(wc -c < "$tarball") bytes; wasm $size bytes raw, $gz gzipped"

# ---- 8. p100/testing in a fresh npm folder, without cargo -----------------------------------
step "p100/testing: npm pack both packages, install into a fresh folder, README snippet with node --test, no cargo"
mkdir "$tmp/sbpack"
(cd "$here/pkg-sandbox-$plat" && npm pack --silent --pack-destination "$tmp/sbpack" >/dev/null)
sb_tarball=$(ls "$tmp"/sbpack/*.tgz)
mkdir "$tmp/fresh"
cat >"$tmp/fresh/package.json" <<'EOF'
{ "name": "p100-testing-check", "private": true, "version": "1.0.0", "type": "module" }
EOF
# The snippet is the first code block under "## Testing with the sandbox" in README.md.
node -e '
  const md = require("fs").readFileSync(process.argv[1], "utf8");
  const section = md.split(/^## Testing with the sandbox$/m)[1];
  const m = section && /```js\n([\s\S]*?)```/.exec(section);
  if (!m) { console.error("README.md: no js block under ## Testing with the sandbox"); process.exit(1); }
  require("fs").writeFileSync(process.argv[2], m[1]);
' "$here/README.md" "$tmp/fresh/sandbox.test.mjs"
# PATH with node and npm and the system directories, none holding cargo.
nocargo=""
for d in "$(dirname "$(command -v node)")" "$(dirname "$(command -v npm)")" /usr/local/bin /usr/bin /bin; do
  [ -x "$d/cargo" ] && continue
  case ":$nocargo:" in *":$d:"*) continue ;; esac
  nocargo="${nocargo:+$nocargo:}$d"
done
(
  cd "$tmp/fresh"
  export PATH="$nocargo"
  unset P100_SANDBOX_BINARY P100_SANDBOX_BIN P100_BASE_URL P100_API_KEY CARGO_TARGET_DIR
  if command -v cargo >/dev/null; then echo "cargo is still on PATH ($PATH)" >&2; exit 1; fi
  # The main package alone (optional dependencies left out): p100/testing says what to install.
  npm install --prefer-offline --no-audit --no-fund --omit=optional "$tarball" >/dev/null
  if node -e 'import("p100/testing").then(({ Sandbox }) => Sandbox.start()).then(() => process.exit(1), (e) => { console.log(e.message); process.exit(/npm install --save-dev @p100\/sandbox-/.test(e.message) ? 0 : 1) })' >"$tmp/missing.out"; then
    echo "without the platform package: $(cat "$tmp/missing.out")"
  else
    cat "$tmp/missing.out" >&2; echo "p100/testing without the platform package: not the expected error" >&2; exit 1
  fi
  # Both tarballs, as npm installs them from a registry (the platform package is an optional
  # dependency of p100 with the same version).
  npm install --prefer-offline --no-audit --no-fund "$tarball" "$sb_tarball" >/dev/null
  test -x "node_modules/@p100/sandbox-$plat/bin/p100-sandbox"
  node --test
)
sb_packed=$(wc -c < "$sb_tarball")
sb_unpacked=$(cd "$here/pkg-sandbox-$plat" && npm pack --dry-run --json 2>/dev/null | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s)[0].unpackedSize))')
echo "@p100/sandbox-$plat: $(basename "$sb_tarball") $sb_packed bytes packed, $sb_unpacked bytes unpacked"

step "all passed"
