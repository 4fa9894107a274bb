"""Fixtures for crawler tests: a migrated database and fast-but-polite crawl settings."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

from pipeline import runs
from pipeline.config import CrawlLimits, Settings

FAST_LIMITS = CrawlLimits(
    download_delay_s=0.0,
    autothrottle_start_delay_s=0.01,
    autothrottle_max_delay_s=1.0,
    download_timeout_s=1.0,
    max_response_bytes=200_000,
    warn_response_bytes=100_000,
    max_redirects=3,
    retry_times=1,
    retry_after_max_s=5.0,
    backoff_base_s=0.05,
    backoff_max_s=0.2,
    crawl_timeout_s=60.0,
)
"""Tiny delays and limits so test crawls take about a second."""


@dataclass
class CrawlEnv:
    settings: Settings
    database_url: str

    def new_run(self) -> int:
        with psycopg.connect(self.database_url) as conn:
            return runs.create_run(conn, sources=[], since=None, until=None, trigger="test")

    def connect(self) -> psycopg.Connection:
        return psycopg.connect(self.database_url, autocommit=True)


@pytest.fixture(scope="module")
def crawl_env(make_migrated_database, tmp_path_factory) -> CrawlEnv:
    """A migrated database and NEWSFLOW_HOME of the test module's own."""
    url = make_migrated_database()
    home: Path = tmp_path_factory.mktemp("newsflow-home")
    settings = Settings.from_env(
        {
            "NEWSFLOW_HOME": str(home),
            "NEWSFLOW_DATABASE_URL": url,
            "NEWSFLOW_CONTACT_URL": "https://example.org/contact",
        }
    )
    return CrawlEnv(settings.with_overrides(crawl=FAST_LIMITS), url)
