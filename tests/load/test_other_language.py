"""A source's ``languages:`` end to end through extract and load, against real PostgreSQL:
articles in other languages are counted as ``other_language``, never loaded, and their
pages are not left waiting for extraction."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from crawlers.state import CrawlStateStore, FetchRecord
from crawlers.warc import Exchange, RollingWarcWriter
from pipeline import runs, steps
from pipeline.run_plan import RunPlan

SOURCE = "bilingual"
PAGES = {
    "http://a.test/en-1": "en",
    "http://a.test/en-2": "en",
    "http://a.test/de-1": "de",
    "http://a.test/de-2": "de",
    "http://a.test/fr-1": "fr",
}


def page(n: int, language: str) -> bytes:
    words = {"en": "the council", "de": "der Stadtrat", "fr": "le conseil"}[language]
    body = " ".join(f"{words} word{n}x{i}" for i in range(80))
    return (
        f'<html lang="{language}"><head><title>Story {n}</title></head><body><article>'
        f"<h1>Story {n}</h1><p>{body}</p></article></body></html>"
    ).encode()


@pytest.fixture
def plan(settings, db, tmp_path) -> RunPlan:
    """A run of ``SOURCE`` keeping German and French, with ``PAGES`` archived."""
    sources = tmp_path / "sources.yaml"
    sources.write_text(
        f"sources:\n  - name: {SOURCE}\n    sitemaps: [http://a.test/s.xml]\n"
        "    languages: [de, fr]\n"
    )
    plan = steps.start_run(settings, sources_file=str(sources))
    now = datetime.now(UTC)
    store = CrawlStateStore(db, source=SOURCE, run_id=plan.run_id)
    writer = RollingWarcWriter(settings.archive_dir, SOURCE, plan.run_id)
    for n, (url, language) in enumerate(PAGES.items()):
        location = writer.write(
            Exchange(
                url=url,
                status=200,
                body=page(n, language),
                fetched_at=now,
                headers=[("Content-Type", "text/html; charset=utf-8")],
                request_headers=[],
            )
        )
        store.fetched(
            FetchRecord(
                url=url,
                outcome="fetched",
                fetched_at=now,
                lastmod=None,
                fetched_url=url,
                warc_path=location.path,
                warc_offset=location.offset,
                warc_length=location.length,
                pending_extract=True,
            )
        )
    writer.close()
    store.flush()
    return plan


def test_only_the_kept_languages_are_loaded_and_the_rest_counted(settings, plan, db):
    with db.transaction():  # what the crawl of the five pages recorded
        runs.start_source_if_missing(db, plan.run_id, SOURCE)
        runs.add_source_counts(db, plan.run_id, SOURCE, runs.RunCounts(pages_fetched=len(PAGES)))
    extracted = steps.extract_source(settings, plan, SOURCE)
    assert (extracted["ok"], extracted["other_language"]) == (3, 2)
    counts = steps.load_source(settings, plan, SOURCE)
    assert (counts["articles_new"], counts["other_language"], counts["not_article"]) == (3, 2, 0)
    loaded = db.execute("SELECT url, language FROM warehouse.articles ORDER BY url").fetchall()
    assert loaded == [
        ("http://a.test/de-1", "de"),
        ("http://a.test/de-2", "de"),
        ("http://a.test/fr-1", "fr"),
    ]
    assert db.execute(
        "SELECT count(*) FROM warehouse.crawl_state WHERE pending_extract"
    ).fetchone() == (0,)
    assert db.execute(
        "SELECT other_language, article_share FROM analytics.crawl_run_sources "
        "WHERE run_id = %s AND source = %s",
        (plan.run_id, SOURCE),
    ).fetchone() == (2, 1.0)
    steps.finish_run(settings, plan)
    assert db.execute(
        "SELECT other_language FROM analytics.crawl_runs WHERE run_id = %s", (plan.run_id,)
    ).fetchone() == (2,)
