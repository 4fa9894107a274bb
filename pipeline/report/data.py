"""What the HTML report shows, read from the analytics views only (the reader role can run it)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import psycopg
from psycopg import errors
from psycopg.rows import class_row

from pipeline.config import QualityThresholds
from pipeline.errors import (
    ConfigError,
    DatabasePermissionError,
    UnknownSourceError,
    first_line,
)
from pipeline.window import Window

DEFAULT_RUNS = 30

KNOWN_SOURCES = "SELECT DISTINCT source FROM analytics.crawl_run_sources ORDER BY source"

UNBOUNDED_RUN_DAYS = 30
"""Publication days a run without a window counts for in "articles per publication day":
it read whatever the site lists, so the month before it ran stands for it."""

_FILTERS = """
      (%(since)s::date IS NULL OR (started_at AT TIME ZONE 'UTC')::date >= %(since)s::date)
  AND (%(until)s::date IS NULL OR (started_at AT TIME ZONE 'UTC')::date <= %(until)s::date)
"""

LATEST_RUN = f"""
SELECT run_id, trigger, sources, window_since, window_until, started_at, finished_at,
       status, pages_discovered, pages_fetched, articles_new, articles_updated,
       articles_unchanged, duplicates, not_article, failed, discovery_failed, blocked, error,
       other_language
FROM analytics.crawl_runs
WHERE {_FILTERS}
  AND (cardinality(%(sources)s::text[]) = 0 OR sources && %(sources)s::text[])
ORDER BY started_at DESC, run_id DESC
LIMIT 1
"""

SOURCE_RUNS = f"""
SELECT s.run_id, s.source, s.started_at, s.status,
       s.pages_fetched - s.held_by_date - s.other_language AS pages,
       s.articles_new + s.articles_updated + s.articles_unchanged + s.duplicates AS articles,
       s.duplicates, s.not_article, s.failed, s.discovery_failed,
       s.article_share AS yield_share, s.title_share, s.date_share, s.author_share,
       s.quality_breaches AS breaches, s.error, s.truncated_share,
       coalesce(r.window_since,
                (s.started_at AT TIME ZONE 'UTC')::date - %(unbounded_days)s + 1) AS first_day,
       coalesce(r.window_until, (s.started_at AT TIME ZONE 'UTC')::date) AS last_day
FROM (SELECT *, row_number() OVER (PARTITION BY source ORDER BY started_at DESC, run_id DESC)
                AS recent
      FROM analytics.crawl_run_sources
      WHERE {_FILTERS}
        AND (cardinality(%(sources)s::text[]) = 0 OR source = ANY(%(sources)s::text[]))) s
JOIN analytics.crawl_runs r USING (run_id)
WHERE s.recent <= %(runs)s
ORDER BY s.source, s.started_at, s.run_id
"""

FAILURES = """
SELECT run_id, source, reason, failures
FROM analytics.crawl_run_failures
WHERE run_id = ANY(%(run_ids)s::bigint[]) AND source = ANY(%(sources)s::text[])
ORDER BY run_id, source, reason
"""

DAILY_COUNTS = """
SELECT source, published_date, articles
FROM analytics.daily_source_counts
WHERE source = ANY(%(sources)s::text[]) AND published_date BETWEEN %(first)s AND %(last)s
ORDER BY source, published_date
"""


@dataclass(frozen=True, slots=True)
class RunSummary:
    """The newest run in the report's range, as ``analytics.crawl_runs`` has it (UTC times)."""

    run_id: int
    trigger: str
    sources: list[str]
    window_since: date | None
    window_until: date | None
    started_at: datetime
    finished_at: datetime | None
    status: str
    pages_discovered: int
    pages_fetched: int
    articles_new: int
    articles_updated: int
    articles_unchanged: int
    duplicates: int
    not_article: int
    failed: int
    discovery_failed: int
    blocked: int
    """Article pages a bot wall answered (outcome ``blocked``)."""
    error: str | None
    other_language: int = 0
    """Articles in a language their source does not keep (``languages:``)."""

    @property
    def duration(self) -> timedelta | None:
        return self.finished_at - self.started_at if self.finished_at else None


@dataclass(frozen=True, slots=True)
class SourceRun:
    """One source's part of one run (shares are 0-1, None when there was nothing to divide)."""

    run_id: int
    source: str
    started_at: datetime
    status: str
    pages: int
    """Pages fetched for the run's window (pages held for another day and articles in a
    language the source does not keep left out)."""
    articles: int
    """Pages that yielded an article (new, updated, unchanged or duplicate)."""
    duplicates: int
    not_article: int
    failed: int
    discovery_failed: int
    yield_share: float | None
    title_share: float | None
    date_share: float | None
    author_share: float | None
    breaches: list[str]
    error: str | None
    first_day: date
    """First publication day the run asked for; for a run without a window (a plain
    ``newsflow run``), the ``UNBOUNDED_RUN_DAYS`` days up to its start day."""
    last_day: date
    truncated_share: float | None = None
    """Share of the run's loaded articles whose body a paywall cut off (None: not checked)."""

    @property
    def days(self) -> int:
        """Publication days the run covered (at least 1)."""
        return max(1, (self.last_day - self.first_day).days + 1)

    @property
    def articles_per_day(self) -> float:
        """Articles per publication day covered: runs over windows of different lengths
        (a nightly run, a week's backfill) compare on this."""
        return self.articles / self.days

    @property
    def not_article_share(self) -> float | None:
        return self.not_article / self.pages if self.pages > 0 else None

    @property
    def duplicate_share(self) -> float | None:
        return self.duplicates / self.articles if self.articles > 0 else None


