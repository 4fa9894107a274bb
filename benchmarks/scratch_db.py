"""The benchmarks' database: one server (NEWSFLOW_BENCH_DATABASE_URL), throw-away databases."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from devtools.postgres_server import postgres_server

SERVER_ENV = "NEWSFLOW_BENCH_DATABASE_URL"
"""The one variable every benchmark reads: a URL of a PostgreSQL server (any database on
it) where the benchmark may create and drop databases."""


@contextmanager
def database_server(configured: str | None = None) -> Iterator[str]:
    """The URL of the server to create scratch databases on, for the ``with`` block.

    ``configured`` (a command-line option), else ``NEWSFLOW_BENCH_DATABASE_URL``, else
    127.0.0.1:5432 when it answers, else an embedded PostgreSQL in a temporary folder,
    stopped and removed when the block ends.
    """
    with postgres_server(
        configured or os.environ.get(SERVER_ENV), prefix="newsflow-bench-pg-"
    ) as url:
        yield url


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
