import Testing

@testable import YAMLSource

/// The tree the shim builds from well-formed files: shape, values, styles, tags and marks.
@Suite struct YAMLDocumentTests {
    // MARK: - Structure and locations

    @Test("nested mappings and sequences keep their shape")
    func nestedShape() throws {
        let doc = try fixture("nested")
        #expect(doc.errors.isEmpty)
        let root = try #require(doc.root)
        #expect(root.kind == .mapping)
        #expect(root.count == 3)
        #expect(root.pairs.map { $0.key.scalar } == ["name", "services", "名前"])
        #expect(root["name"]?.scalar == "shop")
        let ports = try #require(root.path("services", "cache", "ports"))
        #expect(ports.kind == .sequence)
        #expect(ports.items.map(\.scalar) == ["6379", "6380"])
        #expect(ports.items.map(\.style) == [.plain, .doubleQuoted])
        #expect(root.path("services", "web", "env", "REDIS")?.scalar == "cache")
    }

    @Test("keys and values carry 1-based line:column start marks")
    func startMarks() throws {
        let doc = try fixture("nested")
        let root = try #require(doc.root)
        #expect(at(root.location) == [2, 1])  // the comment on line 1 is not a node
        let services = try #require(root.pairs.first { $0.key.scalar == "services" })
        #expect(at(services.key.location) == [3, 1])
        let cache = try #require(services.value.pairs.first)
        #expect(at(cache.key.location) == [4, 3])
        let image = try #require(cache.value.pairs.first)
        #expect(at(image.key.location) == [5, 5])
        #expect(at(image.value.location) == [5, 12])
        let ports = try #require(cache.value["ports"])
        #expect(at(ports.location) == [7, 7])  // a block sequence starts at its first '-'
        #expect(ports.items.map { at($0.location) } == [[7, 9], [8, 9]])
        #expect(at(root.path("services", "web", "env", "REDIS")?.location) == [11, 14])
        #expect(doc.file == "nested.yaml")
        #expect(image.value.location.file == "nested.yaml")
    }

    @Test("end marks are exclusive and point just past the node")
    func endMarks() throws {
        let root = try #require(try fixture("nested").root)
        let image = try #require(root.path("services", "cache", "image"))
        #expect(at(image.endLocation) == [5, 19])  // "redis:7" is columns 12..18
        let quoted = try #require(root.path("services", "cache", "ports")?.items.last)
        #expect(at(quoted.endLocation) == [8, 15])  // includes the closing quote
    }

    @Test("columns count Unicode scalars, not bytes")
    func unicodeColumns() throws {
        let root = try #require(try fixture("nested").root)
        let pair = try #require(root.pairs.last)
        #expect(pair.key.scalar == "名前")
        #expect(at(pair.key.location) == [12, 1])
        #expect(at(pair.value.location) == [12, 5])  // 名, 前, ':', ' ' are one column each
        #expect(at(pair.value.endLocation) == [12, 6])
    }

    @Test("CRLF line endings count as one line break")
    func crlf() throws {
        let doc = YAMLDocument(string: "a: 1\r\nb:\r\n  c: 2\r\n")
        let root = try #require(doc.root)
        #expect(doc.errors.isEmpty)
        #expect(at(root.path("b", "c")?.location) == [3, 6])
    }

    // MARK: - Scalars: styles and tags

    @Test("scalar styles are reported as written")
    func scalarStyles() throws {
        let root = try #require(try fixture("styles").root)
        #expect(root["plain"]?.style == .plain)
        #expect(root["single"]?.style == .singleQuoted)
        #expect(root["single"]?.scalar == "it's")
        #expect(root["double"]?.style == .doubleQuoted)
        #expect(root["double"]?.scalar == "tab\there")
        #expect(root["literal"]?.style == .literal)
        #expect(root["literal"]?.scalar == "line one\nline two\n")
        #expect(root["folded"]?.style == .folded)
        #expect(root["folded"]?.scalar == "folded text\n")
        #expect(root["block_seq"]?.style == .block)
        #expect(root["block_map"]?.style == .block)
        #expect(root["plain"]?.isQuotedOrTaggedString == false)
        #expect(root["single"]?.isQuotedOrTaggedString == true)
    }

