"""Ordered SQL migrations, applied once each and recorded in ``warehouse.schema_migrations``.

Migrations live in ``sql/migrations/NNNN_name.sql`` (``MIGRATIONS_DIR``, package data
of the wheel; see ``pipeline.db.sql_files``). Each is applied in its own transaction
together with its bookkeeping row, so a failed migration leaves nothing behind. A
transaction-level advisory lock serialises concurrent upgrades: the second process
waits, then finds nothing left to apply. Applied migrations must never be edited: the
runner stores each file's checksum and refuses to continue when one has changed. After
the migrations, ``apply_migrations`` re-applies the analytics views of ``sql/views/``
(``pipeline.db.views``), so a migration changes tables and never restates a view.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from importlib.resources.abc import Traversable

import psycopg

from pipeline.db.schema_lock import lock_schema
from pipeline.db.sql_files import MIGRATIONS_DIR, VIEWS_DIR, SqlText, sql_files
from pipeline.db.views import apply_views
from pipeline.errors import MigrationError

log = logging.getLogger(__name__)

_FILE_PATTERN = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")

_CREATE_TABLE = """
CREATE SCHEMA IF NOT EXISTS warehouse;
CREATE TABLE IF NOT EXISTS warehouse.schema_migrations (
    version     integer PRIMARY KEY,
    name        text NOT NULL,
    checksum    text NOT NULL,
    applied_at  timestamptz NOT NULL DEFAULT now()
)
"""
_APPLIED = "SELECT version, name, checksum FROM warehouse.schema_migrations ORDER BY version"
_RECORD = "INSERT INTO warehouse.schema_migrations (version, name, checksum) VALUES (%s, %s, %s)"


@dataclass(frozen=True, slots=True)
class Migration(SqlText):
    """One file of ``sql/migrations``: a schema change applied once, in version order."""

    version: int
    name: str
    path: Traversable


def discover_migrations(directory: Traversable = MIGRATIONS_DIR) -> list[Migration]:
    """The migration files in ``directory``, ordered by version."""
    found: dict[int, Migration] = {}
    for path in sql_files(directory):
        match = _FILE_PATTERN.match(path.name)
        if not match:
            raise MigrationError(
                f"migration file {path.name} is not named NNNN_lowercase_name.sql; rename it"
            )
        version = int(match.group(1))
        if version in found:
            raise MigrationError(
                f"migrations {found[version].path.name} and {path.name} share version {version}"
            )
        found[version] = Migration(version, match.group(2), path)
    return [found[v] for v in sorted(found)]


def _all_applied(conn: psycopg.Connection, migrations: list[Migration]) -> bool:
    """True when each of ``migrations`` is recorded with its checksum (no lock taken: a
    recorded migration stays recorded); False when any is missing or differs, and the
    locked path decides."""
    try:
        with conn.transaction():
            recorded = {row[0]: row[2] for row in conn.execute(_APPLIED)}
    except psycopg.errors.UndefinedTable:
        return False
    return all(recorded.get(m.version) == m.checksum for m in migrations)


def pending_migrations(
    conn: psycopg.Connection, directory: Traversable = MIGRATIONS_DIR
) -> list[Migration]:
    """Migrations in ``directory`` not yet recorded as applied in the database."""
    with conn.transaction():
        lock_schema(conn)
        conn.execute(_CREATE_TABLE)
        applied = {row[0]: row for row in conn.execute(_APPLIED)}
    return [m for m in discover_migrations(directory) if m.version not in applied]


def apply_migrations(
    conn: psycopg.Connection,
    directory: Traversable = MIGRATIONS_DIR,
    views_directory: Traversable = VIEWS_DIR,
) -> list[Migration]:
    """Apply every missing migration in order, then the analytics views of
    ``views_directory``; return the migrations applied by this call.

    Safe to run repeatedly and from several processes at once. When every migration is
    already applied unchanged (every command but the first after an upgrade), one query
    without the schema lock tells so.
    """
    migrations = discover_migrations(directory)
    applied_now: list[Migration] = []
    pending = [] if _all_applied(conn, migrations) else migrations
    for migration in pending:
        with conn.transaction():
            lock_schema(conn)
            conn.execute(_CREATE_TABLE)
            applied = {row[0]: row for row in conn.execute(_APPLIED)}
            if migration.version in applied:
                _, _, checksum = applied[migration.version]
                if checksum != migration.checksum:
                    raise MigrationError(
                        f"migration {migration.path.name} changed after it was applied; "
                        "never edit an applied migration: restore it and add a new one"
                    )
                continue
            log.info("applying migration %s", migration.path.name)
            try:
                conn.execute(migration.sql)
            except psycopg.Error as exc:
                raise MigrationError(
                    f"migration {migration.path.name} failed: {exc}".strip()
                ) from exc
            conn.execute(_RECORD, (migration.version, migration.name, migration.checksum))
            applied_now.append(migration)
    apply_views(conn, views_directory)
    return applied_now
