import AppModel
import Foundation
import Publishing
import Testing
import YAMLSource

/// `stopSignal:` in publish: compose's `stop_signal`; Kubernetes has no field, so a note.
@Suite struct StopSignalPublishTests {
    static let yaml = """
        name: signals
        resources:
          web:
            type: executable
            command: python3
            args: [app.py]
            stopSignal: int
          worker:
            type: executable
            command: python3
            args: [worker.py]
        """

    @Test("compose gets stop_signal with the canonical name; a resource without one gets none")
    func compose() throws {
        let app = try SampleApp.make(Self.yaml, files: ["app.py": "print('web')\n", "worker.py": "print('w')\n"])
        let (report, _) = try app.publish(.compose)
        let document = YAMLDocument(string: try report.text("docker-compose.yaml"), file: "docker-compose.yaml")
        let root = try #require(document.root)
        #expect(root.at("services", "web", "stop_signal")?.scalar == "SIGINT")
        #expect(root.at("services", "worker", "stop_signal") == nil)
    }

    @Test("Kubernetes notes that it cannot carry the signal")
    func kubernetes() throws {
        let app = try SampleApp.make(Self.yaml, files: ["app.py": "print('web')\n", "worker.py": "print('w')\n"])
        let (report, _) = try app.publish(.kubernetes)
        let notes = report.notes.filter { $0.message.contains("stopSignal") }
        #expect(notes.map(\.resource) == ["web"], "\(report.notes)")
    }
}
