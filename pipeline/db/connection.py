"""Which database newsflow uses, and opening connections to it."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit, urlunsplit

import psycopg

from pipeline.config import Settings
from pipeline.errors import ConfigError, DatabaseUnavailableError, first_line

log = logging.getLogger(__name__)

CONNECT_TIMEOUT_S = 10


def database_url(settings: Settings) -> str:
    """The configured database URL, starting the embedded server when none is set."""
    if settings.database_url:
        return settings.database_url
    from pipeline.db.embedded import embedded_url

    return embedded_url(settings.embedded_dir)


def connect(
    url: str, *, autocommit: bool = False, application_name: str = "newsflow"
) -> psycopg.Connection:
    """Open a connection, turning connection failures into ``DatabaseUnavailableError``
    (transient) and a malformed URL into ``ConfigError``."""
    try:
        return psycopg.connect(
            url,
            autocommit=autocommit,
            connect_timeout=CONNECT_TIMEOUT_S,
            application_name=application_name,
        )
    except psycopg.OperationalError as exc:
        raise DatabaseUnavailableError(
            f"cannot connect to PostgreSQL at {mask_url(url)}: {first_line(exc)}; "
            "check that the server is running and NEWSFLOW_DATABASE_URL is right"
        ) from None
    except psycopg.ProgrammingError as exc:  # retrying cannot fix a malformed URL
        raise ConfigError(
            f"invalid database URL {mask_url(url)}: {first_line(exc)}; fix NEWSFLOW_DATABASE_URL"
        ) from None


def libpq_url(url: str) -> str:
    """A PostgreSQL URL as libpq takes it: Airflow writes postgres connections as
    ``postgres://`` and SQLAlchemy adds a driver (``postgresql+psycopg://``)."""
    for prefix in ("postgres://", "postgresql+psycopg://", "postgresql+psycopg2://"):
        if url.startswith(prefix):
            return "postgresql://" + url[len(prefix) :]
    return url


def mask_url(url: str) -> str:
    """The URL with any password replaced by ``***`` (safe to print and log)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<unparseable URL>"
    if not parts.password:
        if "password=" in parts.query:
            query = "&".join(
                "password=***" if item.startswith("password=") else item
                for item in parts.query.split("&")
            )
            return urlunsplit(parts._replace(query=query))
        return url
    user = parts.username or ""
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{host}{port}"))


def describe_url(settings: Settings, url: str) -> str:
    """One line saying which database is in use, for the CLI to print."""
    if settings.database_url:
        return f"database: {mask_url(url)} (from NEWSFLOW_DATABASE_URL)"
    return f"database: embedded PostgreSQL in {settings.embedded_dir} ({mask_url(url)})"
