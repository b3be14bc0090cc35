import AppModel
import Foundation
import Supervisor

extension LaunchPlanner {
    /// The account a native server runs as and its data home under `.aspire/data/NAME`: as root,
    /// the first of the server's own unprivileged `accounts` that exists (MariaDB and RabbitMQ
    /// refuse to run as root, and no server's files should be root's); otherwise aspire's own
    /// user (nil). As root, what an earlier run left in the folder as root is handed over too
    /// (Redis's append-only files from before it ran as `redis`). There is no fallback to
    /// `nobody`: the folder holds data and the password, which every other `nobody` process could
    /// then read.
    func serverAccount(_ name: String, accounts: [String], server: String) -> Result<(user: ProcessUser?, home: String), Problem> {
        var user: ProcessUser?
        if getuid() == 0 {
            guard let entry = accounts.lazy.compactMap({ getpwnam($0) }).first else {
                let names = accounts.map { "'\($0)'" }.joined(separator: " or ")
                return .failure(Problem(
                    resource: name,
                    message: "aspire runs as root and there is no \(names) user to run \(server) as; create one (useradd -r \(accounts.first ?? server)) or run aspire as a non-root user"))
            }
            user = ProcessUser(uid: entry.pointee.pw_uid, gid: entry.pointee.pw_gid)
        }
        return dataHome(name, for: user).map { (user, $0) }
    }

    /// What a native server with a password and an account of its own needs from the plan: its
    /// port and password (``serverAddress(_:resolver:for:)``), then the account and data home it
    /// runs with (``serverAccount(_:accounts:server:)``).
    func nativeServer(_ name: String, resolver: EnvironmentResolver, accounts: [String], server: String) -> Result<NativeServer, Problem> {
        serverAddress(name, resolver: resolver, for: name).flatMap { port, password in
            serverAccount(name, accounts: accounts, server: server).map {
                NativeServer(port: port, password: password, user: $0.user, home: $0.home)
            }
        }
    }

    /// The data home under `.aspire/data/NAME` of a server run as `user` (nil: aspire's own): made
    /// `user`'s (outside `.aspire` when that account cannot reach it), with what an earlier run
    /// as root left in it handed over.
    func dataHome(_ name: String, for user: ProcessUser?) -> Result<String, Problem> {
        let prepared = PostgresDataFolder.prepare(state: folder, resource: name, user: user, create: effects == .prepare)
        if case .success(let home) = prepared, let user, effects == .prepare { PostgresDataFolder.handOver(contentsOf: home, to: user) }
        return prepared
    }

    /// What a database job run inside its server's container needs: the engine and the server's
    /// password (passed to the job by name, never in argv).
    func containerJobAccess(_ name: String, server: String, resolver: EnvironmentResolver) -> Result<(runtime: ContainerRuntime, password: String), Problem> {
        let runtime: ContainerRuntime
        switch engine(for: name) {
        case .success(let value): runtime = value
        case .failure(let problem): return .failure(problem)
        }
        do {
            return .success((runtime, try resolver.password(of: server).value))
        } catch {
            return .failure(Problem(resource: name, message: error.message))
        }
    }
}

/// A native server's port, password, account (nil: aspire's own) and data home.
struct NativeServer {
    var port: Int
    var password: String
    var user: ProcessUser?
    var home: String
}
