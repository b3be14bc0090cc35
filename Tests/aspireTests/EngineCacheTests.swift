import Foundation
import Testing

/// `.aspire/engine.json`: `aspire env` asks the container engine once, then answers from the
/// cache until the engine's binary (or its config) changes; `up` always asks and rewrites it.
@Suite struct EngineCacheTests {
    static let manifest = """
        resources:
          cache:
            type: redis
          web:
            type: executable
            command: sleep
            references: [cache]
        """

    /// A fake `podman` on PATH that answers `version` and says no image is present, logging each call.
    static func fakeEngine(in folder: String, log: String, version: String = "4.3.1") throws -> String {
        let bin = folder + "/fake-bin"
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        let script = """
            #!/bin/sh
            echo "$*" >> '\(log)'
            case "$1" in version) echo \(version); exit 0;; esac
            exit 1

            """
        try script.write(toFile: bin + "/podman", atomically: true, encoding: .utf8)
        chmod(bin + "/podman", 0o755)
        return bin
    }

    /// Modification times of the engines' image-store indexes, which the cache key includes.
    static func imageStoreStamps() -> [String: Date] {
        let files = [
            "/var/lib/containers/storage/overlay-images/images.json", "/var/lib/docker/image/overlay2/repositories.json",
            "/var/lib/docker/image/vfs/repositories.json",
        ]
        var stamps: [String: Date] = [:]
        for file in files {
            stamps[file] = (try? FileManager.default.attributesOfItem(atPath: file))?[.modificationDate] as? Date
        }
        return stamps
    }

    @Test("env asks the engine on the first run only; changing the engine's binary asks again")
    func envCachesTheEngineAnswer() throws {
        let path = try CLI.writeManifest(Self.manifest)
        let folder = (path as NSString).deletingLastPathComponent
        let log = folder + "/podman-calls.log"
        let bin = try Self.fakeEngine(in: folder, log: log)
        let environment = ["PATH": bin + ":/usr/bin:/bin", "ASPIRE_CONTAINER_RUNTIME": ""]
        func calls() -> [String] { ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init) }

        let first = try CLI.run(["env", "cache", "-f", path], environment: environment)
        #expect(first.status == 0, "\(first.stderr)")
        let asked = calls()
        #expect(asked.contains { $0.hasPrefix("version") } && asked.contains { $0.hasPrefix("image") }, "\(asked)")
        #expect(FileManager.default.fileExists(atPath: folder + "/.aspire/engine.json"))

        // The image stores' index files are part of the key (an image pulled or removed changes
        // the answer); container tests running beside this one may change them between the two
        // runs, so the "asked only once" check holds for a pair during which they did not.
        var quiet = false
        for _ in 0..<5 where !quiet {
            let before = Self.imageStoreStamps()
            let warm = calls()
            let second = try CLI.run(["env", "cache", "-f", path], environment: environment)
            #expect(second.status == 0, "\(second.stderr)")
            #expect(second.stdout == first.stdout)
            guard Self.imageStoreStamps() == before else { continue }
            quiet = true
            #expect(calls() == warm, "the second env asked the engine again: \(calls())")
        }
        #expect(quiet, "the image stores changed during every attempt")

        // A new engine binary (an upgrade): a different size and modification time.
        let beforeUpgrade = calls().count
        _ = try Self.fakeEngine(in: folder, log: log, version: "5.0.0-upgraded")
        let third = try CLI.run(["env", "cache", "-f", path], environment: environment)
        #expect(third.status == 0, "\(third.stderr)")
        #expect(calls().count > beforeUpgrade, "a changed engine binary is asked again: \(calls())")

        // Only touched (same bytes, new modification time): asked again too.
        let count = calls().count
        #expect(utimes(bin + "/podman", nil) == 0)
        _ = try CLI.run(["env", "cache", "-f", path], environment: environment)
        #expect(calls().count > count, "a touched engine binary is asked again: \(calls())")
    }

    @Test("up asks the engine even with a warm cache, and rewrites it")
    func upRefreshes() throws {
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/redis-server"), "redis-server is not installed")
        let path = try CLI.writeManifest(Self.manifest)
        let folder = (path as NSString).deletingLastPathComponent
        let log = folder + "/podman-calls.log"
        let bin = try Self.fakeEngine(in: folder, log: log)
        let environment = ["PATH": bin + ":/usr/bin:/bin", "ASPIRE_CONTAINER_RUNTIME": ""]
        func calls() -> [String] { ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init) }

        _ = try CLI.run(["env", "cache", "-f", path], environment: environment)
        let warm = calls().count
        // The fake engine has no image and cannot pull, so redis runs natively.
        let up = try UpTests.Running(["-f", path, "cache"], environment: environment)
        #expect(UpTests.eventually(timeout: 30) { up.output.contains("cache: running") || up.output.contains("cache: healthy") }, "\(up.output)")
        kill(up.process.processIdentifier, SIGTERM)
        #expect(up.wait(timeout: 30) == 0, "\(up.output)")
        let during = calls().dropFirst(warm)
        #expect(during.contains { $0.hasPrefix("version") } && during.contains { $0.hasPrefix("image") }, "up trusted the cache: \(during)")
        let cache = (try? String(contentsOfFile: folder + "/.aspire/engine.json", encoding: .utf8)) ?? ""
        #expect(cache.contains("\"lastUp\" : \"podman:\(bin)/podman\""), "\(cache)")
    }

    @Test("a changed engine config (CONTAINERS_CONF) invalidates the cached answer")
    func configInvalidates() throws {
        let path = try CLI.writeManifest(Self.manifest)
        let folder = (path as NSString).deletingLastPathComponent
        let log = folder + "/podman-calls.log"
        let bin = try Self.fakeEngine(in: folder, log: log)
        let conf = folder + "/containers.conf"
        try "[engine]\n".write(toFile: conf, atomically: true, encoding: .utf8)
        let environment = ["PATH": bin + ":/usr/bin:/bin", "ASPIRE_CONTAINER_RUNTIME": "", "CONTAINERS_CONF": conf]
        func calls() -> Int { ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").count }

        _ = try CLI.run(["env", "cache", "-f", path], environment: environment)
        let asked = calls()
        _ = try CLI.run(["env", "cache", "-f", path], environment: environment)
        #expect(calls() == asked)
        try "[engine]\nruntime = \"runc\"\n".write(toFile: conf, atomically: true, encoding: .utf8)
        _ = try CLI.run(["env", "cache", "-f", path], environment: environment)
        #expect(calls() > asked, "a changed containers.conf asks the engine again")
    }
}
