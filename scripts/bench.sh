#!/usr/bin/env bash
# Benchmark suite (bench/README.md): each SDK against the language's hand-written HTTP + JSON
# alternative, interleaved in one process, against a release sandbox on a free 127.0.0.1 port;
# prints one table. Not a test: nothing here fails on a timing.
#
#   scripts/bench.sh            5 rounds x 2000 calls, history of 100 / 1,000 / 10,000 entries
#   scripts/bench.sh --quick    2 rounds x 50 calls, same cases (keeps the suite working)
#   BENCH_ONLY="python node" scripts/bench.sh   a subset of: rust node python kotlin swift
#
# Builds what it needs: the release sandbox, the Rust bench (bench/rust), the npm package when
# bindings-wasm/pkg is missing (bindings-wasm/build.sh; the run uses a copy of pkg/), the Python
# wheel into bench/.venv, and the Kotlin library + release native library when kotlinc (put
# into .tools by bindings-mobile/test.sh) is there, and the Swift package (release) when the
# Debian 13 Swift root of `scripts/setup.sh swift` is there (never installed from here); a
# language whose tools are missing is skipped, saying so.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
bench="$root/bench"

quick=0
case "${1:-}" in
  --quick) quick=1 ;;
  "") ;;
  *) echo "usage: $0 [--quick]" >&2; exit 2 ;;
esac
if [ "$quick" = 1 ]; then
  export BENCH_ROUNDS="${BENCH_ROUNDS:-2}" BENCH_CALLS="${BENCH_CALLS:-50}"
  export BENCH_SIZES="${BENCH_SIZES:-100 1000 10000}" BENCH_STARTUP_RUNS="${BENCH_STARTUP_RUNS:-2}"
else
  export BENCH_ROUNDS="${BENCH_ROUNDS:-5}" BENCH_CALLS="${BENCH_CALLS:-2000}"
  export BENCH_SIZES="${BENCH_SIZES:-100 1000 10000}" BENCH_STARTUP_RUNS="${BENCH_STARTUP_RUNS:-10}"
fi
export BENCH_CONC="${BENCH_CONC:-32}"
only="${BENCH_ONLY:-rust node python kotlin swift}"
wants() { [[ " $only " == *" $1 "* ]]; }

log() { printf '\n==> bench: %s\n' "$*" >&2; }
started=$(date +%s)
# What is measured: the working tree at the start (the builds happen now).
commit="$(git rev-parse --short HEAD)"
git diff --quiet HEAD -- core bindings-wasm bindings-python bindings-mobile sandbox ||
  commit="$commit + uncommitted changes in core/, bindings-*/ or sandbox/"
start_time="$(date -u +%Y-%m-%dT%H:%MZ)"

# ----- builds (under nice: the machine may be shared; the runs are not) ----------------------
target_dir="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')"
log "cargo build --release -p p100-sandbox"
nice cargo build --quiet --release -p p100-sandbox

if wants rust; then
  log "cargo build --release (bench/rust, its own workspace)"
  nice cargo build --quiet --release --manifest-path "$bench/rust/Cargo.toml" --target-dir "$target_dir"
fi

if wants node; then
  if [ ! -f bindings-wasm/pkg/index.cjs ]; then
    log "bindings-wasm/pkg missing: bindings-wasm/build.sh"
    nice bindings-wasm/build.sh
  fi
  # The run uses a copy, so a rebuild of pkg/ meanwhile cannot mix two builds.
  export P100_BENCH_PKG="$target_dir/bench-node-pkg"
  rm -rf "$P100_BENCH_PKG"
  cp -r bindings-wasm/pkg "$P100_BENCH_PKG"
  [ -f "$P100_BENCH_PKG/index.cjs" ] || { echo "bench: bindings-wasm/pkg is incomplete (being rebuilt?)" >&2; exit 1; }
  if [ ! -d "$bench/node/node_modules/undici" ]; then
    log "npm ci (bench/node: undici)"
    (cd "$bench/node" && npm ci --no-audit --no-fund >/dev/null)
  fi
fi

if wants python; then
  scripts/setup.sh python >/dev/null
  venv="$bench/.venv"
  if [ ! -x "$venv/bin/python" ]; then
    log "python3 -m venv bench/.venv"
    python3 -m venv "$venv"
  fi
  "$venv/bin/python" -m pip install -q --disable-pip-version-check -r "$bench/python/requirements.txt"
  if [ -n "${BENCH_PY_WHEEL:-}" ] && [ -f "$BENCH_PY_WHEEL" ]; then
    # A release wheel of this very tree built already (CI: the one bindings-python/test.sh built).
    log "the wheel $BENCH_PY_WHEEL into the bench venv"
    wheel="$BENCH_PY_WHEEL"
  else
    log "maturin build --release (bindings-python) into the bench venv"
    rm -rf "$target_dir/bench-wheels"
    nice "$venv/bin/maturin" build --release --quiet --out "$target_dir/bench-wheels" \
      --manifest-path bindings-python/Cargo.toml >/dev/null
    wheel="$(ls "$target_dir"/bench-wheels/p100-*.whl)"
  fi
  "$venv/bin/python" -m pip install -q --disable-pip-version-check --force-reinstall --no-deps \
    "$wheel"
