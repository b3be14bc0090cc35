extension WellKnownType {
    /// `type: nats`: Debian's `nats-server` run natively (as the `nats` user when aspire is root),
    /// else the official image. User `nats` and a generated password in a 0600 config file (never
    /// argv); `jetstream: true` adds `-js` with its store in the data folder (off by default, as
    /// Aspire's `AddNats`, where `WithJetStream()` adds `-js`). Connection string and properties as
    /// Aspire's NATS resource (`nats://nats:PASSWORD@host:port`); healthy once the server sends
    /// its `INFO` greeting.
    package static let nats = WellKnownType(
        name: "nats",
        image: "docker.io/library/nats",
        // Aspire's tag is 2.10; its alpine build, because deployments pass the password through a shell.
        tag: "2.10-alpine",
        targetPort: 4222,
        hasPassword: true,
        connectionString: "nats://nats:{passwordURI}@{host}:{port}",
        properties: [
            Property("HOST", "{host}"),
            Property("PORT", "{port}"),
            Property("USERNAME", "nats"),
            Property("PASSWORD", "{password}"),
            Property("URI", "nats://nats:{passwordURI}@{host}:{port}"),
        ],
        nativeProgram: "nats-server",
        nativeArguments: ["-c", "{config}"],
        installHint: "Debian: apt-get install nats-server",
        containerArguments: ["-c", "{config}"],
        containerDataPath: "/data",
        configFile: """
            listen: "{bind}:{port}"
            authorization {
              user: nats
              password: "{password}"
            }

            """,
        containerConfigPath: "/etc/aspire/nats.conf",
        deployedShellCommand: "nats-server --user nats --pass \"$SERVER_PASSWORD\"",
        greeting: Greeting(expect: Array("INFO ".utf8), what: "NATS INFO"),
        switches: [Switch(key: "jetstream", arguments: ["-js", "-sd", "{data}"])],
        rootAccounts: ["nats"]
    )
}
