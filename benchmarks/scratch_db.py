"""The benchmarks' database: one server (NEWSFLOW_BENCH_DATABASE_URL), throw-away databases."""

from __future__ import annotations

import os
import secrets
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

SERVER_ENV = "NEWSFLOW_BENCH_DATABASE_URL"
"""The one variable every benchmark reads: a URL of a PostgreSQL server (any database on
it) where the benchmark may create and drop databases."""
LOCAL_SERVER_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


@contextmanager
def database_server(configured: str | None = None) -> Iterator[str]:
    """The URL of the server to create scratch databases on, for the ``with`` block.

    ``configured`` (a command-line option), else ``NEWSFLOW_BENCH_DATABASE_URL``, else
    127.0.0.1:5432 when it answers, else an embedded PostgreSQL in a temporary folder,
    stopped and removed when the block ends.
    """
    configured = configured or os.environ.get(SERVER_ENV)
    if configured:
        yield configured
        return
    if _reachable(LOCAL_SERVER_URL):
        yield LOCAL_SERVER_URL
        return
    from pipeline.db.embedded import embedded_url, stop_embedded

    with tempfile.TemporaryDirectory(prefix="newsflow-bench-pg-") as tmp:
        data_dir = Path(tmp) / "postgres"
        try:
            yield embedded_url(data_dir)
        finally:
            stop_embedded(data_dir)


@contextmanager
def scratch_database(server_url: str, prefix: str = "newsflow_bench") -> Iterator[str]:
    """A fresh, empty database on the server of ``server_url`` for the ``with`` block (its
    URL), dropped afterwards even while connections to it are open."""
    name = f"{prefix}_{secrets.token_hex(4)}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    params = conninfo_to_dict(server_url)
    params["dbname"] = name
    try:
        yield make_conninfo(**params)
    finally:
        with psycopg.connect(server_url, autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def _reachable(url: str) -> bool:
    try:
        psycopg.connect(url, connect_timeout=2).close()
        return True
    except psycopg.Error:
        return False
