import AppStatus
/// Places a ``DashboardGraph`` on a plane: one column per dependency depth (resources that depend
/// on nothing on the left), rows ordered to keep edges short.
struct GraphLayout: Sendable {
    /// A placed node.
    struct Box: Sendable, Hashable {
        var node: DashboardGraph.Node
        var column: Int
        var x: Int
        var y: Int
        var width: Int
        var height: Int

        var midY: Int { y + height / 2 }
    }

    /// A drawn dependency: one per ordered pair, holding every kind between them.
    struct Link: Sendable, Hashable {
        var from: String
        var to: String
        var kinds: [DashboardGraph.EdgeKind]

        /// The kind that decides the line's look: completion, wait, parent, then reference.
        var primary: DashboardGraph.EdgeKind {
            for kind in [DashboardGraph.EdgeKind.waitForCompletion, .waitFor, .parent] where kinds.contains(kind) {
                return kind
            }
            return .reference
        }
    }

    static let nodeHeight = 46
    static let rowGap = 22
    static let columnGap = 90
    static let margin = 20
    /// Width of one character of the 13 px monospace font the SVG uses, rounded up.
    static let characterWidth = 8
    /// The same for the 11 px subtitle line.
    static let smallCharacterWidth = 7

    var boxes: [Box]
    var links: [Link]
    var width: Int
    var height: Int

    /// Lays out `graph`.
    ///
    /// - Parameter graph: Nodes and edges; edges naming unknown nodes or a node itself are ignored.
    init(_ graph: DashboardGraph) {
        let names = graph.nodes.map(\.name)
        let known = Set(names)
        var dependencies: [String: [String]] = [:]
        var links: [Link] = []
        var linkIndex: [String: Int] = [:]
        for edge in graph.edges where known.contains(edge.from) && known.contains(edge.to) && edge.from != edge.to {
            let key = edge.from + "\u{0}" + edge.to
            if let index = linkIndex[key] {
                if !links[index].kinds.contains(edge.kind) { links[index].kinds.append(edge.kind) }
            } else {
                linkIndex[key] = links.count
                links.append(Link(from: edge.from, to: edge.to, kinds: [edge.kind]))
                dependencies[edge.from, default: []].append(edge.to)
            }
        }
        self.links = links

        let depths = Self.depths(of: names, dependencies: dependencies)
        let columnCount = (depths.values.max() ?? 0) + 1
        var columns = Array(repeating: [DashboardGraph.Node](), count: columnCount)
        for node in graph.nodes { columns[depths[node.name] ?? 0].append(node) }

        // Order each column by the mean row of what its nodes depend on (barycentre), stably.
        var row: [String: Double] = [:]
        for (index, node) in columns[0].enumerated() { row[node.name] = Double(index) }
        for column in 1..<max(columnCount, 1) {
            let keyed = columns[column].enumerated().map { index, node -> (Double, Int, DashboardGraph.Node) in
                let rows = (dependencies[node.name] ?? []).compactMap { row[$0] }
                let centre = rows.isEmpty ? Double(index) : rows.reduce(0, +) / Double(rows.count)
                return (centre, index, node)
            }
            columns[column] = keyed.sorted { ($0.0, $0.1) < ($1.0, $1.1) }.map(\.2)
            for (index, node) in columns[column].enumerated() { row[node.name] = Double(index) }
        }

        let tallest = columns.map(\.count).max() ?? 0
        let columnHeight = { (count: Int) in count * Self.nodeHeight + max(0, count - 1) * Self.rowGap }
        var boxes: [Box] = []
        var x = Self.margin
        for (column, nodes) in columns.enumerated() {
            let width = nodes.map(Self.width(of:)).max() ?? 0
            var y = Self.margin + (columnHeight(tallest) - columnHeight(nodes.count)) / 2
            for node in nodes {
                boxes.append(Box(node: node, column: column, x: x, y: y, width: width, height: Self.nodeHeight))
                y += Self.nodeHeight + Self.rowGap
            }
            x += width + Self.columnGap
        }
        self.boxes = boxes
        self.width = max(x - Self.columnGap + Self.margin, 2 * Self.margin)
        self.height = columnHeight(tallest) + 2 * Self.margin
    }

    /// Each node's depth: 0 when it depends on nothing, else one more than its deepest dependency.
    /// A cycle (validation rejects them, but the layout must not loop) is cut where it is found.
    static func depths(of names: [String], dependencies: [String: [String]]) -> [String: Int] {
        var depth: [String: Int] = [:]
        var visiting = Set<String>()
        for root in names where depth[root] == nil {
            // Iterative DFS: (name, next dependency index).
            var stack: [(String, Int)] = [(root, 0)]
            visiting.insert(root)
            while let (name, next) = stack.last {
                let deps = dependencies[name] ?? []
                if next < deps.count {
                    stack[stack.count - 1].1 += 1
                    let dep = deps[next]
                    if depth[dep] == nil, !visiting.contains(dep) {
                        visiting.insert(dep)
                        stack.append((dep, 0))
                    }
                } else {
                    depth[name] = deps.compactMap { depth[$0] }.map { $0 + 1 }.max() ?? 0
                    visiting.remove(name)
                    stack.removeLast()
                }
            }
        }
        return depth
    }

    /// A node's box width: room for its name and its subtitle.
    static func width(of node: DashboardGraph.Node) -> Int {
        max(120, max(node.name.count * characterWidth, subtitle(of: node).count * smallCharacterWidth) + 28)
    }

    /// The second line of a node: its type, and its state when it runs.
    static func subtitle(of node: DashboardGraph.Node) -> String {
        node.state.map { "\(node.type) · \($0)" } ?? node.type
    }
}
