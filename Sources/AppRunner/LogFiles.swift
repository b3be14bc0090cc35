package import AppState
import Foundation
import Supervisor
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reading `.aspire/logs/<name>.log` as the supervisor writes it: one reader for `aspire logs`
/// and the dashboard. Lines come back as written, with their UTC stamp; each consumer strips it
/// (`withoutTimestamp`) or filters on it.
package enum LogFiles {
    /// Longest line kept whole; longer ones are cut into pieces of this size.
    package static let maxLine = 64 * 1024

    package static func path(of name: String, in folder: StateFolder) -> String {
        (folder.logsDirectory as NSString).appendingPathComponent(
            name.replacingOccurrences(of: "/", with: "_") + ".log")
    }

    /// The resources that have a log file, sorted.
    package static func names(in folder: StateFolder) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.logsDirectory)) ?? [])
            .filter { $0.hasSuffix(".log") }.map { String($0.dropLast(4)) }.sorted()
    }

    /// The last `lines` whole lines of a file (every line when nil), and where they end, for a
    /// `LogFollower` to go on from without losing or repeating a line. With a count, it reads
    /// backwards at most `maxBytes`.
    package static func tail(_ path: String, lines: Int?, maxBytes: Int = 8 << 20) -> (lines: [String], end: LogFollower.Cursor?) {
        let (found, end) = tailBytes(path, lines: lines, maxBytes: maxBytes)
        return (found.map { String(decoding: $0, as: UTF8.self) }, end)
    }

    /// `tail`, with each line's bytes as written (`aspire logs --raw` prints them unchanged).
    package static func tailBytes(
        _ path: String, lines: Int?, maxBytes: Int = 8 << 20
    ) -> (lines: [[UInt8]], end: LogFollower.Cursor?) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return ([], nil) }
        defer { close(fd) }
        guard let identity = FileIdentity(descriptor: fd) else { return ([], nil) }
        let size = identity.size
        var start = size
        var bytes: [UInt8] = []
        var newlines = 0
        let chunk = 64 * 1024
        while start > 0 {
            if let lines, lines <= 0 || bytes.count >= maxBytes || newlines > lines { break }
            let length = min(chunk, start)
            start -= length
            let piece = read(fd, at: start, count: length)
            guard piece.count == length else { return ([], nil) }  // shrank under us (rotated): nothing sure
            newlines += piece.lazy.filter { $0 == UInt8(ascii: "\n") }.count
            bytes = piece + bytes
        }
        var end = LogFollower.Cursor(inode: identity.inode, offset: size)
        var found = split(bytes, partial: &end.partial)
        if start > 0, !found.isEmpty { found.removeFirst() }  // the first may be cut
        if let lines { found = Array(found.suffix(max(0, lines))) }
        return (found, end)
    }

    /// Whole lines of `bytes`; what follows the last newline is left in `partial`.
    package static func split(_ bytes: [UInt8], partial: inout [UInt8]) -> [[UInt8]] {
        var lines: [[UInt8]] = []
        var lineStart = 0
        for index in bytes.indices where bytes[index] == UInt8(ascii: "\n") {
            lines.append(Array(bytes[lineStart..<index]))
            lineStart = index + 1
        }
        partial = Array(bytes[lineStart...])
        while partial.count >= maxLine {
            lines.append(Array(partial.prefix(maxLine)))
            partial.removeFirst(maxLine)
        }
        return lines
    }

    /// The console text of a log-file line.
    package static func withoutTimestamp(_ line: String) -> String {
        let (time, text) = LogTimestamp.split(Substring(line))
        return time == nil ? line : String(text)
    }

    package static func read(_ fd: Int32, at offset: Int, count: Int) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: count)
        let got = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, count, off_t(offset)) }
        return got > 0 ? Array(buffer.prefix(got)) : []
    }
}

/// One line of a resource's log file, as written (with its stamp).
package struct LogFileLine: Sendable, Equatable {
    package var resource: String
    /// The line's bytes as written, without its newline.
    package var bytes: [UInt8]

    /// The line decoded as UTF-8 (invalid bytes become U+FFFD).
    package var text: String { String(decoding: bytes, as: UTF8.self) }
}

