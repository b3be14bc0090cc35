import Foundation
import Testing

/// `type: container` on real engines (podman and docker, each that answers): ports, the host
/// alias, cleanup, faults.
@Suite(.serialized, .enabled(if: ContainerEngine.available, "no container engine can run containers here (reason printed above)"))
struct ContainerTests {
    static let image = ContainerEngine.image

    /// A container serving HTTP, reached by a host process through its published port, and a
    /// container reaching a host process through the host alias.
    static func twoWays(_ engine: ContainerEngine) -> String {
        """
        name: ctrtwoways
        resources:
          web:
            type: container
            image: \(image)
            args: ["httpd", "-f", "-p", "8080", "-h", "/www"]
            endpoints:
              http: { targetPort: 8080 }
            healthCheck: { http: /index.html }
          hostapi:
            type: executable
            command: python3
            args: ["-m", "http.server", "--bind", "\(engine.hostBind)", "{hostapi.endpoints.http.port}"]
            workingDir: ./hostwww
            healthCheck: { http: /hello.txt }
          client:
            type: executable
            command: python3
            args: ["fetch.py"]
            references: [web]
            waitFor: [web]
          fetcher:
            type: container
            image: \(image)
            args: ["sh", "-c", "wget -q -O - $$HOSTAPI_HTTP/hello.txt"]
            references: [hostapi]
            waitFor: [hostapi]
          sleeper:
            type: container
            image: \(image)
            args: ["sleep", "300"]
        """
    }

    static let files = [
        "hostwww/hello.txt": "hello-from-host\n",
        "fetch.py": """
            import os, urllib.request
            body = urllib.request.urlopen(os.environ["WEB_HTTP"] + "/index.html").read().decode()
            open("fetched.txt", "w").write(body)
            """,
    ]

