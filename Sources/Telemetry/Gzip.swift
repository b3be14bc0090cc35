internal import CZlibShim

/// gzip through system zlib (`CZlibShim`): Foundation on Linux has no such API.
package enum Gzip {
    enum Failure: Error, Sendable, Hashable {
        case malformed
        case tooLarge
        case noMemory
    }

    /// Inflates a gzip (or zlib) stream, stopping as soon as the output passes `limit` bytes.
    ///
    /// - Throws: ``Failure/tooLarge`` past `limit` (a compression bomb costs at most `limit`
    ///   bytes), ``Failure/malformed`` for anything but one complete stream.
    static func inflate(_ input: [UInt8], limit: Int) throws(Failure) -> [UInt8] {
        var output: UnsafeMutablePointer<UInt8>?
        var length = 0
        let status = input.withUnsafeBufferPointer { buffer in
            aspire_gunzip(buffer.baseAddress, buffer.count, limit, &output, &length)
        }
        defer { aspire_gunzip_free(output) }
        switch status {
        case ASPIRE_GUNZIP_OK:
            guard let output else { return [] }
            return Array(UnsafeBufferPointer(start: output, count: length))
        case ASPIRE_GUNZIP_TOO_LARGE: throw .tooLarge
        case ASPIRE_GUNZIP_NO_MEMORY: throw .noMemory
        default: throw .malformed
        }
    }

    /// Compresses `input` as one gzip member (what a sender with `Content-Encoding: gzip` posts).
    package static func deflate(_ input: [UInt8]) -> [UInt8]? {
        var output: UnsafeMutablePointer<UInt8>?
        var length = 0
        let result = input.withUnsafeBufferPointer { aspire_gzip($0.baseAddress, $0.count, &output, &length) }
        defer { aspire_gunzip_free(output) }
        guard result == 0, let output else { return nil }
        return Array(UnsafeBufferPointer(start: output, count: length))
    }
}
