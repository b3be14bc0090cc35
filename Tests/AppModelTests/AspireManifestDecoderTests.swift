import AppModel
import AppState
import Foundation
import Testing
import YAMLSource

/// Loads aspire-manifest.json text through the real pipeline (shim → Aspire decoder → validator).
private func loadJSON(_ json: String, directory: String = "/apps/Shop.AppHost") -> ManifestLoader.Result {
    ManifestLoader(environment: [:]).load(bytes: Array(json.utf8), file: "aspire-manifest.json", directory: directory)
}

/// A fixture from Fixtures/aspire-manifest/.
private func fixture(_ name: String) throws -> String {
    let url = try #require(Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures/aspire-manifest"))
    return try String(contentsOf: url, encoding: .utf8)
}

/// `{"resources": {...}}` around one resource's JSON, for table tests.
private func resources(_ body: String) -> String { "{\n  \"resources\": {\n\(body)\n  }\n}\n" }

@Suite struct AspireManifestDecoderTests {
    // MARK: - One resource type at a time

    @Test("project.v0: the folder of the .csproj, env as templates, bindings as endpoints")
    func project() throws {
        let result = loadJSON(
            resources(
                """
                    "api": {
                      "type": "project.v0",
                      "path": "../Api/Api.csproj",
                      "args": ["--verbose"],
                      "env": { "HTTP_PORTS": "{api.bindings.http.targetPort}", "MODE": "fast" },
                      "bindings": {
                        "http": { "scheme": "http", "protocol": "tcp", "transport": "http", "external": true },
                        "https": { "scheme": "https", "protocol": "tcp", "transport": "http", "port": 7443 }
                      }
                    }
                """))
        #expect(!result.hasErrors, "\(result.diagnostics)")
        let api = try #require(result.manifest?["api"])
        #expect(api.kind == .project(Project(path: "../Api", command: nil)))
        #expect(api.run.args.map(\.description) == ["--verbose"])
        #expect(api.run.env.map(\.name) == ["HTTP_PORTS", "MODE"])
        #expect(api.run.env[0].value.expressions.first?.property == .endpoint(name: "http", field: .targetPort))
        #expect(api.run.env[0].location.line == 7)
        #expect(api.run.endpoints.map(\.name) == ["http", "https"])
        #expect(api.run.endpoints[0].scheme == .http && api.run.endpoints[0].external && api.run.endpoints[0].port == nil)
        #expect(api.run.endpoints[1].scheme == .https && api.run.endpoints[1].port == 7443 && !api.run.endpoints[1].external)
    }

    @Test("container.v0 and container.v1: image or build, entrypoint, args, volumes, bind mounts")
    func containers() throws {
        let result = try #require(loadJSON(try fixture("kinds")).manifest)
        guard case .container(let frontend)? = result["frontend"]?.kind, case .container(let proxy)? = result["proxy"]?.kind,
            case .container(let legacy)? = result["legacy"]?.kind
        else {
            Issue.record("expected containers")
            return
        }
        // Aspire's dockerfile is relative to the manifest; ours to the context.
        #expect(frontend.build?.context == "../frontend")
        #expect(frontend.build?.dockerfile == "Dockerfile.prod")
        #expect(frontend.image == nil)
        #expect(proxy.image == "docker.io/library/nginx:1.27")
        #expect(proxy.bindMounts.first?.source == "../nginx" && proxy.bindMounts.first?.readOnly == true)
        #expect(result["proxy"]?.run.endpoints.first?.port == 8080)
        #expect(result["proxy"]?.run.endpoints.first?.targetPort == 80)
        // dockerfile.v0 is a container built from its context (default Dockerfile name → nil).
        #expect(legacy.build?.context == "../legacy" && legacy.build?.dockerfile == nil)
        #expect(result["legacy"]?.run.endpoints.first?.scheme == .udp)
    }

    @Test("executable.v0: command, args, workingDirectory")
    func executable() throws {
        let manifest = try #require(loadJSON(try fixture("kinds")).manifest)
        let worker = try #require(manifest["worker"])
        #expect(worker.kind == .executable(Executable(command: "python3")))
        #expect(worker.run.workingDir == "../worker")
        #expect(worker.run.args.count == 2)
        // The AddConnectionString parameter is a connection string read from the environment.
        #expect(worker.run.args[1].expressions.first?.property == .connectionString)
        #expect(manifest["legacydb"]?.kind == .connectionString(Template(parts: [])))
    }

