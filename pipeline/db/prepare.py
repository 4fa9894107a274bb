"""Getting a database ready for use: resolve its URL, connect, apply migrations."""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

from pipeline.config import Settings
from pipeline.db.connection import connect, database_url
from pipeline.db.migrations import apply_migrations

log = logging.getLogger(__name__)

_PREPARED: Counter[str] = Counter()
"""URLs ``prepared_for_the_run`` holds prepared, with how many of its blocks are open."""
_PREPARED_LOCK = threading.Lock()


def prepare_database(settings: Settings) -> str:
    """Return the URL of a reachable, fully migrated database.

    Starts the embedded server when no URL is configured. Every command that needs
    the database calls this first, so users never run ``db upgrade`` by hand. Inside a
    ``prepared_for_the_run`` block for the same database it returns the URL at once.
    """
    url = database_url(settings)
    with _PREPARED_LOCK:
        if _PREPARED[url]:
            return url
    with connect(url) as conn:
        applied = apply_migrations(conn)
    if applied:
        log.info(
            "applied %d migration(s): %s", len(applied), ", ".join(m.path.name for m in applied)
        )
    return url


@contextmanager
def prepared_for_the_run(settings: Settings) -> Iterator[str]:
    """Prepare the database once (``prepare_database``) for a whole run; yields its URL.

    Each step of a run calls ``prepare_database`` (the Airflow tasks run them in
    processes of their own), and each call costs a connection and the migration and
    view checks, some 10-40 ms: a run of three sources made fifteen of them. While the
    block is open, those calls in this process (any thread) return at once: the code
    that checked the schema is the code that runs until the block ends.
    """
    url = prepare_database(settings)
    with _PREPARED_LOCK:
        _PREPARED[url] += 1
    try:
        yield url
    finally:
        with _PREPARED_LOCK:
            _PREPARED[url] -= 1
            if not _PREPARED[url]:
                del _PREPARED[url]
