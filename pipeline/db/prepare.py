"""Getting a database ready for use: resolve its URL, connect, apply migrations."""

from __future__ import annotations

import logging

from pipeline.config import Settings
from pipeline.db.connection import connect, database_url
from pipeline.db.migrations import apply_migrations

log = logging.getLogger(__name__)


def prepare_database(settings: Settings) -> str:
    """Return the URL of a reachable, fully migrated database.

    Starts the embedded server when no URL is configured. Every command that needs
    the database calls this first, so users never run ``db upgrade`` by hand.
    """
    url = database_url(settings)
    with connect(url) as conn:
        applied = apply_migrations(conn)
    if applied:
        log.info(
            "applied %d migration(s): %s", len(applied), ", ".join(m.path.name for m in applied)
        )
    return url
