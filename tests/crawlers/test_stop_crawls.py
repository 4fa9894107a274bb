"""``stop_crawls``: an interrupted run leaves no crawler child behind."""

from __future__ import annotations

import os
import threading
import time
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from crawlers import run as crawl_run
from crawlers.run import crawl_sources, stop_crawls
from pipeline.sources import Source

HANG_S = 60.0


class _Hanging(BaseHTTPRequestHandler):
    """Answers nothing for a minute: the crawl waits on its first request."""

    def do_GET(self) -> None:
        time.sleep(HANG_S)

    def log_message(self, *args) -> None:
        pass


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_stop_crawls_stops_a_crawl_running_in_another_thread(crawl_env) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hanging)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings = crawl_env.settings.with_overrides(
        crawl=replace(
            crawl_env.settings.crawl, download_timeout_s=HANG_S, crawl_timeout_s=HANG_S * 2
        )
    )
    source = Source("stuck", sitemaps=(f"http://127.0.0.1:{server.server_port}/sitemap.xml",))
    results: list = []
    crawl = threading.Thread(
        target=lambda: results.extend(
            crawl_sources(
                settings, [source], run_id=crawl_env.new_run(), database_url=crawl_env.database_url
            )
        )
    )
    try:
        crawl.start()
        deadline = time.monotonic() + 30
        while not crawl_run._RUNNING and time.monotonic() < deadline:
            time.sleep(0.05)
        (child,) = list(crawl_run._RUNNING)
        started = time.monotonic()
        stop_crawls()
        crawl.join(timeout=30)
        assert not crawl.is_alive()
        assert time.monotonic() - started < 25
        assert not _alive(child.pid)
        assert results[0].error
    finally:
        server.shutdown()
        server.server_close()
