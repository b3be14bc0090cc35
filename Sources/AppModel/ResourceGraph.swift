/// The resources and the edges between them: who references whom, and who waits for whom.
package struct ResourceGraph: Sendable, Hashable {
    package enum EdgeKind: String, Sendable, Hashable, CaseIterable {
        /// `references:` — injects connection info; does not order start-up.
        case reference
        /// `waitFor:` — start after the target is healthy.
        case waitFor
        /// `waitForCompletion:` — start after the target exited 0.
        case waitForCompletion
        /// An expression such as `{pg.connectionString}` in env or args.
        case expression
        /// A postgres database belongs to its server.
        case parent
    }

    package struct Edge: Sendable, Hashable {
        package var from: String
        package var to: String
        package var kind: EdgeKind
    }

    package var nodes: [String]
    package var edges: [Edge]
    /// Wait edges by source, built once (looking them up by scanning `edges` per node would
    /// make cycle detection quadratic on large manifests).
    private var waitTargets: [String: [String]] = [:]

    /// Builds the graph of a manifest; edges to unknown resources are left out.
    package init(_ manifest: Manifest) {
        nodes = manifest.resourceNames
        var edges: [Edge] = []
        var seen = Set<Edge>()
        func add(_ from: String, _ to: String, _ kind: EdgeKind) {
            guard manifest[to] != nil else { return }
            let edge = Edge(from: from, to: to, kind: kind)
            if seen.insert(edge).inserted { edges.append(edge) }
        }
        for resource in manifest.resources {
            for reference in resource.run.references { add(resource.name, reference.target.name, .reference) }
            for wait in resource.run.waitFor { add(resource.name, wait.name, .waitFor) }
            for wait in resource.run.waitForCompletion { add(resource.name, wait.name, .waitForCompletion) }
            for expression in resource.expressions { add(resource.name, expression.resource, .expression) }
            if case .postgresDatabase(let server, _) = resource.kind { add(resource.name, server, .parent) }
        }
        self.edges = edges
        for edge in edges where edge.kind == .waitFor || edge.kind == .waitForCompletion {
            waitTargets[edge.from, default: []].append(edge.to)
        }
    }

    /// Runnable resources `name` must wait for (databases resolve to their server).
    package func startDependencies(of name: String, in manifest: Manifest) -> [String] {
        var result: [String] = []
        for to in waitTargets[name] ?? [] {
            let target = manifest.runnableOwner(of: to) ?? to
            if !result.contains(target) { result.append(target) }
        }
        return result
    }

    /// Every cycle among wait edges, each as a path that ends where it starts.
    package func waitCycles(in manifest: Manifest) -> [[String]] {
        var adjacency: [String: [String]] = [:]
        for node in nodes { adjacency[node] = startDependencies(of: node, in: manifest) }
        var state: [String: Int] = [:]  // 0 new, 1 on stack, 2 done
        var stack: [String] = []
        var cycles: [[String]] = []
        var reported = Set<Set<String>>()
        func visit(_ node: String) {
            state[node] = 1
            stack.append(node)
            for next in adjacency[node] ?? [] {
                switch state[next] ?? 0 {
                case 0: visit(next)
                case 1:
                    if let start = stack.lastIndex(of: next) {
                        let path = Array(stack[start...]) + [next]
                        if reported.insert(Set(path)).inserted { cycles.append(path) }
                    }
                default: break
                }
            }
            stack.removeLast()
            state[node] = 2
        }
        for node in nodes where (state[node] ?? 0) == 0 { visit(node) }
        return cycles
    }

    /// Runnable resources in an order where every resource comes after what it waits for
    /// (manifest order among independent ones). Resources in cycles come last.
    package func startOrder(in manifest: Manifest) -> [String] {
        let runnable = manifest.resources.filter(\.isRunnable).map(\.name)
        var remaining = Set(runnable)
        var order: [String] = []
        var progress = true
        while !remaining.isEmpty, progress {
            progress = false
            for name in runnable where remaining.contains(name) {
                if startDependencies(of: name, in: manifest).allSatisfy({ !remaining.contains($0) }) {
                    order.append(name)
                    remaining.remove(name)
                    progress = true
                }
            }
        }
        return order + runnable.filter { remaining.contains($0) }
    }
}

extension Manifest {
    /// The resource that actually runs for `name`: itself, or a database's server.
    package func runnableOwner(of name: String) -> String? {
        guard let resource = self[name] else { return nil }
        if case .postgresDatabase(let server, _) = resource.kind { return server }
        return resource.isRunnable ? name : nil
    }
}

extension Resource {
    /// Every expression the resource uses, wherever it is written.
    package var expressions: [Expression] {
        var templates = run.env.map(\.value) + run.args
        switch kind {
        case .connectionString(let template), .external(let template): templates.append(template)
        case .redis(let wellKnown), .postgres(let wellKnown): if let password = wellKnown.password { templates.append(password) }
        default: break
        }
        return templates.flatMap(\.expressions)
    }
}
