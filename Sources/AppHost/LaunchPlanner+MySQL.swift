import AppModel
import AppState
import Foundation
import Supervisor

extension LaunchPlanner {
    /// MySQL run natively as MariaDB: `mariadb-install-db` once (data under
    /// `.aspire/data/<name>/data`), then `mariadbd` on loopback and the allocated port with an
    /// init file (0600) that sets root's password for `%` and `localhost` and creates the
    /// `databases:` at every start. As root it runs as the `mysql` user, as MariaDB asks.
    func mysqlCommand(_ resource: Resource, _ type: WellKnownType, _ wellKnown: WellKnown, resolver: EnvironmentResolver, extraArguments: [String]) -> Result<Command, Problem> {
        let name = resource.name
        func fail(_ message: String) -> Result<Command, Problem> { .failure(Problem(resource: name, message: message)) }
        let path = hostEnvironment["PATH"]
        guard let server = ([type.nativeProgram] + type.nativeAlternatives).lazy.compactMap({ ExecutableLookup.find($0, path: path) }).first,
            let installer = ["mariadb-install-db", "mysql_install_db"].lazy.compactMap({ ExecutableLookup.find($0, path: path) }).first
        else {
            return fail("mariadbd and mariadb-install-db were not found on PATH; install them (\(type.installHint)) or run mysql in a container (runtime: container, with podman or docker)")
        }
        let native: NativeServer
        switch nativeServer(name, resolver: resolver, accounts: ["mysql"], server: "MariaDB") {
        case .success(let value): native = value
        case .failure(let problem): return .failure(problem)
        }
        let (port, password, user, home) = (native.port, native.password, native.user, native.home)
        let data = (home as NSString).appendingPathComponent("data")
        let run = (home as NSString).appendingPathComponent("run")
        let initFile = (run as NSString).appendingPathComponent("init.sql")
        if effects == .prepare {
            if !FileManager.default.fileExists(atPath: (data as NSString).appendingPathComponent("mysql")) {
                if let message = Self.installMySQLData(installer: installer, data: data, user: user) { return fail(message) }
            }
            let databases = wellKnown.databases.compactMap { database -> String? in
                guard case .postgresDatabase(_, let databaseName)? = manifest[database]?.kind else { return nil }
                return databaseName
            }
            do {
                try writeFile(Self.mysqlInitSQL(password: password, databases: databases), to: initFile, mode: 0o600)
            } catch {
                return fail(error.description)
            }
            if let user { chown(initFile, user.uid, user.gid) }
        }
        // A Unix socket path holds at most 107 bytes (sun_path); a deeper folder uses /tmp's.
        let socket = (run as NSString).appendingPathComponent("mysqld.sock")
        let socketPath = socket.utf8.count <= 107 ? socket : "/tmp/aspire-mysql-\(port).sock"
        let external = bindsBeyondLoopback(resource)
        var command = Command(
            executable: server,
            arguments: [
                "--no-defaults", "--datadir=\(data)", "--port=\(port)", "--bind-address=\(external ? "0.0.0.0" : "127.0.0.1")",
                "--socket=\(socketPath)", "--pid-file=\((run as NSString).appendingPathComponent("mysqld.pid"))", "--init-file=\(initFile)",
                "--skip-name-resolve", "--innodb-buffer-pool-size=64M",
            ] + extraArguments,
            workingDirectory: home, secrets: [password], listensOnHostPort: true,
            defaultHealthCheck: Self.greetingHealthCheck(type))
        command.user = user
        return .success(command)
    }

    /// Runs `mariadb-install-db` once (as `user`, in `/`), root reachable by socket only until
    /// the init file gives it a password.
    static func installMySQLData(installer: String, data: String, user: ProcessUser?) -> String? {
        let job: JobResult
        do {
            job = try ChildProcess.runBlocking(
                [installer, "--no-defaults", "--datadir=\(data)", "--skip-test-db"], workingDirectory: "/", standardOutput: .capture,
                standardError: .intoStandardOutput, user: user)
        } catch {
            return "cannot run \(installer): \(error)"
        }
        guard job.status.isSuccess else {
            let last = job.outputText.split(separator: "\n").suffix(3).joined(separator: " / ")
            return "\(installer) failed (exit \(job.status.code)): \(last)"
        }
        return nil
    }

