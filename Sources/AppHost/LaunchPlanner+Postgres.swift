import AppModel
import AppState
import Foundation
import Supervisor

extension LaunchPlanner {
    /// PostgreSQL run natively: `initdb` once (data under `.aspire/data/<name>/`), then `postgres`
    /// on loopback and the allocated port. As root it runs as the `postgres` user, because
    /// PostgreSQL refuses to run as root.
    func postgresCommand(_ resource: Resource, _ wellKnown: WellKnown, resolver: EnvironmentResolver, extraArguments: [String]) -> Result<Command, Problem> {
        let name = resource.name
        func fail(_ message: String) -> Result<Command, Problem> { .failure(Problem(resource: name, message: message)) }
        // Data from an earlier run must be served by the same major version.
        let existingMajor = PostgresBinaries.dataMajorVersion(folder.dataDirectory, name)
        guard let binaries = PostgresBinaries.find(path: hostEnvironment["PATH"], preferredMajor: existingMajor) else {
            return fail(
                "postgres and initdb were not found (PATH or /usr/lib/postgresql/*/bin); install them (Debian: apt-get install postgresql) or run PostgreSQL in a container (podman or docker)")
        }
        let port: Int
        let password: String
        switch serverAddress(name, resolver: resolver, for: name) {
        case .success(let address): (port, password) = address
        case .failure(let problem): return .failure(problem)
        }
        let user = getuid() == 0 ? PostgresBinaries.unprivilegedUser() : nil
        if getuid() == 0, user == nil {
            return fail("aspire runs as root and there is no 'postgres' user to run PostgreSQL as; create one (useradd -r postgres)")
        }
        let home: String
        switch PostgresDataFolder.prepare(state: folder, resource: name, user: user, create: effects == .prepare) {
        case .success(let path): home = path
        case .failure(let problem): return .failure(problem)
        }
        let data = (home as NSString).appendingPathComponent("pgdata")
        let sockets = (home as NSString).appendingPathComponent("run")
        if let dataMajor = existingMajor, effects == .prepare, let binaryMajor = binaries.majorVersion,
            dataMajor != binaryMajor
        {
            return fail(
                "the data in \(data) was created by PostgreSQL \(dataMajor), but this machine runs PostgreSQL \(binaryMajor) (\(binaries.postgres)); install PostgreSQL \(dataMajor) (Debian: apt-get install postgresql-\(dataMajor)), upgrade the data with pg_upgrade, or start over with `aspire down --volumes` (deletes it)"
            )
        }
        if effects == .prepare, !FileManager.default.fileExists(atPath: (data as NSString).appendingPathComponent("PG_VERSION")) {
            if let message = PostgresDataFolder.initialize(data: data, home: home, binaries: binaries, password: password, user: user) {
                return fail(message)
            }
        }
        let external = bindsBeyondLoopback(resource)
        // A Unix socket path holds at most 107 bytes (sun_path): in a long or deep folder the
        // server listens on TCP only (`-k ""`), which is all that aspire and its children use.
        let socketDirectory = (sockets + "/.s.PGSQL.\(port)").utf8.count <= 107 ? sockets : ""
        var command = Command(
            executable: binaries.postgres,
            arguments: [
                "-D", data, "-p", String(port), "-k", socketDirectory,
                "-c", "listen_addresses=\(external ? "*" : "127.0.0.1")",
                "-c", "logging_collector=off",
            ] + extraArguments,
            workingDirectory: home,
            environment: ["PGPASSWORD": password],
            secrets: [password],
            listensOnHostPort: true,
            defaultHealthCheck: HealthCheckSpec(
                probe: .exec([binaries.psql, "-h", "127.0.0.1", "-p", String(port), "-U", "postgres", "-d", "postgres", "-tAc", "SELECT 1"]),
                interval: .milliseconds(250), timeout: .seconds(3), retries: 3))
        command.user = user
        return .success(command)
    }

