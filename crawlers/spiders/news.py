"""The one spider: discovery from sitemaps, feeds, robots.txt and links; article pages.

It only decides what to follow and what to yield. Robots, politeness, limits, the
archive and crawl state are Scrapy components (``crawlers.scrapy_settings``); which
URLs are downloaded is the frontier's decision (``crawlers.frontier``).

Admitted article URLs wait in the spider's own compact queue
(``crawlers.spiders.article_queue``) and are handed to Scrapy a few at a time.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Self

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response
from scrapy.linkextractors import LinkExtractor

from crawlers.canonical import canonical_link_href, declared_canonical, try_canonical
from crawlers.conditional import Child, DocumentState, body_sha256, body_unchanged, request_headers
from crawlers.discovery import Discovered, discovery_documents
from crawlers.discovery_state import DiscoveryStateStore
from crawlers.frontier import Admitted, Frontier, UrlFilter
from crawlers.job import DEPTH, FETCHED_AT, FOUND, KIND, WARC, CrawlJob
from crawlers.middlewares.archive import ArchiveUnavailable
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
from crawlers.spiders.documents import (
    NOT_MODIFIED,
    UNCHANGED,
    DocumentSpider,
    failed_request,
    header,
)
from crawlers.state import CrawlStateStore, FetchRecord
from pipeline.window import Window

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from twisted.python.failure import Failure

log = logging.getLogger(__name__)


class NewsSpider(DocumentSpider):
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
        self.docs = DiscoveryStateStore(store.conn, source=store.source, run_id=store.run_id)
        self.links = LinkExtractor()  # hosts are checked on canonical URLs by the frontier
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
        headers = request_headers(self.docs.get("navigation", item.url))
        if headers:
            meta["handle_httpstatus_list"] = [304]
        return scrapy.Request(
            item.fetch_url,
            headers=headers,
            callback=self.parse_navigation,
            errback=self.navigation_failed,
            meta=meta,
        )

    def _robots_sha256(self, url: str) -> str | None:
        """The robots.txt ``url``'s host serves in this crawl (None: not read yet)."""
        return robots_versions(self.crawler).get(origin_of(url))

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

    def parse_navigation(self, response: Response) -> Iterator[FetchRecord | scrapy.Request]:
        found: Discovered = response.meta[FOUND]
        depth: int | None = response.meta.get(DEPTH)
        yield navigation_record(
            found,
            status=response.status,
            content_type=header(response, b"Content-Type"),
            fetched_url=response.url,
            fetched_at=response.meta.get(FETCHED_AT) or datetime.now(UTC),
        )
        state = self.docs.get("navigation", found.url)
        sha256 = body_sha256(response.body)
        if state is not None and (response.status == 304 or body_unchanged(sha256, state)):
            # Not read again: the section pages it linked to are visited as before; its
            # article links are known (crawl state), the due ones re-checked.
            self.crawler.stats.inc_value(NOT_MODIFIED if response.status == 304 else UNCHANGED)
            self.docs.read("navigation", found.url, state, changed=False)
            yield from self.recheck()
            linked = [
                Discovered(url, child.url, via="link")
                for child in state.children
                if (url := try_canonical(child.url))
            ]
            yield from self._follow_links([], linked, depth)
            return
        self.crawler.stats.inc_value("newsflow/documents_read")
        articles, navigation = self._links(response)
        read = DocumentState(
            etag=header(response, b"ETag"),
            last_modified=header(response, b"Last-Modified"),
            body_sha256=sha256,
            children=tuple(Child(item.fetch_url) for item in navigation),
        )
        self.docs.read("navigation", found.url, read, changed=True)
        yield from self._follow_links(articles, navigation, depth)

    def navigation_failed(self, failure: Failure) -> list[FetchRecord]:
        """A section page that could not be read: a failure in crawl state, which waits
        before its next try like a failed article, and no validators kept."""
        request, error = failed_request(failure)
        if isinstance(error, ArchiveUnavailable):  # the crawl is stopping: read it next run
            return []
        reason = failure_reason(error)
        if reason != "robots":
            self.docs.failed("navigation", request.meta[FOUND].url, reason)
        return [reporting.navigation_failed(self.crawler.stats, request, error, reason)]

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
            content_type=header(response, b"Content-Type"),
            etag=header(response, b"ETag"),
            last_modified=header(response, b"Last-Modified"),
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
        request, error = failed_request(failure)
        if isinstance(error, HostWalled):
            self.crawler.stats.inc_value("newsflow/skipped_blocked_host")
            return [*self._article_done()]
        if isinstance(error, ArchiveUnavailable):  # the crawl is stopping; next run asks again
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
        """The links of an article page to follow (from a start URL's depth on)."""
        depth = response.meta.get(DEPTH)
        if depth is not None and depth < self.job.limits.follow_depth:
            yield from self._follow_links(*self._links(response), depth)

    def _links(self, response: Response) -> tuple[list[Discovered], list[Discovered]]:
        """The article links of a page, and its links to other same-host, not denied
        pages (section pages, to follow for their links)."""
        articles: list[Discovered] = []
        navigation: list[Discovered] = []
        if not isinstance(response, scrapy.http.HtmlResponse):
            return articles, navigation
        for link in self.links.extract_links(response):
            canonical = try_canonical(link.url)
            if canonical is None:
                continue
            if self.frontier.filter.is_article(canonical):
                articles.append(Discovered(canonical, link.url, via="link"))
            elif self.frontier.filter.on_hosts(canonical) and not self.frontier.filter.denied(
                canonical
            ):
                navigation.append(Discovered(canonical, link.url, via="link"))
        return articles, navigation

    def _follow_links(
        self, articles: list[Discovered], navigation: list[Discovered], depth: int | None
    ) -> Iterator[scrapy.Request]:
        """Requests for the links of a page at ``depth`` (none beyond the follow depth)."""
        if depth is None or depth >= self.job.limits.follow_depth:
            return
        yield from self._requests(self.frontier.admit(articles), depth=depth + 1)
        fresh = [item for item in navigation if self.frontier.follow_navigation(item.url)]
        for item in self.frontier.admit_navigation(fresh):
            yield self._navigation_request(item, depth=depth + 1)

    def closed(self, reason: str) -> None:
        stats = self.crawler.stats
        reporting.frontier_counts(stats, self.frontier.counts)
        # What discovery documents were read is kept only when every page they led to
        # was handled: pages left for later (max_pages, a walled host, a crawl cut
        # short) must be found again by reading the documents again next run.
        complete = (
            reason == "finished"
            and not self.frontier.counts.over_limit
            and not stats.get_value("newsflow/skipped_blocked_host")
        )
        self.docs.flush(save=complete)
