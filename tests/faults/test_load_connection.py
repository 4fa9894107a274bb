"""A database connection lost in the middle of a load: the batch is rolled back and
loaded again on a new connection (``pipeline.steps.load_results``, which both
``load_source`` and re-processing load through).

The connection is really lost: PostgreSQL terminates the loading backend
(``pg_terminate_backend``) after the batch's rows were written and before its commit.
``tests/load/test_crash_and_concurrency.py`` shows that ``load_batch`` itself rolls back;
these tests cover the step that retries it.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import psycopg
import pytest

from crawlers.state import CrawlStateStore, FetchRecord
from crawlers.warc import Exchange, RollingWarcWriter
from pipeline import runs, steps
from pipeline.errors import DatabaseUnavailableError, LostLoadsError
from pipeline.load import batch as batch_module
from pipeline.load import upsert
from pipeline.records import Article, ExtractionResult
from pipeline.reprocess import reprocess
from pipeline.results_file import write_results

SOURCE = "alpha"
PAGES = 30


def results(count: int = PAGES) -> list[ExtractionResult]:
    def body(n: int) -> str:
        return " ".join(f"story{n}word{i}" for i in range(150))

    return [
        ExtractionResult(
            "ok",
            url=f"http://a.test/{n}",
            article=Article(
                url=f"http://a.test/{n}",
                title=f"Story {n}",
                body=body(n),
                source=SOURCE,
                extractor_version="test",
            ),
        )
        for n in range(count)
    ]


@pytest.fixture
def plan(settings, tmp_path):
    sources = tmp_path / "sources.yaml"
    sources.write_text(f"sources:\n  - name: {SOURCE}\n    sitemaps: [http://a.test/s.xml]\n")
    plan = steps.start_run(settings, sources_file=str(sources))
    write_results(steps.extracted_path(settings, plan, SOURCE), results())
    return plan


def terminate_backend_after_upsert(monkeypatch, database_url: str, times: int) -> list[int]:
    """Make the next ``times`` loads lose their connection after the upsert."""
    real = batch_module.write_rows
    killed: list[int] = []

    def upsert_then_lose_connection(conn, *args, **kwargs):
        upserted = real(conn, *args, **kwargs)
        if len(killed) < times:
            killed.append(conn.info.backend_pid)
            with psycopg.connect(database_url, autocommit=True) as admin:
                admin.execute("SELECT pg_terminate_backend(%s)", (conn.info.backend_pid,))
        return upserted

    monkeypatch.setattr(batch_module, "write_rows", upsert_then_lose_connection)
    monkeypatch.setattr(steps, "LOAD_RETRY_DELAYS_S", (0.01, 0.01))
    return killed


def article_count(db) -> int:
    return db.execute("SELECT count(*) FROM warehouse.articles").fetchone()[0]


def test_batch_whose_connection_is_lost_is_loaded_again_once(
    settings, plan, db, clean_database_url, monkeypatch, caplog
):
    killed = terminate_backend_after_upsert(monkeypatch, clean_database_url, times=1)
    with caplog.at_level(logging.WARNING, logger="pipeline.steps"):
        counts = steps.load_source(settings, plan, SOURCE)
    assert len(killed) == 1
    assert counts["articles_new"] == PAGES
    assert article_count(db) == PAGES
    assert runs.run_counts(db, plan.run_id, SOURCE).articles_new == PAGES
    assert "nothing of the batch was stored" in caplog.text and "trying again" in caplog.text


def test_connection_lost_on_every_attempt_fails_the_load_and_stores_nothing(
    settings, plan, db, clean_database_url, monkeypatch
):
    killed = terminate_backend_after_upsert(monkeypatch, clean_database_url, times=99)
    with pytest.raises(DatabaseUnavailableError, match="load it again"):
        steps.load_source(settings, plan, SOURCE)
    assert len(killed) == 3  # the first attempt and one per retry delay
    assert article_count(db) == 0
    assert db.execute(
        "SELECT count(*) FROM warehouse.crawl_run_sources WHERE run_id = %s", (plan.run_id,)
    ).fetchone() == (0,)


@pytest.fixture
def archived_and_loaded(settings, db, tmp_path) -> int:
    """``PAGES`` article pages of ``SOURCE`` archived, extracted and loaded; how many."""
    sources = tmp_path / "sources.yaml"
    sources.write_text(f"sources:\n  - name: {SOURCE}\n    sitemaps: [http://a.test/s.xml]\n")
    plan = steps.start_run(settings, sources_file=str(sources))
    now = datetime.now(UTC)
    store = CrawlStateStore(db, source=SOURCE, run_id=plan.run_id)
    writer = RollingWarcWriter(settings.archive_dir, SOURCE, plan.run_id)
    for n in range(PAGES):
        body = " ".join(f"story{n}word{i}" for i in range(150))
        html = (
            f"<html><head><title>Story {n}</title></head><body><article><h1>Story {n}"
            f"</h1><p>{body}</p></article></body></html>"
        ).encode()
        location = writer.write(
            Exchange(
                url=f"http://a.test/{n}",
                status=200,
                body=html,
                fetched_at=now,
                headers=[("Content-Type", "text/html; charset=utf-8")],
                request_headers=[],
            )
        )
        store.fetched(
            FetchRecord(
                url=f"http://a.test/{n}",
                outcome="fetched",
                fetched_at=now,
                lastmod=None,
                fetched_url=f"http://a.test/{n}",
                warc_path=location.path,
                warc_offset=location.offset,
                warc_length=location.length,
                pending_extract=True,
            )
        )
    writer.close()
    store.flush()
    steps.extract_source(settings, plan, SOURCE)
    assert steps.load_source(settings, plan, SOURCE)["articles_new"] == PAGES
    return PAGES


def test_reprocessing_loads_a_batch_again_when_its_connection_is_lost(
    settings, archived_and_loaded, db, clean_database_url, monkeypatch, caplog
):
    killed = terminate_backend_after_upsert(monkeypatch, clean_database_url, times=1)
    with caplog.at_level(logging.WARNING, logger="pipeline.steps"):
        report = reprocess(settings)
    assert len(killed) == 1
    assert "trying again" in caplog.text
    assert report["status"] == "success"
    assert report["counts"]["articles_unchanged"] == archived_and_loaded
    assert article_count(db) == archived_and_loaded


def terminate_backend_before_batch(monkeypatch, database_url: str, batch: int, lose=None):
    """Lose the connection when the ``batch``-th load (1-based) starts, once; ``lose``
    (an admin connection) runs first, e.g. to undo what a server crash would have lost."""
    real = batch_module.write_rows
    calls: list[int] = []

    def lose_connection_then_upsert(conn, *args, **kwargs):
        calls.append(conn.info.backend_pid)
        if len(calls) == batch:
            with psycopg.connect(database_url, autocommit=True) as admin:
                if lose is not None:
                    lose(admin)
                admin.execute("SELECT pg_terminate_backend(%s)", (conn.info.backend_pid,))
        return real(conn, *args, **kwargs)

    monkeypatch.setattr(batch_module, "write_rows", lose_connection_then_upsert)
    monkeypatch.setattr(steps, "LOAD_RETRY_DELAYS_S", (0.01, 0.01))
    monkeypatch.setattr(steps, "LOAD_BATCH_SIZE", 10)
    return calls


def test_batches_commit_without_waiting_for_the_disk_but_the_last(monkeypatch, settings, plan):
    seen: list[bool] = []
    real = batch_module.load_batch

    def spy(conn, batch, **kwargs):
        seen.append(kwargs["durable"])
        counts = real(conn, batch, **kwargs)
        # the setting is the transaction's only
        assert conn.execute("SHOW synchronous_commit").fetchone() == ("on",)
        return counts

    monkeypatch.setattr("pipeline.load.load_batch", spy)
    monkeypatch.setattr(steps, "LOAD_BATCH_SIZE", 10)
    counts = steps.load_source(settings, plan, SOURCE)
    assert seen == [False, False, True]
    assert counts["articles_new"] == PAGES


def test_connection_lost_after_batches_not_yet_durable_goes_on_when_they_are_there(
    settings, plan, db, clean_database_url, monkeypatch
):
    calls = terminate_backend_before_batch(monkeypatch, clean_database_url, batch=2)
    counts = steps.load_source(settings, plan, SOURCE)
    assert len(calls) == 4  # batch 2 lost its connection and was loaded again
    assert counts["articles_new"] == PAGES
    assert article_count(db) == PAGES
    assert runs.run_counts(db, plan.run_id, SOURCE).articles_new == PAGES


def test_batches_a_server_crash_lost_fail_the_load_instead_of_being_skipped(
    settings, plan, db, clean_database_url, monkeypatch
):
    def crash_lost_first_batch(admin):  # what a lost commit of the first batch leaves
        admin.execute("DELETE FROM warehouse.crawl_run_sources WHERE run_id = %s", (plan.run_id,))

    terminate_backend_before_batch(monkeypatch, clean_database_url, 2, crash_lost_first_batch)
    with pytest.raises(LostLoadsError, match="load the source again"):
        steps.load_source(settings, plan, SOURCE)
    # loading the source again (the task's retry) loads every article, each once
    monkeypatch.setattr(batch_module, "write_rows", upsert.write_rows)
    steps.load_source(settings, plan, SOURCE)
    assert article_count(db) == PAGES
