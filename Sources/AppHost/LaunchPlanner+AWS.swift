import AppModel
import AppState
import Foundation
import Supervisor

extension LaunchPlanner {
    /// A bucket, queue or table of an aws server: a one-shot job, once moto answers, that creates
    /// it unless it exists (boto3, with the same variables a client gets), like a postgres
    /// database's job. Natively it runs the Python moto_server runs on; in a container, the
    /// image's own Python (`podman exec`), the secret key passed by name, never in argv.
    func awsChildJob(_ resource: Resource, server: String, resolver: EnvironmentResolver) -> Result<ServiceSpec, Problem> {
        let name = resource.name
        func fail(_ message: String) -> Result<ServiceSpec, Problem> { .failure(Problem(resource: name, message: message)) }
        guard case .postgresDatabase(_, let actualName) = resource.kind, let group = manifest.childGroup(of: resource),
            case .wellKnown(_, let settings)? = manifest[server]?.kind
        else { return fail("not a child of an aws server") }
        let port: Int
        let secretKey: String
        switch serverAddress(server, resolver: resolver, for: name) {
        case .success(let address): (port, secretKey) = address
        case .failure(let problem): return .failure(problem)
        }
        let region = WellKnownType.region(of: settings)
        var environment = hostEnvironment
        // The host's own AWS settings must not steer the job elsewhere (a missing profile fails boto3).
        for key in ["AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"] {
            environment[key] = nil
        }
        environment["AWS_REGION"] = region
        environment["AWS_DEFAULT_REGION"] = region
        environment["AWS_ACCESS_KEY_ID"] = WellKnownType.awsAccessKeyID
        environment["AWS_SECRET_ACCESS_KEY"] = secretKey
        let executable: String
        let arguments: [String]
        if containers.wellKnownInContainers.contains(server) {
            let runtime: ContainerRuntime
            switch engine(for: name) {
            case .success(let value): runtime = value
            case .failure(let problem): return .failure(problem)
            }
            executable = runtime.executable
            let names = ["AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"].flatMap { ["-e", $0] }
            arguments =
                ["exec"] + names + ["-e", "AWS_ENDPOINT_URL=http://127.0.0.1:\(WellKnownType.aws.targetPort)", containers.containerName(server), "python3"]
                + ["-c", Self.awsCreateScript, group.key, actualName]
        } else {
            environment["AWS_ENDPOINT_URL"] = "http://127.0.0.1:\(port)"
            guard let python = Self.motoPython(path: hostEnvironment["PATH"]) else {
                return fail("python3 was not found on PATH; it creates the \(group.what) with boto3 (\(WellKnownType.aws.installHint))")
            }
            executable = python
            arguments = ["-c", Self.awsCreateScript, group.key, actualName]
        }
        var spec = ServiceSpec(
            name: name, replicas: [ReplicaSpec(environment: environment)], executable: executable, arguments: arguments,
            workingDirectory: "/", waitFor: [server], secrets: [secretKey])
        spec.partOf = server
        return .success(spec)
    }

    /// The Python that runs `moto_server` (its `#!` line: boto3 is installed beside moto), else
    /// `python3` on PATH.
    static func motoPython(path: String?) -> String? {
        if let server = ExecutableLookup.find(WellKnownType.aws.nativeProgram, path: path),
            let handle = FileHandle(forReadingAtPath: server)
        {
            defer { try? handle.close() }
            let head = String(decoding: (try? handle.read(upToCount: 256)) ?? Data(), as: UTF8.self)
            if head.hasPrefix("#!/"), let line = head.dropFirst(2).split(separator: "\n").first {
                let interpreter = String(line.split(separator: " ").first ?? "")
                if interpreter.contains("python"), FileManager.default.isExecutableFile(atPath: interpreter) { return interpreter }
            }
        }
        return ExecutableLookup.find("python3", path: path)
    }

    /// Creates `argv[2]` in group `argv[1]` unless it exists, saying which it did. A table gets a
    /// string partition key `id` and on-demand billing (docs/manifest.md#aws).
    static let awsCreateScript = """
        import os, sys
        import boto3
        group, name = sys.argv[1], sys.argv[2]
        region = os.environ["AWS_REGION"]
        if group == "buckets":
            s3 = boto3.client("s3")
            if name in [b["Name"] for b in s3.list_buckets().get("Buckets", [])]:
                print(f"bucket {name} exists")
            else:
                extra = {} if region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": region}}
                s3.create_bucket(Bucket=name, **extra)
                print(f"created bucket {name}")
        elif group == "queues":
            attributes = {"FifoQueue": "true"} if name.endswith(".fifo") else {}
            url = boto3.client("sqs").create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
            print(f"queue {url}")
        elif group == "tables":
            dynamodb = boto3.client("dynamodb")
            if name in dynamodb.list_tables().get("TableNames", []):
                print(f"table {name} exists")
            else:
                dynamodb.create_table(
                    TableName=name, BillingMode="PAY_PER_REQUEST",
                    KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                    AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}])
                print(f"created table {name}")
        """
}
