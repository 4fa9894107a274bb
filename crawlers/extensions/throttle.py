"""AutoThrottle that never spaces a host's requests closer than its robots.txt asks.

Scrapy's AutoThrottle moves each download slot's delay between ``DOWNLOAD_DELAY`` and
``AUTOTHROTTLE_MAX_DELAY`` from the latencies it sees. A host's robots.txt may ask for a
slower pace (``Crawl-delay: 10``): ``RobotsFirstMiddleware`` records it per download slot
(the host name) in ``crawl_delay_floors``, and this extension keeps the slot's delay at
or above it whatever the latencies say.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy import Request, Spider
from scrapy.extensions.throttle import AutoThrottle
from scrapy.http import Response

from crawlers.middlewares.robots import crawl_delay_floors

if TYPE_CHECKING:
    from scrapy.crawler import Crawler


class RobotsAwareAutoThrottle(AutoThrottle):
    """AutoThrottle with each host's robots.txt ``Crawl-delay`` as its lower bound."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.floors = crawl_delay_floors(crawler)

    def _response_downloaded(self, response: Response, request: Request, spider: Spider) -> None:
        super()._response_downloaded(response, request, spider)
        key, slot = self._get_slot(request, spider)
        floor = self.floors.get(key) if key is not None else None
        if slot is not None and floor is not None and slot.delay < floor:
            slot.delay = floor
