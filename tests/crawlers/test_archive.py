"""The WARC archive: written by crawlers.warc, read back by pipeline.archive."""

import gzip
import threading
import time
from datetime import UTC, date, datetime

import psycopg
import pytest
from warcio.archiveiterator import ArchiveIterator

from crawlers.state import CrawlStateStore, FetchRecord
from crawlers.warc import Exchange, RollingWarcWriter
from pipeline import runs
from pipeline.archive import (
    iter_archived_pages,
    iter_pages_while_crawling,
    iter_pending_pages,
    read_record,
)
from pipeline.errors import ArchiveError
from pipeline.window import Window

NOW = datetime(2024, 5, 1, 10, tzinfo=UTC)


def exchange(path: str, body: bytes, content_type="text/html; charset=utf-8"):
    return Exchange(
        url=f"http://a.com{path}",
        status=200,
        body=body,
        fetched_at=NOW,
        headers=[
            ("Content-Type", content_type),
            ("Content-Encoding", "gzip"),
            ("Content-Length", "3"),
        ],
        request_headers=[("User-Agent", "newsflow-test")],
    )


def test_each_record_is_readable_by_its_offset(tmp_path):
    writer = RollingWarcWriter(tmp_path, "s", 1)
    locations = [
        writer.write(exchange(f"/{i}", f"<html>{i}</html>".encode() * 50)) for i in range(3)
    ]
    writer.close()
    for i, location in reversed(list(enumerate(locations))):
        headers, body = read_record(tmp_path, location.path, location.offset)
        assert body == f"<html>{i}</html>".encode() * 50
        assert headers["content-type"] == "text/html; charset=utf-8"


def test_each_response_record_is_one_gzip_member_at_its_location(tmp_path):
    writer = RollingWarcWriter(tmp_path, "s", 1)
    locations = [writer.write(exchange(f"/{i}", b"<p>news</p>" * 500)) for i in range(2)]
    writer.close()
    data = (tmp_path / locations[0].path).read_bytes()
    for location in locations:
        member = data[location.offset : location.offset + location.length]
        record = gzip.decompress(member)  # one member: gzip would join a second one
        assert record.startswith(b"WARC/1.") and b"WARC-Type: response" in record
        assert record.count(b"WARC-Type:") == 1


def test_warcio_reads_the_archive_with_valid_digests(tmp_path):
    writer = RollingWarcWriter(tmp_path, "s", 1)
    location = writer.write(exchange("/x", b"<p>news</p>" * 500))
    writer.close()
    with (tmp_path / location.path).open("rb") as stream:
        records = list(ArchiveIterator(stream, check_digests="raise"))
    assert [r.rec_type for r in records] == ["warcinfo", "response", "request"]
    assert all(r.digest_checker.passed is not False for r in records)


def test_decoded_bodies_are_stored_without_their_content_encoding(tmp_path):
    writer = RollingWarcWriter(tmp_path, "s", 1)
    location = writer.write(exchange("/x", b"<html>plain</html>"))
    writer.close()
    headers, _ = read_record(tmp_path, location.path, location.offset)
    assert "content-encoding" not in headers
    assert headers["content-length"] == str(len(b"<html>plain</html>"))


def test_files_roll_at_the_size_limit(tmp_path):
    writer = RollingWarcWriter(tmp_path, "s", 7, roll_bytes=2000)
    locations = [writer.write(exchange(f"/{i}", bytes(range(256)) * 20)) for i in range(4)]
    writer.close()
    assert len({loc.path for loc in locations}) > 1
    assert all(loc.path.startswith("s/7/") and loc.path.endswith(".warc.gz") for loc in locations)


def test_unwritable_archive_raises_archive_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(ArchiveError, match="archive directory"):
        RollingWarcWriter(blocker, "s", 1)


def test_missing_archive_file_raises_archive_error(tmp_path):
    with pytest.raises(ArchiveError, match="missing"):
        read_record(tmp_path, "s/1/nothing.warc.gz", 0)


def test_path_outside_the_archive_is_refused(tmp_path):
    with pytest.raises(ArchiveError, match="outside"):
        read_record(tmp_path / "archive", "../secret.warc.gz", 0)


