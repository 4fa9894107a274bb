"""The steps of a pipeline run, each usable on its own.

``newsflow run`` calls them in order for every source; the Airflow DAGs call each one
from its own task. Every step takes the ``Settings`` and the small run plan that
``start_run`` returns, and returns a small JSON-able dict, because Airflow passes these
between tasks as XComs. Large data never travels that way: pages go through the WARC
archive and ``warehouse.crawl_state``, extracted articles through a gzip JSON-lines file
under ``settings.runs_dir``, and results into PostgreSQL.

Per source:  crawl_source → extract_source → load_source (then its derive step:
             search vectors and word counts) → check_source
Per run:     start_run → (the per-source chain for each source) → finish_run
``newsflow run`` (``run_sources``) crawls the next source while the current one is
extracted and loaded. A failure in one source's chain is recorded with ``fail_source``
and does not stop the other sources; ``finish_run`` then marks the run ``partial`` and
names the failure.
"""

from __future__ import annotations

import itertools
import logging
import math
import threading
import time
from concurrent.futures import Future, wait
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

import psycopg

from pipeline import runs
from pipeline.config import Settings
from pipeline.db import connect, prepare_database
from pipeline.errors import (CrawlError, DatabaseUnavailableError, NewsflowError,
                             QualityCheckError, first_line)
from pipeline.records import ExtractionResult, FetchedPage
from pipeline.results_file import read_results, write_results
from pipeline.sources import Source, load_sources, select_sources

log = logging.getLogger(__name__)

LOAD_BATCH_SIZE = 500
LOAD_RETRY_DELAYS_S = (1.0, 5.0, 15.0)
"""Waits before loading a batch again on a new connection after the connection was lost
(each load is one transaction, so a lost one left nothing behind); then it fails."""
Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    pass


def settings_with_database(settings: Settings, database_url: str | None) -> Settings:
    """``settings`` using ``database_url`` when one is given (e.g. an Airflow connection)."""
    return replace(settings, database_url=database_url) if database_url else settings


def window_for_interval(data_interval_start: datetime | None,
                        data_interval_end: datetime | None,
                        logical_date: datetime | None) -> tuple[date, date]:
    """The inclusive date window a scheduled or backfill run covers.

    With an interval timetable (the nightly DAG uses ``CronDataIntervalTimetable``) a
    run's data interval is the day it covers: the scheduled run at 02:00 on the 2nd has
    the interval [1st 02:00, 2nd 02:00) and covers the 1st, and a backfill run for the
    1st has the same interval, so it covers its own day. When the interval is empty
    (a trigger timetable, or no interval), the run covers the day before its logical date.
    """
    if data_interval_start and data_interval_end and data_interval_end > data_interval_start:
        days = max(1, math.ceil((data_interval_end - data_interval_start) / timedelta(days=1)))
        since = data_interval_start.date()
        return since, since + timedelta(days=days - 1)
    anchor = logical_date or data_interval_end or data_interval_start
    if anchor is None:
        raise ValueError("a run needs a data interval or a logical date to derive its window")
    day = anchor.date() - timedelta(days=1)
    return day, day


# --- the run -------------------------------------------------------------------------

def start_run(settings: Settings, *, sources_file: str | None, source_names: Sequence[str] = (),
              since: date | None = None, until: date | None = None,
              max_pages: int | None = None, trigger: runs.Trigger = "cli",
              external_id: str | None = None) -> dict[str, Any]:
    """Validate the sources, prepare the database and record a new run; return its plan.

    Runs that were abandoned (see ``runs.lease_run``) are marked failed first.
    """
    if since and until and since > until:
        raise CrawlError(f"--since {since} is after --until {until}; swap them")
    path = Path(sources_file) if sources_file else settings.sources_path
    chosen = select_sources(load_sources(path), source_names)
    url = prepare_database(settings)
    with connect(url) as conn:
        for abandoned in runs.close_abandoned_runs(conn):
            log.warning("run %s was abandoned by its process; marked failed", abandoned)
        run_id = runs.create_run(conn, sources=[s.name for s in chosen], since=since,
                                 until=until, trigger=trigger, external_id=external_id)
    return {
        "run_id": run_id,
        "sources": [s.name for s in chosen],
        "sources_file": str(path),
        "since": since.isoformat() if since else None,
        "until": until.isoformat() if until else None,
        "max_pages": max_pages,
    }


