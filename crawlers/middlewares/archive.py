"""Writes every complete 2xx response, and its request, to the source's WARC files.

Sits below the retry middleware and above decompression, so it sees final responses
with their bodies decoded (see ``crawlers.warc``). Responses cut short on purpose (a
non-HTML page stopped after its headers) and bot walls are not archived. A page rendered
in the browser is archived as rendered, its record naming the browser (see
``crawlers.warc``). The record's location is left in ``request.meta["newsflow_warc"]``
for the crawl state. The request record keeps the values of cookies, credentials and
the source's own headers as ``***`` (``crawlers.middlewares.source_requests.redacted``).

With a remote archive the records go to parts uploaded when complete
(``crawlers.warc_parts``): the crawl state rows of a part wait in the writer until it
is stored, a timer rolls old parts and releases rows, the last part is stored when the
crawl goes idle, and a failed upload stops the crawl with the error naming the object
(``ARCHIVE_ERROR_STAT``, the crawl's error).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Self

from scrapy.exceptions import IgnoreRequest

from crawlers.job import BLOCKED, FETCHED_AT, RENDERED, WARC, CrawlJob
from crawlers.middlewares.source_requests import ALWAYS_SECRET, redacted, secret_names
from crawlers.state import CrawlStateStore
from crawlers.warc import Exchange, RollingWarcWriter
from crawlers.warc_parts import StoredWarcWriter, open_writer
from pipeline.errors import ArchiveError

ARCHIVE_ERROR_STAT = "newsflow/archive_error"
"""Crawl stat naming why the archive failed (the crawl's error: ``crawlers.batch``)."""
PART_TICK_S = 1.0

if TYPE_CHECKING:
    from scrapy import Request, Spider
    from scrapy.crawler import Crawler
    from scrapy.http import Headers, Response
    from twisted.internet.task import LoopingCall


class ArchiveUnavailable(IgnoreRequest):
    """A response dropped because the archive failed: not the page's fault, so no
    failure is recorded for it (it is fetched again next run)."""


def _crawl_state(crawler: Crawler) -> CrawlStateStore | None:
    """The crawl state of the crawler's spider (a ``NewsSpider``'s frontier's)."""
    frontier = getattr(crawler.spider, "frontier", None)
    store = getattr(frontier, "store", None)
    return store if isinstance(store, CrawlStateStore) else None


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
        self.state: CrawlStateStore | None = None
        self.ticker: LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        job: CrawlJob = crawler.settings["NEWSFLOW_JOB"]
        writer = open_writer(
            job.archive_store(),
            job.source.name,
            job.run_id,
            tmp_root=Path(job.tmp_dir or job.archive_dir.parent / "tmp"),
            roll_bytes=job.limits.warc_roll_bytes,
            part_bytes=job.limits.warc_part_bytes,
            part_seconds=job.limits.warc_part_s,
        )
        middleware = cls(crawler, writer, secret_names(job.source))
        from scrapy import signals

        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(middleware.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def spider_opened(self, spider: Spider | None = None) -> None:
        """With uploaded parts: hold crawl_state rows until their part is stored, and
        check every second for old parts to roll and rows to release."""
        if not isinstance(self.writer, StoredWarcWriter):
            return
        self.state = _crawl_state(self.crawler)
        if self.state is not None:
            self.state.gate = self.writer
        from twisted.internet.task import LoopingCall

        self.ticker = LoopingCall(self.tick)
        self.ticker.start(PART_TICK_S, now=False)

    def spider_idle(self, spider: Spider | None = None) -> None:
        """Before the crawl may finish: store the last part and write its rows, so a
        failed upload stops the crawl as failed (its discovery documents are then read
        again next run)."""
        if isinstance(self.writer, StoredWarcWriter) and not self.failed:
            self.writer.flush()
            self._release()
            if self.writer.error is not None:
                self._fail(self.writer.error)

    def tick(self) -> None:
        """Roll an old part, release the rows of stored parts; stop the crawl when an
        upload failed."""
        assert isinstance(self.writer, StoredWarcWriter)
        self.writer.roll_if_old()
        self._release()
        if self.writer.error is not None:
            self._fail(self.writer.error)

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
            self._fail(exc)
            raise ArchiveUnavailable(str(exc)) from None
        request.meta[WARC] = location
        self.crawler.stats.inc_value("newsflow/archived_responses")
        self.crawler.stats.inc_value("newsflow/archived_bytes", len(response.body))
        return response

    def _fail(self, exc: ArchiveError) -> None:
        """Without the archive nothing fetched can be extracted: stop the crawl."""
        if self.failed:
            return
        self.failed = True
        self.crawler.stats.set_value(ARCHIVE_ERROR_STAT, str(exc))
        from scrapy.utils.defer import deferred_from_coro

        deferred_from_coro(self.crawler.engine.close_spider_async(reason=f"archive_error: {exc}"))

    def _release(self) -> None:
        assert isinstance(self.writer, StoredWarcWriter)
        released = self.writer.released()
        dropped, self.writer.dropped = self.writer.dropped, []
        if self.state is not None and (released or dropped):
            for record in released:
                self.state.fetched(record)
            for record in dropped:  # due again next run, even when no document changes
                self.state.discovered(record.url, record.lastmod, kind=record.kind)
            self.state.flush()

    def spider_closed(self, spider: Spider | None = None, reason: str | None = None) -> None:
        """Close the last file; with uploaded parts, wait for the uploads and write
        the rows of the stored parts (after a failed upload the crawl fails naming
        the object)."""
        if not isinstance(self.writer, StoredWarcWriter):
            self.writer.close()
            return
        if self.ticker is not None and self.ticker.running:
            self.ticker.stop()
        self.writer.finish()
        self._release()
        if self.writer.error is not None and not self.failed:
            self.failed = True
            self.crawler.stats.set_value(ARCHIVE_ERROR_STAT, str(self.writer.error))
