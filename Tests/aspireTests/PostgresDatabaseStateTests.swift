import AppHost
import AppState
import Foundation
import Supervisor
import Testing

/// A postgres database as its server's child (issue 15, item 11c) and `down --volumes` leaving
/// no empty `/var/tmp/aspire-data/<id>` behind (item 11g).
@Suite(.serialized) struct PostgresDatabaseStateTests {
    /// A manifest in a folder the `postgres` user cannot reach (0700, as `mktemp -d` makes), so
    /// the data lives under /var/tmp/aspire-data when we run as root.
    static func privateManifest(_ yaml: String) throws -> String {
        let directory = NSTemporaryDirectory() + "aspire-pgdb-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let path = directory + "/apphost.yaml"
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("a created database is running/healthy with no pid, its console line is not 'exited', its log says it was created; down --volumes leaves no /var/tmp folder")
    func databaseIsTheServersChild() throws {
        let path = try Self.privateManifest(
            """
            resources:
              pg:
                type: postgres
                runtime: native
                databases: [catalogdb]
            """)
        let directory = (path as NSString).deletingLastPathComponent
        defer {
            _ = try? CLI.run(["down", "--volumes", "-f", path])
            try? FileManager.default.removeItem(atPath: directory)
        }
        let up = try CLI.run(["up", "-d", "-f", path, "--wait-timeout", "60"])
        #expect(up.status == 0, "\(up.stdout)\(up.stderr)")
        #expect(!up.stdout.contains("catalogdb: exited"), "\(up.stdout)")

        let ps = try CLI.run(["ps", "--format", "json", "-f", path])
        #expect(ps.status == 0, "\(ps.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(ps.stdout.utf8)) as? [String: Any])
        let resources = try #require(json["resources"] as? [[String: Any]])
        let database = try #require(resources.first { $0["name"] as? String == "catalogdb" }, "\(ps.stdout)")
        let state = database["state"] as? String
        let health = database["health"] as? String
        #expect(state == "healthy" || (state == "running" && health == "healthy"), "\(database)")
        #expect((database["pids"] as? [Any] ?? []).isEmpty, "a database has no process of its own: \(database)")
        #expect(database["type"] as? String == "postgres database", "\(database)")
        ServerAccountTests.expectUnprivileged(path, "pg", account: "postgres")

        let table = try CLI.run(["ps", "-f", path])
        let row = try #require(table.stdout.split(separator: "\n").first { $0.hasPrefix("catalogdb ") }, "\(table.stdout)")
        #expect(row.contains("running") && row.contains("healthy") && !row.contains("exited"), "\(row)")

        let upLog = (try? String(contentsOfFile: directory + "/.aspire/up.log", encoding: .utf8)) ?? ""
        #expect(upLog.contains("catalogdb: healthy (created in pg)"), "\(upLog)")
        #expect(!upLog.contains("catalogdb: exited"), "\(upLog)")
        let databaseLog = (try? String(contentsOfFile: directory + "/.aspire/logs/catalogdb.log", encoding: .utf8)) ?? ""
        #expect(databaseLog.contains("creating database \"catalogdb\""), "\(databaseLog)")

        // As root, the data of a folder `postgres` cannot reach lives under /var/tmp/aspire-data/<id>.
        let outside = PostgresDataFolder.outsideFolder(of: StateFolder(manifestDirectory: directory))
        if getuid() == 0 {
            #expect(FileManager.default.fileExists(atPath: outside + "/pg/pgdata/PG_VERSION"))
        }
        let down = try CLI.run(["down", "--volumes", "-f", path])
        #expect(down.status == 0, "\(down.stderr)")
        #expect(!FileManager.default.fileExists(atPath: outside), "down --volumes left \(outside)")
        #expect(!FileManager.default.fileExists(atPath: directory + "/.aspire/data/pg"))
    }

    @Test("down --volumes removes only what is ours: a link elsewhere is unlinked, never followed; a non-empty id folder stays")
    func deleteDataKeepsWhatIsNotOurs() throws {
        let directory = NSTemporaryDirectory() + "aspire-pgdel-\(UUID().uuidString.prefix(8))"
        let state = StateFolder(manifestDirectory: directory)
        let manager = FileManager.default
        try manager.createDirectory(atPath: state.dataDirectory, withIntermediateDirectories: true)
        defer { try? manager.removeItem(atPath: directory) }
        // Someone else's folder, linked from our data folder: must survive.
        let foreign = directory + "-foreign"
        try manager.createDirectory(atPath: foreign, withIntermediateDirectories: true)
        defer { try? manager.removeItem(atPath: foreign) }
        try "keep".write(toFile: foreign + "/file", atomically: true, encoding: .utf8)
        try manager.createSymbolicLink(atPath: state.dataDirectory + "/elsewhere", withDestinationPath: foreign)
        // Our own data under /var/tmp/aspire-data/<id>/pg, plus a stray file there that is not ours.
        let outside = PostgresDataFolder.outsideFolder(of: state)
        try manager.createDirectory(atPath: outside + "/pg/pgdata", withIntermediateDirectories: true)
        try manager.createSymbolicLink(atPath: state.dataDirectory + "/pg", withDestinationPath: outside + "/pg")
        try "stray".write(toFile: outside + "/stray", atomically: true, encoding: .utf8)

        PostgresDataFolder.deleteData(state: state)
        #expect(manager.fileExists(atPath: foreign + "/file"))
        #expect(!manager.fileExists(atPath: outside + "/pg"))
        #expect(manager.fileExists(atPath: outside + "/stray"), "a non-empty id folder stays")
        #expect(((try? manager.contentsOfDirectory(atPath: state.dataDirectory)) ?? ["?"]).isEmpty)

        try manager.removeItem(atPath: outside + "/stray")
        try manager.createDirectory(atPath: outside + "/pg", withIntermediateDirectories: true)
        try manager.createSymbolicLink(atPath: state.dataDirectory + "/pg", withDestinationPath: outside + "/pg")
        PostgresDataFolder.deleteData(state: state)
        #expect(!manager.fileExists(atPath: outside), "the emptied id folder is removed")
    }

    @Test("the /var/tmp stand-in id is defined for every path (the whole 64-bit hash, no signed conversion)")
    func outsideFolderForEveryPath() {
        // Paths whose hash has the top bit set used to trap in Int64(UInt64).
        var topBitSet = 0
        for index in 0..<256 {
            let state = StateFolder(manifestDirectory: "/tmp/tmp.\(index)")
            if state.path.hashValueStable >= 1 << 63 { topBitSet += 1 }
            let folder = PostgresDataFolder.outsideFolder(of: state)
            #expect(folder.hasPrefix(PostgresDataFolder.outsideRoot + "/") && !folder.dropFirst(PostgresDataFolder.outsideRoot.count + 1).contains("/"))
        }
        #expect(topBitSet > 0)
    }
}
