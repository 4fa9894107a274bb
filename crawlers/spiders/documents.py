"""Reading discovery documents, conditionally: the base of the one spider.

Sitemaps, sitemap indexes, feeds, pages read for the feeds they announce and robots.txt
read for its ``Sitemap:`` lines are asked with the validators of their last read, and a
child sitemap whose lastmod in its index is unchanged is not asked at all
(``crawlers.conditional``; the state is ``crawlers.discovery_state``). A 304, or a body
with the hash of the last one, is not parsed: the documents it led to last time are
followed instead, and the frontier re-checks the source's known URLs that are due
(``Frontier.recheck``). Parsing a document that did change is
``crawlers.discovery``; what is reported is ``crawlers.spiders.reporting``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

import scrapy
from scrapy.http import Response

from crawlers.conditional import (
    Child,
    DocumentState,
    body_sha256,
    body_unchanged,
    request_headers,
    skip_child,
)
from crawlers.discovery import (
    MalformedDocument,
    feed_links,
    parse_feed,
    parse_sitemap,
    robots_sitemaps,
)
from crawlers.job import KIND
from crawlers.middlewares.archive import ArchiveUnavailable
from crawlers.outcomes import failure_reason
from crawlers.spiders import reporting

if TYPE_CHECKING:
    from twisted.python.failure import Failure

    from crawlers.discovery_state import DiscoveryStateStore
    from crawlers.frontier import Admitted, Frontier
    from crawlers.state import FetchRecord

log = logging.getLogger(__name__)

DOCUMENT_URL = "newsflow_document_url"
"""Request.meta key: the discovery document's URL as first requested (before redirects)."""
LISTED_LASTMOD = "newsflow_listed_lastmod"
"""Request.meta key: the lastmod a sitemap index gave for the child sitemap asked."""
NOT_MODIFIED = "newsflow/discovery_not_modified"
UNCHANGED = "newsflow/discovery_unchanged"


@dataclass(frozen=True, slots=True)
class Parsed:
    """What reading a document gave: the documents it leads to, the requests to make
    now, and whether it was read as its kind expects."""

    children: tuple[Child, ...]
    requests: list[scrapy.Request]
    failure: str | None = None
    """Why the document did not give what its kind promises (then it is not taken as
    read: the next run reads it again, and reports it again); None when it did."""


DOCUMENT_KINDS = ("sitemap", "feed", "robots_sitemaps", "feed_links")
"""Request kinds of discovery documents (remembered in discovery state)."""


def failed_request(failure: Failure) -> tuple[scrapy.Request, BaseException]:
    """The request an errback's failure is about, and what went wrong."""
    request: scrapy.Request = failure.request  # type: ignore[attr-defined]  # set by Scrapy
    assert failure.value is not None  # a Failure always holds its exception
    return request, failure.value


def header(response: Response, name: bytes) -> str | None:
    """A response header as text, None when absent."""
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


