import Foundation
import Testing

/// The seed example end to end: Redis (native), the API and the frontend, all real.
@Suite(.serialized) struct StarterTests {
    /// One HTTP/1.0 GET over a plain socket (no proxy settings, no URLSession).
    static func get(port: Int, path: String) -> String? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { return nil }
        let request = "GET \(path) HTTP/1.0\r\nHost: localhost\r\n\r\n"
        _ = request.withCString { send(fd, $0, strlen($0), 0) }
        var response = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = recv(fd, &buffer, buffer.count, 0)
            if count <= 0 { break }
            response += buffer[0..<count]
        }
        return String(decoding: response, as: UTF8.self)
    }

    @Test("make run's example: the frontend shows the API's forecast and counts hits in Redis")
    func starter() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/redis-server") || FileManager.default.isExecutableFile(atPath: "/usr/local/bin/redis-server") else {
            Issue.record("redis-server is not installed (make deps installs it)")
            return
        }
        // A private copy, so the test's state folder is its own.
        let copy = NSTemporaryDirectory() + "aspire-starter-\(UUID().uuidString.prefix(8))"
        try FileManager.default.copyItem(atPath: CLI.packageRoot + "/manifests/starter", toPath: copy)
        try? FileManager.default.removeItem(atPath: copy + "/.aspire")
        defer { try? FileManager.default.removeItem(atPath: copy) }
        let manifest = copy + "/apphost.yaml"

        let env = try CLI.run(["env", "webfrontend", "-f", manifest, "--format", "json"])
        let object = try #require(JSONSerialization.jsonObject(with: Data(env.stdout.utf8)) as? [String: String])
        let port = try #require(object["PORT"].flatMap(Int.init))
        #expect(object["services__apiservice__http__0"]?.hasPrefix("http://localhost:") == true)
        #expect(object["ConnectionStrings__cache"]?.hasSuffix(",password=***") == true)

        let up = try UpTests.Running(["-f", manifest])
        var first: String?
        #expect(UpTests.eventually(timeout: 30) {
            first = Self.get(port: port, path: "/")
            return first?.contains("200 OK") == true
        }, "\(up.output)")
        let page = try #require(first)
        #expect(page.contains("viewed <strong>1</strong> time"))
        #expect(page.contains("Summary"))
        let second = try #require(Self.get(port: port, path: "/"))
        #expect(second.contains("viewed <strong>2</strong> time"))

        kill(up.process.processIdentifier, SIGTERM)
        #expect(up.wait() == 0, "\(up.output)")
        #expect(Self.get(port: port, path: "/") == nil)
    }
}
