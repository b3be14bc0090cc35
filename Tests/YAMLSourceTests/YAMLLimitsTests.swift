import Testing

@testable import YAMLSource

/// Hostile or simply big inputs: they must fail fast with a located error, or just work.
@Suite struct YAMLLimitsTests {
    // No timed asserts here (a loaded CI machine under AddressSanitizer is 10x slower): the
    // budget's error proves the expansion stopped; parse speed is `make bench`'s job.
    @Test("billion laughs fails on the alias budget")
    func billionLaughs() throws {
        let doc = try fixture("billion-laughs")
        #expect(doc.errors.map(\.code) == [.aliasBudget])
        #expect(doc.errors.map { at($0.location) } == [[7, 8]])
        #expect(doc.root == nil)
    }

    @Test("aliases well under the budget are fine")
    func modestAliases() {
        var source = "base: &b [1, 2, 3]\nuses:\n"
        for i in 0..<1000 { source += "  u\(i): *b\n" }
        let doc = YAMLDocument(string: source)
        #expect(doc.errors.isEmpty)
        #expect(doc.root?["uses"]?.count == 1000)
    }

    @Test("10,000 nested '[' stop at the depth cap")
    func deepFlowNesting() {
        let source = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        let doc = YAMLDocument(string: source)
        #expect(doc.errors.map(\.code) == [.depth])
        #expect(doc.errors.map { at($0.location) } == [[1, 257]])
        #expect(doc.root == nil)
    }

    @Test("nesting up to the cap is allowed")
    func nestingAtTheCap() throws {
        let doc = YAMLDocument(string: String(repeating: "[", count: 256) + String(repeating: "]", count: 256))
        #expect(doc.errors.isEmpty)
        var node = try #require(doc.root)
        var depth = 1
        while let inner = node.items.first {
            node = inner
            depth += 1
        }
        #expect(depth == 256)
    }

    @Test("deep block nesting stops at the depth cap too")
    func deepBlockNesting() {
        var source = ""
        for i in 0..<300 { source += String(repeating: " ", count: i * 2) + "k\(i):\n" }
        let doc = YAMLDocument(string: source)
        #expect(doc.errors.map(\.code) == [.depth])
        #expect(doc.errors.first?.location.line == 257)
    }

    @Test("a 20 MB scalar parses")
    func hugeScalar() throws {
        let big = String(repeating: "x", count: 20_000_000)
        let doc = YAMLDocument(string: "big: \"\(big)\"\nnext: 1\n")
        #expect(doc.errors.isEmpty)
        let root = try #require(doc.root)
        #expect(root["big"]?.scalar?.utf8.count == 20_000_000)
        #expect(at(root.pairs.last?.key.location) == [2, 1])
    }

    @Test("a mapping with 20,000 keys parses, and its two duplicates are found")
    func manyKeys() throws {
        var source = ""
        for i in 0..<20_000 { source += "key\(i): \(i)\n" }
        source += "key7: again\nkey19999: again\n"
        let doc = YAMLDocument(string: source)
        #expect(doc.errors.map(\.code) == [.duplicateKey, .duplicateKey])
        #expect(doc.errors.map { at($0.location) } == [[20_001, 1], [20_002, 1]])
        #expect(doc.errors.map { at($0.relatedLocation) } == [[8, 1], [20_000, 1]])
        #expect(doc.root?.count == 20_002)
    }

    @Test("duplicate reports are capped")
    func duplicateCap() {
        let source = "{" + Array(repeating: "a", count: 5000).joined(separator: ",") + "}"
        let doc = YAMLDocument(string: source)
        #expect(doc.errors.count == 1000)
        #expect(doc.errors.allSatisfy { $0.code == .duplicateKey })
        #expect(doc.errors.last?.message.contains("too many duplicate keys") == true)
    }

    @Test("huge %TAG expansions are refused, not copied")
    func longTags() {
        let prefix = "tag:example.com,2024:" + String(repeating: "p", count: 10_000)
        let doc = YAMLDocument(string: "%TAG !e! \(prefix)\n---\n- !e!x 1\n")
        #expect(doc.errors.map(\.code) == [.tooLarge])
        #expect(doc.errors.map { at($0.location) } == [[3, 3]])
    }
}