def finish_run(settings: Settings, plan: dict[str, Any]) -> dict[str, Any]:
    """Close the run: total the counters, set the status; return the run report."""
    with connect(prepare_database(settings)) as conn:
        status = runs.finish_run(conn, plan["run_id"])
        return run_report(conn, plan["run_id"]) | {"status": status}


_REPORT_SOURCES = """
SELECT source, status, error, crawl_stats, quality, {counters}
FROM warehouse.crawl_run_sources WHERE run_id = %s ORDER BY source
""".format(counters=", ".join(runs.COUNTERS))


def run_report(conn, run_id: int) -> dict[str, Any]:
    """The report of run ``run_id``: status, totals and each source's outcome."""
    row = conn.execute("SELECT status, error FROM warehouse.crawl_runs WHERE run_id = %s",
                       (run_id,)).fetchone()
    if row is None:
        raise LookupError(f"run {run_id} does not exist")
    sources = {}
    for name, status, error, crawl_stats, quality, *counts in conn.execute(
            _REPORT_SOURCES, (run_id,)):
        sources[name] = {"status": status, "error": error, "crawl": crawl_stats,
                         "quality": quality, **dict(zip(runs.COUNTERS, counts))}
    return {"run_id": run_id, "status": row[0], "error": row[1],
            "counts": runs.run_counts(conn, run_id).as_dict(), "sources": sources}


# --- one source ------------------------------------------------------------------------

def _source(plan: dict[str, Any], name: str) -> Source:
    return select_sources(load_sources(plan["sources_file"]), [name])[0]


def _window(plan: dict[str, Any]) -> tuple[date | None, date | None]:
    since, until = plan.get("since"), plan.get("until")
    return (date.fromisoformat(since) if since else None,
            date.fromisoformat(until) if until else None)


def fail_source(settings: Settings, plan: dict[str, Any], source: str, error: str) -> None:
    """Record that ``source`` failed in this run, with a one-line reason."""
    with connect(prepare_database(settings)) as conn:
        runs.start_source_if_missing(conn, plan["run_id"], source)
        runs.finish_source(conn, plan["run_id"], source, error=error.strip().splitlines()[0])


def crawl_source(settings: Settings, plan: dict[str, Any], source: str, *,
                 prepare_next: bool = False) -> dict[str, Any]:
    """Crawl one source (in a child process) into the archive and crawl state; with
    ``prepare_next``, the process of the next crawl starts while this one runs."""
    from crawlers.run import crawl_sources

    url = prepare_database(settings)
    with connect(url) as conn:
        runs.start_source(conn, plan["run_id"], source)
    since, until = _window(plan)
    result = crawl_sources(settings, [_source(plan, source)], run_id=plan["run_id"],
                           database_url=url, since=since, until=until,
                           max_pages=plan.get("max_pages"), prepare_next=prepare_next)[0]
    summary = result.as_dict()
    with connect(url) as conn, conn.transaction():
        runs.add_source_counts(conn, plan["run_id"], source, result.run_counts())
        runs.record_crawl_stats(conn, plan["run_id"], source, summary)
    if result.error:
        raise CrawlError(f"crawl of {source} failed: {result.error}")
    if result.discovery_error():  # every sitemap and feed failed: not a quiet day
        raise CrawlError(result.discovery_error())
    return summary


def extracted_path(settings: Settings, plan: dict[str, Any], source: str) -> Path:
    """Where ``extract_source`` writes the source's results for this run."""
    return settings.runs_dir / str(plan["run_id"]) / source / "extracted.jsonl.gz"


