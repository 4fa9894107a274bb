"""The advisory lock that serialises every change newsflow makes to the database schema."""

from __future__ import annotations

import psycopg

# An arbitrary constant shared by every newsflow process: "newsflow" in ASCII.
SCHEMA_LOCK_KEY = 0x6E657773666C6F77 & 0x7FFFFFFFFFFFFFFF
_LOCK = "SELECT pg_advisory_xact_lock(%s)"


def lock_schema(conn: psycopg.Connection) -> None:
    """Wait for, then hold until the end of the current transaction, the schema lock.

    Migrations and the re-application of the analytics views take it, so concurrent
    upgrades run one after the other and the later one finds nothing left to do.
    """
    conn.execute(_LOCK, (SCHEMA_LOCK_KEY,))
