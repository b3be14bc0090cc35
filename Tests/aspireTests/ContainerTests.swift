import Foundation
import Testing

/// `type: container` on a real engine (podman): ports, the host alias, cleanup, faults.
@Suite(.serialized, .enabled(if: ContainerEngine.available, "no container engine can run containers here (reason printed above)"))
struct ContainerTests {
    static let image = ContainerEngine.image

    /// A container serving HTTP, reached by a host process through its published port, and a
    /// container reaching a host process through the host alias.
    static let twoWays = """
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
            args: ["-m", "http.server", "--bind", "127.0.0.1", "{hostapi.endpoints.http.port}"]
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

    static let files = [
        "hostwww/hello.txt": "hello-from-host\n",
        "fetch.py": """
            import os, urllib.request
            body = urllib.request.urlopen(os.environ["WEB_HTTP"] + "/index.html").read().decode()
            open("fetched.txt", "w").write(body)
            """,
    ]

    @Test("a container is reached through its published port, and reaches a host process through the host alias")
    func twoWaysAndStop() throws {
        let path = try CLI.writeManifest(Self.twoWays, files: Self.files)
        let directory = (path as NSString).deletingLastPathComponent
        let up = try UpTests.Running(["-f", path])
        defer { _ = try? CLI.run(["down", "-f", path]) }
        #expect(UpTests.eventually(timeout: 60) { up.output.contains("client: exited with code 0") && up.output.contains("fetcher: exited") }, "\(up.output)")
        let fetched = try? String(contentsOfFile: directory + "/fetched.txt", encoding: .utf8)
        #expect(fetched == "container-says-hi\n", "\(up.output)")
        #expect(up.output.contains("fetcher | hello-from-host"), "\(up.output)")
        let env = try CLI.run(["env", "fetcher", "-f", path])
        #expect(env.stdout.contains("HOSTAPI_HTTP=http://host.containers.internal:"), "\(env.stdout)")
        kill(up.process.processIdentifier, SIGTERM)
        #expect(up.wait(timeout: 30) == 0, "\(up.output)")
        #expect(ContainerEngine.containers(label: "aspire.resource=sleeper").filter { $0.contains("ctrtwoways") }.isEmpty)
    }

    @Test("after kill -9 of up, the next up and down remove the app's leftover containers and nothing else")
    func leftovers() throws {
        let path = try CLI.writeManifest("""
            name: ctrleftover
            resources:
              sleeper:
                type: container
                image: \(Self.image)
                args: ["sleep", "300"]
            """)
        let other = "aspire-test-other-\(getpid())"
        ContainerEngine.run(["run", "-d", "--rm", "--network", "none", "--label", "aspire.app=someone-else", "--name", other, Self.image, "sleep", "120"], detached: true)
        defer { ContainerEngine.run(["rm", "-f", "--time", "0", other]) }
        func leftovers() -> [String] { ContainerEngine.containers(label: "aspire.resource=sleeper").filter { $0.contains("ctrleftover") } }

        for verb in ["up", "down"] {
            let up = try UpTests.Running(["-f", path])
            #expect(UpTests.eventually(timeout: 30) { up.output.contains("sleeper: running") && leftovers().count == 1 }, "\(up.output)")
            kill(up.process.processIdentifier, SIGKILL)
            _ = up.wait(timeout: 10)
            #expect(leftovers().count == 1, "the container outlives a killed up")
            if verb == "up" {
                let again = try UpTests.Running(["-f", path])
                #expect(UpTests.eventually(timeout: 30) { again.output.contains("sleeper: running") }, "\(again.output)")
                #expect(again.output.contains("removed leftover containers of ctrleftover: aspire-ctrleftover-"), "\(again.output)")
                kill(again.process.processIdentifier, SIGTERM)
                #expect(again.wait(timeout: 30) == 0, "\(again.output)")
            } else {
                let down = try CLI.run(["down", "-f", path])
                #expect(down.stdout.contains("removed leftover containers"), "\(down.stdout) \(down.stderr)")
                #expect(down.status == 0)
            }
            #expect(leftovers().isEmpty)
        }
        #expect(ContainerEngine.containers(label: "aspire.app=someone-else").contains(other), "another app's container is untouched")
    }

    @Test("a failing build and an image that cannot be pulled each fail alone, with a line saying what to do")
    func faults() throws {
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
        let up = try UpTests.Running(["-f", path])
        #expect(up.wait(timeout: 60) == 1, "\(up.output)")
        #expect(up.output.contains("fine     | fine-ran"), "\(up.output)")
        #expect(up.output.contains("error: badbuild: the image build failed (podman build exited with code 3); fix "), "\(up.output)")
        #expect(up.output.contains("error: badimage: cannot pull image 'nosuch.invalid/none/image:1'"), "\(up.output)")
        #expect(ContainerEngine.containers(label: "aspire.resource=badbuild").isEmpty)
    }

    @Test("replicas of a container: each publishes its own port, one stable URL through the proxy")
    func replicas() throws {
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
        let up = try UpTests.Running(["-f", path])
        #expect(UpTests.eventually(timeout: 60) { up.output.contains("client: exited") }, "\(up.output)")
        #expect(up.output.contains("client | distinct 2"), "\(up.output)")
        let names = ContainerEngine.containers(label: "aspire.resource=web").filter { $0.contains("ctrreplicas") }.sorted()
        #expect(names.count == 2 && names[0].hasSuffix("-web-0") && names[1].hasSuffix("-web-1"), "\(names)")
        kill(up.process.processIdentifier, SIGTERM)
        #expect(up.wait(timeout: 30) == 0, "\(up.output)")
        #expect(ContainerEngine.containers(label: "aspire.resource=web").filter { $0.contains("ctrreplicas") }.isEmpty)
    }

    @Test("a port the container never opens makes it unhealthy, naming the URL; what waits for it waits, the rest runs")
    func portNeverOpened() throws {
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
        let up = try UpTests.Running(["-f", path])
        #expect(UpTests.eventually(timeout: 30) { up.output.contains("web: unhealthy (GET http://127.0.0.1:") }, "\(up.output)")
        #expect(up.output.contains("other  | other-ran"), "\(up.output)")
        #expect(!up.output.contains("client-started"), "\(up.output)")
        kill(up.process.processIdentifier, SIGTERM)
        #expect(up.wait(timeout: 30) == 0, "\(up.output)")
        #expect(ContainerEngine.containers(label: "aspire.resource=web").filter { $0.contains("ctrnoport") }.isEmpty)
    }

    @Test("a container built from a Dockerfile runs, with a named volume, a read-only bind mount and an entrypoint")
    func buildVolumesMounts() throws {
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
        defer { _ = try? CLI.run(["down", "-f", path, "--volumes"]) }
        for run in 1...2 {
            let up = try UpTests.Running(["-f", path])
            #expect(up.wait(timeout: 90) == 0, "\(up.output)")
            let lines = up.output.split(separator: "\n").filter { $0.hasPrefix("job ") }.map { $0.split(separator: "|", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? "" }
            #expect(lines.contains("from-bind-mount"), "\(up.output)")
            #expect(lines.contains("read-only"), "\(up.output)")
            #expect(lines.filter { $0 == "run" }.count == run, "run \(run): \(up.output)")
        }
    }
}
