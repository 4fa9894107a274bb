"""Marks the article requests of a ``render: browser`` source for the browser.

Switched on only for such a source (see ``crawlers.render.render_settings``). Robots.txt,
sitemaps, feeds and section pages are still fetched over plain HTTP; only pages the
spider asks for as articles are rendered.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy_playwright.page import PageMethod

from crawlers.job import KIND
from crawlers.render import InFlight

if TYPE_CHECKING:
    from scrapy import Request, Spider


class RenderMiddleware:
    """Sends article requests through the browser and waits for their scripts."""

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        if request.meta.get(KIND) != "article":
            return
        in_flight = InFlight()
        request.meta.update(
            {
                "playwright": True,
                "playwright_page_init_callback": in_flight.attach,
                "playwright_page_goto_kwargs": {"wait_until": "load"},
                "playwright_page_methods": [PageMethod(in_flight.settle)],
            }
        )
