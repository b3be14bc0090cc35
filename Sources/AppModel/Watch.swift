package import YAMLSource

/// `watch:` on a project, executable or built container: restart it when its files change
/// (docs/manifest.md#watch).
package struct Watch: Sendable, Hashable {
    /// What a change does: `restart` the process, or `rebuild` a container's image and replace it.
    package enum Action: String, Sendable, Hashable, CaseIterable {
        case restart, rebuild
    }

    /// Watched folders as written (relative to the manifest's folder); empty = the resource's folder.
    package var paths: [NameRef] = []
    /// Extra ignore patterns (gitignore syntax subset), added to the defaults and the folder's
    /// `.gitignore`/`.dockerignore`.
    package var ignore: [String] = []
    package var action: Action = .restart
    /// A burst of changes closer together than this is one restart.
    package var debounce: Duration = .milliseconds(300)
    /// Also restart the resources that `waitFor` this one.
    package var restartDependents = false
    package var location: SourceLocation

    package init(location: SourceLocation) {
        self.location = location
    }
}

extension Manifest {
    /// `up --watch`: every project without a `watch:` of its own watches its folder.
    package mutating func watchEveryProject() {
        for index in resources.indices {
            guard case .project = resources[index].kind, resources[index].run.watch == nil else { continue }
            resources[index].run.watch = Watch(location: resources[index].location)
        }
    }
}
