// swift-tools-version:5.9
//
// The P100 SDK for Swift: the generated uniffi sources (Sources/P100) and a few hand-written
// files over the Rust library, whose C interface is the module `P100FFI`.
//
// One manifest for both worlds:
// * Apple platforms (iOS 15+, macOS 12+): `P100FFI` is the XCFramework that
//   `../build-xcframework.sh` writes to build/P100FFI.xcframework (a static library per platform
//   plus the generated headers). For a release, the same script zips it and prints its checksum:
//   publish the zip and switch the binary target to
//       .binaryTarget(name: "P100FFI", url: "https://…/P100FFI.xcframework.zip", checksum: "<sha256>")
//   SwiftPM only resolves packages whose Package.swift is at the repository root, so a release
//   copies this folder (with the url/checksum target) to its own repository or tag.
// * Linux: `P100FFI` is a system-library module (Linux/P100FFI/module.modulemap) over the same
//   generated headers, linking the static library of `cargo build -p p100-mobile`
//   (target/debug/libp100_mobile.a of this repository; another folder with P100_RUST_LIB_DIR).
//   test-linux.sh builds it and runs the tests; CI does so on every run.
//
// Swift 5 and Swift 6 language modes both build (CI: -Xswiftc -swift-version -Xswiftc 6).
import PackageDescription

#if os(Linux)
    let rustLibDir = Context.environment["P100_RUST_LIB_DIR"] ?? "\(Context.packageDirectory)/../../target/debug"
    let ffi: Target = .systemLibrary(name: "P100FFI", path: "Linux/P100FFI")
    let ffiLinking: [LinkerSetting] = [.unsafeFlags(["-L\(rustLibDir)"])]
#else
    let ffi: Target = .binaryTarget(name: "P100FFI", path: "build/P100FFI.xcframework")
    // The Rust static library verifies TLS with the system's trust store.
    let ffiLinking: [LinkerSetting] = [.linkedFramework("Security"), .linkedFramework("CoreFoundation")]
#endif

let package = Package(
    name: "P100",
    platforms: [.iOS(.v15), .macOS(.v12)],
    products: [
        .library(name: "P100", targets: ["P100"])
    ],
    targets: [
        ffi,
        .target(
            name: "P100",
            dependencies: ["P100FFI"],
            path: "Sources/P100",
            linkerSettings: ffiLinking
        ),
        .testTarget(
            name: "P100Tests",
            dependencies: ["P100"],
            path: "Tests/P100Tests"
        ),
    ]
)
