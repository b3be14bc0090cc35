import Foundation

/// The little of HTTP/1.x the control API needs: one request per connection, a
/// `Content-Length` body (no chunked encoding), and `Connection: close` answers.
package struct HTTPRequest: Sendable, Hashable {
    package var method: String
    /// The path without the query, percent-decoded per segment by `pathSegments`.
    package var path: String
    package var query: String?
    package var headers: [(name: String, value: String)]
    package var body: [UInt8]

    /// The most a request head may take.
    package static let maximumHeadBytes = 16 * 1024
    /// The most a request body may take.
    package static let maximumBodyBytes = 64 * 1024

    package init(
        method: String, path: String, query: String? = nil, headers: [(name: String, value: String)] = [],
        body: [UInt8] = []
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }

    /// The first header with this name (case-insensitive).
    package func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// The path's segments, percent-decoded (`/v1/resources/a%2Db` → `["v1", "resources", "a-b"]`).
    package var pathSegments: [String] {
        path.split(separator: "/", omittingEmptySubsequences: true).map {
            Self.percentDecoded(String($0)) ?? String($0)
        }
    }

    /// Why bytes are not a request we accept.
    package enum ParseError: Error, Sendable, Hashable {
        case malformed(String)
        case tooLarge
        case unsupportedVersion
    }

    /// Parses a request from the start of `buffer`.
    ///
    /// - Returns: the request once the head and the whole body are in, nil while more bytes are
    ///   needed.
    /// - Throws: `ParseError` for bytes that will never make an acceptable request.
    package static func parse(_ buffer: [UInt8]) throws(ParseError) -> HTTPRequest? {
        guard let headEnd = endOfHead(buffer) else {
            if buffer.count > maximumHeadBytes { throw .tooLarge }
            return nil
        }
        let head = String(decoding: buffer[0..<headEnd], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        guard !lines.isEmpty else { throw .malformed("empty request") }
        let requestLine = lines.removeFirst().split(separator: " ", omittingEmptySubsequences: false)
        guard requestLine.count == 3 else { throw .malformed("bad request line") }
        let (method, target, version) = (String(requestLine[0]), String(requestLine[1]), String(requestLine[2]))
        guard version == "HTTP/1.1" || version == "HTTP/1.0" else { throw .unsupportedVersion }
        guard !method.isEmpty, method.allSatisfy({ $0.isLetter && $0.isUppercase }), target.hasPrefix("/") else {
            throw .malformed("bad request line")
        }
        var headers: [(name: String, value: String)] = []
        for line in lines where !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else { throw .malformed("bad header line") }
            let name = String(line[..<colon]).trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty, !name.contains(" ") else { throw .malformed("bad header name") }
            headers.append((name, String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)))
        }
        var request = HTTPRequest(method: method, path: target, headers: headers)
        if let question = target.firstIndex(of: "?") {
            request.path = String(target[..<question])
            request.query = String(target[target.index(after: question)...])
        }
        if request.header("Transfer-Encoding") != nil { throw .malformed("chunked bodies are not supported") }
        let length: Int
        if let value = request.header("Content-Length") {
            guard let parsed = Int(value), parsed >= 0 else { throw .malformed("bad Content-Length") }
            length = parsed
        } else {
            length = 0
        }
        guard length <= maximumBodyBytes else { throw .tooLarge }
        let bodyStart = headEnd + 4
        guard buffer.count >= bodyStart + length else { return nil }
        request.body = Array(buffer[bodyStart..<(bodyStart + length)])
        return request
    }

    /// The index of the `\r\n\r\n` that ends the head.
    private static func endOfHead(_ buffer: [UInt8]) -> Int? {
        guard buffer.count >= 4 else { return nil }
        for index in 0...(buffer.count - 4)
        where buffer[index] == 13 && buffer[index + 1] == 10 && buffer[index + 2] == 13 && buffer[index + 3] == 10 {
            return index
        }
        return nil
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

    package static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.method == rhs.method && lhs.path == rhs.path && lhs.query == rhs.query && lhs.body == rhs.body
            && lhs.headers.map(\.name) == rhs.headers.map(\.name)
            && lhs.headers.map(\.value) == rhs.headers.map(\.value)
    }

    package func hash(into hasher: inout Hasher) {
        hasher.combine(method)
        hasher.combine(path)
        hasher.combine(body)
    }
}

/// An answer: a status, a JSON body, and `Connection: close`.
package struct HTTPResponse: Sendable, Hashable {
    package var status: Int
    package var headers: [String: String]
    package var body: [UInt8]

    package init(status: Int, headers: [String: String] = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The bytes on the wire (HTTP/1.1).
    package var serialized: [UInt8] {
        var head = "HTTP/1.1 \(status) \(Self.reason(status))\r\n"
        var all = headers
        all["Content-Length"] = String(body.count)
        all["Connection"] = "close"
        all["Cache-Control"] = "no-store"
        for name in all.keys.sorted() {
            head += "\(name): \(all[name] ?? "")\r\n"
        }
        head += "\r\n"
        return Array(head.utf8) + body
    }

    /// The standard reason phrase.
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
