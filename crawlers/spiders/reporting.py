"""What the spider reports of its crawl, in the log and the crawl's Scrapy stats.

Failed discovery documents and section pages, documents read and the frontier's counts
go into the ``newsflow/*`` stats keys that ``CrawlResult.from_stats`` reads back.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from crawlers.job import FETCHED_AT, FOUND
from crawlers.outcomes import document_failure, navigation_failure_record
from crawlers.result import FAILED_DOCUMENTS, MAX_FAILED_DOCUMENTS

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.statscollectors import StatsCollector

    from crawlers.frontier import FrontierCounts
    from crawlers.state import FetchRecord

log = logging.getLogger(__name__)


def discovery_failed(
    stats: StatsCollector, kind: str, reason: str, url: str, error: object
) -> None:
    """Log and count a sitemap, feed or robots.txt that could not be read."""
    kind = {"robots_sitemaps": "sitemap", "feed_links": "feed"}.get(kind, kind)
    log.error(
        "%s %s failed (%s): %s; the rest of the source is still crawled",
        kind,
        url,
        reason,
        error,
    )
    stats.inc_value(f"newsflow/failed/{kind}_{reason}")
    remember_failed_document(stats, url, reason, error)


def navigation_failed(
    stats: StatsCollector, request: Request, error: BaseException, reason: str
) -> FetchRecord:
    """The crawl-state record of a section page that could not be read (counted as a
    discovery failure by the item pipeline, and waiting before its next try)."""
    if reason == "robots":
        # A link into a disallowed section is not a failure: it is not followed.
        log.debug("link %s not followed: disallowed by robots.txt", request.url)
    else:
        log.error(
            "nav %s failed (%s): %s; the rest of the source is still crawled",
            request.url,
            reason,
            error,
        )
        remember_failed_document(stats, request.url, reason, error)
    response = getattr(error, "response", None)
    return navigation_failure_record(
        request.meta[FOUND],
        reason,
        status=getattr(response, "status", None),
        fetched_at=request.meta.get(FETCHED_AT),
        robots_sha256=getattr(error, "robots_sha256", None),
    )


def remember_failed_document(stats: StatsCollector, url: str, reason: str, error: object) -> None:
    """Name a discovery document that could not be read in the crawl's result (what a
    source whose every document failed reports, and a partly failed one lists)."""
    failed = stats.get_value(FAILED_DOCUMENTS) or []
    if len(failed) < MAX_FAILED_DOCUMENTS:
        detail = "" if reason.startswith("http_") else str(error)
        stats.set_value(FAILED_DOCUMENTS, [*failed, document_failure(url, reason, detail)])


def document_read(
    stats: StatsCollector, kind: str, url: str, recovered: bool, gave_links: bool
) -> None:
    """Count a sitemap or feed read; an index (it only names others) is not counted."""
    if recovered:
        log.warning("%s %s is not well-formed: read as far as it goes", kind, url)
        stats.inc_value("newsflow/discovery_recovered")
    if gave_links:
        stats.inc_value("newsflow/documents_read")


def frontier_counts(stats: StatsCollector, counts: FrontierCounts) -> None:
    """Copy what the frontier counted into the stats, when the spider closes."""
    stats.set_value("newsflow/discovered", counts.discovered)
    stats.set_value("newsflow/skipped_unchanged", counts.skipped_unchanged)
    stats.set_value("newsflow/skipped_by_date", counts.skipped_by_date)
    stats.set_value("newsflow/skipped_failed_recently", counts.skipped_failed_recently)
    # Refusals remembered by the frontier add to those robots.txt made in this crawl.
    stats.inc_value("newsflow/skipped_by_robots", counts.skipped_by_robots)
    stats.set_value("newsflow/skipped_by_robots_remembered", counts.skipped_by_robots)
    stats.inc_value("newsflow/nav_skipped_by_robots", counts.nav_skipped_by_robots)
    stats.set_value(
        "newsflow/discovery_skipped_failed_recently", counts.nav_skipped_failed_recently
    )
    stats.set_value("newsflow/over_limit", counts.over_limit)
    if counts.url_too_long:
        stats.set_value("newsflow/failed/url_too_long", counts.url_too_long)
