import AppModel

/// The port each endpoint listens on in a deployment, which is also the port other services
/// reach it on (`http://apiservice:8080`): its `targetPort`, else 8080, 8081, … in the order
/// the resource's endpoints are written (skipping ports the resource already uses).
struct DeploymentPorts {
    private(set) var ports: [EndpointID: Int] = [:]

    init(manifest: Manifest) {
        for resource in manifest.resources where resource.isRunnable {
            var used = Set(resource.run.endpoints.compactMap(\.targetPort))
            var next = 8080
            for endpoint in resource.run.endpoints {
                let id = EndpointID(resource.name, endpoint.name)
                if let target = endpoint.targetPort {
                    ports[id] = target
                    continue
                }
                while used.contains(next) { next += 1 }
                ports[id] = next
                used.insert(next)
            }
        }
    }

    subscript(resource: String, endpoint: String) -> Int? { ports[EndpointID(resource, endpoint)] }
}
