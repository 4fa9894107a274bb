"""Item pipeline: every page outcome the spider yields goes into crawl state and stats.

Article outcomes count as fetched, not modified, skipped by robots or failed by reason;
section-page failures count by their ``nav_*`` reason (discovery failures, see
``crawlers.result``) and their robots.txt refusals as ``nav_skipped_by_robots``.
"""

from __future__ import annotations

from crawlers.state import FetchRecord

COUNTED_OUTCOMES = {
    "fetched": "newsflow/fetched",
    "not_modified": "newsflow/not_modified",
    "skipped_by_robots": "newsflow/skipped_by_robots",
}


class CrawlStatePipeline:
    def __init__(self, crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item, spider=None):
        if not isinstance(item, FetchRecord):
            return item
        spider = self.crawler.spider
        spider.frontier.store.fetched(item)
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

    def close_spider(self, spider=None) -> None:
        self.crawler.spider.frontier.store.flush()
