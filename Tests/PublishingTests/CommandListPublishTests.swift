import AppModel
import Foundation
import Publishing
import Testing
import YAMLSource

/// `command: [program, arg, …]`: every publisher puts the list's tail before `args`.
@Suite struct CommandListPublishTests {
    static let yaml = """
        name: lists
        resources:
          cache:
            type: redis
          worker:
            type: executable
            command: [python3, worker.py, "--redis={cache.connectionString}"]
            args: [--verbose]
            workingDir: ./worker
            references: [cache]
          tool:
            type: executable
            command: [./run.sh, serve]
            args: [--fast]
            workingDir: ./tool
            endpoints: {}
        """

    static let files = [
        "worker/worker.py": "print('worker')\n",
        "tool/run.sh": "#!/bin/sh\n",
        "tool/Dockerfile": "FROM busybox\n",
    ]

    @Test("compose: a generated image's entrypoint is the program; command holds the tail, then args")
    func compose() throws {
        let app = try SampleApp.make(Self.yaml, files: Self.files)
        let (report, _) = try app.publish(.compose)
        let document = YAMLDocument(string: try report.text("docker-compose.yaml"), file: "docker-compose.yaml")
        let root = try #require(document.root)
        #expect(root.at("services", "worker", "command")?.items.compactMap(\.scalar) == ["worker.py", "--redis=cache:6379,password=${CACHE_PASSWORD}", "--verbose"])
        // With its own Dockerfile the program is the first word of the command.
        #expect(root.at("services", "tool", "command")?.items.compactMap(\.scalar) == ["./run.sh", "serve", "--fast"])
        #expect(root.at("services", "tool", "entrypoint") == nil)
    }

    @Test("kubernetes: args hold the tail, then args (and the program when the image is the folder's own)")
    func kubernetes() throws {
        let app = try SampleApp.make(Self.yaml, files: Self.files)
        let (report, _) = try app.publish(.kubernetes)
        func container(_ file: String) throws -> YAMLNode? {
            let workload = try KubernetesPublishTests.documents(report.text(file)).first { $0["kind"]?.scalar == "Deployment" }
            return workload?.at("spec", "template", "spec", "containers")?.items.first
        }
        let worker = try #require(try container("worker.yaml"))
        let args = worker["args"]?.items.compactMap(\.scalar) ?? []
        #expect(args.count == 3, "\(args)")
        #expect(args.first == "worker.py")
        #expect(args.dropFirst().first?.hasPrefix("--redis=cache:6379,password=") == true, "\(args)")
        #expect(args.last == "--verbose")
        #expect(worker["command"] == nil)
        let tool = try #require(try container("tool.yaml"))
        #expect(tool["args"]?.items.compactMap(\.scalar) == ["./run.sh", "serve", "--fast"])
    }

    @Test("aspire manifest: command is the program, args the tail then args, expressions kept")
    func manifest() throws {
        let app = try SampleApp.make(Self.yaml, files: Self.files)
        let (report, _) = try app.publish(.manifest)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(report.text("aspire-manifest.json").utf8)) as? [String: Any])
        let resources = try #require(json["resources"] as? [String: [String: Any]])
        let worker = try #require(resources["worker"])
        #expect(worker["command"] as? String == "python3")
        #expect(worker["args"] as? [String] == ["worker.py", "--redis={cache.connectionString}", "--verbose"])
        #expect(resources["tool"]?["command"] as? String == "./run.sh")
        #expect(resources["tool"]?["args"] as? [String] == ["serve", "--fast"])
        // `endpoints: {}`: no bindings, as Aspire's AddExecutable writes it.
        #expect(resources["tool"]?["bindings"] == nil)
        #expect(resources["worker"]?["bindings"] != nil)
    }
}
