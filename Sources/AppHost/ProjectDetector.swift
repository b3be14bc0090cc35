import Foundation

/// Finds how to run a project folder, the way a developer would start it by hand.
///
/// The table (first match wins) is documented in docs/project-detection.md.
package enum ProjectDetector {
    /// The command for a folder, or why none was found.
    package struct Detected: Sendable, Hashable {
        package var executable: String
        package var arguments: [String]
        /// What was recognised, for messages ("package.json with a start script").
        package var reason: String
    }

    package struct Failure: Error, Sendable, CustomStringConvertible {
        package var description: String
    }

    package static func detect(in directory: String) -> Result<Detected, Failure> {
        let files = Set((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            return .failure(Failure(description: "project folder \(directory) does not exist"))
        }
        if files.contains("Package.swift") {
            return .success(Detected(executable: "swift", arguments: ["run"], reason: "Package.swift"))
        }
        if files.contains("package.json") {
            let path = (directory as NSString).appendingPathComponent("package.json")
            let json = FileManager.default.contents(atPath: path).flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }
            if let scripts = json?["scripts"] as? [String: Any], scripts["start"] != nil {
                return .success(Detected(executable: "npm", arguments: ["start"], reason: "package.json with a start script"))
            }
            let main = json?["main"] as? String ?? "index.js"
            return .success(Detected(executable: "node", arguments: [main], reason: "package.json main"))
        }
        if !files.isDisjoint(with: ["pyproject.toml", "requirements.txt", "app.py", "main.py"]) {
            for entry in ["app.py", "main.py", "__main__.py"] where files.contains(entry) {
                return .success(Detected(executable: "python3", arguments: [entry], reason: "Python (\(entry))"))
            }
            return .failure(Failure(description: "Python project in \(directory) has no app.py or main.py; set 'command:' and 'args:'"))
        }
        if files.contains("go.mod") {
            return .success(Detected(executable: "go", arguments: ["run", "."], reason: "go.mod"))
        }
        if files.contains("Cargo.toml") {
            return .success(Detected(executable: "cargo", arguments: ["run"], reason: "Cargo.toml"))
        }
        if let project = files.sorted().first(where: { $0.hasSuffix(".csproj") }) {
            return .success(Detected(executable: "dotnet", arguments: ["run", "--project", project], reason: project))
        }
        return .failure(
            Failure(description: "cannot tell how to run \(directory): no Package.swift, package.json, pyproject.toml, requirements.txt, app.py, main.py, go.mod, Cargo.toml or *.csproj; set 'command:'"))
    }
}
