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
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/grpc/grpc-swift-2", from: "2.4.3"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport", from: "2.9.2"),
        .package(url: "https://github.com/apple/swift-nio-http2.git", from: "1.46.0"),
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

        // MARK: - Quoting (JSON strings, /bin/sh words), shared by every writer; depends on nothing.
        .target(name: "Quoting", swiftSettings: swiftSettings),

        // MARK: - The app model: typed resources, validation, env resolution (pure).
        .target(name: "AppModel", dependencies: ["Quoting", "YAMLSource"], swiftSettings: swiftSettings),

        // MARK: - A running app's status: the one value the control API, status.json, ps and the dashboard share.
        .target(name: "AppStatus", swiftSettings: swiftSettings),

        // MARK: - A large manifest parsed, decoded and validated on every core; the result is AppModel's.
        // Optional: without it (and its one use in the CLI) the loader is AppModel's, on one thread.
        .target(name: "ParallelLoad", dependencies: ["AppModel", "YAMLSource"], swiftSettings: swiftSettings),

        // MARK: - State on disk: ports, secrets, the run lock.
        .target(name: "AppState", dependencies: ["AppModel", "AppStatus"], swiftSettings: swiftSettings),

        // MARK: - The supervisor: processes, probes, restarts, logs.
        .target(name: "CProcessShim"),
        .target(name: "CMallocPolicy"),
        .target(
            name: "Supervisor",
            dependencies: [
                "AppStatus", "CProcessShim",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: - Control plane: the running app's API on a Unix socket (ps, restart, stop, start).
        .target(
            name: "ControlPlane",
            dependencies: [
                "AppStatus", "GracefulServing", "Supervisor", "AppState", "Telemetry", .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: - Stopping a server without a trap: cancellation becomes a graceful shutdown.
        .target(
            name: "GracefulServing",
            dependencies: [
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: - The web dashboard, its own target so the core builds without a web framework.
        .target(
            name: "Dashboard",
            dependencies: ["AppStatus", "GracefulServing", "Quoting", "Telemetry", .product(name: "Hummingbird", package: "hummingbird")],
            swiftSettings: swiftSettings
        ),

        // MARK: - Telemetry: the OTLP types (generated, Sources/OTLP/README.md), zlib, the receiver and its store.
        .target(
            name: "OTLP", dependencies: [.product(name: "SwiftProtobuf", package: "swift-protobuf")],
            exclude: ["README.md"], swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .target(name: "CZlibShim", linkerSettings: [.linkedLibrary("z")]),
        .target(
            name: "Telemetry",
            dependencies: [
                "OTLP", "CZlibShim", "GracefulServing", "Quoting",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: - OTLP/gRPC: the collector services over grpc-swift 2, into Telemetry's ingest (its own target
        // so the dashboard and the fuzz targets build without gRPC).
        .target(
            name: "TelemetryGRPC",
            dependencies: [
                "Telemetry",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2Posix", package: "grpc-swift-nio-transport"),
                // The oversized-message guard in front of the transport's stream handler.
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP2", package: "swift-nio-http2"),
                .product(name: "NIOHPACK", package: "swift-nio-http2"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: - Publishers: aspire-manifest.json, docker compose, Kubernetes.
        .target(name: "Publishing", dependencies: ["AppModel", "AppState", "Quoting", "YAMLSource"], swiftSettings: swiftSettings),

        // MARK: - Glue: the app model turned into a launch plan (project detection, well-known servers).
        .target(name: "AppHost", dependencies: ["AppModel", "AppState", "Supervisor"], swiftSettings: swiftSettings),

        // MARK: - Writing manifests: `aspire init` (compose files, project folders) and `aspire add`.
        .target(name: "ManifestAuthoring", dependencies: ["AppModel", "AppHost", "Quoting", "YAMLSource"], swiftSettings: swiftSettings),

        // MARK: - `up` as a library: the run (lock, plan, env files, supervisor, control API, dashboard,
        // status file), `--detach`'s wait, and the readers of what a run leaves in `.aspire/`.
        .target(
            name: "AppRunner",
            dependencies: [
                "AppModel", "AppState", "AppStatus", "AppHost", "ControlPlane", "Dashboard", "Supervisor", "Telemetry",
                "TelemetryGRPC", .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: - The CLI.
        .executableTarget(
            name: "aspire",
            dependencies: [
                "AppModel", "AppState", "AppStatus", "AppHost", "AppRunner", "CMallocPolicy", "ControlPlane", "Dashboard", "ManifestAuthoring", "ParallelLoad", "Publishing", "Quoting",
                "Supervisor", "Telemetry", "YAMLSource",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: - Benchmarks: the OTLP receiver's ingest and memory (bench/otel.py, in `make bench`; never run by `make test`).
        .executableTarget(
            name: "otelbench",
            dependencies: ["Telemetry", "OTLP", .product(name: "SwiftProtobuf", package: "swift-protobuf")],
            path: "bench/otelbench",
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
            dependencies: ["AppModel", "AppState", "Quoting", "YAMLSource"],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ManifestAuthoringTests",
            dependencies: ["ManifestAuthoring", "AppModel", "YAMLSource"],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "AppStatusTests", dependencies: ["AppStatus"], swiftSettings: swiftSettings),
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
            dependencies: [
                "AppStatus", "Dashboard", "OTLP", "Telemetry", .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ControlPlaneTests",
            dependencies: ["AppStatus", "ControlPlane", "Telemetry", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TelemetryTests",
            dependencies: ["Telemetry", "TelemetryGRPC", "OTLP", .product(name: "SwiftProtobuf", package: "swift-protobuf")],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SupervisorTests",
            dependencies: ["AppStatus", "Supervisor", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "AppRunnerTests",
            dependencies: ["AppRunner", "AppModel", "AppState", "Supervisor"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "aspireTests",
            dependencies: ["aspire", "AppHost", "AppModel", "AppState", "AppStatus", "ControlPlane", "Supervisor"],
            swiftSettings: swiftSettings
        ),
    ]
)
