import Foundation
import Testing

extension ContainerTests {
    /// A container resource sending OTLP/HTTP JSON with the endpoint and key `up` injected, curl-free:
    /// busybox's wget posts one span. With docker the receiver also listens on the bridge gateway,
    /// where `host.docker.internal` leads; podman (slirp4netns) reaches the loopback one.
    static let telemetrySender = #"""
        name: ctrotel
        resources:
          sender:
            type: container
            image: \#(image)
            args: ["sh", "-c", "KEY=$$(echo $$OTEL_EXPORTER_OTLP_HEADERS | cut -d= -f2-); wget -q -O - --header 'Content-Type: application/json' --header \"x-otlp-api-key: $$KEY\" --post-data '{{\"resourceSpans\":[{{\"resource\":{{\"attributes\":[{{\"key\":\"service.name\",\"value\":{{\"stringValue\":\"sender\"}}}}]}},\"scopeSpans\":[{{\"spans\":[{{\"traceId\":\"5b8efff798038103d269b633813fc60c\",\"spanId\":\"eee19b7ec3c1b174\",\"name\":\"span-from-a-container\",\"kind\":2,\"startTimeUnixNano\":\"1796630400000000000\",\"endTimeUnixNano\":\"1796630400050000000\"}}]}}]}}]}}' $$OTEL_EXPORTER_OTLP_ENDPOINT/v1/traces && echo posted-ok"]
          keeper:
            type: executable
            command: sleep
            args: ["300"]
        """#

    @Test("a container resource exports a span to up's OTLP/HTTP receiver with the injected endpoint and key", arguments: ContainerEngine.all)
    func containerExportsTelemetry(engine: ContainerEngine) throws {
        let path = try CLI.writeManifest(Self.telemetrySender, files: [:])
        let up = try UpTests.Running(["-f", path], environment: engine.environment)
        defer { _ = try? CLI.run(["down", "-f", path], environment: engine.environment) }
        #expect(UpTests.eventually(timeout: 60) { up.output.contains("sender: exited") }, "\(up.output)")
        #expect(up.output.contains("posted-ok"), "the receiver answered the container: \(up.output)")
        let env = try CLI.run(["env", "sender", "-f", path], environment: engine.environment)
        #expect(env.stdout.contains("OTEL_EXPORTER_OTLP_ENDPOINT=http://\(engine.hostAlias):"), "\(env.stdout)")
        var traces = ""
        #expect(UpTests.eventually(timeout: 20) {
            traces = (try? CLI.run(["otel", "traces", "-f", path, "--format", "json"], environment: engine.environment).stdout) ?? ""
            return traces.contains("span-from-a-container")
        }, "the span is in the store: \(traces) \(up.output)")
        kill(up.process.processIdentifier, SIGTERM)
        #expect(up.wait(timeout: 30) == 0, "\(up.output)")
    }
}
