#!/usr/bin/env bash
# Compiles the Kotlin library (bindings-mobile/kotlin/src/main/kotlin) and Bench.kt into OUT
# (p100.jar, bench.jar), each only when its sources changed. Called by scripts/bench.sh with
# the kotlinc that bindings-mobile/test.sh installs. Usage: build.sh KOTLINC OUT
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
kotlinc="$1"
out="$2"
klib="$(dirname "$kotlinc")/../lib"
deps="/usr/share/java/jna.jar:$klib/kotlinx-coroutines-core-jvm.jar"
jackson="/usr/share/java/jackson-databind.jar:/usr/share/java/jackson-core.jar:/usr/share/java/jackson-annotations.jar"
src="$root/bindings-mobile/kotlin/src/main/kotlin"
mkdir -p "$out"
if [ ! -f "$out/p100.jar" ] || [ -n "$(find "$src" -newer "$out/p100.jar" -name '*.kt' | head -1)" ]; then
  echo "==> bench: kotlinc the p100 library" >&2
  "$kotlinc" -nowarn -jvm-target 17 -cp "$deps" "$src" -d "$out/p100.tmp.jar" 2>&1 | grep -v '^warning' >&2 || true
  [ -f "$out/p100.tmp.jar" ] || { echo "bench: kotlinc of the library failed" >&2; exit 1; }
  mv "$out/p100.tmp.jar" "$out/p100.jar"
fi
if [ ! -f "$out/bench.jar" ] || [ "$here/Bench.kt" -nt "$out/bench.jar" ] || [ "$out/p100.jar" -nt "$out/bench.jar" ]; then
  echo "==> bench: kotlinc Bench.kt" >&2
  "$kotlinc" -Werror -jvm-target 17 -cp "$out/p100.jar:$deps:$jackson" "$here/Bench.kt" -d "$out/bench.jar"
fi
