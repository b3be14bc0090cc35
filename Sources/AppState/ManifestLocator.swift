import Foundation

/// Finds the app's manifest the way docker compose finds its file, so every verb agrees:
/// `-f/--file FILE` (before the verb or after it), else `ASPIRE_FILE`, else the nearest
/// `apphost.yaml` in the current folder or a parent.
package enum ManifestLocator {
    /// The file names looked for in each folder, in order.
    package static let defaultNames = ["apphost.yaml", "apphost.yml"]

    /// The environment variable that names the manifest when no `-f` is given.
    package static let environmentVariable = "ASPIRE_FILE"

    /// Why no manifest could be found.
    package struct NotFound: Error, Sendable, Hashable, CustomStringConvertible {
        /// The folder the search started in.
        package var directory: String

        package var description: String {
            "no apphost.yaml in \(directory) or any folder above it; pass the manifest with -f FILE, set "
                + "\(ManifestLocator.environmentVariable)=FILE, or run `aspire` in the app's folder"
        }
    }

    /// The manifest to use: `explicit` when given, else `ASPIRE_FILE`, else the nearest default
    /// name from `currentDirectory` up to `/`. An explicit or `ASPIRE_FILE` path is returned as
    /// given (its absence is reported by whoever reads it, with the path the user wrote).
    package static func locate(
        explicit: String?, environment: [String: String], currentDirectory: String
    ) -> Result<String, NotFound> {
        if let explicit, !explicit.isEmpty { return .success(explicit) }
        if let named = environment[environmentVariable], !named.isEmpty { return .success(named) }
        let start = URL(fileURLWithPath: currentDirectory).standardizedFileURL.path
        var folder = start
        while true {
            for name in defaultNames {
                let candidate = (folder as NSString).appendingPathComponent(name)
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory), !isDirectory.boolValue {
                    // Shown relative when it is in the current folder, as the user would write it.
                    return .success(folder == start ? name : candidate)
                }
            }
            let parent = (folder as NSString).deletingLastPathComponent
            if parent == folder || parent.isEmpty { break }
            folder = parent
        }
        return .failure(NotFound(directory: currentDirectory))
    }

    /// The command line with a leading `-f FILE` / `--file FILE` / `--file=FILE` (given before
    /// the verb, as in `aspire -f app.yaml logs -f`) moved after the verb as `--file FILE`, where
    /// every verb's parser reads it. A `-f` after the verb is left alone (it follows in `logs`).
    /// - Parameter arguments: the arguments without the program name.
    package static func hoistingLeadingFile(_ arguments: [String]) -> [String] {
        var file: String?
        var rest = arguments[...]
        while let first = rest.first {
            if first == "-f" || first == "--file" {
                guard rest.count >= 2 else { break }  // no value: let the parser say so
                file = rest[rest.index(after: rest.startIndex)]
                rest = rest.dropFirst(2)
            } else if first.hasPrefix("--file=") {
                file = String(first.dropFirst("--file=".count))
                rest = rest.dropFirst()
            } else {
                break
            }
        }
        guard let file, let verb = rest.first, !verb.hasPrefix("-") else { return arguments }
        return [verb, "--file", file] + rest.dropFirst()
    }
}