@pytest.fixture
def archived(db, tmp_path):
    """Three pages archived and recorded in crawl state; the second already extracted."""
    run_id = runs.create_run(db, sources=["s"], since=None, until=None, trigger="test")
    store = CrawlStateStore(db, source="s", run_id=run_id)
    writer = RollingWarcWriter(tmp_path, "s", run_id)
    for i in range(3):
        location = writer.write(
            exchange(f"/{i}", f"<p>{i}</p>".encode(), content_type="text/html; charset=ISO-8859-1")
        )
        store.fetched(
            FetchRecord(
                url=f"http://a.com/{i}",
                outcome="fetched",
                fetched_at=NOW,
                lastmod=NOW,
                fetched_url=f"http://a.com/{i}?x",
                warc_path=location.path,
                warc_offset=location.offset,
                warc_length=location.length,
                pending_extract=i != 1,
            )
        )
    writer.close()
    store.flush()
    return tmp_path


def test_pending_pages_stream_from_the_archive(db, archived):
    pages = list(iter_pending_pages(db, archived, "s"))
    assert [(p.url, p.body) for p in pages] == [
        ("http://a.com/0", b"<p>0</p>"),
        ("http://a.com/2", b"<p>2</p>"),
    ]
    assert pages[0].http_charset == "ISO-8859-1"
    assert pages[0].fetched_url == "http://a.com/0?x"
    assert pages[0].discovered_at == NOW and pages[0].fetched_at == NOW


def test_archived_pages_are_found_by_url(db, archived):
    pages = list(iter_archived_pages(db, archived, source="s", urls=["http://a.com/1"]))
    assert [p.body for p in pages] == [b"<p>1</p>"]


def test_unreadable_page_is_skipped_and_the_rest_still_read(db, archived):
    db.execute(
        "UPDATE warehouse.crawl_state SET warc_offset = 10000000 "  # past the end
        "WHERE url = 'http://a.com/0'"
    )
    assert [p.url for p in iter_pending_pages(db, archived, "s")] == ["http://a.com/2"]


def test_a_page_held_for_its_date_comes_only_with_a_window_holding_that_date(db, archived):
    db.execute(
        "UPDATE warehouse.crawl_state SET held_published_at = '2026-03-01 09:00+00' "
        "WHERE url = 'http://a.com/0'"
    )
    outside = [
        p.url
        for p in iter_pending_pages(db, archived, "s", Window(date(2026, 3, 2), date(2026, 3, 2)))
    ]
    inside = [
        p.url
        for p in iter_pending_pages(db, archived, "s", Window(date(2026, 3, 1), date(2026, 3, 1)))
    ]
    assert outside == ["http://a.com/2"]
    assert inside == ["http://a.com/0", "http://a.com/2"]
    assert len(list(iter_pending_pages(db, archived, "s"))) == 2  # no window: everything


def _record(path: str, location) -> FetchRecord:
    return FetchRecord(
        url=f"http://a.com{path}",
        outcome="fetched",
        fetched_at=NOW,
        warc_path=location.path,
        warc_offset=location.offset,
        warc_length=location.length,
        pending_extract=True,
    )


def test_pages_are_read_while_the_crawl_stores_them_and_each_comes_once(
    db, clean_database_url, tmp_path
):
    earlier = runs.create_run(db, sources=["s"], since=None, until=None, trigger="test")
    old_store = CrawlStateStore(db, source="s", run_id=earlier)
    old_writer = RollingWarcWriter(tmp_path, "s", earlier)
    old_store.fetched(_record("/old", old_writer.write(exchange("/old", b"<p>old</p>"))))
    old_writer.close()
    old_store.flush()
    run_id = runs.create_run(db, sources=["s"], since=None, until=None, trigger="test")
    crawled = threading.Event()

    def crawl() -> None:  # commits 0-1, 3-4, then 2 (out of archive order) with 5
        with psycopg.connect(clean_database_url, autocommit=True) as conn:
            store = CrawlStateStore(conn, source="s", run_id=run_id)
            writer = RollingWarcWriter(tmp_path, "s", run_id)
            locations = [writer.write(exchange(f"/{i}", f"<p>{i}</p>".encode())) for i in range(6)]
            writer.close()
            for batch in ([0, 1], [3, 4], [2, 5]):
                for i in batch:
                    store.fetched(_record(f"/{i}", locations[i]))
                store.flush()
                time.sleep(0.3)
        crawled.set()

    thread = threading.Thread(target=crawl)
    thread.start()
    read = [
        (page.url, crawled.is_set())
        for page in iter_pages_while_crawling(
            db, tmp_path, "s", Window(), run_id=run_id, wait_for_crawl=crawled.wait, poll_s=0.05
        )
    ]
    thread.join()
    urls = [url for url, _ in read]
    assert sorted(urls) == sorted(["http://a.com/old", *(f"http://a.com/{i}" for i in range(6))])
    assert len(set(urls)) == len(urls)
    during = [url for url, after_crawl in read if not after_crawl]
    assert {"http://a.com/0", "http://a.com/1", "http://a.com/3"} <= set(during)
