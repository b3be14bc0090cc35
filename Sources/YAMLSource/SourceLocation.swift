/// A place in a source file, as a person reads it: 1-based line and column.
///
/// Columns count Unicode scalars (libyaml's unit), so a caret drawn under a line of text
/// lands under the right character. The `+1` from libyaml's 0-based marks is applied once,
/// in the C shim.
package struct SourceLocation: Hashable, Sendable, Comparable, CustomStringConvertible {
    package var file: String
    package var line: Int
    package var column: Int

    package init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    package var description: String { "\(file):\(line):\(column)" }

    package static func < (lhs: SourceLocation, rhs: SourceLocation) -> Bool {
        (lhs.file, lhs.line, lhs.column) < (rhs.file, rhs.line, rhs.column)
    }
}
