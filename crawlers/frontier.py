"""The frontier: which discovered URLs of one source this run downloads.

It applies, in order: the source's hosts and ``allow``/``deny`` patterns, one visit per
canonical URL per run, the fetch policy (``crawlers.policy``: date window, robots.txt
refusals under an unchanged robots.txt, pages that failed recently, unchanged pages,
revisit interval) against ``warehouse.crawl_state``, and ``max_pages``. Section pages
followed for their links pass the same robots.txt and failure rules
(``admit_navigation``). It keeps the counts the run reports. Skipped URLs are
remembered in crawl state as discovered. When a discovery document is not read again
because it did not change (``crawlers.conditional``), ``recheck`` admits the source's
known URLs that are due anyway, as reading it would have.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from crawlers.canonical import host_of
from crawlers.discovery import Discovered
from crawlers.policy import Decision, KnownState, conditional_headers, decide, decide_navigation
from crawlers.state import CrawlStateStore, FetchRecord
from pipeline.window import Window

MAX_URL_LENGTH = 2083
"""Longer URLs are recorded as failed (``url_too_long``) and never requested; Scrapy's
``URLLENGTH_LIMIT`` (the same number) would otherwise drop them without a trace."""


@dataclass(frozen=True, slots=True)
class Admitted:
    """A URL to download, with the conditional headers of its earlier fetch."""

    found: Discovered
    headers: dict[str, str]
    known: KnownState | None


@dataclass(slots=True)
class FrontierCounts:
    discovered: int = 0
    skipped_unchanged: int = 0
    skipped_by_date: int = 0
    skipped_failed_recently: int = 0
    skipped_by_robots: int = 0
    """Refused by the same robots.txt in an earlier run: not queued, not requested."""
    nav_skipped_failed_recently: int = 0
    """Section pages not requested: they failed recently (``crawlers.policy``)."""
    nav_skipped_by_robots: int = 0
    """Section pages refused by the same robots.txt in an earlier run."""
    over_limit: int = 0
    """Would have been fetched, but the run's ``max_pages`` was reached."""
    url_too_long: int = 0


class UrlFilter:
    """The source's hosts and its ``allow``/``deny`` regexes (searched in the URL)."""

    def __init__(self, hosts: Iterable[str], allow: Iterable[str], deny: Iterable[str]) -> None:
        self.hosts = frozenset(h.lower() for h in hosts)
        self.allow = [re.compile(p) for p in allow]
        self.deny = [re.compile(p) for p in deny]

    def on_hosts(self, url: str) -> bool:
        return not self.hosts or host_of(url) in self.hosts

    def denied(self, url: str) -> bool:
        return any(p.search(url) for p in self.deny)

    def is_article(self, url: str) -> bool:
        """On the source's hosts, not denied, and allowed (everything is when no allow)."""
        return (
            self.on_hosts(url)
            and not self.denied(url)
            and (not self.allow or any(p.search(url) for p in self.allow))
        )


