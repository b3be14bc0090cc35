import os, socket
from http.server import BaseHTTPRequestHandler, HTTPServer

def redis_ping():
    conn = os.environ.get("ConnectionStrings__redis", "")
    host_port, _, rest = conn.partition(",")
    host, _, port = host_port.partition(":")
    password = rest.partition("password=")[2]
    with socket.create_connection((host, int(port)), timeout=2) as s:
        if password:
            s.sendall(b"AUTH " + password.encode() + b"\r\n")
            s.recv(64)
        s.sendall(b"INCR hits\r\n")
        return s.recv(64).decode().strip()

class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        body = ("hits " + redis_ping()).encode()
        self.send_response(200)
        self.end_headers()
        self.wfile.write(body)

print("web listening on", os.environ["PORT"], flush=True)
HTTPServer(("127.0.0.1", int(os.environ["PORT"])), Handler).serve_forever()
