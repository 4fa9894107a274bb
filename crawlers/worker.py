"""The child process of one source's crawl: ``python -m crawlers.worker JOB RESULT``.

Reads the ``CrawlJob`` JSON from the file JOB, runs the spider in a ``CrawlerProcess``
(a fresh Twisted reactor), writes the ``CrawlResult`` JSON to the file RESULT and exits
0. A crawl that could not run writes a result with ``error`` set and exits 1.

``python -m crawlers.worker --wait`` is a spare started ahead of its crawl: it imports
Scrapy and every component a crawl loads (about a second of CPU), then reads one line
``{"job": JOB, "result": RESULT, "log": LOG}`` from stdin, sends its output to the file
LOG and runs that job. It exits 0 without crawling when stdin closes first.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sys
import time
from pathlib import Path
from typing import Any

log = logging.getLogger("crawlers.worker")


def peak_rss_mb() -> float:
    """Peak resident set size of this process in MiB (Linux reports KiB)."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_job(job_path: Path, result_path: Path) -> int:
    from scrapy.crawler import CrawlerProcess

    from crawlers.job import CrawlJob
    from crawlers.result import CrawlResult
    from crawlers.scrapy_settings import scrapy_settings
    from crawlers.spiders.news import NewsSpider
    from crawlers.state import CrawlStateStore

    job = CrawlJob.from_json(job_path.read_text(encoding="utf-8"))
    started = time.monotonic()
    error = None
    stats: dict[str, Any] = {}
    store = None
    try:
        store = CrawlStateStore.connect(job.database_url, source=job.source.name, run_id=job.run_id)
        process = CrawlerProcess(scrapy_settings(job), install_root_handler=True)
        crawler = process.create_crawler(NewsSpider)
        startup_errors: list[str] = []
        process.crawl(crawler, job=job, store=store).addErrback(
            lambda failure: startup_errors.append(
                f"{type(failure.value).__name__}: {failure.value}"
            )
        )
        process.start()
        stats = crawler.stats.get_stats() if crawler.stats else {}
        reason = stats.get("finish_reason")
        if startup_errors:
            error = startup_errors[0]
        elif reason == "closespider_timeout":
            error = (
                f"crawl stopped after its time limit of {job.limits.crawl_timeout_s:.0f} s "
                "(NEWSFLOW_CRAWL_TIMEOUT); pages fetched so far are kept"
            )
        elif reason is None:
            error = "the crawl did not run; see the crawl log"
        elif str(reason).startswith("archive_error: "):
            error = str(reason)[len("archive_error: ") :]
        elif reason != "finished":
            error = f"crawl ended early: {reason}"
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
    result_path.write_text(json.dumps(result.as_dict()), encoding="utf-8")
    return 0 if error is None else 1


def stop_with_parent() -> None:
    """Ask Linux to kill this process when its parent dies.

    The crawl runs in its own session (so a timeout can kill its whole group), which
    also shields it from signals sent to the parent's group: without this, a run process
    killed with SIGKILL would leave its crawl going on, to overlap the next run.
    SIGKILL, not SIGTERM: nobody is left to read the result, and Scrapy's graceful
    shutdown would wait for slow downloads; the next run recovers from what was written
    (the same as when the whole process group is killed). Elsewhere than Linux this
    does nothing.
    """
    import ctypes
    import signal

    parent = os.getppid()
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        PR_SET_PDEATHSIG = 1
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent or parent == 1:  # the parent died before prctl took effect
        os.kill(os.getpid(), signal.SIGKILL)


def preload() -> None:
    """Import what a crawl would import on its way: Scrapy, our spider and every
    downloader handler, middleware, extension and pipeline of ``scrapy_settings``."""
    from scrapy.crawler import CrawlerProcess  # noqa: F401  # preloading: the import is the point
    from scrapy.settings.default_settings import TWISTED_REACTOR
    from scrapy.utils.misc import load_object
    from scrapy.utils.reactor import install_reactor

    import crawlers.spiders.news
    import crawlers.state  # noqa: F401  # preloading: the import is the point
    from crawlers.scrapy_settings import component_paths

    # Some components import twisted.internet.reactor, which would install Twisted's
    # default reactor; CrawlerProcess then finds the one it asks for already there.
    install_reactor(TWISTED_REACTOR)
    for path in component_paths():
        try:
            load_object(path)
        except Exception:
            continue


def wait_for_job() -> int:
    """The spare's life: preload, then run the job named on stdin (see the module)."""
    # A spare that could not preload still runs its job: the crawl imports the same
    # modules again and reports what fails in its result.
    with contextlib.suppress(Exception):
        preload()
    line = sys.stdin.readline()
    if not line.strip():
        return 0
    request = json.loads(line)
    log_fd = os.open(request["log"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    for stream, fd in ((sys.stdout, 1), (sys.stderr, 2)):
        stream.flush()
        os.dup2(log_fd, fd)
    os.close(log_fd)
    return run_job(Path(request["job"]), Path(request["result"]))


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args == ["--wait"]:
        stop_with_parent()
        return wait_for_job()
    if len(args) != 2:
        print(
            "usage: python -m crawlers.worker JOB.json RESULT.json\n"
            "       python -m crawlers.worker --wait",
            file=sys.stderr,
        )
        return 2
    stop_with_parent()
    return run_job(Path(args[0]), Path(args[1]))


if __name__ == "__main__":
    code = main()
    # The result is written and every file and connection closed: skip the interpreter's
    # teardown of Scrapy, Twisted and lxml, a few hundred milliseconds the parent waits.
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
