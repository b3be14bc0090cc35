import Foundation
import Testing
import YAMLSource

@Suite struct YAMLEmitterTests {
    /// Strings YAML 1.1 or 1.2 would read as something else when written plain.
    static let lookalikes = [
        "no", "No", "yes", "on", "off", "y", "n", "true", "False", "null", "~", "", "8080", "-1", "0x1F", "0o17", "017", "1e3", "1.5",
        ".inf", "-.Inf", ".nan", "8080:80", "1:20", "2001-12-14", "=", "<<",
    ]

    @Test("strings that look like numbers, booleans or null are quoted and read back as the same strings", arguments: lookalikes)
    func quoted(text: String) throws {
        let yaml = try YAMLEmitter.emit(["key": .string(text)])
        let node = try #require(YAMLDocument(string: yaml).root?["key"])
        #expect(node.scalar == text, "\(yaml)")
        #expect(node.isQuotedOrTaggedString, "\(yaml)")
    }

    /// Strings libyaml has to quote or escape on its own.
    static let awkward = [
        "a: b", "#comment", "- item", "*alias", "&anchor", "!tag", "%x", "@x", "`x", "'single'", "\"double\"", " leading", "trailing ",
        "tab\there", "line\nbreak", "{braces}", "[brackets]", "é ✓ 日本", "${VAR}", "$(VAR)", "a,b", "?", "|", ">",
    ]

    @Test("awkward strings survive a round trip exactly", arguments: awkward)
    func roundTrip(text: String) throws {
        let yaml = try YAMLEmitter.emit([text: .string(text)] as YAMLEmitter.Value)
        let root = try #require(YAMLDocument(string: yaml).root)
        #expect(root.pairs.first?.key.scalar == text, "\(yaml)")
        #expect(root.pairs.first?.value.scalar == text, "\(yaml)")
    }

    @Test("plain strings, numbers and booleans are written plain")
    func plain() throws {
        let yaml = try YAMLEmitter.emit(["image": "docker.io/library/redis:7.4", "replicas": 2, "readOnly": true, "cmd": ["-c", "echo hi"]])
        #expect(yaml == "image: docker.io/library/redis:7.4\nreplicas: 2\nreadOnly: true\ncmd:\n- -c\n- echo hi\n")
    }

    @Test("multi-line literals are `|` blocks; documents are separated by ---")
    func blocksAndDocuments() throws {
        let yaml = try YAMLEmitter.emit([["file": .literal("FROM x\nRUN y\n")], ["kind": "Service"]])
        #expect(yaml == "file: |\n  FROM x\n  RUN y\n---\nkind: Service\n")
    }

    @Test("empty collections are written as {} and []")
    func empty() throws {
        #expect(try YAMLEmitter.emit(["a": .mapping([], flow: false), "b": .sequence([], flow: false)]) == "a: {}\nb: []\n")
    }

    @Test("PyYAML (YAML 1.1, as kubectl reads) sees strings where we wrote strings", .enabled(if: Tool.hasPython("yaml")))
    func yaml11() throws {
        let yaml = try YAMLEmitter.emit(.map(Self.lookalikes.enumerated().map { ("k\($0.offset)", .string($0.element)) }))
        let script = "import sys, yaml\nd = yaml.safe_load(sys.argv[1])\nbad = [k for k, v in d.items() if not isinstance(v, str)]\nprint(bad)\nsys.exit(1 if bad else 0)"
        let result = try Tool.python(script, [yaml])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    }
}
