"""Run bookkeeping in ``warehouse.crawl_runs`` and ``warehouse.crawl_run_sources``.

A run is one execution of the pipeline (a ``newsflow run``, one Airflow DAG run, a
reprocessing). Every article row carries the ``run_id`` of the run that last changed it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import date
from typing import Any, Literal

import psycopg

from pipeline.errors import UnknownRunError

Trigger = Literal["cli", "airflow", "reprocess", "import", "test"]

COUNTERS = (
    "pages_discovered",
    "pages_fetched",
    "articles_new",
    "articles_updated",
    "articles_unchanged",
    "duplicates",
    "not_article",
    "failed",
    "held_by_date",
    "discovery_failed",
    "discovery_recovered",
    "blocked",
    "other_language",
    "discovery_not_modified",
    "discovery_unchanged",
)

LOAD_COUNTERS = (
    "articles_new",
    "articles_updated",
    "articles_unchanged",
    "duplicates",
    "not_article",
    "held_by_date",
    "other_language",
)
"""The counters only ``load_batch`` adds to, one per result (``failed``, which a crawl
adds to as well, aside); the link step only moves counts between them (new or updated
to duplicates), so their sum grows only by loads."""


@dataclass(slots=True)
class RunCounts:
    """Counters kept per run and per source; ``+`` adds two of them."""

    pages_discovered: int = 0
    pages_fetched: int = 0
    articles_new: int = 0
    articles_updated: int = 0
    articles_unchanged: int = 0
    duplicates: int = 0
    not_article: int = 0
    failed: int = 0
    held_by_date: int = 0
    """Articles published outside the run's window, left pending for the run covering them."""
    discovery_failed: int = 0
    """Sitemaps, feeds and section pages that could not be fetched or parsed."""
    discovery_recovered: int = 0
    """Sitemaps and feeds that were not well-formed, read as far as they went."""
    blocked: int = 0
    """Article pages a bot wall answered instead of the page (not counted in failed)."""
    other_language: int = 0
    """Articles in a language the source does not keep (``languages:``); not loaded."""
    discovery_not_modified: int = 0
    """Discovery documents not downloaded again: answered 304, or child sitemaps whose
    lastmod in their index was unchanged (not requested)."""
    discovery_unchanged: int = 0
    """Discovery documents downloaded with the same body (SHA-256) as last time: not parsed."""

    def __add__(self, other: RunCounts) -> RunCounts:
        return RunCounts(
            **{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)}
        )

    def as_dict(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def loaded(self) -> int:
        """The sum of the counters a load adds to (``LOAD_COUNTERS``)."""
        return sum(getattr(self, c) for c in LOAD_COUNTERS)


_CREATE_RUN = """
INSERT INTO warehouse.crawl_runs (trigger, external_id, sources, window_since, window_until)
VALUES (%s, %s, %s, %s, %s)
ON CONFLICT (external_id) WHERE external_id IS NOT NULL
DO UPDATE SET status = 'running', finished_at = NULL, error = NULL,
              sources = EXCLUDED.sources, window_since = EXCLUDED.window_since,
              window_until = EXCLUDED.window_until
RETURNING run_id
"""

_START_SOURCE = """
INSERT INTO warehouse.crawl_run_sources (run_id, source) VALUES (%s, %s)
ON CONFLICT (run_id, source) DO UPDATE SET status = 'running', started_at = now(),
    finished_at = NULL, error = NULL, crawl_stats = '{{}}', quality = '{{}}', {zeroes}
""".format(zeroes=", ".join(f"{c} = 0" for c in COUNTERS))

_FORGET_SOURCES = "DELETE FROM warehouse.crawl_run_sources WHERE run_id = %s"
# Counters started afresh: what a load counted before is gone, so the link step has
# nothing of it to move to duplicates (pipeline/load/link.py).
_FORGET_COUNTED = """
UPDATE warehouse.articles_unlinked SET counted_as = 'articles_unchanged'
WHERE run_id = %(run_id)s AND (%(source)s::text IS NULL OR source = %(source)s)
  AND counted_as <> 'articles_unchanged'
"""

_ADD_SOURCE_COUNTS = """
UPDATE warehouse.crawl_run_sources SET {assignments}
WHERE run_id = %(run_id)s AND source = %(source)s
""".format(assignments=", ".join(f"{c} = {c} + %({c})s" for c in COUNTERS))
_ADD_COUNTS_STARTING = """
INSERT INTO warehouse.crawl_run_sources AS s (run_id, source, {columns})
VALUES (%(run_id)s, %(source)s, {values})
ON CONFLICT (run_id, source) DO UPDATE SET {assignments}
""".format(
    columns=", ".join(COUNTERS),
    values=", ".join(f"%({c})s" for c in COUNTERS),
    assignments=", ".join(f"{c} = s.{c} + EXCLUDED.{c}" for c in COUNTERS),
)

_FINISH_SOURCE = """
UPDATE warehouse.crawl_run_sources
SET status = %(status)s, finished_at = now(), error = %(error)s,
    crawl_stats = crawl_stats || %(crawl_stats)s::jsonb, quality = quality || %(quality)s::jsonb
WHERE run_id = %(run_id)s AND source = %(source)s
"""

_FINISH_RUN = """
WITH totals AS (
    SELECT {sums},
           count(*) FILTER (WHERE status = 'failed') AS failed_sources,
           count(*) AS all_sources
    FROM warehouse.crawl_run_sources WHERE run_id = %(run_id)s
)
UPDATE warehouse.crawl_runs r SET
    {copies},
    finished_at = now(),
    status = CASE
        WHEN %(error)s::text IS NOT NULL THEN 'failed'
        WHEN t.all_sources > 0 AND t.failed_sources = t.all_sources THEN 'failed'
        WHEN t.failed_sources > 0 THEN 'partial'
        ELSE 'success' END,
    error = COALESCE(%(error)s::text, (
        SELECT string_agg(source || ': ' || error, '; ' ORDER BY source)
        FROM warehouse.crawl_run_sources
        WHERE run_id = %(run_id)s AND status = 'failed'))
FROM totals t
WHERE r.run_id = %(run_id)s
RETURNING r.status
""".format(
    sums=", ".join(f"COALESCE(sum({c}), 0) AS {c}" for c in COUNTERS),
    copies=", ".join(f"{c} = t.{c}" for c in COUNTERS),
)


def create_run(
    conn: psycopg.Connection,
    *,
    sources: Sequence[str],
    since: date | None,
    until: date | None,
    trigger: Trigger = "cli",
    external_id: str | None = None,
) -> int:
    """Record the start of a run and return its ``run_id``.

    With an ``external_id`` (an Airflow DAG run id) a re-run reuses its row and starts
    its per-source counters afresh, so the run reports what the re-run did (a re-run
    over unchanged pages reports 0 new articles), not the sum of both executions.
    """
    with conn.transaction():
        row = conn.execute(
            _CREATE_RUN, (trigger, external_id, list(sources), since, until)
        ).fetchone()
        assert row is not None
        conn.execute(_FORGET_SOURCES, (row[0],))
        conn.execute(_FORGET_COUNTED, {"run_id": row[0], "source": None})
    return int(row[0])


LEASE_LOCK_CLASS = 0x6E66_6C77
"""First key of the two-key advisory locks that lease runs (``lease_run``)."""
ABANDONED = (
    "abandoned: the process carrying out the run ended without finishing it "
    "(killed, or its machine was lost); the next run picks up its pages"
)
_LEASE = "SELECT pg_advisory_lock(%s, %s::integer)"
_TRY_LEASE = "SELECT pg_try_advisory_lock(%s, %s::integer)"
_RELEASE = "SELECT pg_advisory_unlock(%s, %s::integer)"
_ABANDON_SOURCES = """
UPDATE warehouse.crawl_run_sources SET status = 'failed', finished_at = now(),
    error = COALESCE(error, %(error)s)
WHERE run_id = %(run_id)s AND status = 'running'
"""


def lease_run(conn: psycopg.Connection, run_id: int) -> None:
    """Hold ``run_id``'s lease for as long as ``conn`` stays open, and mark the run leased.

    The process carrying out the run keeps ``conn`` open until the run is finished; if
    the process dies, PostgreSQL ends its session and frees the lease, and
    ``close_abandoned_runs`` (called when a run starts) marks the run failed.
    """
    conn.execute(_LEASE, (LEASE_LOCK_CLASS, run_id))
    conn.execute("UPDATE warehouse.crawl_runs SET leased = true WHERE run_id = %s", (run_id,))
    conn.commit()


def close_abandoned_runs(conn: psycopg.Connection) -> list[int]:
    """Mark failed every leased run still ``running`` whose lease nobody holds; their ids."""
    candidates = [
        row[0]
        for row in conn.execute(
            "SELECT run_id FROM warehouse.crawl_runs WHERE status = 'running' AND leased "
            "ORDER BY run_id"
        )
    ]
    closed = []
    for run_id in candidates:
        row = conn.execute(_TRY_LEASE, (LEASE_LOCK_CLASS, run_id)).fetchone()
        assert row is not None  # a SELECT without FROM returns one row
        if not row[0]:
            continue  # its process is alive and working
        try:
            with conn.transaction():
                conn.execute(_ABANDON_SOURCES, {"run_id": run_id, "error": ABANDONED})
                conn.execute(_FINISH_RUN, {"run_id": run_id, "error": ABANDONED})
            closed.append(run_id)
        finally:
            conn.execute(_RELEASE, (LEASE_LOCK_CLASS, run_id))
    conn.commit()
    return closed


def start_source(conn: psycopg.Connection, run_id: int, source: str) -> None:
    """Record that work on ``source`` began in run ``run_id``.

    Starting a source again (a retried crawl) zeroes its counters: its chain counts anew.
    """
    with conn.transaction():
        conn.execute(_START_SOURCE, (run_id, source))
        conn.execute(_FORGET_COUNTED, {"run_id": run_id, "source": source})


_START_SOURCE_IF_MISSING = """
INSERT INTO warehouse.crawl_run_sources (run_id, source) VALUES (%s, %s)
ON CONFLICT (run_id, source) DO NOTHING
"""

_RECORD_CRAWL_STATS = """
UPDATE warehouse.crawl_run_sources SET crawl_stats = crawl_stats || %s::jsonb
WHERE run_id = %s AND source = %s
"""


def start_source_if_missing(conn: psycopg.Connection, run_id: int, source: str) -> None:
    """Make sure the source has a row in the run (keeps an existing row as it is)."""
    with conn.transaction():
        conn.execute(_START_SOURCE_IF_MISSING, (run_id, source))


def record_crawl_stats(
    conn: psycopg.Connection, run_id: int, source: str, stats: dict[str, Any]
) -> None:
    """Merge the crawler's summary into the source's ``crawl_stats``."""
    conn.execute(_RECORD_CRAWL_STATS, (json.dumps(stats, default=str), run_id, source))


def add_source_counts(
    conn: psycopg.Connection, run_id: int, source: str, counts: RunCounts
) -> None:
    """Add ``counts`` to the source's counters (call inside the load transaction)."""
    conn.execute(_ADD_SOURCE_COUNTS, {"run_id": run_id, "source": source, **counts.as_dict()})


def add_source_counts_starting(
    conn: psycopg.Connection, run_id: int, source: str, counts: RunCounts
) -> None:
    """``add_source_counts`` in one statement that also starts the source's row in the
    run when it has none (as ``start_source_if_missing``; call inside the load
    transaction)."""
    conn.execute(_ADD_COUNTS_STARTING, {"run_id": run_id, "source": source, **counts.as_dict()})


_LOADED = """
SELECT coalesce(sum({total}), 0) FROM warehouse.crawl_run_sources
WHERE run_id = %s AND source = %s
""".format(total=" + ".join(LOAD_COUNTERS))


def loaded_count(conn: psycopg.Connection, run_id: int, source: str) -> int:
    """The sum of the source's ``LOAD_COUNTERS`` in the run: how many results its loads
    committed (0 before its first)."""
    row = conn.execute(_LOADED, (run_id, source)).fetchone()
    return int(row[0]) if row else 0


def record_crawl(
    conn: psycopg.Connection,
    run_id: int,
    source: str,
    counts: RunCounts,
    stats: dict[str, Any],
) -> None:
    """What a source's crawl did, in one transaction: ``counts`` added to its counters
    and ``stats`` merged into its ``crawl_stats``."""
    with conn.transaction():
        add_source_counts(conn, run_id, source, counts)
        record_crawl_stats(conn, run_id, source, stats)


def finish_source(
    conn: psycopg.Connection,
    run_id: int,
    source: str,
    *,
    error: str | None = None,
    crawl_stats: dict[str, Any] | None = None,
    quality: dict[str, Any] | None = None,
) -> None:
    """Mark the source done (``error`` set means it failed)."""
    with conn.transaction():
        conn.execute(
            _FINISH_SOURCE,
            {
                "run_id": run_id,
                "source": source,
                "status": "failed" if error else "success",
                "error": error,
                "crawl_stats": json.dumps(crawl_stats or {}),
                "quality": json.dumps(quality or {}, default=str),
            },
        )


def finish_run(conn: psycopg.Connection, run_id: int, *, error: str | None = None) -> str:
    """Total the per-source counters into the run, set its status and return it.

    Status: ``success``; ``partial`` when some sources failed; ``failed`` when all did
    or ``error`` (a failure of the run itself) is given.
    """
    with conn.transaction():
        row = conn.execute(_FINISH_RUN, {"run_id": run_id, "error": error}).fetchone()
    if row is None:
        raise UnknownRunError(run_id)
    return str(row[0])


def run_counts(conn: psycopg.Connection, run_id: int, source: str | None = None) -> RunCounts:
    """The counters of a run (or of one source in it)."""
    if source is None:
        row = conn.execute(
            f"SELECT {', '.join(COUNTERS)} FROM warehouse.crawl_runs WHERE run_id = %s", (run_id,)
        ).fetchone()
    else:
        row = conn.execute(
            f"SELECT {', '.join(COUNTERS)} FROM warehouse.crawl_run_sources "
            "WHERE run_id = %s AND source = %s",
            (run_id, source),
        ).fetchone()
    if row is None:
        raise LookupError(f"run {run_id} has no record" + (f" for {source}" if source else ""))
    return RunCounts(*row)
