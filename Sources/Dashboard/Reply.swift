import Foundation
import Hummingbird

/// Builds the dashboard's responses: HTML pages, JSON, SVG, and JSON errors.
enum Reply {
    /// An HTML page.
    static func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        body(text, contentType: "text/html; charset=utf-8", status: status)
    }

    /// Any text with its content type.
    static func body(_ text: String, contentType: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: contentType],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    /// A value as JSON (keys sorted, so answers are stable).
    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value) else {
            return error(.internalServerError, "could not encode the answer")
        }
        return Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// 429 with `Retry-After`: too many wrong login tokens from this client (``LoginLimiter``).
    ///
    /// - Parameters:
    ///   - seconds: When the next attempt will be looked at.
    ///   - html: The page to show a browser; nil answers JSON.
    static func tooManyAttempts(_ seconds: Int, html: String?) -> Response {
        let message = "too many wrong login tokens from this address; try again in \(seconds) s"
        var response = html.map { Self.html($0, status: .tooManyRequests) } ?? error(.tooManyRequests, message)
        response.headers[.retryAfter] = String(seconds)
        return response
    }

    /// `{"error": message}` with a status.
    static func error(_ status: HTTPResponse.Status, _ message: String) -> Response {
        body("{\"error\":\(JSONText.quote(message))}\n", contentType: "application/json; charset=utf-8", status: status)
    }
}

/// JSON string quoting without an encoder, for the log stream's hot path.
enum JSONText {
    /// `text` as a JSON string literal, quotes included.
    static func quote(_ text: String) -> String {
        var out = "\""
        out.reserveCapacity(text.utf8.count + 2)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{2028}": out += "\\u2028"
            case "\u{2029}": out += "\\u2029"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
