import Foundation
package import Supervisor

/// `down --persistent` and `down --volumes`: stops the `lifetime: persistent` servers a state
/// folder records (natives by their verified pid, containers by name with their engine) and
/// forgets them.
package enum PersistentServers {
    /// Stops every recorded persistent server that still runs and removes every record.
    /// - Returns: The names of the resources whose server was stopped.
    @discardableResult
    package static func stopAll(state: String, environment: [String: String]) -> [String] {
        var stopped: [String] = []
        for (name, record) in PersistentRecord.all(state: state).sorted(by: { $0.key < $1.key }) where stop(record, state: state, environment: environment) {
            stopped.append(name)
        }
        return stopped
    }

    /// Stops one recorded server (a container by name with its engine: `stop`, 10 s, then
    /// `rm -f`; a native one by its verified pid) and removes its record.
    /// - Returns: Whether something was running and was stopped.
    @discardableResult
    package static func stop(_ record: PersistentRecord, state: String, environment: [String: String]) -> Bool {
        defer { PersistentRecord.remove(state: state, name: record.name, pid: record.pid) }
        if let container = record.container, let flavor = ContainerRuntime.Flavor(rawValue: record.runtime),
            let executable = ExecutableLookup.find(record.runtime, path: environment["PATH"])
        {
            let runtime = ContainerRuntime(flavor: flavor, executable: executable)
            let stop = try? runtime.run(["stop", "--time", "10", container], timeout: .seconds(30))
            _ = try? runtime.run(["rm", "-f", container], timeout: .seconds(30))
            return stop?.status == 0
        }
        guard record.isAlive else { return false }
        record.stop()
        return true
    }
}
