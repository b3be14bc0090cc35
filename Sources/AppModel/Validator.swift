import YAMLSource

/// Cross-resource rules: names, references, waits, expressions, cycles, ports.
///
/// Every rule runs and every problem is collected; nothing stops at the first error.
package enum Validator {
    /// Checks `manifest` and returns every diagnostic (errors and warnings).
    package static func validate(_ manifest: Manifest) -> [Diagnostic] {
        let perResource = PerResource(checking: manifest, manifest.resources.indices)
        return diagnostics(of: manifest, joining: [perResource], waitCycles: ResourceGraph.waitCycles(of: manifest))
    }

    /// The diagnostics of `manifest`, from what the per-resource rules found in consecutive
    /// ranges of its resources (in order, covering all of them) and its wait cycles
    /// (`ResourceGraph.waitCycles`): what `validate` gives. ParallelLoad checks the ranges of a
    /// large manifest at once.
    package static func diagnostics(of manifest: Manifest, joining parts: [PerResource], waitCycles cycles: [[String]]) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        // Which resources some expression uses (by position), found while checking expressions.
        var used = [Bool](repeating: false, count: manifest.resources.count)
        diagnostics += parts.flatMap(\.names)
        diagnostics += parts.flatMap(\.edges)
        diagnostics += parts.flatMap(\.expressions)
        for part in parts {
            for index in part.used { used[index] = true }
        }
        var hostPorts: [Int: (resource: Int, endpoint: Int)] = [:]
        for part in parts { resolveEndpoints(part.endpoints, manifest, &hostPorts, &diagnostics) }
        reportCycles(cycles, manifest, &diagnostics)
        checkWatchPaths(manifest, &diagnostics)
        checkUnusedParameters(manifest, &diagnostics, used: used)
        return diagnostics
    }

    /// What the rules that look at one resource at a time (names, edges, expressions,
    /// endpoints) find in a range of resources, kept per rule so that ranges join in the order
    /// one pass gives.
    package struct PerResource: Sendable {
        var names: [Diagnostic] = []
        var edges: [Diagnostic] = []
        var expressions: [Diagnostic] = []
        /// Positions some expression uses.
        var used: [Int] = []
        /// The endpoint rules' findings, host-port claims in their place (resolved in order later).
        var endpoints: [EndpointItem] = []

        /// Checks the resources of `manifest` at `range`.
        package init(checking manifest: Manifest, _ range: Range<Int>) {
            checkNames(manifest, range, &names)
            checkEdges(manifest, range, &edges)
            checkExpressions(manifest, range, &expressions, used: &used)
            checkEndpoints(manifest, range, &endpoints)
        }
    }

    /// A finding of the endpoint rules. Whether a fixed host port repeats depends on every
    /// resource before it, so a slice only records the claim, and one pass in manifest order
    /// decides it.
    enum EndpointItem: Sendable {
        case diagnostic(Diagnostic)
        case hostPort(Int, resource: Int, endpoint: Int, at: SourceLocation)
    }

    /// Emits the endpoint findings in order, resolving host-port claims (the first one keeps it).
    private static func resolveEndpoints(_ items: [EndpointItem], _ manifest: Manifest, _ hostPorts: inout [Int: (resource: Int, endpoint: Int)], _ diagnostics: inout [Diagnostic]) {
        for item in items {
            switch item {
            case .diagnostic(let diagnostic):
                diagnostics.append(diagnostic)
            case .hostPort(let port, let resource, let endpoint, let location):
                guard let first = hostPorts[port] else {
                    hostPorts[port] = (resource, endpoint)
                    continue
                }
                let owner = manifest.resources[first.resource]
                diagnostics.append(.error(.duplicateHostPort(port, first: "\(owner.name).\(owner.run.endpoints[first.endpoint].name)"), at: location))
            }
        }
    }

    private static func checkNames(_ manifest: Manifest, _ range: Range<Int>, _ diagnostics: inout [Diagnostic]) {
        // Fields are read through a buffer pointer, in place: binding a resource to a name (or
        // iterating the array) would copy it, retaining every string and array in it.
        manifest.resources.withUnsafeBufferPointer { resources in
            for position in range {
                let name = resources[position].name
                if !ResourceName.isValid(name) {
                    diagnostics.append(.error(.invalidResourceName(name), at: resources[position].location))
                }
                // Same YAML key twice is already a duplicate-key error; this catches a database
                // named like another resource.
                guard let firstIndex = manifest.index(of: name), firstIndex != position else { continue }
                let isDatabase: (Resource.Kind) -> Bool = { if case .postgresDatabase = $0 { true } else { false } }
                if isDatabase(resources[firstIndex].kind) || isDatabase(resources[position].kind) {
                    diagnostics.append(
                        .error(
                            .duplicateResource(name), at: resources[position].location,
                            notes: [.init("first defined here", at: resources[firstIndex].location)]))
                }
            }
        }
    }

    private static func checkEdges(_ manifest: Manifest, _ range: Range<Int>, _ diagnostics: inout [Diagnostic]) {
        manifest.resources.withUnsafeBufferPointer { resources in
            for position in range {
                checkEdges(of: resources, at: position, manifest, &diagnostics)
            }
        }
    }

    private static func checkEdges(
        of resources: UnsafeBufferPointer<Resource>, at position: Int, _ manifest: Manifest, _ diagnostics: inout [Diagnostic]
    ) {
                do {
            for reference in resources[position].run.references {
                let target = reference.target
                guard let referenced = manifest.index(of: target.name) else {
                    if !reference.optional, !manifest.undecodedNames.contains(target.name) {
                        diagnostics.append(.error(.unknownResource(target.name, from: resources[position].name, field: "references", suggestion: DidYouMean.suggestion(for: target.name, in: manifest.resourceNames)), at: target.location))
                    }
                    continue
                }
                if target.name == resources[position].name {
                    diagnostics.append(.error(.selfReference(resources[position].name, field: "reference"), at: target.location))
                }
                if case .parameter = resources[referenced].kind {
                    diagnostics.append(.error(.parameterReference(target.name, from: resources[position].name), at: target.location))
                }
            }
            checkWaits(resources[position].run.waitFor, field: "waitFor", of: resources[position].name, manifest, &diagnostics)
            checkWaits(resources[position].run.waitForCompletion, field: "waitForCompletion", of: resources[position].name, manifest, &diagnostics)
        }
    }

    private static func checkWaits(
        _ waits: [NameRef], field: String, of resourceName: String, _ manifest: Manifest, _ diagnostics: inout [Diagnostic]
    ) {
        for wait in waits {
            guard let target = manifest.index(of: wait.name) else {
                if manifest.undecodedNames.contains(wait.name) { continue }
                diagnostics.append(.error(.unknownResource(wait.name, from: resourceName, field: "\(field)s", suggestion: DidYouMean.suggestion(for: wait.name, in: manifest.resourceNames)), at: wait.location))
                continue
            }
            let owner = manifest.runnableOwner(at: target)
            if wait.name == resourceName || owner == resourceName {
                diagnostics.append(.error(.selfReference(resourceName, field: "wait for"), at: wait.location))
                continue
            }
            if owner == nil {
                diagnostics.append(.error(.notWaitable(wait.name, type: manifest.resources[target].typeName, from: resourceName), at: wait.location))
            }
        }
    }

    private static func checkExpressions(_ manifest: Manifest, _ range: Range<Int>, _ diagnostics: inout [Diagnostic], used: inout [Int]) {
        manifest.resources.withUnsafeBufferPointer { resources in
            for position in range {
                checkExpressions(of: resources, at: position, manifest, &diagnostics, used: &used)
            }
        }
    }

    private static func checkExpressions(
        of resources: UnsafeBufferPointer<Resource>, at position: Int, _ manifest: Manifest, _ diagnostics: inout [Diagnostic],
        used: inout [Int]
    ) {
                do {
            resources[position].forEachExpression { expression in
                guard let targetIndex = manifest.index(of: expression.resource) else {
                    if manifest.undecodedNames.contains(expression.resource) { return }
                    if manifest.unboundExpressionTargets.contains(expression.resource) { return }
                    diagnostics.append(.error(.unknownResource(expression.resource, from: resources[position].name, field: "uses", suggestion: DidYouMean.suggestion(for: expression.resource, in: manifest.resourceNames)), at: expression.location))
                    return
                }
                used.append(targetIndex)
                let target = resources[targetIndex]
                if target.name == resources[position].name, case .connectionString = expression.property {
                    diagnostics.append(.error(.selfReference(resources[position].name, field: "use the connection string of"), at: expression.location))
                    return
                }
                switch expression.property {
                case .connectionString:
                    if !target.hasConnectionString {
                        diagnostics.append(.error(.noConnectionString(target.name, type: target.typeName), at: expression.location))
                    }
                case .value:
                    if case .parameter = target.kind {} else {
                        diagnostics.append(.error(.noValue(target.name, type: target.typeName), at: expression.location))
                    }
                case .endpoint(let name, _):
                    if case .external = target.kind {
                        if name != "http" && name != "https" {
                            diagnostics.append(.error(.unknownEndpoint(name, of: target.name, known: ["http", "https"]), at: expression.location))
                        }
                        return
                    }
                    let endpoints = target.run.endpoints
                    if manifest.unboundExpressionTargets.contains(target.name) { return }  // warned about at load
                    if endpoints.isEmpty {
                        diagnostics.append(.error(.noEndpoints(target.name, type: target.typeName), at: expression.location))
                    } else if !endpoints.contains(where: { $0.name == name }) {
                        diagnostics.append(.error(.unknownEndpoint(name, of: target.name, known: endpoints.map(\.name)), at: expression.location))
                    }
                }
            }
        }
    }

    private static func checkEndpoints(_ manifest: Manifest, _ range: Range<Int>, _ items: inout [EndpointItem]) {
        manifest.resources.withUnsafeBufferPointer { resources in
            for position in range where resources[position].isRunnable {
                checkEndpoints(of: resources, at: position, &items)
            }
        }
    }

    private static func checkEndpoints(of resources: UnsafeBufferPointer<Resource>, at position: Int, _ items: inout [EndpointItem]) {
        do {
            func report(_ diagnostic: Diagnostic) { items.append(.diagnostic(diagnostic)) }
            if resources[position].run.replicas < 1 {
                report(.error(.replicasTooFew(resources[position].run.replicas), at: resources[position].run.replicasLocation ?? resources[position].location))
            } else if resources[position].run.replicas > RunOptions.maximumReplicas {
                report(.error(.replicasTooMany(resources[position].run.replicas), at: resources[position].run.replicasLocation ?? resources[position].location))
            }
            let endpoints = resources[position].run.endpoints
            let isContainer = resources[position].isContainer
            for (index, endpoint) in endpoints.enumerated() {
                if let port = endpoint.port {
                    items.append(.hostPort(port, resource: position, endpoint: index, at: endpoint.location))
                }
                // Repeats within one resource's few endpoints: a scan beats a set.
                if let variable = endpoint.env, endpoints[..<index].contains(where: { $0.env == variable }) {
                    report(.error(.duplicateEnvPort(variable), at: endpoint.location))
                }
                if isContainer, endpoint.targetPort == nil {
                    report(.error(.containerNeedsTargetPort(endpoint.name), at: endpoint.location))
                }
                if resources[position].run.replicas > 1, endpoint.targetPort != nil, resources[position].isProcess {
                    report(.error(.replicasWithFixedTargetPort(endpoint.name), at: endpoint.location))
                }
            }
            if let check = resources[position].run.healthCheck {
                let known = resources[position].run.endpoints.map(\.name)
                switch check.probe {
                case .http(_, let endpoint):
                    if let endpoint, !known.contains(endpoint) {
                        report(.error(.unknownEndpoint(endpoint, of: resources[position].name, known: known), at: check.location))
                    } else if endpoint == nil, !resources[position].run.endpoints.contains(where: { $0.scheme == .http || $0.scheme == .https }) {
                        report(.error(.healthCheckNeedsEndpoint("http"), at: check.location))
                    }
                case .tcp(let endpoint):
                    if let endpoint, !known.contains(endpoint) {
                        report(.error(.unknownEndpoint(endpoint, of: resources[position].name, known: known), at: check.location))
                    } else if known.isEmpty {
                        report(.error(.healthCheckNeedsEndpoint("tcp"), at: check.location))
                    }
                case .exec: break
                }
            }
        }
    }

    private static func reportCycles(_ cycles: [[String]], _ manifest: Manifest, _ diagnostics: inout [Diagnostic]) {
        for cycle in cycles {
            let first = cycle[0]
            let location = manifest[first]?.run.waitFor.first { manifest.runnableOwner(of: $0.name) == cycle[1] }?.location
                ?? manifest[first]?.run.waitForCompletion.first { manifest.runnableOwner(of: $0.name) == cycle[1] }?.location
                ?? manifest[first]?.location
            diagnostics.append(.error(.cycle(cycle), at: location))
        }
    }

    private static func checkUnusedParameters(_ manifest: Manifest, _ diagnostics: inout [Diagnostic], used: [Bool]) {
        let resources = manifest.resources
        for position in resources.indices {
            guard case .parameter = resources[position].kind else { continue }
            // By name, as expressions name resources: a duplicate name counts as used too.
            let name = resources[position].name
            if let index = manifest.index(of: name), used[index] { continue }
            diagnostics.append(.warning(.unusedParameter(name), at: resources[position].location))
        }
    }
}

extension Resource {
    /// `type: container`.
    package var isContainer: Bool {
        if case .container = kind { return true }
        return false
    }

    /// Projects and executables: host processes that the supervisor spawns directly.
    package var isProcess: Bool {
        switch kind {
        case .project, .executable: true
        default: false
        }
    }
}
