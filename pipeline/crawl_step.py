"""The crawl step of a run: one source (a DAG task) or several in one crawler process.

``crawl_source`` is what each Airflow crawl task calls; ``crawl_sources`` is what
``newsflow run`` calls (``pipeline.local_run``): every source of the run crawled one
after the other in a single child process (``crawlers.run``), each one's outcome
recorded and handed on as soon as its crawl ends, so that its extraction and load can
go on while the next source is crawled. Both hold the source's host locks while it is
crawled (``pipeline.host_lock``). Both are re-exported by ``pipeline.steps``. A
backfill source (``warc:`` files) is read from its files instead
(``pipeline.warc_backfill``), after the web crawls.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

from pipeline import runs
from pipeline.config import Settings
from pipeline.db import connect, prepare_database
from pipeline.errors import CrawlError, NewsflowError
from pipeline.host_lock import crawl_in_turn, holder_name, host_locks
from pipeline.run_plan import RunPlan
from pipeline.sources import Source

CrawlOutcome = dict[str, Any] | NewsflowError
"""A source's crawl summary (``CrawlResult.as_dict``), or the error that failed it."""


class CrawlResult(Protocol):
    """What this module reads of a ``crawlers.result.CrawlResult`` (crawlers/ is only
    imported inside the function that crawls)."""

    @property
    def source(self) -> str: ...

    @property
    def error(self) -> str | None: ...

    def discovery_error(self) -> str | None: ...

    def run_counts(self) -> runs.RunCounts: ...

    def as_dict(self) -> dict[str, Any]: ...


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
    waiting: Callable[[str], None] | None = None,
) -> None:
    """Crawl the run's sources ``names`` one after the other in one child process.

    Each web source's hosts are locked while it is crawled (``pipeline.host_lock``):
    the sources whose hosts are free are crawled first, then the others as their hosts
    free up (``waiting(message)`` is called while one waits); a source whose host stays
    busy past ``settings.host_lock_wait_s`` gets ``HostBusyError`` as its outcome.
    Each source is recorded as started (``started(name)`` is called then) and, the
    moment its crawl ends, its counts and crawl stats are recorded and
    ``crawled(name, outcome)`` is called, before the next source's. A source whose
    crawl failed gets its ``CrawlError`` as outcome and the others go on; an error
    that stops the crawls (``CrawlError`` for a source with nothing to crawl,
    ``ArchiveError``, the database lost) is the outcome of every source not crawled
    yet.
    """
    chosen = plan.load_sources(names)
    web = [source for source in chosen if not source.warc]
    if web:
        _crawl_web(settings, plan, web, crawled, started, waiting)
    read_warc_sources(settings, plan, [s for s in chosen if s.warc], crawled, started)


def _crawl_web(
    settings: Settings,
    plan: RunPlan,
    web: Sequence[Source],
    crawled: Callable[[str, CrawlOutcome], None],
    started: Callable[[str], None] | None,
    waiting: Callable[[str], None] | None,
) -> None:
    """``crawl_sources`` for the web sources: in one child process, hosts locked."""
    from crawlers.run import crawl_sources as crawl_in_child

    url = prepare_database(settings)
    reported: set[str] = set()

    def on_started(name: str) -> None:
        with connect(url) as conn:
            runs.start_source(conn, plan.run_id, name)
        if started is not None:
            started(name)

    def hand_on(name: str, outcome: CrawlOutcome) -> None:
        reported.add(name)
        crawled(name, outcome)

    try:
        with host_locks(
            url,
            holder=holder_name("crawl", plan.run_id),
            wait_s=settings.host_lock_wait_s,
            waiting=waiting,
        ) as locks:

            def on_crawled(result: CrawlResult) -> None:
                _record_crawl(url, plan, result)
                locks.release(result.source)
                hand_on(result.source, _outcome(result))

            def crawl(batch: list[Source]) -> None:
                crawl_in_child(
                    settings,
                    batch,
                    run_id=plan.run_id,
                    database_url=url,
                    window=plan.window,
                    max_pages=plan.max_pages,
                    started=on_started,
                    crawled=on_crawled,
                )

            crawl_in_turn(locks, web, crawl, lambda source, exc: hand_on(source.name, exc))
    except NewsflowError as exc:
        for source in web:
            if source.name not in reported:
                crawled(source.name, exc)


def _record_crawl(url: str, plan: RunPlan, result: CrawlResult) -> None:
    """Add the crawl's counts and stats to the run."""
    with connect(url) as conn:
        runs.record_crawl(conn, plan.run_id, result.source, result.run_counts(), result.as_dict())


def _outcome(result: CrawlResult) -> CrawlOutcome:
    """The crawl's summary, or the ``CrawlError`` that failed it (the crawl failed, or
    its discovery found nothing: not a quiet day)."""
    if result.error:
        return CrawlError(f"crawl of {result.source} failed: {result.error}")
    broken = result.discovery_error()
    return CrawlError(broken) if broken else result.as_dict()


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
