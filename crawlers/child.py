"""Following one crawler child (``python -m crawlers.worker``) from the parent: its
event lines, its result files, and the result of a source the child left without one."""

from __future__ import annotations

import json
import logging
import os
import select
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from crawlers.batch import BatchEntry
from crawlers.result import CrawlResult
from crawlers.spare import kill

log = logging.getLogger(__name__)

GRACE_S = 60.0
"""Extra time the child gets beyond a crawl's own time limit to close cleanly."""
LOG_TAIL_LINES = 5


def report_started(callback: Callable[[str], None] | None, source: str) -> None:
    """Call ``callback(source)`` when there is one."""
    if callback is not None:
        callback(source)


def follow(
    process: subprocess.Popen[bytes],
    entries: list[BatchEntry],
    started: Callable[[str], None] | None,
    crawled: Callable[[CrawlResult], None],
) -> int:
    """Read the child's events until every entry finished, the child ended or a crawl
    overran its time limit plus ``GRACE_S`` (the child is then killed); how many
    entries got their result. Every entry reported gets ``started`` (when the child
    never said it started, just before its result), then ``crawled``."""
    assert process.stdout is not None
    events = EventReader(process.stdout.fileno())
    done, running, mark = 0, False, time.monotonic()
    while done < len(entries):
        entry = entries[done]
        name, limit = entry.job.source.name, entry.job.limits.crawl_timeout_s + GRACE_S
        try:
            event = events.next(mark + limit)
        except TimeoutError:
            kill(process)
            error = (
                f"crawl did not finish within {limit:.0f} s and was killed; see {entry.log_path}"
            )
        else:
            if event is not None:
                if event.get("started") == name:
                    report_started(started, name)
                    running, mark = True, time.monotonic()
                elif event.get("finished") == name:
                    unreadable = f"the crawl left no readable result; see {entry.log_path}"
                    crawled(read_result(entry) or lost_result(entry, process, mark, unreadable))
                    done, running, mark = done + 1, False, time.monotonic()
                continue
            error = ""  # the child ended before this source's result
        if not running:
            report_started(started, name)
        crawled(read_result(entry) or lost_result(entry, process, mark, error))
        return done + 1
    try:
        process.wait(timeout=GRACE_S)
    except subprocess.TimeoutExpired:
        kill(process)
    return done


class EventReader:
    """The child's event lines (``{"started": SOURCE}``, ``{"finished": SOURCE}``)."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.buffer = b""

    def next(self, deadline: float) -> dict[str, str] | None:
        """The next event; None when the child closed its end. ``TimeoutError`` when
        none came by ``deadline`` (``time.monotonic``)."""
        while b"\n" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            ready, _, _ = select.select([self.fd], [], [], left)
            if ready:
                chunk = os.read(self.fd, 65536)
                if not chunk:
                    return None
                self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        try:
            event = json.loads(line)
        except ValueError:
            return {}
        return event if isinstance(event, dict) else {}


def read_result(entry: BatchEntry) -> CrawlResult | None:
    """The result the child wrote for ``entry``; None when there is none to read."""
    try:
        return CrawlResult.from_dict(json.loads(entry.result_path.read_text("utf-8")))
    except FileNotFoundError:
        return None
    except (ValueError, TypeError) as exc:
        log.error("unreadable crawl result of %s: %s", entry.job.source.name, exc)
        return None


def lost_result(
    entry: BatchEntry, process: subprocess.Popen[bytes], since: float, error: str = ""
) -> CrawlResult:
    """The result of a source whose child left none: ``error``, or the child's end."""
    if not error:
        try:
            code: int | str = process.wait(timeout=GRACE_S)
        except subprocess.TimeoutExpired:
            kill(process)
            code = "unknown"
        tail = log_tail(entry.log_path)
        error = f"crawl process exited with code {code} without a result; see {entry.log_path}" + (
            f": {tail}" if tail else ""
        )
    return CrawlResult(
        entry.job.source.name, error=error, elapsed_s=round(time.monotonic() - since, 3)
    )


def log_tail(path: Path) -> str:
    """The last lines of a crawl log, joined into one (at most 500 characters)."""
    try:
        lines = path.read_text("utf-8", "replace").strip().splitlines()
    except OSError:
        return ""
    return " | ".join(line.strip() for line in lines[-LOG_TAIL_LINES:])[-500:]
