import Foundation
import Testing

/// `type: redis` with `runtime: container` on real engines (podman and docker, each that answers): the argv, config file, volume and
/// health check aspire generates, run against an image that behaves like the official one.
///
/// No registry is reachable on CI, so the test imports its own image under the official
/// repository name with a unique tag: the host's Debian `redis-server`/`redis-cli` and their
/// libraries in `/usr/local/bin`, `WORKDIR /data`, and an entrypoint like the official
/// `docker-entrypoint.sh` (chown of `/data`, then the server as user `redis`, uid 999), so the
/// mounted config file must be readable by that user, as with the real image.
@Suite(.serialized, .enabled(if: ContainerEngine.available, "no container engine can run containers here (reason printed above)"))
struct ContainerRedisTests {
    static let tag = "aspire-test-\(UUID().uuidString.prefix(8).lowercased())"
    static let image = "docker.io/library/redis:\(tag)"

    /// SET then GET through the injected variables, count the runs (persistence), and record
    /// what an unauthenticated client gets.
    static let client = """
        set -e
        export REDISCLI_AUTH="$CACHE_PASSWORD"
        cli() { redis-cli -h "$CACHE_HOST" -p "$CACHE_PORT" "$@"; }
        cli SET greeting "hello from aspire" > /dev/null
        {
          echo "get=$(cli GET greeting)"
          echo "runs=$(cli INCR runs)"
          echo "port=$CACHE_PORT"
          echo "noauth=$(env -u REDISCLI_AUTH redis-cli -h "$CACHE_HOST" -p "$CACHE_PORT" PING 2>&1)"
        } > result.txt

        """

    @Test(
        "redis in a container: a host client sets and gets with the injected password, data persists, down removes container and volume",
        arguments: ContainerEngine.all)
    func redisInContainer(engine: ContainerEngine) throws {
        let redis = ["/usr/bin/redis-server", "/usr/bin/redis-cli"].allSatisfy(FileManager.default.isExecutableFile)
        try #require(redis, "redis-server and redis-cli are not installed (Debian: apt-get install redis-server)")
        if let problem = Self.makeImage(engine) { Issue.record("\(problem)"); return }
        defer { engine.run(["rmi", "-f", Self.image]) }

        let path = try CLI.writeManifest(
            """
            name: ctrredis
            resources:
              cache:
                type: redis
                runtime: container
                tag: \(Self.tag)
              client:
                type: executable
                command: sh
                args: ["client.sh"]
                references: [cache]
                waitFor: [cache]
            """, files: ["client.sh": Self.client])
        let directory = (path as NSString).deletingLastPathComponent
        var appID = ""
        defer {
            _ = try? CLI.run(["down", "-f", path, "--volumes"], environment: engine.environment)
            if !appID.isEmpty { engine.run(["volume", "rm", "-f", "aspire-\(appID)-cache-data"]) }
        }

        for run in 1...2 {
            try? FileManager.default.removeItem(atPath: directory + "/result.txt")
            let up = try UpTests.Running(["-f", path], environment: engine.environment)
            #expect(UpTests.eventually(timeout: 60) { up.output.contains("client: exited") }, "run \(run): \(up.output)")
            #expect(up.output.contains("client: exited with code 0"), "run \(run): \(up.output)")
            #expect(!up.output.contains("pulling"), "the local image is used: \(up.output)")
            let result = Self.parse((try? String(contentsOfFile: directory + "/result.txt", encoding: .utf8)) ?? "")
            #expect(result["get"] == "hello from aspire", "run \(run): \(result) \(up.output)")
            #expect(result["runs"] == String(run), "run \(run): the data persists in the volume: \(result)")
            #expect(result["noauth"]?.contains("NOAUTH") == true, "an unauthenticated PING is refused: \(result)")

            let names = engine.containers(label: "aspire.resource=cache").filter { $0.hasPrefix("aspire-ctrredis-") }
            #expect(names.count == 1, "\(names)")
            // ps names a well-known server's container too.
            let ps = try CLI.run(["ps", "-f", path, "--format", "json"], environment: engine.environment)
            let status = try JSONSerialization.jsonObject(with: Data(ps.stdout.utf8)) as? [String: Any]
            let cache = (status?["resources"] as? [[String: Any]])?.first { $0["name"] as? String == "cache" }
            #expect(cache?["containers"] as? [String] == names, "\(ps.stdout) \(ps.stderr)")
            if let name = names.first {
                appID = engine.run(["inspect", "--format", "{{index .Config.Labels \"aspire.app\"}}", name]).output
                    .trimmingCharacters(in: .whitespacesAndNewlines)
                let port = engine.run(["port", name]).output.trimmingCharacters(in: .whitespacesAndNewlines)
                let published = port.split(separator: "\n").map(String.init)
                // On loopback; with docker also on its bridge's address (so containers reach it), never on all interfaces.
                let loopback = "6379/tcp -> 127.0.0.1:\(result["port"] ?? "?")"
                if engine.isDocker {
                    #expect(published.count == 2 && published.contains(loopback), "\(port)")
                    #expect(published.allSatisfy { $0.hasSuffix(":\(result["port"] ?? "?")") && !$0.contains("0.0.0.0") && !$0.contains("::") }, "\(port)")
                } else {
                    #expect(published == [loopback], "published on loopback only: \(port)")
                }
                // As with the official image, the entrypoint drops to user redis, who reads the mounted config.
                // (Only the server's own process: a health probe exec'd in the container may be listed too.)
                // (docker's `top` takes the host's ps options, which name uids by the host's users.)
                let top = engine.run(engine.isDocker ? ["top", name, "-o", "pid,uid,comm"] : ["top", name, "user", "comm"]).output
                var serverUsers: [String] = []
                for line in top.split(separator: "\n").dropFirst() {
                    let fields = line.split(whereSeparator: \.isWhitespace).map(String.init)
                    if fields.count >= 2, fields.last == "redis-server" { serverUsers.append(fields[fields.count - 2]) }
                }
                let runsAsRedis = serverUsers.allSatisfy { $0 == "redis" || $0 == "999" }
                #expect(!serverUsers.isEmpty && runsAsRedis, "the server runs as redis: \(top)")
                // The password is in the mounted config file, never in argv.
                let argv = engine.run(["inspect", "--format", "{{.Config.Cmd}}", name]).output
                #expect(argv.contains("redis-server /usr/local/etc/redis/redis.conf"), "\(argv)")
                let password = try CLI.run(["env", "client", "-f", path, "--show-secrets"], environment: engine.environment).stdout
                    .split(separator: "\n").first { $0.hasPrefix("CACHE_PASSWORD=") }.map { String($0.dropFirst("CACHE_PASSWORD=".count)) }
                #expect(password?.isEmpty == false, "aspire env --show-secrets gives the password")
                if let password, !password.isEmpty { #expect(!argv.contains(password)) }
            }
            #expect(!appID.isEmpty && engine.volumes(label: "aspire.app=\(appID)") == ["aspire-\(appID)-cache-data"], "\(appID)")

            let down = try CLI.run(["down", "-f", path] + (run == 2 ? ["--volumes"] : []), environment: engine.environment)
            #expect(down.status == 0, "\(down.stdout) \(down.stderr)")
            #expect(up.wait(timeout: 30) == 0, "\(up.output)")
            #expect(engine.containers(label: "aspire.app=\(appID)").isEmpty, "down removes the container")
            let volumes = engine.volumes(label: "aspire.app=\(appID)")
            #expect(volumes == (run == 2 ? [] : ["aspire-\(appID)-cache-data"]), "run \(run): \(volumes)")
        }
    }

    static func parse(_ text: String) -> [String: String] {
        var result: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1)
            result[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
        }
        return result
    }

