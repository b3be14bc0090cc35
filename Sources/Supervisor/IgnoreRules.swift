import Foundation

/// Which changed paths under a watched folder do not count (docs/manifest.md#watch).
///
/// A subset of gitignore syntax: blank lines and `#` comments are skipped; a trailing `/`
/// matches folders only; a pattern without a `/` (other than a trailing one) matches a name at
/// any depth, and everything under it; a pattern with a `/` is anchored at the watched folder
/// (a leading `/` is dropped); `*`, `?` and `[…]` are shell globs within one path component;
/// `**` matches across components. Negation (`!`) is not supported: such lines are skipped.
struct IgnoreRules: Sendable {
    /// What is never worth a restart.
    static let defaults = [".git", ".aspire", ".build", "node_modules", "__pycache__", "target", "*.pyc"]

    private struct Rule: Sendable {
        var pattern: String
        var directoryOnly: Bool
        var anchored: Bool
        var crossesComponents: Bool
    }

    private var rules: [Rule] = []

    /// The defaults, `extra`, and the `.gitignore` and `.dockerignore` files in `root` (if any).
    init(root: String?, extra: [String]) {
        var lines = Self.defaults + extra
        if let root {
            for file in [".gitignore", ".dockerignore"] {
                let path = (root as NSString).appendingPathComponent(file)
                if let text = try? String(contentsOfFile: path, encoding: .utf8) {
                    lines += text.split(whereSeparator: \.isNewline).map(String.init)
                }
            }
        }
        for line in lines { add(line) }
    }

    private mutating func add(_ line: String) {
        var text = line.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty, !text.hasPrefix("#"), !text.hasPrefix("!") else { return }
        var directoryOnly = false
        while text.hasSuffix("/") {
            text.removeLast()
            directoryOnly = true
        }
        let anchored = text.contains("/")
        while text.hasPrefix("/") { text.removeFirst() }
        guard !text.isEmpty else { return }
        rules.append(Rule(pattern: text, directoryOnly: directoryOnly, anchored: anchored, crossesComponents: text.contains("**")))
    }

    /// Whether `path` (relative to the watched folder, `/`-separated) is ignored; `isDirectory`
    /// says whether its last component is a folder.
    func ignores(_ path: String, isDirectory: Bool) -> Bool {
        let components = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        guard !components.isEmpty else { return false }
        for rule in rules {
            if rule.anchored {
                // Every prefix (a folder above the path, or the path itself) is tried.
                var prefix = ""
                for (index, component) in components.enumerated() {
                    prefix = prefix.isEmpty ? component : prefix + "/" + component
                    let isFolder = index < components.count - 1 || isDirectory
                    if rule.directoryOnly && !isFolder { continue }
                    if Self.matches(rule.pattern, prefix, pathname: !rule.crossesComponents) { return true }
                }
            } else {
                for (index, component) in components.enumerated() {
                    let isFolder = index < components.count - 1 || isDirectory
                    if rule.directoryOnly && !isFolder { continue }
                    if Self.matches(rule.pattern, component, pathname: true) { return true }
                }
            }
        }
        return false
    }

    private static func matches(_ pattern: String, _ text: String, pathname: Bool) -> Bool {
        if !pattern.contains(where: { $0 == "*" || $0 == "?" || $0 == "[" }) { return pattern == text }
        // `**/x` matches `x` at the top too.
        if !pathname, pattern.hasPrefix("**/"), matches(String(pattern.dropFirst(3)), text, pathname: !pattern.dropFirst(3).contains("**")) {
            return true
        }
        let globbed = pathname ? pattern : pattern.replacingOccurrences(of: "**", with: "*")
        return fnmatch(globbed, text, pathname ? FNM_PATHNAME : 0) == 0
    }
}
