import AppState
import Foundation

/// One file a publisher writes: where (relative to the output folder), what, and its mode.
package struct OutputFile: Sendable, Hashable {
    package var path: String
    package var contents: String
    /// 0o644, or 0o600 for anything holding secrets.
    package var mode: Int

    package init(path: String, contents: String, mode: Int = 0o644) {
        self.path = path
        self.contents = contents
        self.mode = mode
    }

    /// Writes every file under `directory` (created 0755 when missing), each atomically with its mode.
    static func write(_ files: [OutputFile], to directory: String) throws(PublishError) {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw PublishError("cannot create \(directory): \(error.localizedDescription)")
        }
        for file in files {
            let path = (directory as NSString).appendingPathComponent(file.path)
            let folder = (path as NSString).deletingLastPathComponent
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } catch {
                throw PublishError("cannot create \(folder): \(error.localizedDescription)")
            }
            // Created with its final mode, so a secret is never readable by others, even briefly.
            let temporary = path + ".tmp-\(getpid())"
            guard FileManager.default.createFile(atPath: temporary, contents: Data(file.contents.utf8), attributes: [.posixPermissions: file.mode]) else {
                throw PublishError("cannot write \(path)")
            }
            chmod(temporary, mode_t(file.mode))
            guard rename(temporary, path) == 0 else {
                unlink(temporary)
                throw PublishError("cannot write \(path)")
            }
        }
    }

    /// The `KEY=value` pairs of an earlier publish's dotenv file, or none.
    static func readDotEnv(in directory: String, name: String) -> [String: String] {
        let path = (directory as NSString).appendingPathComponent(name)
        guard case .success(let pairs) = DotEnv.read(path) else { return [:] }
        return Dictionary(pairs, uniquingKeysWith: { _, last in last })
    }
}
