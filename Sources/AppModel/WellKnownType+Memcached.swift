extension WellKnownType {
    /// `type: memcached`: the official image, or Debian's `memcached` run natively. No password
    /// (memcached has no auth without SASL); the connection string is the `host:port` server list
    /// memcached clients take.
    package static let memcached = WellKnownType(
        name: "memcached",
        image: "docker.io/library/memcached",
        tag: "1.6",
        targetPort: 11211,
        hasPassword: false,
        connectionString: "{host}:{port}",
        properties: [
            Property("HOST", "{host}"),
            Property("PORT", "{port}"),
            Property("URI", "memcached://{host}:{port}"),
        ],
        nativeProgram: "memcached",
        nativeArguments: ["-l", "{bind}", "-p", "{port}", "-U", "0", "-m", "64"],
        installHint: "Debian: apt-get install memcached",
        rootArguments: ["-u", "nobody"],
        containerArguments: ["-p", "{targetPort}", "-U", "0"]
    )
}
