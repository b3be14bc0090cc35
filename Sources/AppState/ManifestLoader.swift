package import AppModel
import Foundation
import YAMLSource

/// Reads a manifest file from disk and runs the whole front half of the pipeline on it:
/// parse (C shim) → decode → validate.
package struct ManifestLoader: Sendable {
    /// What loading produced: the manifest when usable, every diagnostic, and the source text
    /// (for rendering carets under the offending line).
    package struct Result: Sendable {
        package var manifest: Manifest?
        package var diagnostics: [Diagnostic]
        /// The file's bytes; `sourceLines` splits them only when a diagnostic is rendered.
        package var source: [UInt8]

        /// The file's lines (for carets under the offending line).
        package var sourceLines: [Substring] {
            guard !diagnostics.isEmpty else { return [] }
            return String(decoding: source, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        }

        package var hasErrors: Bool { manifest == nil || diagnostics.hasErrors }
    }

    /// An I/O failure: the file is missing or unreadable (exit code 2, not a manifest error).
    package struct ReadError: Error, Sendable, CustomStringConvertible {
        package var path: String
        package var reason: String
        package var description: String { "cannot read \(path): \(reason)" }
    }

    package var environment: [String: String]
    /// How the text of a YAML manifest becomes a manifest and its diagnostics.
    package var decodeAndValidate: DecodeAndValidate

    /// Decodes and validates the text of a YAML manifest (`bytes`, read from `file`, in the
    /// absolute folder `directory`; `defaultName` when it has no `name:`, `environment` for
    /// `${VAR}`).
    package typealias DecodeAndValidate = @Sendable (
        _ bytes: [UInt8], _ file: String, _ directory: String, _ defaultName: String, _ environment: [String: String]
    ) -> (Manifest?, [Diagnostic])

    /// - Parameter decodeAndValidate: By default `onOneThread`; the CLI passes ParallelLoad's,
    ///   which spreads a large file over the cores and gives the same result.
    package init(environment: [String: String], decodeAndValidate: @escaping DecodeAndValidate = ManifestLoader.onOneThread) {
        self.environment = environment
        self.decodeAndValidate = decodeAndValidate
    }

    /// The plain path: `ManifestDecoder.decode`, then `Validator.validate`, on the calling thread.
    package static let onOneThread: DecodeAndValidate = { bytes, file, directory, defaultName, environment in
        let document = YAMLDocument(bytes: bytes, file: file)
        let (manifest, diagnostics) = ManifestDecoder.decode(document, directory: directory, defaultName: defaultName, environment: environment)
        guard let manifest else { return (nil, diagnostics) }
        return (manifest, diagnostics + Validator.validate(manifest))
    }

    /// Loads `path` (as typed by the user; used in diagnostics).
    package func load(_ path: String) throws(ReadError) -> Result {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ReadError(path: path, reason: "no such file (pass the manifest with -f FILE)")
        }
        guard !isDirectory.boolValue else { throw ReadError(path: path, reason: "it is a directory; pass the manifest file with -f") }
        guard let bytes = Self.readAll(path) else {
            throw ReadError(path: path, reason: "permission denied or unreadable")
        }
        let absolute = URL(fileURLWithPath: path).standardizedFileURL
        let directory = absolute.deletingLastPathComponent().path
        return load(bytes: bytes, file: path, directory: directory)
    }

    /// The file's bytes, read straight into the array (a 3 MB manifest read through `Data`
    /// would be copied twice); nil when it cannot be opened or read.
    static func readAll(_ path: String) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var info = stat()
        let expected = fstat(descriptor, &info) == 0 && info.st_size > 0 ? Int(info.st_size) : 0
        var bytes: [UInt8] = []
        var failed = false
        var chunk = expected + 1  // one byte more tells a file that grew from one that did not
        while true {
            let more = [UInt8](unsafeUninitializedCapacity: chunk) { buffer, count in
                count = 0
                guard let base = buffer.baseAddress else { return }
                while count < chunk {
                    let got = read(descriptor, base + count, chunk - count)
                    if got < 0, errno == EINTR { continue }
                    if got < 0 { failed = true }
                    if got <= 0 { break }
                    count += got
                }
            }
            if bytes.isEmpty { bytes = more } else { bytes += more }
            if failed { return nil }
            if more.count < chunk { return bytes }
            chunk = max(chunk, 1 << 16)
        }
    }

    /// Loads manifest text already in memory.
    package func load(bytes: [UInt8], file: String, directory: String) -> Result {
        let defaultName = Self.defaultAppName(directory: directory)
        let loaded: (manifest: Manifest?, diagnostics: [Diagnostic])
        if file.hasSuffix(".json") {
            // An aspire-manifest.json (JSON is YAML flow syntax, so the same shim parses it).
            let (manifest, diagnostics) = AspireManifestDecoder.decode(YAMLDocument(bytes: bytes, file: file), directory: directory, defaultName: defaultName)
            loaded = (manifest, diagnostics + (manifest.map { Validator.validate($0) } ?? []))
        } else {
            loaded = decodeAndValidate(bytes, file, directory, defaultName, environment)
        }
        return Result(manifest: loaded.manifest, diagnostics: loaded.diagnostics.sortedByLocation, source: bytes)
    }

    /// The folder's name, made into a valid app name.
    static func defaultAppName(directory: String) -> String {
        let base = (directory as NSString).lastPathComponent.lowercased()
        var name = String(base.map { $0.isLetter || $0.isNumber ? $0 : "-" })
        while name.contains("--") { name = name.replacingOccurrences(of: "--", with: "-") }
        name = String(name.drop { !$0.isLetter })
        while name.hasSuffix("-") { name.removeLast() }
        return name.isEmpty ? "app" : String(name.prefix(64))
    }
}
