"""The typed result of one source's crawl, built from the crawl's Scrapy stats."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from pipeline.runs import RunCounts

FAILED_PREFIX = "newsflow/failed/"
FAILED_DOCUMENTS = "newsflow/failed_documents"
"""Stats key of the list of discovery documents that failed, each "URL what went wrong"."""
MAX_FAILED_DOCUMENTS = 20
"""Failed discovery documents named in a result; more are only counted."""
DISCOVERY_KINDS = ("sitemap", "feed", "nav", "document")
"""Failure reasons of discovery requests start with one of these and ``_``
(``sitemap_malformed``, ``nav_http_500``); article reasons never do."""


def is_discovery_reason(reason: str) -> bool:
    """True for the failure of a sitemap, feed or section page, not of an article."""
    return reason.partition("_")[0] in DISCOVERY_KINDS


@dataclass(frozen=True, slots=True)
class CrawlResult:
    """What one source's crawl did. Page failures are counted, never raised."""

    source: str
    discovered: int = 0
    """Distinct canonical article URLs found by discovery (after hosts/allow/deny)."""
    skipped_unchanged: int = 0
    skipped_by_date: int = 0
    skipped_failed_recently: int = 0
    """Known URLs whose last attempt failed and whose wait before a new try is not over."""
    skipped_by_robots: int = 0
    """Article URLs disallowed by robots.txt, refused in this crawl or remembered."""
    skipped_by_robots_remembered: int = 0
    """Of ``skipped_by_robots``: refused by the same robots.txt in an earlier run, so
    neither queued nor requested nor counted against ``max_pages``."""
    discovery_skipped_failed_recently: int = 0
    """Section pages not requested because their last request failed and the wait
    before a new try is not over (``skipped_failed_recently`` counts articles)."""
    fetched: int = 0
    """Article pages downloaded (HTML, archived, waiting for extraction)."""
    not_modified: int = 0
    """Conditional requests answered 304."""
    blocked: int = 0
    """Article pages a bot wall answered (a challenge or block page, see
    ``crawlers.botwall``); not counted in ``failed``."""
    skipped_blocked_host: int = 0
    """Article pages not requested because their host walled several pages in a row."""
    failed_by_reason: dict[str, int] = field(default_factory=dict)
    """Failed requests by reason: articles (``http_404``, ``timeout``, ``too_large``,
    ``not_html``, ``redirect_loop``, ...) and discovery documents, whose reasons name
    their kind (``sitemap_malformed``, ``feed_http_404``, ``nav_timeout``, ...)."""
    error: str | None = None
    """Set when the crawl itself failed (child died, archive not writable, timeout)."""
    documents_read: int = 0
    """Discovery documents that gave links: sitemaps and feeds (recovered ones too) and
    section pages. Sitemap indexes, robots.txt and pages announcing feeds only point at
    other documents and are not counted."""
    discovery_recovered: int = 0
    """Sitemaps and feeds that were not well-formed and were read as far as they went."""
    discovery_not_modified: int = 0
    """Discovery documents not downloaded again because they had not changed: answered
    304, or child sitemaps whose lastmod in the index was unchanged (not requested)."""
    discovery_unchanged: int = 0
    """Discovery documents downloaded with the body of last time (same SHA-256): not
    parsed again."""
    discovered_before: int = 0
    """Set when discovery read documents but found no article URL: the article URLs
    the latest earlier run of the source that found any discovered (0: none before)."""
    failed_documents: tuple[str, ...] = ()
    """The discovery documents that failed, each as "URL what went wrong" (the first
    ``MAX_FAILED_DOCUMENTS``; ``discovery_failed`` counts them all)."""
    over_limit: int = 0
    """URLs left for a later run because ``max_pages`` was reached."""
    requests: int = 0
    """HTTP requests sent, robots.txt, sitemaps and retries included."""
    archived_bytes: int = 0
    elapsed_s: float = 0.0
    peak_rss_mb: float = 0.0
    """Peak resident memory of the crawl's child process."""

    @property
    def failed(self) -> int:
        """Article pages that could not be fetched."""
        return sum(
            n for reason, n in self.failed_by_reason.items() if not is_discovery_reason(reason)
        )

    @property
    def discovery_failed(self) -> int:
        """Sitemaps, feeds and section pages that could not be fetched or parsed."""
        return sum(n for reason, n in self.failed_by_reason.items() if is_discovery_reason(reason))

    def discovery_error(self) -> str | None:
        """Why the source's discovery is broken: every document it tried failed, or
        the documents it read list no article URL where an earlier run found some.
        None on a quiet day (documents read, their URLs known or outside the window)
        and when no document was tried (start URLs that are articles)."""
        if self.documents_read and not self.discovered and self.discovered_before:
            failed = (
                "; failed: " + "; ".join(self.failed_documents) if self.failed_documents else ""
            )
            return (
                f"source '{self.source}': discovery found no article URL in "
                f"{self.documents_read} document(s) read, where an earlier run found "
                f"{self.discovered_before}; check that the sitemaps and feeds still list "
                f"the articles and that allow/deny still match their URLs{failed}"
            )
        if (
            self.documents_read
            or self.discovery_not_modified
            or self.discovery_unchanged
            or not self.failed_documents
        ):
            return None
        return f"source '{self.source}': no discovery document could be read: " + "; ".join(
            self.failed_documents
        )

    def source_error(self) -> str | None:
        """Why this source's crawl counts as failed: the crawl's own error, else
        ``discovery_error``; None when it succeeded."""
        return self.error or self.discovery_error()

    def run_counts(self) -> RunCounts:
        """The run counters this crawl adds to its source."""
        return RunCounts(
            pages_discovered=self.discovered,
            pages_fetched=self.fetched,
            failed=self.failed,
            discovery_failed=self.discovery_failed,
            discovery_recovered=self.discovery_recovered,
            discovery_not_modified=self.discovery_not_modified,
            discovery_unchanged=self.discovery_unchanged,
            blocked=self.blocked,
        )

    def as_dict(self) -> dict[str, Any]:
        """A JSON-able dict of every field, and of ``failed`` and ``discovery_failed``."""
        return {**asdict(self), "failed": self.failed, "discovery_failed": self.discovery_failed}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CrawlResult:
        fields = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        fields["failed_documents"] = tuple(fields.get("failed_documents", ()))
        return cls(**fields)

    @classmethod
    def from_stats(
        cls,
        source: str,
        stats: Mapping[str, Any],
        *,
        error: str | None = None,
        elapsed_s: float = 0.0,
        peak_rss_mb: float = 0.0,
    ) -> CrawlResult:
        """Read the ``newsflow/*`` counters a crawl left in its Scrapy stats."""

        def count(key: str) -> int:
            return int(stats.get(f"newsflow/{key}", 0) or 0)

        failed = {
            key[len(FAILED_PREFIX) :]: int(value)
            for key, value in stats.items()
            if key.startswith(FAILED_PREFIX) and value
        }
        return cls(
            source=source,
            discovered=count("discovered"),
            skipped_unchanged=count("skipped_unchanged"),
            skipped_by_date=count("skipped_by_date"),
            skipped_failed_recently=count("skipped_failed_recently"),
            skipped_by_robots=count("skipped_by_robots"),
            skipped_by_robots_remembered=count("skipped_by_robots_remembered"),
            discovery_skipped_failed_recently=count("discovery_skipped_failed_recently"),
            fetched=count("fetched"),
            not_modified=count("not_modified"),
            blocked=count("blocked"),
            skipped_blocked_host=count("skipped_blocked_host"),
            failed_by_reason=dict(sorted(failed.items())),
            error=error,
            documents_read=count("documents_read"),
            discovery_recovered=count("discovery_recovered"),
            discovery_not_modified=count("discovery_not_modified"),
            discovery_unchanged=count("discovery_unchanged"),
            failed_documents=tuple(stats.get(FAILED_DOCUMENTS, ()) or ()),
            over_limit=count("over_limit"),
            requests=int(stats.get("downloader/request_count", 0) or 0),
            archived_bytes=count("archived_bytes"),
            elapsed_s=round(elapsed_s, 3),
            peak_rss_mb=round(peak_rss_mb, 1),
        )
