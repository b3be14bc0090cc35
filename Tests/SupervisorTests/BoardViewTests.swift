import AppStatus
import Testing

@testable import Supervisor

/// What `up`'s live board draws: rows cut to the width, a capped height, no control characters.
@Suite struct BoardViewTests {
    static let resources = [
        ResourceStatus(name: "api", state: .healthy, restarts: 1, urls: ["http://localhost:5080"], ready: true, healthProbe: .http),
        ResourceStatus(name: "worker", state: .exited(code: 3), restarts: 2),
        ResourceStatus(name: "web", state: .waiting, urls: ["http://localhost:5173"]),
    ]

    @Test("one title, one header, one row per resource: ps's state and health, restarts, URL, why")
    func rows() {
        var resources = Self.resources
        resources[0].lastRestart = RestartReason(kind: .watch, path: "app.py", at: 0)
        resources[2].waitingFor = ["api"]
        let lines = BoardView.lines(resources, app: "shop").map(\.plain)
        #expect(lines.count == 5)
        #expect(lines[0].hasPrefix("── shop · 1/3 ready · Ctrl-C stops "))
        #expect(lines[1].split(separator: " ") == ["NAME", "STATE", "HEALTH", "RESTARTS", "URL", "LAST", "RESTART"])
        #expect(lines[2].split(separator: " ").prefix(5) == ["api", "running", "healthy", "1", "http://localhost:5080"], "\(lines[2])")
        #expect(lines[2].hasSuffix("changed: app.py"))
        #expect(lines[3].contains("exited with code 3"))
        #expect(lines[4].contains("waiting (api)"))
    }

    @Test("lines are cut to the width with …; the height is capped with +N more")
    func fit() {
        let many = (0..<40).map { ResourceStatus(name: "r\($0)", state: .running, ready: true) }
        let fitted = BoardLine.fit(BoardView.lines(many, app: "big"), columns: 30, maxLines: 10)
        #expect(fitted.count == 10)
        #expect(fitted.allSatisfy { $0.width <= 30 })
        #expect(fitted[0].plain.hasSuffix("…"))
        #expect(fitted[9].plain == "  +33 more (aspire ps)")
        #expect(LiveBoard.maxLines(rows: 24) == 12 && LiveBoard.maxLines(rows: 5) == 4 && LiveBoard.maxLines(rows: 200) == 30)
    }

    @Test("control characters in a board text show as ?")
    func printable() {
        let line = BoardLine([.init("a\u{1B}[2Jb\u{7}c\u{202E}d")])
        #expect(line.plain == "a?[2Jb?c?d")
        #expect(!line.rendered.contains(0x07))
    }
}
