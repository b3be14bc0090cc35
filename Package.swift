// swift-tools-version: 6.2
// 6.2: AppModel's MappingReader keeps its slots in an `InlineArray` (Swift 6.2, and on Apple
// platforms the 6.2 runtime: macOS 26). CI builds and tests on Linux.
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "aspire",
    platforms: [.macOS(.v26)],
    products: [
        .executable(name: "aspire", targets: ["aspire"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
    ],
    targets: [
        // MARK: - YAML: libyaml behind a tiny C shim, then a safe Swift view.
        .systemLibrary(
            name: "CYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]
        ),
        .target(name: "CYAMLShim", dependencies: ["CYAML"]),
        .target(name: "YAMLSource", dependencies: ["CYAMLShim"], swiftSettings: swiftSettings),

        // MARK: - The app model: typed resources, validation, env resolution (pure).
        .target(name: "AppModel", dependencies: ["YAMLSource"], swiftSettings: swiftSettings),

        // MARK: - A large manifest parsed, decoded and validated on every core; the result is AppModel's.
        // Optional: without it (and its one use in the CLI) the loader is AppModel's, on one thread.
        .target(name: "ParallelLoad", dependencies: ["AppModel", "YAMLSource"], swiftSettings: swiftSettings),

        // MARK: - State on disk: ports, secrets, the run lock.
        .target(name: "AppState", dependencies: ["AppModel"], swiftSettings: swiftSettings),

        // MARK: - The supervisor: processes, probes, restarts, logs.
        .target(name: "CProcessShim"),
        .target(name: "CMallocPolicy"),
        .target(
            name: "Supervisor",
            dependencies: [
                "CProcessShim",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: - Control plane: the running app's API on a Unix socket (ps, restart, stop, start).
        .target(
            name: "ControlPlane",
            dependencies: ["Supervisor", "AppState", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),

        // MARK: - The web dashboard, its own target so the core builds without a web framework.
        .target(
            name: "Dashboard",
            dependencies: [.product(name: "Hummingbird", package: "hummingbird")],
            swiftSettings: swiftSettings
        ),

        // MARK: - Publishers: aspire-manifest.json, docker compose, Kubernetes.
        .target(name: "Publishing", dependencies: ["AppModel", "AppState", "YAMLSource"], swiftSettings: swiftSettings),

        // MARK: - Glue: the app model turned into a launch plan (project detection, well-known servers).
        .target(name: "AppHost", dependencies: ["AppModel", "AppState", "Supervisor"], swiftSettings: swiftSettings),

        // MARK: - The CLI.
        .executableTarget(
            name: "aspire",
            dependencies: [
                "AppModel", "AppState", "AppHost", "CMallocPolicy", "ControlPlane", "Dashboard", "ParallelLoad", "Publishing", "Supervisor",
                "YAMLSource",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: - Tests
        .testTarget(
            name: "YAMLSourceTests",
            dependencies: ["YAMLSource"],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "AppModelTests",
            dependencies: ["AppModel", "AppState", "YAMLSource"],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ParallelLoadTests",
            dependencies: ["ParallelLoad", "AppModel", "AppState", "YAMLSource"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PublishingTests",
            dependencies: ["Publishing", "AppModel", "AppState", "YAMLSource"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DashboardTests",
            dependencies: ["Dashboard", .product(name: "HummingbirdTesting", package: "hummingbird")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SupervisorTests",
            dependencies: ["Supervisor", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "aspireTests",
            dependencies: ["aspire", "AppHost", "AppModel", "AppState", "Supervisor"],
            swiftSettings: swiftSettings
        ),
    ]
)
