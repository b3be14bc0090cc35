import AppHost
import AppModel
import AppState
import Foundation
import Supervisor
import Testing

/// `type: aws` planned without running it: the moto image and its port, the HTTP health check,
/// and each child's creation job (the secret key by name only, never in argv).
@Suite struct AWSArgvTests {
    @Test("aws in a container: motoserver/moto on 5000, S3 ListBuckets as health, jobs through exec")
    func container() throws {
        var bindings = Bindings()
        bindings.hostPorts[EndpointID("cloud", "tcp")] = 14566
        bindings.passwords["cloud"] = "aws-s3cret"
        let plan = try ContainerArgvTests.plan(
            "name: a\nresources:\n  cloud: { type: aws, buckets: [uploads], queues: [jobs] }\n", inContainers: ["cloud"], bindings: bindings)
        let cloud = try #require(plan.services.first { $0.name == "cloud" })
        #expect(cloud.arguments.contains("docker.io/motoserver/moto:5.2.1"))
        #expect(cloud.arguments.contains("127.0.0.1:14566:5000"))
        #expect(cloud.healthCheck?.probe == .http(endpoint: "tcp", path: "/"))
        let job = try #require(plan.services.first { $0.name == "uploads" })
        #expect(job.waitFor == ["cloud"] && job.partOf == "cloud")
        #expect(job.arguments.suffix(2) == ["buckets", "uploads"])
        #expect(job.arguments.contains("AWS_ENDPOINT_URL=http://127.0.0.1:5000"))
        #expect(!job.arguments.joined(separator: " ").contains("aws-s3cret"))
        #expect(job.replicas.first?.environment["AWS_SECRET_ACCESS_KEY"] == "aws-s3cret")
        #expect(job.secrets == ["aws-s3cret"])
    }

    @Test("aws natively: the moto launcher on moto_server's Python, loopback and the allocated port, recording into its data folder (as root, as nobody); its jobs talk to that port")
    func native() throws {
        let directory = NSTemporaryDirectory() + "aspire-aws-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let bin = directory + "/bin"
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        // A stand-in moto_server whose `#!` names the Python its jobs run with.
        try "#!/usr/bin/python3\n".write(toFile: bin + "/moto_server", atomically: true, encoding: .utf8)
        chmod(bin + "/moto_server", 0o755)
        let yaml = "name: a\nresources:\n  cloud: { type: aws, runtime: native, tables: [orders] }\n"
        let loaded = ManifestLoader(environment: [:]).load(bytes: Array(yaml.utf8), file: directory + "/apphost.yaml", directory: directory)
        let manifest = try #require(loaded.manifest)
        var bindings = Bindings()
        bindings.hostPorts[EndpointID("cloud", "tcp")] = 14567
        bindings.passwords["cloud"] = "k"
        let planner = LaunchPlanner(
            manifest: manifest, bindings: bindings, folder: StateFolder(manifestDirectory: directory), hostEnvironment: ["PATH": bin + ":/usr/bin:/bin"],
            containers: ContainerChoice(manifest: manifest, assuming: nil))
        let (plan, problems) = planner.plan()
        #expect(problems.isEmpty, "\(problems)")
        let cloud = try #require(plan.services.first { $0.name == "cloud" })
        let job = try #require(plan.services.first { $0.name == "orders" })
        // moto_server's own Python runs the launcher with moto_server's arguments, recording into the data folder.
        #expect(cloud.executable == "/usr/bin/python3")
        #expect(cloud.arguments == MotoLauncher.arguments(server: ["-H", "127.0.0.1", "-p", "14567"]))
        #expect(cloud.arguments.prefix(2) == ["-c", MotoLauncher.script])
        let environment = try #require(cloud.replicas.first?.environment)
        let recording = try #require(environment["MOTO_RECORDER_FILEPATH"])
        #expect(recording.hasSuffix("/cloud/" + MotoLauncher.recordingFile), "\(recording)")
        #expect(environment["MOTO_ENABLE_RECORDING"] == "True")
        // Planning creates nothing; `up` makes the folder (as root, nobody's: ServerAccountTests, AWSIntegrationTests).
        let data = (recording as NSString).deletingLastPathComponent
        let inside = directory + "/.aspire/data/cloud"
        if getuid() == 0 {
            // As root: the stand-in's Python (which has moto here: make deps), as nobody, server and
            // job alike; the folder is `.aspire/data/cloud`, or outside it when nobody cannot reach it.
            let nobody = getpwnam("nobody").map { $0.pointee.pw_uid }
            #expect(cloud.user?.uid == nobody && job.user?.uid == nobody)
            let outside = PostgresDataFolder.outsideFolder(of: StateFolder(manifestDirectory: directory)) + "/cloud"
            #expect(data == inside || data == outside, "\(data)")
        } else {
            #expect(data == inside)
            #expect(cloud.user == nil && job.user == nil)
        }
        #expect(job.executable == "/usr/bin/python3")
        #expect(job.replicas.first?.environment["AWS_ENDPOINT_URL"] == "http://127.0.0.1:14567")
        #expect(job.arguments.suffix(2) == ["tables", "orders"])
    }
}
