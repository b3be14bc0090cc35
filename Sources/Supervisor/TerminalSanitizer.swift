/// Makes a child's output safe to show on the user's terminal: only text and colour get through.
///
/// A child must not drive the terminal it shares with `aspire` (OSC 52 writes the clipboard,
/// OSC 0 the window title, `ESC[2J` clears the screen, DCS talks to the terminal itself), so
/// what `up` prints and what `aspire logs` prints go through ``sanitize(_:color:)``. The rule,
/// applied per byte on whole lines:
///
/// - printable text, valid UTF-8, tab and newline pass unchanged;
/// - an SGR sequence (`ESC [ digits;: m`, colour and bold) is kept when colour is on and
///   dropped when it is off;
/// - every other C0 control byte and DEL becomes the literal text `\xNN` (so OSC 52 shows as
///   `\x1b]52;c;…\x07`, a clear screen as `\x1b[2J`): the introducer is escaped, the rest of the
///   sequence is plain text. A `\r` just before the newline (CRLF) is dropped;
/// - C1 controls (U+0080–U+009F) and the bidi controls U+202A–U+202E and U+2066–U+2069
///   become `<U+009B>`;
/// - a byte that is not part of valid UTF-8 becomes `\xNN`.
///
/// The log files keep the bytes as written; `aspire logs --raw` prints them.
///
/// - Important: The common line (no control byte but tab, nothing at or above 0x7F) costs one
///   scan eight bytes at a time and no allocation: ``sanitize(_:color:)`` returns nil for it.
package enum TerminalSanitizer {
    /// The sanitised bytes, or nil when `bytes` is already safe (the common case: no copy).
    ///
    /// - Parameters:
    ///   - bytes: One or more lines, raw as the child wrote them.
    ///   - color: Keep SGR colour sequences (true) or drop them (false).
    package static func sanitize(_ bytes: UnsafeRawBufferPointer, color: Bool) -> [UInt8]? {
        guard var index = firstUnsafeIndex(in: bytes, from: 0) else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 64)
        var copied = 0
        while true {
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[copied..<index]))
            index = escape(bytes, at: index, color: color, into: &out)
            copied = index
            guard let next = firstUnsafeIndex(in: bytes, from: index) else { break }
            index = next
        }
        out.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[copied...]))
        return out
    }

    /// `bytes` made safe (themselves when already safe).
    package static func sanitize(_ bytes: [UInt8], color: Bool) -> [UInt8] {
        bytes.withUnsafeBytes { sanitize($0, color: color) } ?? bytes
    }

    // MARK: - The fast scan

    private static let lows: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
    private static let highs: UInt64 = 0x8080_8080_8080_8080

    /// The index of the first byte at or after `start` that needs attention: a control byte
    /// other than tab and newline, DEL, or any byte of 0x80 and above.
    static func firstUnsafeIndex(in bytes: UnsafeRawBufferPointer, from start: Int) -> Int? {
        guard let base = bytes.baseAddress else { return nil }
        let count = bytes.count
        var index = start
        while index + 8 <= count {
            let word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: index, as: UInt64.self))
            // Coarse first (any byte < 0x20 or >= 0x7F, newlines included), exact only then.
            if ((word &- 0x2020_2020_2020_2020) & ~word | (word &+ 0x0101_0101_0101_0101) | word) & highs != 0 {
                let flags = unsafeBytes(word)
                if flags != 0 { return index + flags.trailingZeroBitCount / 8 }
            }
            index += 8
        }
        while index < count {
            if isUnsafe(base.load(fromByteOffset: index, as: UInt8.self)) { return index }
            index += 1
        }
        return nil
    }

    /// The high bit of each byte of `word` that needs attention, exactly (no carries between
    /// bytes, so the lowest set bit names the first such byte).
    @inline(__always)
    private static func unsafeBytes(_ word: UInt64) -> UInt64 {
        // A byte's high bit ends up set in `(b & 0x7F) + k` when (b & 0x7F) + k >= 0x80.
        let low = word & lows
        let control = ~(low &+ 0x6060_6060_6060_6060) & ~word & highs  // < 0x20
        let newline = zeroBytes(word ^ 0x0A0A_0A0A_0A0A_0A0A)
        let tab = zeroBytes(word ^ 0x0909_0909_0909_0909)
        let delete = zeroBytes(word ^ lows)
        return (control & ~newline & ~tab) | delete | (word & highs)
    }

    /// The high bit of each zero byte of `word`, exactly.
    @inline(__always)
    private static func zeroBytes(_ word: UInt64) -> UInt64 {
        ~(((word & lows) &+ lows) | word) & highs
    }

    @inline(__always)
    private static func isUnsafe(_ byte: UInt8) -> Bool {
        byte < 0x20 ? byte != 0x0A && byte != 0x09 : byte >= 0x7F
    }

    // MARK: - The slow path

    /// Writes the safe form of the unit at `index` (a control, an escape sequence, a UTF-8
    /// scalar) to `out`; returns the index after it.
    private static func escape(
        _ bytes: UnsafeRawBufferPointer, at index: Int, color: Bool, into out: inout [UInt8]
    ) -> Int {
        let byte = bytes[index]
        switch byte {
        case 0x1B:
            if let end = sgrEnd(bytes, at: index) {
                if color { out.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[index..<end])) }
                return end
            }
            appendHexByte(byte, to: &out)
            return index + 1
        case 0x0D where index + 1 < bytes.count && bytes[index + 1] == 0x0A:
            return index + 1  // CRLF: the CR goes
        case 0..<0x80:
            appendHexByte(byte, to: &out)
            return index + 1
        default:
            guard let (scalar, length) = decodeScalar(bytes, at: index) else {
                appendHexByte(byte, to: &out)
                return index + 1
            }
            if isHiddenControl(scalar) {
                appendCodePoint(scalar, to: &out)
            } else {
                out.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[index..<(index + length)]))
            }
            return index + length
        }
    }

    /// The end of an SGR sequence starting at `index` (`ESC [`, then only digits, `;` and `:`,
    /// then `m`), or nil when the escape there is anything else.
    private static func sgrEnd(_ bytes: UnsafeRawBufferPointer, at index: Int) -> Int? {
        guard index + 2 < bytes.count, bytes[index + 1] == UInt8(ascii: "[") else { return nil }
        var cursor = index + 2
        while cursor < bytes.count {
            let byte = bytes[cursor]
            if byte == UInt8(ascii: "m") { return cursor + 1 }
            guard (0x30...0x3B).contains(byte) else { return nil }  // 0-9 : ;
            cursor += 1
        }
        return nil
    }

    /// C1 controls and the bidi embedding, override and isolate controls.
    package static func isHiddenControl(_ scalar: UInt32) -> Bool {
        scalar < 0x20 || (0x7F...0x9F).contains(scalar) || (0x202A...0x202E).contains(scalar)
            || (0x2066...0x2069).contains(scalar)
    }

    /// The scalar of the valid UTF-8 sequence at `index` and its length, or nil when the bytes
    /// there are not valid UTF-8 (overlong, surrogate, beyond U+10FFFF, or cut).
    private static func decodeScalar(_ bytes: UnsafeRawBufferPointer, at index: Int) -> (UInt32, Int)? {
        let lead = bytes[index]
        // The sequence's length, the lead's bits, and the range of its second byte (which rules
        // out overlong forms, surrogates and code points beyond U+10FFFF).
        let form: (length: Int, bits: UInt8, second: ClosedRange<UInt8>)
        switch lead {
        case 0xC2...0xDF: form = (2, lead & 0x1F, 0x80...0xBF)
        case 0xE0: form = (3, lead & 0x0F, 0xA0...0xBF)
        case 0xED: form = (3, lead & 0x0F, 0x80...0x9F)
        case 0xE1...0xEF: form = (3, lead & 0x0F, 0x80...0xBF)
        case 0xF0: form = (4, lead & 0x07, 0x90...0xBF)
        case 0xF4: form = (4, lead & 0x07, 0x80...0x8F)
        case 0xF1...0xF3: form = (4, lead & 0x07, 0x80...0xBF)
        default: return nil
        }
        let length = form.length
        var scalar = UInt32(form.bits)
        guard index + length <= bytes.count else { return nil }
        for offset in 1..<length {
            let byte = bytes[index + offset]
            let range: ClosedRange<UInt8> = offset == 1 ? form.second : 0x80...0xBF
            guard range.contains(byte) else { return nil }
            scalar = scalar << 6 | UInt32(byte & 0x3F)
        }
        return (scalar, length)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// `\xNN`, lower-case hex.
    private static func appendHexByte(_ byte: UInt8, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\\"))
        out.append(UInt8(ascii: "x"))
        out.append(hexDigits[Int(byte >> 4)])
        out.append(hexDigits[Int(byte & 0xF)])
    }

    /// `<U+009B>`, upper-case hex, at least four digits.
    private static func appendCodePoint(_ scalar: UInt32, to out: inout [UInt8]) {
        out.append(contentsOf: Array(codePoint(scalar).utf8))
    }

    /// `<U+202E>`: how a hidden control character is shown (also in diagnostics).
    package static func codePoint(_ scalar: UInt32) -> String {
        let hex = String(scalar, radix: 16, uppercase: true)
        return "<U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex + ">"
    }
}