class DocumentSpider(scrapy.Spider):
    """Discovery documents of one source, asked conditionally; subclasses add pages."""

    frontier: Frontier
    docs: DiscoveryStateStore

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # Link following waits until the sitemaps and feeds are read: a page they date
        # outside the window must not be fetched first, undated, through a link.
        self._documents_pending = 0
        self._documents_asked: set[tuple[str, str]] = set()  # (kind, URL): each read once
        self._held_start: list[scrapy.Request] = []
        self._rechecked = False

    def _requests(
        self, admitted: Iterable[Admitted], depth: int | None = None
    ) -> list[scrapy.Request]:
        """Queue ``admitted`` pages; the requests that may be handed to Scrapy now."""
        raise NotImplementedError

    def _document(
        self, url: str, kind: str, listed_lastmod: datetime | None = None
    ) -> list[scrapy.Request]:
        """The request for a discovery document; none for one already asked for, or for
        a child sitemap whose lastmod in its index is unchanged (``listed_lastmod``)."""
        if (kind, url) in self._documents_asked:
            log.debug("%s %s is listed again (by itself?): read once", kind, url)
            return []
        self._documents_asked.add((kind, url))
        self._documents_pending += 1
        state = self.docs.get(kind, url)
        if kind == "sitemap" and state is not None and skip_child(listed_lastmod, state):
            log.debug("sitemap %s not asked: its lastmod in the index is unchanged", url)
            self.crawler.stats.inc_value(NOT_MODIFIED)
            return self._unchanged(kind, url, replace(state, index_lastmod=listed_lastmod))
        headers = request_headers(state)
        meta: dict[str, Any] = {KIND: kind, DOCUMENT_URL: url, LISTED_LASTMOD: listed_lastmod}
        if headers:
            meta["handle_httpstatus_list"] = [304]
        # A page announcing feeds may also be a start URL, fetched again for its links.
        return [
            scrapy.Request(
                url,
                headers=headers,
                callback=self.read_document,
                errback=self.document_failed,
                meta=meta,
                priority=10,
                dont_filter=kind == "feed_links",
            )
        ]

    def _document_done(self) -> list[scrapy.Request]:
        """The held link-following requests, once the last sitemap or feed is read."""
        self._documents_pending -= 1
        if self._documents_pending > 0 or not self._held_start:
            return []
        held, self._held_start = self._held_start, []
        return held

    def read_document(self, response: Response) -> list[scrapy.Request]:
        """A discovery document's answer: not parsed when it did not change."""
        kind, url = response.meta[KIND], response.meta[DOCUMENT_URL]
        listed: datetime | None = response.meta.get(LISTED_LASTMOD)
        state = self.docs.get(kind, url)
        if response.status == 304 and state is not None:
            self.crawler.stats.inc_value(NOT_MODIFIED)
            kept = replace(
                state,
                etag=header(response, b"ETag") or state.etag,
                last_modified=header(response, b"Last-Modified") or state.last_modified,
                index_lastmod=listed,
            )
            return self._unchanged(kind, url, kept)
        sha256 = body_sha256(response.body)
        if state is not None and body_unchanged(sha256, state):
            self.crawler.stats.inc_value(UNCHANGED)
            return self._unchanged(kind, url, replace(state, index_lastmod=listed))
        parsed = self._parse_document(kind, response)
        if parsed.failure is None:
            read = DocumentState(
                etag=header(response, b"ETag"),
                last_modified=header(response, b"Last-Modified"),
                body_sha256=sha256,
                index_lastmod=listed,
                children=parsed.children,
            )
            self.docs.read(kind, url, read, changed=True)
        else:
            self.docs.failed(kind, url, parsed.failure)
        return [*parsed.requests, *self._document_done()]

    def _unchanged(self, kind: str, url: str, state: DocumentState) -> list[scrapy.Request]:
        """A document that did not change: what it led to last time, and the due URLs."""
        self.docs.read(kind, url, state, changed=False)
        return [
            *self.recheck(),
            *self._child_requests(kind, state.children),
            *self._document_done(),
        ]

    def recheck(self) -> list[scrapy.Request]:
        """Once a run: the source's known URLs that are due again (``Frontier.recheck``)."""
        if self._rechecked:
            return []
        self._rechecked = True
        return self._requests(self.frontier.recheck())

    def _child_requests(self, kind: str, children: Sequence[Child]) -> list[scrapy.Request]:
        """The requests for the documents a document of ``kind`` leads to."""
        requests = []
        for child in children:
            if kind == "sitemap":
                requests += self._document(child.url, "sitemap", child.lastmod)
            elif kind == "robots_sitemaps":
                # A host may list the sitemaps of sections (or publications) the source
                # denies: their pages would all be dropped, so they are not read at all.
                if self.frontier.filter.denied(child.url):
                    log.debug("sitemap %s from robots.txt not read: denied", child.url)
                else:
                    requests += self._document(child.url, "sitemap")
            elif kind == "feed_links":
                requests += self._document(child.url, "feed")
        return requests

    def _parse_document(self, kind: str, response: Response) -> Parsed:
        reader = {
            "sitemap": self._parse_sitemap,
            "feed": self._parse_feed,
            "robots_sitemaps": self._parse_robots,
            "feed_links": self._parse_feed_links,
        }[kind]
        try:
            return reader(response)
        except MalformedDocument as exc:
            name = "feed" if kind == "feed" else "sitemap"
            reporting.discovery_failed(self.crawler.stats, name, "malformed", response.url, exc)
            return Parsed((), [], "malformed")

    def _parse_robots(self, response: Response) -> Parsed:
        listed = robots_sitemaps(response.text if response.body else "", response.url)
        if not listed:
            reporting.discovery_failed(
                self.crawler.stats,
                "sitemap",
                "none_listed",
                response.url,
                "it lists no Sitemap: line",
            )
        children = tuple(Child(url) for url in listed)
        requests = self._child_requests("robots_sitemaps", children)
        return Parsed(children, requests, None if listed else "none_listed")

    def _parse_sitemap(self, response: Response) -> Parsed:
        sitemap = parse_sitemap(response.body, response.url)
        reporting.document_read(
            self.crawler.stats, "sitemap", response.url, sitemap.recovered, not sitemap.children
        )
        children = tuple(
            Child(url, lastmod)
            for url, lastmod in zip(sitemap.children, sitemap.child_lastmods, strict=True)
        )
        requests = self._child_requests("sitemap", children)
        return Parsed(children, [*requests, *self._requests(self.frontier.admit(sitemap.pages))])

    def _parse_feed(self, response: Response) -> Parsed:
        items = parse_feed(response.body, response.url)
        reporting.document_read(self.crawler.stats, "feed", response.url, items.recovered, True)
        return Parsed((), self._requests(self.frontier.admit(items)))

    def _parse_feed_links(self, response: Response) -> Parsed:
        announced = feed_links(response.body, response.url)
        if not announced:
            reporting.discovery_failed(
                self.crawler.stats,
                "feed",
                "none_announced",
                response.url,
                'it announces no feed (no <link rel="alternate" '
                'type="application/rss+xml"> or Atom)',
            )
        log.info("%s announces %d feed(s): %s", response.url, len(announced), ", ".join(announced))
        children = tuple(Child(url) for url in announced)
        requests = self._child_requests("feed_links", children)
        return Parsed(children, requests, None if announced else "none_announced")

    def document_failed(self, failure: Failure) -> Sequence[FetchRecord | scrapy.Request]:
        request, error = failed_request(failure)
        kind = request.meta.get(KIND, "document")
        if isinstance(error, ArchiveUnavailable):  # the crawl is stopping: read it next run
            return self._document_done() if kind in DOCUMENT_KINDS else []
        reason = failure_reason(error)
        reporting.discovery_failed(self.crawler.stats, kind, reason, request.url, error)
        if kind in DOCUMENT_KINDS:
            self.docs.failed(kind, request.meta.get(DOCUMENT_URL, request.url), reason)
            return self._document_done()
        return []
