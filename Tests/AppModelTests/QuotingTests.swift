import AppState
import Quoting
import Testing

/// The one dotenv writer reads back as written, and the one shell and JSON quoters quote what
/// they must.
@Suite struct QuotingTests {
    @Test(
        "a dotenv line reads back as the value it was written from",
        arguments: ["plain", "", "with space", "a'quote", "two\nlines", "dollar $HOME and 'q'", "back\\slash \"q\" 'x'", "*** ;"])
    func dotEnvRoundTrip(_ value: String) {
        let text = DotEnv.render([(name: "KEY", value: value)])
        let parsed = DotEnv.parse(text)
        #expect(parsed.count == 1)
        #expect(parsed.first?.1 == value, "\(text)")
    }

    @Test("dotenv quoting: bare when safe, single quotes when literal, double quotes with escapes otherwise")
    func dotEnvQuote() {
        #expect(DotEnv.quote("localhost:6379") == "localhost:6379")
        #expect(DotEnv.quote("a b $X") == "'a b $X'")
        #expect(DotEnv.quote("it's $X") == "\"it's \\$X\"")
    }

    @Test("shell words: bare when safe unless always; a quote inside is closed, escaped and reopened")
    func shell() {
        #expect(Shell.quote("hello") == "hello")
        #expect(Shell.quote("hello", always: true) == "'hello'")
        #expect(Shell.quote("") == "''")
        #expect(Shell.quote("it's") == "'it'\\''s'")
    }

    @Test("JSON strings escape quotes, backslashes, controls and the two JavaScript line breaks")
    func json() {
        #expect(JSON.string("a\"b\\c\n\u{1}") == "\"a\\\"b\\\\c\\n\\u0001\"")
        #expect(JSON.string("\u{2028}") == "\"\\u2028\"")
    }
}
