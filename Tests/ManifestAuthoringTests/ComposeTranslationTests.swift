import AppModel
import ManifestAuthoring
import Testing
import YAMLSource

/// `aspire init` over compose files shaped like docker/awesome-compose's: each translated,
/// validated by the real decoder and validator, with what was left out at its line.
@Suite struct ComposeTranslationTests {
    static let cases = ["flask-redis", "nginx-node-postgres", "worker-conditions", "env-profiles-replicas", "unsupported"]

    static func translate(_ name: String) -> (AppInitializer.Outcome, YAMLNode?) {
        let outcome = AppInitializer.draft(directory: Fixtures.folder + "/compose/" + name, environment: [:])
        return (outcome, YAMLDocument(string: outcome.text)["resources"])
    }

    @Test("every fixture translates and validates without errors", arguments: cases)
    func validates(_ name: String) {
        let (outcome, resources) = Self.translate(name)
        #expect(outcome.errors.isEmpty)
        #expect(outcome.composeFile == "compose.yaml")
        #expect(!outcome.diagnostics.hasErrors, "\(outcome.diagnostics.map(\.message.text))\n\(outcome.text)")
        #expect((resources?.count ?? 0) > 0)
    }

    @Test("flask + redis: the built folder is a project, redis is the well-known type")
    func flaskRedis() {
        let (outcome, resources) = Self.translate("flask-redis")
        let web = resources?["web"]
        #expect(web?["type"]?.scalar == "project")
        #expect(web?["path"]?.scalar == "./web")
        #expect(web?["references"]?.itemView.map(\.scalar) == ["redis"])
        #expect(web?["waitFor"]?.itemView.map(\.scalar) == ["redis"])
        #expect(web?["endpoints"]?["http"]?["port"]?.int == 8000)
        #expect(web?["endpoints"]?["http"]?["targetPort"]?.int == 5000)
        #expect(web?["env"]?["REDIS_HOST"]?.scalar == "{redis.endpoints.tcp.host}")
        #expect(resources?["redis"]?["type"]?.scalar == "redis")
        #expect(resources?["redis"]?["tag"]?.scalar == "7-alpine")
        #expect(outcome.text.contains("# guess: compose builds ./web; here it runs as a project (Python (app.py))"))
        #expect(outcome.notes.isEmpty, "\(outcome.notes)")
    }

    @Test("nginx + node + postgres: bind mounts, build, expose, conditions, the database from POSTGRES_DB")
    func nginxNodePostgres() {
        let (outcome, resources) = Self.translate("nginx-node-postgres")
        #expect(YAMLDocument(string: outcome.text)["name"]?.scalar == "todo-app")
        let proxy = resources?["proxy"]
        #expect(proxy?["image"]?.scalar == "nginx:1.27")
        #expect(proxy?["endpoints"]?["http"]?["targetPort"]?.int == 80)
        #expect(proxy?["endpoints"]?["http"]?["port"]?.int == 8080)
        #expect(proxy?["bindMounts"]?.itemView.first?["source"]?.scalar == "./nginx")
        #expect(proxy?["bindMounts"]?.itemView.first?["readOnly"]?.bool == true)
        #expect(proxy?["restart"]?.scalar == "always")
        let backend = resources?["backend"]
        #expect(backend?["type"]?.scalar == "container")
        #expect(backend?["build"]?["context"]?.scalar == "./backend")
        #expect(backend?["env"]?["DEBUG"]?.scalar == "${DEBUG}")
        #expect(backend?["env"]?["DATABASE_HOST"]?.scalar == "{db.endpoints.tcp.host}")
        #expect(backend?["endpoints"]?["http"]?["targetPort"]?.int == 3000)
        #expect(backend?["waitFor"]?.itemView.map(\.scalar) == ["db"])
        let db = resources?["db"]
        #expect(db?["type"]?.scalar == "postgres")
        #expect(db?["password"]?.scalar == "example")
        #expect(db?["databases"]?.itemView.map(\.scalar) == ["todos"])
        #expect(outcome.notes.map { "\($0.location.line):\($0.location.column)" } == ["32:7", "34:7"])
    }

