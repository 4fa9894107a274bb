"""Retries that respect the server: ``Retry-After`` on 429/503, backoff otherwise.

Replaces Scrapy's ``RetryMiddleware`` (which retries at once). A 429 or 503 carrying
``Retry-After`` (seconds or an HTTP date) is retried after that delay, capped at
``retry_after_max_s``; other retryable responses and errors wait ``backoff_base_s``,
doubled on every further attempt, capped at ``backoff_max_s``. The wait happens off
the downloader slot (the slot serves other requests meanwhile). A bot wall
(``crawlers.middlewares.botwall``) is never retried.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import reactor
from twisted.internet.task import deferLater

from crawlers.job import BLOCKED
from pipeline.utc import parse_utc

if TYPE_CHECKING:
    from scrapy import Request, Spider
    from scrapy.http import Response
    from scrapy.settings import BaseSettings

log = logging.getLogger(__name__)

RETRY_AFTER_CODES = frozenset({429, 503})


def retry_after_seconds(value: str | None, now: datetime) -> float | None:
    """Seconds a ``Retry-After`` value asks to wait (0 for a past date); None if unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    when = parse_utc(value)
    if when is None:
        return None
    return max(0.0, (when - now).total_seconds())


def backoff_seconds(attempt: int, base: float, cap: float) -> float:
    """Delay before retry number ``attempt`` (1 for the first retry): base * 2^(attempt-1)."""
    factor: int = 2 ** max(0, attempt - 1)
    return min(cap, base * factor)


class PoliteRetryMiddleware(RetryMiddleware):
    """Scrapy's retries, each after the wait the server asks for or a growing backoff."""

    def __init__(self, settings: BaseSettings) -> None:
        super().__init__(settings)
        self.retry_after_max = settings.getfloat("NEWSFLOW_RETRY_AFTER_MAX")
        self.backoff_base = settings.getfloat("NEWSFLOW_BACKOFF_BASE")
        self.backoff_max = settings.getfloat("NEWSFLOW_BACKOFF_MAX")

    # Scrapy awaits coroutine middleware methods; its RetryMiddleware's are plain ones.
    async def process_response(  # type: ignore[override]  # async where the base is sync
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Request | Response:
        if (
            request.meta.get("dont_retry")
            or request.meta.get(BLOCKED)  # a bot wall: asking again is what it stops
            or response.status not in self.retry_http_codes
        ):
            return response
        retry = self._retry(request, f"HTTP {response.status}")
        if retry is None:
            return response
        delay = None
        if response.status in RETRY_AFTER_CODES:
            header = response.headers.get(b"Retry-After")
            delay = retry_after_seconds(
                header.decode("latin-1") if header else None, datetime.now(UTC)
            )
            if delay is not None:
                if delay > self.retry_after_max:
                    log.info(
                        "Retry-After %.0f s of %s capped to %.0f s",
                        delay,
                        request.url,
                        self.retry_after_max,
                    )
                delay = min(delay, self.retry_after_max)
                self.crawler.stats.inc_value("newsflow/retry_after")
        if delay is None:
            delay = self._backoff(retry)
        await self._sleep(delay)
        return retry

    async def process_exception(  # type: ignore[override]  # async where the base is sync
        self, request: Request, exception: Exception, spider: Spider | None = None
    ) -> Request | None:
        if request.meta.get("dont_retry") or not isinstance(exception, self.exceptions_to_retry):
            return None
        retry = self._retry(request, exception)
        if retry is None:
            return None
        await self._sleep(self._backoff(retry))
        return retry

    def _backoff(self, retry: Request) -> float:
        return backoff_seconds(
            retry.meta.get("retry_times", 1), self.backoff_base, self.backoff_max
        )

    @staticmethod
    async def _sleep(seconds: float) -> None:
        if seconds > 0:
            await maybe_deferred_to_future(deferLater(reactor, seconds, lambda: None))
