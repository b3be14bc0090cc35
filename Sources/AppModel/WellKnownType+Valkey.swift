extension WellKnownType {
    /// `type: valkey`: the official image, or `valkey-server` (else the compatible
    /// `redis-server`) run natively. Same connection string as Aspire's Valkey resource
    /// (`host:port,password=…`); the password is in the config file, never in argv. As root it
    /// runs as `valkey` (else `redis`), owning its data folder.
    package static let valkey = WellKnownType(
        name: "valkey",
        image: "docker.io/valkey/valkey",
        tag: "8",
        targetPort: 6379,
        hasPassword: true,
        connectionString: "{host}:{port},password={password}",
        properties: [
            Property("HOST", "{host}"),
            Property("PORT", "{port}"),
            Property("PASSWORD", "{password}"),
            Property("URI", "valkey://:{passwordURI}@{host}:{port}"),
        ],
        nativeProgram: "valkey-server",
        nativeAlternatives: ["redis-server"],
        nativeArguments: ["{config}"],
        installHint: "Debian 13: apt-get install valkey-server; Debian's redis-server works too",
        containerArguments: ["valkey-server", "{config}"],
        containerDataPath: "/data",
        configFile: """
            port {port}
            bind {bind}
            requirepass "{password}"
            dir "{data}"
            appendonly yes
            save ""
            protected-mode no

            """,
        containerConfigPath: "/usr/local/etc/valkey/valkey.conf",
        deployedShellCommand: "valkey-server --requirepass \"$SERVER_PASSWORD\" --appendonly yes",
        // Debian's valkey-server package makes `valkey`, its redis-server package `redis`.
        rootAccounts: ["valkey", "redis"]
    )
}
