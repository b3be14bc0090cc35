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
        var user: ProcessUser?
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
            if getuid() == 0 {
                // As root, the same Python and account as the server (a problem there is the server's).
                guard case .success(let moto) = motoAsRoot(server) else { return fail("its aws server '\(server)' cannot run") }
                executable = moto.python
                user = moto.user
            } else {
                guard let python = Self.motoPython(path: hostEnvironment["PATH"]) else {
                    return fail("python3 was not found on PATH; it creates the \(group.what) with boto3 (\(WellKnownType.aws.installHint))")
                }
                executable = python
            }
            arguments = ["-c", Self.awsCreateScript, group.key, actualName]
        }
        var spec = ServiceSpec(
            name: name, replicas: [ReplicaSpec(environment: environment)], executable: executable, arguments: arguments,
            workingDirectory: "/", waitFor: [server], secrets: [secretKey])
        spec.partOf = server
        spec.user = user
        return .success(spec)
    }

    /// moto natively, through ``MotoLauncher`` (its state recorded in `.aspire/data/NAME` and
    /// replayed at start). As root it runs as `nobody` on a Python that account can reach and
    /// that has moto, the data folder then `nobody`'s; otherwise on moto_server's own Python.
    func awsNativeCommand(
        _ resource: Resource, _ type: WellKnownType, _ wellKnown: WellKnown, extraArguments: [String], resolver: EnvironmentResolver
    ) -> Result<Command, Problem> {
        let name = resource.name
        let python: String
        var user: ProcessUser?
        if getuid() == 0 {
            switch motoAsRoot(name) {
            case .success(let found): (python, user) = (found.python, found.user)
            case .failure(let problem): return .failure(problem)
            }
        } else {
            let path = hostEnvironment["PATH"]
            guard ExecutableLookup.find(type.nativeProgram, path: path) != nil, let found = Self.motoPython(path: path) else {
                return .failure(Self.notInstalled(type, resource: name))
            }
            python = found
        }
        let port: Int
        do {
            port = try resolver.hostPort(of: EndpointID(name, "tcp"))
        } catch {
            return .failure(Problem(resource: name, message: error.message))
        }
        // The folder `down --volumes` removes; as root `nobody`'s (outside `.aspire` when that
        // account cannot reach it), what a run before this one left there handed over too.
        let data: String
        switch dataHome(name, for: user) {
        case .success(let home): data = home
        case .failure(let problem): return .failure(problem)
        }
        let values = ["{bind}": bindsBeyondLoopback(resource) ? "0.0.0.0" : "127.0.0.1", "{port}": String(port)]
        var command = Command(
            executable: python, arguments: MotoLauncher.arguments(server: type.nativeArguments.map { WellKnownType.fill($0, values) } + extraArguments),
            workingDirectory: "/", environment: MotoLauncher.environment(data: data), listensOnHostPort: true,
            defaultHealthCheck: Self.greetingHealthCheck(type))
        command.user = user
        return .success(command)
    }

    /// The Python and account moto runs on when aspire is root, or the one-line problem naming
    /// each Python tried and the two ways out.
    func motoAsRoot(_ name: String) -> Result<(python: String, user: ProcessUser), Problem> {
        guard let entry = getpwnam(Self.motoAccount) else {
            return .failure(Problem(resource: name, message: "aspire runs as root and there is no '\(Self.motoAccount)' user to run moto as; run aspire as a non-root user"))
        }
        let user = ProcessUser(uid: entry.pointee.pw_uid, gid: entry.pointee.pw_gid)
        switch MotoPython.find(motoServer: ExecutableLookup.find(WellKnownType.aws.nativeProgram, path: hostEnvironment["PATH"]), for: user) {
        case .success(let python): return .success((python, user))
        case .failure(let unusable):
            return .failure(Problem(
                resource: name,
                message: "aspire runs as root and runs moto as '\(Self.motoAccount)', which has no Python with moto it can reach: "
                    + unusable.reasons.joined(separator: "; ")
                    + "; install it for \(MotoPython.system) (\(MotoPython.system) -m pip install --break-system-packages 'moto[server]' boto3) or run aspire as a non-root user"))
        }
    }

    /// The account moto runs as when aspire is root.
    static let motoAccount = "nobody"

    /// The Python that runs `moto_server` (its `#!` line: boto3 is installed beside moto), else
    /// `python3` on PATH.
    static func motoPython(path: String?) -> String? {
        if let server = ExecutableLookup.find(WellKnownType.aws.nativeProgram, path: path),
            let interpreter = MotoPython.interpreter(of: server), FileManager.default.isExecutableFile(atPath: interpreter)
        {
            return interpreter
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
