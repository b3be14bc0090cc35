package import AppModel

extension ContainerChoice {
    /// Decides for `manifest` without asking any engine or pulling any image, for planning with
    /// no effects (`LaunchPlanner.Effects.none`: the fuzzer, tests).
    ///
    /// `engine` stands for the engine `ContainerRuntime.detect` would find (nil: none answers).
    /// With one, every well-known server not pinned to `runtime: native` runs in it (as if its
    /// image were present); without one, `runtime: container` servers are problems and
    /// `runtime: auto` servers run natively.
    package init(manifest: Manifest, assuming engine: ContainerRuntime?) {
        runID = "planned"
        appID = ContainerLabels.appID(name: manifest.name, directory: manifest.directory)
        guard manifest.resources.contains(where: Self.mayRunInContainer) else { return }
        let unavailable = ContainerRuntime.Unavailable(description: "no engine (assumed)")
        runtime = engine.map { .success($0) } ?? .failure(unavailable)
        for resource in manifest.resources {
            guard let server = WellKnownServer(resource) else { continue }
            switch (server.settings.runtime, engine) {
            case (.native, _), (.auto, nil):
                continue
            case (.container, nil):
                problems[resource.name] = "runtime: container, but no container engine can be used (\(unavailable))"
            case (.container, .some), (.auto, .some):
                wellKnownInContainers.insert(resource.name)
            }
        }
    }
}
