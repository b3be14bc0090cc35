import AppStatus

/// Draws a ``DashboardGraph`` as a standalone SVG document (also inlined in the graph page).
///
/// Colours are presentation attributes, not CSS, so the SVG looks the same on its own and inside a
/// page whose Content-Security-Policy forbids inline styles. Every name is XML-escaped.
package enum GraphSVG {
    /// How each kind of edge is drawn: colour and dash pattern.
    static func stroke(for kind: DashboardGraph.EdgeKind) -> (color: String, dash: String?) {
        switch kind {
        case .reference: ("#8a94a6", "6 4")
        case .waitFor: ("#3b82f6", nil)
        case .waitForCompletion: ("#a855f7", "2 3")
        case .parent: ("#64748b", nil)
        }
    }

    /// A node's fill and border by state kind; resources that never run are white.
    static func colors(for state: ResourceState?) -> (fill: String, border: String) {
        guard let state else { return ("#ffffff", "#94a3b8") }
        switch StateKind(state) {
        case .healthy: return ("#dcfce7", "#16a34a")
        case .running: return ("#dbeafe", "#2563eb")
        case .unhealthy: return ("#ffedd5", "#ea580c")
        case .pending: return ("#f1f5f9", "#64748b")
        case .stopped: return ("#f8fafc", "#94a3b8")
        case .failed: return ("#fee2e2", "#dc2626")
        }
    }

    /// Renders the graph.
    ///
    /// - Parameters:
    ///   - graph: The nodes and edges.
    ///   - linkNodes: Whether nodes that run link to their log page.
    /// - Returns: An `<svg>` element with the XML namespace, usable as a file or inline.
    package static func render(_ graph: DashboardGraph, linkNodes: Bool = true) -> String {
        let layout = GraphLayout(graph)
        let legendHeight = 34
        let width = max(layout.width, 560)
        let height = layout.height + legendHeight
        var boxes: [String: GraphLayout.Box] = [:]
        for box in layout.boxes { boxes[box.node.name] = box }

        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" class="graph" width="\(width)" height="\(height)" \
            viewBox="0 0 \(width) \(height)" font-family="ui-monospace, SFMono-Regular, Menlo, Consolas, monospace" \
            font-size="13" role="img" aria-label="Resource graph">

            """
        svg += "<defs>"
        for kind in DashboardGraph.EdgeKind.allCases {
            svg += """
                <marker id="arrow-\(kind.rawValue)" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" \
                markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="\(stroke(for: kind).color)"/></marker>
                """
        }
        svg += "</defs>\n"

        // Edges first, so boxes cover their ends.
        for link in layout.links {
            guard let from = boxes[link.from], let to = boxes[link.to] else { continue }
            let (x1, y1) = (from.x, from.midY)
            let (x2, y2) = (to.x + to.width, to.midY)
            let bend = max(30, (x1 - x2) / 2)
            let style = stroke(for: link.primary)
            let dash = style.dash.map { " stroke-dasharray=\"\($0)\"" } ?? ""
            let kinds = link.kinds.map(\.rawValue).joined(separator: ", ")
            svg += """
                <g class="edge edge-\(link.primary.rawValue)" data-from="\(HTML.escape(link.from))" data-to="\(HTML.escape(link.to))">\
                <title>\(HTML.escape(link.from)) → \(HTML.escape(link.to)) (\(kinds))</title>\
                <path d="M\(x1),\(y1) C\(x1 - bend),\(y1) \(x2 + bend),\(y2) \(x2),\(y2)" fill="none" \
                stroke="\(style.color)" stroke-width="1.6"\(dash) marker-end="url(#arrow-\(link.primary.rawValue))"/></g>

                """
        }

        for box in layout.boxes {
            let node = box.node
            let colors = colors(for: node.state)
            let name = HTML.escape(node.name)
            let subtitle = HTML.escape(GraphLayout.subtitle(of: node))
            var group = """
                <g class="node" data-name="\(name)"><title>\(name) (\(subtitle))</title>\
                <rect x="\(box.x)" y="\(box.y)" width="\(box.width)" height="\(box.height)" rx="8" \
                fill="\(colors.fill)" stroke="\(colors.border)" stroke-width="1.5"/>\
                <text x="\(box.x + 12)" y="\(box.y + 19)" font-weight="bold" fill="#0f172a">\(name)</text>\
                <text x="\(box.x + 12)" y="\(box.y + 36)" font-size="11" fill="#475569">\(subtitle)</text></g>
                """
            if linkNodes, node.state != nil {
                group = "<a href=\"/logs?resource=\(HTML.percentEncode(node.name))\">\(group)</a>"
            }
            svg += group + "\n"
        }

        // Legend.
        var x = GraphLayout.margin
        let y = layout.height + 14
        for kind in DashboardGraph.EdgeKind.allCases {
            let style = stroke(for: kind)
            let dash = style.dash.map { " stroke-dasharray=\"\($0)\"" } ?? ""
            svg += """
                <g class="legend"><line x1="\(x)" y1="\(y)" x2="\(x + 34)" y2="\(y)" stroke="\(style.color)" \
                stroke-width="1.6"\(dash) marker-end="url(#arrow-\(kind.rawValue))"/>\
                <text x="\(x + 42)" y="\(y + 4)" font-size="11" fill="#475569">\(kind.rawValue)</text></g>

                """
            x += 42 + kind.rawValue.count * 7 + 26
        }
        return svg + "</svg>\n"
    }
}
