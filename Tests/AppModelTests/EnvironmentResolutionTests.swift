import AppModel
import AppState
import Foundation
import Testing

@Suite struct EnvironmentResolutionTests {
    static let shop = """
        name: shop
        resources:
          cache:
            type: redis
          pg:
            type: postgres
            databases: [catalogdb]
          apiservice:
            type: project
            path: ./api
            references: [catalogdb]
            endpoints:
              http: {}
              https: {}
              grpc: { scheme: http }
          webfrontend:
            type: project
            path: ./web
            references: [cache, apiservice, { resource: legacy, connectionName: old-db }, weather]
            env:
              PORT: "9999"
              API: "{apiservice.endpoints.https.url}"
              API_PORT: "{apiservice.bindings.http.port}"
          legacy:
            type: connectionString
            value: "Server=x;Password={secret.value}"
          secret:
            type: parameter
            secret: true
            default: hunter2
          weather:
            type: external
            url: https://weather.example
          worker:
            type: executable
            command: python3
            replicas: 3
        """

    func resolve(_ name: String, replica: Int = 0) throws -> ResolvedEnvironment {
        let manifest = try #require(load(Self.shop).manifest)
        var bindings = bindings(for: manifest)
        bindings.parameters["secret"] = "hunter2"
        return try EnvironmentResolver(manifest: manifest, bindings: bindings).environment(of: name, replica: replica)
    }

    @Test("redis reference: ConnectionStrings__cache and CACHE_* properties")
    func redis() throws {
        let env = try resolve("webfrontend")
        let port = try #require(env["CACHE_PORT"]?.value)
        #expect(env["ConnectionStrings__cache"]?.value == "localhost:\(port),password=redispw")
        #expect(env["ConnectionStrings__cache"]?.rendered(showSecrets: false) == "localhost:\(port),password=***")
        #expect(env["CACHE_HOST"]?.value == "localhost")
        #expect(env["CACHE_PASSWORD"]?.value == "redispw")
        #expect(env["CACHE_URI"]?.value == "redis://:redispw@localhost:\(port)")
    }

    @Test("postgres database reference: connection string with Database and all properties")
    func postgresDatabase() throws {
        let env = try resolve("apiservice")
        let port = try #require(env["CATALOGDB_PORT"]?.value)
        #expect(env["ConnectionStrings__catalogdb"]?.value == "Host=localhost;Port=\(port);Username=postgres;Password=pgpw;Database=catalogdb")
        #expect(env["CATALOGDB_USERNAME"]?.value == "postgres")
        #expect(env["CATALOGDB_DATABASENAME"]?.value == "catalogdb")
        #expect(env["CATALOGDB_URI"]?.value == "postgresql://postgres:pgpw@localhost:\(port)/catalogdb")
        #expect(env["CATALOGDB_JDBCCONNECTIONSTRING"]?.value == "jdbc:postgresql://localhost:\(port)/catalogdb")
        // A reference injects only what is referenced.
        #expect(env["ConnectionStrings__cache"] == nil)
        #expect(env["ConnectionStrings__pg"] == nil)
    }

    @Test("service discovery: services__name__scheme__index per scheme, and NAME_ENDPOINT")
    func serviceDiscovery() throws {
        let env = try resolve("webfrontend")
        let http = try #require(env["services__apiservice__http__0"]?.value)
        #expect(http.hasPrefix("http://localhost:"))
        #expect(env["services__apiservice__https__0"]?.value.hasPrefix("https://localhost:") == true)
        // grpc is a second http-scheme endpoint: index 1 under http.
        #expect(env["services__apiservice__http__1"]?.value.hasPrefix("http://localhost:") == true)
        #expect(env["APISERVICE_HTTP"]?.value == http)
        #expect(env["APISERVICE_GRPC"] != nil)
    }

    @Test("own env wins over injected values, and expressions resolve")
    func ownEnvWins() throws {
        let env = try resolve("webfrontend")
        #expect(env["PORT"]?.value == "9999")
        #expect(env["API"]?.value == env["services__apiservice__https__0"]?.value)
        #expect(env["API_PORT"]?.value.isEmpty == false)
        #expect(env["OTEL_SERVICE_NAME"]?.value == "webfrontend")
    }

    @Test("connectionName renames the connection string and its prefix; secrets stay masked")
    func renamedConnection() throws {
        let env = try resolve("webfrontend")
        #expect(env["ConnectionStrings__old-db"]?.value == "Server=x;Password=hunter2")
        #expect(env["ConnectionStrings__old-db"]?.rendered(showSecrets: false) == "Server=x;Password=***")
        #expect(env["ConnectionStrings__old_db"] == nil)
        #expect(env["ConnectionStrings__legacy"] == nil)
    }

    @Test("external service: services__weather__https__0")
    func external() throws {
        let env = try resolve("webfrontend")
        #expect(env["services__weather__https__0"]?.value == "https://weather.example")
        #expect(env["WEATHER_HTTPS"]?.value == "https://weather.example")
    }

    @Test("own PORT is the listen port: replicas each get their own")
    func replicas() throws {
        let zero = try resolve("worker", replica: 0)
        let two = try resolve("worker", replica: 2)
        #expect(zero["PORT"] != two["PORT"])
        #expect(two["OTEL_RESOURCE_ATTRIBUTES"]?.value == "service.instance.id=worker-2")
    }

