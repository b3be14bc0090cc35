import Foundation
import Testing

extension SlowEndToEnd {
    /// Slow: the starter published to compose, its images built by `aspire publish --build` from base
    /// images made offline (bench/make-base-images.sh), run by a real compose tool; the frontend must
    /// answer on its published port with the API's forecast and a hit counter from Redis, reached
    /// through the service names and the `.env` password. Each tool is skipped, with the reason
    /// printed, when it or its engine is missing. docker-compose 1.x gets `--compose-compat v1`.
    /// The Kubernetes run (`--kube-play`) is in PublishRunsSlowTests+KubePlay.swift.
    @Suite(.serialized) struct PublishRunsSlowTests {
        /// A compose tool and the engine it drives.
        struct Tool: Sendable, CustomTestStringConvertible {
            var name: String
            var engine: String
            var testDescription: String { name }
        }

        static let tools = [Tool(name: "podman-compose", engine: "podman"), Tool(name: "docker-compose", engine: "docker")]

        @Test("the starter published to compose with --build answers through the compose tool; down -v leaves nothing", arguments: tools)
        func composeRuns(_ tool: Tool) throws {
            if let reason = Self.skipReason(tool) {
                FileHandle.standardError.write(Data("PublishRunsSlowTests: \(tool.name) skipped: \(reason)\n".utf8))
                return
            }
            let folder = NSTemporaryDirectory() + "aspire-publish-runs-\(UUID().uuidString.prefix(8))"
            try FileManager.default.copyItem(atPath: CLI.packageRoot + "/manifests/starter", toPath: folder + "/app")
            try? FileManager.default.removeItem(atPath: folder + "/app/.aspire")
            defer { try? FileManager.default.removeItem(atPath: folder) }
            // A free published port instead of the starter's 8080.
            let port = Self.freePort()
            let manifest = folder + "/app/apphost.yaml"
            let text = try String(contentsOfFile: manifest, encoding: .utf8)
            try text.replacingOccurrences(of: "    external: true ", with: "    endpoints: { http: { port: \(port) } }\n    external: true ")
                .write(toFile: manifest, atomically: true, encoding: .utf8)

            let output = folder + "/out"
            let compat = Self.isComposeV1(tool) ? ["--compose-compat", "v1"] : []
            let publish = try CLI.run(
                [
                    "publish", "--target", "compose", "-o", output, "-f", manifest, "--build",
                    "--base-image", "python=localhost/aspire-base-python:test", "--base-image", "redis=localhost/aspire-base-redis:test",
                ] + compat, environment: ["ASPIRE_CONTAINER_RUNTIME": tool.engine])
            #expect(publish.status == 0, "\(publish.stderr)")
            if !compat.isEmpty {
                let config = Self.sh("cd \(output) && \(tool.name) config -q")
                #expect(config.status == 0, "\(tool.name) config rejects the v1 form: \(config.output)")
            }
            #expect(publish.stdout.contains("built starter-webfrontend:latest (\(tool.engine))"))
            let project = "aspire-pr-\(UUID().uuidString.prefix(6).lowercased())"
            defer { Self.down(tool, project: project, directory: output) }
            let up = Self.sh("cd \(output) && \(tool.name) -p \(project) up -d")
            #expect(up.status == 0, "\(up.output)")

            Self.expectStarterPage(port: port)

            let down = Self.down(tool, project: project, directory: output)
            #expect(down.isEmpty, "left behind: \(down)")
        }

        /// The published starter's page on `port`: a forecast from the API, reached by its service
        /// name, and a hit count from Redis.
        static func expectStarterPage(port: Int, sourceLocation: SourceLocation = #_sourceLocation) {
            var page = ""
            let answered = UpTests.eventually(timeout: 60) {
                page = StarterTests.get(port: port, path: "/") ?? ""
                return page.contains("<td>") && page.range(of: #"viewed <strong>\d+</strong>"#, options: .regularExpression) != nil
            }
            #expect(answered, "the frontend did not show a forecast and a hit count on port \(port): \(page.suffix(600))", sourceLocation: sourceLocation)
            #expect(page.contains("http://apiservice:8080"), sourceLocation: sourceLocation)
        }

        /// Why `tool` cannot run here, or nil.
        static func skipReason(_ tool: Tool) -> String? {
            if Self.sh("command -v \(tool.name)").status != 0 { return "\(tool.name) is not installed (Debian: apt-get install \(tool.name))" }
            if Self.sh("command -v \(tool.engine)").status != 0 { return "\(tool.engine) is not installed" }
            if tool.engine == "docker", Self.sh("docker info --format '{{.ServerVersion}}'").status != 0 {
                return "the docker daemon does not answer (start it: dockerd --iptables=false &)"
            }
            let images = Self.sh("\(CLI.packageRoot)/bench/make-base-images.sh \(tool.engine)")
            if !images.output.contains("\(tool.engine): ready") { return "no base images: \(images.output.suffix(300))" }
            return nil
        }

        /// docker-compose 1.x, which reads only the `--compose-compat v1` form.
        static func isComposeV1(_ tool: Tool) -> Bool {
            tool.name == "docker-compose" && sh("docker-compose version --short").output.trimmingCharacters(in: .whitespacesAndNewlines).hasPrefix("1.")
        }

        /// `down -v`, then what is left of the project: containers, volumes and networks named after it.
        /// podman-compose 1.0.x's `down` leaves its network, so that one is removed here and not reported.
        @discardableResult
        static func down(_ tool: Tool, project: String, directory: String) -> [String] {
            _ = sh("cd \(directory) && \(tool.name) -p \(project) down -v")
            if tool.name == "podman-compose" { _ = sh("podman network rm -f \(project)_default") }
            return leftovers(engine: tool.engine, matching: project)
        }

        /// The containers, volumes and networks of `engine` whose names contain `text`.
        static func leftovers(engine: String, matching text: String) -> [String] {
            var left: [String] = []
            for (kind, field) in [("ps -a", "Names"), ("volume ls", "Name"), ("network ls", "Name")] {
                let names = sh("\(engine) \(kind) --format '{{.\(field)}}' | grep -- '\(text)'").output
                left += names.split(whereSeparator: \.isNewline).map { "\(kind): \($0)" }
            }
            return left
        }

        static func sh(_ command: String) -> (status: Int32, output: String) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", command + " 2>&1"]
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = pipe
            do { try process.run() } catch { return (127, "\(error)") }
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return (process.terminationStatus, String(decoding: data, as: UTF8.self))
        }

        static func freePort() -> Int {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(fd) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
            _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
            return Int(UInt16(bigEndian: address.sin_port))
        }
    }
}
