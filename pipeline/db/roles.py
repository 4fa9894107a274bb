"""The read-only analyst role: SELECT on the views in schema ``analytics`` and nothing else.

Roles are cluster-wide, privileges are per database: ``grant_reader`` creates the role
if needed and grants it read access in the database of ``conn``. The views run with
their owner's rights, so the role reads ``analytics`` without any privilege on
``warehouse``. Default privileges make views that the granting role creates later (new
migrations) readable too, so run migrations and this as the same role.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import psycopg
from psycopg import sql

from pipeline.errors import DatabasePermissionError, PermanentError

log = logging.getLogger(__name__)

DEFAULT_READER = "newsflow_reader"
ANALYTICS = "analytics"

_ROLE = """
SELECT rolcanlogin, rolsuper, rolname = current_user
FROM pg_roles WHERE rolname = %s
"""
_CREATE = "CREATE ROLE {role} {login}"
_SET_LOGIN = "ALTER ROLE {role} {login}"
_GRANTS = (
    "GRANT CONNECT ON DATABASE {database} TO {role}",
    "GRANT USAGE ON SCHEMA {schema} TO {role}",
    "GRANT SELECT ON ALL TABLES IN SCHEMA {schema} TO {role}",
    "GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA {schema} TO {role}",
    "ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT SELECT ON TABLES TO {role}",
    "ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT EXECUTE ON FUNCTIONS TO {role}",
    # Belt and braces: even a privilege granted by mistake later cannot write.
    "ALTER ROLE {role} IN DATABASE {database} SET default_transaction_read_only = on",
    "ALTER ROLE {role} IN DATABASE {database} SET search_path = analytics, public",
)
_REVOKES = (
    "ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} REVOKE ALL ON TABLES FROM {role}",
    "ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} REVOKE ALL ON FUNCTIONS FROM {role}",
    "REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {role}",
    "REVOKE ALL ON ALL FUNCTIONS IN SCHEMA {schema} FROM {role}",
    "REVOKE ALL ON SCHEMA {schema} FROM {role}",
    "REVOKE ALL ON DATABASE {database} FROM {role}",
    "ALTER ROLE {role} IN DATABASE {database} RESET ALL",
)
_DROP = "DROP ROLE IF EXISTS {role}"


@dataclass(frozen=True, slots=True)
class ReaderGrant:
    """What ``grant_reader`` did."""

    role: str
    database: str
    created: bool
    can_login: bool


def _format(statement: str, role: str, database: str, login: bool = False) -> sql.Composed:
    return sql.SQL(statement).format(
        role=sql.Identifier(role),
        database=sql.Identifier(database),
        schema=sql.Identifier(ANALYTICS),
        login=sql.SQL("LOGIN" if login else "NOLOGIN"),
    )


def grant_reader(
    conn: psycopg.Connection, role: str = DEFAULT_READER, login: bool | None = None
) -> ReaderGrant:
    """Create ``role`` if missing and give it read-only access to ``analytics``.

    ``login``: True lets the role log in (set its password yourself, e.g. ``\\password``
    in psql), False makes it a group role you grant to people; None creates a NOLOGIN
    role and leaves an existing role's LOGIN attribute as it is. Idempotent. Refuses
    superusers and the role newsflow itself connects as, which can never be read-only.
    """
    database = conn.info.dbname
    try:
        with conn.transaction():
            row = conn.execute(_ROLE, (role,)).fetchone()
            if row is not None and (row[1] or row[2]):
                raise PermanentError(
                    f"role {role!r} is a superuser or the role newsflow connects as and can "
                    "never be read-only; choose another name for the reader role"
                )
            if row is None:
                can_login = bool(login)
                conn.execute(_format(_CREATE, role, database, can_login))
            else:
                can_login = row[0] if login is None else login
                if login is not None and login != row[0]:
                    conn.execute(_format(_SET_LOGIN, role, database, login))
            for statement in _GRANTS:
                conn.execute(_format(statement, role, database))
    except psycopg.errors.InsufficientPrivilege as exc:
        raise DatabasePermissionError(
            f"cannot set up the reader role {role!r}: {str(exc).strip()}; run this as a role "
            "with CREATEROLE that owns the analytics views (the one that ran the migrations)"
        ) from None
    log.info("role %s can read schema analytics in database %s", role, database)
    return ReaderGrant(role=role, database=database, created=row is None, can_login=can_login)


def drop_reader(conn: psycopg.Connection, role: str) -> None:
    """Revoke what ``grant_reader`` granted in this database and drop ``role``.

    The drop fails (``DatabasePermissionError``) while the role still holds privileges in
    other databases; run this in each of them.
    """
    database = conn.info.dbname
    try:
        with conn.transaction():
            if conn.execute(_ROLE, (role,)).fetchone() is None:
                return
            for statement in _REVOKES:
                conn.execute(_format(statement, role, database))
            conn.execute(_format(_DROP, role, database))
    except (psycopg.errors.DependentObjectsStillExist, psycopg.errors.InsufficientPrivilege) as exc:
        raise DatabasePermissionError(f"cannot drop role {role!r}: {str(exc).strip()}") from None
