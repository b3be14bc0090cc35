import AppModel
import Supervisor

extension LaunchPlanner {
    /// `watch:` for the supervisor: its `paths` (relative to the manifest's folder), else the
    /// resource's folder (a project's `path`, a container's build context, an executable's
    /// working directory). A built container rebuilds its image on every start, so a restart
    /// (either action) rebuilds it and replaces the container.
    func watchSpec(_ watch: Watch, of resource: Resource, workingDirectory: String) -> WatchSpec {
        var roots = watch.paths.map { absolute($0.name) }
        if roots.isEmpty {
            switch resource.kind {
            case .project(let project): roots = [absolute(project.path)]
            case .container(let container): roots = [container.build.map { absolute($0.context) } ?? workingDirectory]
            default: roots = [workingDirectory]
            }
        }
        return WatchSpec(roots: roots, ignore: watch.ignore, debounce: watch.debounce, restartDependents: watch.restartDependents)
    }
}