    @Test("explicit tags are resolved; non-specific and absent tags are nil")
    func tags() throws {
        let root = try #require(try fixture("styles").root)
        #expect(root["tagged"]?.tag == "tag:yaml.org,2002:str")
        #expect(root["tagged"]?.int == nil)  // !!str 42 is a string
        #expect(root["custom"]?.tag == "!local")
        #expect(root["verbatim"]?.tag == "tag:example.com,2024:x")
        #expect(root["nonspecific"]?.tag == nil)
        #expect(root["untagged"]?.tag == nil)
        #expect(root["untagged"]?.int == 7)
        #expect(root["plain"]?.tag == nil)
        #expect(at(root["tagged"]?.location) == [10, 9])  // a node starts at its properties
    }

    @Test("empty values and ~ are null")
    func nulls() throws {
        let root = try #require(try fixture("styles").root)
        let nothing = try #require(root["nothing"])
        #expect(nothing.kind == .scalar)
        #expect(nothing.scalar == "")
        #expect(nothing.isNull)
        #expect(root["tilde"]?.isNull == true)
        #expect(root["plain"]?.isNull == false)
    }

    // MARK: - Flow collections

    @Test("flow sequences and mappings nest and carry flow style")
    func flowCollections() throws {
        let doc = try fixture("flow")
        #expect(doc.errors.isEmpty)
        let root = try #require(doc.root)
        let ports = try #require(root["ports"])
        #expect(ports.kind == .sequence)
        #expect(ports.style == .flow)
        #expect(ports.count == 3)
        #expect(at(ports.location) == [1, 8])
        #expect(at(ports.endLocation) == [1, 51])
        #expect(ports.items.map { at($0.location) } == [[1, 9], [1, 15], [1, 23]])
        let hostPort = try #require(ports.items.last)
        #expect(hostPort.kind == .mapping)
        #expect(hostPort.style == .flow)
        #expect(hostPort["port"]?.int == 80)
        #expect(at(hostPort["host"]?.location) == [1, 30])
        let env = try #require(root["env"])
        #expect(env.pairs.map { $0.key.scalar } == ["A", "B", "C"])
        #expect(env["B"]?.items.map(\.scalar) == ["x", "y"])
        #expect(env["C"]?.kind == .mapping)
        #expect(env["C"]?.count == 0)
        #expect(root["empty"]?.kind == .sequence)
        #expect(root["empty"]?.items.isEmpty == true)
    }

    // MARK: - Aliases

    @Test("an alias resolves to the anchored node itself")
    func aliasesShareNodes() throws {
        let doc = try fixture("aliases")
        #expect(doc.errors.isEmpty)
        let root = try #require(doc.root)
        let defaults = try #require(root["defaults"])
        let api = try #require(root.path("services", "api", "settings"))
        let worker = try #require(root.path("services", "worker", "settings"))
        #expect(api.index == defaults.index)
        #expect(worker.index == defaults.index)
        #expect(api["restart"]?.scalar == "always")
        #expect(at(api.location) == [1, 11])  // the anchored node's own location
        let name = try #require(root.path("services", "worker", "name"))
        let display = try #require(root.path("services", "worker", "display"))
        #expect(display.index == name.index)
        #expect(display.scalar == "worker-1")
    }

    @Test("a redefined anchor refers to the latest definition")
    func anchorRedefinition() throws {
        let doc = YAMLDocument(string: "a: &x 1\nb: *x\nc: &x 2\nd: *x\n")
        #expect(doc.errors.isEmpty)
        let root = try #require(doc.root)
        #expect(root["b"]?.scalar == "1")
        #expect(root["d"]?.scalar == "2")
    }

    @Test("merge keys are ordinary keys at this level")
    func mergeKeyIsPlainKey() throws {
        let doc = YAMLDocument(string: "base: &b {x: 1}\nweb:\n  <<: *b\n  y: 2\n")
        #expect(doc.errors.isEmpty)
        let web = try #require(doc.root?["web"])
        #expect(web.pairs.map { $0.key.scalar } == ["<<", "y"])
        #expect(web["<<"]?["x"]?.int == 1)
    }

    // MARK: - Empty input

    @Test("an empty file has no root and no errors")
    func emptyFile() throws {
        let doc = try fixture("empty")
        #expect(doc.root == nil)
        #expect(doc.errors.isEmpty)
        #expect(YAMLDocument(bytes: [], file: "x.yaml").root == nil)
    }

    @Test("a file with only comments has no root and no errors")
    func commentsOnly() throws {
        let doc = try fixture("comments-only")
        #expect(doc.root == nil)
        #expect(doc.errors.isEmpty)
    }

    @Test("an explicit empty document is a null scalar")
    func explicitEmptyDocument() throws {
        let doc = YAMLDocument(string: "---\n")
        #expect(doc.errors.isEmpty)
        #expect(doc.root?.isNull == true)
    }
}
