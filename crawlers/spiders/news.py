"""The one spider: discovery from sitemaps, feeds, robots.txt and links; article pages.

It only decides what to follow and what to yield. Robots, politeness, limits, the
archive and crawl state are Scrapy components (``crawlers.scrapy_settings``); which
URLs are downloaded is the frontier's decision (``crawlers.frontier``).

Admitted article URLs wait in the spider's own compact queue
(``crawlers.spiders.article_queue``) and are handed to Scrapy a few at a time.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable, Iterator, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Self

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response
from scrapy.linkextractors import LinkExtractor

from crawlers.canonical import canonical_link_href, declared_canonical, try_canonical
from crawlers.discovery import (
    Discovered,
    MalformedDocument,
    discovery_documents,
    feed_links,
    parse_feed,
    parse_sitemap,
    robots_sitemaps,
)
from crawlers.frontier import Admitted, Frontier, UrlFilter
from crawlers.job import DEPTH, FETCHED_AT, FOUND, KIND, WARC, CrawlJob
from crawlers.middlewares.botwall import HostWalled
from crawlers.middlewares.robots import origin_of, robots_versions
from crawlers.outcomes import (
    failure_reason,
    failure_record,
    navigation_record,
    response_record,
    wall_record,
)
from crawlers.spiders import reporting
from crawlers.spiders.article_queue import FEED_AHEAD_MIN, ArticleQueue
from crawlers.state import CrawlStateStore, FetchRecord
from pipeline.window import Window

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from twisted.python.failure import Failure

log = logging.getLogger(__name__)


def _failed(failure: Failure) -> tuple[scrapy.Request, BaseException]:
    """The request an errback's failure is about, and what went wrong."""
    request: scrapy.Request = failure.request  # type: ignore[attr-defined]  # set by Scrapy
    assert failure.value is not None  # a Failure always holds its exception
    return request, failure.value


