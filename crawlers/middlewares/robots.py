"""robots.txt first, for every request on a host, even in the first burst.

Replaces Scrapy's ``RobotsTxtMiddleware``. Scrapy 2.19's middleware shares one Deferred
among all requests waiting for a host's robots.txt; only the first waiter receives the
parser, the others get ``None`` and go through unchecked, so a burst of requests queued
before robots.txt arrived can fetch disallowed pages. Here every waiter gets its own
Deferred, fired with the host's rules, so no request of a host is sent before its
robots.txt has been fetched and checked.

Rules (RFC 9309): a 2xx robots.txt is obeyed; 4xx means no restrictions; a 5xx or an
unreachable robots.txt disallows the whole host for this run. A ``Crawl-delay`` for our
agent (or ``*``) becomes the least delay between two requests to the host (at most
``AUTOTHROTTLE_MAX_DELAY``), without random jitter; ``RobotsAwareAutoThrottle`` keeps it
there. A request with meta ``newsflow_kind == "robots_sitemaps"`` is answered from the
cached robots.txt (so the spider reads the ``Sitemap:`` lines without a second download).

The SHA-256 of each host's robots.txt (``robots_versions``) names the version that
refused a URL: the refusal carries it into crawl state, and the frontier skips the URL
on later runs while the host serves the same robots.txt (``crawlers.policy``).
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Self
from urllib.parse import urlsplit
from weakref import WeakKeyDictionary

from protego import Protego
from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.http.request import NO_CALLBACK
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred

from crawlers.job import KIND, ROBOTS_AGENT
from crawlers.outcomes import failure_reason

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler

log = logging.getLogger(__name__)

ROBOTS_MAX_BYTES = 500 * 1024
"""RFC 9309: crawlers may ignore robots.txt content beyond 500 KiB."""


class ForbiddenByRobots(IgnoreRequest):
    """The request's URL is disallowed by its host's robots.txt."""

    def __init__(self, message: str, robots_sha256: str | None = None) -> None:
        super().__init__(message)
        # The robots.txt that disallows it; None when the host is off limits because its
        # robots.txt could not be read (5xx, unreachable): a passing condition, not
        # remembered.
        self.robots_sha256 = robots_sha256


@dataclass(frozen=True, slots=True)
class HostRules:
    """What one host's robots.txt allows."""

    parser: Protego | None
    """None: no restrictions (robots.txt missing) or nothing allowed (see ``allow_all``)."""
    allow_all: bool
    body: bytes = b""
    status: int | None = None
    sha256: str | None = None
    """SHA-256 (hex) of the parsed robots.txt (2xx only; None otherwise)."""
    closed_because: str | None = None
    """Why nothing of the host may be fetched (robots.txt unreachable or 5xx), or None."""

    def allowed(self, url: str, agent: str) -> bool:
        if self.parser is None:
            return self.allow_all
        return self.parser.can_fetch(url, agent)

    def crawl_delay(self, agent: str) -> float | None:
        """Seconds the host asks between two requests (``Crawl-delay``); None if unset."""
        if self.parser is None:
            return None
        delay = self.parser.crawl_delay(agent)
        return float(delay) if delay and delay > 0 else None


_CRAWL_DELAY_FLOORS: WeakKeyDictionary[Crawler, dict[str, float]] = WeakKeyDictionary()
_ROBOTS_VERSIONS: WeakKeyDictionary[Crawler, dict[str, str | None]] = WeakKeyDictionary()


def crawl_delay_floors(crawler: Crawler) -> dict[str, float]:
    """Download slot (host name) -> least delay between its requests, from robots.txt.

    One dict per crawler: ``RobotsFirstMiddleware`` fills it, ``RobotsAwareAutoThrottle``
    reads it.
    """
    return _CRAWL_DELAY_FLOORS.setdefault(crawler, {})


def robots_versions(crawler: Crawler) -> dict[str, str | None]:
    """Origin (``origin_of``) -> SHA-256 of the robots.txt it serves in this crawl (None
    when it gave none to obey). One dict per crawler, filled by ``RobotsFirstMiddleware``."""
    return _ROBOTS_VERSIONS.setdefault(crawler, {})


