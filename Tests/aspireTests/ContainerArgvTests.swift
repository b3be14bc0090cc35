import AppHost
import AppModel
import AppState
import Foundation
import Supervisor
import Testing

/// The `podman run` argv, built without an engine: labels, ports, env by name, mounts, and no
/// secret value anywhere in argv.
@Suite struct ContainerArgvTests {
    static let podman = ContainerRuntime(flavor: .podman, executable: "/usr/bin/podman", hasSlirp4netns: true)

    @Test("run argv: labels, loopback and external ports, env names only, volumes, bind mounts, entrypoint")
    func runArguments() {
        var spec = ContainerRunSpec(name: "aspire-shop-1-web", image: "docker.io/library/nginx:1.27", appID: "shop-1", resource: "web", runID: "r1")
        spec.ports = [.init(hostPort: 8080, targetPort: 80), .init(hostPort: 8443, targetPort: 443, external: true)]
        spec.environmentNames = ["Z_LAST", "A_FIRST"]
        spec.mounts = [
            .init(source: .volume("aspire-shop-1-data"), target: "/data"),
            .init(source: .bind("/srv/conf"), target: "/etc/nginx/conf.d", readOnly: true),
            .init(source: .anonymous, target: "/cache"),
        ]
        spec.entrypoint = "/bin/sh"
        spec.arguments = ["-c", "nginx -g 'daemon off;'"]
        #expect(
            spec.runArguments(network: Self.podman.networkArguments) == [
                "run", "--rm", "--name", "aspire-shop-1-web",
                "--label", "aspire.app=shop-1", "--label", "aspire.resource=web", "--label", "aspire.run=r1",
                "--network", "slirp4netns:allow_host_loopback=true", "--add-host", "host.containers.internal:10.0.2.2",
                "-p", "127.0.0.1:8080:80", "-p", "8443:443",
                "-e", "A_FIRST", "-e", "Z_LAST",
                "-v", "aspire-shop-1-data:/data", "-v", "/srv/conf:/etc/nginx/conf.d:ro", "-v", "/cache",
                "--entrypoint", "/bin/sh",
                "docker.io/library/nginx:1.27", "-c", "nginx -g 'daemon off;'",
            ])
        #expect(spec.volumeNames == ["aspire-shop-1-data"])
    }

    @Test("docker uses host.docker.internal through host-gateway")
    func dockerAlias() {
        let docker = ContainerRuntime(flavor: .docker, executable: "/usr/bin/docker")
        #expect(docker.hostAlias == "host.docker.internal")
        #expect(docker.networkArguments == ["--add-host", "host.docker.internal:host-gateway"])
        #expect(!docker.reachesHostLoopback && Self.podman.reachesHostLoopback)
        #expect(Self.podman.hostGateway == nil, "slirp4netns reaches the host's loopback: nothing to publish on a bridge")
        #expect(ContainerRuntime.ipv4Address(ofInterface: "lo") == "127.0.0.1")
    }

    @Test("a loopback port is also published on the bridge gateway (docker), so other containers reach it; an external one is not")
    func gatewayPublication() {
        var spec = ContainerRunSpec(name: "aspire-shop-1-web", image: "img", appID: "shop-1", resource: "web", runID: "r1")
        var loopback = ContainerRunSpec.Port(hostPort: 8080, targetPort: 80)
        loopback.gateway = "172.17.0.1"
        var external = ContainerRunSpec.Port(hostPort: 8443, targetPort: 443, external: true)
        external.gateway = "172.17.0.1"
        spec.ports = [loopback, external]
        let argv = spec.runArguments(network: [])
        #expect(argv.split(separator: "-p").count == 4 && argv.contains("172.17.0.1:8080:80") && argv.contains("127.0.0.1:8080:80"), "\(argv)")
        #expect(!argv.contains("172.17.0.1:8443:443") && argv.contains("8443:443"), "\(argv)")
    }

    @Test("the helper's argv round-trips and carries the build context")
    func helperArguments() throws {
        let spec = ContainerRunSpec(name: "n", image: "localhost/img", appID: "app-1", resource: "api", runID: "r")
        let launch = ContainerLaunch(runtime: Self.podman, spec: spec, buildContext: "/src/api", dockerfile: "/src/api/Dockerfile.dev")
        let (parsed, volumes, run) = try ContainerLaunch.parse(launch.helperArguments)
        #expect(parsed.buildContext == "/src/api")
        #expect(parsed.dockerfile == "/src/api/Dockerfile.dev")
        #expect(parsed.spec.image == "localhost/img")
        #expect(parsed.runtime.executable == "/usr/bin/podman")
        #expect(volumes.isEmpty)
        #expect(run == spec.runArguments(network: Self.podman.networkArguments))
    }

    /// A planner for `yaml` whose well-known servers run in (pretend) podman containers.
    static func plan(_ yaml: String, inContainers: Set<String>, bindings: Bindings) throws -> LaunchPlan {
        let directory = NSTemporaryDirectory() + "aspire-argv-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let loaded = ManifestLoader(environment: [:]).load(bytes: Array(yaml.utf8), file: directory + "/apphost.yaml", directory: directory)
        let manifest = try #require(loaded.manifest)
        // An engine that does not exist: detection fails at once, then the test picks the answer.
        var planner = LaunchPlanner(
            manifest: manifest, bindings: bindings, folder: StateFolder(manifestDirectory: directory),
            hostEnvironment: ["PATH": "/usr/bin:/bin", "ASPIRE_CONTAINER_RUNTIME": "/nonexistent/podman"])
        planner.containers.runtime = .success(podman)
        planner.containers.wellKnownInContainers = inContainers
        planner.containers.problems = [:]
        planner.containers.notes = []
        planner.helperExecutable = "/usr/local/bin/aspire"
        let (plan, problems) = planner.plan()
        #expect(problems.isEmpty, "\(problems)")
        return plan
    }

    @Test("postgres and redis in containers: official images, loopback port, data volume, password only in the environment")
    func wellKnownContainers() throws {
        var bindings = Bindings()
        bindings.hostPorts[EndpointID("pg", "tcp")] = 15432
        bindings.hostPorts[EndpointID("cache", "tcp")] = 16379
        bindings.passwords["pg"] = "pg-s3cret"
        bindings.passwords["cache"] = "redis-s3cret"
        let plan = try Self.plan(
            """
            name: wk
            resources:
              pg: { type: postgres, runtime: container, tag: "16", databases: [catalogdb] }
              cache: { type: redis, runtime: container }
            """, inContainers: ["pg", "cache"], bindings: bindings)
        let pg = try #require(plan.services.first { $0.name == "pg" })
        #expect(pg.executable == "/usr/local/bin/aspire")
        #expect(pg.arguments.first == "container-exec")
        #expect(pg.arguments.contains("docker.io/library/postgres:16"))
        #expect(pg.arguments.contains("127.0.0.1:15432:5432"))
        #expect(pg.arguments.contains { $0.hasSuffix("-pg-data:/var/lib/postgresql/data") })
        #expect(pg.arguments.contains("POSTGRES_PASSWORD"))
        #expect(!pg.arguments.joined(separator: " ").contains("pg-s3cret"))
        #expect(pg.replicas[0].environment["POSTGRES_PASSWORD"] == "pg-s3cret")
        #expect(pg.secrets.contains("pg-s3cret"))
        if case .exec(let argv)? = pg.healthCheck?.probe {
            #expect(Array(argv.prefix(2)) == ["/usr/bin/podman", "exec"])
            #expect(!argv.joined(separator: " ").contains("pg-s3cret"))
        } else {
            Issue.record("postgres in a container gets an exec probe")
        }
        #expect(pg.arguments.contains { $0.hasSuffix("/.aspire/data/pg-init:/aspire-init:ro") })
        let job = try #require(plan.services.first { $0.name == "catalogdb" })
        #expect(job.executable == "/usr/bin/podman")
        #expect(Array(job.arguments.prefix(3)) == ["exec", "-e", "PGPASSWORD"])
        #expect(job.arguments[3].hasPrefix("aspire-wk-") && job.arguments[3].hasSuffix("-pg"))
        #expect(job.arguments.suffix(2) == ["-f", "/aspire-init/catalogdb.create.sql"])
        #expect(job.replicas[0].environment["PGPASSWORD"] == "pg-s3cret")
        #expect(job.waitFor == ["pg"])
        let cache = try #require(plan.services.first { $0.name == "cache" })
        #expect(cache.arguments.contains("docker.io/library/redis:7.4"))
        #expect(cache.arguments.contains("127.0.0.1:16379:6379"))
        #expect(Array(cache.arguments.suffix(2)) == ["redis-server", "/usr/local/etc/redis/redis.conf"])
        #expect(!cache.arguments.joined(separator: " ").contains("redis-s3cret"))
    }

    @Test("memcached from the template: image, port and connection string")
    func memcachedTemplate() throws {
        var bindings = Bindings()
        bindings.hostPorts[EndpointID("mc", "tcp")] = 21211
        let plan = try Self.plan("name: mc\nresources:\n  mc: { type: memcached }\n", inContainers: ["mc"], bindings: bindings)
        let mc = try #require(plan.services.first)
        #expect(mc.arguments.contains("docker.io/library/memcached:1.6"))
        #expect(mc.arguments.contains("127.0.0.1:21211:11211"))
        #expect(Array(mc.arguments.suffix(4)) == ["-p", "11211", "-U", "0"])
        let type = try #require(WellKnownType.named("memcached"))
        #expect(type.render(type.connectionString, host: "localhost", port: 21211, password: nil).value == "localhost:21211")
    }

    @Test("valkey in a container: its config (with the password) mounted read-only, never in argv")
    func valkeyContainer() throws {
        var bindings = Bindings()
        bindings.hostPorts[EndpointID("kv", "tcp")] = 26379
        bindings.passwords["kv"] = "kv-s3cret"
        let plan = try Self.plan("name: kv\nresources:\n  kv: { type: valkey }\n", inContainers: ["kv"], bindings: bindings)
        let kv = try #require(plan.services.first)
        #expect(kv.arguments.contains("docker.io/valkey/valkey:8"))
        #expect(kv.arguments.contains("127.0.0.1:26379:6379"))
        #expect(kv.arguments.contains { $0.hasSuffix("/.aspire/data/kv/container.conf:/usr/local/etc/valkey/valkey.conf:ro") })
        #expect(Array(kv.arguments.suffix(2)) == ["valkey-server", "/usr/local/etc/valkey/valkey.conf"])
        #expect(!kv.arguments.joined(separator: " ").contains("kv-s3cret"))
        #expect(kv.secrets.contains("kv-s3cret"))
    }
}
