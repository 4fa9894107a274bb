"""A WARC import into an S3 archive (moto): the pages are uploaded in parts and each
crawl_state row points at an object that holds its page."""

from __future__ import annotations

import io
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from crawlers.state import CrawlStateStore
from crawlers.warc_import import import_warc_files
from crawlers.warc_select import Selection
from devtools.warc_files import WarcPage, write_warc
from pipeline import runs
from pipeline.config import Settings


def test_an_import_into_a_bucket_stores_every_page_before_its_row(
    db, s3_settings: Settings, pages: list[WarcPage], tmp_path: Path
) -> None:
    write_warc(tmp_path / "in.warc.gz", pages)
    run_id = runs.create_run(db, sources=["h"], since=None, until=None, trigger="test")
    state = CrawlStateStore(db, source="h", run_id=run_id)
    store = s3_settings.archive_store()
    stats = import_warc_files(
        [str(tmp_path / "in.warc.gz")],
        selection=Selection.of(),
        archive=store,
        tmp_root=s3_settings.tmp_dir,
        store=state,
    )
    assert stats.kept == len(pages) and not stats.failed_documents
    rows = db.execute(
        "SELECT url, warc_path, warc_offset, warc_length FROM warehouse.crawl_state "
        "WHERE source = 'h'"
    ).fetchall()
    assert len(rows) == len(pages)
    for _, path, offset, length in rows:
        assert path.startswith(f"{s3_settings.archive_url}/h/{run_id}/")
        (record,) = list(ArchiveIterator(io.BytesIO(store.read_range(path, offset, length))))
        assert record.rec_type == "response"
    assert not s3_settings.home.exists() or list(s3_settings.home.rglob("*")) == []
