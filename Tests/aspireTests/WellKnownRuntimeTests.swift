import Foundation
import Testing

/// `runtime: auto | container | native` of well-known servers: the fallback to native, the
/// errors naming both ways out, and memcached (the template-made type) run for real.
@Suite(.serialized) struct WellKnownRuntimeTests {
    @Test("auto: an image that cannot be pulled falls back to redis-server, saying so in one line")
    func autoFallsBack() throws {
        let path = try CLI.writeManifest("""
            name: fallback
            resources:
              cache:
                type: redis
                image: nosuch.invalid/redis
              client:
                type: executable
                command: sh
                args: ["-c", "redis-cli -h $$CACHE_HOST -p $$CACHE_PORT -a \\"$$CACHE_PASSWORD\\" --no-auth-warning PING"]
                references: [cache]
                waitFor: [cache]
            """)
        defer { _ = try? CLI.run(["down", "-f", path, "--volumes"]) }
        let up = try UpTests.Running(["-f", path])
        #expect(UpTests.eventually(timeout: 30) { up.output.contains("client: exited") }, "\(up.output)")
        let notes = up.output.split(separator: "\n").filter { $0.hasPrefix("aspire: cache:") && $0.contains("natively") }
        #expect(notes.count == 1 && notes[0].contains("running redis-server natively"), "\(up.output)")
        #expect(up.output.contains("client | PONG"), "\(up.output)")
        kill(up.process.processIdentifier, SIGTERM)
        #expect(up.wait(timeout: 30) == 0, "\(up.output)")
    }

    @Test("runtime: container without an engine is one error naming both ways out")
    func containerWithoutEngine() throws {
        let path = try CLI.writeManifest("name: noengine\nresources:\n  mc: { type: memcached, runtime: container }\n")
        let up = try CLI.run(["up", "-f", path], environment: ["ASPIRE_CONTAINER_RUNTIME": "/nonexistent/podman"])
        #expect(up.status == 1)
        #expect(up.stderr.contains("error: mc: runtime: container, but no container engine can be used"), "\(up.stderr)")
        #expect(up.stderr.contains("install podman (or docker), or set runtime: native (Debian: apt-get install memcached)"), "\(up.stderr)")
    }

    @Test("auto with neither an engine nor the server binary is one error naming both ways out")
    func neitherWay() throws {
        let path = try CLI.writeManifest("name: neither\nresources:\n  mc: { type: memcached }\n")
        let up = try CLI.run(["up", "-f", path], environment: ["ASPIRE_CONTAINER_RUNTIME": "/nonexistent/podman", "PATH": "/nonexistent"])
        #expect(up.status == 1)
        #expect(up.stderr.contains("error: mc: no container engine ("), "\(up.stderr)")
        #expect(up.stderr.contains("and memcached is not installed; install podman or docker, or install the server (Debian: apt-get install memcached)"), "\(up.stderr)")
    }

    @Test("runtime: native with the server missing says how to install it or use a container")
    func nativeMissing() throws {
        let path = try CLI.writeManifest("name: nobinary\nresources:\n  mc: { type: memcached, runtime: native }\n")
        let up = try CLI.run(["up", "-f", path], environment: ["PATH": "/nonexistent"])
        #expect(up.status == 1)
        #expect(up.stderr.contains("error: mc: memcached was not found on PATH; install it (Debian: apt-get install memcached) or run memcached in a container"), "\(up.stderr)")
    }

    @Test("memcached natively: the template's command, port and connection string, used by a client")
    func memcachedNative() throws {
        let memcached = ["/usr/bin/memcached", "/usr/local/bin/memcached"].contains(where: FileManager.default.isExecutableFile)
        try #require(memcached, "memcached is not installed (make deps installs it)")
        let path = try CLI.writeManifest(
            """
            name: mctest
            resources:
              mc:
                type: memcached
                runtime: native
              client:
                type: executable
                command: python3
                args: ["client.py"]
                references: [mc]
                waitFor: [mc]
            """,
            files: [
                "client.py": """
                import os, socket
                host, port = os.environ["ConnectionStrings__mc"].split(":")
                assert host == os.environ["MC_HOST"] and port == os.environ["MC_PORT"]
                s = socket.create_connection((host, int(port)))
                s.sendall(b"set greeting 0 0 5\\r\\nhello\\r\\nget greeting\\r\\n")
                data = b""
                while not data.endswith(b"END\\r\\n"):
                    data += s.recv(4096)
                print("got", data.split(b"\\r\\n")[2].decode(), os.environ["MC_URI"].split("://")[0])
                """
            ])
        let up = try UpTests.Running(["-f", path])
        #expect(UpTests.eventually(timeout: 30) { up.output.contains("client: exited") }, "\(up.output)")
        #expect(up.output.contains("client | got hello memcached"), "\(up.output)")
        ServerAccountTests.expectUnprivileged(path, "mc", account: "nobody")
        kill(up.process.processIdentifier, SIGTERM)
        #expect(up.wait(timeout: 30) == 0, "\(up.output)")
        let env = try CLI.run(["env", "client", "-f", path])
        #expect(env.stdout.contains("ConnectionStrings__mc=localhost:"), "\(env.stdout)")
        #expect(env.stdout.contains("MC_URI=memcached://localhost:"), "\(env.stdout)")
    }

    @Test("valkey natively through the compatible redis-server: password from a 0600 config file, never in argv")
    func valkeyNative() throws {
        let path = try CLI.writeManifest("""
            name: kvtest
            resources:
              kv:
                type: valkey
                runtime: native
              client:
                type: executable
                command: sh
                args: ["-c", "redis-cli -h $$KV_HOST -p $$KV_PORT -a \\"$$KV_PASSWORD\\" --no-auth-warning INCR runs; echo $$KV_URI | cut -d: -f1"]
                references: [kv]
                waitFor: [kv]
            """)
        let directory = (path as NSString).deletingLastPathComponent
        defer { _ = try? CLI.run(["down", "-f", path, "--volumes"]) }
        for run in 1...2 {
            let up = try UpTests.Running(["-f", path])
            #expect(UpTests.eventually(timeout: 30) { up.output.contains("client: exited") }, "\(up.output)")
            #expect(up.output.contains("client | \(run)"), "run \(run): \(up.output)")
            #expect(up.output.contains("client | valkey"), "\(up.output)")
            ServerAccountTests.expectUnprivileged(path, "kv", account: getpwnam("valkey") == nil ? "redis" : "valkey")
            kill(up.process.processIdentifier, SIGTERM)
            #expect(up.wait(timeout: 30) == 0, "\(up.output)")
        }
        var info = stat()
        #expect(stat(directory + "/.aspire/data/kv/server.conf", &info) == 0 && info.st_mode & 0o777 == 0o600)
        let env = try CLI.run(["env", "client", "-f", path])
        #expect(env.stdout.contains("ConnectionStrings__kv='localhost:"), "\(env.stdout)")
        #expect(env.stdout.contains(",password=***'"), "\(env.stdout)")
    }
}
