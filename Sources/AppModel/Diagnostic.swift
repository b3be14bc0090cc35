package import YAMLSource

/// One problem found in a manifest: what, where, and what to do about it.
///
/// Diagnostics are data: validation collects every one of them and returns the array; the CLI
/// renders them compiler-style (`DiagnosticRenderer`) or as JSON.
package struct Diagnostic: Sendable, Hashable {
    package enum Severity: Int, Sendable, Hashable, Comparable, CustomStringConvertible {
        case note, warning, error

        package static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rawValue < rhs.rawValue }

        package var description: String {
            switch self {
            case .note: "note"
            case .warning: "warning"
            case .error: "error"
            }
        }
    }

    /// A secondary location that explains the primary one (e.g. where a key was first defined).
    package struct Note: Sendable, Hashable {
        package var message: String
        package var location: SourceLocation?

        package init(_ message: String, at location: SourceLocation? = nil) {
            self.message = message
            self.location = location
        }
    }

    package var severity: Severity
    package var message: Message
    package var location: SourceLocation?
    package var notes: [Note]

    package init(_ severity: Severity, _ message: Message, at location: SourceLocation?, notes: [Note] = []) {
        self.severity = severity
        self.message = message
        self.location = location
        self.notes = notes
    }

    package static func error(_ message: Message, at location: SourceLocation?, notes: [Note] = []) -> Diagnostic {
        Diagnostic(.error, message, at: location, notes: notes)
    }

    package static func warning(_ message: Message, at location: SourceLocation?, notes: [Note] = []) -> Diagnostic {
        Diagnostic(.warning, message, at: location, notes: notes)
    }
}

extension Diagnostic {
    /// A message with a stable identifier, so tests and JSON consumers match on `id`, not text.
    ///
    /// Messages are built by the static factories in `Diagnostic+Messages.swift`.
    package struct Message: Sendable, Hashable, CustomStringConvertible {
        package var id: String
        package var text: String
        /// What the message is about (a variable, a resource name), for a later pass that keeps
        /// or drops it (`Array.settledAfterDecoding(for:)`); nil for most messages.
        package var subject: String?

        package init(id: String, _ text: String, subject: String? = nil) {
            self.id = id
            self.text = text
            self.subject = subject
        }

        package var description: String { text }
    }
}

extension Array where Element == Diagnostic {
    /// True when any diagnostic is an error (warnings do not fail validation).
    package var hasErrors: Bool { contains { $0.severity == .error } }

    /// Sorted by file position, errors and warnings interleaved as they appear in the file.
    package var sortedByLocation: [Diagnostic] {
        enumerated().sorted { a, b in
            switch (a.element.location, b.element.location) {
            case let (l?, r?): l == r ? a.offset < b.offset : l < r
            case (nil, _?): false
            case (_?, nil): true
            case (nil, nil): a.offset < b.offset
            }
        }.map(\.element)
    }
}
