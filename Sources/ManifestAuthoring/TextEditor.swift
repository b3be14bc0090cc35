import YAMLSource

/// Edits to a text addressed by the YAML reader's 1-based line and column (Unicode scalars),
/// applied together at the end so earlier positions stay valid.
struct TextEditor {
    private let scalars: [Unicode.Scalar]
    /// Offset (in scalars) where each line starts; line N is `lineStarts[N - 1]`.
    private let lineStarts: [Int]
    private var edits: [(range: Range<Int>, text: String, order: Int)] = []

    init(_ text: String) {
        scalars = Array(text.unicodeScalars)
        var starts = [0]
        for (index, scalar) in scalars.enumerated() where scalar == "\n" { starts.append(index + 1) }
        lineStarts = starts
    }

    /// The offset of a line and column, clamped to the text.
    func offset(line: Int, column: Int) -> Int {
        guard line >= 1 else { return 0 }
        guard line <= lineStarts.count else { return scalars.count }
        return min(scalars.count, lineStarts[line - 1] + max(0, column - 1))
    }

    func offset(of location: SourceLocation) -> Int { offset(line: location.line, column: location.column) }

    /// True when line `line` holds only spaces (or does not exist).
    func isBlank(line: Int) -> Bool {
        guard line >= 1, line <= lineStarts.count else { return true }
        let end = line < lineStarts.count ? lineStarts[line] - 1 : scalars.count
        return scalars[lineStarts[line - 1]..<end].allSatisfy { $0 == " " || $0 == "\t" || $0 == "\r" }
    }

    /// The text of `line` before `column` (`"      - "` before a list item).
    func prefix(ofLine line: Int, upToColumn column: Int) -> String {
        let start = offset(line: line, column: 1)
        var out = String.UnicodeScalarView()
        out.append(contentsOf: scalars[start..<offset(line: line, column: column)])
        return String(out)
    }

    /// `offset` moved back over the spaces before it (`resources: {}` → the end of `resources:`).
    func backOverSpaces(_ offset: Int) -> Int {
        var start = offset
        while start > 0, scalars[start - 1] == " " { start -= 1 }
        return start
    }

    mutating func insert(_ text: String, at offset: Int) {
        edits.append((offset..<offset, text, edits.count))
    }

    /// Inserts whole lines after line `line` (a newline first when the file lacks a final one).
    mutating func insert(_ lines: String, afterLine line: Int) {
        if line < lineStarts.count {
            insert(lines, at: lineStarts[line])
        } else {
            let needsNewline = scalars.last.map { $0 != "\n" } ?? false
            insert((needsNewline ? "\n" : "") + lines, at: scalars.count)
        }
    }

    mutating func replace(_ range: Range<Int>, with text: String) {
        edits.append((range, text, edits.count))
    }

    /// The text with every edit applied (edits at one offset keep the order they were made in).
    var result: String {
        var out = String.UnicodeScalarView()
        var position = 0
        for edit in edits.sorted(by: { ($0.range.lowerBound, $0.order) < ($1.range.lowerBound, $1.order) }) {
            guard edit.range.lowerBound >= position else { continue }
            out.append(contentsOf: scalars[position..<edit.range.lowerBound])
            out.append(contentsOf: edit.text.unicodeScalars)
            position = edit.range.upperBound
        }
        out.append(contentsOf: scalars[position...])
        return String(out)
    }
}
