/// One control API request as `ControlRouter` sees it: the transport (Hummingbird, see
/// `ControlServer`) has parsed the HTTP already and enforced the size limits.
package struct ControlRequest: Sendable, Hashable {
    package var method: String
    /// The path without the query, still percent-encoded (`pathSegments` decodes it).
    package var path: String
    package var query: String?
    package var body: [UInt8]

    /// The most a request head may take (the HTTP decoder's limit; over it the answer is 400).
    package static let maximumHeadBytes = 16 * 1024
    /// The most a request body may take (413 over it).
    package static let maximumBodyBytes = 64 * 1024

    package init(method: String, path: String, query: String? = nil, body: [UInt8] = []) {
        self.method = method
        self.path = path
        self.query = query
        self.body = body
    }

    /// The path's segments, percent-decoded (`/v1/resources/a%2Db` → `["v1", "resources", "a-b"]`).
    package var pathSegments: [String] {
        path.split(separator: "/", omittingEmptySubsequences: true).map {
            Self.percentDecoded(String($0)) ?? String($0)
        }
    }

    /// `%XX` escapes decoded; nil when an escape is broken or the result is not UTF-8.
    static func percentDecoded(_ text: String) -> String? {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next(), let low = iterator.next(),
                let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)
            else { return nil }
            bytes.append(value)
        }
        return String(validating: bytes, as: UTF8.self)
    }
}

/// An answer: a status, headers beyond the framework's own, and a JSON body.
package struct ControlResponse: Sendable, Hashable {
    package var status: Int
    package var headers: [String: String]
    package var body: [UInt8]

    package init(status: Int, headers: [String: String] = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The standard reason phrase (for the client's message when an error answer has no JSON).
    package static func reason(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 202: "Accepted"
        case 400: "Bad Request"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 408: "Request Timeout"
        case 409: "Conflict"
        case 413: "Content Too Large"
        case 500: "Internal Server Error"
        case 505: "HTTP Version Not Supported"
        default: "Status \(status)"
        }
    }
}
