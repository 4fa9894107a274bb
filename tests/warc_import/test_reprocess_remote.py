"""Re-processing on a fresh machine: the archive in a bucket (moto's real S3 API on
127.0.0.1), an empty NEWSFLOW_HOME, nothing read from anywhere else."""

from __future__ import annotations

import shutil
from pathlib import Path

import psycopg
import pytest

from devtools.s3_server import S3Server
from devtools.warc_files import WarcPage, write_warc
from pipeline.archive_copy import copy_archive
from pipeline.config import Settings
from pipeline.reprocess import reprocess
from pipeline.sources import Source
from pipeline.warc_backfill import import_warc
from tests.s3_fault_proxy import fault_proxy


@pytest.fixture
def remote_archive(
    settings: Settings, s3_server: S3Server, pages: list[WarcPage], tmp_path: Path
) -> tuple[str, int]:
    """Pages imported into a local archive, the archive copied into a bucket and the
    old home removed; the archive's URL and the number of articles loaded."""
    cc_news = tmp_path / "CC-NEWS.warc.gz"
    write_warc(cc_news, pages)
    local = settings.with_overrides(storage_env=s3_server.env(), extract_processes=2)
    report = import_warc(local, Source(name="history"), [str(cc_news)])
    assert report["status"] == "success", report
    url = f"s3://{s3_server.bucket()}/archive"
    assert copy_archive(local, url).failed == []
    shutil.rmtree(settings.home)
    cc_news.unlink()
    return url, report["counts"]["articles_new"] + report["counts"]["duplicates"]


def test_reprocess_reads_only_from_the_store(
    settings: Settings, s3_server: S3Server, remote_archive: tuple[str, int], tmp_path: Path
) -> None:
    url, loaded = remote_archive
    fresh = tmp_path / "fresh-home"
    fresh.mkdir()
    with fault_proxy(s3_server.endpoint) as proxy:
        machine = settings.with_overrides(
            home=fresh,
            archive_url=url,
            storage_env={**s3_server.env(), "AWS_ENDPOINT_URL": proxy.endpoint},
            extract_processes=2,
        )
        again = reprocess(machine)
    assert again["sources"]["history"]["status"] == "success", again
    counts = again["counts"]
    assert counts["articles_unchanged"] + counts["duplicates"] + counts["articles_updated"] == (
        loaded
    )
    assert list(fresh.iterdir()) == []  # nothing needed, nothing written under the home
    gets = [request for request in proxy.seen if request[0] == "GET"]
    assert gets and all(range_ is not None for _, _, range_ in gets)  # ranged reads only


def test_reprocess_with_a_failing_store_fails_the_source_in_one_line(
    settings: Settings,
    s3_server: S3Server,
    remote_archive: tuple[str, int],
    tmp_path: Path,
    clean_database_url: str,
) -> None:
    url, _ = remote_archive
    with fault_proxy(s3_server.endpoint) as proxy:
        proxy.fail = 403
        machine = settings.with_overrides(
            home=tmp_path / "fresh-home",
            archive_url=url,
            storage_env={**s3_server.env(), "AWS_ENDPOINT_URL": proxy.endpoint},
        )
        again = reprocess(machine)
    history = again["sources"]["history"]
    assert again["status"] != "success" and history["status"] == "failed"
    assert (
        history["error"].startswith(f"cannot read {url}/history/")
        and "\n" not in (history["error"])
    )
    with psycopg.connect(clean_database_url) as conn:
        (pending,) = conn.execute(
            "SELECT count(*) FROM warehouse.crawl_state WHERE warc_path LIKE 's3://%%'"
        ).fetchone() or (0,)
    assert pending > 0
