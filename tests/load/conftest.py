"""Helpers for the loader tests: articles from literal texts, runs, table snapshots."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import psycopg
import pytest

from pipeline import runs
from pipeline.load import load_batch
from pipeline.load.link import link_pending
from pipeline.records import Article, ExtractionResult

EXTRACTOR = "2025.1"


def story(n: int, words: int = 120, topic: str = "story") -> str:
    """A body of ``words`` words that shares no 4-word shingle with other ``n``."""
    return " ".join(f"{topic}{n}w{i}" for i in range(words))


def prose(sentences: int, seed: str = "") -> str:
    """Readable paragraphs of distinct sentences (``seed`` makes another text)."""
    lines = [
        f"In {seed}report number {i} the council of town {i * 7} said that the "
        f"budget for year {2000 + i} would rise by {i} percent."
        for i in range(sentences)
    ]
    return "\n\n".join(" ".join(lines[i : i + 3]) for i in range(0, len(lines), 3))


def ok(
    url: str,
    body: str,
    *,
    title: str = "A title",
    published: datetime | None = None,
    authors: tuple[str, ...] = ("Jane Doe",),
    extractor_version: str = EXTRACTOR,
    page_url: str | None = None,
    source: str = "alpha",
) -> ExtractionResult:
    article = Article(
        url=url,
        title=title,
        body=body,
        authors=authors,
        published_at=published,
        extractor_version=extractor_version,
        source=source,
    )
    return ExtractionResult("ok", url=page_url or url, article=article)


def day(n: int) -> datetime:
    return datetime(2025, 3, n, 9, 30, tzinfo=UTC)


@pytest.fixture
def conn(clean_database_url: str) -> Iterator[psycopg.Connection]:
    """A connection in psycopg's default (non-autocommit) mode, as the pipeline uses."""
    with psycopg.connect(clean_database_url) as connection:
        yield connection


@pytest.fixture
def run_id(conn: psycopg.Connection) -> int:
    return new_run(conn)


def new_run(conn: psycopg.Connection, sources: tuple[str, ...] = ("alpha", "beta")) -> int:
    run = runs.create_run(conn, sources=list(sources), since=None, until=None, trigger="test")
    conn.commit()
    return run


def load_and_link(
    conn: psycopg.Connection,
    batch: list[ExtractionResult],
    *,
    run_id: int,
    source: str,
    near_duplicate_threshold: float = 0.8,
) -> runs.RunCounts:
    """``load_batch``, then the link step, as a run does them; the batch's counts as the
    run's counters end up (the link step moves duplicates from new or updated)."""
    counts = load_batch(
        conn,
        batch,
        run_id=run_id,
        source=source,
        near_duplicate_threshold=near_duplicate_threshold,
    )
    before = runs.run_counts(conn, run_id, source)
    link_pending(conn, run_id=run_id, near_duplicate_threshold=near_duplicate_threshold)
    after = runs.run_counts(conn, run_id, source)
    conn.commit()
    counts.duplicates += after.duplicates - before.duplicates
    counts.articles_new += after.articles_new - before.articles_new
    counts.articles_updated += after.articles_updated - before.articles_updated
    return counts


ARTICLE_COLUMNS = """
SELECT url, fetched_url, source, title, authors, published_at, body, content_hash,
       duplicate_of, similarity, version, extractor_version, first_seen_at, updated_at, run_id
FROM warehouse.articles ORDER BY url
"""


def snapshot(url: str) -> dict[str, list[tuple]]:
    """Every warehouse table the loader writes, as read from a fresh connection."""
    with psycopg.connect(url) as c:
        return {
            "articles": c.execute(ARTICLE_COLUMNS).fetchall(),
            "versions": c.execute(
                "SELECT * FROM warehouse.article_versions ORDER BY article_id, version"
            ).fetchall(),
            "signatures": c.execute(
                "SELECT * FROM warehouse.article_signatures ORDER BY article_id"
            ).fetchall(),
            "bands": c.execute(
                "SELECT * FROM warehouse.article_lsh_bands ORDER BY bucket, article_id"
            ).fetchall(),
            "run_sources": c.execute(
                "SELECT run_id, source, articles_new, articles_updated, "
                "articles_unchanged, duplicates FROM "
                "warehouse.crawl_run_sources ORDER BY 1, 2"
            ).fetchall(),
        }


def rows(conn: psycopg.Connection) -> dict[str, dict]:
    """{url: row as dict} of warehouse.articles."""
    cur = conn.execute("SELECT * FROM warehouse.articles")
    names = [d.name for d in cur.description]
    result = {r[names.index("url")]: dict(zip(names, r)) for r in cur.fetchall()}
    conn.commit()
    return result
