"""The one configuration object, built from the environment.

Nothing else in newsflow reads ``os.environ``: code takes a ``Settings`` (or the
values it needs) as an argument.

Environment variables:

``NEWSFLOW_DATABASE_URL``
    PostgreSQL URL. Unset: an embedded PostgreSQL under ``$NEWSFLOW_HOME/postgres``.
``NEWSFLOW_HOME``
    State directory: embedded database, raw page archive, run files.
    Default ``~/.local/share/newsflow``.
``NEWSFLOW_SOURCES``
    Default sources file. Default ``./sources.yaml``. May be an ``s3://bucket/key`` URL
    (read with the AWS variables below); ``start_run`` reads it once and the run plan
    carries its text to the other steps.
``NEWSFLOW_USER_AGENT`` / ``NEWSFLOW_CONTACT_URL``
    How the crawler identifies itself to publishers.
``NEWSFLOW_NEAR_DUPLICATE_THRESHOLD``
    Jaccard similarity (0-1) above which two bodies are near duplicates. Default 0.8.
``NEWSFLOW_MIN_ARTICLE_CHARS``
    Bodies shorter than this are reported as ``not_article``. Default 200
    (``pipeline.records.DEFAULT_MIN_ARTICLE_CHARS``).
``NEWSFLOW_REVISIT_DAYS``
    For sources whose discovery gives no dates: re-fetch a known page after this many days.
``NEWSFLOW_EXTRACT_PROCESSES``
    Extraction worker processes (1 is one worker, never the calling process).
    Default: the number of CPU cores.
``NEWSFLOW_EXTRACT_TIMEOUT``
    Seconds one page may take in an extraction worker; a page over it (or one whose
    worker dies) gets an ``error`` result and the batch goes on. Default 120.
``NEWSFLOW_DERIVE_CONNECTIONS``
    Database connections that compute search vectors and word counts at once after a
    source's load and link step (the derive step; each keeps one server core busy).
    Default: the number of CPU cores, at most 4.
``NEWSFLOW_DOWNLOAD_DELAY``
    Seconds between two requests to one host, for sources that set no ``download_delay``.
``NEWSFLOW_CRAWL_TIMEOUT``
    Seconds one source's crawl may take before it is stopped. Default 14400 (4 hours).
``NEWSFLOW_ARCHIVE_URL``
    Where WARC files and run hand-off files go: a local path (default
    ``$NEWSFLOW_HOME/archive``) or ``s3://bucket/prefix`` on any S3-compatible store,
    reached with the standard ``AWS_ENDPOINT_URL``, ``AWS_ACCESS_KEY_ID``,
    ``AWS_SECRET_ACCESS_KEY`` and ``AWS_REGION`` (never printed). With a bucket, crawls
    upload their WARC files in parts (``crawlers.warc_parts``) and the extraction
    results go to ``runs/<run>/<source>/`` in it (``pipeline.handoff``); temporary files
    wait under ``$NEWSFLOW_HOME/tmp`` and are removed by the task that wrote them.
``NEWSFLOW_CRAWL_QUEUE`` / ``NEWSFLOW_PROCESS_QUEUE``
    Under Airflow's CeleryExecutor: the queue of the crawl tasks, and of the extract,
    load, check and re-processing tasks, so crawls run on machines with network access
    and the rest elsewhere (docs/airflow.md). Unset: Airflow's default queue.
``NEWSFLOW_HOST_LOCK_WAIT``
    Seconds a crawl (``newsflow run``, ``newsflow crawl``) waits for a host another
    crawl is crawling before that source gives up (``pipeline.host_lock``). Default
    3600; 0: do not wait. The Airflow crawl task never waits: it reschedules itself.
``NEWSFLOW_HOST_BUSY_RETRY``
    Seconds after which an Airflow crawl task that found its host busy is tried again
    (it is rescheduled, no retry used). Default 120.
``NEWSFLOW_CHROMIUM``
    The Chromium executable that renders the pages of ``render: browser`` sources.
    Default ``/usr/bin/chromium`` (Debian's package ``chromium``); nothing downloads a
    browser.
``NEWSFLOW_ALERT_WEBHOOK``
    A Slack-compatible incoming-webhook URL: a run that ends partial or failed posts one
    message per failed source or quality breach. Unset: no alerts.
``NEWSFLOW_ALERT_TIMEOUT``
    Seconds to wait for the webhook to answer. Default 10.
``NEWSFLOW_AIRFLOW_URL``
    Base URL of the Airflow UI (e.g. ``http://localhost:8080``), for links in alerts.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pipeline.errors import ConfigError
from pipeline.records import DEFAULT_MIN_ARTICLE_CHARS
from pipeline.store import STORAGE_VARIABLES, ArchiveStore, open_store

DEFAULT_CONTACT_URL = "https://github.com/newsflow/newsflow"
DEFAULT_SCHEDULE = "0 2 * * *"
DEFAULT_HOST_LOCK_WAIT_S = 3600.0
DEFAULT_CHROMIUM = Path("/usr/bin/chromium")
"""Debian's ``chromium`` package installs the browser here."""


