#!/usr/bin/env bash
# The npm package's types against the spec (openapi-typescript + tsc --strict), after the
# package is built (scripts/test-all.sh runs it after bindings-wasm/test.sh):
#   openapi/typetest/run.sh [PACKAGE.d.ts]   (default bindings-wasm/pkg/native/p100_wasm.d.ts)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
dts="$(cd "$(dirname "${1:-$root/bindings-wasm/pkg/native/p100_wasm.d.ts}")" && pwd)/$(basename "${1:-p100_wasm.d.ts}")"
[ -f "$dts" ] || { echo "no $dts: build the npm package first (bindings-wasm/build.sh)" >&2; exit 1; }
[ -x "$root/openapi/node_modules/.bin/openapi-typescript" ] || (cd "$root/openapi" && npm ci --no-audit --no-fund)
bin="$root/openapi/node_modules/.bin"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
node "$here/sdk-view.mjs" "$root/openapi/p100.openapi.json" "$work/sdk-view.json"
# --default-non-nullable false: a field with a default is still optional on the wire.
"$bin/openapi-typescript" "$work/sdk-view.json" -o "$work/spec.d.ts" --default-non-nullable false --silent
node "$here/gen.mjs" "$work/sdk-view.json" "$dts" "$work/check.ts"
"$bin/tsc" --noEmit --strict --skipLibCheck --target es2022 --moduleResolution bundler --module esnext "$work/check.ts"
echo "type test: passed"
