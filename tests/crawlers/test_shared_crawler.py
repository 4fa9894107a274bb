"""``crawl_sources``: the sources of one call share one crawler process, each with its
own result, reported as soon as it ends; a source whose process dies takes only itself
down, and the sources after it go on in a fresh process."""

from __future__ import annotations

import logging
import os
import re
import signal
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from crawlers import run as crawl_run
from crawlers.run import crawl_sources, stop_crawls
from pipeline.sources import Source
from tests.crawlers.site import TestSite

STARTED = re.compile(r"crawler process (\d+) crawls (\d+) source")


class _Hanging(BaseHTTPRequestHandler):
    """Answers nothing for a minute: the crawl is still on its first request."""

    def do_GET(self) -> None:
        time.sleep(60)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def site():
    site = TestSite()
    with site.serve():
        for name in ("first", "second", "third"):
            site.add_publication(name)
        yield site
    stop_crawls()


@pytest.fixture
def hanging_url():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hanging)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/sitemap.xml"
    server.shutdown()
    server.server_close()


def _source(site: TestSite, name: str) -> Source:
    return Source(name, sitemaps=(f"{site.base_url}/{name}/sitemap.xml",), download_delay=0.0)


def _processes(caplog) -> list[tuple[int, int]]:
    return [
        (int(m[1]), int(m[2]))
        for r in caplog.records
        if r.name == "crawlers.run" and (m := STARTED.match(r.getMessage()))
    ]


def test_sources_are_crawled_in_one_process_and_reported_as_each_ends(crawl_env, site, caplog):
    events: list[tuple[str, str]] = []
    with caplog.at_level(logging.INFO, logger="crawlers.run"):
        results = crawl_sources(
            crawl_env.settings,
            [_source(site, name) for name in ("first", "second", "third")],
            run_id=crawl_env.new_run(),
            database_url=crawl_env.database_url,
            started=lambda name: events.append(("started", name)),
            crawled=lambda result: events.append(("crawled", result.source)),
        )
    assert [count for _, count in _processes(caplog)] == [3]
    assert [(r.source, r.error, r.fetched) for r in results] == [
        ("first", None, 2),
        ("second", None, 2),
        ("third", None, 2),
    ]
    assert events == [
        (event, name) for name in ("first", "second", "third") for event in ("started", "crawled")
    ]


def test_a_source_whose_process_dies_fails_alone_and_the_rest_go_on(
    crawl_env, site, hanging_url, caplog
):
    def started(name: str) -> None:
        if name == "doomed":  # the process dies in the middle of this source's crawl
            (child,) = list(crawl_run._RUNNING)
            os.killpg(child.pid, signal.SIGKILL)

    sources = [
        _source(site, "first"),
        Source("doomed", sitemaps=(hanging_url,), download_delay=0.0),
        _source(site, "second"),
        _source(site, "third"),
    ]
    with caplog.at_level(logging.INFO, logger="crawlers.run"):
        results = crawl_sources(
            crawl_env.settings,
            sources,
            run_id=crawl_env.new_run(),
            database_url=crawl_env.database_url,
            started=started,
        )
    assert [r.source for r in results] == ["first", "doomed", "second", "third"]
    assert "exited with code -9 without a result" in (results[1].error or "")
    assert [(r.error, r.fetched) for r in (results[0], *results[2:])] == [(None, 2)] * 3
    assert [count for _, count in _processes(caplog)] == [4, 2]  # the rest: a fresh one
