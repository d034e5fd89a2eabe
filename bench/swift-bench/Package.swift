// swift-tools-version:5.9
// Swift (Linux) benchmark of the P100 package: bench/swift-bench/Sources/Bench/Bench.swift, run by
// scripts/bench.sh through scripts/swift.sh. Depends on bindings-mobile/swift by path, linking the
// release static library named by P100_RUST_LIB_DIR. (The folder is not called `swift`: SwiftPM
// names a local package after its folder, and bindings-mobile/swift is already "swift".)
import PackageDescription

let package = Package(
    name: "P100Bench",
    platforms: [.macOS(.v12)],
    dependencies: [
        .package(name: "P100", path: "../../bindings-mobile/swift")
    ],
    targets: [
        .executableTarget(
            name: "Bench",
            dependencies: [.product(name: "P100", package: "P100")],
            path: "Sources/Bench"
        )
    ]
)
