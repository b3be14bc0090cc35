import AppModel
import Foundation
import Publishing
import Testing

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
}
