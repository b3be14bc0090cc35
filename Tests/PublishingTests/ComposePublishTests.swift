import AppModel
import AppState
import Foundation
import Publishing
import Testing
import YAMLSource

@Suite struct ComposePublishTests {
    /// The compose file parsed back through the YAML shim, and the report.
    private func compose(_ app: SampleApp) throws -> (YAMLNode, PublishReport, String) {
        let (report, output) = try app.publish(.compose)
        let document = YAMLDocument(string: try report.text("docker-compose.yaml"), file: "docker-compose.yaml")
        #expect(document.errors.isEmpty, "\(document.errors)")
        return (try #require(document.root), report, output)
    }

    @Test("the compose file is valid against the compose specification's JSON Schema", .enabled(if: Tool.hasPython("jsonschema", "yaml")))
    func schema() throws {
        let app = try SampleApp.make()
        let (_, output) = try app.publish(.compose)
        let script = """
            import json, sys, yaml, jsonschema
            schema = json.load(open(sys.argv[1]))
            document = yaml.safe_load(open(sys.argv[2]))
            errors = list(jsonschema.Draft202012Validator(schema).iter_errors(document))
            for error in errors: print(list(error.path), error.message[:300])
            sys.exit(1 if errors else 0)
            """
        let result = try Tool.python(script, [Schemas.compose, output + "/docker-compose.yaml"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    }

    @Test("injected variables name services and their ports, and secrets are ${VAR} references")
    func serviceDNSNames() throws {
        let (root, _, _) = try compose(try SampleApp.make())
        func env(_ service: String, _ name: String) -> String? { root.at("services", service, "environment", name)?.scalar }
        #expect(env("webfrontend", "ConnectionStrings__cache") == "cache:6379,password=${CACHE_PASSWORD}")
        #expect(env("webfrontend", "CACHE_URI") == "redis://:${CACHE_PASSWORD}@cache:6379")
        #expect(env("webfrontend", "services__apiservice__http__0") == "http://apiservice:8080")
        #expect(env("webfrontend", "APISERVICE_HTTP") == "http://apiservice:8080")
        #expect(env("webfrontend", "PORT") == "8080")
        #expect(env("apiservice", "ConnectionStrings__catalogdb") == "Host=pg;Port=5432;Username=postgres;Password=${PGPASSWORD};Database=catalogdb")
        #expect(env("apiservice", "CATALOGDB_URI") == "postgresql://postgres:${PGPASSWORD}@pg:5432/catalogdb")
        #expect(env("apiservice", "ConnectionStrings__legacydb") == "${LEGACYDB_CONNECTIONSTRING}")
        #expect(env("apiservice", "services__docs__https__0") == "https://docs.example.com")
        #expect(env("apiservice", "REGION") == "${REGION}")
        // A literal `$` is `$$` for compose.
        #expect(env("apiservice", "PRICE") == "cost: $$5")
        #expect(env("proxy", "API_URL") == "http://apiservice:8080")
        #expect(env("pg", "POSTGRES_PASSWORD") == "${PGPASSWORD}")
        #expect(env("cache", "REDIS_PASSWORD") == "${CACHE_PASSWORD}")
        #expect(root.at("services", "worker", "command")?.items.compactMap(\.scalar) == ["worker.py", "--redis=cache:6379,password=${CACHE_PASSWORD}"])
    }

    @Test("secret values are only in .env (mode 0600), never in the compose file")
    func secretsOnlyInDotEnv() throws {
        let app = try SampleApp.make()
        let (report, output) = try app.publish(.compose, environment: ["Parameters__region": "eu-west"])
        let yaml = try report.text("docker-compose.yaml")
        let dotEnv = try String(contentsOfFile: output + "/.env", encoding: .utf8)
        let values = Dictionary(
            dotEnv.split(separator: "\n").filter { !$0.hasPrefix("#") }.compactMap { line -> (String, String)? in
                guard let eq = line.firstIndex(of: "=") else { return nil }
                return (String(line[..<eq]), String(line[line.index(after: eq)...]))
            }, uniquingKeysWith: { a, _ in a })
        #expect(Set(values.keys) == ["CACHE_PASSWORD", "PGPASSWORD", "REGION", "LEGACYDB_CONNECTIONSTRING"])
        #expect(values["REGION"] == "eu-west")
        #expect(values["PGPASSWORD"]?.count == 24)
        for key in ["CACHE_PASSWORD", "PGPASSWORD"] {
            let secret = try #require(values[key])
            #expect(!secret.isEmpty && !yaml.contains(secret), "\(key) leaked into docker-compose.yaml")
        }
        let mode = try FileManager.default.attributesOfItem(atPath: output + "/.env")[.posixPermissions] as? Int
        #expect(mode == 0o600)
        // The connection string nobody supplied is flagged.
        #expect(report.notes.contains { $0.resource == "legacydb" && $0.message.contains("LEGACYDB_CONNECTIONSTRING") })
    }

    @Test("names with '-': Aspire's keys keep them, Parameters__my-param is read from the host environment")
    func hyphenatedNames() throws {
        let yaml = """
            name: shop
            resources:
              my-cache:
                type: redis
              my-param:
                type: parameter
              my-api:
                type: executable
                command: python3
              web-front:
                type: executable
                command: python3
                references: [my-cache, my-api]
                env:
                  P: "{my-param.value}"
            """
        let app = try SampleApp.make(yaml, files: [:])
        let (report, output) = try app.publish(.compose, environment: ["Parameters__my-param": "eu-west"])
        let document = YAMLDocument(string: try report.text("docker-compose.yaml"), file: "docker-compose.yaml")
        let root = try #require(document.root)
        func env(_ name: String) -> String? { root.at("services", "web-front", "environment", name)?.scalar }
        #expect(env("ConnectionStrings__my-cache") == "my-cache:6379,password=${MY_CACHE_PASSWORD}")
        #expect(env("MY_CACHE_HOST") == "my-cache")
        #expect(env("services__my-api__http__0") == "http://my-api:8080")
        #expect(env("MY_API_HTTP") == "http://my-api:8080")
        #expect(env("P") == "${MY_PARAM}")
        let dotEnv = try String(contentsOfFile: output + "/.env", encoding: .utf8)
        #expect(dotEnv.contains("MY_PARAM=eu-west\n"))
    }

    @Test("waitFor becomes depends_on with service_healthy, service_started or service_completed_successfully")
    func dependsOn() throws {
        let (root, _, _) = try compose(try SampleApp.make())
        func condition(_ service: String, _ dependency: String) -> String? {
            root.at("services", service, "depends_on", dependency, "condition")?.scalar
        }
        #expect(condition("webfrontend", "cache") == "service_healthy")  // redis' built-in check
        #expect(condition("webfrontend", "apiservice") == "service_healthy")  // healthCheck: { http: /health }
        #expect(condition("apiservice", "pg-databases") == "service_completed_successfully")  // waiting on a database
        #expect(condition("pg-databases", "pg") == "service_healthy")
        #expect(condition("worker", "migrate") == "service_completed_successfully")
        #expect(condition("proxy", "legacy") == "service_started")  // no health check
        #expect(root.at("services", "apiservice", "healthcheck", "test")?.items.first?.scalar == "CMD")
        #expect(root.at("services", "worker", "restart")?.scalar == "on-failure:5")
        #expect(root.at("services", "worker", "deploy", "replicas")?.int == 2)
    }

    @Test("only external endpoints get ports; volumes and bind mounts are carried over")
    func portsAndVolumes() throws {
        let (root, _, _) = try compose(try SampleApp.make())
        let published = root.pairs.first { $0.key.scalar == "services" }?.value.pairs.filter { $0.value["ports"] != nil }.compactMap(\.key.scalar)
        #expect(published == ["webfrontend", "proxy"])
        let proxyPort = try #require(root.at("services", "proxy", "ports")?.items.first)
        #expect(proxyPort["target"]?.int == 80)
        #expect(proxyPort["published"]?.scalar == "8080")
        let volumes = try #require(root.at("services", "proxy", "volumes")?.items)
        #expect(volumes.map { $0["type"]?.scalar } == ["volume", "bind"])
        #expect(volumes[0]["source"]?.scalar == "nginx-cache")
        // Bind sources are relative to the compose file: out/compose → ../../nginx.
        #expect(volumes[1]["source"]?.scalar == "../../nginx")
        #expect(volumes[1]["read_only"]?.bool == true)
        #expect(root.at("volumes", "nginx-cache") != nil)
    }

    @Test("projects build from their folder; Python and Node get a Dockerfile, .NET a note")
    func projectsBuild() throws {
        let (root, report, _) = try compose(try SampleApp.make())
        #expect(root.at("services", "apiservice", "build", "context")?.scalar == "../../api")
        let python = try #require(root.at("services", "apiservice", "build", "dockerfile_inline")?.scalar)
        #expect(python.contains("FROM python:") && python.contains("pip install --no-cache-dir -r requirements.txt"))
        #expect(python.contains("ENTRYPOINT [\"python3\", \"app.py\"]"))
        let node = try #require(root.at("services", "webfrontend", "build", "dockerfile_inline")?.scalar)
        #expect(node.contains("FROM node:") && node.contains("ENTRYPOINT [\"npm\", \"start\", \"--\"]"))
        #expect(root.at("services", "worker", "build", "dockerfile_inline")?.scalar?.contains("ENTRYPOINT [\"python3\"]") == true)
        #expect(root.at("services", "legacy", "build", "dockerfile_inline") == nil)
        let note = try #require(report.notes.first { $0.resource == "legacy" })
        #expect(note.message.contains(".NET project with no Dockerfile"))
        // A folder with its own Dockerfile uses it.
        let app = try SampleApp.make(
            "resources:\n  api:\n    type: project\n    path: ./api\n", files: ["api/Dockerfile": "FROM scratch\n", "api/app.py": ""])
        let (own, ownReport, _) = try compose(app)
        #expect(own.at("services", "api", "build", "dockerfile_inline") == nil)
        #expect(ownReport.notes.isEmpty)
    }

    @Test("redis and postgres run their official images with the password from the environment")
    func wellKnownServers() throws {
        let (root, _, _) = try compose(try SampleApp.make())
        #expect(root.at("services", "cache", "image")?.scalar == "docker.io/library/redis:7.4")
        #expect(root.at("services", "cache", "command")?.items.first?.scalar == "redis-server --requirepass \"$$REDIS_PASSWORD\"")
        #expect(root.at("services", "pg", "image")?.scalar == "docker.io/library/postgres:17")
        let job = try #require(root.at("services", "pg-databases", "command")?.items.first?.scalar)
        #expect(job.contains("CREATE DATABASE \"catalogdb\""))
        #expect(root.at("services", "pg-databases", "environment", "PGPASSWORD")?.scalar == "${PGPASSWORD}")
    }

    @Test("strings that YAML would read as numbers or booleans stay strings")
    func quoting() throws {
        let (root, _, _) = try compose(try SampleApp.make())
        let port = try #require(root.at("services", "webfrontend", "environment", "PORT"))
        #expect(port.scalar == "8080" && port.isQuotedOrTaggedString)
        let restart = try #require(root.at("services", "pg-databases", "restart"))
        #expect(restart.scalar == "no" && restart.isQuotedOrTaggedString)
    }

    @Test("an aspire-manifest.json written by .NET Aspire publishes to compose")
    func fromAspireManifest() throws {
        let directory = try temporaryDirectory("aspire-json")
        let file = directory + "/aspire-manifest.json"
        try FileManager.default.copyItem(atPath: Schemas.directory + "/shop.json", toPath: file)
        let manifest = try #require(try ManifestLoader(environment: [:]).load(file).manifest)
        let output = directory + "/compose"
        let report = try Publisher.publish(manifest, options: PublishOptions(target: .compose, outputDirectory: output))
        let root = try #require(YAMLDocument(string: try report.text("docker-compose.yaml")).root)
        func env(_ service: String, _ name: String) -> String? { root.at("services", service, "environment", name)?.scalar }
        #expect(env("basket", "ConnectionStrings__cache") == "cache:6379,password=${CACHE_PASSWORD}")
        #expect(env("basket", "CACHE_URI") == "redis://:${CACHE_PASSWORD}@cache:6379")
        #expect(env("orders", "ConnectionStrings__ordersdb") == "Host=pg;Port=5432;Username=postgres;Password=${PG_PASSWORD};Database=ordersdb")
        #expect(env("storefront", "services__orders__http__0") == "http://orders:8080")
        #expect(env("storefront", "HTTP_PORTS") == "8080")
        #expect(env("gateway", "REVERSEPROXY__ROUTES__route0__MATCH__PATH") == "/orders/{**catch-all}")
        // Aspire's redis command line reads the password from the environment; `$` is `$$` for compose.
        #expect(root.at("services", "cache", "command")?.items.last?.scalar == "redis-server --requirepass $$REDIS_PASSWORD --save 60 1")
        #expect(root.at("services", "gateway", "ports")?.items.first?["published"]?.scalar == "8088")
        // The .NET projects' folders are not here: each gets a note, none is silently dropped.
        #expect(Set(report.notes.compactMap(\.resource)).isSuperset(of: ["orders", "basket", "storefront"]))
    }

    @Test("publishing again gives byte-identical files, secrets included")
    func deterministic() throws {
        let app = try SampleApp.make()
        let (first, output) = try app.publish(.compose)
        let (second, _) = try app.publish(.compose, into: output)
        #expect(first.files == second.files)
        #expect(try first.text("docker-compose.yaml").hasPrefix("# Generated by `aspire publish --target compose` from apphost.yaml."))
    }
}
