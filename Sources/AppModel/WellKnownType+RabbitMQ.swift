extension WellKnownType {
    /// `type: rabbitmq`: Debian's `rabbitmq-server` run natively (its own node name, Erlang
    /// cookie, ports and mnesia folder per app, as the `rabbitmq` user when aspire is root), else
    /// Aspire's default image `rabbitmq:4.1`. User `guest` with a generated password; connection
    /// string and properties as Aspire's RabbitMQ resource; healthy once the server answers the
    /// AMQP protocol header with `Connection.Start`.
    package static let rabbitmq = WellKnownType(
        name: "rabbitmq",
        image: "docker.io/library/rabbitmq",
        tag: "4.1",
        targetPort: 5672,
        hasPassword: true,
        connectionString: "amqp://guest:{passwordURI}@{host}:{port}",
        properties: [
            Property("HOST", "{host}"),
            Property("PORT", "{port}"),
            Property("USERNAME", "guest"),
            Property("PASSWORD", "{password}"),
            Property("URI", "amqp://guest:{passwordURI}@{host}:{port}"),
        ],
        nativeProgram: "rabbitmq-server",
        // The planner builds the native command itself (node, cookie, user switch).
        nativeArguments: [],
        installHint: "Debian: apt-get install rabbitmq-server",
        containerDataPath: "/var/lib/rabbitmq",
        containerEnvironment: ["RABBITMQ_DEFAULT_USER": "guest", "RABBITMQ_DEFAULT_PASS": "{password}"],
        // The AMQP 0-9-1 header; the server answers with a method frame (type 1) on channel 0.
        greeting: Greeting(send: Array("AMQP".utf8) + [0, 0, 9, 1], expect: [1, 0, 0], what: "AMQP Connection.Start"),
        startPeriod: 120
    )
}
