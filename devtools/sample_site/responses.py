"""The sample site's requests and responses, and the helpers every kind of page uses."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import TYPE_CHECKING

from devtools.sample_site import templates
from pipeline.utc import parse_utc

if TYPE_CHECKING:
    from devtools.sample_site.site import SampleSite

HTML = "text/html; charset=utf-8"
XML = "application/xml; charset=utf-8"


@dataclass(frozen=True, slots=True)
class Request:
    method: str
    path: str
    query: str = ""
    headers: Mapping[str, str] = field(default_factory=dict)
    """Lower-case names."""


@dataclass(frozen=True, slots=True)
class Response:
    status: int
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    stream: Iterator[bytes] | None = None
    """Sent with chunked transfer encoding instead of ``body`` (the oversized trap)."""
    delay_seconds: float = 0.0
    """How long to wait before answering (the slow trap)."""


def html_response(status: int, text: str, *extra: tuple[str, str]) -> Response:
    """An HTML page, encoded in UTF-8."""
    return Response(status, (("Content-Type", HTML), *extra), text.encode("utf-8"))


def xml_response(text: str) -> Response:
    """An XML document (a sitemap), encoded in UTF-8."""
    return Response(200, (("Content-Type", XML),), text.encode("utf-8"))


def not_found() -> Response:
    """The site's 404 page."""
    return html_response(
        404, templates.small_page("Page not found", "There is nothing at this address.")
    )


def http_date(value: datetime) -> str:
    """``value`` as an HTTP date (RFC 9110 IMF-fixdate)."""
    return format_datetime(value.astimezone(UTC), usegmt=True)


def not_modified(request: Request, etag: str, last_modified: datetime | None) -> bool:
    """RFC 9110: If-None-Match wins over If-Modified-Since."""
    inm = request.headers.get("if-none-match")
    if inm is not None:
        tags = {t.strip().removeprefix("W/") for t in inm.split(",")}
        return "*" in tags or etag in tags
    ims = request.headers.get("if-modified-since")
    if ims and last_modified is not None:
        since = parse_utc(ims)
        return since is not None and last_modified.replace(microsecond=0) <= since
    return False


def cached(
    request: Request,
    site: SampleSite,
    status: int,
    content_type: str,
    body: bytes,
    last_modified: datetime | None,
    *extra: tuple[str, str],
) -> Response:
    """A response with ETag (and Last-Modified), or 304 when the client has it."""
    digest = hashlib.sha1(body).hexdigest()[:20]
    etag = f'"{digest}"'
    headers: list[tuple[str, str]] = [("ETag", etag)]
    if last_modified is not None:
        headers.append(("Last-Modified", http_date(last_modified)))
    if not_modified(request, etag, last_modified):
        return Response(304, tuple(headers))
    return Response(status, (("Content-Type", content_type), *headers, *extra), body)
