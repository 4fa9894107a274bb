"""Whether a discovered URL is downloaded in this run: pure decisions.

Rules, in order:

1. **Date window**: a URL whose sitemap/feed date (publication date, else lastmod) is
   known and falls outside the run's inclusive ``[since, until]`` window is not
   downloaded (``skip_by_date``). URLs without a date are fetched and filtered after
   extraction.
2. **Disallowed by robots.txt, unchanged**: a URL that its host's robots.txt disallowed
   last time is not queued again while the host serves the same robots.txt (same
   SHA-256), so it takes no place under ``max_pages`` and no request slot; once
   robots.txt changes, it is queued and robots.txt decides again
   (``skipped_by_robots``). Until this run has read the host's robots.txt, the URL is
   queued and the robots middleware decides, as for a new URL.
3. **Failed recently**: a URL whose last attempts failed (5xx, 404, timeout, too large,
   ...) waits before it is tried again: ``retry_failed`` after the first failure, doubled
   with every further consecutive failure, never longer than the revisit interval
   (``skipped_failed_recently``). A page a bot wall answered (``blocked``) waits the
   same way. A nightly schedule thus retries a page that failed
   once on the next night, and a page that keeps failing ever more rarely.
4. **Unchanged**: a URL fetched before (successfully, or answered 304) is downloaded
   again only when discovery reports a *different* lastmod than the one recorded at
   that fetch, or, when discovery gives no date at all, once the last fetch is older
   than the revisit interval. Otherwise it is ``skip_unchanged``.
5. Everything else is fetched; a known URL with conditional headers
   (``If-None-Match`` / ``If-Modified-Since``) so an unchanged page costs a 304.

Section pages (followed only for their links, ``decide_navigation``) obey rules 2 and 3
and are otherwise requested on every run (conditionally, ``crawlers.conditional``): that
is how new links are found. Sitemaps and feeds are not backed off: they are few, each is
a main way into the source, and a failure of one is reported on every run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from crawlers.discovery import Discovered
from pipeline.window import Window

DONE_OUTCOMES = frozenset({"fetched", "not_modified", "not_html", "canonical_elsewhere"})
"""Outcomes after which a page counts as having been fetched (no need to retry it)."""
WAITING_OUTCOMES = frozenset({"failed", "blocked"})
"""Outcomes after which a page waits before it is tried again (rule 3)."""


class Decision(StrEnum):
    FETCH = "fetch"
    SKIP_UNCHANGED = "skipped_unchanged"
    SKIP_BY_DATE = "skipped_by_date"
    SKIP_FAILED_RECENTLY = "skipped_failed_recently"
    SKIP_BY_ROBOTS = "skipped_by_robots"


@dataclass(frozen=True, slots=True)
class KnownState:
    """What ``warehouse.crawl_state`` remembers of a URL from earlier runs."""

    discovered_lastmod: datetime | None
    """The discovery date recorded when the page was last fetched."""
    last_fetched_at: datetime | None
    outcome: str | None
    etag: str | None = None
    last_modified: str | None = None
    """The ``Last-Modified`` header of the last fetch, verbatim."""
    failed_attempts: int = 0
    """Consecutive failed attempts up to the last one (0 after a success)."""
    last_attempt_at: datetime | None = None
    """When the URL was last requested, whatever came of it."""
    robots_sha256: str | None = None
    """SHA-256 of the robots.txt that disallowed the URL (outcome ``skipped_by_robots``)."""

    @property
    def fetched_before(self) -> bool:
        return self.last_fetched_at is not None and self.outcome in DONE_OUTCOMES


def failure_wait(failed_attempts: int, *, retry_failed: timedelta, revisit: timedelta) -> timedelta:
    """How long a URL waits after its ``failed_attempts``-th consecutive failure."""
    # 2**16 times any sensible first wait is beyond any revisit interval.
    factor: int = 2 ** max(0, min(failed_attempts, 16) - 1)
    return min(revisit, retry_failed * factor)


def disallowed_before(known: KnownState | None, robots_sha256: str | None) -> bool:
    """True when the robots.txt that disallowed the URL last time is the one its host
    serves now (``robots_sha256``; None while this run has not read it)."""
    return (
        known is not None
        and known.outcome == "skipped_by_robots"
        and robots_sha256 is not None
        and known.robots_sha256 == robots_sha256
    )


def failed_recently(
    known: KnownState | None, *, now: datetime, revisit: timedelta, retry_failed: timedelta
) -> bool:
    """True while the wait after the URL's last consecutive failure is not over."""
    return (
        known is not None
        and known.outcome in WAITING_OUTCOMES
        and known.failed_attempts > 0
        and known.last_attempt_at is not None
        and now - known.last_attempt_at
        < failure_wait(known.failed_attempts, retry_failed=retry_failed, revisit=revisit)
    )


def decide(
    found: Discovered,
    known: KnownState | None,
    *,
    window: Window,
    now: datetime,
    revisit: timedelta,
    retry_failed: timedelta = timedelta(0),
    robots_sha256: str | None = None,
) -> Decision:
    """Fetch or skip ``found`` (see the module docstring for the rules);
    ``robots_sha256``: the robots.txt its host serves in this run, if read yet."""
    if not window.contains(found.window_date):
        return Decision.SKIP_BY_DATE
    if disallowed_before(known, robots_sha256):
        return Decision.SKIP_BY_ROBOTS
    if failed_recently(known, now=now, revisit=revisit, retry_failed=retry_failed):
        return Decision.SKIP_FAILED_RECENTLY
    if known is None or not known.fetched_before:
        return Decision.FETCH
    if found.version_date is not None:
        if known.discovered_lastmod is not None and found.version_date == known.discovered_lastmod:
            return Decision.SKIP_UNCHANGED
        return Decision.FETCH
    assert known.last_fetched_at is not None
    return Decision.FETCH if now - known.last_fetched_at >= revisit else Decision.SKIP_UNCHANGED


def decide_navigation(
    known: KnownState | None,
    *,
    now: datetime,
    revisit: timedelta,
    retry_failed: timedelta,
    robots_sha256: str | None = None,
) -> Decision:
    """Request a section page, or skip it (robots.txt unchanged, or failed recently)."""
    if disallowed_before(known, robots_sha256):
        return Decision.SKIP_BY_ROBOTS
    if failed_recently(known, now=now, revisit=revisit, retry_failed=retry_failed):
        return Decision.SKIP_FAILED_RECENTLY
    return Decision.FETCH


def conditional_headers(known: KnownState | None) -> dict[str, str]:
    """``If-None-Match`` / ``If-Modified-Since`` for a page fetched before, else nothing."""
    if known is None or not known.fetched_before:
        return {}
    headers = {}
    if known.etag:
        headers["If-None-Match"] = known.etag
    if known.last_modified:
        headers["If-Modified-Since"] = known.last_modified
    return headers
