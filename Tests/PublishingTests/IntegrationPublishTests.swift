import AppModel
import Foundation
import Publishing
import Testing
import YAMLSource

/// The integrations (mysql, nats, rabbitmq, mongodb, kafka) in compose and Kubernetes: Aspire's
/// images, passwords by reference only, Kafka advertising what other services reach.
@Suite struct IntegrationPublishTests {
    static let yaml = """
        name: pub
        resources:
          db: { type: mysql, databases: [orders] }
          bus: { type: nats }
          mq: { type: rabbitmq }
          mongo: { type: mongodb }
          events: { type: kafka }
          api:
            type: container
            image: docker.io/library/nginx:1.27
            references: [orders, bus, mq, mongo, events]
        """

    @Test("compose: images, the password variables by reference, the connection strings of the referencing service")
    func compose() throws {
        let app = try SampleApp.make(Self.yaml, files: [:])
        let (report, _) = try app.publish(.compose)
        let text = try report.text("docker-compose.yaml")
        for image in ["mysql:9.4", "nats:2.10-alpine", "rabbitmq:4.1", "mongo:8.0", "confluent-local:8.0.0"] {
            #expect(text.contains("image: docker.io/library/\(image)") || text.contains("image: docker.io/confluentinc/\(image)"), "\(image): \(text)")
        }
        #expect(text.contains("MYSQL_ROOT_PASSWORD: ${DB_PASSWORD}"), "\(text)")
        #expect(text.contains("RABBITMQ_DEFAULT_PASS: ${MQ_PASSWORD}"), "\(text)")
        #expect(text.contains("MONGO_INITDB_ROOT_PASSWORD: ${MONGO_PASSWORD}"), "\(text)")
        #expect(text.contains("KAFKA_ADVERTISED_LISTENERS: PLAINTEXT://localhost:29092,PLAINTEXT_HOST://events:9092"), "\(text)")
        #expect(text.contains("ConnectionStrings__orders: Server=db;Port=3306;User ID=root;Password=${DB_PASSWORD};Database=orders"), "\(text)")
        #expect(text.contains("ConnectionStrings__mq: amqp://guest:${MQ_PASSWORD}@mq:5672"), "\(text)")
        #expect(text.contains("ConnectionStrings__events: events:9092"), "\(text)")
    }

    @Test("kubernetes: the mysql password from the Secret, kafka's listeners in its ConfigMap")
    func kubernetes() throws {
        let app = try SampleApp.make(Self.yaml, files: [:])
        let (report, _) = try app.publish(.kubernetes)
        let db = try report.text("db.yaml")
        #expect(db.contains("image: docker.io/library/mysql:9.4"), "\(db)")
        #expect(db.contains("name: MYSQL_ROOT_PASSWORD"), "\(db)")
        let events = try report.text("events.yaml")
        #expect(events.contains("PLAINTEXT_HOST://events:9092"), "\(events)")
    }

    /// mysql with databases, a service waiting on one of them and on a mongodb database, nats with
    /// and without JetStream.
    static let databasesYAML = """
        name: dbs
        resources:
          db: { type: mysql, databases: {orders: order-db, stock: stock} }
          mongo: { type: mongodb, databases: [shop] }
          bus: { type: nats, jetstream: true }
          plain: { type: nats }
          api:
            type: container
            image: docker.io/library/nginx:1.27
            references: [orders, shop, bus, plain]
            waitFor: [orders, shop]
        """

