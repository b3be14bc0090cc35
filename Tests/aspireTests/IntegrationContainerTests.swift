import Foundation
import Testing

/// The container-only integrations run for real: mongodb and kafka under `aspire up` with
/// `runtime: container`, a Python client writing then reading back through the injected
/// variables only. No registry is reachable on CI, so each runs only when its image is already
/// in podman or docker (Aspire's default, or the one `ASPIRE_TEST_MONGO_IMAGE` /
/// `ASPIRE_TEST_KAFKA_IMAGE` names), and is skipped otherwise, saying which image to load.
@Suite(.serialized) struct IntegrationContainerTests {
    /// An image present in an engine that runs containers.
    struct LocalImage: Sendable {
        var engine: ContainerEngine
        var image: String
        /// True when the image is not Aspire's default (the manifest then names it).
        var overridden: Bool

        /// The image `variable` names, else `defaultImage`, when an engine has it; else nil, with
        /// the reason printed.
        static func find(_ variable: String, default defaultImage: String, what: String, module: String, package: String) -> LocalImage? {
            let named = ProcessInfo.processInfo.environment[variable].flatMap { $0.isEmpty ? nil : $0 }
            let image = named ?? defaultImage
            guard run("/usr/bin/env", ["python3", "-c", "import \(module)"]) else {
                FileHandle.standardError.write(Data("\(what) end-to-end skipped: Python's \(module) is missing (pip install \(package))\n".utf8))
                return nil
            }
            // Ask each CLI first (cheap), so no engine is probed when no image is there.
            let holders = ["podman", "docker"].filter { hasImage(engine: $0, image) }
            if !holders.isEmpty, let engine = ContainerEngine.all.first(where: { holders.contains($0.name) }) {
                return LocalImage(engine: engine, image: image, overridden: named != nil)
            }
            FileHandle.standardError.write(
                Data(
                    "\(what) end-to-end skipped: no podman or docker here has \(image) (no registry is reachable); load it (podman load -i \(what).tar, or docker load) or set \(variable) to a local image\n"
                        .utf8))
            return nil
        }

        private static func hasImage(engine: String, _ image: String) -> Bool {
            guard let executable = ["/usr/bin/\(engine)", "/usr/local/bin/\(engine)"].first(where: FileManager.default.isExecutableFile) else { return false }
            return run(executable, engine == "docker" ? ["image", "inspect", image] : ["image", "exists", image])
        }

        /// True when `executable` with `arguments` exits 0 (its output discarded).
        private static func run(_ executable: String, _ arguments: [String]) -> Bool {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            do { try process.run() } catch { return false }
            process.waitUntilExit()
            return process.terminationStatus == 0
        }
    }

    static let mongo = LocalImage.find("ASPIRE_TEST_MONGO_IMAGE", default: "docker.io/library/mongo:8.0", what: "mongodb", module: "pymongo", package: "pymongo")
    static let kafka = LocalImage.find("ASPIRE_TEST_KAFKA_IMAGE", default: "docker.io/confluentinc/confluent-local:8.0.0", what: "kafka", module: "kafka", package: "kafka-python")

    /// Runs `up` until `client` exits (twice: the data must persist), checks each run's line,
    /// then `down --volumes`.
    private func runTwice(_ path: String, local: LocalImage, line: (Int) -> String) throws {
        defer { _ = try? CLI.run(["down", "-f", path, "--volumes"], environment: local.engine.environment) }
        for run in 1...2 {
            let up = try UpTests.Running(["-f", path], environment: local.engine.environment)
            // Also stops waiting when `up` itself has exited (the server failed).
            #expect(UpTests.eventually(timeout: 240) { up.output.contains("client: exited") || !up.process.isRunning }, "\(up.output)")
            #expect(up.output.contains(line(run)), "run \(run): \(up.output)")
            guard up.process.isRunning else {
                Issue.record("aspire up exited: \(up.output)")
                return
            }
            kill(up.process.processIdentifier, SIGTERM)
            #expect(up.wait(timeout: 60) == 0, "\(up.output)")
        }
    }

    @Test(
        "mongodb in a container: pymongo writes and reads back through the injected connection string, kept across runs",
        .enabled(if: IntegrationContainerTests.mongo != nil, "no local docker.io/library/mongo:8.0 (or ASPIRE_TEST_MONGO_IMAGE) in podman or docker, or no pymongo (reason printed above)"))
    func mongodbEndToEnd() throws {
        let local = try #require(Self.mongo)
        let path = try CLI.writeManifest(
            """
            name: mongoe2e
            resources:
              mongo:
                type: mongodb
                runtime: container
            \(local.overridden ? "    image: \(local.image)\n" : "")    databases: [shop]
              client:
                type: executable
                command: python3
                args: ["client.py"]
                references: [shop]
                waitFor: [mongo]
            """,
            files: [
                "client.py": """
                import os, pymongo
                client = pymongo.MongoClient(os.environ["ConnectionStrings__shop"], serverSelectionTimeoutMS=30000)
                db = client[os.environ["SHOP_DATABASENAME"]]
                db.runs.insert_one({"run": True})
                print("documents", db.runs.count_documents({}), os.environ["SHOP_URI"].split(":")[0])
                """
            ])
        try runTwice(path, local: local) { "client | documents \($0) mongodb" }
    }

    @Test(
        "kafka in a container: kafka-python produces and consumes through the injected bootstrap servers, kept across runs",
        .enabled(if: IntegrationContainerTests.kafka != nil, "no local docker.io/confluentinc/confluent-local:8.0.0 (or ASPIRE_TEST_KAFKA_IMAGE) in podman or docker, or no kafka-python (reason printed above)"))
    func kafkaEndToEnd() throws {
        let local = try #require(Self.kafka)
        let path = try CLI.writeManifest(
            """
            name: kafkae2e
            resources:
              events:
                type: kafka
                runtime: container
            \(local.overridden ? "    image: \(local.image)\n" : "")  client:
                type: executable
                command: python3
                args: ["client.py"]
                references: [events]
                waitFor: [events]
            """,
            files: [
                "client.py": """
                import os
                from kafka import KafkaConsumer, KafkaProducer
                servers = os.environ["ConnectionStrings__events"]
                assert servers == f"{os.environ['EVENTS_HOST']}:{os.environ['EVENTS_PORT']}"
                producer = KafkaProducer(bootstrap_servers=servers)
                producer.send("runs", b"x").get(timeout=60)
                producer.close()
                consumer = KafkaConsumer("runs", bootstrap_servers=servers, auto_offset_reset="earliest", consumer_timeout_ms=10000)
                print("messages", sum(1 for _ in consumer))
                consumer.close()
                """
            ])
        try runTwice(path, local: local) { "client | messages \($0)" }
    }

    @Test("mongodb and kafka with no engine answering: one line naming the engine that was asked", arguments: ["mongodb", "kafka"])
    func noEngine(type: String) throws {
        let path = try CLI.writeManifest("name: noengine\nresources:\n  server: { type: \(type) }\n")
        let up = try CLI.run(["up", "-f", path], environment: ["ASPIRE_CONTAINER_RUNTIME": "/nonexistent/podman"])
        #expect(up.status == 1)
        let errors = up.stderr.split(separator: "\n").filter { $0.contains("error:") }
        #expect(
            errors == [
                "error: server: \(type) runs only in a container, and no container engine can be used (ASPIRE_CONTAINER_RUNTIME=/nonexistent/podman was not found on PATH); install podman or docker"
            ], "\(up.stderr)")
    }
}
