extension WellKnownType {
    /// `type: kafka`: Aspire's default image `confluentinc/confluent-local:8.0.0` only (one KRaft
    /// broker; Debian ships no Kafka), advertising the host port to clients. No password, as in
    /// Aspire. Connection string `host:port` (the bootstrap servers); healthy once the broker
    /// answers a Kafka `ApiVersions` request.
    package static let kafka = WellKnownType(
        name: "kafka",
        image: "docker.io/confluentinc/confluent-local",
        tag: "8.0.0",
        targetPort: 9092,
        hasPassword: false,
        connectionString: "{host}:{port}",
        properties: [
            Property("HOST", "{host}"),
            Property("PORT", "{port}"),
        ],
        nativeProgram: "kafka-server-start.sh",
        nativeArguments: [],
        installHint: "Debian has no Kafka package; run it in a container with podman or docker",
        containerDataPath: "/var/lib/kafka/data",
        containerEnvironment: ["KAFKA_ADVERTISED_LISTENERS": "PLAINTEXT://localhost:29092,PLAINTEXT_HOST://{host}:{port}"],
        // ApiVersions v0 (key 18), correlation id 7, client id "a"; the answer echoes the id with error 0.
        greeting: Greeting(send: [0, 0, 0, 11, 0, 18, 0, 0, 0, 0, 0, 7, 0, 1, 0x61], expect: [0, 0, 0, 7, 0, 0], offset: 4, what: "a Kafka ApiVersions answer"),
        startPeriod: 60,
        containerOnly: true
    )
}
