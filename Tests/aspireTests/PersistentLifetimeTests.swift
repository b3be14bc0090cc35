import AppHost
import Foundation
import Testing

extension SlowEndToEnd {
    /// `lifetime: persistent` with real servers: the server outlives `down` and a killed `up`, the
    /// next `up` adopts it (same pid, same data) when its configuration is unchanged and replaces it
    /// when it changed; `ps` marks it; `down --persistent` stops it; `down --volumes` deletes its data.
    @Suite(.serialized) struct PersistentLifetimeTests {
        /// What `.aspire/persistent/NAME.json` and `ps --format json` say, read in the test.
        struct App {
            let path: String
            var directory: String { (path as NSString).deletingLastPathComponent }

            func up(_ extra: [String] = []) throws {
                let up = try CLI.run(["up", "-d", "-f", path, "--grace-period", "2"] + extra)
                #expect(up.status == 0, "\(up.stdout)\(up.stderr)")
            }

            func down(_ extra: [String] = []) throws -> CLIResult { try CLI.run(["down", "-f", path] + extra) }

            /// The recorded server pid (waits for the record: the keeper writes it as it starts).
            func recordedPID(_ name: String) -> Int32? {
                var pid: Int32?
                _ = UpTests.eventually(timeout: 20) {
                    let file = directory + "/.aspire/persistent/\(name).json"
                    guard let data = FileManager.default.contents(atPath: file),
                        let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any], let value = object["pid"] as? Int
                    else { return false }
                    pid = Int32(value)
                    return true
                }
                return pid
            }

            /// The resource's entry in `ps --format json`.
            func status(_ name: String) throws -> [String: Any]? {
                let ps = try CLI.run(["ps", "-f", path, "--format", "json"])
                guard let object = try JSONSerialization.jsonObject(with: Data(ps.stdout.utf8)) as? [String: Any],
                    let resources = object["resources"] as? [[String: Any]]
                else { return nil }
                return resources.first { $0["name"] as? String == name }
            }

            func secret(_ name: String) -> String {
                guard let data = FileManager.default.contents(atPath: directory + "/.aspire/secrets.json"),
                    let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                    let passwords = object["passwords"] as? [String: String]
                else { return "" }
                return passwords[name] ?? ""
            }

            func port(_ key: String) -> Int {
                guard let data = FileManager.default.contents(atPath: directory + "/.aspire/ports.json"),
                    let object = try? JSONSerialization.jsonObject(with: data) as? [String: Int]
                else { return 0 }
                return object[key] ?? 0
            }
        }

        /// Runs a client program (not aspire), returning its output.
        static func exec(_ argv: [String], environment: [String: String] = [:]) throws -> CLIResult {
            try CLI.runProgram(argv, environment: environment)
        }

