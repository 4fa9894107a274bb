"""WARC files like other crawlers' (CC-NEWS) made from the sample site's pages.

The tests of ``newsflow import-warc`` and its benchmark build their inputs here: a
``warcinfo`` record, then one gzip member per ``response`` record, WARC/1.0 as CC-NEWS
writes it (WARC/1.1 and uncompressed on request). ``sample_pages`` renders the sample
site's article pages (served for a moment on 127.0.0.1 so their links are absolute) and
moves each publication to a host of its own (``https://daily-planet.example/...``), as
a multi-publisher CC-NEWS file has them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from io import BytesIO
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from devtools.sample_site.routes import render_article
from devtools.sample_site.site import SampleSite, SiteConfig


@dataclass(frozen=True, slots=True)
class WarcPage:
    """One response to write: URL, body, capture time (UTC), type and status."""

    url: str
    body: bytes
    captured_at: datetime
    content_type: str = "text/html; charset=utf-8"
    status: int = 200


def host_of_publication(publication: str) -> str:
    """The host a publication's pages are given in generated WARC files."""
    return f"{publication}.example"


def sample_pages(
    *, today: date, days: int = 2, articles_per_day: int = 3, page_kb: int = 20, seed: int = 7
) -> list[WarcPage]:
    """The sample site's article pages of ``days`` days ending ``today``, each
    publication on its own https host (``pages_of``)."""
    site = SampleSite(
        SiteConfig(
            seed=seed, today=today, days=days, articles_per_day=articles_per_day, page_kb=page_kb
        )
    )
    with site.serve() as served:
        return pages_of(served)


def pages_of(served: SampleSite, *, rehost: bool = True) -> list[WarcPage]:
    """The article pages of a serving sample site, captured an hour after publication;
    with ``rehost`` each publication moves to its own https host, else the URLs are the
    site's own (for matching a live crawl of it)."""
    base = served.base_url
    pages: list[WarcPage] = []
    for key in served.article_keys():
        if key.index < 0:  # the trap pages are a crawler's business, not an archive's
            continue
        spec = served.catalog.spec(key)
        host = f"https://{host_of_publication(key.publication)}" if rehost else base
        body = render_article(served, key).replace(base.encode(), host.encode())
        pages.append(WarcPage(host + spec.path, body, spec.published_at + timedelta(hours=1)))
    return pages


def other_pages(captured_at: datetime, host: str = "daily-planet.example") -> list[WarcPage]:
    """Responses an import leaves out: a stylesheet, a JSON API answer, a redirect."""
    return [
        WarcPage(f"https://{host}/static/site.css", b"body{margin:0}", captured_at, "text/css"),
        WarcPage(f"https://{host}/api/latest.json", b"[]", captured_at, "application/json"),
        WarcPage(f"https://{host}/old/", b"<html></html>", captured_at, "text/html", 301),
    ]


def write_warc(
    path: Path,
    pages: Iterable[WarcPage],
    *,
    gzip: bool = True,
    version: str = "WARC/1.0",
    with_requests: bool = False,
) -> list[int]:
    """Write a warcinfo record and one response record per page to ``path`` (gzip
    per record unless ``gzip`` is False); the offset of each response record."""
    offsets: list[int] = []
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=gzip, warc_version=version)
        writer.write_record(
            writer.create_warcinfo_record(path.name, {"software": "devtools.warc_files"})
        )
        for page in pages:
            offsets.append(handle.tell())
            writer.write_record(_response(writer, page))
            if with_requests:
                writer.write_record(_request(writer, page))
    return offsets


def _response(writer: WARCWriter, page: WarcPage) -> object:
    reason = {200: "OK", 301: "Moved Permanently"}.get(page.status, "")
    headers = [("Content-Type", page.content_type), ("Content-Length", str(len(page.body)))]
    if page.status == 301:
        headers.append(("Location", "/"))
    return writer.create_warc_record(
        page.url,
        "response",
        payload=BytesIO(page.body),
        length=len(page.body),
        http_headers=StatusAndHeaders(f"{page.status} {reason}", headers, protocol="HTTP/1.1"),
        warc_headers_dict={"WARC-Date": page.captured_at.astimezone(UTC).isoformat()},
    )


def _request(writer: WARCWriter, page: WarcPage) -> object:
    return writer.create_warc_record(
        page.url,
        "request",
        payload=BytesIO(b""),
        length=0,
        http_headers=StatusAndHeaders("GET / HTTP/1.1", [], is_http_request=True),
    )


def truncate_member(data: bytes, offsets: Sequence[int], index: int, keep: int = 200) -> bytes:
    """``data`` with the gzip member at ``offsets[index]`` cut to ``keep`` bytes."""
    start = offsets[index]
    end = offsets[index + 1] if index + 1 < len(offsets) else len(data)
    return data[: start + keep] + data[end:]
