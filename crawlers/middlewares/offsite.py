"""Redirects never leave the source's hosts.

Article requests carry ``dont_filter=True`` (the frontier already decided them), which
Scrapy's ``OffsiteMiddleware`` honours, so a redirect to another host would pass it.
This middleware runs first in the chain and refuses a redirected request whose host is
not one of the source's; the page is recorded as failed with ``offsite_redirect``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Self
from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest

if TYPE_CHECKING:
    from scrapy import Request, Spider
    from scrapy.crawler import Crawler


class OffsiteRedirect(IgnoreRequest):
    """A redirect pointed outside the source's hosts."""


def leaves_hosts(url: str, hosts: frozenset[str]) -> bool:
    """True when ``url`` is not on one of ``hosts`` (lower-case host names)."""
    return bool(hosts) and (urlsplit(url).hostname or "").lower() not in hosts


class OffsiteRedirectMiddleware:
    """Refuses a redirect that leaves the spider's ``allowed_domains``."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        if not request.meta.get("redirect_urls"):
            return None
        spider = spider or self.crawler.spider
        hosts = frozenset(h.lower() for h in getattr(spider, "allowed_domains", None) or ())
        if leaves_hosts(request.url, hosts):
            self.crawler.stats.inc_value("newsflow/offsite_redirects")
            raise OffsiteRedirect(f"offsite redirect to {request.url}")
        return None
