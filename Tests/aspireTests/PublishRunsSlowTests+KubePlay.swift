import Foundation
import Testing

/// Slow: the starter published with `--target kubernetes --kube-play --build` runs under
/// `podman kube play` on one network (pods find each other by name through podman's DNS); the
/// frontend answers on its `hostPort` with the forecast and the Redis counter; `podman kube down`
/// and removing the claim's volume leave nothing. Skipped, with the reason printed, when podman,
/// its pause image's catatonit, its DNS plugin or the base images are missing.
extension SlowEndToEnd.PublishRunsSlowTests {
    @Test("the starter published with --kube-play runs under podman kube play; kube down leaves nothing")
    func kubePlayRuns() throws {
        if let reason = Self.kubePlaySkipReason() {
            FileHandle.standardError.write(Data("PublishRunsSlowTests: podman kube play skipped: \(reason)\n".utf8))
            return
        }
        let folder = NSTemporaryDirectory() + "aspire-kube-play-\(UUID().uuidString.prefix(8))"
        try FileManager.default.copyItem(atPath: CLI.packageRoot + "/manifests/starter", toPath: folder + "/app")
        try? FileManager.default.removeItem(atPath: folder + "/app/.aspire")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // A name of its own (images, volume, network) and a free host port instead of 8080.
        let app = "kp\(UUID().uuidString.prefix(6).lowercased())"
        let port = Self.freePort()
        let manifest = folder + "/app/apphost.yaml"
        let text = try String(contentsOfFile: manifest, encoding: .utf8)
        try text.replacingOccurrences(of: "\nname: starter\n", with: "\nname: \(app)\n")
            .replacingOccurrences(of: "    external: true ", with: "    endpoints: { http: { port: \(port) } }\n    external: true ")
            .write(toFile: manifest, atomically: true, encoding: .utf8)

        let output = folder + "/out"
        let publish = try CLI.run(
            [
                "publish", "--target", "kubernetes", "--kube-play", "-o", output, "-f", manifest, "--build",
                "--base-image", "python=localhost/aspire-base-python:test", "--base-image", "redis=localhost/aspire-base-redis:test",
                "--base-image", "busybox=\(Self.busybox)",
            ], environment: ["ASPIRE_CONTAINER_RUNTIME": "podman"])
        #expect(publish.status == 0, "\(publish.stderr)")
        #expect(publish.stdout.contains("wrote \(output)/kube-play.yaml (0600)"))
        let file = output + "/kube-play.yaml"
        let network = "\(app)-net"
        defer {
            _ = Self.sh("timeout 120 podman kube down \(file); podman volume rm -f \(app)-cache-data; podman network rm -f \(network)")
            _ = Self.sh("podman rmi -f \(app)-apiservice:latest \(app)-webfrontend:latest")
        }
        #expect(Self.sh("podman network create \(network)").status == 0)
        // kube play waits for each pod's init containers; they give up after 3 minutes. Its output
        // goes to a file: the containers' monitors inherit it and would hold a pipe open.
        let log = folder + "/play.log"
        let play = Self.run("timeout 300 podman kube play --network \(network) \(file)", log: log)
        #expect(play.status == 0, "\(play.output)")

        Self.expectStarterPage(port: port)

        let down = Self.sh("timeout 120 podman kube down \(file)")
        #expect(down.status == 0, "\(down.output)")
        // The claim outlives the pods, as a PersistentVolumeClaim does; removing it is `down -v`.
        #expect(Self.sh("podman volume rm \(app)-cache-data").status == 0)
        #expect(Self.sh("podman network rm \(network)").status == 0)
        let pods = Self.sh("podman pod ps --filter label=app.kubernetes.io/part-of=\(app) --format '{{.Name}}'").output
        let left = Self.leftovers(engine: "podman", matching: app) + pods.split(whereSeparator: \.isNewline).map { "pod: \($0)" }
        #expect(left.isEmpty, "left behind: \(left)")
    }

    /// `sh -c command` with its output in `log`, waited for by the exit line it appends: no pipe a
    /// container's monitor could inherit, and no `waitUntilExit` — after kube play, Foundation
    /// here did not see the shell exit (it stayed a zombie), so the test hung.
    static func run(_ command: String, log: String) -> (status: Int32, output: String) {
        let marker = "aspire-test-exit="
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "(\(command)) >\(log) 2>&1 </dev/null; echo \(marker)$? >>\(log)"]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return (127, "\(error)") }
        var text = ""
        _ = UpTests.eventually(timeout: 330) {
            text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            return text.contains(marker)
        }
        guard let range = text.range(of: marker, options: .backwards) else { return (124, text + "\n(no exit after 330 s)") }
        let status = Int32(text[range.upperBound...].trimmingCharacters(in: .whitespacesAndNewlines)) ?? 1
        return (status, String(text[..<range.lowerBound]))
    }

    /// The busybox image the init containers wait with (ContainerEngine makes it).
    static var busybox: String { ContainerEngine.image }

    /// Why `podman kube play` cannot run the starter here, or nil.
    static func kubePlaySkipReason() -> String? {
        if sh("command -v podman").status != 0 { return "podman is not installed" }
        if sh("podman kube play --help").status != 0 { return "this podman has no `kube play`" }
        if sh("command -v catatonit || test -x /usr/libexec/podman/catatonit").status != 0 {
            return "podman's pause image needs catatonit (Debian: apt-get install catatonit)"
        }
        let backend = sh("podman info --format '{{.Host.NetworkBackend}}'").output.trimmingCharacters(in: .whitespacesAndNewlines)
        if backend == "cni", sh("test -x /usr/lib/cni/dnsname").status != 0 {
            return "pods find each other by name only with the dnsname CNI plugin (Debian: apt-get install golang-github-containernetworking-plugin-dnsname)"
        }
        guard ContainerEngine.all.contains(where: { $0.name == "podman" }) else { return "podman runs no container here (see the container tests' reason)" }
        let images = sh("\(CLI.packageRoot)/bench/make-base-images.sh podman")
        if !images.output.contains("podman: ready") { return "no base images: \(images.output.suffix(300))" }
        return nil
    }
}
