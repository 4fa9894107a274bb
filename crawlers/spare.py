"""The spare crawler process: ``python -m crawlers.worker --wait``, started ahead of its
crawls so that its imports (Scrapy and every component a crawl loads, about a second of
CPU) overlap whatever its caller does first; it then waits for its batch on stdin.

Only the standard library is imported here, so that a run can start its crawler before
it imports anything else (``pipeline.local_run``). ``crawlers.run`` hands the spare its
batch and stops it when no crawl follows.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

_LOCK = threading.Lock()


@dataclass(frozen=True)
class _Spare:
    process: subprocess.Popen[bytes]
    env: dict[str, str]
    """The environment it was started with."""


_spare: _Spare | None = None
"""The spare waiting for its batch, if any (guarded by ``_LOCK``)."""


def prepare_crawler() -> None:
    """Start the crawler process of the next ``crawlers.run.crawl_sources`` call now
    (unless a spare is already waiting); ``crawlers.run.stop_crawls`` stops it when no
    crawl follows."""
    global _spare
    with _LOCK:
        if _spare is not None and _spare.process.poll() is None:
            return
        env = child_env()
        _spare = _Spare(
            subprocess.Popen(
                [sys.executable, "-m", "crawlers.worker", "--wait"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,  # its events, once it has a batch
                stderr=subprocess.DEVNULL,
                env=env,
                start_new_session=True,
            ),
            env,
        )


def waiting_spare() -> subprocess.Popen[bytes] | None:
    """The spare's process while one waits for its batch, else None."""
    with _LOCK:
        return _spare.process if _spare is not None else None


def hand_to_spare(batch: Path) -> subprocess.Popen[bytes] | None:
    """Give the batch file ``batch`` to the waiting spare, which now runs it; None when
    there is none, or it died, or the environment changed since it started (a proxy
    setting, say)."""
    global _spare
    with _LOCK:
        spare, _spare = _spare, None
    if spare is None:
        return None
    process = spare.process
    if spare.env != child_env() or process.stdin is None:
        kill(process)
        return None
    request = {"batch": str(batch)}
    try:
        process.stdin.write(json.dumps(request).encode("utf-8") + b"\n")
        process.stdin.close()
    except OSError:  # it exited (stdin closed): start a fresh child instead
        kill(process)
        return None
    return process


def stop_spare() -> None:
    """Stop the waiting spare, if any."""
    global _spare
    with _LOCK:
        spare, _spare = _spare, None
    if spare is not None:
        kill(spare.process)


def child_env() -> dict[str, str]:
    """The parent's environment with this checkout first on the import path."""
    env = dict(os.environ)
    root = str(Path(__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    return env


def kill(process: subprocess.Popen[bytes]) -> None:
    """Stop a crawler child and anything it started (it leads its own process group)."""
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
