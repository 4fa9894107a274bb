"""The per-step functions of a pipeline run that the DAG tasks and ``newsflow run`` call.

Every step takes the ``Settings`` and the ``RunPlan`` that ``start_run`` returns, and
returns a small JSON-able dict, because Airflow passes these between tasks as XComs (the
plan itself travels as ``RunPlan.to_xcom()``). Large data never travels that way: pages
go through the WARC archive and ``warehouse.crawl_state``, extracted articles through a
gzip JSON-lines file (``pipeline.handoff``: under ``settings.runs_dir``, or in the
remote archive store), and results into PostgreSQL.

Per source:  crawl_source → extract_source → load_source → link_source (the link
             step: near-duplicate index and links, which make the source's new and
             revised articles visible to analysts; then the derive step: search
             vectors and word counts) → check_source
             (``newsflow run`` crawls with crawl_sources instead: all its sources in
             one crawler process; both live in ``pipeline.crawl_step``)
Per run:     start_run → (the per-source chain for each source) → finish_run
A failure in one source's chain is recorded with ``fail_source`` and does not stop the
other sources; ``finish_run`` then marks the run ``partial`` and names the failure.
``newsflow run`` chains the steps concurrently (``pipeline.local_run``); re-processing
(``pipeline.reprocess``) loads through the same ``load_results`` and ``link_articles``.
"""

from __future__ import annotations

import itertools
import logging
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import psycopg

from pipeline import handoff, runs
from pipeline.alerts import airflow_link, alert_run_end
from pipeline.config import Settings
from pipeline.crawl_step import crawl_order
from pipeline.crawl_step import crawl_source as crawl_source  # re-exported: a step
from pipeline.crawl_step import crawl_sources as crawl_sources  # re-exported: a step
from pipeline.db import connect, prepare_database
from pipeline.errors import (
    DatabaseUnavailableError,
    LostLoadsError,
    QualityCheckError,
    UnknownRunError,
    first_line,
)
from pipeline.progress import Progress as Progress  # re-exported for the steps' callers
from pipeline.progress import quiet as quiet
from pipeline.records import SCRIPT_SHELL, SCRIPT_SHELLS, ExtractionResult, FetchedPage
from pipeline.run_plan import RunPlan, sources_location
from pipeline.sources import Source, parse_sources, read_sources_text, select_sources
from pipeline.window import Window

if TYPE_CHECKING:
    from pipeline.load.link import Linked

log = logging.getLogger(__name__)

LOAD_BATCH_SIZE = 500
LOAD_RETRY_DELAYS_S = (1.0, 5.0, 15.0)
"""Waits before loading a batch again on a new connection after the connection was lost
(each load is one transaction, so a lost one left nothing behind); then it fails."""


def settings_with_database(settings: Settings, database_url: str | None) -> Settings:
    """``settings`` using ``database_url`` when one is given (e.g. an Airflow connection)."""
    return replace(settings, database_url=database_url) if database_url else settings


# --- the run -------------------------------------------------------------------------


def start_run(
    settings: Settings,
    *,
    sources_file: str | None,
    source_names: Sequence[str] = (),
    window: Window = Window(),
    max_pages: int | None = None,
    trigger: runs.Trigger = "cli",
    external_id: str | None = None,
) -> RunPlan:
    """Validate the sources, prepare the database and record a new run; return its plan,
    which lists the sources in crawl order (``crawl_step.crawl_order``).

    Runs that were abandoned (see ``runs.lease_run``) are marked failed first. A store
    of ``NEWSFLOW_ARCHIVE_URL`` that cannot be written is a ``ConfigError`` before
    anything is recorded or fetched (``store_probe.check_archive``).
    """
    from pipeline.store_probe import check_archive

    path = sources_location(sources_file or settings.sources_path)
    text = read_sources_text(path, settings.storage_env)
    chosen = crawl_order(select_sources(parse_sources(text, origin=str(path)), source_names))
    check_archive(settings)
    url = prepare_database(settings)
    with connect(url) as conn:
        for abandoned in runs.close_abandoned_runs(conn):
            log.warning("run %s was abandoned by its process; marked failed", abandoned)
        run_id = runs.create_run(
            conn,
            sources=[s.name for s in chosen],
            since=window.since,
            until=window.until,
            trigger=trigger,
            external_id=external_id,
        )
    return RunPlan(
        run_id=run_id,
        sources=tuple(s.name for s in chosen),
        sources_file=path,
        window=window,
        max_pages=max_pages,
        sources_text=text,
    )


