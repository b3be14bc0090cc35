import Foundation
import Testing

extension Chromium {
    /// Opens `url` in headless Chromium and reads the live DOM over the DevTools protocol until it
    /// contains `text` (or `seconds` pass), optionally taking a PNG screenshot then.
    ///
    /// Why not `--dump-dom --virtual-time-budget`: virtual time does not advance while a request
    /// is pending, and a telemetry page holds its event stream open, so such a dump never comes.
    ///
    /// - Returns: The DOM (`outerHTML`), and the screenshot's bytes (empty when none was asked or made).
    static func watch(_ browser: String, url: String, until text: String, seconds: Int = 60, screenshot: Bool = false)
        async throws -> (dom: String, screenshot: Data)
    {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("aspire-cdp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let script = folder.appendingPathComponent("cdp_page.py")
        try devToolsScript.write(to: script, atomically: true, encoding: .utf8)
        let output = folder.appendingPathComponent("dom.html")
        let errors = folder.appendingPathComponent("stderr.txt")
        let shot = folder.appendingPathComponent("shot.png")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path, browser, url, text, String(seconds)] + (screenshot ? [shot.path] : [])
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardError = try FileHandle(forWritingTo: errors)
        process.standardInput = FileHandle.nullDevice
        let finished = AsyncStream<Void> { continuation in process.terminationHandler = { _ in continuation.finish() } }
        try process.run()
        let watchdog = Task {
            try await Task.sleep(for: .seconds(seconds + 30))
            process.terminate()
        }
        for await _ in finished {}
        watchdog.cancel()
        let dom = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
        if dom.isEmpty {
            let stderr = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
            Issue.record("Chromium's DevTools gave no DOM (exit \(process.terminationStatus)): \(stderr.suffix(2000))")
        }
        return (dom, (try? Data(contentsOf: shot)) ?? Data())
    }

    /// The DevTools client, in Python's standard library only (a WebSocket by hand).
    static let devToolsScript = #"""
"""Opens URL in headless Chromium and reads the live DOM over the DevTools protocol (stdlib only),
until TEXT appears in it or SECONDS pass; prints the DOM, and writes a PNG screenshot when a path
is given. Unlike --dump-dom with --virtual-time-budget, this works on a page holding an open
event stream (virtual time never advances past a pending request).
Usage: cdp_page.py CHROMIUM URL TEXT SECONDS [SCREENSHOT.png]"""

import base64, json, os, shutil, socket, struct, subprocess, sys, tempfile, time, urllib.request

browser, url, want, limit = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
shot = sys.argv[5] if len(sys.argv) > 5 else ""
profile = tempfile.mkdtemp(prefix="aspire-cdp-")
process = subprocess.Popen(
    [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
     "--disable-extensions", "--disable-background-networking", "--hide-scrollbars", "--window-size=1280,720",
     "--remote-debugging-port=0", f"--user-data-dir={profile}", url],
    stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
deadline = time.time() + limit


class Socket:
    def __init__(self, port, path):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=max(1.0, deadline - time.time()))
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
                           f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
        self.buffer = b""
        while b"\r\n\r\n" not in self.buffer:
            self.buffer += self.recv()
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        if b" 101 " not in head.split(b"\r\n")[0]:
            raise SystemExit(f"no websocket: {head[:200]!r}")
        self.next_id = 0

    def recv(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise SystemExit("the browser closed the connection")
        return chunk

    def exact(self, count):
        while len(self.buffer) < count:
            self.buffer += self.recv()
        data, self.buffer = self.buffer[:count], self.buffer[count:]
        return data

    def send(self, message):
        data = json.dumps(message).encode()
        size = len(data)
        head = bytes([0x81]) + (bytes([0x80 | size]) if size < 126 else
                                bytes([0x80 | 126]) + struct.pack(">H", size) if size < 65536 else
                                bytes([0x80 | 127]) + struct.pack(">Q", size))
        mask = os.urandom(4)
        self.sock.sendall(head + mask + bytes(byte ^ mask[index % 4] for index, byte in enumerate(data)))

    def message(self):
        payload = b""
        while True:
            first, second = self.exact(2)
            size = second & 0x7F
            if size == 126:
                size = struct.unpack(">H", self.exact(2))[0]
            elif size == 127:
                size = struct.unpack(">Q", self.exact(8))[0]
            data = self.exact(size)
            if first & 0x0F == 8:
                raise SystemExit("the browser closed the page")
            if first & 0x0F in (9, 10):
                continue
            payload += data
            if first & 0x80:
                return json.loads(payload)

    def call(self, method, params=None):
        self.next_id += 1
        self.send({"id": self.next_id, "method": method, "params": params or {}})
        while True:
            answer = self.message()
            if answer.get("id") == self.next_id:
                return answer.get("result", {})


try:
    port_file = os.path.join(profile, "DevToolsActivePort")
    while not (os.path.exists(port_file) and open(port_file).read().strip()):
        if time.time() > deadline or process.poll() is not None:
            raise SystemExit("Chromium did not open its DevTools port")
        time.sleep(0.05)
    port = int(open(port_file).read().split()[0])
    page = None
    while page is None:
        targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=5))
        page = next((target for target in targets if target.get("type") == "page"), None)
        if page is None:
            time.sleep(0.05)
    devtools = Socket(port, "/devtools/page/" + page["id"])
    html = ""
    while True:
        result = devtools.call("Runtime.evaluate", {"expression": "document.documentElement.outerHTML", "returnByValue": True})
        html = result.get("result", {}).get("value", "") or ""
        if want in html or time.time() > deadline:
            break
        time.sleep(0.1)
    if shot:
        data = devtools.call("Page.captureScreenshot", {"format": "png"}).get("data", "")
        with open(shot, "wb") as file:
            file.write(base64.b64decode(data))
    sys.stdout.write(html)
finally:
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
    shutil.rmtree(profile, ignore_errors=True)
"""#
}