    /// Root's password for TCP (`%`) and the socket (`localhost`), and each database unless it
    /// exists. Names are validated (letters, digits, `_`, `$`, `-`) and quoted with backticks.
    static func mysqlInitSQL(password: String, databases: [String]) -> String {
        let literal = "'" + password.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "''") + "'"
        var lines = [
            "CREATE USER IF NOT EXISTS 'root'@'%' IDENTIFIED BY \(literal);",
            "ALTER USER 'root'@'%' IDENTIFIED BY \(literal);",
            "GRANT ALL PRIVILEGES ON *.* TO 'root'@'%' WITH GRANT OPTION;",
            "ALTER USER 'root'@'localhost' IDENTIFIED BY \(literal);",
        ]
        for database in databases {
            lines.append(createMySQLDatabaseSQL(database) + ";")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `CREATE DATABASE IF NOT EXISTS` with the name quoted in backticks (one inside doubled).
    static func createMySQLDatabaseSQL(_ databaseName: String) -> String {
        "CREATE DATABASE IF NOT EXISTS `\(databaseName.replacingOccurrences(of: "`", with: "``"))`"
    }

    /// A template type's health check: its protocol greeting, else a TCP connect.
    static func greetingHealthCheck(_ type: WellKnownType) -> HealthCheckSpec {
        if let path = type.healthPath {
            return HealthCheckSpec(
                probe: .http(endpoint: "tcp", path: path), interval: .seconds(5), timeout: .seconds(2), retries: 3,
                startPeriod: .seconds(type.startPeriod))
        }
        guard let greeting = type.greeting else {
            return HealthCheckSpec(probe: .tcp(endpoint: "tcp"), interval: .milliseconds(200), timeout: .seconds(2), retries: 3)
        }
        let probe = HealthCheckSpec.Greeting(send: greeting.send, expect: greeting.expect, offset: greeting.offset, what: greeting.what)
        return HealthCheckSpec(
            probe: .greeting(endpoint: "tcp", probe), interval: .milliseconds(500), timeout: .seconds(2), retries: 3, startPeriod: .seconds(type.startPeriod),
            startInterval: .milliseconds(50))
    }
}

extension LaunchPlanner {
    /// A database of a mysql server, as a one-shot job once the server is healthy: in a container
    /// through the engine, natively through MariaDB's client over TCP. Natively the server's init
    /// file already created it; the job makes sure of it (a database added while the server runs
    /// a persistent lifetime too), gives the database its row in `ps` and the dashboard, and is
    /// what `waitFor: [database]` waits on, as with postgres.
    func mysqlDatabaseJob(_ resource: Resource, server: String, databaseName: String, resolver: EnvironmentResolver) -> Result<ServiceSpec, Problem> {
        if containers.wellKnownInContainers.contains(server) {
            return mysqlDatabaseJobInContainer(resource, server: server, databaseName: databaseName, resolver: resolver)
        }
        let name = resource.name
        guard let client = ["mariadb", "mysql"].lazy.compactMap({ ExecutableLookup.find($0, path: self.hostEnvironment["PATH"]) }).first else {
            return .failure(Problem(resource: name, message: "the mariadb client was not found on PATH; install it (apt-get install mariadb-client)"))
        }
        let port: Int
        let password: String
        switch serverAddress(server, resolver: resolver, for: name) {
        case .success(let address): (port, password) = address
        case .failure(let problem): return .failure(problem)
        }
        return .success(mysqlClientJob(
            name, server: server, password: password, executable: client,
            arguments: ["--no-defaults", "--protocol=TCP", "-h", "127.0.0.1", "-P", String(port), "-uroot"],
            databaseName: databaseName, workingDirectory: "/"))
    }

    /// A database of a mysql container: `podman exec -e MYSQL_PWD NAME mysql -uroot -e 'CREATE
    /// DATABASE IF NOT EXISTS …'` once the server is healthy (the password by name, never argv).
    func mysqlDatabaseJobInContainer(_ resource: Resource, server: String, databaseName: String, resolver: EnvironmentResolver) -> Result<ServiceSpec, Problem> {
        let name = resource.name
        let runtime: ContainerRuntime
        let password: String
        switch containerJobAccess(name, server: server, resolver: resolver) {
        case .success(let access): (runtime, password) = access
        case .failure(let problem): return .failure(problem)
        }
        return .success(mysqlClientJob(
            name, server: server, password: password, executable: runtime.executable,
            arguments: ["exec", "-e", "MYSQL_PWD", containers.containerName(server), "mysql", "-h", "127.0.0.1", "-uroot"],
            databaseName: databaseName, workingDirectory: folder.path))
    }

    /// A database job: a mysql client (`executable` with its connection `arguments`) running
    /// `CREATE DATABASE IF NOT EXISTS` once `server` is healthy, the password by `MYSQL_PWD`,
    /// never argv.
    private func mysqlClientJob(
        _ name: String, server: String, password: String, executable: String, arguments: [String], databaseName: String,
        workingDirectory: String
    ) -> ServiceSpec {
        var environment = hostEnvironment
        environment["MYSQL_PWD"] = password
        var spec = ServiceSpec(
            name: name, replicas: [ReplicaSpec(environment: environment)], executable: executable,
            arguments: arguments + ["-e", Self.createMySQLDatabaseSQL(databaseName)],
            workingDirectory: workingDirectory, waitFor: [server], secrets: [password])
        spec.partOf = server
        return spec
    }
}
