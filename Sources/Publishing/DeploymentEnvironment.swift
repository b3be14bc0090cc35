import AppModel
import Foundation

/// What each service of a deployment gets in its environment: the same variables as under `up`
/// (built by `EnvironmentResolver`, so names and formats cannot drift), with hosts rewritten to
/// service DNS names, ports to deployment ports, and secrets/parameters to variable references.
///
/// The resolver has one `host` for everything; a deployment needs the referenced resource's
/// own name. So each reference is resolved on its own, through a resolver whose `host` is that
/// reference's service, and each expression in `env:` through a resolver for the resource it names.
struct DeploymentEnvironment {
    let manifest: Manifest
    let bindings: Bindings
    let ports: DeploymentPorts
    /// The DNS name other services use for a runnable resource.
    let serviceName: (String) -> String


    /// The environment of `resource`, in `up`'s order: references, its port variables, OTEL
    /// variables, its own `env:` (an `envFile` is left to the target).
    func environment(of resource: Resource) throws(EnvironmentResolver.Failure) -> [(name: String, value: DeployedValue)] {
        var env = ResolvedEnvironment()
        guard let index = manifest.resources.firstIndex(where: { $0.name == resource.name }) else { return [] }
        for reference in resource.run.references {
            guard let target = manifest[reference.target.name] else { continue }
            if case .connectionString(let template) = target.kind, !template.parts.isEmpty {
                env.set(VariableName.connectionString(reference.connectionName ?? target.name), try value(template))
                continue
            }
            // Only this reference, resolved with the target's service as the host.
            var single = manifest
            var run = RunOptions()
            run.references = [reference]
            single.resources[index].run = run
            let injected = try resolver(single, host: host(of: target.name)).environment(of: resource.name)
            // The OTEL_* variables are the resource's own (below); `up`'s receiver is not deployed.
            for (name, value) in injected where !name.hasPrefix("OTEL_") { env.set(name, value) }
        }
        for endpoint in resource.run.endpoints {
            guard let variable = endpoint.env, let port = ports[resource.name, endpoint.name] else { continue }
            env.set(variable, String(port))
        }
        if resource.run.otel {
            env.set("OTEL_SERVICE_NAME", resource.name)
            env.set("OTEL_RESOURCE_ATTRIBUTES", "service.instance.id=\(resource.name)")
        }
        for entry in resource.run.env {
            env.set(entry.name, try value(entry.value))
        }
        return env.map { ($0.name, DeployedValue($0.value)) }
    }

    /// The arguments of `resource`, resolved the same way.
    func arguments(of resource: Resource) throws(EnvironmentResolver.Failure) -> [DeployedValue] {
        var result: [DeployedValue] = []
        for argument in resource.run.args { result.append(DeployedValue(try value(argument))) }
        return result
    }

    /// The password of a redis/postgres server, as a deployed value.
    func password(of server: String) throws(EnvironmentResolver.Failure) -> DeployedValue {
        switch manifest[server]?.kind {
        case .redis(let wellKnown)?, .postgres(let wellKnown)?, .wellKnown(_, let wellKnown)?:
            if let template = wellKnown.password { return DeployedValue(try value(template)) }
        default:
            break
        }
        return DeployedValue(try resolver(manifest, host: server).password(of: server))
    }

    /// A template with every expression resolved against the service it names.
    func value(_ template: Template) throws(EnvironmentResolver.Failure) -> ResolvedValue {
        var result = ResolvedValue()
        for part in template.parts {
            switch part {
            case .literal(let text):
                result = result + text
            case .expression(let expression):
                if case .connectionString = expression.property, case .connectionString(let inner)? = manifest[expression.resource]?.kind,
                    !inner.parts.isEmpty
                {
                    result = result + (try value(inner))
                } else {
                    result = result + (try resolver(manifest, host: host(of: expression.resource)).resolve(expression))
                }
            }
        }
        return result
    }

    private func host(of name: String) -> String { serviceName(manifest.runnableOwner(of: name) ?? name) }

    private func resolver(_ manifest: Manifest, host: String) -> EnvironmentResolver {
        var resolver = EnvironmentResolver(manifest: manifest, bindings: bindings)
        resolver.host = host
        return resolver
    }
}

/// A deployed value: literal text and references to deployment variables.
struct DeployedValue: Hashable {
    enum Piece: Hashable {
        case text(String)
        case variable(String)
    }

    var pieces: [Piece]
    /// True when any part is secret (a secret variable, or a secret read from elsewhere).
    var isSecret: Bool

    init(pieces: [Piece], isSecret: Bool = false) {
        self.pieces = pieces
        self.isSecret = isSecret
    }

    init(text: String) { self.init(pieces: text.isEmpty ? [] : [.text(text)]) }

    /// Splits the resolver's output at variable placeholders (also percent-encoded ones, as in
    /// a `_URI`: variable values are letters and digits, which percent-encoding leaves alone).
    init(_ resolved: ResolvedValue) {
        var pieces: [Piece] = []
        for segment in resolved.segments {
            var rest = Substring(segment.text)
            while !rest.isEmpty {
                let plainStart = rest.range(of: "\u{E000}")
                let encodedStart = rest.range(of: "%EE%80%80")
                let start = [plainStart, encodedStart].compactMap { $0 }.min { $0.lowerBound < $1.lowerBound }
                guard let start else {
                    pieces.append(.text(String(rest)))
                    break
                }
                let encoded = start == encodedStart
                let terminator = encoded ? "%EE%80%81" : "\u{E001}"
                guard let end = rest[start.upperBound...].range(of: terminator) else {
                    pieces.append(.text(String(rest)))
                    break
                }
                if start.lowerBound > rest.startIndex { pieces.append(.text(String(rest[..<start.lowerBound]))) }
                pieces.append(.variable(String(rest[start.upperBound..<end.lowerBound])))
                rest = rest[end.upperBound...]
            }
        }
        // Merge adjacent text.
        var merged: [Piece] = []
        for piece in pieces {
            if case .text(let text) = piece, case .text(let previous)? = merged.last {
                merged[merged.count - 1] = .text(previous + text)
            } else {
                merged.append(piece)
            }
        }
        self.init(pieces: merged, isSecret: resolved.isSecret)
    }

    /// The variables used, in order, each once.
    var variables: [String] {
        var seen = Set<String>()
        return pieces.compactMap { piece in
            if case .variable(let name) = piece, seen.insert(name).inserted { return name }
            return nil
        }
    }

    /// The value is exactly one variable.
    var soleVariable: String? {
        if pieces.count == 1, case .variable(let name) = pieces[0] { return name }
        return nil
    }

    /// The text with no variables, or nil.
    var plainText: String? {
        var text = ""
        for piece in pieces {
            guard case .text(let part) = piece else { return nil }
            text += part
        }
        return text
    }

    /// Rendered with `$` escaped as `$$` in text and variables written by `reference`
    /// (compose: `${NAME}`; Kubernetes env values: `$(NAME)`).
    func rendered(escapingDollars: Bool, reference: (String) -> String) -> String {
        pieces.map { piece in
            switch piece {
            case .text(let text): escapingDollars ? text.replacingOccurrences(of: "$", with: "$$") : text
            case .variable(let name): reference(name)
            }
        }.joined()
    }
}
