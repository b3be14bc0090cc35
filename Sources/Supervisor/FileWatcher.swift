import CProcessShim
import Foundation

/// Watches folder trees through inotify (the C shim's `aspire_watch_*`), recursively: a folder
/// created later is watched as soon as its creation is seen. Reports changed paths that the
/// ignore rules let through. Nothing polls: `changes()` sleeps in the I/O loop's epoll until
/// the kernel has events.
///
/// Owned by one task; `close()` must be called when done.
struct FileWatcher {
    /// One watched root: a folder, or a single file (then its folder is watched for that name).
    private struct Root {
        var path: String
        var rules: IgnoreRules
        /// Set when the root is a file.
        var onlyName: String?
    }

    private let fd: Int32
    private let loop: IOLoop
    private var roots: [Root] = []
    /// Watch descriptor → (root index, folder relative to the root, "" for the root itself).
    private var folders: [Int32: (root: Int, relative: String)] = [:]
    private let buffer: UnsafeMutableRawBufferPointer
    /// Set once, when the kernel first refuses a watch for lack of `fs.inotify.max_user_watches`;
    /// the owner prints it (`takeWarning()`).
    private var warning: String?
    private var exhausted = false

    /// How many folders are watched.
    var watchCount: Int { folders.count }

    /// Opens the watcher and adds every (non-ignored) folder under `roots`.
    ///
    /// - Throws: `SystemCallError` when inotify cannot be opened.
    init(roots: [String], ignore: [String], loop: IOLoop) throws {
        let fd = aspire_watch_open()
        guard fd >= 0 else { throw SystemCallError(call: "inotify_init1", errno: -fd) }
        self.fd = fd
        self.loop = loop
        buffer = .allocate(byteCount: 64 * 1024, alignment: 8)
        for path in roots {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
            if isDirectory.boolValue {
                self.roots.append(Root(path: path, rules: IgnoreRules(root: path, extra: ignore)))
                addTree(root: self.roots.count - 1, relative: "")
            } else {
                let folder = (path as NSString).deletingLastPathComponent
                self.roots.append(Root(path: folder, rules: IgnoreRules(root: nil, extra: []), onlyName: (path as NSString).lastPathComponent))
                addFolder(root: self.roots.count - 1, relative: "")
            }
        }
    }

    /// The out-of-watches message, once (nil afterwards and when there is none).
    mutating func takeWarning() -> String? {
        defer { warning = nil }
        return warning
    }

    /// Stops watching and frees the buffer.
    func close() {
        loop.close(fd)
        buffer.deallocate()
    }

    /// Waits until at least one change passes the ignore rules, and returns every change
    /// pending by then (relative to its root).
    ///
    /// - Throws: `CancellationError` when the task is cancelled or the loop stops.
    mutating func changes() async throws -> [String] {
        while true {
            let pending = try drain()
            if !pending.isEmpty { return pending }
            try await loop.wait(for: .read, on: fd)
        }
    }

    /// The changes pending now, without waiting (empty when none).
    mutating func drain() throws -> [String] {
        var changed: [String] = []
        while true {
            let count = aspire_watch_read(fd, buffer.baseAddress, buffer.count)
            if count < 0 { throw SystemCallError(call: "read (inotify)", errno: Int32(-count)) }
            if count == 0 { return changed }
            var offset = 0
            var wd: Int32 = 0
            var mask: UInt32 = 0
            var name: UnsafePointer<CChar>?
            while aspire_watch_next(buffer.baseAddress, Int(count), &offset, &wd, &mask, &name) == 1 {
                if mask & UInt32(ASPIRE_WATCH_OVERFLOW) != 0 {
                    changed.append("(too many changes to list)")
                    continue
                }
                if mask & UInt32(ASPIRE_WATCH_IGNORED) != 0 {
                    folders[wd] = nil
                    continue
                }
                guard let folder = folders[wd], let name, name.pointee != 0 else { continue }
                let leaf = String(cString: name)
                let root = roots[folder.root]
                if let only = root.onlyName, only != leaf { continue }
                let relative = folder.relative.isEmpty ? leaf : folder.relative + "/" + leaf
                let isDirectory = mask & UInt32(ASPIRE_WATCH_ISDIR) != 0
                if root.rules.ignores(relative, isDirectory: isDirectory) { continue }
                if isDirectory, mask & UInt32(ASPIRE_WATCH_CREATED) != 0, root.onlyName == nil {
                    addTree(root: folder.root, relative: relative)
                }
                if !changed.contains(relative) { changed.append(relative) }
            }
        }
    }

    // MARK: - Adding watches

    private mutating func addTree(root: Int, relative: String) {
        guard addFolder(root: root, relative: relative) else { return }
        let base = roots[root].path
        let absolute = relative.isEmpty ? base : (base as NSString).appendingPathComponent(relative)
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: absolute) else { return }
        for entry in entries {
            let child = relative.isEmpty ? entry : relative + "/" + entry
            var status = stat()
            guard lstat((absolute as NSString).appendingPathComponent(entry), &status) == 0,
                status.st_mode & S_IFMT == S_IFDIR
            else { continue }
            if roots[root].rules.ignores(child, isDirectory: true) { continue }
            addTree(root: root, relative: child)
        }
    }

    @discardableResult
    private mutating func addFolder(root: Int, relative: String) -> Bool {
        let base = roots[root].path
        let absolute = relative.isEmpty ? base : (base as NSString).appendingPathComponent(relative)
        let wd = aspire_watch_add(fd, absolute)
        if wd >= 0 {
            folders[wd] = (root, relative)
            return true
        }
        if -wd == ENOSPC, !exhausted {
            exhausted = true
            warning = (
                "out of inotify watches at \(absolute) (\(folders.count) folders watched); changes below it are not seen. "
                    + "Raise fs.inotify.max_user_watches (sudo sysctl fs.inotify.max_user_watches=524288) or ignore more folders")
        }
        return false
    }
}
