"""Rendering the article pages of a ``render: browser`` source in headless Chromium.

Through scrapy-playwright, switched on only for such a source's crawl
(``render_settings``): its download handler serves the article requests that
``crawlers.middlewares.render.RenderMiddleware`` marks, every other request (robots.txt,
sitemaps, feeds, section pages) goes over plain HTTP as before. The requests pass the
same downloader middlewares either way, so robots.txt, the per-host delays and
concurrency and the host lock apply unchanged: the browser only opens pages newsflow
has already decided to fetch.

- **Sub-resources.** A page may load scripts and make XHR/fetch requests to the
  source's own hosts; everything else is aborted: images, media, fonts, style sheets,
  any request to another host (ads, trackers, their frames, third-party widgets,
  captcha services) and a bot wall's challenge script on the site itself, so a
  rendered page costs the site its HTML, its scripts and its data calls, and nobody
  else is asked anything.
- **Limits.** At most ``CrawlLimits.render_pages`` pages are open at once; a browser
  context is closed and replaced after ``render_pages_per_context`` pages so its memory
  stays bounded; navigation times out after ``download_timeout_s`` and waiting for the
  page's scripts to settle after ``SETTLE_MAX_S``.
- **Archive.** The response is the rendered DOM (``page.content()``), and
  ``request.meta[RENDERED]`` names the browser and its version for the WARC record.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler

from crawlers import browser
from crawlers.job import RENDERED, CrawlJob

if TYPE_CHECKING:
    from playwright.async_api import Page
    from playwright.async_api import Request as BrowserRequest
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

ALLOWED_TYPES = frozenset({"document", "script", "xhr", "fetch"})
"""Playwright resource types a rendered page may load (from the source's hosts only)."""
CHALLENGE_PATHS = ("/cdn-cgi/challenge-platform/",)
"""Bot-wall challenge scripts a site serves from its own host (Cloudflare's)."""
SETTLE_QUIET_S = 0.1
"""After the load event, the page is taken once none of its requests has been in
flight for this long (its scripts have fetched and inserted the text)..."""
SETTLE_MAX_S = 10.0
"""...or after this long, with whatever the page shows by then."""
LAUNCH_TIMEOUT_S = 30.0
"""Least time the browser gets to start (a busy machine takes seconds)."""
HANDLER = "crawlers.render.RenderingDownloadHandler"


def render_settings(job: CrawlJob) -> dict[str, Any]:
    """The Scrapy settings that add rendering to the crawl of ``job``'s source."""
    limits = job.limits
    settings: dict[str, Any] = {
        "DOWNLOAD_HANDLERS": {"http": HANDLER, "https": HANDLER},
        "PLAYWRIGHT_BROWSER_TYPE": "chromium",
        "PLAYWRIGHT_LAUNCH_OPTIONS": {
            "executable_path": job.chromium_path,
            "headless": True,
            "args": list(browser.ARGS),
            "timeout": max(limits.download_timeout_s, LAUNCH_TIMEOUT_S) * 1000,
        },
        # One context renders; the one before it may still finish its last pages.
        "PLAYWRIGHT_MAX_CONTEXTS": 2,
        "PLAYWRIGHT_MAX_PAGES_PER_CONTEXT": limits.render_pages,
        "PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT": limits.download_timeout_s * 1000,
        "PLAYWRIGHT_ABORT_REQUEST": SubresourcePolicy(job.source.hosts),
    }
    if job.source.proxy:  # Scrapy's proxy meta does not reach the browser
        settings["PLAYWRIGHT_LAUNCH_OPTIONS"]["proxy"] = browser_proxy(job.source.proxy)
    return settings


def browser_proxy(url: str) -> dict[str, str]:
    """Playwright's ``proxy`` launch option for a source's ``proxy:`` URL (credentials
    apart, as Playwright wants them)."""
    parts = urlsplit(url)
    port = f":{parts.port}" if parts.port else ""
    proxy = {"server": f"{parts.scheme}://{parts.hostname}{port}"}
    if parts.username:
        proxy["username"] = unquote(parts.username)
        proxy["password"] = unquote(parts.password or "")
    return proxy


def allowed_subresource(resource_type: str, url: str, hosts: tuple[str, ...]) -> bool:
    """Whether a rendered page may load ``url`` (of Playwright's ``resource_type``):
    documents, scripts and XHR/fetch from the source's own ``hosts`` only, and never a
    bot wall's challenge script (newsflow does not get past walls, not even by running
    them in a browser)."""
    if resource_type not in ALLOWED_TYPES:
        return False
    parts = urlsplit(url)
    if parts.path.startswith(CHALLENGE_PATHS):
        return False
    return (parts.hostname or "").lower() in hosts


@dataclass(frozen=True, slots=True)
class SubresourcePolicy:
    """``PLAYWRIGHT_ABORT_REQUEST``: True (abort) for what ``allowed_subresource``
    refuses."""

    hosts: tuple[str, ...]

    def __call__(self, request: BrowserRequest) -> bool:
        return not allowed_subresource(request.resource_type, request.url, self.hosts)


class InFlight:
    """Counts one page's requests in flight, to tell when its scripts have settled."""

    def __init__(self) -> None:
        self.count = 0
        self.changed = time.monotonic()

    async def attach(self, page: Page, request: Request) -> None:
        """``playwright_page_init_callback``: listen before the page navigates."""
        page.on("request", self._started)
        page.on("requestfinished", self._ended)
        page.on("requestfailed", self._ended)

    def _started(self, _: object) -> None:
        self.count += 1
        self.changed = time.monotonic()

    def _ended(self, _: object) -> None:
        self.count -= 1
        self.changed = time.monotonic()

    async def settle(self, page: Page) -> None:
        """A ``PageMethod``: wait until nothing has been in flight for
        ``SETTLE_QUIET_S``, at most ``SETTLE_MAX_S``."""
        deadline = time.monotonic() + SETTLE_MAX_S
        while time.monotonic() < deadline:
            if self.count <= 0 and time.monotonic() - self.changed >= SETTLE_QUIET_S:
                return
            await asyncio.sleep(SETTLE_QUIET_S / 4)


class RenderingDownloadHandler(ScrapyPlaywrightDownloadHandler):  # type: ignore[misc]  # scrapy-playwright ships no type information
    """scrapy-playwright's handler, with newsflow's bound on open pages, contexts
    recycled after ``render_pages_per_context`` pages, and the browser's version
    recorded on each rendered request."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        limits = crawler.settings["NEWSFLOW_JOB"].limits
        self._open_pages = asyncio.Semaphore(limits.render_pages)
        self._per_context = limits.render_pages_per_context
        self._generation = 0
        self._started_in: dict[str, int] = {}
        """Pages started in each context that is not closed yet..."""
        self._open_in: dict[str, int] = {}
        """...and of those, the ones not finished (counted before their page exists)."""

    async def download_request(self, request: Request) -> Response:
        # The signature of Scrapy >= 2.14 (scrapy-playwright has one per Scrapy version).
        response: Response
        if not request.meta.get("playwright"):
            response = await super().download_request(request)
            return response
        async with self._open_pages:
            name = self._context_for_next_page()
            request.meta["playwright_context"] = name
            try:
                response = await super().download_request(request)
            finally:
                self._open_in[name] -= 1
                await self._close_if_done(name)
        version = self.browser.version if hasattr(self, "browser") else "unknown"
        request.meta[RENDERED] = f"chromium {version}"
        return response

    def _context_for_next_page(self) -> str:
        name = f"newsflow-{self._generation}"
        self._started_in[name] = self._started_in.get(name, 0) + 1
        self._open_in[name] = self._open_in.get(name, 0) + 1
        if self._started_in[name] >= self._per_context:
            self._generation += 1  # the next page opens in a fresh context
        return name

    async def _close_if_done(self, name: str) -> None:
        """Close context ``name`` once all its pages have started and finished: no page
        will open in it again."""
        if self._open_in[name] > 0 or self._started_in[name] < self._per_context:
            return
        del self._open_in[name], self._started_in[name]
        wrapper = self.context_wrappers.get(name)
        if wrapper is not None:
            await wrapper.context.close()
