"""``crawl_sources``: crawl each source in its own child process; one result per source.

Scrapy's Twisted reactor cannot be restarted inside a process, so every source's crawl
runs in ``python -m crawlers.worker`` (see there). The parent never hangs on a child:
it waits at most the crawl time limit plus a grace period, then kills it. A child that
dies or times out yields a ``CrawlResult`` with ``error`` set; the child's log is kept
in ``<NEWSFLOW_HOME>/runs/<run_id>/<source>/crawl.log``.

Starting a child costs about a second of CPU (importing Scrapy and its components), as
much as a whole crawl of an unchanged site. When more crawls follow, the process of the
next one is therefore started while the current one runs (``prepare_next``): a spare
that imports everything and then waits for its job on stdin.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import psycopg

from crawlers.browser import missing_browser
from crawlers.job import CrawlJob
from crawlers.result import CrawlResult
from pipeline.config import Settings
from pipeline.errors import ArchiveError, CrawlError
from pipeline.sources import Source
from pipeline.window import Window

log = logging.getLogger(__name__)

__all__ = ["CrawlResult", "crawl_sources", "stop_crawls"]

GRACE_S = 60.0
"""Extra time the child gets beyond its own time limit to close cleanly."""
LOG_TAIL_LINES = 5

_RUNNING: set[subprocess.Popen[bytes]] = set()
"""Crawl children of this process that are still running (see ``stop_crawls``)."""
_RUNNING_LOCK = threading.Lock()


@dataclass(frozen=True)
class _Spare:
    process: subprocess.Popen[bytes]
    env: dict[str, str]
    """The environment it was started with."""


_spare: _Spare | None = None
"""The spare crawl child waiting for its job, if any (guarded by ``_RUNNING_LOCK``)."""


def stop_crawls() -> None:
    """Stop every crawl child this process started that is still running, the spare
    included.

    Children lead their own session, so Ctrl-C in a terminal never reaches them; a run
    that is interrupted while a crawl runs in another thread calls this so that no
    crawler is left behind.
    """
    global _spare
    with _RUNNING_LOCK:
        running = list(_RUNNING) + ([_spare.process] if _spare else [])
        _spare = None
    for process in running:
        _kill(process)


def crawl_sources(
    settings: Settings,
    sources: Sequence[Source],
    *,
    run_id: int,
    database_url: str,
    window: Window = Window(),
    max_pages: int | None = None,
    prepare_next: bool = False,
) -> list[CrawlResult]:
    """Crawl ``sources`` one after the other, each in a child process.

    The process of each next source starts while the crawl before it runs; with
    ``prepare_next``, so does one for a crawl the caller starts after this call.

    Raises ``CrawlError`` for unusable input (a source with nothing to crawl) and
    ``ArchiveError`` when the archive directory cannot be created (a window that ends
    before it starts cannot even be built: ``WindowError``); everything that goes wrong
    during a crawl is in the results.
    """
    if max_pages is not None and max_pages < 1:
        raise CrawlError(f"max_pages must be at least 1, got {max_pages}")
    for source in sources:
        if not source.hosts:
            raise CrawlError(
                f"source '{source.name}' lists no sitemap, feed or start URL to crawl; "
                "add at least one URL of the site to the sources file"
            )
    try:
        settings.archive_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ArchiveError(
            f"cannot create the archive directory {settings.archive_dir}: "
            f"{exc.strerror or exc}; check NEWSFLOW_HOME"
        ) from None
    results = []
    for position, source in enumerate(sources, start=1):
        missing = source.render == "browser" and missing_browser(
            source.name, settings.chromium_path
        )
        if missing:
            # This source cannot run at all; the others go on.
            log.error("%s", missing)
            results.append(CrawlResult(source.name, error=missing))
            continue
        job = CrawlJob(
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
        )
        log_path = settings.runs_dir / str(run_id) / source.name / "crawl.log"
        result = run_child(job, log_path, prepare_next=prepare_next or position < len(sources))
        results.append(with_history(result, database_url, run_id))
    return results


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


def run_child(job: CrawlJob, log_path: Path, *, prepare_next: bool = False) -> CrawlResult:
    """Run one job in ``python -m crawlers.worker`` (the spare when one is waiting); its
    result, never an exception. With ``prepare_next``, a spare for the next crawl starts
    once this one has."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    timeout = job.limits.crawl_timeout_s + GRACE_S
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="newsflow-crawl-") as tmp:
        job_file, result_file = Path(tmp) / "job.json", Path(tmp) / "result.json"
        job_file.write_text(job.to_json(), encoding="utf-8")
        with log_path.open("ab") as log_file:
            process = _hand_to_spare(job_file, result_file, log_path)
            if process is None:
                process = subprocess.Popen(
                    [sys.executable, "-m", "crawlers.worker", str(job_file), str(result_file)],
                    stdin=subprocess.DEVNULL,
                    stdout=log_file,
                    stderr=subprocess.STDOUT,
                    env=_child_env(),
                    start_new_session=True,
                )
            with _RUNNING_LOCK:
                _RUNNING.add(process)
            if prepare_next:
                _start_spare()
            try:
                code = process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                _kill(process)
                return CrawlResult(
                    job.source.name,
                    error=(
                        f"crawl did not finish within {timeout:.0f} s and was killed; "
                        f"see {log_path}"
                    ),
                    elapsed_s=round(time.monotonic() - started, 3),
                )
            except BaseException:  # interrupted (Ctrl-C, SIGTERM): take the child along
                _kill(process)
                raise
            finally:
                with _RUNNING_LOCK:
                    _RUNNING.discard(process)
        elapsed = round(time.monotonic() - started, 3)
        if result_file.exists():
            try:
                return CrawlResult.from_dict(json.loads(result_file.read_text("utf-8")))
            except (ValueError, TypeError) as exc:
                log.error("unreadable crawl result of %s: %s", job.source.name, exc)
    tail = _tail(log_path)
    return CrawlResult(
        job.source.name,
        elapsed_s=elapsed,
        error=(
            f"crawl process exited with code {code} without a result; see {log_path}"
            + (f": {tail}" if tail else "")
        ),
    )


