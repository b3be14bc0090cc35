package import AppModel
import Foundation

/// Reads and writes dotenv files the way docker compose's `env_file` does.
package enum DotEnv {
    /// Parses `KEY=VALUE` lines; `#` comments, `export ` prefixes, single and double quotes.
    package static func parse(_ text: String) -> [(String, String)] {
        var result: [(String, String)] = []
        for rawLine in text.split(omittingEmptySubsequences: true, whereSeparator: \.isNewline) {
            var line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("export ") { line = String(line.dropFirst(7)) }
            guard let eq = line.firstIndex(of: "=") else { continue }
            let key = line[..<eq].trimmingCharacters(in: .whitespaces)
            var value = line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, let first = value.first, (first == "\"" || first == "'"), value.last == first {
                value = String(value.dropFirst().dropLast())
                if first == "\"" { value = value.replacingOccurrences(of: "\\n", with: "\n").replacingOccurrences(of: "\\\"", with: "\"") }
            } else if let hash = value.range(of: " #") {
                value = value[..<hash.lowerBound].trimmingCharacters(in: .whitespaces)
            }
            if !key.isEmpty { result.append((key, value)) }
        }
        return result
    }

    /// Reads a dotenv file, or says why not.
    package static func read(_ path: String) -> Result<[(String, String)], ReadFailure> {
        guard let data = FileManager.default.contents(atPath: path) else {
            return .failure(ReadFailure(message: "env file \(path) does not exist or cannot be read"))
        }
        return .success(parse(String(decoding: data, as: UTF8.self)))
    }

    package struct ReadFailure: Error, Sendable {
        package var message: String
    }

    /// Quotes a value for a dotenv line when it needs it.
    package static func quote(_ value: String) -> String {
        let plain = value.allSatisfy { $0.isLetter || $0.isNumber || "-_./:,@%+=".contains($0) }
        if plain && !value.isEmpty { return value }
        let escaped = value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
        return "\"\(escaped)\""
    }
}

extension DotEnv {
    /// `NAME=value` lines of an environment; `aspire env` and the per-resource env files both
    /// use this, so what a user reads is what the child got.
    package static func render(_ environment: ResolvedEnvironment, showSecrets: Bool) -> String {
        environment.map { "\($0.name)=\(quote($0.value.rendered(showSecrets: showSecrets)))\n" }.joined()
    }
}
