extension WellKnownType {
    /// `type: mysql`: Debian's MariaDB (`mariadbd`, initialised once, as the `mysql` user when
    /// aspire is root) run natively, else Aspire's default image `mysql:9.4`. User `root` with a
    /// generated password; `databases:` are created at start. Connection string and properties as
    /// Aspire's MySQL resource; healthy once the server sends its handshake (protocol 10).
    package static let mysql = WellKnownType(
        name: "mysql",
        image: "docker.io/library/mysql",
        tag: "9.4",
        targetPort: 3306,
        hasPassword: true,
        connectionString: "Server={host};Port={port};User ID=root;Password={password}",
        properties: [
            Property("HOST", "{host}"),
            Property("PORT", "{port}"),
            Property("USERNAME", "root"),
            Property("PASSWORD", "{password}"),
            Property("URI", "mysql://root:{passwordURI}@{host}:{port}"),
            Property("JDBCCONNECTIONSTRING", "jdbc:mysql://{host}:{port}"),
        ],
        nativeProgram: "mariadbd",
        nativeAlternatives: ["mysqld"],
        // The planner builds the native command itself (initialisation, user switch).
        nativeArguments: [],
        installHint: "Debian: apt-get install mariadb-server",
        containerDataPath: "/var/lib/mysql",
        containerEnvironment: ["MYSQL_ROOT_PASSWORD": "{password}"],
        // A MySQL handshake packet: a 3-byte length, sequence 0, then protocol version 10.
        greeting: Greeting(expect: [0, 0x0A], offset: 3, what: "a MySQL handshake"),
        databases: Databases(
            connectionSuffix: ";Database={database}",
            properties: [
                Property("URI", "mysql://root:{passwordURI}@{host}:{port}/{database}"),
                Property("JDBCCONNECTIONSTRING", "jdbc:mysql://{host}:{port}/{database}"),
                Property("DATABASENAME", "{database}"),
            ],
            // MariaDB and MySQL take any name of at most 64 characters in backticks (a '-' too: the
            // data folder spells it @002d); aspire quotes every name so, and keeps to characters
            // that need no escaping in `Database=…` or a URI.
            rule: "MySQL database names are at most 64 characters; quoted with backticks here, they are ASCII letters, digits, '_', '$' and '-'",
            extraCharacters: "_$-", maxLength: 64)
    )
}
