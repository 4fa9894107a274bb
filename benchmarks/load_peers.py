"""The contenders of ``bench_load_peers``: each loads the same rows into a fresh database.

Every function takes the URL of a fresh scratch database and the extraction results,
loads them and returns its figures (``seconds`` at least):

* ``bare_copy``: one ``COPY`` into an unindexed table, the limit (``bench_load``'s);
* ``newsflow``: ``load_batch`` in batches of ``LOAD_BATCH_SIZE``, as a run loads, then
  the link step (near-duplicate index and links, ``pipeline.load.link``) and the derive
  step (search vector, word count) on ``derive_connections`` connections, each timed on
  its own; ``dedup=False`` leaves out what the load writes for the link step (the rows
  of ``warehouse.articles_unlinked``, ``without_dedup``) and the link step, and keeps
  everything else (COPY of new rows, upsert of known ones, bookkeeping);
* ``plain_upsert``: what hand-written pipelines and news-please's PostgreSQL pipeline
  do: one ``INSERT ... ON CONFLICT (url) DO UPDATE`` per row (psycopg, a commit per
  ``LOAD_BATCH_SIZE`` rows), then ``to_tsvector`` in one plain ``UPDATE`` over the
  same rows, the limit of the derive step;
* ``dlt_merge``: dlt's postgres destination, ``merge`` write disposition on ``url``,
  into a fresh dataset (schema), all rows in one ``pipeline.run``.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
from psycopg.conninfo import conninfo_to_dict

from benchmarks.bench_load import THRESHOLD, _bare_copy, load_all
from pipeline.load import upsert as upsert_module
from pipeline.load.derive import derive_concurrently
from pipeline.load.link import link_pending
from pipeline.records import ExtractionResult
from pipeline.steps import LOAD_BATCH_SIZE

PEER_COLUMNS = (
    "url",
    "fetched_url",
    "source",
    "title",
    "authors",
    "published_at",
    "published_date_only",
    "language",
    "description",
    "body",
    "extractor_version",
)
"""The article columns the peers store (those of the bare COPY but its content hash)."""

_PLAIN_TABLE = """
CREATE TABLE plain_articles (
    url text PRIMARY KEY, fetched_url text, source text, title text, authors text[],
    published_at timestamptz, published_date_only boolean, language text,
    description text, body text, extractor_version text
)
"""
_PLAIN_UPSERT = """
INSERT INTO plain_articles ({cols}) VALUES ({marks})
ON CONFLICT (url) DO UPDATE SET {sets}
""".format(
    cols=", ".join(PEER_COLUMNS),
    marks=", ".join(["%s"] * len(PEER_COLUMNS)),
    sets=", ".join(f"{c} = EXCLUDED.{c}" for c in PEER_COLUMNS if c != "url"),
)
_PLAIN_TSVECTOR = """
UPDATE plain_articles SET search_vector = to_tsvector('english', title || ' ' || body)
"""


def peer_row(result: ExtractionResult) -> dict[str, Any]:
    """The peer columns of one result's article, by name."""
    article = result.article
    if article is None:
        raise ValueError(f"{result.url}: the peers load articles, not {result.status} results")
    row = {column: getattr(article, column) for column in PEER_COLUMNS}
    row["authors"] = list(article.authors)
    return row


def bare_copy(url: str, results: Sequence[ExtractionResult]) -> dict[str, Any]:
    """The limit: one COPY into an unindexed table."""
    return {"seconds": _bare_copy(url, list(results))}


@contextmanager
def without_dedup() -> Iterator[None]:
    """For the ``with`` block, ``load_batch`` writes rows and bookkeeping without the
    rows for the link step (benchmark only: nothing else calls the functions it
    replaces meanwhile)."""
    saved_new, saved_stored = upsert_module.mark_new_unlinked, upsert_module.mark_unlinked

    def nothing(*args: object, **kwargs: object) -> None:
        return None

    upsert_module.mark_new_unlinked = nothing  # type: ignore[assignment]
    upsert_module.mark_unlinked = nothing  # type: ignore[assignment]
    try:
        yield
    finally:
        upsert_module.mark_new_unlinked = saved_new
        upsert_module.mark_unlinked = saved_stored