    /// A one-shot job that creates a database once its server is healthy (if it is missing).
    func databaseJob(_ resource: Resource, server: String, databaseName: String, resolver: EnvironmentResolver) -> Result<ServiceSpec, Problem> {
        let name = resource.name
        if containers.wellKnownInContainers.contains(server) {
            return databaseJobInContainer(resource, server: server, databaseName: databaseName, resolver: resolver)
        }
        // Data from an earlier run must be served by the same major version.
        let existingMajor = PostgresBinaries.dataMajorVersion(folder.dataDirectory, name)
        guard let binaries = PostgresBinaries.find(path: hostEnvironment["PATH"], preferredMajor: existingMajor) else {
            return .failure(Problem(resource: name, message: "psql was not found; install postgresql"))
        }
        let port: Int
        let password: String
        switch serverAddress(server, resolver: resolver, for: name) {
        case .success(let address): (port, password) = address
        case .failure(let problem): return .failure(problem)
        }
        let sql = Self.createDatabaseSQL(databaseName)
        let script = (folder.file("data") as NSString).appendingPathComponent("\(name).create.sql")
        do {
            try makeDirectory(folder.dataDirectory, mode: 0o711)
            try writeFile(sql, to: script, mode: 0o600)
        } catch {
            return .failure(Problem(resource: name, message: "\(error)"))
        }
        var environment = hostEnvironment
        environment["PGPASSWORD"] = password
        var spec = ServiceSpec(
            name: name, replicas: [ReplicaSpec(environment: environment)], executable: binaries.psql,
            arguments: ["-h", "127.0.0.1", "-p", String(port), "-U", "postgres", "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-q", "-f", script],
            // Not the app's folder: psql resolves its own path from the working directory and
            // gives up ("could not identify current directory") when that is over 1,024 bytes.
            workingDirectory: "/", waitFor: [server], secrets: [password])
        spec.partOf = server
        return .success(spec)
    }
}

extension LaunchPlanner {
    /// `CREATE DATABASE` unless it exists, for psql (`\gexec`), saying which it did (one line in
    /// the database's log: `creating database "x"` or `database "x" exists`). Database names are
    /// validated resource names or plain strings; quoted both ways.
    static func createDatabaseSQL(_ databaseName: String) -> String {
        let identifier = databaseName.replacingOccurrences(of: "\"", with: "\"\"")
        let literal = databaseName.replacingOccurrences(of: "'", with: "''")
        let exists = "EXISTS (SELECT FROM pg_database WHERE datname = '\(literal)')"
        return """
            \\pset tuples_only on
            \\pset format unaligned
            SELECT CASE WHEN \(exists) THEN 'database "\(literal)" exists' ELSE 'creating database "\(literal)"' END;
            SELECT 'CREATE DATABASE "\(identifier.replacingOccurrences(of: "'", with: "''"))"' WHERE NOT \(exists)\\gexec

            """
    }

    /// The folder mounted read-only at `/aspire-init` in a postgres container: the database
    /// scripts, so the creation job needs no psql on the host.
    func postgresInitFolder(_ server: String) -> String {
        (folder.dataDirectory as NSString).appendingPathComponent("\(server)-init")
    }

    /// The database job when the server runs in a container: `podman exec -e PGPASSWORD NAME psql
    /// -f /aspire-init/DB.create.sql` (the password reaches it by name, never in argv).
    func databaseJobInContainer(_ resource: Resource, server: String, databaseName: String, resolver: EnvironmentResolver) -> Result<ServiceSpec, Problem> {
        let name = resource.name
        let runtime: ContainerRuntime
        let password: String
        switch containerJobAccess(name, server: server, resolver: resolver) {
        case .success(let access): (runtime, password) = access
        case .failure(let problem): return .failure(problem)
        }
        let script = (postgresInitFolder(server) as NSString).appendingPathComponent("\(name).create.sql")
        do {
            try makeDirectory(postgresInitFolder(server), mode: 0o700)
            try writeFile(Self.createDatabaseSQL(databaseName), to: script, mode: 0o600)
        } catch {
            return .failure(Problem(resource: name, message: "\(error)"))
        }
        var environment = hostEnvironment
        environment["PGPASSWORD"] = password
        var spec = ServiceSpec(
            name: name, replicas: [ReplicaSpec(environment: environment)], executable: runtime.executable,
            arguments: [
                "exec", "-e", "PGPASSWORD", containers.containerName(server), "psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres",
                "-v", "ON_ERROR_STOP=1", "-q", "-f", "/aspire-init/\(name).create.sql",
            ],
            workingDirectory: folder.path, waitFor: [server], secrets: [password])
        spec.partOf = server
        return .success(spec)
    }
}

