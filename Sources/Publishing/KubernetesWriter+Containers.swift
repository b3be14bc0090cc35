import AppModel
import AppState
import Foundation
import Quoting
import YAMLSource

extension KubernetesWriter.Context {
    typealias Value = YAMLEmitter.Value
    typealias Pairs = [(key: String, value: Value)]

    static let waitImage = "docker.io/library/busybox:1.36"

    // MARK: - The main container

    /// The container of `resource` and the plain variables for its ConfigMap (nil when none).
    mutating func container(_ resource: Resource) throws(PublishError) -> (Value, [(String, String)]?) {
        let name = names[resource.name]
        var pairs: Pairs = [("name", .string(name))]
        var command: [String]?
        var arguments = try resolved { () throws(EnvironmentResolver.Failure) in try environment.arguments(of: resource) }
        var extra: [(String, DeployedValue)] = []
        var mounts: [Value] = []
        var built = false
        switch resource.kind {
        case .project(let project):
            built = true
            let folder = PathArithmetic.absolute(project.path, base: manifest.directory)
            if case .missing(let reason) = DockerfileGenerator.plan(projectFolder: folder, command: project.command, displayPath: project.path, images: options.baseImages) {
                notes.append(PublishNote(resource.name, "needs a Dockerfile to build its image: \(reason)"))
            }
        case .executable(let executable):
            built = true
            let folder = PathArithmetic.absolute(resource.run.workingDir ?? ".", base: manifest.directory)
            switch DockerfileGenerator.plan(executableFolder: folder, command: executable.command, displayPath: resource.run.workingDir ?? ".", images: options.baseImages) {
            case .existing: arguments.insert(DeployedValue(text: executable.command), at: 0)
            case .generated: break
            case .missing(let reason):
                arguments.insert(DeployedValue(text: executable.command), at: 0)
                notes.append(PublishNote(resource.name, "needs a Dockerfile to build its image: \(reason)"))
            }
        case .container(let container):
            if container.image == nil {
                built = true
                notes.append(PublishNote(resource.name, "its image is built from \(container.build?.context ?? "."); build and push it, then set `images:` in kustomization.yaml"))
            }
            if let entrypoint = container.entrypoint { command = [entrypoint] }
            for (index, volume) in container.volumes.enumerated() {
                var mount: Pairs = [("name", .string("volume-\(index)")), ("mountPath", .string(volume.target))]
                if volume.readOnly { mount.append(("readOnly", true)) }
                mounts.append(.map(mount))
            }
        case .redis:
            command = ["/bin/sh", "-c"]
            let tail = arguments.map { " " + Shell.quote(envText($0)) }.joined()
            arguments = [DeployedValue(text: "redis-server --requirepass \"$REDIS_PASSWORD\"" + tail)]
            extra.append(("REDIS_PASSWORD", try password(resource)))
            mounts.append(["name": "data", "mountPath": "/data"])
        case .postgres:
            if !arguments.isEmpty { arguments.insert(DeployedValue(text: "postgres"), at: 0) }
            extra.append(("POSTGRES_USER", DeployedValue(text: "postgres")))
            extra.append(("POSTGRES_PASSWORD", try password(resource)))
            extra.append(("PGDATA", DeployedValue(text: "/var/lib/postgresql/data/pgdata")))
            mounts.append(["name": "data", "mountPath": "/var/lib/postgresql/data"])
        case .wellKnown(let type, let wellKnown):
            if let shell = WellKnownImage.shell(type, wellKnown) {
                command = ["/bin/sh", "-c"]
                let tail = arguments.map { " " + Shell.quote(envText($0)) }.joined()
                arguments = [DeployedValue(text: shell + tail)]
                extra.append(("SERVER_PASSWORD", try password(resource)))
            } else {
                arguments = WellKnownImage.template(type, wellKnown, images: options.baseImages).arguments.map { DeployedValue(text: $0) } + arguments
            }
            for (key, value) in type.deployedEnvironment(service: name) {
                let deployed: DeployedValue
                if let value { deployed = DeployedValue(text: value) } else { deployed = try password(resource) }
                extra.append((key, deployed))
            }
            if let data = type.containerDataPath { mounts.append(["name": "data", "mountPath": .string(data)]) }
        default:
            break
        }
        pairs.append(("image", .string(image(of: resource))))
        if built {
            pairs.append(("imagePullPolicy", "IfNotPresent"))
            let imageName = "\(appName)-\(name)"
            if !builtImages.contains(imageName) { builtImages.append(imageName) }
        }
        if let command { pairs.append(("command", .strings(command))) }
        if !arguments.isEmpty {
            // Kubernetes expands $(NAME) in args; a literal `$` is written `$$`.
            pairs.append(("args", .strings(arguments.map(envText))))
        }
        if case .container = resource.kind, let workingDir = resource.run.workingDir { pairs.append(("workingDir", .string(workingDir))) }
        let containerPorts: [Value] = resource.run.endpoints.compactMap { endpoint in
            guard let port = ports[resource.name, endpoint.name] else { return nil }
            if kubePlay { return hostPort(endpoint, port: port, of: resource) }
            return [
                "name": .string(portName(endpoint.name, of: resource)), "containerPort": .int(port),
                "protocol": .string(endpoint.scheme == .udp ? "UDP" : "TCP"),
            ]
        }
        if !containerPorts.isEmpty { pairs.append(("ports", .sequence(containerPorts, flow: false))) }

        let variables = try resolved { () throws(EnvironmentResolver.Failure) in try environment.environment(of: resource) }
        let (configMap, env) = split(extra + variables.map { ($0.name, $0.value) }, arguments: arguments)
        var envFrom: [Value] = []
        if !configMap.isEmpty { envFrom.append(["configMapRef": ["name": .string("\(name)-env")]]) }
        if let envFile = resource.run.envFile { envFrom.append(["secretRef": ["name": .string(copyEnvFile(envFile, of: resource))]]) }
        if !envFrom.isEmpty { pairs.append(("envFrom", .sequence(envFrom, flow: false))) }
        if !env.isEmpty { pairs.append(("env", .sequence(env, flow: false))) }
        if !kubePlay, let check = DeployedHealthCheck.of(resource, ports: ports) {
            pairs.append(("readinessProbe", probe(check, resource: resource)))
            pairs.append(("livenessProbe", probe(check, resource: resource)))
        }
        if !mounts.isEmpty { pairs.append(("volumeMounts", .sequence(mounts, flow: false))) }
        return (.map(pairs), configMap.isEmpty ? nil : configMap)
    }

