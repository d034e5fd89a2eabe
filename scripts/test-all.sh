#!/usr/bin/env bash
# Runs every test suite of the repository on a fresh machine (installs what is missing first).
# This is the README's test command and what CI runs.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never
# CI builds from a cold target directory once: incremental compilation's bookkeeping is pure cost.
if [ -n "${CI:-}" ]; then export CARGO_INCREMENTAL=0; fi
# The property tests (core/tests/properties.rs) draw random cases; this script draws the same
# ones every run (with or without CI set), so that a red run is reproducible and never a matter
# of luck. `cargo test` alone stays random (or PROPTEST_RNG_SEED=<n> here), and the fuzzer
# (scripts/fuzz.sh) explores further; a case either finds becomes a fixed test.
export PROPTEST_RNG_SEED="${PROPTEST_RNG_SEED:-20261204}"

# Each step's banner, and its time once the next one starts (the table at the end says where
# CI's minutes went).
timings=()
current=""
started=$SECONDS
step() {
  if [ -n "$current" ]; then
    timings+=("$(printf '%6d s  %s' $((SECONDS - started)) "$current")")
  fi
  current="$*"
  started=$SECONDS
  printf '\n======== %s ========\n' "$*"
}

step "setup"
scripts/setup.sh all

step "format and lints"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets -- -D warnings

step "third-party notices: every crate each package compiles in is listed (scripts/licenses.sh --check)"
scripts/licenses.sh --check

step "core compiles for wasm32-unknown-unknown without the wasm feature (bindings-wasm builds it with)"
cargo check -p p100 --target wasm32-unknown-unknown

step "Rust tests (core + sandbox; each binding's test.sh runs its own)"
cargo test -p p100 -p p100-sandbox -p p100-cli -- --skip every_scenario_passes

step "Android's trust anchors (feature bundled-roots, what target_os = android always uses)"
cargo clippy -p p100 --features bundled-roots --all-targets -- -D warnings
cargo test -p p100 --features bundled-roots --test tls_roots

step "shared scenarios and the fault matrix (Rust runner)"
out="$(mktemp)"
if ! cargo test -p p100-sandbox --test scenarios --test fault_matrix -- --nocapture >"$out" 2>&1; then
  cat "$out"; rm -f "$out"; exit 1
fi
grep -E '^(scenario [a-z_]+: [0-9]+ steps|fault matrix:)' "$out"; rm -f "$out"

step "OpenAPI description: drift check and outside judges (scripts/openapi.sh)"
scripts/openapi.sh

step "tour against the built-in sandbox"
cargo run --quiet --example tour

for binding in bindings-wasm bindings-python bindings-mobile; do
  if [ -x "$binding/test.sh" ]; then
    step "$binding"
    "$binding/test.sh"
  fi
done

step "OpenAPI type test: the npm package's types against the spec (openapi/typetest/run.sh)"
openapi/typetest/run.sh bindings-wasm/pkg/native/p100_wasm.d.ts

step "documentation site: build, run every code sample, check it in a browser (scripts/docs.sh)"
# After the language suites: it uses the npm package, the wheel and the Kotlin library they built.
wheel="$(ls "${CARGO_TARGET_DIR:-target}"/python-test/wheels/p100-*.whl 2>/dev/null | head -1 || true)"
DOCS_PY_WHEEL="$wheel" DOCS_REQUIRE_KOTLIN=1 DOCS_REQUIRE_SWIFT=1 scripts/docs.sh

step "benchmarks, quick mode (keeps bench/ working; timings are not checked)"
# Rust, Node and Python only: the Kotlin and Swift benchmarks need release builds of the mobile
# library that CI does not otherwise make (run them with scripts/bench.sh --quick).
# The Python benchmark installs the release wheel bindings-python/test.sh built and checked.
wheel="$(ls "${CARGO_TARGET_DIR:-target}"/python-test/wheels/p100-*.whl 2>/dev/null | head -1 || true)"
BENCH_PY_WHEEL="$wheel" BENCH_ONLY="${BENCH_ONLY:-rust node python}" scripts/bench.sh --quick

step "all suites passed"
printf '%s\n' "time per step:" "${timings[@]}" "$(printf '%6d s  in all' "$SECONDS")"
