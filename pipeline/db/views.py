"""The analytics views, re-applied from ``sql/views/NN_view.sql`` after the migrations.

Each file holds the current definition of one view, ``analytics.<view>``, with its
comments; the number ``NN`` orders them, so a view that reads another view gets a higher
number. When a file or a live view differs from what the last upgrade recorded in
``warehouse.schema_views``, every newsflow view is dropped and created again from the
files, in one transaction under the schema lock: a changed column list needs the drop
(``CREATE OR REPLACE VIEW`` cannot remove or rename a column). The privileges other
roles held on a view (the reader role of ``newsflow db grant-reader``) are restored.
When nothing differs nothing is touched, so the upgrade every command runs does not
wait for analysts' long queries on the views.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from importlib.resources.abc import Traversable

import psycopg
from psycopg import sql

from pipeline.db.schema_lock import lock_schema
from pipeline.db.sql_files import VIEWS_DIR, SqlText, sql_files
from pipeline.errors import MigrationError

log = logging.getLogger(__name__)

SCHEMA = "analytics"
_FILE_PATTERN = re.compile(r"^(\d{2})_([a-z0-9_]+)\.sql$")

_RECORDED = "SELECT name, checksum, live_hash FROM warehouse.schema_views"
_FORGET = "DELETE FROM warehouse.schema_views"
_RECORD = (
    "INSERT INTO warehouse.schema_views (name, file, checksum, live_hash) VALUES (%s, %s, %s, %s)"
)
# What an upgrade restores and so watches: definition, comments and column names.
_LIVE = """
SELECT c.relname,
       md5(concat_ws(E'\\n', pg_get_viewdef(c.oid), obj_description(c.oid, 'pg_class'),
           (SELECT string_agg(a.attname || ': ' || coalesce(col_description(c.oid, a.attnum), ''),
                              E'\\n' ORDER BY a.attnum)
            FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped)))
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = %s AND c.relkind = 'v'
"""
# Privileges of roles other than the owner; grantee NULL stands for PUBLIC.
_GRANTS = """
SELECT c.relname, CASE WHEN g.grantee = 0 THEN NULL ELSE pg_get_userbyid(g.grantee) END,
       g.privilege_type, g.is_grantable
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace, aclexplode(c.relacl) g
WHERE n.nspname = %s AND c.relkind = 'v' AND g.grantee <> c.relowner
"""

Grant = tuple[str | None, str, bool]
"""A privilege on a view: grantee role (None for PUBLIC), privilege, grant option."""


@dataclass(frozen=True, slots=True)
class ViewFile(SqlText):
    """One file of ``sql/views``: the current definition of ``analytics.<name>``."""

    order: int
    name: str
    path: Traversable


def discover_views(directory: Traversable = VIEWS_DIR) -> list[ViewFile]:
    """The view files in ``directory``, in the order they must be created."""
    found: list[ViewFile] = []
    for path in sql_files(directory):
        match = _FILE_PATTERN.match(path.name)
        if not match:
            raise MigrationError(f"view file {path.name} is not named NN_view_name.sql; rename it")
        found.append(ViewFile(int(match.group(1)), match.group(2), path))
    names = [view.name for view in found]
    for name in names:
        if names.count(name) > 1:
            raise MigrationError(f"two files in sql/views define view {name}; keep one")
    return found


def apply_views(conn: psycopg.Connection, directory: Traversable = VIEWS_DIR) -> list[ViewFile]:
    """Create the views of ``directory`` again unless the database already has exactly
    them; return the views created (empty when nothing had changed)."""
    views = discover_views(directory)
    with conn.transaction():
        lock_schema(conn)
        try:
            recorded = {row[0]: (row[1], row[2]) for row in conn.execute(_RECORDED)}
        except psycopg.errors.UndefinedTable:
            raise MigrationError(
                "table warehouse.schema_views is missing: the views in sql/views need the "
                "migrations of the same newsflow version; run newsflow db upgrade"
            ) from None
        live = _live_hashes(conn)
        if _up_to_date(views, recorded, live):
            return []
        grants = _grants(conn)
        dropped = (set(recorded) | {view.name for view in views}) & set(live)
        _drop(conn, sorted(dropped))
        for view in views:
            _create(conn, view)
        _restore_grants(conn, grants, dropped & {view.name for view in views})
        live = _live_hashes(conn)
        conn.execute(_FORGET)
        for view in views:
            conn.execute(_RECORD, (view.name, view.path.name, view.checksum, live[view.name]))
    log.info("re-applied %d analytics view(s) from sql/views", len(views))
    return views


def _up_to_date(
    views: list[ViewFile], recorded: dict[str, tuple[str, str]], live: dict[str, str]
) -> bool:
    if set(recorded) != {view.name for view in views}:
        return False
    return all(recorded[view.name] == (view.checksum, live.get(view.name)) for view in views)


def _live_hashes(conn: psycopg.Connection) -> dict[str, str]:
    return {row[0]: row[1] for row in conn.execute(_LIVE, (SCHEMA,))}


def _grants(conn: psycopg.Connection) -> dict[str, list[Grant]]:
    grants: dict[str, list[Grant]] = {}
    for view, grantee, privilege, grantable in conn.execute(_GRANTS, (SCHEMA,)):
        grants.setdefault(view, []).append((grantee, privilege, grantable))
    return grants


def _qualified(name: str) -> sql.Composed:
    return sql.SQL("{}.{}").format(sql.Identifier(SCHEMA), sql.Identifier(name))


def _drop(conn: psycopg.Connection, names: list[str]) -> None:
    """Drop the views ``names`` in one statement, which allows them to depend on each other."""
    if not names:
        return
    try:
        conn.execute(sql.SQL("DROP VIEW {}").format(sql.SQL(", ").join(map(_qualified, names))))
    except psycopg.errors.DependentObjectsStillExist as exc:
        detail = exc.diag.message_detail or str(exc)
        raise MigrationError(
            f"cannot re-create the analytics views: objects outside newsflow depend on them "
            f"({' '.join(detail.split())}); drop those objects, run newsflow db upgrade, "
            "then create them again"
        ) from None
    except psycopg.errors.InsufficientPrivilege as exc:
        raise MigrationError(
            f"cannot re-create the analytics views: {exc.diag.message_primary or exc}; run "
            "newsflow as the role that owns them (the one that ran the migrations)"
        ) from None


def _create(conn: psycopg.Connection, view: ViewFile) -> None:
    try:
        conn.execute(view.sql)
    except psycopg.Error as exc:
        raise MigrationError(
            f"view file {view.path.name} failed: {exc.diag.message_primary or exc} "
            "(a view that reads another view needs a higher number than that view's file)"
        ) from exc
    found = conn.execute("SELECT to_regclass(%s)", (f"{SCHEMA}.{view.name}",)).fetchone()
    if found is None or found[0] is None:
        raise MigrationError(
            f"view file {view.path.name} did not create view {SCHEMA}.{view.name}; a file "
            "NN_name.sql must create the view of that name"
        )


def _restore_grants(
    conn: psycopg.Connection, grants: dict[str, list[Grant]], existed: set[str]
) -> None:
    """Give every view that ``existed`` before the drop exactly the privileges it had,
    whatever default privileges granted when it was created again. New views keep
    the default privileges (those of ``grant_reader`` make them readable)."""
    now = _grants(conn)
    for name in sorted(existed):
        if sorted(now.get(name, []), key=str) == sorted(grants.get(name, []), key=str):
            continue
        target = _qualified(name)
        for grantee in {g for g, _, _ in now.get(name, [])}:
            conn.execute(sql.SQL("REVOKE ALL ON {} FROM {}").format(target, _role(grantee)))
        for grantee, privilege, grantable in grants.get(name, []):
            conn.execute(
                sql.SQL("GRANT {} ON {} TO {}{}").format(
                    sql.SQL(privilege),
                    target,
                    _role(grantee),
                    sql.SQL(" WITH GRANT OPTION" if grantable else ""),
                )
            )


def _role(grantee: str | None) -> sql.Composable:
    return sql.SQL("PUBLIC") if grantee is None else sql.Identifier(grantee)
