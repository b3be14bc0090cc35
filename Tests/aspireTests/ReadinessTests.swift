import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Port readiness end to end: a resource with an endpoint and no health check is ready once its
/// port accepts a connection; `waitFor` and `up -d` wait for that, and `ps` says `port`.
@Suite(.serialized) struct ReadinessTests {
    static let manifest = """
        name: portready
        resources:
          api:
            type: executable
            command: python3
            args: [server.py]
            endpoints:
              http: {}
          web:
            type: executable
            command: sh
            args: ["-c", "python3 connect.py; exec sleep 300"]
            references: [api]
            waitFor: [api]
          worker:
            type: executable
            command: sh
            args: ["-c", "exec sleep 300"]
        """

    /// Listens on $PORT only after a second, as a slow web server does.
    static let server = """
        import os, socket, time
        time.sleep(1)
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", int(os.environ["PORT"])))
        s.listen(16)
        while True:
            c, _ = s.accept()
            c.close()
        """

    /// Connects once to the api, through the variable aspire injects, and records the outcome.
    static let connect = """
        import os, socket
        host, port = os.environ["services__api__http__0"].rsplit("/", 1)[1].split(":")
        try:
            socket.create_connection(("127.0.0.1", int(port)), 2).close()
            open("connected", "w").write("yes")
        except OSError as error:
            open("connected", "w").write(str(error))
        """

    @Test("up -d returns once the api's port accepts; its dependent connects at once; ps shows health port")
    func portReadiness() throws {
        let path = try CLI.writeManifest(Self.manifest, files: ["server.py": Self.server, "connect.py": Self.connect])
        let directory = (path as NSString).deletingLastPathComponent
        defer { _ = try? CLI.run(["down", "-f", path]) }
        let up = try CLI.run(["up", "-d", "-f", path, "--no-dashboard"])
        #expect(up.status == 0, "\(up.stdout)\(up.stderr)")
        // Ready means the port accepts: a connection right after `up -d` returned succeeds.
        let url = try #require((ControlTests.resources(path)["api"]?["urls"] as? [String])?.first)
        let port = try #require(Int(url.split(separator: ":").last ?? ""))
        #expect(Self.connects(port), "nothing accepts on \(url) after up -d returned")
        #expect(
            UpTests.eventually {
                ((try? String(contentsOfFile: directory + "/connected", encoding: .utf8)) ?? "") == "yes"
            }, "\((try? String(contentsOfFile: directory + "/connected", encoding: .utf8)) ?? "no file")")
        let table = try CLI.run(["ps", "-f", path])
        #expect(Self.health(table.stdout, "api") == "port", "\(table.stdout)")
        #expect(Self.health(table.stdout, "worker") == "-", "\(table.stdout)")
        #expect(try CLI.run(["down", "-f", path]).status == 0)
    }

    /// The HEALTH cell of `name`'s row in `ps`'s table.
    static func health(_ table: String, _ name: String) -> String? {
        let rows = table.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true) }
        guard let header = rows.first, let column = header.firstIndex(of: "HEALTH"),
            let row = rows.first(where: { $0.first.map(String.init) == name }), column < row.count
        else { return nil }
        return String(row[column])
    }

    static func connects(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}