/// Where the PostgreSQL programs are: on PATH, or Debian's versioned folder.
struct PostgresBinaries {
    var postgres: String
    var initdb: String
    var psql: String

    /// The major version (`PG_VERSION`) of a data folder, nil when it has none.
    static func majorVersion(ofData data: String) -> Int? {
        let file = (data as NSString).appendingPathComponent("PG_VERSION")
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { return nil }
        return Int(text.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ".").first ?? "")
    }

    /// The data version of a postgres resource from an earlier run, read before the data folder
    /// is prepared (`.aspire/data/<name>/pgdata`, possibly a link to /var/tmp).
    static func dataMajorVersion(_ dataDirectory: String, _ name: String) -> Int? {
        majorVersion(ofData: ((dataDirectory as NSString).appendingPathComponent(name) as NSString).appendingPathComponent("pgdata"))
    }

    /// The major version of these binaries: from Debian's `/usr/lib/postgresql/<major>/bin`, else
    /// from `postgres --version`.
    var majorVersion: Int? {
        let parts = postgres.split(separator: "/")
        let count = parts.count
        if count >= 6, parts[count - 6] == "usr", parts[count - 5] == "lib", parts[count - 4] == "postgresql",
            parts[count - 2] == "bin", let major = Int(parts[count - 3])
        {
            return major
        }
        guard let job = try? ChildProcess.runBlocking([postgres, "--version"], standardOutput: .capture, standardError: .null) else {
            return nil
        }
        // "postgres (PostgreSQL) 15.8 (Debian 15.8-0+deb12u1)"
        let words = job.outputText.split(separator: " ")
        guard let index = words.firstIndex(of: "(PostgreSQL)"), index + 1 < words.count else { return nil }
        return Int(words[index + 1].split(separator: ".").first ?? "")
    }

    /// Finds `postgres` and `initdb`; with `preferredMajor`, Debian's folder of that version
    /// first (data from an earlier run keeps its server version).
    static func find(path: String?, preferredMajor: Int? = nil) -> PostgresBinaries? {
        var folders: [String] = []
        if let preferredMajor { folders.append("/usr/lib/postgresql/\(preferredMajor)/bin") }
        if let postgres = ExecutableLookup.find("postgres", path: path) {
            folders.append(((postgres as NSString).resolvingSymlinksInPath as NSString).deletingLastPathComponent)
        }
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? [])
            .compactMap(Int.init).sorted(by: >)
        folders += versions.map { "/usr/lib/postgresql/\($0)/bin" }
        for folder in folders {
            let postgres = (folder as NSString).appendingPathComponent("postgres")
            let initdb = (folder as NSString).appendingPathComponent("initdb")
            guard FileManager.default.isExecutableFile(atPath: postgres), FileManager.default.isExecutableFile(atPath: initdb) else { continue }
            let psql = [(folder as NSString).appendingPathComponent("psql")].first { FileManager.default.isExecutableFile(atPath: $0) }
                ?? ExecutableLookup.find("psql", path: path) ?? "psql"
            return PostgresBinaries(postgres: postgres, initdb: initdb, psql: psql)
        }
        return nil
    }

    /// The `postgres` account Debian's package creates.
    static func unprivilegedUser() -> ProcessUser? {
        guard let entry = getpwnam("postgres") else { return nil }
        return ProcessUser(uid: entry.pointee.pw_uid, gid: entry.pointee.pw_gid)
    }
}