    @Test("compose: a db-databases job creates the mysql databases (backtick-quoted), what waits for one waits for it; schema-valid")
    func composeMySQLDatabases() throws {
        let app = try SampleApp.make(Self.databasesYAML, files: [:])
        let (report, output) = try app.publish(.compose)
        let text = try report.text("docker-compose.yaml")
        let root = try #require(YAMLDocument(string: text, file: "docker-compose.yaml").root)
        let job = try #require(root.at("services", "db-databases", "command")?.items.first?.scalar, "\(text)")
        #expect(job == "until mysql -h db -uroot -e 'CREATE DATABASE IF NOT EXISTS `order-db`; CREATE DATABASE IF NOT EXISTS `stock`;'; do echo waiting for db; sleep 2; done")
        #expect(root.at("services", "db-databases", "image")?.scalar == "docker.io/library/mysql:9.4")
        #expect(root.at("services", "db-databases", "environment", "MYSQL_PWD")?.scalar == "${DB_PASSWORD}")
        #expect(root.at("services", "db-databases", "depends_on", "db", "condition")?.scalar == "service_started")
        #expect(root.at("services", "api", "depends_on", "db-databases", "condition")?.scalar == "service_completed_successfully")
        // MongoDB creates a database on first write: no job; waiting on one waits for its server.
        #expect(root.at("services", "mongo-databases") == nil)
        #expect(root.at("services", "api", "depends_on", "mongo", "condition")?.scalar == "service_started")
        // JetStream only where jetstream: true.
        #expect(root.at("services", "bus", "command")?.items.first?.scalar == "nats-server --user nats --pass \"$$SERVER_PASSWORD\" -js -sd /data")
        #expect(root.at("services", "plain", "command")?.items.first?.scalar == "nats-server --user nats --pass \"$$SERVER_PASSWORD\"")
        if Tool.hasPython("jsonschema", "yaml") {
            let script = """
                import json, sys, yaml, jsonschema
                schema = json.load(open(sys.argv[1]))
                document = yaml.safe_load(open(sys.argv[2]))
                errors = list(jsonschema.Draft202012Validator(schema).iter_errors(document))
                for error in errors: print(list(error.path), error.message[:300])
                sys.exit(1 if errors else 0)
                """
            let result = try Tool.python(script, [Schemas.compose, output + "/docker-compose.yaml"])
            #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        }
    }

    @Test("kubernetes: a db-databases Job with MYSQL_PWD from the Secret, an init container waiting for the database; well formed")
    func kubernetesMySQLDatabases() throws {
        let app = try SampleApp.make(Self.databasesYAML, files: [:])
        let (report, output) = try app.publish(.kubernetes)
        let db = try KubernetesPublishTests.documents(report.text("db.yaml"))
        let job = try #require(db.first { $0["kind"]?.scalar == "Job" })
        #expect(job.at("metadata", "name")?.scalar == "db-databases")
        let container = try #require(job.at("spec", "template", "spec", "containers")?.items.first)
        #expect(container.at("image")?.scalar == "docker.io/library/mysql:9.4")
        #expect(
            container.at("args")?.items.first?.scalar
                == "until mysql -h db -uroot -e 'CREATE DATABASE IF NOT EXISTS `order-db`; CREATE DATABASE IF NOT EXISTS `stock`;'; do echo waiting for db; sleep 2; done")
        let env = container.at("env")?.items.first
        let dbText = try report.text("db.yaml")
        let apiText = try report.text("api.yaml")
        #expect(env?.at("name")?.scalar == "MYSQL_PWD")
        #expect(env?.at("valueFrom", "secretKeyRef", "key")?.scalar != nil, "\(dbText)")
        let api = try KubernetesPublishTests.documents(apiText)
        let pod = try #require(api.first { $0["kind"]?.scalar == "Deployment" }?.at("spec", "template", "spec"))
        let waits = pod.at("initContainers")?.items ?? []
        let orders = try #require(waits.first { $0.at("name")?.scalar == "wait-for-orders" })
        #expect(orders.at("image")?.scalar == "docker.io/library/mysql:9.4")
        #expect(orders.at("args")?.items.first?.scalar == "until mysql -h db -uroot -e 'USE `order-db`'; do echo waiting for orders; sleep 2; done")
        #expect(orders.at("env")?.items.first?.at("name")?.scalar == "MYSQL_PWD")
        let shop = try #require(waits.first { $0.at("name")?.scalar == "wait-for-shop" })
        #expect(shop.at("command")?.items.last?.scalar?.hasPrefix("until nc -z -w 2 mongo 27017;") == true, "\(apiText)")
        let bus = try report.text("bus.yaml")
        // Kubernetes writes a literal `$` as `$$` in args.
        #expect(bus.contains("nats-server --user nats --pass \"$$SERVER_PASSWORD\" -js -sd /data"), "\(bus)")
        let plain = try report.text("plain.yaml")
        #expect(!plain.contains("-js"))
        if Tool.hasPython("yaml") {
            let result = try Tool.python(KubernetesPublishTests.structureScript, [output])
            #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        }
        if Tool.has("kubectl") {
            let built = try Tool.run("kubectl", ["kustomize", output])
            #expect(built.status == 0, "\(built.stderr)")
        }
    }

    @Test("Aspire's manifest: nats with jetstream: true runs -js -sd /data, without it not")
    func aspireManifestJetStream() throws {
        let app = try SampleApp.make(Self.databasesYAML, files: [:])
        let (report, _) = try app.publish(.manifest)
        let json = try JSONSerialization.jsonObject(with: Data(try report.text("aspire-manifest.json").utf8)) as? [String: Any]
        let resources = json?["resources"] as? [String: Any]
        func arguments(_ name: String) -> [String] { ((resources?[name] as? [String: Any])?["args"] as? [String]) ?? [] }
        #expect(arguments("bus") == ["-c", "nats-server --user nats --pass \"$SERVER_PASSWORD\" -js -sd /data"], "\(arguments("bus"))")
        #expect(arguments("plain") == ["-c", "nats-server --user nats --pass \"$SERVER_PASSWORD\""], "\(arguments("plain"))")
    }
}
