// One GET /v1/status over the control socket with AsyncHTTPClient: what `aspire ps` would cost with a maintained client.
import AsyncHTTPClient
import Foundation

let socket = CommandLine.arguments[1]
guard let url = URL(httpURLWithSocketPath: socket, uri: "/v1/status") else { exit(2) }
let request = HTTPClientRequest(url: url.absoluteString)
do {
    let response = try await HTTPClient.shared.execute(request, timeout: .seconds(5))
    let body = try await response.body.collect(upTo: 1 << 24)
    FileHandle.standardOutput.write(Data(body.readableBytesView))
    exit(response.status.code == 200 ? 0 : 1)
} catch {
    FileHandle.standardError.write(Data("\(error)\n".utf8)); exit(1)
}
