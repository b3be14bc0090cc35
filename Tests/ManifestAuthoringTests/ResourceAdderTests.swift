import AppModel
import ManifestAuthoring
import Testing

/// `aspire add`: the text before and after differs only in the lines the addition needs.
@Suite struct ResourceAdderTests {
    static let manifest = """
        # yaml-language-server: $schema=../docs/apphost.schema.json
        name: shop   # the app

        resources:
          # the cache
          cache:
            type: redis

          api:
            type: project
            path: "./api"
            references: [cache]   # flow
            waitFor:
              - cache

          web:
            type: project
            path: './web'
            references:
              - api
              - resource: cache
                optional: true
            env:
              GREETING: 'hi'    # single quoted
          flowy: { type: executable, command: echo, endpoints: {} }
        # trailing comment

        """

    static func add(_ request: ResourceAdder.Request, to text: String = manifest) throws(ResourceAdder.Failure) -> String {
        try ResourceAdder.add(request, to: text, file: "apphost.yaml")
    }

    /// Lines removed and added, as a line diff would show them (no line here repeats).
    static func diff(_ before: String, _ after: String) -> (removed: [String], added: [String]) {
        let old = before.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let new = after.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let changes = new.difference(from: old)
        var removed: [String] = []
        var added: [String] = []
        for change in changes {
            switch change {
            case .remove(_, let line, _): removed.append(line)
            case .insert(_, let line, _): added.append(line)
            }
        }
        return (removed, added)
    }

    @Test("a resource and references from flow, block and flow-mapping resources; nothing else changes")
    func roundTrip() throws {
        let after = try Self.add(ResourceAdder.Request(type: "postgres", name: "db", to: ["api", "web", "flowy"]))
        let (removed, added) = Self.diff(Self.manifest, after)
        #expect(
            Set(removed) == [
                "    references: [cache]   # flow",
                "  flowy: { type: executable, command: echo, endpoints: {} }",
            ])
        #expect(removed.count == 2)
        #expect(
            added == [
                "    references: [cache, db]   # flow",
                "      - db",
                "  flowy: { type: executable, command: echo, endpoints: {}, references: [db] }",
                "",
                "  db:",
                "    type: postgres",
            ], "\(after)")
        #expect(after.hasSuffix("    type: postgres\n# trailing comment\n"))
        #expect(!AppInitializer.validate(text: after, directory: "/tmp", environment: [:]).hasErrors)
    }

    @Test("a resource without references gets a references line after its last field")
    func newReferencesKey() throws {
        let text = "resources:\n  cache: { type: redis }\n  web:\n    type: project\n    path: ./web\n    env:\n      A: '1'\n"
        let after = try Self.add(ResourceAdder.Request(type: "valkey", name: "kv", to: ["web"]), to: text)
        #expect(after == "resources:\n  cache: { type: redis }\n  web:\n    type: project\n    path: ./web\n    env:\n      A: '1'\n    references: [kv]\n  kv:\n    type: valkey\n")
    }

    @Test("a file without a final newline, and an empty flow 'resources'")
    func edges() throws {
        let noNewline = try Self.add(ResourceAdder.Request(type: "redis", name: "cache"), to: "resources:\n  api:\n    type: project\n    path: .")
        #expect(noNewline == "resources:\n  api:\n    type: project\n    path: .\n  cache:\n    type: redis\n")
        let empty = try Self.add(ResourceAdder.Request(type: "memcached"), to: "name: app\nresources: {}   # none yet\n")
        #expect(empty == "name: app\nresources:\n  memcached:\n    type: memcached   # none yet\n")
        #expect(!AppInitializer.validate(text: empty, directory: "/tmp", environment: [:]).hasErrors)
    }

    @Test("a name that exists is refused with the existing definition's line; unknown types and targets too")
    func refusals() {
        #expect(throws: ResourceAdder.Failure.self) { try Self.add(ResourceAdder.Request(type: "redis", name: "cache")) }
        do {
            _ = try Self.add(ResourceAdder.Request(type: "redis", name: "web"))
        } catch {
            #expect(error.description == "'web' already exists at apphost.yaml:16:3")
        }
        #expect(throws: ResourceAdder.Failure.self) { try Self.add(ResourceAdder.Request(type: "rabbit")) }
        #expect(throws: ResourceAdder.Failure.self) { try Self.add(ResourceAdder.Request(type: "redis", name: "c2", to: ["nope"])) }
        #expect(throws: ResourceAdder.Failure.self) { try Self.add(ResourceAdder.Request(type: "container", name: "box")) }
    }
}
