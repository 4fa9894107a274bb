"""The crawl step of a run: one source (a DAG task) or several in one crawler process.

``crawl_source`` is what each Airflow crawl task calls; ``crawl_sources`` is what
``newsflow run`` calls (``pipeline.local_run``): every source of the run crawled one
after the other in a single child process (``crawlers.run``), each one's outcome
recorded and handed on as soon as its crawl ends, so that its extraction and load can
go on while the next source is crawled. Both are re-exported by ``pipeline.steps``. A
backfill source (``warc:`` files) is read from its files instead
(``pipeline.warc_backfill``), after the web crawls.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from pipeline import runs
from pipeline.config import Settings
from pipeline.db import connect, prepare_database
from pipeline.errors import CrawlError, NewsflowError
from pipeline.run_plan import RunPlan
from pipeline.sources import Source

CrawlOutcome = dict[str, Any] | NewsflowError
"""A source's crawl summary (``CrawlResult.as_dict``), or the error that failed it."""


def crawl_source(settings: Settings, plan: RunPlan, source: str) -> dict[str, Any]:
    """Crawl one source (in a child process) into the archive and crawl state; its
    crawl summary. Raises ``CrawlError`` when the crawl failed or its discovery found
    nothing (the counts are recorded all the same)."""
    outcomes: list[CrawlOutcome] = []
    crawl_sources(settings, plan, [source], lambda _, outcome: outcomes.append(outcome))
    (outcome,) = outcomes
    if isinstance(outcome, NewsflowError):
        raise outcome
    return outcome


def crawl_sources(
    settings: Settings,
    plan: RunPlan,
    names: Sequence[str],
    crawled: Callable[[str, CrawlOutcome], None],
    started: Callable[[str], None] | None = None,
) -> None:
    """Crawl the run's sources ``names`` one after the other in one child process.

    Each source is recorded as started (``started(name)`` is called then) and, the
    moment its crawl ends, its counts and crawl stats are recorded and
    ``crawled(name, outcome)`` is called, before the next source's. A source whose
    crawl failed gets its ``CrawlError`` as outcome and the others go on; an error
    that stops the crawls (``CrawlError`` for a source with nothing to crawl,
    ``ArchiveError``, the database lost) is the outcome of every source not crawled
    yet.
    """
    from crawlers.result import CrawlResult
    from crawlers.run import crawl_sources as crawl_in_child

    url = prepare_database(settings)

    def on_started(name: str) -> None:
        with connect(url) as conn:
            runs.start_source(conn, plan.run_id, name)
        if started is not None:
            started(name)

    reported: set[str] = set()

    def on_crawled(result: CrawlResult) -> None:
        """Add the crawl's counts and stats to the run; hand on its summary, or the
        ``CrawlError`` that failed it (the crawl failed, or its discovery found
        nothing: not a quiet day)."""
        reported.add(result.source)
        summary = result.as_dict()
        with connect(url) as conn:
            runs.record_crawl(conn, plan.run_id, result.source, result.run_counts(), summary)
        broken = result.discovery_error()
        if result.error:
            crawled(result.source, CrawlError(f"crawl of {result.source} failed: {result.error}"))
        else:
            crawled(result.source, CrawlError(broken) if broken else summary)

    chosen = plan.load_sources(names)
    web = [source for source in chosen if not source.warc]
    try:
        if web:
            crawl_in_child(
                settings,
                web,
                run_id=plan.run_id,
                database_url=url,
                window=plan.window,
                max_pages=plan.max_pages,
                started=on_started,
                crawled=on_crawled,
            )
    except NewsflowError as exc:
        for source in web:
            if source.name not in reported:
                crawled(source.name, exc)
    read_warc_sources(settings, plan, [s for s in chosen if s.warc], crawled, started)


def crawl_order(sources: Sequence[Source]) -> list[Source]:
    """``sources`` in the order ``crawl_sources`` crawls them: the web sources (in one
    crawler process), then the backfills read from WARC files. A run's plan lists its
    sources in this order, so ``newsflow run`` extracts each source while it is crawled
    instead of waiting on a backfill that is read only after every web crawl."""
    return [s for s in sources if not s.warc] + [s for s in sources if s.warc]


def read_warc_sources(
    settings: Settings,
    plan: RunPlan,
    sources: Sequence[Source],
    crawled: Callable[[str, CrawlOutcome], None],
    started: Callable[[str], None] | None = None,
) -> None:
    """The crawl of backfill sources (``warc:`` files), read in this process one after
    the other (after the web crawls) by ``pipeline.warc_backfill``; ``started`` and
    ``crawled`` are called as for a crawled source."""
    from pipeline.warc_backfill import crawl_warc_source

    for source in sources:
        if started is not None:
            started(source.name)
        try:
            crawled(source.name, crawl_warc_source(settings, plan, source))
        except NewsflowError as exc:
            crawled(source.name, exc)