def _start_spare() -> None:
    """Start ``python -m crawlers.worker --wait`` unless a spare is already waiting."""
    global _spare
    with _RUNNING_LOCK:
        if _spare is not None and _spare.process.poll() is None:
            return
        env = _child_env()
        _spare = _Spare(
            subprocess.Popen(
                [sys.executable, "-m", "crawlers.worker", "--wait"],
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                env=env,
                start_new_session=True,
            ),
            env,
        )


def _hand_to_spare(
    job_file: Path, result_file: Path, log_path: Path
) -> subprocess.Popen[bytes] | None:
    """Give the job to the waiting spare; None when there is none, or it died, or the
    environment changed since it started (a proxy setting, say)."""
    global _spare
    with _RUNNING_LOCK:
        spare, _spare = _spare, None
    if spare is None:
        return None
    process = spare.process
    if spare.env != _child_env() or process.stdin is None:
        _kill(process)
        return None
    request = {"job": str(job_file), "result": str(result_file), "log": str(log_path)}
    try:
        process.stdin.write(json.dumps(request).encode("utf-8") + b"\n")
        process.stdin.close()
    except OSError:  # it exited (stdin closed): start a fresh child instead
        _kill(process)
        return None
    return process


def _child_env() -> dict[str, str]:
    """The parent's environment with this checkout first on the import path."""
    env = dict(os.environ)
    root = str(Path(__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    return env


def _kill(process: subprocess.Popen[bytes]) -> None:
    """Stop the child and anything it started (it leads its own process group)."""
    for sig, wait in ((signal.SIGTERM, 10.0), (signal.SIGKILL, 10.0)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def _tail(path: Path) -> str:
    try:
        lines = path.read_text("utf-8", "replace").strip().splitlines()
    except OSError:
        return ""
    return " | ".join(line.strip() for line in lines[-LOG_TAIL_LINES:])[-500:]
