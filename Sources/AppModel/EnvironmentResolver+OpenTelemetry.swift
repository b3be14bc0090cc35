extension EnvironmentResolver {
    /// The OpenTelemetry variables, as Aspire's AppHost sets them in development
    /// (`OtlpConfigurationExtensions`): the receiver's endpoint, protocol and key, the service name
    /// and instance, and short export delays so the dashboard is live (docs/telemetry.md).
    func openTelemetry(of resource: Resource, replica: Int, into env: inout ResolvedEnvironment) {
        let name = resource.name
        env.set("OTEL_SERVICE_NAME", name)
        var instance = resource.run.replicas > 1 ? "\(name)-\(replica)" : name
        if let runID = bindings.runID { instance += "-\(runID)" }
        env.set("OTEL_RESOURCE_ATTRIBUTES", "service.instance.id=\(instance)")
        guard let telemetry = bindings.telemetry else { return }
        // Processes get the address the receivers bind (localhost may resolve to ::1 first, where
        // nothing listens); containers the host alias (docs/telemetry.md).
        let address = containerHost != nil && host == containerHost ? host : TelemetryEndpoint.loopback
        if let grpcPort = telemetry.grpcPort, bindings.dotnetProjects.contains(name) {
            env.set("OTEL_EXPORTER_OTLP_ENDPOINT", "http://\(address):\(grpcPort)")
            env.set("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")
        } else {
            env.set("OTEL_EXPORTER_OTLP_ENDPOINT", "http://\(address):\(telemetry.port)")
            env.set("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf")
        }
        env.set("OTEL_EXPORTER_OTLP_HEADERS", "x-otlp-api-key=" + ResolvedValue(secret: telemetry.apiKey))
        // Aspire's development values: export every second, sample everything, exemplars from traces.
        env.set("OTEL_BLRP_SCHEDULE_DELAY", "1000")
        env.set("OTEL_BSP_SCHEDULE_DELAY", "1000")
        env.set("OTEL_METRIC_EXPORT_INTERVAL", "1000")
        env.set("OTEL_TRACES_SAMPLER", "always_on")
        env.set("OTEL_METRICS_EXEMPLAR_FILTER", "trace_based")
        env.set("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT", "true")
    }
}
