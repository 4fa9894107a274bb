"""Fault tests reuse the crawler tests' fast crawl settings and their module database."""

from tests.crawlers.conftest import crawl_env  # noqa: F401  # a fixture: pytest finds it by its name here