def finish_run(
    settings: Settings, plan: RunPlan, airflow_run_id: str | None = None
) -> dict[str, Any]:
    """Close the run: total the counters, set the status, post alerts when it is partial
    or failed (``NEWSFLOW_ALERT_WEBHOOK``; under Airflow, ``airflow_run_id`` makes them
    link to the DAG run's page); return the run report.

    Articles still waiting for the link step (a source whose link step failed, or one
    a crash left) are linked first (``link_leftovers``), so they count in the totals."""
    url = prepare_database(settings)
    link_leftovers(url, settings, plan.run_id)
    with connect(url) as conn:
        status = runs.finish_run(conn, plan.run_id)
        report = run_report(conn, plan.run_id) | {"status": status}
        link = airflow_link(conn, plan.run_id, settings.airflow_url, airflow_run_id)
    # after the commit: a slow webhook must not hold the run's row
    alert_run_end(
        report, webhook=settings.alert_webhook, timeout_s=settings.alert_timeout_s, link=link
    )
    return report


_REPORT_SOURCES = """
SELECT source, status, error, crawl_stats, quality, {counters}
FROM warehouse.crawl_run_sources WHERE run_id = %s ORDER BY source
""".format(counters=", ".join(runs.COUNTERS))


def run_report(conn: psycopg.Connection, run_id: int) -> dict[str, Any]:
    """The report of run ``run_id``: status, totals and each source's outcome."""
    row = conn.execute(
        "SELECT status, error FROM warehouse.crawl_runs WHERE run_id = %s", (run_id,)
    ).fetchone()
    if row is None:
        raise UnknownRunError(run_id)
    sources: dict[str, dict[str, Any]] = {}
    for name, status, error, crawl_stats, quality, *counts in conn.execute(
        _REPORT_SOURCES, (run_id,)
    ):
        sources[name] = {
            "status": status,
            "error": error,
            "crawl": crawl_stats,
            "quality": quality,
            **dict(zip(runs.COUNTERS, counts)),
        }
    return {
        "run_id": run_id,
        "status": row[0],
        "error": row[1],
        "counts": runs.run_counts(conn, run_id).as_dict(),
        "sources": sources,
    }


# --- one source ------------------------------------------------------------------------


def _source(plan: RunPlan, name: str) -> Source:
    return plan.load_sources([name])[0]


def fail_source(settings: Settings, plan: RunPlan, source: str, error: BaseException | str) -> None:
    """Record that ``source`` failed in this run, with the first line of ``error`` as the
    reason (an exception without a message: its type's name)."""
    if isinstance(error, str) and not error.strip():
        error = "failed (no reason given)"
    with connect(prepare_database(settings)) as conn:
        runs.start_source_if_missing(conn, plan.run_id, source)
        runs.finish_source(conn, plan.run_id, source, error=first_line(error))


def extracted_path(settings: Settings, plan: RunPlan, source: str) -> Path:
    """Where ``extract_source`` writes the source's results for this run with the
    archive in a folder (a remote archive holds them: ``pipeline.handoff``)."""
    return Path(
        handoff.results_location(settings.with_overrides(archive_url=None), plan.run_id, source)
    )


def extract_source(
    settings: Settings,
    plan: RunPlan,
    source: str,
    progress: Progress = quiet,
    wait_for_crawl: Callable[[float], bool] | None = None,
) -> dict[str, Any]:
    """Extract every archived page of ``source`` waiting for extraction.

    Pages wait (``crawl_state.pending_extract``) from the crawl that fetched them until
    the load that stores their result, so pages left by an interrupted run are picked
    up by the next one. With ``wait_for_crawl`` (wait at most so many seconds for the
    source's crawl to end; whether it has), the crawl is still running: pages are
    extracted as it stores them, until it has ended and every page is read; the
    workers' forkserver is started at once (``pool.start_early``), so that its imports
    overlap the crawl's first pages instead of following them.
    """
    from pipeline.archive import iter_pages_while_crawling, iter_pending_pages
    from pipeline.store_locate import StoreLocator

    counts = {"ok": 0, "not_article": 0, "other_language": 0, "error": 0}
    wanted = _source(plan, source)
    shells = [0]  # not_article pages that look like JavaScript shells

    def extracted(pages: Iterator[FetchedPage]) -> Iterator[ExtractionResult]:
        if wait_for_crawl is not None:
            from pipeline.extract.pool import start_early

            start_early()  # the workers' imports overlap the crawl's first pages
        first = next(pages, None)
        if first is None:  # nothing waits: no need to load the extractor (about 2 s)
            return iter(())
        from pipeline.extract import iter_extract, keep_languages

        results = iter_extract(
            itertools.chain([first], pages),
            processes=settings.extract_processes,
            task_timeout=settings.extract_timeout_s,
            min_chars=settings.min_article_chars,
            fingerprint=True,
            language_hint=wanted.language,
        )
        return (keep_languages(result, wanted.languages) for result in results)

    def counted(results: Iterable[ExtractionResult]) -> Iterator[ExtractionResult]:
        for done, result in enumerate(results, 1):
            counts[result.status] += 1
            if result.status == "not_article" and SCRIPT_SHELL in (result.message or ""):
                shells[0] += 1
            if done % 200 == 0:
                progress(f"{source}: extracted {done} pages")
            yield result

    archive = StoreLocator.for_settings(settings)
    with connect(prepare_database(settings)) as conn:
        if wait_for_crawl is None:
            pages = iter_pending_pages(conn, archive, source, plan.window)
        else:
            pages = iter_pages_while_crawling(
                conn,
                archive,
                source,
                plan.window,
                run_id=plan.run_id,
                wait_for_crawl=wait_for_crawl,
            )
        location, written = handoff.store_results(
            settings, plan.run_id, source, counted(extracted(pages))
        )
        if shells[0]:  # for the quality check's hint that the source may need rendering
            runs.record_crawl_stats(conn, plan.run_id, source, {SCRIPT_SHELLS: shells[0]})
    progress(f"{source}: extracted {written} pages")
    return {"path": location, "pages": written, **counts}


