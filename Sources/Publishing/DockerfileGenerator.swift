import AppModel
import Foundation
import Quoting

/// How a project or executable becomes an image: its own Dockerfile, or one generated from the
/// files that say what it is.
///
/// The marker files are the ones `up` uses to pick a run command (AppHost's `ProjectDetector`,
/// docs/project-detection.md); Publishing cannot import AppHost, so this small table maps the
/// same markers to a Dockerfile instead. Python, Node and Go get one; Swift, Rust and .NET get a
/// note naming what to add (a .NET project usually builds against sibling projects that a
/// per-folder build context cannot see). Generated images set `HOST=0.0.0.0`: inside a container
/// an app must listen beyond loopback to be reachable, and `HOST` is what Python and Node
/// servers conventionally read.
enum DockerfileGenerator {
    /// A language runtime a generated image has; it decides how health checks probe.
    enum Runtime: Sendable, Hashable {
        case python, node, go
    }

    enum Plan: Sendable, Hashable {
        /// The folder has its own Dockerfile.
        case existing
        /// A Dockerfile to use inline (`dockerfile_inline`); `runtime` nil for a tool image.
        case generated(dockerfile: String, runtime: Runtime?)
        /// Nothing fits; the reason says what to add.
        case missing(String)
    }

    /// The plan for a project folder (`command` overrides the detected entry point).
    static func plan(projectFolder folder: String, command: String?, displayPath: String, images: BaseImages) -> Plan {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            return .missing("the folder \(displayPath) does not exist here, so its image cannot be built from it")
        }
        let files = contents(of: folder)
        if files.contains("Dockerfile") { return .existing }
        if files.contains("Package.swift") {
            return .missing("\(displayPath) is a Swift package with no Dockerfile; add one (e.g. build with swift:6.0, run on swift:6.0-slim)")
        }
        if files.contains("package.json") {
            let entry = command.map { [$0] } ?? nodeEntry(folder: folder)
            return .generated(dockerfile: node(files: files, entrypoint: entry, images: images), runtime: .node)
        }
        if !files.isDisjoint(with: ["pyproject.toml", "requirements.txt", "app.py", "main.py", "__main__.py"]) {
            if let command { return .generated(dockerfile: python(files: files, entrypoint: [command], images: images), runtime: .python) }
            guard let entry = ["app.py", "main.py", "__main__.py"].first(where: files.contains) else {
                return .missing("\(displayPath) is a Python project with no app.py or main.py; add a Dockerfile or set 'command:'")
            }
            return .generated(dockerfile: python(files: files, entrypoint: ["python3", entry], images: images), runtime: .python)
        }
        if files.contains("go.mod") {
            return .generated(dockerfile: go(entrypoint: command.map { [$0] }, images: images), runtime: .go)
        }
        if files.contains("Cargo.toml") {
            return .missing("\(displayPath) is a Rust crate with no Dockerfile; add one (e.g. build with rust:1, run on debian:bookworm-slim)")
        }
        if files.contains(where: { $0.hasSuffix(".csproj") }) {
            return .missing(
                "\(displayPath) is a .NET project with no Dockerfile; add one, or build an image with `dotnet publish /t:PublishContainer` and use a container resource")
        }
        return .missing("\(displayPath) has no Dockerfile and nothing aspire recognises (package.json, pyproject.toml, requirements.txt, app.py, main.py, go.mod); add a Dockerfile")
    }

    /// The plan for an executable: its working folder's Dockerfile, or an image for the
    /// interpreter it runs (`python3`, `node`, `npm`, `go`).
    static func plan(executableFolder folder: String, command: String, displayPath: String, images: BaseImages) -> Plan {
        let files = contents(of: folder)
        if files.contains("Dockerfile") { return .existing }
        let program = (command as NSString).lastPathComponent
        switch program {
        case "python", "python3": return .generated(dockerfile: python(files: files, entrypoint: ["python3"], images: images), runtime: .python)
        case "node", "npm", "npx": return .generated(dockerfile: node(files: files, entrypoint: [program], images: images), runtime: .node)
        case "go": return .generated(dockerfile: goToolchain(images: images), runtime: .go)
        case "psql", "pg_isready", "pg_dump", "pg_restore":
            return .generated(dockerfile: tool(image: images.image("postgres", default: "docker.io/library/postgres:17"), program: program), runtime: nil)
        case "redis-cli":
            return .generated(dockerfile: tool(image: images.image("redis", default: "docker.io/library/redis:7.4"), program: program), runtime: nil)
        default:
            return .missing("runs '\(command)', which aspire cannot put in an image by itself; add a Dockerfile to \(displayPath)")
        }
    }

    // MARK: - Dockerfiles

    private static func python(files: Set<String>, entrypoint: [String], images: BaseImages) -> String {
        var lines = ["FROM \(images.dockerfile("python"))", "WORKDIR /app", "ENV PYTHONUNBUFFERED=1 HOST=0.0.0.0"]
        if files.contains("requirements.txt") {
            lines += ["COPY requirements.txt ./", "RUN pip install --no-cache-dir -r requirements.txt"]
        }
        lines.append("COPY . .")
        if !files.contains("requirements.txt"), files.contains("pyproject.toml") {
            lines.append("RUN pip install --no-cache-dir .")
        }
        lines.append("ENTRYPOINT \(execForm(entrypoint))")
        return lines.joined(separator: "\n") + "\n"
    }

    private static func node(files: Set<String>, entrypoint: [String], images: BaseImages) -> String {
        let install = files.contains("package-lock.json") ? "npm ci --omit=dev" : "npm install --omit=dev"
        let lines = [
            "FROM \(images.dockerfile("node"))", "WORKDIR /app", "ENV NODE_ENV=production HOST=0.0.0.0", "COPY package*.json ./", "RUN \(install)", "COPY . .",
            "ENTRYPOINT \(execForm(entrypoint))",
        ]
        return lines.joined(separator: "\n") + "\n"
    }

    private static func go(entrypoint: [String]?, images: BaseImages) -> String {
        let lines = [
            "FROM \(images.dockerfile("go")) AS build", "WORKDIR /src", "COPY go.* ./", "RUN go mod download", "COPY . .",
            "RUN CGO_ENABLED=0 go build -o /out/app .", "", "FROM \(images.dockerfile("alpine"))", "ENV HOST=0.0.0.0", "COPY --from=build /out/app /usr/local/bin/app",
            "ENTRYPOINT \(execForm(entrypoint ?? ["/usr/local/bin/app"]))",
        ]
        return lines.joined(separator: "\n") + "\n"
    }

    /// A client tool's own image, with the folder's files (scripts, SQL) in /app.
    private static func tool(image: String, program: String) -> String {
        ["FROM \(image)", "WORKDIR /app", "COPY . .", "ENTRYPOINT \(execForm([program]))"].joined(separator: "\n") + "\n"
    }

    private static func goToolchain(images: BaseImages) -> String {
        ["FROM \(images.dockerfile("go"))", "WORKDIR /app", "COPY . .", "ENTRYPOINT [\"go\"]"].joined(separator: "\n") + "\n"
    }

    /// `npm start` (with `--` so arguments reach the script) or `node <main>`.
    private static func nodeEntry(folder: String) -> [String] {
        let path = (folder as NSString).appendingPathComponent("package.json")
        let json = FileManager.default.contents(atPath: path).flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }
        if let scripts = json?["scripts"] as? [String: Any], scripts["start"] != nil { return ["npm", "start", "--"] }
        return ["node", json?["main"] as? String ?? "index.js"]
    }

    private static func execForm(_ argv: [String]) -> String { "[" + argv.map(JSON.string).joined(separator: ", ") + "]" }

    private static func contents(of folder: String) -> Set<String> {
        Set((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
    }
}
