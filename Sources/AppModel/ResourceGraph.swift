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
            guard manifest.contains(to) else { return }
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

    /// Every cycle among the wait edges of `manifest` (waits on a database count as waits on its
    /// server), each as a path that ends where it starts, without building the graph.
    ///
    /// Iterative depth-first search: a chain of 60,000 waits must not overflow the stack.
    /// Resources are numbered by their position (a repeated name shares the first position), so
    /// the search runs on integer arrays; names are looked up once per wait, not once per visit.
    /// One pass on the calling thread: validation runs it in a job of its own, beside the
    /// per-resource rules.
    package static func waitCycles(of manifest: Manifest) -> [[String]] {
        let resources = manifest.resources
        // The first position of each resource's name (a repeated name shares it), and the wait
        // targets of each position (see `waitTargets`).
        let first = resources.indices.map { manifest.index(of: resources[$0].name) ?? $0 }
        let targets = resources.indices.map { waitTargets(of: $0, in: manifest) }
        // The start dependencies of each (first) position: wait targets mapped to what runs them,
        // without repeats, in the order `startDependencies(of:in:)` gives.
        var adjacency = [[Int]](repeating: [], count: resources.count)
        for position in resources.indices {
            let from = first[position]
            for target in targets[position] where !adjacency[from].contains(target) {
                adjacency[from].append(target)
            }
        }
        return cycles(adjacency: adjacency, first: first, resources: resources)
    }

    /// The positions the waits of the resource at `position` start after: a database's server
    /// for a database, the first position of the name otherwise (unknown names are left out).
    private static func waitTargets(of position: Int, in manifest: Manifest) -> [Int] {
        var targets: [Int] = []
        func add(_ waits: [NameRef]) {
            for wait in waits {
                guard let to = manifest.index(of: wait.name) else { continue }
                // `runnableOwner(of:) ?? name`: a database runs as its server, anything else
                // as itself (`to` is already the first position of its name).
                if case .postgresDatabase(let server, _) = manifest.resources[to].kind {
                    guard let serverIndex = manifest.index(of: server) else { continue }
                    targets.append(serverIndex)
                } else {
                    targets.append(to)
                }
            }
        }
        add(manifest.resources[position].run.waitFor)
        add(manifest.resources[position].run.waitForCompletion)
        return targets
    }

    /// Every cycle of the graph `adjacency` (by first positions), as names, each reported once.
    private static func cycles(adjacency: [[Int]], first: [Int], resources: [Resource]) -> [[String]] {
        var state = [UInt8](repeating: 0, count: resources.count)  // 0 new, 1 on the stack, 2 done
        var cycles: [[String]] = []
        var reported = Set<Set<String>>()
        for position in resources.indices {
            let root = first[position]
            guard state[root] == 0 else { continue }
            var stack: [(node: Int, next: Int)] = [(root, 0)]
            var path: [Int] = [root]
            state[root] = 1
            while let top = stack.last {
                let neighbours = adjacency[top.node]
                if top.next < neighbours.count {
                    stack[stack.count - 1].next += 1
                    let next = neighbours[top.next]
                    switch state[next] {
                    case 0:
                        state[next] = 1
                        stack.append((next, 0))
                        path.append(next)
                    case 1:
                        if let start = path.lastIndex(of: next) {
                            let cycle = (path[start...] + [next]).map { resources[$0].name }
                            if reported.insert(Set(cycle)).inserted { cycles.append(cycle) }
                        }
                    default:
                        break
                    }
                } else {
                    state[top.node] = 2
                    stack.removeLast()
                    path.removeLast()
                }
            }
        }
        return cycles
    }

    /// Runnable resources in an order where every resource comes after what it waits for
    /// (manifest order among independent ones; cycles are broken where they are met).
    ///
    /// An iterative depth-first post-order, linear in the size of the graph.
    package func startOrder(in manifest: Manifest) -> [String] {
        let runnable = manifest.resources.filter(\.isRunnable).map(\.name)
        var visited = Set<String>()
        var order: [String] = []
        for root in runnable where !visited.contains(root) {
            visited.insert(root)
            var stack: [(node: String, dependencies: [String], next: Int)] = [(root, startDependencies(of: root, in: manifest), 0)]
            while let top = stack.last {
                if top.next < top.dependencies.count {
                    stack[stack.count - 1].next += 1
                    let dependency = top.dependencies[top.next]
                    if visited.insert(dependency).inserted {
                        stack.append((dependency, startDependencies(of: dependency, in: manifest), 0))
                    }
                } else {
                    order.append(top.node)
                    stack.removeLast()
                }
            }
        }
        return order
    }
}

extension Manifest {
    /// The resource that actually runs for `name`: itself, or a database's server.
    package func runnableOwner(of name: String) -> String? {
        guard let index = index(of: name) else { return nil }
        return runnableOwner(at: index)
    }

    /// `runnableOwner(of:)` for the resource at `index` of `resources`.
    func runnableOwner(at index: Int) -> String? {
        if case .postgresDatabase(let server, _) = resources[index].kind { return server }
        return resources[index].isRunnable ? resources[index].name : nil
    }
}

extension Resource {
    /// Every expression the resource uses, wherever it is written.
    package var expressions: [Expression] {
        var expressions: [Expression] = []
        forEachExpression { expressions.append($0) }
        return expressions
    }

    /// Calls `body` with every expression the resource uses, in `expressions` order, without
    /// collecting them into arrays first.
    package func forEachExpression(_ body: (Expression) -> Void) {
        func each(_ template: Template) {
            for part in template.parts {
                if case .expression(let expression) = part { body(expression) }
            }
        }
        for entry in run.env { each(entry.value) }
        for template in run.args { each(template) }
        switch kind {
        case .connectionString(let template), .external(let template): each(template)
        case .redis(let wellKnown), .postgres(let wellKnown), .wellKnown(_, let wellKnown):
            if let password = wellKnown.password { each(password) }
        default: break
        }
    }
}
