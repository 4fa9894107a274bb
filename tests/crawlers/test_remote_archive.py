"""Crawls into an S3 archive (moto's real S3 API behind a proxy the tests can cut).

The crawler writes WARC parts to temporary files and uploads each when complete; a
crawl_state row appears only once its part is in the bucket. Cutting the connection
to the store in the middle of an upload fails the source with one line naming the
object, leaves no row pointing at a missing object, and the next run fetches only the
pages whose part was lost; so does a crawler killed mid-crawl. A run's steps crawl,
extract and load through the bucket, leaving nothing under NEWSFLOW_HOME.
"""

from __future__ import annotations

import io
import os
import secrets
import signal
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from crawlers import run as crawler_run
from crawlers.run import CrawlResult, crawl_sources
from devtools.s3_server import S3Server
from pipeline import steps
from pipeline.config import Settings
from pipeline.sources import Source
from pipeline.store import RemoteStore
from tests.crawlers.conftest import FAST_LIMITS
from tests.crawlers.site import Request, TestSite, article_html
from tests.tcp_proxy import TcpProxy

PAGES = 12
PART_LIMITS = replace(
    FAST_LIMITS,
    warc_part_bytes=20_000,
    warc_part_s=0.3,
    concurrency_per_host=1,
    download_timeout_s=5.0,
)


@pytest.fixture
def proxy(s3_server: S3Server) -> Iterator[TcpProxy]:
    proxy = TcpProxy(s3_server.port).start()
    yield proxy
    proxy.stop()


@pytest.fixture
def remote(crawl_env, s3_server: S3Server, proxy: TcpProxy, tmp_path: Path) -> Settings:
    """Settings of a fresh NEWSFLOW_HOME whose archive is a fresh bucket, reached
    through ``proxy``."""
    env = s3_server.env() | {"AWS_ENDPOINT_URL": proxy.endpoint}
    return crawl_env.settings.with_overrides(
        home=tmp_path / "home",
        archive_url=f"s3://{s3_server.bucket()}/archive",
        storage_env=env,
        crawl=PART_LIMITS,
    )


def direct(settings: Settings, s3_server: S3Server) -> RemoteStore:
    """The archive's bucket reached directly (not through the proxy)."""
    assert settings.archive_url is not None
    return RemoteStore(settings.archive_url, s3_server.env())


def build(site: TestSite, name: str) -> Source:
    urls = "".join(f"<url><loc>{site.base_url}/pub/{i}</loc></url>" for i in range(PAGES))
    site.add("/robots.txt", "User-agent: *\nAllow: /\n", headers={"Content-Type": "text/plain"})
    site.add(
        "/sitemap.xml",
        f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"{urls}</urlset>",
        headers={"Content-Type": "application/xml"},
    )
    for i in range(PAGES):  # random text: each page adds about 6 kB to its part
        words = " ".join(secrets.token_hex(3) for _ in range(300))
        site.add(
            f"/pub/{i}",
            f"<!doctype html><html><head><meta charset='utf-8'><title>Page {i}</title>"
            f"<!--{secrets.token_hex(4000)}--></head><body><article><h1>Page {i}</h1>"
            f"<p>{words}</p></article></body></html>",
        )
    return Source(name=name, sitemaps=(f"{site.base_url}/sitemap.xml",))


def stored_rows(crawl_env, source: str) -> dict[str, tuple[str, int, int]]:
    with crawl_env.connect() as conn:
        rows = conn.execute(
            "SELECT url, warc_path, warc_offset, warc_length FROM warehouse.crawl_state "
            "WHERE source = %s AND warc_path IS NOT NULL",
            (source,),
        ).fetchall()
    return {url: (path, offset, length) for url, path, offset, length in rows}


def read_back(store: RemoteStore, location: str, offset: int, length: int) -> str:
    """The target URI of the response record at the row's location."""
    (record,) = list(ArchiveIterator(io.BytesIO(store.read_range(location, offset, length))))
    assert record.rec_type == "response"
    return str(record.rec_headers.get_header("WARC-Target-URI"))


def leftovers(home: Path) -> list[str]:
    """Whatever a crawl left under NEWSFLOW_HOME (its logs are in the bucket)."""
    return sorted(str(p.relative_to(home)) for p in home.rglob("*"))


def test_a_crawl_into_a_bucket_stores_every_page_before_its_row(
    crawl_env, remote, s3_server
) -> None:
    site = TestSite()
    with site.serve():
        source = build(site, "whole")
        run_id = crawl_env.new_run()
        (result,) = crawl_sources(
            remote, [source], run_id=run_id, database_url=crawl_env.database_url
        )
    assert result.error is None, result.error
    rows = stored_rows(crawl_env, "whole")
    assert len(rows) == PAGES
    store = direct(remote, s3_server)
    parts = {path for path, _, _ in rows.values()}
    assert len(parts) > 1, "the crawl wrote more than one part"
    for url, (path, offset, length) in rows.items():
        assert path.startswith(f"{remote.archive_url}/whole/")
        assert read_back(store, path, offset, length) == url
    assert leftovers(remote.home) == []
    log = store.read_all(f"{remote.archive_url}/runs/{run_id}/whole/crawl.log")
    assert b"Spider closed (finished)" in log


