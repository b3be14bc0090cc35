/// One container to run, engine-neutral; `runArguments` turns it into `podman run` argv.
///
/// Pure data and a pure function, so the argv (labels, ports, env names, mounts) is unit-tested
/// without an engine. Environment values never appear here: each variable is passed as
/// `-e NAME`, which the engine reads from its own environment, so secrets stay out of `ps`.
package struct ContainerRunSpec: Sendable, Hashable {
    /// A published port: `-p HOSTIP:HOSTPORT:TARGET`.
    package struct Port: Sendable, Hashable {
        package var hostPort: Int
        package var targetPort: Int
        /// Publish on all interfaces instead of loopback.
        package var external: Bool
        /// Written instead of `hostPort` (a replica's port, filled in by the helper).
        package var hostToken: String?
        /// Also published on this address (the engine's bridge gateway), so other containers
        /// reach the port through the host alias; loopback-published ports only.
        package var gateway: String?

        package init(hostPort: Int, targetPort: Int, external: Bool = false) {
            self.hostPort = hostPort
            self.targetPort = targetPort
            self.external = external
        }
    }

    /// A named engine volume or a host folder mounted at `target`.
    package struct Mount: Sendable, Hashable {
        package enum Source: Sendable, Hashable {
            case volume(String)
            /// A volume with no name (removed with the container).
            case anonymous
            case bind(String)
        }

        package var source: Source
        package var target: String
        package var readOnly: Bool

        package init(source: Source, target: String, readOnly: Bool = false) {
            self.source = source
            self.target = target
            self.readOnly = readOnly
        }
    }

    package var name: String
    package var image: String
    package var appID: String
    package var resource: String
    package var runID: String
    package var ports: [Port] = []
    /// Names of the variables the container gets (their values are in the engine's environment).
    package var environmentNames: [String] = []
    package var mounts: [Mount] = []
    package var entrypoint: String?
    package var arguments: [String] = []

    package init(name: String, image: String, appID: String, resource: String, runID: String) {
        self.name = name
        self.image = image
        self.appID = appID
        self.resource = resource
        self.runID = runID
    }

    /// `run --rm --name … --label … -p … -e … -v … [--entrypoint …] IMAGE ARGS…` (without the
    /// engine executable itself).
    package func runArguments(network: [String]) -> [String] {
        var argv = [
            "run", "--rm", "--name", name,
            "--label", "\(ContainerLabels.app)=\(appID)",
            "--label", "\(ContainerLabels.resource)=\(resource)",
            "--label", "\(ContainerLabels.run)=\(runID)",
        ]
        argv += network
        for port in ports {
            let host = port.hostToken ?? String(port.hostPort)
            argv += ["-p", port.external ? "\(host):\(port.targetPort)" : "127.0.0.1:\(host):\(port.targetPort)"]
            if !port.external, let gateway = port.gateway { argv += ["-p", "\(gateway):\(host):\(port.targetPort)"] }
        }
        for name in environmentNames.sorted() {
            argv += ["-e", name]
        }
        for mount in mounts {
            let suffix = mount.readOnly ? ":ro" : ""
            switch mount.source {
            case .volume(let volume): argv += ["-v", "\(volume):\(mount.target)\(suffix)"]
            case .anonymous: argv += ["-v", mount.target]
            case .bind(let path): argv += ["-v", "\(path):\(mount.target)\(suffix)"]
            }
        }
        if let entrypoint { argv += ["--entrypoint", entrypoint] }
        return argv + [image] + arguments
    }

    /// The named volumes, which the helper creates with the app's label before the run.
    package var volumeNames: [String] {
        mounts.compactMap {
            if case .volume(let name) = $0.source { return name }
            return nil
        }
    }
}