def _default_derive_connections() -> int:
    return min(os.cpu_count() or 1, 4)


@dataclass(frozen=True, slots=True)
class QualityThresholds:
    """Limits the per-source quality checks enforce after each run (shares are 0-1)."""

    min_article_share: float = 0.5
    """Share of fetched pages that must yield an article."""
    min_title_share: float = 0.95
    min_date_share: float = 0.8
    min_author_share: float = 0.3
    max_empty_body_share: float = 0.05
    max_duplicate_share: float = 0.5
    max_drop_vs_trailing: float = 0.5
    """Fail when the article count falls below this fraction of the source's trailing
    7-run average (catches a redesign that silently breaks extraction)."""
    min_pages_for_checks: int = 5
    """Runs that fetched fewer pages than this are too small to judge."""
    max_blocked_share: float = 0.5
    """Fail when more than this share of the article pages asked were answered by a bot
    wall (judged however few pages there were)."""


@dataclass(frozen=True, slots=True)
class CrawlLimits:
    """Politeness and safety limits of the crawler (times in seconds, sizes in bytes)."""

    download_delay_s: float = 0.5
    """Delay between requests to one host when the source sets no ``download_delay``."""
    autothrottle_start_delay_s: float = 1.0
    autothrottle_max_delay_s: float = 30.0
    concurrency_per_host: int = 2
    concurrency_total: int = 16
    download_timeout_s: float = 30.0
    max_response_bytes: int = 10 * 1024 * 1024
    warn_response_bytes: int = 2 * 1024 * 1024
    max_redirects: int = 5
    retry_times: int = 2
    retry_after_max_s: float = 120.0
    """Longest ``Retry-After`` honoured; longer ones are capped to this."""
    backoff_base_s: float = 2.0
    """First retry delay for other retryable errors, doubled on each further retry."""
    backoff_max_s: float = 60.0
    follow_depth: int = 2
    """How many links deep link-following goes from the start URLs."""
    warc_roll_bytes: int = 100 * 1024 * 1024
    warc_part_bytes: int = 16 * 1024 * 1024
    """With a remote archive: size at which a WARC part is closed and uploaded."""
    warc_part_s: float = 30.0
    """With a remote archive: age at which a WARC part is closed and uploaded, so its
    pages reach crawl state (and extraction) soon."""
    crawl_timeout_s: float = 4 * 3600.0
    """Wall-clock limit of one source's crawl (the child process is stopped after it)."""
    render_pages: int = 2
    """Browser pages open at once for a ``render: browser`` source."""
    render_pages_per_context: int = 100
    """Pages one browser context renders before it is closed and a fresh one started,
    so the browser's memory stays bounded."""


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything newsflow needs to know about its environment."""

    home: Path
    database_url: str | None
    """None means: use the embedded PostgreSQL under ``home / "postgres"``."""
    sources_path: Path | str
    """``NEWSFLOW_SOURCES``: a path, or an ``s3://bucket/key`` URL (kept a str)."""
    user_agent: str
    contact_url: str
    near_duplicate_threshold: float = 0.8
    min_article_chars: int = DEFAULT_MIN_ARTICLE_CHARS
    revisit_days: float = 7.0
    retry_failed_hours: float = 20.0
    """A page that failed is tried again after this wait, doubled for every further
    consecutive failure and capped at ``revisit_days``."""
    extract_processes: int = field(default_factory=lambda: os.cpu_count() or 1)
    extract_timeout_s: float = 120.0
    """Seconds one page may take in an extraction worker before it is stopped and the
    page gets an ``error`` result."""
    derive_connections: int = field(default_factory=_default_derive_connections)
    schedule: str = DEFAULT_SCHEDULE
    quality: QualityThresholds = field(default_factory=QualityThresholds)
    crawl: CrawlLimits = field(default_factory=CrawlLimits)
    alert_webhook: str | None = None
    """Slack-compatible webhook for run alerts (a secret: log it through
    ``pipeline.alerts.mask_webhook``); None: no alerts."""
    alert_timeout_s: float = 10.0
    airflow_url: str | None = None
    """Base URL of the Airflow UI, for links in alerts; None: no links."""
    chromium_path: Path = DEFAULT_CHROMIUM
    """The browser that renders ``render: browser`` sources' pages."""
    archive_url: str | None = None
    """``NEWSFLOW_ARCHIVE_URL``: the archive's store (``pipeline.store``); None: the
    folder ``archive_dir``."""
    crawl_queue: str | None = None
    """``NEWSFLOW_CRAWL_QUEUE``: the Celery queue of the DAGs' crawl tasks; None: Airflow's
    default queue."""
    process_queue: str | None = None
    """``NEWSFLOW_PROCESS_QUEUE``: the Celery queue of the extract, load and check tasks
    (and re-processing); None: Airflow's default queue."""
    storage_env: Mapping[str, str] = field(default_factory=dict, repr=False)
    """The standard AWS variables (endpoint, credentials, region) for a remote archive;
    secrets, so never in ``repr``."""
    host_lock_wait_s: float = DEFAULT_HOST_LOCK_WAIT_S
    """How long a crawl waits for a host another crawl holds (``pipeline.host_lock``)."""
    host_busy_retry_s: float = 120.0
    """When an Airflow crawl task that found its host busy is rescheduled."""

    @property
    def embedded_dir(self) -> Path:
        return self.home / "postgres"

    @property
    def archive_dir(self) -> Path:
        return self.home / "archive"

    def archive_store(self) -> ArchiveStore:
        """The store the archive and run hand-off files go to."""
        return open_store(self.archive_url, self.archive_dir, self.storage_env)

    @property
    def runs_dir(self) -> Path:
        return self.home / "runs"

    @property
    def tmp_dir(self) -> Path:
        """Temporary files (WARC parts and results waiting for their upload to a remote
        archive); each task removes its own."""
        return self.home / "tmp"

    def with_overrides(self, **changes: Any) -> Settings:
        """A copy with some fields replaced (used by tests and the CLI's options)."""
        return replace(self, **changes)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Build settings from environment variables (``os.environ`` by default)."""
        env = os.environ if env is None else env
        home = Path(env.get("NEWSFLOW_HOME") or "~/.local/share/newsflow").expanduser()
        contact = env.get("NEWSFLOW_CONTACT_URL") or DEFAULT_CONTACT_URL
        from pipeline import __version__

        user_agent = env.get("NEWSFLOW_USER_AGENT") or f"newsflow/{__version__} (+{contact})"
        return cls(
            home=home,
            database_url=env.get("NEWSFLOW_DATABASE_URL") or None,
            sources_path=_sources_location(env.get("NEWSFLOW_SOURCES") or "sources.yaml"),
            user_agent=user_agent,
            contact_url=contact,
            near_duplicate_threshold=_number(
                env, "NEWSFLOW_NEAR_DUPLICATE_THRESHOLD", 0.8, low=0.0, high=1.0
            ),
            min_article_chars=int(
                _number(env, "NEWSFLOW_MIN_ARTICLE_CHARS", DEFAULT_MIN_ARTICLE_CHARS, low=0)
            ),
            revisit_days=_number(env, "NEWSFLOW_REVISIT_DAYS", 7.0, low=0.0),
            retry_failed_hours=_number(env, "NEWSFLOW_RETRY_FAILED_HOURS", 20.0, low=0.0),
            extract_processes=int(
                _number(env, "NEWSFLOW_EXTRACT_PROCESSES", os.cpu_count() or 1, low=1)
            ),
            extract_timeout_s=_number(env, "NEWSFLOW_EXTRACT_TIMEOUT", 120.0, low=1.0),
            derive_connections=int(
                _number(env, "NEWSFLOW_DERIVE_CONNECTIONS", _default_derive_connections(), low=1)
            ),
            schedule=env.get("NEWSFLOW_SCHEDULE") or DEFAULT_SCHEDULE,
            crawl=CrawlLimits(
                download_delay_s=_number(env, "NEWSFLOW_DOWNLOAD_DELAY", 0.5, low=0.0),
                crawl_timeout_s=_number(env, "NEWSFLOW_CRAWL_TIMEOUT", 4 * 3600.0, low=1.0),
            ),
            alert_webhook=_http_url(env, "NEWSFLOW_ALERT_WEBHOOK"),
            alert_timeout_s=_number(env, "NEWSFLOW_ALERT_TIMEOUT", 10.0, low=0.1),
            airflow_url=_http_url(env, "NEWSFLOW_AIRFLOW_URL"),
            chromium_path=Path(env.get("NEWSFLOW_CHROMIUM") or DEFAULT_CHROMIUM).expanduser(),
            archive_url=(env.get("NEWSFLOW_ARCHIVE_URL") or "").strip() or None,
            crawl_queue=(env.get("NEWSFLOW_CRAWL_QUEUE") or "").strip() or None,
            process_queue=(env.get("NEWSFLOW_PROCESS_QUEUE") or "").strip() or None,
            storage_env={name: env[name] for name in STORAGE_VARIABLES if env.get(name)},
            host_lock_wait_s=_number(
                env, "NEWSFLOW_HOST_LOCK_WAIT", DEFAULT_HOST_LOCK_WAIT_S, low=0.0
            ),
            host_busy_retry_s=_number(env, "NEWSFLOW_HOST_BUSY_RETRY", 120.0, low=1.0),
        )


def _sources_location(raw: str) -> Path | str:
    """A sources file given as a URL stays a str (a ``Path`` would fold its ``//``)."""
    return raw.strip() if "://" in raw else Path(raw).expanduser()


def _number(
    env: Mapping[str, str], name: str, default: float, *, low: float, high: float | None = None
) -> float:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number, got {raw!r}") from None
    if value < low or (high is not None and value > high):
        bounds = f">= {low}" if high is None else f"between {low} and {high}"
        raise ConfigError(f"{name} must be {bounds}, got {raw!r}")
    return value


def _http_url(env: Mapping[str, str], name: str) -> str | None:
    """An http(s) URL from ``name``; None when unset. The value is not echoed in the
    error: a webhook URL is a secret."""
    raw = (env.get(name) or "").strip()
    if not raw:
        return None
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"{name} must be an http:// or https:// URL with a host")
    return raw
