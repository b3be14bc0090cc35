import AppModel
import AppState
import Testing

/// The host/container boundary: containers see every resource through the host alias, host
/// processes see `localhost` and the published port (docs/containers.md).
@Suite struct ContainerAddressingTests {
    static let yaml = """
        name: mixed
        resources:
          cache: { type: redis }
          mc: { type: memcached }
          api:
            type: executable
            command: python3
          web:
            type: container
            image: nginx
            endpoints: { http: { targetPort: 80 } }
            references: [api, cache, mc]
            env:
              API: "{api.endpoints.http.url}"
            args: ["--upstream={api.endpoints.http.host}:{api.endpoints.http.port}"]
          client:
            type: executable
            command: python3
            references: [web, mc]
        """

    func resolver(containerHost: String?) throws -> EnvironmentResolver {
        let manifest = try #require(load(Self.yaml).manifest)
        var resolver = EnvironmentResolver(manifest: manifest, bindings: bindings(for: manifest))
        resolver.containerHost = containerHost
        return resolver
    }

    @Test("a container gets the host alias for processes, servers and its own expressions")
    func containerSeesAlias() throws {
        let resolver = try resolver(containerHost: "host.containers.internal")
        let env = try resolver.environment(of: "web")
        let port = try resolver.hostPort(of: EndpointID("api", "http"))
        #expect(env["services__api__http__0"]?.value == "http://host.containers.internal:\(port)")
        #expect(env["API"]?.value == "http://host.containers.internal:\(port)")
        #expect(env["ConnectionStrings__cache"]?.value.hasPrefix("host.containers.internal:") == true)
        #expect(env["CACHE_URI"]?.value.hasSuffix("@host.containers.internal:\(try resolver.hostPort(of: EndpointID("cache", "tcp")))") == true)
        #expect(env["MC_HOST"]?.value == "host.containers.internal")
        #expect(try resolver.arguments(of: "web").map(\.value) == ["--upstream=host.containers.internal:\(port)"])
    }

    @Test("a host process gets localhost and the container's published port")
    func processSeesLocalhost() throws {
        let resolver = try resolver(containerHost: "host.containers.internal")
        let env = try resolver.environment(of: "client")
        let published = try resolver.hostPort(of: EndpointID("web", "http"))
        #expect(env["services__web__http__0"]?.value == "http://localhost:\(published)")
        #expect(env["ConnectionStrings__mc"]?.value == "localhost:\(try resolver.hostPort(of: EndpointID("mc", "tcp")))")
        #expect(env["MC_URI"]?.value.hasPrefix("memcached://localhost:") == true)
    }

    @Test("without an engine, containers resolve like processes")
    func noEngine() throws {
        let resolver = try resolver(containerHost: nil)
        #expect(try resolver.environment(of: "web")["API"]?.value.hasPrefix("http://localhost:") == true)
    }

    @Test("memcached takes no password, and no databases")
    func memcachedKeys() {
        let result = load("resources:\n  mc: { type: memcached, password: x, databases: [a] }\n")
        #expect(result.diagnostics.summaries.count == 2, "\(result.diagnostics.summaries)")
        #expect(result.hasErrors)
    }
}
