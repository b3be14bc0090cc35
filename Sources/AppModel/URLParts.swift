/// The parts of a URL an endpoint expression can ask for (`{weather.endpoints.https.host}`).
///
/// A deliberately small parser: scheme, host and port of `scheme://[user@]host[:port][/path]`,
/// with the scheme's default port when none is written. Shared by the environment resolver and
/// the publishers so both read external URLs the same way.
package struct URLParts: Sendable, Hashable {
    package var scheme: String
    package var host: String
    package var port: String

    package init(_ url: String) {
        scheme = url.split(separator: ":", maxSplits: 1).first.map(String.init) ?? "http"
        let authority = url.split(separator: "/", omittingEmptySubsequences: true).dropFirst().first.map(String.init) ?? ""
        let hostAndPort = authority.split(separator: "@").last.map(String.init) ?? authority
        host = hostAndPort.split(separator: ":").first.map(String.init) ?? hostAndPort
        port = hostAndPort.split(separator: ":").dropFirst().first.map(String.init) ?? (scheme == "https" ? "443" : "80")
    }

    /// The value of `field` (`url` gives `url` back).
    package func value(_ field: Expression.EndpointField, url: String) -> String {
        switch field {
        case .url: url
        case .host: host
        case .port, .targetPort: port
        case .scheme: scheme
        }
    }
}