def extract_source(settings: Settings, plan: dict[str, Any], source: str,
                   progress: Progress = _quiet,
                   wait_for_crawl: Callable[[float], bool] | None = None) -> dict[str, Any]:
    """Extract every archived page of ``source`` waiting for extraction.

    Pages wait (``crawl_state.pending_extract``) from the crawl that fetched them until
    the load that stores their result, so pages left by an interrupted run are picked
    up by the next one. With ``wait_for_crawl`` (wait at most so many seconds for the
    source's crawl to end; whether it has), the crawl is still running: pages are
    extracted as it stores them, until it has ended and every page is read.
    """
    from pipeline.archive import iter_pages_while_crawling, iter_pending_pages

    path = extracted_path(settings, plan, source)
    counts = {"ok": 0, "not_article": 0, "error": 0}

    def extracted(pages: Iterator[FetchedPage]) -> Iterator[ExtractionResult]:
        first = next(pages, None)
        if first is None:  # nothing waits: no need to load the extractor (about 2 s)
            return iter(())
        from pipeline.extract import iter_extract

        return iter_extract(itertools.chain([first], pages),
                            processes=settings.extract_processes,
                            min_chars=settings.min_article_chars, fingerprint=True)

    def counted(results: Iterable[ExtractionResult]) -> Iterator[ExtractionResult]:
        for done, result in enumerate(results, 1):
            counts[result.status] += 1
            if done % 200 == 0:
                progress(f"{source}: extracted {done} pages")
            yield result

    with connect(prepare_database(settings)) as conn:
        if wait_for_crawl is None:
            pages = iter_pending_pages(conn, settings.archive_dir, source, _window(plan))
        else:
            pages = iter_pages_while_crawling(conn, settings.archive_dir, source, _window(plan),
                                              run_id=plan["run_id"],
                                              wait_for_crawl=wait_for_crawl)
        written = write_results(path, counted(extracted(pages)))
    progress(f"{source}: extracted {written} pages")
    return {"path": str(path), "pages": written, **counts}


def load_source(settings: Settings, plan: dict[str, Any], source: str,
                progress: Progress = _quiet) -> dict[str, Any]:
    """Deduplicate and load the source's extracted results, batch by batch, then run
    the derive step (``derive_articles``) for whatever waits for it.

    A batch whose connection is lost is loaded again on a new connection after each
    wait of ``LOAD_RETRY_DELAYS_S``; ``DatabaseUnavailableError`` when all of them fail.
    """
    path = extracted_path(settings, plan, source)
    total = runs.RunCounts()
    url = prepare_database(settings)
    conn = None
    try:
        if path.exists():
            for batch in _batches(read_results(path), LOAD_BATCH_SIZE):
                counts, conn = _load_retrying(
                    url, conn, batch, run_id=plan["run_id"], source=source,
                    near_duplicate_threshold=settings.near_duplicate_threshold,
                    window=_window(plan))
                total = total + counts
                progress(f"{source}: loaded {total.articles_new} new, "
                         f"{total.articles_updated} updated, {total.duplicates} duplicates")
    finally:
        if conn is not None:
            conn.close()
    derive_articles(url, source, settings.derive_connections, progress)
    return total.as_dict()


def derive_articles(url: str, source: str, connections: int = 1,
                    progress: Progress = _quiet) -> int:
    """The derive step after a source's load: search vectors and word counts of every
    article waiting for them, on ``connections`` connections to ``url`` at once
    (``pipeline.load.derive``); how many were filled."""
    from pipeline.load.derive import derive_concurrently

    def report(done: int) -> None:
        progress(f"{source}: indexed {done} articles for search")

    try:
        return derive_concurrently(lambda: connect(url), connections, progress=report)
    except psycopg.OperationalError as exc:
        raise DatabaseUnavailableError(
            f"the database connection failed while indexing the articles of {source} for "
            f"search: {first_line(exc)}; the articles are stored, and the next load "
            "indexes them"
        ) from exc


def _load_retrying(url: str, conn: psycopg.Connection | None, batch: list[ExtractionResult],
                   **load_args: Any) -> tuple[runs.RunCounts, psycopg.Connection]:
    """``load_batch`` on ``conn`` (a new connection when None), again on a new connection
    after each wait of ``LOAD_RETRY_DELAYS_S`` when the connection is lost; returns the
    counts and the connection to go on with."""
    from pipeline.load import load_batch

    for delay in (*LOAD_RETRY_DELAYS_S, None):
        try:
            conn = conn if conn is not None and not conn.closed else connect(url)
            return load_batch(conn, batch, **load_args), conn
        except DatabaseUnavailableError as exc:
            if delay is None:
                raise
            log.warning("%s; trying again in %g s", exc, delay)
            if conn is not None:
                conn.close()
            time.sleep(delay)
    raise AssertionError("unreachable")


def check_source(settings: Settings, plan: dict[str, Any], source: str) -> dict[str, Any]:
    """Run the quality checks for ``source`` and close its part of the run.

    Raises ``QualityCheckError`` naming every breached threshold.
    """
    from pipeline.quality import evaluate, source_run_figures

    with connect(prepare_database(settings)) as conn:
        figures = source_run_figures(conn, plan["run_id"], source, settings.quality)
        report = evaluate(source, figures, settings.quality)
        error = None
        if report.breaches:
            error = f"quality checks failed for {source}: " + "; ".join(report.breaches)
        runs.finish_source(conn, plan["run_id"], source, error=error, quality=report.as_dict())
    if error:
        raise QualityCheckError(error)
    return report.as_dict()


