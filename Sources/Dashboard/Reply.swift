import Foundation
import Hummingbird
import Quoting

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
        body("{\"error\":\(JSON.string(message))}\n", contentType: "application/json; charset=utf-8", status: status)
    }
}
