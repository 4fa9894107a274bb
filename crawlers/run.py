"""``crawl_sources``: crawl several sources in one child process; one result per source.

Scrapy's Twisted reactor cannot be restarted inside a process, so crawls run in
``python -m crawlers.worker``: one child for all the sources of a call, which crawls
them one after the other, each its own Scrapy crawler (``crawlers.batch``), and tells
the parent on a pipe when each source starts and ends; the results travel in files.
The parent never hangs on a child: it waits at most a crawl's time limit plus a grace
period for each source, then kills the child (``crawlers.child``). A source whose child
dies or overruns gets a ``CrawlResult`` with ``error`` set, and the sources after it go
on in a fresh child. Each source's log is kept in
``<NEWSFLOW_HOME>/runs/<run_id>/<source>/crawl.log``.

Starting a child costs about a second of CPU (importing Scrapy and its components), as
much as a whole crawl of an unchanged site. A caller that knows a crawl will follow
starts its child early (``prepare_crawler``, ``crawlers.spare``; or ``prepare_next``
for the call after this one): a spare that imports everything and then waits for its
batch on stdin.
"""

from __future__ import annotations

import contextlib
import logging
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

import psycopg

from crawlers.batch import BatchEntry, write_batch
from crawlers.child import follow
from crawlers.job import CrawlJob
from crawlers.result import CrawlResult
from crawlers.spare import child_env, hand_to_spare, kill, prepare_crawler, stop_spare
from pipeline.config import Settings
from pipeline.errors import ArchiveError, CrawlError
from pipeline.handoff import scratch_dir
from pipeline.sources import Source
from pipeline.store import ArchiveStore
from pipeline.window import Window

log = logging.getLogger(__name__)

__all__ = ["CrawlResult", "crawl_sources", "prepare_crawler", "stop_crawls"]

_RUNNING: set[subprocess.Popen[bytes]] = set()
"""Crawl children of this process that are still running (see ``stop_crawls``)."""
_CALLS: set[threading.Event] = set()
"""One event per ``crawl_sources`` call under way; ``stop_crawls`` sets them all."""
_RUNNING_LOCK = threading.Lock()


def stop_crawls() -> None:
    """Stop every crawl child this process started that is still running, the spare
    included.

    Children lead their own session, so Ctrl-C in a terminal never reaches them; a run
    that is interrupted while a crawl runs in another thread calls this so that no
    crawler is left behind.
    """
    with _RUNNING_LOCK:
        for call in _CALLS:
            call.set()
        running = list(_RUNNING)
    stop_spare()
    for process in running:
        kill(process)


def crawl_sources(
    settings: Settings,
    sources: Sequence[Source],
    *,
    run_id: int,
    database_url: str,
    window: Window = Window(),
    max_pages: int | None = None,
    prepare_next: bool = False,
    started: Callable[[str], None] | None = None,
    crawled: Callable[[CrawlResult], None] | None = None,
) -> list[CrawlResult]:
    """Crawl ``sources`` one after the other in one child process; one result each.

    ``started(name)`` is called when a source's crawl begins and ``crawled(result)`` as
    soon as it ended, before the next source's result (every source gets both, in the
    order given, unless ``stop_crawls`` stopped the call: the sources it had not
    crawled then get neither, and no result). A source whose crawl hangs past its time
    limit, or whose child dies, gets a result with ``error`` set; the sources after it
    go on in a fresh child. With
    ``prepare_next``, a spare process starts for a crawl the caller starts after this
    call.

    Raises ``CrawlError`` for unusable input (a source with nothing to crawl) and
    ``ArchiveError`` when the archive directory cannot be created (a window that ends
    before it starts cannot even be built: ``WindowError``); everything that goes wrong
    during a crawl is in the results.
    """
    jobs = _jobs(settings, sources, run_id, database_url, window, max_pages)
    results: list[CrawlResult] = []
    store = settings.archive_store()
    # A remote archive: WARC parts and logs wait in a temporary folder of this call,
    # removed at its end even when a child was killed.
    scratch = contextlib.ExitStack()
    log_dir = None
    if store.remote:
        tmp = scratch.enter_context(scratch_dir(settings))
        log_dir = tmp / "logs"
        jobs = [replace(job, tmp_dir=str(tmp / "parts")) for job in jobs]

    def report(result: CrawlResult) -> None:
        result = with_history(result, database_url, run_id)
        if log_dir is not None:
            result = store_log(store, log_dir, run_id, result)
        results.append(result)
        if crawled is not None:
            crawled(result)

    call = threading.Event()  # set by stop_crawls: start no further child
    with _RUNNING_LOCK:
        _CALLS.add(call)
    try:
        while len(results) < len(jobs):
            remaining = jobs[len(results) :]
            if call.is_set():  # stop_crawls: the sources not crawled get no result
                break
            run_child(
                remaining,
                log_dir or settings.runs_dir / str(run_id),
                started=started,
                crawled=report,
                prepare_next=prepare_next,
            )
    finally:
        with _RUNNING_LOCK:
            _CALLS.discard(call)
        scratch.close()
    return results