def _crawl_outcome(settings: Settings, plan: dict[str, Any], source: str,
                   progress: Progress, *, prepare_next: bool) -> NewsflowError | None:
    """Crawl ``source``; the error that failed it (recorded later), or None."""
    progress(f"{source}: crawling")
    try:
        crawl = crawl_source(settings, plan, source, prepare_next=prepare_next)
    except NewsflowError as exc:
        return exc
    progress(f"{source}: fetched {crawl.get('fetched', 0)} pages")
    return None


def _process_source(settings: Settings, plan: dict[str, Any], source: str,
                    crawl_error: NewsflowError | None, progress: Progress, *,
                    extract_error: NewsflowError | None = None) -> dict[str, Any]:
    """Load and check a source crawled and extracted; a failure is recorded, never
    raised. A source whose crawl failed is not loaded: its pages stay pending for the
    next run."""
    try:
        if crawl_error is not None:
            raise crawl_error
        if extract_error is not None:
            raise extract_error
        load_source(settings, plan, source, progress)
        return check_source(settings, plan, source)
    except NewsflowError as exc:
        log.error("source %s failed: %s", source, exc)
        if not isinstance(exc, QualityCheckError):  # check_source already recorded it
            fail_source(settings, plan, source, str(exc))
        return {"source": source, "error": str(exc)}


def _extract_while_crawling(settings: Settings, plan: dict[str, Any], source: str,
                            crawling: Future, progress: Progress) -> NewsflowError | None:
    """Extract ``source``'s pages while its crawl runs; the error that failed it, or None.

    A crawl that fails leaves its pages pending (they are not loaded; the next run takes
    them), so extraction goes on until the crawl ends whatever it found.
    """
    def wait_for_crawl(seconds: float) -> bool:
        wait([crawling], timeout=seconds)
        return crawling.done()

    progress(f"{source}: extracting")
    try:
        extract_source(settings, plan, source, progress, wait_for_crawl=wait_for_crawl)
    except NewsflowError as exc:
        return exc
    return None


def _crawl_in_order(settings: Settings, plan: dict[str, Any], names: Sequence[str],
                    progress: Progress, stop: threading.Event) -> list[Future]:
    """Crawl ``names`` one after the other in a daemon thread; one future per source.

    Each crawl starts as soon as the one before it ends. After ``stop`` is set no new
    crawl starts (its future and the later ones are cancelled).
    """
    futures: list[Future] = [Future() for _ in names]

    def run() -> None:
        for position, (name, future) in enumerate(zip(names, futures), start=1):
            if stop.is_set() or not future.set_running_or_notify_cancel():
                break
            try:
                future.set_result(_crawl_outcome(settings, plan, name, progress,
                                                 prepare_next=position < len(names)))
            except BaseException as exc:  # handed to whoever takes the result
                future.set_exception(exc)
        for future in futures:
            future.cancel()  # a no-op on those that ran

    threading.Thread(target=run, name="newsflow-crawl", daemon=True).start()
    return futures


def run_sources(settings: Settings, plan: dict[str, Any], progress: Progress = _quiet) -> None:
    """Every source's chain: a source's pages are extracted while its crawl fetches
    them, and the crawls follow one another while earlier sources are loaded.

    A crawl mostly waits on the network and the publisher's politeness limits, while
    extraction keeps every core busy, so the two overlap instead of adding up. Crawls
    stay one at a time, in order, so sources sharing a host are never crawled at once.
    A source is loaded only after its crawl ended. When the run is interrupted, no new
    crawl starts and a crawl still running is stopped.
    """
    names = list(plan["sources"])
    stop = threading.Event()
    crawls = _crawl_in_order(settings, plan, names, progress, stop)
    try:
        for source, crawling in zip(names, crawls):
            extract_error = _extract_while_crawling(settings, plan, source, crawling, progress)
            crawl_error = crawling.result()
            _process_source(settings, plan, source, crawl_error, progress,
                            extract_error=extract_error)
    except BaseException:
        stop.set()
        if not all(crawl.done() for crawl in crawls):
            from crawlers.run import stop_crawls

            stop_crawls()
        raise