@dataclass(frozen=True, slots=True)
class ReportQuery:
    """What to report on: the runs started on ``days`` (UTC, inclusive), of ``sources``
    (empty: all), at most ``runs`` of each source."""

    days: Window = Window()
    sources: tuple[str, ...] = ()
    runs: int = DEFAULT_RUNS


@dataclass(frozen=True, slots=True)
class ReportData:
    """Everything the report shows; ``latest`` None means there are no runs to show."""

    query: ReportQuery
    generated_at: datetime
    thresholds: QualityThresholds
    latest: RunSummary | None
    runs: dict[str, list[SourceRun]] = field(default_factory=dict)
    """Per source, its runs oldest first (at most ``query.runs``)."""
    daily: dict[str, list[tuple[date, int]]] = field(default_factory=dict)
    """Per source, original articles per publication day over the runs' windows."""
    failures: dict[tuple[int, str], dict[str, int]] = field(default_factory=dict)
    """Per (run_id, source), failed requests by reason (``analytics.crawl_run_failures``);
    runs whose crawl recorded no reasons are missing."""

    @property
    def sources(self) -> list[str]:
        return sorted(self.runs)


def gather(
    conn: psycopg.Connection, query: ReportQuery, thresholds: QualityThresholds, now: datetime
) -> ReportData:
    """Read the report's data; ``UnknownSourceError`` for a source the warehouse has no runs
    of (unless it has none at all: then the report says the warehouse is empty)."""
    try:
        known = [row[0] for row in conn.execute(KNOWN_SOURCES)]
        _check_sources(query.sources, known)
        params = {
            "since": query.days.since,
            "until": query.days.until,
            "sources": list(query.sources),
            "runs": query.runs,
            "unbounded_days": UNBOUNDED_RUN_DAYS,
        }
        latest = conn.cursor(row_factory=class_row(RunSummary)).execute(LATEST_RUN, params)
        latest_run = latest.fetchone()
        source_runs = conn.cursor(row_factory=class_row(SourceRun)).execute(SOURCE_RUNS, params)
        runs = _by_source(source_runs.fetchall())
        daily = _daily(conn, runs)
        failures = _failures(conn, runs)
    except errors.UndefinedTable:
        raise ConfigError(
            "the database lacks newsflow's analytics views, or has those of an older version; "
            "run `newsflow db upgrade` as its owner, or point NEWSFLOW_DATABASE_URL at "
            "newsflow's database"
        ) from None
    except errors.InsufficientPrivilege as exc:
        raise DatabasePermissionError(
            f"cannot read the analytics views ({first_line(exc)}); grant the role read access "
            "with `newsflow db grant-reader ROLE`"
        ) from None
    return ReportData(query, now, thresholds, latest_run, runs, daily, failures)


def _check_sources(wanted: tuple[str, ...], known: list[str]) -> None:
    unknown = [name for name in wanted if name not in known]
    if unknown and known:
        raise UnknownSourceError(
            f"unknown source {', '.join(repr(n) for n in unknown)}; "
            f"the warehouse has runs of: {', '.join(known)}"
        )


def _by_source(runs: list[SourceRun]) -> dict[str, list[SourceRun]]:
    by_source: dict[str, list[SourceRun]] = defaultdict(list)
    for run in runs:
        by_source[run.source].append(run)
    return dict(by_source)


def _daily(
    conn: psycopg.Connection, runs: dict[str, list[SourceRun]]
) -> dict[str, list[tuple[date, int]]]:
    every = [run for source_runs in runs.values() for run in source_runs]
    if not every:
        return {}
    params = {
        "sources": sorted(runs),
        "first": min(run.first_day for run in every),
        "last": max(run.last_day for run in every),
    }
    daily: dict[str, list[tuple[date, int]]] = defaultdict(list)
    for source, day, articles in conn.execute(DAILY_COUNTS, params):
        daily[source].append((day, articles))
    return dict(daily)


def _failures(
    conn: psycopg.Connection, runs: dict[str, list[SourceRun]]
) -> dict[tuple[int, str], dict[str, int]]:
    params = {
        "run_ids": sorted({run.run_id for source_runs in runs.values() for run in source_runs}),
        "sources": sorted(runs),
    }
    failures: dict[tuple[int, str], dict[str, int]] = defaultdict(dict)
    for run_id, source, reason, count in conn.execute(FAILURES, params):
        failures[run_id, source][reason] = count
    return dict(failures)
