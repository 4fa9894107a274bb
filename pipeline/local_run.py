"""The local concurrent runner behind ``newsflow run``: every step of a run, overlapped.

A source's pages are extracted while its crawl fetches them, and the crawls follow one
another while earlier sources are loaded. The steps themselves are ``pipeline.steps``,
the ones the DAG tasks call.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, wait
from typing import Any

from pipeline import runs, steps
from pipeline.config import Settings
from pipeline.db import connect, prepare_database
from pipeline.errors import NewsflowError, QualityCheckError
from pipeline.run_plan import RunPlan
from pipeline.steps import Progress, quiet
from pipeline.window import Window

log = logging.getLogger(__name__)


def _crawl_outcome(
    settings: Settings, plan: RunPlan, source: str, progress: Progress, *, prepare_next: bool
) -> NewsflowError | None:
    """Crawl ``source``; the error that failed it (recorded later), or None."""
    progress(f"{source}: crawling")
    try:
        crawl = steps.crawl_source(settings, plan, source, prepare_next=prepare_next)
    except NewsflowError as exc:
        return exc
    progress(f"{source}: fetched {crawl.get('fetched', 0)} pages")
    return None


def _process_source(
    settings: Settings,
    plan: RunPlan,
    source: str,
    crawl_error: NewsflowError | None,
    progress: Progress,
    *,
    extract_error: NewsflowError | None = None,
) -> dict[str, Any]:
    """Load and check a source crawled and extracted; a failure is recorded, never
    raised. A source whose crawl failed is not loaded: its pages stay pending for the
    next run."""
    try:
        if crawl_error is not None:
            raise crawl_error
        if extract_error is not None:
            raise extract_error
        steps.load_source(settings, plan, source, progress)
        return steps.check_source(settings, plan, source)
    except NewsflowError as exc:
        log.error("source %s failed: %s", source, exc)
        if not isinstance(exc, QualityCheckError):  # check_source already recorded it
            steps.fail_source(settings, plan, source, exc)
        return {"source": source, "error": str(exc)}


def _extract_while_crawling(
    settings: Settings,
    plan: RunPlan,
    source: str,
    crawling: Future[NewsflowError | None],
    progress: Progress,
) -> NewsflowError | None:
    """Extract ``source``'s pages while its crawl runs; the error that failed it, or None.

    A crawl that fails leaves its pages pending (they are not loaded; the next run takes
    them), so extraction goes on until the crawl ends whatever it found.
    """

    def wait_for_crawl(seconds: float) -> bool:
        wait([crawling], timeout=seconds)
        return crawling.done()

    progress(f"{source}: extracting")
    try:
        steps.extract_source(settings, plan, source, progress, wait_for_crawl=wait_for_crawl)
    except NewsflowError as exc:
        return exc
    return None


def _crawl_in_order(
    settings: Settings,
    plan: RunPlan,
    names: Sequence[str],
    progress: Progress,
    stop: threading.Event,
) -> list[Future[NewsflowError | None]]:
    """Crawl ``names`` one after the other in a daemon thread; one future per source.

    Each crawl starts as soon as the one before it ends. After ``stop`` is set no new
    crawl starts (its future and the later ones are cancelled).
    """
    futures: list[Future[NewsflowError | None]] = [Future() for _ in names]

    def run() -> None:
        for position, (name, future) in enumerate(zip(names, futures), start=1):
            if stop.is_set() or not future.set_running_or_notify_cancel():
                break
            try:
                future.set_result(
                    _crawl_outcome(
                        settings, plan, name, progress, prepare_next=position < len(names)
                    )
                )
            except BaseException as exc:  # handed to whoever takes the result
                future.set_exception(exc)
        for future in futures:
            future.cancel()  # a no-op on those that ran

    threading.Thread(target=run, name="newsflow-crawl", daemon=True).start()
    return futures


def run_sources(settings: Settings, plan: RunPlan, progress: Progress = quiet) -> None:
    """Every source's chain: a source's pages are extracted while its crawl fetches
    them, and the crawls follow one another while earlier sources are loaded.

    A crawl mostly waits on the network and the publisher's politeness limits, while
    extraction keeps every core busy, so the two overlap instead of adding up. Crawls
    stay one at a time, in order, so sources sharing a host are never crawled at once.
    A source is loaded only after its crawl ended. When the run is interrupted, no new
    crawl starts and a crawl still running is stopped.
    """
    names = list(plan.sources)
    stop = threading.Event()
    crawls = _crawl_in_order(settings, plan, names, progress, stop)
    try:
        for source, crawling in zip(names, crawls):
            extract_error = _extract_while_crawling(settings, plan, source, crawling, progress)
            crawl_error = crawling.result()
            _process_source(
                settings, plan, source, crawl_error, progress, extract_error=extract_error
            )
    except BaseException:
        stop.set()
        if not all(crawl.done() for crawl in crawls):
            from crawlers.run import stop_crawls

            stop_crawls()
        raise


def run_source_chain(
    settings: Settings,
    plan: RunPlan,
    source: str,
    crawl: Callable[[], object],
    progress: Progress = quiet,
) -> dict[str, Any]:
    """One source's chain with ``crawl`` as its crawl step (``newsflow import-warc``):
    ``crawl`` runs in a daemon thread while the pages it stores are extracted, then the
    source is loaded and checked; a failure is recorded, never raised."""
    crawling: Future[NewsflowError | None] = Future()

    def run() -> None:
        crawling.set_running_or_notify_cancel()
        try:
            crawl()
            crawling.set_result(None)
        except NewsflowError as exc:
            crawling.set_result(exc)
        except BaseException as exc:  # handed to whoever takes the result
            crawling.set_exception(exc)

    threading.Thread(target=run, name="newsflow-crawl", daemon=True).start()
    extract_error = _extract_while_crawling(settings, plan, source, crawling, progress)
    crawl_error = crawling.result()
    return _process_source(
        settings, plan, source, crawl_error, progress, extract_error=extract_error
    )


def run_pipeline(
    settings: Settings,
    *,
    sources_file: str | None,
    source_names: Sequence[str] = (),
    window: Window = Window(),
    max_pages: int | None = None,
    trigger: runs.Trigger = "cli",
    progress: Progress = quiet,
) -> dict[str, Any]:
    """crawl → extract → dedup → load → checks for every chosen source; the run report.

    The run is leased (``runs.lease_run``) for its whole duration: if this process is
    killed, the next run to start marks it failed.
    """
    plan = steps.start_run(
        settings,
        sources_file=sources_file,
        source_names=source_names,
        window=window,
        max_pages=max_pages,
        trigger=trigger,
    )
    with connect(prepare_database(settings)) as lease:
        runs.lease_run(lease, plan.run_id)
        progress(f"run {plan.run_id}: {len(plan.sources)} source(s)")
        try:
            run_sources(settings, plan, progress)
        except BaseException as exc:
            with connect(prepare_database(settings)) as conn:
                runs.finish_run(conn, plan.run_id, error=f"interrupted: {type(exc).__name__}")
            raise
        return steps.finish_run(settings, plan)
