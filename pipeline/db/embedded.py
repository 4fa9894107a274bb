"""The embedded PostgreSQL used when no ``NEWSFLOW_DATABASE_URL`` is configured.

It runs from the ``pgserver`` package with its data under ``$NEWSFLOW_HOME/postgres``
and keeps running after the process that started it exits, so a second process (the
next command, an Airflow task) finds the running server through its ``postmaster.pid``
and reuses it instead of starting another.

The embedded server is for the demo and for warehouses up to some 100,000 articles
(about 1 GB): it keeps PostgreSQL's 128 MB of shared buffers and gets the few
settings of ``EMBEDDED_SETTINGS`` (docs/deployment.md says how they were chosen and
what a larger warehouse needs), written once with ``ALTER SYSTEM``.
"""

from __future__ import annotations

import logging
import warnings
from pathlib import Path

import psycopg
from psycopg import sql

from pipeline.errors import ConfigError, DatabaseUnavailableError

log = logging.getLogger(__name__)

EMBEDDED_SETTINGS = {
    "work_mem": "16MB",
    "maintenance_work_mem": "256MB",
    "effective_cache_size": "1GB",
    "checkpoint_completion_target": "0.9",
    "jit": "off",
}
"""Settings a reload applies (no restart), suited to a warehouse of up to ~100k articles:
sorts and hash joins of the analyst queries in memory, index builds and VACUUM of the
near-duplicate index in one pass, and no JIT compilation (short queries, where it costs
more than it saves)."""
_APPLIED = """
SELECT name FROM pg_file_settings
WHERE sourcefile LIKE '%%postgresql.auto.conf' AND applied AND name = ANY(%s)
"""


def embedded_url(data_dir: Path) -> str:
    """Start (or find the running) embedded server in ``data_dir`` and return its URL."""
    try:
        with warnings.catch_warnings():
            # platformdirs warns when XDG_RUNTIME_DIR is unset (cron, CI); harmless here.
            warnings.simplefilter("ignore")
            from pgserver.postgres_server import get_server
    except ImportError:  # pragma: no cover - pgserver is a hard dependency
        raise ConfigError(
            "the embedded PostgreSQL needs the 'pgserver' package; install newsflow with "
            "'make install' or set NEWSFLOW_DATABASE_URL to a PostgreSQL server"
        ) from None
    data_dir.mkdir(parents=True, exist_ok=True)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            server = get_server(data_dir, cleanup_mode=None)
    except Exception as exc:  # pgserver raises plain exceptions from pg_ctl/initdb
        raise DatabaseUnavailableError(
            f"could not start the embedded PostgreSQL in {data_dir}: {exc}; "
            "check the directory is writable or set NEWSFLOW_DATABASE_URL"
        ) from exc
    log.debug("embedded PostgreSQL running from %s", data_dir)
    url: str = server.get_uri()
    tune_embedded(url)
    return url


def tune_embedded(url: str) -> bool:
    """Write ``EMBEDDED_SETTINGS`` into the server's configuration and reload it, unless
    they are there already; True when they were written."""
    with psycopg.connect(url, autocommit=True) as conn:
        applied = {row[0] for row in conn.execute(_APPLIED, (list(EMBEDDED_SETTINGS),))}
        if applied >= set(EMBEDDED_SETTINGS):
            return False
        for name, value in EMBEDDED_SETTINGS.items():
            conn.execute(
                sql.SQL("ALTER SYSTEM SET {} = {}").format(sql.Identifier(name), sql.Literal(value))
            )
        conn.execute("SELECT pg_reload_conf()")
    log.info("embedded PostgreSQL: settings for its size written (docs/deployment.md)")
    return True


def stop_embedded(data_dir: Path) -> bool:
    """Stop the embedded server in ``data_dir`` if one runs; True when one was stopped."""
    if not (data_dir / "postmaster.pid").exists():
        return False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs without XDG_RUNTIME_DIR, as above
        from pgserver.postgres_server import get_server

        server = get_server(data_dir, cleanup_mode="stop")
        # get_server hands back this process's own handle when it started the server
        # (with cleanup_mode None, which would leave the server running on cleanup)
        server.cleanup_mode = "stop"
        server.cleanup()
    return True
