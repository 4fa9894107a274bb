"""Stop downloading pages that are not HTML as soon as their headers arrive.

A PDF, image or video listed among a site's articles is recorded (``not_html``) and
skipped without transferring its body. Only page requests are checked: sitemaps,
feeds and robots.txt are XML or text by nature.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from scrapy import signals
from scrapy.exceptions import StopDownload

from crawlers.job import KIND

if TYPE_CHECKING:
    from scrapy import Request, Spider
    from scrapy.crawler import Crawler
    from scrapy.http import Headers

PAGE_KINDS = frozenset({"article", "nav"})
HTML_TYPES = ("text/html", "application/xhtml+xml")


def is_html_type(content_type: str | None) -> bool:
    """True for an HTML media type, and for a missing one (decided from the body later)."""
    if not content_type:
        return True
    media = content_type.split(";", 1)[0].strip().lower()
    return media in HTML_TYPES or media == ""


class HtmlOnlyExtension:
    """Stops the download of a page whose headers say it is not HTML."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        extension = cls(crawler)
        crawler.signals.connect(extension.headers_received, signal=signals.headers_received)
        return extension

    def headers_received(
        self, headers: Headers, body_length: object, request: Request, spider: Spider | None = None
    ) -> None:
        if request.meta.get(KIND) not in PAGE_KINDS:
            return
        value = headers.get(b"Content-Type")
        if not is_html_type(value.decode("latin-1") if value else None):
            self.crawler.stats.inc_value("newsflow/stopped_not_html")
            raise StopDownload(fail=False)