    /// The rootfs: the host's redis binaries, what `ldd` lists for them, busybox for the
    /// entrypoint's shell, users root and redis. Imported with the official image's entrypoint,
    /// command, working directory and PATH.
    static let rootfsScript = #"""
        set -e
        root=$1
        mkdir -p "$root/usr/local/bin" "$root/bin" "$root/data" "$root/etc" "$root/tmp"
        chmod 1777 "$root/tmp"
        cp /usr/bin/redis-server /usr/bin/redis-cli "$root/usr/local/bin/"
        for lib in $(ldd /usr/bin/redis-server /usr/bin/redis-cli | grep -o '=> /[^ ]*\|^\s*/[^ ]* (' | grep -o '/[^ ]*' | sort -u); do
          mkdir -p "$root$(dirname "$lib")"
          cp -L "$lib" "$root$lib"
        done
        busybox=$(command -v busybox)
        cp "$busybox" "$root/bin/busybox"
        for applet in sh id find chown su env; do ln -s busybox "$root/bin/$applet"; done
        printf 'root:x:0:0:root:/root:/bin/sh\nredis:x:999:999::/data:/bin/sh\n' > "$root/etc/passwd"
        printf 'root:x:0:\nredis:x:999:\n' > "$root/etc/group"
        cat > "$root/usr/local/bin/docker-entrypoint.sh" <<'EOF'
        #!/bin/sh
        set -e
        if [ "${1#-}" != "$1" ] || [ "${1%.conf}" != "$1" ]; then
          set -- redis-server "$@"
        fi
        if [ "$1" = 'redis-server' -a "$(id -u)" = '0' ]; then
          find . \! -user redis -exec chown redis '{}' +
          exec su -s /bin/sh redis -c 'exec "$0" "$@"' "$@"
        fi
        exec "$@"
        EOF
        chmod 755 "$root/usr/local/bin/docker-entrypoint.sh"
        tar -C "$root" -cf "$root.tar" .
        """#

    static func makeImage(_ engine: ContainerEngine) -> String? {
        let root = NSTemporaryDirectory() + "aspire-test-redis-rootfs-\(getpid())"
        defer {
            try? FileManager.default.removeItem(atPath: root)
            try? FileManager.default.removeItem(atPath: root + ".tar")
        }
        let script = Process()
        script.executableURL = URL(fileURLWithPath: "/bin/sh")
        script.arguments = ["-c", rootfsScript, "sh", root]
        do { try script.run() } catch { return "sh: \(error)" }
        script.waitUntilExit()
        guard script.terminationStatus == 0 else { return "cannot make the redis rootfs (exit \(script.terminationStatus))" }
        let imported = engine.run([
            "import", "--change", #"ENTRYPOINT ["docker-entrypoint.sh"]"#, "--change", #"CMD ["redis-server"]"#, "--change", "WORKDIR /data",
            "--change", "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "--change", "EXPOSE 6379", root + ".tar", image,
        ])
        return imported.status == 0 ? nil : "cannot import the redis test image: \(imported.output)"
    }
}
