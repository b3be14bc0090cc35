#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// A file's inode and size, from `fstat`/`stat`. Here rather than at each caller: in the
/// AppRunner target a static-stdlib release build sees `struct stat` as another module's (the
/// first clang module to import it) and refuses its members under MemberImportVisibility.
package struct FileIdentity: Sendable, Hashable {
    package var inode: UInt64
    package var size: Int

    /// The open file's identity, nil when `fstat` fails.
    package init?(descriptor: Int32) {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return nil }
        self.inode = UInt64(info.st_ino)
        self.size = Int(info.st_size)
    }

    /// The identity of the file at `path` (links followed), nil when `stat` fails.
    package init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        self.inode = UInt64(info.st_ino)
        self.size = Int(info.st_size)
    }
}