def run_pipeline(settings: Settings, *, sources_file: str | None,
                 source_names: Sequence[str] = (), since: date | None = None,
                 until: date | None = None, max_pages: int | None = None,
                 trigger: runs.Trigger = "cli", progress: Progress = _quiet) -> dict[str, Any]:
    """crawl → extract → dedup → load → checks for every chosen source; the run report.

    The run is leased (``runs.lease_run``) for its whole duration: if this process is
    killed, the next run to start marks it failed.
    """
    plan = start_run(settings, sources_file=sources_file, source_names=source_names,
                     since=since, until=until, max_pages=max_pages, trigger=trigger)
    with connect(prepare_database(settings)) as lease:
        runs.lease_run(lease, plan["run_id"])
        progress(f"run {plan['run_id']}: {len(plan['sources'])} source(s)")
        try:
            run_sources(settings, plan, progress)
        except BaseException as exc:
            with connect(prepare_database(settings)) as conn:
                runs.finish_run(conn, plan["run_id"], error=f"interrupted: {type(exc).__name__}")
            raise
        return finish_run(settings, plan)


# --- re-processing ------------------------------------------------------------------------

_REPROCESS_CANDIDATES = """
SELECT s.url, a.extractor_version, a.source
FROM warehouse.articles a
JOIN warehouse.crawl_state s ON s.url = a.url OR s.fetched_url = a.fetched_url
WHERE s.warc_path IS NOT NULL
  AND (%(sources)s::text[] IS NULL OR a.source = ANY(%(sources)s::text[]))
  AND (%(since)s::date IS NULL OR a.published_at >= %(since)s::date)
  AND (%(until)s::date IS NULL OR a.published_at < %(until)s::date + 1)
ORDER BY s.url
"""


def version_key(version: str) -> tuple[int | str, ...]:
    """Sort key of an extractor version: numeric parts compare as numbers (2026.11.10 > .9)."""
    return tuple(int(part) if part.isdigit() else part for part in version.split("."))


def reprocess(settings: Settings, *, extractor_version_below: str | None = None,
              since: date | None = None, until: date | None = None,
              source_names: Sequence[str] = (), external_id: str | None = None,
              progress: Progress = _quiet) -> dict[str, Any]:
    """Re-extract archived pages of loaded articles and reload them (no network).

    Takes the articles whose ``extractor_version`` is below ``extractor_version_below``
    (every article when None), optionally only those published in [since, until] and
    from the named sources; reads their pages from the WARC archive, extracts them again
    and loads the results through the usual dedup + load path, so changed bodies become
    new versions. Returns the run report.
    """
    from pipeline.archive import iter_archived_pages
    from pipeline.extract import iter_extract
    from pipeline.load import load_batch

    url = prepare_database(settings)
    with connect(url) as conn:
        rows = conn.execute(_REPROCESS_CANDIDATES, {
            "sources": list(source_names) or None, "since": since, "until": until}).fetchall()
        below = version_key(extractor_version_below) if extractor_version_below else None
        by_source: dict[str, list[str]] = {}
        for page_url, version, source in rows:
            if below is None or version_key(version or "0") < below:
                by_source.setdefault(source, []).append(page_url)
        run_id = runs.create_run(conn, sources=sorted(by_source), since=since, until=until,
                                 trigger="reprocess", external_id=external_id)
        for source, urls in sorted(by_source.items()):
            runs.start_source(conn, run_id, source)
            progress(f"{source}: re-extracting {len(urls)} archived pages")
            # Pages stream from their own connection while batches load on ``conn``.
            with connect(url) as reader:
                pages = iter_archived_pages(reader, settings.archive_dir, source=source,
                                            urls=urls)
                results = iter_extract(pages, processes=settings.extract_processes,
                                       min_chars=settings.min_article_chars, fingerprint=True)
                for batch in _batches(results, LOAD_BATCH_SIZE):
                    load_batch(conn, batch, run_id=run_id, source=source,
                               near_duplicate_threshold=settings.near_duplicate_threshold)
            derive_articles(url, source, settings.derive_connections, progress)
            runs.finish_source(conn, run_id, source)
        runs.finish_run(conn, run_id)
        return run_report(conn, run_id)


def _batches(items: Iterable[ExtractionResult], size: int) -> Iterator[list[ExtractionResult]]:
    batch: list[ExtractionResult] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
