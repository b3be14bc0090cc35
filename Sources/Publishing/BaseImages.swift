import AppModel
import Foundation

/// The images published output starts from, by kind: `FROM` lines of generated Dockerfiles and
/// the images of well-known services. `aspire publish --base-image KIND=REF` replaces one; every
/// kind not given keeps its official image (docs/publishing.md).
///
/// It exists so output can be built where no registry is reachable (tests make their own base
/// images) or where a mirror must be used. A resource's own `image`/`tag` still wins.
package struct BaseImages: Sendable, Hashable {
    /// Kind → image reference, as given.
    package private(set) var overrides: [String: String] = [:]

    /// The kinds a generated Dockerfile uses, with their default images.
    package static let dockerfileKinds: [(kind: String, image: String)] = [
        ("python", "python:3.12-slim"), ("node", "node:22-slim"), ("go", "golang:1.23"), ("alpine", "alpine:3.20"),
    ]

    /// Every kind `--base-image` accepts: the Dockerfile kinds, redis, postgres, busybox (the
    /// Kubernetes init containers that wait) and each
    /// well-known type (valkey, memcached, …).
    package static var kinds: [String] { dockerfileKinds.map(\.kind) + ["redis", "postgres", "busybox"] + WellKnownType.all.map(\.name) }

    package init() {}

    /// Reads `KIND=REF` arguments (later ones win).
    /// - Throws: `PublishError` naming the argument when it is not `KIND=REF` or the kind is unknown.
    package init(arguments: [String]) throws(PublishError) {
        for argument in arguments {
            guard let equals = argument.firstIndex(of: "="), case let kind = argument[..<equals].lowercased(), !kind.isEmpty,
                case let reference = String(argument[argument.index(after: equals)...]), !reference.isEmpty
            else {
                throw PublishError("--base-image '\(argument)': expected KIND=IMAGE, e.g. python=localhost/aspire-base-python:test")
            }
            guard Self.kinds.contains(kind) else {
                throw PublishError("--base-image '\(argument)': unknown kind '\(kind)'; kinds: \(Self.kinds.joined(separator: ", "))")
            }
            overrides[kind] = reference
        }
    }

    /// The image for `kind`: the override, else `fallback` (the official image).
    func image(_ kind: String, default fallback: String) -> String { overrides[kind] ?? fallback }

    /// A generated Dockerfile's `FROM` image for `kind` (one of `dockerfileKinds`).
    func dockerfile(_ kind: String) -> String {
        image(kind, default: Self.dockerfileKinds.first { $0.kind == kind }?.image ?? kind)
    }

    /// A well-known service's image: its own `image`/`tag` when set, else the override for
    /// `kind`, else `official`.
    func wellKnown(_ kind: String, _ settings: WellKnown, official: String) -> String {
        guard settings.image == nil, settings.tag == nil, let override = overrides[kind] else { return official }
        return override
    }
}
