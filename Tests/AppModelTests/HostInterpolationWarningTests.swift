import AppModel
import AppState
import Foundation
import Testing

/// `$NAME` of an unset host variable is replaced by "" as compose does, and warned about as
/// compose does: once per variable, at its first use, with the `$$` fix-it (issue 15, item 3).
@Suite struct HostInterpolationWarningTests {
    static let manifest = """
        resources:
          a:
            type: executable
            command: sh
            args: [-c, 'psql "$CATALOGDB_URI" ${OTHER} $CATALOGDB_URI']
            env:
              DEFAULTED: "${WITH_DEFAULT:-d}${DASH-x}${PLUS:+y}"
              AGAIN: $CATALOGDB_URI
              LITERAL: $$NOT_A_VARIABLE
              SET: $HOME_DIR
              NESTED: "${HOME_DIR:-$UNUSED_DEFAULT}${MISSING:-$USED_DEFAULT}"
        """

    @Test("one warning per unset variable, at its first line:col; defaults and $$ warn not")
    func warnings() throws {
        let result = load(Self.manifest, environment: ["HOME_DIR": "/home/x"])
        let warnings = result.diagnostics.filter { $0.message.id == "unset-variable" }
        #expect(warnings.summaries == ["unset-variable@5:23", "unset-variable@5:39", "unset-variable@11:55"])
        #expect(warnings.map { $0.notes.map(\.message) } == [
            ["write $$CATALOGDB_URI to pass a literal $ to the program"],
            ["write $$OTHER to pass a literal $ to the program"],
            ["write $$USED_DEFAULT to pass a literal $ to the program"],
        ])
        // Warnings only: the manifest is valid, and the values are compose's.
        #expect(!result.hasErrors)
        let resource = try #require(result.manifest?["a"])
        #expect(resource.run.args.map { "\($0)" }.last == #"psql ""  "#)
        let env = Dictionary(uniqueKeysWithValues: resource.run.env.map { ($0.name, "\($0.value)") })
        #expect(env["DEFAULTED"] == "dx")
        #expect(env["LITERAL"] == "$NOT_A_VARIABLE")
        #expect(env["SET"] == "/home/x")
    }
}
