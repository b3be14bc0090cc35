package import AppStatus

/// What `up`'s live board shows (docs/supervisor.md#the-live-board): a title with how many
/// resources are ready, a column header, and one row per resource — NAME, STATE and HEALTH as
/// `aspire ps` shows them, RESTARTS, the first URL, and why it last restarted.
package enum BoardView {
    /// The board's lines for `resources` (plan order).
    ///
    /// - Parameters:
    ///   - app: the app's name, in the title.
    ///   - shuttingDown: the run is stopping (the title says so).
    ///   - mask: masks a resource's secrets in a text about it (`mask(name, text)`).
    package static func lines(
        _ resources: [ResourceStatus], app: String, shuttingDown: Bool = false,
        mask: (String, String) -> String = { $1 }
    ) -> [BoardLine] {
        let ready = resources.filter(\.ready).count
        let status = shuttingDown ? "stopping" : "\(ready)/\(resources.count) ready · Ctrl-C stops"
        let title = BoardLine([
            .init("── ", style: "2"), .init(app, style: "1"), .init(" · \(status) ", style: "2"),
            .init(String(repeating: "─", count: 40), style: "2"),
        ])
        var rows = [["NAME", "STATE", "HEALTH", "RESTARTS", "URL", "LAST RESTART"]]
        var styles: [String?] = ["2"]
        for resource in resources {
            let state = resource.health == nil ? resource.state.description : ResourceState.running.description
            let waiting = resource.waitingFor.isEmpty ? "" : " (\(resource.waitingFor.joined(separator: ", ")))"
            rows.append([
                resource.name, mask(resource.name, state + waiting), resource.health?.rawValue ?? "-",
                String(resource.restarts), resource.urls.first ?? "-",
                resource.lastRestart.map { mask(resource.name, $0.description) } ?? "",
            ])
            styles.append(style(of: resource))
        }
        let widths = (0..<rows[0].count).map { column in rows.map { $0[column].count }.max() ?? 0 }
        var lines = [title]
        for (index, row) in rows.enumerated() {
            var pieces: [BoardLine.Piece] = []
            for (column, cell) in row.enumerated() {
                let last = column == row.count - 1
                let padded = last ? cell : cell + String(repeating: " ", count: widths[column] - cell.count + 2)
                // The header is dim; in a row only the state is coloured.
                let style = index == 0 ? "2" : column == 1 ? styles[index] : nil
                pieces.append(.init(padded, style: style))
            }
            lines.append(BoardLine(pieces))
        }
        return lines
    }

    /// Green when up and well, yellow while getting there, red when failed, dim when stopped.
    private static func style(of resource: ResourceStatus) -> String? {
        switch resource.state {
        case .healthy, .running: "32"
        case .waiting, .starting, .notStarted: "33"
        case .unhealthy, .failed, .killed: "31"
        case .exited(let code): code == 0 ? "2" : "31"
        case .stopped: "2"
        }
    }
}

extension Supervisor {
    /// Masks each service's secrets in a text about it, for views outside the supervisor (the
    /// live board): `masker(name, text)`.
    package func secretMasker() -> @Sendable (String, String) -> String {
        var maskers: [String: SecretMasker] = [:]
        for (name, record) in records where !record.spec.secrets.isEmpty {
            maskers[name] = handles[name]?.masker ?? SecretMasker(secrets: record.spec.secrets)
        }
        let found = maskers
        return { name, text in found[name]?.mask(text) ?? text }
    }
}
