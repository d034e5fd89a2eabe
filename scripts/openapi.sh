#!/usr/bin/env bash
# The OpenAPI description and its outside judges (called by scripts/test-all.sh; runs on a fresh
# machine, installing what it needs).
#   1. drift: openapi/p100.openapi.json is exactly what the core generates
#      (cargo test -p p100 --features openapi --test openapi), and clippy over the generator;
#   2. spectral lint (openapi/.spectral.yaml) and redocly lint (openapi/redocly.yaml): no error
#      and no warning;
# The npm tools come from openapi/package-lock.json (npm ci).
# Exits non-zero on any failure.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
cd "$here"
export CARGO_TERM_COLOR=never
spec=openapi/p100.openapi.json

step() { printf '\n---- openapi: %s ----\n' "$*"; }

step "drift check: $spec is what the core generates"
cargo clippy -p p100 --features openapi --all-targets -- -D warnings
cargo test -p p100 --features openapi --test openapi

step "npm tools (openapi/package-lock.json)"
command -v npm >/dev/null || { echo "npm (Node >= 20) is required" >&2; exit 1; }
if [ ! -f openapi/node_modules/.package-lock.json ] || [ openapi/package-lock.json -nt openapi/node_modules/.package-lock.json ]; then
  (cd openapi && npm ci --no-audit --no-fund)
fi
bin="$here/openapi/node_modules/.bin"

step "spectral lint (spectral:oas; warnings fail)"
(cd openapi && "$bin/spectral" lint --fail-severity=warn --ruleset .spectral.yaml p100.openapi.json)

step "redocly lint (recommended; warnings fail)"
out="$(cd openapi && "$bin/redocly" lint --config redocly.yaml p100.openapi.json 2>&1)" || { echo "$out"; exit 1; }
echo "$out" | grep -E 'validated|valid|warning|error' || true
if echo "$out" | grep -qiE '[0-9]+ (warning|error)s?\b'; then echo "$out"; echo "redocly reported problems" >&2; exit 1; fi

step "openapi: all checks passed"
