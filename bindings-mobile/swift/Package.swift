// swift-tools-version:5.9
//
// The P100 SDK for Swift (iOS 15+, macOS 12+): the generated uniffi sources (Sources/P100) over
// the Rust library, shipped as an XCFramework (`P100FFI`, a static library per platform plus the
// C headers of its FFI, module `P100FFI`).
//
// Local development (macOS): `../build-xcframework.sh` writes build/P100FFI.xcframework, which
// this manifest uses. For a release, the same script zips the XCFramework and prints its
// checksum: publish the zip and switch the binary target to
//     .binaryTarget(name: "P100FFI", url: "https://…/P100FFI.xcframework.zip", checksum: "<sha256>")
// SwiftPM only resolves packages whose Package.swift is at the repository root, so a release
// copies this folder (with the url/checksum target) to its own repository or tag.
//
// NOTE: not built or tested on the machine where it was written (Linux, no Swift toolchain);
// see ../README.md.
import PackageDescription

let package = Package(
    name: "P100",
    platforms: [.iOS(.v15), .macOS(.v12)],
    products: [
        .library(name: "P100", targets: ["P100"]),
    ],
    targets: [
        .binaryTarget(name: "P100FFI", path: "build/P100FFI.xcframework"),
        .target(
            name: "P100",
            dependencies: ["P100FFI"],
            path: "Sources/P100",
            // The Rust static library verifies TLS with the system's trust store.
            linkerSettings: [.linkedFramework("Security"), .linkedFramework("CoreFoundation")]
        ),
        .testTarget(
            name: "P100Tests",
            dependencies: ["P100"],
            path: "Tests/P100Tests"
        ),
    ]
)
