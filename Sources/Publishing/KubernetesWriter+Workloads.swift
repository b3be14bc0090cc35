import AppModel
import AppState
import Foundation
import YAMLSource

extension KubernetesWriter {
    /// Per-render state and the builders of each object.
    struct Context {
        let manifest: Manifest
        let options: PublishOptions
        let ports: DeploymentPorts
        let names: KubernetesNames
        let environment: DeploymentEnvironment
        let variables: DeploymentVariables
        var notes: [PublishNote] = []
        /// Images built from source (`shop-apiservice`), for kustomize's `images:`.
        var builtImages: [String] = []
        /// Copies of `envFile`s (0600) and the Secrets kustomize makes of them.
        var envFiles: [OutputFile] = []
        var envFileSecrets: [(name: String, file: String)] = []
        /// PersistentVolumeClaims written so far.
        var claims: Set<String> = []
        /// Rendering `kube-play.yaml` (`--kube-play`): Pods, values put in, no Services.
        var kubePlay = false

        init(
            manifest: Manifest, options: PublishOptions, ports: DeploymentPorts, names: KubernetesNames, environment: DeploymentEnvironment,
            variables: DeploymentVariables
        ) {
            self.manifest = manifest
            self.options = options
            self.ports = ports
            self.names = names
            self.environment = environment
            self.variables = variables
        }

        var appName: String { KubernetesNames.label(manifest.name) }
        var secretName: String { "\(appName)-secrets" }

        /// Resources some other resource waits to complete: they run as Jobs.
        private var oneShots: Set<String> {
            Set(manifest.resources.flatMap { $0.run.waitForCompletion.compactMap { manifest.runnableOwner(of: $0.name) } })
        }

        func labels(_ resource: String, component: String) -> Value { labels(named: names[resource], component: component) }

        /// The `app.kubernetes.io/*` labels of an object named `name` (its pods are selected by name and app).
        func labels(named name: String, component: String) -> Value {
            [
                "app.kubernetes.io/name": .string(name),
                "app.kubernetes.io/instance": .string(name),
                "app.kubernetes.io/component": .string(component),
                "app.kubernetes.io/part-of": .string(appName),
                "app.kubernetes.io/managed-by": "aspire",
            ]
        }

        func selector(_ resource: String) -> Value {
            ["app.kubernetes.io/name": .string(names[resource]), "app.kubernetes.io/part-of": .string(appName)]
        }

        func metadata(_ name: String, resource: String, component: String) -> Value {
            ["name": .string(name), "labels": labels(resource, component: component)]
        }

        // MARK: - Objects of one resource

        mutating func documents(for resource: Resource) throws(PublishError) -> [Value] {
            let name = names[resource.name]
            let component = resource.typeName
            var documents: [Value] = []
            let (container, configMap) = try self.container(resource)
            if let configMap {
                documents.append([
                    "apiVersion": "v1", "kind": "ConfigMap", "metadata": metadata("\(name)-env", resource: resource.name, component: component),
                    "data": .map(configMap.map { ($0.0, Value.string($0.1)) }),
                ])
            }
            var podSpec: Pairs = []
            let initContainers = self.initContainers(resource)
            if !initContainers.isEmpty { podSpec.append(("initContainers", .sequence(initContainers, flow: false))) }
            podSpec.append(("containers", [container]))
            var podVolumes: [Value] = []
            if case .container(let spec) = resource.kind {
                for (index, volume) in spec.volumes.enumerated() {
                    let volumeName = "volume-\(index)"
                    if let claim = volume.name {
                        // One claim per volume name, shared by every resource that mounts it (as in compose).
                        let claimName = KubernetesNames.label(claim)
                        // podman 4.3 refuses a claim whose volume exists; without one it makes the volume and keeps it.
                        if claims.insert(claimName).inserted, !kubePlay { documents.append(persistentVolumeClaim(claimName)) }
                        podVolumes.append(["name": .string(volumeName), "persistentVolumeClaim": ["claimName": .string(claimName)]])
                    } else {
                        podVolumes.append(["name": .string(volumeName), "emptyDir": .mapping([], flow: false)])
                    }
                }
                if !spec.bindMounts.isEmpty {
                    notes.append(PublishNote(resource.name, "bind mounts are not published to Kubernetes (\(spec.bindMounts.map(\.source).joined(separator: ", "))); use a ConfigMap or a volume"))
                }
            }
            if kubePlay, resource.isWellKnown {
                // The StatefulSet's claim template, as a claim podman makes a named volume of.
                podVolumes.append(["name": "data", "persistentVolumeClaim": ["claimName": .string("\(appName)-\(name)-data")]])
            }
            if !podVolumes.isEmpty { podSpec.append(("volumes", .sequence(podVolumes, flow: false))) }
            if let signal = resource.run.stopSignal, signal.number != 15 {
                notes.append(PublishNote(resource.name, "stopSignal \(signal.name) is not published: Kubernetes always sends SIGTERM; set STOPSIGNAL in the image or a preStop hook"))
            }
            let isJob = !resource.isWellKnown && oneShots.contains(resource.name)
            if isJob { podSpec.append(("restartPolicy", "OnFailure")) }
            let template: Value = ["metadata": ["labels": labels(resource.name, component: component)], "spec": .map(podSpec)]
            let meta = metadata(name, resource: resource.name, component: component)
            if kubePlay {
                // One Pod named as the Service would be: podman's DNS answers pod names on a shared network.
                if !isJob { podSpec.append(("restartPolicy", "Always")) }
                var podMeta: Pairs = [("name", .string(name)), ("labels", labels(resource.name, component: component))]
                // podman 4.3 fails removing a finished "once" init container when a pod has two; "always" keeps them.
                if !initContainers.isEmpty { podMeta.append(("annotations", ["io.podman.annotations.init.container.type": "always"])) }
                documents.append(["apiVersion": "v1", "kind": "Pod", "metadata": .map(podMeta), "spec": .map(podSpec)])
                if resource.run.replicas > 1 {
                    notes.append(PublishNote(resource.name, "kube-play.yaml runs one pod of it (replicas: \(resource.run.replicas) needs a Deployment and a Service)"))
                }
                if let setup = DatabaseSetup(resource, manifest: manifest) {
                    documents.append(try databaseJob(resource, setup))
                }
                return documents
            }
            if resource.isWellKnown {
                documents.append([
                    "apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": meta,
                    "spec": [
                        "serviceName": .string(name), "replicas": 1, "selector": ["matchLabels": selector(resource.name)], "template": template,
                        "volumeClaimTemplates": [
                            [
                                "metadata": ["name": "data"],
                                "spec": ["accessModes": ["ReadWriteOnce"], "resources": ["requests": ["storage": "1Gi"]]],
                            ]
                        ],
                    ],
                ])
            } else if isJob {
                documents.append([
                    "apiVersion": "batch/v1", "kind": "Job", "metadata": meta,
                    "spec": ["backoffLimit": .int(resource.run.restart.maxRestarts ?? 6), "template": template],
                ])
                notes.append(PublishNote(resource.name, "runs as a Job; Kubernetes cannot hold a pod until a Job completes, so what waits for it starts without waiting"))
            } else {
                documents.append([
                    "apiVersion": "apps/v1", "kind": "Deployment", "metadata": meta,
                    "spec": [
                        "replicas": .int(max(1, resource.run.replicas)), "selector": ["matchLabels": selector(resource.name)], "template": template,
                    ],
                ])
            }
            if let service = service(resource) { documents.append(service) }
            if let ingress = ingress(resource) { documents.append(ingress) }
            if let setup = DatabaseSetup(resource, manifest: manifest) {
                documents.append(try databaseJob(resource, setup))
            }
            return documents
        }