def store_log(store: ArchiveStore, log_dir: Path, run_id: int, result: CrawlResult) -> CrawlResult:
    """Put a source's crawl log into the remote archive (``runs/<run>/<source>/
    crawl.log``) and remove it; ``result`` with its error pointing at the stored log."""
    local = log_dir / result.source / "crawl.log"
    if not local.exists():
        return result
    try:
        location = store.put_file(local, f"runs/{run_id}/{result.source}/crawl.log")
    except ArchiveError as exc:  # the crawl's outcome stands without its log
        log.warning("the crawl log of %s is lost: %s", result.source, exc)
        return result
    finally:
        local.unlink(missing_ok=True)
    if result.error and str(local) in result.error:
        return replace(result, error=result.error.replace(str(local), location))
    return result


def _jobs(
    settings: Settings,
    sources: Sequence[Source],
    run_id: int,
    database_url: str,
    window: Window,
    max_pages: int | None,
) -> list[CrawlJob]:
    """One ``CrawlJob`` per source, once the input is known to be usable and the
    archive directory exists (``CrawlError``, ``ArchiveError`` otherwise)."""
    if max_pages is not None and max_pages < 1:
        raise CrawlError(f"max_pages must be at least 1, got {max_pages}")
    for source in sources:
        if not source.hosts:
            raise CrawlError(
                f"source '{source.name}' lists no sitemap, feed or start URL to crawl; "
                "add at least one URL of the site to the sources file"
            )
    remote = settings.archive_store().remote
    try:
        if not remote:
            settings.archive_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ArchiveError(
            f"cannot create the archive directory {settings.archive_dir}: "
            f"{exc.strerror or exc}; check NEWSFLOW_HOME"
        ) from None
    return [
        CrawlJob(
            source=source,
            run_id=run_id,
            database_url=database_url,
            archive_dir=settings.archive_dir.resolve(),
            user_agent=settings.user_agent,
            since=window.since,
            until=window.until,
            max_pages=max_pages,
            revisit_days=settings.revisit_days,
            retry_failed_hours=settings.retry_failed_hours,
            limits=settings.crawl,
            chromium_path=str(settings.chromium_path),
            archive_url=settings.archive_url,
            storage_env=dict(settings.storage_env),
            tmp_dir=str(settings.tmp_dir.resolve()),
        )
        for source in sources
    ]


_LAST_DISCOVERED = """
SELECT pages_discovered FROM warehouse.crawl_run_sources
WHERE source = %s AND run_id <> %s AND pages_discovered > 0
ORDER BY run_id DESC LIMIT 1
"""


def with_history(result: CrawlResult, database_url: str, run_id: int) -> CrawlResult:
    """``result`` with ``discovered_before`` set when its discovery read documents but
    found no article URL: what the latest earlier run of the source found."""
    if result.error or not result.documents_read or result.discovered:
        return result
    try:
        with psycopg.connect(database_url, connect_timeout=10) as conn:
            row = conn.execute(_LAST_DISCOVERED, (result.source, run_id)).fetchone()
    except psycopg.Error as exc:
        log.warning("cannot tell whether %s found URLs before: %s", result.source, exc)
        return result
    return replace(result, discovered_before=row[0]) if row else result


def run_child(
    jobs: Sequence[CrawlJob],
    run_dir: Path,
    *,
    started: Callable[[str], None] | None = None,
    crawled: Callable[[CrawlResult], None],
    prepare_next: bool = False,
) -> int:
    """Run ``jobs`` in one ``python -m crawlers.worker`` child (the spare when one is
    waiting), calling ``started`` and ``crawled`` as the child reports each source;
    how many sources got their result. That is every one, unless the child died or a
    crawl overran its time limit (the child is then killed): the source it was on gets
    a result with ``error`` set and the caller runs the rest in a new child. With
    ``prepare_next``, a spare for the next crawl starts once this child has."""
    with tempfile.TemporaryDirectory(prefix="newsflow-crawl-") as tmp:
        entries = [
            BatchEntry(job, Path(tmp) / f"result-{i}.json", run_dir / job.source.name / "crawl.log")
            for i, job in enumerate(jobs)
        ]
        for entry in entries:
            entry.log_path.parent.mkdir(parents=True, exist_ok=True)
        batch = Path(tmp) / "batch.json"
        write_batch(batch, entries)
        process = hand_to_spare(batch)
        if process is None:
            with entries[0].log_path.open("ab") as first_log:
                process = subprocess.Popen(
                    [sys.executable, "-m", "crawlers.worker", str(batch)],
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.PIPE,
                    stderr=first_log,
                    env=child_env(),
                    start_new_session=True,
                )
        log.info("crawler process %d crawls %d source(s)", process.pid, len(entries))
        with _RUNNING_LOCK:
            _RUNNING.add(process)
        if prepare_next:
            prepare_crawler()
        try:
            return follow(process, entries, started, crawled)
        except BaseException:  # interrupted (Ctrl-C, SIGTERM): take the child along
            kill(process)
            raise
        finally:
            with _RUNNING_LOCK:
                _RUNNING.discard(process)
            if process.stdout is not None:
                process.stdout.close()
