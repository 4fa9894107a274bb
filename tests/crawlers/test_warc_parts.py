"""WARC parts uploaded to an S3 archive (moto): rows wait for their part."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from crawlers.state import FetchRecord
from crawlers.warc import Exchange
from crawlers.warc_parts import StoredWarcWriter
from devtools.s3_server import S3Server
from pipeline.errors import ArchiveError
from pipeline.store import RemoteStore
from tests.s3_fault_proxy import fault_proxy

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


def exchange(i: int) -> Exchange:
    return Exchange(
        url=f"http://a.example/{i}",
        status=200,
        headers=[("Content-Type", "text/html")],
        body=f"<p>{i}</p>".encode(),
        fetched_at=NOW,
    )


def record(i: int, writer: StoredWarcWriter) -> FetchRecord:
    location = writer.write(exchange(i))
    return FetchRecord(
        url=f"http://a.example/{i}",
        outcome="fetched",
        warc_path=location.path,
        warc_offset=location.offset,
        warc_length=location.length,
        pending_extract=True,
    )


def test_rows_wait_until_their_part_is_stored(s3_server: S3Server, tmp_path: Path) -> None:
    store = RemoteStore(f"s3://{s3_server.bucket()}/archive", s3_server.env())
    writer = StoredWarcWriter(store, "s", 4, tmp_root=tmp_path / "tmp", part_seconds=3600)
    records = [record(i, writer) for i in range(3)]
    assert all(r.warc_path and r.warc_path.startswith("s3://") for r in records)
    assert [writer.admit(r) for r in records] == [False, False, False]
    assert not store.exists(records[0].warc_path or "")
    assert writer.admit(FetchRecord(url="http://a.example/304", outcome="not_modified"))
    writer.flush()  # the part is closed and stored
    assert writer.released() == records and writer.released() == []
    assert store.exists(records[0].warc_path or "")
    assert writer.admit(records[0])  # a late row of a stored part goes at once
    writer.finish()
    assert not (tmp_path / "tmp").exists()


def test_rows_of_a_part_that_failed_are_dropped(s3_server: S3Server, tmp_path: Path) -> None:
    with fault_proxy(s3_server.endpoint) as proxy:
        proxy.fail = 403  # refused: not retried
        env = s3_server.env() | {"AWS_ENDPOINT_URL": proxy.endpoint}
        store = RemoteStore(f"s3://{s3_server.bucket()}/archive", env)
        writer = StoredWarcWriter(store, "s", 5, tmp_root=tmp_path / "tmp", part_seconds=3600)
        held = record(0, writer)
        assert not writer.admit(held)
        writer.flush()
    assert writer.released() == [] and writer.dropped == [held]
    assert writer.error is not None
    assert str(writer.error).startswith(f"cannot write {store.display_url}/s/5/")
    with pytest.raises(ArchiveError, match="cannot write s3://"):
        writer.write(exchange(1))
    assert not writer.admit(held)  # a late row of the failed part is dropped too
    writer.finish()
    assert not (tmp_path / "tmp").exists()
