// swift-tools-version:5.9
// The Swift example (swift/Example.swift) as an executable, using the P100 package of this
// repository by path, as an app would:
//     swift run --package-path examples Example
// (This manifest sits in examples/, not examples/swift/: SwiftPM names a local package after its
// folder, and two packages both named "swift" — this one and bindings-mobile/swift — would clash.)
import PackageDescription

let package = Package(
    name: "P100Examples",
    platforms: [.iOS(.v15), .macOS(.v12)],
    dependencies: [
        .package(name: "P100", path: "../bindings-mobile/swift")
    ],
    targets: [
        .executableTarget(
            name: "Example",
            dependencies: [.product(name: "P100", package: "P100")],
            path: "swift",
            exclude: ["README.md"],
            sources: ["Example.swift"]
        )
    ]
)
