"""The end-to-end tests' sample site, settings and helpers to read what a run stored."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import psycopg
import pytest

from devtools.sample_site import SampleSite, SiteConfig
from pipeline.config import CrawlLimits, Settings

TODAY = date(2026, 11, 20)
SITE_CONFIG = SiteConfig(
    seed=7, today=TODAY, days=4, articles_per_day=6, slow_seconds=3.0, oversized_mb=11
)
"""72 regular articles (3 publications x 4 days x 6) and the two trap articles."""

E2E_LIMITS = CrawlLimits(
    download_delay_s=0.0,
    download_timeout_s=2.0,
    retry_times=1,
    retry_after_max_s=5.0,
    backoff_base_s=0.1,
    backoff_max_s=0.5,
    crawl_timeout_s=300.0,
)
"""Production limits except: no delay (a local server), a 2 s timeout so the 3 s slow
trap times out, short backoffs."""


def sources_file(site: SampleSite, path: Path) -> Path:
    """The site's own sources file."""
    return site.write_sources_file(path)


def e2e_settings(home: Path, database_url: str) -> Settings:
    settings = Settings.from_env(
        {
            "NEWSFLOW_HOME": str(home),
            "NEWSFLOW_DATABASE_URL": database_url,
            "NEWSFLOW_EXTRACT_PROCESSES": "2",
        }
    )
    return settings.with_overrides(crawl=E2E_LIMITS)


@dataclass(frozen=True)
class StoredArticle:
    url: str
    title: str
    body: str
    original_url: str | None
    """URL of the row ``duplicate_of`` points at; None for originals."""
    version: int


STORED = """
SELECT a.url, a.title, a.body, o.url, a.version
FROM warehouse.articles a LEFT JOIN warehouse.articles o ON o.article_id = a.duplicate_of
"""


def stored_articles(database_url: str) -> dict[str, StoredArticle]:
    with psycopg.connect(database_url) as conn:
        return {row[0]: StoredArticle(*row) for row in conn.execute(STORED)}


@pytest.fixture(scope="module")
def site():
    sample = SampleSite(SITE_CONFIG)
    with sample.serve() as serving:
        yield serving