def newsflow(
    url: str, results: Sequence[ExtractionResult], *, dedup: bool, derive_connections: int
) -> dict[str, Any]:
    """``load_batch`` over ``results`` in run-sized batches; with ``dedup``, then the
    link step and the derive step (without, the derive step is the same work and is not
    repeated)."""
    with without_dedup() if not dedup else _nothing():
        seconds, counts = load_all(url, results)
    figures: dict[str, Any] = {"seconds": seconds, "counts": counts}
    if dedup:
        started = time.perf_counter()
        with psycopg.connect(url) as conn:
            linked = link_pending(conn, near_duplicate_threshold=THRESHOLD)
        link_seconds = time.perf_counter() - started
        figures.update(
            link_seconds=link_seconds,
            with_link_seconds=seconds + link_seconds,
            linked=linked.articles,
            duplicates=linked.duplicates,
        )
        started = time.perf_counter()
        derived = derive_concurrently(lambda: psycopg.connect(url), derive_connections)
        figures.update(derive_seconds=time.perf_counter() - started, derived=derived)
    return figures


@contextmanager
def _nothing() -> Iterator[None]:
    yield


def plain_upsert(url: str, results: Sequence[ExtractionResult]) -> dict[str, Any]:
    """Row-by-row upserts, then ``to_tsvector`` in one plain UPDATE (see module)."""
    rows = [tuple(peer_row(r).values()) for r in results]
    with psycopg.connect(url) as conn:
        conn.execute(_PLAIN_TABLE)
        conn.commit()
        started = time.perf_counter()
        with conn.cursor() as cursor:
            for number, row in enumerate(rows, 1):
                cursor.execute(_PLAIN_UPSERT, row)
                if number % LOAD_BATCH_SIZE == 0:
                    conn.commit()
        conn.commit()
        seconds = time.perf_counter() - started
        conn.execute("ALTER TABLE plain_articles ADD COLUMN search_vector tsvector")
        conn.commit()
        started = time.perf_counter()
        updated = conn.execute(_PLAIN_TSVECTOR).rowcount
        conn.commit()
        return {
            "seconds": seconds,
            "tsvector_seconds": time.perf_counter() - started,
            "tsvector_rows": updated,
        }


def dlt_credentials(url: str) -> str:
    """``url`` with a password: dlt's postgres credentials insist on one, which a
    server that trusts local connections ignores."""
    params = conninfo_to_dict(url)
    params.setdefault("password", "unused")
    params.setdefault("host", "127.0.0.1")
    params.setdefault("port", "5432")
    return "postgresql://{user}:{password}@{host}:{port}/{dbname}".format(
        user=params.get("user", "postgres"),
        password=params["password"],
        host=params["host"],
        port=params["port"],
        dbname=params["dbname"],
    )


def dlt_merge(url: str, results: Sequence[ExtractionResult], workdir: Path) -> dict[str, Any]:
    """dlt's postgres destination, ``merge`` on ``url``, into a fresh dataset."""
    os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")
    import dlt

    rows = [peer_row(r) for r in results]
    pipeline = dlt.pipeline(
        pipeline_name="newsflow_bench_peer",
        destination=dlt.destinations.postgres(credentials=dlt_credentials(url)),
        dataset_name="dlt_articles",
        pipelines_dir=str(workdir),
        progress=None,
    )
    started = time.perf_counter()
    info = pipeline.run(rows, table_name="articles", write_disposition="merge", primary_key="url")
    seconds = time.perf_counter() - started
    info.raise_on_failed_jobs()
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT count(*) FROM dlt_articles.articles").fetchone()
    stored = int(row[0]) if row else 0
    if stored != len({r["url"] for r in rows}):
        raise RuntimeError(f"dlt stored {stored} rows of {len(rows)}")
    return {"seconds": seconds}
