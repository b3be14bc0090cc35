import Foundation
import Testing

/// `type: aws` run natively for real: moto's server, a bucket, a queue and a table created by
/// their jobs once it answers, and a boto3 client that reaches all three through the injected
/// variables only. What the client wrote is still there on a second run (moto's recording,
/// replayed at start), and gone after `down --volumes`, the children then created afresh.
@Suite(.serialized) struct AWSIntegrationTests {
    /// Writes an object, a message and an item when the bucket is empty (and consumes another
    /// message: received, then deleted), then reads all three back, the queue's every message
    /// (received with no visibility timeout, so they stay for the next run).
    static let client = """
        import os, boto3
        assert os.environ["AWS_ENDPOINT_URL"].startswith("http://localhost:")
        s3, sqs, dynamodb = boto3.client("s3"), boto3.client("sqs"), boto3.client("dynamodb")
        bucket, queue, table = os.environ["UPLOADS_BUCKET_NAME"], os.environ["JOBS_QUEUE_URL"], os.environ["ORDERS_TABLE_NAME"]
        before = s3.list_objects_v2(Bucket=bucket).get("KeyCount", 0)
        if before == 0:
            s3.put_object(Bucket=bucket, Key="hello.txt", Body=b"hello s3")
            sqs.send_message(QueueUrl=queue, MessageBody="consumed sqs")
            consumed = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=1)["Messages"][0]
            sqs.delete_message(QueueUrl=queue, ReceiptHandle=consumed["ReceiptHandle"])
            sqs.send_message(QueueUrl=queue, MessageBody="hello sqs")
            dynamodb.put_item(TableName=table, Item={"id": {"S": "1"}, "text": {"S": "hello dynamodb"}})
            print("wrote all three")
        print("read", s3.get_object(Bucket=bucket, Key="hello.txt")["Body"].read().decode(),
              "|", ",".join(sorted(m["Body"] for m in sqs.receive_message(
                  QueueUrl=queue, WaitTimeSeconds=1, VisibilityTimeout=0, MaxNumberOfMessages=10)["Messages"])),
              "|", dynamodb.get_item(TableName=table, Key={"id": {"S": "1"}})["Item"]["text"]["S"],
              "| objects before", before, "| region", os.environ["AWS_REGION"])
        counts = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["All"])["Attributes"]
        print("messages in queue", sum(int(counts[k]) for k in counts if k.startswith("ApproximateNumberOfMessages")))
        """

    @Test("aws natively (moto): children created at start, boto3 data kept across runs through the injected variables, gone after down --volumes")
    func awsNative() throws {
        let python = ["/usr/local/bin", "/usr/bin", NSHomeDirectory() + "/.pyenv/shims"].map { $0 + "/moto_server" }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let onPath = path.split(separator: ":").contains { FileManager.default.isExecutableFile(atPath: "\($0)/moto_server") }
        try #require(onPath || python.contains { FileManager.default.isExecutableFile(atPath: $0) }, "moto_server is not installed (make deps installs it)")
        let manifest = try CLI.writeManifest(
            """
            name: awstest
            resources:
              cloud:
                type: aws
                runtime: native
                region: eu-west-1
                buckets: [uploads]
                queues: { jobs: jobs-queue }
                tables: [orders]
              client:
                type: executable
                command: python3
                args: ["client.py"]
                references: [cloud, uploads, jobs, orders]
                waitFor: [uploads, jobs, orders]
            """,
            files: ["client.py": Self.client])
        let directory = (manifest as NSString).deletingLastPathComponent
        defer { _ = try? CLI.run(["down", "-f", manifest, "--volumes"]) }
        // Run 1 writes; run 2 reads the same data back; run 3, after `down --volumes`, starts empty.
        for run in 1...3 {
            if run == 3 {
                _ = try CLI.run(["down", "-f", manifest, "--volumes"])
                #expect(!FileManager.default.fileExists(atPath: directory + "/.aspire/data/cloud"))
            }
            let up = try UpTests.Running(["-f", manifest])
            #expect(UpTests.eventually(timeout: 120) { up.output.contains("client: exited") }, "\(up.output)")
            // As root, moto runs as nobody; its children show what they are.
            ServerAccountTests.expectUnprivileged(manifest, "cloud", account: "nobody")
            let types = ControlTests.resources(manifest).mapValues { $0["type"] as? String ?? "" }
            #expect(types["uploads"] == "aws bucket" && types["jobs"] == "aws queue" && types["orders"] == "aws table", "\(types)")
            kill(up.process.processIdentifier, SIGTERM)
            #expect(up.wait(timeout: 30) == 0, "\(up.output)")
            _ = try CLI.run(["down", "-f", manifest])
            let output = up.output
            let kept = run == 2
            #expect(output.contains("client  | read hello s3 | hello sqs | hello dynamodb | objects before \(kept ? 1 : 0) | region eu-west-1"), "run \(run): \(output)")
            #expect(output.contains("client  | wrote all three") != kept, "run \(run): \(output)")
            // The consumed message stays deleted (a replayed DeleteMessage finds it by its handle).
            #expect(output.contains("client  | messages in queue 1"), "run \(run): \(output)")
            #expect(output.contains(kept ? "uploads | bucket uploads exists" : "uploads | created bucket uploads"), "run \(run): \(output)")
            #expect(output.contains(kept ? "orders  | table orders exists" : "orders  | created table orders"), "run \(run): \(output)")
            #expect(output.contains("jobs    | queue http://127.0.0.1:"), "run \(run): \(output)")
            #expect(output.contains("cloud   | restored ") == kept, "run \(run): \(output)")
            let recording = directory + "/.aspire/data/cloud/recording.jsonl"
            var info = stat()
            #expect(stat(recording, &info) == 0, "run \(run)")
            // As root moto (nobody) wrote it, in a folder handed to that account.
            if getuid() == 0 { #expect(info.st_uid == getpwnam("nobody")?.pointee.pw_uid, "run \(run)") }
        }
        let env = try CLI.run(["env", "client", "-f", manifest])
        #expect(env.stdout.contains("AWS_SECRET_ACCESS_KEY='***'"), "\(env.stdout)")
        #expect(env.stdout.contains("JOBS_QUEUE_URL=http://localhost:"), "\(env.stdout)")
        _ = try CLI.run(["down", "-f", manifest, "--volumes"])
        #expect(!FileManager.default.fileExists(atPath: directory + "/.aspire/data/cloud"))
    }

    @Test("a bucket name S3 would reject is an error at its line, naming the rule")
    func badBucketName() throws {
        let path = try CLI.writeManifest("name: badaws\nresources:\n  cloud:\n    type: aws\n    buckets: {logs: Logs_2026}\n")
        let validate = try CLI.run(["validate", "-f", path])
        #expect(validate.status != 0)
        #expect(validate.stderr.contains("apphost.yaml:5:"), "\(validate.stderr)")
        #expect(validate.stderr.contains("bucket name 'Logs_2026' is not one AWS takes: S3 bucket names are 3-63 characters"), "\(validate.stderr)")
        #expect(validate.stderr.contains("buckets: {logs: logs-2026}"), "\(validate.stderr)")
    }
}