    @Test("ports and secrets are kept in the state folder and reused")
    func stableBindings() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let manifest = try #require(load(Self.shop, directory: directory).manifest)
        let folder = StateFolder(manifestDirectory: directory)
        let store = BindingsStore(folder: folder, manifest: manifest, environment: ["Parameters__secret": "x"])
        let (first, _) = try store.prepare(mode: .inspect)
        let (second, _) = try store.prepare(mode: .run)
        #expect(first.hostPorts == second.hostPorts)
        #expect(first.passwords == second.passwords)
        #expect(first.passwords["cache"]?.count == 22)
        #expect(first.parameters["secret"] == "x")
        let attributes = try FileManager.default.attributesOfItem(atPath: folder.secretsFile)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
    }
}

@Suite struct HostInterpolationTests {
    let interpolation = HostInterpolation(environment: ["SET": "value", "EMPTY": ""])

    @Test(
        "compose semantics",
        arguments: [
            ("${SET}", "value"), ("$SET/x", "value/x"), ("${UNSET}", ""),
            ("${UNSET:-d}", "d"), ("${EMPTY:-d}", "d"), ("${EMPTY-d}", ""), ("${UNSET-d}", "d"),
            ("${SET:+alt}", "alt"), ("${UNSET:+alt}", ""), ("$$SET", "$SET"), ("a$$", "a$"),
            ("${UNSET:-${SET}}", "value"), ("pre ${SET} post", "pre value post"),
        ])
    func interpolates(input: String, expected: String) {
        #expect(interpolation.interpolate(input) == .success(expected))
    }

    @Test("required variables fail with their message")
    func required() {
        #expect(interpolation.interpolate("${UNSET:?need it}") == .failure(.required(variable: "UNSET", message: "need it")))
        #expect(interpolation.interpolate("${EMPTY:?e}") == .failure(.required(variable: "EMPTY", message: "e")))
        #expect(interpolation.interpolate("${EMPTY?e}") == .success(""))
    }

    @Test("unterminated braces are a syntax error")
    func syntax() {
        if case .failure(.invalidSyntax) = interpolation.interpolate("${SET") {} else {
            Issue.record("expected a syntax failure")
        }
    }

    // MARK: - Names with a hyphen (issue 15, item 1)

    static let hyphenated = """
        name: shop
        resources:
          my-cache:
            type: redis
          my-pg:
            type: postgres
            databases: [my-db]
          my-valkey:
            type: valkey
          my-api:
            type: project
            path: ./api
          my-param:
            type: parameter
          my-weather:
            type: external
            url: https://weather.example
          web-front:
            type: project
            path: ./web
            references: [my-cache, my-db, my-valkey, my-api, my-weather]
            env:
              P: "{my-param.value}"
        """

    @Test("a name with '-' is kept in Aspire's keys; only the upper-cased names turn it into '_'")
    func hyphenatedNames() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let manifest = try #require(load(Self.hyphenated, directory: directory).manifest)
        let store = BindingsStore(folder: StateFolder(manifestDirectory: directory), manifest: manifest, environment: ["Parameters__my-param": "from-host"])
        let (bindings, problems) = try store.prepare(mode: .inspect)
        #expect(problems.isEmpty)
        let env = try EnvironmentResolver(manifest: manifest, bindings: bindings).environment(of: "web-front")
        #expect(
            env.map(\.name).filter { !$0.hasPrefix("OTEL_") } == [
                "ConnectionStrings__my-cache", "MY_CACHE_HOST", "MY_CACHE_PORT", "MY_CACHE_PASSWORD", "MY_CACHE_URI",
                "ConnectionStrings__my-db", "MY_DB_HOST", "MY_DB_PORT", "MY_DB_USERNAME", "MY_DB_PASSWORD", "MY_DB_URI",
                "MY_DB_JDBCCONNECTIONSTRING", "MY_DB_DATABASENAME",
                "ConnectionStrings__my-valkey", "MY_VALKEY_HOST", "MY_VALKEY_PORT", "MY_VALKEY_PASSWORD", "MY_VALKEY_URI",
                "services__my-api__http__0", "MY_API_HTTP",
                "services__my-weather__https__0", "MY_WEATHER_HTTPS",
                "PORT", "P",
            ])
        let port = try #require(env["MY_CACHE_PORT"]?.value)
        let password = try #require(bindings.passwords["my-cache"])
        #expect(env["ConnectionStrings__my-cache"]?.value == "localhost:\(port),password=\(password)")
        #expect(env["MY_DB_URI"]?.value.hasSuffix(":\(try #require(env["MY_DB_PORT"]?.value))/my-db") == true)
        #expect(env["MY_DB_DATABASENAME"]?.value == "my-db")
        #expect(env["services__my-api__http__0"]?.value == env["MY_API_HTTP"]?.value)
        #expect(env["P"]?.value == "from-host")
    }

    @Test("a parameter with '-' and no value names Parameters__my-param in the failure")
    func hyphenatedParameterFailure() throws {
        let manifest = try #require(load(Self.hyphenated).manifest)
        let resolver = EnvironmentResolver(manifest: manifest, bindings: bindings(for: manifest))
        let failure = #expect(throws: EnvironmentResolver.Failure.self) { try resolver.parameterValue("my-param") }
        #expect(failure?.message.contains("set Parameters__my-param in") == true)
    }

    @Test("an external URL from a parameter: the scheme in the names is the value's")
    func externalFromParameter() throws {
        let yaml = """
            resources:
              pay-url: { type: parameter, default: "https://pay.example" }
              pay: { type: external, url: "{pay-url.value}" }
              web: { type: executable, command: x, references: [pay] }
            """
        let manifest = try #require(load(yaml).manifest)
        var bindings = bindings(for: manifest)
        bindings.parameters["pay-url"] = "https://pay.example"
        let env = try EnvironmentResolver(manifest: manifest, bindings: bindings).environment(of: "web")
        #expect(env["services__pay__https__0"]?.value == "https://pay.example")
        #expect(env["PAY_HTTPS"]?.value == "https://pay.example")
    }
}