    private func image(of resource: Resource) -> String {
        switch resource.kind {
        case .redis(let wellKnown): return WellKnownImage.redis.reference(wellKnown, images: options.baseImages)
        case .postgres(let wellKnown): return WellKnownImage.postgres.reference(wellKnown, images: options.baseImages)
        case .wellKnown(let type, let wellKnown): return WellKnownImage.template(type, wellKnown, images: options.baseImages).image
        case .container(let container) where container.image != nil: return container.image ?? ""
        default: return "\(appName)-\(names[resource.name]):latest"
        }
    }

    // MARK: - Environment

    /// The env var a container holds a secret in, for `$(NAME)` inside composite values.
    static func helper(_ variable: String) -> String { "ASPIRE_SECRET_\(variable)" }

    /// `$(NAME)` references, `$` written as `$$` (Kubernetes expands env values and args).
    static func kubernetes(_ value: DeployedValue) -> String {
        value.rendered(escapingDollars: true) { "$(\(helper($0)))" }
    }

    /// An env value or argument as written: `$(NAME)` references (`kubernetes`), or for kube
    /// play, which expands neither `$(NAME)` nor `$$`, the text with the values put in.
    func envText(_ value: DeployedValue) -> String {
        kubePlay ? value.rendered(escapingDollars: false) { variables[name: $0]?.value ?? "" } : Self.kubernetes(value)
    }

    /// `$` written `$$` in a shell script Kubernetes would expand (not for kube play).
    func escaped(_ script: String) -> String { kubePlay ? script : script.replacingOccurrences(of: "$", with: "$$") }

