import AppModel
import AppState
import Foundation
import Supervisor

extension LaunchPlanner {
    /// A template-described server (`WellKnownType`) run natively: its program from PATH with the
    /// template's arguments, on loopback and the allocated port, data under `.aspire/data/<name>/`.
    func templateNativeCommand(_ resource: Resource, _ type: WellKnownType, extraArguments: [String], resolver: EnvironmentResolver) -> Result<Command, Problem> {
        let name = resource.name
        guard let program = ExecutableLookup.find(type.nativeProgram, path: hostEnvironment["PATH"]) else {
            return .failure(
                Problem(
                    resource: name,
                    message: "\(type.nativeProgram) was not found on PATH; install it (\(type.installHint)) or run \(type.name) in a container (runtime: container, with podman or docker)"))
        }
        let port: Int
        do {
            port = try resolver.hostPort(of: EndpointID(name, "tcp"))
        } catch {
            return .failure(Problem(resource: name, message: error.message))
        }
        let data = (folder.dataDirectory as NSString).appendingPathComponent(name)
        do {
            try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            return .failure(Problem(resource: name, message: "cannot create \(data): \(error.localizedDescription)"))
        }
        let external = resource.run.external || (resource.run.endpoints.first?.external ?? false)
        let values = ["{bind}": external ? "0.0.0.0" : "127.0.0.1", "{port}": String(port), "{data}": data, "{targetPort}": String(port)]
        let arguments = (type.nativeArguments + (getuid() == 0 ? type.rootArguments : [])).map { argument in
            values.reduce(argument) { $0.replacingOccurrences(of: $1.key, with: $1.value) }
        }
        return .success(
            Command(
                executable: program, arguments: arguments + extraArguments, workingDirectory: data, listensOnHostPort: true,
                defaultHealthCheck: HealthCheckSpec(probe: .tcp(endpoint: "tcp"), interval: .milliseconds(200), timeout: .seconds(2), retries: 3)))
    }
}
