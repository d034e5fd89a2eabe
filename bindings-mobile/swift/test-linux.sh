#!/usr/bin/env bash
# The Swift package on Linux, as CI runs it (called by bindings-mobile/test.sh; as root, on Debian
# with network access to Debian's packages and crates.io only):
#
#  1. Swift 6 from Debian 13's `swiftlang` (scripts/setup.sh swift; scripts/swift.sh runs it);
#  2. the Rust static library (cargo build -p p100-mobile → target/debug/libp100_mobile.a, linked
#     through the system-library module Linux/P100FFI) and the sandbox (release); the TEST variant
#     of the package (generate.sh --testing: the library built with the cargo feature `testing`,
#     whose `Sandbox` the XCTest suite starts in-process, and a copy of this package with the
#     sources generated from that build) in bindings-mobile/build/testing, or $P100_TESTING_DIR
#     when the caller (bindings-mobile/test.sh) has made it;
#  3. the README's ```swift blocks are the ones compiled (readme-snippets.py --check);
#  4. swift-format lint --strict on the hand-written Swift (not the generated p100*.swift);
#  5. builds the test variant of the package with its tests, and examples/swift (over the release
#     package: the checked-in sources), in Swift 5 AND Swift 6 language modes (Swift 6: strict
#     concurrency checking);
#  6. runs `swift test` (Swift 6 build; the shared scenarios + the Swift checks, on in-process
#     sandboxes), then starts a sandbox process on a free loopback port and runs the example
#     against it, stops the sandbox.
# Each step prints how long it took.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"
swift=("$root/scripts/swift.sh")
log() { printf '\n--- swift (linux): %s\n' "$*"; }
step_start=$SECONDS
took() { printf -- '--- swift (linux): %s took %d s\n' "$1" $((SECONDS - step_start)); step_start=$SECONDS; }

# ----- 1. toolchain -------------------------------------------------------------------------
log "toolchain"
"$root/scripts/setup.sh" swift
"${swift[@]}" --version
took "setup"

# ----- 2. Rust: the static library and the sandbox ------------------------------------------
target_dir="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')"
testing_dir="${P100_TESTING_DIR:-}"
if [ -z "$testing_dir" ]; then
  testing_dir="$root/bindings-mobile/build/testing"
  log "test variant: generate.sh --testing $testing_dir"
  "$here/../generate.sh" --testing "$testing_dir"
fi
log "cargo build -p p100-mobile (static library), -p p100-sandbox --release"
cargo build --quiet -p p100-mobile
cargo build --quiet -p p100-sandbox --release
release_lib_dir="$target_dir/debug"
testing_lib_dir="$testing_dir/lib"
for d in "$release_lib_dir" "$testing_lib_dir"; do
  [ -f "$d/libp100_mobile.a" ] || { echo "no $d/libp100_mobile.a" >&2; exit 1; }
done
took "cargo build"

# ----- 3. README snippets -------------------------------------------------------------------
log "README Swift snippets are the ones in Tests/P100Tests/ReadmeSnippets.swift"
python3 "$here/readme-snippets.py" --check

log "Tests/P100Tests/Operations.swift names every operation of tests/operations.json"
python3 "$here/operations-test.py" --check

# ----- 4. lint ------------------------------------------------------------------------------
log "swift-format lint --strict (hand-written Swift)"
handwritten=(
  bindings-mobile/swift/Package.swift
  bindings-mobile/swift/Sources/P100/Secret.swift
  bindings-mobile/swift/Sources/P100/P100Error+Fields.swift
  bindings-mobile/swift/Tests/P100Tests/P100Tests.swift
  bindings-mobile/swift/Tests/P100Tests/ScenarioRunner.swift
  bindings-mobile/swift/Tests/P100Tests/ReviewTests.swift
  examples/Package.swift
  examples/swift/Example.swift
)
"${swift[@]}" --cmd swift-format lint --strict --configuration bindings-mobile/swift/.swift-format "${handwritten[@]}"
took "swift-format"

# ----- 5. build in both language modes --------------------------------------------------------
pkg="$testing_dir/swift"     # the test variant (with Sandbox)
examples="examples"           # over the release package
for mode in 5 6; do
  flags=(-Xswiftc -swift-version -Xswiftc "$mode")
  # SwiftPM does not see a new libp100_mobile.a: remove the linked products so they are relinked.
  rm -f "$pkg/.build/swift$mode/debug/P100PackageTests.xctest" "$examples/.build/swift$mode/debug/Example"
  log "Swift $mode language mode: package (test variant) + tests"
  P100_RUST_LIB_DIR="$testing_lib_dir" \
    nice "${swift[@]}" build --package-path "$pkg" --scratch-path "$pkg/.build/swift$mode" --build-tests "${flags[@]}"
  took "build (Swift $mode: package + tests)"
  log "Swift $mode language mode: examples/swift (examples/Package.swift, release package)"
  P100_RUST_LIB_DIR="$release_lib_dir" \
    nice "${swift[@]}" build --package-path "$examples" --scratch-path "$examples/.build/swift$mode" "${flags[@]}"
  took "build (Swift $mode: examples)"
done

# ----- 6. sandbox, tests, example ---------------------------------------------------------------
log "swift test (Swift 6 build): shared scenario + Swift checks, in-process Sandbox"
P100_RUST_LIB_DIR="$testing_lib_dir" P100_SCENARIOS="$root/tests/scenarios" \
  "${swift[@]}" test --package-path "$pkg" --scratch-path "$pkg/.build/swift6" --skip-build --disable-swift-testing
took "swift test"

. "$root/scripts/sandbox-lib.sh"
start_sandbox swift-test
log "sandbox process for the example at $url"

log "examples/swift (examples/Package.swift) against the sandbox"
P100_RUST_LIB_DIR="$release_lib_dir" P100_API_KEY="$key" P100_BASE_URL="$url" \
  "${swift[@]}" run --package-path "$examples" --scratch-path "$examples/.build/swift6" --skip-build Example
took "example run"

log "P100_LOG=info and no logger: a record per attempt on standard error, never the key"
log_err="$(mktemp)"
P100_LOG=info P100_RUST_LIB_DIR="$release_lib_dir" P100_API_KEY="$key" P100_BASE_URL="$url" \
  "${swift[@]}" run --package-path "$examples" --scratch-path "$examples/.build/swift6" --skip-build Example \
  >/dev/null 2>"$log_err"
grep -E '^INFO p100 partner\.balances GET /v1/partner/balances attempt=1 outcome=succeeded status=200' "$log_err" \
  || { cat "$log_err"; echo "no log record on standard error" >&2; exit 1; }
if grep -qF "$key" "$log_err"; then echo "the API key is in the log" >&2; exit 1; fi
rm -f "$log_err"

log "all Swift checks passed"
