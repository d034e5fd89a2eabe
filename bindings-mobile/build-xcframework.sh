#!/usr/bin/env bash
# Builds the XCFramework of the P100 Swift package (macOS with Xcode only):
#   static libraries of p100-mobile for iOS devices (aarch64-apple-ios), the iOS simulator
#   (aarch64-apple-ios-sim + x86_64-apple-ios, one fat library) and macOS (aarch64 + x86_64, for
#   `swift test` on a Mac), the C headers of the FFI (module P100FFI), then
#   swift/build/P100FFI.xcframework, its zip and the zip's checksum for a SwiftPM `binaryTarget`.
#
#   bindings-mobile/build-xcframework.sh            all slices, release profile
#   bindings-mobile/build-xcframework.sh --no-macos only the three iOS targets
#
# NEVER run where this repository is developed (Linux CI has no Xcode): see README.md; CI on a
# macOS runner: .github/workflows/swift-apple.yml.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
cd "$root"

[ "$(uname -s)" = Darwin ] || { echo "build-xcframework.sh needs macOS with Xcode" >&2; exit 1; }
command -v xcodebuild >/dev/null || { echo "xcodebuild not found: install Xcode" >&2; exit 1; }

macos=1
[ "${1:-}" = "--no-macos" ] && macos=0

ios_targets=(aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios)
macos_targets=(aarch64-apple-darwin x86_64-apple-darwin)
targets=("${ios_targets[@]}")
[ "$macos" = 1 ] && targets+=("${macos_targets[@]}")

rustup target add "${targets[@]}"
export IPHONEOS_DEPLOYMENT_TARGET=15.0 MACOSX_DEPLOYMENT_TARGET=12.0
for t in "${targets[@]}"; do
  echo "== cargo build --release --target $t"
  cargo build --release -p p100-mobile --target "$t"
done

target_dir="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')"
lib=libp100_mobile.a
out="$here/swift/build"
work="$out/work"
rm -rf "$work" "$out/P100FFI.xcframework" "$out/P100FFI.xcframework.zip"
mkdir -p "$work/ios-sim" "$work/macos"

# The checked-in headers and module map (generate.sh) are the FFI of this exact source tree.
"$here/generate.sh" --check
headers="$here/swift/Headers"   # contains P100FFI/{module.modulemap, p100FFI.h, p100_mobileFFI.h}

lipo -create "$target_dir/aarch64-apple-ios-sim/release/$lib" "$target_dir/x86_64-apple-ios/release/$lib" \
  -output "$work/ios-sim/$lib"
args=(-library "$target_dir/aarch64-apple-ios/release/$lib" -headers "$headers"
      -library "$work/ios-sim/$lib" -headers "$headers")
if [ "$macos" = 1 ]; then
  lipo -create "$target_dir/aarch64-apple-darwin/release/$lib" "$target_dir/x86_64-apple-darwin/release/$lib" \
    -output "$work/macos/$lib"
  args+=(-library "$work/macos/$lib" -headers "$headers")
fi
xcodebuild -create-xcframework "${args[@]}" -output "$out/P100FFI.xcframework"
# The licenses travel inside the framework: the project's and those of the Rust crates compiled
# into the static libraries (scripts/licenses.sh).
cp "$here/../LICENSE-MIT" "$here/../LICENSE-APACHE" "$out/P100FFI.xcframework/"
cp "$here/../licenses/THIRD-PARTY-mobile.txt" "$out/P100FFI.xcframework/THIRD-PARTY-LICENSES.txt"

(cd "$out" && ditto -c -k --sequesterRsrc --keepParent P100FFI.xcframework P100FFI.xcframework.zip)
checksum="$(cd "$here/swift" && swift package compute-checksum "$out/P100FFI.xcframework.zip")"
rm -rf "$work"
echo
echo "XCFramework: $out/P100FFI.xcframework"
echo "zip:         $out/P100FFI.xcframework.zip"
echo "checksum:    $checksum"
echo
echo "For a release, upload the zip and use in Package.swift:"
echo "  .binaryTarget(name: \"P100FFI\", url: \"https://…/P100FFI.xcframework.zip\", checksum: \"$checksum\")"
