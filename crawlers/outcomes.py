"""What happened to a page request, as a crawl-state record and a reason: pure functions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from crawlers.botwall import BotWall
from crawlers.discovery import Discovered
from crawlers.extensions.content_type import is_html_type
from crawlers.job import BLOCKED, FETCHED_AT, FOUND
from crawlers.state import FetchRecord
from crawlers.warc import WarcLocation

if TYPE_CHECKING:
    from scrapy.http import Response

_REASONS_BY_NAME = {
    "DownloadTimeoutError": "timeout",
    "TimeoutError": "timeout",
    "TCPTimedOutError": "timeout",
    "DownloadCancelledError": "too_large",
    "CancelledError": "too_large",
    "DNSLookupError": "dns",
    "CannotResolveHostError": "dns",
    "ConnectionRefusedError": "connection_refused",
    "DownloadConnectionRefusedError": "connection_refused",
    "ConnectionLost": "connection_lost",
    "ConnectionDone": "connection_lost",
    "ResponseFailed": "connection_lost",
    "ResponseNeverReceived": "connection_lost",
    "ResponseDataLossError": "connection_lost",
    "DownloadFailedError": "connection_lost",
    "ForbiddenByRobots": "robots",
}


def failure_reason(exc: BaseException) -> str:
    """A short, stable reason for a failed request (``timeout``, ``http_404``, ...)."""
    response = getattr(exc, "response", None)
    if response is not None and hasattr(response, "status"):  # HttpError
        return f"http_{response.status}"
    name = type(exc).__name__
    if name in _REASONS_BY_NAME:
        return _REASONS_BY_NAME[name]
    message = str(exc)
    if "max redirections" in message:
        return "redirect_loop"
    if "offsite" in message.lower():
        return "offsite_redirect"
    return f"error_{name}"


_DOCUMENT_FAILURES = {
    "connection_refused": "refused the connection",
    "dns": "has a host name that does not resolve (DNS)",
    "timeout": "did not answer in time",
    "connection_lost": "lost the connection",
    "too_large": "is larger than the response size limit",
    "redirect_loop": "redirects in a loop",
    "offsite_redirect": "redirects off the source's hosts",
}


def document_failure(url: str, reason: str, detail: str = "") -> str:
    """One line saying what went wrong with a discovery document, e.g.
    ``https://a.com/sitemap.xml answered 404``."""
    if reason.startswith("http_"):
        return f"{url} answered {reason[len('http_') :]}"
    if reason in _DOCUMENT_FAILURES:
        return f"{url} {_DOCUMENT_FAILURES[reason]}"
    if reason == "robots":
        closed = detail and not detail.startswith("Forbidden by robots.txt")
        return f"{url} not fetched: {detail if closed else 'disallowed by robots.txt'}"
    if reason == "malformed":
        return f"{url} could not be read: {detail}"
    return f"{url}: {detail}" if detail else f"{url} failed ({reason})"


def looks_like_html(body: bytes) -> bool:
    """True when the start of ``body`` looks like an HTML document."""
    head = body[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<html" in head or b"<head" in head


def response_record(
    found: Discovered,
    *,
    status: int,
    content_type: str | None,
    etag: str | None,
    last_modified: str | None,
    body_start: bytes,
    fetched_url: str,
    fetched_at: datetime,
    warc: WarcLocation | None,
    stopped: bool,
) -> FetchRecord:
    """The crawl-state record of a response to an article request."""
    record = FetchRecord(
        url=found.url,
        outcome="not_modified",
        fetched_at=fetched_at,
        lastmod=found.version_date,
        http_status=status,
        fetched_url=fetched_url,
        content_type=content_type,
        sitemap_keywords=found.keywords,
    )
    if status == 304:
        return record
    html = (
        is_html_type(content_type)
        and not stopped
        and (bool(content_type) or looks_like_html(body_start))
    )
    if not html:
        return replace(record, outcome="not_html", failure_reason="not_html")
    if warc is None:
        return replace(record, outcome="failed", failure_reason="not_archived")
    return replace(
        record,
        outcome="fetched",
        etag=etag,
        last_modified=last_modified,
        warc_path=warc.path,
        warc_offset=warc.offset,
        warc_length=warc.length,
        pending_extract=True,
    )


def failure_record(
    found: Discovered,
    reason: str,
    *,
    status: int | None = None,
    fetched_at: datetime | None = None,
    robots_sha256: str | None = None,
) -> FetchRecord:
    """The crawl-state record of a request that got no usable response
    (``robots_sha256``: the robots.txt that refused it, when it was refused)."""
    robots = reason == "robots"
    return FetchRecord(
        url=found.url,
        outcome="skipped_by_robots" if robots else "failed",
        failure_reason=reason,
        http_status=status,
        fetched_at=fetched_at,
        lastmod=found.version_date,
        robots_sha256=robots_sha256 if robots else None,
    )


def blocked_record(
    found: Discovered,
    wall: BotWall,
    *,
    status: int,
    fetched_url: str | None,
    fetched_at: datetime | None,
) -> FetchRecord:
    """The crawl-state record of an article request answered by a bot wall: outcome
    ``blocked``, reason ``bot_wall_<service>``; it waits like a failed page."""
    return FetchRecord(
        url=found.url,
        outcome="blocked",
        failure_reason=f"bot_wall_{wall.service}",
        http_status=status,
        fetched_url=fetched_url,
        fetched_at=fetched_at,
        lastmod=found.version_date,
    )


def wall_record(meta: Mapping[str, Any], response: Response) -> FetchRecord | None:
    """The ``blocked`` record of an article request whose ``response`` the bot-wall
    middleware marked as a wall (``meta``: the request's), else None."""
    wall: BotWall | None = meta.get(BLOCKED)
    if wall is None:
        return None
    return blocked_record(
        meta[FOUND],
        wall,
        status=response.status,
        fetched_url=response.url,
        fetched_at=meta.get(FETCHED_AT),
    )


def navigation_record(
    found: Discovered,
    *,
    status: int,
    content_type: str | None,
    fetched_url: str,
    fetched_at: datetime,
) -> FetchRecord:
    """The crawl-state record of a section page read for its links (never archived
    for extraction: its links are what it is for)."""
    return FetchRecord(
        url=found.url,
        outcome="followed",
        kind="navigation",
        http_status=status,
        content_type=content_type,
        fetched_url=fetched_url,
        fetched_at=fetched_at,
    )


def navigation_failure_record(
    found: Discovered,
    reason: str,
    *,
    status: int | None = None,
    fetched_at: datetime | None = None,
    robots_sha256: str | None = None,
) -> FetchRecord:
    """The crawl-state record of a section page that could not be read; its reason is
    ``nav_<reason>``, the key it has in the crawl's ``failed_by_reason``."""
    record = failure_record(
        found, reason, status=status, fetched_at=fetched_at, robots_sha256=robots_sha256
    )
    if record.outcome == "failed":
        record = replace(record, failure_reason=f"nav_{reason}")
    return replace(record, kind="navigation", lastmod=None)
