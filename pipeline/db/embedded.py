"""The embedded PostgreSQL used when no ``NEWSFLOW_DATABASE_URL`` is configured.

It runs from the ``pgserver`` package with its data under ``$NEWSFLOW_HOME/postgres``
and keeps running after the process that started it exits, so a second process (the
next command, an Airflow task) finds the running server through its ``postmaster.pid``
and reuses it instead of starting another.
"""

from __future__ import annotations

import logging
import warnings
from pathlib import Path

from pipeline.errors import ConfigError, DatabaseUnavailableError

log = logging.getLogger(__name__)


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
    return server.get_uri()


def stop_embedded(data_dir: Path) -> bool:
    """Stop the embedded server in ``data_dir`` if one runs; True when one was stopped."""
    if not (data_dir / "postmaster.pid").exists():
        return False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs without XDG_RUNTIME_DIR, as above
        from pgserver.postgres_server import get_server

        server = get_server(data_dir, cleanup_mode="stop")
        server.cleanup()
    return True
