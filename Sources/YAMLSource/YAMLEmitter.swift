internal import CYAMLShim

/// Writes YAML through libyaml's emitter (the C shim), so quoting is right by construction.
///
/// Build a tree of `YAMLEmitter.Value`s and call `emit(_:)`. Strings that would read back as
/// something else when written plain (`no`, `8080`, `1.0`, `~`, `""`, `8080:80`) are quoted;
/// libyaml itself quotes anything with indicators, leading spaces or control characters, and
/// writes multi-line `.literal` strings as `|` blocks. Mapping order is kept as given, so the
/// same tree always gives the same bytes.
package enum YAMLEmitter {
    /// A YAML node to write.
    package indirect enum Value: Sendable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral,
        ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
    {
        /// A string; quoted when plain text would not read back as this string.
        case string(String)
        /// A string written as a `|` block when it spans lines (e.g. an inline Dockerfile).
        case literal(String)
        case int(Int)
        case bool(Bool)
        case null
        /// A list; `flow` writes `[a, b]`.
        case sequence([Value], flow: Bool)
        /// Key/value pairs in the order given; `flow` writes `{a: 1}`.
        case mapping([(key: String, value: Value)], flow: Bool)

        package init(stringLiteral value: String) { self = .string(value) }
        package init(integerLiteral value: Int) { self = .int(value) }
        package init(booleanLiteral value: Bool) { self = .bool(value) }
        package init(arrayLiteral elements: Value...) { self = .sequence(elements, flow: false) }
        package init(dictionaryLiteral elements: (String, Value)...) {
            self = .mapping(elements.map { (key: $0.0, value: $0.1) }, flow: false)
        }

        /// A block mapping from pairs.
        package static func map(_ pairs: [(key: String, value: Value)]) -> Value { .mapping(pairs, flow: false) }

        /// A block sequence of strings.
        package static func strings(_ items: [String]) -> Value { .sequence(items.map(Value.string), flow: false) }
    }

    /// Why libyaml refused the tree (in practice: memory).
    package struct EmitError: Error, Sendable, Hashable, CustomStringConvertible {
        package var message: String
        package var description: String { "cannot write YAML: \(message)" }
    }

    /// Writes each value as one document of a stream (`---` between documents).
    /// - Returns: UTF-8 text ending in a newline.
    /// - Throws: `EmitError` when libyaml fails.
    package static func emit(_ documents: [Value]) throws(EmitError) -> String {
        let output = Output()
        guard let handle = output.handle else { throw EmitError(message: "out of memory") }
        for document in documents {
            try check(aspire_yaml_emit_document_start(handle), handle)
            try write(document, handle)
            try check(aspire_yaml_emit_document_end(handle), handle)
        }
        var length = 0
        guard let bytes = aspire_yaml_emitter_finish(handle, &length) else {
            throw EmitError(message: String(cString: aspire_yaml_emitter_error(handle)))
        }
        // Copy before `output` frees the C buffer.
        let text = bytes.withMemoryRebound(to: UInt8.self, capacity: length) {
            String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
        }
        withExtendedLifetime(output) {}
        return text
    }

    /// One document.
    package static func emit(_ document: Value) throws(EmitError) -> String { try emit([document]) }

    // MARK: - Walking the tree

    private static func write(_ value: Value, _ handle: OpaquePointer) throws(EmitError) {
        switch value {
        case .string(let text):
            try scalar(text, style: ASPIRE_YAML_EMIT_ANY, plainIsString: isPlainSafe(text), handle)
        case .literal(let text):
            let style = text.contains("\n") ? ASPIRE_YAML_EMIT_LITERAL : ASPIRE_YAML_EMIT_ANY
            try scalar(text, style: style, plainIsString: isPlainSafe(text), handle)
        case .int(let number):
            try scalar(String(number), style: ASPIRE_YAML_EMIT_PLAIN, plainIsString: true, handle)
        case .bool(let flag):
            try scalar(flag ? "true" : "false", style: ASPIRE_YAML_EMIT_PLAIN, plainIsString: true, handle)
        case .null:
            try scalar("null", style: ASPIRE_YAML_EMIT_PLAIN, plainIsString: true, handle)
        case .sequence(let items, let flow):
            try check(aspire_yaml_emit_sequence_start(handle, flow ? 1 : 0), handle)
            for item in items { try write(item, handle) }
            try check(aspire_yaml_emit_sequence_end(handle), handle)
        case .mapping(let pairs, let flow):
            try check(aspire_yaml_emit_mapping_start(handle, flow ? 1 : 0), handle)
            for (key, item) in pairs {
                try scalar(key, style: ASPIRE_YAML_EMIT_ANY, plainIsString: isPlainSafe(key), handle)
                try write(item, handle)
            }
            try check(aspire_yaml_emit_mapping_end(handle), handle)
        }
    }

    private static func scalar(_ text: String, style: aspire_yaml_emit_style, plainIsString: Bool, _ handle: OpaquePointer) throws(EmitError) {
        var text = text
        let status = text.withUTF8 { utf8 in
            utf8.withMemoryRebound(to: CChar.self) { chars in
                aspire_yaml_emit_scalar(handle, chars.baseAddress, chars.count, Int32(style.rawValue), plainIsString ? 1 : 0)
            }
        }
        try check(status, handle)
    }

    private static func check(_ status: Int32, _ handle: OpaquePointer) throws(EmitError) {
        if status == 0 { throw EmitError(message: String(cString: aspire_yaml_emitter_error(handle))) }
    }

    // MARK: - Plain scalars that would not read back as strings

    /// True when `text`, written plain, reads back as the same string under both YAML 1.1
    /// (PyYAML, go-yaml v2, so kubectl) and YAML 1.2 resolution: not null, not a boolean
    /// (`yes`, `no`, `on`, `off`, `y`, `n` included), not a number (decimal, hex, octal, binary,
    /// sexagesimal `1:20`, floats, `.inf`, `.nan`), not a timestamp, not `=` or `<<`.
    ///
    /// The number test is deliberately broad (anything made only of digits and number
    /// punctuation, with at least one digit): a string like `1.2.3` gets quoted, which is harmless.
    package static func isPlainSafe(_ text: String) -> Bool {
        if text.isEmpty { return false }
        if reservedWords.contains(text) { return false }
        let lowered = text.lowercased()
        let unsigned = lowered.hasPrefix("+") || lowered.hasPrefix("-") ? String(lowered.dropFirst()) : lowered
        if unsigned == ".inf" || unsigned == ".nan" { return false }
        let scalars = text.unicodeScalars
        guard let first = scalars.first, numberStart.contains(first) else { return true }
        let hasDigit = scalars.contains { ("0"..."9").contains($0) }
        return !(hasDigit && scalars.allSatisfy { numberCharacters.contains($0) })
    }

    private static let reservedWords: Set<String> = [
        "~", "null", "Null", "NULL",
        "true", "True", "TRUE", "false", "False", "FALSE",
        "yes", "Yes", "YES", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF",
        "y", "Y", "n", "N", "=", "<<",
    ]
    private static let numberStart = Set("0123456789+-.".unicodeScalars)
    private static let numberCharacters = Set("0123456789abcdefABCDEFxXoObB_+-.:eEtTzZ ".unicodeScalars)

    /// Owns one C emitter; frees it once.
    ///
    /// Only used inside `emit`, on one thread; the handle never leaves this file.
    private final class Output {
        let handle: OpaquePointer?

        init() { handle = aspire_yaml_emitter_new() }

        deinit { aspire_yaml_emitter_free(handle) }
    }
}
