import Testing
import YAMLSource

/// YAML merge keys: the shim's flags and `mergedPairs`.
@Suite struct MergedPairsTests {
    @Test("the shim flags a mapping with a plain '<<' key, and every collection around it")
    func flags() throws {
        let doc = YAMLDocument(string: "base: &b {x: 1, <<: {z: 0}}\nweb:\n  env:\n    <<: *b\n  y: [1]\nquoted:\n  \"<<\": {x: 1}\nplain: {x: 1}\n")
        #expect(doc.errors.isEmpty)
        let root = try #require(doc.root)
        #expect(root.containsMergeKey && !root.hasMergeKey)
        let web = try #require(root["web"])
        #expect(web.containsMergeKey && !web.hasMergeKey)
        #expect(web["env"]?.hasMergeKey == true)
        #expect(web["y"]?.containsMergeKey == false)
        #expect(root["quoted"]?.hasMergeKey == false)
        #expect(root["quoted"]?.containsMergeKey == false)
        #expect(root["plain"]?.containsMergeKey == false)
        #expect(root["base"]?.hasMergeKey == true)
    }

    @Test("an alias to a mapping with a merge key counts as containing one")
    func flagsThroughAliases() throws {
        let doc = YAMLDocument(string: "a: &a {<<: {x: 1}}\nb: [*a]\n")
        let root = try #require(doc.root)
        #expect(root["b"]?.containsMergeKey == true)
    }

    @Test("written keys win wherever they stand; earlier merged mappings win; merges nest")
    func order() throws {
        let doc = YAMLDocument(string: """
            base: &base {a: base, d: base}
            first: &first {<<: *base, a: first}
            second: &second {a: second, b: second, c: second}
            m:
              c: mine
              <<: [*first, *second]
              e: mine
            """)
        #expect(doc.errors.isEmpty)
        let m = try #require(doc.root?["m"])
        let pairs = m.mergedPairs.map { "\($0.key.scalar ?? "")=\($0.value.scalar ?? "")" }
        #expect(pairs == ["c=mine", "d=base", "a=first", "b=second", "e=mine"])
        #expect(m.mergedPairs.filter { $0.mergeKey != nil }.count == 3)
        #expect(m.mergedPairView.map { $0.key.scalar ?? "" } == ["c", "d", "a", "b", "e"])
        #expect(m.mergedValue(forKey: "d")?.scalar == "base")
        #expect(m.invalidMerges.isEmpty)
    }

    @Test("a merge of a scalar, or of a list holding one, is invalid and merges nothing")
    func invalid() throws {
        let doc = YAMLDocument(string: "s: &s text\nm:\n  <<: *s\n  a: 1\nn:\n  <<: [{b: 1}, 2]\n")
        let m = try #require(doc.root?["m"])
        #expect(m.mergedPairs.map { $0.key.scalar ?? "" } == ["a"])
        let merge = try #require(m.invalidMerges.first)
        // The alias's target is written before the use: reported at the '<<'.
        #expect((merge.location.line, merge.location.column) == (3, 3))
        let n = try #require(doc.root?["n"])
        #expect(n.invalidMerges.map { "\($0.location.line):\($0.location.column)" } == ["6:16"])
        #expect(n.mergedPairs.isEmpty)
    }
}
