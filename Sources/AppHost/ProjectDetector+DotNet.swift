package import AppModel

extension ProjectDetector {
    /// The project resources that run as .NET (`dotnet run`, detected or given as the command):
    /// they get OTLP/gRPC, as Aspire's AppHost gives its .NET projects (docs/telemetry.md).
    package static func dotnetProjects(of manifest: Manifest) -> Set<String> {
        var names = Set<String>()
        for resource in manifest.resources {
            guard case .project(let project) = resource.kind else { continue }
            if let command = project.command {
                if command == "dotnet" || command.hasSuffix("/dotnet") { names.insert(resource.name) }
                continue
            }
            let folder = project.path.hasPrefix("/") ? project.path : manifest.directory + "/" + project.path
            if case .success(let detected) = detect(in: folder), detected.executable == "dotnet" { names.insert(resource.name) }
        }
        return names
    }
}