class Frontier:
    """Admission of discovered URLs for one source in one run."""

    def __init__(
        self,
        store: CrawlStateStore,
        *,
        url_filter: UrlFilter,
        window: Window,
        revisit: timedelta,
        max_pages: int,
        retry_failed: timedelta = timedelta(0),
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        robots_sha256: Callable[[str], str | None] = lambda url: None,
    ) -> None:
        """``robots_sha256(url)``: the SHA-256 of the robots.txt that ``url``'s host
        serves in this run, None while it has not been read."""
        self.store = store
        self.filter = url_filter
        self.window = window
        self.revisit = revisit
        self.retry_failed = retry_failed
        self.max_pages = max_pages
        self.clock = clock
        self.robots_sha256 = robots_sha256
        self.counts = FrontierCounts()
        self.admitted = 0
        self._seen: set[str] = set()
        self._navigation: set[str] = set()

    @property
    def full(self) -> bool:
        return self.admitted >= self.max_pages

    def admit(self, found: Iterable[Discovered]) -> list[Admitted]:
        """The URLs of ``found`` to download now (each canonical URL at most once a run)."""
        fresh: dict[str, Discovered] = {}
        for item in found:
            if item.url in self._seen or item.url in fresh:
                if item.keywords:
                    self.store.sitemap_keywords(item.url, item.keywords)
                continue
            if not self.filter.is_article(item.url):
                continue
            fresh[item.url] = item
        if not fresh:
            return []
        self._seen.update(fresh)
        self.counts.discovered += len(fresh)
        known = self.store.known(list(fresh))
        now = self.clock()
        admitted = []
        for url, item in fresh.items():
            if len(url) > MAX_URL_LENGTH:
                self.counts.url_too_long += 1
                self.store.fetched(
                    FetchRecord(
                        url=url,
                        outcome="failed",
                        lastmod=item.version_date,
                        failure_reason="url_too_long",
                    )
                )
                continue
            state = known.get(url)
            decision = decide(
                item,
                state,
                window=self.window,
                now=now,
                revisit=self.revisit,
                retry_failed=self.retry_failed,
                robots_sha256=self.robots_sha256(item.fetch_url),
            )
            if decision is Decision.SKIP_BY_DATE:
                self.counts.skipped_by_date += 1
                self.store.discovered(url, item.version_date, outcome="skipped_by_date")
            elif decision is Decision.SKIP_UNCHANGED:
                self.counts.skipped_unchanged += 1
                self.store.discovered(url, item.version_date)
            elif decision is Decision.SKIP_FAILED_RECENTLY:
                self.counts.skipped_failed_recently += 1
                self.store.discovered(url, item.version_date)
            elif decision is Decision.SKIP_BY_ROBOTS:
                self.counts.skipped_by_robots += 1
                self.store.discovered(url, item.version_date)
            elif self.full:
                self.counts.over_limit += 1
            else:
                self.admitted += 1
                admitted.append(Admitted(item, conditional_headers(state), state))
        return admitted

    def recheck(self) -> list[Admitted]:
        """The source's known article URLs that are due again although discovery lists
        them as before (failed and waited enough, now in the date window, undated and
        older than the revisit interval), through the same admission as discovered ones:
        what a discovery document that was not read again would have led to."""
        due = self.store.due(self.window.since, self.window.until, self.clock() - self.revisit)
        return self.admit(
            Discovered(url, fetch_url, lastmod=lastmod, via="sitemap")
            for url, fetch_url, lastmod in due
        )

    def claim(self, url: str) -> bool:
        """Mark ``url`` as handled this run (e.g. reached through rel=canonical);
        False when it already was."""
        if url in self._seen:
            return False
        self._seen.add(url)
        return True

    def follow_navigation(self, url: str) -> bool:
        """True once per run for a same-host, not denied page to visit only for its links
        (at most ``max_pages`` such pages a run)."""
        if (
            url in self._navigation
            or url in self._seen
            or not self.filter.on_hosts(url)
            or self.filter.denied(url)
            or len(self._navigation) >= self.max_pages
        ):
            return False
        self._navigation.add(url)
        return True

    def admit_navigation(self, found: list[Discovered]) -> list[Discovered]:
        """The section pages of ``found`` (passed by ``follow_navigation``) to request
        now: not those refused by an unchanged robots.txt, nor those that failed
        recently."""
        if not found:
            return []
        known = self.store.known([item.url for item in found])
        now = self.clock()
        admitted = []
        for item in found:
            decision = decide_navigation(
                known.get(item.url),
                now=now,
                revisit=self.revisit,
                retry_failed=self.retry_failed,
                robots_sha256=self.robots_sha256(item.fetch_url),
            )
            if decision is Decision.FETCH:
                admitted.append(item)
                continue
            if decision is Decision.SKIP_BY_ROBOTS:
                self.counts.nav_skipped_by_robots += 1
            else:
                self.counts.nav_skipped_failed_recently += 1
            self.store.discovered(item.url, None, kind="navigation")
        return admitted
