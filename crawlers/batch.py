"""Several sources' crawls in one crawler process, one after the other, in one reactor.

The parent (``crawlers.run``) writes a batch file: a JSON list of
``{"job": CrawlJob, "result": RESULT, "log": LOG}``. ``run_batch`` runs each job as its
own Scrapy ``Crawler`` (its own settings, stats, downloader slots and so per-host
delays, robots.txt, crawl-state connection) in the order given, never two at once, so
sources sharing a host are still never crawled at the same time. Before a job it sends
its output to the job's LOG and writes ``{"started": SOURCE}`` to the events stream;
after it, it writes the job's ``CrawlResult`` JSON to RESULT and then
``{"finished": SOURCE}``. A job that fails (its crawl could not start, its database
was unreachable, its spider raised) gets a result with ``error`` set and the next job
runs: one source's failure never takes the others down.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sys
import time
from collections.abc import Generator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from crawlers.browser import missing_browser
from crawlers.job import CrawlJob
from crawlers.result import CrawlResult

if TYPE_CHECKING:
    from scrapy.crawler import CrawlerProcess
    from twisted.internet.defer import Deferred

log = logging.getLogger("crawlers.batch")


@dataclass(frozen=True, slots=True)
class BatchEntry:
    """One job of a batch and the files of its result and its log."""

    job: CrawlJob
    result_path: Path
    log_path: Path

    def as_dict(self) -> dict[str, Any]:
        return {
            "job": json.loads(self.job.to_json()),
            "result": str(self.result_path),
            "log": str(self.log_path),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> BatchEntry:
        return cls(
            CrawlJob.from_json(json.dumps(data["job"])), Path(data["result"]), Path(data["log"])
        )


def write_batch(path: Path, entries: list[BatchEntry]) -> None:
    path.write_text(json.dumps([e.as_dict() for e in entries]), encoding="utf-8")


def read_batch(path: Path) -> list[BatchEntry]:
    return [BatchEntry.from_dict(d) for d in json.loads(path.read_text(encoding="utf-8"))]


def peak_rss_mb() -> float:
    """Peak resident set size of this process in MiB (Linux reports KiB); with several
    jobs, the peak of the process so far."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def send_output_to(log_path: Path) -> None:
    """Point this process's stdout and stderr (file descriptors 1 and 2) at the end of
    ``log_path``: Scrapy's log handler writes to stderr."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log_fd = os.open(log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    for stream, fd in ((sys.stdout, 1), (sys.stderr, 2)):
        stream.flush()
        os.dup2(log_fd, fd)
    os.close(log_fd)


def emit(events: IO[str], event: str, source: str) -> None:
    """One line of the events stream the parent reads."""
    events.write(json.dumps({event: source}) + "\n")
    events.flush()


def run_batch(entries: list[BatchEntry], events: IO[str]) -> int:
    """Run every entry's job in turn in one reactor (see the module); 0 when every crawl
    succeeded, 1 when one failed (its result says why)."""
    from scrapy.crawler import CrawlerProcess
    from scrapy.settings.default_settings import TWISTED_REACTOR
    from scrapy.utils.reactor import install_reactor, is_reactor_installed

    if not is_reactor_installed():  # a spare has installed it already (preload)
        install_reactor(TWISTED_REACTOR)
    from twisted.internet import defer
    from twisted.internet import reactor as installed

    # Twisted types the reactor as its interfaces, whose methods mypy sees without self.
    reactor: Any = installed

    # Process-wide settings only: each crawler brings its own (scrapy_settings).
    process = CrawlerProcess({"LOG_LEVEL": entries[0].job.log_level}, install_root_handler=True)
    failed: list[str] = []
    shutting_down: list[bool] = []
    reactor.addSystemEventTrigger("before", "shutdown", shutting_down.append, True)

    @defer.inlineCallbacks
    def crawl_all() -> Generator[Deferred[Any], Any, None]:
        try:
            for entry in entries:
                if shutting_down:  # SIGTERM/SIGINT: no further crawl starts
                    break
                send_output_to(entry.log_path)
                emit(events, "started", entry.job.source.name)
                result, reason = yield crawl_one(process, entry.job)
                entry.result_path.write_text(json.dumps(result.as_dict()), encoding="utf-8")
                emit(events, "finished", entry.job.source.name)
                if result.error is not None:
                    failed.append(result.source)
                if reason == "shutdown":  # stopped by a signal, before the trigger ran
                    break
        finally:
            with contextlib.suppress(RuntimeError):  # already stopping
                reactor.stop()

    reactor.callWhenRunning(crawl_all)
    process.start(stop_after_crawl=False)
    return 1 if failed or len(entries) == 0 else 0


def crawl_one(process: CrawlerProcess, job: CrawlJob) -> Deferred[tuple[CrawlResult, Any]]:
    """Crawl ``job`` as a new crawler of ``process``; a deferred that fires with its
    result and Scrapy's finish reason, and never fails."""
    from twisted.internet import defer

    return defer.ensureDeferred(_crawl_one(process, job))


async def _crawl_one(process: CrawlerProcess, job: CrawlJob) -> tuple[CrawlResult, Any]:
    from scrapy.crawler import Crawler

    from crawlers.middlewares.archive import ARCHIVE_ERROR_STAT
    from crawlers.scrapy_settings import scrapy_settings
    from crawlers.spiders.news import NewsSpider
    from crawlers.state import CrawlStateStore

    missing = job.source.render == "browser" and missing_browser(job.source.name, job.chromium_path)
    if missing:  # this source cannot be crawled at all; the next ones go on
        log.error("%s", missing)
        return CrawlResult(job.source.name, error=missing), None
    started = time.monotonic()
    error = None
    stats: dict[str, Any] = {}
    store = None
    try:
        store = CrawlStateStore.connect(job.database_url, source=job.source.name, run_id=job.run_id)
        crawler = Crawler(NewsSpider, scrapy_settings(job))
        try:
            await process.crawl(crawler, job=job, store=store)
        except Exception as exc:  # the crawl could not start: the spider's reason
            log.exception("crawl of %s could not start", job.source.name)
            error = f"{type(exc).__name__}: {exc}"
        stats = crawler._stats.get_stats() if crawler._stats else {}
        # an upload of the archive that failed as the crawl closed names the object
        error = (
            error or stats.get(ARCHIVE_ERROR_STAT) or crawl_error(job, stats.get("finish_reason"))
        )
        store.close()
    except Exception as exc:  # the crawl could not run: report it, do not hide it
        log.exception("crawl of %s failed", job.source.name)
        error = f"{type(exc).__name__}: {exc}"
    finally:
        if store is not None and not store.conn.closed:
            store.conn.close()
    result = CrawlResult.from_stats(
        job.source.name,
        stats,
        error=error,
        elapsed_s=time.monotonic() - started,
        peak_rss_mb=peak_rss_mb(),
    )
    return result, stats.get("finish_reason")


def crawl_error(job: CrawlJob, reason: object) -> str | None:
    """What a crawl that ended with ``finish_reason`` ``reason`` failed of; None when
    it finished."""
    if reason == "finished":
        return None
    if reason == "closespider_timeout":
        return (
            f"crawl stopped after its time limit of {job.limits.crawl_timeout_s:.0f} s "
            "(NEWSFLOW_CRAWL_TIMEOUT); pages fetched so far are kept"
        )
    if reason is None:
        return "the crawl did not run; see the crawl log"
    if str(reason).startswith("archive_error: "):
        return str(reason)[len("archive_error: ") :]
    return f"crawl ended early: {reason}"