/// Follows log files across the supervisor's rotation (`<name>.log` renamed to `<name>.log.1`),
/// from given cursors or from where the files end when it is created, picking up files that
/// appear later.
///
/// Pull-based: `next()` reads only when the consumer asks, so a slow browser leaves the backlog in
/// the file, not in memory, and nothing runs once the consumer stops (no task of its own).
package final class LogFollower: Sendable {
    /// Bytes read from one file per poll.
    package static let readLimit = 256 * 1024

    /// How far one file has been read.
    package struct Cursor: Sendable {
        package var inode: UInt64
        package var offset: Int
        /// Bytes after the last newline read, waiting for the rest of their line.
        package var partial: [UInt8] = []
    }

    private struct State: Sendable {
        var cursors: [String: Cursor] = [:]
        var queue: [LogFileLine] = []
        var head = 0
    }

    package let folder: StateFolder
    /// The resources followed; nil = every log file, including ones created later.
    package let names: [String]?
    private let state: Mutex<State>

    package init(folder: StateFolder, names: [String]?, from cursors: [String: Cursor] = [:]) {
        self.folder = folder
        self.names = names
        var initial = State()
        for name in names ?? LogFiles.names(in: folder) {
            if let cursor = cursors[name] {
                initial.cursors[name] = cursor
            } else {
                let (inode, size) = Self.identity(LogFiles.path(of: name, in: folder)) ?? (0, 0)
                initial.cursors[name] = Cursor(inode: inode, offset: size)
            }
        }
        state = Mutex(initial)
    }

    /// The next line, waiting (polling 5 times a second) until there is one; nil once cancelled.
    package func next() async -> LogFileLine? {
        await wait { state in
            let line = state.queue[state.head]
            state.head += 1
            if state.head == state.queue.count {
                state.queue.removeAll(keepingCapacity: true)
                state.head = 0
            }
            return line
        }
    }

    /// Every line read so far and not yet taken (at least one), waiting like `next()`.
    package func nextLines() async -> [LogFileLine]? {
        await wait { state in
            defer {
                state.queue.removeAll(keepingCapacity: true)
                state.head = 0
            }
            return Array(state.queue[state.head...])
        }
    }

    private func wait<T>(_ take: (inout State) -> T) async -> T? {
        while !Task.isCancelled {
            if let taken = pop(take) { return taken }
            poll()
            if let taken = pop(take) { return taken }
            try? await Task.sleep(for: .milliseconds(200))
        }
        return nil
    }

    private func pop<T>(_ take: (inout State) -> T) -> T? {
        state.withLock { state in
            state.head < state.queue.count ? take(&state) : nil
        }
    }

    /// Reads what was appended since the last poll into the queue.
    private func poll() {
        let names = names ?? LogFiles.names(in: folder)
        state.withLock { state in
            for name in names {
                let path = LogFiles.path(of: name, in: folder)
                guard let (inode, _) = Self.identity(path) else { continue }
                var cursor = state.cursors[name] ?? Cursor(inode: inode, offset: 0)
                var lines: [[UInt8]] = []
                if cursor.inode != inode {
                    // Rotated: finish the old file (now `.1`), then start the new one from 0.
                    if let (oldInode, _) = Self.identity(path + ".1"), oldInode == cursor.inode {
                        lines += Self.read(path + ".1", cursor: &cursor, limit: Int.max)
                    }
                    cursor = Cursor(inode: inode, offset: 0)
                }
                lines += Self.read(path, cursor: &cursor, limit: Self.readLimit)
                state.cursors[name] = cursor
                state.queue += lines.map { LogFileLine(resource: name, bytes: $0) }
            }
        }
    }

    /// Reads up to `limit` bytes after the cursor, returning whole lines.
    private static func read(_ path: String, cursor: inout Cursor, limit: Int) -> [[UInt8]] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return [] }
        defer { close(fd) }
        guard let opened = FileIdentity(descriptor: fd) else { return [] }
        let size = opened.size
        if size < cursor.offset {  // truncated
            cursor.offset = 0
            cursor.partial = []
        }
        let count = min(size - cursor.offset, limit)
        guard count > 0 else { return [] }
        let bytes = LogFiles.read(fd, at: cursor.offset, count: count)
        cursor.offset += bytes.count
        return LogFiles.split(cursor.partial + bytes, partial: &cursor.partial)
    }

    /// A file's inode and size, or nil when it does not exist.
    private static func identity(_ path: String) -> (UInt64, Int)? {
        FileIdentity(path: path).map { ($0.inode, $0.size) }
    }
}
