/// Replaces every occurrence of a service's secret values with `***`.
struct SecretMasker: Sendable {
    /// Secrets as bytes, longest first so a secret that contains another is masked whole.
    private let secrets: [[UInt8]]
    private static let mask = Array("***".utf8)

    init(secrets: [String]) {
        self.secrets = Set(secrets.filter { !$0.isEmpty }).map { Array($0.utf8) }.sorted { $0.count > $1.count }
    }

    /// Whether there is nothing to mask.
    var isEmpty: Bool { secrets.isEmpty }

    /// The bytes with every secret replaced.
    func mask(_ bytes: [UInt8]) -> [UInt8] {
        var current = bytes
        for secret in secrets {
            current = Self.replace(secret, in: current)
        }
        return current
    }

    /// The text with every secret replaced.
    func mask(_ text: String) -> String {
        guard !isEmpty else { return text }
        return String(decoding: mask(Array(text.utf8)), as: UTF8.self)
    }

    private static func replace(_ needle: [UInt8], in haystack: [UInt8]) -> [UInt8] {
        haystack.withUnsafeBytes { hay in
            needle.withUnsafeBytes { pin in
                var output: [UInt8] = []
                var offset = 0
                while offset < hay.count,
                    let found = Syscalls.firstRange(of: pin, in: UnsafeRawBufferPointer(rebasing: hay[offset...]))
                {
                    if output.isEmpty { output.reserveCapacity(hay.count) }
                    output.append(contentsOf: UnsafeRawBufferPointer(rebasing: hay[offset..<(offset + found)]))
                    output.append(contentsOf: mask)
                    offset += found + pin.count
                }
                if offset == 0 { return haystack }
                output.append(contentsOf: UnsafeRawBufferPointer(rebasing: hay[offset...]))
                return output
            }
        }
    }
}
