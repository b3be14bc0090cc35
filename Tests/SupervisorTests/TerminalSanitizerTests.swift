import Testing

@testable import Supervisor

/// Issue 21 item 2: what reaches the terminal from a child (`up`'s console, `aspire logs`).
@Suite struct TerminalSanitizerTests {
    static let esc = "\u{1B}"

    /// (input, with colour on, with colour off).
    static let cases: [(String, String, String)] = [
        ("plain text\n", "plain text\n", "plain text\n"),
        ("tab\tkept\n", "tab\tkept\n", "tab\tkept\n"),
        ("\(esc)]52;c;aGVsbG8=\u{07}after\n", "\\x1b]52;c;aGVsbG8=\\x07after\n", "\\x1b]52;c;aGVsbG8=\\x07after\n"),
        ("\(esc)]0;owned\(esc)\\title\n", "\\x1b]0;owned\\x1b\\title\n", "\\x1b]0;owned\\x1b\\title\n"),
        ("\(esc)[2Jcleared\n", "\\x1b[2Jcleared\n", "\\x1b[2Jcleared\n"),
        ("\(esc)[?1049h\(esc)[H\n", "\\x1b[?1049h\\x1b[H\n", "\\x1b[?1049h\\x1b[H\n"),
        ("\(esc)P+q544e\(esc)\\dcs\n", "\\x1bP+q544e\\x1b\\dcs\n", "\\x1bP+q544e\\x1b\\dcs\n"),
        ("\(esc)_apc\(esc)\\ \(esc)^pm\(esc)\\ \(esc)Xsos\(esc)\\\n", "\\x1b_apc\\x1b\\ \\x1b^pm\\x1b\\ \\x1bXsos\\x1b\\\n",
         "\\x1b_apc\\x1b\\ \\x1b^pm\\x1b\\ \\x1bXsos\\x1b\\\n"),
        ("\(esc)c reset, \(esc)7 save\n", "\\x1bc reset, \\x1b7 save\n", "\\x1bc reset, \\x1b7 save\n"),
        ("bell\u{07} bs\u{08} del\u{7F} nul\u{00}\n", "bell\\x07 bs\\x08 del\\x7f nul\\x00\n", "bell\\x07 bs\\x08 del\\x7f nul\\x00\n"),
        ("\(esc)[31mred\(esc)[0m \(esc)[1;38;5;208mo\(esc)[m\n", "\(esc)[31mred\(esc)[0m \(esc)[1;38;5;208mo\(esc)[m\n", "red o\n"),
        ("\(esc)[38:2:1:2:3mtrue\(esc)[0m\n", "\(esc)[38:2:1:2:3mtrue\(esc)[0m\n", "true\n"),
        ("C1 csi \u{9B}2J osc \u{9D}0;t\u{9C}\n", "C1 csi <U+009B>2J osc <U+009D>0;t<U+009C>\n", "C1 csi <U+009B>2J osc <U+009D>0;t<U+009C>\n"),
        ("bidi \u{202E}evil\u{202C} \u{2066}x\u{2069}\n", "bidi <U+202E>evil<U+202C> <U+2066>x<U+2069>\n",
         "bidi <U+202E>evil<U+202C> <U+2066>x<U+2069>\n"),
        ("unicode é → 😀 ok\n", "unicode é → 😀 ok\n", "unicode é → 😀 ok\n"),
        ("crlf line\r\n", "crlf line\n", "crlf line\n"),
        ("progress\r50%\n", "progress\\x0d50%\n", "progress\\x0d50%\n"),
        ("cut \(esc)[31", "cut \\x1b[31", "cut \\x1b[31"),
    ]

    @Test("control sequences are escaped, SGR kept with colour and dropped without", arguments: cases)
    func table(input: String, colored: String, plain: String) {
        #expect(String(decoding: TerminalSanitizer.sanitize(Array(input.utf8), color: true), as: UTF8.self) == colored)
        #expect(String(decoding: TerminalSanitizer.sanitize(Array(input.utf8), color: false), as: UTF8.self) == plain)
    }

    @Test("bytes that are not UTF-8 become \\xNN and never break the rest of the line", arguments: [
        ([0x61, 0xFF, 0x62, 0x0A], "a\\xffb\n"),
        ([0x9B, 0x32, 0x4A, 0x0A], "\\x9b2J\n"),  // a raw 8-bit CSI
        ([0xC2, 0x0A], "\\xc2\n"),  // a cut sequence
        ([0xC0, 0xAF, 0x0A], "\\xc0\\xaf\n"),  // overlong '/'
        ([0xED, 0xA0, 0x80, 0x0A], "\\xed\\xa0\\x80\n"),  // a surrogate
        ([0xF4, 0x90, 0x80, 0x80], "\\xf4\\x90\\x80\\x80"),  // beyond U+10FFFF
        ([0xE2, 0x82, 0xAC, 0x1B, 0x5B, 0x6D], "€"),  // valid, then SGR dropped
    ] as [([UInt8], String)])
    func invalidUTF8(input: [UInt8], expected: String) {
        #expect(String(decoding: TerminalSanitizer.sanitize(input, color: false), as: UTF8.self) == expected)
    }

    @Test("the common line is not copied: the fast scan finds nothing, at every alignment")
    func fastPath() {
        let clean = Array(String(repeating: "GET /api/items 200 12ms\tok\n", count: 5).utf8)
        for start in 0..<16 {
            let slice = Array(clean[start...])
            #expect(slice.withUnsafeBytes { TerminalSanitizer.sanitize($0, color: true) } == nil)
        }
        // One bad byte anywhere (in a word, at a word's edge, in the tail) is found exactly there.
        for position in 0..<clean.count {
            for bad: UInt8 in [0x1B, 0x7F, 0x9B, 0x00, 0x0D, 0xC3] {
                var dirty = clean
                dirty[position] = bad
                let found = dirty.withUnsafeBytes { TerminalSanitizer.firstUnsafeIndex(in: $0, from: 0) }
                #expect(found == position)
            }
        }
        // Random buffers over the bytes around every boundary agree with the byte-wise rule.
        let alphabet: [UInt8] = [0x00, 0x08, 0x09, 0x0A, 0x0B, 0x1F, 0x20, 0x41, 0x7E, 0x7F, 0x80, 0x9F, 0xA0, 0xFF]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let length = Int.random(in: 0..<40, using: &generator)
            let buffer = (0..<length).map { _ in
                Bool.random(using: &generator) ? UInt8(ascii: "a") : alphabet.randomElement(using: &generator) ?? 0
            }
            let expected = buffer.firstIndex { $0 < 0x20 ? $0 != 0x0A && $0 != 0x09 : $0 >= 0x7F }
            #expect(buffer.withUnsafeBytes { TerminalSanitizer.firstUnsafeIndex(in: $0, from: 0) } == expected, "\(buffer)")
        }
    }
}
