import AppModel
import Quoting

/// Writes a `ResourceGraph` as Graphviz dot, Mermaid, or JSON.
enum GraphFormatter {
    static func format(_ manifest: Manifest, _ graph: ResourceGraph, as format: GraphCommand.Format) -> String {
        switch format {
        case .dot:
            var out = "digraph \(JSON.string(manifest.name)) {\n  rankdir=LR;\n"
            for resource in manifest.resources {
                out += "  \(JSON.string(resource.name)) [label=\(JSON.string("\(resource.name)\n(\(manifest.typeName(of: resource)))"))];\n"
            }
            for edge in graph.edges {
                out += "  \(JSON.string(edge.from)) -> \(JSON.string(edge.to)) [label=\(JSON.string(edge.kind.rawValue))\(style(edge.kind))];\n"
            }
            return out + "}\n"
        case .mermaid:
            var out = "graph LR\n"
            for resource in manifest.resources {
                out += "  \(mermaidID(resource.name))[\"\(resource.name) (\(manifest.typeName(of: resource)))\"]\n"
            }
            for edge in graph.edges {
                let arrow = edge.kind == .reference || edge.kind == .expression ? "-.->" : "-->"
                out += "  \(mermaidID(edge.from)) \(arrow)|\(edge.kind.rawValue)| \(mermaidID(edge.to))\n"
            }
            return out
        case .json:
            let nodes = manifest.resources.map { "{\"name\":\(JSON.string($0.name)),\"type\":\(JSON.string(manifest.typeName(of: $0)))}" }
            let edges = graph.edges.map { "{\"from\":\(JSON.string($0.from)),\"to\":\(JSON.string($0.to)),\"kind\":\(JSON.string($0.kind.rawValue))}" }
            return "{\"name\":\(JSON.string(manifest.name)),\"nodes\":[\(nodes.joined(separator: ","))],\"edges\":[\(edges.joined(separator: ","))]}\n"
        }
    }

    private static func style(_ kind: ResourceGraph.EdgeKind) -> String {
        switch kind {
        case .reference, .expression: ", style=dashed"
        case .waitFor, .waitForCompletion, .parent: ""
        }
    }

    private static func mermaidID(_ name: String) -> String { "r_" + ResourceName.envSegment(name) }
}
