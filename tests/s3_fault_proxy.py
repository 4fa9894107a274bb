"""A reverse proxy on 127.0.0.1 in front of the test S3 server, to see and break requests.

It forwards every request to moto's server as is (moto does not check signatures, so
signing for the proxy's address is fine) and keeps (method, path, Range header) of each
in ``seen``. Set ``fail`` to a status (403, 500, ...) to answer every request with it
instead, with an S3-style XML error body; ``fail_times`` limits how many are failed and
``fail_match`` fails only requests whose path contains it. ``delay_s`` holds every
answer back that long (a slow store).
"""

from __future__ import annotations

import http.client
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

_CODES = {403: "AccessDenied", 404: "NoSuchKey", 500: "InternalError", 503: "SlowDown"}
_HOP = {"connection", "keep-alive", "transfer-encoding", "host"}


@dataclass
class FaultProxy:
    """Forward to ``upstream`` (host, port); ``endpoint`` is the proxy's own URL."""

    upstream: tuple[str, int]
    endpoint: str = ""
    fail: int | None = None
    fail_times: int | None = None
    fail_match: str | None = None
    delay_s: float = 0.0
    seen: list[tuple[str, str, str | None]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def _failing(self, path: str) -> int | None:
        with self.lock:
            if self.fail is None or self.fail_times == 0:
                return None
            if self.fail_match is not None and self.fail_match not in path:
                return None
            if self.fail_times is not None:
                self.fail_times -= 1
            return self.fail

    def handle(self, handler: BaseHTTPRequestHandler) -> None:
        with self.lock:
            self.seen.append((handler.command, handler.path, handler.headers.get("Range")))
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        time.sleep(self.delay_s)
        status = self._failing(handler.path)
        if status is not None:
            code = _CODES.get(status, "Error")
            payload = f"<Error><Code>{code}</Code><Message>{code}</Message></Error>".encode()
            handler.send_response(status)
            handler.send_header("Content-Type", "application/xml")
            handler.send_header("Content-Length", str(len(payload)))
            handler.end_headers()
            handler.wfile.write(payload)
            return
        upstream = http.client.HTTPConnection(*self.upstream, timeout=30)
        headers = {k: v for k, v in handler.headers.items() if k.lower() not in _HOP}
        headers["Host"] = handler.headers.get("Host") or f"{self.upstream[0]}:{self.upstream[1]}"
        upstream.request(handler.command, handler.path, body=body, headers=headers)
        response = upstream.getresponse()
        data = response.read()
        handler.send_response(response.status)
        head = handler.command == "HEAD"
        for name, value in response.getheaders():
            if name.lower() not in _HOP and (head or name.lower() != "content-length"):
                handler.send_header(name, value)
        if not head:
            handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        if not head:
            handler.wfile.write(data)
        upstream.close()


@contextmanager
def fault_proxy(upstream_endpoint: str) -> Iterator[FaultProxy]:
    """A ``FaultProxy`` in front of ``http://127.0.0.1:port`` while the block runs."""
    host, port = upstream_endpoint.removeprefix("http://").split(":")
    proxy = FaultProxy((host, int(port)))

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *_: object) -> None:
            pass

        def _any(self) -> None:
            proxy.handle(self)

        do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = _any

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    proxy.endpoint = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield proxy
    finally:
        server.shutdown()
        server.server_close()
