import Foundation
import Testing

/// Redis and PostgreSQL run natively by `up`: real servers, real data on disk.
@Suite(.serialized) struct WellKnownTests {
    @Test("postgres: database created once the server is healthy; data and password persist across runs")
    func postgres() throws {
        let path = try CLI.writeManifest("""
            name: pgtest
            resources:
              pg:
                type: postgres
                runtime: native
                databases: [catalogdb]
              writer:
                type: executable
                command: sh
                args: ["-c", "psql \\"$$CATALOGDB_URI\\" -v ON_ERROR_STOP=1 -tAc 'CREATE TABLE IF NOT EXISTS hits (n int); INSERT INTO hits VALUES (1); SELECT count(*) FROM hits;'"]
                references: [catalogdb]
                waitFor: [catalogdb]
            """)
        let directory = (path as NSString).deletingLastPathComponent
        defer { _ = try? CLI.run(["down", "-f", path, "--volumes"]) }
        for run in 1...2 {
            let up = try UpTests.Running(["-f", path])
            #expect(UpTests.eventually(timeout: 60) { up.output.contains("writer: exited") }, "\(up.output)")
            #expect(up.output.contains("writer    | \(run)"), "run \(run): \(up.output)")
            kill(up.process.processIdentifier, SIGTERM)
            #expect(up.wait(timeout: 30) == 0, "\(up.output)")
        }
        let env = try CLI.run(["env", "writer", "-f", path])
        #expect(env.stdout.contains("ConnectionStrings__catalogdb='Host=localhost;Port="))
        #expect(env.stdout.contains(";Username=postgres;Password=***;Database=catalogdb'"))
        #expect(FileManager.default.fileExists(atPath: directory + "/.aspire/data/pg"))
    }

    @Test("postgres: data from another major version is refused with what to do; nothing starts")
    func postgresOtherVersion() throws {
        let path = try CLI.writeManifest("""
            name: pgversion
            resources:
              pg:
                type: postgres
                runtime: native
              bystander:
                type: executable
                command: sleep
                args: ["300"]
            """)
        let directory = (path as NSString).deletingLastPathComponent
        let data = directory + "/.aspire/data/pg/pgdata"
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        try "9\n".write(toFile: data + "/PG_VERSION", atomically: true, encoding: .utf8)
        let up = try CLI.run(["up", "-f", path])
        #expect(up.status == 1, "\(up.stdout)\(up.stderr)")
        #expect(up.stderr.contains("pg: the data in"), "\(up.stderr)")
        #expect(up.stderr.contains("created by PostgreSQL 9, but this machine runs PostgreSQL"))
        #expect(up.stderr.contains("aspire down --volumes"))
        #expect(try String(contentsOfFile: data + "/PG_VERSION", encoding: .utf8) == "9\n", "the data is untouched")
        #expect(try CLI.run(["ps", "-f", path]).status == 1, "nothing is left running")
    }

    @Test("redis: the password from the state folder works and data survives a restart")
    func redis() throws {
        let path = try CLI.writeManifest("""
            name: redistest
            resources:
              cache:
                type: redis
                runtime: native
              client:
                type: executable
                command: sh
                args: ["-c", "redis-cli -h $$CACHE_HOST -p $$CACHE_PORT -a \\"$$CACHE_PASSWORD\\" --no-auth-warning INCR runs"]
                references: [cache]
                waitFor: [cache]
            """)
        defer { _ = try? CLI.run(["down", "-f", path, "--volumes"]) }
        for run in 1...2 {
            let up = try UpTests.Running(["-f", path])
            #expect(UpTests.eventually(timeout: 30) { up.output.contains("client: exited") }, "\(up.output)")
            #expect(up.output.contains("client | \(run)"), "run \(run): \(up.output)")
            ServerAccountTests.expectUnprivileged(path, "cache", account: "redis")
            kill(up.process.processIdentifier, SIGTERM)
            #expect(up.wait(timeout: 30) == 0, "\(up.output)")
        }
    }
}
