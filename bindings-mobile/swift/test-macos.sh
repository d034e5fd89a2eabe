#!/usr/bin/env bash
# Runs the Swift package's XCTest suite on a Mac: builds the XCFramework (with its macOS slice),
# starts a sandbox on a free loopback port, runs `swift test` against it, stops the sandbox.
# The shared scenario (tests/scenarios/partner_day.json) is part of the suite.
#
# NOT run where it was written (Linux CI has no Swift toolchain): see ../README.md.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"

"$root/bindings-mobile/build-xcframework.sh"
cargo build --quiet -p p100-sandbox --release
target_dir="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')"

key="swift-test-$RANDOM$RANDOM"
log="$(mktemp)"
"$target_dir/release/p100-sandbox" --port 0 --api-key "$key" --settle-ms 100 >"$log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; rm -f "$log"' EXIT
url=""
for _ in $(seq 1 100); do
  url="$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$log" | head -1 || true)"
  [ -n "$url" ] && break
  sleep 0.1
done
[ -n "$url" ] || { cat "$log" >&2; echo "the sandbox did not start" >&2; exit 1; }

cd "$here"
P100_SANDBOX_URL="$url" P100_SANDBOX_KEY="$key" P100_SCENARIOS="$root/tests/scenarios" swift test
