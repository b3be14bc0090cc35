/// A problem libyaml or the shim found while reading a file, with where it is.
package struct YAMLParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem it is; tests match on this rather than on the text.
    package enum Code: Int32, Sendable, Hashable {
        case syntax = 1
        case reader = 2
        case duplicateKey = 3
        case aliasBudget = 4
        case depth = 5
        case unknownAnchor = 6
        case multipleDocuments = 7
        case memory = 8
        case tooLarge = 9
    }

    package var code: Code
    package var message: String
    package var location: SourceLocation
    /// For duplicate keys: where the key was first defined.
    package var relatedLocation: SourceLocation?

    package init(code: Code, message: String, location: SourceLocation, relatedLocation: SourceLocation? = nil) {
        self.code = code
        self.message = message
        self.location = location
        self.relatedLocation = relatedLocation
    }

    package var description: String { "\(location): error: \(message)" }
}
