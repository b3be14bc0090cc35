/// One line of `up`'s live board: pieces of text, each with an optional SGR colour. The text is
/// the supervisor's and the app's (names, states, URLs, changed paths), so control characters are
/// shown as `?`: the board never drives the terminal.
package struct BoardLine: Sendable, Hashable {
    /// A run of text and its SGR parameters (`"32"` green, `"1"` bold; nil: plain).
    package struct Piece: Sendable, Hashable {
        package var text: String
        package var style: String?

        package init(_ text: String, style: String? = nil) {
            self.text = BoardLine.printable(text)
            self.style = style
        }
    }

    package var pieces: [Piece]

    package init(_ pieces: [Piece]) {
        self.pieces = pieces
    }

    /// Its width in columns (one per character).
    package var width: Int { pieces.map(\.text.count).reduce(0, +) }

    /// The line without colour.
    package var plain: String { pieces.map(\.text).joined() }

    /// The bytes to draw: each styled piece between its SGR and a reset.
    var rendered: [UInt8] {
        var text = ""
        for piece in pieces where !piece.text.isEmpty {
            if let style = piece.style {
                text += "\u{1B}[\(style)m\(piece.text)\u{1B}[0m"
            } else {
                text += piece.text
            }
        }
        return Array(text.utf8)
    }

    /// The line cut to `columns` (its end replaced by `…` when it was longer).
    package func cut(to columns: Int) -> BoardLine {
        guard width > columns else { return self }
        guard columns > 0 else { return BoardLine([]) }
        var left = columns - 1
        var kept: [Piece] = []
        for piece in pieces where left > 0 {
            let text = String(piece.text.prefix(left))
            left -= text.count
            kept.append(Piece(text, style: piece.style))
        }
        kept.append(Piece("…"))
        return BoardLine(kept)
    }

    /// `lines` cut to `columns` and to at most `maxLines` lines: the first two (the title and the
    /// column header) are kept, and rows that do not fit are counted on a last `+N more` line.
    package static func fit(_ lines: [BoardLine], columns: Int, maxLines: Int) -> [BoardLine] {
        var shown = lines
        if lines.count > maxLines, maxLines >= 3 {
            let hidden = lines.count - (maxLines - 1)
            shown = Array(lines.prefix(maxLines - 1)) + [BoardLine([Piece("  +\(hidden) more (aspire ps)", style: "2")])]
        }
        return shown.map { $0.cut(to: columns) }
    }

    /// `text` with every control character (C0, DEL, C1) shown as `?`.
    static func printable(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        return String(String.UnicodeScalarView(text.unicodeScalars.map { isControl($0) ? "?" : $0 }))
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || (0x202A...0x202E).contains(scalar.value)
            || (0x2066...0x2069).contains(scalar.value)
    }
}