    /// Plain values go to the ConfigMap; a value that is one secret is a `secretKeyRef`; a value
    /// with secrets inside (a connection string) is written with `$(…)` references to helper
    /// variables, which come first so Kubernetes can expand them.
    private func split(_ variables: [(String, DeployedValue)], arguments: [DeployedValue]) -> ([(String, String)], [Value]) {
        var configMap: [(String, String)] = []
        var env: [Value] = []
        var helpers: [String] = []
        func needs(_ names: [String]) {
            for name in names where !helpers.contains(name) { helpers.append(name) }
        }
        for argument in arguments where !kubePlay { needs(argument.variables) }
        for (name, value) in variables {
            if let text = value.plainText {
                configMap.append((name, text))
            } else if kubePlay {
                env.append(["name": .string(name), "value": .string(envText(value))])
            } else if let variable = value.soleVariable {
                env.append(secretReference(name, key: variable))
            } else {
                needs(value.variables)
                env.append(["name": .string(name), "value": .string(Self.kubernetes(value))])
            }
        }
        return (configMap, helpers.map { secretReference(Self.helper($0), key: $0) } + env)
    }

    private func secretReference(_ name: String, key: String) -> Value {
        ["name": .string(name), "valueFrom": ["secretKeyRef": ["name": .string(secretName), "key": .string(key)]]]
    }

    /// The variables of an `envFile`, copied (0600) beside the manifests for kustomize to turn
    /// into a Secret (its values may be secrets).
    private mutating func copyEnvFile(_ path: String, of resource: Resource) -> String {
        let name = "\(names[resource.name])-envfile"
        let absolute = PathArithmetic.absolute(path, base: manifest.directory)
        var contents = "# Copied from \(path) by `aspire publish` for \(resource.name).\n"
        switch DotEnv.read(absolute) {
        case .success(let pairs):
            contents += DotEnv.render(pairs.map { (name: $0.0, value: $0.1) })
        case .failure(let failure):
            notes.append(PublishNote(resource.name, failure.message))
        }
        let file = "\(name).env"
        envFiles.append(OutputFile(path: file, contents: contents, mode: 0o600))
        envFileSecrets.append((name, file))
        return name
    }

    private func password(_ resource: Resource) throws(PublishError) -> DeployedValue {
        try resolved { () throws(EnvironmentResolver.Failure) in try environment.password(of: resource.name) }
    }

    func resolved<T>(_ body: () throws(EnvironmentResolver.Failure) -> T) throws(PublishError) -> T {
        do {
            return try body()
        } catch {
            throw PublishError("cannot resolve the environment: \(error.message)")
        }
    }

    // MARK: - Probes

    private func probe(_ check: DeployedHealthCheck, resource: Resource) -> Value {
        var pairs: Pairs
        switch check.probe {
        case .http(let path, _, let endpoint, let https):
            pairs = [("httpGet", ["path": .string(path), "port": .string(portName(endpoint, of: resource)), "scheme": https ? "HTTPS" : "HTTP"])]
        case .tcp(_, let endpoint):
            pairs = [("tcpSocket", ["port": .string(portName(endpoint, of: resource))])]
        case .exec(let argv):
            pairs = [("exec", ["command": .strings(argv)])]
        case .shell(let line):
            pairs = [("exec", ["command": .strings(["/bin/sh", "-c", line])])]
        }
        if check.startPeriod > .zero { pairs.append(("initialDelaySeconds", .int(DeployedHealthCheck.seconds(check.startPeriod, minimum: 0)))) }
        pairs.append(("periodSeconds", .int(DeployedHealthCheck.seconds(check.interval, minimum: 1))))
        pairs.append(("timeoutSeconds", .int(DeployedHealthCheck.seconds(check.timeout, minimum: 1))))
        pairs.append(("failureThreshold", .int(max(1, check.retries))))
        return .map(pairs)
    }

    // MARK: - Waiting

