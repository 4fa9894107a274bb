"""A source's own headers, cookies and proxy (``headers:``, ``cookies:``, ``proxy:``).

- The headers, and the cookies as one ``Cookie`` header, go on every request to one of
  the source's hosts (``Source.hosts``: the hosts of its sitemaps, feeds and start URLs,
  the same hosts the offsite checks use), robots.txt included: a site that wants a header
  before it serves pages may want it for robots.txt too, and it is the same site.
- A request to any other host never carries them: this middleware takes them off again
  (a redirect copies a request's headers; ``OffsiteRedirectMiddleware`` refuses an
  off-site redirect first, this is the second line).
- The proxy goes into ``request.meta["proxy"]`` of every request of the crawl; Scrapy's
  ``HttpProxyMiddleware`` (after this one) turns its credentials into
  ``Proxy-Authorization``. Without ``proxy:``, that middleware uses the process-wide
  ``HTTPS_PROXY``/``HTTP_PROXY``/``NO_PROXY``.

Values never reach logs or stats: the start-up line names headers and cookies and masks
the proxy's credentials, the stats count requests. The archive keeps the request record
of each page with these values (and any ``Authorization``/``Proxy-Authorization``)
replaced by ``***`` (``redacted``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING, Self

from scrapy.utils.httpobj import urlparse_cached

from pipeline.source_requests import mask_proxy

if TYPE_CHECKING:
    from scrapy import Request, Spider
    from scrapy.crawler import Crawler

    from crawlers.job import CrawlJob
    from pipeline.sources import Source

log = logging.getLogger(__name__)

MASK = "***"
ALWAYS_SECRET = frozenset({"cookie", "authorization", "proxy-authorization"})
"""Request headers whose values the archive never keeps, whatever the source says."""


def cookie_header(cookies: Iterable[tuple[str, str]]) -> str | None:
    """The ``Cookie`` header value of ``cookies`` (RFC 6265 section 4.2.1), None if none."""
    return "; ".join(f"{name}={value}" for name, value in cookies) or None


def secret_names(source: Source) -> frozenset[str]:
    """Lower-case names of the request headers whose values are not to be kept."""
    return ALWAYS_SECRET | {name.lower() for name, _ in source.headers}


def redacted(pairs: Iterable[tuple[str, str]], secret: frozenset[str]) -> list[tuple[str, str]]:
    """``pairs`` with the values of the ``secret`` header names replaced by ``***``."""
    return [(name, MASK if name.lower() in secret else value) for name, value in pairs]


class SourceRequestsMiddleware:
    """Adds the source's headers and cookies on its hosts, removes them elsewhere, and
    sends every request through the source's proxy."""

    def __init__(self, crawler: Crawler, source: Source) -> None:
        self.crawler = crawler
        self.hosts = frozenset(source.hosts)
        self.headers = source.headers
        self.cookie = cookie_header(source.cookies)
        self.proxy = source.proxy
        self.names = [name for name, _ in self.headers] + (["Cookie"] if self.cookie else [])

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        job: CrawlJob = crawler.settings["NEWSFLOW_JOB"]
        middleware = cls(crawler, job.source)
        middleware.log_start(job.source)
        return middleware

    def log_start(self, source: Source) -> None:
        """One line saying what the source adds to its requests, values left out."""
        if self.names:
            log.info(
                "source '%s': headers %s and cookies %s sent to its hosts only (%s)",
                source.name,
                ", ".join(name for name, _ in source.headers) or "(none)",
                ", ".join(name for name, _ in source.cookies) or "(none)",
                ", ".join(sorted(self.hosts)),
            )
        if self.proxy:
            log.info(
                "source '%s': requests go through the proxy %s", source.name, mask_proxy(self.proxy)
            )

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        if self.proxy:
            request.meta["proxy"] = self.proxy
        if not self.names:
            return None
        stats = self.crawler.stats
        assert stats is not None  # set once the crawler runs
        if (urlparse_cached(request).hostname or "").lower() in self.hosts:
            for name, value in self.headers:
                request.headers[name] = value
            if self.cookie:
                request.headers["Cookie"] = self.cookie
            stats.inc_value("newsflow/source_headers_sent")
            return None
        withheld = [name for name in self.names if name in request.headers]
        for name in withheld:
            del request.headers[name]
        if withheld:
            stats.inc_value("newsflow/source_headers_withheld")
        return None
