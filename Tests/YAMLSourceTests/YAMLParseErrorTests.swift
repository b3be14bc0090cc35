import Testing

@testable import YAMLSource

/// Problems the shim reports: each with a code and the line:column a person should look at.
@Suite struct YAMLParseErrorTests {
    // MARK: - Duplicate keys

    @Test("duplicate keys are all collected, each located at the second key")
    func duplicateKeys() throws {
        let doc = try fixture("duplicates")
        #expect(doc.errors.map(\.code) == [.duplicateKey, .duplicateKey, .duplicateKey])
        #expect(doc.errors.map { at($0.location) } == [[6, 3], [8, 3], [12, 3]])
        #expect(doc.errors.map { at($0.relatedLocation) } == [[2, 3], [4, 3], [11, 3]])
        #expect(doc.errors.allSatisfy { $0.location.file == "duplicates.yaml" })
        let first = try #require(doc.errors.first)
        #expect(first.message.contains("duplicate key 'cache'"))
        #expect(first.message.contains("line 2, column 3"))
        // Parsing went on: the tree is complete.
        #expect(doc.root?["env"]?.count == 2)
    }

    @Test("a quoted key duplicates the same plain key")
    func quotedDuplicate() throws {
        let doc = try fixture("duplicates")
        let web = try #require(doc.errors.dropFirst().first)
        #expect(web.message.contains("'web'"))
        #expect(at(web.location) == [8, 3])
    }

    @Test("equal keys in different mappings are not duplicates")
    func sameKeyInSiblingMappings() {
        let doc = YAMLDocument(string: "a: {x: 1, y: 2}\nb: {x: 1, y: 2}\nc: [{x: 1}, {x: 2}]\n")
        #expect(doc.errors.isEmpty)
    }

    @Test("duplicates inside flow mappings are found too")
    func flowDuplicates() {
        let doc = YAMLDocument(string: "env: {A: 1, B: 2, A: 3}\n")
        #expect(doc.errors.map(\.code) == [.duplicateKey])
        #expect(doc.errors.map { at($0.location) } == [[1, 19]])
        #expect(doc.errors.map { at($0.relatedLocation) } == [[1, 7]])
    }

    /// The shim compares a mapping's first 8 keys directly and moves them into a hash table at
    /// the 9th: duplicates are found on both sides of that move, and across it, with the place
    /// of the first key kept.
    @Test("duplicates are found in small mappings, large ones, and across the move to a table", arguments: [3, 8, 9, 12, 40])
    func duplicatesAroundTheSmallKeyLimit(keys: Int) {
        var text = ""
        for i in 0..<keys { text += "k\(i): \(i)\n" }
        text += "k0: again\n"  // repeats the first key, after all the others
        text += "k\(keys - 1): again\n"  // repeats the last distinct key
        let doc = YAMLDocument(string: text)
        #expect(doc.errors.map(\.code) == [.duplicateKey, .duplicateKey])
        #expect(doc.errors.map { at($0.location) } == [[keys + 1, 1], [keys + 2, 1]])
        #expect(doc.errors.map { at($0.relatedLocation) } == [[1, 1], [keys, 1]])
        #expect(doc.root?.count == keys + 2)
    }

    // MARK: - Aliases and anchors

    @Test("an alias to an unknown anchor is an error at the alias")
    func unknownAnchor() throws {
        let doc = try fixture("unknown-anchor")
        #expect(doc.errors.map(\.code) == [.unknownAnchor])
        #expect(doc.errors.map { at($0.location) } == [[3, 13]])
        #expect(doc.errors.first?.message.contains("bsae") == true)
    }

    @Test("an alias to its own enclosing collection is refused")
    func recursiveAlias() {
        let doc = YAMLDocument(string: "a: &x [1, *x]\n")
        #expect(doc.errors.map(\.code) == [.unknownAnchor])
        #expect(doc.errors.map { at($0.location) } == [[1, 11]])
    }

    // MARK: - Multiple documents

    @Test("a second document is an error at its '---'")
    func multipleDocuments() throws {
        let doc = try fixture("multiple-documents")
        #expect(doc.errors.map(\.code) == [.multipleDocuments])
        #expect(doc.errors.map { at($0.location) } == [[2, 1]])
        #expect(doc.errors.first?.message == "only one YAML document is allowed per file")
    }

    @Test("one explicit document (with '---' and '...') is fine")
    func explicitSingleDocument() {
        let doc = YAMLDocument(string: "---\na: 1\n...\n")
        #expect(doc.errors.isEmpty)
        #expect(doc.root?["a"]?.int == 1)
        let two = YAMLDocument(string: "---\na: 1\n---\nb: 2\n")
        #expect(two.errors.map { at($0.location) } == [[3, 1]])
    }

    // MARK: - Reader errors

    @Test("invalid UTF-8 is reported at its line and column")
    func invalidUTF8() throws {
        let doc = try fixture("invalid-utf8")
        #expect(doc.errors.map(\.code) == [.reader])
        // Line 3 is `  wéb: "cafés <0xFF>"`: columns count scalars, so é is one column.
        #expect(doc.errors.map { at($0.location) } == [[3, 15]])
        #expect(doc.errors.first?.message.contains("0xFF") == true)
    }

    @Test("a truncated UTF-8 sequence is reported at its first byte")
    func truncatedUTF8() {
        let doc = YAMLDocument(bytes: Array("a: 1\nb: x".utf8) + [0xE2, 0x82] + Array("\n".utf8), file: "t.yaml")
        #expect(doc.errors.map(\.code) == [.reader])
        #expect(doc.errors.map { at($0.location) } == [[2, 5]])
    }

    @Test("control characters are reader errors")
    func controlCharacter() {
        let doc = YAMLDocument(string: "a: 1\nb: \"x\u{07}\"\n")
        #expect(doc.errors.map(\.code) == [.reader])
        #expect(doc.errors.map { at($0.location) } == [[2, 6]])
    }

    // MARK: - Syntax errors

    @Test("tabs used as indentation get a clear message")
    func tabIndentation() throws {
        let doc = try fixture("tabs")
        #expect(doc.errors.map(\.code) == [.syntax])
        #expect(doc.errors.map { at($0.location) } == [[3, 1]])
        #expect(doc.errors.first?.message.contains("tab") == true)
    }

    @Test(
        "libyaml's syntax errors keep their mark",
        arguments: [
            ("a: b: c\n", 1, 5, "mapping values are not allowed"),
            ("a: 1\n@b: 2\n", 2, 1, "cannot start any token"),
            ("a: [1, 2\nb: 3\n", 2, 2, "while parsing a flow sequence"),
            ("a: \"unterminated\n", 2, 1, "while scanning a quoted scalar"),
            ("a:\n  b: 1\n c: 2\n", 3, 2, "did not find expected key"),
        ])
    func syntaxErrors(source: String, line: Int, column: Int, phrase: String) {
        let doc = YAMLDocument(string: source)
        #expect(doc.errors.map(\.code) == [.syntax])
        #expect(doc.errors.map { at($0.location) } == [[line, column]])
        #expect(doc.errors.first?.message.contains(phrase) == true, "\(doc.errors)")
    }
}
