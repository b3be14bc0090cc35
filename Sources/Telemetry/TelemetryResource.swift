/// Who sent telemetry: `service.name` (the app's resource name, from `OTEL_SERVICE_NAME`) and
/// `service.instance.id` (one per replica and run, from `OTEL_RESOURCE_ATTRIBUTES`).
package struct TelemetryResourceKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    package var serviceName: String
    package var instanceID: String

    package init(serviceName: String, instanceID: String) {
        self.serviceName = serviceName
        self.instanceID = instanceID
    }

    package var description: String {
        instanceID.isEmpty || instanceID == serviceName ? serviceName : "\(serviceName) (\(instanceID))"
    }

    package static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.serviceName, lhs.instanceID) < (rhs.serviceName, rhs.instanceID)
    }
}

/// A resource that sent telemetry, with its attributes as first sent.
package struct TelemetryResource: Sendable, Hashable {
    package var key: TelemetryResourceKey
    package var attributes: [TelemetryAttribute]

    package init(key: TelemetryResourceKey, attributes: [TelemetryAttribute]) {
        self.key = key
        self.attributes = attributes
    }
}
