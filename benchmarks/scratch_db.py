"""Throw-away databases for benchmarks: one per measurement, dropped afterwards."""

from __future__ import annotations

import secrets
from contextlib import contextmanager
from typing import Iterator

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo


def create_scratch_database(server_url: str, prefix: str = "newsflow_bench") -> str:
    """Create an empty database on the server of ``server_url``; its URL."""
    name = f"{prefix}_{secrets.token_hex(4)}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    params = conninfo_to_dict(server_url)
    params["dbname"] = name
    return make_conninfo(**params)


def drop_scratch_database(server_url: str, url: str) -> None:
    """Drop the database of ``url`` (connected to through ``server_url``)."""
    name = conninfo_to_dict(url)["dbname"]
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
            sql.Identifier(name)))


@contextmanager
def scratch_database(server_url: str, prefix: str = "newsflow_bench") -> Iterator[str]:
    """A fresh database for the ``with`` block, dropped afterwards."""
    url = create_scratch_database(server_url, prefix)
    try:
        yield url
    finally:
        drop_scratch_database(server_url, url)
