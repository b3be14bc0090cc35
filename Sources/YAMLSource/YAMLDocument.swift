internal import CYAMLShim

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
        let storage = Storage(bytes: bytes)
        self.storage = storage
        self.errors = storage.errors(file: file)
    }

    /// Parses a string; convenient in tests.
    package init(string: String, file: String = "<string>") {
        self.init(bytes: Array(string.utf8), file: file)
    }

    /// The root node, or nil for an empty document.
    package var root: YAMLNode? {
        guard storage.root >= 0, !storage.failed else { return nil }
        return YAMLNode(document: self, index: Int(storage.root))
    }
}

extension YAMLDocument {
    /// Owns the C parse result; frees it once.
    ///
    /// `@unchecked Sendable`: after `init` the C arrays are never written again, so concurrent
    /// reads from several tasks are safe; the pointer never leaves this class.
    final class Storage: @unchecked Sendable {
        private let handle: OpaquePointer?
        let nodes: UnsafeBufferPointer<aspire_yaml_node>
        let children: UnsafeBufferPointer<UInt32>
        let pool: UnsafeBufferPointer<UInt8>
        let root: Int64
        /// True when the shim could not allocate its result at all.
        let failed: Bool

        init(bytes: [UInt8]) {
            let handle: OpaquePointer? = bytes.withUnsafeBufferPointer { buffer in
                buffer.baseAddress.map { base in
                    base.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                        aspire_yaml_parse($0, buffer.count, nil)
                    }
                } ?? aspire_yaml_parse(nil, 0, nil)
            }
            self.handle = handle
            guard let doc = handle else {
                nodes = UnsafeBufferPointer(start: nil, count: 0)
                children = UnsafeBufferPointer(start: nil, count: 0)
                pool = UnsafeBufferPointer(start: nil, count: 0)
                root = -1
                failed = true
                return
            }
            nodes = UnsafeBufferPointer(start: aspire_yaml_nodes(doc), count: aspire_yaml_node_count(doc))
            children = UnsafeBufferPointer(start: aspire_yaml_children(doc), count: aspire_yaml_children_count(doc))
            pool = UnsafeBufferPointer(start: aspire_yaml_pool(doc), count: aspire_yaml_pool_size(doc))
            root = aspire_yaml_root(doc)
            failed = false
        }

        deinit {
            aspire_yaml_free(handle)
        }

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

        func string(offset: UInt32, length: UInt32) -> String {
            let start = Int(offset)
            let end = start + Int(length)
            guard end <= pool.count else { return "" }
            return String(decoding: UnsafeBufferPointer(rebasing: pool[start..<end]), as: UTF8.self)
        }

        func bytesEqual(offset: UInt32, length: UInt32, _ other: String) -> Bool {
            var other = other
            return other.withUTF8 { utf8 in
                guard utf8.count == Int(length), Int(offset) + Int(length) <= pool.count else { return false }
                for i in 0..<utf8.count where pool[Int(offset) + i] != utf8[i] { return false }
                return true
            }
        }
    }
}