@pytest.mark.slow
def test_a_store_cut_mid_upload_fails_the_source_and_the_next_run_recovers(
    crawl_env, remote, s3_server, proxy
) -> None:
    site = TestSite()
    with site.serve():
        source = build(site, "cut")

        def cut_then_answer(request: Request) -> tuple[int, dict[str, str], bytes]:
            time.sleep(1.0)  # the parts of the pages before are uploaded by now
            proxy.cut_after(3000)  # the next upload breaks after 3 kB
            return 200, {"Content-Type": "text/html"}, article_html("trigger").encode()

        site.add("/pub/5", handler=cut_then_answer)
        (failed,) = crawl_sources(
            remote, [source], run_id=crawl_env.new_run(), database_url=crawl_env.database_url
        )
        assert failed.error is not None
        assert "\n" not in failed.error and f"{remote.archive_url}/cut/" in failed.error
        assert (
            "testing-secret" not in failed.error and "testing" not in failed.error.split("s3://")[0]
        )
        store = direct(remote, s3_server)
        first = stored_rows(crawl_env, "cut")
        assert 0 < len(first) < PAGES, len(first)
        for path, offset, length in first.values():
            assert store.exists(path)
            read_back(store, path, offset, length)
        assert leftovers(remote.home) == []

        proxy.restore()
        site.add("/pub/5", article_html("page 5"))
        before = len(site.requests)
        (again,) = crawl_sources(
            remote, [source], run_id=crawl_env.new_run(), database_url=crawl_env.database_url
        )
        refetched = {r.path for r in site.requests[before:] if r.path.startswith("/pub/")}
    assert again.error is None, again.error
    second = stored_rows(crawl_env, "cut")
    assert len(second) == PAGES
    assert not refetched & {"/pub/" + url.rsplit("/", 1)[-1] for url in first}
    for path, offset, length in second.values():
        read_back(store, path, offset, length)
    assert leftovers(remote.home) == []


def test_a_missing_bucket_fails_the_crawl_naming_the_object(crawl_env, remote) -> None:
    gone = remote.with_overrides(archive_url="s3://no-such-bucket/archive")
    site = TestSite()
    with site.serve():
        source = build(site, "nobucket")
        (result,) = crawl_sources(
            gone, [source], run_id=crawl_env.new_run(), database_url=crawl_env.database_url
        )
    assert result.error is not None and "\n" not in result.error
    assert result.error.startswith("cannot write s3://no-such-bucket/archive/nobucket/")
    assert stored_rows(crawl_env, "nobucket") == {}
    assert leftovers(remote.home) == []


@pytest.mark.slow
def test_a_crawler_killed_mid_crawl_leaves_no_row_pointing_at_a_missing_object(
    crawl_env, remote, s3_server
) -> None:
    site = TestSite()
    with site.serve():
        source = build(site, "killed")
        for i in range(PAGES):  # slow pages: the crawl is killed halfway through
            site.routes[f"/pub/{i}"].delay_s = 0.25
        results: list[CrawlResult] = []

        def crawl() -> None:
            results.extend(
                crawl_sources(
                    remote,
                    [source],
                    run_id=crawl_env.new_run(),
                    database_url=crawl_env.database_url,
                )
            )

        thread = threading.Thread(target=crawl)
        thread.start()
        deadline = time.monotonic() + 30
        while not stored_rows(crawl_env, "killed") and time.monotonic() < deadline:
            time.sleep(0.1)
        (child,) = list(crawler_run._RUNNING)
        os.killpg(child.pid, signal.SIGKILL)  # no spider_closed, no last upload
        thread.join(60)
        (killed,) = results
        assert killed.error is not None
        first = stored_rows(crawl_env, "killed")
        assert 0 < len(first) < PAGES
        store = direct(remote, s3_server)
        for path, offset, length in first.values():
            read_back(store, path, offset, length)
        assert leftovers(remote.home) == []
        before = len(site.requests)
        (again,) = crawl_sources(
            remote, [source], run_id=crawl_env.new_run(), database_url=crawl_env.database_url
        )
        refetched = {r.path for r in site.requests[before:] if r.path.startswith("/pub/")}
    assert again.error is None, again.error
    assert len(stored_rows(crawl_env, "killed")) == PAGES
    assert not refetched & {"/pub/" + url.rsplit("/", 1)[-1] for url in first}


@pytest.mark.slow
def test_a_run_crawls_extracts_and_loads_through_the_bucket(crawl_env, remote, tmp_path) -> None:
    site = TestSite()
    with site.serve():
        build(site, "e2e")
        sources = tmp_path / "sources.yaml"
        sources.write_text(
            f"sources:\n  - name: e2e\n    sitemaps: ['{site.base_url}/sitemap.xml']\n",
            encoding="utf-8",
        )
        plan = steps.start_run(remote, sources_file=str(sources))
        crawled = steps.crawl_source(remote, plan, "e2e")
    assert crawled["fetched"] == PAGES
    extracted = steps.extract_source(remote, plan, "e2e")
    assert extracted["ok"] == PAGES
    assert extracted["path"] == f"{remote.archive_url}/runs/{plan.run_id}/e2e/extracted.jsonl.gz"
    loaded = steps.load_source(remote, plan, "e2e")
    assert loaded["articles_new"] == PAGES
    assert leftovers(remote.home) == []
