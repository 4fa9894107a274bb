"""Writes every complete 2xx response, and its request, to the source's WARC files.

Sits below the retry middleware and above decompression, so it sees final responses
with their bodies decoded (see ``crawlers.warc``). Responses cut short on purpose (a
non-HTML page stopped after its headers) and bot walls are not archived. A page rendered
in the browser is archived as rendered, its record naming the browser (see
``crawlers.warc``). The record's location is left in ``request.meta["newsflow_warc"]``
for the crawl state. The request record keeps the values of cookies, credentials and
the source's own headers as ``***`` (``crawlers.middlewares.source_requests.redacted``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Self

from scrapy.exceptions import IgnoreRequest

from crawlers.job import BLOCKED, FETCHED_AT, RENDERED, WARC, CrawlJob
from crawlers.middlewares.source_requests import ALWAYS_SECRET, redacted, secret_names
from crawlers.warc import Exchange, RollingWarcWriter
from pipeline.errors import ArchiveError

if TYPE_CHECKING:
    from scrapy import Request, Spider
    from scrapy.crawler import Crawler
    from scrapy.http import Headers, Response


def _pairs(headers: Headers) -> list[tuple[str, str]]:
    return [
        (k.decode("latin-1"), v.decode("latin-1")) for k, values in headers.items() for v in values
    ]


class WarcArchiveMiddleware:
    """Archives each complete 2xx response; stops the crawl when the archive fails."""

    def __init__(
        self, crawler: Crawler, writer: RollingWarcWriter, secret: frozenset[str] = ALWAYS_SECRET
    ) -> None:
        self.crawler = crawler
        self.writer = writer
        self.failed = False
        self.secret = secret
        """Request headers archived as ``***`` (cookies, credentials, the source's own)."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        job: CrawlJob = crawler.settings["NEWSFLOW_JOB"]
        writer = RollingWarcWriter(
            job.archive_dir, job.source.name, job.run_id, roll_bytes=job.limits.warc_roll_bytes
        )
        middleware = cls(crawler, writer, secret_names(job.source))
        from scrapy import signals

        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Response:
        fetched_at = datetime.now(UTC)
        request.meta[FETCHED_AT] = fetched_at
        if (
            not 200 <= response.status < 300
            or "download_stopped" in response.flags
            or "cached" in response.flags
            or request.meta.get(BLOCKED)  # a challenge page, not the page asked for
        ):
            return response
        protocol = getattr(response, "protocol", None) or "HTTP/1.1"
        try:
            location = self.writer.write(
                Exchange(
                    url=response.url,
                    status=response.status,
                    headers=_pairs(response.headers),
                    body=response.body,
                    fetched_at=fetched_at,
                    method=request.method,
                    request_headers=redacted(_pairs(request.headers), self.secret),
                    protocol=protocol,
                    rendered_by=request.meta.get(RENDERED),
                )
            )
        except ArchiveError as exc:
            # Without the archive nothing fetched can be extracted: stop the crawl.
            if not self.failed:
                self.failed = True
                from scrapy.utils.defer import deferred_from_coro

                deferred_from_coro(
                    self.crawler.engine.close_spider_async(reason=f"archive_error: {exc}")
                )
            raise IgnoreRequest(str(exc)) from None
        request.meta[WARC] = location
        self.crawler.stats.inc_value("newsflow/archived_responses")
        self.crawler.stats.inc_value("newsflow/archived_bytes", len(response.body))
        return response

    def spider_closed(self, spider: Spider | None = None, reason: str | None = None) -> None:
        self.writer.close()
