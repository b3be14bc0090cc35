import AppModel
import YAMLSource

/// `aspire add`: a resource added to a manifest's text, and a reference to it from others,
/// by inserting lines at the places the YAML reader's node positions give. Everything else —
/// comments, blank lines, quoting — stays byte for byte as it was.
package enum ResourceAdder {
    /// Why nothing can be added (the manifest is left as it is).
    package struct Failure: Error, Sendable, CustomStringConvertible {
        package var description: String
    }

    /// What to add.
    package struct Request: Sendable {
        package var type: String
        package var name: String?
        /// Resources that get a reference to the new one.
        package var to: [String] = []
        /// `path` (project), `image` (container), `command` (executable), `url` (external).
        package var path: String?
        package var image: String?
        package var command: String?
        package var url: String?

        package init(type: String, name: String? = nil, to: [String] = []) {
            self.type = type
            self.name = name
            self.to = to
        }
    }

    /// Every type `add` knows, with what it needs.
    package static var types: [(name: String, about: String)] {
        [
            ("project", "a folder of source code, run as detected (--path, default ./NAME)"),
            ("executable", "a command (--command)"),
            ("container", "an image (--image)"),
            ("redis", "a Redis server"),
            ("postgres", "a PostgreSQL server"),
        ] + WellKnownType.all.map { ($0.name, "a \($0.name) server") } + [
            ("parameter", "a generated secret value"),
            ("connectionString", "an existing connection string (from ConnectionStrings__NAME)"),
            ("external", "a service elsewhere (--url)"),
        ]
    }

    /// The new text, and what validating it said. Check `diagnostics.hasErrors` before writing.
    package static func add(_ request: Request, to text: String, file: String) throws(Failure) -> String {
        guard types.contains(where: { $0.name == request.type }) else {
            throw Failure(description: "unknown type '\(request.type)'; `aspire add --list` names them")
        }
        let document = YAMLDocument(string: text, file: file)
        if let error = document.errors.first { throw Failure(description: "\(error.location): \(error.message)") }
        guard let root = document.root, root.kind == .mapping, let resources = root["resources"] else {
            throw Failure(description: "\(file) has no 'resources' mapping")
        }
        let name = request.name ?? defaultName(request)
        guard ResourceName.isValid(name) else { throw Failure(description: "'\(name)' is not a valid resource name (letters, digits and single hyphens, starting with a letter)") }
        if let existing = resources.pairView.first(where: { $0.key.scalarEquals(name) }) {
            throw Failure(description: "'\(name)' already exists at \(existing.key.location)")
        }
        var editor = TextEditor(text)
        for target in request.to {
            guard let pair = resources.pairView.first(where: { $0.key.scalarEquals(target) }), pair.value.kind == .mapping else {
                throw Failure(description: "no resource named '\(target)' to reference '\(name)' from")
            }
            try addReference(to: name, in: pair.value, editor: &editor)
        }
        try insertResource(name, type: request.type, body: try body(request, name: name), into: resources, editor: &editor)
        return editor.result
    }

    /// The name used when none is given: the type, or for a project the last part of its path.
    package static func defaultName(_ request: Request) -> String {
        if request.type == "project", let path = request.path {
            let last = path.split(separator: "/").last.map(String.init) ?? path
            let name = ServiceNames.sanitize(last)
            if !name.isEmpty { return name }
        }
        return request.type == "connectionString" ? "connection" : request.type
    }

    /// The new resource's fields after `type`, each one line.
    static func body(_ request: Request, name: String) throws(Failure) -> [String] {
        switch request.type {
        case "project": return ["path: \(DraftManifest.scalar(request.path ?? "./\(name)"))"]
        case "executable":
            guard let command = request.command else { throw Failure(description: "an executable needs --command") }
            return ["command: \(DraftManifest.scalar(command))"]
        case "container":
            guard let image = request.image else { throw Failure(description: "a container needs --image") }
            return ["image: \(DraftManifest.scalar(image))"]
        case "external":
            guard let url = request.url else { throw Failure(description: "an external resource needs --url") }
            return ["url: \(DraftManifest.scalar(url))"]
        case "parameter": return ["secret: true", "generate: { length: 22 }"]
        default: return []
        }
    }

    // MARK: - Edits

    private static func insertResource(_ name: String, type: String, body: [String], into resources: YAMLNode, editor: inout TextEditor) throws(Failure) {
        let pairs = resources.pairView
        let fields = ["type: \(type)"] + body
        if resources.kind == .mapping, resources.style == .flow {
            guard pairs.isEmpty else { throw Failure(description: "'resources' is written in flow style ({ … }); add the resource by hand") }
            // `resources: {}` becomes a block mapping.
            let block = "\n  \(DraftManifest.scalar(name)):" + fields.map { "\n    \($0)" }.joined()
            editor.replace(editor.backOverSpaces(editor.offset(of: resources.location))..<editor.offset(of: resources.endLocation), with: block)
            return
        }
        guard resources.kind == .mapping, let first = pairs.first else { throw Failure(description: "'resources' is not a mapping") }
        let keyIndent = first.key.location.column - 1
        var fieldIndent = keyIndent + 2
        if first.value.kind == .mapping, first.value.style != .flow, let field = first.value.pairView.first {
            fieldIndent = field.key.location.column - 1
        }
        let pad = String(repeating: " ", count: keyIndent)
        let fieldPad = String(repeating: " ", count: fieldIndent)
        var block = ""
        if pairs.count > 1, editor.isBlank(line: pairs[1].key.location.line - 1) { block += "\n" }
        block += "\(pad)\(DraftManifest.scalar(name)):\n" + fields.map { "\(fieldPad)\($0)\n" }.joined()
        editor.insert(block, afterLine: lastLine(of: pairs[pairs.count - 1].value))
    }

    private static func addReference(to name: String, in resource: YAMLNode, editor: inout TextEditor) throws(Failure) {
        let quoted = DraftManifest.scalar(name)
        if let references = resource["references"] {
            guard references.kind == .sequence else { throw Failure(description: "'references' at \(references.location) is not a list") }
            if references.style == .flow {
                if let last = references.itemView.last {
                    editor.insert(", \(quoted)", at: editor.offset(of: last.endLocation))
                } else {
                    editor.insert(quoted, at: editor.offset(of: references.endLocation) - 1)
                }
                return
            }
            guard let first = references.itemView.first else { return }
            let prefix = editor.prefix(ofLine: first.location.line, upToColumn: first.location.column)
            editor.insert("\(prefix)\(quoted)\n", afterLine: lastLine(of: references))
            return
        }
        let pairs = resource.pairView
        guard let last = pairs.last else { throw Failure(description: "resource at \(resource.location) is empty") }
        if resource.style == .flow {
            editor.insert(", references: [\(quoted)]", at: editor.offset(of: last.value.endLocation))
            return
        }
        let pad = String(repeating: " ", count: last.key.location.column - 1)
        editor.insert("\(pad)references: [\(quoted)]\n", afterLine: lastLine(of: last.value))
    }

    /// The last line holding part of `node` (block collections end where the next token starts,
    /// so their last line is their last child's).
    static func lastLine(of node: YAMLNode) -> Int {
        switch node.kind {
        case .scalar:
            let end = node.endLocation
            return (node.style == .literal || node.style == .folded) && end.column == 1 ? end.line - 1 : end.line
        case .sequence, .mapping:
            if node.style == .flow || node.count == 0 { return node.endLocation.line }
            if node.kind == .sequence, let last = node.itemView.last { return lastLine(of: last) }
            if let last = node.pairView.last { return lastLine(of: last.value.isNull && last.value.scalarByteCount == 0 ? last.key : last.value) }
            return node.endLocation.line
        }
    }
}
