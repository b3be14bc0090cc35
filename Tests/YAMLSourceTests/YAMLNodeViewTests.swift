import Testing

@testable import YAMLSource

/// The allocation-free readers the decoder uses: pair/item views and byte comparisons.
@Suite struct YAMLNodeViewTests {
    @Test("pairView and itemView read the same nodes as pairs and items")
    func viewsMatchArrays() throws {
        let doc = YAMLDocument(string: "a: 1\nb: [x, y, z]\nc: {d: e}\n")
        let root = try #require(doc.root)
        #expect(root.pairView.count == root.pairs.count)
        #expect(root.pairView.map { $0.key.scalar } == root.pairs.map { $0.key.scalar })
        #expect(root.pairView.map { at($0.value.location) } == root.pairs.map { at($0.value.location) })
        let list = try #require(root["b"])
        #expect(list.itemView.map(\.scalar) == ["x", "y", "z"])
        #expect(list.itemView.count == list.items.count)
        // Views of the wrong kind are empty, like the arrays.
        #expect(list.pairView.isEmpty)
        #expect(root.itemView.isEmpty)
        #expect(try #require(root["a"]).pairView.isEmpty)
    }

    @Test("scalar byte comparisons: exact bytes, length, kind, prefixes")
    func scalarComparisons() throws {
        let root = try #require(YAMLDocument(string: "type: project\nx-ext: 1\n名前: 値\nlist: [type]\n\"\": empty\n").root)
        let keys = root.pairView.map(\.key)
        #expect(keys[0].scalarEquals("type"))
        #expect(keys[0].scalarEquals("type" as StaticString))
        #expect(!keys[0].scalarEquals("typ"))
        #expect(!keys[0].scalarEquals("types"))
        #expect(!keys[0].scalarEquals("Type"))
        #expect(keys[1].scalarHasPrefix("x-"))
        #expect(!keys[0].scalarHasPrefix("x-"))
        #expect(keys[2].scalarEquals("名前"))
        #expect(!keys[2].scalarEquals("名"))
        #expect(keys[4].scalarEquals(""))
        #expect(!keys[4].scalarHasPrefix("x-"))
        // A collection never equals a string, even one with the same text as its only item.
        #expect(!(try #require(root["list"])).scalarEquals("type"))
    }

    @Test("subscript finds the first pair with that key, compared as bytes")
    func subscriptByBytes() throws {
        let doc = YAMLDocument(string: "a: 1\nab: 2\nb: 3\n")
        let root = try #require(doc.root)
        #expect(root["ab"]?.scalar == "2")
        #expect(root["a"]?.scalar == "1")
        #expect(root["abc"] == nil)
        #expect(root[""] == nil)
    }

    @Test("null spellings are recognised without making strings")
    func nulls() throws {
        let root = try #require(YAMLDocument(string: "a: ~\nb: null\nc: Null\nd: NULL\ne:\nf: nul\ng: 'null'\nh: nulls\n").root)
        #expect(["a", "b", "c", "d", "e"].allSatisfy { root[$0]?.isNull == true })
        #expect(["f", "g", "h"].allSatisfy { root[$0]?.isNull == false })
    }
}