        static func alive(_ pid: Int32) -> Bool {
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")") else { return false }
            return !stat[stat.index(after: close)...].hasPrefix(" Z")
        }

        static func redisManifest(args: String = "") -> String {
            """
            name: persist
            resources:
              cache:
                type: redis
                runtime: native
                lifetime: persistent
            \(args.isEmpty ? "" : "    args: \(args)\n")  sleeper:
                type: executable
                command: sleep
                args: ["300"]
                endpoints: {}
            """
        }

        func redis(_ app: App, _ command: [String]) throws -> String {
            let result = try Self.exec(["/usr/bin/redis-cli", "-p", String(app.port("cache.tcp")), "-a", app.secret("cache"), "--no-auth-warning"] + command)
            return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }

        @Test("redis: adopted with its data and pid across two ups, marked by ps, a new server on restart, replaced when args change, stopped by down --persistent")
        func redisAdoptReplaceStop() throws {
            try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/redis-server"), "redis-server is not installed")
            let path = try CLI.writeManifest(Self.redisManifest())
            let app = App(path: path)
            defer { _ = try? app.down(["--persistent", "--volumes"]) }
            try app.up()
            let first = try #require(app.recordedPID("cache"))
            #expect(try redis(app, ["SET", "k", "kept"]) == "OK")
            let status = try #require(try app.status("cache"))
            #expect(status["lifetime"] as? String == "persistent")
            #expect(status["pids"] as? [Int] == [Int(first)])
            #expect(try app.status("sleeper")?["lifetime"] == nil)
            let table = try CLI.run(["ps", "-f", path])
            #expect(table.stdout.contains("redis (persistent)"), "\(table.stdout)")

            #expect(try app.down().status == 0)
            #expect(Self.alive(first), "the persistent server stopped with down")
            try app.up()
            #expect(app.recordedPID("cache") == first)
            #expect(try app.status("cache")?["pids"] as? [Int] == [Int(first)])
            #expect(try redis(app, ["GET", "k"]) == "kept")
            let log = try String(contentsOfFile: app.directory + "/.aspire/logs/cache.log", encoding: .utf8)
            #expect(log.contains("adopted the running persistent server (pid \(first))"), "\(log)")

            // restart means a new server (with the same data), not the adopted one again.
            let restart = try CLI.run(["restart", "cache", "-f", path])
            #expect(restart.status == 0, "\(restart.stdout)\(restart.stderr)")
            #expect(UpTests.eventually { app.recordedPID("cache").map { $0 != first } ?? false })
            let restarted = try #require(app.recordedPID("cache"))
            #expect(!Self.alive(first), "restart left the old persistent server running")
            #expect(UpTests.eventually { (try? redis(app, ["GET", "k"])) == "kept" })

            // A changed launch (args) replaces it.
            try Self.redisManifest(args: #"["--maxmemory", "64mb"]"#).write(toFile: path, atomically: true, encoding: .utf8)
            #expect(try app.down().status == 0)
            try app.up()
            #expect(UpTests.eventually { app.recordedPID("cache") != restarted })
            let second = try #require(app.recordedPID("cache"))
            #expect(second != restarted && !Self.alive(restarted))
            #expect(try redis(app, ["CONFIG", "GET", "maxmemory"]).contains("67108864"))
            #expect(try redis(app, ["GET", "k"]) == "kept", "the data folder is kept when the server is replaced")

            let down = try app.down(["--persistent"])
            #expect(down.stdout.contains("stopped persistent servers: cache"), "\(down.stdout)")
            #expect(UpTests.eventually { !Self.alive(second) })
            #expect(!FileManager.default.fileExists(atPath: app.directory + "/.aspire/persistent/cache.json"))
        }

        @Test("kill -9 of up leaves the persistent server running and kills the session ones; down --volumes stops it and deletes its data")
        func killedUpAndVolumes() throws {
            try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/redis-server"), "redis-server is not installed")
            let path = try CLI.writeManifest(Self.redisManifest())
            let app = App(path: path)
            defer { _ = try? app.down(["--persistent", "--volumes"]) }
            try app.up()
            let server = try #require(app.recordedPID("cache"))
            #expect(try redis(app, ["SET", "k", "v"]) == "OK")
            let ps = try CLI.run(["ps", "-f", path, "--format", "json"])
            let upPID = try #require((try JSONSerialization.jsonObject(with: Data(ps.stdout.utf8)) as? [String: Any])?["pid"] as? Int)
            let sleeper = try #require((try app.status("sleeper")?["pids"] as? [Int])?.first)
            kill(Int32(upPID), SIGKILL)
            #expect(UpTests.eventually { !Self.alive(Int32(sleeper)) }, "the session resource outlived a killed up")
            #expect(Self.alive(server))

            try app.up()
            #expect(app.recordedPID("cache") == server)
            let down = try app.down(["--volumes"])
            #expect(down.status == 0, "\(down.stderr)")
            #expect(UpTests.eventually { !Self.alive(server) })
            #expect(!FileManager.default.fileExists(atPath: app.directory + "/.aspire/data/cache"))
            try app.up()
            #expect(try redis(app, ["GET", "k"]) == "", "down --volumes kept the data")
        }

        @Test("removing lifetime: persistent stops the server left running; the session server takes its port")
        func backToSession() throws {
            try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/redis-server"), "redis-server is not installed")
            let path = try CLI.writeManifest(Self.redisManifest())
            let app = App(path: path)
            defer { _ = try? app.down(["--persistent", "--volumes"]) }
            try app.up()
            let server = try #require(app.recordedPID("cache"))
            let port = app.port("cache.tcp")
            #expect(try app.down().status == 0)
            try Self.redisManifest().replacingOccurrences(of: "    lifetime: persistent\n", with: "").write(toFile: path, atomically: true, encoding: .utf8)
            try app.up()
            #expect(!Self.alive(server))
            #expect(app.port("cache.tcp") == port)
            #expect(try app.status("cache")?["lifetime"] == nil)
            #expect(try redis(app, ["PING"]) == "PONG")
        }

        @Test("postgres: a table written before down is read after the next up, from the same server")
        func postgresAdopt() throws {
            let psql = ["/usr/bin/psql", "/usr/local/bin/psql"].first(where: FileManager.default.isExecutableFile)
            let psqlPath = try #require(psql, "psql is not installed")
            let path = try CLI.writeManifest(
                """
                name: persistpg
                resources:
                  db:
                    type: postgres
                    runtime: native
                    lifetime: persistent
                """)
            let app = App(path: path)
            defer { _ = try? app.down(["--persistent", "--volumes"]) }
            func sql(_ statement: String) throws -> String {
                let result = try Self.exec(
                    [psqlPath, "-h", "127.0.0.1", "-p", String(app.port("db.tcp")), "-U", "postgres", "-d", "postgres", "-tAc", statement],
                    environment: ["PGPASSWORD": app.secret("db")])
                return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) + result.stderr
            }
            try app.up()
            let first = try #require(app.recordedPID("db"))
            _ = try sql("CREATE TABLE kept (v text); INSERT INTO kept VALUES ('across runs')")
            #expect(try app.down().status == 0)
            #expect(Self.alive(first))
            try app.up()
            #expect(app.recordedPID("db") == first)
            #expect(try sql("SELECT v FROM kept") == "across runs")
        }


        @Test(
            "a persistent container is adopted (same container, ports still forwarded), replaced when its args change, removed by down --persistent",
            arguments: ContainerEngine.all)
        func container(engine: ContainerEngine) throws {
            func manifest(_ extra: String) -> String {
                """
                name: persistctr
                resources:
                  web:
                    type: container
                    image: \(ContainerEngine.image)
                    args: ["httpd", "-f", "-p", "8080", "-h", "/www"\(extra)]
                    endpoints:
                      http: { targetPort: 8080 }
                    lifetime: persistent
                """
            }
            let path = try CLI.writeManifest(manifest(""))
            let app = App(path: path)
            let environment = engine.environment
            defer { _ = try? CLI.run(["down", "-f", path, "--persistent", "--volumes"], environment: environment) }
            func up() throws {
                let up = try CLI.run(["up", "-d", "-f", path, "--grace-period", "2"], environment: environment)
                #expect(up.status == 0, "\(up.stdout)\(up.stderr)")
            }
            /// The running container's id (its name is the one recorded: aspire-persistctr-<hash>-web).
            func containerID() -> String {
                let record = (try? JSONSerialization.jsonObject(with: FileManager.default.contents(atPath: app.directory + "/.aspire/persistent/web.json") ?? Data())) as? [String: Any]
                let name = record?["container"] as? String ?? "aspire-persistctr-none"
                let inspect = engine.run(["inspect", "--format", "{{.Id}} {{.State.Running}}", name])
                return inspect.status == 0 && inspect.output.contains("true") ? String(inspect.output.prefix(12)) : ""
            }
            func fetch() -> Bool {
                let curl = try? Self.exec(["/usr/bin/curl", "-sf", "-o", "/dev/null", "http://127.0.0.1:\(app.port("web.http"))/index.html"])
                return curl?.status == 0
            }
            func logs() -> String {
                ((try? String(contentsOfFile: app.directory + "/.aspire/up.log", encoding: .utf8)) ?? "")
                    + ((try? String(contentsOfFile: app.directory + "/.aspire/logs/web.log", encoding: .utf8)) ?? "")
            }
            try up()
            #expect(UpTests.eventually { app.recordedPID("web") != nil })
            let first = containerID()
            #expect(!first.isEmpty)
            #expect(try CLI.run(["down", "-f", path], environment: environment).status == 0)
            #expect(containerID() == first, "the persistent container was removed by down")
            try up()
            #expect(containerID() == first)
            #expect(UpTests.eventually(timeout: 10) { fetch() }, "the adopted container's port is not forwarded: \(logs())")
            #expect(try app.status("web")?["lifetime"] as? String == "persistent")

            try manifest(#", "-v""#).write(toFile: path, atomically: true, encoding: .utf8)
            #expect(try CLI.run(["down", "-f", path], environment: environment).status == 0)
            try up()
            #expect(UpTests.eventually { !containerID().isEmpty && containerID() != first }, "\(logs())")
            let second = containerID()
            let down = try CLI.run(["down", "-f", path, "--persistent"], environment: environment)
            #expect(down.status == 0, "\(down.stderr)")
            #expect(engine.run(["inspect", second]).status != 0, "down --persistent left \(second)")
        }
    }
}

