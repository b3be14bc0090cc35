import AppHost
import AppModel
import AppState
import Foundation
import Supervisor
import Testing

/// The container-only integrations (mongodb, kafka) and the containers of mysql, nats and
/// rabbitmq, planned without an engine: image, port, the password by name only, the health check.
@Suite struct IntegrationArgvTests {
    @Test("mongodb: Aspire's image, the root user by name in the environment, a mongosh ping inside")
    func mongodbContainer() throws {
        var bindings = Bindings()
        bindings.hostPorts[EndpointID("mongo", "tcp")] = 27117
        bindings.passwords["mongo"] = "mongo-s3cret"
        let plan = try ContainerArgvTests.plan("name: m\nresources:\n  mongo: { type: mongodb, databases: [shop] }\n", inContainers: ["mongo"], bindings: bindings)
        let mongo = try #require(plan.services.first { $0.name == "mongo" })
        #expect(mongo.arguments.contains("docker.io/library/mongo:8.0"))
        #expect(mongo.arguments.contains("127.0.0.1:27117:27017"))
        #expect(mongo.arguments.contains("MONGO_INITDB_ROOT_PASSWORD"))
        #expect(!mongo.arguments.joined(separator: " ").contains("mongo-s3cret"))
        #expect(mongo.replicas.first?.environment["MONGO_INITDB_ROOT_PASSWORD"] == "mongo-s3cret")
        guard case .exec(let argv)? = mongo.healthCheck?.probe else {
            Issue.record("no exec health check: \(String(describing: mongo.healthCheck))")
            return
        }
        #expect(argv.contains("mongosh"))
    }

    @Test("kafka: Aspire's image, the host port advertised, an ApiVersions health check")
    func kafkaContainer() throws {
        var bindings = Bindings()
        bindings.hostPorts[EndpointID("events", "tcp")] = 19092
        let plan = try ContainerArgvTests.plan("name: k\nresources:\n  events: { type: kafka }\n", inContainers: ["events"], bindings: bindings)
        let kafka = try #require(plan.services.first)
        #expect(kafka.arguments.contains("docker.io/confluentinc/confluent-local:8.0.0"))
        #expect(kafka.arguments.contains("127.0.0.1:19092:9092"))
        #expect(kafka.replicas.first?.environment["KAFKA_ADVERTISED_LISTENERS"] == "PLAINTEXT://localhost:29092,PLAINTEXT_HOST://localhost:19092")
        guard case .greeting(let endpoint, let greeting)? = kafka.healthCheck?.probe else {
            Issue.record("no greeting health check: \(String(describing: kafka.healthCheck))")
            return
        }
        #expect(endpoint == "tcp" && greeting.expect == [0, 0, 0, 7, 0, 0])
    }

    @Test("mysql in a container: MYSQL_ROOT_PASSWORD by name, a database job through exec, the handshake as health")
    func mysqlContainer() throws {
        var bindings = Bindings()
        bindings.hostPorts[EndpointID("db", "tcp")] = 13306
        bindings.passwords["db"] = "my-s3cret"
        let plan = try ContainerArgvTests.plan("name: my\nresources:\n  db: { type: mysql, databases: [orders] }\n", inContainers: ["db"], bindings: bindings)
        let db = try #require(plan.services.first { $0.name == "db" })
        #expect(db.arguments.contains("docker.io/library/mysql:9.4"))
        #expect(db.arguments.contains("127.0.0.1:13306:3306"))
        #expect(!db.arguments.joined(separator: " ").contains("my-s3cret"))
        #expect(db.replicas.first?.environment["MYSQL_ROOT_PASSWORD"] == "my-s3cret")
        let job = try #require(plan.services.first { $0.name == "orders" })
        #expect(job.arguments.suffix(2) == ["-e", "CREATE DATABASE IF NOT EXISTS `orders`"])
        #expect(job.replicas.first?.environment["MYSQL_PWD"] == "my-s3cret")
    }

