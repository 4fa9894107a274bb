"""Marks article responses that are bot walls, and stops asking a host that keeps walling.

Sits between decompression (sees decoded bodies) and the retry middleware, which does
not retry a wall: asking again at once is what a wall is there to stop. A wall is left
in ``request.meta[BLOCKED]`` (a ``BotWall``) for the spider, which records the page as
``blocked``. After ``MAX_BLOCKED_IN_A_ROW`` article pages of one host in a row are
walled, the host is not asked for another page in this crawl: the requests still
waiting for it fail with ``HostWalled`` and are counted as ``skipped_blocked_host``.
"""

from __future__ import annotations

import logging
from collections import Counter
from typing import TYPE_CHECKING, Self

from scrapy.exceptions import IgnoreRequest
from scrapy.utils.httpobj import urlparse_cached

from crawlers.botwall import HEADER_NAMES, BotWall, detect
from crawlers.job import BLOCKED, KIND

if TYPE_CHECKING:
    from scrapy import Request, Spider
    from scrapy.crawler import Crawler
    from scrapy.http import Response

log = logging.getLogger(__name__)

MAX_BLOCKED_IN_A_ROW = 5
"""Article pages of one host walled one after another before the host is left alone."""


class HostWalled(IgnoreRequest):
    """Not requested: the host walled too many pages in a row in this crawl."""


def _host(request: Request) -> str:
    return urlparse_cached(request).hostname or ""


def _headers(response: Response) -> dict[str, str]:
    """The headers ``detect`` reads, names in lower case (the last value of each)."""
    found = ((name, response.headers.get(name)) for name in HEADER_NAMES)
    return {name: value.decode("latin-1") for name, value in found if value is not None}


class BotWallMiddleware:
    """Recognises walls on article responses and leaves walling hosts alone."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.in_a_row: Counter[str] = Counter()
        self.walled: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        if request.meta.get(KIND) == "article" and _host(request) in self.walled:
            raise HostWalled(f"{_host(request)} walled {MAX_BLOCKED_IN_A_ROW} pages in a row")

    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Response:
        if request.meta.get(KIND) != "article":
            return response
        wall = detect(response.status, _headers(response), response.body)
        if wall is None:
            if self.in_a_row:  # a page ends its host's run of walls (no run: nothing to do)
                self.in_a_row.pop(_host(request), None)
            return response
        host = _host(request)
        request.meta[BLOCKED] = wall
        self.in_a_row[host] += 1
        log.warning(
            "%s is a bot wall (%s: %s), answered %d; recorded as blocked, not solved",
            request.url,
            wall.service,
            wall.sign,
            response.status,
        )
        if self.in_a_row[host] >= MAX_BLOCKED_IN_A_ROW and host not in self.walled:
            self._leave_alone(host, wall)
        return response

    def _leave_alone(self, host: str, wall: BotWall) -> None:
        self.walled.add(host)
        log.error(
            "%s walled %d article pages in a row (%s): no more pages are asked of it in "
            "this crawl; newsflow does not get around bot walls",
            host,
            MAX_BLOCKED_IN_A_ROW,
            wall.service,
        )
        # Requests already past process_request wait in the downloader's slot queues:
        # fail them too, or the host would still be asked for every one of them.
        downloader = self.crawler.engine.downloader
        for slot in downloader.slots.values():
            for queued in [q for q in slot.queue if self._drops(q[0], host)]:
                slot.queue.remove(queued)
                queued[1].errback(HostWalled(f"{host} walled pages in a row"))

    @staticmethod
    def _drops(request: Request, host: str) -> bool:
        return request.meta.get(KIND) == "article" and _host(request) == host
