import AppModel
import AppState
import Foundation
import YAMLSource
import Testing

/// `type: aws`: buckets, queues and tables decoded as children, AWS's naming rules at their line,
/// and what a reference injects (what AWS SDKs read, and `<CHILD>_BUCKET_NAME`, …).
@Suite struct AWSManifestTests {
    static let app = """
        name: shop
        resources:
          cloud:
            type: aws
            region: eu-west-1
            buckets: [uploads]
            queues: { jobs: jobs-queue, orders-fifo: orders.fifo }
            tables: { orders-v2: Orders_v2 }
          api:
            type: executable
            command: python3
            references: [cloud, uploads, jobs, orders-v2]
            waitFor: [uploads]
        """

    @Test("children are resources of their own, with their group and the server's region")
    func decodes() throws {
        let result = load(Self.app)
        #expect(result.diagnostics.filter { $0.severity == .error }.isEmpty, "\(result.diagnostics)")
        let manifest = try #require(result.manifest)
        guard case .wellKnown(let type, let settings)? = manifest["cloud"]?.kind else {
            Issue.record("cloud is not a template server")
            return
        }
        #expect(type == .aws)
        #expect(settings.region == "eu-west-1")
        #expect(settings.databases == ["uploads", "jobs", "orders-fifo", "orders-v2"])
        #expect(settings.childGroups["jobs"] == "queues")
        let jobs = try #require(manifest["jobs"])
        #expect(manifest.childGroup(of: jobs)?.what == "queue")
        guard case .postgresDatabase(let server, let actual) = jobs.kind else {
            Issue.record("jobs is not a child")
            return
        }
        #expect(server == "cloud" && actual == "jobs-queue")
    }

    @Test("a reference injects the SDK variables, the secret key masked, and each child's name or URL")
    func injects() throws {
        let manifest = try #require(load(Self.app).manifest)
        var fixed = bindings(for: manifest)
        fixed.passwords["cloud"] = "s3cret-key"
        let port = try #require(fixed.hostPorts[EndpointID("cloud", "tcp")])
        let env = try EnvironmentResolver(manifest: manifest, bindings: fixed).environment(of: "api")
        let values = Dictionary(env.entries.map { ($0.name, $0.value.value) }, uniquingKeysWith: { $1 })
        #expect(values["AWS_ENDPOINT_URL"] == "http://localhost:\(port)")
        #expect(values["AWS_REGION"] == "eu-west-1" && values["AWS_DEFAULT_REGION"] == "eu-west-1")
        #expect(values["AWS_ACCESS_KEY_ID"] == WellKnownType.awsAccessKeyID)
        #expect(values["AWS_SECRET_ACCESS_KEY"] == "s3cret-key")
        #expect(env.secretValues.contains("s3cret-key"))
        #expect(values["UPLOADS_BUCKET_NAME"] == "uploads")
        #expect(values["JOBS_QUEUE_URL"] == "http://localhost:\(port)/123456789012/jobs-queue")
        #expect(values["JOBS_QUEUE_NAME"] == "jobs-queue")
        #expect(values["ConnectionStrings__jobs"] == values["JOBS_QUEUE_URL"])
        // The one naming rule: upper-cased, every character outside [A-Za-z0-9_] as `_`.
        #expect(values["ORDERS_V2_TABLE_NAME"] == "Orders_v2")
        #expect(values["CLOUD_URI"] == "http://localhost:\(port)")
    }

    @Test(
        "a name AWS would refuse is an error at its line, naming the rule, with a fix-it",
        arguments: [
            ("buckets: [My_Bucket]", "invalid-bucket-name@5", "buckets: [my-bucket]"),
            ("buckets: [ab]", "invalid-bucket-name@5", "S3 bucket names are 3-63 characters"),
            ("buckets: {logs: 192.168.5.4}", "invalid-bucket-name@5", "not an IP address"),
            ("buckets: {logs: \(String(repeating: "a", count: 64))}", "invalid-bucket-name@5", "3-63"),
            ("buckets: {logs: -logs}", "invalid-bucket-name@5", "start and end with a letter or digit"),
            ("queues: {jobs: \"jobs queue\"}", "invalid-queue-name@5", "queues: {jobs: jobs_queue}"),
            ("queues: {jobs: \(String(repeating: "q", count: 81))}", "invalid-queue-name@5", "1-80 characters"),
            ("tables: {orders: \"or\"}", "invalid-table-name@5", "3-255 characters"),
            ("tables: {orders: \"orders/v2\"}", "invalid-table-name@5", "tables: {orders: orders_v2}"),
        ])
    func badNames(line: String, expected: String, text: String) {
        let result = load("name: a\nresources:\n  cloud:\n    type: aws\n    \(line)\n")
        let found = result.diagnostics.filter { ["invalid-bucket-name", "invalid-queue-name", "invalid-table-name"].contains($0.message.id) }
        #expect(found.count == 1, "\(result.diagnostics)")
        #expect(found.first.map { "\($0.message.id)@\($0.location?.line ?? 0)" } == expected, "\(found)")
        #expect(found.first?.message.text.contains(text) == true, "\(found.map(\.message.text))")
    }

    @Test("names AWS takes pass: dots in a bucket, a FIFO queue, a table with '.' and '-'")
    func goodNames() {
        #expect(ChildNameRule.s3Bucket.problem(with: "my.logs-2026") == nil)
        #expect(ChildNameRule.sqsQueue.problem(with: "orders.fifo") == nil)
        #expect(ChildNameRule.sqsQueue.problem(with: ".fifo") != nil)
        #expect(ChildNameRule.dynamoDBTable.problem(with: "Orders.v2-x") == nil)
        #expect(ChildNameRule.s3Bucket.problem(with: "a..b") != nil)
        for bad in ["My_Bucket", "ab", "192.168.5.4", "-x-"] {
            let fixed = ChildNameRule.s3Bucket.suggestion(for: bad)
            #expect(ChildNameRule.s3Bucket.problem(with: fixed) == nil, "\(bad) → \(fixed)")
        }
    }

    @Test("aws takes no databases and no unknown key; region must look like one")
    func keys() {
        let result = load("name: a\nresources:\n  cloud: { type: aws, databases: [x], region: US_EAST }\n")
        let ids = result.diagnostics.map(\.message.id)
        #expect(ids.count == 2, "\(result.diagnostics)")
        #expect(result.diagnostics.contains { $0.message.text.contains("databases") }, "\(result.diagnostics)")
        #expect(result.diagnostics.contains { $0.message.text.contains("US_EAST") }, "\(result.diagnostics)")
    }
}
