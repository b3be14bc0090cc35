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
                if first == "\"" { value = unescape(value) }
            } else if let hash = value.range(of: " #") {
                value = value[..<hash.lowerBound].trimmingCharacters(in: .whitespaces)
            }
            if !key.isEmpty { result.append((key, value)) }
        }
        return result
    }

    /// The largest env file read (1 MiB): a real one is a few KiB, and a 99 MB one took 30 s
    /// and 1.1 GB to parse.
    package static let maximumSize = 1 << 20

    /// Reads a dotenv file, or says why not.
    ///
    /// Only a regular file up to `maximumSize` is read; it is opened non-blocking, so a FIFO
    /// nobody writes, or `/dev/zero`, is refused at once instead of hanging or eating memory.
    package static func read(_ path: String) -> Result<[(String, String)], ReadFailure> {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)
        guard fd >= 0 else {
            let reason = String(cString: strerror(errno))
            return .failure(ReadFailure(message: "env file \(path) does not exist or cannot be read (\(reason))"))
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            return .failure(ReadFailure(message: "env file \(path) is not a regular file"))
        }
        guard Int(info.st_size) <= maximumSize else {
            return .failure(
                ReadFailure(message: "env file \(path) is \(info.st_size) bytes; the limit is 1 MiB (\(maximumSize) bytes)"))
        }
        // Read one byte past the limit: a file that grew since fstat is refused too.
        var bytes = [UInt8](repeating: 0, count: maximumSize + 1)
        var count = 0
        while count < bytes.count {
            let got = bytes.withUnsafeMutableBytes {
                Foundation.read(fd, $0.baseAddress.map { $0 + count }, $0.count - count)
            }
            if got < 0, errno == EINTR { continue }
            guard got >= 0 else {
                let reason = String(cString: strerror(errno))
                return .failure(ReadFailure(message: "env file \(path) cannot be read (\(reason))"))
            }
            if got == 0 { break }
            count += got
        }
        guard count <= maximumSize else {
            return .failure(ReadFailure(message: "env file \(path) is over the 1 MiB limit (\(maximumSize) bytes)"))
        }
        return .success(parse(String(decoding: bytes[0..<count], as: UTF8.self)))
    }

    package struct ReadFailure: Error, Sendable {
        package var message: String
    }

    /// A double-quoted value's text: `\n`, `\"`, `\\` and `\$` stand for what they escape
    /// (what `quote` writes); any other backslash is kept.
    static func unescape(_ value: String) -> String {
        guard value.contains("\\") else { return value }
        var out = ""
        var escaped = false
        for character in value {
            if escaped {
                switch character {
                case "n": out.append("\n")
                case "\"", "\\", "$": out.append(character)
                default: out += "\\" + String(character)
                }
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else {
                out.append(character)
            }
        }
        if escaped { out.append("\\") }
        return out
    }
}

// MARK: - Writing

extension DotEnv {
    /// Quotes a value for a dotenv line so that docker compose and `DotEnv.parse` both read it
    /// back as written: bare when safe, else single-quoted (literal: compose does not
    /// interpolate `$` in it), else double-quoted with `\\`, `\"`, `\n` and `\$` escaped.
    package static func quote(_ value: String) -> String {
        let safe = value.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || "-_.~!:/@%+=,".unicodeScalars.contains($0)
        }
        if safe { return value }
        if !value.contains("'"), !value.contains("\n") { return "'\(value)'" }
        let escaped = value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "$", with: "\\$")
        return "\"\(escaped)\""
    }

    /// `NAME=value` lines, one per pair, in order: the one dotenv writer (the env files, `aspire
    /// env`, the publishers' `.env` files).
    package static func render(_ pairs: some Sequence<(name: String, value: String)>) -> String {
        pairs.map { "\($0.name)=\(quote($0.value))\n" }.joined()
    }

    /// `NAME=value` lines of an environment; `aspire env` and the per-resource env files both
    /// use this, so what a user reads is what the child got.
    package static func render(_ environment: ResolvedEnvironment, showSecrets: Bool) -> String {
        render(environment.lazy.map { (name: $0.name, value: $0.value.rendered(showSecrets: showSecrets)) })
    }
}
