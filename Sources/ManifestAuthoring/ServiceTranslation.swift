import Foundation
import YAMLSource

/// One compose service turned into one resource, collecting notes for what did not fit.
struct ServiceTranslation {
    typealias Value = DraftManifest.Value

    enum Target: Equatable {
        case project, container, wellKnown(String)
    }

    let node: YAMLNode
    let names: ServiceNames
    let kinds: [String: ServiceKind]
    let detectProject: @Sendable (String) -> String?
    var resource: DraftManifest.Resource
    var notes: [ComposeTranslator.Note] = []
    var target: Target = .container

    init(name: String, node: YAMLNode, names: ServiceNames, kinds: [String: ServiceKind], detectProject: @escaping @Sendable (String) -> String?) {
        self.node = node
        self.names = names
        self.kinds = kinds
        self.detectProject = detectProject
        resource = DraftManifest.Resource(name: name, type: "container")
    }

    /// Keys read by `translate`; any other key is listed as left out.
    static let handled: Set<String> = [
        "image", "build", "command", "entrypoint", "environment", "env_file", "ports", "expose", "depends_on",
        "healthcheck", "volumes", "restart", "deploy", "profiles", "working_dir", "stop_signal",
    ]

    mutating func note(_ node: YAMLNode, _ message: String) {
        notes.append(ComposeTranslator.Note(location: node.location, message: message))
    }

    mutating func translate() {
        guard node.kind == .mapping else {
            note(node, "a service must be a mapping; left out")
            return
        }
        chooseTarget()
        for (key, value) in node.pairView {
            guard let text = key.scalar, !text.hasPrefix("x-") else { continue }
            switch text {
            case "image", "build": continue
            case "command", "entrypoint": command(key: text, value)
            case "environment": environment(value)
            case "env_file": envFile(value)
            case "ports": ports(value, published: true)
            case "expose": ports(value, published: false)
            case "depends_on": dependsOn(value)
            case "healthcheck": healthcheck(value)
            case "volumes": volumes(value)
            case "restart": restart(value)
            case "deploy": deploy(value)
            case "profiles":
                let list = value.kind == .sequence ? value.itemView.compactMap(\.scalar) : [value.scalar].compactMap { $0 }
                resource.comments.append("compose profiles: \(list.joined(separator: ", ")) (aspire starts it with every other resource)")
            case "working_dir":
                if target == .container, let dir = value.scalar { resource.set("workingDir", .string(dir)) } else { note(key, "'working_dir' is a path inside the image; left out") }
            case "stop_signal":
                if let signal = value.scalar { resource.set("stopSignal", .string(signal)) }
            case "container_name", "hostname":
                note(key, "'\(text)' has no equivalent (aspire names containers and injects addresses); left out")
            default:
                note(key, "'\(text)' has no equivalent; left out")
            }
        }
        dropExecCheckIfReplicated(at: node["deploy"] ?? node)
    }

    // MARK: - What the service becomes

    private mutating func chooseTarget() {
        let image = node["image"]?.scalar
        if let build = node["build"] {
            let context = build.scalar ?? build["context"]?.scalar ?? "."
            if let reason = detectProject(context) {
                target = .project
                let comments = resource.comments
                resource = DraftManifest.Resource(name: resource.name, type: "project", comment: "guess: compose builds \(context); here it runs as a project (\(reason))")
                resource.comments = comments
                resource.set("path", .string(Self.relative(context)))
                if build.kind == .mapping { noteBuildExtras(build, keep: ["context"]) }
                return
            }
            var fields = [DraftManifest.Field("context", .string(Self.relative(context)))]
            if let dockerfile = build["dockerfile"]?.scalar { fields.append(DraftManifest.Field("dockerfile", .string(dockerfile))) }
            if build.kind == .mapping { noteBuildExtras(build, keep: ["context", "dockerfile"]) }
            resource.set("build", .map(fields))
            if image != nil, let imageNode = node["image"] { note(imageNode, "'image' names what compose builds; aspire builds 'build' and names the image itself; left out") }
            return
        }
        guard let image else {
            note(node, "a service with neither 'image' nor 'build'; written with image REPLACE-ME")
            resource.set("image", .string("REPLACE-ME"))
            return
        }
        if case .wellKnown(let type)? = kinds.first(where: { names[$0.key] == resource.name })?.value {
            target = .wellKnown(type)
            let comments = resource.comments
            resource = DraftManifest.Resource(name: resource.name, type: type, comment: "from image \(image); aspire runs a container or a native server")
            resource.comments = comments
            if let tag = KnownImages.tag(ofImage: image), tag != "latest" { resource.set("tag", .string(tag)) }
            return
        }
        resource.set("image", .string(image))
    }

    private mutating func noteBuildExtras(_ build: YAMLNode, keep: Set<String>) {
        for (key, _) in build.pairView {
            guard let text = key.scalar, !keep.contains(text) else { continue }
            note(key, "'build.\(text)' has no equivalent\(target == .project ? " for a project" : ""); left out")
        }
    }

    static func relative(_ path: String) -> String {
        path.hasPrefix("/") || path.hasPrefix(".") || path.hasPrefix("~") ? path : "./" + path
    }

    /// Text that aspire would read as an expression (`{…}`) kept literal.
    static func literal(_ text: String) -> String {
        text.replacingOccurrences(of: "{", with: "{{").replacingOccurrences(of: "}", with: "}}")
    }

    static func words(_ node: YAMLNode) -> [String]? {
        if node.kind == .sequence { return node.itemView.compactMap(\.scalar) }
        return node.scalar.map { $0.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init) }
    }
}