def load_source(
    settings: Settings, plan: RunPlan, source: str, progress: Progress = quiet
) -> dict[str, Any]:
    """Load the source's extracted results (``load_results``); their near-duplicate
    links and search vectors are left to ``link_source``, which must follow."""
    url = prepare_database(settings)
    total = runs.RunCounts()
    with handoff.stored_results(settings, plan.run_id, source) as results:
        if results is not None:
            total = load_results(
                url,
                results,
                settings=settings,
                run_id=plan.run_id,
                source=source,
                window=plan.window,
                progress=progress,
            )
    return total.as_dict()


def link_source(
    settings: Settings, plan: RunPlan, source: str, progress: Progress = quiet
) -> dict[str, Any]:
    """The steps after a source's load: the link step (``link_articles``: whatever waits
    for it, this source's articles and any a crash left), which makes them visible in
    the analyst views, then the derive step (``derive_articles``). What the link step
    did, and how many articles were derived."""
    url = prepare_database(settings)
    linked = link_articles(url, source, settings=settings, run_id=plan.run_id, progress=progress)
    derived = derive_articles(url, source, settings.derive_connections, progress)
    return {
        "linked": linked.articles,
        "duplicates": linked.duplicates,
        "rerooted": linked.rerooted,
        "derived": derived,
    }


def load_results(
    url: str,
    results: Iterable[ExtractionResult],
    *,
    settings: Settings,
    run_id: int,
    source: str,
    window: Window = Window(),
    progress: Progress = quiet,
) -> runs.RunCounts:
    """Load ``results`` of ``source`` batch by batch; the counts (before the link step
    moves duplicates from new or updated to ``duplicates``).

    Every batch but the last commits without waiting for the disk (``load_batch``,
    ``durable=False``); the last one's commit waits, which makes all of them durable
    before this returns. A batch whose connection is lost is loaded again on a new
    connection after each wait of ``LOAD_RETRY_DELAYS_S``, once the source's counters
    show that the batches committed before it are all there (a crash of the server
    could have lost the last ones; then ``LostLoadsError``: load the source
    again); ``DatabaseUnavailableError`` when all of them fail.
    """
    total = runs.RunCounts()
    conn = None
    committed = _Committed()
    try:
        for batch, last in _with_last(_batches(results, LOAD_BATCH_SIZE)):
            counts, conn = _load_retrying(
                url,
                conn,
                batch,
                committed,
                run_id=run_id,
                source=source,
                near_duplicate_threshold=settings.near_duplicate_threshold,
                window=window,
                durable=last,
            )
            total = total + counts
            progress(
                f"{source}: loaded {total.articles_new} new, {total.articles_updated} updated "
                "(duplicates: after the link step)"
            )
    finally:
        if conn is not None:
            conn.close()
    return total


def link_articles(
    url: str,
    source: str,
    *,
    settings: Settings,
    run_id: int | None = None,
    progress: Progress = quiet,
) -> Linked:
    """The link step after a source's load: index and link every article waiting for it
    (``pipeline.load.link``), on a connection to ``url``; what it did."""
    from pipeline.load.link import link_pending

    def report(done: Linked) -> None:
        progress(f"{source}: linked {done.articles} articles, {done.duplicates} duplicates")

    try:
        with connect(url) as conn:
            return link_pending(
                conn,
                run_id=run_id,
                near_duplicate_threshold=settings.near_duplicate_threshold,
                progress=report,
            )
    except psycopg.OperationalError as exc:
        raise DatabaseUnavailableError(
            f"the database connection failed while linking the duplicates of {source}: "
            f"{first_line(exc)}; the articles are stored (not yet shown to analysts), and the "
            "next link step links them"
        ) from exc


