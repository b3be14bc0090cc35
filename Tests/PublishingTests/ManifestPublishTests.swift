import AppModel
import AppState
import Foundation
import Publishing
import Testing

@Suite struct ManifestPublishTests {
    @Test("the manifest is valid against Aspire's JSON Schema (aspire-8.0.json)", .enabled(if: Tool.hasPython("jsonschema")))
    func schema() throws {
        let app = try SampleApp.make()
        let (_, output) = try app.publish(.manifest)
        let script = """
            import json, sys, jsonschema
            schema = json.load(open(sys.argv[1]))
            document = json.load(open(sys.argv[2]))
            errors = list(jsonschema.Draft7Validator(schema).iter_errors(document))
            for error in errors: print(list(error.path), error.message[:300])
            sys.exit(1 if errors else 0)
            """
        let result = try Tool.python(script, [Schemas.aspire, output + "/aspire-manifest.json"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    }

    @Test("publish, then read back: same resources, endpoints, and the same environment for everything that runs")
    func roundTrip() throws {
        let app = try SampleApp.make()
        let original = app.manifest
        let (report, output) = try app.publish(.manifest)
        let file = output + "/aspire-manifest.json"
        let loaded = ManifestLoader(environment: [:]).load(bytes: Array(try report.text("aspire-manifest.json").utf8), file: file, directory: output)
        #expect(!loaded.diagnostics.contains { $0.severity == .error }, "\(loaded.diagnostics.map(\.message.text))")
        let back = try #require(loaded.manifest)

        // Resources: all but the external service (Aspire writes its URL in place), plus the
        // password parameter Aspire makes for a server with a generated password.
        let expectedNames = original.resourceNames.filter { $0 != "docs" } + ["cache-password"]
        #expect(Set(back.resourceNames) == Set(expectedNames))
        for resource in original.resources where resource.isRunnable {
            let copy = try #require(back[resource.name], "\(resource.name) missing")
            #expect(copy.run.endpoints.map(EndpointShape.init) == resource.run.endpoints.map(EndpointShape.init), "\(resource.name)")
        }
        // Folders resolve to the same place from the manifest's new home.
        guard case .project(let project)? = original["apiservice"]?.kind, case .project(let copy)? = back["apiservice"]?.kind else {
            Issue.record("apiservice should stay a project")
            return
        }
        #expect(PathArithmetic.absolute(project.path, base: original.directory) == PathArithmetic.absolute(copy.path, base: back.directory))
        #expect(back["pg"]?.typeName == "container" && back["catalogdb"]?.typeName == "connectionString")
        #expect(back["pgpassword"]?.kind == original["pgpassword"]?.kind)
        #expect(back["region"]?.kind == original["region"]?.kind)
        #expect(back["legacydb"]?.kind == original["legacydb"]?.kind)

        // The environment each resource receives is the same, value for value.
        var bindings = Bindings()
        var port = 41000
        for resource in original.resources where resource.isRunnable {
            for endpoint in resource.run.endpoints {
                bindings.hostPorts[EndpointID(resource.name, endpoint.name)] = endpoint.port ?? port
                port += 1
            }
        }
        bindings.parameters = ["pgpassword": "pg-secret", "region": "no"]
        bindings.passwords = ["cache": "cache-secret"]
        bindings.hostEnvironment = ["ConnectionStrings__legacydb": "Server=legacy;Database=app"]
        var backBindings = bindings
        backBindings.parameters["cache-password"] = "cache-secret"
        let before = EnvironmentResolver(manifest: original, bindings: bindings)
        let after = EnvironmentResolver(manifest: back, bindings: backBindings)
        for resource in original.resources where resource.isRunnable && !resource.isServer {
            var expected = try before.environment(of: resource.name).values
            var actual = try after.environment(of: resource.name).values
            if resource.run.replicas > 1 {
                // Replicas are not in Aspire's format, so the instance id loses its `-0`.
                expected["OTEL_RESOURCE_ATTRIBUTES"] = nil
                actual["OTEL_RESOURCE_ATTRIBUTES"] = nil
            }
            #expect(actual == expected, "\(resource.name)")
            #expect(try after.arguments(of: resource.name).map(\.value) == before.arguments(of: resource.name).map(\.value), "\(resource.name)")
        }
        #expect(try after.environment(of: "webfrontend").values["CACHE_URI"] == "redis://:cache-secret@localhost:41000")
    }

    @Test("redis and postgres are written as Aspire writes them; databases as value.v0")
    func wellKnownShapes() throws {
        let (report, _) = try SampleApp.make().publish(.manifest)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(report.text("aspire-manifest.json").utf8)) as? [String: Any])
        let resources = try #require(json["resources"] as? [String: [String: Any]])
        let cache = try #require(resources["cache"])
        #expect(cache["type"] as? String == "container.v0")
        #expect(cache["image"] as? String == "docker.io/library/redis:7.4")
        #expect(cache["connectionString"] as? String == "{cache.bindings.tcp.host}:{cache.bindings.tcp.port},password={cache-password.value}")
        #expect((cache["env"] as? [String: String])?["REDIS_PASSWORD"] == "{cache-password.value}")
        let password = try #require(resources["cache-password"])
        #expect(password["type"] as? String == "parameter.v0")
        let pg = try #require(resources["pg"])
        #expect((pg["env"] as? [String: String])?["POSTGRES_PASSWORD"] == "{pgpassword.value}")
        #expect(resources["catalogdb"]?["connectionString"] as? String == "{pg.connectionString};Database=catalogdb")
        #expect(resources["pgpassword-uri-encoded"]?["type"] as? String == "annotated.string")
        #expect(resources["legacy"]?["path"] as? String == "../../Legacy/Legacy.csproj")
        #expect(resources["legacydb"]?["connectionString"] as? String == "{legacydb.value}")
        let api = try #require(resources["apiservice"]?["env"] as? [String: String])
        #expect(api["ConnectionStrings__catalogdb"] == "{catalogdb.connectionString}")
        #expect(api["services__docs__https__0"] == "https://docs.example.com")
        #expect(api["PORT"] == "{apiservice.bindings.http.targetPort}")
        // What Aspire's format cannot hold is said, not dropped silently.
        #expect(report.notes.contains { $0.resource == "worker" && $0.message.contains("restart") && $0.message.contains("replicas") })
    }

