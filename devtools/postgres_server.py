"""The PostgreSQL server that tests and benchmarks create throw-away databases on."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg

LOCAL_SERVER_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
"""The server the machine runs (trust auth, user postgres), used when it answers."""


def reachable(url: str) -> bool:
    """Whether a connection to ``url`` opens within two seconds."""
    try:
        psycopg.connect(url, connect_timeout=2).close()
        return True
    except psycopg.Error:
        return False


@contextmanager
def postgres_server(configured: str | None, *, prefix: str) -> Iterator[str]:
    """The URL of a server for the ``with`` block: ``configured`` when given, else
    ``LOCAL_SERVER_URL`` when it answers, else an embedded PostgreSQL in a temporary
    folder (named with ``prefix``), stopped and removed when the block ends."""
    if configured:
        yield configured
        return
    if reachable(LOCAL_SERVER_URL):
        yield LOCAL_SERVER_URL
        return
    from pipeline.db.embedded import embedded_url, stop_embedded

    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        data_dir = Path(tmp) / "postgres"
        try:
            yield embedded_url(data_dir)
        finally:
            stop_embedded(data_dir)
