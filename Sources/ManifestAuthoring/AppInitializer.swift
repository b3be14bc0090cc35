import AppHost
package import AppModel
import Foundation
import YAMLSource

/// `aspire init`'s library half: what a folder holds (a compose file, project folders) turned
/// into apphost.yaml text, checked by the real decoder and validator before anything is written.
package enum AppInitializer {
    /// What `init` would write, and what it had to leave out.
    package struct Outcome: Sendable {
        package var text: String
        /// Keys of the compose file with no equivalent, each at its line.
        package var notes: [ComposeTranslator.Note]
        /// The compose file was unreadable (nothing to write).
        package var errors: [ComposeTranslator.Note]
        /// What the decoder and validator said about `text`.
        package var diagnostics: [Diagnostic]
        /// The compose file translated, or nil when the folders were scanned.
        package var composeFile: String?
    }

    /// The names compose looks for, in its order.
    package static let composeNames = ["compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml"]

    /// Folders never scanned for projects (dependencies, build output, tooling).
    static let skipped: Set<String> = ["node_modules", "target", "build", "dist", "venv", "env", "__pycache__", "vendor", "bin", "obj"]

    /// True for a path whose file name is one compose reads (`-f compose.yaml` is translated).
    package static func isComposeFile(_ path: String) -> Bool {
        let name = (path as NSString).lastPathComponent.lowercased()
        return composeNames.contains(name) || (name.contains("compose") && (name.hasSuffix(".yaml") || name.hasSuffix(".yml")))
    }

    /// The draft for `directory`: its compose file translated when it has one, else its project folders.
    package static func draft(directory: String, environment: [String: String]) -> Outcome {
        let appName = defaultName(directory)
        if let compose = composeNames.first(where: { FileManager.default.fileExists(atPath: directory + "/" + $0) }) {
            let bytes = FileManager.default.contents(atPath: directory + "/" + compose).map { [UInt8]($0) } ?? []
            return translate(bytes: bytes, file: compose, directory: directory, environment: environment)
        }
        var draft = DraftManifest(name: appName)
        draft.header = ["Written by `aspire init` from the project folders it found (docs/project-detection.md)."]
        draft.resources = projects(in: directory)
        let text = draft.text
        return Outcome(text: text, notes: [], errors: [], diagnostics: validate(text: text, directory: directory, environment: environment), composeFile: nil)
    }

    /// A compose file's text translated (`file` as written in notes; build contexts are looked
    /// up relative to `directory`) and validated.
    package static func translate(bytes: [UInt8], file: String, directory: String, environment: [String: String]) -> Outcome {
        let translator = ComposeTranslator { context in
            let path = context.hasPrefix("/") ? context : directory + "/" + context
            guard case .success(let detected) = ProjectDetector.detect(in: path) else { return nil }
            return detected.reason
        }
        let translation = translator.translate(YAMLDocument(bytes: bytes, file: file), appName: defaultName(directory))
        let text = translation.draft.text
        let diagnostics = translation.errors.isEmpty ? validate(text: text, directory: directory, environment: environment) : []
        return Outcome(text: text, notes: translation.notes, errors: translation.errors, diagnostics: diagnostics, composeFile: file)
    }

    /// The decoder's and validator's diagnostics for `text` as `apphost.yaml` in `directory`.
    package static func validate(text: String, file: String = "apphost.yaml", directory: String, environment: [String: String]) -> [Diagnostic] {
        let document = YAMLDocument(string: text, file: file)
        let (manifest, diagnostics) = ManifestDecoder.decode(document, directory: directory, defaultName: defaultName(directory), environment: environment)
        guard let manifest else { return diagnostics }
        return diagnostics + Validator.validate(manifest)
    }

    /// Every immediate subfolder aspire can run as a project; the folder itself when none is.
    static func projects(in directory: String) -> [DraftManifest.Resource] {
        let entries = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
        var used: Set<String> = []
        var resources: [DraftManifest.Resource] = []
        for entry in entries where !entry.hasPrefix(".") && !skipped.contains(entry) {
            var isDirectory: ObjCBool = false
            let path = directory + "/" + entry
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue,
                case .success(let detected) = ProjectDetector.detect(in: path)
            else { continue }
            var name = ServiceNames.sanitize(entry)
            if name.isEmpty { name = "project" }
            let base = name
            var suffix = 2
            while used.contains(name) {
                name = "\(base)\(suffix)"
                suffix += 1
            }
            used.insert(name)
            var resource = DraftManifest.Resource(name: name, type: "project", comment: "detected: \(detected.reason)")
            resource.set("path", .string("./" + entry))
            resources.append(resource)
        }
        if resources.isEmpty, case .success(let detected) = ProjectDetector.detect(in: directory) {
            var resource = DraftManifest.Resource(name: defaultName(directory), type: "project", comment: "detected: \(detected.reason)")
            resource.set("path", .string("."))
            resources.append(resource)
        }
        return resources
    }

    static func defaultName(_ directory: String) -> String {
        let name = ServiceNames.sanitize(URL(fileURLWithPath: directory).standardizedFileURL.lastPathComponent.lowercased())
        return name.isEmpty ? "app" : name
    }
}
