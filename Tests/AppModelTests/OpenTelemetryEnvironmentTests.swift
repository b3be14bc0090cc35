import AppModel
import AppState
import Foundation
import Testing

/// The OTEL_* variables `up` injects (docs/telemetry.md), the key kept as a secret, and `otel: false`.
@Suite struct OpenTelemetryEnvironmentTests {
    static let app = """
        name: shop
        resources:
          api:
            type: executable
            command: python3
          worker:
            type: executable
            command: python3
            replicas: 2
          quiet:
            type: executable
            command: python3
            otel: false
          cache:
            type: redis
            otel: false
        """

    static let expectedNames = [
        "OTEL_SERVICE_NAME", "OTEL_RESOURCE_ATTRIBUTES", "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_PROTOCOL",
        "OTEL_EXPORTER_OTLP_HEADERS", "OTEL_BLRP_SCHEDULE_DELAY", "OTEL_BSP_SCHEDULE_DELAY", "OTEL_METRIC_EXPORT_INTERVAL",
        "OTEL_TRACES_SAMPLER", "OTEL_METRICS_EXEMPLAR_FILTER", "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT",
    ]

    func environment(_ name: String, replica: Int = 0, runID: String? = nil) throws -> ResolvedEnvironment {
        let manifest = try #require(load(Self.app).manifest)
        var bindings = bindings(for: manifest)
        bindings.telemetry = TelemetryEndpoint(port: 4318, apiKey: "k3y")
        bindings.runID = runID
        return try EnvironmentResolver(manifest: manifest, bindings: bindings).environment(of: name, replica: replica)
    }

    @Test("Aspire's development values, with the receiver's endpoint and key")
    func values() throws {
        let env = try environment("api")
        #expect(env.map(\.name).filter { $0.hasPrefix("OTEL_") } == Self.expectedNames)
        #expect(env["OTEL_EXPORTER_OTLP_ENDPOINT"]?.value == "http://127.0.0.1:4318")  // what the receiver binds
        #expect(env["OTEL_EXPORTER_OTLP_PROTOCOL"]?.value == "http/protobuf")
        #expect(env["OTEL_EXPORTER_OTLP_HEADERS"]?.value == "x-otlp-api-key=k3y")
        #expect(env["OTEL_EXPORTER_OTLP_HEADERS"]?.rendered(showSecrets: false) == "x-otlp-api-key=***")
        #expect(env["OTEL_SERVICE_NAME"]?.value == "api")
        #expect(env["OTEL_RESOURCE_ATTRIBUTES"]?.value == "service.instance.id=api")
        for name in ["OTEL_BSP_SCHEDULE_DELAY", "OTEL_BLRP_SCHEDULE_DELAY", "OTEL_METRIC_EXPORT_INTERVAL"] {
            #expect(env[name]?.value == "1000")
        }
        #expect(env["OTEL_TRACES_SAMPLER"]?.value == "always_on")
        #expect(env["OTEL_METRICS_EXEMPLAR_FILTER"]?.value == "trace_based")
    }

    @Test("service.instance.id is unique per replica and per run")
    func instances() throws {
        #expect(try environment("worker", replica: 1, runID: "r1")["OTEL_RESOURCE_ATTRIBUTES"]?.value == "service.instance.id=worker-1-r1")
        #expect(try environment("api", runID: "r2")["OTEL_RESOURCE_ATTRIBUTES"]?.value == "service.instance.id=api-r2")
    }

    @Test("otel: false injects none of them, on executables and well-known servers alike")
    func optOut() throws {
        #expect(try environment("quiet").filter { $0.name.hasPrefix("OTEL_") }.isEmpty)
        #expect(try environment("cache").filter { $0.name.hasPrefix("OTEL_") }.isEmpty)
    }

    @Test("a container reaches the receiver through the host alias")
    func containerHost() throws {
        let manifest = try #require(load("""
            name: c
            resources:
              box:
                type: container
                image: busybox
            """).manifest)
        var bindings = bindings(for: manifest)
        bindings.telemetry = TelemetryEndpoint(port: 4318, grpcPort: 4317, apiKey: "k")
        var resolver = EnvironmentResolver(manifest: manifest, bindings: bindings)
        resolver.containerHost = "host.containers.internal"
        let env = try resolver.environment(of: "box")
        #expect(env["OTEL_EXPORTER_OTLP_ENDPOINT"]?.value == "http://host.containers.internal:4318")
        #expect(env["OTEL_EXPORTER_OTLP_PROTOCOL"]?.value == "http/protobuf")
    }

    @Test(".NET projects export over gRPC to the gRPC port; the rest over HTTP; containers through the alias")
    func dotnetGRPC() throws {
        let manifest = try #require(load("""
            name: d
            resources:
              web:
                type: project
                path: web
                command: dotnet
              py:
                type: project
                path: py
                command: python3
              box:
                type: container
                image: busybox
            """).manifest)
        var bindings = bindings(for: manifest)
        bindings.telemetry = TelemetryEndpoint(port: 4318, grpcPort: 4317, apiKey: "k")
        bindings.dotnetProjects = ["web"]
        var resolver = EnvironmentResolver(manifest: manifest, bindings: bindings)
        let web = try resolver.environment(of: "web")
        #expect(web["OTEL_EXPORTER_OTLP_PROTOCOL"]?.value == "grpc")
        #expect(web["OTEL_EXPORTER_OTLP_ENDPOINT"]?.value == "http://127.0.0.1:4317")
        let py = try resolver.environment(of: "py")
        #expect(py["OTEL_EXPORTER_OTLP_PROTOCOL"]?.value == "http/protobuf")
        #expect(py["OTEL_EXPORTER_OTLP_ENDPOINT"]?.value == "http://127.0.0.1:4318")
        resolver.containerHost = "host.containers.internal"
        #expect(try resolver.environment(of: "box")["OTEL_EXPORTER_OTLP_ENDPOINT"]?.value == "http://host.containers.internal:4318")
        #expect(try resolver.environment(of: "web")["OTEL_EXPORTER_OTLP_ENDPOINT"]?.value == "http://127.0.0.1:4317")  // a process
    }

    @Test("the receiver's port and key are made once and kept in .aspire (the key 0600)")
    func stable() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let manifest = try #require(load(Self.app, directory: directory).manifest)
        let folder = StateFolder(manifestDirectory: directory)
        let store = BindingsStore(folder: folder, manifest: manifest, environment: [:])
        let (first, _) = try store.prepare(mode: .inspect)
        let (second, _) = try store.prepare(mode: .run)
        let telemetry = try #require(first.telemetry)
        #expect(telemetry == second.telemetry)
        #expect(telemetry.apiKey.count == 32)
        let ports = try String(contentsOfFile: folder.portsFile, encoding: .utf8)
        #expect(ports.contains("\"\(BindingsStore.otlpPortKey)\""))
        #expect(ports.contains("\"\(BindingsStore.otlpGRPCPortKey)\""))
        #expect(telemetry.grpcPort != nil && telemetry.grpcPort != telemetry.port)
        let secrets = try String(contentsOfFile: folder.secretsFile, encoding: .utf8)
        #expect(secrets.contains(telemetry.apiKey))
        let attributes = try FileManager.default.attributesOfItem(atPath: folder.secretsFile)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
    }
}