/// The pure parts: the hash and the detached `run` argv.
@Suite struct PersistentLaunchTests {
    @Test("LaunchHash is SHA-256 over length-prefixed parts")
    func hash() {
        // sha256("3:abc"), and a 59-byte message (the padding spills into a second block).
        #expect(LaunchHash.of(["abc"]) == "aab5f9ae99b2e38fb462025c8f72f570c9c811705d2a4277dc855d7fa293fe97")
        #expect(LaunchHash.of([String(repeating: "a", count: 56)]) == "a8e8bf8f138c2be1bc7d88f4efd4a41cffdca0135487d5f0745f3b45346f9ca2")
        #expect(LaunchHash.of(["a", "bc"]) != LaunchHash.of(["ab", "c"]))
    }

    @Test("a persistent container runs detached, labelled with its lifetime and hash, without the run label")
    func runArguments() {
        let run = ["run", "--rm", "--name", "app-web", "--label", "aspire.app=a-1", "--label", "aspire.run=r1", "-p", "127.0.0.1:80:8080", "img", "httpd"]
        #expect(
            ContainerLaunch.persistentRunArguments(run, hash: "H") == [
                "run", "-d", "--name", "app-web", "--label", "aspire.lifetime=persistent", "--label", "aspire.config-hash=H",
                "--label", "aspire.app=a-1", "-p", "127.0.0.1:80:8080", "img", "httpd",
            ])
    }
}
