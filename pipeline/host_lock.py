"""One crawl per host at a time, across runs, commands and machines.

Every entry point that crawls the web (``newsflow run``, ``newsflow crawl``, the Airflow
crawl task) holds, while a source's crawl runs, a PostgreSQL session advisory lock per
host of the source's discovery URLs (sitemaps, feeds, start URLs), keyed on scheme,
host and port (``https://example.com:443``: default ports filled in). The locks live in
the newsflow database every crawler already uses, so they hold across machines, and go
with the connection, so a killed crawler never leaves a host locked.

``crawl_in_turn`` crawls the sources whose hosts are free first and the others as their
hosts free up, so a busy host never holds up the sources that can go on. A source whose
hosts are still held ``Settings.host_lock_wait_s`` seconds (``NEWSFLOW_HOST_LOCK_WAIT``)
after they were first found held gives up with ``HostBusyError`` (transient: try again
later); meanwhile ``waiting`` hears who holds them. With a wait of 0 the locks are only
tried, which is what the Airflow task does (it reschedules itself instead of waiting).
A source takes its hosts' locks all or none (``try_take``), and nothing is held while
waiting, so two crawls can never wait for each other.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

import psycopg

from pipeline.db import connect
from pipeline.errors import DatabaseUnavailableError, HostBusyError, first_line
from pipeline.sources import ROBOTS, Source

log = logging.getLogger(__name__)

DEFAULT_PORTS = {"http": 80, "https": 443}
POLL_S = 0.5
"""How often a waiting crawl tries the lock again."""
REPORT_EVERY_S = 60.0
"""How often a waiting crawl says again that it is waiting."""

_KEY = "SELECT hashtextextended('newsflow-crawl-host:' || %s, 0)"
_TRY_LOCK = "SELECT pg_try_advisory_lock(%s::bigint)"
_UNLOCK = "SELECT pg_advisory_unlock(%s::bigint)"
_HOLDER = """
SELECT a.pid, a.application_name, host(a.client_addr)
FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
  AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
  AND l.classid = %s::bigint::oid AND l.objid = %s::bigint::oid AND a.pid <> pg_backend_pid()
LIMIT 1
"""

Waiting = Callable[[str], None]


def host_key(url: str) -> str | None:
    """``scheme://host:port`` of ``url`` (lower-cased, default port filled in); None
    when it has no host."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if not host:
        return None
    scheme = parts.scheme.lower()
    try:
        port = parts.port or DEFAULT_PORTS.get(scheme)
    except ValueError:  # a port that is not a number: the crawl will refuse the URL
        port = DEFAULT_PORTS.get(scheme)
    if ":" in host:
        host = f"[{host}]"
    return f"{scheme}://{host}:{port}" if port else f"{scheme}://{host}"


def source_hosts(source: Source) -> tuple[str, ...]:
    """The lock keys of ``source``: its discovery URLs' hosts, sorted, each once."""
    urls = (*source.sitemaps, *source.feeds, *source.start_urls)
    return tuple(sorted({key for url in urls if url != ROBOTS and (key := host_key(url))}))


def holder_name(command: str, run_id: int) -> str:
    """The ``application_name`` of a lock connection: what a waiting crawl shows of the
    crawl that holds its host (PostgreSQL keeps 63 characters)."""
    return f"newsflow {command} run {run_id} pid {os.getpid()}@{socket.gethostname()}"[:63]


