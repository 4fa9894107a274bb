"""The HTTP edge of the sample site: a threaded stdlib server in a background thread."""

from __future__ import annotations

import logging
import sys
import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from devtools.sample_site.routes import Request, Response, respond
from devtools.sample_site.site import LOGGED_HEADERS, RequestRecord

if TYPE_CHECKING:
    from devtools.sample_site.site import SampleSite

log = logging.getLogger(__name__)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    site: SampleSite

    def handle_error(self, request: object, client_address: tuple[str, int]) -> None:
        """Clients that hang up (a crawler aborting the oversized trap, a closed
        keep-alive connection) are normal here: log them at debug level only."""
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, TimeoutError)):
            log.debug("client %s went away: %s", client_address, exc)
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "SampleNewsSite/1.0"
    server: _Server

    def do_GET(self) -> None:
        self._handle("GET")

    def do_HEAD(self) -> None:
        self._handle("HEAD")

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        self._handle("POST")

    def log_message(self, format: str, *args: object) -> None:
        log.debug("%s - %s", self.address_string(), format % args)

    def _handle(self, method: str) -> None:
        site = self.server.site
        parts = urlsplit(self.path)
        headers = {k.lower(): v for k, v in self.headers.items()}
        request = Request(method, parts.path or "/", parts.query, headers)
        try:
            response = respond(site, request)
        except Exception:
            log.exception("sample site failed on %s %s", method, self.path)
            response = Response(500, (("Content-Type", "text/plain"),), b"sample site error\n")
        if response.delay_seconds:
            time.sleep(response.delay_seconds)
        if not request.path.startswith("/_control/"):
            # Recorded before the response is sent, so a client that has its answer
            # always finds the request in the log.
            site.record(
                RequestRecord(
                    method=method,
                    path=self.path,
                    status=response.status,
                    headers={h: headers[h] for h in LOGGED_HEADERS if h in headers},
                    timestamp=datetime.now(UTC),
                    body_bytes=0
                    if method == "HEAD" or response.status == 304
                    else len(response.body),
                )
            )
        try:
            self._send(method, response)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _send(self, method: str, response: Response) -> None:
        self.send_response(response.status)
        for name, value in response.headers:
            self.send_header(name, value)
        if response.stream is not None:
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            if method != "HEAD":
                for chunk in response.stream:
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                self.wfile.write(b"0\r\n\r\n")
            return
        if response.status != 304:
            self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if method != "HEAD" and response.status != 304:
            self.wfile.write(response.body)


class Serving:
    """A bound server; ``with`` runs it in a background thread and yields the site."""

    def __init__(self, site: SampleSite, host: str, port: int) -> None:
        self.site = site
        self._server = _Server((host, port), _Handler)
        self._server.site = site
        self._thread: threading.Thread | None = None
        bound_host, bound_port = self._server.server_address[:2]
        self.base_url = f"http://{bound_host}:{bound_port}"

    def __enter__(self) -> SampleSite:
        self.site._attach(self.base_url)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.1},
            name="sample-site",
            daemon=True,
        )
        self._thread.start()
        return self.site

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Stop serving and release the port (safe to call twice)."""
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join()
            self._thread = None
        self._server.server_close()
        self.site._detach()
