internal import CYAMLShim

#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

/// A parsed YAML file: the shim's flat node arrays, read in place.
///
/// A document is a value; its nodes are small views (`YAMLNode`) holding an index, so reading a
/// 20,000-resource manifest allocates no object per node.
package struct YAMLDocument: Sendable {
    /// The path used in locations (as the user typed it).
    package let file: String
    let storage: Storage
    /// Problems found while parsing; a document with errors may still have a partial tree.
    package let errors: [YAMLParseError]

    /// Parses `bytes` as one YAML document.
    /// - Parameters:
    ///   - bytes: The file's contents (UTF-8).
    ///   - file: The name to put in every `SourceLocation`.
    package init(bytes: [UInt8], file: String) {
        self.file = file
        let storage = Storage(bytes: bytes, file: file)
        self.storage = storage
        self.errors = storage.errors(file: file)
    }

    /// Parses one part of a larger file (see `YAMLSplit`): locations count lines from where the
    /// part sits in the file, and the depth cap counts the collections around it.
    init(part bytes: UnsafeRawBufferPointer, file: String, placement: aspire_yaml_placement) {
        self.file = file
        let storage = Storage(part: bytes, file: file, placement: placement)
        self.storage = storage
        self.errors = storage.errors(file: file)
    }

    /// Nodes added by all aliases (what the alias budget was charged).
    var aliasExpansion: UInt64 { storage.aliasExpansion }

    /// Parses a string; convenient in tests.
    package init(string: String, file: String = "<string>") {
        self.init(bytes: Array(string.utf8), file: file)
    }

    /// The root node, or nil for an empty document.
    package var root: YAMLNode? {
        guard storage.root >= 0, storage.root < storage.nodes.count, !storage.failed else { return nil }
        return YAMLNode(storage: storage, index: Int(storage.root))
    }
}

extension YAMLDocument {
    /// Owns the C parse result; frees it once.
    ///
    /// `@unchecked Sendable`: after `init` the C arrays are never written again, so concurrent
    /// reads from several tasks are safe; the pointer never leaves this class.
    final class Storage: @unchecked Sendable {
        private let handle: OpaquePointer?
        /// The file name every `SourceLocation` of this document carries.
        let file: String
        let nodes: UnsafeBufferPointer<aspire_yaml_node>
        let children: UnsafeBufferPointer<UInt32>
        let pool: UnsafeBufferPointer<UInt8>
        let root: Int64
        /// True when the shim could not allocate its result at all.
        let failed: Bool

        convenience init(bytes: [UInt8], file: String) {
            let handle: OpaquePointer? = bytes.withUnsafeBytes { buffer in
                aspire_yaml_parse(buffer.baseAddress?.assumingMemoryBound(to: CChar.self), buffer.count, nil)
            }
            self.init(handle: handle, file: file)
        }

        convenience init(part bytes: UnsafeRawBufferPointer, file: String, placement: aspire_yaml_placement) {
            var placement = placement
            let handle = aspire_yaml_parse_part(bytes.baseAddress?.assumingMemoryBound(to: CChar.self), bytes.count, nil, &placement)
            self.init(handle: handle, file: file)
        }

        private init(handle: OpaquePointer?, file: String) {
            self.file = file
            self.handle = handle
            guard let doc = handle else {
                nodes = UnsafeBufferPointer(start: nil, count: 0)
                children = UnsafeBufferPointer(start: nil, count: 0)
                pool = UnsafeBufferPointer(start: nil, count: 0)
                root = -1
                failed = true
                return
            }
            let nodeCount = aspire_yaml_node_count(doc)
            nodes = UnsafeBufferPointer(start: aspire_yaml_nodes(doc), count: nodeCount)
            let allChildren = UnsafeBufferPointer(start: aspire_yaml_children(doc), count: aspire_yaml_children_count(doc))
            // The shim keeps every index in range; checked once here so node views never need to.
            children = allChildren.allSatisfy { Int($0) < nodeCount } ? allChildren : UnsafeBufferPointer(start: nil, count: 0)
            pool = UnsafeBufferPointer(start: aspire_yaml_pool(doc), count: aspire_yaml_pool_size(doc))
            root = aspire_yaml_root(doc)
            failed = false
        }

        deinit {
            aspire_yaml_free(handle)
        }

        var aliasExpansion: UInt64 { handle.map { aspire_yaml_alias_expansion($0) } ?? 0 }

        func errors(file: String) -> [YAMLParseError] {
            guard let doc = handle else {
                return [
                    YAMLParseError(
                        code: .memory, message: "out of memory while parsing",
                        location: SourceLocation(file: file, line: 1, column: 1))
                ]
            }
            let raw = UnsafeBufferPointer(start: aspire_yaml_errors(doc), count: aspire_yaml_error_count(doc))
            return raw.map { error in
                var copy = error
                let message = withUnsafeBytes(of: &copy.message) { bytes in
                    String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
                }
                let related =
                    error.other_line > 0
                    ? SourceLocation(file: file, line: Int(error.other_line), column: Int(error.other_column))
                    : nil
                return YAMLParseError(
                    code: YAMLParseError.Code(rawValue: error.code) ?? .syntax,
                    message: message,
                    location: SourceLocation(file: file, line: max(1, Int(error.line)), column: max(1, Int(error.column))),
                    relatedLocation: related)
            }
        }

        /// The node index stored at `position` of the children array (in range, checked in `init`).
        @inline(__always)
        func child(at position: Int) -> Int { Int(children[position]) }

        func string(offset: UInt32, length: UInt32) -> String {
            let start = Int(offset)
            let end = start + Int(length)
            guard end <= pool.count else { return "" }
            return String(decoding: UnsafeBufferPointer(rebasing: pool[start..<end]), as: UTF8.self)
        }

        func bytesEqual(offset: UInt32, length: UInt32, _ other: String) -> Bool {
            let start = Int(offset)
            let count = Int(length)
            // Lengths first: most candidates (keys of another length) stop here.
            guard other.utf8.count == count, start + count <= pool.count else { return false }
            guard let base = pool.baseAddress else { return count == 0 }
            let equal = other.utf8.withContiguousStorageIfAvailable { utf8 in
                utf8.baseAddress.map { memcmp(base + start, $0, count) == 0 } ?? (count == 0)
            }
            if let equal { return equal }
            return other.utf8.elementsEqual(UnsafeBufferPointer(start: base + start, count: count))
        }

        /// True when the bytes at `offset` equal `other` (a static ASCII key, say).
        /// True when two byte ranges of the pool hold the same bytes.
        func bytesEqual(offset: UInt32, length: UInt32, offset other: UInt32, length otherLength: UInt32) -> Bool {
            guard length == otherLength, Int(offset) + Int(length) <= pool.count, Int(other) + Int(length) <= pool.count else { return false }
            guard let base = pool.baseAddress else { return length == 0 }
            return offset == other || memcmp(base + Int(offset), base + Int(other), Int(length)) == 0
        }

        func bytesEqual(offset: UInt32, length: UInt32, _ other: StaticString) -> Bool {
            let start = Int(offset)
            guard Int(length) == other.utf8CodeUnitCount, start + Int(length) <= pool.count else { return false }
            guard let base = pool.baseAddress else { return length == 0 }
            return memcmp(base + start, other.utf8Start, Int(length)) == 0
        }
    }
}
