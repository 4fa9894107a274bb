"""``newsflow archive copy --to URL``: a local archive moved into a bucket (moto's real
S3 API on 127.0.0.1), resumable and idempotent, rows rewritten once the bytes are there."""

from __future__ import annotations

import json

import psycopg
import pytest

from devtools.s3_server import S3Server
from pipeline.archive import iter_pending_pages
from pipeline.archive_copy import copy_archive
from pipeline.config import Settings
from pipeline.store import RemoteStore
from pipeline.store_locate import StoreLocator
from tests.cli_helpers import run_newsflow
from tests.s3_fault_proxy import fault_proxy
from tests.test_archive_store import archive_pages


def _locations(db: psycopg.Connection) -> list[str]:
    rows = db.execute("SELECT warc_path FROM warehouse.crawl_state ORDER BY url").fetchall()
    return [row[0] for row in rows]


@pytest.fixture
def local_archive(db: psycopg.Connection, settings: Settings) -> list[str]:
    """Two runs' pages archived in the local folder (relative keys); their keys."""
    keys = archive_pages(db, settings, settings.archive_dir.parent / "w1", 3)
    keys += archive_pages(db, settings, settings.archive_dir.parent / "w2", 2, first=3)
    return keys


def test_copy_uploads_verifies_and_rewrites(
    db: psycopg.Connection, settings: Settings, s3_server: S3Server, local_archive: list[str]
) -> None:
    settings = settings.with_overrides(storage_env=s3_server.env())
    url = f"s3://{s3_server.bucket()}/archive"
    summary = copy_archive(settings, url)
    assert (summary.files, summary.uploaded, summary.rows_rewritten) == (2, 2, 5)
    assert summary.failed == []
    assert _locations(db) == [f"{url}/{key}" for key in local_archive]
    # the pages read back from the bucket alone, the folder gone
    for path in settings.archive_dir.rglob("*.warc.gz"):
        path.unlink()
    remote = settings.with_overrides(archive_url=url)
    pages = list(iter_pending_pages(db, StoreLocator.for_settings(remote), "s"))
    assert len(pages) == 5
    # again: nothing to send, nothing to rewrite
    again = copy_archive(settings, url)
    assert (again.uploaded, again.rows_rewritten) == (0, 0)


def test_an_interrupted_copy_resumes(
    db: psycopg.Connection, settings: Settings, s3_server: S3Server, local_archive: list[str]
) -> None:
    settings = settings.with_overrides(storage_env=s3_server.env())
    url = f"s3://{s3_server.bucket()}/archive"
    store = RemoteStore(url, s3_server.env())
    first = local_archive[0]
    store.put_file(settings.archive_dir / first, first)  # uploaded, rows not yet rewritten
    summary = copy_archive(settings, url, delete_local=True)
    assert (summary.already_there, summary.uploaded, summary.rows_rewritten) == (1, 1, 5)
    assert summary.deleted_local == 2
    assert list(settings.archive_dir.rglob("*.warc.gz")) == []
    assert all(location.startswith(url) for location in _locations(db))


def test_a_short_object_is_sent_again(
    db: psycopg.Connection, settings: Settings, s3_server: S3Server, local_archive: list[str]
) -> None:
    settings = settings.with_overrides(storage_env=s3_server.env())
    url = f"s3://{s3_server.bucket()}/archive"
    RemoteStore(url, s3_server.env()).put_bytes(local_archive[0], b"half a file")
    summary = copy_archive(settings, url)
    assert summary.uploaded == 2 and summary.failed == []


def test_a_failing_file_leaves_its_rows_local(
    db: psycopg.Connection, settings: Settings, s3_server: S3Server, local_archive: list[str]
) -> None:
    url = f"s3://{s3_server.bucket()}/archive"
    with fault_proxy(s3_server.endpoint) as proxy:
        proxy.fail, proxy.fail_match = 403, local_archive[-1]
        env = {**s3_server.env(), "AWS_ENDPOINT_URL": proxy.endpoint}
        summary = copy_archive(settings.with_overrides(storage_env=env), url)
    assert summary.uploaded == 1 and len(summary.failed) == 1
    assert f"{url}/{local_archive[-1]}" in summary.failed[0]
    assert _locations(db)[:3] == [f"{url}/{key}" for key in local_archive[:3]]
    assert _locations(db)[3:] == local_archive[3:]  # still readable from the folder


def test_cli_copy_prints_json_and_progress(
    db: psycopg.Connection, settings: Settings, s3_server: S3Server, local_archive: list[str]
) -> None:
    url = f"s3://{s3_server.bucket()}/a"
    env = {
        "NEWSFLOW_HOME": str(settings.home),
        "NEWSFLOW_DATABASE_URL": str(settings.database_url),
        **s3_server.env(),
    }
    done = run_newsflow("archive", "copy", "--to", url, "--json", env=env)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["files"] == 2 and report["rows_rewritten"] == 5 and report["target"] == url
    assert "newsflow: 2/2 files" in done.stderr
    assert "testing-secret" not in done.stderr + done.stdout
    bad = run_newsflow("archive", "copy", "--to", "s3://no-such-bucket/a", env=env)
    assert bad.returncode == 2 and "does not exist" in bad.stderr
