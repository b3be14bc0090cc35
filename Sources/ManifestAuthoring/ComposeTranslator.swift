package import YAMLSource

/// Turns a docker compose file into an apphost.yaml draft, service by service.
///
/// Pure: the only question it asks the disk — is a build context a project folder aspire can
/// run? — comes in as `detectProject`. Every key it cannot carry over becomes a `Note` with the
/// compose file's line and column, so nothing is dropped silently. The mapping is in docs/init.md.
package struct ComposeTranslator: Sendable {
    /// A key left out or changed on the way, at its place in the compose file.
    package struct Note: Sendable, Hashable, CustomStringConvertible {
        package var location: SourceLocation
        package var message: String
        package var description: String { "\(location): \(message)" }
    }

    /// What translating produced: the draft, what was left out, and whether the file was unusable.
    package struct Translation: Sendable {
        package var draft: DraftManifest
        package var notes: [Note]
        /// Parse errors, or a file without `services`: nothing was translated.
        package var errors: [Note]
    }

    /// For a build context relative to the compose file's folder: what makes it a project
    /// (`"app.py"`, `"go.mod"`), or nil when aspire cannot tell how to run it.
    package var detectProject: @Sendable (String) -> String?

    package init(detectProject: @escaping @Sendable (String) -> String? = { _ in nil }) {
        self.detectProject = detectProject
    }

    /// Top-level keys read (`services`), or known to need nothing (`version`, `volumes`).
    static let quietTopLevel: Set<String> = ["version", "volumes", "name"]

    /// Translates `document`; `appName` is used when the file has no `name:`.
    package func translate(_ document: YAMLDocument, appName: String? = nil) -> Translation {
        var draft = DraftManifest(name: appName)
        draft.header = ["Written by `aspire init` from \(document.file). Comments marked 'guess' are worth a look."]
        let parseErrors = document.errors.map { Note(location: $0.location, message: $0.message) }
        guard parseErrors.isEmpty, let root = document.root, root.kind == .mapping else {
            let fallback = SourceLocation(file: document.file, line: 1, column: 1)
            return Translation(draft: draft, notes: [], errors: parseErrors.isEmpty ? [Note(location: fallback, message: "not a compose file: no 'services' mapping")] : parseErrors)
        }
        guard let services = root["services"], services.kind == .mapping else {
            return Translation(draft: draft, notes: [], errors: [Note(location: root.location, message: "not a compose file: no 'services' mapping")])
        }
        var notes: [Note] = []
        if let name = root["name"]?.scalar, !ServiceNames.sanitize(name).isEmpty { draft.name = ServiceNames.sanitize(name) }
        for (key, value) in root.pairView {
            guard let text = key.scalar, text != "services", !text.hasPrefix("x-"), !Self.quietTopLevel.contains(text) else { continue }
            notes.append(Note(location: key.location, message: "top-level '\(text)' has no equivalent; left out"))
            _ = value
        }
        let names = ServiceNames(services.pairView.compactMap { $0.key.scalar })
        let kinds = Dictionary(
            services.pairView.compactMap { pair in pair.key.scalar.map { ($0, ServiceKind.of(pair.value)) } }, uniquingKeysWith: { first, _ in first })
        for (key, value) in services.pairView {
            guard let name = key.scalar else { continue }
            var service = ServiceTranslation(name: names[name], node: value, names: names, kinds: kinds, detectProject: detectProject)
            if names[name] != name {
                service.resource.comments.append("guess: compose service '\(name)' renamed to a valid resource name")
            }
            service.translate()
            draft.resources.append(service.resource)
            notes += service.notes
        }
        return Translation(draft: draft, notes: notes, errors: [])
    }
}

/// Compose service names made into aspire resource names (letters, digits, single hyphens).
struct ServiceNames: Sendable {
    private var map: [String: String] = [:]

    init(_ originals: [String]) {
        var used: Set<String> = []
        for original in originals {
            var candidate = Self.sanitize(original)
            if candidate.isEmpty { candidate = "service" }
            var unique = candidate
            var suffix = 2
            while used.contains(unique) {
                unique = "\(candidate)\(suffix)"
                suffix += 1
            }
            used.insert(unique)
            map[original] = unique
        }
    }

    subscript(original: String) -> String { map[original] ?? Self.sanitize(original) }

    /// ASCII letters and digits kept, everything else a single hyphen, starting with a letter.
    static func sanitize(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            let keep = scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar))
            if keep {
                out.unicodeScalars.append(scalar)
            } else if !out.isEmpty, !out.hasSuffix("-") {
                out += "-"
            }
        }
        while let first = out.first, !first.isLetter { out.removeFirst() }
        while out.hasSuffix("-") { out.removeLast() }
        return String(out.prefix(64))
    }
}

/// What a service becomes, decided before any is translated (a dependent needs to know
/// whether what it waits for is a well-known server, to reference it).
enum ServiceKind: Sendable, Hashable {
    case wellKnown(String)
    case other

    static func of(_ node: YAMLNode) -> ServiceKind {
        guard node["build"] == nil, let image = node["image"]?.scalar, let type = KnownImages.type(forImage: image) else { return .other }
        return .wellKnown(type)
    }
}

/// Images that have a well-known aspire type (its own health check, password and connection string).
enum KnownImages {
    static let types: [String: String] = [
        "redis": "redis", "redis-stack-server": "redis", "postgres": "postgres", "postgis": "postgres",
        "valkey": "valkey", "memcached": "memcached",
    ]

    /// `redis:7-alpine`, `docker.io/library/postgres:16`, `bitnami/redis` → the type, else nil.
    static func type(forImage image: String) -> String? {
        let withoutDigest = image.split(separator: "@").first.map(String.init) ?? image
        let last = withoutDigest.split(separator: "/").last.map(String.init) ?? withoutDigest
        let repository = last.split(separator: ":").first.map(String.init) ?? last
        return types[repository.lowercased()]
    }

    /// The tag of an image reference (`7-alpine`), or nil.
    static func tag(ofImage image: String) -> String? {
        let last = image.split(separator: "/").last.map(String.init) ?? image
        let parts = last.split(separator: ":", maxSplits: 1)
        return parts.count == 2 ? String(parts[1]) : nil
    }
}
