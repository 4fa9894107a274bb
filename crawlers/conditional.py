"""Conditional discovery: whether a discovery document is asked for again, how, and
whether its answer is read: pure decisions.

A discovery document is a sitemap, sitemap index, feed, a page read for the feeds it
announces, a robots.txt read for its ``Sitemap:`` lines, or a section page followed for
its links. What was remembered of it (``DocumentState``, kept by
``crawlers.discovery_state``) decides, on the next run:

1. **Child sitemaps not asked for.** A child sitemap whose ``<lastmod>`` in its index
   is the one recorded at its last successful read is not requested at all
   (``skip_child``). One without a lastmod is asked conditionally; one whose last read
   failed has no recorded lastmod, so it is asked again.
2. **Conditional requests.** A document read successfully before is asked with
   ``If-None-Match`` (its ETag) and ``If-Modified-Since`` (its Last-Modified), when the
   server gave them (``request_headers``). A 304 is not parsed.
3. **Same body.** A server that gives no validators (or ignores them) sends the whole
   document; when its SHA-256 is the one of the last read (``body_unchanged``), it is not
   parsed again.

A document not read again leads to the documents it led to last time (its
``children``: an index's child sitemaps, announced feeds, linked section pages); the
article URLs it listed are already in crawl state, and the frontier's re-check
(``crawlers.frontier.Frontier.recheck``) takes those of them that are due (failed and
waited enough, now in the date window, undated and older than the revisit interval).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Child:
    """A document another one led to: a child sitemap (with the lastmod its index gave),
    an announced feed, a sitemap robots.txt lists, a linked section page."""

    url: str
    lastmod: datetime | None = None


@dataclass(frozen=True, slots=True)
class DocumentState:
    """What was remembered of a discovery document at its last successful read."""

    etag: str | None = None
    last_modified: str | None = None
    """The ``Last-Modified`` header, verbatim."""
    body_sha256: str | None = None
    index_lastmod: datetime | None = None
    """The ``<lastmod>`` the parent index gave at the last successful read (UTC)."""
    children: tuple[Child, ...] = ()
    failed_attempts: int = 0
    """Consecutive failed reads (0 after a success)."""

    @property
    def usable(self) -> bool:
        """True when the last read succeeded (a failed one is never taken as seen)."""
        return self.failed_attempts == 0 and (
            self.etag is not None or self.last_modified is not None or self.body_sha256 is not None
        )


def request_headers(state: DocumentState | None) -> dict[str, str]:
    """``If-None-Match`` / ``If-Modified-Since`` for a document read before with
    validators; nothing for a new one, one whose last read failed, or one whose server
    gave none."""
    if state is None or not state.usable:
        return {}
    headers = {}
    if state.etag:
        headers["If-None-Match"] = state.etag
    if state.last_modified:
        headers["If-Modified-Since"] = state.last_modified
    return headers


def skip_child(listed_lastmod: datetime | None, state: DocumentState | None) -> bool:
    """True when a child sitemap need not be requested: its index gives a lastmod, and
    it is the one recorded at the child's last successful read."""
    return (
        listed_lastmod is not None
        and state is not None
        and state.usable
        and state.index_lastmod is not None
        and state.index_lastmod == listed_lastmod
    )


def body_sha256(body: bytes) -> str:
    """SHA-256 (hex) of a document's body as received."""
    return hashlib.sha256(body).hexdigest()


def body_unchanged(sha256: str, state: DocumentState | None) -> bool:
    """True when a downloaded document has the body of its last successful read."""
    return state is not None and state.usable and state.body_sha256 == sha256
