#!/usr/bin/env bash
# The OpenAPI description and its outside judges (called by scripts/test-all.sh; runs on a fresh
# machine, installing what it needs).
#   1. drift: openapi/p100.openapi.json is exactly what the core generates
#      (cargo test -p p100 --features openapi --test openapi), and clippy over the generator;
#   2. spectral lint (openapi/.spectral.yaml) and redocly lint (openapi/redocly.yaml): no error
#      and no warning;
#   3. the webhooks' documented bodies, flat and enveloped, against their schemas
#      (openapi/webhook_bodies.py, jsonschema_rs from the same venv);
#   4. schemathesis (PyPI, openapi/requirements.txt) against a sandbox on 127.0.0.1: no 5xx, no
#      reply that violates the spec, no schema-violating request accepted; the cases per
#      operation are printed (openapi/schemathesis_counts.py);
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
if grep -qiE '[0-9]+ (warning|error)s?\b' <<<"$out"; then echo "$out"; echo "redocly reported problems" >&2; exit 1; fi

step "schemathesis against the sandbox (checks and exclusions: openapi/README.md)"
command -v python3 >/dev/null || { echo "python3 is required" >&2; exit 1; }
venv="$here/openapi/.venv"
if [ ! -x "$venv/bin/schemathesis" ] || [ openapi/requirements.txt -nt "$venv/bin/schemathesis" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check -r openapi/requirements.txt
  touch "$venv/bin/schemathesis"
fi
step "webhook bodies: every documented example, flat and in the FAQ's envelope, is valid (jsonschema_rs)"
"$venv/bin/python" openapi/webhook_bodies.py "$spec"

step "schemathesis run"
cargo build -q -p p100-sandbox
target_dir="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')"
. scripts/sandbox-lib.sh
start_sandbox schemathesis debug
st_url="$url"; st_key="$key"
report="$target_dir/schemathesis"
rm -rf "$report"
# A fixed seed: the same cases on every run (a failure reproduces with `st replay` or the seed).
checks=not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance
checks="$checks,response_schema_conformance,negative_data_rejection,missing_required_header,ignored_auth"
checks="$checks,use_after_free,ensure_resource_availability"
mkdir -p "$report"
if ! "$venv/bin/schemathesis" --no-color run "$spec" --url "$st_url" -H "x-api-key: $st_key" \
  --checks "$checks" --max-examples 20 --seed 1 --workers 1 \
  --report ndjson --report-dir "$report" >"$report/run.log" 2>&1; then
  cat "$report/run.log"; echo "schemathesis found problems" >&2; exit 1
fi
sed -n '/SUMMARY/,$p' "$report/run.log"
python3 openapi/schemathesis_counts.py "$spec" "$report"/ndjson-*.ndjson

step "openapi: all checks passed"
