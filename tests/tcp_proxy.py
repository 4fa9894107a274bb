"""A TCP proxy on 127.0.0.1 that a test can cut: the S3 server "dies" mid-upload.

moto keeps its objects in memory, so killing the server would lose what the crawl
stored before. The proxy stands in front of it instead: ``cut_after(n)`` lets ``n``
more bytes through to the server and then closes every connection and refuses new
ones (an upload in flight breaks half-sent); ``restore`` lets traffic through again.
(``tests/s3_fault_proxy.py`` answers whole requests with errors; this one cuts the
connection in the middle of a request.)
"""

from __future__ import annotations

import contextlib
import socket
import threading
from dataclasses import dataclass, field


@dataclass
class TcpProxy:
    """Forwards 127.0.0.1:``port`` to 127.0.0.1:``target_port``."""

    target_port: int
    port: int = 0
    _listener: socket.socket | None = None
    _open: list[socket.socket] = field(default_factory=list)
    _budget: int | None = None
    """Bytes still let through to the server before the cut; None: no cut planned."""
    cut: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> TcpProxy:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def cut_after(self, budget: int) -> None:
        """Cut everything once ``budget`` more bytes went to the server."""
        with self._lock:
            self._budget = budget

    def restore(self) -> None:
        with self._lock:
            self.cut, self._budget = False, None

    def stop(self) -> None:
        if self._listener is not None:
            self._listener.close()
        self._cut_now()

    def _cut_now(self) -> None:
        with self._lock:
            self.cut, self._budget = True, None
            sockets, self._open = self._open, []
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def _accept(self) -> None:
        assert self._listener is not None
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            if self.cut:
                client.close()
                continue
            try:
                server = socket.create_connection(("127.0.0.1", self.target_port))
            except OSError:
                client.close()
                continue
            with self._lock:
                self._open += [client, server]
            threading.Thread(target=self._pipe, args=(client, server, True), daemon=True).start()
            threading.Thread(target=self._pipe, args=(server, client, False), daemon=True).start()

    def _pipe(self, source: socket.socket, target: socket.socket, upstream: bool) -> None:
        try:
            while data := source.recv(65536):
                if upstream and self._spend(len(data)):
                    target.sendall(data[: max(len(data) // 2, 1)])  # half of it, then cut
                    self._cut_now()
                    return
                target.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, target):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    def _spend(self, size: int) -> bool:
        """Count ``size`` bytes towards the cut; whether the cut is due."""
        with self._lock:
            if self._budget is None:
                return False
            self._budget -= size
            return self._budget <= 0