    @Test("names with '-' stay in Aspire's keys; the upper-cased ones use '_'; reading back gives the same environment")
    func hyphenatedNames() throws {
        let yaml = """
            name: shop
            resources:
              my-cache:
                type: redis
              my-valkey:
                type: valkey
              my-api:
                type: executable
                command: python3
              web-front:
                type: executable
                command: python3
                references: [my-cache, my-valkey, my-api]
            """
        let app = try SampleApp.make(yaml, files: [:])
        let (report, output) = try app.publish(.manifest)
        let text = try report.text("aspire-manifest.json")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let resources = try #require(json["resources"] as? [String: [String: Any]])
        let env = try #require(resources["web-front"]?["env"] as? [String: String])
        #expect(env["ConnectionStrings__my-cache"] == "{my-cache.connectionString}")
        #expect(env["MY_CACHE_HOST"] == "{my-cache.bindings.tcp.host}")
        #expect(env["MY_CACHE_URI"] == "redis://:{my-cache-password-uri-encoded.value}@{my-cache.bindings.tcp.host}:{my-cache.bindings.tcp.port}")
        // valkey's properties come from the same list as under `up` (they were missing here once).
        #expect(env["ConnectionStrings__my-valkey"] == "{my-valkey.connectionString}")
        #expect(env["MY_VALKEY_PASSWORD"] == "{my-valkey-password.value}")
        #expect(env["MY_VALKEY_URI"] == "valkey://:{my-valkey-password-uri-encoded.value}@{my-valkey.bindings.tcp.host}:{my-valkey.bindings.tcp.port}")
        #expect(env["services__my-api__http__0"] == "{my-api.bindings.http.url}")
        #expect(env["MY_API_HTTP"] == "{my-api.bindings.http.url}")
        #expect(!env.keys.contains { $0.contains("my_") })

        let loaded = ManifestLoader(environment: [:]).load(bytes: Array(text.utf8), file: output + "/aspire-manifest.json", directory: output)
        #expect(!loaded.diagnostics.contains { $0.severity == .error }, "\(loaded.diagnostics.map(\.message.text))")
        let back = try #require(loaded.manifest)
        var bindings = Bindings()
        bindings.hostPorts = [
            EndpointID("my-cache", "tcp"): 41000, EndpointID("my-valkey", "tcp"): 41001, EndpointID("my-api", "http"): 41002,
            EndpointID("web-front", "http"): 41003,
        ]
        bindings.passwords = ["my-cache": "cache-secret", "my-valkey": "valkey-secret"]
        var backBindings = bindings
        backBindings.parameters = ["my-cache-password": "cache-secret", "my-valkey-password": "valkey-secret"]
        let expected = try EnvironmentResolver(manifest: app.manifest, bindings: bindings).environment(of: "web-front")
        let actual = try EnvironmentResolver(manifest: back, bindings: backBindings).environment(of: "web-front")
        #expect(actual.values == expected.values)
        #expect(actual["ConnectionStrings__my-cache"]?.value == "localhost:41000,password=cache-secret")
    }

    @Test("publishing twice gives the same bytes")
    func deterministic() throws {
        let app = try SampleApp.make()
        let (first, output) = try app.publish(.manifest)
        let (second, _) = try app.publish(.manifest, into: output)
        #expect(first.files == second.files)
    }
}

/// The parts of an endpoint both formats carry.
private struct EndpointShape: Hashable, CustomStringConvertible {
    var name: String
    var scheme: Endpoint.Scheme
    var port: Int?
    var targetPort: Int?
    var external: Bool

    init(_ endpoint: Endpoint) {
        name = endpoint.name
        scheme = endpoint.scheme
        port = endpoint.port
        targetPort = endpoint.targetPort
        external = endpoint.external
    }

    var description: String { "\(name) \(scheme) \(port.map(String.init) ?? "-"):\(targetPort.map(String.init) ?? "-")\(external ? " external" : "")" }
}

extension Resource {
    /// Redis and postgres come back as containers with their own server variables.
    fileprivate var isServer: Bool {
        switch kind {
        case .redis, .postgres: true
        default: false
        }
    }
}
