extension WellKnownType {
    /// `type: mongodb`: Aspire's default image `mongo:8.0` only (Debian ships no MongoDB server).
    /// User `admin` with a generated password; `databases:` as resources of their own (MongoDB
    /// creates a database on first write). Connection string and properties as Aspire's MongoDB
    /// resource; healthy once `mongosh` pings it inside the container.
    package static let mongodb = WellKnownType(
        name: "mongodb",
        image: "docker.io/library/mongo",
        tag: "8.0",
        targetPort: 27017,
        hasPassword: true,
        connectionString: "mongodb://admin:{passwordURI}@{host}:{port}?authSource=admin&authMechanism=SCRAM-SHA-256",
        properties: [
            Property("HOST", "{host}"),
            Property("PORT", "{port}"),
            Property("USERNAME", "admin"),
            Property("PASSWORD", "{password}"),
            Property("URI", "mongodb://admin:{passwordURI}@{host}:{port}?authSource=admin&authMechanism=SCRAM-SHA-256"),
        ],
        nativeProgram: "mongod",
        nativeArguments: [],
        installHint: "Debian has no MongoDB server package; run it in a container with podman or docker",
        containerDataPath: "/data/db",
        containerEnvironment: ["MONGO_INITDB_ROOT_USERNAME": "admin", "MONGO_INITDB_ROOT_PASSWORD": "{password}"],
        databases: Databases(
            connectionSuffix: "",
            properties: [
                Property("URI", "mongodb://admin:{passwordURI}@{host}:{port}/{database}?authSource=admin&authMechanism=SCRAM-SHA-256"),
                Property("DATABASENAME", "{database}"),
            ],
            // MongoDB forbids /\. "$*<>:|? and space, and takes under 64 bytes; the name also goes
            // unescaped into the mongodb:// URI, so aspire keeps to what needs no escaping there.
            rule: "MongoDB database names cannot hold /\\. \"$*<>:|? or spaces and are under 64 bytes; "
                + "here (unescaped in the mongodb:// URI) they are ASCII letters, digits, '_' and '-'",
            extraCharacters: "_-", maxLength: 63,
            connectionFormat: "mongodb://admin:{passwordURI}@{host}:{port}/{database}?authSource=admin&authMechanism=SCRAM-SHA-256"),
        containerOnly: true,
        containerHealthCommand: ["mongosh", "--quiet", "--norc", "--eval", "db.adminCommand('ping').ok"]
    )
}
