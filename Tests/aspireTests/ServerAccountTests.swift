import AppHost
import Foundation
import Supervisor
import Testing

/// Who natively run servers run as when aspire is root (issue 19), how aspire decides that an
/// account can reach a Python, and the type `ps` and `graph` show for a server's children.
@Suite struct ServerAccountTests {
    /// Expects every process of `name` (from `ps --format json`) not to run as root when the test
    /// runs as root, and to run as `account` when given; returns the uids seen.
    @discardableResult
    static func expectUnprivileged(_ path: String, _ name: String, account: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) -> [UInt32] {
        let pids = ControlTests.pids(path, name)
        let uids = pids.compactMap(uid(of:))
        guard getuid() == 0 else { return uids }
        #expect(!uids.isEmpty && uids.count == pids.count, "\(name): pids \(pids), uids \(uids)", sourceLocation: sourceLocation)
        #expect(!uids.contains(0), "\(name) runs as root: pids \(pids)", sourceLocation: sourceLocation)
        if let account, let entry = getpwnam(account) {
            #expect(uids.allSatisfy { $0 == entry.pointee.pw_uid }, "\(name) should run as \(account): uids \(uids)", sourceLocation: sourceLocation)
        }
        return uids
    }

    /// The real uid of `pid` (`/proc/PID/status`).
    static func uid(of pid: Int32) -> UInt32? {
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("Uid:") }
        return line?.split(whereSeparator: { $0 == "\t" || $0 == " " }).dropFirst().first.flatMap { UInt32($0) }
    }

    /// What the kernel would decide, written out independently: owner bits, else group bits, else others'.
    private static func allowed(mode: Int, ownerUID: UInt32, groupGID: UInt32, user: ProcessUser) -> Bool {
        let bit = user.uid == ownerUID ? 0o100 : user.gid == groupGID ? 0o010 : 0o001
        return mode & bit != 0
    }

    @Test("PathAccess: for generated folder and file modes, the first folder or file an account cannot pass is named, by owner, group and others bits")
    func pathAccessModes() throws {
        // Under /tmp itself: every folder above must let the test's accounts through.
        let base = "/tmp/aspire-pathaccess-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(atPath: base) }
        chmod(base, 0o755)
        // As root the files get an owner and group that are not root's (uid 0 passes everything).
        let root = getuid() == 0
        let owner: UInt32 = root ? 4242 : getuid()
        let group: UInt32 = root ? 4343 : getgid()
        let users = [
            ("owner", ProcessUser(uid: owner, gid: 9999)), ("group", ProcessUser(uid: 9998, gid: group)),
            ("others", ProcessUser(uid: 9998, gid: 9999)),
        ]
        let folderModes = [0o700, 0o710, 0o701, 0o755, 0o750, 0o711, 0o070, 0o007]
        let fileModes = [0o700, 0o755, 0o750, 0o705, 0o644, 0o011]
        var checked = 0
        for (index, (outer, inner)) in zip(folderModes, folderModes.reversed() + folderModes).enumerated() {
            for fileMode in fileModes {
                let a = base + "/c\(index)-\(fileMode)", b = a + "/inner", file = b + "/python3"
                try FileManager.default.createDirectory(atPath: b, withIntermediateDirectories: true)
                #expect(FileManager.default.createFile(atPath: file, contents: Data("#!/bin/sh\n".utf8)))
                let link = base + "/link-\(index)-\(fileMode)"
                try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: file)
                for (path, mode) in [(file, fileMode), (b, inner), (a, outer)] {
                    if root { chown(path, owner, group) }
                    chmod(path, mode_t(mode))
                }
                for (what, user) in users {
                    let expected =
                        !Self.allowed(mode: outer, ownerUID: owner, groupGID: group, user: user) ? a
                        : !Self.allowed(mode: inner, ownerUID: owner, groupGID: group, user: user) ? b
                        : !Self.allowed(mode: fileMode, ownerUID: owner, groupGID: group, user: user) ? file : nil
                    if !root && what != "owner" { continue }  // only root can make files another user's
                    for start in [file, link] {
                        let blocker = PathAccess.blocker(of: start, for: user)
                        #expect(blocker?.components(separatedBy: " (").first == expected, "\(what) \(String(outer, radix: 8))/\(String(inner, radix: 8))/\(String(fileMode, radix: 8)) via \(start): \(blocker ?? "reachable")")
                        checked += 1
                    }
                }
            }
        }
        #expect(checked > 0)
        #expect(PathAccess.blocker(of: base + "/missing", for: ProcessUser(uid: 9998, gid: 9999)) == base + "/missing (missing)")
        #expect(PathAccess.blocker(of: "/usr/bin/env", for: ProcessUser(uid: 9998, gid: 9999)) == nil)
    }

    @Test("MotoPython: moto_server's #! Python first, then /usr/bin/python3; a shell shim names no Python")
    func motoCandidates() throws {
        let folder = NSTemporaryDirectory() + "aspire-moto-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let script = folder + "/moto_server", shim = folder + "/shim", envScript = folder + "/env-python"
        #expect(FileManager.default.createFile(atPath: script, contents: Data("#!/opt/py/bin/python3.12 -E\nimport moto\n".utf8)))
        #expect(FileManager.default.createFile(atPath: shim, contents: Data("#!/usr/bin/env bash\nexec pyenv exec moto_server\n".utf8)))
        #expect(FileManager.default.createFile(atPath: envScript, contents: Data("#!/usr/bin/python3\n".utf8)))
        #expect(MotoPython.candidates(motoServer: script) == ["/opt/py/bin/python3.12", "/usr/bin/python3"])
        #expect(MotoPython.candidates(motoServer: shim) == ["/usr/bin/python3"])
        #expect(MotoPython.candidates(motoServer: envScript) == ["/usr/bin/python3"])
        #expect(MotoPython.candidates(motoServer: nil) == ["/usr/bin/python3"])
    }

    @Test("MotoPython.find as root: a Python behind a 0700 folder and one without moto are each named; a Python with moto is taken")
    func motoFind() throws {
        guard getuid() == 0, let entry = getpwnam("nobody") else { return }  // only root runs another account
        let nobody = ProcessUser(uid: entry.pointee.pw_uid, gid: entry.pointee.pw_gid)
        let folder = "/tmp/aspire-motofind-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: folder + "/bin", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        chmod(folder, 0o700)
        let python = folder + "/bin/python3"
        try FileManager.default.createSymbolicLink(atPath: python, withDestinationPath: "/usr/bin/python3")
        let script = "/tmp/aspire-motofind-script-\(UUID().uuidString.prefix(8))"
        #expect(FileManager.default.createFile(atPath: script, contents: Data("#!\(python)\n".utf8), attributes: [.posixPermissions: 0o755]))
        defer { unlink(script) }
        let unusable = MotoPython.find(motoServer: script, system: "/bin/false", for: nobody)
        guard case .failure(let why) = unusable else {
            Issue.record("found \(unusable)")
            return
        }
        #expect(why.reasons == ["\(python) is behind \(folder) (0700)", "/bin/false has no moto[server] and boto3"], "\(why)")
        // What the deps install for root (make deps, .ci/run): /usr/bin/python3 with moto is reachable.
        if case .success = MotoPython.find(motoServer: nil, for: nobody) {} else {
            Issue.record("no Python nobody can run moto on: \(MotoPython.find(motoServer: nil, for: nobody))")
        }
        chmod(folder, 0o755)
        #expect(MotoPython.find(motoServer: script, system: "/bin/false", for: nobody) == .success(python))
    }

    @Test("a server's children show whose they are: mysql database, postgres database, aws bucket/queue/table")
    func childTypes() throws {
        let path = try CLI.writeManifest(
            """
            name: kinds
            resources:
              pg: { type: postgres, databases: [catalog] }
              my: { type: mysql, databases: [orders] }
              cloud: { type: aws, buckets: [uploads], queues: [jobs], tables: [people] }
            """)
        let graph = try CLI.run(["graph", "-f", path, "--format", "json"])
        #expect(graph.status == 0, "\(graph.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(graph.stdout.utf8)) as? [String: Any])
        var types: [String: String] = [:]
        for node in object["nodes"] as? [[String: Any]] ?? [] {
            if let name = node["name"] as? String { types[name] = node["type"] as? String }
        }
        #expect(
            types == [
                "pg": "postgres", "catalog": "postgres database", "my": "mysql", "orders": "mysql database", "cloud": "aws",
                "uploads": "aws bucket", "jobs": "aws queue", "people": "aws table",
            ], "\(types)")
        let env = try CLI.run(["env", "uploads", "-f", path])
        #expect(env.stderr.contains("'uploads' is an aws bucket; it does not run"), "\(env.stderr)")
    }
}
