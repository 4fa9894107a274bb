"""Reading archived pages back from a bucket (moto's real S3 API on 127.0.0.1): ranged
reads of just the records, missing objects skipped, a failing store one clear line."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest

from crawlers.state import CrawlStateStore, FetchRecord
from crawlers.warc import Exchange, RollingWarcWriter
from devtools.s3_server import S3Server
from pipeline import runs
from pipeline.archive import iter_archived_pages, iter_pending_pages, read_record
from pipeline.config import Settings
from pipeline.errors import ArchiveError, StoreAccessError
from pipeline.store import RemoteStore
from pipeline.store_locate import StoreLocator
from tests.s3_fault_proxy import FaultProxy, fault_proxy

NOW = datetime(2024, 5, 1, 10, tzinfo=UTC)


def _exchange(i: int) -> Exchange:
    return Exchange(
        url=f"http://a.com/{i}",
        status=200,
        body=f"<p>page {i}</p>".encode() * 40,
        fetched_at=NOW,
        headers=[("Content-Type", "text/html; charset=ISO-8859-1")],
        request_headers=[("User-Agent", "newsflow-test")],
    )


def archive_pages(
    db: psycopg.Connection,
    settings: Settings,
    tmp_path: Path,
    count: int,
    *,
    upload: bool = True,
    first: int = 0,
) -> list[str]:
    """``count`` pages of source ``s`` written to a WARC file, put in the settings' store
    and recorded as pending; the locations."""
    run_id = runs.create_run(db, sources=["s"], since=None, until=None, trigger="test")
    state = CrawlStateStore(db, source="s", run_id=run_id)
    writer = RollingWarcWriter(tmp_path / "parts", "s", run_id)
    written = [writer.write(_exchange(i)) for i in range(first, first + count)]
    writer.close()
    store = settings.archive_store()
    locations = {}
    for key in {w.path for w in written}:
        location = store.location(key)
        if upload:
            location = store.put_file(tmp_path / "parts" / key, key)
        locations[key] = location
    for i, w in enumerate(written, first):
        state.fetched(
            FetchRecord(
                url=f"http://a.com/{i}",
                outcome="fetched",
                fetched_at=NOW,
                lastmod=NOW,
                warc_path=locations[w.path],
                warc_offset=w.offset,
                warc_length=w.length,
                pending_extract=True,
            )
        )
    state.flush()
    return [locations[w.path] for w in written]


def _via(settings: Settings, proxy: FaultProxy) -> Settings:
    return settings.with_overrides(
        storage_env={**settings.storage_env, "AWS_ENDPOINT_URL": proxy.endpoint}
    )


def test_pages_are_ranged_reads_of_their_records(
    db: psycopg.Connection, s3_settings: Settings, s3_server: S3Server, tmp_path: Path
) -> None:
    locations = archive_pages(db, s3_settings, tmp_path, 5)
    assert all(location.startswith("s3://") for location in locations)
    with fault_proxy(s3_server.endpoint) as proxy:
        locator = StoreLocator.for_settings(_via(s3_settings, proxy))
        pages = list(iter_pending_pages(db, locator, "s"))
    assert [p.body for p in pages] == [f"<p>page {i}</p>".encode() * 40 for i in range(5)]
    assert pages[0].http_charset == "ISO-8859-1"
    gets = [request for request in proxy.seen if request[0] == "GET"]
    assert gets and all(range_ is not None for _, _, range_ in gets), proxy.seen
    # neighbouring records of one file come in one request
    assert len(gets) == 1


def test_one_record_is_read_by_its_location(s3_settings: Settings, tmp_path: Path) -> None:
    writer = RollingWarcWriter(tmp_path, "s", 1)
    written = [writer.write(_exchange(i)) for i in range(3)]
    writer.close()
    store = s3_settings.archive_store()
    location = store.put_file(tmp_path / written[1].path, written[1].path)
    locator = StoreLocator.for_settings(s3_settings)
    _, body = read_record(locator, location, written[1].offset, written[1].length)
    assert body == _exchange(1).body
    headers, body = read_record(locator, location, written[2].offset)  # no length: streamed
    assert body == _exchange(2).body and headers["content-type"].startswith("text/html")


def test_rows_of_both_kinds_are_read(
    db: psycopg.Connection, settings: Settings, s3_settings: Settings, tmp_path: Path
) -> None:
    archive_pages(db, settings, settings.archive_dir.parent / "w1", 2)  # relative keys
    archive_pages(db, s3_settings, tmp_path / "w2", 2, first=2)  # s3:// URLs
    pages = list(iter_pending_pages(db, StoreLocator.for_settings(s3_settings), "s"))
    assert len(pages) == 4


def test_a_missing_object_is_logged_and_skipped(
    db: psycopg.Connection,
    s3_settings: Settings,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    locations = archive_pages(db, s3_settings, tmp_path, 2, upload=False)
    with caplog.at_level(logging.ERROR):
        pages = list(iter_pending_pages(db, StoreLocator.for_settings(s3_settings), "s"))
    assert pages == []
    assert locations[0] in caplog.text and "skipping http://a.com/0" in caplog.text


@pytest.mark.parametrize("status", [403, 500])
def test_a_refusing_store_fails_with_one_line_naming_the_object(
    db: psycopg.Connection,
    s3_settings: Settings,
    s3_server: S3Server,
    tmp_path: Path,
    status: int,
) -> None:
    locations = archive_pages(db, s3_settings, tmp_path, 2)
    with fault_proxy(s3_server.endpoint) as proxy:
        proxy.fail = status
        locator = StoreLocator.for_settings(_via(s3_settings, proxy))
        with pytest.raises(StoreAccessError) as caught:
            list(iter_archived_pages(db, locator, source="s", urls=["http://a.com/0"]))
    message = str(caught.value)
    assert message.startswith(f"cannot read {locations[0]}: ") and "\n" not in message
    assert "testing-secret" not in message
    if status == 500:  # retried with backoff before it gave up
        assert len(proxy.seen) > 1


def test_a_store_that_fails_once_is_retried(
    db: psycopg.Connection, s3_settings: Settings, s3_server: S3Server, tmp_path: Path
) -> None:
    archive_pages(db, s3_settings, tmp_path, 2)
    with fault_proxy(s3_server.endpoint) as proxy:
        proxy.fail, proxy.fail_times = 500, 2
        locator = StoreLocator.for_settings(_via(s3_settings, proxy))
        pages = list(iter_pending_pages(db, locator, "s"))
    assert len(pages) == 2


def test_a_slow_store_is_waited_for(
    db: psycopg.Connection, s3_settings: Settings, s3_server: S3Server, tmp_path: Path
) -> None:
    archive_pages(db, s3_settings, tmp_path, 3)
    with fault_proxy(s3_server.endpoint) as proxy:
        proxy.delay_s = 2.0
        locator = StoreLocator.for_settings(_via(s3_settings, proxy))
        pages = list(iter_pending_pages(db, locator, "s"))
    assert len(pages) == 3


def test_a_dead_store_is_one_line_naming_the_object(s3_settings: Settings) -> None:
    store = s3_settings.archive_store()
    assert isinstance(store, RemoteStore)
    dead = s3_settings.with_overrides(
        storage_env={**s3_settings.storage_env, "AWS_ENDPOINT_URL": "http://127.0.0.1:9"}
    )
    location = store.location("s/1/a.warc.gz")
    with pytest.raises(ArchiveError) as caught:
        read_record(StoreLocator.for_settings(dead), location, 0, 10)
    assert str(caught.value).startswith(f"cannot read {location}: ")
    assert isinstance(caught.value, StoreAccessError)


def test_a_missing_bucket_is_not_a_missing_page(s3_settings: Settings) -> None:
    locator = StoreLocator.for_settings(s3_settings)
    with pytest.raises(
        StoreAccessError, match=r"cannot read s3://no-such-bucket/k: .*NoSuchBucket"
    ):
        read_record(locator, "s3://no-such-bucket/k", 0, 10)
