extension WellKnownType {
    /// A boolean key of a type (nats's `jetstream:`): off unless the manifest turns it on (as
    /// Aspire, where `WithJetStream()` is a call of its own), adding `arguments` to the server's
    /// command line wherever it runs (native, container, compose, Kubernetes, Aspire's manifest).
    package struct Switch: Sendable, Hashable {
        /// The manifest key.
        package var key: String
        /// Added after the server's own arguments when on; `{data}` is the data folder (natively
        /// `.aspire/data/NAME`, in a container or deployment `containerDataPath`).
        package var arguments: [String]

        package init(key: String, arguments: [String]) {
            self.key = key
            self.arguments = arguments
        }
    }

    /// The arguments of the switches `settings` turns on, `{data}` filled in.
    package func switchArguments(_ settings: WellKnown, data: String) -> [String] {
        switches.filter { settings.switches[$0.key] == true }.flatMap { item in
            item.arguments.map { WellKnownType.fill($0, ["{data}": data]) }
        }
    }
}