def origin_of(url: str) -> str:
    """``scheme://netloc`` of ``url``: robots.txt applies per origin."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def rules_from_response(status: int, body: bytes) -> HostRules:
    """Host rules from a robots.txt response (pure; RFC 9309 status handling)."""
    if 200 <= status < 300:
        parsed = body[:ROBOTS_MAX_BYTES]
        return HostRules(
            Protego.parse(parsed.decode("utf-8", "replace")),
            allow_all=True,
            body=body,
            status=status,
            sha256=hashlib.sha256(parsed).hexdigest(),
        )
    if 400 <= status < 500:
        return HostRules(None, allow_all=True, status=status)
    return HostRules(
        None,
        allow_all=False,
        status=status,
        closed_because=f"robots.txt answered {status}, so the host is not crawled",
    )


class RobotsFirstMiddleware:
    """Fetches, caches and enforces robots.txt per host (scheme + host + port)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.agent = ROBOTS_AGENT
        self._rules: dict[str, HostRules] = {}
        self._waiting: dict[str, list[Deferred[HostRules]]] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    async def process_request(
        self, request: Request, spider: Spider | None = None
    ) -> Response | None:
        if request.meta.get("dont_obey_robotstxt") or not request.url.startswith("http"):
            return None
        rules = await self._host_rules(request)
        if request.meta.get(KIND) == "robots_sitemaps":
            return TextResponse(
                request.url,
                status=rules.status or 200,
                body=rules.body,
                encoding="utf-8",
                request=request,
                flags=["cached"],
            )
        if not rules.allowed(request.url, self.agent):
            self.crawler.stats.inc_value("robotstxt/forbidden")
            raise ForbiddenByRobots(
                rules.closed_because or f"Forbidden by robots.txt: {request.url}", rules.sha256
            )
        return None

    async def _host_rules(self, request: Request) -> HostRules:
        parts = urlparse_cached(request)
        origin = origin_of(request.url)
        if origin in self._rules:
            return self._rules[origin]
        if origin in self._waiting:
            waiter: Deferred[HostRules] = Deferred()
            self._waiting[origin].append(waiter)
            return await maybe_deferred_to_future(waiter)
        self._waiting[origin] = []
        rules = await self._fetch(origin)
        self._rules[origin] = rules
        robots_versions(self.crawler)[origin] = rules.sha256
        self._apply_crawl_delay(parts.hostname or "", origin, rules)
        for waiter in self._waiting.pop(origin):
            waiter.callback(rules)
        return rules

    def _apply_crawl_delay(self, host: str, origin: str, rules: HostRules) -> None:
        """Make the host's ``Crawl-delay`` the least delay of its download slot."""
        asked = rules.crawl_delay(self.agent)
        if asked is None:
            return
        cap = self.crawler.settings.getfloat("AUTOTHROTTLE_MAX_DELAY")
        floor = min(asked, cap)
        if asked > cap:
            log.warning(
                "robots.txt of %s asks for a Crawl-delay of %.0f s; using the "
                "maximum delay of %.0f s",
                origin,
                asked,
                cap,
            )
        else:
            log.info("robots.txt of %s asks for a Crawl-delay of %g s: honoured", origin, floor)
        crawl_delay_floors(self.crawler)[host] = floor
        self.crawler.stats.set_value("robotstxt/crawl_delay", floor)
        downloader = self.crawler.engine.downloader
        # Slots created later (after an idle slot is collected) start at the floor too.
        downloader.per_slot_settings.setdefault(host, {}).update(delay=floor, jitter=0.0)
        slot = downloader.slots.get(host)
        if slot is not None:
            slot.delay, slot.jitter = max(slot.delay, floor), 0.0

    async def _fetch(self, origin: str) -> HostRules:
        robots = Request(
            f"{origin}/robots.txt",
            priority=1000,
            callback=NO_CALLBACK,
            meta={"dont_obey_robotstxt": True, KIND: "robots"},
        )
        stats = self.crawler.stats
        stats.inc_value("robotstxt/request_count")
        try:
            response = await self.crawler.engine.download_async(robots)
        except Exception as exc:  # any failure to get it: the host is off limits
            log.warning("robots.txt of %s unreachable (%s): not crawling that host", origin, exc)
            stats.inc_value("robotstxt/unreachable")
            return HostRules(
                None,
                allow_all=False,
                closed_because=(
                    f"robots.txt unreachable ({failure_reason(exc)}), so the host is not crawled"
                ),
            )
        stats.inc_value(f"robotstxt/response_status_count/{response.status}")
        rules = rules_from_response(response.status, response.body)
        if not rules.allow_all:
            log.warning(
                "robots.txt of %s answered %s: not crawling that host", origin, response.status
            )
        return rules
