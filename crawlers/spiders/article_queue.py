"""The spider's queue of admitted article pages, handed to Scrapy a few at a time."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable

from crawlers.frontier import Admitted

FEED_AHEAD_MIN = 32
"""Article requests handed to Scrapy ahead of their responses (at least; twice the total
concurrency when that is more), enough to keep every downloader slot busy."""


class ArticleQueue:
    """Admitted pages, each with its link depth (None: found by a sitemap or feed), in
    order; at most ``ahead`` of them requested and not answered yet.

    A sitemap of 50,000 URLs would otherwise sit in Scrapy's scheduler as 50,000 request
    objects, and the crawl's memory would grow with the size of the site.
    """

    def __init__(self, ahead: int) -> None:
        self.ahead = ahead
        self._waiting: deque[tuple[Admitted, int | None]] = deque()
        self._in_flight = 0

    def __len__(self) -> int:
        """Pages waiting to be requested."""
        return len(self._waiting)

    def add(self, admitted: Iterable[Admitted], depth: int | None) -> None:
        self._waiting.extend((item, depth) for item in admitted)

    def take(self) -> list[tuple[Admitted, int | None]]:
        """The pages to request now (counted in flight), up to ``ahead`` in flight."""
        taken = []
        while self._waiting and self._in_flight < self.ahead:
            taken.append(self._waiting.popleft())
            self._in_flight += 1
        return taken

    def done(self) -> None:
        """A page's request came back (its callback or errback ran)."""
        self._in_flight = max(0, self._in_flight - 1)

    def idle(self) -> None:
        """The crawl is idle: nothing is in flight, whatever was counted (a request
        dropped without a callback or errback is never answered)."""
        self._in_flight = 0
