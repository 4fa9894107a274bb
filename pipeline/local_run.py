"""The local concurrent runner behind ``newsflow run``: every step of a run, overlapped.

A source's pages are extracted while its crawl fetches them, and the crawls follow one
another, all in one crawler process, while earlier sources are loaded. The steps
themselves are ``pipeline.steps``, the ones the DAG tasks call (which crawl each source
in a process of its own).

The crawler process is the longest start of a run (about a second of CPU importing
Scrapy), so ``run_pipeline`` starts it before anything else, this module's imports
included: the steps (psycopg, the database) are imported when a run needs them.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, wait
from typing import TYPE_CHECKING, Any

from pipeline.config import Settings
from pipeline.errors import HostBusyError, NewsflowError, QualityCheckError
from pipeline.progress import Progress, quiet
from pipeline.run_plan import RunPlan
from pipeline.window import Window

if TYPE_CHECKING:
    from pipeline import runs
    from pipeline.crawl_step import CrawlOutcome

log = logging.getLogger(__name__)


def _process_source(
    settings: Settings,
    plan: RunPlan,
    source: str,
    crawl_error: NewsflowError | None,
    progress: Progress,
    *,
    extract_error: NewsflowError | None = None,
) -> dict[str, Any]:
    """Load, link and check a source crawled and extracted; a failure is recorded, never
    raised. A source whose crawl failed is not loaded: its pages stay pending for the
    next run."""
    from pipeline import steps

    try:
        if crawl_error is not None:
            raise crawl_error
        if extract_error is not None:
            raise extract_error
        steps.load_source(settings, plan, source, progress)
        steps.link_source(settings, plan, source, progress)
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

    from pipeline import steps

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
    waiting: Progress | None = None,
) -> list[Future[NewsflowError | None]]:
    """Crawl ``names`` one after the other in one crawler process, driven from a daemon
    thread; one future per source, done the moment that source's crawl ends (the error
    that failed it, or None).

    When ``stop`` is set before the crawls begin, none starts; the futures of the
    sources the crawl process did not get to are cancelled.
    """
    futures = {name: Future[NewsflowError | None]() for name in names}

    def started(name: str) -> None:
        progress(f"{name}: crawling")

    def crawled(name: str, outcome: CrawlOutcome) -> None:
        if isinstance(outcome, NewsflowError):
            futures[name].set_result(outcome)
            return
        progress(f"{name}: fetched {outcome.get('fetched', 0)} pages")
        futures[name].set_result(None)

    def run() -> None:
        from pipeline import steps

        try:
            if not stop.is_set():
                steps.crawl_sources(settings, plan, names, crawled, started, waiting)
        except BaseException as exc:  # handed to whoever takes the results
            for future in futures.values():
                if not future.done():
                    future.set_exception(exc)
        for future in futures.values():
            future.cancel()  # a no-op on those that are done

    threading.Thread(target=run, name="newsflow-crawl", daemon=True).start()
    return list(futures.values())


def run_sources(
    settings: Settings, plan: RunPlan, progress: Progress = quiet, waiting: Progress | None = None
) -> list[NewsflowError | None]:
    """Every source's chain: a source's pages are extracted while its crawl fetches
    them, and the crawls follow one another while earlier sources are loaded. Returns
    each source's crawl error (None: crawled).

    A crawl mostly waits on the network and the publisher's politeness limits, while
    extraction keeps every core busy, so the two overlap instead of adding up. All the
    crawls run in one crawler process (started once: interpreter, Scrapy), one at a
    time, in order, so sources sharing a host are never crawled at once. A source is
    extracted to the end and loaded as soon as its crawl ended. When the run is
    interrupted, the crawler process is stopped and no further crawl starts. A source
    whose host another crawl holds waits for it (``pipeline.host_lock``; ``waiting``
    hears about it) while the sources after it are crawled.
    """
    names = list(plan.sources)
    stop = threading.Event()
    crawls = _crawl_in_order(settings, plan, names, progress, stop, waiting)
    crawl_errors: list[NewsflowError | None] = []
    try:
        for source, crawling in zip(names, crawls):
            extract_error = _extract_while_crawling(settings, plan, source, crawling, progress)
            crawl_errors.append(crawling.result())
            _process_source(
                settings, plan, source, crawl_errors[-1], progress, extract_error=extract_error
            )
        return crawl_errors
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
    source is loaded, linked and checked; a failure is recorded, never raised."""
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
    waiting: Progress | None = None,
) -> dict[str, Any]:
    """crawl → extract → load → link (dedup) → checks for every chosen source; the run
    report.

    The run is leased (``runs.lease_run``) for its whole duration: if this process is
    killed, the next run to start marks it failed. ``waiting`` (default: ``progress``)
    hears when a crawl waits for a host another crawl holds; when every source of the
    run gave up waiting, the run is recorded failed and its first ``HostBusyError``
    raised.
    """
    from crawlers.spare import prepare_crawler  # the standard library only

    prepare_crawler()  # first: its imports overlap everything below
    from crawlers.run import stop_crawls

    try:
        from pipeline import steps
        from pipeline.db import prepared_for_the_run

        with prepared_for_the_run(settings) as url:
            report, crawl_errors = _leased_run(
                settings,
                url,
                steps.start_run(
                    settings,
                    sources_file=sources_file,
                    source_names=source_names,
                    window=window,
                    max_pages=max_pages,
                    trigger=trigger,
                ),
                progress,
                waiting or progress,
            )
    finally:
        stop_crawls()  # the prepared crawler, when no crawl took it
    busy = [e for e in crawl_errors if isinstance(e, HostBusyError)]
    if busy and len(busy) == len(crawl_errors):
        raise busy[0]
    return report


def _leased_run(
    settings: Settings, url: str, plan: RunPlan, progress: Progress, waiting: Progress
) -> tuple[dict[str, Any], list[NewsflowError | None]]:
    """Run ``plan``'s sources under the run's lease (its connection to ``url``) and
    finish the run; its report and each source's crawl error."""
    from pipeline import runs, steps
    from pipeline.db import connect

    with connect(url) as lease:
        runs.lease_run(lease, plan.run_id)
        progress(f"run {plan.run_id}: {len(plan.sources)} source(s)")
        try:
            crawl_errors = run_sources(settings, plan, progress, waiting)
        except BaseException as exc:
            with connect(url) as conn:
                runs.finish_run(conn, plan.run_id, error=f"interrupted: {type(exc).__name__}")
            raise
        return steps.finish_run(settings, plan), crawl_errors
