import Foundation

/// What a short engine command printed (stdout and stderr together) and how it exited.
package struct ProcessOutput: Sendable, Hashable {
    package var status: Int32 = -1
    package var output: String = ""
}

extension ContainerRuntime {
    /// Runs the engine CLI with `arguments`, capturing its output; killed after `timeout`.
    /// - Throws: When the CLI cannot be started at all.
    package func run(_ arguments: [String], timeout: Duration) throws -> ProcessOutput {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let pid = process.processIdentifier
        let killer = DispatchWorkItem { kill(pid, SIGKILL) }
        let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        DispatchQueue.global().asyncAfter(deadline: .now() + seconds, execute: killer)
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        killer.cancel()
        return ProcessOutput(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
    }

    /// Runs the engine CLI with its output going to ours (the resource's log when `up` runs
    /// this inside the container helper). Returns the exit status.
    package func runInheritingOutput(_ arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }
}
