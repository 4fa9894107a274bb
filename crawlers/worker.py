"""The crawler child process: ``python -m crawlers.worker BATCH``.

Runs the crawls of the batch file BATCH (``crawlers.batch``: one or more sources, one
after the other, each its own Scrapy crawler in one ``CrawlerProcess`` and so one
Twisted reactor), writing each source's ``CrawlResult`` JSON to its result file and a
line per started and finished source to stdout, which the parent reads; everything
else goes to the sources' crawl logs. Exits 0 when every crawl succeeded, 1 when one
failed (its result says why).

``python -m crawlers.worker --wait`` is a spare started ahead of its crawls: it imports
Scrapy and every component a crawl loads (about a second of CPU), then reads one line
``{"batch": BATCH}`` from stdin and runs that batch. It exits 0 without crawling when
stdin closes first.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sys
from pathlib import Path

log = logging.getLogger("crawlers.worker")


def run_batch_file(batch_path: Path) -> int:
    """Run the batch in ``batch_path`` (``crawlers.batch``), its events on stdout."""
    from crawlers.batch import read_batch, run_batch

    # The events keep the stdout the parent reads; fds 1 and 2 then go to each job's log.
    events = os.fdopen(os.dup(1), "w", encoding="utf-8")
    return run_batch(read_batch(batch_path), events)


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
    from scrapy.utils.versions import get_versions

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
    # What the crawler process logs first; its platform line runs ``uname -p`` once.
    get_versions()


def wait_for_job() -> int:
    """The spare's life: preload, then run the job named on stdin (see the module)."""
    # A spare that could not preload still runs its job: the crawl imports the same
    # modules again and reports what fails in its result.
    with contextlib.suppress(Exception):
        preload()
    line = sys.stdin.readline()
    if not line.strip():
        return 0
    return run_batch_file(Path(json.loads(line)["batch"]))


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args == ["--wait"]:
        stop_with_parent()
        return wait_for_job()
    if len(args) != 1:
        print(
            "usage: python -m crawlers.worker BATCH.json\n       python -m crawlers.worker --wait",
            file=sys.stderr,
        )
        return 2
    stop_with_parent()
    return run_batch_file(Path(args[0]))


if __name__ == "__main__":
    code = main()
    # The results are written and every file and connection closed: skip the interpreter's
    # teardown of Scrapy, Twisted and lxml, a few hundred milliseconds the parent waits.
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