        private func persistentVolumeClaim(_ name: String) -> Value {
            [
                "apiVersion": "v1", "kind": "PersistentVolumeClaim",
                "metadata": ["name": .string(name), "labels": labels(named: name, component: "volume")],
                "spec": ["accessModes": ["ReadWriteOnce"], "resources": ["requests": ["storage": "1Gi"]]],
            ]
        }

        // MARK: - Service and Ingress

        /// A port name: a DNS label of at most 15 characters with a letter (IANA_SVC_NAME).
        func portName(_ endpoint: String, of resource: Resource) -> String {
            var name = KubernetesNames.label(endpoint, limit: 15)
            if !name.unicodeScalars.contains(where: { ("a"..."z").contains($0) }) { name = String("p-\(name)".prefix(15)) }
            // Unique within the resource.
            let earlier = resource.run.endpoints.prefix { $0.name != endpoint }.map { KubernetesNames.label($0.name, limit: 15) }
            if earlier.contains(name) { name = String(name.prefix(12)) + "-\(earlier.count)" }
            return name
        }

        private func service(_ resource: Resource) -> Value? {
            let items: [Value] = resource.run.endpoints.compactMap { endpoint in
                guard let port = ports[resource.name, endpoint.name] else { return nil }
                let name = portName(endpoint.name, of: resource)
                return [
                    "name": .string(name), "port": .int(port), "targetPort": .string(name),
                    "protocol": .string(endpoint.scheme == .udp ? "UDP" : "TCP"),
                ]
            }
            guard !items.isEmpty else { return nil }
            return [
                "apiVersion": "v1", "kind": "Service", "metadata": metadata(names[resource.name], resource: resource.name, component: resource.typeName),
                "spec": ["selector": selector(resource.name), "ports": .sequence(items, flow: false)],
            ]
        }

        /// External http(s) endpoints: one Ingress rule each (hosts `NAME.localhost` when several
        /// resources are external, so they do not clash on `/`).
        private mutating func ingress(_ resource: Resource) -> Value? {
            let external = resource.run.endpoints.filter(\.external)
            for endpoint in external where endpoint.scheme != .http && endpoint.scheme != .https {
                notes.append(PublishNote(resource.name, "external \(endpoint.scheme.rawValue) endpoint '\(endpoint.name)' stays inside the cluster (Ingress carries http only); use a LoadBalancer Service or `kubectl port-forward`"))
            }
            guard let endpoint = external.first(where: { $0.scheme == .http }) ?? external.first(where: { $0.scheme == .https }) else { return nil }
            let externalResources = manifest.resources.filter { $0.isRunnable && $0.run.endpoints.contains { $0.external && ($0.scheme == .http || $0.scheme == .https) } }
            let name = names[resource.name]
            var rule: Pairs = []
            if externalResources.count > 1 { rule.append(("host", .string("\(name).localhost"))) }
            rule.append((
                "http",
                [
                    "paths": [
                        [
                            "path": "/", "pathType": "Prefix",
                            "backend": ["service": ["name": .string(name), "port": ["name": .string(portName(endpoint.name, of: resource))]]],
                        ]
                    ]
                ]
            ))
            return [
                "apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": metadata(name, resource: resource.name, component: resource.typeName),
                "spec": ["rules": [.map(rule)]],
            ]
        }
    }
}