class HostLocks:
    """The host locks one crawl takes, on one autocommit connection (``host_locks``)."""

    def __init__(
        self,
        conn: psycopg.Connection,
        *,
        wait_s: float,
        waiting: Waiting | None = None,
        poll_s: float = POLL_S,
    ) -> None:
        self._conn = conn
        self.wait_s = wait_s
        self._waiting = waiting
        self.poll_s = poll_s
        self._ids: dict[str, int] = {}
        self._held: dict[str, list[int]] = {}
        """Source name -> the lock ids it took (a session's locks count, so two sources
        of one crawl sharing a host each take and release it)."""
        self._busy_keys: dict[str, str] = {}
        """Source name -> the host the last ``try_take`` of it found held."""
        self._refused_at: dict[str, float] = {}
        self._next_report: dict[str, float] = {}

    def try_take(self, source: Source) -> bool:
        """Lock every host of ``source`` now, or none and False."""
        taken: list[int] = []
        for key in source_hosts(source):
            lock_id = self._lock_id(key)
            row = self._execute(_TRY_LOCK, (lock_id,)).fetchone()
            if not (row and row[0]):
                self._busy_keys[source.name] = key
                for done in taken:
                    self._execute(_UNLOCK, (done,))
                return False
            taken.append(lock_id)
        self._held[source.name] = self._held.get(source.name, []) + taken
        return True

    def wait_or_give_up(self, source: Source, now: float) -> HostBusyError | None:
        """For a source ``try_take`` just refused: None while it may wait on (saying so
        to ``waiting`` when it starts and every minute after), its ``HostBusyError``
        once ``wait_s`` seconds have passed since it was first refused."""
        key = self._busy_keys[source.name]
        left = self._refused_at.setdefault(source.name, now) + self.wait_s - now
        if left <= 0:
            return self._busy(source, key)
        if self._waiting is not None and now >= self._next_report.get(source.name, now):
            self._waiting(
                f"waiting for host {key} ({source.name}): {self.holder(key)} is crawling it;"
                f" giving up in {left:.0f} s (NEWSFLOW_HOST_LOCK_WAIT)"
            )
            self._next_report[source.name] = now + REPORT_EVERY_S
        return None

    def release(self, name: str) -> None:
        """Unlock the hosts source ``name`` took (nothing when it took none). A lost
        connection already released them."""
        for lock_id in self._held.pop(name, []):
            try:
                self._conn.execute(_UNLOCK, (lock_id,))
            except psycopg.Error as exc:
                log.warning("could not unlock a host of %s: %s", name, first_line(exc))
                return

    def release_all(self) -> None:
        for name in list(self._held):
            self.release(name)

    def holder(self, key: str) -> str:
        """Who holds ``key``'s lock, as far as PostgreSQL tells: its application name,
        server process and client address; ``another crawl`` when it cannot tell."""
        lock_id = self._lock_id(key)
        row = self._execute(
            _HOLDER, ((lock_id >> 32) & 0xFFFFFFFF, lock_id & 0xFFFFFFFF)
        ).fetchone()
        if row is None:
            return "another crawl"
        pid, name, address = row
        where = f", from {address}" if address else ""
        return f"{name or 'another crawl'} (PostgreSQL pid {pid}{where})"

    def _busy(self, source: Source, key: str) -> HostBusyError:
        waited = f"; gave up after waiting {self.wait_s:.0f} s" if self.wait_s > 0 else ""
        return HostBusyError(
            f"host {key} of source {source.name} is being crawled by {self.holder(key)}"
            f"{waited}: try again when that crawl has ended"
            + (" or raise NEWSFLOW_HOST_LOCK_WAIT" if self.wait_s > 0 else "")
        )

    def _lock_id(self, key: str) -> int:
        if key not in self._ids:
            row = self._execute(_KEY, (key,)).fetchone()
            assert row is not None
            self._ids[key] = int(row[0])
        return self._ids[key]

    def _execute(self, query: str, params: tuple[object, ...]) -> psycopg.Cursor[tuple[Any, ...]]:
        try:
            return self._conn.execute(query, params)
        except psycopg.OperationalError as exc:
            raise DatabaseUnavailableError(
                f"lost the database connection that holds the host locks: {first_line(exc)}"
            ) from exc


@contextmanager
def host_locks(
    database_url: str, *, holder: str, wait_s: float, waiting: Waiting | None = None
) -> Iterator[HostLocks]:
    """A ``HostLocks`` on a connection of its own named ``holder``; closing it frees
    every lock still held."""
    with connect(database_url, autocommit=True, application_name=holder) as conn:
        yield HostLocks(conn, wait_s=wait_s, waiting=waiting)


def crawl_in_turn(
    locks: HostLocks,
    sources: Sequence[Source],
    crawl: Callable[[list[Source]], None],
    busy: Callable[[Source, HostBusyError], None],
) -> None:
    """Crawl ``sources`` (in their order) with their hosts locked: those whose hosts are
    free in one ``crawl`` call, then, as the others' hosts free up, those; a source whose
    hosts are still held ``locks.wait_s`` seconds after they were first found held goes
    to ``busy`` instead. Nothing is held while waiting, so crawls cannot deadlock.

    ``crawl(batch)`` should ``locks.release(name)`` each source as soon as its crawl
    ended; whatever it left locked is released when it returns.
    """
    pending = list(sources)
    while pending:
        ready = [s for s in pending if locks.try_take(s)]
        now = time.monotonic()
        still: list[Source] = []
        for source in pending:
            if source in ready:
                continue
            error = locks.wait_or_give_up(source, now)
            if error is None:
                still.append(source)
            else:
                busy(source, error)
        pending = still
        if ready:
            try:
                crawl(ready)
            finally:
                locks.release_all()
        elif pending:
            time.sleep(locks.poll_s)