    @Test("a container is reached through its published port, and reaches a host process through the host alias", arguments: ContainerEngine.all)
    func twoWaysAndStop(engine: ContainerEngine) throws {
        let path = try CLI.writeManifest(Self.twoWays(engine), files: Self.files)
        let directory = (path as NSString).deletingLastPathComponent
        let up = try UpTests.Running(["-f", path], environment: engine.environment)
        defer { _ = try? CLI.run(["down", "-f", path], environment: engine.environment) }
        #expect(UpTests.eventually(timeout: 60) { up.output.contains("client: exited with code 0") && up.output.contains("fetcher: exited") }, "\(up.output)")
        let fetched = try? String(contentsOfFile: directory + "/fetched.txt", encoding: .utf8)
        #expect(fetched == "container-says-hi\n", "\(up.output)")
        #expect(up.output.contains("fetcher | hello-from-host"), "\(up.output)")
        let env = try CLI.run(["env", "fetcher", "-f", path], environment: engine.environment)
        #expect(env.stdout.contains("HOSTAPI_HTTP=http://\(engine.hostAlias):"), "\(env.stdout)")
        // Labels: app, resource and run on every container of the app.
        let web = engine.containers(label: "aspire.resource=web").filter { $0.contains("ctrtwoways") }
        #expect(web.count == 1, "\(web)")
        if let name = web.first {
            let labels = engine.run(["inspect", "--format", "{{json .Config.Labels}}", name]).output
            for key in ["aspire.app", "aspire.resource", "aspire.run"] { #expect(labels.contains("\"\(key)\""), "\(labels)") }
        }
        try Self.expectPsNamesContainers(path: path, engine: engine, resource: "web", containers: web)
        kill(up.process.processIdentifier, SIGTERM)
        #expect(up.wait(timeout: 30) == 0, "\(up.output)")
        #expect(engine.containers(label: "aspire.resource=sleeper").filter { $0.contains("ctrtwoways") }.isEmpty)
    }

    /// `ps` (table and JSON) shows a container resource's container, not the engine client's pid,
    /// and a process's pid.
    static func expectPsNamesContainers(path: String, engine: ContainerEngine, resource: String, containers: [String]) throws {
        let table = try CLI.run(["ps", "-f", path], environment: engine.environment)
        let rows = table.stdout.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
        let header = try #require(rows.first, "\(table.stdout) \(table.stderr)")
        let column = try #require(header.firstIndex(of: "PID/CONTAINER"), "\(header)")
        let row = rows.first { $0.first == resource }
        #expect(row.map { column < $0.count && $0[column] == containers.joined(separator: ",") } == true, "\(table.stdout)")
        let hostapi = rows.first { $0.first == "hostapi" }
        #expect(hostapi.map { column < $0.count && Int32($0[column]) != nil } == true, "a process shows its pid: \(table.stdout)")
        let json = try CLI.run(["ps", "-f", path, "--format", "json"], environment: engine.environment)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let resources = try #require(object["resources"] as? [[String: Any]])
        let entry = resources.first { $0["name"] as? String == resource }
        #expect(entry?["containers"] as? [String] == containers, "\(json.stdout)")
        #expect(resources.first { $0["name"] as? String == "hostapi" }?["containers"] == nil, "\(json.stdout)")
    }

    @Test("a container reaches a native redis and another container it references, through the host alias", arguments: ContainerEngine.all)
    func containerReachesNativeServer(engine: ContainerEngine) throws {
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/redis-server"), "redis-server is not installed")
        let path = try CLI.writeManifest("""
            name: ctrnative
            resources:
              cache:
                type: redis
                runtime: native
              pinger:
                type: container
                image: \(Self.image)
                args: ["sh", "-c", "printf 'AUTH %s\\r\\nPING\\r\\n' \\\"$$CACHE_PASSWORD\\\" | nc -w 3 $$CACHE_HOST $$CACHE_PORT"]
                references: [cache]
                waitFor: [cache]
              web:
                type: container
                image: \(Self.image)
                args: ["httpd", "-f", "-p", "8080", "-h", "/www"]
                endpoints:
                  http: { targetPort: 8080 }
                healthCheck: { http: /index.html }
              peer:
                type: container
                image: \(Self.image)
                args: ["sh", "-c", "wget -q -O - $$WEB_HTTP/index.html"]
                references: [web]
                waitFor: [web]
            """)
        let directory = (path as NSString).deletingLastPathComponent
        let up = try UpTests.Running(["-f", path], environment: engine.environment)
        defer { _ = try? CLI.run(["down", "-f", path], environment: engine.environment) }
        #expect(UpTests.eventually(timeout: 60) { up.output.contains("pinger: exited") && up.output.contains("peer: exited") }, "\(up.output)")
        #expect(up.output.contains("+PONG"), "\(up.output)")
        #expect(up.output.contains("peer   | container-says-hi"), "a container reaches another's published port: \(up.output)")
        // Docker reaches the host only at its bridge gateway, so redis listens beyond loopback
        // there; podman with slirp4netns reaches the host's loopback, so redis stays on it.
        let config = (try? String(contentsOfFile: directory + "/.aspire/data/cache/redis.conf", encoding: .utf8)) ?? ""
        #expect(config.contains("bind \(engine.hostBind)\n"), "\(config)")
        kill(up.process.processIdentifier, SIGTERM)
        #expect(up.wait(timeout: 30) == 0, "\(up.output)")
    }

    @Test("after kill -9 of up, the next up and down remove the app's leftover containers and nothing else", arguments: ContainerEngine.all)
    func leftovers(engine: ContainerEngine) throws {
        let path = try CLI.writeManifest("""
            name: ctrleftover
            resources:
              sleeper:
                type: container
                image: \(Self.image)
                args: ["sleep", "300"]
            """)
        let other = "aspire-test-other-\(getpid())"
        engine.run(["run", "-d", "--rm", "--network", "none", "--label", "aspire.app=someone-else", "--name", other, Self.image, "sleep", "120"], detached: true)
        defer { engine.removeContainers([other]) }
        func leftovers() -> [String] { engine.containers(label: "aspire.resource=sleeper").filter { $0.contains("ctrleftover") } }

        for verb in ["up", "down"] {
            let up = try UpTests.Running(["-f", path], environment: engine.environment)
            #expect(UpTests.eventually(timeout: 30) { up.output.contains("sleeper: running") && leftovers().count == 1 }, "\(up.output)")
            kill(up.process.processIdentifier, SIGKILL)
            _ = up.wait(timeout: 10)
            #expect(leftovers().count == 1, "the container outlives a killed up")
            if verb == "up" {
                let again = try UpTests.Running(["-f", path], environment: engine.environment)
                #expect(UpTests.eventually(timeout: 30) { again.output.contains("sleeper: running") }, "\(again.output)")
                #expect(again.output.contains("removed leftover containers of ctrleftover: aspire-ctrleftover-"), "\(again.output)")
                kill(again.process.processIdentifier, SIGTERM)
                #expect(again.wait(timeout: 30) == 0, "\(again.output)")
            } else {
                // Without ASPIRE_CONTAINER_RUNTIME: down finds the engine the killed up used (recorded
                // in .aspire/engine.json), even when another one is found first (docker, with podman installed).
                let down = try CLI.run(["down", "-f", path], environment: ["ASPIRE_CONTAINER_RUNTIME": ""])
                #expect(down.stdout.contains("removed leftover containers"), "\(down.stdout) \(down.stderr)")
                #expect(down.status == 0)
            }
            #expect(leftovers().isEmpty)
        }
        #expect(engine.containers(label: "aspire.app=someone-else").contains(other), "another app's container is untouched")
    }

    @Test("a failing build and an image that cannot be pulled each fail alone, with a line saying what to do", arguments: ContainerEngine.all)
    func faults(engine: ContainerEngine) throws {
        let path = try CLI.writeManifest(
            """
            name: ctrfaults
            resources:
              badbuild:
                type: container
                build: { context: ./bad }
              badimage:
                type: container
                image: nosuch.invalid/none/image:1
              fine:
                type: executable
                command: sh
                args: ["-c", "echo fine-ran"]
            """, files: ["bad/Dockerfile": "FROM \(Self.image)\nRUN exit 3\n"])
        let up = try UpTests.Running(["-f", path], environment: engine.environment)
        #expect(up.wait(timeout: 60) == 1, "\(up.output)")
        #expect(up.output.contains("fine     | fine-ran"), "\(up.output)")
        #expect(up.output.contains("error: badbuild: the image build failed (\(engine.name) build exited with code "), "\(up.output)")
        #expect(up.output.contains("error: badimage: cannot pull image 'nosuch.invalid/none/image:1'"), "\(up.output)")
        #expect(engine.containers(label: "aspire.resource=badbuild").isEmpty)
        let failedSteps = engine.run(["ps", "-a", "--filter", "status=exited", "--format", "{{.Command}}"]).output
        #expect(!failedSteps.contains("exit 3"), "the failed build step's container is removed: \(failedSteps)")
    }

    @Test("replicas of a container: each publishes its own port, one stable URL through the proxy", arguments: ContainerEngine.all)
    func replicas(engine: ContainerEngine) throws {
        let path = try CLI.writeManifest(
            """
            name: ctrreplicas
            resources:
              web:
                type: container
                image: \(Self.image)
                replicas: 2
                args: ["sh", "-c", "mkdir -p /tmp/w && echo $$HOSTNAME > /tmp/w/id && exec httpd -f -p $$PORT -h /tmp/w"]
                endpoints:
                  http: { targetPort: 8080, env: PORT }
                healthCheck: { http: /id }
              client:
                type: executable
                command: python3
                args: ["ids.py"]
                references: [web]
                waitFor: [web]
            """,
            files: [
                "ids.py": """
                import os, urllib.request
                ids = {urllib.request.urlopen(os.environ["WEB_HTTP"] + "/id").read().decode().strip() for _ in range(6)}
                print("distinct", len(ids))
                """
            ])
        let up = try UpTests.Running(["-f", path], environment: engine.environment)
        #expect(UpTests.eventually(timeout: 60) { up.output.contains("client: exited") }, "\(up.output)")
        #expect(up.output.contains("client | distinct 2"), "\(up.output)")
        let names = engine.containers(label: "aspire.resource=web").filter { $0.contains("ctrreplicas") }.sorted()
        #expect(names.count == 2 && names[0].hasSuffix("-web-0") && names[1].hasSuffix("-web-1"), "\(names)")
        kill(up.process.processIdentifier, SIGTERM)
        #expect(up.wait(timeout: 30) == 0, "\(up.output)")
        #expect(engine.containers(label: "aspire.resource=web").filter { $0.contains("ctrreplicas") }.isEmpty)
    }

    @Test("a port the container never opens makes it unhealthy, naming the URL; what waits for it waits, the rest runs", arguments: ContainerEngine.all)
    func portNeverOpened(engine: ContainerEngine) throws {
        let path = try CLI.writeManifest("""
            name: ctrnoport
            resources:
              web:
                type: container
                image: \(Self.image)
                args: ["sleep", "300"]
                endpoints:
                  http: { targetPort: 8080 }
                healthCheck: { http: /, interval: 500ms, retries: 2 }
              client:
                type: executable
                command: sh
                args: ["-c", "echo client-started"]
                waitFor: [web]
              other:
                type: executable
                command: sh
                args: ["-c", "echo other-ran; sleep 30"]
            """)
        let up = try UpTests.Running(["-f", path], environment: engine.environment)
        #expect(UpTests.eventually(timeout: 30) { up.output.contains("web: unhealthy (GET http://127.0.0.1:") }, "\(up.output)")
        #expect(up.output.contains("other  | other-ran"), "\(up.output)")
        #expect(!up.output.contains("client-started"), "\(up.output)")
        kill(up.process.processIdentifier, SIGTERM)
        #expect(up.wait(timeout: 30) == 0, "\(up.output)")
        #expect(engine.containers(label: "aspire.resource=web").filter { $0.contains("ctrnoport") }.isEmpty)
    }

    @Test("a container built from a Dockerfile runs, with a named volume, a read-only bind mount and an entrypoint", arguments: ContainerEngine.all)
    func buildVolumesMounts(engine: ContainerEngine) throws {
        let path = try CLI.writeManifest(
            """
            name: ctrbuild
            resources:
              job:
                type: container
                build: { context: ./ctx, dockerfile: Custom.Dockerfile }
                entrypoint: sh
                args: ["-c", "cat /conf/setting.txt; echo run >> /data/runs; cat /data/runs; echo x > /conf/w 2>/dev/null || echo read-only"]
                volumes: [{ name: jobdata, target: /data }]
                bindMounts: [{ source: ./conf, target: /conf, readOnly: true }]
            """,
            files: ["ctx/Custom.Dockerfile": "FROM \(Self.image)\nRUN echo built > /built.txt\n", "conf/setting.txt": "from-bind-mount\n"])
        defer { _ = try? CLI.run(["down", "-f", path, "--volumes"], environment: engine.environment) }
        for run in 1...2 {
            let up = try UpTests.Running(["-f", path], environment: engine.environment)
            #expect(up.wait(timeout: 90) == 0, "\(up.output)")
            let lines = up.output.split(separator: "\n").filter { $0.hasPrefix("job ") }.map { $0.split(separator: "|", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? "" }
            #expect(lines.contains("from-bind-mount"), "\(up.output)")
            #expect(lines.contains("read-only"), "\(up.output)")
            #expect(lines.filter { $0 == "run" }.count == run, "run \(run): \(up.output)")
        }
        let volumes = engine.run(["volume", "ls", "--format", "{{.Name}}"]).output
            .split(separator: "\n").map(String.init).filter { $0.hasPrefix("aspire-ctrbuild-") && $0.hasSuffix("-jobdata") }
        #expect(!volumes.isEmpty, "the named volume exists between runs")
        let down = try CLI.run(["down", "-f", path, "--volumes"], environment: engine.environment)
        #expect(down.status == 0, "\(down.stdout) \(down.stderr)")
        let left = engine.run(["volume", "ls", "--format", "{{.Name}}"]).output.split(separator: "\n").filter { $0.hasPrefix("aspire-ctrbuild-") }
        #expect(left.isEmpty, "down --volumes removes the app's volumes: \(left)")
        // The image built for this app (its tag names the app id, so each run's folder makes a new one).
        let built = engine.run(["images", "--format", "{{.Repository}}"]).output.split(separator: "\n").map(String.init)
            .filter { $0.hasPrefix("localhost/aspire-ctrbuild-") }
        if !built.isEmpty { engine.run(["rmi", "-f"] + built) }
    }
}
