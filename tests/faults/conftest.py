"""Fault tests reuse the crawler tests' fast crawl settings and their module database."""

from tests.crawlers.conftest import FAST_LIMITS, CrawlEnv, crawl_env  # noqa: F401
