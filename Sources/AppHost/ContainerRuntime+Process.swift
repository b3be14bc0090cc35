import Foundation
import Supervisor

/// What a short engine command printed (stdout and stderr together) and how it exited.
package struct ProcessOutput: Sendable, Hashable {
    package var status: Int32 = -1
    package var output: String = ""
}

extension ContainerRuntime {
    /// Runs the engine CLI with `arguments`, capturing its output; its process group is killed
    /// after `timeout`.
    /// - Throws: `SpawnFailure` when the CLI cannot be started at all.
    package func run(_ arguments: [String], timeout: Duration) throws -> ProcessOutput {
        let job = try ChildProcess.runBlocking(
            [executable] + arguments, standardOutput: .capture, standardError: .intoStandardOutput, timeout: timeout)
        return ProcessOutput(status: job.status.code, output: job.outputText)
    }

    /// Runs the engine CLI with its output going to ours (the resource's log when `up` runs
    /// this inside the container helper). It stays in our process group, so the signal that
    /// stops the helper reaches it too. Returns the exit status.
    package func runInheritingOutput(_ arguments: [String]) throws -> Int32 {
        let job = try ChildProcess.runBlocking(
            [executable] + arguments, standardOutput: .inherit, standardError: .inherit, tie: .callersGroup)
        return job.status.code
    }
}
