// swift-tools-version: 5.9
// The Yams comparison for bench/run.py: `yamsload FILE` builds Yams' Node tree (Yams.compose) of
// FILE and prints the node count; the harness times the whole process, as it does aspire's.
// Built on demand by bench/run.py into its own scratch path (.build-bench-yams/).
import PackageDescription

let package = Package(
    name: "yamsbench",
    dependencies: [.package(url: "https://github.com/jpsim/Yams", from: "6.0.0")],
    targets: [
        .executableTarget(name: "yamsload", dependencies: [.product(name: "Yams", package: "Yams")], path: "Sources/yamsload")
    ]
)