    /// One init container per `waitFor`: until the dependency's Service answers (a Service only
    /// routes to ready pods), or for a database, until it exists.
    mutating func initContainers(_ resource: Resource) -> [Value] {
        var result: [Value] = []
        for wait in resource.run.waitFor {
            guard let target = manifest[wait.name] else { continue }
            let name = "wait-for-\(KubernetesNames.label(wait.name, limit: 50))"
            if case .postgresDatabase(let server, let databaseName) = target.kind, let serverResource = manifest[server],
                let setup = DatabaseSetup(serverResource, manifest: manifest)
            {
                let script = waitLoop(setup.waitCheck(for: databaseName, host: names[server]), for: wait.name)
                var container: Pairs = [
                    ("name", .string(name)), ("image", .string(image(of: serverResource))), ("command", .strings(["/bin/sh", "-c"])),
                    ("args", .strings([escaped(script)])),
                ]
                if let password = try? environment.password(of: server) {
                    let (_, env) = split([(setup.passwordVariable, password)], arguments: [])
                    let plain = password.plainText.map { [Value](arrayLiteral: ["name": .string(setup.passwordVariable), "value": .string($0)]) } ?? env
                    container.append(("env", .sequence(plain, flow: false)))
                }
                result.append(.map(container))
                continue
            }
            guard let owner = manifest.runnableOwner(of: wait.name), let ownerResource = manifest[owner],
                let endpoint = ownerResource.run.endpoints.first, let port = ports[owner, endpoint.name]
            else {
                notes.append(PublishNote(resource.name, "cannot wait for '\(wait.name)' in Kubernetes: it has no endpoint to check"))
                continue
            }
            // busybox-static (Debian) has no `nc -z`; kube play waits for init containers, so it gives up.
            let check = kubePlay ? "timeout 5 nc -w 2 \(names[owner]) \(port) </dev/null >/dev/null 2>&1" : "nc -z -w 2 \(names[owner]) \(port)"
            let script = waitLoop(check, for: wait.name)
            result.append(["name": .string(name), "image": .string(options.baseImages.image("busybox", default: Self.waitImage)), "command": .strings(["sh", "-c", script])])
        }
        return result
    }

    /// `until CHECK; do …; sleep 2; done`; for kube play, which holds its lock while an init
    /// container runs, at most 90 tries (3 minutes), then exit 1.
    private func waitLoop(_ check: String, for target: String) -> String {
        guard kubePlay else { return "until \(check); do echo waiting for \(target); sleep 2; done" }
        return "n=0; until \(check); do n=$((n+1)); if [ $n -gt 90 ]; then echo gave up waiting for \(target); exit 1; fi; echo waiting for \(target); sleep 2; done"
    }

    /// A container port for kube play, which publishes every container port on the host: only
    /// external endpoints, with `hostPort` (the endpoint's `port`) on 127.0.0.1.
    private func hostPort(_ endpoint: Endpoint, port: Int, of resource: Resource) -> Value? {
        guard endpoint.external else { return nil }
        return [
            "name": .string(portName(endpoint.name, of: resource)), "containerPort": .int(port), "hostPort": .int(endpoint.port ?? port),
            "hostIP": "127.0.0.1", "protocol": .string(endpoint.scheme == .udp ? "UDP" : "TCP"),
        ]
    }

    // MARK: - Databases

    /// A Job that creates the server's databases once it answers (idempotent; reruns are harmless).
    func databaseJob(_ server: Resource, _ setup: DatabaseSetup) throws(PublishError) -> Value {
        let host = names[server.name]
        let script = setup.createScript(host: host, label: server.name, waitFirst: true)
        let password = try self.password(server)
        let (_, secretEnv) = split([(setup.passwordVariable, password)], arguments: [])
        let env: [Value] = password.plainText.map { [["name": .string(setup.passwordVariable), "value": .string($0)]] } ?? secretEnv
        let name = "\(host)-databases"
        let container: Value = [
            "name": "create-databases", "image": .string(image(of: server)), "command": .strings(["/bin/sh", "-c"]),
            "args": .strings([escaped(script)]),
            "env": .sequence(env, flow: false),
        ]
        if kubePlay {
            return [
                "apiVersion": "v1", "kind": "Pod", "metadata": ["name": .string(name), "labels": labels(named: name, component: "database-setup")],
                "spec": ["restartPolicy": "OnFailure", "containers": [container]],
            ]
        }
        return [
            "apiVersion": "batch/v1", "kind": "Job",
            "metadata": ["name": .string(name), "labels": labels(named: name, component: "database-setup")],
            "spec": [
                "backoffLimit": 20,
                "template": [
                    "metadata": ["labels": labels(named: name, component: "database-setup")],
                    "spec": ["restartPolicy": "OnFailure", "containers": [container]],
                ],
            ],
        ]
    }
}
