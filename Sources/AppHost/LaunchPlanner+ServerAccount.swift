import AppModel
import Foundation
import Supervisor

extension LaunchPlanner {
    /// The account a native server runs as and its data home under `.aspire/data/NAME`: as root,
    /// the server's own unprivileged user (MariaDB and RabbitMQ refuse to run as root, and their
    /// files must not be root's); otherwise aspire's own user (nil).
    func serverAccount(_ name: String, account: String, server: String) -> Result<(user: ProcessUser?, home: String), Problem> {
        var user: ProcessUser?
        if getuid() == 0 {
            guard let entry = getpwnam(account) else {
                return .failure(Problem(
                    resource: name,
                    message: "aspire runs as root and there is no '\(account)' user to run \(server) as; create one (useradd -r \(account))"))
            }
            user = ProcessUser(uid: entry.pointee.pw_uid, gid: entry.pointee.pw_gid)
        }
        switch PostgresDataFolder.prepare(state: folder, resource: name, user: user, create: effects == .prepare) {
        case .success(let home): return .success((user, home))
        case .failure(let problem): return .failure(problem)
        }
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
