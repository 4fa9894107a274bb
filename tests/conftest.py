"""Shared fixtures: a throw-away PostgreSQL database per test run, and settings.

The database server is, in order: ``NEWSFLOW_TEST_DATABASE_URL``; the server at
127.0.0.1:5432 (user postgres) when reachable; an embedded PostgreSQL in a temporary
directory. The run creates uniquely named databases on it (a migrated one is a copy of
one database migrated once for the run) and drops them all at the end, so runs never
collide or leave data behind.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from devtools.postgres_server import postgres_server
from devtools.s3_server import S3Server
from pipeline.config import Settings
from pipeline.db import apply_migrations

REPO_ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _with_dbname(url: str, dbname: str) -> str:
    params = conninfo_to_dict(url)
    params["dbname"] = dbname
    return make_conninfo(**params)


def _start_order(item: pytest.Item) -> tuple[bool, float]:
    """Slow tests first, the longest time limit first among them."""
    limit = item.get_closest_marker("timeout")
    return item.get_closest_marker("slow") is None, -float(limit.args[0] if limit else 0)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The files with slow end-to-end tests first (the order is kept otherwise): ``make test`` runs
    the tests in several processes, each taking a test file at a time, so the longest
    files start at once and the many short ones fill in around them instead of one long
    file running alone at the end."""
    first: dict[Path, tuple[bool, float]] = {}
    for item in items:
        key = _start_order(item)
        first[item.path] = min(first.get(item.path, key), key)
    items.sort(key=lambda item: first[item.path])  # a file's tests stay together


@pytest.fixture(scope="session")
def pg_server_url() -> Iterator[str]:
    """A URL for the maintenance database of the PostgreSQL server tests use."""
    configured = os.environ.get("NEWSFLOW_TEST_DATABASE_URL")
    with postgres_server(configured, prefix="newsflow-test-pg-") as url:
        yield url


class Databases:
    """The databases a run creates on the test server, all dropped when it ends."""

    def __init__(self, server_url: str) -> None:
        self.server_url = server_url
        self.names: list[str] = []

    def create(self, template: str | None = None) -> str:
        """A new database, a copy of the database ``template`` when given; its URL."""
        name = f"newsflow_test_{os.getpid()}_{secrets.token_hex(4)}"
        statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template is not None:
            statement += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
        with psycopg.connect(self.server_url, autocommit=True) as conn:
            conn.execute(statement)
        self.names.append(name)
        return _with_dbname(self.server_url, name)

    def drop_all(self) -> None:
        """Drop them all, ``DROP_CONNECTIONS`` at a time: each DROP DATABASE waits for a
        checkpoint of the whole server (a second or more when other databases have dirty
        pages), and drops waiting together share one, so a run's many databases go in
        seconds instead of minutes one after the other."""

        def drop(name: str) -> None:
            with psycopg.connect(self.server_url, autocommit=True) as conn:
                conn.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )

        with ThreadPoolExecutor(max_workers=DROP_CONNECTIONS) as pool:
            for done in [pool.submit(drop, name) for name in self.names]:
                done.result()


DROP_CONNECTIONS = 16
"""Connections that drop the run's databases at once (well under max_connections)."""


@pytest.fixture(scope="session")
def _databases(pg_server_url: str) -> Iterator[Databases]:
    databases = Databases(pg_server_url)
    yield databases
    databases.drop_all()


@pytest.fixture(scope="session")
def make_database(_databases: Databases) -> Callable[[], str]:
    """A factory of new empty databases on the test server, all dropped at the end."""
    return _databases.create


@pytest.fixture(scope="session")
def make_migrated_database(_databases: Databases) -> Callable[[], str]:
    """A factory of new databases holding every migration and view, as
    ``apply_migrations`` leaves a new database: copies (CREATE DATABASE ... TEMPLATE) of
    one database migrated once for the run, all dropped at the end. Tests of the
    migrations themselves start from ``make_database`` instead."""
    template_url = _databases.create()
    with psycopg.connect(template_url) as conn:
        apply_migrations(conn)
    template = conninfo_to_dict(template_url)["dbname"]
    return lambda: _databases.create(template)


@pytest.fixture(scope="session")
def database_url(make_migrated_database: Callable[[], str]) -> str:
    """The run's migrated database (shared by the tests of one run)."""
    return make_migrated_database()


_WAREHOUSE_TABLES = """
SELECT format('%I.%I', schemaname, tablename) FROM pg_tables
WHERE schemaname = 'warehouse' AND tablename NOT IN ('schema_migrations', 'schema_views')
"""


@pytest.fixture
def clean_database_url(database_url: str) -> str:
    """The run's database with every warehouse table emptied before the test."""
    with psycopg.connect(database_url) as conn:
        tables = [row[0] for row in conn.execute(_WAREHOUSE_TABLES)]
        if tables:
            conn.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
    return database_url


@pytest.fixture
def db(clean_database_url: str) -> Iterator[psycopg.Connection]:
    """An autocommit connection to the emptied run database."""
    with psycopg.connect(clean_database_url, autocommit=True) as conn:
        yield conn


@pytest.fixture
def settings(tmp_path: Path, clean_database_url: str) -> Settings:
    """Settings with a temporary NEWSFLOW_HOME and the emptied test database."""
    return Settings.from_env(
        {
            "NEWSFLOW_HOME": str(tmp_path / "home"),
            "NEWSFLOW_DATABASE_URL": clean_database_url,
            "NEWSFLOW_SOURCES": str(tmp_path / "sources.yaml"),
        }
    )


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3Server]:
    """moto's S3 server on 127.0.0.1 for the session (devtools/s3_server.py)."""
    server = S3Server().start()
    try:
        yield server
    finally:
        server.kill()


@pytest.fixture
def s3_settings(settings: Settings, s3_server: S3Server) -> Settings:
    """``settings`` with the archive in a fresh bucket of the test S3 server."""
    return settings.with_overrides(
        archive_url=f"s3://{s3_server.bucket()}/archive", storage_env=s3_server.env()
    )
