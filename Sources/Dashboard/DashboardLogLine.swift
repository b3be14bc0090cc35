/// One console line of one resource, as it was written to `.aspire/logs/<name>.log`.
package struct DashboardLogLine: Sendable, Hashable, Codable {
    /// The resource (or replica prefix, `name-1`) that wrote it.
    package var resource: String
    /// The raw text without its newline; may hold ANSI escape sequences.
    package var text: String

    /// Creates a line.
    ///
    /// - Parameters:
    ///   - resource: Who wrote it.
    ///   - text: The raw text, without the newline.
    package init(resource: String, text: String) {
        self.resource = resource
        self.text = text
    }
}
