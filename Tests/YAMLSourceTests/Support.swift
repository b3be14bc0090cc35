import Foundation
import Testing

@testable import YAMLSource

// MARK: - Fixtures and small helpers shared by the YAMLSource suites.

/// Parses `Fixtures/<name>.yaml`; locations carry the file name `<name>.yaml`.
func fixture(_ name: String) throws -> YAMLDocument {
    let url = try #require(
        Bundle.module.url(forResource: name, withExtension: "yaml", subdirectory: "Fixtures"),
        "missing fixture \(name).yaml")
    return YAMLDocument(bytes: [UInt8](try Data(contentsOf: url)), file: "\(name).yaml")
}

/// A location as `[line, column]` (nil stays nil), so expectations read
/// `#expect(at(node.location) == [3, 5])`. Spelled `YAMLSource.SourceLocation`: Testing has one too.
func at(_ location: YAMLSource.SourceLocation?) -> [Int]? {
    location.map { [$0.line, $0.column] }
}

extension YAMLNode {
    /// Follows mapping keys; nil as soon as one is missing.
    func path(_ keys: String...) -> YAMLNode? {
        var node: YAMLNode? = self
        for key in keys { node = node?[key] }
        return node
    }
}
