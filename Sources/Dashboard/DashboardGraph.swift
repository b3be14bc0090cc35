package import AppStatus

/// The resources and how they depend on each other, for the graph page.
package struct DashboardGraph: Sendable, Hashable, Codable {
    /// A resource.
    package struct Node: Sendable, Hashable, Codable {
        /// The resource's name.
        package var name: String
        /// Its type name.
        package var type: String
        /// Its state when it runs (`healthy`, `stopped`, …); nil for resources that never run.
        package var state: ResourceState?

        /// Creates a node.
        package init(name: String, type: String, state: ResourceState? = nil) {
            self.name = name
            self.type = type
            self.state = state
        }
    }

    /// Why one resource depends on another.
    package enum EdgeKind: String, Sendable, Hashable, Codable, CaseIterable {
        /// `references:` or an expression: connection info is injected; start order is free.
        case reference
        /// `waitFor:`: starts after the target is healthy.
        case waitFor
        /// `waitForCompletion:`: starts after the target exited 0.
        case waitForCompletion
        /// A postgres database belongs to its server.
        case parent
    }

    /// `from` depends on `to`.
    package struct Edge: Sendable, Hashable, Codable {
        /// The dependent resource.
        package var from: String
        /// The resource it depends on.
        package var to: String
        /// Why.
        package var kind: EdgeKind

        /// Creates an edge: `from` depends on `to`.
        package init(from: String, to: String, kind: EdgeKind) {
            self.from = from
            self.to = to
            self.kind = kind
        }
    }

    /// Every resource, in manifest order.
    package var nodes: [Node]
    /// Every dependency; the same pair may appear once per kind.
    package var edges: [Edge]

    /// Creates a graph.
    package init(nodes: [Node], edges: [Edge]) {
        self.nodes = nodes
        self.edges = edges
    }
}
