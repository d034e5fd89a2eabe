#!/usr/bin/env bash
# Packs the JVM artifact of the Kotlin library, Maven coordinates io.p100:p100-sdk:<version>:
#
#   bindings-mobile/kotlin/build-jar.sh CLASSES_JAR NATIVE_LIB OUT_DIR [ARTIFACT [SOURCE_DIRS]]
#
#   OUT_DIR/ARTIFACT-<version>.jar          the compiled classes (CLASSES_JAR) plus the native
#                                           library as a JNA resource, <os>-<arch>/lib….so, so
#                                           `java -cp app.jar:p100-sdk.jar:jna.jar:…` loads it
#                                           from the class path, without -Djna.library.path
#                                           and R8/ProGuard rules, META-INF/proguard/p100-sdk.pro;
#                                           the licenses in META-INF/: LICENSE-MIT, LICENSE-APACHE
#                                           and THIRD-PARTY-LICENSES.txt (the Rust crates compiled
#                                           into the native library; scripts/licenses.sh)
#   OUT_DIR/ARTIFACT-<version>-sources.jar  the Kotlin sources (generated + hand-written; SOURCE_DIRS,
#                                           colon-separated, default kotlin/src/main/kotlin)
#   OUT_DIR/ARTIFACT-<version>.pom          coordinates and dependencies (JNA, kotlinx-coroutines,
#                                           the Kotlin standard library)
#
# ARTIFACT is p100-sdk (default); bindings-mobile/test.sh also packs the test variant (the
# library built with the cargo feature `testing`) as p100-sdk-testing. This machine builds
# linux-x86-64 only; the release workflow adds the other platforms' libraries
# (linux-aarch64, darwin-aarch64, darwin-x86-64, win32-x86-64) to the same jar.
set -euo pipefail
[ $# -ge 3 ] || { sed -n '2,18p' "$0" >&2; exit 2; }
classes="$1"; lib="$2"; out="$3"; artifact="${4:-p100-sdk}"
here="$(cd "$(dirname "$0")" && pwd)"
sources="${5:-$here/src/main/kotlin}"
root="$(cd "$here/../.." && pwd)"
version="$(sed -n 's/^version = "\(.*\)"/\1/p' "$root/Cargo.toml" | head -n1)"
[ -n "$version" ] || { echo "no workspace version in Cargo.toml" >&2; exit 1; }
# JNA's resource prefix (com.sun.jna.Platform.RESOURCE_PREFIX) of this machine.
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) prefix=linux-x86-64 ;;
  Linux-aarch64) prefix=linux-aarch64 ;;
  Darwin-arm64) prefix=darwin-aarch64 ;;
  Darwin-x86_64) prefix=darwin-x86-64 ;;
  *) echo "no JNA resource prefix known for $(uname -s)-$(uname -m)" >&2; exit 1 ;;
esac
[ -f "$classes" ] && [ -f "$lib" ] || { echo "missing $classes or $lib" >&2; exit 1; }
mkdir -p "$out"
jar="$out/$artifact-$version.jar"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/$prefix" "$stage/META-INF/proguard"
cp "$lib" "$stage/$prefix/"
# R8 applies rules found at META-INF/proguard/ in a jar to the app that shrinks it.
cp "$here/consumer-rules.pro" "$stage/META-INF/proguard/p100-sdk.pro"
licenses=(LICENSE-MIT LICENSE-APACHE THIRD-PARTY-LICENSES.txt)
cp "$here/../../LICENSE-MIT" "$here/../../LICENSE-APACHE" "$stage/META-INF/"
cp "$here/../../licenses/THIRD-PARTY-mobile.txt" "$stage/META-INF/THIRD-PARTY-LICENSES.txt"
cp "$classes" "$jar"
jar --update --file "$jar" -C "$stage" "$prefix" -C "$stage" META-INF
src_args=()
IFS=: read -r -a src_dirs <<<"$sources"
for d in "${src_dirs[@]}"; do src_args+=(-C "$d" .); done
jar --create --file "$out/$artifact-$version-sources.jar" "${src_args[@]}"
kotlin_version="${KOTLIN_VERSION:-2.4.20}"
cat >"$out/$artifact-$version.pom" <<POM
<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0"
         xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
         xsi:schemaLocation="http://maven.apache.org/POM/4.0.0 https://maven.apache.org/xsd/maven-4.0.0.xsd">
  <modelVersion>4.0.0</modelVersion>
  <groupId>io.p100</groupId>
  <artifactId>$artifact</artifactId>
  <version>$version</version>
  <packaging>jar</packaging>
  <name>P100 SDK for the JVM</name>
  <description>Client for the P100 Partner API (Kotlin; the Rust core through JNA, native library inside).</description>
  <licenses>
    <license><name>MIT OR Apache-2.0</name></license>
  </licenses>
  <dependencies>
    <dependency>
      <groupId>net.java.dev.jna</groupId>
      <artifactId>jna</artifactId>
      <version>5.13.0</version>
    </dependency>
    <dependency>
      <groupId>org.jetbrains.kotlinx</groupId>
      <artifactId>kotlinx-coroutines-core-jvm</artifactId>
      <version>1.8.0</version>
    </dependency>
    <dependency>
      <groupId>org.jetbrains.kotlin</groupId>
      <artifactId>kotlin-stdlib</artifactId>
      <version>$kotlin_version</version>
    </dependency>
  </dependencies>
</project>
POM
# The jar holds the library where JNA looks for it.
# Not `unzip -l | grep -q`: under pipefail, grep leaving at the first match can kill unzip
# with SIGPIPE, and the pipeline then fails although the entry is there (seen here).
listing="$(unzip -l "$jar")"
grep -q " $prefix/$(basename "$lib")\$" <<<"$listing" || { echo "$jar lacks $prefix/$(basename "$lib")" >&2; exit 1; }
# And the shrinking rules where R8 finds them.
unzip -p "$jar" META-INF/proguard/p100-sdk.pro | cmp -s - "$here/consumer-rules.pro" || { echo "$jar lacks META-INF/proguard/p100-sdk.pro" >&2; exit 1; }
# And the licenses (the crates' notices name uniffi, compiled into the native library).
for f in "${licenses[@]}"; do
  grep -q " META-INF/$f\$" <<<"$listing" || { echo "$jar lacks META-INF/$f" >&2; exit 1; }
done
unzip -p "$jar" META-INF/THIRD-PARTY-LICENSES.txt | grep -q '^  uniffi [0-9]' || { echo "$jar: THIRD-PARTY-LICENSES.txt lacks uniffi" >&2; exit 1; }
echo "$jar"