class NewsSpider(scrapy.Spider):
    """Reads one source's discovery documents and fetches the article pages admitted."""

    name = "newsflow"

    def __init__(self, job: CrawlJob, store: CrawlStateStore, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.job = job
        source = job.source
        self.allowed_domains = list(source.hosts)
        self.frontier = Frontier(
            store,
            url_filter=UrlFilter(source.hosts, source.allow, source.deny),
            window=Window(job.since, job.until),
            revisit=timedelta(days=job.revisit_days),
            retry_failed=timedelta(hours=job.retry_failed_hours),
            max_pages=job.page_limit,
            robots_sha256=self._robots_sha256,
        )
        self.links = LinkExtractor()  # hosts are checked on canonical URLs by the frontier
        # Link following waits until the sitemaps and feeds are read: a page they date
        # outside the window must not be fetched first, undated, through a link.
        self._documents_pending = 0
        self._documents_asked: set[tuple[str, str]] = set()  # (kind, URL): each read once
        self._held_start: list[scrapy.Request] = []
        self.articles = ArticleQueue(max(FEED_AHEAD_MIN, 2 * job.limits.concurrency_total))

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider._release_on_idle, signal=signals.spider_idle)
        return spider

    # --- discovery -------------------------------------------------------------------

    async def start(self) -> AsyncIterator[scrapy.Request]:
        source = self.job.source
        for url, kind in discovery_documents(source):
            for request in self._document(url, kind):
                yield request
        for request in self._start_links(source.start_urls):
            if self._documents_pending:
                self._held_start.append(request)
            else:
                yield request

    def _start_links(self, urls: Iterable[str]) -> Iterator[scrapy.Request]:
        navigation = []
        for url in urls:
            canonical = try_canonical(url)
            if canonical and self.frontier.filter.is_article(canonical):
                yield from self._requests(
                    self.frontier.admit([Discovered(canonical, url, via="link")]), depth=0
                )
            elif canonical and self.frontier.follow_navigation(canonical):
                navigation.append(Discovered(canonical, url, via="link"))
        for item in self.frontier.admit_navigation(navigation):
            yield self._navigation_request(item, depth=0)

    def _navigation_request(self, item: Discovered, *, depth: int) -> scrapy.Request:
        meta: dict[str, Any] = {KIND: "nav", FOUND: item, DEPTH: depth}
        if depth > 0:
            # A page reached through links is fetched again on every run (that is how
            # new links are found), so one that fails is not retried within the run:
            # retries would only hold the crawl open. The start URLs keep their retries.
            meta["dont_retry"] = True
        return scrapy.Request(
            item.fetch_url, callback=self.parse_navigation, errback=self.document_failed, meta=meta
        )

    def _robots_sha256(self, url: str) -> str | None:
        """The robots.txt ``url``'s host serves in this crawl (None: not read yet)."""
        return robots_versions(self.crawler).get(origin_of(url))

    def _document(self, url: str, kind: str) -> list[scrapy.Request]:
        """The request for a discovery document; none for one already asked for."""
        if (kind, url) in self._documents_asked:
            log.debug("%s %s is listed again (by itself?): read once", kind, url)
            return []
        self._documents_asked.add((kind, url))
        callback = {
            "sitemap": self.parse_sitemap,
            "feed": self.parse_feed,
            "robots_sitemaps": self.parse_robots,
            "feed_links": self.parse_feed_links,
        }[kind]
        self._documents_pending += 1
        # A page announcing feeds may also be a start URL, fetched again for its links.
        return [
            scrapy.Request(
                url,
                callback=callback,
                errback=self.document_failed,
                meta={KIND: kind},
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

    def _release_on_idle(self) -> None:
        # A request dropped without a callback or errback (filtered) would hold the
        # links, or the queued pages, forever; when nothing else is left to do, release
        # them.
        held, self._held_start = self._held_start, []
        if held:
            self._documents_pending = 0
        fed: list[scrapy.Request] = []
        if self.articles:
            self.articles.idle()
            fed = self._feed()
        for request in [*held, *fed]:
            self.crawler.engine.crawl(request)
        if held or fed:
            raise DontCloseSpider

    def parse_robots(self, response: Response) -> Iterator[scrapy.Request]:
        listed = robots_sitemaps(response.text if response.body else "", response.url)
        if not listed:
            reporting.discovery_failed(
                self.crawler.stats,
                "sitemap",
                "none_listed",
                response.url,
                "it lists no Sitemap: line",
            )
        for url in listed:
            # A host may list the sitemaps of sections (or publications) the source
            # denies: their pages would all be dropped, so they are not read at all.
            if self.frontier.filter.denied(url):
                log.debug("sitemap %s from robots.txt not read: the source denies it", url)
                continue
            yield from self._document(url, "sitemap")
        yield from self._document_done()

    def parse_sitemap(self, response: Response) -> Iterator[scrapy.Request]:
        try:
            sitemap = parse_sitemap(response.body, response.url)
        except MalformedDocument as exc:
            reporting.discovery_failed(
                self.crawler.stats, "sitemap", "malformed", response.url, exc
            )
            yield from self._document_done()
            return
        reporting.document_read(
            self.crawler.stats, "sitemap", response.url, sitemap.recovered, not sitemap.children
        )
        for child in sitemap.children:
            yield from self._document(child, "sitemap")
        yield from self._requests(self.frontier.admit(sitemap.pages))
        yield from self._document_done()

    def parse_feed(self, response: Response) -> Iterator[scrapy.Request]:
        try:
            items = parse_feed(response.body, response.url)
        except MalformedDocument as exc:
            reporting.discovery_failed(self.crawler.stats, "feed", "malformed", response.url, exc)
            yield from self._document_done()
            return
        reporting.document_read(self.crawler.stats, "feed", response.url, items.recovered, True)
        yield from self._requests(self.frontier.admit(items))
        yield from self._document_done()

    def parse_feed_links(self, response: Response) -> Iterator[scrapy.Request]:
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
        for url in announced:
            yield from self._document(url, "feed")
        yield from self._document_done()

    def parse_navigation(self, response: Response) -> Iterator[FetchRecord | scrapy.Request]:
        self.crawler.stats.inc_value("newsflow/documents_read")
        yield navigation_record(
            response.meta[FOUND],
            status=response.status,
            content_type=_header(response, b"Content-Type"),
            fetched_url=response.url,
            fetched_at=response.meta.get(FETCHED_AT) or datetime.now(UTC),
        )
        yield from self._follow(response)

    def document_failed(self, failure: Failure) -> Sequence[FetchRecord | scrapy.Request]:
        request, error = _failed(failure)
        reason = failure_reason(error)
        stats = self.crawler.stats
        if request.meta.get(KIND) == "nav":
            return [reporting.navigation_failed(stats, request, error, reason)]
        kind = request.meta.get(KIND, "document")
        reporting.discovery_failed(stats, kind, reason, request.url, error)
        if kind in ("sitemap", "feed", "robots_sitemaps", "feed_links"):
            return self._document_done()
        return []

    # --- pages -------------------------------------------------------------------------

    def _requests(
        self, admitted: Iterable[Admitted], depth: int | None = None
    ) -> list[scrapy.Request]:
        """Queue ``admitted`` pages; the requests that may be handed to Scrapy now."""
        self.articles.add(admitted, depth)
        return self._feed()

    def _feed(self) -> list[scrapy.Request]:
        """Requests for queued pages, as many as the queue hands out now."""
        return [self._article_request(item, depth) for item, depth in self.articles.take()]

    def _article_done(self) -> list[scrapy.Request]:
        """An article request came back: the next queued ones to hand over."""
        self.articles.done()
        return self._feed()

    def _article_request(self, item: Admitted, depth: int | None) -> scrapy.Request:
        meta: dict[str, Any] = {KIND: "article", FOUND: item.found}
        if depth is not None:
            meta[DEPTH] = depth
        if item.headers:
            meta["handle_httpstatus_list"] = [304]
        # The frontier already keeps one request per URL; Scrapy's duplicate filter
        # would silently drop redirect loops, which must be recorded instead.
        return scrapy.Request(
            item.found.fetch_url,
            headers=item.headers,
            meta=meta,
            callback=self.parse_article,
            errback=self.article_failed,
            dont_filter=True,
        )

    # Page callbacks return lists, not generators: for every generator callback Scrapy
    # re-inspects the function's source (is_generator_with_return_value), per response.
    def parse_article(self, response: Response) -> list[FetchRecord | scrapy.Request]:
        return [*self._article_output(response), *self._article_done()]

    def _article_output(self, response: Response) -> list[FetchRecord | scrapy.Request]:
        found: Discovered = response.meta[FOUND]
        walled = wall_record(response.meta, response)
        if walled is not None:
            return [walled]
        record = response_record(
            found,
            status=response.status,
            content_type=_header(response, b"Content-Type"),
            etag=_header(response, b"ETag"),
            last_modified=_header(response, b"Last-Modified"),
            body_start=response.body[:1024],
            fetched_url=response.url,
            fetched_at=response.meta.get(FETCHED_AT) or datetime.now(UTC),
            warc=response.meta.get(WARC),
            stopped="download_stopped" in response.flags,
        )
        if record.outcome != "fetched":
            return [record]
        output: list[FetchRecord | scrapy.Request] = []
        canonical = declared_canonical(response.url, canonical_link_href(response.body))
        if canonical and canonical != found.url:
            output.append(
                FetchRecord(
                    url=found.url,
                    outcome="canonical_elsewhere",
                    fetched_at=record.fetched_at,
                    lastmod=record.lastmod,
                    http_status=record.http_status,
                    fetched_url=response.url,
                    failure_reason=f"canonical: {canonical}",
                )
            )
            self.frontier.claim(canonical)
            record = replace(record, url=canonical)
        output.append(record)
        output.extend(self._follow(response))
        return output

    def article_failed(self, failure: Failure) -> list[FetchRecord | scrapy.Request]:
        request, error = _failed(failure)
        if isinstance(error, HostWalled):
            self.crawler.stats.inc_value("newsflow/skipped_blocked_host")
            return [*self._article_done()]
        response = getattr(error, "response", None)
        walled = wall_record(request.meta, response) if response is not None else None
        if walled is not None:
            return [walled, *self._article_done()]
        return [
            failure_record(
                request.meta[FOUND],
                failure_reason(error),
                status=getattr(response, "status", None),
                fetched_at=request.meta.get(FETCHED_AT),
                robots_sha256=getattr(error, "robots_sha256", None),
            ),
            *self._article_done(),
        ]

    def _follow(self, response: Response) -> Iterator[scrapy.Request]:
        depth = response.meta.get(DEPTH)
        if (
            depth is None
            or depth >= self.job.limits.follow_depth
            or not isinstance(response, scrapy.http.HtmlResponse)
        ):
            return
        articles, navigation = [], []
        for link in self.links.extract_links(response):
            canonical = try_canonical(link.url)
            if canonical is None:
                continue
            if self.frontier.filter.is_article(canonical):
                articles.append(Discovered(canonical, link.url, via="link"))
            elif self.frontier.follow_navigation(canonical):
                navigation.append(Discovered(canonical, link.url, via="link"))
        yield from self._requests(self.frontier.admit(articles), depth=depth + 1)
        for item in self.frontier.admit_navigation(navigation):
            yield self._navigation_request(item, depth=depth + 1)

    def closed(self, reason: str) -> None:
        reporting.frontier_counts(self.crawler.stats, self.frontier.counts)


def _header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None
