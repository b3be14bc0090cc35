import Foundation

/// Checks, before anything starts, that every host port of the selected services is free, and
/// finds who holds a taken one (from /proc/net/tcp{,6} and /proc/*/fd).
enum PortPreflight {
    /// A port that cannot be used.
    struct Conflict: Sendable, Hashable {
        var service: String
        var port: Int
        /// One line without the service name.
        var message: String
    }

    /// Every conflict, in service order (all of them, not just the first).
    static func conflicts(in services: [ServiceSpec]) -> [Conflict] {
        var conflicts: [Conflict] = []
        var claimedBy: [Int: String] = [:]
        for service in services {
            for port in Set(service.hostPorts).sorted() {
                if let other = claimedBy[port] {
                    conflicts.append(
                        Conflict(
                            service: service.name, port: port,
                            message: "port \(port) is also claimed by '\(other)'"))
                    continue
                }
                claimedBy[port] = service.name
                if let message = problem(with: port) {
                    conflicts.append(Conflict(service: service.name, port: port, message: message))
                }
            }
        }
        return conflicts
    }

    /// Why `port` cannot be listened on (loopback and all interfaces), or nil when it is free.
    static func problem(with port: Int) -> String? {
        for host in ["127.0.0.1", "0.0.0.0"] {
            let error = Syscalls.tcpProbeBind(host: host, port: port)
            if error == 0 { continue }
            if error == Syscalls.eAddrInUse {
                if let holder = holder(of: port) { return "port \(port) is already in use by \(holder)" }
                return "port \(port) is already in use"
            }
            return "cannot listen on port \(port): \(Syscalls.describe(errno: error))"
        }
        return nil
    }

    /// "pid 123 (python3 -m http.server 8080)" for the process listening on `port`, when it can
    /// be seen (processes of other users usually cannot).
    static func holder(of port: Int) -> String? {
        let inodes = listeningInodes(port: port)
        guard !inodes.isEmpty, let pids = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else {
            return nil
        }
        for pid in pids where Int32(pid) != nil {
            let fdDirectory = "/proc/\(pid)/fd"
            guard let fds = try? FileManager.default.contentsOfDirectory(atPath: fdDirectory) else { continue }
            for fd in fds {
                guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "\(fdDirectory)/\(fd)"),
                    target.hasPrefix("socket:["), inodes.contains(String(target.dropFirst(8).dropLast()))
                else { continue }
                return "pid \(pid) (\(commandLine(of: pid)))"
            }
        }
        return nil
    }

    /// Socket inodes in LISTEN state on `port` (any address), from /proc/net/tcp and tcp6.
    static func listeningInodes(port: Int) -> Set<String> {
        var inodes = Set<String>()
        for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
            guard let text = wholeProcFile(table) else { continue }
            for line in text.split(separator: "\n").dropFirst() {
                let fields = line.split(separator: " ", omittingEmptySubsequences: true)
                guard fields.count > 9, fields[3] == "0A",
                    let portText = fields[1].split(separator: ":").last, Int(portText, radix: 16) == port
                else { continue }
                inodes.insert(String(fields[9]))
            }
        }
        return inodes
    }

    /// All of a /proc file. They report a size of 0, and `String(contentsOfFile:)` then stops after
    /// its first read: with a few hundred sockets open, /proc/net/tcp's later lines were never seen.
    static func wholeProcFile(_ path: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        var data = Data()
        while let chunk = try? handle.read(upToCount: 1 << 16), !chunk.isEmpty { data.append(chunk) }
        return String(decoding: data, as: UTF8.self)
    }

    private static func commandLine(of pid: String) -> String {
        if let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline"), !data.isEmpty {
            let words = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            let line = words.joined(separator: " ")
            return line.count > 100 ? String(line.prefix(97)) + "..." : line
        }
        if let comm = try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8) {
            return comm.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return "unknown command"
    }
}
