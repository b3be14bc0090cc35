import AppModel

extension LaunchPlanner {
    /// Where the OTLP receivers listen besides 127.0.0.1: docker's bridge gateway (podman's bridge
    /// without slirp4netns) when a container resource exports telemetry, since `hostAlias` leads
    /// there and a socket bound to 127.0.0.1 is refused from the bridge (docs/telemetry.md). Empty
    /// when no container sends OTLP, or when the engine reaches the host's loopback (podman with
    /// slirp4netns). Never 0.0.0.0: the gateway faces only this host's containers.
    package func otlpGatewayAddresses() -> [String] {
        guard case .success(let engine)? = containers.runtime, !engine.reachesHostLoopback, let gateway = engine.hostGateway
        else { return [] }
        return manifest.resources.contains(where: Self.exportsFromContainer) ? [gateway] : []
    }

    /// A container resource that gets the OpenTelemetry variables.
    private static func exportsFromContainer(_ resource: Resource) -> Bool {
        switch resource.kind {
        case .container: resource.isRunnable && resource.run.otel
        default: false
        }
    }
}