    @Test("depends_on conditions become waitFor and waitForCompletion; healthchecks and restarts carry over")
    func workerConditions() {
        let (outcome, resources) = Self.translate("worker-conditions")
        let worker = resources?["worker"]
        #expect(worker?["waitFor"]?.itemView.map(\.scalar) == ["api", "cache", "sessions"])
        #expect(worker?["waitForCompletion"]?.itemView.map(\.scalar) == ["migrate"])
        #expect(worker?["references"]?.itemView.map(\.scalar) == ["cache", "sessions"])
        #expect(worker?["entrypoint"]?.scalar == "/usr/bin/worker")
        #expect(worker?["args"]?.itemView.map(\.scalar) == ["--queue", "jobs"])
        #expect(worker?["restart"]?["maxRestarts"]?.int == 3)
        #expect(worker?["stopSignal"]?.scalar == "SIGINT")
        let check = resources?["api"]?["healthCheck"]
        #expect(check?["exec"]?.itemView.map(\.scalar) == ["sh", "-c", "curl -fsS http://localhost:8080/health"])
        #expect(check?["interval"]?.scalar == "10s")
        #expect(check?["retries"]?.int == 3)
        #expect(check?["startPeriod"]?.scalar == "30s")
        #expect(check?["startInterval"]?.scalar == "1s")
        #expect(resources?["api"]?["restart"]?.scalar == "always")
        #expect(resources?["api"]?["endpoints"]?["http"]?["port"]?.int == 9080)
        #expect(resources?["migrate"]?["args"]?.itemView.map(\.scalar) == ["migrate", "--to", "latest"])
        #expect(resources?["migrate"]?["healthCheck"] == nil)
        #expect(resources?["cache"]?["type"]?.scalar == "valkey")
        #expect(resources?["cache"]?["port"]?.int == 6380)
        #expect(resources?["sessions"]?["type"]?.scalar == "memcached")
        #expect(outcome.notes.isEmpty, "\(outcome.notes)")
    }

    @Test("env_file, profiles, replicas and the list form of environment")
    func envProfilesReplicas() {
        let (outcome, resources) = Self.translate("env-profiles-replicas")
        let frontend = resources?["frontend"]
        #expect(frontend?["replicas"]?.int == 3)
        #expect(frontend?["envFile"]?.scalar == ".env")
        #expect(frontend?["endpoints"]?["http"]?["targetPort"]?.int == 3000)
        let shell = resources?["debug-shell"]
        #expect(shell?["env"]?["GREETING"]?.scalar == "hello {{world}}")
        #expect(shell?["env"]?["EMPTY"]?.scalar == "")
        #expect(outcome.text.contains("  # compose profiles: debug (aspire starts it with every other resource)\n"))
        #expect(outcome.text.contains("  # guess: compose service 'debug_shell' renamed to a valid resource name\n"))
        #expect(resources?["stats"]?["endpoints"]?["udp"]?["port"]?.int == 9102)
        #expect(resources?["stats"]?["replicas"]?.int == 2)
        #expect(outcome.notes.map { "\($0.location.line):\($0.location.column)" } == ["16:9", "27:7"])
    }

    @Test("keys with no equivalent are listed with their lines, never dropped silently")
    func unsupported() {
        let (outcome, _) = Self.translate("unsupported")
        let listed = outcome.notes.map { "\($0.location.line):\($0.location.column) \($0.message)" }
        #expect(
            listed == [
                "20:1 top-level 'networks' has no equivalent; left out",
                "22:1 top-level 'secrets' has no equivalent; left out",
                "6:7 'build.args' has no equivalent; left out",
                "8:5 'container_name' has no equivalent (aspire names containers and injects addresses); left out",
                "9:5 'cap_add' has no equivalent; left out",
                "11:5 'privileged' has no equivalent; left out",
                "12:5 'networks' has no equivalent; left out",
                "14:5 'labels' has no equivalent; left out",
                "16:5 'logging' has no equivalent; left out",
                "19:9 port '7000-7005:7000-7005' cannot be read (a range or an unknown form); left out",
            ], "\(listed)")
        #expect(outcome.notes.first?.description == "compose.yaml:20:1: top-level 'networks' has no equivalent; left out")
    }

    @Test("a file that is not a compose file is an error, nothing translated")
    func notCompose() {
        let outcome = AppInitializer.translate(bytes: Array("services: [a]\n".utf8), file: "compose.yaml", directory: "/tmp", environment: [:])
        #expect(outcome.errors.map(\.location.line) == [1])
        let broken = AppInitializer.translate(bytes: Array("services:\n  a: [\n".utf8), file: "compose.yaml", directory: "/tmp", environment: [:])
        #expect(!broken.errors.isEmpty)
    }
}

extension YAMLDocument {
    subscript(key: String) -> YAMLNode? { root?[key] }
}