fi

kotlin_note=""
if wants kotlin; then
  kotlinc="$root/.tools/node_modules/kotlin-compiler/bin/kotlinc"
  if [ -x "$kotlinc" ] && command -v java >/dev/null; then
    scripts/setup.sh kotlin >/dev/null
    [ -f /usr/share/java/jackson-databind.jar ] || {
      log "apt-get install libjackson2-databind-java (JSON parser of the JVM alternative)"
      sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
      DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq libjackson2-databind-java >/dev/null
    }
    log "cargo build --release -p p100-mobile (native library for the JVM)"
    nice cargo build --quiet --release -p p100-mobile
    nice "$bench/kotlin/build.sh" "$kotlinc" "$target_dir/bench-kotlin"
  else
    kotlin_note="Kotlin skipped: kotlinc not in .tools (bindings-mobile/test.sh installs it) or no java"
    log "$kotlin_note"
  fi
fi

swift_note=""
if wants swift; then
  swift_root="${P100_CACHE:-$HOME/.cache/p100}/swift-trixie"
  if [ -f "$swift_root/.p100-swiftlang-installed" ] && [ "$(id -u)" = 0 ]; then
    log "cargo build --release -p p100-mobile (static library for Swift)"
    nice cargo build --quiet --release -p p100-mobile
    export P100_RUST_LIB_DIR="$target_dir/release"
    # SwiftPM does not see a new libp100_mobile.a: remove the linked product so it is relinked.
    rm -f "$bench/swift-bench/.build/release/Bench"
    log "swift build -c release (bench/swift-bench, in the Debian 13 root)"
    nice scripts/swift.sh build -c release --package-path bench/swift-bench >&2
  else
    swift_note="Swift skipped: no Swift root (scripts/setup.sh swift, as root, makes it)"
    log "$swift_note"
  fi
fi

# ----- the runs -------------------------------------------------------------------------------
built=$(date +%s)
load_before="$(cut -d' ' -f1 /proc/loadavg)"
. "$root/scripts/sandbox-lib.sh"
start_sandbox bench
log "sandbox at $url (rounds $BENCH_ROUNDS x $BENCH_CALLS calls, $BENCH_CONC concurrent, history sizes $BENCH_SIZES)"
export P100_BENCH_URL="$url" P100_BENCH_KEY="$key"
results="$(mktemp)"
trap 'kill "$sandbox_pid" 2>/dev/null || true; wait "$sandbox_pid" 2>/dev/null || true; rm -f "$sandbox_log" "$results"' EXIT

if wants rust; then
  log "Rust"
  "$target_dir/release/p100-bench" | tee -a "$results"
fi
if wants node; then
  log "Node $(node --version)"
  # The copy of pkg/ has no node_modules of its own: its one dependency (undici) resolves from
  # bench/node's, as it would from a user's project.
  (cd "$bench/node" && NODE_PATH="$bench/node/node_modules" node --expose-gc bench.cjs) | tee -a "$results"
fi
if wants python; then
  log "Python $("$venv/bin/python" -c 'import platform; print(platform.python_version())')"
  (cd "$bench/python" && "$venv/bin/python" bench.py) | tee -a "$results"
fi
if wants kotlin && [ -z "$kotlin_note" ]; then
  log "Kotlin/JVM ($(java -version 2>&1 | head -1))"
  "$bench/kotlin/run.sh" "$target_dir/bench-kotlin" "$target_dir/release" | tee -a "$results"
fi

if wants swift && [ -z "$swift_note" ]; then
  log "Swift (Linux, Debian 13's swiftlang)"
  # scripts/swift.sh passes only P100_* variables into the Swift root.
  P100_BENCH_ROUNDS="$BENCH_ROUNDS" P100_BENCH_CALLS="$BENCH_CALLS" P100_BENCH_CONC="$BENCH_CONC" \
    P100_BENCH_SIZES="$BENCH_SIZES" scripts/swift.sh --cmd bench/swift-bench/.build/release/Bench | tee -a "$results"
fi

kill "$sandbox_pid" 2>/dev/null || true
wait "$sandbox_pid" 2>/dev/null || true

echo
echo "p100 benchmarks: built from $commit at $start_time; $(nproc) cores, load average $load_before at the start of the runs, $(cut -d' ' -f1 /proc/loadavg) at the end; rounds $BENCH_ROUNDS x $BENCH_CALLS calls, medians"
echo
python3 "$bench/table.py" "$results"
[ -z "$kotlin_note" ] || echo "$kotlin_note"
[ -z "$swift_note" ] || echo "$swift_note"
echo "took $(( $(date +%s) - started )) s: builds $(( built - started )) s, runs $(( $(date +%s) - built )) s"
