"""A small purpose-built HTTP site on 127.0.0.1 for crawler tests, with a request log."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(
        default_factory=lambda: {"Content-Type": "text/html; charset=utf-8"}
    )
    delay_s: float = 0.0
    """Wait this long before answering (a slow page)."""
    handler: Callable[[Request], tuple[int, dict[str, str], bytes]] | None = None


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: dict[str, str]
    at: float


class TestSite:
    """Routes by path; everything else is a 404. ``requests`` lists what was asked."""

    __test__ = False

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[Request] = []
        self.base_url = ""
        self._lock = threading.Lock()

    def add(self, path: str, body: bytes | str = b"", **kwargs) -> None:
        if isinstance(body, str):
            body = body.encode("utf-8")
        self.routes[path] = Route(body=body, **kwargs)

    def add_publication(self, name: str, pages: int = 2) -> None:
        """``/<name>/sitemap.xml`` listing ``pages`` article pages ``/<name>/<i>``, and the
        pages (serve first: the sitemap holds absolute URLs)."""
        urls = "".join(f"<url><loc>{self.base_url}/{name}/{i}</loc></url>" for i in range(pages))
        self.add(
            f"/{name}/sitemap.xml",
            '<?xml version="1.0"?><urlset xmlns="http://www.'
            f'sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>',
            headers={"Content-Type": "application/xml"},
        )
        for i in range(pages):
            self.add(f"/{name}/{i}", article_html(f"{name} {i}"))

    def paths(self) -> list[str]:
        with self._lock:
            return [r.path for r in self.requests]

    def count(self, path: str) -> int:
        return self.paths().count(path)

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        request = Request(
            handler.command,
            handler.path,
            {k.lower(): v for k, v in handler.headers.items()},
            time.monotonic(),
        )
        with self._lock:
            self.requests.append(request)
        route = self.routes.get(handler.path)
        if route is None:
            status, headers, body = 404, {"Content-Type": "text/html"}, b"<html>not found</html>"
        elif route.handler is not None:
            status, headers, body = route.handler(request)
        else:
            status, headers, body = route.status, dict(route.headers), route.body
        if route is not None and route.delay_s:
            time.sleep(route.delay_s)
        try:
            handler.send_response(status)
            for name, value in headers.items():
                handler.send_header(name, value)
            if "Content-Length" not in headers:
                handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            if handler.command != "HEAD":
                handler.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    @contextmanager
    def serve(self) -> Iterator[TestSite]:
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                site._handle(self)

            def log_message(self, *args) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        server.handle_error = lambda request, address: None  # clients hanging up on purpose
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        self.base_url = f"http://127.0.0.1:{server.server_address[1]}"
        try:
            yield self
        finally:
            server.shutdown()
            server.server_close()


def article_html(
    title: str, words: int = 120, extra_head: str = "", links: tuple[str, ...] = ()
) -> str:
    body = " ".join(f"word{i}" for i in range(words))
    anchors = "".join(f'<a href="{href}">link</a>' for href in links)
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title>{extra_head}"
        f"</head><body><article><h1>{title}</h1><p>{body}</p></article>{anchors}</body></html>"
    )