    @Test("parameter.v0: secret, default value, generate with Aspire's class defaults")
    func parameters() throws {
        let manifest = try #require(loadJSON(try fixture("shop")).manifest)
        #expect(manifest["greeting"]?.kind == .parameter(Parameter(secret: false, defaultValue: "hello", generate: nil)))
        #expect(
            manifest["pg-password"]?.kind
                == .parameter(Parameter(secret: true, generate: Parameter.Generate(length: 22, lower: true, upper: true, numeric: true, special: true))))
        #expect(
            manifest["cache-password"]?.kind
                == .parameter(Parameter(secret: true, generate: Parameter.Generate(length: 22, lower: true, upper: true, numeric: true, special: false))))
        let kinds = try #require(loadJSON(try fixture("kinds")).manifest)
        #expect(
            kinds["apikey"]?.kind
                == .parameter(Parameter(secret: true, generate: Parameter.Generate(length: 30, lower: true, upper: false, numeric: true, special: false))))
        #expect(kinds["region"]?.kind == .parameter(Parameter()))
    }

    @Test("value.v0 is a connection string; empty ones and annotated.string are used in place")
    func valuesAndAnnotatedStrings() throws {
        let manifest = try #require(loadJSON(try fixture("shop")).manifest)
        // ordersdb keeps its own resource; pg's connection string (a container's) is inlined into it.
        guard case .connectionString(let ordersdb)? = manifest["ordersdb"]?.kind else {
            Issue.record("ordersdb should be a connection string")
            return
        }
        #expect(ordersdb.description == "Host={pg.endpoints.tcp.host};Port={pg.endpoints.tcp.port};Username=postgres;Password={pg-password.value};Database=ordersdb")
        // The TLS placeholder and the uri-encoded annotations have no resource of their own.
        #expect(manifest["cond-cache-tls-0f1e2d3c"] == nil)
        #expect(manifest["pg-password-uri-encoded"] == nil)
        let uri = try #require(manifest["orders"]?.run.env.first { $0.name == "ORDERSDB_URI" })
        #expect(uri.value.description == "postgresql://postgres:{pg-password.value}@{pg.endpoints.tcp.host}:{pg.endpoints.tcp.port}/ordersdb")
    }

    @Test("a scheme endpoints cannot hold (redis) is written out where it is used")
    func customScheme() throws {
        let manifest = try #require(loadJSON(try fixture("shop")).manifest)
        let basket = try #require(manifest["basket"])
        let uri = try #require(basket.run.env.first { $0.name == "CACHE_URI" })
        #expect(uri.value.description == "redis://:{cache-password.value}@{cache.endpoints.tcp.host}:{cache.endpoints.tcp.port}")
        let connection = try #require(basket.run.env.first { $0.name == "ConnectionStrings__cache" })
        #expect(connection.value.description == "{cache.endpoints.tcp.host}:{cache.endpoints.tcp.port},password={cache-password.value}")
        #expect(manifest["cache"]?.run.endpoints.first?.scheme == .tcp)
    }

    @Test("braces that are not expressions stay as written")
    func catchAll() throws {
        let manifest = try #require(loadJSON(try fixture("shop")).manifest)
        let route = try #require(manifest["gateway"]?.run.env.first { $0.name == "REVERSEPROXY__ROUTES__route0__MATCH__PATH" })
        #expect(route.value.literalValue == "/orders/{**catch-all}")
    }

    // MARK: - A realistic manifest, end to end

    @Test("the shop manifest is valid and resolves to Aspire's values")
    func shopResolves() throws {
        let result = loadJSON(try fixture("shop"))
        #expect(!result.diagnostics.contains { $0.severity >= .warning }, "\(result.diagnostics)")
        let manifest = try #require(result.manifest)
        #expect(manifest.resourceNames == ["pg", "ordersdb", "cache", "orders", "basket", "storefront", "gateway", "greeting", "pg-password", "cache-password"])
        var bindings = Bindings()
        bindings.hostPorts = [
            EndpointID("pg", "tcp"): 15432, EndpointID("cache", "tcp"): 16379, EndpointID("orders", "http"): 5001,
            EndpointID("orders", "https"): 5002, EndpointID("basket", "http"): 5003, EndpointID("storefront", "http"): 5004,
            EndpointID("gateway", "http"): 8088,
        ]
        bindings.parameters = ["greeting": "hello", "pg-password": "pgpw", "cache-password": "cachepw"]
        let resolver = EnvironmentResolver(manifest: manifest, bindings: bindings)
        let orders = try resolver.environment(of: "orders").values
        #expect(orders["ConnectionStrings__ordersdb"] == "Host=localhost;Port=15432;Username=postgres;Password=pgpw;Database=ordersdb")
        #expect(orders["ORDERSDB_URI"] == "postgresql://postgres:pgpw@localhost:15432/ordersdb")
        #expect(orders["HTTP_PORTS"] == "5001")
        let basket = try resolver.environment(of: "basket").values
        #expect(basket["ConnectionStrings__cache"] == "localhost:16379,password=cachepw")
        #expect(basket["CACHE_URI"] == "redis://:cachepw@localhost:16379")
        let storefront = try resolver.environment(of: "storefront").values
        #expect(storefront["services__orders__https__0"] == "https://localhost:5002")
        #expect(storefront["GREETING"] == "hello")
        #expect(try resolver.environment(of: "storefront")["GREETING"]?.isSecret == false)
        #expect(try resolver.environment(of: "basket")["CACHE_PASSWORD"]?.isSecret == true)
    }

    // MARK: - Diagnostics

    @Test("cloud types are warnings naming the resource, with where they are used; never errors")
    func unsupportedTypes() throws {
        let result = loadJSON(try fixture("cloud"))
        #expect(!result.hasErrors, "\(result.diagnostics)")
        let warnings = result.diagnostics.filter { $0.message.id == "unsupported-resource-type" }
        #expect(warnings.map(\.severity) == [.warning, .warning, .warning])
        #expect(warnings.map { "\($0.location?.line ?? 0):\($0.location?.column ?? 0)" } == ["4:15", "13:15", "16:5"])
        #expect(warnings[0].message.text.contains("'sql'") && warnings[0].message.text.contains("azure.bicep.v0"))
        #expect(warnings[0].notes.map(\.message) == ["used at $.resources.appdb.connectionString", "used at $.resources.api.env.APPDB_HOST"])
        #expect(warnings[0].notes.map { $0.location?.line } == [10, 25])
        #expect(warnings[2].message.text.contains("does not support generation"))
        // What used the skipped resource keeps its text.
        let api = try #require(result.manifest?["api"])
        #expect(api.run.env.first { $0.name == "APPDB_HOST" }?.value.literalValue == "{sql.outputs.hostName}")
        #expect(result.manifest?.resourceNames == ["appdb", "api"])
    }

    /// (resource JSON, expected `id@line:col`): the first diagnostic of each kind of mistake.
    static let mistakes: [(String, String)] = [
        // An expression naming a resource the manifest lacks: an error at the expression.
        (#""a": { "type": "project.v0", "path": "a.csproj", "env": { "X": "{cahce.connectionString}" } }"#, "unknown-resource@3:69"),
        (#""a": { "type": "project.v0", "env": {} }"#, "missing-field@3:5"),
        (#""a": { "type": "container.v0", "bindings": { "tcp": { "scheme": "tcp", "targetPort": "6379" } } , "image": "x" }"#, "wrong-type@3:90"),
        (#""a": { "type": "container.v0", "image": "x", "imagee": "y" }"#, "unknown-key@3:50"),
        (#""a": { "type": "project.v0", "path": "a.csproj", "env": { "X": "{a.bindings.http.uri}" } }"#, "unknown-property@3:69"),
        (#""a": { "type": "parameter.v0", "value": "{a.inputs.value}", "inputs": { "value": { "type": "string", "default": { "generate": { "minLength": 0 } } } } }"#, "out-of-range@3:146"),
        (#""a": { "type": "container.v0", "image": "x", "connectionString": "{b.connectionString}" }, "b": { "type": "container.v0", "image": "y", "connectionString": "{a.connectionString}" }"#, "cycle@3:162"),
        (#""a": { "type": "container.v1", "build": { "context": "x", "dockerfile": "x/Dockerfile", "args": { "V": "1" } } }"#, "ignored-field@3:101"),
        (#""a": { "type": "annotated.string", "value": "x", "filter": "base64" }"#, "ignored-field@3:64"),
    ]

    @Test("each mistake is reported at its line:column", arguments: mistakes)
    func mistake(json: String, expected: String) {
        let result = loadJSON(resources("    " + json))
        #expect(result.diagnostics.map(\.summary).contains(expected), "\(result.diagnostics.map(\.summary)): \(result.diagnostics.map(\.message.text))")
    }

    @Test("an unknown resource in an expression names the JSON path and suggests the right name")
    func unknownResourceMessage() throws {
        let result = loadJSON(
            resources(
                #"    "cache": { "type": "container.v0", "image": "redis", "connectionString": "x" }, "a": { "type": "project.v0", "path": "a.csproj", "env": { "C": "{cahce.connectionString}" } }"#
            ))
        let error = try #require(result.diagnostics.first { $0.message.id == "unknown-resource" })
        #expect(error.severity == .error)
        #expect(error.message.text == "'{cahce.connectionString}' at $.resources.a.env.C names unknown resource 'cahce'; did you mean 'cache'?")
        // Reported once, by the reader, not again by the validator.
        #expect(result.diagnostics.filter { $0.message.id == "unknown-resource" }.count == 1)
    }

    @Test("Aspire's own parameter shapes: bindings of a parameter.v0/value.v0 warn at the JSON location; only what needs them fails")
    func bindingsOfValues() throws {
        let result = loadJSON(try fixture("parameters"))
        #expect(!result.hasErrors, "\(result.diagnostics.map(\.summary)): \(result.diagnostics.map(\.message.text))")
        #expect(
            result.diagnostics.filter { $0.message.id == "no-bindings" }.map(\.summary) == [
                "no-bindings@31:32", "no-bindings@35:17", "no-bindings@63:21", "no-bindings@64:21",
            ])
        #expect(result.diagnostics.allSatisfy { $0.severity == .warning }, "\(result.diagnostics.map(\.message.text))")
        let manifest = try #require(result.manifest)
        #expect(manifest.unboundExpressionTargets == ["sql", "db"])
        // Aspire 8's previews wrote `containerPort` for `targetPort`.
        #expect(manifest["legacy"]?.run.endpoints.map(\.targetPort) == [6379])

        var bindings = Bindings()
        bindings.hostPorts[EndpointID("api", "http")] = 41000
        bindings.parameters = ["insertionrows": "5", "sql-password": "pw"]
        bindings.hostEnvironment = ["ConnectionStrings__sql": "Server=sql"]
        let resolver = EnvironmentResolver(manifest: manifest, bindings: bindings)
        // A resource that does not need the value starts.
        let worker = try resolver.environment(of: "worker")
        #expect(worker["ConnectionStrings__db"]?.value == "Server=sql;Initial Catalog=db")
        #expect(try resolver.arguments(of: "worker").map(\.value) == ["worker.py", "--rows=5"])
        // One that does fails with one clear line.
        let failure = #expect(throws: EnvironmentResolver.Failure.self) { try resolver.environment(of: "api") }
        #expect(failure?.message == "'{sql.bindings.tcp.url}' has no value: 'sql' is a connectionString with no bindings")
    }

    @Test("malformed JSON is a syntax error at file:line:col")
    func malformed() throws {
        let result = loadJSON("{\n  \"resources\": {\n    \"a\": { \"type\": \"project.v0\" \"path\": \"x\" }\n  }\n}\n")
        #expect(result.manifest == nil)
        let error = try #require(result.diagnostics.first)
        #expect(error.message.id == "yaml-syntax")
        #expect(error.location == SourceLocation(file: "aspire-manifest.json", line: 3, column: 33))
    }

    @Test("a manifest without resources is an error")
    func noResources() {
        #expect(loadJSON("{ \"$schema\": \"x\" }").diagnostics.map(\.message.id) == ["missing-resources"])
    }

    @Test("only .json files go to the Aspire reader")
    func dispatchByExtension() {
        let json = "{\"resources\": {\"p\": {\"type\": \"parameter.v0\", \"value\": \"{p.inputs.value}\", \"inputs\": {\"value\": {\"type\": \"string\"}}}}}"
        let asJSON = ManifestLoader(environment: [:]).load(bytes: Array(json.utf8), file: "m.json", directory: "/tmp")
        #expect(asJSON.manifest?["p"]?.kind == .parameter(Parameter()))
        let asYAML = ManifestLoader(environment: [:]).load(bytes: Array(json.utf8), file: "m.yaml", directory: "/tmp")
        #expect(asYAML.hasErrors)
    }
}

extension Diagnostic {
    /// `id@line:col`.
    fileprivate var summary: String { "\(message.id)@\(location?.line ?? 0):\(location?.column ?? 0)" }
}
