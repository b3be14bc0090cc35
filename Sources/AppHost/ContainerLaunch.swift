import Foundation

/// What the container helper (`aspire container-exec`, run by the supervisor as the container's
/// process) does before it becomes `podman run`: remove a stale container of the same name,
/// create the app's named volumes with its label, build or pull the image — all with output in
/// the resource's log — then `exec` the engine, so the supervised process *is* the engine client
/// (signals, exit status and logs flow as for any process).
package struct ContainerLaunch: Sendable, Hashable {
    package var runtime: ContainerRuntime
    package var spec: ContainerRunSpec
    /// Build the image from this context (absolute) before running it.
    package var buildContext: String?
    /// The Dockerfile (absolute), when not `<context>/Dockerfile`.
    package var dockerfile: String?
    /// `lifetime: persistent`: the configuration hash the container is labelled with, and the
    /// state folder its record goes to (`ContainerLaunch+Persistent.swift`).
    package var persistentHash: String?
    package var stateDirectory: String?

    package init(runtime: ContainerRuntime, spec: ContainerRunSpec, buildContext: String? = nil, dockerfile: String? = nil) {
        self.runtime = runtime
        self.spec = spec
        self.buildContext = buildContext
        self.dockerfile = dockerfile
    }

    /// A problem the helper reports on one line before exiting.
    package struct Failure: Error, Sendable, Hashable, CustomStringConvertible {
        package var description: String
        package var exitCode: Int32
    }

    // MARK: - The helper's argv

    /// `--runtime P --flavor F --name N --resource R --app-id A --image I [--build C] [--dockerfile D]
    /// [--volume V]… -- RUN-ARGUMENTS…` (no values of the environment, so nothing secret).
    package var helperArguments: [String] {
        var argv = [
            "--runtime", runtime.executable, "--flavor", runtime.flavor.rawValue, "--name", spec.name, "--resource", spec.resource,
            "--app-id", spec.appID, "--image", spec.image,
        ]
        if let buildContext { argv += ["--build", buildContext] }
        if let dockerfile { argv += ["--dockerfile", dockerfile] }
        if let persistentHash, let stateDirectory { argv += ["--persistent", persistentHash, "--state", stateDirectory] }
        for volume in spec.volumeNames { argv += ["--volume", volume] }
        return argv + ["--"] + spec.runArguments(network: runtime.networkArguments)
    }

    /// Parses `helperArguments` back: the pieces the helper needs, and the `run` argv.
    package static func parse(_ arguments: [String]) throws(Failure) -> (ContainerLaunch, volumes: [String], run: [String]) {
        var options: [String: String] = [:]
        var volumes: [String] = []
        var index = 0
        while index < arguments.count, arguments[index] != "--" {
            let key = arguments[index]
            guard key.hasPrefix("--"), index + 1 < arguments.count else {
                throw Failure(description: "container-exec: unexpected argument '\(key)'", exitCode: 2)
            }
            if key == "--volume" { volumes.append(arguments[index + 1]) } else { options[String(key.dropFirst(2))] = arguments[index + 1] }
            index += 2
        }
        guard let executable = options["runtime"], let name = options["name"], let image = options["image"] else {
            throw Failure(description: "container-exec: --runtime, --name and --image are required", exitCode: 2)
        }
        let flavor = ContainerRuntime.Flavor(rawValue: options["flavor"] ?? "podman") ?? .podman
        let spec = ContainerRunSpec(name: name, image: image, appID: options["app-id"] ?? "", resource: options["resource"] ?? name, runID: "")
        var launch = ContainerLaunch(
            runtime: ContainerRuntime(flavor: flavor, executable: executable), spec: spec, buildContext: options["build"], dockerfile: options["dockerfile"])
        launch.persistentHash = options["persistent"]
        launch.stateDirectory = options["state"]
        return (launch, volumes, Array(arguments.dropFirst(index + 1)))
    }

    // MARK: - Replicas

    /// In the container name of a replicated container: the replica's index.
    package static let replicaToken = "{aspire.replica}"

    /// In a `-p` of a replicated container: that replica's published port of `endpoint`.
    package static func portToken(_ endpoint: String) -> String { "{aspire.port.\(endpoint)}" }

    /// The variable of the helper's environment holding a token's value (`ASPIRE_REPLICA`, `ASPIRE_PORT_http`).
    package static func variable(for token: String) -> String {
        token == replicaToken ? "ASPIRE_REPLICA" : "ASPIRE_PORT_" + token.dropFirst("{aspire.port.".count).dropLast()
    }

    /// `text` with the tokens filled in from `environment` (unknown ones stay as written).
    static func fillTokens(_ text: String, environment: [String: String]) -> String {
        guard text.contains("{aspire.") else { return text }
        var result = ""
        var rest = Substring(text)
        while let open = rest.range(of: "{aspire."), let close = rest[open.lowerBound...].firstIndex(of: "}") {
            result += rest[..<open.lowerBound]
            let token = String(rest[open.lowerBound...close])
            result += environment[variable(for: token)] ?? token
            rest = rest[rest.index(after: close)...]
        }
        return result + rest
    }

    // MARK: - Running

    /// Prepares the image and volumes, then replaces this process with `runtime run …`.
    /// Returns only on failure.
    package static func execute(_ arguments: [String]) -> Failure {
        var launch: ContainerLaunch
        let volumes: [String]
        var run: [String]
        do {
            (launch, volumes, run) = try parse(arguments)
        } catch {
            return error
        }
        // A replica's name and ports; only options before the image, never the user's arguments.
        let environment = ProcessInfo.processInfo.environment
        launch.spec.name = fillTokens(launch.spec.name, environment: environment)
        let imageIndex = run.firstIndex(of: launch.spec.image) ?? run.count
        for index in 0..<imageIndex { run[index] = fillTokens(run[index], environment: environment) }
        if launch.persistentHash != nil { return launch.executePersistent(volumes: volumes, run: run) }
        if let failure = launch.prepare(volumes: volumes) { return failure }
        var argv: [UnsafeMutablePointer<CChar>?] = ([launch.runtime.executable] + run).map { strdup($0) }
        argv.append(nil)
        execv(launch.runtime.executable, argv)
        let reason = String(cString: strerror(errno))
        return Failure(description: "\(launch.spec.resource): cannot run \(launch.runtime.executable): \(reason)", exitCode: 127)
    }

    /// Everything before `run`; nil when the container can start.
    func prepare(volumes: [String]) -> Failure? {
        let resource = spec.resource
        let engine = runtime.flavor.rawValue
        // A container of the same name left by a killed `up` would make `run --name` fail.
        _ = try? runtime.run(runtime.flavor == .podman ? ["rm", "-f", "--time", "0", spec.name] : ["rm", "-f", spec.name], timeout: .seconds(60))
        for volume in volumes where (try? runtime.run(["volume", "inspect", volume], timeout: .seconds(20)).status) != 0 {
            _ = try? runtime.run(["volume", "create", "--label", "\(ContainerLabels.app)=\(spec.appID)", volume], timeout: .seconds(20))
        }
        if let buildContext {
            // docker's classic builder keeps the container of a failed step unless told not to (podman removes it).
            var build = ["build", "-t", spec.image] + (runtime.flavor == .docker ? ["--force-rm"] : [])
            if let dockerfile { build += ["-f", dockerfile] }
            build.append(buildContext)
            let status = (try? runtime.runInheritingOutput(build)) ?? 127
            guard status == 0 else {
                let file = dockerfile ?? (buildContext as NSString).appendingPathComponent("Dockerfile")
                return Failure(
                    description: "\(resource): the image build failed (\(engine) build exited with code \(status)); fix \(file) (the build output is above) and run up again",
                    exitCode: 1)
            }
            return nil
        }
        if !runtime.hasImage(spec.image) {
            FileHandle.standardError.write(Data("aspire: \(resource): pulling \(spec.image)\n".utf8))
            let status = (try? runtime.runInheritingOutput(["pull", spec.image])) ?? 127
            guard status == 0 else {
                return Failure(
                    description: "\(resource): cannot pull image '\(spec.image)' (\(engine) pull exited with code \(status)); check the name and that its registry is reachable, or build it locally (\(engine) build -t \(spec.image) …) or give build: {context: …}",
                    exitCode: 125)
            }
        }
        return nil
    }
}
