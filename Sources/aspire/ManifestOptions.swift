import AppHost
import AppModel
import AppState
import ArgumentParser
import Foundation
import ManifestAuthoring
import ParallelLoad

/// `-f FILE`, shared by every command that reads a manifest.
struct ManifestOptions: ParsableArguments {
    @Option(
        name: [.customShort("f"), .customLong("file")],
        help: "The app manifest (default: $ASPIRE_FILE, else the nearest apphost.yaml here or above)."
    )
    var explicitFile: String?

    /// The manifest's path: `-f`, else `ASPIRE_FILE`, else the nearest `apphost.yaml`
    /// (`ManifestLocator`); found once, when the command line is parsed.
    var file: String {
        get { explicitFile ?? ManifestLocator.defaultNames[0] }
        set { explicitFile = newValue }
    }

    /// Finds the manifest when `-f` was not given; with none anywhere, says how to name one
    /// and exits 2 (a usage error, like a missing file).
    mutating func validate() throws {
        explicitFile = try Self.locate(explicitFile)
    }

    /// `ManifestLocator.locate` in this process's environment and folder, or exit 2 (an
    /// `ExitCode`, not a `CommandFailure`: from `validate()` ArgumentParser passes only that
    /// through unchanged).
    static func locate(_ explicit: String?) throws -> String {
        let located = ManifestLocator.locate(
            explicit: explicit, environment: ProcessInfo.processInfo.environment,
            currentDirectory: FileManager.default.currentDirectoryPath
        )
        switch located {
        case .success(let path): return path
        case .failure(let notFound):
            Console.error("error: \(notFound.description)")
            throw ExitCode(2)
        }
    }

    /// Loads and validates the manifest; prints diagnostics (to stderr) and exits 1 on errors,
    /// 2 when the file cannot be read.
    func loadValidManifest(printWarnings: Bool = true) throws -> (Manifest, ManifestLoader.Result) {
        let result = try load()
        let renderer = DiagnosticRenderer(color: Console.useColor(fileDescriptor: 2))
        if result.hasErrors || (printWarnings && !result.diagnostics.isEmpty) {
            Console.error(renderer.render(result.diagnostics, sourceLines: result.sourceLines))
        }
        guard let manifest = result.manifest, !result.hasErrors else { throw CommandFailure(message: "", exitCode: 1) }
        return (manifest, result)
    }

    func load() throws -> ManifestLoader.Result {
        if AppInitializer.isComposeFile(file) { return try ComposeLoading.load(file) }
        do {
            // A large manifest loads on every core (ParallelLoad); the result is the plain path's.
            let loader = ManifestLoader(environment: ProcessInfo.processInfo.environment, decodeAndValidate: ParallelLoad.automatic.decodeAndValidate)
            return try loader.load(file)
        } catch {
            throw CommandFailure.io(error.description)
        }
    }

    /// Prepares ports and secrets; on failure prints the reason and exits 2.
    func bindings(for manifest: Manifest, mode: BindingsStore.Mode) throws -> (Bindings, [BindingsStore.Problem], StateFolder) {
        let folder = StateFolder(manifestDirectory: manifest.directory)
        let store = BindingsStore(folder: folder, manifest: manifest, environment: ProcessInfo.processInfo.environment)
        do {
            var (bindings, problems) = try store.prepare(mode: mode)
            bindings.dotnetProjects = ProjectDetector.dotnetProjects(of: manifest)
            return (bindings, problems, folder)
        } catch {
            throw CommandFailure.io(error.description)
        }
    }
}
