#!/usr/bin/env bash
# Runs the Kotlin/JVM benchmark built by build.sh. Usage: run.sh OUT NATIVE_DIR
# (NATIVE_DIR holds the release libp100_mobile.so; P100_BENCH_* come from scripts/bench.sh).
set -euo pipefail
out="$1"
native="$2"
klib="$(cd "$(dirname "$0")/../.." && pwd)/.tools/node_modules/kotlin-compiler/lib"
cp="$out/bench.jar:$out/p100.jar:/usr/share/java/jna.jar:$klib/kotlinx-coroutines-core-jvm.jar:$klib/kotlin-stdlib.jar"
cp="$cp:/usr/share/java/jackson-databind.jar:/usr/share/java/jackson-core.jar:/usr/share/java/jackson-annotations.jar"
exec java -Djna.library.path="$native" -cp "$cp" io.p100.bench.BenchKt
