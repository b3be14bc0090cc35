"""A minimal Redis client over a socket (RESP2), standard library only."""

import socket


def parse_connection_string(text):
    """StackExchange.Redis's format, as aspire injects it: "host:port,password=SECRET".

    Returns (host, port, password or None). Only the first endpoint is used.
    """
    host, port, password = "localhost", 6379, None
    endpoint_seen = False
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        key, eq, value = part.partition("=")
        if eq:
            if key.strip().lower() == "password":
                password = value
        elif not endpoint_seen:
            endpoint_seen = True
            name, _, port_text = part.rpartition(":")
            if name and port_text.isdigit():
                host, port = name.strip("[]"), int(port_text)
            else:
                host = part
    return host, port, password


class Redis:
    """One connection; call(...) sends a command and returns the decoded reply."""

    def __init__(self, host, port, password=None, timeout=10):
        self.sock = socket.create_connection((host, int(port)), timeout=timeout)
        self.stream = self.sock.makefile("rb")
        if password:
            self.call("AUTH", password)

    @classmethod
    def from_connection_string(cls, text, **kwargs):
        host, port, password = parse_connection_string(text)
        return cls(host, port, password, **kwargs)

    def call(self, *args):
        parts = [b"*%d\r\n" % len(args)]
        for arg in args:
            data = arg if isinstance(arg, bytes) else str(arg).encode()
            parts.append(b"$%d\r\n%s\r\n" % (len(data), data))
        self.sock.sendall(b"".join(parts))
        return self._read()

    def _read(self):
        line = self.stream.readline()
        if not line.endswith(b"\r\n"):
            raise ConnectionError("connection closed by Redis")
        kind, rest = line[:1], line[1:-2]
        if kind == b"+":
            return rest.decode()
        if kind == b"-":
            raise RuntimeError(rest.decode())
        if kind == b":":
            return int(rest)
        if kind == b"$":
            length = int(rest)
            return None if length < 0 else self.stream.read(length + 2)[:-2].decode()
        if kind == b"*":
            count = int(rest)
            return None if count < 0 else [self._read() for _ in range(count)]
        raise RuntimeError("unexpected reply from Redis: %r" % line)

    def close(self):
        self.sock.close()
