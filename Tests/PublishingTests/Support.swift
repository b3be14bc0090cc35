import AppModel
import AppState
import Foundation
import Publishing
import Testing
import YAMLSource

/// An app on disk: a temporary folder with `apphost.yaml` and the project folders it names.
struct SampleApp {
    var directory: String
    var manifest: Manifest

    /// The shop used by most publishing tests: every resource type, a secret parameter, a plain
    /// one whose value YAML 1.1 would read as `false`, python/node/.NET projects, a replicated
    /// executable, containers with volumes and bind mounts, an external service.
    static let shopYAML = """
        name: shop
        resources:
          cache:
            type: redis
          pgpassword:
            type: parameter
            secret: true
            generate: { length: 24 }
          pg:
            type: postgres
            password: "{pgpassword.value}"
            databases: [catalogdb]
          region:
            type: parameter
            default: "no"
          apiservice:
            type: project
            path: ./api
            references: [catalogdb, legacydb, docs]
            waitFor: [catalogdb]
            healthCheck: { http: /health }
            env:
              REGION: "{region.value}"
              PRICE: "cost: $$5"
          webfrontend:
            type: project
            path: ./web
            references: [cache, apiservice]
            waitFor: [cache, apiservice]
            external: true
          legacy:
            type: project
            path: ./Legacy
          migrate:
            type: container
            image: docker.io/library/busybox:1.36
            args: [sh, -c, "echo migrated"]
          worker:
            type: executable
            command: python3
            args: [worker.py, "--redis={cache.connectionString}"]
            workingDir: ./worker
            restart: { policy: on-failure, maxRestarts: 5 }
            replicas: 2
            waitForCompletion: [migrate]
          proxy:
            type: container
            image: docker.io/library/nginx:1.27
            endpoints:
              http: { targetPort: 80, port: 8080, external: true }
            bindMounts: [{ source: ./nginx, target: /etc/nginx/conf.d, readOnly: true }]
            volumes: [{ name: nginx-cache, target: /var/cache/nginx }]
            waitFor: [legacy]
            env:
              API_URL: "{apiservice.endpoints.http.url}"
          legacydb:
            type: connectionString
          docs:
            type: external
            url: https://docs.example.com
        """

    static let shopFiles = [
        "api/app.py": "print('api')\n",
        "api/requirements.txt": "flask\n",
        "web/package.json": "{\"name\": \"web\", \"scripts\": {\"start\": \"node server.js\"}}\n",
        "web/server.js": "\n",
        "Legacy/Legacy.csproj": "<Project Sdk=\"Microsoft.NET.Sdk.Web\"></Project>\n",
        "worker/worker.py": "print('worker')\n",
        "nginx/default.conf": "server {}\n",
    ]

    /// Writes `yaml` and `files` into a fresh folder and loads it; the manifest must be valid.
    static func make(_ yaml: String = shopYAML, files: [String: String] = shopFiles) throws -> SampleApp {
        let directory = try temporaryDirectory("app")
        for (name, contents) in files {
            let path = (directory as NSString).appendingPathComponent(name)
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try contents.write(toFile: path, atomically: true, encoding: .utf8)
        }
        let file = (directory as NSString).appendingPathComponent("apphost.yaml")
        try yaml.write(toFile: file, atomically: true, encoding: .utf8)
        let result = try ManifestLoader(environment: [:]).load(file)
        #expect(!result.hasErrors, "\(result.diagnostics.map { "\($0.location.map(String.init(describing:)) ?? ""): \($0.message.text)" })")
        return SampleApp(directory: directory, manifest: try #require(result.manifest))
    }

    /// Publishes into a fresh folder next to the app (`out/<target>`).
    func publish(_ target: PublishTarget, environment: [String: String] = [:], into output: String? = nil) throws -> (PublishReport, String) {
        let output = output ?? (directory as NSString).appendingPathComponent("out/\(target.rawValue)")
        let report = try Publisher.publish(manifest, options: PublishOptions(target: target, outputDirectory: output, environment: environment))
        return (report, output)
    }
}

/// A fresh temporary folder.
func temporaryDirectory(_ prefix: String) throws -> String {
    let path = NSTemporaryDirectory() + "aspire-publish-\(prefix)-\(UUID().uuidString.prefix(8))"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
}

/// The JSON Schemas the tests check against, committed under AppModelTests' fixtures
/// (PublishingTests declares no resources of its own).
enum Schemas {
    static var directory: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("AppModelTests/Fixtures/aspire-manifest").path
    }

    static var aspire: String { directory + "/aspire-8.0.schema.json" }
    static var compose: String { directory + "/compose-spec.schema.json" }
}

/// Runs python3 and other tools the checks need.
enum Tool {
    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `executable` (looked up on PATH) with `arguments`.
    static func run(_ executable: String, _ arguments: [String]) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [executable] + arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
    }

    /// `python3 -c script arguments...`.
    static func python(_ script: String, _ arguments: [String]) throws -> Output {
        try run("python3", ["-c", script] + arguments)
    }

    /// True when python3 can import every module (the Makefile's `deps` installs jsonschema and PyYAML).
    static func hasPython(_ modules: String...) -> Bool {
        (try? python("import " + modules.joined(separator: ", "), []).status) == 0
    }

    static func has(_ executable: String) -> Bool {
        (try? run("sh", ["-c", "command -v \(executable)"]).status) == 0
    }
}

/// Reading our own YAML output back through the YAML shim.
extension YAMLNode {
    /// The node at a path of mapping keys.
    func at(_ keys: String...) -> YAMLNode? {
        var node: YAMLNode? = self
        for key in keys { node = node?[key] }
        return node
    }
}

extension PublishReport {
    /// The contents of `path`, or a recorded issue.
    func text(_ path: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> String {
        try #require(self[path], "no \(path) in \(files.map(\.path))", sourceLocation: sourceLocation).contents
    }
}