def link_leftovers(url: str, settings: Settings, run_id: int) -> Linked | None:
    """The link step for whatever still waits for it at the end of a run; None (and a
    warning) when the database is unavailable: the next run's link steps take them."""
    try:
        return link_articles(url, "end of run", settings=settings, run_id=run_id)
    except DatabaseUnavailableError as exc:
        log.warning("%s", exc)
        return None


def derive_articles(url: str, source: str, connections: int = 1, progress: Progress = quiet) -> int:
    """The derive step after a source's link step: search vectors and word counts of every
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


@dataclass(slots=True)
class _Committed:
    """What a source's loads committed so far: the sum of its load counters before its
    first batch (``runs.loaded_count``; None until read), what its batches added to
    it, and whether the last commit was one that did not wait for the disk."""

    before: int | None = None
    added: int = 0
    not_durable: bool = False


def _load_retrying(
    url: str,
    conn: psycopg.Connection | None,
    batch: list[ExtractionResult],
    committed: _Committed,
    *,
    run_id: int,
    source: str,
    durable: bool,
    **load_args: Any,
) -> tuple[runs.RunCounts, psycopg.Connection]:
    """``load_batch`` on ``conn`` (a new connection when None), again on a new connection
    after each wait of ``LOAD_RETRY_DELAYS_S`` when the connection is lost; returns the
    counts and the connection to go on with. ``committed`` is updated; on a new
    connection after a commit that did not wait for the disk, the source's counters
    must show every batch committed before (``_check_nothing_lost``)."""
    from pipeline.load import load_batch

    for delay in (*LOAD_RETRY_DELAYS_S, None):
        try:
            reconnected = conn is None or conn.closed
            conn = connect(url) if conn is None or conn.closed else conn
            if committed.before is None:
                committed.before = _loaded_count(conn, run_id, source)
            elif reconnected and committed.not_durable:
                _check_nothing_lost(conn, committed, run_id, source)
            counts = load_batch(
                conn, batch, run_id=run_id, source=source, durable=durable, **load_args
            )
            committed.added += counts.loaded()
            committed.not_durable = not durable
            return counts, conn
        except DatabaseUnavailableError as exc:
            if delay is None:
                raise
            log.warning("%s; trying again in %g s", exc, delay)
            if conn is not None:
                conn.close()
            time.sleep(delay)
    raise AssertionError("unreachable")


def _loaded_count(conn: psycopg.Connection, run_id: int, source: str) -> int:
    try:
        return runs.loaded_count(conn, run_id, source)
    except psycopg.OperationalError as exc:
        raise DatabaseUnavailableError(
            f"the database connection failed before loading {source}: {first_line(exc)}"
        ) from exc


def _check_nothing_lost(
    conn: psycopg.Connection, committed: _Committed, run_id: int, source: str
) -> None:
    """Raise ``LostLoadsError`` unless the source's load counters hold exactly what this
    step committed: the last commits did not wait for the disk, and a crash of the
    server in the meantime could have lost them."""
    found = _loaded_count(conn, run_id, source)
    assert committed.before is not None  # read before the first batch
    if found != committed.before + committed.added:
        raise LostLoadsError(
            f"the load of {source} cannot go on where its connection was lost: the source's "
            f"counters hold {found - committed.before} results loaded by this step, not the "
            f"{committed.added} it committed (a crash of the database server lost the last "
            "batches, committed without waiting for the disk, or the batch in flight "
            "committed after all); the warehouse is consistent and the pages not loaded are "
            "still pending: load the source again"
        )


def _with_last(
    items: Iterable[list[ExtractionResult]],
) -> Iterator[tuple[list[ExtractionResult], bool]]:
    """Each item and whether it is the last."""
    iterator = iter(items)
    previous = next(iterator, None)
    while previous is not None:
        following = next(iterator, None)
        yield previous, following is None
        previous = following


def check_source(settings: Settings, plan: RunPlan, source: str) -> dict[str, Any]:
    """Run the quality checks for ``source`` and close its part of the run.

    Raises ``QualityCheckError`` naming every breached threshold.
    """
    from pipeline.quality import evaluate, source_run_figures

    with connect(prepare_database(settings)) as conn:
        figures = source_run_figures(conn, plan.run_id, source, settings.quality)
        report = evaluate(source, figures, settings.quality)
        error = None
        if report.breaches:
            error = f"quality checks failed for {source}: " + "; ".join(report.breaches)
        runs.finish_source(conn, plan.run_id, source, error=error, quality=report.as_dict())
    if error:
        raise QualityCheckError(error)
    return report.as_dict()


def _batches(items: Iterable[ExtractionResult], size: int) -> Iterator[list[ExtractionResult]]:
    batch: list[ExtractionResult] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
