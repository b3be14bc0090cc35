import AppModel
import AppState
import Foundation
import Supervisor

extension LaunchPlanner {
    /// A template type's server is not installed: what to install, or the container way.
    static func notInstalled(_ type: WellKnownType, resource name: String) -> Problem {
        Problem(
            resource: name,
            message: "\(type.nativeProgram) was not found on PATH; install it (\(type.installHint)) or run \(type.name) in a container (runtime: container, with podman or docker)")
    }

    /// A template-described server (`WellKnownType`) run natively: its program from PATH with the
    /// template's arguments (and those of the switches turned on), on loopback and the allocated
    /// port, data under `.aspire/data/<name>/`; as root, as the first of the type's `rootAccounts` that exists.
    func templateNativeCommand(
        _ resource: Resource, _ type: WellKnownType, _ wellKnown: WellKnown, extraArguments: [String], resolver: EnvironmentResolver
    ) -> Result<Command, Problem> {
        let name = resource.name
        let path = hostEnvironment["PATH"]
        guard let program = ([type.nativeProgram] + type.nativeAlternatives).lazy.compactMap({ ExecutableLookup.find($0, path: path) }).first else {
            return .failure(Self.notInstalled(type, resource: name))
        }
        let port: Int
        do {
            port = try resolver.hostPort(of: EndpointID(name, "tcp"))
        } catch {
            return .failure(Problem(resource: name, message: error.message))
        }
        var data = (folder.dataDirectory as NSString).appendingPathComponent(name)
        var user: ProcessUser?
        if !type.rootAccounts.isEmpty {
            // Its own account as root (the data folder then the account's), aspire's otherwise.
            switch serverAccount(name, accounts: type.rootAccounts, server: type.nativeProgram) {
            case .success(let prepared): (user, data) = prepared
            case .failure(let problem): return .failure(problem)
            }
        } else {
            do {
                try makeDirectory(data, mode: 0o700)
            } catch {
                return .failure(Problem(resource: name, message: "cannot create \(data): \(error.localizedDescription)"))
            }
        }
        let external = bindsBeyondLoopback(resource)
        var values = ["{bind}": external ? "0.0.0.0" : "127.0.0.1", "{port}": String(port), "{data}": data, "{targetPort}": String(port)]
        var secrets: [String] = []
        if let config = type.configFile {
            let path = (data as NSString).appendingPathComponent("server.conf")
            var configValues = values
            configValues["{data}"] = Self.configQuoted(data)
            if type.hasPassword {
                do {
                    let password = try resolver.password(of: name).value
                    secrets.append(password)
                    configValues["{password}"] = Self.configQuoted(password)
                } catch {
                    return .failure(Problem(resource: name, message: error.message))
                }
            }
            do {
                try writeFile(WellKnownType.fill(config, configValues), to: path, mode: 0o600)
            } catch {
                return .failure(Problem(resource: name, message: error.description))
            }
            if let user, effects == .prepare { chown(path, user.uid, user.gid) }
            values["{config}"] = Self.configFileArgument(path)
        }
        let arguments = (type.nativeArguments + (getuid() == 0 ? type.rootArguments : [])).map { WellKnownType.fill($0, values) }
            + type.switchArguments(wellKnown, data: data)
        var command = Command(
            executable: program, arguments: arguments + extraArguments, workingDirectory: data, secrets: secrets, listensOnHostPort: true,
            defaultHealthCheck: Self.greetingHealthCheck(type))
        command.user = user
        return .success(command)
    }

    /// A config file's path as redis-server (and valkey-server) read it from argv: they glob it
    /// when it holds `*`, `?` or `[`, so a folder named `[x]` would load no config at all (the
    /// server then starts on 6379 with no password); such a path has its glob characters
    /// escaped, so the glob matches exactly that file.
    static func configFileArgument(_ path: String) -> String {
        guard path.contains(where: { "*?[".contains($0) }) else { return path }
        var escaped = ""
        for character in path {
            if "*?[]\\".contains(character) { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped
    }

    /// A value inside a double-quoted redis-style config string (a password, a folder whose name
    /// may hold spaces, `#`, quotes, backslashes or line breaks).
    static func configQuoted(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "\r", with: "\\r")
    }
}
