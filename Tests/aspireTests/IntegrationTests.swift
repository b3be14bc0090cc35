import Foundation
import Testing

/// The integrations made from the well-known template (mysql, nats): each server run natively
/// for real, a Python client writing then reading back through the injected variables only, the
/// data kept across runs and gone after `down --volumes`.
@Suite(.serialized) struct IntegrationTests {
    /// Runs `up` until `client` exits, then (after `whileUp`) stops it; returns the output.
    private func runOnce(_ path: String, timeout: Double = 60, whileUp: () -> Void = {}) throws -> String {
        let up = try UpTests.Running(["-f", path])
        #expect(UpTests.eventually(timeout: timeout) { up.output.contains("client: exited") }, "\(up.output)")
        whileUp()
        kill(up.process.processIdentifier, SIGTERM)
        #expect(up.wait(timeout: 30) == 0, "\(up.output)")
        return up.output
    }

    @Test("mysql natively (MariaDB): a database created at start, rows kept across runs, gone after down --volumes")
    func mysqlNative() throws {
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/sbin/mariadbd"), "mariadb-server is not installed (make deps installs it)")
        let path = try CLI.writeManifest(
            """
            name: mysqltest
            resources:
              db:
                type: mysql
                runtime: native
                databases: [orders, order-db]
              client:
                type: executable
                command: python3
                args: ["client.py"]
                references: [orders]
                waitFor: [orders]
            """,
            files: [
                "client.py": """
                import os, pymysql
                assert os.environ["ConnectionStrings__orders"].endswith(";Database=orders")
                conn = pymysql.connect(host=os.environ["ORDERS_HOST"], port=int(os.environ["ORDERS_PORT"]),
                                       user=os.environ["ORDERS_USERNAME"], password=os.environ["ORDERS_PASSWORD"],
                                       database=os.environ["ORDERS_DATABASENAME"], autocommit=True)
                with conn.cursor() as c:
                    c.execute("CREATE TABLE IF NOT EXISTS runs (id INT AUTO_INCREMENT PRIMARY KEY)")
                    c.execute("INSERT INTO runs () VALUES ()")
                    c.execute("SELECT COUNT(*) FROM runs")
                    print("rows", c.fetchone()[0], os.environ["ORDERS_URI"].split(":")[0])
                """
            ])
        let directory = (path as NSString).deletingLastPathComponent
        defer { _ = try? CLI.run(["down", "-f", path, "--volumes"]) }
        for run in 1...2 {
            let output = try runOnce(path) { ServerAccountTests.expectUnprivileged(path, "db", account: "mysql") }
            #expect(output.contains("| rows \(run) mysql"), "run \(run): \(output)")
            // Each database is a job of its own (its row in `ps`), and `waitFor: [orders]` waited for it.
            #expect(output.contains("| orders: healthy (created in db)"), "run \(run): \(output)")
        }
        let env = try CLI.run(["env", "client", "-f", path])
        #expect(env.stdout.contains("ConnectionStrings__orders='Server=localhost;Port="), "\(env.stdout)")
        #expect(env.stdout.contains(";User ID=root;Password=***;Database=orders'"), "\(env.stdout)")
        #expect(env.stdout.contains("ORDERS_JDBCCONNECTIONSTRING=jdbc:mysql://localhost:"), "\(env.stdout)")
        #expect(FileManager.default.fileExists(atPath: directory + "/.aspire/data/db/data/orders"))
        // A '-' is taken: the name is quoted with backticks, and MariaDB spells it @002d on disk.
        #expect(FileManager.default.fileExists(atPath: directory + "/.aspire/data/db/data/order@002ddb"))
        _ = try CLI.run(["down", "-f", path, "--volumes"])
        #expect(!FileManager.default.fileExists(atPath: directory + "/.aspire/data/db"))
    }

