import AppModel
import AppState
import Testing

/// `endpoints: {}` says a resource has none; an absent `endpoints:` keeps the default http one.
@Suite struct NoEndpointsTests {
    static let yaml = """
        resources:
          script:
            type: executable
            command: [python3, job.py]
            endpoints: {}
          tool:
            type: project
            path: ./tool
            endpoints: { x-note: none on purpose }
          api:
            type: executable
            command: [python3, api.py]
          web:
            type: project
            path: ./web
          front:
            type: executable
            command: x
            references: [script, tool, api, web]
        """

    @Test("an explicit empty endpoints mapping means no endpoint and no PORT")
    func none() throws {
        let result = load(Self.yaml)
        #expect(!result.hasErrors, "\(result.diagnostics.summaries)")
        let manifest = try #require(result.manifest)
        #expect(manifest["script"]?.run.endpoints.isEmpty == true)
        #expect(manifest["tool"]?.run.endpoints.isEmpty == true)
        let resolver = EnvironmentResolver(manifest: manifest, bindings: bindings(for: manifest))
        for name in ["script", "tool"] {
            let env = try resolver.environment(of: name)
            #expect(env["PORT"] == nil, "\(name)")
            #expect(env["OTEL_SERVICE_NAME"]?.value == name)
        }
    }

    @Test("without an endpoints key a project and an executable keep the default http endpoint and PORT")
    func absentKeepsDefault() throws {
        let manifest = try #require(load(Self.yaml).manifest)
        let resolver = EnvironmentResolver(manifest: manifest, bindings: bindings(for: manifest))
        for name in ["api", "web"] {
            #expect(manifest[name]?.run.endpoints.map(\.name) == ["http"], "\(name)")
            #expect(try resolver.environment(of: name)["PORT"] != nil, "\(name)")
        }
    }

    @Test("a referencer gets no services__ entries for a resource without endpoints")
    func referencer() throws {
        let manifest = try #require(load(Self.yaml).manifest)
        let env = try EnvironmentResolver(manifest: manifest, bindings: bindings(for: manifest)).environment(of: "front")
        let names = env.entries.map(\.name)
        #expect(!names.contains { $0.hasPrefix("services__script") || $0.hasPrefix("services__tool") }, "\(names)")
        #expect(!names.contains { $0.hasPrefix("SCRIPT_") || $0.hasPrefix("TOOL_") }, "\(names)")
        #expect(names.contains { $0.hasPrefix("services__api__http__0") })
        #expect(names.contains { $0.hasPrefix("services__web__http__0") })
    }

    @Test("an expression or a health check on a missing endpoint is reported")
    func expressionOnNone() {
        let result = load("resources:\n  s:\n    type: executable\n    command: x\n    endpoints: {}\n    healthCheck: { http: /h }\n  b:\n    type: executable\n    command: x\n    env: { U: \"{s.endpoints.http.url}\" }\n")
        #expect(result.diagnostics.summaries.contains("unknown-endpoint@10:16"), "\(result.diagnostics.summaries)")
        #expect(result.diagnostics.map(\.message.id).filter { $0 == "unknown-endpoint" }.count == 2, "\(result.diagnostics.summaries)")
    }
}
