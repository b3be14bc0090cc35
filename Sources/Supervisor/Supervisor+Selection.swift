extension Supervisor {
    /// The services to run: all, or `options.only` plus what they transitively wait for.
    ///
    /// - Throws: `SupervisorError.unknownService` for a name not in the plan.
    func selectServices() throws -> [ServiceSpec] {
        var seen = Set<String>()
        let unique = plan.services.filter { seen.insert($0.name).inserted }  // the first of a duplicated name wins
        guard let only = options.only else { return unique }
        let byName = Dictionary(uniqueKeysWithValues: unique.map { ($0.name, $0) })
        if let unknown = only.sorted().first(where: { byName[$0] == nil }) {
            throw SupervisorError.unknownService(unknown)
        }
        var selected = Set<String>()
        var pending = Array(only)
        while let name = pending.popLast() {
            guard selected.insert(name).inserted, let spec = byName[name] else { continue }
            pending += spec.waitFor + spec.waitForCompletion
        }
        return unique.filter { selected.contains($0.name) }
    }

    /// - Throws: `SupervisorError.dependencyCycle` with the cycle's path when services wait for
    ///   each other in a circle (they would wait forever).
    func checkForCycles(_ services: [ServiceSpec]) throws {
        var edges: [String: [String]] = [:]
        for spec in services { edges[spec.name] = spec.waitFor + spec.waitForCompletion }
        enum Mark { case visiting, done }
        var marks: [String: Mark] = [:]
        var path: [String] = []

        func visit(_ name: String) -> [String]? {
            switch marks[name] {
            case .done: return nil
            case .visiting:
                let start = path.firstIndex(of: name) ?? 0
                return Array(path[start...]) + [name]
            case nil: break
            }
            marks[name] = .visiting
            path.append(name)
            for next in edges[name] ?? [] where edges[next] != nil {
                if let cycle = visit(next) { return cycle }
            }
            path.removeLast()
            marks[name] = .done
            return nil
        }

        for spec in services {
            if let cycle = visit(spec.name) { throw SupervisorError.dependencyCycle(cycle) }
        }
    }
}