    @Test("connection strings: mysql, nats, rabbitmq, mongodb (and a database), kafka as Aspire writes them")
    func connectionStrings() throws {
        let yaml = """
            name: cs
            resources:
              db: { type: mysql, databases: [orders] }
              bus: { type: nats }
              mq: { type: rabbitmq }
              mongo: { type: mongodb, databases: [shop] }
              events: { type: kafka }
            """
        let loaded = ManifestLoader(environment: [:]).load(bytes: Array(yaml.utf8), file: "/tmp/cs/apphost.yaml", directory: "/tmp/cs")
        let manifest = try #require(loaded.manifest)
        var bindings = Bindings()
        for (index, name) in ["db", "bus", "mq", "mongo", "events"].enumerated() {
            bindings.hostPorts[EndpointID(name, "tcp")] = 40000 + index
            bindings.passwords[name] = "p@ss"
        }
        let resolver = EnvironmentResolver(manifest: manifest, bindings: bindings)
        #expect(try resolver.connectionString(of: "orders").value == "Server=localhost;Port=40000;User ID=root;Password=p@ss;Database=orders")
        #expect(try resolver.connectionString(of: "bus").value == "nats://nats:p%40ss@localhost:40001")
        #expect(try resolver.connectionString(of: "mq").value == "amqp://guest:p%40ss@localhost:40002")
        #expect(try resolver.connectionString(of: "mongo").value == "mongodb://admin:p%40ss@localhost:40003?authSource=admin&authMechanism=SCRAM-SHA-256")
        #expect(try resolver.connectionString(of: "shop").value == "mongodb://admin:p%40ss@localhost:40003/shop?authSource=admin&authMechanism=SCRAM-SHA-256")
        #expect(try resolver.connectionString(of: "events").value == "localhost:40004")
    }

    @Test("nats: jetstream: true adds -js -sd DATA in a container and natively (as the nats user when root); off by default, as Aspire")
    func natsJetStream() throws {
        var bindings = Bindings()
        for (index, name) in ["bus", "plain"].enumerated() {
            bindings.hostPorts[EndpointID(name, "tcp")] = 14222 + index
            bindings.passwords[name] = "n-s3cret"
        }
        let yaml = "name: n\nresources:\n  bus: { type: nats, jetstream: true }\n  plain: { type: nats }\n"
        let containers = try ContainerArgvTests.plan(yaml, inContainers: ["bus", "plain"], bindings: bindings)
        let bus = try #require(containers.services.first { $0.name == "bus" })
        #expect(Array(bus.arguments.suffix(5)) == ["-c", "/etc/aspire/nats.conf", "-js", "-sd", "/data"], "\(bus.arguments)")
        let plain = try #require(containers.services.first { $0.name == "plain" })
        #expect(Array(plain.arguments.suffix(2)) == ["-c", "/etc/aspire/nats.conf"] && !plain.arguments.contains("-js"), "\(plain.arguments)")
        guard ExecutableLookup.find("nats-server", path: "/usr/bin:/bin") != nil else { return }
        let native = try ContainerArgvTests.plan(yaml, inContainers: [], bindings: bindings)
        let nativeBus = try #require(native.services.first { $0.name == "bus" })
        let data = try #require(nativeBus.arguments.last)
        #expect(nativeBus.executable.hasSuffix("nats-server"))
        #expect(Array(nativeBus.arguments.dropLast(3).suffix(2)) == ["-c", data + "/server.conf"] && nativeBus.arguments.suffix(3).first == "-js", "\(nativeBus.arguments)")
        #expect(!(native.services.first { $0.name == "plain" }?.arguments.contains("-js") ?? true))
        if getuid() == 0 {
            let account = try #require(getpwnam("nats"), "no nats user")
            #expect(nativeBus.user == ProcessUser(uid: account.pointee.pw_uid, gid: account.pointee.pw_gid))
            var info = stat()
            #expect(stat(data + "/server.conf", &info) == 0 && info.st_uid == account.pointee.pw_uid && info.st_mode & 0o777 == 0o600)
        } else {
            #expect(nativeBus.user == nil)
        }
    }
}
