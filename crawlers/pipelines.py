"""Item pipeline: every page outcome the spider yields goes into crawl state and stats.

Article outcomes count as fetched, not modified, skipped by robots, blocked (by a bot
wall) or failed by reason;
section-page failures count by their ``nav_*`` reason (discovery failures, see
``crawlers.result``) and their robots.txt refusals as ``nav_skipped_by_robots``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Self, cast

from crawlers.state import CrawlStateStore, FetchRecord

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler

    from crawlers.spiders.news import NewsSpider

COUNTED_OUTCOMES = {
    "fetched": "newsflow/fetched",
    "not_modified": "newsflow/not_modified",
    "skipped_by_robots": "newsflow/skipped_by_robots",
    "blocked": "newsflow/blocked",
}


class CrawlStatePipeline:
    """Remembers each ``FetchRecord`` in crawl state and counts it in the crawl's stats."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def _store(self) -> CrawlStateStore:
        # Only NewsSpider crawls enable this pipeline (crawlers.scrapy_settings).
        return cast("NewsSpider", self.crawler.spider).frontier.store

    def process_item(self, item: object, spider: Spider | None = None) -> object:
        if not isinstance(item, FetchRecord):
            return item
        self._store().fetched(item)
        stats = self.crawler.stats
        if item.kind == "navigation":
            if item.outcome == "failed":
                stats.inc_value(f"newsflow/failed/{item.failure_reason or 'nav_unknown'}")
            elif item.outcome == "skipped_by_robots":
                stats.inc_value("newsflow/nav_skipped_by_robots")
        elif item.outcome in COUNTED_OUTCOMES:
            stats.inc_value(COUNTED_OUTCOMES[item.outcome])
        elif item.outcome in ("failed", "not_html"):
            stats.inc_value(f"newsflow/failed/{item.failure_reason or 'unknown'}")
        return item

    def close_spider(self, spider: Spider | None = None) -> None:
        self._store().flush()
