import AppModel
import Foundation
import Quoting

/// The `databases:` of a server in a deployment: the shell a one-shot job runs in the server's
/// image to create them (idempotent: reruns are harmless), and the shell an init container runs
/// to wait until one exists. PostgreSQL and MySQL; MongoDB creates a database on its first write,
/// so it has none (a wait on one of its databases waits for the server).
struct DatabaseSetup {
    enum Server { case postgres, mysql }

    var server: Server
    var settings: WellKnown
    /// The databases' actual names, in order.
    var names: [String]

    /// nil when `resource` is no PostgreSQL or MySQL server with databases.
    init?(_ resource: Resource, manifest: Manifest) {
        switch resource.kind {
        case .postgres(let settings): (server, self.settings) = (.postgres, settings)
        case .wellKnown(let type, let settings) where type.name == WellKnownType.mysql.name: (server, self.settings) = (.mysql, settings)
        default: return nil
        }
        names = settings.databases.compactMap { database in
            guard case .postgresDatabase(_, let databaseName)? = manifest[database]?.kind else { return nil }
            return databaseName
        }
        if names.isEmpty { return nil }
    }

    /// The variable the client reads the server's password from.
    var passwordVariable: String {
        switch server {
        case .postgres: "PGPASSWORD"
        case .mysql: "MYSQL_PWD"
        }
    }

    /// The server's image, which has its client.
    func image(_ images: BaseImages) -> String {
        switch server {
        case .postgres: WellKnownImage.postgres.reference(settings, images: images)
        case .mysql: WellKnownImage.template(.mysql, settings, images: images).image
        }
    }

    /// What compose's job waits for: postgres has a health check; mysql's job waits itself.
    var composeCondition: String {
        switch server {
        case .postgres: "service_healthy"
        case .mysql: "service_started"
        }
    }

    /// The job's shell (before compose's or Kubernetes' `$` escaping). Kubernetes has no
    /// `depends_on`, so there it first waits until the server answers (`waitFirst`).
    func createScript(host: String, label: String, waitFirst: Bool) -> String {
        switch server {
        case .postgres:
            var lines = waitFirst ? ["until pg_isready -h \(host) -U postgres; do echo waiting for \(label); sleep 2; done"] : []
            for name in names {
                let check = Shell.quote("SELECT 1 FROM pg_database WHERE datname = \(Self.literal(name))")
                let create = Shell.quote("CREATE DATABASE \(Self.postgresIdentifier(name))")
                let line = "psql -h \(host) -U postgres -tAc \(check) | grep -q 1 || psql -h \(host) -U postgres -c \(create)"
                lines.append(waitFirst ? "(\(line))" : line)
            }
            return lines.joined(separator: " && ")
        case .mysql:
            // The image's first-run server listens on its socket only: the loop ends once the real one answers.
            let statements = names.map { "CREATE DATABASE IF NOT EXISTS \(Self.mysqlIdentifier($0));" }.joined(separator: " ")
            return "until mysql -h \(host) -uroot -e \(Shell.quote(statements)); do echo waiting for \(label); sleep 2; done"
        }
    }

    /// The shell condition that holds once database `name` exists on `host` (an init container
    /// loops on it).
    func waitCheck(for name: String, host: String) -> String {
        switch server {
        case .postgres:
            let query = Shell.quote("SELECT 1 FROM pg_database WHERE datname = \(Self.literal(name))")
            return "psql -h \(host) -U postgres -tAc \(query) | grep -q 1"
        case .mysql:
            let query = Shell.quote("USE \(Self.mysqlIdentifier(name))")
            return "mysql -h \(host) -uroot -e \(query)"
        }
    }

    static func literal(_ name: String) -> String { "'" + name.replacingOccurrences(of: "'", with: "''") + "'" }
    static func postgresIdentifier(_ name: String) -> String { "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
    static func mysqlIdentifier(_ name: String) -> String { "`" + name.replacingOccurrences(of: "`", with: "``") + "`" }
}