    @Test("nats natively with jetstream: true: messages kept across runs, a 0600 config file, not root's")
    func natsNative() throws {
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/sbin/nats-server"), "nats-server is not installed (make deps installs it)")
        let path = try CLI.writeManifest(
            """
            name: natstest
            resources:
              bus:
                type: nats
                runtime: native
                jetstream: true
              client:
                type: executable
                command: python3
                args: ["client.py"]
                references: [bus]
                waitFor: [bus]
            """,
            files: [
                "client.py": """
                import asyncio, os, nats
                async def main():
                    assert os.environ["ConnectionStrings__bus"] == os.environ["BUS_URI"]
                    # nats-py does not percent-decode the URI's password: the parts, as injected.
                    nc = await nats.connect(f"nats://{os.environ['BUS_HOST']}:{os.environ['BUS_PORT']}",
                                            user=os.environ["BUS_USERNAME"], password=os.environ["BUS_PASSWORD"])
                    js = nc.jetstream()
                    await js.add_stream(name="runs", subjects=["runs"])
                    await js.publish("runs", b"x")
                    info = await js.stream_info("runs")
                    print("messages", info.state.messages, os.environ["BUS_USERNAME"])
                    await nc.close()
                asyncio.run(main())
                """
            ])
        let directory = (path as NSString).deletingLastPathComponent
        defer { _ = try? CLI.run(["down", "-f", path, "--volumes"]) }
        for run in 1...2 {
            var uids: [String] = []
            let output = try runOnce(path) {
                uids = Self.serverUIDs(configUnder: directory + "/.aspire/data/bus")
                ServerAccountTests.expectUnprivileged(path, "bus", account: "nats")
            }
            #expect(output.contains("client | messages \(run) nats"), "run \(run): \(output)")
            // As root, nats-server runs as the `nats` user (it has no user switch of its own).
            #expect(uids.count == 1, "\(uids)")
            if getuid() == 0 { #expect(!uids.contains("0") && uids.first == getpwnam("nats").map { String($0.pointee.pw_uid) }, "\(uids)") }
        }
        var info = stat()
        #expect(stat(directory + "/.aspire/data/bus/server.conf", &info) == 0 && info.st_mode & 0o777 == 0o600)
        _ = try CLI.run(["down", "-f", path, "--volumes"])
        #expect(!FileManager.default.fileExists(atPath: directory + "/.aspire/data/bus"))
    }

    @Test("nats natively without jetstream (Aspire's default): no -js, so creating a stream finds no JetStream")
    func natsWithoutJetStream() throws {
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/sbin/nats-server"), "nats-server is not installed (make deps installs it)")
        let path = try CLI.writeManifest(
            """
            name: natsplain
            resources:
              bus:
                type: nats
                runtime: native
              client:
                type: executable
                command: python3
                args: ["client.py"]
                references: [bus]
                waitFor: [bus]
            """,
            files: [
                "client.py": """
                import asyncio, os, nats
                async def main():
                    nc = await nats.connect(f"nats://{os.environ['BUS_HOST']}:{os.environ['BUS_PORT']}",
                                            user=os.environ["BUS_USERNAME"], password=os.environ["BUS_PASSWORD"])
                    await nc.publish("plain", b"x")
                    try:
                        await nc.jetstream().add_stream(name="runs", subjects=["runs"])
                        print("jetstream answered")
                    except Exception as error:
                        print("no jetstream:", type(error).__name__)
                    await nc.close()
                asyncio.run(main())
                """
            ])
        let directory = (path as NSString).deletingLastPathComponent
        defer { _ = try? CLI.run(["down", "-f", path, "--volumes"]) }
        var commandLine = ""
        let output = try runOnce(path) {
            commandLine = Self.serverCommandLines(configUnder: directory + "/.aspire/data/bus").first ?? ""
        }
        #expect(output.contains("client | no jetstream:"), "\(output)")
        #expect(!output.contains("jetstream answered"), "\(output)")
        #expect(commandLine.contains("nats-server") && !commandLine.contains("-js"), "\(commandLine)")
        #expect(!FileManager.default.fileExists(atPath: directory + "/.aspire/data/bus/jetstream"))
    }

    /// The command lines (NUL → space) of running processes whose argv names a file under
    /// `folder` (followed through aspire's link when the data lives outside).
    static func serverCommandLines(configUnder folder: String) -> [String] {
        serverProcesses(configUnder: folder).map(\.commandLine)
    }

    /// The real uids of those processes.
    static func serverUIDs(configUnder folder: String) -> [String] {
        serverProcesses(configUnder: folder).compactMap { process in
            let status = (try? String(contentsOfFile: "/proc/\(process.pid)/status", encoding: .utf8)) ?? ""
            return status.split(separator: "\n").first { $0.hasPrefix("Uid:") }?.split(whereSeparator: { $0 == "\t" || $0 == " " }).dropFirst().first.map(String.init)
        }
    }

    private static func serverProcesses(configUnder folder: String) -> [(pid: String, commandLine: String)] {
        let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: folder)) ?? folder
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.filter { $0.allSatisfy(\.isNumber) }.compactMap { pid in
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return nil }
            let commandLine = String(decoding: data.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self)
            return commandLine.contains(target + "/server.conf") ? (pid, commandLine) : nil
        }
    }

    @Test("rabbitmq natively: its own node, cookie and ports; a durable queue's messages kept across runs")
    func rabbitmqNative() throws {
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/lib/rabbitmq/bin/rabbitmq-server"), "rabbitmq-server is not installed (make deps installs it)")
        let path = try CLI.writeManifest(
            """
            name: rabbittest
            resources:
              mq:
                type: rabbitmq
                runtime: native
              client:
                type: executable
                command: python3
                args: ["client.py"]
                references: [mq]
                waitFor: [mq]
            """,
            files: [
                "client.py": """
                import os, pika
                assert os.environ["ConnectionStrings__mq"] == os.environ["MQ_URI"]
                credentials = pika.PlainCredentials(os.environ["MQ_USERNAME"], os.environ["MQ_PASSWORD"])
                c = pika.BlockingConnection(pika.ConnectionParameters(os.environ["MQ_HOST"], int(os.environ["MQ_PORT"]), "/", credentials))
                ch = c.channel()
                ch.queue_declare("runs", durable=True)
                ch.confirm_delivery()
                ch.basic_publish("", "runs", b"x", pika.BasicProperties(delivery_mode=2))
                print("messages", ch.queue_declare("runs", durable=True, passive=True).method.message_count, os.environ["MQ_URI"].split(":")[0])
                c.close()
                """
            ])
        let directory = (path as NSString).deletingLastPathComponent
        defer { _ = try? CLI.run(["down", "-f", path, "--volumes"]) }
        for run in 1...2 {
            let output = try runOnce(path, timeout: 120) { ServerAccountTests.expectUnprivileged(path, "mq", account: "rabbitmq") }
            #expect(output.contains("client | messages \(run) amqp"), "run \(run): \(output)")
        }
        _ = try CLI.run(["down", "-f", path, "--volumes"])
        #expect(!FileManager.default.fileExists(atPath: directory + "/.aspire/data/mq"))
    }

    @Test("a database name MySQL would reject is an error at its line, naming the rule")
    func badDatabaseName() throws {
        let path = try CLI.writeManifest("name: baddb\nresources:\n  db:\n    type: mysql\n    databases: {orders: \"order db\"}\n")
        let validate = try CLI.run(["validate", "-f", path])
        #expect(validate.status != 0)
        #expect(validate.stderr.contains("apphost.yaml:5:25: error: database name 'order db' is not one the server takes: MySQL database names are at most 64 characters"), "\(validate.stderr)")
        #expect(validate.stderr.contains("note: write databases: {orders: order_db}"), "\(validate.stderr)")
    }
}
