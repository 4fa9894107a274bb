"""A tiny forwarding HTTP proxy on 127.0.0.1 for tests: it takes absolute-URI requests
(``GET http://host:port/path HTTP/1.1``), keeps what it was asked and with which
headers, and forwards them (without the hop-by-hop and proxy headers) to the site."""

from __future__ import annotations

import http.client
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

_NOT_FORWARDED = {"proxy-authorization", "proxy-connection", "connection", "keep-alive"}


@dataclass
class ForwardProxy:
    """Start with ``serve()``; ``seen`` lists (absolute URL, lower-case headers)."""

    url: str = ""
    seen: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def _forward(self, handler: BaseHTTPRequestHandler) -> None:
        headers = {k.lower(): v for k, v in handler.headers.items()}
        with self.lock:
            self.seen.append((handler.path, headers))
        target = urlsplit(handler.path)
        if target.scheme != "http" or not target.hostname:
            handler.send_error(400, "absolute http URL expected")
            return
        upstream = http.client.HTTPConnection(target.hostname, target.port or 80, timeout=10)
        path = target.path + (f"?{target.query}" if target.query else "")
        upstream.request(
            handler.command,
            path or "/",
            headers={k: v for k, v in handler.headers.items() if k.lower() not in _NOT_FORWARDED},
        )
        response = upstream.getresponse()
        body = response.read()
        handler.send_response(response.status)
        for name, value in response.getheaders():
            if name.lower() not in ("transfer-encoding", "connection", "content-length"):
                handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)
        upstream.close()

    @contextmanager
    def serve(self) -> Iterator[ForwardProxy]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                proxy._forward(self)

            def log_message(self, *args: object) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        self.url = f"http://127.0.0.1:{server.server_address[1]}"
        try:
            yield self
        finally:
            server.shutdown()
            server.server_close()
